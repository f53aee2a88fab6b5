//! Operation shapes progenitor 0.15 cannot generate from: it panics, returns
//! an error, or silently merges types.
//!
//! The response rules mirror `progenitor-impl` 0.15.1 (`method.rs`,
//! `extract_responses`): success responses are `default`, `101`, `2xx` and
//! `2XX`; error responses are `default`, `4xx`, `5xx`, `4XX` and `5XX`; a
//! `default` that sorts right after a `2XX` is dropped from the success set;
//! each set may hold at most one body type (a `$ref`'d JSON schema, "raw"
//! non-JSON content, or no body), or progenitor's assertion panics the build.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::operations::{operations, Operation};
use crate::problem::{Check, Problem};
use crate::refs::{escape_token, follow_refs};
use crate::responses::{is_json, media_essence};

/// Request media types progenitor 0.15 can send (`BodyContentType`).
const REQUEST_MEDIA_TYPES: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// Faults of component responses, reported once each rather than once per
/// use: reference -> (fault, the operations using it).
type SharedFaults = BTreeMap<String, (String, Vec<String>)>;

/// Checks every operation's responses, request body and parameters.
pub(crate) fn check_shapes(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut shared = SharedFaults::new();
    for operation in operations(doc) {
        check_responses(doc, &operation, &mut problems, &mut shared);
        check_request_body(doc, &operation, &mut problems);
        check_parameters(doc, &operation, &mut problems);
    }
    for (reference, (message, users)) in shared {
        problems.push(Problem::new(
            Check::InlineResponseSchema,
            reference,
            format!("{message} (used by {})", users.join(", ")),
        ));
    }
    problems
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Code(u16),
    Range(u16),
    Default,
}

impl Status {
    fn parse(key: &str) -> Option<Self> {
        if key == "default" {
            return Some(Self::Default);
        }
        let bytes = key.as_bytes();
        if bytes.len() != 3 {
            return None;
        }
        if bytes[1..].eq_ignore_ascii_case(b"XX") && (b'1'..=b'5').contains(&bytes[0]) {
            return Some(Self::Range(u16::from(bytes[0] - b'0')));
        }
        key.parse::<u16>()
            .ok()
            .filter(|code| (100..=599).contains(code))
            .map(Self::Code)
    }

    /// progenitor's sort key.
    fn order(self) -> u16 {
        match self {
            Self::Code(code) => code,
            Self::Range(range) => range * 100,
            Self::Default => 1000,
        }
    }

    fn is_success(self) -> bool {
        matches!(
            self,
            Self::Default | Self::Code(101) | Self::Code(200..=299) | Self::Range(2)
        )
    }

    fn is_error(self) -> bool {
        matches!(
            self,
            Self::Default | Self::Code(400..=599) | Self::Range(4..=5)
        )
    }
}

/// What progenitor makes of one response's body.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum BodyKind {
    None,
    Json(String),
    Raw(String),
    Upgrade,
}

impl fmt::Display for BodyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("no body"),
            Self::Json(schema) => f.write_str(schema),
            Self::Raw(media_type) => write!(f, "raw {media_type}"),
            Self::Upgrade => f.write_str("a protocol upgrade"),
        }
    }
}

struct Response<'a> {
    key: &'a str,
    status: Status,
    kind: BodyKind,
}

fn check_responses(
    doc: &Value,
    operation: &Operation<'_>,
    problems: &mut Vec<Problem>,
    shared: &mut SharedFaults,
) {
    let Some(map) = operation
        .operation
        .get("responses")
        .and_then(Value::as_object)
    else {
        return;
    };
    let mut responses = Vec::new();
    // progenitor lists `default` first, then the others in document order.
    let ordered = map
        .iter()
        .filter(|(key, _)| *key == "default")
        .chain(map.iter().filter(|(key, _)| *key != "default"));
    for (key, raw) in ordered {
        let Some(status) = Status::parse(key) else {
            problems.push(Problem::new(
                Check::StatusCode,
                operation.to_string(),
                format!("response key '{key}' is not a status code (100-599), a range (1XX-5XX) or `default`"),
            ));
            continue;
        };
        let Some(response) = follow_refs(doc, raw) else {
            continue; // reported by the `$ref` check
        };
        let at = match raw.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference.to_owned(),
            None => format!("{}/responses/{}", operation.pointer(), key),
        };
        let (kind, fault) = body_kind(response, status, &at);
        if let Some(fault) = fault {
            match raw.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let (_, users) = shared
                        .entry(reference.to_owned())
                        .or_insert_with(|| (fault, Vec::new()));
                    let user = operation.to_string();
                    if !users.contains(&user) {
                        users.push(user);
                    }
                }
                None => problems.push(Problem::new(
                    Check::InlineResponseSchema,
                    operation.to_string(),
                    format!("response {key}: {fault}"),
                )),
            }
        }
        responses.push(Response { key, status, kind });
    }
    check_success_bodies(operation, &responses, problems);
    check_error_bodies(operation, &responses, problems);
}

