//! Every error status with a DRF JSON body, an HTML body and an empty body,
//! and success responses that do not decode: the right variant, the status,
//! the path and the detail, never a panic and never the key.

mod common;

use std::time::Duration;

use assured::{models::InviteProvider, Error, ListProvidersParams};
use common::*;
use httpmock::{Method::*, MockServer};
use serde_json::json;

const LIST: &str = "/api/v1/users/providers-list/";

#[derive(Clone)]
enum Body {
    Drf,
    Html,
    Empty,
    /// This JSON text.
    Json(String),
}

async fn list_error(status: u16, body: Body, retry_after: Option<&str>) -> Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(LIST);
            let then = then.status(status).header("x-request-id", "req-123");
            let then = match retry_after {
                Some(value) => then.header("retry-after", value),
                None => then,
            };
            match body {
                Body::Drf => {
                    then.header("content-type", "application/json")
                        .body(r#"{"detail": "Something specific happened."}"#);
                }
                Body::Html => {
                    then.header("content-type", "text/html")
                        .body("<html><body><h1>Server Error (500)</h1></body></html>");
                }
                Body::Empty => {
                    then.body("");
                }
                Body::Json(text) => {
                    then.header("content-type", "application/json").body(text);
                }
            }
        })
        .await;
    // Mapping only: the retry rules have their own suite (faults.rs).
    let client = client_without_retries(&server);
    let error = client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .expect_err("an error status");
    assert!(!format!("{error}{error:?}").contains(KEY));
    error
}

fn check_api(error: &Error, status: u16, body: &Body) {
    let api = error.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), status);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(api.path, LIST);
    assert_eq!(api.request_id.as_deref(), Some("req-123"));
    match body {
        Body::Drf => assert_eq!(api.detail.as_deref(), Some("Something specific happened.")),
        Body::Html => assert!(api
            .detail
            .as_deref()
            .unwrap()
            .contains("Server Error (500)")),
        Body::Empty | Body::Json(_) => assert_eq!(api.detail, None),
    }
    let shown = error.to_string();
    assert!(shown.contains(&status.to_string()), "{shown}");
    assert!(shown.contains(LIST), "{shown}");
}

#[tokio::test]
async fn each_status_and_body_kind_maps_to_its_variant() {
    for body in [Body::Drf, Body::Html, Body::Empty] {
        for status in [400u16, 401, 403, 404, 429, 500, 502, 418] {
            let error = list_error(status, body.clone(), None).await;
            check_api(&error, status, &body);
            let variant_ok = match status {
                400 => matches!(error, Error::Validation(_)),
                401 | 403 => matches!(error, Error::Auth(_)),
                404 => matches!(error, Error::NotFound(_)),
                429 => matches!(
                    error,
                    Error::RateLimited {
                        retry_after: None,
                        ..
                    }
                ),
                _ => matches!(error, Error::Api(_)),
            };
            assert!(variant_ok, "{status}: {error:?}");
        }
    }
}

#[tokio::test]
async fn rate_limited_keeps_retry_after_in_both_forms() {
    let error = list_error(429, Body::Drf, Some("17")).await;
    match error {
        Error::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(17)))
        }
        other => panic!("{other:?}"),
    }
    let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
    let error = list_error(429, Body::Html, Some(Box::leak(later.into_boxed_str()))).await;
    match &error {
        Error::RateLimited {
            retry_after: Some(wait),
            ..
        } => {
            assert!((100..=120).contains(&wait.as_secs()), "{wait:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("retry after"), "{error}");
}

#[tokio::test]
async fn field_errors_are_parsed_per_field_and_per_item() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v1/users/invite-providers/");
            then.status(400).json_body(json!([
                {},
                {"email": ["user with this email already exists."], "client": ["Invalid pk."]}
            ]));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(LIST);
            then.status(400).json_body(json!({
                "email": ["Enter a valid email address."],
                "non_field_errors": ["Bad filter."],
                "address": {"zip": ["Too long."]}
            }));
        })
        .await;
    let client = client(&server);
    let invites: Vec<InviteProvider> = ["a@example.com", "b@example.com"]
        .iter()
        .map(|e| InviteProvider::builder().email(*e).try_into().unwrap())
        .collect();
    let Error::Validation(api) = client
        .providers()
        .invite_providers(invites)
        .await
        .unwrap_err()
    else {
        panic!("expected a validation error")
    };
    assert_eq!(api.item_errors.len(), 1);
    assert_eq!(
        api.item_errors[&1]["email"],
        vec!["user with this email already exists."]
    );
    assert_eq!(api.item_errors[&1]["client"], vec!["Invalid pk."]);
    assert!(api
        .to_string()
        .contains("[1].email: user with this email already exists."));

    let Error::Validation(api) = client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err()
    else {
        panic!("expected a validation error")
    };
    assert_eq!(
        api.field_errors["email"],
        vec!["Enter a valid email address."]
    );
    assert_eq!(api.field_errors["non_field_errors"], vec!["Bad filter."]);
    assert_eq!(api.field_errors["address.zip"], vec!["Too long."]);
}

