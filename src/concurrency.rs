//! How many requests to keep in flight against a server whose capacity is not known: an AIMD
//! controller fed by what each response says.
//!
//! - It starts small and, until the server first pushes back, grows by one per success (the
//!   limit doubles every round trip, like TCP slow start).
//! - After that it grows by one per round trip (one per `limit` successes), and much more slowly
//!   again near the limit where it was last pushed back, so probing for more capacity costs a
//!   throttled request only once in a long while.
//! - It halves at once on 429 or 503, or when latency inflates to more than twice the fastest
//!   seen (the server is queueing), and then ignores the answers to requests sent before the
//!   cut, which would only repeat the same news.
//! - A `Retry-After` sets an instant before which callers send nothing more while requests are
//!   in flight ([`Controller::not_before`]); with nothing in flight they send one, and a walk
//!   pinned with `Walk::concurrency` does not wait for it.
//! - It never exceeds its ceiling; [`Controller::fixed`] pins the limit.
//!
//! The controller only decides; the caller keeps at most [`Controller::limit`] requests in
//! flight and reports every answer.
//!
//! ```
//! use std::time::Duration;
//! use assured::concurrency::Controller;
//!
//! let pace = Controller::adaptive(4, 32);
//! assert_eq!(pace.limit(), 4);
//! for _ in 0..4 {
//!     pace.on_success(Duration::from_millis(40));
//! }
//! assert_eq!(pace.limit(), 8); // slow start: one more per success
//! pace.on_throttled(Some(Duration::from_secs(1)));
//! assert_eq!(pace.limit(), 4); // halved at once
//! assert!(pace.not_before().is_some()); // and wait a second first
//! ```

use std::{
    fmt,
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use crate::error::Result;

/// The most requests any controller or pinned walk keeps in flight: a pinned `usize::MAX`
/// against a server claiming 10^12 rows would otherwise plan a request per page before sending one.
pub(crate) const MAX_IN_FLIGHT: usize = 1_024;

/// The cut applied on push-back.
const DECREASE: f64 = 0.5;
/// Smoothed latency above this multiple of the fastest seen means queueing.
const INFLATION: f64 = 2.0;
/// Weight of the newest sample in the smoothed latency: one slow answer
/// (a TLS handshake, a cold cache) is not a trend.
const SMOOTHING: f64 = 0.2;
/// Successes near the last push-back before the first probe past it, and
/// the most it grows to: a probe costs a refusal, and a refusal usually
/// a whole-second `Retry-After` for requests that take milliseconds.
const FIRST_PROBE_AFTER: u64 = 1_024;
const MAX_PROBE_AFTER: u64 = 65_536;
/// How much slower growth is within one request of the limit where the server last pushed
/// back, since probing there costs throttled requests.
const PROBE_SLOWDOWN: f64 = 16.0;

/// An AIMD concurrency limit; clones are handles to one state behind a mutex.
///
/// ```
/// use assured::concurrency::Controller;
///
/// let pinned = Controller::fixed(6);
/// pinned.on_throttled(None);
/// assert_eq!(pinned.limit(), 6);
/// ```
#[derive(Clone)]
pub struct Controller {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    adaptive: bool,
    limit: f64,
    ceiling: f64,
    /// The fastest answer seen: the server's latency with no queue.
    baseline: Option<Duration>,
    smoothed: Option<f64>,
    /// The limit at the last push-back, while it is still the best guess of the server's capacity.
    pushed_back_at: Option<f64>,
    /// Answers still to come from requests sent before the last cut, for
    /// reports without a [`Ticket`] (which knows its epoch instead).
    cooldown: usize,
    /// Cuts so far: a ticket started before the latest one answers for an old limit. Until the
    /// first, the limit grows by one per success (slow start).
    epoch: u64,
    not_before: Option<Instant>,
    /// Successes since the last cut.
    calm: u64,
    /// Requests counted in flight by [`Controller::start`].
    in_flight: usize,
    /// Successes to wait, near the last push-back, before probing past it again: set by every cut,
    /// it grows each time the server pushes back at the same level (see `FIRST_PROBE_AFTER`).
    probe_after: u64,
}

impl fmt::Debug for Controller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Controller")
            .field("adaptive", &state.adaptive)
            .field("limit", &state.limit())
            .field("ceiling", &state.ceiling)
            .finish_non_exhaustive()
    }
}

