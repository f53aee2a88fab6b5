//! The crate's one error type and how HTTP failures map onto it: status, path, request id, DRF's
//! detail and field errors, a bounded body with credentials masked. No variant holds the API key.

use std::{collections::BTreeMap, fmt, time::Duration};

use http::StatusCode;
use serde_json::Value;

use crate::{providers::operations::SECRET_FIELDS, transport::TooLarge};

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How many bytes of a response body an error keeps.
pub const BODY_SNIPPET_LIMIT: usize = 512;

/// Everything that can go wrong calling Assured.
///
/// ```
/// # async fn run(client: assured::Client) {
/// let profile: assured::ProfileId = match "9b2e7c1a".parse() {
///     Ok(profile) => profile,
///     Err(e) => return eprintln!("{e}"),
/// };
/// match client.providers().get_provider_org_joining_date(&profile).await {
///     Ok(date) => println!("{:?}", date.org_joining_date),
///     Err(assured::Error::NotFound(e)) => println!("no such profile: {}", e.path),
///     Err(assured::Error::Validation(e)) => println!("fix: {:?}", e.field_errors),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
///
/// Errors are `Clone`: concurrent callers that shared one request (the NPI cache's) each get
/// the same failure, whatever it was.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input was refused before any request was sent.
    #[error("invalid input: {0}")]
    InvalidInput(#[from] InvalidInput),
    /// 400: the server refused the request; see [`ApiError::field_errors`].
    #[error("validation failed: {0}")]
    Validation(Box<ApiError>),
    /// 401 or 403: missing, wrong or insufficient credentials.
    #[error("not authorised: {0}")]
    Auth(Box<ApiError>),
    /// 404, or a lookup that matched nothing.
    #[error("not found: {0}")]
    NotFound(Box<ApiError>),
    /// 429: slow down; `retry_after` is the server's `Retry-After`, if given.
    #[error("rate limited{}: {error}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// The response.
        error: Box<ApiError>,
        /// How long the server asked to wait.
        retry_after: Option<Duration>,
    },
    /// Any other non-success status.
    #[error("API error: {0}")]
    Api(Box<ApiError>),
    /// The request could not be sent or the response not received. The
    /// message says what kind of failure; the cause is its `source()`.
    #[error("transport error on {path}: {}", source.kind())]
    Transport {
        /// The request path.
        path: String,
        /// What failed: [`TransportError::is_timeout`], `is_connect`, `is_tls`.
        #[source]
        source: TransportError,
    },
    /// A success response whose body does not match the expected shape.
    #[error("cannot decode the response of {path}: {message}; body starts: {snippet}")]
    Decode {
        /// The request path.
        path: String,
        /// What serde said.
        message: String,
        /// The start of the body, at most [`BODY_SNIPPET_LIMIT`] bytes, credentials masked.
        snippet: String,
    },
    /// A row of a list page that does not decode (no `id`, a wrong type).
    #[error("cannot decode row {row} of the page at offset {offset} of {path}: {message}; row: {snippet}")]
    DecodeRow {
        /// The list's path.
        path: String,
        /// The page's offset.
        offset: u64,
        /// The row's index in the page, from 0.
        row: usize,
        /// What serde said about the row.
        message: String,
        /// The start of the row, at most [`BODY_SNIPPET_LIMIT`] bytes, credentials masked.
        snippet: String,
    },
    /// Pages kept repeating rows already read, as from a server that
    /// ignores `offset`; the walk stopped instead of looping.
    #[error("pagination loop: the page at offset {offset} (next link {next:?}) repeats rows already read")]
    PaginationLoop {
        /// The offset of the last repeated page.
        offset: u64,
        /// That page's `next` link as the server sent it.
        next: String,
    },
    /// The list changed faster than it could be read: re-reads, the last
    /// around `offset`, kept failing to join or extend the rows already read.
    #[error("the list changed faster than it could be read: {tries} re-reads in a row (the last around offset {offset}) added no row")]
    ListUnstable {
        /// Where the re-reads centred.
        offset: u64,
        /// Re-reads in a row since the walk last read a new row.
        tries: usize,
    },
    /// An embedded sandbox could not start (feature `sandbox`).
    #[cfg(feature = "sandbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
    #[error("sandbox: {0}")]
    Sandbox(#[from] crate::sandbox::SandboxError),
    /// A provider exists but has no `provider_profile_id` yet.
    #[error("provider {provider_id} has no provider profile id")]
    MissingProfileId {
        /// The provider's account id.
        provider_id: String,
    },
}

