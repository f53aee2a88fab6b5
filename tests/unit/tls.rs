//! Unit tests of `src/tls.rs`: TLS failures found however deeply they are
//! wrapped, and other failures not taken for them.

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
