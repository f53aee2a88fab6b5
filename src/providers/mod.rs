//! `client.providers()`: one typed method per provider operation.
//!
//! Each method checks its input (see [`crate::validate`]), calls the
//! generated client and maps its result onto [`crate::Error`].

mod lists;
mod lookup;
mod params;

use std::collections::HashSet;

use chrono::NaiveDate;
use uuid::Uuid;

pub use lookup::Found;
pub use params::{CaqhImportRequestParams, ListParams, PracticeLocationParams};

use crate::{
    error::{InvalidInput, Result},
    ids::{AccountId, ProfileId},
    models::{
        CaqhImportRequest, CreateProvider, CreatedProvider, ImportProviderWithCaqh,
        ImportedProvider, InviteProvider, InvitedProvider, NewCaqhImportRequest,
        PracticeLocationProviders, Provider, ProviderOrgJoiningDate, UserSlim,
    },
    page::{page_error, Page},
    transport::map_error,
    validate, Client,
};

pub(crate) const LIST_PATH: &str = "/api/v1/users/providers-list/";
const INVITE_PATH: &str = "/api/v1/users/invite-providers/";
const CAQH_IMPORT_PATH: &str = "/api/v1/users/import-single-provider-with-caqh/";
const CREATE_PATH: &str = "/api/v1/users/create-providers/";
pub(crate) const NOT_IN_LOCATION_PATH: &str = "/api/v1/users/providers-not-in-practice-loc/";
const LOCATION_PROVIDERS_PATH: &str = "/api/v1/users/practice-location-providers/";
pub(crate) const CAQH_REQUESTS_PATH: &str = "/api/v1/users/request-caqh-import/";

fn joining_date_path(profile_id: &str) -> String {
    format!("/api/v1/users/update-provider-org-joining-date/{profile_id}/")
}

/// Sets an optional builder argument only when the caller set it, so unset
/// parameters never reach the query string.
macro_rules! set_opt {
    ($builder:ident . $method:ident ( $value:expr )) => {
        if let Some(value) = $value {
            $builder = $builder.$method(value);
        }
    };
}

/// The provider endpoints; get it from [`Client::providers`].
#[derive(Debug, Clone, Copy)]
pub struct Providers<'c> {
    client: &'c Client,
}

