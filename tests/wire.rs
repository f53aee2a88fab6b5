//! One test per operation: method, path, exact query, headers, exact JSON
//! body (unset optional fields absent), and the decoded result.

mod common;

use assured::{
    models::{
        CreateProvider, ImportProviderWithCaqh, InviteProvider, NewCaqhImportRequest,
        PatchedProviderOrgJoiningDate, PracticeLocationProviders, SourceOfJoining, UserType,
    },
    ListCaqhImportRequestsParams, ListProvidersNotInPracticeLocationParams, ListProvidersParams,
    ProfileId,
};
use chrono::NaiveDate;
use common::*;
use httpmock::{Method::*, MockServer};
use serde_json::json;
use uuid::Uuid;

fn uuid(s: &str) -> Uuid {
    s.parse().unwrap()
}

#[tokio::test]
async fn list_sends_every_filter_in_order_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let body = page(
        &server,
        vec![provider_json(PROVIDER_ID, "1234567893")],
        1023,
        Some("limit=100&offset=500"),
    );
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/providers-list/")
                .header("x-api-key", KEY)
                .header("accept", "application/json")
                .header("user-agent", concat!("assured-rust/", env!("CARGO_PKG_VERSION")))
                .is_true(exact_query(
                    "client=0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f\
                     &client_in=0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f%2C6b1f0a52-8a5e-4c0e-9d7b-3e2f1a4c5d6e\
                     &email=jane.doe%40example.com&first_name=Jane\
                     &id_in=3fa85f64-5717-4562-b3fc-2c963f66afa6%2C5d7e9f10-2a3b-4c5d-8e9f-0a1b2c3d4e5f\
                     &is_active=true&last_name=Doe&limit=100&npi=1234567893&offset=400\
                     &ordering=-last_name&profile_completeness=false&search=jane+doe",
                ));
            then.status(200).json_body(body.clone());
        })
        .await;
    let params = ListProvidersParams::new()
        .client(uuid(CLIENT_ID))
        .client_in([uuid(CLIENT_ID), uuid(LOCATION_ID)])
        .email("jane.doe@example.com")
        .first_name("Jane")
        .id_in([uuid(PROVIDER_ID).into(), uuid(OTHER_ID).into()])
        .is_active(true)
        .last_name("Doe")
        .limit(100)
        .npi("1234567893")
        .offset(400)
        .ordering("-last_name")
        .profile_completeness(false)
        .search("jane doe");
    let page = client(&server)
        .providers()
        .list_providers(&params)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.count, 1023);
    assert_eq!(
        page.next.as_deref(),
        Some(
            format!(
                "{}/api/v1/users/providers-list/?limit=100&offset=500",
                server.base_url()
            )
            .as_str()
        )
    );
    assert_eq!(page.previous, None);
    let p = &page.results[0];
    assert_eq!(p.id, uuid(PROVIDER_ID).into());
    assert_eq!(p.email, "jane.doe@example.com");
    assert_eq!(p.first_name.as_deref(), Some("Jane"));
    assert_eq!(p.middle_name, None);
    assert_eq!(p.npi.as_deref(), Some("1234567893"));
    assert_eq!(p.full_name.as_deref(), Some("Jane Doe"));
    assert_eq!(
        p.provider_profile_id.as_ref().map(ProfileId::as_str),
        Some(PROFILE_ID)
    );
    assert_eq!(p.profile_completeness_percentage, Some(87.5));
    assert_eq!(p.is_active, Some(true));
    assert_eq!(p.user_type, None);
}

#[tokio::test]
async fn list_without_params_sends_no_query() {
    let server = MockServer::start_async().await;
    let mock = empty_list(&server, "").await;
    let page = client(&server)
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.count, 0);
    assert!(page.results.is_empty() && !page.has_next());
}

