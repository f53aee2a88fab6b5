//! Unit tests of `src/retry.rs`: what is retried, and the backoff.

use super::*;

#[test]
fn backoff_is_full_jitter_under_a_doubling_capped_ceiling() {
    let policy = RetryPolicy::default();
    for retry in 0..10 {
        let ceiling = Duration::from_millis(500 * 2u64.pow(retry)).min(Duration::from_secs(8));
        for _ in 0..100 {
            assert!(policy.backoff(retry) <= ceiling);
        }
    }
    assert!((0..100).any(|_| policy.backoff(5) > Duration::from_secs(4)));
}

#[test]
fn which_statuses_retry() {
    let p = RetryPolicy::default();
    for s in [408, 429, 500, 502, 503, 504] {
        assert!(
            p.retry_status(&Method::GET, StatusCode::from_u16(s).unwrap()),
            "{s}"
        );
    }
    for s in [400, 401, 403, 404, 501] {
        assert!(
            !p.retry_status(&Method::GET, StatusCode::from_u16(s).unwrap()),
            "{s}"
        );
    }
    assert!(p.retry_status(&Method::POST, StatusCode::TOO_MANY_REQUESTS));
    for s in [408, 500, 502, 503, 504] {
        assert!(
            !p.retry_status(&Method::POST, StatusCode::from_u16(s).unwrap()),
            "{s}"
        );
        assert!(
            !p.retry_status(&Method::PATCH, StatusCode::from_u16(s).unwrap()),
            "{s}"
        );
    }
    let opted = p.retry_writes_on_server_errors(true);
    assert!(opted.retry_status(&Method::POST, StatusCode::SERVICE_UNAVAILABLE));
}

/// Replays a read whose large answer the client's shared body budget refuses, as when other
/// large answers are being read at once: it is sent again until the budget frees (here, held by
/// the test for a while), and fails only once twice the attempt timeout has passed; a write is
/// sent once. Each case several times over, and at 1, 4 and 16 calls at once.
mod reread {
    use std::sync::{atomic::Ordering::Relaxed, Arc};

    use httpmock::{Method::GET, Method::POST, MockServer};
    use serde_json::json;

    use super::*;
    use crate::transport::SHARED_BODY_BUDGET;

    /// Long enough for 16 bodies of 2 MiB read at once on a loaded machine.
    const TIMEOUT: Duration = Duration::from_secs(2);
    const ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

    /// A provider as the server answers it, padded past the 1 MiB a body reads on its own.
    fn large_provider() -> serde_json::Value {
        json!({
            "id": ID, "email": "jane.doe@example.com", "first_name": "Jane",
            "last_name": "Doe", "npi": "1234567893", "full_name": "Jane Doe",
            "provider_profile_id": null, "is_active": true,
            "padding": " ".repeat(2 * 1024 * 1024),
        })
    }

    fn client(server: &MockServer) -> crate::Client {
        let client = crate::Client::builder()
            .base_url(server.base_url())
            .api_key("k");
        let client = client.retry_policy(RetryPolicy::none()).timeout(TIMEOUT);
        client.build().unwrap()
    }

