//! Typed ids: a provider's account id, which every API but Provider Profile takes, and its profile
//! id, which those take. As strings they mix up and fail at run time with a bare 404; as types they
//! do not compile. The spec names both (`x-rust-type` on its `AccountId` and `ProfileId` schemas),
//! so every model field holding one has its type: `Provider::id`, `Provider::provider_profile_id`,
//! the ids of created, invited and imported providers, a practice location's members.

use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{error::InvalidInput, models::Provider};

/// A provider's account id.
///
/// ```
/// use assured::AccountId;
///
/// let id: AccountId = "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse()?;
/// assert_eq!(id.to_string(), "3fa85f64-5717-4562-b3fc-2c963f66afa6");
/// let err = "3fa85f64".parse::<AccountId>().unwrap_err();
/// assert_eq!(err.rule, "must be a UUID (the provider's account id)");
/// # Ok::<(), assured::InvalidInput>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
#[derive(derive_more::Display, derive_more::From, derive_more::Into)]
pub struct AccountId(Uuid);

impl AccountId {
    /// The id as a UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl FromStr for AccountId {
    type Err = InvalidInput;

    fn from_str(id: &str) -> Result<Self, InvalidInput> {
        Uuid::parse_str(id.trim())
            .map(Self)
            .map_err(|_| InvalidInput::new("id", "must be a UUID (the provider's account id)"))
    }
}

/// A provider's profile id, for the Provider Profile APIs.
///
/// ```
/// use assured::ProfileId;
///
/// let profile: ProfileId = "9b2e7c1a-4d3f-4e8a-9c61-2f5d8e7a1b30".parse()?;
/// assert_eq!(profile.as_str(), "9b2e7c1a-4d3f-4e8a-9c61-2f5d8e7a1b30");
/// assert!("a/b".parse::<ProfileId>().is_err());
/// # Ok::<(), assured::InvalidInput>(())
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
#[derive(derive_more::Display, derive_more::AsRef)]
#[as_ref(str)]
pub struct ProfileId(String);

impl ProfileId {
    /// The id as sent in a path.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id, if the server can route it. One parsed from text always can; one decoded from a
    /// response (`Provider::provider_profile_id`) is checked here before it is sent.
    pub(crate) fn checked(&self) -> Result<&str, InvalidInput> {
        crate::validate::path_id("profile_id", &self.0).map(|()| self.0.as_str())
    }
}

impl FromStr for ProfileId {
    type Err = InvalidInput;

    fn from_str(id: &str) -> Result<Self, InvalidInput> {
        let id = Self(id.trim().to_string());
        id.checked()?;
        Ok(id)
    }
}

/// An id a request path carries (the spec's `x-rust-type`): its text, once checked routable.
pub(crate) trait PathSegment {
    fn segment(&self) -> Result<String, InvalidInput>;
}

impl PathSegment for ProfileId {
    fn segment(&self) -> Result<String, InvalidInput> {
        self.checked().map(str::to_string)
    }
}

impl PathSegment for AccountId {
    fn segment(&self) -> Result<String, InvalidInput> {
        Ok(self.0.to_string())
    }
}

impl Provider {
    /// This provider's profile id, when they have one: `None` for a null,
    /// blank or unroutable `provider_profile_id`.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client, npi: &str) -> assured::Result<()> {
    /// let provider = client.providers().get_by_npi(npi).await?;
    /// if let Some(profile) = provider.profile_id() {
    ///     client.providers().get_provider_org_joining_date(&profile).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn profile_id(&self) -> Option<ProfileId> {
        self.provider_profile_id
            .clone()
            .filter(|id| id.checked().is_ok())
    }
}
