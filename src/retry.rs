//! When a request is sent again, and how long to wait first: the [`RetryPolicy`].

use std::{
    future::Future,
    time::{Duration, Instant},
};

use reqwest::{Method, StatusCode};

use crate::{transport::Config, Error, Result};

/// The first pause before a read the client's shared body budget refused is sent again; it
/// doubles, up to [`BUDGET_PAUSE_MAX`], with full jitter ([`RetryPolicy::backoff`]).
const BUDGET_PAUSE: Duration = Duration::from_millis(50);
const BUDGET_PAUSE_MAX: Duration = Duration::from_secs(2);

/// When a client sends a request again.
///
/// Reads (GET) retry on connection errors, timeouts, 408, 429, 500, 502, 503 and 504, and when a
/// success answer's body stalls or breaks off after its headers (the whole read is sent again;
/// these and the other retries share one count and one deadline). Writes
/// (POST, PATCH) retry only where the server cannot have acted: a connection that failed before
/// the request was sent, and 429; never on a 5xx or a timeout after sending, unless
/// [`retry_writes_on_server_errors`](Self::retry_writes_on_server_errors) opts in. Waits are
/// exponential with full jitter; a `Retry-After` is honoured, and one longer than
/// [`max_retry_after`](Self::max_retry_after) is not waited for (the caller gets the error
/// carrying it). A deadline bounds attempts and waits together. TLS failures are never retried:
/// they would fail the same way again. A read (GET) whose success body the client's shared body
/// budget refused is sent again apart from this policy, for up to twice the attempt timeout, each
/// time with its own deadline.
///
/// ```
/// use std::time::Duration;
///
/// let policy = assured::RetryPolicy::default()
///     .max_retries(5)
///     .base_delay(Duration::from_millis(200))
///     .deadline(Duration::from_secs(60));
/// let client = assured::Client::builder().api_key("k").retry_policy(policy).build()?;
/// # Ok::<(), assured::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry_writes_on_server_errors: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            deadline: Duration::from_secs(120),
            retry_writes_on_server_errors: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    setters! {
        /// Retries after the first attempt (default 3; 0 disables).
        max_retries(retries: u32) => max_retries = retries;
        /// The first backoff ceiling (default 0.5 s); it doubles per retry.
        base_delay(delay: Duration) => base_delay = delay;
        /// The largest backoff ceiling (default 8 s).
        max_delay(delay: Duration) => max_delay = delay;
        /// The longest `Retry-After` waited for (default 60 s).
        max_retry_after(wait: Duration) => max_retry_after = wait;
        /// The overall time for one call, attempts and waits together (default 120 s); a read
        /// sent again because the shared body budget refused its answer has it anew each time.
        deadline(deadline: Duration) => deadline = deadline;
        /// Also retry POST and PATCH on 5xx and timeouts. Only for writes you
        /// know to be idempotent: a retried invite may be sent twice.
        retry_writes_on_server_errors(yes: bool) => retry_writes_on_server_errors = yes;
    }

    /// The backoff before retry number `retry` (0-based): a uniformly random
    /// wait up to `min(max_delay, base_delay * 2^retry)` (full jitter).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.base_delay.saturating_mul(2u32.saturating_pow(retry));
        ceiling.min(self.max_delay).mul_f64(fastrand::f64())
    }

    fn may_resend(&self, method: &Method) -> bool {
        matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
            || self.retry_writes_on_server_errors
    }

    /// Whether a response with this status may be retried.
    pub(crate) fn retry_status(&self, method: &Method, status: StatusCode) -> bool {
        match status.as_u16() {
            429 => true,
            408 | 500 | 502 | 503 | 504 => self.may_resend(method),
            _ => false,
        }
    }

    /// Whether a failed attempt may be retried.
    pub(crate) fn retry_error(&self, method: &Method, error: &reqwest::Error) -> bool {
        // Checked first: reqwest reports a failed handshake as a connect error (see `tls`).
        if crate::tls::is_tls_failure(error) {
            return false;
        }
        // A connect error means the request never left: safe for writes too.
        let sent_maybe = error.is_timeout() || error.is_request() || error.is_body();
        error.is_connect() || (sent_maybe && self.may_resend(method))
    }
}

tokio::task_local! {
    /// The start of the read `reread` runs and the retries made for it so far, by either layer:
    /// `send_with_retries` counts on from them, so that a read is sent at most `1 + max_retries`
    /// times within one deadline, not `(1 + max_retries)²` times within two.
    pub(crate) static CALL: (std::cell::Cell<Instant>, std::cell::Cell<u32>);
}

/// `read` (a whole generated GET: send, read, decode) again when its answer did not arrive whole:
///
/// - its success body stalled or broke off after the headers, which the sending retries (in
///   `transport`) cannot see: again within the client's [`RetryPolicy`], whose count of retries
///   and deadline the two share through `CALL` (a body that does not decompress is not read
///   again: it would fail the same way);
/// - the client's shared body budget refused it, because other large answers are being read at
///   once (a walk's prefetched pages), so that they are read by turns: for as long as twice the
///   attempt timeout, by when every body read with it has been read or given up.
///
/// A write is not sent again, as its answer comes after the server has acted.
pub(crate) async fn reread<T, F>(config: &Config, read: impl FnMut() -> F) -> Result<T>
where
    F: Future<Output = Result<T>>,
{
    let call = (
        std::cell::Cell::new(Instant::now()),
        std::cell::Cell::new(0),
    );
    CALL.scope(call, reread_in_call(config, read)).await
}

async fn reread_in_call<T, F>(config: &Config, mut read: impl FnMut() -> F) -> Result<T>
where
    F: Future<Output = Result<T>>,
{
    let pauses = RetryPolicy::default().base_delay(BUDGET_PAUSE);
    let pauses = pauses.max_delay(BUDGET_PAUSE_MAX);
    // Twice the longest an attempt can take, which the deadline bounds too: an attempt timeout
    // of `Duration::MAX` must not make a read wait for the budget forever.
    let longest = config.attempt_timeout.min(config.retry.deadline);
    let patience = longest.saturating_mul(2);
    let policy = &config.retry;
    let (mut refusals, mut since) = (0, None);
    loop {
        let answer = read().await;
        let Err(Error::Transport { source, path }) = &answer else {
            return answer;
        };
        let wait = if source.over_shared_budget() {
            if since.get_or_insert_with(Instant::now).elapsed() >= patience {
                return answer;
            }
            refusals += 1;
            // A budget re-send has the policy anew (documented).
            CALL.with(|(started, retries)| (started.set(Instant::now()), retries.set(0)));
            pauses.backoff(refusals - 1)
        } else if source.broke_off() {
            let (started, retries) = CALL.with(|(s, r)| (s.get(), r.get()));
            let wait = policy.backoff(retries);
            if retries >= policy.max_retries
                || started.elapsed().saturating_add(wait) >= policy.deadline
            {
                return answer;
            }
            CALL.with(|(_, r)| r.set(retries + 1));
            wait
        } else {
            return answer;
        };
        tracing::debug!(%path, refusals, "reading an answer that did not arrive whole again");
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
#[path = "../tests/unit/retry.rs"]
mod tests;
