//! The endpoints of the spec, with DRF's semantics: limit/offset pages with
//! absolute links that carry the filters, the providers-list filters and
//! ordering, validation errors per field (per item for invites), and
//! writes that every other endpoint then sees.

// Handlers return their error responses as `Err(Response)` straight to
// axum; boxing them would only add noise on a test server.
#![allow(clippy::result_large_err)]

use std::{cmp::Ordering, collections::HashSet};

use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::{
    data,
    state::{CaqhRecord, ProviderRecord},
    validate::{self, Field},
    Shared,
};
use crate::models::{
    CreateProvider, CreatedProvider, ImportProviderWithCaqh, ImportedProvider, InviteProvider,
    InvitedProvider, PracticeLocationProviders, ProviderOrgJoiningDate, SourceOfJoining, UserSlim,
    UserType,
};

pub(crate) fn router(shared: Shared) -> Router {
    Router::new()
        .route("/api/v1/users/providers-list/", get(list_providers))
        .route("/api/v1/users/invite-providers/", post(invite))
        .route(
            "/api/v1/users/import-single-provider-with-caqh/",
            post(import_with_caqh),
        )
        .route("/api/v1/users/create-providers/", post(create))
        .route(
            "/api/v1/users/providers-not-in-practice-loc/",
            get(not_in_location),
        )
        .route(
            "/api/v1/users/practice-location-providers/",
            post(add_to_location),
        )
        .route(
            "/api/v1/users/request-caqh-import/",
            get(list_caqh_requests).post(create_caqh_request),
        )
        .route(
            "/api/v1/users/update-provider-org-joining-date/{id}/",
            get(get_joining_date).patch(set_joining_date),
        )
        .fallback(|| async { drf(StatusCode::NOT_FOUND, json!({"detail": "Not found."})) })
        .with_state(shared)
}

pub(crate) fn drf(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn bad_request(errors: Map<String, Value>) -> Response {
    drf(StatusCode::BAD_REQUEST, Value::Object(errors))
}

fn pairs(query: &Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn parse_json(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|e| {
        drf(
            StatusCode::BAD_REQUEST,
            json!({"detail": format!("JSON parse error - {e}")}),
        )
    })
}

/// A DRF limit/offset page of `items`, with absolute links keeping the
/// request's other parameters.
fn page<T: serde::Serialize>(
    shared: &Shared,
    path: &str,
    pairs: &[(String, String)],
    items: &[T],
) -> Response {
    let limit = param(pairs, "limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(shared.default_limit)
        .min(shared.max_limit);
    let offset = param(pairs, "offset")
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0);
    let count = items.len();
    let link = |offset: Option<usize>| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs.iter().filter(|(k, _)| k != "limit" && k != "offset") {
            query.append_pair(k, v);
        }
        query.append_pair("limit", &limit.to_string());
        if let Some(offset) = offset {
            query.append_pair("offset", &offset.to_string());
        }
        format!("{}{path}?{}", shared.base_url, query.finish())
    };
    let next = (offset + limit < count).then(|| link(Some(offset + limit)));
    let previous = (offset > 0).then(|| {
        let back = offset.saturating_sub(limit);
        link((back > 0).then_some(back))
    });
    let results: Vec<&T> = items.iter().skip(offset).take(limit).collect();
    Json(json!({"count": count, "next": next, "previous": previous, "results": results}))
        .into_response()
}

fn contains_ci(haystack: Option<&str>, needle: &str) -> bool {
    haystack.is_some_and(|h| h.to_lowercase().contains(needle))
}

fn uuid_list(value: &str, field: &str) -> Result<Vec<Uuid>, Response> {
    value
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            Uuid::parse_str(s.trim()).map_err(|_| {
                drf(
                    StatusCode::BAD_REQUEST,
                    json!({field: [format!("“{s}” is not a valid UUID.")]}),
                )
            })
        })
        .collect()
}

