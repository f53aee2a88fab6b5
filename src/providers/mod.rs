//! `client.providers()`: one method per operation, under its `operationId`.
//! The list methods and their parameters are generated ([`operations`]);
//! the methods here take a body, check it ([`crate::validate`]) and map the
//! result onto [`crate::Error`].

mod lists;
mod lookup;
pub(crate) mod operations;

use std::collections::HashSet;

use chrono::NaiveDate;
use uuid::Uuid;

pub use lookup::Found;

use crate::{
    error::{InvalidInput, Result},
    ids::{AccountId, ProfileId},
    models::{
        CaqhImportRequest, CreateProvider, CreatedProvider, ImportProviderWithCaqh,
        ImportedProvider, InviteProvider, InvitedProvider, NewCaqhImportRequest,
        PracticeLocationProviders, ProviderOrgJoiningDate,
    },
    transport::map_error,
    validate, Client,
};
use operations::paths;

/// Sends a generated call; its answer, or its error mapped onto `path`.
macro_rules! send {
    ($call:expr, $path:expr) => {
        $call
            .send()
            .await
            .map(|answer| answer.into_inner())
            .map_err(|e| map_error(e, $path))
    };
}

/// Methods whose only input is a body: each checks it against the spec's
/// rules, sends it, and maps the answer; `name(body: Type) -> Answer = PATH;`.
macro_rules! checked_bodies {
    ($($(#[$doc:meta])* $name:ident($body:ident: $ty:ty) -> $answer:ty = $path:ident;)*) => {$(
        $(#[$doc])*
        pub async fn $name(&self, $body: $ty) -> Result<$answer> {
            validate::body(&$body)?;
            send!(self.client.raw().$name().body($body), paths::$path)
        }
    )*};
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

    /// Invites providers, many at once. The list must not be empty or name
    /// an email twice; each item is checked before anything is sent.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// use assured::models::InviteProvider;
    ///
    /// let invite: InviteProvider = InviteProvider::builder()
    ///     .email("jane.doe@example.com")
    ///     .first_name("Jane")
    ///     .last_name("Doe")
    ///     .try_into()
    ///     .expect("all required fields set");
    /// let created = client.providers().invite_providers([invite]).await?;
    /// println!("invited {}", created[0].id);
    /// # Ok(()) }
    /// ```
    pub async fn invite_providers(
        &self,
        providers: impl Into<Vec<InviteProvider>>,
    ) -> Result<Vec<InvitedProvider>> {
        let providers = providers.into();
        if let Some(problem) = validate::validate_invites(&providers).into_iter().next() {
            return Err(problem.into());
        }
        Ok(send!(
            self.client.raw().invite_providers().body(providers),
            paths::INVITE_PROVIDERS
        )?
        .0)
    }

    checked_bodies! {
        /// Imports one provider with their CAQH ProView credentials (at least 6
        /// characters each, not blank; redacted in every Debug output).
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
        /// let provider = client.providers().import_provider_with_caqh(import).await?;
        /// # Ok(()) }
        /// ```
        import_provider_with_caqh(provider: ImportProviderWithCaqh) -> ImportedProvider = IMPORT_PROVIDER_WITH_CAQH;
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
        /// let recorded = client.providers().request_caqh_import(request).await?;
        /// println!("request {}", recorded.id);
        /// # Ok(()) }
        /// ```
        request_caqh_import(request: NewCaqhImportRequest) -> CaqhImportRequest = REQUEST_CAQH_IMPORT;
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
        /// let created = client.providers().create_provider(new).await?;
        /// println!("{:?}", created.source_of_joining);
        /// # Ok(()) }
        /// ```
        create_provider(provider: CreateProvider) -> CreatedProvider = CREATE_PROVIDER;
    }

    /// Adds providers (account ids) to a practice location. The list must
    /// not be empty; repeated ids are sent once.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client, location: uuid::Uuid, a: assured::AccountId) -> assured::Result<()> {
    /// client.providers().add_practice_location_providers(location, &[a]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_practice_location_providers(
        &self,
        practice_location: Uuid,
        providers: &[AccountId],
    ) -> Result<PracticeLocationProviders> {
        if providers.is_empty() {
            return Err(InvalidInput::new("providers", "must name at least one provider").into());
        }
        let mut seen = HashSet::new();
        let providers: Vec<AccountId> = providers
            .iter()
            .copied()
            .filter(|id| seen.insert(*id))
            .collect();
        let body = PracticeLocationProviders {
            practice_location,
            providers,
        };
        send!(
            self.client
                .raw()
                .add_practice_location_providers()
                .body(body),
            paths::ADD_PRACTICE_LOCATION_PROVIDERS
        )
    }

    /// A provider's organisation joining date, by **profile** id
    /// (`provider_profile_id`, not the account id).
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let profile = "9b2e7c1a-4d3f-4e8a-9c61-2f5d8e7a1b30".parse()?;
    /// let date = client.providers().get_provider_org_joining_date(&profile).await?;
    /// println!("{:?}", date.org_joining_date);
    /// # Ok(()) }
    /// ```
    pub async fn get_provider_org_joining_date(
        &self,
        profile_id: &ProfileId,
    ) -> Result<ProviderOrgJoiningDate> {
        profile_id.checked()?;
        let path = profile_id.path(paths::GET_PROVIDER_ORG_JOINING_DATE);
        send!(
            self.client
                .raw()
                .get_provider_org_joining_date()
                .id(profile_id.clone()),
            &path
        )
    }

    /// Sets (`Some(date)`) or clears (`None`, sent as `null`) a provider's
    /// organisation joining date, by profile id.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// use assured::{NaiveDate, ProfileId};
    ///
    /// let profile: ProfileId = "9b2e7c1a-4d3f-4e8a-9c61-2f5d8e7a1b30".parse()?;
    /// client.providers().update_provider_org_joining_date(&profile, NaiveDate::from_ymd_opt(2024, 3, 1)).await?;
    /// client.providers().update_provider_org_joining_date(&profile, None).await?; // clear it
    /// # Ok(()) }
    /// ```
    pub async fn update_provider_org_joining_date(
        &self,
        profile_id: &ProfileId,
        date: Option<NaiveDate>,
    ) -> Result<ProviderOrgJoiningDate> {
        let body = crate::raw::types::PatchedProviderOrgJoiningDate {
            org_joining_date: date,
        };
        profile_id.checked()?;
        let path = profile_id.path(paths::UPDATE_PROVIDER_ORG_JOINING_DATE);
        send!(
            self.client
                .raw()
                .update_provider_org_joining_date()
                .id(profile_id.clone())
                .body(body),
            &path
        )
    }
}
