//! The sandbox's in-memory world: what has been created stays visible to
//! every endpoint.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use uuid::Uuid;

use crate::{models::Provider, AccountId};

/// One provider account and what the list endpoint does not show.
#[derive(Debug, Clone)]
pub(crate) struct ProviderRecord {
    pub(super) listing: Provider,
    /// Served with its computed fields as explicit nulls.
    pub(super) nulled: bool,
    pub(super) client: Option<Uuid>,
    pub(super) org_joining_date: Option<NaiveDate>,
}

/// A stored CAQH re-import request. Its credentials are redacted in Debug.
#[derive(Clone)]
pub(crate) struct CaqhRecord {
    pub(crate) provider: Option<AccountId>,
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) full_name: String,
    pub(crate) signature: Option<String>,
}

impl std::fmt::Debug for CaqhRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaqhRecord")
            .field("provider", &self.provider)
            .field("username", &"[REDACTED]")
            .field("password", &"[REDACTED]")
            .field("full_name", &self.full_name)
            .field("signature", &self.signature)
            .finish()
    }
}

/// One change to the roster's order; see [`State::edit_order`].
pub(crate) enum Edit {
    /// A new provider at this position.
    Insert(usize, Box<ProviderRecord>),
    /// The provider at this position goes.
    Remove(usize),
}

#[derive(Default)]
pub(crate) struct State {
    pub(crate) providers: Vec<ProviderRecord>,
    by_id: HashMap<AccountId, usize>,
    by_profile: HashMap<String, usize>,
    pub(crate) emails: HashSet<String>,
    pub(crate) npis: HashSet<String>,
    pub(crate) clients: Vec<Uuid>,
    pub(crate) practice_locations: Vec<Uuid>,
    pub(crate) members: HashMap<Uuid, HashSet<AccountId>>,
    pub(crate) caqh: Vec<(i64, CaqhRecord)>,
}

impl State {
    pub(crate) fn insert(&mut self, record: ProviderRecord) {
        let index = self.providers.len();
        self.by_id.insert(record.listing.id, index);
        if let Some(profile) = &record.listing.provider_profile_id {
            self.by_profile.insert(profile.to_string(), index);
        }
        self.emails.insert(record.listing.email.to_lowercase());
        if let Some(npi) = &record.listing.npi {
            self.npis.insert(npi.clone());
        }
        self.providers.push(record);
    }

    /// Makes up to `edits` changes to the roster's order, each decided by
    /// `next` from the roster as it stands (its length, its NPIs), then
    /// reindexes once: a burst costs one reindex, and nothing can look a
    /// provider up by a position the burst has moved.
    pub(crate) fn edit_order(
        &mut self,
        edits: usize,
        mut next: impl FnMut(&State) -> Option<Edit>,
    ) {
        for _ in 0..edits {
            match next(self) {
                Some(Edit::Insert(index, record)) => self.insert_at(index, *record),
                Some(Edit::Remove(index)) => self.remove_at(index),
                // Nothing left to change (an emptied roster): the rest of
                // the burst would change nothing either.
                None => break,
            }
        }
        self.reindex();
    }

    fn insert_at(&mut self, index: usize, record: ProviderRecord) {
        self.insert(record);
        if let Some(record) = self.providers.pop() {
            self.providers
                .insert(index.min(self.providers.len()), record);
        }
    }

    /// Deletes the provider at `index`, with its memberships.
    fn remove_at(&mut self, index: usize) {
        if index >= self.providers.len() {
            return;
        }
        let gone = self.providers.remove(index).listing;
        self.emails.remove(&gone.email.to_lowercase());
        if let Some(npi) = &gone.npi {
            self.npis.remove(npi);
        }
        for members in self.members.values_mut() {
            members.remove(&gone.id);
        }
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        self.by_profile.clear();
        for (index, record) in self.providers.iter().enumerate() {
            self.by_id.insert(record.listing.id, index);
            if let Some(profile) = &record.listing.provider_profile_id {
                self.by_profile.insert(profile.to_string(), index);
            }
        }
    }

    pub(crate) fn contains(&self, id: &AccountId) -> bool {
        self.by_id.contains_key(id)
    }

    pub(crate) fn by_profile_mut(&mut self, profile: &str) -> Option<&mut ProviderRecord> {
        let index = *self.by_profile.get(profile)?;
        self.providers.get_mut(index)
    }

    pub(crate) fn add_caqh_request(&mut self, record: CaqhRecord) -> i64 {
        let id = self.caqh.last().map_or(1, |(id, _)| id + 1);
        self.caqh.push((id, record));
        id
    }

    pub(crate) fn provider_named(&self, full_name: &str) -> Option<AccountId> {
        self.providers
            .iter()
            .find(|p| {
                p.listing
                    .full_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(full_name))
            })
            .map(|p| p.listing.id)
    }
}

#[cfg(test)]
#[path = "../../tests/unit/sandbox_state.rs"]
mod tests;
