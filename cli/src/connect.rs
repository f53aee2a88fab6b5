//! The configured client: from `ASSURED_API_KEY` and the base URL, or a
//! fresh embedded sandbox with `--sandbox`.

use assured::{
    sandbox::{Sandbox, SandboxError},
    Client,
};

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

/// Starts the embedded sandbox the options describe.
pub async fn start_sandbox(global: &Global) -> Result<Sandbox, Failure> {
    let mut builder = Sandbox::builder()
        .seed(global.sandbox_seed)
        .providers(global.sandbox_providers);
    if let Some(port) = global.sandbox_port {
        builder = builder.port(port);
    }
    builder
        .start()
        .await
        .map_err(|e| Failure::new(Code::Failure, start_error(&e, global.sandbox_port)))
}

/// Why the sandbox did not start, and what to do about it.
fn start_error(error: &SandboxError, port: Option<u16>) -> String {
    use std::io::ErrorKind;
    match (error, port) {
        (SandboxError::PortInUse { .. }, Some(port)) => format!(
            "starting the sandbox: port {port} on 127.0.0.1 is already in use; \
             choose another --sandbox-port, or leave it out for a free one"
        ),
        (SandboxError::Bind { source, .. }, Some(port))
            if source.kind() == ErrorKind::PermissionDenied =>
        {
            format!(
                "starting the sandbox: not allowed to listen on port {port} \
                 (ports below 1024 need privileges); choose another --sandbox-port"
            )
        }
        _ => format!("starting the sandbox: {error}"),
    }
}

/// Builds the client the options describe.
pub async fn connect(global: &Global) -> Result<Connection, Failure> {
    if global.sandbox {
        let sandbox = start_sandbox(global).await?;
        tracing::info!(
            base_url = sandbox.base_url(),
            seed = global.sandbox_seed,
            providers = global.sandbox_providers,
            "embedded sandbox started"
        );
        let client = build(
            Client::builder().base_url(sandbox.base_url()),
            sandbox.api_key(),
            global,
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
    let client = build(builder, key.trim(), global)?;
    tracing::info!(base_url = client.base_url(), "client configured");
    Ok(Connection {
        client,
        _sandbox: None,
    })
}

fn build(builder: assured::ClientBuilder, key: &str, global: &Global) -> Result<Client, Failure> {
    let builder = match global.concurrency {
        crate::args::Concurrency::Fixed(n) => builder.concurrency(n),
        crate::args::Concurrency::Auto => builder,
    };
    builder
        .api_key(key)
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| {
            let mut failure = Failure::api("configuring the client", &e);
            if let assured::Error::InvalidInput(input) = &e {
                if input.field == "base_url" {
                    failure.message = format!(
                        "the base URL is not usable: {}; set --base-url or ASSURED_BASE_URL to \
                         e.g. https://staging-backend.withassured.com",
                        input.rule
                    );
                }
            }
            failure
        })
}
