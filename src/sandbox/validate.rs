//! Request validation the way DRF answers it: 400 with a list of messages
//! per field. Each body's fields (type, required, nullable) and length
//! limits come from the spec: the build implements [`Described`] for each
//! object schema (and each composed of `allOf` parts), from the same walk
//! that gives the client its checks.

use serde_json::{Map, Value};

use crate::validate::{drf_trim, LIMITS};

/// A schema's fields as the spec describes them, for checking a request
/// body of it.
pub(crate) trait Described: serde::de::DeserializeOwned {
    /// The schema's name (for its length limits).
    const SCHEMA: &'static str;
    /// Its fields.
    const FIELDS: &'static [Field];
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Str,
    Email,
    Uuid,
    UuidList,
    EmailList,
    Date,
    Bool,
    /// A type the sandbox does not check beyond presence and null.
    Any,
}

pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
    pub(crate) nullable: bool,
}

pub(crate) const fn field(name: &'static str, kind: Kind, required: bool, nullable: bool) -> Field {
    Field {
        name,
        kind,
        required,
        nullable,
    }
}

fn is_email(s: &str) -> bool {
    crate::validate::check_email("email", s).is_ok()
}

fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

/// `value` with its text fields trimmed, as DRF's `CharField` (and so `EmailField`) takes them
/// before checking their length and storing them.
pub(crate) fn trim<T: Described>(value: &mut Value) {
    let Value::Object(object) = value else {
        return;
    };
    for f in T::FIELDS {
        // DRF's `CharField` takes a number as its text (`str(data)`).
        if let (Kind::Str | Kind::Email, Some(v @ Value::Number(_))) =
            (f.kind, object.get_mut(f.name))
        {
            *v = Value::String(v.to_string());
        }
        let texts = match (f.kind, object.get_mut(f.name)) {
            (Kind::Str | Kind::Email, Some(text @ Value::String(_))) => vec![text],
            (Kind::EmailList, Some(Value::Array(items))) => items.iter_mut().collect(),
            _ => continue,
        };
        for text in texts {
            if let Value::String(s) = text {
                *s = drf_trim(s).to_string();
            }
        }
    }
}

/// The DRF error object for `value` as a `T`; empty when valid. A
/// `partial` body (PATCH) may leave out required fields.
pub(crate) fn check<T: Described>(value: &Value, partial: bool) -> Map<String, Value> {
    let (schema, fields) = (T::SCHEMA, T::FIELDS);
    let mut errors = Map::new();
    let Value::Object(object) = value else {
        errors.insert(
            "non_field_errors".into(),
            Value::from(vec!["Invalid data. Expected a dictionary, but got list."]),
        );
        return errors;
    };
    for f in fields {
        let message = match object.get(f.name) {
            None if f.required && !partial => Some("This field is required.".to_string()),
            None => None,
            Some(Value::Null) if !f.nullable => Some("This field may not be null.".into()),
            Some(Value::Null) => None,
            Some(v) => check_value(schema, f, v),
        };
        if let Some(message) = message {
            errors.insert(f.name.into(), Value::from(vec![message]));
        }
    }
    errors
}

fn check_value(schema: &str, f: &Field, v: &Value) -> Option<String> {
    let text = v.as_str();
    // The client's facts: a list's length first, then per kind.
    let limit = LIMITS
        .iter()
        .find(|l| l.schema == schema && l.field == f.name);
    let min_items = limit.and_then(|l| l.min_items);
    if let (Value::Array(items), Some(min)) = (v, min_items) {
        if (items.len() as u64) < min {
            return Some(too_few(min));
        }
    }
    match f.kind {
        Kind::Str | Kind::Email => {
            let Some(text) = text else {
                return Some("Not a valid string.".into());
            };
            // Blank, then email, then length, as the client decides.
            if limit.is_some_and(|l| l.not_blank) && drf_trim(text).is_empty() {
                return Some("This field may not be blank.".into());
            }
            // DRF's `ProhibitNullCharactersValidator`, on every `CharField`.
            if text.contains('\0') {
                return Some("Null characters are not allowed.".into());
            }
            if f.kind == Kind::Email && !is_email(text) {
                return Some("Enter a valid email address.".into());
            }
            let len = text.chars().count() as u64;
            let limit = limit?;
            if let Some(max) = limit.max.filter(|max| len > *max) {
                return Some(format!(
                    "Ensure this field has no more than {max} characters."
                ));
            }
            if let Some(min) = limit.min.filter(|min| len < *min) {
                return Some(format!("Ensure this field has at least {min} characters."));
            }
            None
        }
        Kind::Uuid => (!text.is_some_and(is_uuid)).then(|| "Must be a valid UUID.".into()),
        Kind::Date => text
            .is_none_or(|t| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_err())
            .then(|| "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.".into()),
        Kind::Bool => (!v.is_boolean()).then(|| "Must be a valid boolean.".into()),
        Kind::Any => None,
        Kind::UuidList | Kind::EmailList => {
            let Some(items) = v.as_array() else {
                return Some(format!(
                    "Expected a list of items but got type \"{}\".",
                    type_name(v)
                ));
            };
            let ok = |s: &str| {
                if f.kind == Kind::UuidList {
                    is_uuid(s)
                } else {
                    is_email(s)
                }
            };
            let bad = items.iter().any(|i| !i.as_str().is_some_and(ok));
            bad.then(|| {
                if f.kind == Kind::UuidList {
                    "Must be a valid UUID.".into()
                } else {
                    "Enter a valid email address.".into()
                }
            })
        }
    }
}

/// DRF's message for a list under its minimum length.
pub(crate) fn too_few(min: u64) -> String {
    match min {
        1 => "This list may not be empty.".into(),
        n => format!("Ensure this field has at least {n} elements."),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}