#[tokio::test]
async fn invite_sends_the_array_without_unset_fields() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/users/invite-providers/")
                .header("x-api-key", KEY)
                .header("content-type", "application/json")
                .is_true(exact_query(""))
                .json_body(json!([
                    {
                        "email": "jane.doe@example.com",
                        "first_name": "Jane",
                        "last_name": "Doe",
                        "provider_practice_locations": [LOCATION_ID],
                        "client": CLIENT_ID,
                        "org_joining_date": "2025-11-27"
                    },
                    {"email": "sam.lee@example.com"}
                ]));
            then.status(200).json_body(json!([
                {"id": PROVIDER_ID, "email": "jane.doe@example.com", "first_name": "Jane",
                 "last_name": "Doe", "provider_practice_locations": [LOCATION_ID]},
                {"id": OTHER_ID, "email": "sam.lee@example.com", "first_name": null,
                 "last_name": null, "provider_practice_locations": []}
            ]));
        })
        .await;
    let jane: InviteProvider = InviteProvider::builder()
        .email("jane.doe@example.com")
        .first_name("Jane")
        .last_name("Doe")
        .provider_practice_locations(vec![uuid(LOCATION_ID)])
        .client(Some(uuid(CLIENT_ID)))
        .org_joining_date(NaiveDate::from_ymd_opt(2025, 11, 27))
        .try_into()
        .unwrap();
    let sam: InviteProvider = InviteProvider::builder()
        .email("sam.lee@example.com")
        .try_into()
        .unwrap();
    let created = client(&server)
        .providers()
        .invite_providers([jane, sam])
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(created.len(), 2);
    assert_eq!(created[0].id, uuid(PROVIDER_ID).into());
    assert_eq!(
        created[0].provider_practice_locations,
        vec![uuid(LOCATION_ID)]
    );
    assert_eq!(created[1].email, "sam.lee@example.com");
    assert_eq!(created[1].first_name, None);
}

#[tokio::test]
async fn import_with_caqh_sends_credentials_only_in_the_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/users/import-single-provider-with-caqh/")
                .header("x-api-key", KEY)
                .is_true(exact_query(""))
                .json_body(json!({
                    "email": "jane.doe@example.com",
                    "first_name": "Jane",
                    "last_name": "Doe",
                    "caqh_username": CAQH_USERNAME,
                    "caqh_password": CAQH_PASSWORD,
                    "provider_practice_locations": [LOCATION_ID]
                }));
            then.status(200).json_body(json!({
                "id": PROVIDER_ID, "email": "jane.doe@example.com", "first_name": "Jane",
                "last_name": "Doe", "provider_practice_locations": [LOCATION_ID],
                "primary_practice_location": null
            }));
        })
        .await;
    let import: ImportProviderWithCaqh = ImportProviderWithCaqh::builder()
        .email("jane.doe@example.com")
        .first_name("Jane")
        .last_name("Doe")
        .caqh_username(CAQH_USERNAME)
        .caqh_password(CAQH_PASSWORD)
        .provider_practice_locations(vec![uuid(LOCATION_ID)])
        .try_into()
        .unwrap();
    let debug = format!("{import:?}");
    assert_hidden(&debug, CAQH);
    let imported = client(&server)
        .providers()
        .import_provider_with_caqh(import)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(imported.id, uuid(PROVIDER_ID).into());
    assert_eq!(imported.primary_practice_location, None);
}

#[tokio::test]
async fn create_decodes_201_and_source_of_joining() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/users/create-providers/")
                .header("x-api-key", KEY)
                .json_body(json!({
                    "email": "sam.lee@example.com",
                    "first_name": "Sam",
                    "last_name": "Lee",
                    "client": CLIENT_ID,
                    "document_url": "https://files.example.com/licences/sam-lee.pdf",
                    "document_type": "state_license",
                    "is_associate": false
                }));
            then.status(201).json_body(json!({
                "id": OTHER_ID, "email": "sam.lee@example.com", "first_name": "Sam",
                "last_name": "Lee", "provider_practice_locations": [],
                "primary_practice_location": null, "client": CLIENT_ID,
                "document_url": "https://files.example.com/licences/sam-lee.pdf",
                "document_type": "state_license", "source_of_joining": "PROVIDER_CREATE_API"
            }));
        })
        .await;
    let new: CreateProvider = CreateProvider::builder()
        .email("sam.lee@example.com")
        .first_name("Sam")
        .last_name("Lee")
        .client(Some(uuid(CLIENT_ID)))
        .document_url(Some(
            "https://files.example.com/licences/sam-lee.pdf".to_string(),
        ))
        .document_type("state_license")
        .is_associate(Some(false))
        .try_into()
        .unwrap();
    let created = client(&server)
        .providers()
        .create_provider(new)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(created.id, uuid(OTHER_ID).into());
    assert_eq!(
        created.source_of_joining,
        Some(SourceOfJoining::ProviderCreateApi)
    );
    assert_eq!(created.client, Some(uuid(CLIENT_ID)));
}

