//! `assured org-joining-date …`: read, set or clear a provider's
//! organisation joining date, by provider profile id.

use assured::Client;

use super::print_one;
use crate::{
    args::{Format, OrgJoiningDateCommand},
    exit::Outcome,
};

/// Runs one `org-joining-date` subcommand.
pub async fn run(command: OrgJoiningDateCommand, client: &Client, format: Format) -> Outcome {
    let providers = client.providers();
    match command {
        OrgJoiningDateCommand::Get { profile_id } => {
            let what = format!("reading the joining date of profile {profile_id}");
            let date = providers.get_org_joining_date(profile_id.trim()).await;
            print_one(format, &what, date)
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
            let updated = providers
                .update_org_joining_date(profile_id.trim(), date)
                .await;
            print_one(format, &what, updated)
        }
    }
}
