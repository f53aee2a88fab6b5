//! Typed ids: a provider's account id (`Provider::id`), which every API but
//! Provider Profile takes, and its profile id, which those take. As strings
//! they mix up and fail at run time with a bare 404; as types they do not
//! compile.

use std::str::FromStr;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[derive(derive_more::Display, derive_more::AsRef)]
#[as_ref(str)]
pub struct ProfileId(String);

impl ProfileId {
    /// The id as sent in a path.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `template`'s `{id}` filled with this id: the path errors name.
    pub(crate) fn path(&self, template: &str) -> String {
        template.replace("{id}", &self.0)
    }
}

impl FromStr for ProfileId {
    type Err = InvalidInput;

    fn from_str(id: &str) -> Result<Self, InvalidInput> {
        let id = id.trim();
        crate::validate::path_id("profile_id", id)?;
        Ok(Self(id.to_string()))
    }
}

impl Provider {
    /// This provider's account id.
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client, npi: &str) -> assured::Result<()> {
    /// let provider = client.providers().get_by_npi(npi).await?;
    /// let again = client.providers().get(provider.account_id()).await?;
    /// # Ok(()) }
    /// ```
    pub fn account_id(&self) -> AccountId {
        AccountId(self.id)
    }

    /// This provider's profile id, when they have one (an empty one is none).
    pub fn profile_id(&self) -> Option<ProfileId> {
        self.provider_profile_id
            .as_deref()
            .and_then(|id| id.parse().ok())
    }
}