#[tokio::test]
async fn not_in_practice_location_sends_the_location_and_decodes_users() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/providers-not-in-practice-loc/")
                .header("x-api-key", KEY)
                .is_true(exact_query(
                    "limit=20&offset=40&practice_location=6b1f0a52-8a5e-4c0e-9d7b-3e2f1a4c5d6e&search=doe",
                ));
            then.status(200).json_body(json!({
                "count": 41, "next": null, "previous": null,
                "results": [{"id": PROVIDER_ID, "email": "jane.doe@example.com", "first_name": "Jane",
                             "last_name": "Doe", "is_active": true, "user_type": "provider"}]
            }));
        })
        .await;
    let params = ListProvidersNotInPracticeLocationParams::new()
        .limit(20)
        .offset(40)
        .search("doe");
    let page = client(&server)
        .providers()
        .list_providers_not_in_practice_location(&params.practice_location(uuid(LOCATION_ID)))
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.count, 41);
    assert_eq!(page.results[0].user_type, Some(UserType::Provider));
}

#[tokio::test]
async fn add_to_practice_location_sends_the_body_as_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/users/practice-location-providers/")
                .header("x-api-key", KEY)
                .json_body(
                    json!({"providers": [PROVIDER_ID, OTHER_ID], "practice_location": LOCATION_ID}),
                );
            then.status(201).json_body(
                json!({"providers": [PROVIDER_ID, OTHER_ID], "practice_location": LOCATION_ID}),
            );
        })
        .await;
    let recorded = client(&server)
        .providers()
        .add_practice_location_providers(PracticeLocationProviders {
            practice_location: uuid(LOCATION_ID),
            providers: vec![uuid(PROVIDER_ID).into(), uuid(OTHER_ID).into()],
        })
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        recorded.providers,
        vec![uuid(PROVIDER_ID).into(), uuid(OTHER_ID).into()]
    );
    assert_eq!(recorded.practice_location, uuid(LOCATION_ID));
}

#[tokio::test]
async fn request_caqh_import_posts_and_redacts_the_echoed_password() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/users/request-caqh-import/")
                .header("x-api-key", KEY)
                .json_body(json!({"caqh_username": CAQH_USERNAME, "caqh_password": CAQH_PASSWORD, "full_name": "Jane Doe"}));
            then.status(201).json_body(json!({
                "id": 43, "caqh_username": CAQH_USERNAME, "caqh_password": CAQH_PASSWORD,
                "full_name": "Jane Doe", "signature": null
            }));
        })
        .await;
    let request: NewCaqhImportRequest = NewCaqhImportRequest::builder()
        .caqh_username(CAQH_USERNAME)
        .caqh_password(CAQH_PASSWORD)
        .full_name("Jane Doe")
        .try_into()
        .unwrap();
    let recorded = client(&server)
        .providers()
        .request_caqh_import(request)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(recorded.id, 43);
    assert!(
        recorded.caqh_password.expose() == CAQH_PASSWORD,
        "the echoed password differs"
    );
    let debug = format!("{recorded:?}");
    assert_hidden(&debug, CAQH);
}

#[tokio::test]
async fn list_caqh_import_requests_filters_by_provider() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/request-caqh-import/")
                .header("x-api-key", KEY)
                .is_true(exact_query("limit=10&provider=3fa85f64-5717-4562-b3fc-2c963f66afa6"));
            then.status(200).json_body(json!({
                "count": 1, "next": null, "previous": null,
                "results": [{"id": 42, "caqh_username": CAQH_USERNAME, "caqh_password": CAQH_PASSWORD,
                             "full_name": "Jane Doe", "signature": null}]
            }));
        })
        .await;
    let params = ListCaqhImportRequestsParams::new()
        .limit(10)
        .provider(uuid(PROVIDER_ID).into());
    let page = client(&server)
        .providers()
        .list_caqh_import_requests(&params)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.count, 1);
    assert_eq!(page.results[0].full_name, "Jane Doe");
    assert_eq!(page.results[0].signature, None);
}

