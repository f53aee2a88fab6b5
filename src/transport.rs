//! Every request on its way out and back, through progenitor's `ClientHooks`: `pre` adds the
//! credential header (marked sensitive, so reqwest's Debug redacts it); `exec` sends, again while
//! [`crate::retry`] allows, and hands on a non-JSON error body (a DRF server also answers HTML
//! or nothing) as a JSON string of its bounded text; see `json_error_body`.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant, SystemTime},
};

use bytes::Bytes;
use futures::StreamExt;
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::Value;

use crate::{
    error::{ApiError, Error},
    providers::operations::API_KEY_HEADER,
    Credentials,
};

/// How much of an error body the client reads; the rest is discarded.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The most of a success body the client reads, after decompression: a provider row is about 350
/// bytes (10 000 are 3.5 MB in BENCHMARKS.md), so 16 MiB is a page of tens of thousands. More is a
/// fault or a compression bomb (20 KiB of gzip makes 20 MiB), and fails instead of taking memory.
pub(crate) const SUCCESS_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// What each success body may read on its own (a page of about 3 000 rows); past it, it draws on
/// its client's [`SHARED_BODY_BUDGET`], so that N bodies read at once (a walk's prefetched
/// pages under a bomb) hold at most N × 1 MiB + 64 MiB, not N × 16 MiB.
pub(crate) const BODY_ALLOWANCE: usize = 1024 * 1024;

/// What all the success bodies a client reads at once may hold past their own allowances.
pub(crate) const SHARED_BODY_BUDGET: usize = 64 * 1024 * 1024;

/// The spec's API key header, checked when the crate compiles rather than on every request.
const KEY_HEADER: HeaderName = HeaderName::from_static(API_KEY_HEADER);

const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", "x-amzn-requestid"];

/// State the generated client carries to the hooks (`build/codegen.rs` names it `Inner`): every
/// clone of the client shares it, as it shares the generated client, behind one `Arc`.
pub type Inner = Config;

#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) credentials: Credentials,
    pub(crate) page_size: u32,
    pub(crate) npi_cache: Arc<crate::npi::NpiCache>,
    pub(crate) retry: crate::RetryPolicy,
    pub(crate) attempt_timeout: Duration,
    /// Told of every answer's latency and of every 429/503, so that whole list walks can size
    /// their concurrency from it (`limit`, `not_before`).
    pub(crate) pace: crate::concurrency::Controller,
    /// The bytes success bodies being read now have drawn on [`SHARED_BODY_BUDGET`].
    pub(crate) drawn: Arc<AtomicUsize>,
}

impl ClientHooks<Inner> for crate::raw::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let (name, value) = match &self.inner.credentials {
            Credentials::ApiKey(key) => (KEY_HEADER, key.expose_secret().to_string()),
            Credentials::Bearer(token) => {
                (AUTHORIZATION, format!("Bearer {}", token.expose_secret()))
            }
        };
        // The message must not echo the value.
        let mut value = HeaderValue::from_str(&value).map_err(|_| {
            progenitor_client::Error::InvalidRequest(
                "the credential contains characters not allowed in a header".into(),
            )
        })?;
        value.set_sensitive(true);
        request.headers_mut().insert(name, value);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // Read only for an error answer, for the secrets it must not repeat; a success costs
        // the copy of a body (GETs have none), not a parse.
        let sent = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .map(Bytes::copy_from_slice);
        let response = self.send_with_retries(request, info).await?;
        if response.status().is_success() {
            return Ok(bounded(response, &self.inner.drawn));
        }
        let secrets = sent_secrets(&self.inner.credentials, sent.as_deref());
        normalise_error_body(response, &secrets).await
    }
}