#[tokio::test]
async fn malformed_success_bodies_are_decode_errors_with_a_bounded_snippet() {
    let server = MockServer::start_async().await;
    let long_garbage = format!("{{\"count\": 1, \"results\": [{}", "x".repeat(10_000));
    let garbage = long_garbage.clone();
    server
        .mock_async(|when, then| {
            when.method(GET).path(LIST);
            then.status(200)
                .header("content-type", "application/json")
                .body(garbage);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/providers-not-in-practice-loc/");
            then.status(200).body("<html>maintenance</html>");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/request-caqh-import/");
            // Valid JSON, wrong shape, with a credential in it.
            then.status(200)
                .json_body(json!({"count": "many", "results": [{"caqh_password": CAQH_PASSWORD}]}));
        })
        .await;
    let client = client(&server);
    match client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err()
    {
        Error::Decode { path, snippet, .. } => {
            assert_eq!(path, LIST);
            assert!(
                snippet.len() <= assured::BODY_SNIPPET_LIMIT + 4,
                "{}",
                snippet.len()
            );
            assert!(snippet.starts_with("{\"count\": 1"));
        }
        other => panic!("{other:?}"),
    }
    let location = "6b1f0a52-8a5e-4c0e-9d7b-3e2f1a4c5d6e".parse().unwrap();
    match client
        .providers()
        .list_providers_not_in_practice_location(
            &assured::ListProvidersNotInPracticeLocationParams::new().practice_location(location),
        )
        .await
        .unwrap_err()
    {
        Error::Decode { snippet, .. } => assert_eq!(snippet, "<html>maintenance</html>"),
        other => panic!("{other:?}"),
    }
    let error = client
        .providers()
        .list_caqh_import_requests(&Default::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert_hidden(&shown, &[("CAQH password", CAQH_PASSWORD)]);
    assert!(shown.contains("[REDACTED]"), "{shown}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error() {
    // Bind then drop a listener: the port is closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = assured::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key(KEY)
        .build()
        .unwrap();
    let error = client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    match &error {
        Error::Transport { path, .. } => assert_eq!(path, LIST),
        other => panic!("{other:?}"),
    }
    // The message names the kind; the cause is behind source(), once.
    assert!(error.to_string().contains("could not connect"), "{error}");
    let mut chain = vec![error.to_string()];
    let mut cause = std::error::Error::source(&error);
    while let Some(next) = cause {
        chain.push(next.to_string());
        cause = next.source();
    }
    assert!(
        chain.iter().any(|c| c.to_lowercase().contains("refused")),
        "{chain:?}"
    );
    for (i, line) in chain.iter().enumerate().skip(1) {
        assert!(
            !chain[0].contains(line.as_str()),
            "repeated: {chain:?} at {i}"
        );
    }
    assert!(!format!("{error}{error:?}").contains(KEY));
}

#[tokio::test]
async fn retry_after_and_request_id_are_kept_for_any_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(LIST);
            then.status(503)
                .header("retry-after", "7")
                .header("x-request-id", "req-503-abc")
                .json_body(json!({"detail": "Down for maintenance."}));
        })
        .await;
    let client = client_without_retries(&server);
    let error = client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(7)));
    assert_eq!(error.request_id(), Some("req-503-abc"));
}

/// An error body within the 64 KiB the client reads can name one field
/// under a 30 KB key thousands of times over: the error keeps each name to
/// 256 bytes (and a marker), so it stays near the body's size instead of
/// copying the key into every name (60 MB here before the bound).
#[tokio::test]
async fn a_long_key_over_many_nested_fields_is_not_copied_into_each_name() {
    let inner: serde_json::Map<String, serde_json::Value> =
        (0..2_000).map(|i| (format!("a{i}"), json!("x"))).collect();
    let body = json!({ "k".repeat(30_000): inner }).to_string();
    assert!(body.len() < 64 * 1024);
    let error = list_error(400, Body::Json(body), None).await;
    let fields = &error.api_error().unwrap().field_errors;
    assert!(!fields.is_empty());
    assert!(fields.keys().all(|name| name.len() <= 256 + '…'.len_utf8()));
    let names: usize = fields.keys().map(String::len).sum();
    assert!(names < 1024 * 1024, "{names} bytes of field names");
}
