//! A stateful, in-memory Assured for tests, examples and benchmarks.
//!
//! It speaks the API of `spec/assured.yaml` on `127.0.0.1`: it checks the
//! API key, pages like DRF with absolute links that carry the filters,
//! applies every providers-list filter and ordering, validates bodies with
//! DRF's messages, and keeps what is written: an invited provider is then
//! listed, found by NPI and added to a practice location. Faults (latency,
//! error statuses with `Retry-After`, dropped connections, malformed
//! bodies) can be planned per route, and every request is logged without
//! its credentials.
//!
//! Test your own code against it (feature `sandbox`):
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use assured::{sandbox::Sandbox, ListProvidersParams};
//!
//! let sandbox = Sandbox::builder().seed(42).providers(25).start().await?;
//! let client = sandbox.client()?;
//!
//! let page = client.providers().list_providers(&ListProvidersParams::new().limit(10)).await?;
//! assert_eq!(page.count, 25);
//!
//! // Make the next list request fail, as Assured sometimes does.
//! sandbox.fail_next("/api/v1/users/providers-list/", 1, 503, None);
//! let again = client.providers().list_providers(&ListProvidersParams::new()).await?; // retried
//! assert_eq!(again.count, 25);
//! assert_eq!(sandbox.requests().len(), 3);
//! # Ok(()) }
//! ```
//!
//! The `assured-sandbox` binary serves the same for any HTTP client:
//! `cargo run --features sandbox --bin assured-sandbox -- --port 8080 --providers 10000`.
//!
//! To behave like a server across a network it can serve TLS with a
//! self-signed certificate and HTTP/2 ([`SandboxBuilder::tls`]), compresses
//! answers, pushes back with 429 and `Retry-After`
//! ([`SandboxBuilder::max_in_flight`], [`SandboxBuilder::rate_limit`]),
//! and counts connections, requests and bytes ([`Sandbox::stats`]).

mod churn;
mod data;
mod error;
mod faults;
mod listener;
mod routes;
mod state;
mod tls;
pub(crate) mod validate;
mod wan;

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, RwLock},
    time::Duration,
};