impl crate::raw::Client {
    /// Sends `request`, again while the retry policy allows (see [`crate::retry`]), each attempt
    /// bounded by what is left of the call's deadline.
    async fn send_with_retries(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.inner.retry;
        // Within a generated read, on from what `retry::reread` has spent of the same policy.
        let (started, mut retry) = crate::retry::CALL
            .try_with(|(started, retries)| (started.get(), retries.get()))
            .unwrap_or_else(|_| (Instant::now(), 0));
        let method = request.method().clone();
        let path = request.url().path().to_string();
        loop {
            let remaining = policy.deadline.saturating_sub(started.elapsed());
            let Some(mut attempt) = request.try_clone() else {
                // A streamed body cannot be sent twice.
                return self.client.execute(request).await;
            };
            *attempt.timeout_mut() = Some(self.inner.attempt_timeout.min(remaining));
            let sent = Instant::now();
            let ticket = self.inner.pace.start();
            let result = self.client.execute(attempt).await;
            let status = result.as_ref().ok().map(reqwest::Response::status);
            // Read only from a refusal: a success, the common answer, has no use for it.
            let refusal = result.as_ref().ok().filter(|r| !r.status().is_success());
            let after = refusal.and_then(|refusal| retry_after(refusal.headers()));
            // The controller hears of a success's latency, or of push-back:
            // its `Retry-After` capped, as a longer wait fails the call anyway.
            match status {
                Some(status) if status.is_success() => ticket.succeeded(sent.elapsed()),
                Some(status) if matches!(status.as_u16(), 429 | 503) => {
                    ticket.throttled(after.map(|wait| wait.min(policy.max_retry_after)))
                }
                _ => {}
            }
            drop(ticket);
            let wait = match &result {
                Ok(response) if policy.retry_status(&method, response.status()) => match after {
                    // Too long to wait: the caller gets it, value and all.
                    Some(wait) => (wait <= policy.max_retry_after).then_some(wait),
                    None => Some(policy.backoff(retry)),
                },
                Err(error) if policy.retry_error(&method, error) => Some(policy.backoff(retry)),
                _ => None,
            };
            let wait = wait.filter(|wait| {
                let resume = started.elapsed().checked_add(*wait);
                retry < policy.max_retries && resume.is_some_and(|at| at < policy.deadline)
            });
            tracing::debug!(
                operation = info.operation_id,
                %method,
                path = %path,
                status = status.map(|s| s.as_u16()),
                attempt = retry.saturating_add(1),
                wait_ms = wait.map(|w| w.as_millis() as u64),
                "assured request"
            );
            let Some(wait) = wait else { return result };
            drop(result);
            tokio::time::sleep(wait).await;
            retry += 1;
            let _ = crate::retry::CALL.try_with(|(_, retries)| retries.set(retry));
        }
    }
}

/// What a request carries that its error answer must not repeat, as a server or a gateway may
/// ("Invalid API key '…'", "login … rejected"): the credential and the body's credential values.
fn sent_secrets(credentials: &Credentials, body: Option<&[u8]>) -> Vec<String> {
    let (Credentials::ApiKey(credential) | Credentials::Bearer(credential)) = credentials;
    let mut secrets = vec![credential.expose_secret().to_string()];
    if let Some(Ok(value)) = body.map(serde_json::from_slice::<serde_json::Value>) {
        crate::error::secret_values(&value, &mut secrets);
    }
    // Trimmed: a server that trims what it takes (DRF's `CharField` does) echoes a value so, and
    // the trimmed form is inside the one as sent. A blank or tiny value would match ordinary
    // text; real ones do not come that short (CAQH asks at least 6 characters).
    let mut secrets: Vec<String> = (secrets.iter())
        .map(|secret| crate::validate::drf_trim(secret).to_string())
        .filter(|secret| secret.len() >= 4)
        .collect();
    // Longest first: a secret inside another is not replaced before the one around it.
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
    secrets
}

/// `body` with every occurrence of a secret, as sent or as JSON escapes
/// it, replaced by `[REDACTED]`.
fn scrub(body: Bytes, secrets: &[String]) -> Bytes {
    let mut text = String::from_utf8_lossy(&body).into_owned();
    let mut changed = false;
    for secret in secrets {
        let escaped = serde_json::to_string(secret).unwrap_or_default();
        let escaped = escaped.trim_matches('"');
        let escaped = (escaped != secret).then_some(escaped);
        for form in std::iter::once(secret.as_str()).chain(escaped) {
            if !form.is_empty() && text.contains(form) {
                text = text.replace(form, "[REDACTED]");
                changed = true;
            }
        }
    }
    match changed {
        true => Bytes::from(text),
        false => body,
    }
}

