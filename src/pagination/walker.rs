//! The walk's algorithm: prefetch windows on an overlapping grid, trust a page only when it
//! shares a row with the rows already trusted, and heal a broken chain by re-reading around the
//! frontier (the furthest trusted page). The README's "Walking a list" says why that covers every
//! surviving row.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
};

use futures::{future::BoxFuture, stream::FuturesOrdered, StreamExt};
use tokio_util::task::AbortOnDropHandle;

use super::{lock, Keyed, Walk, WalkReport};
use crate::{error::Result, page::Page, Error};

/// Trusted pages in a row that added no row, all starting with the same row, before the walk
/// calls it a loop (a server ignoring `offset` answers the same page forever).
const IDLE_PAGES: usize = 3;
/// Re-reads in a row, without a new row read between them, before the walk
/// gives up on a list that changes faster than it can be read.
const REREADS_IN_A_ROW: usize = 32;
/// A page in flight: the offset asked for, the epoch it was planned under, and the page.
struct Candidate<T>(u64, u64, Result<Page<T>>);

/// The furthest trusted page: where it was read, and what `count` said then.
struct Frontier {
    offset: u64,
    len: usize,
    count: u64,
}

/// Where a trusted page came from: what its repeated rows say (see `trust`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Planned on the current grid.
    Planned,
    /// The head, or a page planned on a grid a heal has since replaced.
    Unplanned,
    Heal,
}

pub(crate) struct Walker<T: Keyed> {
    /// What the walk was asked to do.
    plan: Walk<T>,
    report: Arc<Mutex<WalkReport>>,
    /// Rows in a full page, learned from the first (a server may cap `limit`); 0 until then.
    size: u32,
    /// Rows each window shares with the one before it.
    overlap: u32,
    in_flight: FuturesOrdered<BoxFuture<'static, Candidate<T>>>,
    next_offset: u64,
    /// Bumped by every heal: pages planned before it sit on a stale grid.
    epoch: u64,
    seen: HashSet<T::Key>,
    frontier: Option<Frontier>,
    done: bool,
    idle: usize,
    /// The first row of the last page that added nothing.
    idle_first: Option<T::Key>,
    rereads_in_a_row: usize,
}

