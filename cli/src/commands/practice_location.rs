//! `assured practice-location …`: add providers, list who is missing.

use assured::{
    models::PracticeLocationProviders, Client, ListProvidersNotInPracticeLocationParams,
};

use super::{print_all, print_one, print_page};
use crate::{
    args::{Format, PracticeLocationCommand},
    exit::Outcome,
};

/// Runs one `practice-location` subcommand.
pub async fn run(command: PracticeLocationCommand, client: &Client, format: Format) -> Outcome {
    let providers = client.providers();
    match command {
        PracticeLocationCommand::Add { location, ids } => {
            let what = format!("adding providers to practice location {location}");
            let added = providers
                .add_practice_location_providers(PracticeLocationProviders {
                    practice_location: location,
                    providers: ids,
                })
                .await;
            print_one(format, &what, added)
        }
        PracticeLocationCommand::Missing(args) => {
            let (location, paging) = (args.location, &args.paging);
            let params = super::query(
                &args,
                &paging.filter,
                ListProvidersNotInPracticeLocationParams::set,
            )?;
            let what = format!("listing providers not in practice location {location}");
            if paging.all {
                let walk = providers.walk(&params);
                print_all(format, &what, walk, paging.max_items).await
            } else {
                let page = providers
                    .list_providers_not_in_practice_location(&params)
                    .await;
                print_page(format, &what, page)
            }
        }
    }
}
