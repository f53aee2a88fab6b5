//! The controller against a simulated server: a discrete-event model with
//! a virtual clock, so nothing sleeps and every run is the same.

use std::{cmp::Reverse, collections::BinaryHeap};

use super::*;

/// A server model: `capacity` requests at once, 429 beyond that (after a
/// short round trip, with `retry_after` when set); `latency(in_flight)`
/// for an admitted request, jittered by ±10%.
struct Server {
    capacity: usize,
    retry_after: Option<Duration>,
    latency: fn(usize) -> Duration,
}

#[derive(Default, Debug)]
struct Report {
    successes: usize,
    throttled: usize,
    /// The client's limit at each send, after the first `warm_up` sends.
    limits: Vec<usize>,
    max_in_flight: usize,
    final_limit: usize,
    /// Violations: sends before a Retry-After the client had been given ran out.
    early_sends: usize,
}

impl Report {
    fn throttled_share(&self) -> f64 {
        self.throttled as f64 / (self.successes + self.throttled) as f64
    }

    fn mean_limit(&self) -> f64 {
        self.limits.iter().sum::<usize>() as f64 / self.limits.len() as f64
    }
}

/// A server that refuses beyond `capacity` without a `Retry-After`.
fn server(capacity: usize, latency: fn(usize) -> Duration) -> Server {
    Server {
        capacity,
        retry_after: None,
        latency,
    }
}

const ROUND_TRIP: Duration = Duration::from_millis(5);

fn flat_50ms(_: usize) -> Duration {
    Duration::from_millis(50)
}

/// Runs `requests` requests through `pace` against `server`, a throttled
/// request being sent again, and reports what happened.
fn simulate(pace: &Controller, server: &Server, requests: usize, warm_up: usize) -> Report {
    let mut rng = fastrand::Rng::with_seed(7);
    let start = Instant::now();
    let mut now = Duration::ZERO;
    // (completion time, sequence, admitted, latency)
    let mut answers = BinaryHeap::new();
    let mut sequence = 0u64;
    let (mut to_send, mut client_in_flight, mut server_in_flight) = (requests, 0usize, 0usize);
    let mut waited_until = Duration::ZERO;
    let mut sent = 0usize;
    let mut report = Report::default();
    while report.successes < requests {
        let not_before = pace.lock().not_before(start + now);
        while to_send > 0 && client_in_flight < pace.limit() && not_before.is_none() {
            if now < waited_until {
                report.early_sends += 1;
            }
            to_send -= 1;
            client_in_flight += 1;
            sent += 1;
            if sent > warm_up {
                report.limits.push(pace.limit());
            }
            report.max_in_flight = report.max_in_flight.max(client_in_flight);
            sequence += 1;
            if server_in_flight >= server.capacity {
                answers.push(Reverse((now + ROUND_TRIP, sequence, false, ROUND_TRIP)));
            } else {
                server_in_flight += 1;
                let base = (server.latency)(server_in_flight);
                let latency = base.mul_f64(rng.f64() * 0.2 + 0.9);
                answers.push(Reverse((now + latency, sequence, true, latency)));
            }
        }
        let Some(Reverse((at, _, admitted, latency))) = answers.pop() else {
            // Nothing in flight: only a Retry-After holds the client back.
            let until = not_before.expect("idle only while waiting");
            now = until.duration_since(start);
            continue;
        };
        now = at;
        client_in_flight -= 1;
        if admitted {
            server_in_flight -= 1;
            report.successes += 1;
            pace.on_success(latency);
        } else {
            report.throttled += 1;
            to_send += 1;
            pace.lock()
                .on_throttled(server.retry_after, start + now, None, None);
            if let Some(wait) = server.retry_after {
                waited_until = waited_until.max(now + wait);
            }
        }
    }
    report.final_limit = pace.limit();
    report
}

#[test]
fn grows_to_the_ceiling_on_a_server_that_keeps_up() {
    let pace = Controller::adaptive(4, 32);
    let server = server(usize::MAX, flat_50ms);
    let report = simulate(&pace, &server, 2_000, 0);
    assert_eq!(report.final_limit, 32);
    assert_eq!(report.max_in_flight, 32, "never above the ceiling");
    assert_eq!(report.throttled, 0);
    // Slow start: the ceiling within the first 100 requests.
    assert_eq!(report.limits[100], 32, "{:?}", &report.limits[..110]);
}

#[test]
fn settles_near_a_capacity_of_8_with_under_1_percent_throttled() {
    let pace = Controller::adaptive(4, 32);
    let server = server(8, flat_50ms);
    let report = simulate(&pace, &server, 10_000, 200);
    let share = report.throttled_share();
    let mean = report.mean_limit();
    assert!(share < 0.01, "throttled {:.2}%", share * 100.0);
    assert!((6.5..=9.0).contains(&mean), "mean limit {mean}");
    assert!(report.max_in_flight <= 16);
}

