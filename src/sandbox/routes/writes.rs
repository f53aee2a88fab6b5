//! The sandbox's write endpoints: they validate like DRF, then change the
//! state every read then sees.

use std::collections::HashSet;

use axum::{
    body::Bytes,
    extract::{FromRequest, Path, Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::{
    bad_request, drf, parse_json,
    reads::{caqh_view, joining_date_view},
    Drf,
};
use crate::{
    models::{
        CreateProvider, CreatedProvider, ImportProviderWithCaqh, ImportedProvider, InviteProvider,
        InvitedProvider, PracticeLocationProviders, SourceOfJoining,
    },
    sandbox::{
        data,
        state::{CaqhRecord, ProviderRecord, State as World},
        validate::{self, Described},
        Shared,
    },
    validate::{unique_key, Batch},
    AccountId,
};

/// The invite batch's rules, as the spec states them (`minItems`,
/// `x-unique-by`), from the same generated facts the client checks.
type Invites = crate::raw::types::InviteProviderList;

/// A request body that passed the spec's checks as a `T`; otherwise the
/// handler is not called and the client gets the 400 the server answers.
pub(super) struct Valid<T>(T);

impl<T: Described, S: Send + Sync> FromRequest<S> for Valid<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        validated::<T>(&parse_json(&body)?)
            .map(Valid)
            .map_err(bad_request)
    }
}

/// A new provider with these names (first, last) in these practice
/// locations (and primary location, and client), taken into the state as
/// the server does, with what `fill` adds to its record; or the 400 when
/// the email is taken or a location or client does not exist.
fn admit(
    shared: &Shared,
    email: &str,
    (first, last): (Option<String>, Option<String>),
    locations: &[Uuid],
    (primary, client): (Option<Uuid>, Option<Uuid>),
    fill: impl FnOnce(&mut ProviderRecord),
) -> Result<AccountId, Response> {
    let mut state = shared.write();
    // Every field's error in one answer, as DRF gives them.
    let mut errors = unknown_pks(&state, locations, primary, client);
    if state.emails.contains(&email.to_lowercase()) {
        errors.insert("email".into(), json!([EMAIL_TAKEN]));
    }
    if !errors.is_empty() {
        return Err(drf(StatusCode::BAD_REQUEST, Value::Object(errors)));
    }
    let mut record = data::new_provider(&state, &mut shared.gen(), email.into(), first, None, last);
    fill(&mut record);
    Ok(enrol(&mut state, record, locations))
}

/// Takes a new provider into the state, in its practice locations; its id.
fn enrol(state: &mut World, record: ProviderRecord, locations: &[Uuid]) -> AccountId {
    let id = record.listing.id;
    for location in locations {
        state.members.entry(*location).or_default().insert(id);
    }
    state.insert(record);
    id
}

const EMAIL_TAKEN: &str = "user with this email already exists.";

/// DRF's errors for the practice locations, primary location and client that do not exist.
fn unknown_pks(
    state: &World,
    locations: &[Uuid],
    primary: Option<Uuid>,
    client: Option<Uuid>,
) -> Map<String, Value> {
    let known = &state.practice_locations;
    [
        ("provider_practice_locations", known, locations),
        ("primary_practice_location", known, primary.as_slice()),
        ("client", &state.clients, client.as_slice()),
    ]
    .into_iter()
    .filter_map(|(field, known, ids)| Some((field.into(), json!([unknown_pk(known, ids)?]))))
    .collect()
}

/// Field errors, then the checks that need the state.
fn validated<T: Described>(value: &Value) -> Result<T, Map<String, Value>> {
    let mut value = value.clone();
    validate::trim::<T>(&mut value);
    let errors = validate::check::<T>(&value, false);
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(value).map_err(|e| {
        let mut errors = Map::new();
        errors.insert("non_field_errors".into(), Value::from(vec![e.to_string()]));
        errors
    })
}

/// DRF's message for the first of `ids` that is not `known`.
fn unknown_pk(known: &[Uuid], ids: &[Uuid]) -> Option<String> {
    ids.iter()
        .find(|id| !known.contains(id))
        .map(|id| format!("Invalid pk \"{id}\" - object does not exist."))
}

