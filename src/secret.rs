//! CAQH ProView credentials, the secrets that travel in request bodies: the
//! types the generated models use, so a `{:?}` of any model never shows one.
//! API keys and bearer tokens live in [`crate::Credentials`].

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A CAQH ProView username or password.
///
/// Debug prints `[REDACTED]`; the value is exposed only when serialised into
/// the request body it belongs to, or by an explicit [`CaqhSecret::expose`].
///
/// ```
/// use assured::models::CaqhSecret;
///
/// let password = CaqhSecret::from("s3cret-pass");
/// assert_eq!(format!("{password:?}"), "[REDACTED]");
/// assert_eq!(password.expose(), "s3cret-pass");
/// ```
#[derive(Clone, derive_more::Debug)]
#[debug("[REDACTED]")]
pub struct CaqhSecret(SecretString);

impl CaqhSecret {
    /// The secret value. Call it only to hand the value to where it belongs.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Length in characters, for validation without exposing the value.
    pub fn char_len(&self) -> usize {
        self.expose().chars().count()
    }
}

impl From<String> for CaqhSecret {
    fn from(value: String) -> Self {
        Self(SecretString::from(value))
    }
}

impl From<&str> for CaqhSecret {
    fn from(value: &str) -> Self {
        Self(SecretString::from(value))
    }
}

impl Serialize for CaqhSecret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for CaqhSecret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `any`, not `string`: asked for a string, serde_json refuses a number itself, quoting it.
        deserializer.deserialize_any(Text)
    }
}

/// Visitor methods refusing a type by its name alone.
macro_rules! refuse {
    ($($visit:ident($ty:ty) => $kind:literal;)*) => {$(
        fn $visit<E: serde::de::Error>(self, _: $ty) -> Result<CaqhSecret, E> {
            Err(E::custom(concat!("a CAQH credential must be text, not ", $kind)))
        }
    )*};
}

/// Reads a credential as text. serde's own refusal of another type quotes
/// the value (`invalid type: integer `12345678``), and the refusal reaches
/// error messages: these say only what the type was.
struct Text;

impl serde::de::Visitor<'_> for Text {
    type Value = CaqhSecret;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a CAQH credential as text")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<CaqhSecret, E> {
        Ok(CaqhSecret::from(text))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<CaqhSecret, E> {
        Ok(CaqhSecret::from(text))
    }

    refuse! {
        visit_bool(bool) => "a boolean";
        visit_i64(i64) => "a number";
        visit_u64(u64) => "a number";
        visit_i128(i128) => "a number";
        visit_u128(u128) => "a number";
        visit_f64(f64) => "a number";
    }
}

/// A CAQH credential as the server echoes it in a response record.
///
/// Readable with [`CaqhEcho::expose`]; Debug **and** serialisation print
/// `[REDACTED]`, so writing a record out as JSON (a log, a report, the
/// command line's output) does not copy a third party's password.
///
/// ```
/// let echoed: assured::models::CaqhEcho = serde_json::from_str("\"s3cret-pass\"").unwrap();
/// assert_eq!(echoed.expose(), "s3cret-pass");
/// assert_eq!(format!("{echoed:?}"), "[REDACTED]");
/// assert_eq!(serde_json::to_string(&echoed).unwrap(), "\"[REDACTED]\"");
/// ```
#[derive(Clone, derive_more::Debug, Deserialize)]
#[debug("[REDACTED]")]
#[serde(transparent)]
pub struct CaqhEcho(CaqhSecret);

impl CaqhEcho {
    /// The secret value.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl From<&str> for CaqhEcho {
    fn from(value: &str) -> Self {
        Self(CaqhSecret::from(value))
    }
}

impl Serialize for CaqhEcho {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("[REDACTED]")
    }
}

/// Both are strings in a JSON Schema, under their own names.
macro_rules! string_schema {
    ($($name:ident),*) => {$(
        impl schemars::JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).into()
            }

            fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
                String::json_schema(gen)
            }
        }
    )*};
}

string_schema!(CaqhSecret, CaqhEcho);
