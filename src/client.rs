//! The configured client: where requests go, how they authenticate, how long they may take.

use std::{fmt, sync::Arc, time::Duration};

use secrecy::SecretString;

use crate::{
    concurrency::Controller,
    error::{Error, InvalidInput, Result},
    npi::{NpiCache, NpiStrategy},
    providers::{operations::Environment, Providers},
    retry::RetryPolicy,
    transport::Config,
};

/// How requests authenticate. Debug never shows the secret.
///
/// ```
/// let creds = assured::Credentials::api_key("sk_live_123");
/// assert!(!format!("{creds:?}").contains("sk_live_123"));
/// ```
#[derive(Clone, derive_more::Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An API key issued by Assured support, sent in the header the spec's
    /// `apiKey` scheme names (`x-api-key`).
    #[debug("ApiKey([REDACTED])")]
    ApiKey(SecretString),
    /// `Authorization: Bearer <token>`, accepted by some deployments.
    #[debug("Bearer([REDACTED])")]
    Bearer(SecretString),
}

impl Credentials {
    /// An API key.
    pub fn api_key(key: impl Into<String>) -> Self {
        Credentials::ApiKey(SecretString::from(key.into()))
    }

    /// A bearer token (JWT).
    pub fn bearer(token: impl Into<String>) -> Self {
        Credentials::Bearer(SecretString::from(token.into()))
    }
}

/// The Assured client. Clone it freely: clones share the connection pool and configuration.
///
/// ```no_run
/// # async fn run() -> assured::Result<()> {
/// let client = assured::Client::from_env()?;
/// let page = client.providers().list_providers(&Default::default()).await?;
/// println!("{} providers", page.count);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    raw: Arc<crate::raw::Client>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("credentials", &self.config().credentials)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `ASSURED_API_KEY` and, optionally, `ASSURED_BASE_URL` (the Python SDK's
    /// names). Without a base URL it talks to production, where the Python SDK defaulted to demo.
    /// To change other settings too, start from [`ClientBuilder::from_env`].
    ///
    /// ```no_run
    /// let client = assured::Client::from_env()?;
    /// # Ok::<(), assured::Error>(())
    /// ```
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }

    /// The provider endpoints.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let providers = client.providers();
    /// let first = providers.list_providers(&Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub fn providers(&self) -> Providers<'_> {
        Providers { client: self }
    }

    /// The generated client the handlers call.
    pub(crate) fn raw(&self) -> &crate::raw::Client {
        &self.raw
    }

    /// The concurrency controller walks and batch lookups follow, shared by
    /// every clone of this client: what it has settled on, and its bounds.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// client.providers().walk(&assured::ListProvidersParams::new()).collect().await?;
    /// println!("settled at {} requests in flight", client.concurrency().limit());
    /// # Ok(()) }
    /// ```
    pub fn concurrency(&self) -> &crate::concurrency::Controller {
        &self.config().pace
    }

    /// The NPI lookup cache, shared by every clone of this client.
    ///
    /// ```no_run
    /// # fn run(client: assured::Client) {
    /// let stats = client.npi_cache().stats();
    /// println!("{} hits, {} misses", stats.hits, stats.misses);
    /// # }
    /// ```
    pub fn npi_cache(&self) -> &NpiCache {
        &self.config().npi_cache
    }

    /// This client with another retry policy, for the calls made through it: the per-call
    /// opt-in. It shares the connection pool and the NPI cache with `self`.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client, new: assured::models::CreateProvider) -> assured::Result<()> {
    /// use assured::RetryPolicy;
    ///
    /// // This create is known to be safe to repeat: let it retry on 5xx.
    /// let patient = client.with_retry_policy(RetryPolicy::default().retry_writes_on_server_errors(true));
    /// patient.providers().create_provider(new).await?;
    /// # Ok(()) }
    /// ```
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        let mut raw = crate::raw::Client::clone(&self.raw);
        raw.inner.retry = policy;
        Client { raw: Arc::new(raw) }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.raw.inner
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.raw.baseurl
    }
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
///
/// let client = assured::Client::builder()
///     .base_url("https://staging-backend.withassured.com")
///     .api_key("my-key")
///     .timeout(Duration::from_secs(20))
///     .build()?;
/// assert_eq!(client.base_url(), "https://staging-backend.withassured.com");
/// # Ok::<(), assured::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    allow_insecure_http: bool,
    page_size: u32,
    concurrency: Option<usize>,
    npi_cache_ttl: Duration,
    npi_cache_capacity: u64,
    npi_strategy: NpiStrategy,
    retry: RetryPolicy,
    root_certificates: Vec<RootPem>,
}

