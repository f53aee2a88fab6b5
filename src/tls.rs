//! Recognising TLS failures inside a transport error.
//!
//! reqwest reports a failed handshake as a connect error, which the retry
//! policy would otherwise treat as transient. A certificate the client does
//! not trust, a name mismatch or a protocol mismatch fails the same way on
//! every attempt, so they must be told apart from a refused or reset
//! connection.

use std::error::Error as StdError;

/// How many links of a source chain are inspected: real chains are 4 or 5
/// deep, and a bound keeps a pathological chain from looping for long.
const MAX_DEPTH: usize = 16;

/// Whether `error` was caused by TLS: rustls refused the peer's certificate
/// or the handshake itself.
pub(crate) fn is_tls_failure(error: &(dyn StdError + 'static)) -> bool {
    let mut next = Some(error);
    for _ in 0..MAX_DEPTH {
        let Some(link) = next else { return false };
        if link.is::<rustls::Error>() {
            return true;
        }
        next = match link.downcast_ref::<std::io::Error>() {
            // tokio-rustls wraps rustls::Error in an io::Error, and
            // io::Error::source() skips its payload and returns the
            // payload's own source: step into the payload instead.
            Some(io) => match io.get_ref() {
                Some(payload) => Some(payload as &(dyn StdError + 'static)),
                None => None,
            },
            None => link.source(),
        };
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapper(Box<dyn StdError + Send + Sync>);

    impl std::fmt::Display for Wrapper {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("client error (Connect)")
        }
    }

    impl StdError for Wrapper {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&*self.0)
        }
    }

    #[test]
    fn finds_rustls_inside_an_io_error_inside_a_wrapper() {
        let rustls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls);
        let wrapped = Wrapper(Box::new(io));
        assert!(is_tls_failure(&wrapped));
    }

    #[test]
    fn a_refused_connection_is_not_tls() {
        let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(!is_tls_failure(&Wrapper(Box::new(io))));
        let custom = std::io::Error::other("connection reset by peer");
        assert!(!is_tls_failure(&Wrapper(Box::new(custom))));
    }
}