impl Error {
    /// The HTTP status, for errors that came from a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.api_error().map(|e| e.status)
    }

    /// Whether the request failed in TLS: the server's certificate was not trusted (self-signed,
    /// expired, for another name) or the handshake failed. Such errors are never retried.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) {
    /// if let Err(e) = client.providers().list_providers(&Default::default()).await {
    ///     if e.is_tls() {
    ///         eprintln!("check the server's certificate: {e}");
    ///     }
    /// }
    /// # }
    /// ```
    pub fn is_tls(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_tls())
    }

    /// The server's `Retry-After`, for any status that sent one (429, or 503 during maintenance).
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) {
    /// if let Err(e) = client.providers().list_providers(&Default::default()).await {
    ///     if let Some(wait) = e.retry_after() {
    ///         tokio::time::sleep(wait).await;
    ///     }
    /// }
    /// # }
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|e| e.retry_after)
    }

    /// The server's request id, for support tickets, when it sent one.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) {
    /// if let Err(e) = client.providers().list_providers(&Default::default()).await {
    ///     eprintln!("{e} (request id {:?})", e.request_id());
    /// }
    /// # }
    /// ```
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(|e| e.request_id.as_deref())
    }

    /// The API error behind this error, when there was a response.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Validation(e) | Error::Auth(e) | Error::NotFound(e) | Error::Api(e) => {
                Some(e.as_ref())
            }
            Error::RateLimited { error, .. } => Some(error.as_ref()),
            _ => None,
        }
    }

    /// Maps a non-success response onto the variant a caller matches on.
    pub(crate) fn from_status(mut error: ApiError, retry_after: Option<Duration>) -> Self {
        error.retry_after = retry_after;
        let error = Box::new(error);
        match error.status.as_u16() {
            400 => Error::Validation(error),
            401 | 403 => Error::Auth(error),
            404 => Error::NotFound(error),
            429 => Error::RateLimited { error, retry_after },
            _ => Error::Api(error),
        }
    }

    pub(crate) fn decode(path: &str, message: impl fmt::Display, body: &[u8]) -> Self {
        Error::Decode {
            path: path.to_string(),
            message: message.to_string(),
            snippet: snippet(body),
        }
    }

    pub(crate) fn transport(path: &str, inner: reqwest::Error) -> Self {
        let inner = std::sync::Arc::new(inner);
        let (path, source) = (path.to_string(), TransportError { inner });
        Error::Transport { path, source }
    }
}