/// An error body as JSON: itself when it is JSON, else its text as a JSON
/// string (progenitor drops the status of a body it cannot decode).
pub(crate) fn json_error_body(body: Bytes) -> Bytes {
    if serde_json::from_slice::<Value>(&body).is_ok() {
        return body;
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    Bytes::from(Value::String(text).to_string())
}

/// Rebuilds a non-success response so that its body is always JSON, and
/// never repeats a secret the request carried.
async fn normalise_error_body(
    response: reqwest::Response,
    secrets: &[String],
) -> reqwest::Result<reqwest::Response> {
    let head = head(&response);
    let body = scrub(read_bounded(response, ERROR_BODY_LIMIT).await, secrets);
    Ok(head.map(|()| json_error_body(body)).into())
}

/// `response`'s URL, status, version and headers, for a response rebuilt around another body (a
/// body error then still names the request's URL).
fn head(response: &reqwest::Response) -> http::Response<()> {
    use reqwest::ResponseBuilderExt;
    // Infallible: nothing but an extension is set on the builder.
    let builder = http::Response::builder().url(response.url().clone());
    let mut head = builder.body(()).unwrap_or_default();
    *head.status_mut() = response.status();
    *head.version_mut() = response.version();
    *head.headers_mut() = response.headers().clone();
    head
}

/// `response` with a body that fails with [`TooLarge`] past [`SUCCESS_BODY_LIMIT`], or when what it
/// reads past its [`BODY_ALLOWANCE`] would take the client's `drawn` past [`SHARED_BODY_BUDGET`]:
/// it fails then rather than wait, as waiting bodies could hold the budget between them forever.
fn bounded(response: reqwest::Response, drawn: &Arc<AtomicUsize>) -> reqwest::Response {
    let head = head(&response);
    let mut draw = Draw {
        pool: Arc::clone(drawn),
        drawn: 0,
        refused: false,
    };
    let mut read = 0usize;
    let body = response.bytes_stream().map(move |chunk| {
        let chunk = chunk.map_err(BoxError::from)?;
        read = read.saturating_add(chunk.len());
        if read > SUCCESS_BODY_LIMIT {
            return Err(BoxError::from(TooLarge::Body));
        }
        draw.to(read.saturating_sub(BODY_ALLOWANCE))?;
        Ok(chunk)
    });
    head.map(|()| reqwest::Body::wrap_stream(body)).into()
}

/// What one body has drawn on its client's shared budget; given back when the body is dropped,
/// read whole or not.
struct Draw {
    pool: Arc<AtomicUsize>,
    drawn: usize,
    /// Once refused, always: a body missing a chunk must not read on as if whole.
    refused: bool,
}

impl Draw {
    /// Draws up to `total` bytes in all, or fails leaving the pool as it was.
    fn to(&mut self, total: usize) -> Result<(), TooLarge> {
        use std::sync::atomic::Ordering::Relaxed;
        let more = total.saturating_sub(self.drawn);
        // Checked before it is added, so a draw that does not fit never shows in the pool for
        // another body to be refused by.
        let fits = |now: usize| now.checked_add(more).filter(|n| *n <= SHARED_BODY_BUDGET);
        if self.refused || (more > 0 && self.pool.fetch_update(Relaxed, Relaxed, fits).is_err()) {
            self.refused = true;
            return Err(TooLarge::Shared);
        }
        self.drawn += more;
        Ok(())
    }
}

impl Drop for Draw {
    fn drop(&mut self) {
        self.pool.fetch_sub(self.drawn, Ordering::Relaxed);
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A success body past its limit, or past what the client's bodies may hold at once.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TooLarge {
    #[error("the answer passed the {} MiB body limit", SUCCESS_BODY_LIMIT >> 20)]
    Body,
    #[error(
        "the answers read at once passed their shared {} MiB budget",
        SHARED_BODY_BUDGET >> 20
    )]
    Shared,
}

/// At most `limit` bytes of an error answer's body. One that stalls or breaks off keeps what
/// arrived: its status is the answer (the retries have judged it), not a failure to read it.
async fn read_bounded(mut response: reqwest::Response, limit: usize) -> Bytes {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk[..chunk.len().min(limit - body.len())]);
        if body.len() >= limit {
            break;
        }
    }
    Bytes::from(body)
}

/// Converts what a generated call returned into this crate's error. The body is the spec's
/// `ErrorBody`, or `()` (`Null`) for an operation that declares no error answers.
pub(crate) fn map_error<B: Into<Value>>(error: progenitor_client::Error<B>, path: &str) -> Error {
    use progenitor_client::Error as E;
    match error {
        E::ErrorResponse(response) => {
            let (status, headers) = (response.status(), response.headers().clone());
            response_error(status, &headers, path, &response.into_inner().into())
        }
        // A status the spec does not declare: its headers still say who
        // answered and when to come back; its body is not read.
        E::UnexpectedResponse(response) => {
            response_error(response.status(), response.headers(), path, &Value::Null)
        }
        E::InvalidResponsePayload(body, e) => Error::decode(path, e, &body),
        E::CommunicationError(source)
        | E::ResponseBodyError(source)
        | E::InvalidUpgrade(source) => Error::transport(path, source),
        E::InvalidRequest(rule) | E::Custom(rule) => {
            Error::InvalidInput(crate::InvalidInput::new("request", rule))
        }
    }
}

/// The error for a non-success answer: its status, body, request id and `Retry-After`.
fn response_error(status: StatusCode, headers: &HeaderMap, path: &str, body: &Value) -> Error {
    let request_id = REQUEST_ID_HEADERS
        .iter()
        .find_map(|h| headers.get(*h))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let api = ApiError::new(status, path, request_id, body);
    Error::from_status(api, retry_after(headers))
}

/// A response's `Retry-After`, when it sent a readable one.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?;
    parse_retry_after(value.to_str().ok()?)
}

/// `Retry-After` as delta-seconds or an HTTP date; a date in the past is
/// zero (tested in `tests/robustness.rs` and the faults suite).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
#[path = "../tests/unit/transport.rs"]
mod tests;
