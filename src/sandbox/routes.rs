//! The endpoints of the spec, at the paths it gives them, with DRF's
//! semantics: limit/offset pages with
//! absolute links that carry the filters, the providers-list filters and
//! ordering, validation errors per field (per item for invites), and
//! writes that every other endpoint then sees. Reads are in `reads`,
//! writes in `writes`; this module routes and holds what both use.

// Handlers return their error responses as `Err(Response)` straight to
// axum; boxing them would only add noise on a test server.
#![allow(clippy::result_large_err)]

mod reads;
mod writes;

use axum::{
    body::Bytes,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Serialize;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::{
    validate::{Described, Kind},
    Shared,
};
use crate::providers::operations::paths;
use reads::{get_joining_date, list_caqh_requests, list_providers, not_in_location};
use writes::{
    add_to_location, create, create_caqh_request, import_with_caqh, invite, set_joining_date,
};

pub(crate) fn router(shared: Shared) -> Router {
    Router::new()
        .route(paths::LIST_PROVIDERS, get(list_providers))
        .route(paths::INVITE_PROVIDERS, post(invite))
        .route(paths::IMPORT_PROVIDER_WITH_CAQH, post(import_with_caqh))
        .route(paths::CREATE_PROVIDER, post(create))
        .route(
            paths::LIST_PROVIDERS_NOT_IN_PRACTICE_LOCATION,
            get(not_in_location),
        )
        .route(
            paths::ADD_PRACTICE_LOCATION_PROVIDERS,
            post(add_to_location),
        )
        .route(
            paths::LIST_CAQH_IMPORT_REQUESTS,
            get(list_caqh_requests).post(create_caqh_request),
        )
        .route(
            paths::GET_PROVIDER_ORG_JOINING_DATE,
            get(get_joining_date).patch(set_joining_date),
        )
        .fallback(|| async { drf(StatusCode::NOT_FOUND, json!({"detail": "Not found."})) })
        .with_state(shared)
}

/// A record as DRF's serialiser writes it: each nullable field of its schema present (`null`
/// when unset), each list present (`[]` when empty), and the `nulled` fields null whatever the
/// record holds, as a server that lost them sends them.
pub(super) struct Drf<'a, T> {
    pub(super) row: &'a T,
    pub(super) nulled: &'static [&'static str],
}

impl<'a, T> Drf<'a, T> {
    pub(super) fn of(row: &'a T) -> Self {
        Self { row, nulled: &[] }
    }
}

impl<T: Serialize + Described> Serialize for Drf<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(self.row).map_err(serde::ser::Error::custom)?;
        if let Some(map) = value.as_object_mut() {
            for field in T::FIELDS {
                let unset = match field.kind {
                    Kind::UuidList | Kind::EmailList => json!([]),
                    _ if field.nullable => Value::Null,
                    _ => continue,
                };
                map.entry(field.name).or_insert(unset);
            }
            for name in self.nulled {
                map.insert((*name).into(), Value::Null);
            }
        }
        value.serialize(s)
    }
}

pub(crate) fn drf(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

pub(super) fn bad_request(errors: Map<String, Value>) -> Response {
    drf(StatusCode::BAD_REQUEST, Value::Object(errors))
}

pub(super) fn pairs(query: &Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// The parameter's value as Django's `QueryDict` gives it: the last one
/// sent (blank: not given).
pub(super) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

pub(super) fn parse_json(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|e| {
        drf(
            StatusCode::BAD_REQUEST,
            json!({"detail": format!("JSON parse error - {e}")}),
        )
    })
}

pub(super) fn contains_ci(haystack: Option<&str>, needle: &str) -> bool {
    haystack.is_some_and(|h| h.to_lowercase().contains(needle))
}

pub(super) fn uuid_list(value: &str, field: &str) -> Result<Vec<Uuid>, Response> {
    value
        .split(',')
        // django-filter cleans each item with a form field, which strips as Python does.
        .filter(|s| !crate::validate::drf_trim(s).is_empty())
        .map(|s| {
            Uuid::parse_str(crate::validate::drf_trim(s)).map_err(|_| {
                drf(
                    StatusCode::BAD_REQUEST,
                    json!({field: [format!("“{s}” is not a valid UUID.")]}),
                )
            })
        })
        .collect()
}

/// django-filter's `BooleanWidget`: case-insensitive `true`/`1`,
/// `false`/`0`; anything else is no filter, never a 400.
pub(super) fn bool_param(value: Option<&str>) -> Option<bool> {
    match value.map(str::to_lowercase).as_deref() {
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        _ => None,
    }
}
