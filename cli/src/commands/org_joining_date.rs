//! `assured org-joining-date …`: read, set or clear a provider's
//! organisation joining date, by provider profile id.

use assured::{
    models::{PatchedProviderOrgJoiningDate, ProviderOrgJoiningDate},
    AccountId, Client, ProfileId,
};

use super::print_one;
use crate::{
    args::{Format, OrgJoiningDateCommand},
    exit::{Failure, Outcome},
};

/// Runs one `org-joining-date` subcommand.
pub async fn run(command: OrgJoiningDateCommand, client: &Client, format: Format) -> Outcome {
    let providers = client.providers();
    let (profile_id, what, result) = match command {
        OrgJoiningDateCommand::Get { profile_id } => {
            let what = format!("reading the joining date of profile {profile_id}");
            let date = match profile_id.parse::<ProfileId>() {
                Ok(profile) => providers.get_provider_org_joining_date(&profile).await,
                Err(e) => Err(e.into()),
            };
            (profile_id, what, date)
        }
        OrgJoiningDateCommand::Set {
            profile_id,
            date,
            clear,
        } => {
            let (what, date) = match (date, clear) {
                (Some(date), false) => (
                    format!("setting the joining date of profile {profile_id}"),
                    Some(date),
                ),
                _ => (
                    format!("clearing the joining date of profile {profile_id}"),
                    None,
                ),
            };
            let updated = match profile_id.parse::<ProfileId>() {
                Ok(profile) => {
                    providers
                        .update_provider_org_joining_date(
                            &profile,
                            PatchedProviderOrgJoiningDate {
                                org_joining_date: date,
                            },
                        )
                        .await
                }
                Err(e) => Err(e.into()),
            };
            (profile_id, what, updated)
        }
    };
    match result {
        Err(error @ assured::Error::NotFound(_)) => {
            let mut failure = Failure::api(&what, &error);
            failure
                .message
                .push_str(&hint(client, profile_id.trim()).await);
            Err(failure)
        }
        other => print_one::<ProviderOrgJoiningDate>(format, &what, other),
    }
}

/// What to try after a 404. The usual mistake is a provider's account id
/// where the profile id belongs: when `id` is one, the hint names the
/// profile id to use.
async fn hint(client: &Client, id: &str) -> String {
    let profile = match id.parse::<AccountId>() {
        Ok(account) => client.providers().get_profile_id(account).await,
        Err(e) => Err(e.into()),
    };
    match profile {
        Ok(profile) => format!(
            " (hint: {id} is a provider's account id, not a profile id; \
             its profile id is {profile})"
        ),
        Err(_) => " (hint: this takes a provider profile id; \
                   `assured providers profile-id <account id>` prints it)"
            .to_string(),
    }
}
