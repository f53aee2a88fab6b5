//! The generated list parameters: by name as by setter, empty lists not
//! sent, required parameters and bad text refused before any request.

mod common;

use assured::{
    Error, ListCaqhImportRequestsParams, ListProvidersNotInPracticeLocationParams,
    ListProvidersParams,
};
use common::*;
use httpmock::MockServer;

const IDS: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6,5d7e9f10-2a3b-4c5d-8e9f-0a1b2c3d4e5f";

#[tokio::test]
async fn set_by_name_sends_what_the_setters_send() {
    let server = MockServer::start_async().await;
    let mock = empty_list(
        &server,
        "id_in=3fa85f64-5717-4562-b3fc-2c963f66afa6%2C5d7e9f10-2a3b-4c5d-8e9f-0a1b2c3d4e5f\
         &is_active=false&last_name=O%27Neil&limit=7&offset=3",
    )
    .await;
    let by_name = [
        ("id_in", IDS),
        ("is_active", "false"),
        ("last_name", "O'Neil"),
        ("limit", "7"),
        ("offset", "3"),
    ]
    .into_iter()
    .try_fold(ListProvidersParams::new(), |p, (name, text)| {
        p.set(name, text)
    })
    .unwrap();
    let typed = ListProvidersParams::new()
        .id_in(IDS.split(',').map(|id| id.parse().unwrap()))
        .is_active(false)
        .last_name("O'Neil")
        .limit(7)
        .offset(3);
    assert_eq!(by_name, typed);
    let providers = client(&server);
    for params in [by_name, typed] {
        providers.providers().list_providers(&params).await.unwrap();
    }
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn empty_lists_are_not_sent() {
    let server = MockServer::start_async().await;
    let mock = empty_list(&server, "").await;
    let params = ListProvidersParams::new()
        .id_in([])
        .client_in([])
        .set("id_in", " , ")
        .unwrap();
    client(&server)
        .providers()
        .list_providers(&params)
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request_naming_the_parameter() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(500);
        })
        .await;
    let unknown = ListProvidersParams::new()
        .set("specialty", "x")
        .unwrap_err();
    assert_eq!(unknown.field, "specialty");
    assert!(unknown
        .rule
        .contains("is not a parameter of list_providers"));
    assert!(unknown.rule.contains("last_name"), "{}", unknown.rule);
    let bad_uuid = ListCaqhImportRequestsParams::new()
        .set("provider", "not-a-uuid")
        .unwrap_err();
    // An account id's rule, under the parameter's name only.
    assert_eq!(
        (bad_uuid.field.as_str(), bad_uuid.rule.as_str()),
        ("provider", "must be a UUID (the provider's account id)")
    );
    let bad_ids = ListProvidersParams::new()
        .set("id_in", "3fa85f64-5717-4562-b3fc-2c963f66afa6,nope")
        .unwrap_err();
    assert_eq!(
        bad_ids.to_string(),
        "id_in: must be a UUID (the provider's account id)"
    );
    let bad_list = ListProvidersParams::new()
        .set("client_in", "3fa85f64-5717-4562-b3fc-2c963f66afa6,nope")
        .unwrap_err();
    // A parser's refusal is its rule, not where it stopped.
    assert_eq!(bad_list.to_string(), "client_in: must be a UUID");
    let bad_bool = ListProvidersParams::new()
        .set("is_active", "yes")
        .unwrap_err();
    assert_eq!(bad_bool.to_string(), "is_active: must be true or false");
    let bad_count = ListProvidersParams::new().set("limit", "-1").unwrap_err();
    assert_eq!(bad_count.to_string(), "limit: must be a whole number");

    // practice_location is required by the spec: refused, not sent.
    let client = client(&server);
    let missing = ListProvidersNotInPracticeLocationParams::new().search("doe");
    let error = client
        .providers()
        .list_providers_not_in_practice_location(&missing)
        .await
        .unwrap_err();
    match &error {
        Error::InvalidInput(e) => {
            assert_eq!(
                (e.field.as_str(), e.rule.as_str()),
                ("practice_location", "is required")
            );
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    let walked = client.providers().walk(&missing).collect().await;
    assert!(matches!(walked, Err(Error::InvalidInput(_))));
    any.assert_calls_async(0).await;
}

#[test]
fn names_list_every_parameter_in_the_spec_order() {
    assert_eq!(
        ListProvidersNotInPracticeLocationParams::NAMES,
        ["limit", "offset", "practice_location", "search"]
    );
    assert_eq!(
        ListCaqhImportRequestsParams::NAMES,
        ["limit", "offset", "provider"]
    );
    assert!(ListProvidersParams::NAMES.contains(&"profile_completeness"));
    assert_eq!(
        ListProvidersParams::NAMES,
        [
            "client",
            "client_in",
            "email",
            "first_name",
            "id_in",
            "is_active",
            "last_name",
            "limit",
            "npi",
            "offset",
            "ordering",
            "profile_completeness",
            "search"
        ]
    );
}
