//! Unit tests of `src/sandbox/faults.rs`: latency and planned faults at the
//! ends of their types.

use super::*;

#[test]
fn the_longest_latency_with_jitter_saturates() {
    let faults = Faults::default();
    faults.set_latency(Duration::MAX);
    faults.set_jitter(Duration::from_millis(5));
    assert_eq!(faults.latency(), Duration::MAX);
}

#[test]
fn a_planned_fault_is_a_count_taken_in_order() {
    let faults = Faults::default();
    let status = |code: u16| Fault::Status {
        status: code,
        retry_after: None,
    };
    faults.plan("/a/", 2, status(503));
    faults.plan("/a/", usize::MAX, status(500));
    faults.plan("/a/", 0, status(429));
    let taken: Vec<_> = (0..4).map(|_| faults.take("/a/b")).collect();
    assert_eq!(
        taken,
        [
            Some(status(503)),
            Some(status(503)),
            Some(status(500)),
            Some(status(500))
        ]
    );
    assert_eq!(faults.take("/other/"), None);
}