use axum::{
    body::Body,
    extract::{Request, State as AxumState},
    http::{HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::json;
use tokio::sync::oneshot;
use tower_http::compression::CompressionLayer;
use uuid::Uuid;

use crate::providers::operations::API_KEY_HEADER;

pub use churn::{Churn, ChurnAt, ChurnOp};
pub use error::SandboxError;
pub use faults::{parse_fault_spec, Fault, LoggedRequest};
pub use wan::Stats;

/// The key a sandbox accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "sandbox-api-key";

pub(crate) type Shared = Arc<Inner>;

pub(crate) struct Inner {
    state: RwLock<state::State>,
    gen: Mutex<data::Gen>,
    faults: faults::Faults,
    api_key: String,
    base_url: String,
    default_limit: usize,
    max_limit: usize,
    churn: Mutex<Option<Churn>>,
    list_requests: std::sync::atomic::AtomicUsize,
}

// A handler that panicked cannot leave the state half-written in a way
// the next request could not serve, so a poisoned lock is taken as is.
impl Inner {
    pub(crate) fn read(&self) -> std::sync::RwLockReadGuard<'_, state::State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn write(&self) -> std::sync::RwLockWriteGuard<'_, state::State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn gen(&self) -> std::sync::MutexGuard<'_, data::Gen> {
        self.gen.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Configures a [`Sandbox`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> assured::Result<()> {
/// let sandbox = assured::sandbox::Sandbox::builder()
///     .seed(7)
///     .providers(100)
///     .max_limit(50)
///     .latency(std::time::Duration::from_millis(5))
///     .start()
///     .await?;
/// assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
/// # Ok(()) }
/// ```
#[derive(Clone, derive_more::Debug)]
pub struct SandboxBuilder {
    seed: u64,
    providers: usize,
    latency: Duration,
    default_limit: usize,
    max_limit: usize,
    #[debug("[REDACTED]")]
    api_key: String,
    port: u16,
    churn: Option<Churn>,
    null_every: usize,
    jitter: Duration,
    wan: wan::Options,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            seed: 42,
            providers: 250,
            latency: Duration::ZERO,
            default_limit: 100,
            max_limit: 100,
            api_key: DEFAULT_API_KEY.into(),
            port: 0,
            churn: None,
            null_every: 0,
            jitter: Duration::ZERO,
            wan: wan::Options::default(),
        }
    }
}

impl SandboxBuilder {
    setters! {
        /// The seed of the generated data (default 42): same seed, same data.
        seed(seed: u64) => seed = seed;
        /// How many providers to generate (default 250).
        providers(providers: usize) => providers = providers;
        /// Delay before every answer (default none).
        latency(latency: Duration) => latency = latency;
        /// Rows per page when the request sets no `limit` (default 100).
        default_limit(limit: usize) => default_limit = limit.max(1);
        /// The largest `limit` served; larger ones are silently capped (default 100).
        max_limit(limit: usize) => max_limit = limit.max(1);
        /// The API key the sandbox accepts (default [`DEFAULT_API_KEY`]).
        api_key(key: impl Into<String>) => api_key = key.into();
        /// Changes the roster while it is read: providers inserted or deleted
        /// before list requests (default none; see [`Churn`]).
        churn(churn: Churn) => churn = Some(churn);
        /// Up to this much more delay per answer, at random (default none), so
        /// answers to concurrent requests arrive out of order.
        jitter(jitter: Duration) => jitter = jitter;
        /// Nulls the fields the server computes (`full_name`, `npi`,
        /// `provider_profile_id`, `profile_completeness_percentage`, and
        /// `user_type` in the not-in-location list) of every `n`th generated
        /// provider (default 0: none).
        null_computed_every(n: usize) => null_every = n;
        /// The port on 127.0.0.1 (default 0: any free port).
        port(port: u16) => port = port;
        // WAN behaviour (issue 12): TLS, compression and push-back.
        /// Serve HTTPS with a self-signed certificate for `localhost` and
        /// `127.0.0.1`, made at start, offering HTTP/2 and HTTP/1.1 by ALPN
        /// (default off). [`Sandbox::client`] trusts it; other clients can be
        /// given [`Sandbox::certificate_pem`].
        ///
        /// ```
        /// # #[tokio::main(flavor = "current_thread")]
        /// # async fn main() -> assured::Result<()> {
        /// let sandbox = assured::sandbox::Sandbox::builder().tls(true).start().await?;
        /// assert!(sandbox.base_url().starts_with("https://127.0.0.1:"));
        /// assert!(sandbox.certificate_pem().is_some());
        /// let page = sandbox.client()?.providers().list_providers(&Default::default()).await?;
        /// assert_eq!(page.count, 250);
        /// # Ok(()) }
        /// ```
        tls(on: bool) => wan.tls = on;
        /// Compress answers with gzip, brotli or zstd when the request's
        /// `Accept-Encoding` asks for one (default on).
        compression(on: bool) => wan.compression = on;
        /// Answer 429 with `Retry-After: 1` to requests beyond `n` in flight
        /// at once (default: no limit), as a loaded server does.
        ///
        /// ```
        /// # #[tokio::main(flavor = "current_thread")]
        /// # async fn main() -> assured::Result<()> {
        /// let sandbox = assured::sandbox::Sandbox::builder().max_in_flight(4).start().await?;
        /// # Ok(()) }
        /// ```
        max_in_flight(n: usize) => wan.max_in_flight = std::num::NonZeroUsize::new(n.max(1));
        /// Serve at most `per_second` requests a second (a token bucket that
        /// holds one second's worth), answering 429 with `Retry-After` when it
        /// is empty (default: no limit; 0 or less turns it off).
        rate_limit(per_second: f64) => wan.rate_limit = Some(per_second);
    }

    /// Generates the data, binds, and serves in the background until the
    /// returned handle is dropped.
    ///
    /// # Errors
    ///
    /// [`SandboxError::PortInUse`] when the port is taken, other bind
    /// failures, and TLS set-up failures. They convert into
    /// [`crate::Error`].
    pub async fn start(self) -> Result<Sandbox, SandboxError> {
        let port = self.port;
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .map_err(|e| SandboxError::bind(port, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| SandboxError::bind(port, e))?;
        let tls = if self.wan.tls {
            Some(tls::self_signed()?)
        } else {
            None
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://{addr}");
        let mut gen = data::Gen::new(self.seed);
        let mut world = state::State::default();
        data::seed(&mut world, &mut gen, self.providers, self.null_every);
        let shared = Arc::new(Inner {
            state: RwLock::new(world),
            gen: Mutex::new(gen),
            faults: faults::Faults::default(),
            api_key: self.api_key,
            base_url: base_url.clone(),
            default_limit: self.default_limit.min(self.max_limit),
            max_limit: self.max_limit,
            churn: Mutex::new(self.churn),
            list_requests: Default::default(),
        });
        shared.faults.set_latency(self.latency);
        shared.faults.set_jitter(self.jitter);
        let counters = Arc::new(wan::Counters::default());
        let throttle = Arc::new(wan::Throttle::new(&self.wan, counters.clone()));
        let compression = CompressionLayer::new()
            .gzip(self.wan.compression)
            .br(self.wan.compression)
            .zstd(self.wan.compression)
            .no_deflate();
        let app = routes::router(shared.clone())
            .layer(axum::middleware::from_fn_with_state(shared.clone(), gate))
            .layer(axum::middleware::from_fn_with_state(
                throttle,
                wan::throttle,
            ))
            .layer(compression);
        let certificate_pem = tls.as_ref().map(|tls| tls.certificate_pem.clone());
        let listener = listener::accept(
            listener,
            addr,
            tls.map(|tls| tls.acceptor),
            counters.clone(),
        );
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "sandbox server stopped");
            }
        });
        Ok(Sandbox {
            base_url,
            shared,
            stop: Some(stop),
            port: addr.port(),
            counters,
            certificate_pem,
        })
    }
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    base_url: String,
    shared: Shared,
    stop: Option<oneshot::Sender<()>>,
    port: u16,
    counters: Arc<wan::Counters>,
    certificate_pem: Option<String>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Sandbox {
    /// A builder; see [`SandboxBuilder`].
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// `http://127.0.0.1:<port>`, or `https://` with [`SandboxBuilder::tls`].
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The port the sandbox listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The self-signed certificate, PEM, when serving TLS: what a client
    /// other than [`Sandbox::client`] must trust.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> assured::Result<()> {
    /// use assured::sandbox::Sandbox;
    ///
    /// let sandbox = Sandbox::builder().tls(true).start().await?;
    /// let pem = sandbox.certificate_pem().unwrap_or_default();
    /// let client = assured::Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .api_key(sandbox.api_key())
    ///     .add_root_certificate_pem(pem)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    /// Connections, requests, throttled requests and bytes sent so far.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> assured::Result<()> {
    /// let sandbox = assured::sandbox::Sandbox::builder().start().await?;
    /// sandbox.client()?.providers().list_providers(&Default::default()).await?;
    /// let stats = sandbox.stats();
    /// assert_eq!((stats.connections, stats.requests, stats.throttled), (1, 1, 0));
    /// # Ok(()) }
    /// ```
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// The API key the sandbox accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// A client configured for this sandbox, trusting its certificate
    /// when it serves TLS.
    pub fn client(&self) -> crate::Result<crate::Client> {
        let mut builder = crate::Client::builder()
            .base_url(&self.base_url)
            .api_key(self.api_key());
        if let Some(pem) = &self.certificate_pem {
            builder = builder.add_root_certificate_pem(pem);
        }
        builder.build()
    }

    /// The practice locations of the seed data.
    pub fn practice_locations(&self) -> Vec<Uuid> {
        self.read(|s| s.practice_locations.clone())
    }

    /// The clients of the seed data.
    pub fn clients(&self) -> Vec<Uuid> {
        self.read(|s| s.clients.clone())
    }

    /// Starts (`Some`) or stops (`None`) changing the roster before list
    /// requests; the count of list requests starts again.
    pub fn set_churn(&self, churn: Option<Churn>) {
        *self.shared.churn.lock().unwrap_or_else(|e| e.into_inner()) = churn;
        self.shared
            .list_requests
            .store(0, std::sync::atomic::Ordering::SeqCst);
    }

    /// The account ids of every provider now, in the roster's order.
    pub fn provider_ids(&self) -> Vec<crate::AccountId> {
        self.read(|s| s.providers.iter().map(|p| p.listing.id).collect())
    }

    /// How many providers exist now.
    pub fn provider_count(&self) -> usize {
        self.read(|s| s.providers.len())
    }

    fn read<T>(&self, f: impl FnOnce(&state::State) -> T) -> T {
        f(&self.shared.read())
    }

    /// Delay before every answer from now on.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.faults.set_latency(latency);
    }

    /// The next `times` requests whose path starts with `route` get `fault`.
    pub fn plan(&self, route: &str, times: usize, fault: Fault) {
        self.shared.faults.plan(route, times, fault);
    }

    /// The next `times` requests to `route` answer `status` (with
    /// `Retry-After: retry_after` seconds when given).
    pub fn fail_next(&self, route: &str, times: usize, status: u16, retry_after: Option<u64>) {
        self.plan(
            route,
            times,
            Fault::Status {
                status,
                retry_after,
            },
        );
    }

    /// Every request so far, oldest first, without credentials.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.faults.log()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.faults.clear_log();
    }
}