fn bool_param(value: Option<&str>, field: &str) -> Result<Option<bool>, Response> {
    match value {
        None => Ok(None),
        Some("true" | "True" | "1") => Ok(Some(true)),
        Some("false" | "False" | "0") => Ok(Some(false)),
        Some(_) => Err(drf(
            StatusCode::BAD_REQUEST,
            json!({field: ["Enter a valid boolean."]}),
        )),
    }
}

async fn list_providers(State(shared): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let pairs = pairs(&query);
    let state = shared.state.read().unwrap_or_else(|e| e.into_inner());
    // Rows are filtered by reference and only the page is serialised, so a
    // walk over a large roster does not copy it once per page.
    match filtered_providers(&state, &pairs) {
        Ok(rows) => page(&shared, "/api/v1/users/providers-list/", &pairs, &rows),
        Err(response) => response,
    }
}

fn filtered_providers<'s>(
    state: &'s super::state::State,
    pairs: &[(String, String)],
) -> Result<Vec<&'s crate::models::Provider>, Response> {
    let text = |name| param(pairs, name).map(str::to_lowercase);
    let (email, first, last, npi, search) = (
        text("email"),
        text("first_name"),
        text("last_name"),
        param(pairs, "npi"),
        text("search"),
    );
    let ids: Option<HashSet<Uuid>> = match param(pairs, "id_in") {
        Some(v) => Some(uuid_list(v, "id_in")?.into_iter().collect()),
        None => None,
    };
    let mut clients: Option<HashSet<Uuid>> = match param(pairs, "client_in") {
        Some(v) => Some(uuid_list(v, "client_in")?.into_iter().collect()),
        None => None,
    };
    if let Some(client) = param(pairs, "client") {
        let one = uuid_list(client, "client")?;
        clients = Some(one.into_iter().collect());
    }
    let active = bool_param(param(pairs, "is_active"), "is_active")?;
    let complete = bool_param(param(pairs, "profile_completeness"), "profile_completeness")?;
    let mut rows: Vec<&ProviderRecord> = state
        .providers
        .iter()
        .filter(|r| {
            let p = &r.listing;
            email.as_ref().is_none_or(|e| p.email.to_lowercase() == *e)
                && first.as_ref().is_none_or(|f| {
                    p.first_name
                        .as_deref()
                        .is_some_and(|n| n.to_lowercase() == *f)
                })
                && last.as_ref().is_none_or(|l| {
                    p.last_name
                        .as_deref()
                        .is_some_and(|n| n.to_lowercase() == *l)
                })
                && npi.is_none_or(|n| p.npi.as_deref() == Some(n))
                && ids.as_ref().is_none_or(|ids| ids.contains(&p.id))
                && clients
                    .as_ref()
                    .is_none_or(|c| r.client.is_some_and(|rc| c.contains(&rc)))
                && active.is_none_or(|a| p.is_active == Some(a))
                && complete.is_none_or(|c| (p.profile_completeness_percentage >= 100.0) == c)
                && search.as_ref().is_none_or(|s| {
                    contains_ci(Some(&p.email), s)
                        || contains_ci(Some(&p.full_name), s)
                        || contains_ci(p.npi.as_deref(), s)
                })
        })
        .collect();
    if let Some(ordering) = param(pairs, "ordering") {
        let (field, descending) = match ordering.strip_prefix('-') {
            Some(field) => (field, true),
            None => (ordering, false),
        };
        let key = |r: &&ProviderRecord, other: &&ProviderRecord| -> Ordering {
            let (a, b) = (&r.listing, &other.listing);
            match field {
                "email" => a.email.cmp(&b.email),
                "first_name" => a.first_name.cmp(&b.first_name),
                "last_name" => a.last_name.cmp(&b.last_name),
                "full_name" => a.full_name.cmp(&b.full_name),
                "npi" => a.npi.cmp(&b.npi),
                "is_active" => a.is_active.cmp(&b.is_active),
                "profile_completeness_percentage" => a
                    .profile_completeness_percentage
                    .total_cmp(&b.profile_completeness_percentage),
                // DRF ignores an ordering field it does not allow.
                _ => Ordering::Equal,
            }
        };
        rows.sort_by(|a, b| if descending { key(b, a) } else { key(a, b) });
    }
    Ok(rows.into_iter().map(|r| &r.listing).collect())
}

