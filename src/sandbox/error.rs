//! Why a sandbox could not start, in words a person can act on.

use std::io;

/// A sandbox that could not start. Converts into [`crate::Error`], so `?`
/// works in a function returning [`crate::Result`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> assured::Result<()> {
/// use assured::sandbox::{Sandbox, SandboxError};
///
/// let first = Sandbox::builder().providers(1).start().await?;
/// let port = first.port();
/// let second = Sandbox::builder().providers(1).port(port).start().await;
/// assert!(matches!(second, Err(SandboxError::PortInUse { .. })));
/// assert_eq!(second.unwrap_err().to_string(), format!("port {port} is already in use"));
/// # Ok(()) }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// Another process (or sandbox) listens on the port.
    #[error("port {port} is already in use")]
    PortInUse {
        /// The port asked for.
        port: u16,
    },
    /// Binding failed for another reason (permissions, no loopback).
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The self-signed certificate or the TLS configuration could not be made.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}

// By hand: `Bind` keeps an `io::Error` (its `source()` still downcasts to one, and the public
// field's type is unchanged); a copy carries its kind and message.
impl Clone for SandboxError {
    fn clone(&self) -> Self {
        match self {
            Self::PortInUse { port } => Self::PortInUse { port: *port },
            Self::Bind { port, source } => Self::Bind {
                port: *port,
                source: io::Error::new(source.kind(), source.to_string()),
            },
            Self::Tls(m) => Self::Tls(m.clone()),
        }
    }
}

impl SandboxError {
    pub(crate) fn bind(port: u16, source: io::Error) -> Self {
        if source.kind() == io::ErrorKind::AddrInUse {
            SandboxError::PortInUse { port }
        } else {
            SandboxError::Bind { port, source }
        }
    }
}