/// A non-success response from Assured.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The request path (no host, no query).
    pub path: String,
    /// The server's request id header, when it sent one.
    pub request_id: Option<String>,
    /// DRF's `detail`, or the body's text when it was not JSON.
    pub detail: Option<String>,
    /// Per-field messages (`{"email": ["Enter a valid email address."]}`);
    /// nested fields are joined with `.`. Messages of CAQH credential fields
    /// read `[REDACTED]`, since servers echo submitted values.
    pub field_errors: BTreeMap<String, Vec<String>>,
    /// For array bodies (invites): the field errors of each item, by index.
    /// Items without errors are left out.
    pub item_errors: BTreeMap<usize, BTreeMap<String, Vec<String>>>,
    /// The start of the body, at most [`BODY_SNIPPET_LIMIT`] bytes, credentials masked.
    pub body: String,
    /// The server's `Retry-After`, whatever the status (429, 503, ...).
    pub retry_after: Option<Duration>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        path: &str,
        request_id: Option<String>,
        body: &Value,
    ) -> Self {
        // Servers echo submitted values: mask credential fields before anything is kept.
        let mut body = body.clone();
        mask(&mut body);
        let mut error = ApiError {
            status,
            path: path.to_string(),
            request_id,
            detail: None,
            field_errors: BTreeMap::new(),
            item_errors: BTreeMap::new(),
            body: String::new(),
            retry_after: None,
        };
        match &body {
            // Non-JSON bodies reach here as a JSON string (see transport).
            Value::String(text) => {
                error.body = snippet(text.as_bytes());
                error.detail = (!text.trim().is_empty()).then(|| snippet(text.trim().as_bytes()));
                return error;
            }
            Value::Object(map) => {
                error.detail = map.get("detail").map(message_text);
                collect_fields(&body, "", &mut error.field_errors);
                error.field_errors.remove("detail");
            }
            Value::Array(items) if items.iter().all(Value::is_object) => {
                for (index, item) in items.iter().enumerate() {
                    let mut fields = BTreeMap::new();
                    collect_fields(item, "", &mut fields);
                    if !fields.is_empty() {
                        error.item_errors.insert(index, fields);
                    }
                }
            }
            other => error.detail = Some(message_text(other)),
        }
        error.body = cut(&body.to_string(), BODY_SNIPPET_LIMIT);
        error
    }

    /// A client-side "nothing matched" for lookups built on list endpoints,
    /// shaped like the 404 the Python SDK raises.
    pub(crate) fn not_found(path: &str, detail: String) -> Self {
        let mut error = ApiError::new(StatusCode::NOT_FOUND, path, None, &Value::Null);
        error.detail = Some(detail);
        error
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", self.status, self.path)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        for (field, messages) in &self.field_errors {
            write!(f, "; {field}: {}", messages.join(" "))?;
        }
        for (index, fields) in &self.item_errors {
            for (field, messages) in fields {
                write!(f, "; [{index}].{field}: {}", messages.join(" "))?;
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// Input refused before sending: which field, and which rule it broke.
///
/// ```
/// let err = assured::InvalidInput::new("providers[2].email", "must be a valid email address");
/// assert_eq!(err.to_string(), "providers[2].email: must be a valid email address");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
#[non_exhaustive]
pub struct InvalidInput {
    /// The field, with the item index for batches (`providers[2].email`).
    pub field: String,
    /// The rule it broke.
    pub rule: String,
}

impl InvalidInput {
    /// A refusal of `field` for breaking `rule`.
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

fn message_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(message_text).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}

/// Bytes of a field's name an error keeps (DRF's are short): a hostile body's long key would
/// otherwise be copied into every nested field's name (64 KiB of body, hundreds of MB of names).
const FIELD_NAME_LIMIT: usize = 256;

fn collect_fields(value: &Value, prefix: &str, out: &mut BTreeMap<String, Vec<String>>) {
    let Value::Object(map) = value else { return };
    for (key, value) in map {
        let name = match prefix {
            "" => cut(key, FIELD_NAME_LIMIT),
            _ => cut(&format!("{prefix}.{key}"), FIELD_NAME_LIMIT),
        };
        match value {
            Value::Object(_) => collect_fields(value, &name, out),
            Value::Array(items) if items.iter().all(Value::is_string) => {
                out.insert(name, items.iter().map(message_text).collect());
            }
            other => {
                out.insert(name, vec![message_text(other)]);
            }
        }
    }
}

/// Names of body fields holding a credential: the spec's (generated), and any `password`.
fn secret_names() -> impl Iterator<Item = &'static str> {
    SECRET_FIELDS.iter().copied().chain(["password"])
}

pub(crate) fn is_secret_field(name: &str) -> bool {
    secret_names().any(|secret| secret == name)
}

/// The values of credential fields anywhere in `value` (a request body).
pub(crate) fn secret_values(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map.iter().for_each(|(key, value)| match value {
            Value::String(secret) if is_secret_field(key) => out.push(secret.clone()),
            other => secret_values(other, out),
        }),
        Value::Array(items) => items.iter().for_each(|item| secret_values(item, out)),
        _ => {}
    }
}

