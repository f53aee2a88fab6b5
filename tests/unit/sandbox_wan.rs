//! Unit tests of `src/sandbox/wan.rs`: the token bucket behind `rate_limit`.

use super::*;

#[test]
fn the_bucket_holds_a_second_and_refills_at_the_rate() {
    let start = Instant::now();
    let mut bucket = Bucket::new(4.0, start);
    for _ in 0..4 {
        assert_eq!(bucket.take(start), Ok(()));
    }
    let wait = bucket.take(start).unwrap_err();
    assert_eq!(wait, Duration::from_millis(250));
    assert_eq!(bucket.take(start + Duration::from_millis(250)), Ok(()));
    // A long pause refills only up to the burst.
    let later = start + Duration::from_secs(60);
    for _ in 0..4 {
        assert_eq!(bucket.take(later), Ok(()));
    }
    assert!(bucket.take(later).is_err());
}

#[test]
fn a_rate_too_small_for_a_duration_waits_as_long_as_one_holds() {
    let start = Instant::now();
    let mut bucket = Bucket::new(1e-20, start);
    assert_eq!(bucket.take(start), Ok(()));
    // 1e20 seconds do not fit a `Duration`; the wait is the longest one.
    assert_eq!(bucket.take(start), Err(Duration::MAX));
}
