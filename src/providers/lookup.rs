//! Finding providers: by account id, many ids, profile id and NPI.

use std::{
    collections::{HashMap, HashSet},
    sync::atomic::Ordering,
    time::Instant,
};

use super::{
    operations::{paths, ListProvidersParams},
    Providers,
};
use crate::{
    concurrency::paced,
    error::{ApiError, Error, InvalidInput, Result},
    ids::{AccountId, ProfileId},
    models::Provider,
    npi::{self, NpiStrategy},
};

/// Ids per `id_in` request: 50 UUIDs keep the URL under 2 KB.
const IDS_PER_REQUEST: usize = 50;

/// What a batch lookup found, and which keys matched nothing.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Found<K, T> {
    /// The rows found, in the order asked.
    pub found: Vec<T>,
    /// The keys that matched nothing, in the order asked.
    pub missing: Vec<K>,
}

fn not_found(detail: String) -> Error {
    Error::NotFound(Box::new(ApiError::not_found(paths::LIST_PROVIDERS, detail)))
}

impl Providers<'_> {
    /// The provider with this account id; the row returned is the one whose id equals it, even
    /// from a server that ignores the `id_in` filter.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let jane = client.providers().get("3fa85f64-5717-4562-b3fc-2c963f66afa6".parse()?).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: AccountId) -> Result<Provider> {
        let found = self.fetch_ids(&[id]).await?;
        let found = found.into_iter().find(|p| p.id == id);
        found.ok_or_else(|| not_found(format!("No provider found with id={id}")))
    }

    /// Many providers by account id: one request per 50 ids.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let ids = ["3fa85f64-5717-4562-b3fc-2c963f66afa6".parse()?];
    /// let result = client.providers().get_many(&ids).await?;
    /// println!("{} found, missing {:?}", result.found.len(), result.missing);
    /// # Ok(()) }
    /// ```
    pub async fn get_many(&self, ids: &[AccountId]) -> Result<Found<AccountId, Provider>> {
        let mut wanted = ids.to_vec();
        let mut unique = HashSet::new();
        wanted.retain(|id| unique.insert(*id));
        let pace = &self.client.config().pace;
        let chunks = paced(pace, wanted.chunks(IDS_PER_REQUEST), |c| self.fetch_ids(c)).await?;
        // Taken by the ids asked: strangers from a server ignoring the filter stay behind.
        let mut by_id: HashMap<AccountId, Provider> =
            chunks.into_iter().flatten().map(|p| (p.id, p)).collect();
        let (found, missing): (Vec<_>, Vec<_>) =
            wanted.into_iter().partition(|id| by_id.contains_key(id));
        let found = found.iter().filter_map(|id| by_id.remove(id)).collect();
        Ok(Found { found, missing })
    }

    /// The rows the server returns for `id_in` = these ids: one page asked to hold them all (at
    /// most 50). A server that caps `limit` below that answers with a `next`; the rest is then
    /// read as a walk from that page, stopped at as many rows as ids, so a server that also
    /// ignores `id_in` costs that many strangers (which callers drop), not its whole roster.
    async fn fetch_ids(&self, ids: &[AccountId]) -> Result<Vec<Provider>> {
        let params = ListProvidersParams::new()
            .id_in(ids.iter().copied())
            .limit(ids.len().max(1) as u64)
            .offset(0);
        let page = self.list_providers(&params).await?;
        if page.next.is_none() || page.results.len() >= ids.len() {
            return Ok(page.results);
        }
        let walk = self.walk(&params).starting_with(page).max_items(ids.len());
        Ok(walk.collect().await?.items)
    }

    /// The `provider_profile_id` of a provider (the id the Provider Profile endpoints take); a
    /// provider without one is [`Error::MissingProfileId`].
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let account = "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse()?;
    /// let profile = client.providers().get_profile_id(account).await?;
    /// let date = client.providers().get_provider_org_joining_date(&profile).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_profile_id(&self, id: AccountId) -> Result<ProfileId> {
        let provider = self.get(id).await?;
        provider
            .profile_id()
            .ok_or_else(|| Error::MissingProfileId {
                provider_id: provider.id.to_string(),
            })
    }

    /// The provider with this NPI, normalised and checked first ([`npi::normalize`]); once found,
    /// it is cached for [`crate::ClientBuilder::npi_cache_ttl`].
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let provider = client.providers().get_by_npi("1234-567-893").await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_by_npi(&self, npi: &str) -> Result<Provider> {
        self.lookup_npi(&npi::normalize(npi)?).await
    }

    /// Many providers by NPI, every one checked before any request; with
    /// [`NpiStrategy::FullIndex`] one walk over all providers answers them all.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let result = client.providers().get_by_npis(&["1234567893", "1993999998"]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_by_npis<S: AsRef<str>>(&self, npis: &[S]) -> Result<Found<String, Provider>> {
        let mut wanted = Vec::with_capacity(npis.len());
        let mut unique = HashSet::new();
        for (i, npi) in npis.iter().enumerate() {
            let npi = npi::normalize(npi.as_ref())
                .map_err(|e| InvalidInput::new(format!("npis[{i}]"), e.rule))?;
            // One lookup per NPI, however often (and however formatted) it is asked.
            if unique.insert(npi.clone()) {
                wanted.push(npi);
            }
        }
        let pace = &self.client.config().pace;
        let results = paced(pace, wanted, |npi| async move {
            match self.lookup_npi(&npi).await {
                Ok(provider) => Ok(Ok(provider)),
                Err(Error::NotFound(_)) => Ok(Err(npi)),
                Err(e) => Err(e),
            }
        })
        .await?;
        let (found, missing) = results.into_iter().partition::<Vec<_>, _>(Result::is_ok);
        Ok(Found {
            found: found.into_iter().flatten().collect(),
            missing: missing.into_iter().filter_map(Result::err).collect(),
        })
    }

    async fn lookup_npi(&self, npi: &str) -> Result<Provider> {
        let cache = self.client.npi_cache();
        if cache.strategy == NpiStrategy::FullIndex {
            if let Some(hit) = self.lookup_in_index(npi).await? {
                cache.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(hit);
            }
        }
        let load = || self.ask_server_for_npi(npi);
        cache.get_or_load(npi, load).await
    }

    /// One request with the server's `npi` filter, keeping only an exact match.
    async fn ask_server_for_npi(&self, npi: &str) -> Result<Provider> {
        let params = ListProvidersParams::new().npi(npi).limit(10);
        let rows = self.list_providers(&params).await?.results;
        let exact = rows.into_iter().find(|p| p.npi.as_deref() == Some(npi));
        exact.ok_or_else(|| not_found(format!("No provider found with NPI={npi}")))
    }

    /// Looks `npi` up in the full index, loading it first when stale.
    async fn lookup_in_index(&self, npi: &str) -> Result<Option<Provider>> {
        let cache = self.client.npi_cache();
        let mut index = cache.index.lock().await;
        let stale = index.as_ref().is_none_or(|(at, generation, _)| {
            !cache.fresh(*at) || *generation != cache.generation()
        });
        if stale {
            let generation = cache.generation();
            cache.loads.fetch_add(1, Ordering::Relaxed);
            let everyone = self.walk(&ListProvidersParams::new()).collect().await?;
            let map = (everyone.items.into_iter())
                .filter_map(|p| Some((p.npi.clone()?, p)))
                .collect();
            *index = Some((Instant::now(), generation, map));
        }
        Ok(index.as_ref().and_then(|(_, _, map)| map.get(npi).cloned()))
    }
}
