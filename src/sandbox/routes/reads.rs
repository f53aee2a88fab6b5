//! The sandbox's read endpoints: the lists (filters, ordering, DRF pages
//! with absolute links) and the joining date.

use std::cmp::Ordering;
use std::collections::HashSet;

use axum::{
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{bool_param, contains_ci, drf, pairs, param, uuid_list, Drf};
use crate::{
    models::{ProviderOrgJoiningDate, UserSlim, UserType},
    providers::operations::paths,
    sandbox::{
        churn,
        state::{CaqhRecord, ProviderRecord},
        Shared,
    },
};

/// A DRF limit/offset page of `items`, with absolute links keeping the
/// request's other parameters.
fn page<T: serde::Serialize>(
    shared: &Shared,
    path: &str,
    pairs: &[(String, String)],
    items: &[T],
) -> Response {
    // Python's int() has no width: a number past usize is huge, not
    // invalid (DRF caps such a limit; such an offset is past the end).
    let number = |text: &str| match text.parse::<usize>() {
        Ok(n) => Some(n),
        Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => Some(usize::MAX),
        Err(_) => None,
    };
    let limit = param(pairs, "limit")
        .and_then(number)
        .filter(|l| *l > 0)
        .unwrap_or(shared.default_limit)
        .min(shared.max_limit);
    let offset = param(pairs, "offset").and_then(number).unwrap_or(0);
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
    // Saturating: any offset a client may send, up to u64::MAX.
    let end = offset.saturating_add(limit);
    let next = (end < count).then(|| link(Some(end)));
    let previous = (offset > 0).then(|| {
        let back = offset.saturating_sub(limit);
        link((back > 0).then_some(back))
    });
    let results: Vec<&T> = items.iter().skip(offset).take(limit).collect();
    Json(json!({"count": count, "next": next, "previous": previous, "results": results}))
        .into_response()
}

pub(super) async fn list_providers(
    State(shared): State<Shared>,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = pairs(&query);
    churn::before_list(&shared);
    let state = shared.read();
    // Rows are filtered by reference and only the page is serialised, so a
    // walk over a large roster does not copy it once per page.
    match filtered_providers(&state, &pairs) {
        Ok(rows) => {
            let rows: Vec<Drf<'_, _>> = rows
                .into_iter()
                .map(|r| Drf {
                    row: &r.listing,
                    nulled: if r.nulled { &churn::COMPUTED } else { &[] },
                })
                .collect();
            page(&shared, paths::LIST_PROVIDERS, &pairs, &rows)
        }
        Err(response) => response,
    }
}

fn filtered_providers<'s>(
    state: &'s crate::sandbox::state::State,
    pairs: &[(String, String)],
) -> Result<Vec<&'s ProviderRecord>, Response> {
    let text = |name| param(pairs, name).map(str::to_lowercase);
    let (email, first, last, npi, search) = (
        text("email"),
        text("first_name"),
        text("last_name"),
        param(pairs, "npi"),
        search_terms(pairs),
    );
    let ids: Option<HashSet<Uuid>> = match param(pairs, "id_in") {
        Some(v) => Some(uuid_list(v, "id_in")?.into_iter().collect()),
        None => None,
    };
    // django-filter applies every filter given: `client` and `client_in`
    // together match a provider of that client only if it is in the list.
    let mut clients = Vec::new();
    // `client` is one UUID (django-filter's UUIDFilter: a comma is invalid,
    // blank is no filter); only `client_in` takes a list.
    if let Some(v) = param(pairs, "client").map(crate::validate::drf_trim) {
        if !v.is_empty() {
            let id = Uuid::parse_str(v).map_err(|_| {
                drf(
                    StatusCode::BAD_REQUEST,
                    json!({"client": ["Enter a valid UUID."]}),
                )
            })?;
            clients.push(HashSet::from([id]));
        }
    }
    if let Some(v) = param(pairs, "client_in") {
        clients.push(
            uuid_list(v, "client_in")?
                .into_iter()
                .collect::<HashSet<Uuid>>(),
        );
    }
    let active = bool_param(param(pairs, "is_active"));
    let complete = bool_param(param(pairs, "profile_completeness"));
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
                && ids.as_ref().is_none_or(|ids| ids.contains(&p.id.as_uuid()))
                && clients
                    .iter()
                    .all(|c| r.client.is_some_and(|rc| c.contains(&rc)))
                && active.is_none_or(|a| p.is_active == Some(a))
                && complete.is_none_or(|c| {
                    (p.profile_completeness_percentage.unwrap_or(0.0) >= 100.0) == c
                })
                && search.iter().all(|s| {
                    contains_ci(Some(&p.email), s)
                        || contains_ci(p.full_name.as_deref(), s)
                        || contains_ci(p.npi.as_deref(), s)
                })
        })
        .collect();
    if let Some(ordering) = param(pairs, "ordering") {
        // DRF's OrderingFilter: fields by comma, `-` for descending, those
        // it does not allow ignored; PostgreSQL puts nulls last ascending
        // and first descending.
        let fields: Vec<(&str, bool)> = ordering
            .split(',')
            .map(|field| {
                // DRF: `[param.strip() for param in params.split(',')]`.
                let field = crate::validate::drf_trim(field);
                match field.strip_prefix('-') {
                    Some(field) => (field, true),
                    None => (field, false),
                }
            })
            .collect();
        let by = |field: &str, a: &ProviderRecord, b: &ProviderRecord| -> Ordering {
            let (a, b) = (&a.listing, &b.listing);
            match field {
                "id" => a.id.as_uuid().cmp(&b.id.as_uuid()),
                "email" => a.email.cmp(&b.email),
                "middle_name" => nulls_last(&a.middle_name, &b.middle_name),
                "first_name" => nulls_last(&a.first_name, &b.first_name),
                "last_name" => nulls_last(&a.last_name, &b.last_name),
                "full_name" => nulls_last(&a.full_name, &b.full_name),
                "npi" => nulls_last(&a.npi, &b.npi),
                "is_active" => nulls_last(&a.is_active, &b.is_active),
                "profile_completeness_percentage" => nulls_last(
                    &a.profile_completeness_percentage,
                    &b.profile_completeness_percentage,
                ),
                _ => Ordering::Equal,
            }
        };
        rows.sort_by(|a, b| {
            fields
                .iter()
                .map(|&(field, descending)| match descending {
                    true => by(field, b, a),
                    false => by(field, a, b),
                })
                .find(|order| order.is_ne())
                .unwrap_or(Ordering::Equal)
        });
    }
    Ok(rows)
}

