//! Typed query parameters for the provider list endpoints.

use uuid::Uuid;

/// Filters, ordering and paging for `providers-list`. Only what is set is
/// sent.
///
/// ```
/// use assured::ListParams;
///
/// let params = ListParams::new()
///     .last_name("Doe")
///     .is_active(true)
///     .ordering("-last_name")
///     .limit(50);
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListParams {
    pub(crate) client: Option<Uuid>,
    pub(crate) client_in: Vec<Uuid>,
    pub(crate) email: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) id_in: Vec<Uuid>,
    pub(crate) is_active: Option<bool>,
    pub(crate) last_name: Option<String>,
    pub(crate) limit: Option<u32>,
    pub(crate) npi: Option<String>,
    pub(crate) offset: Option<u64>,
    pub(crate) ordering: Option<String>,
    pub(crate) profile_completeness: Option<bool>,
    pub(crate) search: Option<String>,
}

impl ListParams {
    /// No filters: the first page of everyone, in the server's order.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only providers of this client.
    pub fn client(mut self, client: Uuid) -> Self {
        self.client = Some(client);
        self
    }

    /// Only providers of these clients (`client_in`, comma-separated).
    pub fn client_in(mut self, clients: impl IntoIterator<Item = Uuid>) -> Self {
        self.client_in = clients.into_iter().collect();
        self
    }

    /// Filter by email.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Filter by first name.
    pub fn first_name(mut self, name: impl Into<String>) -> Self {
        self.first_name = Some(name.into());
        self
    }

    /// Only these account ids (`id_in`, comma-separated).
    pub fn id_in(mut self, ids: impl IntoIterator<Item = Uuid>) -> Self {
        self.id_in = ids.into_iter().collect();
        self
    }

    /// Only active (or only inactive) accounts.
    pub fn is_active(mut self, active: bool) -> Self {
        self.is_active = Some(active);
        self
    }

    /// Filter by last name.
    pub fn last_name(mut self, name: impl Into<String>) -> Self {
        self.last_name = Some(name.into());
        self
    }

    /// Rows per page; the server caps it at its own maximum.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Filter by NPI (exact, as the server stores it).
    pub fn npi(mut self, npi: impl Into<String>) -> Self {
        self.npi = Some(npi.into());
        self
    }

    /// Rows to skip.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Order by a field; prefix `-` for descending (`"-last_name"`).
    pub fn ordering(mut self, field: impl Into<String>) -> Self {
        self.ordering = Some(field.into());
        self
    }

    /// Filter by profile completeness.
    pub fn profile_completeness(mut self, complete: bool) -> Self {
        self.profile_completeness = Some(complete);
        self
    }

    /// A search term matched across several fields.
    pub fn search(mut self, term: impl Into<String>) -> Self {
        self.search = Some(term.into());
        self
    }
}

/// Paging and search for `providers-not-in-practice-loc`.
///
/// ```
/// let params = assured::PracticeLocationParams::new().search("doe").limit(20);
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PracticeLocationParams {
    pub(crate) limit: Option<u32>,
    pub(crate) offset: Option<u64>,
    pub(crate) search: Option<String>,
}

impl PracticeLocationParams {
    /// No search, first page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rows per page.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Rows to skip.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// A search term.
    pub fn search(mut self, term: impl Into<String>) -> Self {
        self.search = Some(term.into());
        self
    }
}

/// Paging and the provider filter for listing CAQH import requests.
///
/// ```
/// let params = assured::CaqhImportRequestParams::new().limit(10);
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaqhImportRequestParams {
    pub(crate) limit: Option<u32>,
    pub(crate) offset: Option<u64>,
    pub(crate) provider: Option<Uuid>,
}

impl CaqhImportRequestParams {
    /// Everyone's requests, first page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rows per page.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Rows to skip.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Only this provider's requests (account id).
    pub fn provider(mut self, provider: Uuid) -> Self {
        self.provider = Some(provider);
        self
    }
}

pub(crate) fn join(ids: &[Uuid]) -> Option<String> {
    (!ids.is_empty()).then(|| {
        ids.iter()
            .map(Uuid::to_string)
            .collect::<Vec<_>>()
            .join(",")
    })
}
