//! Shared helpers for the wire tests: a client pointed at a mock server and
//! response bodies shaped like the vendor's examples.
#![allow(dead_code)]

use assured::Client;
use httpmock::{HttpMockRequest, Method::GET, Mock, MockServer};
use serde_json::{json, Value};

pub const KEY: &str = "test-key-7f3a9c1e5b";
pub const PROVIDER_ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
pub const OTHER_ID: &str = "5d7e9f10-2a3b-4c5d-8e9f-0a1b2c3d4e5f";
pub const LOCATION_ID: &str = "6b1f0a52-8a5e-4c0e-9d7b-3e2f1a4c5d6e";
pub const CLIENT_ID: &str = "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f";
pub const PROFILE_ID: &str = "9b2e7c1a-4d3f-4e8a-9c61-2f5d8e7a1b30";
pub const CAQH_PASSWORD: &str = "caqh-pw-Zq81!x";
pub const CAQH_USERNAME: &str = "jdoe_caqh_user";
/// The CAQH credentials above, labelled for [`assert_hidden`].
pub const CAQH: &[(&str, &str)] = &[
    ("CAQH username", CAQH_USERNAME),
    ("CAQH password", CAQH_PASSWORD),
];

/// A client for `server`, with the default retry rules but waits of a
/// millisecond, so error-path tests stay fast.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .retry_policy(fast_retries())
        .build()
        .expect("client builds")
}

/// A client for `server` that never retries: one request per call.
pub fn client_without_retries(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .retry_policy(assured::RetryPolicy::none())
        .build()
        .expect("client builds")
}

pub fn fast_retries() -> assured::RetryPolicy {
    assured::RetryPolicy::default()
        .base_delay(std::time::Duration::from_millis(1))
        .max_delay(std::time::Duration::from_millis(4))
}

/// Matches a request whose raw query string is exactly `expected`
/// (order included); `""` means no query at all.
pub fn exact_query(expected: &'static str) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync {
    move |req: &HttpMockRequest| req.uri().query().unwrap_or("") == expected
}

pub fn provider_json(id: &str, npi: &str) -> Value {
    json!({
        "id": id,
        "email": "jane.doe@example.com",
        "first_name": "Jane",
        "middle_name": null,
        "last_name": "Doe",
        "npi": npi,
        "full_name": "Jane Doe",
        "provider_profile_id": PROFILE_ID,
        "profile_completeness_percentage": 87.5,
        "is_active": true
    })
}

pub fn page(server: &MockServer, results: Vec<Value>, count: usize, next: Option<&str>) -> Value {
    json!({
        "count": count,
        "next": next.map(|q| format!("{}/api/v1/users/providers-list/?{q}", server.base_url())),
        "previous": null,
        "results": results,
    })
}

/// A mock of `providers-list` that answers an empty page to a request whose
/// query is exactly `query`.
pub async fn empty_list<'a>(server: &'a MockServer, query: &'static str) -> Mock<'a> {
    let body = page(server, vec![], 0, None);
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/providers-list/")
                .is_true(exact_query(query));
            then.status(200).json_body(body);
        })
        .await
}

/// Fails when `text` holds any of the `secrets` (label, value), naming the
/// label and the byte offset, never the value or the text around it: a
/// failing leak test must not print what it guards.
#[track_caller]
pub fn assert_hidden(text: &str, secrets: &[(&str, &str)]) {
    for (label, value) in secrets {
        if let Some(at) = text.find(value) {
            panic!("the {label} shows at byte {at} of {} bytes", text.len());
        }
    }
}

/// Every `tracing` event at `level` and above on this thread, as the text
/// the fmt subscriber writes, until the returned guard drops.
pub fn capture_logs(level: tracing::Level) -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

/// What [`capture_logs`] wrote.
#[derive(Clone, Default)]
pub struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Logs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