/// DRF's `SearchFilter` terms: split on whitespace and commas, NULs
/// dropped; a row matches when every term is in one of the fields.
fn search_terms(pairs: &[(String, String)]) -> Vec<String> {
    param(pairs, "search")
        .unwrap_or("")
        // DRF <= 3.14: `replace('\x00', '')` (a NUL joins, it does not split); `str.split()`
        // also splits at U+001C..U+001F.
        .replace('\0', "")
        .replace(',', " ")
        .split(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn nulls_last<T: PartialOrd>(a: &Option<T>, b: &Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
        (a, b) => b.is_some().cmp(&a.is_some()),
    }
}

pub(super) async fn not_in_location(
    State(shared): State<Shared>,
    RawQuery(query): RawQuery,
) -> Response {
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
    let search = search_terms(&pairs);
    churn::before_list(&shared);
    let rows: Vec<(UserSlim, bool)> = {
        let state = shared.read();
        if !state.practice_locations.contains(&location) {
            return drf(StatusCode::NOT_FOUND, json!({"detail": "Not found."}));
        }
        let members = state.members.get(&location);
        state
            .providers
            .iter()
            .filter(|r| members.is_none_or(|m| !m.contains(&r.listing.id)))
            .filter(|r| {
                let p = &r.listing;
                search.iter().all(|s| {
                    contains_ci(Some(&p.email), s) || contains_ci(p.full_name.as_deref(), s)
                })
            })
            .map(|r| {
                let p = &r.listing;
                let user = UserSlim {
                    id: p.id,
                    email: p.email.clone(),
                    first_name: p.first_name.clone(),
                    last_name: p.last_name.clone(),
                    is_active: p.is_active,
                    user_type: (!r.nulled)
                        .then(|| p.user_type.clone().unwrap_or(UserType::Provider)),
                };
                (user, r.nulled)
            })
            .collect()
    };
    let rows: Vec<Drf<'_, UserSlim>> = rows
        .iter()
        .map(|(row, nulled)| Drf {
            row,
            nulled: if *nulled { &["user_type"] } else { &[] },
        })
        .collect();
    page(
        &shared,
        paths::LIST_PROVIDERS_NOT_IN_PRACTICE_LOCATION,
        &pairs,
        &rows,
    )
}

/// The record as Assured sends it: with the credentials in clear (the
/// client's `CaqhEcho` redacts them once decoded).
pub(super) fn caqh_view(id: i64, record: &CaqhRecord) -> Value {
    json!({
        "id": id,
        "caqh_username": record.username,
        "caqh_password": record.password,
        "full_name": record.full_name,
        "signature": record.signature,
    })
}

pub(super) async fn list_caqh_requests(
    State(shared): State<Shared>,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = pairs(&query);
    let provider = match param(&pairs, "provider").map(|p| uuid_list(p, "provider")) {
        Some(Ok(ids)) => ids.first().copied().map(crate::AccountId::from),
        Some(Err(r)) => return r,
        None => None,
    };
    let rows: Vec<Value> = {
        let state = shared.read();
        state
            .caqh
            .iter()
            .filter(|(_, r)| provider.is_none() || r.provider == provider)
            .map(|(id, r)| caqh_view(*id, r))
            .collect()
    };
    page(&shared, paths::LIST_CAQH_IMPORT_REQUESTS, &pairs, &rows)
}

pub(super) fn joining_date_view(
    profile: &str,
    record: &ProviderRecord,
) -> Result<ProviderOrgJoiningDate, Response> {
    let id = profile
        .parse()
        .map_err(|_| drf(StatusCode::NOT_FOUND, json!({"detail": "Not found."})))?;
    Ok(ProviderOrgJoiningDate {
        id,
        org_joining_date: record.org_joining_date,
    })
}

pub(super) async fn get_joining_date(
    State(shared): State<Shared>,
    Path(profile): Path<String>,
) -> Response {
    let mut state = shared.write();
    match state
        .by_profile_mut(&profile)
        .map(|r| joining_date_view(&profile, r))
    {
        Some(Ok(view)) => Json(Drf::of(&view)).into_response(),
        Some(Err(r)) => r,
        None => drf(StatusCode::NOT_FOUND, json!({"detail": "Not found."})),
    }
}