#[tokio::test]
async fn get_org_joining_date_by_profile_id() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!(
                    "/api/v1/users/update-provider-org-joining-date/{PROFILE_ID}/"
                ))
                .header("x-api-key", KEY)
                .is_true(exact_query(""));
            then.status(200)
                .json_body(json!({"id": PROFILE_ID, "org_joining_date": "2024-03-01"}));
        })
        .await;
    let date = client(&server)
        .providers()
        .get_provider_org_joining_date(&PROFILE_ID.parse().unwrap())
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(date.org_joining_date, NaiveDate::from_ymd_opt(2024, 3, 1));
}

#[tokio::test]
async fn update_org_joining_date_sets_and_clears() {
    let server = MockServer::start_async().await;
    let path = format!("/api/v1/users/update-provider-org-joining-date/{PROFILE_ID}/");
    let set = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(path.clone())
                .header("x-api-key", KEY)
                .json_body(json!({"org_joining_date": "2024-03-01"}));
            then.status(200)
                .json_body(json!({"id": PROFILE_ID, "org_joining_date": "2024-03-01"}));
        })
        .await;
    let clear = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(path.clone())
                .json_body(json!({"org_joining_date": null}));
            then.status(200)
                .json_body(json!({"id": PROFILE_ID, "org_joining_date": null}));
        })
        .await;
    let client = client(&server);
    let updated = client
        .providers()
        .update_provider_org_joining_date(
            &PROFILE_ID.parse().unwrap(),
            PatchedProviderOrgJoiningDate {
                org_joining_date: NaiveDate::from_ymd_opt(2024, 3, 1),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        updated.org_joining_date,
        NaiveDate::from_ymd_opt(2024, 3, 1)
    );
    let cleared = client
        .providers()
        .update_provider_org_joining_date(
            &PROFILE_ID.parse().unwrap(),
            PatchedProviderOrgJoiningDate {
                org_joining_date: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.org_joining_date, None);
    set.assert_async().await;
    clear.assert_async().await;
}

#[tokio::test]
async fn bearer_token_goes_in_authorization_and_no_api_key_is_sent() {
    let server = MockServer::start_async().await;
    let body = page(&server, vec![], 0, None);
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/providers-list/")
                .header("authorization", "Bearer jwt-abc.def.ghi")
                .header_missing("x-api-key");
            then.status(200).json_body(body.clone());
        })
        .await;
    let client = assured::Client::builder()
        .base_url(server.base_url())
        .bearer_token("jwt-abc.def.ghi")
        .build()
        .unwrap();
    client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap();
    mock.assert_async().await;
}

/// The environments and the API key's header are the spec's: each
/// `servers` entry is an `Environment` with its URL, production (the first)
/// is the default, and the key travels in the `apiKey` scheme's header.
#[tokio::test]
async fn environments_and_the_key_header_come_from_the_spec() {
    let spec: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/assured.yaml"))
            .unwrap(),
    )
    .unwrap();
    let urls: Vec<&str> = spec["servers"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s["url"].as_str().unwrap())
        .collect();
    use assured::Environment::*;
    let ours: Vec<&str> = [Production, Staging, Demo]
        .iter()
        .map(|e| e.base_url())
        .collect();
    assert_eq!(ours, urls);
    let default = assured::Client::builder().api_key("k").build().unwrap();
    assert_eq!(default.base_url(), urls[0]);

    let header = spec["components"]["securitySchemes"]["apiKeyAuth"]["name"]
        .as_str()
        .unwrap();
    let server = MockServer::start_async().await;
    let keyed = server
        .mock_async(|when, then| {
            when.method(GET).header(header, KEY);
            then.status(200)
                .json_body(json!({"count": 0, "results": []}));
        })
        .await;
    client(&server)
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap();
    keyed.assert_async().await;
}
