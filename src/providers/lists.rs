//! Whole-list walks over the three paginated endpoints, on the one
//! paginator in [`crate::pagination`].

use std::sync::Arc;

use futures::stream::BoxStream;
use uuid::Uuid;

use super::{CaqhImportRequestParams, ListParams, PracticeLocationParams, Providers};
use crate::{
    error::Result,
    models::{CaqhImportRequest, Provider, UserSlim},
    pagination::{Collected, Fetch, Paginator},
    Client,
};

/// Parameters that carry a page window (`offset`, `limit`).
trait Window: Clone + Send + Sync + 'static {
    fn window(&self) -> (Option<u64>, Option<u32>);
    fn set_window(&mut self, offset: u64, limit: Option<u32>);
}

macro_rules! window {
    ($($params:ty),+) => {$(
        impl Window for $params {
            fn window(&self) -> (Option<u64>, Option<u32>) {
                (self.offset, self.limit)
            }
            fn set_window(&mut self, offset: u64, limit: Option<u32>) {
                self.offset = Some(offset);
                self.limit = limit;
            }
        }
    )+};
}

window!(ListParams, PracticeLocationParams, CaqhImportRequestParams);

/// Builds a paginator from a one-page call and the caller's parameters:
/// their `offset` is the start, their `limit` the page size.
fn walk<T, P, F, Fut>(client: &Client, params: &P, page: F) -> Paginator<T>
where
    T: Send + 'static,
    P: Window,
    F: Fn(Client, P) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<crate::Page<T>>> + Send + 'static,
{
    let config = client.config();
    let (start, limit) = params.window();
    let params = params.clone();
    let limit = limit.or(Some(config.page_size));
    let concurrency = config.concurrency;
    let client = client.clone();
    let fetch: Fetch<T> = Arc::new(move |offset, limit| {
        let mut params = params.clone();
        params.set_window(offset, limit);
        Box::pin(page(client.clone(), params))
    });
    Paginator::new(fetch, start.unwrap_or(0), limit, concurrency)
}

impl Providers<'_> {
    /// A walk over every provider matching `params` (their `offset` is the
    /// start, their `limit` the page size).
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let first_500 = client.providers().all(&Default::default()).max_items(500).collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn all(&self, params: &ListParams) -> Paginator<Provider> {
        walk(self.client, params, |client, params| async move {
            client.providers().list(&params).await
        })
    }

    /// Every provider matching `params`, each once.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let everyone = client.providers().list_all(&Default::default()).await?;
    /// println!("{} providers", everyone.items.len());
    /// # Ok(()) }
    /// ```
    pub async fn list_all(&self, params: &ListParams) -> Result<Collected<Provider>> {
        self.all(params).collect().await
    }

    /// Every provider matching `params`, as a stream.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// use futures::TryStreamExt;
    ///
    /// let npis: Vec<String> = client
    ///     .providers()
    ///     .stream(&Default::default())
    ///     .try_filter_map(|p| async move { Ok(p.npi) })
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn stream(&self, params: &ListParams) -> BoxStream<'static, Result<Provider>> {
        self.all(params).stream()
    }

    /// A walk over every user not in `practice_location`.
    pub fn all_not_in_practice_location(
        &self,
        practice_location: Uuid,
        params: &PracticeLocationParams,
    ) -> Paginator<UserSlim> {
        walk(self.client, params, move |client, params| async move {
            let providers = client.providers();
            providers
                .list_not_in_practice_location(practice_location, &params)
                .await
        })
    }

    /// Every user not in `practice_location`, each once.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client, location: uuid::Uuid) -> assured::Result<()> {
    /// let missing = client.providers().list_all_not_in_practice_location(location, &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list_all_not_in_practice_location(
        &self,
        practice_location: Uuid,
        params: &PracticeLocationParams,
    ) -> Result<Collected<UserSlim>> {
        self.all_not_in_practice_location(practice_location, params)
            .collect()
            .await
    }

    /// Every user not in `practice_location`, as a stream.
    pub fn stream_not_in_practice_location(
        &self,
        practice_location: Uuid,
        params: &PracticeLocationParams,
    ) -> BoxStream<'static, Result<UserSlim>> {
        self.all_not_in_practice_location(practice_location, params)
            .stream()
    }

    /// A walk over every CAQH import request.
    pub fn all_caqh_import_requests(
        &self,
        params: &CaqhImportRequestParams,
    ) -> Paginator<CaqhImportRequest> {
        walk(self.client, params, |client, params| async move {
            client.providers().list_caqh_import_requests(&params).await
        })
    }

    /// Every CAQH import request, each once.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let requests = client.providers().list_all_caqh_import_requests(&Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list_all_caqh_import_requests(
        &self,
        params: &CaqhImportRequestParams,
    ) -> Result<Collected<CaqhImportRequest>> {
        self.all_caqh_import_requests(params).collect().await
    }
}
