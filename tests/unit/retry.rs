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
