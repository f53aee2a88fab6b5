//! Responses decode what the server may add tomorrow: unknown fields and
//! new enum values.

mod common;

use assured::{
    models::{SourceOfJoining, UserType},
    ListProvidersParams,
};
use common::*;
use httpmock::{Method::*, MockServer};
use serde_json::json;

#[tokio::test]
async fn unknown_fields_and_enum_values_decode() {
    let server = MockServer::start_async().await;
    let mut provider = provider_json(PROVIDER_ID, "1234567893");
    provider["user_type"] = json!("telehealth_partner");
    provider["favourite_colour"] = json!({"nested": [1, 2, 3]});
    provider["npi"] = json!(null);
    provider["provider_profile_id"] = json!(null);
    // A computed field may also be left out altogether.
    let mut bare = provider_json(OTHER_ID, "1234567893");
    for computed in [
        "full_name",
        "npi",
        "provider_profile_id",
        "profile_completeness_percentage",
    ] {
        bare.as_object_mut().unwrap().remove(computed);
    }
    let body = json!({"count": 2, "next": null, "previous": null, "results": [provider, bare], "took_ms": 4});
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/providers-list/");
            then.status(200).json_body(body.clone());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v1/users/create-providers/");
            then.status(201).json_body(json!({
                "id": OTHER_ID, "email": "sam.lee@example.com", "first_name": "Sam", "last_name": "Lee",
                "source_of_joining": "FROM_PARTNER_SYNC", "created_at": "2026-11-26T10:00:00Z"
            }));
        })
        .await;
    let client = client(&server);
    let page = client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap();
    let p = &page.results[0];
    assert_eq!(
        p.user_type,
        Some(UserType::Unknown("telehealth_partner".into()))
    );
    assert_eq!(p.npi, None);
    assert_eq!(p.provider_profile_id, None);
    let bare = &page.results[1];
    assert_eq!(bare.id.to_string(), OTHER_ID);
    assert_eq!((&bare.full_name, &bare.npi), (&None, &None));
    assert_eq!(bare.profile_completeness_percentage, None);

    let new = assured::models::CreateProvider::builder()
        .email("sam.lee@example.com")
        .first_name("Sam")
        .last_name("Lee")
        .try_into()
        .unwrap();
    let created = client.providers().create_provider(new).await.unwrap();
    assert_eq!(
        created.source_of_joining,
        Some(SourceOfJoining::Unknown("FROM_PARTNER_SYNC".into()))
    );
    // An unknown value goes back on the wire as it came.
    assert_eq!(
        serde_json::to_value(&created.source_of_joining).unwrap(),
        json!("FROM_PARTNER_SYNC")
    );
}

#[tokio::test]
async fn a_null_source_of_joining_decodes_as_none() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v1/users/create-providers/");
            then.status(201).json_body(json!({
                "id": OTHER_ID, "email": "sam.lee@example.com", "first_name": "Sam", "last_name": "Lee",
                "source_of_joining": null
            }));
        })
        .await;
    let new = assured::models::CreateProvider::builder()
        .email("sam.lee@example.com")
        .first_name("Sam")
        .last_name("Lee")
        .try_into()
        .unwrap();
    let created = client(&server)
        .providers()
        .create_provider(new)
        .await
        .unwrap();
    assert_eq!(created.source_of_joining, None);
}

#[test]
fn a_long_name_from_the_server_still_decodes() {
    // Length limits are checked on requests, not enforced on responses.
    let mut provider = provider_json(PROVIDER_ID, "1234567893");
    provider["first_name"] = json!("x".repeat(80));
    let decoded: assured::models::Provider = serde_json::from_value(provider).unwrap();
    assert_eq!(decoded.first_name.unwrap().len(), 80);
}
