//! NPIs: normalising and validating them, and the shared lookup cache.
//!
//! The cache belongs to the client and is shared by its clones. It keeps
//! found providers for a time-to-live on a monotonic clock, loads at most
//! once for many concurrent callers (single-flight), and never caches a
//! miss: a provider invited a minute ago is found on the next lookup.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use crate::{error::InvalidInput, models::Provider};

/// Normalises an NPI (trims, drops spaces and dashes) and checks it: ten
/// digits, the first 1 or 2, and the Luhn check digit over the number
/// prefixed with `80840`.
///
/// ```
/// assert_eq!(assured::npi::normalize(" 123-456 7893 ").unwrap(), "1234567893");
/// let err = assured::npi::normalize("1234567890").unwrap_err();
/// assert_eq!(err.rule, "check digit is wrong (Luhn with the 80840 prefix)");
/// ```
pub fn normalize(npi: &str) -> Result<String, InvalidInput> {
    let digits: String = npi
        .trim()
        .chars()
        .filter(|c| *c != ' ' && *c != '-')
        .collect();
    let fail = |rule: &str| Err(InvalidInput::new("npi", rule));
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return fail("must contain only digits (spaces and dashes are ignored)");
    }
    if digits.len() != 10 {
        return fail("must be 10 digits");
    }
    if !digits.starts_with(['1', '2']) {
        return fail("must start with 1 or 2");
    }
    if !luhn_valid(&format!("80840{digits}")) {
        return fail("check digit is wrong (Luhn with the 80840 prefix)");
    }
    Ok(digits)
}

fn luhn_valid(number: &str) -> bool {
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// How `get_by_npi` finds a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum NpiStrategy {
    /// One request with the server's `npi` filter per uncached NPI (default).
    #[default]
    ServerFilter,
    /// Walk every provider once, index them by NPI, answer from the index
    /// (for bulk work); a miss is checked with the server filter.
    FullIndex,
}

/// Counts for observability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct NpiCacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that had to ask the server.
    pub misses: u64,
    /// Full-index loads (walks over every provider).
    pub loads: u64,
}

/// A full index: when it was loaded, in which generation, and its rows.
pub(crate) type Index = (Instant, u64, HashMap<String, Provider>);

type Slot = Arc<tokio::sync::Mutex<Option<(Instant, Provider)>>>;

/// The NPI lookup cache of a client; see [`crate::Client::npi_cache`].
#[derive(Debug)]
pub struct NpiCache {
    ttl: Duration,
    pub(crate) strategy: NpiStrategy,
    slots: Mutex<HashMap<String, Slot>>,
    pub(crate) index: tokio::sync::Mutex<Option<Index>>,
    generation: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
    loads: AtomicU64,
}

impl NpiCache {
    pub(crate) fn new(ttl: Duration, strategy: NpiStrategy) -> Self {
        Self {
            ttl,
            strategy,
            slots: Mutex::new(HashMap::new()),
            index: tokio::sync::Mutex::new(None),
            generation: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            loads: AtomicU64::new(0),
        }
    }

    /// Forgets everything cached; the next lookups ask the server.
    ///
    /// ```no_run
    /// # fn run(client: assured::Client) {
    /// client.npi_cache().invalidate();
    /// # }
    /// ```
    pub fn invalidate(&self) {
        // Bumping the generation makes an index stale even while a load
        // holds its lock.
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.slots.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Hit, miss and load counts so far.
    pub fn stats(&self) -> NpiCacheStats {
        NpiCacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            loads: self.loads.load(Ordering::Relaxed),
        }
    }

    /// The time-to-live of cached entries.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub(crate) fn fresh(&self, at: Instant) -> bool {
        at.elapsed() < self.ttl
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub(crate) fn slot(&self, npi: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(npi.to_string()).or_default().clone()
    }

    pub(crate) fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn loaded(&self) {
        self.loads.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_npis() {
        for good in [
            "1234567893",
            "1993999998",
            "1558598797",
            "1295723567",
            "1134296023",
            "1245319599",
        ] {
            assert_eq!(normalize(good).unwrap(), good);
        }
        assert_eq!(
            normalize("1234567890").unwrap_err().rule,
            "check digit is wrong (Luhn with the 80840 prefix)"
        );
        assert_eq!(
            normalize("123456789").unwrap_err().rule,
            "must be 10 digits"
        );
        assert_eq!(
            normalize("3234567893").unwrap_err().rule,
            "must start with 1 or 2"
        );
        assert_eq!(
            normalize("12345x7893").unwrap_err().rule,
            "must contain only digits (spaces and dashes are ignored)"
        );
        assert_eq!(normalize("").unwrap_err().rule, "must be 10 digits");
    }
}
