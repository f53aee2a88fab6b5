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
//! use assured::{sandbox::Sandbox, ListParams};
//!
//! let sandbox = Sandbox::builder().seed(42).providers(25).start().await?;
//! let client = sandbox.client()?;
//!
//! let page = client.providers().list(&ListParams::new().limit(10)).await?;
//! assert_eq!(page.count, 25);
//!
//! // Make the next list request fail, as Assured sometimes does.
//! sandbox.fail_next("/api/v1/users/providers-list/", 1, 503, None);
//! let again = client.providers().list(&ListParams::new()).await?; // retried
//! assert_eq!(again.count, 25);
//! assert_eq!(sandbox.requests().len(), 3);
//! # Ok(()) }
//! ```
//!
//! The `assured-sandbox` binary serves the same for any HTTP client:
//! `cargo run --features sandbox --bin assured-sandbox -- --port 8080 --providers 10000`.

mod churn;
mod data;
mod faults;
mod routes;
mod state;
mod validate;

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
use uuid::Uuid;

pub use churn::{Churn, ChurnAt, ChurnOp};
pub use faults::{parse_fault_spec, Fault, LoggedRequest};

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

/// Configures a [`Sandbox`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
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
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    seed: u64,
    providers: usize,
    latency: Duration,
    default_limit: usize,
    max_limit: usize,
    api_key: String,
    port: u16,
    churn: Option<Churn>,
    null_every: usize,
    jitter: Duration,
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
        }
    }
}

impl SandboxBuilder {
    /// The seed of the generated data (default 42): same seed, same data.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How many providers to generate (default 250).
    pub fn providers(mut self, providers: usize) -> Self {
        self.providers = providers;
        self
    }

    /// Delay before every answer (default none).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Rows per page when the request sets no `limit` (default 100).
    pub fn default_limit(mut self, limit: usize) -> Self {
        self.default_limit = limit.max(1);
        self
    }

    /// The largest `limit` served; larger ones are silently capped (default 100).
    pub fn max_limit(mut self, limit: usize) -> Self {
        self.max_limit = limit.max(1);
        self
    }

    /// The API key the sandbox accepts (default [`DEFAULT_API_KEY`]).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// Changes the roster while it is read: providers inserted or deleted
    /// before list requests (default none; see [`Churn`]).
    pub fn churn(mut self, churn: Churn) -> Self {
        self.churn = Some(churn);
        self
    }

    /// Up to this much more delay per answer, at random (default none), so
    /// answers to concurrent requests arrive out of order.
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// Nulls the fields the server computes (`full_name`, `npi`,
    /// `provider_profile_id`, `profile_completeness_percentage`, and
    /// `user_type` in the not-in-location list) of every `n`th generated
    /// provider (default 0: none).
    pub fn null_computed_every(mut self, n: usize) -> Self {
        self.null_every = n;
        self
    }

    /// The port on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Generates the data, binds, and serves in the background until the
    /// returned handle is dropped.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], self.port))).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
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
        let app = routes::router(shared.clone())
            .layer(axum::middleware::from_fn_with_state(shared.clone(), gate));
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
        })
    }
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    base_url: String,
    shared: Shared,
    stop: Option<oneshot::Sender<()>>,
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

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API key the sandbox accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// A client configured for this sandbox.
    pub fn client(&self) -> crate::Result<crate::Client> {
        crate::Client::builder()
            .base_url(&self.base_url)
            .api_key(self.api_key())
            .build()
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
    pub fn provider_ids(&self) -> Vec<Uuid> {
        self.read(|s| s.providers.iter().map(|p| p.listing.id).collect())
    }

    /// How many providers exist now.
    pub fn provider_count(&self) -> usize {
        self.read(|s| s.providers.len())
    }

    fn read<T>(&self, f: impl FnOnce(&state::State) -> T) -> T {
        f(&self.shared.state.read().unwrap_or_else(|e| e.into_inner()))
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

const HIDDEN_HEADERS: [&str; 3] = ["x-api-key", "authorization", "cookie"];

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
        path: path.clone(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers: parts
            .headers
            .iter()
            .filter(|(name, _)| !HIDDEN_HEADERS.contains(&name.as_str()))
            .map(|(name, value)| {
                (
                    name.to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
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
    let key = parts
        .headers
        .get("x-api-key")
        .or_else(|| parts.headers.get("authorization"))
        .and_then(|v| v.to_str().ok())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or(v));
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

fn masked_body(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(mut value) => {
            crate::error::mask(&mut value);
            value.to_string()
        }
        Err(_) => crate::error::snippet(bytes),
    }
}