impl Controller {
    /// A limit that starts at `initial` and adapts, never above `ceiling`
    /// nor below 1 (a ceiling is at most 1 024).
    ///
    /// ```
    /// let pace = assured::concurrency::Controller::adaptive(4, 32);
    /// assert_eq!(pace.limit(), 4);
    /// assert_eq!(pace.ceiling(), 32);
    /// ```
    pub fn adaptive(initial: usize, ceiling: usize) -> Self {
        let ceiling = ceiling.clamp(1, MAX_IN_FLIGHT) as f64;
        Self::new(true, (initial.max(1) as f64).min(ceiling), ceiling)
    }

    /// A limit pinned at `n` (at least 1, at most 1 024). `Retry-After` is still
    /// recorded for [`not_before`](Self::not_before).
    ///
    /// ```
    /// let pace = assured::concurrency::Controller::fixed(8);
    /// pace.on_success(std::time::Duration::from_millis(5));
    /// assert_eq!(pace.limit(), 8);
    /// ```
    pub fn fixed(n: usize) -> Self {
        let n = n.clamp(1, MAX_IN_FLIGHT) as f64;
        Self::new(false, n, n)
    }

    fn new(adaptive: bool, limit: f64, ceiling: f64) -> Self {
        let state = State {
            adaptive,
            limit,
            ceiling,
            ..State::default()
        };
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is a few numbers updated in one step each: a panic
        // elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many requests may be in flight now.
    ///
    /// ```
    /// assert_eq!(assured::concurrency::Controller::fixed(3).limit(), 3);
    /// ```
    pub fn limit(&self) -> usize {
        self.lock().limit()
    }

    /// The most the limit may reach.
    ///
    /// ```
    /// assert_eq!(assured::concurrency::Controller::adaptive(4, 16).ceiling(), 16);
    /// ```
    pub fn ceiling(&self) -> usize {
        self.lock().ceiling as usize
    }

    /// Whether the limit adapts (false for [`fixed`](Self::fixed)).
    ///
    /// ```
    /// assert!(!assured::concurrency::Controller::fixed(3).is_adaptive());
    /// ```
    pub fn is_adaptive(&self) -> bool {
        self.lock().adaptive
    }

    /// Reports a successful answer and how long it took (send to headers).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let pace = assured::concurrency::Controller::adaptive(2, 32);
    /// pace.on_success(Duration::from_millis(30));
    /// assert_eq!(pace.limit(), 3);
    /// ```
    pub fn on_success(&self, latency: Duration) {
        self.lock().on_success(latency, None);
    }

    /// Reports a push-back (429 or 503) and its `Retry-After`, if any.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let pace = assured::concurrency::Controller::adaptive(8, 32);
    /// pace.on_throttled(Some(Duration::from_secs(2)));
    /// assert_eq!(pace.limit(), 4);
    /// assert!(pace.not_before().is_some());
    /// ```
    pub fn on_throttled(&self, retry_after: Option<Duration>) {
        self.lock()
            .on_throttled(retry_after, Instant::now(), None, None);
    }

    /// Counts a request in flight until the ticket is dropped; a push-back reported with
    /// [`Ticket::throttled`] then tells the controller how many were in flight when the refused
    /// one was sent: the server's capacity, more closely than the limit was.
    pub(crate) fn start(&self) -> Ticket<'_> {
        let mut state = self.lock();
        state.in_flight += 1;
        Ticket {
            pace: self,
            position: state.in_flight,
            epoch: state.epoch,
        }
    }

    /// The instant before which no request should be sent, while a
    /// `Retry-After` is running; `None` once it has passed.
    ///
    /// ```
    /// let pace = assured::concurrency::Controller::adaptive(4, 32);
    /// assert_eq!(pace.not_before(), None);
    /// ```
    pub fn not_before(&self) -> Option<Instant> {
        self.lock().not_before(Instant::now())
    }
}

impl State {
    fn limit(&self) -> usize {
        // Fractions accumulate growth between whole requests.
        (self.limit.floor() as usize).max(1)
    }

    /// Whether an answer repeats old news: one to a request sent before the last cut (a ticket's
    /// `epoch` says so exactly; a report without one counts down the answers still due then).
    fn stale(&mut self, sent: Option<u64>) -> bool {
        match sent {
            Some(epoch) => epoch < self.epoch,
            None if self.cooldown > 0 => {
                self.cooldown -= 1;
                true
            }
            None => false,
        }
    }