impl<T: Keyed + Send + 'static> Walker<T> {
    pub(crate) fn new(plan: Walk<T>, report: Arc<Mutex<WalkReport>>) -> Self {
        Self {
            plan,
            report,
            size: 0,
            overlap: 0,
            in_flight: FuturesOrdered::new(),
            next_offset: 0,
            epoch: 0,
            seen: HashSet::new(),
            frontier: None,
            done: false,
            idle: 0,
            idle_first: None,
            rereads_in_a_row: 0,
        }
    }

    /// The next page of rows not yielded before, or `None` at the end.
    pub(crate) async fn next_page(&mut self) -> Result<Option<Page<T>>> {
        if self.size == 0 {
            if let Some(page) = self.head().await? {
                return Ok(Some(page));
            }
        }
        while !self.done {
            self.fill();
            // Nothing in flight: a cap was met exactly.
            let Some(Candidate(offset, epoch, page)) = self.in_flight.next().await else {
                break;
            };
            let page = page?;
            self.counted(&page);
            let trusted = if self.joins(&page) {
                // A page planned before the last heal may well repeat rows
                // the heal read: that is no sign of a loop.
                let source = if epoch < self.epoch {
                    Source::Unplanned
                } else {
                    Source::Planned
                };
                self.trust(offset, page, source)?
            } else {
                lock(&self.report).pages_discarded += 1;
                if epoch < self.epoch {
                    // Planned on the grid a heal has since replaced.
                    continue;
                }
                // A shift broke the chain: overlap more so the same churn does not break it again.
                self.overlap = (self.overlap * 2).min(self.size / 4).max(self.overlap);
                self.heal().await?
            };
            if trusted.is_some() {
                return Ok(trusted);
            }
        }
        Ok(None)
    }

    async fn head(&mut self) -> Result<Option<Page<T>>> {
        // One row of overlap needs two rows a page.
        let limit = self.plan.limit.max(2);
        let page = match self.plan.head.take() {
            Some(page) => page,
            None => self.fetch(self.plan.start, limit).await?,
        };
        lock(&self.report).count_at_start = Some(page.count);
        self.counted(&page);
        let linked = page.next.as_deref().and_then(|next| parse_next(next).ok()?);
        let mut size = linked.map_or(limit, |linked| linked.min(limit));
        if page.next.is_some() && page.results.len() < size as usize {
            // A server that caps `limit` silently.
            size = u32::try_from(page.results.len()).unwrap_or(size);
        }
        self.size = size.max(1);
        // A thirty-second of a page: 3 rows of 100, so 104 requests for 10 000 unchanging rows
        // instead of 100; none for a page of one row, which could not advance.
        self.overlap = (self.size / 32).max(1).min(self.size - 1);
        self.next_offset = self.plan.start.saturating_add(u64::from(self.stride()));
        self.trust(self.plan.start, page, Source::Unplanned)
    }

    fn stride(&self) -> u32 {
        (self.size - self.overlap).max(1)
    }

    /// Requests pages ahead, within the caps and (but for one probe past it) the server's `count`.
    fn fill(&mut self) {
        let stride = self.stride() as usize;
        let (rows, pages, count) = {
            let report = lock(&self.report);
            (report.rows, report.pages, report.count_at_end.unwrap_or(0))
        };
        loop {
            let ahead = self.in_flight.len();
            let limit = (self.plan.concurrency).unwrap_or_else(|| self.plan.pace.limit());
            if ahead >= limit.max(1) {
                break;
            }
            // The server asked for a pause: only what is in flight goes on.
            let held = self.plan.pace.not_before().is_some();
            if held && ahead > 0 && self.plan.concurrency.is_none() {
                break;
            }
            let wanted_rows = self.plan.max_items.saturating_sub(rows);
            let wanted_pages = self.plan.max_pages.saturating_sub(pages);
            if ahead.saturating_mul(stride) >= wanted_rows || ahead >= wanted_pages {
                break;
            }
            if self.next_offset >= count && ahead > 0 {
                break;
            }
            let page = self.spawn(self.next_offset);
            self.in_flight.push_back(page);
            self.next_offset = self.next_offset.saturating_add(stride as u64);
        }
    }

    /// The page at `offset`, fetched in its own task: so a page is fetched while the caller is
    /// busy with the rows before it, not only while the walk is polled, and a slow consumer
    /// neither runs an attempt past its timeout nor reads as a slow server to the controller.
    /// Dropping the walk aborts it.
    fn spawn(&self, offset: u64) -> BoxFuture<'static, Candidate<T>> {
        let (epoch, page) = (self.epoch, self.fetch(offset, self.size));
        let task = AbortOnDropHandle::new(tokio::spawn(page));
        Box::pin(async move {
            let page = match task.await {
                Ok(page) => page,
                Err(failed) if failed.is_panic() => std::panic::resume_unwind(failed.into_panic()),
                Err(_) => Err(Error::decode("walk", "the page's task was cancelled", b"")),
            };
            Candidate(offset, epoch, page)
        })
    }

    /// The page at (`offset`, `limit`), counted when planned, so a walk's count does not hang on
    /// when its tasks ran.
    fn fetch(&self, offset: u64, limit: u32) -> BoxFuture<'static, Result<Page<T>>> {
        lock(&self.report).requests += 1;
        (self.plan.fetch)(offset, limit)
    }

    fn counted(&self, page: &Page<T>) {
        lock(&self.report).count_at_end = Some(page.count);
    }

    /// Whether `page` shares a row with the rows already trusted.
    fn joins(&self, page: &Page<T>) -> bool {
        let seen = |row: &T| self.seen.contains(&row.key());
        self.overlap == 0 || page.results.iter().any(seen)
    }

    /// Re-reads around the frontier until a page joins the trusted rows,
    /// then trusts it and re-plans from it.
    async fn heal(&mut self) -> Result<Option<Page<T>>> {
        let Some(frontier) = self.frontier.as_ref() else {
            return Err(unstable(0, self.rereads_in_a_row));
        };
        // In i128, where offsets and counts the server or the caller gave at the ends of u64
        // cannot overflow; each window is then clamped into u64.
        let size = i128::from(self.size);
        // Where the frontier's last row is now, if the whole change in
        // `count` happened before it; the windows tried spread around that.
        let latest_count = lock(&self.report).count_at_end.unwrap_or(0);
        let drift = i128::from(latest_count) - i128::from(frontier.count);
        let end = i128::from(frontier.offset) + frontier.len as i128 - 1 + drift;
        let base = end - size / 2;
        let at = |offset: i128| u64::try_from(offset.max(0)).unwrap_or(u64::MAX);
        let mut tried = Vec::new();
        for shift in [0, -size / 2, size / 2, -size, size, -2 * size, 2 * size] {
            let offset = at(base + shift);
            if tried.contains(&offset) {
                continue;
            }
            if self.rereads_in_a_row >= REREADS_IN_A_ROW {
                break;
            }
            tried.push(offset);
            self.rereads_in_a_row += 1;
            let page = self.fetch(offset, self.size).await?;
            self.counted(&page);
            let mut report = lock(&self.report);
            report.heal_requests += 1;
            report.rows_reread += page.results.len();
            drop(report);
            if self.joins(&page) {
                self.epoch += 1;
                let len = page.results.len() as u64;
                let stride = len.saturating_sub(u64::from(self.overlap)).max(1);
                self.next_offset = offset.saturating_add(stride);
                return self.trust(offset, page, Source::Heal);
            }
            lock(&self.report).pages_discarded += 1;
        }
        Err(unstable(at(base), self.rereads_in_a_row))
    }

    /// Takes a page into the walk: marks its rows seen, moves the frontier,
    /// ends the walk at a short page or a cap, and returns the new rows.
    fn trust(&mut self, offset: u64, mut page: Page<T>, source: Source) -> Result<Option<Page<T>>> {
        let (len, count) = (page.results.len(), page.count);
        let short = len < self.size as usize;
        let first_key = page.results.first().map(Keyed::key);
        page.results.retain(|row| self.seen.insert(row.key()));
        let repeated = len - page.results.len();
        let extends = self.frontier.as_ref().is_none_or(|f| {
            let end = |offset: u64, len: usize| offset.saturating_add(len as u64);
            source == Source::Heal || end(offset, len) >= end(f.offset, f.len)
        });
        if extends && len > 0 {
            self.frontier = Some(Frontier { offset, len, count });
        }
        self.done |= short;
        let mut report = lock(&self.report);
        if source == Source::Planned {
            report.duplicates_dropped += repeated.saturating_sub(self.overlap as usize);
        }
        if page.results.is_empty() {
            if source == Source::Planned && !short {
                // The same window at another offset, again: under churn a page may repeat rows,
                // but not the same ones each time. (A page that is not short has a first row.)
                if first_key != self.idle_first {
                    (self.idle, self.idle_first) = (0, first_key);
                }
                self.idle += 1;
                if self.idle >= IDLE_PAGES {
                    return Err(Error::PaginationLoop {
                        offset,
                        next: page.next.unwrap_or_default(),
                    });
                }
            }
            return Ok(None);
        }
        (self.idle, self.rereads_in_a_row) = (0, 0);
        let wanted = self.plan.max_items.saturating_sub(report.rows);
        let left_over = page.results.len() > wanted;
        page.results.truncate(wanted);
        report.rows += page.results.len();
        report.pages += 1;
        if report.rows >= self.plan.max_items || report.pages >= self.plan.max_pages {
            // Rows remain when this page had more, or it was not the last.
            report.truncated = left_over || (!short && page.next.is_some());
            self.done = true;
        }
        if self.done {
            self.in_flight = FuturesOrdered::new();
        }
        Ok(Some(page))
    }
}

fn unstable(offset: u64, tries: usize) -> Error {
    Error::ListUnstable { offset, tries }
}

/// The `limit` of a `next` link (the page size the server used); other parts are ignored.
pub(crate) fn parse_next(next: &str) -> Result<Option<u32>> {
    let url = url::Url::parse(next).map_err(|e| Error::decode("next", e, next.as_bytes()))?;
    let limit = url.query_pairs().filter(|(key, _)| key == "limit").last();
    Ok(limit.and_then(|(_, value)| value.parse().ok()))
}
