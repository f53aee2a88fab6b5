//! `assured providers …`: list, get, profile-id, by-npi, invite, create,
//! import-caqh.

use assured::{
    models::{CreateProvider, ImportProviderWithCaqh, InviteProvider},
    Client, ListProvidersParams,
};

use super::{print_all, print_one, print_page};
use crate::{
    args::{CreateArgs, Format, ImportCaqhArgs, InviteArgs, ListArgs, ProvidersCommand},
    bulk,
    exit::{Code, Failure, Outcome},
    output::{self, written},
    records::ProfileId,
    secret,
};

/// Runs one `providers` subcommand.
pub async fn run(command: ProvidersCommand, client: &Client, format: Format) -> Outcome {
    let providers = client.providers();
    match command {
        ProvidersCommand::List(args) => list(args, client, format).await,
        ProvidersCommand::Get { id } => {
            let what = format!("getting provider {id}");
            print_one(format, &what, providers.get(id).await)
        }
        ProvidersCommand::ProfileId { id } => {
            let what = format!("getting the profile id of provider {id}");
            let profile = providers.get_profile_id(id).await;
            let profile = profile.map(|profile| ProfileId {
                id: id.to_string(),
                provider_profile_id: profile.to_string(),
            });
            print_one(format, &what, profile)
        }
        ProvidersCommand::ByNpi { npis } => by_npi(&npis, client, format).await,
        ProvidersCommand::Invite(args) => invite(args, client, format).await,
        ProvidersCommand::Create(args) => create(args, client, format).await,
        ProvidersCommand::ImportCaqh(args) => import_caqh(args, client, format).await,
    }
}

async fn list(args: ListArgs, client: &Client, format: Format) -> Outcome {
    let params = super::query(&args, &args.paging.filter, ListProvidersParams::set)?;
    let providers = client.providers();
    if args.paging.all {
        let walk = providers.walk(&params);
        print_all(format, "listing providers", walk, args.paging.max_items).await
    } else {
        print_page(
            format,
            "listing providers",
            providers.list_providers(&params).await,
        )
    }
}

/// Prints the providers found; NPIs that matched nobody fail with 4 after.
async fn by_npi(npis: &[String], client: &Client, format: Format) -> Outcome {
    let found = client
        .providers()
        .get_by_npis(npis)
        .await
        .map_err(|e| Failure::api("finding providers by NPI", &e))?;
    written(output::many(format, &found.found))?;
    if found.missing.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(
            Code::NotFound,
            format!("no provider found with NPI {}", found.missing.join(", ")),
        ))
    }
}

async fn invite(args: InviteArgs, client: &Client, format: Format) -> Outcome {
    if let Some(path) = &args.csv {
        let options = bulk::Options {
            batch_size: args.batch_size as usize,
            stop_on_error: args.stop_on_error,
            rejects: args.rejects,
        };
        return bulk::invite_csv(client, path, options, format).await;
    }
    let Some(email) = args.email else {
        return Err(Failure::invalid("give --email, or --csv FILE"));
    };
    let invite = InviteProvider {
        cc_emails: args.cc_email,
        client: args.client,
        email: email.trim().to_string(),
        first_name: args.first_name,
        last_name: args.last_name,
        org_joining_date: args.org_joining_date,
        primary_practice_location: None,
        provider_practice_locations: args.practice_location,
    };
    let what = format!("inviting {}", invite.email);
    let invited = client
        .providers()
        .invite_providers([invite])
        .await
        .map_err(|e| Failure::api(&what, &e))?;
    written(output::many(format, &invited))
}

async fn create(args: CreateArgs, client: &Client, format: Format) -> Outcome {
    let provider = CreateProvider {
        client: args.client,
        document_type: args.document_type,
        document_url: args.document_url,
        email: args.email.trim().to_string(),
        first_name: args.first_name,
        is_associate: args.associate.then_some(true),
        last_name: args.last_name,
        org_joining_date: args.org_joining_date,
        primary_practice_location: args.primary_practice_location,
        provider_practice_locations: args.practice_location,
    };
    let what = format!("creating provider {}", provider.email);
    print_one(
        format,
        &what,
        client.providers().create_provider(provider).await,
    )
}

async fn import_caqh(args: ImportCaqhArgs, client: &Client, format: Format) -> Outcome {
    let password = secret::caqh_password()?;
    let import = ImportProviderWithCaqh {
        caqh_password: password,
        caqh_username: args.caqh_username,
        email: args.email.trim().to_string(),
        first_name: args.first_name,
        last_name: args.last_name,
        primary_practice_location: args.primary_practice_location,
        provider_practice_locations: args.practice_location,
    };
    let what = format!("importing provider {} from CAQH", import.email);
    print_one(
        format,
        &what,
        client.providers().import_provider_with_caqh(import).await,
    )
}
