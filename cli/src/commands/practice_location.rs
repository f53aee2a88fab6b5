//! `assured practice-location …`: add providers, list who is missing.

use assured::{AccountId, Client, PracticeLocationParams};

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
            let ids: Vec<AccountId> = ids.into_iter().map(AccountId::from).collect();
            let added = providers.add_to_practice_location(location, &ids).await;
            print_one(format, &what, added)
        }
        PracticeLocationCommand::Missing {
            location,
            search,
            paging,
        } => {
            let mut params = PracticeLocationParams::new();
            if let Some(term) = search {
                params = params.search(term);
            }
            if let Some(limit) = paging.limit {
                params = params.limit(limit);
            }
            if let Some(offset) = paging.offset {
                params = params.offset(offset);
            }
            let what = format!("listing providers not in practice location {location}");
            if paging.all {
                let walk = providers.walk_not_in_practice_location(location, &params);
                print_all(format, &what, walk, paging.max_items).await
            } else {
                let page = providers
                    .list_not_in_practice_location(location, &params)
                    .await;
                print_page(format, &what, page)
            }
        }
    }
}