/// Latency rises once requests queue behind 8 workers, and nothing is
/// ever refused: inflation alone must hold the limit down.
#[test]
fn backs_off_when_latency_inflates() {
    fn queueing(in_flight: usize) -> Duration {
        Duration::from_millis(50).mul_f64((in_flight as f64 / 8.0).max(1.0))
    }
    let pace = Controller::adaptive(4, 64);
    let server = server(usize::MAX, queueing);
    let report = simulate(&pace, &server, 10_000, 200);
    assert_eq!(report.throttled, 0);
    let mean = report.mean_limit();
    assert!((8.0..=20.0).contains(&mean), "mean limit {mean}");
}

#[test]
fn honours_retry_after() {
    let pace = Controller::adaptive(4, 32);
    let server = Server {
        capacity: 8,
        retry_after: Some(Duration::from_secs(1)),
        latency: flat_50ms,
    };
    let report = simulate(&pace, &server, 2_000, 0);
    assert!(report.throttled > 0, "the model must push back");
    assert_eq!(report.early_sends, 0);
}

#[test]
fn not_before_keeps_the_latest_retry_after() {
    let pace = Controller::adaptive(4, 32);
    let now = Instant::now();
    pace.lock()
        .on_throttled(Some(Duration::from_secs(5)), now, None, None);
    pace.lock()
        .on_throttled(Some(Duration::from_secs(1)), now, None, None);
    let mut state = pace.lock();
    assert_eq!(state.not_before(now), Some(now + Duration::from_secs(5)));
    assert_eq!(state.not_before(now + Duration::from_secs(5)), None);
    assert_eq!(state.not_before(now), None, "forgotten once passed");
}

#[test]
fn fixed_stays_fixed() {
    let pace = Controller::fixed(6);
    let server = server(4, flat_50ms);
    let report = simulate(&pace, &server, 500, 0);
    assert!(report.throttled > 0);
    assert!(report.limits.iter().all(|&l| l == 6));
    pace.on_success(Duration::from_secs(30));
    assert_eq!(pace.limit(), 6);
    assert!(!pace.is_adaptive());
}

#[test]
fn cuts_once_per_burst_of_push_back() {
    let pace = Controller::adaptive(16, 32);
    for _ in 0..16 {
        pace.on_throttled(None);
    }
    // The 15 answers after the first were to requests sent at 16.
    assert_eq!(pace.limit(), 8);
    pace.on_throttled(None);
    assert_eq!(pace.limit(), 4);
}

#[test]
fn bounds_hold() {
    assert_eq!(Controller::adaptive(100, 10).limit(), 10);
    assert_eq!(Controller::adaptive(0, 0).limit(), 1);
    assert_eq!(Controller::fixed(0).limit(), 1);
    let pace = Controller::adaptive(1, 32);
    for _ in 0..10 {
        pace.on_throttled(None);
    }
    assert_eq!(pace.limit(), 1);
}

#[test]
fn a_refusal_at_the_ninth_in_flight_caps_growth_below_it() {
    let pace = Controller::adaptive(4, 32);
    for _ in 0..12 {
        pace.on_success(Duration::from_millis(20));
    }
    assert!(
        pace.limit() >= 12,
        "slow start overshoots: {}",
        pace.limit()
    );
    let tickets: Vec<_> = (0..9).map(|_| pace.start()).collect();
    tickets[8].throttled(Some(Duration::from_secs(1)));
    drop(tickets);
    // Well past the cut's cool-down, but before a probe is due: growth stops
    // at the eight that were served, not under the limit of 12+.
    for _ in 0..(FIRST_PROBE_AFTER - 64) {
        pace.on_success(Duration::from_millis(20));
        assert!(pace.limit() <= 8, "grew to {}", pace.limit());
    }
    assert_eq!(pace.limit(), 8, "recovered to the capacity");
}

/// A ticket knows when its request was sent: answers to requests sent
/// before a cut are old news however many there are, and each one sent
/// after it is heard, however soon after the cut.
#[test]
fn a_cut_ignores_answers_sent_before_it_and_hears_those_after() {
    let pace = Controller::adaptive(32, 32);
    let before: Vec<_> = (0..16).map(|_| pace.start()).collect();
    before[0].throttled(None);
    assert_eq!(pace.limit(), 16);
    for ticket in &before[1..] {
        ticket.throttled(None);
    }
    assert_eq!(pace.limit(), 16, "sent before the cut");
    drop(before);
    // Sent after it, one at a time: each refusal is news.
    for expected in [8, 4, 2, 1] {
        let ticket = pace.start();
        ticket.throttled(None);
        assert_eq!(pace.limit(), expected);
    }
}

/// Calls made one at a time say nothing of how many the server takes at
/// once: the limit grows only while at least half of it is in flight.
#[test]
fn a_limit_grows_only_while_it_is_used() {
    let pace = Controller::adaptive(4, 32);
    for _ in 0..100 {
        let ticket = pace.start();
        ticket.succeeded(Duration::from_millis(20));
    }
    assert_eq!(pace.limit(), 4, "one at a time");
    let busy: Vec<_> = (0..4).map(|_| pace.start()).collect();
    for ticket in &busy {
        ticket.succeeded(Duration::from_millis(20));
    }
    assert_eq!(pace.limit(), 8, "slow start while all four are in flight");
}
