//! What each kind of record shows: its columns, and its JSON view.

use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use assured::models::{
    CaqhImportRequest, CreatedProvider, ImportedProvider, InvitedProvider,
    PracticeLocationProviders, Provider, ProviderOrgJoiningDate, UserSlim,
};

/// A record the CLI prints.
pub trait Record: Serialize {
    /// The columns of tables and CSV, in order; also the keys every JSON
    /// view has (null when the record has no value).
    const COLUMNS: &'static [&'static str];

    /// The columns a table shows, where all of them would be too wide.
    const TABLE_COLUMNS: &'static [&'static str] = Self::COLUMNS;

    /// The record as JSON, every column present. Secrets are already
    /// redacted by the library's models (echoed CAQH credentials serialise
    /// as `[REDACTED]`).
    fn view(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(fields) = &mut value {
            let mut ordered = Map::new();
            for column in Self::COLUMNS {
                let cell = fields.remove(*column).unwrap_or(Value::Null);
                ordered.insert((*column).to_string(), cell);
            }
            ordered.append(fields);
            value = Value::Object(ordered);
        }
        value
    }
}

impl Record for Provider {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "full_name",
        "email",
        "npi",
        "first_name",
        "middle_name",
        "last_name",
        "provider_profile_id",
        "profile_completeness_percentage",
        "is_active",
        "user_type",
    ];
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "id",
        "full_name",
        "email",
        "npi",
        "provider_profile_id",
        "is_active",
    ];
}

impl Record for UserSlim {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "email",
        "first_name",
        "last_name",
        "is_active",
        "user_type",
    ];
}

impl Record for CaqhImportRequest {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "full_name",
        "caqh_username",
        "caqh_password",
        "signature",
    ];
}

impl Record for InvitedProvider {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "email",
        "first_name",
        "last_name",
        "provider_practice_locations",
    ];
}

impl Record for CreatedProvider {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "email",
        "first_name",
        "last_name",
        "client",
        "provider_practice_locations",
        "primary_practice_location",
        "document_url",
        "document_type",
        "source_of_joining",
    ];
}

impl Record for ImportedProvider {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "email",
        "first_name",
        "last_name",
        "provider_practice_locations",
        "primary_practice_location",
    ];
}

impl Record for PracticeLocationProviders {
    const COLUMNS: &'static [&'static str] = &["practice_location", "providers"];
}

impl Record for ProviderOrgJoiningDate {
    const COLUMNS: &'static [&'static str] = &["id", "org_joining_date"];
}

/// A provider's account id and profile id.
#[derive(Debug, Serialize)]
pub struct ProfileId {
    /// The account id.
    pub id: String,
    /// The provider profile id.
    pub provider_profile_id: String,
}

impl Record for ProfileId {
    const COLUMNS: &'static [&'static str] = &["id", "provider_profile_id"];
}

/// A practice location or client of the embedded sandbox.
#[derive(Debug, Serialize)]
pub struct SandboxItem {
    /// `practice_location` or `client`.
    pub kind: &'static str,
    /// Its id.
    pub id: Uuid,
}

impl SandboxItem {
    /// An item of `kind`.
    pub fn new(kind: &'static str, id: Uuid) -> Self {
        Self { kind, id }
    }
}

impl Record for SandboxItem {
    const COLUMNS: &'static [&'static str] = &["kind", "id"];
}

/// What happened to one row of a bulk invite.
#[derive(Debug, Clone, Serialize)]
pub struct InviteResult {
    /// The line of the CSV file the row starts on.
    pub line: u64,
    /// The row's email.
    pub email: String,
    /// `invited`, `failed`, `invalid` (refused before sending), `skipped`
    /// (not sent) or `unknown` (sent, no answer awaited: Ctrl-C).
    pub status: RowStatus,
    /// The new account id, when invited.
    pub id: Option<assured::AccountId>,
    /// Why it was not invited.
    pub error: Option<String>,
}

/// The outcome of one bulk row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    /// The server created the account.
    Invited,
    /// The row was sent and refused, or its batch failed.
    Failed,
    /// The row was never sent (an earlier batch or Ctrl-C stopped the run).
    Skipped,
    /// The row was refused before sending (`--rejects`).
    Invalid,
    /// The row was sent but the run was stopped before the answer came: it
    /// may or may not have been invited.
    Unknown,
}

impl Record for InviteResult {
    const COLUMNS: &'static [&'static str] = &["line", "email", "status", "id", "error"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caqh_requests_are_redacted_and_ordered() {
        let request = CaqhImportRequest {
            id: 7,
            caqh_username: "jdoe_caqh".into(),
            caqh_password: "s3cret-pass".into(),
            full_name: "Jane Doe".into(),
            signature: None,
        };
        let view = request.view();
        let text = view.to_string();
        assert!(!text.contains("jdoe_caqh") && !text.contains("s3cret-pass"));
        assert_eq!(view["caqh_password"], "[REDACTED]");
        assert_eq!(view["signature"], Value::Null);
        let keys: Vec<&String> = view.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), CaqhImportRequest::COLUMNS.len());
    }
}