/// The body kind of a response, and what is wrong with its JSON schema.
fn body_kind(response: &Value, status: Status, at: &str) -> (BodyKind, Option<String>) {
    let content = response.get("content").and_then(Value::as_object);
    let json = content.and_then(|content| content.iter().find(|(name, _)| is_json(name)));
    if let Some((media_type, media)) = json {
        return match media.get("schema") {
            Some(schema) => match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => (BodyKind::Json(reference.to_owned()), None),
                None => {
                    let place = format!("{at}/content/{}/schema", escape_token(media_type));
                    let fault = format!(
                        "the {media_type} schema is inline; progenitor names inline response types \
                         {{OperationId}}Response and can silently merge distinct ones: move it to \
                         #/components/schemas and use a $ref"
                    );
                    (BodyKind::Json(format!("inline schema at {place}")), Some(fault))
                }
            },
            None => (
                BodyKind::Json(format!("schemaless {media_type} at {at}")),
                Some(format!(
                    "{media_type} has no schema (progenitor 0.15 panics): add a $ref to a component schema"
                )),
            ),
        };
    }
    if status == Status::Code(101) {
        return (BodyKind::Upgrade, None);
    }
    match content.and_then(|content| content.keys().next()) {
        Some(media_type) => (BodyKind::Raw(media_type.clone()), None),
        None => (BodyKind::None, None),
    }
}

/// progenitor's `extract_responses`: the responses of one group, sorted, with
/// a `default` right after a `2XX` dropped.
fn group<'r, 'a>(
    responses: &'r [Response<'a>],
    filter: fn(Status) -> bool,
) -> Vec<&'r Response<'a>> {
    let mut items: Vec<&Response<'a>> = responses.iter().filter(|r| filter(r.status)).collect();
    items.sort_by_key(|r| r.status.order());
    if let [.., second_last, last] = items.as_slice() {
        if second_last.status == Status::Range(2) && last.status == Status::Default {
            items.pop();
        }
    }
    items
}