/// Field errors, then the checks that need the state.
fn validated<T: serde::de::DeserializeOwned>(
    schema: &str,
    value: &Value,
    fields: &[Field],
) -> Result<T, Map<String, Value>> {
    let errors = validate::check(schema, value, fields);
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(value.clone()).map_err(|e| {
        let mut errors = Map::new();
        errors.insert("non_field_errors".into(), Value::from(vec![e.to_string()]));
        errors
    })
}

fn unknown_location(locations: &[Uuid], ids: &[Uuid]) -> Option<String> {
    ids.iter()
        .find(|id| !locations.contains(id))
        .map(|id| format!("Invalid pk \"{id}\" - object does not exist."))
}

async fn invite(State(shared): State<Shared>, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(items) = value.as_array() else {
        return drf(
            StatusCode::BAD_REQUEST,
            json!({"non_field_errors": ["Expected a list of items but got type \"dict\"."]}),
        );
    };
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    let mut errors = Vec::new();
    let mut invites = Vec::new();
    let mut batch_emails = HashSet::new();
    for item in items {
        match validated::<InviteProvider>("InviteProvider", item, validate::INVITE) {
            Ok(invite) => {
                let mut item_errors = Map::new();
                let email = invite.email.to_lowercase();
                if state.emails.contains(&email) || !batch_emails.insert(email) {
                    item_errors.insert(
                        "email".into(),
                        json!(["user with this email already exists."]),
                    );
                }
                if let Some(message) = unknown_location(
                    &state.practice_locations,
                    &invite.provider_practice_locations,
                ) {
                    item_errors.insert("provider_practice_locations".into(), json!([message]));
                }
                if invite.client.is_some_and(|c| !state.clients.contains(&c)) {
                    item_errors.insert(
                        "client".into(),
                        json!(["Invalid pk - object does not exist."]),
                    );
                }
                errors.push(Value::Object(item_errors));
                invites.push(invite);
            }
            Err(e) => {
                errors.push(Value::Object(e));
            }
        }
    }
    if errors
        .iter()
        .any(|e| e.as_object().is_some_and(|o| !o.is_empty()))
    {
        return drf(StatusCode::BAD_REQUEST, Value::Array(errors));
    }
    let mut gen = shared.gen.lock().unwrap_or_else(|e| e.into_inner());
    let mut created = Vec::new();
    for invite in invites {
        let mut record = data::new_provider(
            &state,
            &mut gen,
            invite.email.clone(),
            invite.first_name.clone(),
            None,
            invite.last_name.clone(),
            SourceOfJoining::FromInvite,
        );
        record.client = invite.client;
        record.org_joining_date = invite.org_joining_date;
        let id = record.listing.id;
        for location in &invite.provider_practice_locations {
            state.members.entry(*location).or_default().insert(id);
        }
        created.push(InvitedProvider {
            id,
            email: invite.email,
            first_name: invite.first_name,
            last_name: invite.last_name,
            provider_practice_locations: invite.provider_practice_locations,
        });
        state.insert(record);
    }
    (StatusCode::OK, Json(created)).into_response()
}

async fn import_with_caqh(State(shared): State<Shared>, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let import = match validated::<ImportProviderWithCaqh>(
        "ImportProviderWithCaqh",
        &value,
        validate::IMPORT,
    ) {
        Ok(i) => i,
        Err(e) => return bad_request(e),
    };
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    if state.emails.contains(&import.email.to_lowercase()) {
        return drf(
            StatusCode::BAD_REQUEST,
            json!({"email": ["user with this email already exists."]}),
        );
    }
    if let Some(message) = unknown_location(
        &state.practice_locations,
        &import.provider_practice_locations,
    ) {
        return drf(
            StatusCode::BAD_REQUEST,
            json!({"provider_practice_locations": [message]}),
        );
    }
    let mut gen = shared.gen.lock().unwrap_or_else(|e| e.into_inner());
    let record = data::new_provider(
        &state,
        &mut gen,
        import.email.clone(),
        import.first_name.clone(),
        None,
        import.last_name.clone(),
        SourceOfJoining::FromSingleProviderImport,
    );
    let id = record.listing.id;
    for location in &import.provider_practice_locations {
        state.members.entry(*location).or_default().insert(id);
    }
    state.insert(record);
    Json(ImportedProvider {
        id,
        email: import.email,
        first_name: import.first_name,
        last_name: import.last_name,
        provider_practice_locations: import.provider_practice_locations,
        primary_practice_location: import.primary_practice_location,
    })
    .into_response()
}