/// Never logged: the spec's API key header (whatever it is named), a
/// bearer token, cookies.
const HIDDEN_HEADERS: [&str; 3] = [API_KEY_HEADER, "authorization", "cookie"];

/// A header or query value as the log keeps it: `[REDACTED]` when it holds
/// the sandbox's key (sent under any name) or its name says it is a
/// credential (`api_key`, `x-auth-token`, ...).
fn logged(shared: &Shared, name: &str, value: &str) -> String {
    let name = name.to_ascii_lowercase();
    let named = ["key", "token", "secret", "password", "auth"]
        .iter()
        .any(|word| name.contains(word));
    let key = shared.api_key.as_str();
    if named || (!key.is_empty() && value.contains(key)) {
        "[REDACTED]".into()
    } else {
        value.into()
    }
}

/// The raw query, with [`logged`]'s rule applied to each pair's value;
/// pairs left alone keep their encoding.
fn logged_query(shared: &Shared, query: &str) -> String {
    let pairs = query.split('&').map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = |text: &str| {
            url::form_urlencoded::parse(format!("x={text}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        match logged(shared, &decoded(name), &decoded(value)).as_str() {
            "[REDACTED]" => format!("{name}=[REDACTED]"),
            _ => pair.to_string(),
        }
    });
    pairs.collect::<Vec<_>>().join("&")
}

