//! The client end to end against the embedded sandbox, and the sandbox's
//! conformance to `spec/assured.yaml`.

mod common;

use std::time::{Duration, Instant};

use assured::{
    models::{
        CreateProvider, ImportProviderWithCaqh, InviteProvider, NewCaqhImportRequest,
        PatchedProviderOrgJoiningDate, PracticeLocationProviders, SourceOfJoining,
    },
    sandbox::{Fault, Sandbox},
    Error, ListCaqhImportRequestsParams, ListProvidersNotInPracticeLocationParams,
    ListProvidersParams,
};
use chrono::NaiveDate;
use common::assert_hidden;
use serde_json::{json, Value};

const CAQH_PASSWORD: &str = "sandbox-e2e-Pw9!";

fn invite(email: &str, first: &str, last: &str) -> InviteProvider {
    InviteProvider::builder()
        .email(email)
        .first_name(Some(first.to_string()))
        .last_name(Some(last.to_string()))
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn starts_fast_and_is_deterministic() {
    let started = Instant::now();
    let a = Sandbox::builder()
        .seed(9)
        .providers(1000)
        .start()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(1), "started in {elapsed:?}");
    let b = Sandbox::builder()
        .seed(9)
        .providers(1000)
        .start()
        .await
        .unwrap();
    let c = Sandbox::builder()
        .seed(10)
        .providers(1000)
        .start()
        .await
        .unwrap();
    let first = |s: &Sandbox| {
        let client = s.client().unwrap();
        async move {
            client
                .providers()
                .list_providers(&ListProvidersParams::new().limit(5))
                .await
                .unwrap()
                .results
        }
    };
    let (pa, pb, pc) = (first(&a).await, first(&b).await, first(&c).await);
    assert_eq!(format!("{pa:?}"), format!("{pb:?}"));
    assert_ne!(format!("{pa:?}"), format!("{pc:?}"));
}

#[tokio::test]
async fn the_seed_data_is_realistic_and_valid() {
    let sandbox = Sandbox::builder()
        .seed(1)
        .providers(500)
        .start()
        .await
        .unwrap();
    let all = sandbox
        .client()
        .unwrap()
        .providers()
        .walk(&ListProvidersParams::new())
        .collect()
        .await
        .unwrap();
    assert_eq!(all.items.len(), 500);
    let mut emails = std::collections::HashSet::new();
    let mut npis = std::collections::HashSet::new();
    let mut inactive = 0;
    for p in &all.items {
        assert!(
            emails.insert(p.email.clone()),
            "duplicate email {}",
            p.email
        );
        let npi = p.npi.clone().unwrap();
        assert_eq!(assured::npi::normalize(&npi).unwrap(), npi);
        assert!(npis.insert(npi));
        let profile = p.provider_profile_id.clone().unwrap().to_string();
        assert_ne!(
            profile,
            p.id.to_string(),
            "profile ids differ from account ids"
        );
        assert!((0.0..=100.0).contains(&p.profile_completeness_percentage.unwrap()));
        inactive += usize::from(p.is_active == Some(false));
    }
    assert!((5..100).contains(&inactive), "a few inactive: {inactive}");
    assert_eq!(sandbox.practice_locations().len(), 5);
    assert_eq!(sandbox.clients().len(), 3);
}