    fn over_budget(error: &Error) -> bool {
        matches!(error, Error::Transport { source, .. } if source.over_shared_budget())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_is_sent_again_until_the_budget_frees_then_gives_up() {
        let server = MockServer::start_async().await;
        let page =
            json!({"count": 1, "next": null, "previous": null, "results": [large_provider()]});
        let list = server
            .mock_async(|when, then| {
                when.method(GET).path("/api/v1/users/providers-list/");
                then.status(200).json_body(page);
            })
            .await;
        let client = client(&server);
        let (providers, drawn) = (client.providers(), Arc::clone(&client.config().drawn));
        let params = crate::ListProvidersParams::new();
        for calls in [1, 4, 16] {
            for round in 0..3 {
                // Held until a refused read has been sent again (not for a set time, which a
                // loaded machine can outlast before the first answer arrives), then given back:
                // every call reads its page whole.
                let before = list.calls_async().await;
                drawn.store(SHARED_BODY_BUDGET, Relaxed);
                let release = async {
                    while list.calls_async().await - before <= calls {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    drawn.fetch_sub(SHARED_BODY_BUDGET, Relaxed);
                };
                let reads = (0..calls).map(|_| providers.list_providers(&params));
                let ((), pages) = tokio::join!(release, futures::future::join_all(reads));
                for page in pages {
                    let page =
                        page.unwrap_or_else(|e| panic!("{calls} at once, round {round}: {e}"));
                    assert_eq!(page.results[0].id.to_string(), ID);
                }
                let sent = list.calls_async().await - before;
                assert!(
                    sent > calls,
                    "{calls} at once, round {round}: sent {sent} times"
                );
                assert_eq!(drawn.load(Relaxed), 0, "the budget is whole again");
            }
        }
        // Held for good: each call gives up after twice the attempt timeout, not before; 1, 4
        // and 16 calls at once, side by side.
        drawn.store(SHARED_BODY_BUDGET, Relaxed);
        let timed = |calls: usize| {
            let reads = (0..calls).map(|_| async {
                let started = Instant::now();
                (providers.list_providers(&params).await, started.elapsed())
            });
            futures::future::join_all(reads)
        };
        let (one, four, sixteen) = tokio::join!(timed(1), timed(4), timed(16));
        for (answer, waited) in [one, four, sixteen].into_iter().flatten() {
            let error = answer.expect_err("the budget never frees");
            assert!(over_budget(&error), "{error}");
            assert!(waited >= 2 * TIMEOUT, "gave up after {waited:?}");
            assert!(waited < 2 * TIMEOUT + Duration::from_secs(5), "{waited:?}");
        }
    }

    /// A read with a path parameter is generated apart from the list reads, and is sent again too.
    #[tokio::test]
    async fn a_read_by_id_is_sent_again_too() {
        const PROFILE: &str = "9b2e7c1a-4d3f-4e8a-9c61-2f5d8e7a1b30";
        let server = MockServer::start_async().await;
        let path = format!("/api/v1/users/update-provider-org-joining-date/{PROFILE}/");
        let date = json!({"id": PROFILE, "org_joining_date": "2024-03-01", "padding": " ".repeat(2 << 20)});
        let get = server
            .mock_async(|when, then| {
                when.method(GET).path(path);
                then.status(200).json_body(date);
            })
            .await;
        let client = client(&server);
        let drawn = &client.config().drawn;
        drawn.store(SHARED_BODY_BUDGET, Relaxed);
        let release = async {
            while get.calls_async().await < 2 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            drawn.fetch_sub(SHARED_BODY_BUDGET, Relaxed);
        };
        let profile: crate::ProfileId = PROFILE.parse().unwrap();
        let providers = client.providers();
        let read = providers.get_provider_org_joining_date(&profile);
        let ((), answer) = tokio::join!(release, read);
        let answer = answer.unwrap();
        assert_eq!(
            answer.org_joining_date.map(|d| d.to_string()).as_deref(),
            Some("2024-03-01")
        );
        assert!(get.calls_async().await >= 2);
    }

    #[tokio::test]
    async fn a_write_is_not_sent_again() {
        let server = MockServer::start_async().await;
        let create = server
            .mock_async(|when, then| {
                when.method(POST).path("/api/v1/users/create-providers/");
                then.status(201).json_body(large_provider());
            })
            .await;
        let client = client(&server);
        client.config().drawn.store(SHARED_BODY_BUDGET, Relaxed);
        let new = crate::models::CreateProvider::builder()
            .email("jane.doe@example.com")
            .first_name("Jane")
            .last_name("Doe");
        let error = client
            .providers()
            .create_provider(new.try_into().unwrap())
            .await;
        let error = error.expect_err("the budget is held");
        assert!(over_budget(&error), "{error}");
        assert_eq!(
            create.calls_async().await,
            1,
            "a write's answer comes after it is made"
        );
    }
}