pub(super) async fn invite(State(shared): State<Shared>, body: Bytes) -> Response {
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
    // The spec's minItems, as DRF's `allow_empty=False` answers it.
    let min = Invites::MIN_ITEMS;
    if items.len() < min {
        return drf(
            StatusCode::BAD_REQUEST,
            json!({"non_field_errors": [validate::too_few(min as u64)]}),
        );
    }
    let mut state = shared.write();
    let mut errors = Vec::new();
    let mut invites = Vec::new();
    let mut batch_keys = HashSet::new();
    for item in items {
        match validated::<InviteProvider>(item) {
            Ok(invite) => {
                let mut item_errors = unknown_pks(
                    &state,
                    &invite.provider_practice_locations,
                    invite.primary_practice_location,
                    invite.client,
                );
                // The spec's `x-unique-by`, compared as the client compares
                // it; the server answers a repeat in the batch as it answers
                // an account's email.
                let taken = state.emails.contains(&invite.email.to_lowercase());
                let repeated =
                    unique_key::<Invites>(&invite).is_some_and(|key| !batch_keys.insert(key));
                if taken || repeated {
                    item_errors.insert(Invites::UNIQUE_BY.into(), json!([EMAIL_TAKEN]));
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
    let mut gen = shared.gen();
    let mut created = Vec::new();
    for invite in invites {
        let mut record = data::new_provider(
            &state,
            &mut gen,
            invite.email.clone(),
            invite.first_name.clone(),
            None,
            invite.last_name.clone(),
        );
        record.client = invite.client;
        record.org_joining_date = invite.org_joining_date;
        let id = enrol(&mut state, record, &invite.provider_practice_locations);
        created.push(InvitedProvider {
            id,
            email: invite.email,
            first_name: invite.first_name,
            last_name: invite.last_name,
            provider_practice_locations: invite.provider_practice_locations,
        });
    }
    Json(created.iter().map(Drf::of).collect::<Vec<_>>()).into_response()
}

pub(super) async fn import_with_caqh(
    State(shared): State<Shared>,
    Valid(import): Valid<ImportProviderWithCaqh>,
) -> Response {
    let names = (import.first_name.clone(), import.last_name.clone());
    let locations = &import.provider_practice_locations;
    let refs = (import.primary_practice_location, None);
    match admit(&shared, &import.email, names, locations, refs, |_| {}) {
        Err(refused) => refused,
        Ok(id) => Json(Drf::of(&ImportedProvider {
            id,
            email: import.email,
            first_name: import.first_name,
            last_name: import.last_name,
            provider_practice_locations: import.provider_practice_locations,
            primary_practice_location: import.primary_practice_location,
        }))
        .into_response(),
    }
}

pub(super) async fn create(
    State(shared): State<Shared>,
    Valid(new): Valid<CreateProvider>,
) -> Response {
    let names = (Some(new.first_name.clone()), Some(new.last_name.clone()));
    let id = match admit(
        &shared,
        &new.email,
        names,
        &new.provider_practice_locations,
        (new.primary_practice_location, new.client),
        |record| {
            record.client = new.client;
            record.org_joining_date = new.org_joining_date;
        },
    ) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
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
    (StatusCode::CREATED, Json(Drf::of(&created))).into_response()
}

pub(super) async fn add_to_location(
    State(shared): State<Shared>,
    Valid(body): Valid<PracticeLocationProviders>,
) -> Response {
    let mut state = shared.write();
    let location = [body.practice_location];
    if let Some(message) = unknown_pk(&state.practice_locations, &location) {
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
    (StatusCode::CREATED, Json(Drf::of(&body))).into_response()
}

pub(super) async fn create_caqh_request(
    State(shared): State<Shared>,
    Valid(request): Valid<crate::models::NewCaqhImportRequest>,
) -> Response {
    let mut state = shared.write();
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

pub(super) async fn set_joining_date(
    State(shared): State<Shared>,
    Path(profile): Path<String>,
    body: Bytes,
) -> Response {
    let value = match parse_json(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let errors = validate::check::<crate::raw::types::PatchedProviderOrgJoiningDate>(&value, true);
    if !errors.is_empty() {
        return bad_request(errors);
    }
    let mut state = shared.write();
    let Some(record) = state.by_profile_mut(&profile) else {
        return drf(StatusCode::NOT_FOUND, json!({"detail": "Not found."}));
    };
    if let Some(date) = value.get("org_joining_date") {
        record.org_joining_date = date
            .as_str()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    }
    match joining_date_view(&profile, record) {
        Ok(view) => Json(Drf::of(&view)).into_response(),
        Err(r) => r,
    }
}
