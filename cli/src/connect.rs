//! The configured client: from `ASSURED_API_KEY` and the base URL, or a
//! fresh embedded sandbox with `--sandbox`.

use assured::{sandbox::Sandbox, Client};

use crate::{
    args::Global,
    exit::{Code, Failure},
};

/// Sent as `User-Agent`, so server logs can tell the CLI apart.
const USER_AGENT: &str = concat!("assured-cli/", env!("CARGO_PKG_VERSION"));

/// A client, and the sandbox it talks to when there is one (kept alive
/// until the command ends).
pub struct Connection {
    /// The client.
    pub client: Client,
    _sandbox: Option<Sandbox>,
}

/// Builds the client the options describe.
pub async fn connect(global: &Global) -> Result<Connection, Failure> {
    if global.sandbox {
        let sandbox = Sandbox::builder()
            .seed(global.sandbox_seed)
            .providers(global.sandbox_providers)
            .start()
            .await
            .map_err(|e| Failure::new(Code::Failure, format!("starting the sandbox: {e}")))?;
        tracing::info!(
            base_url = sandbox.base_url(),
            seed = global.sandbox_seed,
            providers = global.sandbox_providers,
            "embedded sandbox started"
        );
        let client = build(
            Client::builder().base_url(sandbox.base_url()),
            sandbox.api_key(),
        )?;
        return Ok(Connection {
            client,
            _sandbox: Some(sandbox),
        });
    }
    let key = std::env::var("ASSURED_API_KEY")
        .ok()
        .filter(|key| !key.trim().is_empty())
        .ok_or_else(|| {
            Failure::new(
                Code::Auth,
                "ASSURED_API_KEY is not set: export your API key, or use --sandbox",
            )
        })?;
    let mut builder = Client::builder();
    if let Some(url) = global.base_url.as_deref().filter(|u| !u.trim().is_empty()) {
        builder = builder.base_url(url.trim());
    }
    let client = build(builder, key.trim())?;
    tracing::info!(base_url = client.base_url(), "client configured");
    Ok(Connection {
        client,
        _sandbox: None,
    })
}

fn build(builder: assured::ClientBuilder, key: &str) -> Result<Client, Failure> {
    builder
        .api_key(key)
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| Failure::api("configuring the client", &e))
}
