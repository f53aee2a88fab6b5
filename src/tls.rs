//! Recognising TLS failures inside a transport error: reqwest reports a failed handshake as a
//! connect error, but an untrusted certificate or a protocol mismatch fails the same way on every
//! attempt, so the retry policy must tell it from a refused or reset connection.

use std::error::Error as StdError;

/// How many links of a source chain are inspected: real chains are 4 or 5
/// deep, and a bound keeps a pathological chain from looping for long.
const MAX_DEPTH: usize = 16;

/// Whether `error` was caused by TLS: rustls refused the peer's certificate
/// or the handshake itself.
pub(crate) fn is_tls_failure(error: &(dyn StdError + 'static)) -> bool {
    cause::<rustls::Error>(error).is_some()
}

/// The first `E` in `error`'s source chain, including the payloads of `io::Error`s on the way.
pub(crate) fn cause<'a, E: StdError + 'static>(
    error: &'a (dyn StdError + 'static),
) -> Option<&'a E> {
    // tokio-rustls wraps rustls::Error in an io::Error, whose source() skips its payload and
    // returns the payload's own source: step into the payload instead.
    std::iter::successors(Some(error), |&link| {
        match link.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|p| p as &(dyn StdError + 'static)),
            None => link.source(),
        }
    })
    .take(MAX_DEPTH)
    .find_map(|link| link.downcast_ref::<E>())
}

#[cfg(test)]
#[path = "../tests/unit/tls.rs"]
mod tests;