/// Logs, delays, injects faults and checks the key, before any route.
async fn gate(AxumState(shared): AxumState<Shared>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return routes::drf(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"detail": "Request body too large."}),
        );
    };
    let path = parts.uri.path().to_string();
    shared.faults.record(LoggedRequest {
        method: parts.method.to_string(),
        version: format!("{:?}", parts.version),
        path: path.clone(),
        query: logged_query(&shared, parts.uri.query().unwrap_or("")),
        headers: parts
            .headers
            .iter()
            .filter(|(name, _)| !HIDDEN_HEADERS.contains(&name.as_str()))
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes());
                (name.to_string(), logged(&shared, name.as_str(), &value))
            })
            .collect(),
        body: masked_body(&bytes),
    });
    let latency = shared.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match shared.faults.take(&path) {
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = routes::drf(status, json!({"detail": "Injected by the sandbox."}));
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from(seconds));
            }
            return response;
        }
        // Unwinding out of the handler ends the connection's task: the
        // client sees the connection close with no answer. resume_unwind
        // skips the panic hook, so nothing is printed.
        Some(Fault::Drop) => std::panic::resume_unwind(Box::new("sandbox: dropped connection")),
        Some(Fault::BrokenBody) => {
            let start = Ok(axum::body::Bytes::from_static(
                b"{\"count\": 1, \"results\": [",
            ));
            // Pending before the error: hyper writes its buffered head and chunk only when the
            // body is pending; an error polled at once drops the connection with nothing sent,
            // a pre-header failure that `send_with_retries` retries, not a broken body.
            let broken = futures::stream::once(async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Err(std::io::Error::other("sandbox: broken body"))
            });
            let start = futures::stream::iter([start]);
            let body = Body::from_stream(futures::StreamExt::chain(start, broken));
            let json = [("content-type", "application/json")];
            return (StatusCode::OK, json, body).into_response();
        }
        Some(Fault::Malformed) => {
            return (
                StatusCode::OK,
                [("content-type", "application/json")],
                "{\"count\": 1, \"results\": [{\"id\"",
            )
                .into_response();
        }
        None => {}
    }
    // Only `x-api-key` carries the API key; `Authorization` is for a JWT
    // (`Bearer <JWT>`), which the sandbox does not issue.
    let key = parts
        .headers
        .get(API_KEY_HEADER)
        .map(|v| v.to_str().unwrap_or_default());
    match key {
        None => routes::drf(
            StatusCode::UNAUTHORIZED,
            json!({"detail": "Authentication credentials were not provided."}),
        ),
        Some(key) if key != shared.api_key => {
            routes::drf(StatusCode::FORBIDDEN, json!({"detail": "Invalid API key."}))
        }
        Some(_) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    }
}

/// Bytes of a body the log keeps: ample for any batch a test sends, and
/// a bound on what a client (authenticated or not) can make it hold.
const LOGGED_BODY_LIMIT: usize = 256 * 1024;

fn masked_body(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(mut value) => {
            crate::error::mask(&mut value);
            let mut text = value.to_string();
            if text.len() > LOGGED_BODY_LIMIT {
                let mut end = LOGGED_BODY_LIMIT;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
                text.push_str("…[truncated]");
            }
            text
        }
        Err(_) => crate::error::snippet(bytes),
    }
}