/// PEM text of extra trusted roots; Debug shows only its size.
#[derive(Clone, derive_more::Debug)]
#[debug("RootPem({} bytes)", _0.len())]
struct RootPem(Vec<u8>);

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: Environment::default().base_url().to_string(),
            credentials: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            user_agent: concat!("assured-rust/", env!("CARGO_PKG_VERSION")).to_string(),
            allow_insecure_http: false,
            page_size: 100,
            concurrency: None,
            npi_cache_ttl: Duration::from_secs(300),
            npi_cache_capacity: 10_000,
            npi_strategy: NpiStrategy::ServerFilter,
            retry: RetryPolicy::default(),
            root_certificates: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// A builder holding what [`Client::from_env`] reads (`ASSURED_API_KEY`,
    /// and `ASSURED_BASE_URL` if set), for changing other settings before
    /// building. A missing or empty key is refused here, naming it.
    ///
    /// ```no_run
    /// let client = assured::ClientBuilder::from_env()?
    ///     .timeout(std::time::Duration::from_secs(60))
    ///     .build()?;
    /// # Ok::<(), assured::Error>(())
    /// ```
    pub fn from_env() -> Result<ClientBuilder> {
        let key = std::env::var("ASSURED_API_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| InvalidInput::new("ASSURED_API_KEY", "must be set to an API key"))?;
        let builder = Client::builder().api_key(key);
        Ok(match std::env::var("ASSURED_BASE_URL") {
            Ok(url) if !url.trim().is_empty() => builder.base_url(url.trim()),
            _ => builder,
        })
    }

    setters! {
        /// The server, e.g. `https://prod-backend.withassured.com` (the default).
        base_url(url: impl Into<String>) => base_url = url.into();
        /// Authenticate with the given credentials.
        credentials(credentials: Credentials) => credentials = Some(credentials);
        /// Time allowed to open a connection (default 10 s).
        connect_timeout(timeout: Duration) => connect_timeout = timeout;
        /// Time allowed for one attempt, from sending to the end of the body
        /// (default 30 s). The retry policy's deadline bounds a whole call.
        timeout(timeout: Duration) => timeout = timeout;
        /// Replaces the `User-Agent` (default `assured-rust/<version>`).
        user_agent(user_agent: impl Into<String>) => user_agent = user_agent.into();
        /// Rows per page when walking a whole list and the caller set no `limit` (default 100; the
        /// server may cap it lower). A page past 16 MiB fails as too large (about 45 000 rows),
        /// as do large pages read at once past a shared 64 MiB beyond their first MiB each.
        page_size(rows: u32) => page_size = rows.max(1);
        /// Pins the requests in flight for walks and batch lookups to `pages` (1 walks strictly
        /// one page after another; at most 1 024). By default the client adapts: it starts at 4,
        /// grows while the server keeps up, halves at once on 429/503 or inflating latency,
        /// honours `Retry-After`, and never exceeds 32 (see [`crate::concurrency::Controller`]).
        concurrency(pages: usize) => concurrency = Some(pages.max(1));
        /// How long NPI lookups stay cached (default 300 s; at most 1 000
        /// years, so `Duration::MAX` means never expire).
        npi_cache_ttl(ttl: Duration) => npi_cache_ttl = ttl;
        /// The most providers the NPI cache holds (default 10 000; least recently used go first).
        /// A [`NpiStrategy::FullIndex`] index holds every provider its walk read, regardless.
        npi_cache_capacity(providers: u64) => npi_cache_capacity = providers;
        /// How `get_by_npi` finds providers (default: the server's filter).
        npi_strategy(strategy: NpiStrategy) => npi_strategy = strategy;
        /// When to send a request again (default: [`RetryPolicy::default`]).
        retry_policy(policy: RetryPolicy) => retry = policy;
        /// One of the Assured environments.
        environment(environment: Environment) => base_url = environment.base_url().into();
        /// Authenticate with an API key (in the spec's API key header).
        api_key(key: impl Into<String>) => credentials = Some(Credentials::api_key(key));
        /// Authenticate with a bearer token.
        bearer_token(token: impl Into<String>) => credentials = Some(Credentials::bearer(token));
        /// Allows `http://` to a host that is not loopback. The API key then
        /// travels in clear text: use it only on a network you trust.
        allow_insecure_http() => allow_insecure_http = true;
    }

    /// Also trusts the certificates of this PEM text (one or more `-----BEGIN CERTIFICATE-----`
    /// blocks), beside the system's roots: for a staging server or a sandbox with a self-signed
    /// certificate. Text that holds no certificate is refused by [`build`](Self::build).
    ///
    /// ```no_run
    /// let pem = std::fs::read("staging-ca.pem")?;
    /// let client = assured::Client::builder()
    ///     .base_url("https://assured.staging.internal")
    ///     .api_key("my-key")
    ///     .add_root_certificate_pem(&pem)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.push(RootPem(pem.as_ref().to_vec()));
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let credentials = self.credentials.ok_or_else(|| {
            InvalidInput::new("credentials", "an API key or bearer token is required")
        })?;
        let base_url = self.base_url.trim().trim_end_matches('/').to_string();
        let origin = url::Url::parse(&base_url)
            .map_err(|e| InvalidInput::new("base_url", format!("must be an absolute URL ({e})")))?;
        let loopback = match origin.host() {
            Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        let refused = match origin.scheme() {
            // A key in the URL would show wherever the URL does (Debug, logs).
            _ if !origin.username().is_empty() || origin.password().is_some() => {
                Some("must not hold a user name or password; pass the key with api_key()".into())
            }
            "https" => None,
            "http" if self.allow_insecure_http || loopback => None,
            "http" => Some(
                "must use https unless the host is loopback or allow_insecure_http() is set".into(),
            ),
            other => Some(format!("scheme {other:?} is not http(s)")),
        };
        if let Some(rule) = refused {
            return Err(InvalidInput::new("base_url", rule).into());
        }
        // The API key header is a custom one, so reqwest would carry it to
        // any host a redirect names: follow redirects within the origin only.
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            let next = attempt.url();
            let same_origin = next.scheme() == origin.scheme()
                && next.host_str() == origin.host_str()
                && next.port_or_known_default() == origin.port_or_known_default();
            if !same_origin || attempt.previous().len() >= 5 {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let mut roots = Vec::new();
        for (index, RootPem(pem)) in self.root_certificates.iter().enumerate() {
            let certificates = reqwest::Certificate::from_pem_bundle(pem).unwrap_or_default();
            if certificates.is_empty() {
                let rule = "must be PEM text holding at least one certificate";
                return Err(InvalidInput::new(format!("root_certificate[{index}]"), rule).into());
            }
            roots.extend(certificates);
        }
        // Compression and h2 are reqwest features (Cargo.toml). The adaptive window lets an h2
        // stream's flow control grow to the link's bandwidth-delay product instead of stalling
        // each large page on a far server.
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .redirect(redirect)
            .http2_adaptive_window(true)
            .tls_certs_merge(roots)
            .build()
            .map_err(|source| Error::transport("", source))?;
        let config = Config {
            credentials,
            page_size: self.page_size,
            pace: (self.concurrency).map_or_else(|| Controller::adaptive(4, 32), Controller::fixed),
            npi_cache: Arc::new(NpiCache::new(
                self.npi_cache_ttl,
                self.npi_cache_capacity,
                self.npi_strategy,
            )),
            retry: self.retry,
            attempt_timeout: self.timeout,
            drawn: Arc::default(),
        };
        Ok(Client {
            raw: Arc::new(crate::raw::Client::new_with_client(&base_url, http, config)),
        })
    }
}
