//! Walks: every row of a limit/offset list, each once, while the list changes; one [`Walk`] for
//! every list, as pages, rows or a collection, with its [`WalkReport`]. The algorithm is
//! `walker`'s. The `next` link is never followed, and `count` only bounds prefetching, never an
//! allocation or the end of the walk.

mod walker;

#[cfg(feature = "fuzzing")]
pub(crate) use walker::parse_next;

use std::{
    hash::Hash,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
};

use futures::{future::BoxFuture, stream, stream::BoxStream, Stream, StreamExt, TryStreamExt};

use crate::{
    concurrency::{Controller, MAX_IN_FLIGHT},
    error::Result,
    page::Page,
    transport::Config,
};

/// Fetches the page at (`offset`, `limit`) with the caller's filters.
pub(crate) type Fetch<T> =
    Arc<dyn Fn(u64, u32) -> BoxFuture<'static, Result<Page<T>>> + Send + Sync>;

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// Rows with an identity, so a walk can tell a row it has seen from a new
/// one. Generated for the rows of every list (their `id`); sealed.
pub trait Keyed: sealed::Sealed {
    /// The identity.
    type Key: Hash + Eq + Clone + Send + Sync + 'static;
    /// This row's identity.
    fn key(&self) -> Self::Key;
}

/// A paginated list's query parameters, generated from the spec for each (`ListProvidersParams`,
/// ...): what [`crate::Providers::walk`] drives, one window at a time. Sealed.
pub trait Listing: sealed::Sealed + Clone + Send + Sync + 'static {
    /// The list's rows.
    type Item: Keyed + Send + 'static;
    /// The caller's `offset` and `limit`.
    #[doc(hidden)]
    fn window(&self) -> (Option<u64>, Option<u64>);
    /// These parameters at another window.
    #[doc(hidden)]
    fn with_window(self, offset: u64, limit: u64) -> Self;
    /// One page at these parameters.
    #[doc(hidden)]
    fn fetch(self, client: crate::Client) -> BoxFuture<'static, Result<Page<Self::Item>>>;
}

/// What a walk did: requests, rows, healing, and whether the list moved.
///
/// ```no_run
/// # async fn run(client: assured::Client) -> assured::Result<()> {
/// let all = client.providers().walk(&assured::ListProvidersParams::new()).collect().await?;
/// let report = &all.report;
/// println!(
///     "{} rows, {} requests ({} to heal shifts), list changed: {}",
///     report.rows, report.requests, report.heal_requests, report.list_changed()
/// );
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WalkReport {
    /// List calls made, heals included; a call's own retries (after a 429, or an answer the
    /// client's shared body budget refused) are not counted.
    pub requests: usize,
    /// Pages that added rows to the walk.
    pub pages: usize,
    /// Rows yielded.
    pub rows: usize,
    /// Rows that came back again beyond the planned overlap, and were dropped.
    pub duplicates_dropped: usize,
    /// Requests sent to heal a shift (re-reads around the last trusted page).
    pub heal_requests: usize,
    /// Rows those re-reads returned.
    pub rows_reread: usize,
    /// Pages read but not used: they no longer joined the rows already read.
    pub pages_discarded: usize,
    /// The server's `count` on the first page.
    pub count_at_start: Option<u64>,
    /// The server's `count` on the last page read.
    pub count_at_end: Option<u64>,
    /// Whether a cap (`max_items`, `max_pages`) stopped the walk with rows remaining.
    pub truncated: bool,
}

impl WalkReport {
    /// Whether the list changed while it was read: `count` moved, or a shift had to be healed.
    pub fn list_changed(&self) -> bool {
        self.count_at_start != self.count_at_end
            || self.heal_requests > 0
            || self.pages_discarded > 0
    }
}

/// Every row of a walk, and its report.
///
/// ```no_run
/// # async fn run(client: assured::Client) -> assured::Result<()> {
/// let all = client.providers().walk(&assured::ListProvidersParams::new()).collect().await?;
/// for provider in &all.items {
///     println!("{:?}", provider.full_name);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Collected<T> {
    /// The rows, each once, in the order the walk met them.
    pub items: Vec<T>,
    /// What the walk did.
    pub report: WalkReport,
}

