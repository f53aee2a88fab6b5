//! Each attempt is one `tracing` debug event with the README's fields
//! (operation, method, path, status, attempt, wait) and nothing of the
//! headers, query or bodies. Alone in its binary: tracing caches whether a
//! callsite is wanted, and a test on another thread registering the same
//! callsite with no subscriber could leave it unwanted for this one.

mod common;

use assured::{sandbox::Sandbox, ListProvidersParams};
use common::{assert_hidden, capture_logs, fast_retries};

#[tokio::test]
async fn each_attempt_is_one_debug_event_with_its_fields() {
    let (captured, _guard) = capture_logs(tracing::Level::DEBUG);
    let sandbox = Sandbox::builder().providers(3).start().await.unwrap();
    let list = "/api/v1/users/providers-list/";
    // A 503 asking to wait 0 s, then a reset connection, then the page.
    sandbox.fail_next(list, 1, 503, Some(0));
    sandbox.plan(list, 1, assured::sandbox::Fault::Drop);
    let client = assured::Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let page = client
        .providers()
        .list_providers(&ListProvidersParams::new().limit(2))
        .await
        .unwrap();
    assert_eq!(page.results.len(), 2);

    let text = captured.text();
    let events: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("assured request"))
        .collect();
    assert_eq!(events.len(), 3, "one event per attempt");
    for (i, event) in events.iter().enumerate() {
        // Nothing private first, so a failure below cannot print it.
        assert_hidden(
            event,
            &[
                ("API key", sandbox.api_key()),
                ("key header", "x-api-key"),
                ("query", "limit=2"),
                ("body", "results"),
            ],
        );
        for field in [
            "operation=\"list_providers\"",
            "method=GET",
            &format!("path={list}"),
            &format!("attempt={}", i + 1),
        ] {
            assert!(event.contains(field), "event {i} lacks {field}: {event}");
        }
    }
    // The 503 waited its Retry-After of 0; the reset has no status and a
    // backoff; the success waits for nothing.
    assert!(events[0].contains("status=503") && events[0].contains("wait_ms=0"));
    assert!(!events[1].contains("status=") && events[1].contains("wait_ms="));
    assert!(events[2].contains("status=200") && !events[2].contains("wait_ms"));
}