    fn on_success(&mut self, latency: Duration, sent: Option<u64>) {
        if !self.adaptive {
            return;
        }
        let seconds = latency.as_secs_f64();
        let baseline = self.baseline.map_or(latency, |b| b.min(latency));
        self.baseline = Some(baseline);
        let smoothed = (self.smoothed).map_or(seconds, |s| s + SMOOTHING * (seconds - s));
        self.smoothed = Some(smoothed);
        self.calm += 1;
        if self.stale(sent) {
            return;
        }
        if smoothed > INFLATION * baseline.as_secs_f64() && !baseline.is_zero() {
            self.cut();
            return;
        }
        // A limit grows only while it is used: calls one at a time say nothing of how many the
        // server takes at once, and a limit grown on them would open the next walk with a burst.
        if sent.is_some() && self.in_flight * 2 < self.limit() {
            return;
        }
        let mut step = 1.0 / if self.epoch == 0 { 1.0 } else { self.limit };
        if let Some(capacity) = self.pushed_back_at {
            if self.limit > capacity + 1.0 {
                // Probed past it without push-back: the server has grown.
                self.pushed_back_at = None;
            } else if self.limit >= capacity - 1.0 {
                if self.calm < self.probe_after {
                    return;
                }
                step /= PROBE_SLOWDOWN;
            }
        }
        self.limit = (self.limit + step).min(self.ceiling);
    }

    fn on_throttled(
        &mut self,
        retry_after: Option<Duration>,
        now: Instant,
        position: Option<usize>,
        sent: Option<u64>,
    ) {
        // A wait past what an `Instant` can hold is ignored rather than overflowing.
        if let Some(until) = retry_after.and_then(|wait| now.checked_add(wait)) {
            self.not_before = Some(self.not_before.map_or(until, |t| t.max(until)));
        }
        if !self.adaptive || self.stale(sent) {
            return;
        }
        self.cut();
        if let (Some(position), Some(at)) = (position, self.pushed_back_at) {
            // `position` is the level refused, whatever the limit had grown to.
            self.pushed_back_at = Some(at.min(position as f64));
        }
    }

    fn cut(&mut self) {
        self.probe_after = match self.pushed_back_at {
            Some(at) if self.limit <= at + 1.0 => (self.probe_after * 4).min(MAX_PROBE_AFTER),
            _ => FIRST_PROBE_AFTER,
        };
        self.calm = 0;
        self.pushed_back_at = Some(self.limit);
        // Every request in flight now was sent under the old limit.
        self.cooldown = self.limit() - 1;
        self.epoch += 1;
        self.limit = (self.limit * DECREASE).max(1.0);
    }

    fn not_before(&mut self, now: Instant) -> Option<Instant> {
        self.not_before = self.not_before.filter(|t| *t > now);
        self.not_before
    }
}

/// A request counted in flight; see [`Controller::start`].
pub(crate) struct Ticket<'a> {
    pace: &'a Controller,
    position: usize,
    /// The controller's epoch when the request was sent.
    epoch: u64,
}

impl Ticket<'_> {
    /// Reports a successful answer of this request and its latency.
    pub(crate) fn succeeded(&self, latency: Duration) {
        self.pace.lock().on_success(latency, Some(self.epoch));
    }

    /// Reports a push-back (429 or 503) of this request.
    pub(crate) fn throttled(&self, retry_after: Option<Duration>) {
        self.pace.lock().on_throttled(
            retry_after,
            Instant::now(),
            Some(self.position),
            Some(self.epoch),
        );
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut state = self.pace.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
    }
}

#[cfg(test)]
#[path = "../tests/unit/concurrency.rs"]
mod tests;

/// Runs `task` on every item, at most `pace.limit()` at once (read again before each start) and
/// none before `pace.not_before()` unless nothing is in flight; the outputs come back in the
/// items' order. The first error ends the run: nothing more is started, and what is in flight is
/// dropped (a bad key must not cost a request per item).
pub(crate) async fn paced<I, F, Fut, T>(pace: &Controller, items: I, task: F) -> Result<Vec<T>>
where
    I: IntoIterator,
    F: Fn(I::Item) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    use futures::{stream::FuturesUnordered, StreamExt};
    let mut items = items.into_iter().enumerate();
    let mut running = FuturesUnordered::new();
    let mut out = Vec::new();
    loop {
        while running.len() < pace.limit() && (running.is_empty() || pace.not_before().is_none()) {
            let Some((i, item)) = items.next() else {
                break;
            };
            let fut = task(item);
            running.push(async move { (i, fut.await) });
        }
        match running.next().await {
            Some((i, done)) => out.push((i, done?)),
            None => break,
        }
    }
    out.sort_by_key(|(i, _)| *i);
    Ok(out.into_iter().map(|(_, t)| t).collect())
}
