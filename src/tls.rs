//! Recognising TLS failures inside a transport error: reqwest reports a
//! failed handshake as a connect error, but an untrusted certificate or a
//! protocol mismatch fails the same way on every attempt, so the retry
//! policy must tell it from a refused or reset connection.

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
#[path = "../tests/unit/tls.rs"]
mod tests;
