//! The sandbox as a server on a real network: it counts connections,
//! requests and bytes, and pushes back like a loaded server, with 429 and
//! `Retry-After` beyond a number of requests in flight or a request rate.

use std::{
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};
use serde_json::json;

/// The WAN settings of a [`super::SandboxBuilder`].
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// HTTPS with a self-signed certificate.
    pub(crate) tls: bool,
    /// Answers compressed as `Accept-Encoding` asks.
    pub(crate) compression: bool,
    /// 429 beyond this many requests in flight.
    pub(crate) max_in_flight: Option<std::num::NonZeroUsize>,
    /// 429 beyond this many requests a second.
    pub(crate) rate_limit: Option<f64>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            tls: false,
            compression: true,
            max_in_flight: None,
            rate_limit: None,
        }
    }
}

/// What a sandbox has served so far; see [`super::Sandbox::stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// TCP connections accepted (including ones whose TLS handshake failed).
    pub connections: u64,
    /// Requests received, throttled ones included.
    pub requests: u64,
    /// Requests answered 429 by `max_in_flight` or `rate_limit`.
    pub throttled: u64,
    /// Bytes written to connections: after compression, and after TLS
    /// when it is on.
    pub bytes_sent: u64,
}

/// Counters shared by the accept loop, the connections and the middleware.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) connections: AtomicU64,
    requests: AtomicU64,
    throttled: AtomicU64,
    pub(crate) bytes_sent: AtomicU64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            connections: self.connections.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
            bytes_sent: self.bytes_sent.load(Ordering::Relaxed),
        }
    }
}

/// The push-back state: requests in flight and the token bucket.
pub(crate) struct Throttle {
    pub(crate) counters: Arc<Counters>,
    max_in_flight: Option<std::num::NonZeroUsize>,
    in_flight: AtomicUsize,
    bucket: Option<Mutex<Bucket>>,
}

impl Throttle {
    pub(crate) fn new(options: &Options, counters: Arc<Counters>) -> Self {
        Self {
            counters,
            max_in_flight: options.max_in_flight,
            in_flight: AtomicUsize::new(0),
            bucket: options
                .rate_limit
                .filter(|rate| rate.is_finite() && *rate > 0.0)
                .map(|rate| Mutex::new(Bucket::new(rate, Instant::now()))),
        }
    }
}

/// A token bucket holding up to one second of requests.
#[derive(Debug)]
struct Bucket {
    rate: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn new(rate: f64, now: Instant) -> Self {
        Self {
            rate,
            tokens: rate.max(1.0),
            last: now,
        }
    }

    /// Takes a token, or says how long until one is due.
    fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.rate.max(1.0));
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            // A rate too small for a `Duration` to hold the wait: far off.
            let wait = (1.0 - self.tokens) / self.rate;
            Err(Duration::try_from_secs_f64(wait).unwrap_or(Duration::MAX))
        }
    }
}

/// Decrements the in-flight count however the request ends, a planned
/// dropped connection (an unwind) included.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts the request, and answers 429 when too many are in flight or the
/// bucket is empty.
pub(crate) async fn throttle(
    State(throttle): State<Arc<Throttle>>,
    request: Request,
    next: Next,
) -> Response {
    throttle.counters.requests.fetch_add(1, Ordering::Relaxed);
    let now_in_flight = throttle.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let guard = InFlight(&throttle.in_flight);
    if throttle
        .max_in_flight
        .is_some_and(|max| now_in_flight > max.get())
    {
        // Slots free up within a request's time: a second is plenty.
        return too_many(
            &throttle,
            Duration::from_secs(1),
            "Too many requests in flight.",
        );
    }
    if let Some(bucket) = &throttle.bucket {
        let taken = bucket
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take(Instant::now());
        if let Err(wait) = taken {
            return too_many(&throttle, wait, "Request was throttled.");
        }
    }
    let response = next.run(request).await;
    drop(guard);
    response
}

fn too_many(throttle: &Throttle, wait: Duration, detail: &str) -> Response {
    throttle.counters.throttled.fetch_add(1, Ordering::Relaxed);
    // Retry-After is whole seconds; rounding down could say 0 and invite
    // an immediate retry into the same empty bucket.
    let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut response = super::routes::drf(
        StatusCode::TOO_MANY_REQUESTS,
        json!({ "detail": format!("{detail} Expected available in {seconds} seconds.") }),
    );
    response
        .headers_mut()
        .insert("retry-after", HeaderValue::from(seconds));
    response
}

#[cfg(test)]
#[path = "../../tests/unit/sandbox_wan.rs"]
mod tests;
