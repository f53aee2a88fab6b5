//! One paginator for every DRF limit/offset list.
//!
//! The server's `next` link is read, never followed: the client takes its
//! `offset` and `limit` and asks its own base URL again with the caller's
//! filters. So every page keeps the filters and ordering, a `next` naming
//! another host cannot draw the API key there, and a server that caps
//! `limit` is followed by what it says, not by what was asked.
//!
//! Guards: a `next` whose offset was already fetched ends the walk with
//! [`Error::PaginationLoop`]; an empty page ends it even when `next` is set;
//! optional caps on pages and items. After the first page, when `count` is
//! known, the remaining pages are fetched `concurrency` at a time and still
//! yielded in order; `stream` holds at most the pages in flight.

use std::{collections::HashSet, future::Future, hash::Hash, pin::Pin, sync::Arc};

use futures::{stream, stream::BoxStream, Stream, StreamExt, TryStreamExt};

use crate::{error::Result, page::Page, Error};

/// Fetches the page at (`offset`, `limit`) with the caller's filters.
pub(crate) type Fetch<T> = Arc<
    dyn Fn(u64, Option<u32>) -> Pin<Box<dyn Future<Output = Result<Page<T>>> + Send>> + Send + Sync,
>;

/// Rows with an identity, so a walk can drop rows that shifted between pages.
pub trait Keyed {
    /// The identity.
    type Key: Hash + Eq + Clone + Send;
    /// This row's identity.
    fn key(&self) -> Self::Key;
}

impl Keyed for crate::models::Provider {
    type Key = uuid::Uuid;
    fn key(&self) -> uuid::Uuid {
        self.id
    }
}

impl Keyed for crate::models::UserSlim {
    type Key = uuid::Uuid;
    fn key(&self) -> uuid::Uuid {
        self.id
    }
}

impl Keyed for crate::models::CaqhImportRequest {
    type Key = i64;
    fn key(&self) -> i64 {
        self.id
    }
}

/// Every row of a list, and what the walk saw.
///
/// ```no_run
/// # async fn run(client: assured::Client) -> assured::Result<()> {
/// let all = client.providers().list_all(&Default::default()).await?;
/// println!("{} rows in {} pages, {} duplicates dropped", all.items.len(), all.pages, all.duplicates_dropped);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Collected<T> {
    /// The rows, in server order, each once.
    pub items: Vec<T>,
    /// Pages fetched.
    pub pages: usize,
    /// Rows that came back twice (rows shifting between pages) and were dropped.
    pub duplicates_dropped: usize,
    /// Whether a cap on pages or items stopped the walk early.
    pub truncated: bool,
}

impl<T> IntoIterator for Collected<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A walk over every page of a list; get one from a handler
/// (`client.providers().all(&params)`), set caps, then `collect`, `stream`
/// or `pages`.
///
/// ```no_run
/// # async fn run(client: assured::Client) -> assured::Result<()> {
/// use futures::TryStreamExt;
///
/// let mut rows = client.providers().all(&Default::default()).max_items(500).stream();
/// while let Some(provider) = rows.try_next().await? {
///     println!("{}", provider.full_name);
/// }
/// # Ok(()) }
/// ```
#[must_use = "a paginator does nothing until collected or streamed"]
pub struct Paginator<T> {
    fetch: Fetch<T>,
    start: u64,
    limit: Option<u32>,
    concurrency: usize,
    max_pages: Option<usize>,
    max_items: Option<usize>,
}

impl<T: Send + 'static> Paginator<T> {
    pub(crate) fn new(fetch: Fetch<T>, start: u64, limit: Option<u32>, concurrency: usize) -> Self {
        Self {
            fetch,
            start,
            limit,
            concurrency: concurrency.max(1),
            max_pages: None,
            max_items: None,
        }
    }

    /// Pages fetched at once after the first (default: the client's,
    /// itself 4 by default); 1 walks strictly one page after another.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Stop after this many pages.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Stop after this many rows.
    pub fn max_items(mut self, items: usize) -> Self {
        self.max_items = Some(items);
        self
    }

    /// Every page, in order.
    pub fn pages(self) -> BoxStream<'static, Result<Page<T>>> {
        let Paginator {
            fetch,
            start,
            limit,
            concurrency,
            max_pages,
            max_items,
        } = self;
        let state = Walk {
            fetch,
            limit,
            concurrency,
            max_pages: max_pages.unwrap_or(usize::MAX),
            max_items: max_items.unwrap_or(usize::MAX),
            fetched: HashSet::new(),
            pages: 0,
            items: 0,
            next: Some(start),
            in_flight: None,
        };
        stream::try_unfold(state, Walk::step)
            .try_filter_map(|page| async move { Ok(page) })
            .boxed()
    }

    /// Every row, in order, holding at most the pages in flight.
    pub fn stream(self) -> BoxStream<'static, Result<T>> {
        let max_items = self.max_items.unwrap_or(usize::MAX);
        self.pages()
            .map_ok(|page| stream::iter(page.results.into_iter().map(Ok)))
            .try_flatten()
            .take(max_items)
            .boxed()
    }

    /// Every row, each once.
    pub async fn collect(self) -> Result<Collected<T>>
    where
        T: Keyed,
    {
        let max_items = self.max_items.unwrap_or(usize::MAX);
        let max_pages = self.max_pages.unwrap_or(usize::MAX);
        let mut pages = self.pages();
        let mut seen = HashSet::new();
        let mut out = Collected {
            items: Vec::new(),
            pages: 0,
            duplicates_dropped: 0,
            truncated: false,
        };
        let mut last_had_next = false;
        while let Some(page) = pages.try_next().await? {
            out.pages += 1;
            if out.pages == 1 {
                // `count` sizes the result once: a 100 000-row roster would
                // otherwise be copied through ~17 doublings. Capped, since a
                // server's count is only a hint.
                let expected = usize::try_from(page.count)
                    .unwrap_or(usize::MAX)
                    .min(max_items);
                let expected = expected.min(1 << 20);
                out.items.reserve(expected);
                seen.reserve(expected);
            }
            last_had_next = page.next.is_some() && !page.results.is_empty();
            for item in page.results {
                if out.items.len() >= max_items {
                    out.truncated = true;
                    break;
                }
                if seen.insert(item.key()) {
                    out.items.push(item);
                } else {
                    out.duplicates_dropped += 1;
                }
            }
        }
        if out.pages >= max_pages && last_had_next {
            out.truncated = true;
        }
        if out.duplicates_dropped > 0 {
            tracing::warn!(
                duplicates_dropped = out.duplicates_dropped,
                pages = out.pages,
                "rows shifted between pages; duplicates dropped"
            );
        }
        Ok(out)
    }
}

