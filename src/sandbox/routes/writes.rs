//! The sandbox's write endpoints: they validate like DRF, then change the
//! state every read then sees.

use std::collections::HashSet;

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::{
    bad_request, drf, parse_json,
    reads::{caqh_view, joining_date_view},
};
use crate::{
    models::{
        CreateProvider, CreatedProvider, ImportProviderWithCaqh, ImportedProvider, InviteProvider,
        InvitedProvider, PracticeLocationProviders, SourceOfJoining,
    },
    sandbox::{
        data,
        state::CaqhRecord,
        validate::{self, Described},
        Shared,
    },
};

/// The body as a `T`, or the 400 the server answers.
fn parsed<T: Described>(body: &Bytes) -> Result<T, Response> {
    validated::<T>(&parse_json(body)?).map_err(bad_request)
}

/// The 400 for an email an account already has.
fn email_taken(state: &crate::sandbox::state::State, email: &str) -> Option<Response> {
    state.emails.contains(&email.to_lowercase()).then(|| {
        drf(
            StatusCode::BAD_REQUEST,
            json!({"email": ["user with this email already exists."]}),
        )
    })
}

/// Field errors, then the checks that need the state.
fn validated<T: Described>(value: &Value) -> Result<T, Map<String, Value>> {
    let errors = validate::check::<T>(value, false);
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
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    let mut errors = Vec::new();
    let mut invites = Vec::new();
    let mut batch_emails = HashSet::new();
    for item in items {
        match validated::<InviteProvider>(item) {
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

pub(super) async fn import_with_caqh(State(shared): State<Shared>, body: Bytes) -> Response {
    let import = match parsed::<ImportProviderWithCaqh>(&body) {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    if let Some(taken) = email_taken(&state, &import.email) {
        return taken;
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

pub(super) async fn create(State(shared): State<Shared>, body: Bytes) -> Response {
    let new = match parsed::<CreateProvider>(&body) {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    if let Some(taken) = email_taken(&state, &new.email) {
        return taken;
    }
    let mut gen = shared.gen.lock().unwrap_or_else(|e| e.into_inner());
    let mut record = data::new_provider(
        &state,
        &mut gen,
        new.email.clone(),
        Some(new.first_name.clone()),
        None,
        Some(new.last_name.clone()),
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

pub(super) async fn add_to_location(State(shared): State<Shared>, body: Bytes) -> Response {
    let body = match parsed::<PracticeLocationProviders>(&body) {
        Ok(body) => body,
        Err(answer) => return answer,
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

pub(super) async fn create_caqh_request(State(shared): State<Shared>, body: Bytes) -> Response {
    let request = match parsed::<crate::models::NewCaqhImportRequest>(&body) {
        Ok(body) => body,
        Err(answer) => return answer,
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