async fn create(State(shared): State<Shared>, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let new = match validated::<CreateProvider>("CreateProvider", &value, validate::CREATE) {
        Ok(n) => n,
        Err(e) => return bad_request(e),
    };
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    if state.emails.contains(&new.email.to_lowercase()) {
        return drf(
            StatusCode::BAD_REQUEST,
            json!({"email": ["user with this email already exists."]}),
        );
    }
    let mut gen = shared.gen.lock().unwrap_or_else(|e| e.into_inner());
    let mut record = data::new_provider(
        &state,
        &mut gen,
        new.email.clone(),
        Some(new.first_name.clone()),
        None,
        Some(new.last_name.clone()),
        SourceOfJoining::ProviderCreateApi,
    );
    record.client = new.client;
    record.org_joining_date = new.org_joining_date;
    let id = record.listing.id;
    for location in &new.provider_practice_locations {
        state.members.entry(*location).or_default().insert(id);
    }
    state.insert(record);
    let created = CreatedProvider {
        id,
        email: new.email,
        first_name: new.first_name,
        last_name: new.last_name,
        provider_practice_locations: new.provider_practice_locations,
        primary_practice_location: new.primary_practice_location,
        client: new.client,
        document_url: new.document_url,
        document_type: new.document_type,
        source_of_joining: Some(SourceOfJoining::ProviderCreateApi),
    };
    (StatusCode::CREATED, Json(created)).into_response()
}

async fn not_in_location(State(shared): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let pairs = pairs(&query);
    let Some(location) = param(&pairs, "practice_location") else {
        return drf(
            StatusCode::BAD_REQUEST,
            json!({"practice_location": ["This field is required."]}),
        );
    };
    let location = match uuid_list(location, "practice_location") {
        Ok(ids) if ids.len() == 1 => ids[0],
        Ok(_) => {
            return drf(
                StatusCode::BAD_REQUEST,
                json!({"practice_location": ["Must be a valid UUID."]}),
            )
        }
        Err(r) => return r,
    };
    let search = param(&pairs, "search").map(str::to_lowercase);
    let rows: Vec<UserSlim> = {
        let state = shared.state.read().unwrap_or_else(|e| e.into_inner());
        if !state.practice_locations.contains(&location) {
            return drf(StatusCode::NOT_FOUND, json!({"detail": "Not found."}));
        }
        let members = state.members.get(&location);
        state
            .providers
            .iter()
            .map(|r| &r.listing)
            .filter(|p| members.is_none_or(|m| !m.contains(&p.id)))
            .filter(|p| {
                search.as_ref().is_none_or(|s| {
                    contains_ci(Some(&p.email), s) || contains_ci(Some(&p.full_name), s)
                })
            })
            .map(|p| UserSlim {
                id: p.id,
                email: p.email.clone(),
                first_name: p.first_name.clone(),
                last_name: p.last_name.clone(),
                is_active: p.is_active,
                user_type: p.user_type.clone().unwrap_or(UserType::Provider),
            })
            .collect()
    };
    page(
        &shared,
        "/api/v1/users/providers-not-in-practice-loc/",
        &pairs,
        &rows,
    )
}

