//! A query parameter added to the spec reaches the wire with no handwritten
//! edit. `cargo xtask spec added-filter` generates the client from
//! `spec/assured.yaml` plus three filters on `list_providers`, a text
//! (`specialty`), an account id (`supervisor`, a `$ref` to the spec's
//! `AccountId`, so its setter takes `assured::AccountId`) and a
//! comma-separated list (`taxonomy_in`), with the API
//! key's header renamed (`x-assured-key`) and a server added (`Sandbox`),
//! and two operations added (`add_provider_note`, `remove_provider_note`),
//! through `ASSURED_SPEC`, which compiles this file, and runs it (with
//! the sandbox, which must follow the renamed header too).
#![cfg(assured_spec_override)]

use assured::{AccountId, Client, ListProvidersParams};
use httpmock::prelude::*;
use serde_json::json;

const SUPERVISOR: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

/// A client of `server`, its key sent under the renamed header.
fn client_of(server: &MockServer) -> Client {
    Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .build()
        .unwrap()
}

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
    let client = client_of(&server);
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

/// The sandbox reads the key from the spec's header too, and keeps it out
/// of its request log under the new name.
#[cfg(feature = "sandbox")]
#[tokio::test]
async fn the_sandbox_follows_the_renamed_key_header() {
    let sandbox = assured::sandbox::Sandbox::builder()
        .providers(3)
        .start()
        .await
        .unwrap();
    let key = sandbox.api_key().to_string();
    let page = sandbox
        .client()
        .unwrap()
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap();
    assert_eq!(page.count, 3);
    // The old header name is not the key any more: refused.
    let url = format!("{}/api/v1/users/providers-list/", sandbox.base_url());
    let old = reqwest::Client::new()
        .get(&url)
        .header("x-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(old.status().as_u16(), 401);
    for request in sandbox.requests() {
        for (name, value) in &request.headers {
            assert_ne!(name, "x-assured-key", "the key header was logged");
            // The refused request's header is an ordinary one now; no
            // request the client sent logged the key under any name.
            if name != "x-api-key" {
                assert!(!value.contains(&key), "{name} holds the key");
            }
        }
    }
}

/// Two operations added to the spec are methods with no handwritten edit:
/// the path's UUID, account id and number typed, the body checked against
/// its schema before sending, a 204 answered as `()`.
#[tokio::test]
async fn operations_added_to_the_spec_are_methods() {
    use assured::models::ProviderNote;

    let server = MockServer::start_async().await;
    let location = assured::Uuid::from_u128(0x5eed);
    let notes = format!("/api/v1/users/practice-locations/{location}/providers/{SUPERVISOR}/notes");
    let path = format!("{notes}/7/");
    let add = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(path.clone())
                .header("x-assured-key", "test-key")
                .json_body(json!({"text": "on leave"}));
            then.status(201).json_body(json!({"text": "on leave"}));
        })
        .await;
    let remove = server
        .mock_async(|when, then| {
            when.method(DELETE).path(path.clone());
            then.status(204);
        })
        .await;
    let client = client_of(&server);
    let providers = client.providers();
    let account: AccountId = SUPERVISOR.parse().unwrap();
    let note = |text: &str| ProviderNote {
        text: text.to_string(),
    };
    let added = providers
        .add_provider_note(location, &account, 7, note("on leave"))
        .await
        .unwrap();
    assert_eq!(added.text, "on leave");
    // The spec's maxLength of the added schema, before anything is sent.
    let long = providers
        .add_provider_note(location, &account, 7, note(&"x".repeat(21)))
        .await
        .unwrap_err();
    assert!(
        matches!(&long, assured::Error::InvalidInput(e) if e.field == "text"),
        "{long}"
    );
    let () = providers
        .remove_provider_note(location, &account, 7)
        .await
        .unwrap();
    add.assert_calls_async(1).await;
    remove.assert_calls_async(1).await;
    // An operation that declares no error answers still maps a refusal
    // onto the crate's error, with the path and the request id.
    let gone = server
        .mock_async(|when, then| {
            when.method(DELETE).path(format!("{notes}/8/"));
            then.status(404).header("x-request-id", "req-8");
        })
        .await;
    let error = providers
        .remove_provider_note(location, &account, 8)
        .await
        .unwrap_err();
    assert!(matches!(&error, assured::Error::NotFound(_)), "{error:?}");
    assert_eq!(error.request_id(), Some("req-8"));
    assert!(error.to_string().contains("/notes/8/"), "{error}");
    gone.assert_async().await;
}
