//! `assured caqh-requests …`: list and create CAQH re-import requests.
//! Their credentials are redacted in every output format.

use assured::{models::NewCaqhImportRequest, Client, ListCaqhImportRequestsParams};

use super::{print_all, print_one, print_page};
use crate::{
    args::{CaqhRequestsCommand, Format},
    exit::Outcome,
    secret,
};

/// Runs one `caqh-requests` subcommand.
pub async fn run(command: CaqhRequestsCommand, client: &Client, format: Format) -> Outcome {
    let providers = client.providers();
    match command {
        CaqhRequestsCommand::List(args) => {
            let paging = &args.paging;
            let params = super::query(&args, &paging.filter, ListCaqhImportRequestsParams::set)?;
            let what = "listing CAQH import requests";
            if paging.all {
                let walk = providers.walk(&params);
                print_all(format, what, walk, paging.max_items).await
            } else {
                print_page(
                    format,
                    what,
                    providers.list_caqh_import_requests(&params).await,
                )
            }
        }
        CaqhRequestsCommand::Create {
            full_name,
            username,
            signature,
        } => {
            let password = secret::caqh_password()?;
            let request = NewCaqhImportRequest {
                caqh_password: password,
                caqh_username: username,
                full_name,
                signature,
            };
            let what = format!("requesting a CAQH import for {}", request.full_name);
            print_one(format, &what, providers.request_caqh_import(request).await)
        }
    }
}