async fn add_to_location(State(shared): State<Shared>, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let body = match validated::<PracticeLocationProviders>(
        "PracticeLocationProviders",
        &value,
        validate::LOCATION,
    ) {
        Ok(b) => b,
        Err(e) => return bad_request(e),
    };
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    if let Some(message) = unknown_location(&state.practice_locations, &[body.practice_location]) {
        return drf(
            StatusCode::BAD_REQUEST,
            json!({"practice_location": [message]}),
        );
    }
    if let Some(missing) = body.providers.iter().find(|id| !state.contains(id)) {
        return drf(
            StatusCode::BAD_REQUEST,
            json!({"providers": [format!("Invalid pk \"{missing}\" - object does not exist.")]}),
        );
    }
    state
        .members
        .entry(body.practice_location)
        .or_default()
        .extend(body.providers.iter().copied());
    (StatusCode::CREATED, Json(body)).into_response()
}

/// The record as Assured sends it: with the credentials in clear (the
/// client's `CaqhEcho` redacts them once decoded).
fn caqh_view(id: i64, record: &CaqhRecord) -> Value {
    json!({
        "id": id,
        "caqh_username": record.username,
        "caqh_password": record.password,
        "full_name": record.full_name,
        "signature": record.signature,
    })
}

async fn list_caqh_requests(State(shared): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let pairs = pairs(&query);
    let provider = match param(&pairs, "provider").map(|p| uuid_list(p, "provider")) {
        Some(Ok(ids)) => ids.first().copied(),
        Some(Err(r)) => return r,
        None => None,
    };
    let rows: Vec<Value> = {
        let state = shared.state.read().unwrap_or_else(|e| e.into_inner());
        state
            .caqh
            .iter()
            .filter(|(_, r)| provider.is_none() || r.provider == provider)
            .map(|(id, r)| caqh_view(*id, r))
            .collect()
    };
    page(&shared, "/api/v1/users/request-caqh-import/", &pairs, &rows)
}

async fn create_caqh_request(State(shared): State<Shared>, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let request = match validated::<crate::models::NewCaqhImportRequest>(
        "NewCaqhImportRequest",
        &value,
        validate::CAQH_REQUEST,
    ) {
        Ok(r) => r,
        Err(e) => return bad_request(e),
    };
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    let record = CaqhRecord {
        provider: state.provider_named(&request.full_name),
        username: request.caqh_username.expose().to_string(),
        password: request.caqh_password.expose().to_string(),
        full_name: request.full_name,
        signature: request.signature,
    };
    let id = state.add_caqh_request(record.clone());
    (StatusCode::CREATED, Json(caqh_view(id, &record))).into_response()
}

fn joining_date_view(
    profile: &str,
    record: &ProviderRecord,
) -> Result<ProviderOrgJoiningDate, Response> {
    let id = Uuid::parse_str(profile)
        .map_err(|_| drf(StatusCode::NOT_FOUND, json!({"detail": "Not found."})))?;
    Ok(ProviderOrgJoiningDate {
        id,
        org_joining_date: record.org_joining_date,
    })
}

async fn get_joining_date(State(shared): State<Shared>, Path(profile): Path<String>) -> Response {
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    match state
        .by_profile_mut(&profile)
        .map(|r| joining_date_view(&profile, r))
    {
        Some(Ok(view)) => Json(view).into_response(),
        Some(Err(r)) => r,
        None => drf(StatusCode::NOT_FOUND, json!({"detail": "Not found."})),
    }
}

async fn set_joining_date(
    State(shared): State<Shared>,
    Path(profile): Path<String>,
    body: Bytes,
) -> Response {
    let value = match parse_json(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let errors = validate::check(
        "PatchedProviderOrgJoiningDate",
        &value,
        validate::JOINING_DATE,
    );
    if !errors.is_empty() {
        return bad_request(errors);
    }
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    let Some(record) = state.by_profile_mut(&profile) else {
        return drf(StatusCode::NOT_FOUND, json!({"detail": "Not found."}));
    };
    if let Some(date) = value.get("org_joining_date") {
        record.org_joining_date = date
            .as_str()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    }
    match joining_date_view(&profile, record) {
        Ok(view) => Json(view).into_response(),
        Err(r) => r,
    }
}