impl<T> IntoIterator for Collected<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A walk over every page of a list; get one from a handler (`client.providers().walk(&params)`),
/// set caps, then take it as [`pages`](Walk::pages), [`rows`](Walk::rows) or
/// [`collect`](Walk::collect).
///
/// Every row that exists for the whole walk is yielded exactly once, at any concurrency, while
/// other rows are inserted or deleted anywhere; rows inserted or deleted during the walk may or
/// may not appear. See the README's "Walking a list" for how it is kept.
///
/// ```no_run
/// # async fn run(client: assured::Client) -> assured::Result<()> {
/// use futures::TryStreamExt;
///
/// let mut rows = client.providers().walk(&assured::ListProvidersParams::new()).max_items(500).rows();
/// while let Some(provider) = rows.try_next().await? {
///     println!("{} {:?}", provider.id, provider.npi);
/// }
/// println!("{:?}", rows.report());
/// # Ok(()) }
/// ```
#[must_use = "a walk does nothing until its pages, rows or collection are taken"]
#[derive(derive_more::Debug)]
pub struct Walk<T> {
    #[debug(skip)]
    fetch: Fetch<T>,
    start: u64,
    limit: u32,
    /// Pinned by the caller, or `None` to follow `pace`.
    concurrency: Option<usize>,
    pace: Controller,
    max_pages: usize,
    max_items: usize,
    /// The first page, when the caller has read it already.
    #[debug(skip)]
    head: Option<Page<T>>,
}

impl<T: Keyed + Send + 'static> Walk<T> {
    pub(crate) fn new(fetch: Fetch<T>, start: u64, limit: u32, config: &Config) -> Self {
        Self {
            fetch,
            start,
            limit,
            pace: config.pace.clone(),
            concurrency: None,
            max_pages: usize::MAX,
            max_items: usize::MAX,
            head: None,
        }
    }

    /// The walk, starting from `page`: the answer to its first request, already read.
    pub(crate) fn starting_with(mut self, page: Page<T>) -> Self {
        self.head = Some(page);
        self
    }

    setters! {
        /// Pins the pages requested at once (1 walks strictly one page after another; at most
        /// 1 024). By default the client's controller decides, adapting to the server (see
        /// [`crate::ClientBuilder::concurrency`]). The guarantee holds at any value.
        concurrency(pages: usize) => concurrency = Some(pages.clamp(1, MAX_IN_FLIGHT));
        /// Stop after this many pages with rows.
        max_pages(pages: usize) => max_pages = pages;
        /// Stop after this many rows.
        max_items(items: usize) => max_items = items;
    }

    /// Every page with new rows, in the order the walk trusts them; each
    /// page's `results` holds only rows not yielded before.
    pub fn pages(self) -> Pages<T> {
        let report = Arc::new(Mutex::new(WalkReport::default()));
        let walker = walker::Walker::new(self, report.clone());
        let inner = stream::try_unfold(walker, |mut walker| async move {
            Ok(walker.next_page().await?.map(|page| (page, walker)))
        })
        .boxed();
        Pages { inner, report }
    }

    /// Every row, each once, holding at most the pages in flight.
    pub fn rows(self) -> Rows<T> {
        let Pages { inner, report } = self.pages();
        let inner = inner
            .map_ok(|page| stream::iter(page).map(Ok))
            .try_flatten()
            .boxed();
        Rows { inner, report }
    }

    /// Every row, each once, with the report.
    pub async fn collect(self) -> Result<Collected<T>> {
        let mut pages = self.pages();
        let mut items = Vec::new();
        while let Some(page) = pages.try_next().await? {
            items.extend(page.results);
        }
        let report = pages.report();
        Ok(Collected { items, report })
    }
}

fn lock(report: &Mutex<WalkReport>) -> std::sync::MutexGuard<'_, WalkReport> {
    report.lock().unwrap_or_else(|e| e.into_inner())
}

macro_rules! walk_stream {
    ($(#[$meta:meta])* $name:ident => $item:ty) => {
        $(#[$meta])*
        #[must_use = "streams do nothing unless polled"]
        pub struct $name<T> {
            inner: BoxStream<'static, Result<$item>>,
            report: Arc<Mutex<WalkReport>>,
        }

        impl<T> $name<T> {
            /// What the walk has done so far; final once the stream ends.
            pub fn report(&self) -> WalkReport {
                lock(&self.report).clone()
            }
        }

        impl<T> Stream for $name<T> {
            type Item = Result<$item>;
            fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                self.inner.poll_next_unpin(cx)
            }
        }

        impl<T> std::fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name)).field("report", &self.report()).finish()
            }
        }
    };
}

walk_stream! {
    /// The pages of a [`Walk`], with its [`WalkReport`].
    Pages => Page<T>
}

walk_stream! {
    /// The rows of a [`Walk`], with its [`WalkReport`].
    Rows => T
}