fn distinct(items: &[&Response<'_>]) -> BTreeSet<BodyKind> {
    items.iter().map(|r| r.kind.clone()).collect()
}

fn listing(items: &[&Response<'_>]) -> String {
    items
        .iter()
        .map(|r| format!("{}: {}", r.key, r.kind))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_success_bodies(
    operation: &Operation<'_>,
    responses: &[Response<'_>],
    problems: &mut Vec<Problem>,
) {
    let items = group(responses, Status::is_success);
    let kinds = distinct(&items);
    if kinds.len() <= 1 {
        return;
    }
    let default_body = items
        .iter()
        .find(|r| r.status == Status::Default && r.kind != BodyKind::None);
    if let (true, Some(default)) = (kinds.contains(&BodyKind::None), default_body) {
        let empty: Vec<&str> = items
            .iter()
            .filter(|r| r.kind == BodyKind::None)
            .map(|r| r.key)
            .collect();
        problems.push(Problem::new(
            Check::EmptySuccessBesideDefault,
            operation.to_string(),
            format!(
                "success response {} has no body beside `default` with body {}; progenitor 0.15 \
                 counts `default` as a success type too and panics on the two types: replace \
                 `default` by 4XX/5XX responses",
                empty.join(", "),
                default.kind
            ),
        ));
        return;
    }
    problems.push(Problem::new(
        Check::SuccessBodyTypes,
        operation.to_string(),
        format!(
            "{} distinct success response body types ({}); progenitor 0.15 allows one and panics \
             otherwise: use one schema for every success response",
            kinds.len(),
            listing(&items)
        ),
    ));
}

fn check_error_bodies(
    operation: &Operation<'_>,
    responses: &[Response<'_>],
    problems: &mut Vec<Problem>,
) {
    let items = group(responses, Status::is_error);
    let kinds = distinct(&items);
    if kinds.len() > 1 {
        problems.push(Problem::new(
            Check::ErrorBodyTypes,
            operation.to_string(),
            format!(
                "{} distinct error response body types ({}); progenitor 0.15 allows one and panics \
                 otherwise: use one error schema for every 4xx/5xx/default response",
                kinds.len(),
                listing(&items)
            ),
        ));
    }
}

fn check_request_body(doc: &Value, operation: &Operation<'_>, problems: &mut Vec<Problem>) {
    let Some(body) = operation
        .operation
        .get("requestBody")
        .and_then(|raw| follow_refs(doc, raw))
    else {
        return;
    };
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return;
    };
    let label = operation.to_string();
    if content.len() > 1 {
        let names: Vec<&str> = content.keys().map(String::as_str).collect();
        problems.push(Problem::new(
            Check::RequestMediaTypes,
            label.clone(),
            format!(
                "request body has {} media types ({}); progenitor 0.15 supports exactly one and panics otherwise",
                names.len(),
                names.join(", ")
            ),
        ));
    }
    for (media_type, media) in content {
        let essence = media_essence(media_type);
        if essence.starts_with("multipart/") {
            problems.push(Problem::new(
                Check::MultipartRequest,
                label.clone(),
                format!("request body media type {media_type} is not supported by progenitor 0.15 (no multipart bodies)"),
            ));
        } else if !REQUEST_MEDIA_TYPES.contains(&essence.as_str()) {
            problems.push(Problem::new(
                Check::RequestMediaType,
                label.clone(),
                format!(
                    "request body media type {media_type} is not supported by progenitor 0.15 (it sends {})",
                    REQUEST_MEDIA_TYPES.join(", ")
                ),
            ));
        } else if media.get("schema").is_none() {
            problems.push(Problem::new(
                Check::RequestMediaType,
                label.clone(),
                format!("request body media type {media_type} has no schema (progenitor 0.15 refuses it)"),
            ));
        }
    }
}

fn check_parameters(doc: &Value, operation: &Operation<'_>, problems: &mut Vec<Problem>) {
    let label = operation.to_string();
    for (at, parameter) in operation.parameters(doc) {
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("?");
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or("?");
        let style = parameter.get("style").and_then(Value::as_str);
        let mut fault = |check, message: String| {
            problems.push(Problem::new(
                check,
                label.clone(),
                format!("parameter '{name}' ({at}) {message}"),
            ));
        };
        if location == "cookie" {
            fault(
                Check::CookieParameter,
                "is a cookie parameter, which progenitor 0.15 refuses".into(),
            );
            continue;
        }
        if style == Some("deepObject") {
            fault(
                Check::DeepObjectParameter,
                "uses style: deepObject, which progenitor 0.15 refuses".into(),
            );
            continue;
        }
        let default_style = match location {
            "query" => "form",
            "path" | "header" => "simple",
            other => {
                fault(
                    Check::Parameter,
                    format!("has `in: {other}`; expected query, path or header"),
                );
                continue;
            }
        };
        if let Some(style) = style.filter(|style| *style != default_style) {
            fault(
                Check::Parameter,
                format!("uses style: {style}; progenitor 0.15 supports only {default_style} for {location} parameters"),
            );
        }
        if parameter.get("schema").is_none() {
            fault(
                Check::Parameter,
                "has no schema (progenitor 0.15 refuses `content` parameters)".into(),
            );
        }
        if location == "path" {
            if parameter.get("required").and_then(Value::as_bool) != Some(true) {
                fault(
                    Check::Parameter,
                    "is a path parameter without `required: true` (progenitor 0.15 asserts on it)"
                        .into(),
                );
            }
            if !operation.path.contains(&format!("{{{name}}}")) {
                fault(
                    Check::Parameter,
                    format!(
                        "is not in the path template {} (progenitor 0.15 panics)",
                        operation.path
                    ),
                );
            }
        }
    }
}