type InFlight<T> = Pin<Box<dyn Stream<Item = (u64, Result<Page<T>>)> + Send>>;

struct Walk<T> {
    fetch: Fetch<T>,
    limit: Option<u32>,
    concurrency: usize,
    max_pages: usize,
    max_items: usize,
    fetched: HashSet<u64>,
    pages: usize,
    items: usize,
    /// The offset to fetch next when walking link by link.
    next: Option<u64>,
    /// Pages planned from `count`, fetched `concurrency` at a time.
    in_flight: Option<InFlight<T>>,
}

impl<T: Send + 'static> Walk<T> {
    /// Yields `Some(page)` for a page, `None` for a step that yields nothing.
    async fn step(mut self) -> Result<Option<(Option<Page<T>>, Self)>> {
        if self.pages >= self.max_pages || self.items >= self.max_items {
            return Ok(None);
        }
        let (offset, page) = if let Some(in_flight) = self.in_flight.as_mut() {
            match in_flight.next().await {
                Some((offset, page)) => (offset, page?),
                None => {
                    self.in_flight = None;
                    return Ok(Some((None, self)));
                }
            }
        } else if let Some(offset) = self.next.take() {
            self.fetched.insert(offset);
            (offset, (self.fetch)(offset, self.limit).await?)
        } else {
            return Ok(None);
        };
        self.pages += 1;
        self.items += page.results.len();
        if page.results.is_empty() {
            // An empty page ends the walk, whatever `next` says.
            self.in_flight = None;
            return Ok(Some((Some(page), self)));
        }
        let link = match page.next.as_deref() {
            Some(next) => Some(parse_next(next)?),
            None => None,
        };
        if let Some((next_offset, next_limit)) = link {
            if next_offset <= offset {
                return Err(Error::PaginationLoop {
                    offset: next_offset,
                    next: page.next.clone().unwrap_or_default(),
                });
            }
            // The server's limit is the step, whatever was asked.
            let step = next_limit.unwrap_or(page.results.len() as u32).max(1);
            self.limit = Some(step);
            if self.in_flight.is_none() {
                if self.concurrency > 1 && self.pages == 1 && page.count > next_offset {
                    self.plan(next_offset, step, page.count);
                } else if self.fetched.contains(&next_offset) {
                    return Err(Error::PaginationLoop {
                        offset: next_offset,
                        next: page.next.clone().unwrap_or_default(),
                    });
                } else {
                    self.next = Some(next_offset);
                }
            } else if !self.fetched.contains(&next_offset) {
                // A planned page links past the plan: the list grew.
                self.next = Some(next_offset);
            }
        }
        Ok(Some((Some(page), self)))
    }

    fn plan(&mut self, first: u64, step: u32, count: u64) {
        let offsets: Vec<u64> = (first..count).step_by(step as usize).collect();
        self.fetched.extend(offsets.iter().copied());
        let fetch = self.fetch.clone();
        let limit = Some(step);
        let in_flight = stream::iter(offsets)
            .map(move |offset| {
                let fetch = fetch.clone();
                async move { (offset, fetch(offset, limit).await) }
            })
            .buffered(self.concurrency);
        self.in_flight = Some(Box::pin(in_flight));
    }
}

/// `offset` and `limit` from a `next` link; other parts are ignored.
pub(crate) fn parse_next(next: &str) -> Result<(u64, Option<u32>)> {
    let url = url::Url::parse(next).map_err(|e| Error::decode("next", e, next.as_bytes()))?;
    let mut offset = None;
    let mut limit = None;
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "offset" => offset = value.parse::<u64>().ok(),
            "limit" => limit = value.parse::<u32>().ok(),
            _ => {}
        }
    }
    // DRF leaves `offset` out of the link to the first page.
    Ok((offset.unwrap_or(0), limit))
}
