//! The one walk over any paginated list, driven by its generated parameters.

use std::sync::Arc;

use super::Providers;
use crate::pagination::{Fetch, Listing, Walk};

impl Providers<'_> {
    /// A walk over every row of a list: `params` choose the list (their type) and its filters,
    /// their `offset` is the start and their `limit` the page size. Take it as pages, rows or a
    /// collection; see [`Walk`] for what it guarantees.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client, location: assured::Uuid) -> assured::Result<()> {
    /// use assured::{ListProvidersNotInPracticeLocationParams, ListProvidersParams};
    ///
    /// let active = client
    ///     .providers()
    ///     .walk(&ListProvidersParams::new().is_active(true))
    ///     .collect()
    ///     .await?;
    /// println!("{} active providers", active.items.len());
    ///
    /// let outside = ListProvidersNotInPracticeLocationParams::new().practice_location(location);
    /// let mut rows = client.providers().walk(&outside).rows();
    /// # Ok(()) }
    /// ```
    pub fn walk<P: Listing>(&self, params: &P) -> Walk<P::Item> {
        let config = self.client.config();
        let (start, limit) = params.window();
        let limit = limit.map_or(config.page_size, |l| u32::try_from(l).unwrap_or(u32::MAX));
        let (client, params) = (self.client.clone(), params.clone());
        let fetch: Fetch<P::Item> = Arc::new(move |offset, limit| {
            let params = params.clone().with_window(offset, u64::from(limit));
            params.fetch(client.clone())
        });
        Walk::new(fetch, start.unwrap_or(0), limit, config)
    }
}
