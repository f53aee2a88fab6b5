//! A query parameter added to the spec reaches the wire with no handwritten
//! edit. `cargo xtask spec added-filter` generates the client from
//! `spec/assured.yaml` plus three filters on `list_providers`, a text
//! (`specialty`), an account id (`supervisor`, a `$ref` to the spec's
//! `AccountId`, so its setter takes `assured::AccountId`) and a
//! comma-separated list (`taxonomy_in`), with the API
//! key's header renamed (`x-assured-key`) and a server added (`Sandbox`),
//! through `ASSURED_SPEC`, which compiles this file, and runs it.
#![cfg(assured_spec_override)]

use assured::{AccountId, Client, ListProvidersParams};
use httpmock::prelude::*;
use serde_json::json;

const SUPERVISOR: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

#[tokio::test]
async fn a_filter_added_to_the_spec_reaches_the_wire() {
    let server = MockServer::start_async().await;
    let page = json!({"count": 0, "next": null, "previous": null, "results": []});
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/providers-list/")
                .query_param("specialty", "cardiology")
                .query_param("supervisor", SUPERVISOR)
                .query_param("taxonomy_in", "207RC0000X,208600000X")
                .query_param("last_name", "Doe")
                .header("x-assured-key", "test-key")
                .header_missing("x-api-key");
            then.status(200).json_body(page);
        })
        .await;
    let client = Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .build()
        .unwrap();
    // Its setter, and by name as the command line's --filter sets it.
    let supervisor: AccountId = SUPERVISOR.parse().unwrap();
    let typed = ListProvidersParams::new()
        .specialty("cardiology")
        .supervisor(supervisor)
        .taxonomy_in(["207RC0000X".to_string(), "208600000X".to_string()])
        .last_name("Doe");
    let by_name = ListProvidersParams::new()
        .set("specialty", "cardiology")
        .and_then(|p| p.set("supervisor", SUPERVISOR))
        .and_then(|p| p.set("taxonomy_in", "207RC0000X,208600000X"))
        .and_then(|p| p.set("last_name", "Doe"))
        .unwrap();
    assert_eq!(typed, by_name);
    for params in [typed, by_name] {
        client.providers().list_providers(&params).await.unwrap();
        client.providers().walk(&params).collect().await.unwrap();
    }
    mock.assert_calls_async(4).await;
    // The typed filter refuses what is not an account id, naming it.
    let refused = ListProvidersParams::new()
        .set("supervisor", "nobody")
        .unwrap_err();
    assert_eq!(refused.field, "supervisor");
    // A server added to the spec is an environment.
    assert_eq!(
        assured::Environment::Sandbox.base_url(),
        "https://sandbox.example"
    );
}