impl<'c> Providers<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// One page of providers.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// use assured::ListParams;
    ///
    /// let page = client
    ///     .providers()
    ///     .list(&ListParams::new().last_name("Doe").limit(100))
    ///     .await?;
    /// for provider in &page.results {
    ///     println!("{:?} {:?}", provider.full_name, provider.npi);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, params: &ListParams) -> Result<Page<Provider>> {
        let mut request = self.client.raw().list_providers();
        set_opt!(request.client(params.client));
        set_opt!(request.client_in(params::join(&params.client_in)));
        set_opt!(request.email(params.email.clone()));
        set_opt!(request.first_name(params.first_name.clone()));
        set_opt!(request.id_in(params::join(&params.id_in)));
        set_opt!(request.is_active(params.is_active));
        set_opt!(request.last_name(params.last_name.clone()));
        set_opt!(request.limit(params.limit.map(i64::from)));
        set_opt!(request.npi(params.npi.clone()));
        set_opt!(request.offset(params.offset.map(offset_i64)));
        set_opt!(request.ordering(params.ordering.clone()));
        set_opt!(request.profile_completeness(params.profile_completeness));
        set_opt!(request.search(params.search.clone()));
        let page = request
            .send()
            .await
            .map_err(|e| page_error::<Provider>(e, LIST_PATH, params.offset))?;
        Ok(page.into_inner().into())
    }

    /// Invites providers, many at once. The list must not be empty or name
    /// an email twice; each item is checked before anything is sent.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// use assured::models::InviteProvider;
    ///
    /// let invite: InviteProvider = InviteProvider::builder()
    ///     .email("jane.doe@example.com")
    ///     .first_name(Some("Jane".to_string()))
    ///     .last_name(Some("Doe".to_string()))
    ///     .try_into()
    ///     .expect("all required fields set");
    /// let created = client.providers().invite(&[invite]).await?;
    /// println!("invited {}", created[0].id);
    /// # Ok(()) }
    /// ```
    pub async fn invite(&self, providers: &[InviteProvider]) -> Result<Vec<InvitedProvider>> {
        if let Some(problem) = validate::validate_invites(providers).into_iter().next() {
            return Err(problem.into());
        }
        let created = self
            .client
            .raw()
            .invite_providers()
            .body(providers.to_vec())
            .send()
            .await
            .map_err(|e| map_error(e, INVITE_PATH))?;
        Ok(created.into_inner().0)
    }

    /// Imports one provider with their CAQH ProView credentials (at least 6
    /// characters each; redacted in every Debug output).
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// use assured::models::ImportProviderWithCaqh;
    ///
    /// let import: ImportProviderWithCaqh = ImportProviderWithCaqh::builder()
    ///     .email("jane.doe@example.com")
    ///     .caqh_username("jdoe_caqh")
    ///     .caqh_password(std::env::var("CAQH_PASSWORD").unwrap_or_default())
    ///     .try_into()
    ///     .expect("all required fields set");
    /// let provider = client.providers().import_with_caqh(&import).await?;
    /// # Ok(()) }
    /// ```
    pub async fn import_with_caqh(
        &self,
        provider: &ImportProviderWithCaqh,
    ) -> Result<ImportedProvider> {
        validate::body(provider)?;
        let imported = self
            .client
            .raw()
            .import_provider_with_caqh()
            .body(provider.clone())
            .send()
            .await
            .map_err(|e| map_error(e, CAQH_IMPORT_PATH))?;
        Ok(imported.into_inner())
    }

    /// Creates a provider without CAQH.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// use assured::models::CreateProvider;
    ///
    /// let new: CreateProvider = CreateProvider::builder()
    ///     .email("sam.lee@example.com")
    ///     .first_name("Sam")
    ///     .last_name("Lee")
    ///     .try_into()
    ///     .expect("all required fields set");
    /// let created = client.providers().create(&new).await?;
    /// println!("{:?}", created.source_of_joining);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, provider: &CreateProvider) -> Result<CreatedProvider> {
        validate::body(provider)?;
        for (field, value) in [
            ("first_name", &provider.first_name),
            ("last_name", &provider.last_name),
        ] {
            if value.trim().is_empty() {
                return Err(InvalidInput::new(field, "must not be blank").into());
            }
        }
        let created = self
            .client
            .raw()
            .create_provider()
            .body(provider.clone())
            .send()
            .await
            .map_err(|e| map_error(e, CREATE_PATH))?;
        Ok(created.into_inner())
    }

    /// One page of the users who are not members of `practice_location`.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client, location: uuid::Uuid) -> assured::Result<()> {
    /// let page = client
    ///     .providers()
    ///     .list_not_in_practice_location(location, &Default::default())
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn list_not_in_practice_location(
        &self,
        practice_location: Uuid,
        params: &PracticeLocationParams,
    ) -> Result<Page<UserSlim>> {
        let mut request = self
            .client
            .raw()
            .list_providers_not_in_practice_location()
            .practice_location(practice_location);
        set_opt!(request.limit(params.limit.map(i64::from)));
        set_opt!(request.offset(params.offset.map(offset_i64)));
        set_opt!(request.search(params.search.clone()));
        let page = request
            .send()
            .await
            .map_err(|e| page_error::<UserSlim>(e, NOT_IN_LOCATION_PATH, params.offset))?;
        Ok(page.into_inner().into())
    }

    /// Adds providers (account ids) to a practice location. The list must
    /// not be empty; repeated ids are sent once.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client, location: uuid::Uuid, a: assured::AccountId) -> assured::Result<()> {
    /// client.providers().add_to_practice_location(location, &[a]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_to_practice_location(
        &self,
        practice_location: Uuid,
        providers: &[AccountId],
    ) -> Result<PracticeLocationProviders> {
        if providers.is_empty() {
            return Err(InvalidInput::new("providers", "must name at least one provider").into());
        }
        let mut seen = HashSet::new();
        let providers: Vec<Uuid> = providers
            .iter()
            .map(AccountId::as_uuid)
            .filter(|id| seen.insert(*id))
            .collect();
        let body = PracticeLocationProviders {
            practice_location,
            providers,
        };
        let recorded = self
            .client
            .raw()
            .add_practice_location_providers()
            .body(body)
            .send()
            .await
            .map_err(|e| map_error(e, LOCATION_PROVIDERS_PATH))?;
        Ok(recorded.into_inner())
    }

    /// Asks Assured to re-import a provider from CAQH ProView.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// use assured::models::NewCaqhImportRequest;
    ///
    /// let request: NewCaqhImportRequest = NewCaqhImportRequest::builder()
    ///     .caqh_username("jdoe_caqh")
    ///     .caqh_password(std::env::var("CAQH_PASSWORD").unwrap_or_default())
    ///     .full_name("Jane Doe")
    ///     .try_into()
    ///     .expect("all required fields set");
    /// let recorded = client.providers().request_caqh_import(&request).await?;
    /// println!("request {}", recorded.id);
    /// # Ok(()) }
    /// ```
    pub async fn request_caqh_import(
        &self,
        request: &NewCaqhImportRequest,
    ) -> Result<CaqhImportRequest> {
        validate::body(request)?;
        let recorded = self
            .client
            .raw()
            .request_caqh_import()
            .body(request.clone())
            .send()
            .await
            .map_err(|e| map_error(e, CAQH_REQUESTS_PATH))?;
        Ok(recorded.into_inner())
    }

    /// One page of CAQH import requests.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let page = client.providers().list_caqh_import_requests(&Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list_caqh_import_requests(
        &self,
        params: &CaqhImportRequestParams,
    ) -> Result<Page<CaqhImportRequest>> {
        let mut request = self.client.raw().list_caqh_import_requests();
        set_opt!(request.limit(params.limit.map(i64::from)));
        set_opt!(request.offset(params.offset.map(offset_i64)));
        set_opt!(request.provider(params.provider));
        let page = request
            .send()
            .await
            .map_err(|e| page_error::<CaqhImportRequest>(e, CAQH_REQUESTS_PATH, params.offset))?;
        Ok(page.into_inner().into())
    }

    /// A provider's organisation joining date, by **profile** id
    /// (`provider_profile_id`, not the account id).
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let profile = "9b2e7c1a-4d3f-4e8a-9c61-2f5d8e7a1b30".parse()?;
    /// let date = client.providers().get_org_joining_date(&profile).await?;
    /// println!("{:?}", date.org_joining_date);
    /// # Ok(()) }
    /// ```
    pub async fn get_org_joining_date(
        &self,
        profile_id: &ProfileId,
    ) -> Result<ProviderOrgJoiningDate> {
        let profile_id = profile_id.as_str();
        let date = self
            .client
            .raw()
            .get_provider_org_joining_date()
            .id(profile_id)
            .send()
            .await
            .map_err(|e| map_error(e, &joining_date_path(profile_id)))?;
        Ok(date.into_inner())
    }

    /// Sets (`Some(date)`) or clears (`None`, sent as `null`) a provider's
    /// organisation joining date, by profile id.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// use assured::{NaiveDate, ProfileId};
    ///
    /// let profile: ProfileId = "9b2e7c1a-4d3f-4e8a-9c61-2f5d8e7a1b30".parse()?;
    /// client.providers().update_org_joining_date(&profile, NaiveDate::from_ymd_opt(2024, 3, 1)).await?;
    /// client.providers().update_org_joining_date(&profile, None).await?; // clear it
    /// # Ok(()) }
    /// ```
    pub async fn update_org_joining_date(
        &self,
        profile_id: &ProfileId,
        date: Option<NaiveDate>,
    ) -> Result<ProviderOrgJoiningDate> {
        let profile_id = profile_id.as_str();
        let body = crate::raw::types::PatchedProviderOrgJoiningDate {
            org_joining_date: date,
        };
        let updated = self
            .client
            .raw()
            .update_provider_org_joining_date()
            .id(profile_id)
            .body(body)
            .send()
            .await
            .map_err(|e| map_error(e, &joining_date_path(profile_id)))?;
        Ok(updated.into_inner())
    }
}

/// Offsets beyond `i64::MAX` cannot be sent; no server has that many rows.
fn offset_i64(offset: u64) -> i64 {
    i64::try_from(offset).unwrap_or(i64::MAX)
}
