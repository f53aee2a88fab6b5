//! The request and response models, under the names users call them.
//!
//! They are the types generated from `spec/assured.yaml` by progenitor,
//! with their builders ([`builder`]); this module names them for the
//! handler and adds the two open enums the generator is told to use, so a
//! value the server adds tomorrow decodes, and [`OptionalText`], so an
//! optional text field of a builder takes `"Jane"`.

pub use crate::raw::types::{builder, ErrorBody};
pub use crate::raw::types::{
    CaqhImportRequest, CreateProvider, CreatedProvider, ImportProviderWithCaqh, ImportedProvider,
    InviteProvider, InvitedProvider, NewCaqhImportRequest, PracticeLocationProviders,
    ProviderListing as Provider, ProviderOrgJoiningDate, UserSlim,
};
pub use crate::secret::{CaqhEcho, CaqhSecret};

/// Text for an optional field of a model's builder: `"Jane"`, a `String`,
/// or an `Option` of either (`None` leaves the field unset).
///
/// ```
/// use assured::models::InviteProvider;
///
/// let invite: InviteProvider = InviteProvider::builder()
///     .email("jane.doe@example.com")
///     .first_name("Jane")
///     .last_name(None::<String>)
///     .try_into()
///     .unwrap();
/// assert_eq!(invite.first_name.as_deref(), Some("Jane"));
/// assert_eq!(invite.last_name, None);
/// ```
pub trait OptionalText {
    /// The text, if any.
    fn into_optional_text(self) -> Option<String>;
}

impl OptionalText for &str {
    fn into_optional_text(self) -> Option<String> {
        Some(self.to_string())
    }
}

impl OptionalText for String {
    fn into_optional_text(self) -> Option<String> {
        Some(self)
    }
}

impl<T: OptionalText> OptionalText for Option<T> {
    fn into_optional_text(self) -> Option<String> {
        self.and_then(OptionalText::into_optional_text)
    }
}

/// Defines a string enum that keeps values it does not know in `Unknown`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the client does not know yet.
            Unknown(String),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(Self::from(value.as_ref()))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).into()
            }

            fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
                String::json_schema(gen)
            }
        }
    };
}

open_enum! {
    /// How a provider joined the platform.
    ///
    /// ```
    /// use assured::models::SourceOfJoining;
    ///
    /// let known: SourceOfJoining = serde_json::from_str("\"FROM_INVITE\"").unwrap();
    /// assert_eq!(known, SourceOfJoining::FromInvite);
    /// let new: SourceOfJoining = serde_json::from_str("\"FROM_API_V2\"").unwrap();
    /// assert_eq!(new, SourceOfJoining::Unknown("FROM_API_V2".into()));
    /// ```
    SourceOfJoining {
        /// Invited by email.
        FromInvite => "FROM_INVITE",
        /// Imported from a bulk spreadsheet.
        FromBulkProvidersExcelImport => "FROM_BULK_PROVIDERS_EXCEL_IMPORT",
        /// Imported one at a time (CAQH).
        FromSingleProviderImport => "FROM_SINGLE_PROVIDER_IMPORT",
        /// Migrated by a script.
        FromMigrationScripts => "FROM_MIGRATION_SCRIPTS",
        /// Created through the create-providers API.
        ProviderCreateApi => "PROVIDER_CREATE_API",
        /// Added by Assured staff.
        SingleUserAddedFromBackend => "SINGLE_USER_ADDED_FROM_BACKEND",
    }
}

open_enum! {
    /// A user's role.
    ///
    /// ```
    /// use assured::models::UserType;
    ///
    /// assert_eq!(UserType::from("provider"), UserType::Provider);
    /// assert_eq!(UserType::from("robot").as_str(), "robot");
    /// ```
    UserType {
        /// Client administrator.
        ClientAdmin => "client_admin",
        /// Provider (clinician).
        Provider => "provider",
        /// Assured staff.
        Internal => "internal",
        /// Super administrator.
        Superadmin => "superadmin",
        /// Licensing administrator.
        LicensingAdmin => "licensing_admin",
        /// Operations analyst.
        Oa => "oa",
        /// External operations analyst.
        ExternalOa => "external_oa",
        /// External supervisor.
        ExternalSupervisor => "external_supervisor",
        /// Feature administrator.
        FeatureAdmin => "feature_admin",
        /// Customer success manager.
        Csm => "csm",
        /// Location administrator.
        LocationAdmin => "location_admin",
        /// AI agent.
        Ai => "ai",
        /// System user.
        System => "system",
        /// Bot agent.
        BotAgent => "bot_agent",
        /// PDF generation agent.
        GenPdfAgent => "gen_pdf_agent",
        /// Swagger user.
        SwaggerUser => "swagger_user",
        /// Privilege administrator.
        PrivilegeAdmin => "privilege_admin",
        /// CAQH auditor.
        CaqhAuditor => "caqh_auditor",
        /// CAQH verifier.
        CaqhVerifier => "caqh_verifier",
        /// Follow-up agent.
        FollowupAgent => "followup_agent",
    }
}
