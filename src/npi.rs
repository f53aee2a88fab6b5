//! NPIs: normalising and validating them, and the shared lookup cache.
//!
//! The cache belongs to the client and is shared by its clones. It keeps found providers for a
//! time-to-live, holds at most a fixed number of them (least recently used go first), loads each
//! NPI once for many concurrent callers (single-flight), and never caches a miss: a provider
//! invited a minute ago is found on the next lookup. moka does the bounding.

use std::{
    collections::HashMap,
    future::Future,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use crate::{
    error::{InvalidInput, Result},
    models::Provider,
};

/// Normalises an NPI (trims, drops spaces and dashes) and checks it: ten digits, the first 1 or
/// 2, and the Luhn check digit over the number prefixed with `80840`.
///
/// ```
/// assert_eq!(assured::npi::normalize(" 123-456 7893 ").unwrap(), "1234567893");
/// let err = assured::npi::normalize("1234567890").unwrap_err();
/// assert_eq!(err.rule, "check digit is wrong (Luhn with the 80840 prefix)");
/// ```
pub fn normalize(npi: &str) -> Result<String, InvalidInput> {
    let digits = npi.trim().replace([' ', '-'], "");
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
    // Every other digit from the right doubled; a doubled digit over 9 summed as its two digits.
    let luhn: u32 = format!("80840{digits}")
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') << (i % 2))
        .map(|d| d / 10 + d % 10)
        .sum();
    if !luhn.is_multiple_of(10) {
        return fail("check digit is wrong (Luhn with the 80840 prefix)");
    }
    Ok(digits)
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

/// The longest time-to-live moka takes (it refuses more than 1 000 years): a longer one,
/// `Duration::MAX` included, means "never expire" and is held at this.
const MAX_TTL: Duration = Duration::from_secs(1_000 * 365 * 24 * 60 * 60);

/// A full index: when it was loaded, in which generation, and its rows.
pub(crate) type Index = (Instant, u64, HashMap<String, Provider>);

/// The NPI lookup cache of a client; see [`crate::Client::npi_cache`].
#[derive(derive_more::Debug)]
pub struct NpiCache {
    ttl: Duration,
    capacity: u64,
    pub(crate) strategy: NpiStrategy,
    #[debug(skip)]
    /// By generation and NPI: a load begun before [`Self::invalidate`]
    /// stores under the old generation, where no later lookup reads.
    entries: moka::future::Cache<(u64, String), Provider>,
    #[debug(skip)]
    pub(crate) index: tokio::sync::Mutex<Option<Index>>,
    #[debug(skip)]
    generation: AtomicU64,
    pub(crate) hits: AtomicU64,
    misses: AtomicU64,
    pub(crate) loads: AtomicU64,
}

impl NpiCache {
    pub(crate) fn new(ttl: Duration, capacity: u64, strategy: NpiStrategy) -> Self {
        let ttl = ttl.min(MAX_TTL);
        Self {
            ttl,
            capacity,
            strategy,
            // LRU, not moka's default TinyLFU, which turns away a first-time NPI once the cache
            // is full: a bulk job's fresh lookups would never be cached.
            entries: moka::future::Cache::builder()
                .eviction_policy(moka::policy::EvictionPolicy::lru())
                .max_capacity(capacity)
                .time_to_live(ttl)
                .build(),
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
        // Bumping the generation also makes an index stale, even while a load holds its lock.
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.invalidate_all();
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

    /// The most providers the cache holds.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Providers held now (after pending evictions are applied).
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) {
    /// assert!(client.npi_cache().len().await <= client.npi_cache().capacity());
    /// # }
    /// ```
    pub async fn len(&self) -> u64 {
        self.entries.run_pending_tasks().await;
        self.entries.entry_count()
    }

    /// Whether the cache holds no provider.
    pub async fn is_empty(&self) -> bool {
        self.len().await == 0
    }

    /// The provider cached for `npi`, or the one `load` finds (cached if found). Concurrent
    /// callers for one NPI share one load, its failure too (ten callers for an unknown NPI cost
    /// one request); a failure is not cached.
    pub(crate) async fn get_or_load<F, Fut>(&self, npi: &str, load: F) -> Result<Provider>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Provider>>,
    {
        let shared = self
            .entries
            .entry((self.generation(), npi.to_string()))
            .or_try_insert_with(async {
                self.misses.fetch_add(1, Ordering::Relaxed);
                load().await
            })
            .await;
        // A fresh entry is this call's load; any other was cached or another caller's load.
        if shared.as_ref().is_ok_and(|entry| !entry.is_fresh()) {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        // A failure shared with other callers is each one's, as its answer would have been.
        shared
            .map(|entry| entry.into_value())
            .map_err(Arc::unwrap_or_clone)
    }

    pub(crate) fn fresh(&self, at: Instant) -> bool {
        at.elapsed() < self.ttl
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
#[path = "../tests/unit/npi.rs"]
mod tests;