pub(crate) fn mask(value: &mut Value) {
    match value {
        Value::Object(map) => map.iter_mut().for_each(|(k, v)| match is_secret_field(k) {
            true => *v = Value::String("[REDACTED]".into()),
            false => mask(v),
        }),
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

/// A bounded, credential-masked view of a raw body.
pub(crate) fn snippet(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            mask(&mut value);
            cut(&value.to_string(), BODY_SNIPPET_LIMIT)
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            if secret_names().any(|name| text.contains(name)) {
                "[body withheld: it names a credential field]".into()
            } else {
                cut(&text, BODY_SNIPPET_LIMIT)
            }
        }
    }
}

/// At most `limit` bytes of `text`, cut at a character boundary and marked.
fn cut(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// A request that could not be sent, or whose answer did not arrive whole: what kind of failure
/// it was, with the HTTP library's error as its `source()`.
///
/// ```no_run
/// # async fn run(client: assured::Client) {
/// if let Err(assured::Error::Transport { source, .. }) = client.providers().list_providers(&Default::default()).await {
///     if source.is_connect() {
///         eprintln!("is the server up? {source}");
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, thiserror::Error)]
// reqwest's own message; its causes are `source()`'s, not repeated.
#[error(transparent)]
pub struct TransportError {
    inner: std::sync::Arc<reqwest::Error>,
}

impl TransportError {
    /// The request or an attempt's answer took longer than allowed.
    pub fn is_timeout(&self) -> bool {
        self.inner.is_timeout()
    }

    /// No connection could be made (refused, unreachable, DNS).
    pub fn is_connect(&self) -> bool {
        self.inner.is_connect() && !self.is_tls()
    }

    /// The TLS handshake failed or the certificate was not trusted.
    pub fn is_tls(&self) -> bool {
        crate::tls::is_tls_failure(&*self.inner)
    }

    /// The answer's body broke off, could not be read, or passed the 16 MiB limit on a success
    /// body (after decompression) or the budget bodies read at once share.
    pub fn is_body(&self) -> bool {
        self.inner.is_body() || self.inner.is_decode()
    }

    /// A success body that stalled or broke off after its headers: another attempt may read it
    /// whole (one past its size limit would fail the same way).
    pub(crate) fn broke_off(&self) -> bool {
        self.is_body()
            && crate::tls::cause::<TooLarge>(&*self.inner).is_none()
            && !self.undecompressable()
    }

    /// A body that does not decompress (a corrupt or mislabelled `Content-Encoding`): the
    /// decoder's `io::Error` sits right under reqwest's errors, where a connection that broke
    /// off has hyper's error (or reqwest's `TimedOut`). It would fail the same way again.
    fn undecompressable(&self) -> bool {
        use std::error::Error as _;
        let mut link = self.inner.source();
        while let Some(error) = link.filter(|e| e.is::<reqwest::Error>()) {
            link = error.source();
        }
        link.is_some_and(|error| error.is::<std::io::Error>())
    }

    /// The body passed the budget bodies read at once share, which fewer at once would not.
    pub(crate) fn over_shared_budget(&self) -> bool {
        matches!(crate::tls::cause(&*self.inner), Some(TooLarge::Shared))
    }

    /// A few words for the kind of failure, for messages.
    fn kind(&self) -> &'static str {
        if self.is_tls() {
            "TLS failure (certificate or handshake)"
        } else if self.is_timeout() {
            "timed out"
        } else if self.is_connect() {
            "could not connect"
        } else if crate::tls::cause::<TooLarge>(&*self.inner).is_some() {
            "the answer was too large"
        } else if self.is_body() {
            "the answer broke off"
        } else if self.inner.is_redirect() {
            "refused redirect"
        } else {
            "request failed"
        }
    }
}
