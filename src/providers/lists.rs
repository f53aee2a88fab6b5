//! One walk per paginated list, on the one walker in [`crate::pagination`].

use std::sync::Arc;

use uuid::Uuid;

use super::{CaqhImportRequestParams, ListParams, PracticeLocationParams, Providers};
use crate::{
    error::Result,
    models::{CaqhImportRequest, Provider, UserSlim},
    pagination::{Fetch, Keyed, Walk},
    Client,
};

/// Parameters that carry a page window (`offset`, `limit`).
trait Window: Clone + Send + Sync + 'static {
    fn window(&self) -> (Option<u64>, Option<u32>);
    fn set_window(&mut self, offset: u64, limit: u32);
}

macro_rules! window {
    ($($params:ty),+) => {$(
        impl Window for $params {
            fn window(&self) -> (Option<u64>, Option<u32>) {
                (self.offset, self.limit)
            }
            fn set_window(&mut self, offset: u64, limit: u32) {
                self.offset = Some(offset);
                self.limit = Some(limit);
            }
        }
    )+};
}

window!(ListParams, PracticeLocationParams, CaqhImportRequestParams);

/// A walk from a one-page call and the caller's parameters: their `offset`
/// is the start, their `limit` the page size.
fn walk<T, P, F, Fut>(client: &Client, params: &P, page: F) -> Walk<T>
where
    T: Keyed + Send + 'static,
    P: Window,
    F: Fn(Client, P) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<crate::Page<T>>> + Send + 'static,
{
    let config = client.config();
    let (start, limit) = params.window();
    let params = params.clone();
    let limit = limit.unwrap_or(config.page_size);
    let pace = config.pace.clone();
    let client = client.clone();
    let fetch: Fetch<T> = Arc::new(move |offset, limit| {
        let mut params = params.clone();
        params.set_window(offset, limit);
        Box::pin(page(client.clone(), params))
    });
    Walk::new(fetch, start.unwrap_or(0), limit, pace)
}

impl Providers<'_> {
    /// A walk over every provider matching `params` (their `offset` is the
    /// start, their `limit` the page size): take it as pages, rows or a
    /// collection. Every provider that exists for the whole walk comes
    /// once, while others are added or removed; see [`Walk`].
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// use assured::ListParams;
    ///
    /// let active = client.providers().walk(&ListParams::new().is_active(true)).collect().await?;
    /// println!("{} active providers", active.items.len());
    /// # Ok(()) }
    /// ```
    pub fn walk(&self, params: &ListParams) -> Walk<Provider> {
        walk(self.client, params, |client, params| async move {
            client.providers().list(&params).await
        })
    }

    /// A walk over every user not in `practice_location`.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client, location: uuid::Uuid) -> assured::Result<()> {
    /// let missing = client
    ///     .providers()
    ///     .walk_not_in_practice_location(location, &Default::default())
    ///     .collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn walk_not_in_practice_location(
        &self,
        practice_location: Uuid,
        params: &PracticeLocationParams,
    ) -> Walk<UserSlim> {
        walk(self.client, params, move |client, params| async move {
            let providers = client.providers();
            providers
                .list_not_in_practice_location(practice_location, &params)
                .await
        })
    }

    /// A walk over every CAQH import request.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let requests = client.providers().walk_caqh_import_requests(&Default::default()).collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn walk_caqh_import_requests(
        &self,
        params: &CaqhImportRequestParams,
    ) -> Walk<CaqhImportRequest> {
        walk(self.client, params, |client, params| async move {
            client.providers().list_caqh_import_requests(&params).await
        })
    }
}