#[tokio::test]
async fn the_main_flow_list_invite_find_by_npi_add_to_location() {
    let sandbox = Sandbox::builder()
        .seed(42)
        .providers(250)
        .start()
        .await
        .unwrap();
    let client = sandbox.client().unwrap();
    let providers = client.providers();
    let location = sandbox.practice_locations()[0];

    let before = providers
        .list_providers(&ListProvidersParams::new().limit(10))
        .await
        .unwrap();
    assert_eq!(before.count, 250);
    let invited = providers
        .invite_providers([invite("new.person@example.com", "New", "Person")])
        .await
        .unwrap();
    let id = invited[0].id;
    // Visible everywhere: the list, get, the NPI lookup, not-in-location.
    let listed = providers.get(id).await.unwrap();
    assert_eq!(listed.email, "new.person@example.com");
    let everyone = providers.list_providers(&Default::default()).await;
    assert_eq!(everyone.unwrap().count, 251);
    let npi = listed.npi.clone().unwrap();
    let by_npi = providers.get_by_npi(&npi).await.unwrap();
    assert_eq!(by_npi.id, id);
    let missing = providers
        .walk(&ListProvidersNotInPracticeLocationParams::new().practice_location(location))
        .collect()
        .await
        .unwrap();
    assert!(missing.items.iter().any(|u| u.id == id));
    providers
        .add_practice_location_providers(PracticeLocationProviders {
            practice_location: location,
            providers: vec![id],
        })
        .await
        .unwrap();
    let missing_after = providers
        .walk(&ListProvidersNotInPracticeLocationParams::new().practice_location(location))
        .collect()
        .await
        .unwrap();
    assert!(!missing_after.items.iter().any(|u| u.id == id));
    assert_eq!(missing_after.items.len(), missing.items.len() - 1);

    // Profile id, and the joining date by profile id.
    let profile = providers.get_profile_id(id).await.unwrap();
    let set = providers
        .update_provider_org_joining_date(
            &profile,
            PatchedProviderOrgJoiningDate {
                org_joining_date: NaiveDate::from_ymd_opt(2025, 1, 15),
            },
        )
        .await
        .unwrap();
    assert_eq!(set.org_joining_date, NaiveDate::from_ymd_opt(2025, 1, 15));
    assert_eq!(
        providers
            .get_provider_org_joining_date(&profile)
            .await
            .unwrap()
            .org_joining_date,
        NaiveDate::from_ymd_opt(2025, 1, 15)
    );
    let cleared = providers
        .update_provider_org_joining_date(
            &profile,
            PatchedProviderOrgJoiningDate {
                org_joining_date: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.org_joining_date, None);

    // The same email again is refused like DRF does, per item.
    let err = providers
        .invite_providers([
            invite("other@example.com", "O", "T"),
            invite("NEW.person@example.com", "N", "P"),
        ])
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(
        api.item_errors[&1]["email"],
        vec!["user with this email already exists."]
    );
    assert!(!api.item_errors.contains_key(&0));
    let everyone = providers.list_providers(&Default::default()).await;
    assert_eq!(everyone.unwrap().count, 251, "nothing half-written");
}

#[tokio::test]
async fn create_import_and_caqh_requests_are_kept() {
    let sandbox = Sandbox::builder().providers(20).start().await.unwrap();
    let client = sandbox.client().unwrap();
    let providers = client.providers();
    let new: CreateProvider = CreateProvider::builder()
        .email("created@example.com")
        .first_name("Cre")
        .last_name("Ated")
        .client(Some(sandbox.clients()[1]))
        .try_into()
        .unwrap();
    let created = providers.create_provider(new).await.unwrap();
    assert_eq!(
        created.source_of_joining,
        Some(SourceOfJoining::ProviderCreateApi)
    );
    // A practice location that does not exist is refused, as the server
    // does, and nothing is created.
    let nowhere = assured::Uuid::from_u128(7);
    let lost: CreateProvider = CreateProvider::builder()
        .email("lost@example.com")
        .first_name("Lo")
        .last_name("St")
        .provider_practice_locations(vec![nowhere])
        .try_into()
        .unwrap();
    let count = sandbox.provider_count();
    match providers.create_provider(lost).await.unwrap_err() {
        assured::Error::Validation(e) => assert_eq!(
            e.field_errors["provider_practice_locations"],
            [format!("Invalid pk \"{nowhere}\" - object does not exist.")]
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(sandbox.provider_count(), count);
    // So are a primary location and a client that do not exist.
    for (field, lost) in [
        (
            "primary_practice_location",
            CreateProvider::builder().primary_practice_location(Some(nowhere)),
        ),
        ("client", CreateProvider::builder().client(Some(nowhere))),
    ] {
        let lost: CreateProvider = lost
            .email("lost@example.com")
            .first_name("Lo")
            .last_name("St")
            .try_into()
            .unwrap();
        match providers.create_provider(lost).await.unwrap_err() {
            assured::Error::Validation(e) => assert_eq!(
                e.field_errors[field],
                [format!("Invalid pk \"{nowhere}\" - object does not exist.")]
            ),
            other => panic!("{other:?}"),
        }
    }
    // Every field's error in one answer, as DRF gives them; in an invite too.
    let all_wrong: CreateProvider = CreateProvider::builder()
        .email("created@example.com")
        .first_name("Al")
        .last_name("Wrong")
        .primary_practice_location(Some(nowhere))
        .client(Some(nowhere))
        .try_into()
        .unwrap();
    match providers.create_provider(all_wrong).await.unwrap_err() {
        assured::Error::Validation(e) => assert_eq!(
            e.field_errors.keys().collect::<Vec<_>>(),
            ["client", "email", "primary_practice_location"]
        ),
        other => panic!("{other:?}"),
    }
    let mut lost = invite("lost.invite@example.com", "Lo", "St");
    lost.primary_practice_location = Some(nowhere);
    match providers.invite_providers([lost]).await.unwrap_err() {
        assured::Error::Validation(e) => assert_eq!(
            e.item_errors[&0]["primary_practice_location"],
            [format!("Invalid pk \"{nowhere}\" - object does not exist.")]
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(sandbox.provider_count(), count);
    let by_client = providers
        .walk(&ListProvidersParams::new().client(sandbox.clients()[1]))
        .collect()
        .await
        .unwrap();
    assert!(by_client.items.iter().any(|p| p.id == created.id));

    let import: ImportProviderWithCaqh = ImportProviderWithCaqh::builder()
        .email("imported@example.com")
        .first_name("Im")
        .last_name("Ported")
        .caqh_username("imported_caqh")
        .caqh_password(CAQH_PASSWORD)
        .try_into()
        .unwrap();
    let imported = providers.import_provider_with_caqh(import).await.unwrap();
    assert_eq!(
        providers.get(imported.id).await.unwrap().full_name,
        Some("Im Ported".to_string())
    );

    let request: NewCaqhImportRequest = NewCaqhImportRequest::builder()
        .caqh_username("imported_caqh")
        .caqh_password(CAQH_PASSWORD)
        .full_name("Im Ported")
        .try_into()
        .unwrap();
    let recorded = providers.request_caqh_import(request).await.unwrap();
    let mine = providers
        .walk(&ListCaqhImportRequestsParams::new().provider(imported.id))
        .collect()
        .await
        .unwrap();
    assert_eq!(
        mine.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![recorded.id]
    );
    // The request log keeps no credential.
    let log = format!("{:?}", sandbox.requests());
    assert_hidden(
        &log,
        &[
            ("CAQH password", CAQH_PASSWORD),
            ("API key", sandbox.api_key()),
        ],
    );
}

#[tokio::test]
async fn filters_ordering_and_a_capped_limit() {
    let sandbox = Sandbox::builder()
        .seed(3)
        .providers(300)
        .max_limit(40)
        .start()
        .await
        .unwrap();
    let client = sandbox.client().unwrap();
    let providers = client.providers();
    let all = providers
        .walk(&ListProvidersParams::new().limit(100))
        .collect()
        .await
        .unwrap();
    assert_eq!(
        all.items.len(),
        300,
        "a server capping limit at 40 is followed"
    );
    let inactive = providers
        .walk(&ListProvidersParams::new().is_active(false))
        .collect()
        .await
        .unwrap();
    assert_eq!(
        inactive.items.len(),
        all.items
            .iter()
            .filter(|p| p.is_active == Some(false))
            .count()
    );
    let sorted = providers
        .walk(&ListProvidersParams::new().ordering("-email"))
        .collect()
        .await
        .unwrap();
    let mut emails: Vec<_> = all.items.iter().map(|p| p.email.clone()).collect();
    emails.sort();
    emails.reverse();
    assert_eq!(
        sorted
            .items
            .iter()
            .map(|p| p.email.clone())
            .collect::<Vec<_>>(),
        emails
    );
    let someone = &all.items[17];
    let found = providers
        .list_providers(&ListProvidersParams::new().email(someone.email.to_uppercase()))
        .await
        .unwrap();
    assert_eq!(found.results[0].id, someone.id);
    let search = providers
        .walk(&ListProvidersParams::new().search(someone.last_name.clone().unwrap().to_lowercase()))
        .collect()
        .await
        .unwrap();
    assert!(search.items.iter().any(|p| p.id == someone.id));
    let ids = [all.items[1].id, all.items[2].id];
    let by_ids = providers
        .walk(&ListProvidersParams::new().id_in(ids))
        .collect()
        .await
        .unwrap();
    assert_eq!(by_ids.items.len(), 2);
    let many = providers
        .get_many(&[ids[0], uuid::Uuid::nil().into()])
        .await
        .unwrap();
    assert_eq!(
        (many.found.len(), many.missing),
        (1, vec![assured::AccountId::from(uuid::Uuid::nil())])
    );
}

#[tokio::test]
async fn faults_on_demand() {
    let sandbox = Sandbox::builder().providers(10).start().await.unwrap();
    let client = sandbox.client().unwrap();
    let list = "/api/v1/users/providers-list/";
    sandbox.fail_next(list, 1, 503, None);
    assert_eq!(
        client
            .providers()
            .list_providers(&ListProvidersParams::new())
            .await
            .unwrap()
            .count,
        10
    );
    sandbox.plan(list, 1, Fault::Drop);
    assert_eq!(
        client
            .providers()
            .list_providers(&ListProvidersParams::new())
            .await
            .unwrap()
            .count,
        10
    );
    sandbox.plan(list, 1, Fault::Malformed);
    assert!(matches!(
        client
            .providers()
            .list_providers(&ListProvidersParams::new())
            .await,
        Err(Error::Decode { .. })
    ));
    sandbox.fail_next("/api/v1/users/invite-providers/", 1, 500, None);
    let err = client
        .providers()
        .invite_providers([invite("x@example.com", "X", "Y")])
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    sandbox.fail_next(list, 1, 429, Some(3600));
    assert!(matches!(
        client.providers().list_providers(&ListProvidersParams::new()).await,
        Err(Error::RateLimited { retry_after: Some(d), .. }) if d == Duration::from_secs(3600)
    ));
    let log = sandbox.requests();
    assert_eq!(log.iter().filter(|r| r.path == list).count(), 2 + 2 + 1 + 1);
    assert_eq!(
        log.iter().filter(|r| r.method == "POST").count(),
        1,
        "the 500 invite was sent once"
    );
    assert!(log
        .iter()
        .all(|r| r.headers.iter().all(|(k, _)| k != "x-api-key")));
    // Auth.
    let wrong = assured::Client::builder()
        .base_url(sandbox.base_url())
        .api_key("wrong")
        .build()
        .unwrap();
    assert!(
        matches!(wrong.providers().list_providers(&ListProvidersParams::new()).await, Err(Error::Auth(e)) if e.status == 403)
    );
}

/// Every operation's responses, success and error, validate against the
/// spec the client is generated from.
#[tokio::test]
async fn every_response_conforms_to_the_spec() {
    let spec = xtask::load_document(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/assured.yaml"),
    )
    .unwrap();
    let validator = xtask::SchemaValidator::new(&spec);
    let sandbox = Sandbox::builder().providers(30).start().await.unwrap();
    let http = reqwest::Client::new();
    let base = sandbox.base_url().to_string();
    let key = sandbox.api_key().to_string();
    let location = sandbox.practice_locations()[0];
    let client_id = sandbox.clients()[0];
    let first = sandbox
        .client()
        .unwrap()
        .providers()
        .list_providers(&ListProvidersParams::new().limit(1))
        .await
        .unwrap()
        .results[0]
        .clone();
    let profile = first.provider_profile_id.clone().unwrap();
    let joining = format!("/api/v1/users/update-provider-org-joining-date/{profile}/");
    let cases: Vec<(&str, String, Option<Value>, u16)> = vec![
        (
            "GET",
            "/api/v1/users/providers-list/?limit=5&ordering=-npi".into(),
            None,
            200,
        ),
        (
            "GET",
            "/api/v1/users/providers-list/?client=not-a-uuid".into(),
            None,
            400,
        ),
        (
            "POST",
            "/api/v1/users/invite-providers/".into(),
            Some(
                json!([{"email": "c1@example.com", "first_name": "C", "last_name": "One", "client": client_id, "provider_practice_locations": [location], "org_joining_date": "2025-11-27"}]),
            ),
            200,
        ),
        (
            "POST",
            "/api/v1/users/invite-providers/".into(),
            Some(json!([{"email": "bad", "first_name": null}])),
            400,
        ),
        (
            "POST",
            "/api/v1/users/import-single-provider-with-caqh/".into(),
            Some(
                json!({"email": "c2@example.com", "caqh_username": "user_c2", "caqh_password": "secret-c2"}),
            ),
            200,
        ),
        (
            "POST",
            "/api/v1/users/import-single-provider-with-caqh/".into(),
            Some(json!({"email": "c3@example.com", "caqh_username": "u", "caqh_password": "p"})),
            400,
        ),
        (
            "POST",
            "/api/v1/users/create-providers/".into(),
            Some(
                json!({"email": "c4@example.com", "first_name": "C", "last_name": "Four", "document_type": "license"}),
            ),
            201,
        ),
        (
            "POST",
            "/api/v1/users/create-providers/".into(),
            Some(json!({"email": "c5@example.com"})),
            400,
        ),
        (
            "GET",
            format!(
                "/api/v1/users/providers-not-in-practice-loc/?practice_location={location}&limit=3"
            ),
            None,
            200,
        ),
        (
            "POST",
            "/api/v1/users/practice-location-providers/".into(),
            Some(json!({"providers": [first.id], "practice_location": location})),
            201,
        ),
        (
            "POST",
            "/api/v1/users/practice-location-providers/".into(),
            Some(json!({"providers": ["x"], "practice_location": location})),
            400,
        ),
        (
            "GET",
            "/api/v1/users/request-caqh-import/".into(),
            None,
            200,
        ),
        (
            "POST",
            "/api/v1/users/request-caqh-import/".into(),
            Some(
                json!({"caqh_username": "user_c6", "caqh_password": "secret-c6", "full_name": first.full_name}),
            ),
            201,
        ),
        ("GET", joining.clone(), None, 200),
        (
            "PATCH",
            joining.clone(),
            Some(json!({"org_joining_date": "2024-02-29"})),
            200,
        ),
        (
            "PATCH",
            joining.clone(),
            Some(json!({"org_joining_date": "2024-02-30"})),
            400,
        ),
        (
            "GET",
            "/api/v1/users/update-provider-org-joining-date/nobody/".into(),
            None,
            404,
        ),
    ];
    for (method, path, body, expected) in &cases {
        let mut request = http
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .header("x-api-key", &key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        assert_eq!(status, *expected, "{method} {path}");
        let body: Value = response.json().await.unwrap();
        let template = path
            .split('?')
            .next()
            .unwrap()
            .replace(profile.as_str(), "{id}")
            .replace("nobody", "{id}");
        if let Err(errors) = validator.validate_response(method, &template, status, &body) {
            // The body is not printed: the CAQH routes echo credentials.
            panic!("{method} {path} -> {status} does not conform: {errors:?}");
        }
    }
    // Without a key: 401 with a DRF body that conforms too.
    let response = http
        .get(format!("{base}/api/v1/users/providers-list/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    validator
        .validate_response("GET", "/api/v1/users/providers-list/", 401, &body)
        .unwrap();
    println!("conformance: {} responses validated", cases.len() + 1);
}

/// The binary serves 10 000 providers with the documented flags.
#[tokio::test]
async fn the_binary_serves_ten_thousand_providers() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_assured-sandbox"))
        .args([
            "--port",
            "0",
            "--seed",
            "42",
            "--providers",
            "10000",
            "--latency-ms",
            "20",
            "--max-limit",
            "100",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.split_whitespace().nth(2).unwrap().to_string();
    assert!(line.contains("10000 providers"), "{line}");
    let client = assured::Client::builder()
        .base_url(&base)
        .api_key("sandbox-api-key")
        .build()
        .unwrap();
    let started = Instant::now();
    let page = client
        .providers()
        .list_providers(&ListProvidersParams::new().limit(1000))
        .await;
    let elapsed = started.elapsed();
    child.kill().unwrap();
    child.wait().unwrap();
    let page = page.unwrap();
    assert_eq!(page.count, 10_000);
    assert_eq!(page.results.len(), 100, "limit capped at --max-limit");
    assert!(
        elapsed >= Duration::from_millis(20),
        "latency applied: {elapsed:?}"
    );
}

/// The sandbox refuses what the client refuses, from the same spec facts:
/// a body under its `minItems` is a DRF 400 naming the field, and a batch
/// repeating its `x-unique-by` field (an email, in any case) is refused per
/// item, with nothing created.
#[tokio::test]
async fn the_sandbox_holds_bodies_to_the_specs_min_items_and_unique_by() {
    let sandbox = Sandbox::builder().providers(3).start().await.unwrap();
    let location = sandbox.practice_locations()[0];
    let post = |path: &str, body: Value| {
        reqwest::Client::new()
            .post(format!("{}/api/v1/users/{path}/", sandbox.base_url()))
            .header("x-api-key", sandbox.api_key())
            .json(&body)
            .send()
    };
    let refused = |response: reqwest::Response| async move {
        assert_eq!(response.status().as_u16(), 400);
        response.json::<Value>().await.unwrap()
    };
    let members = json!({"providers": [], "practice_location": location});
    let response = post("practice-location-providers", members).await.unwrap();
    assert_eq!(
        refused(response).await,
        json!({"providers": ["This list may not be empty."]})
    );
    let response = post("invite-providers", json!([])).await.unwrap();
    assert_eq!(
        refused(response).await,
        json!({"non_field_errors": ["This list may not be empty."]})
    );
    let repeated = json!([
        {"email": "twice@example.com"},
        {"email": "once@example.com"},
        {"email": "TWICE@example.com"},
    ]);
    let response = post("invite-providers", repeated).await.unwrap();
    assert_eq!(
        refused(response).await,
        json!([{}, {}, {"email": ["user with this email already exists."]}])
    );
    assert_eq!(sandbox.provider_count(), 3);
}

/// Any offset and limit a client may send, up to `u64::MAX`, is a page (an
/// empty one past the end), never a panic in the sandbox's handler.
#[tokio::test]
async fn the_sandbox_pages_any_offset_and_limit() {
    let sandbox = Sandbox::builder().providers(3).start().await.unwrap();
    let http = reqwest::Client::new();
    for (offset, limit) in [(u64::MAX, u64::MAX), (u64::MAX, 1), (1, u64::MAX)] {
        let page: Value = http
            .get(format!(
                "{}/api/v1/users/providers-list/?offset={offset}&limit={limit}",
                sandbox.base_url()
            ))
            .header("x-api-key", sandbox.api_key())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["count"], 3, "{offset} {limit}");
        let rows = page["results"].as_array().unwrap().len();
        assert_eq!(rows, if offset == 1 { 2 } else { 0 }, "{offset} {limit}");
        assert_eq!(page["next"], Value::Null);
    }
}

/// Counts at the ends of `usize` cost nothing up front: a fault planned
/// for `usize::MAX` requests is a count, not copies, and a churn burst of
/// `usize::MAX` deletions stops once the roster is empty.
#[tokio::test]
async fn the_largest_fault_and_churn_counts_are_counts() {
    use assured::sandbox::{Churn, ChurnAt, ChurnOp};

    let list = |sandbox: &Sandbox| {
        let client = sandbox.client().unwrap();
        async move {
            let client = client.with_retry_policy(assured::RetryPolicy::none());
            let (providers, params) = (client.providers(), ListProvidersParams::new());
            let page = providers.list_providers(&params);
            tokio::time::timeout(Duration::from_secs(10), page)
                .await
                .expect("answered in time")
        }
    };
    let failing = Sandbox::builder().providers(3).start().await.unwrap();
    failing.fail_next("/api/v1/users/providers-list/", usize::MAX, 503, None);
    for _ in 0..3 {
        let status = list(&failing).await.unwrap_err().status();
        assert_eq!(status.map(|s| s.as_u16()), Some(503));
    }
    let emptied = Sandbox::builder().providers(3).start().await.unwrap();
    let burst = Churn::new(ChurnOp::Delete, ChurnAt::Front).rows(usize::MAX);
    emptied.set_churn(Some(burst));
    assert_eq!(list(&emptied).await.unwrap().count, 0);
    assert_eq!(emptied.provider_count(), 0);
}

/// A key sent some other way than the spec's header (a query parameter, an
/// old or invented header) is not kept in the request log either, nor is
/// a custom key shown by the builder's Debug.
#[tokio::test]
async fn the_request_log_keeps_no_key_however_it_was_sent() {
    let builder = Sandbox::builder().api_key("sb-key-4e1d9a").providers(2);
    assert!(!format!("{builder:?}").contains("sb-key-4e1d9a"));
    let sandbox = builder.start().await.unwrap();
    let key = sandbox.api_key().to_string();
    let http = reqwest::Client::new();
    let list = format!("{}/api/v1/users/providers-list/", sandbox.base_url());
    for (query, header) in [
        (format!("limit=1&api_key={key}"), ("x-key-old", key.clone())),
        (
            "limit=1".to_string(),
            ("x-auth-token", "tok-55e0".to_string()),
        ),
        (
            "limit=1&access_token=tok-91ab".to_string(),
            ("x-note", format!("k={key}")),
        ),
    ] {
        http.get(format!("{list}?{query}"))
            .header(header.0, &header.1)
            .send()
            .await
            .unwrap();
    }
    let log = sandbox.requests();
    let shown = format!("{log:?}");
    assert_hidden(
        &shown,
        &[
            ("API key", &key),
            ("token", "tok-55e0"),
            ("token", "tok-91ab"),
        ],
    );
    // What is not a credential is logged as sent.
    assert_eq!(log[0].query, "limit=1&api_key=[REDACTED]");
    assert_eq!(log[1].query, "limit=1");
    assert!(log[2]
        .headers
        .contains(&("x-note".into(), "[REDACTED]".into())));
}

/// A server that caps `limit` below the ids asked for answers `get_many`
/// over several pages: every provider that exists is found, none reported
/// missing, and a single `get` still costs one request.
#[tokio::test]
async fn get_many_finds_every_provider_from_a_server_capping_limit() {
    let sandbox = Sandbox::builder()
        .providers(120)
        .max_limit(4)
        .start()
        .await
        .unwrap();
    let client = sandbox.client().unwrap();
    let mut ids: Vec<assured::AccountId> = sandbox.provider_ids().into_iter().step_by(3).collect();
    let unknown: assured::AccountId = "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().unwrap();
    ids.insert(5, unknown);
    let result = client.providers().get_many(&ids).await.unwrap();
    assert_eq!(result.missing, [unknown]);
    let found: Vec<_> = result.found.iter().map(|p| p.id).collect();
    let existing: Vec<_> = ids.iter().copied().filter(|id| *id != unknown).collect();
    assert_eq!(found, existing, "all found, in the order asked");
    let firsts = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.query.contains("offset=0"));
    assert_eq!(firsts.count(), 1, "the first page is read once");
    sandbox.clear_requests();
    client.providers().get(ids[0]).await.unwrap();
    assert_eq!(sandbox.requests().len(), 1);
}

fn nulls_last<T: PartialOrd>(a: &Option<T>, b: &Option<T>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.partial_cmp(b).unwrap(),
        (a, b) => b.is_some().cmp(&a.is_some()),
    }
}

/// As the real server orders and filters: several ordering fields, nulls
/// last ascending and first descending (PostgreSQL), and `client` with
/// `client_in` both applied (django-filter).
#[tokio::test]
async fn ordering_by_several_fields_with_nulls_and_both_client_filters() {
    let sandbox = Sandbox::builder()
        .seed(5)
        .providers(120)
        .null_computed_every(7)
        .start()
        .await
        .unwrap();
    let providers_client = sandbox.client().unwrap();
    let providers = providers_client.providers();
    let walk = |params: ListProvidersParams| async move {
        let walked = providers.walk(&params).collect().await.unwrap();
        walked.items
    };
    let all = walk(ListProvidersParams::new()).await;

    let sorted =
        walk(ListProvidersParams::new().ordering("-is_active, last_name,first_name")).await;
    let mut expected = all.clone();
    expected.sort_by(|a, b| {
        nulls_last(&b.is_active, &a.is_active)
            .then_with(|| nulls_last(&a.last_name, &b.last_name))
            .then_with(|| nulls_last(&a.first_name, &b.first_name))
    });
    let ids = |rows: &[assured::models::Provider]| rows.iter().map(|p| p.id).collect::<Vec<_>>();
    assert_eq!(ids(&sorted), ids(&expected));

    let nulls = all.iter().filter(|p| p.npi.is_none()).count();
    assert_eq!(nulls, 120 / 7);
    let ascending = walk(ListProvidersParams::new().ordering("npi")).await;
    assert!(ascending[120 - nulls..].iter().all(|p| p.npi.is_none()));
    assert!(ascending[..120 - nulls]
        .windows(2)
        .all(|w| w[0].npi < w[1].npi));
    let descending = walk(ListProvidersParams::new().ordering("-npi")).await;
    assert!(descending[..nulls].iter().all(|p| p.npi.is_none()));

    let clients = sandbox.clients();
    let count = |rows: Vec<assured::models::Provider>| rows.len();
    let (c0, c1, c2) = (clients[0], clients[1], clients[2]);
    let both = ListProvidersParams::new().client(c0).client_in([c1, c2]);
    assert_eq!(
        count(walk(both).await),
        0,
        "client and client_in both apply"
    );
    let both = ListProvidersParams::new().client(c0).client_in([c0, c1]);
    assert_eq!(count(walk(both).await), 40);
    assert_eq!(
        count(walk(ListProvidersParams::new().client_in([c1, c2])).await),
        80
    );
}

/// Records go out as DRF's serialisers write them: a nullable field the record does not hold
/// is `null`, not missing, and a list is `[]`. Text comes in as DRF's `CharField` takes it:
/// trimmed, so a padded email is stored, matched and refused as taken without its padding.
#[tokio::test]
async fn records_are_written_with_their_nulls_and_read_trimmed() {
    let sandbox = Sandbox::builder().providers(3).start().await.unwrap();
    let (base, key) = (
        sandbox.base_url().to_string(),
        sandbox.api_key().to_string(),
    );
    let http = reqwest::Client::new();
    let call = |method: &str, path: &str, body: Option<Value>| {
        let url = format!("{base}/api/v1/users/{path}");
        let mut request = http.request(method.parse().unwrap(), url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let request = request.header("x-api-key", &key);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let padded = json!({"email": "  sam.lee@example.com\t\u{1c}", "first_name": "\u{1f} Sam ", "last_name": "Lee"});
    let (status, mut created) = call("POST", "create-providers/", Some(padded)).await;
    assert_eq!(status, 201);
    let id = created.as_object_mut().unwrap().remove("id").unwrap();
    assert_eq!(
        created,
        json!({
            "email": "sam.lee@example.com",
            "first_name": "Sam",
            "last_name": "Lee",
            "provider_practice_locations": [],
            "primary_practice_location": null,
            "source_of_joining": "PROVIDER_CREATE_API",
        })
    );

    let bare = json!([{"email": "ann@example.com"}]);
    let (_, invited) = call("POST", "invite-providers/", Some(bare)).await;
    assert_eq!(invited[0]["first_name"], Value::Null);
    assert_eq!(invited[0]["last_name"], Value::Null);
    assert_eq!(invited[0]["provider_practice_locations"], json!([]));

    let (_, listed) = call("GET", "providers-list/?email=sam.lee@example.com", None).await;
    assert_eq!(listed["count"], 1);
    let row = &listed["results"][0];
    assert_eq!(row["id"], id);
    assert_eq!(row.get("middle_name"), Some(&Value::Null));

    let taken = json!({"email": "sam.lee@example.com", "first_name": "S", "last_name": "L"});
    let (status, refused) = call("POST", "create-providers/", Some(taken)).await;
    assert_eq!(status, 400);
    assert_eq!(
        refused["email"],
        json!(["user with this email already exists."])
    );
}

/// Query strings and bodies read as Django, DRF and django-filter read them, so a test that
/// passes here holds against the API: the key only in `x-api-key`, `search` terms, `client` as
/// one UUID, `ordering` by any listed field, a repeated parameter's last value, a boolean it
/// cannot read as no filter, 64-bit overflows as huge, a NUL refused, a number taken as text,
/// and a bounded request log.
#[tokio::test]
async fn queries_and_bodies_are_read_as_django_reads_them() {
    let sandbox = Sandbox::builder()
        .seed(5)
        .providers(50)
        .default_limit(10)
        .max_limit(50)
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let list = format!("{}/api/v1/users/providers-list/", sandbox.base_url());
    let get = |query: String| {
        let request = http.get(format!("{list}?{query}"));
        let request = request.header("x-api-key", sandbox.api_key());
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    let ids = |page: &Value| -> Vec<String> {
        let rows = page["results"].as_array().unwrap().iter();
        rows.map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, all) = get("limit=50".into()).await;

    for header in ["Authorization", "authorization"] {
        for value in [
            sandbox.api_key().to_string(),
            format!("Bearer {}", sandbox.api_key()),
        ] {
            let answer = http.get(&list).header(header, value).send().await.unwrap();
            assert_eq!(answer.status().as_u16(), 401);
        }
    }

    let named = |r: &&Value| r["first_name"].is_string() && r["last_name"].is_string();
    let someone = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(named)
        .unwrap();
    let (first, last) = (
        someone["first_name"].as_str().unwrap(),
        someone["last_name"].as_str().unwrap(),
    );
    let (status, found) = get(format!("search={},{}", last.to_uppercase(), first)).await;
    assert_eq!(status, 200);
    assert!(
        ids(&found).contains(&someone["id"].as_str().unwrap().to_string()),
        "{found}"
    );
    for row in found["results"].as_array().unwrap() {
        let name = row["full_name"].as_str().unwrap_or_default().to_lowercase();
        let email = row["email"].as_str().unwrap().to_lowercase();
        for term in [first, last].map(str::to_lowercase) {
            assert!(name.contains(&term) || email.contains(&term), "{row}");
        }
    }

    let clients = sandbox.clients();
    let (status, refused) = get(format!("client={},{}", clients[0], clients[1])).await;
    assert_eq!(
        (status, refused),
        (400, json!({"client": ["Enter a valid UUID."]}))
    );
    let (status, blank) = get("client=%20&limit=50".into()).await;
    assert_eq!(
        (status, blank["count"].clone()),
        (200, all["count"].clone())
    );

    let (_, by_id) = get("ordering=-id&limit=50".into()).await;
    let mut sorted = ids(&all);
    sorted.sort();
    sorted.reverse();
    assert_eq!(ids(&by_id), sorted);

    let (_, twice) = get("limit=5&limit=2".into()).await;
    assert_eq!(ids(&twice).len(), 2);
    let (_, upper) = get("is_active=TRUE&limit=50".into()).await;
    let (_, lower) = get("is_active=true&limit=50".into()).await;
    assert_eq!(ids(&upper), ids(&lower));
    let (status, unread) = get("is_active=maybe".into()).await;
    assert_eq!(
        (status, unread["count"].clone()),
        (200, all["count"].clone())
    );
    let (status, past) = get("offset=18446744073709551616".into()).await;
    assert_eq!((status, ids(&past).len()), (200, 0));
    let (_, capped) = get("limit=18446744073709551616".into()).await;
    assert_eq!(ids(&capped).len(), 50);

    let create = format!("{}/api/v1/users/create-providers/", sandbox.base_url());
    let post = |body: Value| {
        let request = http.post(&create).header("x-api-key", sandbox.api_key());
        let request = request.json(&body);
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    let (status, nul) =
        post(json!({"email": "nul@example.com", "first_name": "A\u{0}", "last_name": "B"})).await;
    assert_eq!(
        (status, nul),
        (
            400,
            json!({"first_name": ["Null characters are not allowed."]})
        )
    );
    let (status, number) =
        post(json!({"email": "num@example.com", "first_name": 123, "last_name": "B"})).await;
    assert_eq!((status, number["first_name"].clone()), (201, json!("123")));

    let huge = "x".repeat(300 * 1024);
    post(json!({"email": "big@example.com", "first_name": huge, "last_name": "B"})).await;
    let logged = sandbox.requests().pop().unwrap().body;
    assert!(
        logged.len() <= 256 * 1024 + 64 && logged.ends_with("[truncated]"),
        "{}",
        logged.len()
    );
}
