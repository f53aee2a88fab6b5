//! Comparing our operations with the upstream document's: the list of
//! [`Difference`]s.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

use super::model::{enum_list, Direction, OperationModel, Shape};
use crate::operations::{operations, Operation};

/// What kind of difference was found. Its text form (`missing-upstream`,
/// `maxLength`, ...) is what `spec/divergences.yaml` names in `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Upstream has no operation with our method and path.
    OperationMissing,
    /// We have it (query parameter, property, body, success status);
    /// upstream does not.
    MissingUpstream,
    /// Upstream has it; we do not.
    MissingHere,
    /// A success response answers with a different status code.
    Status,
    /// Different JSON types.
    Type,
    /// Different `format`.
    Format,
    /// One side accepts null, the other does not.
    Nullable,
    /// Different enum values (or an enum on one side only).
    Enum,
    /// Different `maxLength`.
    MaxLength,
    /// Different `minLength`.
    MinLength,
    /// Different `minItems`.
    MinItems,
    /// Required on one side, optional on the other.
    Required,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 12] = [
        Kind::OperationMissing,
        Kind::MissingUpstream,
        Kind::MissingHere,
        Kind::Status,
        Kind::Type,
        Kind::Format,
        Kind::Nullable,
        Kind::Enum,
        Kind::MaxLength,
        Kind::MinLength,
        Kind::MinItems,
        Kind::Required,
    ];

    /// The name used in reports and in `spec/divergences.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OperationMissing => "operation-missing",
            Kind::MissingUpstream => "missing-upstream",
            Kind::MissingHere => "missing-here",
            Kind::Status => "status",
            Kind::Type => "type",
            Kind::Format => "format",
            Kind::Nullable => "nullable",
            Kind::Enum => "enum",
            Kind::MaxLength => "maxLength",
            Kind::MinLength => "minLength",
            Kind::MinItems => "minItems",
            Kind::Required => "required",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|kind| kind.as_str()).collect();
                format!("unknown kind '{text}' (one of: {})", names.join(", "))
            })
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One way our spec and the upstream document differ.
///
/// As JSON it is an object with `key`, `operation`, `operation_id`,
/// `where`, `kind`, `ours` and `upstream`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The operation as `METHOD /path` (method upper case).
    pub operation: String,
    /// Our `operationId` of it.
    pub operation_id: Option<String>,
    /// Where in the operation: `query.limit`, `request.email`,
    /// `request[].email`, `response.200.results[].npi`; empty for the
    /// whole operation.
    pub location: String,
    /// What differs.
    pub kind: Kind,
    /// What our spec says, in words.
    pub ours: String,
    /// What the upstream document says, in words.
    pub upstream: String,
}

impl Difference {
    /// The stable identity of the difference:
    /// `GET /api/v1/users/providers-list/ query.limit format`.
    pub fn key(&self) -> String {
        difference_key(&self.operation, &self.location, self.kind)
    }
}

impl Serialize for Difference {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Difference", 7)?;
        out.serialize_field("key", &self.key())?;
        out.serialize_field("operation", &self.operation)?;
        out.serialize_field("operation_id", &self.operation_id)?;
        out.serialize_field("where", &self.location)?;
        out.serialize_field("kind", &self.kind)?;
        out.serialize_field("ours", &self.ours)?;
        out.serialize_field("upstream", &self.upstream)?;
        out.end()
    }
}

/// The identity `operation where kind` (`where` left out when empty), shared
/// by [`Difference::key`] and the divergences file's entries.
pub fn difference_key(operation: &str, location: &str, kind: Kind) -> String {
    if location.is_empty() {
        format!("{operation} {kind}")
    } else {
        format!("{operation} {location} {kind}")
    }
}

/// Compares every operation of `ours` with the operation of `upstream` that
/// has the same method and path.
///
/// Both documents are JSON values (OpenAPI 3.0 or 3.1, from YAML or JSON).
/// Fails when a `$ref` on either side does not resolve.
pub fn compare_documents(ours: &Value, upstream: &Value) -> Result<Vec<Difference>, String> {
    let theirs = operations(upstream);
    let mut differences = Vec::new();
    for operation in operations(ours) {
        let name = format!(
            "{} {}",
            operation.method.to_ascii_uppercase(),
            operation.path
        );
        let mut out = Differences {
            operation: &operation,
            name: &name,
            list: &mut differences,
        };
        let Some(counterpart) = theirs
            .iter()
            .find(|op| op.method == operation.method && op.path == operation.path)
        else {
            out.push("", Kind::OperationMissing, "present", "absent");
            continue;
        };
        let mine =
            OperationModel::read(ours, &operation).map_err(|e| format!("our {operation}: {e}"))?;
        let other = OperationModel::read(upstream, counterpart)
            .map_err(|e| format!("upstream {counterpart}: {e}"))?;
        compare_operation(&mine, &other, &mut out);
    }
    Ok(differences)
}

/// Collects the differences of one operation.
struct Differences<'a> {
    operation: &'a Operation<'a>,
    name: &'a str,
    list: &'a mut Vec<Difference>,
}

impl Differences<'_> {
    fn push(
        &mut self,
        location: &str,
        kind: Kind,
        ours: impl Into<String>,
        upstream: impl Into<String>,
    ) {
        self.list.push(Difference {
            operation: self.name.to_owned(),
            operation_id: self.operation.operation_id.map(str::to_owned),
            location: location.to_owned(),
            kind,
            ours: ours.into(),
            upstream: upstream.into(),
        });
    }
}

fn compare_operation(ours: &OperationModel, upstream: &OperationModel, out: &mut Differences<'_>) {
    for (name, parameter) in &ours.query {
        let location = format!("query.{name}");
        match upstream.query.get(name) {
            None => out.push(
                &location,
                Kind::MissingUpstream,
                parameter_summary(&parameter.shape, parameter.required),
                "absent",
            ),
            Some(theirs) => {
                if parameter.required != theirs.required {
                    out.push(
                        &location,
                        Kind::Required,
                        required_text(parameter.required),
                        required_text(theirs.required),
                    );
                }
                compare_shapes(&location, &parameter.shape, &theirs.shape, None, out);
            }
        }
    }
    for (name, parameter) in &upstream.query {
        if !ours.query.contains_key(name) {
            out.push(
                &format!("query.{name}"),
                Kind::MissingHere,
                "absent",
                parameter_summary(&parameter.shape, parameter.required),
            );
        }
    }

    match (&ours.request, &upstream.request) {
        (Some(mine), Some(theirs)) => {
            compare_shapes("request", mine, theirs, Some(Direction::Request), out)
        }
        (Some(mine), None) => out.push(
            "request",
            Kind::MissingUpstream,
            mine.summary(),
            "no JSON request body",
        ),
        (None, Some(theirs)) => out.push(
            "request",
            Kind::MissingHere,
            "no JSON request body",
            theirs.summary(),
        ),
        (None, None) => {}
    }

    compare_responses(ours, upstream, out);
}

/// Pairs our success responses with upstream's: the same status key, else
/// a range (`2XX`) covering the other side's code, else (one left on each
/// side) the remaining ones with a [`Kind::Status`] difference.
fn compare_responses(ours: &OperationModel, upstream: &OperationModel, out: &mut Differences<'_>) {
    let mut unmatched_theirs: Vec<&String> = upstream.responses.keys().collect();
    let mut pairs: Vec<(&String, Option<&String>)> = Vec::new();
    for status in ours.responses.keys() {
        let exact = unmatched_theirs
            .iter()
            .position(|theirs| theirs.eq_ignore_ascii_case(status));
        let covering = || {
            unmatched_theirs
                .iter()
                .position(|theirs| covers(status, theirs) || covers(theirs, status))
        };
        match exact.or_else(covering) {
            Some(index) => {
                let theirs = unmatched_theirs.remove(index);
                if !theirs.eq_ignore_ascii_case(status) {
                    out.push(
                        &format!("response.{status}"),
                        Kind::Status,
                        status.as_str(),
                        theirs.as_str(),
                    );
                }
                pairs.push((status, Some(theirs)));
            }
            None => pairs.push((status, None)),
        }
    }
    // Upstream codes inside a range we already matched are answered too.
    unmatched_theirs.retain(|theirs| {
        !ours
            .responses
            .keys()
            .any(|status| covers(status, theirs) || covers(theirs, status))
    });
    let left_ours: Vec<&String> = pairs
        .iter()
        .filter(|(_, theirs)| theirs.is_none())
        .map(|(status, _)| *status)
        .collect();
    if left_ours.len() == 1 && unmatched_theirs.len() == 1 {
        let theirs = unmatched_theirs.remove(0);
        out.push(
            &format!("response.{}", left_ours[0]),
            Kind::Status,
            left_ours[0].as_str(),
            theirs.as_str(),
        );
        for pair in &mut pairs {
            if pair.0 == left_ours[0] {
                pair.1 = Some(theirs);
            }
        }
    }

    for (status, theirs) in pairs {
        let location = format!("response.{status}");
        let mine = ours.responses.get(status).and_then(Option::as_ref);
        let Some(theirs) = theirs else {
            out.push(
                &location,
                Kind::MissingUpstream,
                mine.map_or_else(|| "no JSON body".to_owned(), Shape::summary),
                format!("no {status} response"),
            );
            continue;
        };
        let other = upstream.responses.get(theirs).and_then(Option::as_ref);
        match (mine, other) {
            (Some(mine), Some(other)) => {
                compare_shapes(&location, mine, other, Some(Direction::Response), out)
            }
            (Some(mine), None) => out.push(
                &location,
                Kind::MissingUpstream,
                mine.summary(),
                "no JSON body",
            ),
            (None, Some(other)) => out.push(
                &location,
                Kind::MissingHere,
                "no JSON body",
                other.summary(),
            ),
            (None, None) => {}
        }
    }
    for theirs in unmatched_theirs {
        let body = upstream
            .responses
            .get(theirs)
            .and_then(Option::as_ref)
            .map_or_else(|| "no JSON body".to_owned(), Shape::summary);
        out.push(
            &format!("response.{theirs}"),
            Kind::MissingHere,
            format!("no {theirs} response"),
            body,
        );
    }
}

/// Whether the status key `range` (`2XX`, any case) covers the code `code`.
fn covers(range: &str, code: &str) -> bool {
    range.len() == 3
        && range[1..].eq_ignore_ascii_case("XX")
        && code.len() == 3
        && code[1..].bytes().all(|b| b.is_ascii_digit())
        && range.as_bytes()[0] == code.as_bytes()[0]
}

/// Compares two shapes found at `location`; `direction` (for bodies)
/// decides which properties take part.
fn compare_shapes(
    location: &str,
    ours: &Shape,
    theirs: &Shape,
    direction: Option<Direction>,
    out: &mut Differences<'_>,
) {
    if ours.types != theirs.types {
        out.push(location, Kind::Type, ours.type_text(), theirs.type_text());
    }
    if ours.format != theirs.format {
        out.push(
            location,
            Kind::Format,
            option_text(&ours.format),
            option_text(&theirs.format),
        );
    }
    if ours.nullable != theirs.nullable {
        out.push(
            location,
            Kind::Nullable,
            nullable_text(ours.nullable),
            nullable_text(theirs.nullable),
        );
    }
    if ours.enumeration != theirs.enumeration {
        let (mine, other) = enum_texts(&ours.enumeration, &theirs.enumeration);
        out.push(location, Kind::Enum, mine, other);
    }
    for (kind, mine, other) in [
        (Kind::MaxLength, ours.max_length, theirs.max_length),
        (Kind::MinLength, ours.min_length, theirs.min_length),
        (Kind::MinItems, ours.min_items, theirs.min_items),
    ] {
        if mine != other {
            out.push(location, kind, option_text(&mine), option_text(&other));
        }
    }

    let takes_part = |shape: &Shape| direction.is_none_or(|direction| direction.includes(shape));
    for (name, property) in ours.properties.iter().filter(|(_, p)| takes_part(&p.shape)) {
        let at = format!("{location}.{name}");
        match theirs.properties.get(name).filter(|p| takes_part(&p.shape)) {
            None => out.push(
                &at,
                Kind::MissingUpstream,
                parameter_summary(&property.shape, property.required),
                "absent",
            ),
            Some(other) => {
                if property.required != other.required {
                    out.push(
                        &at,
                        Kind::Required,
                        required_text(property.required),
                        required_text(other.required),
                    );
                }
                compare_shapes(&at, &property.shape, &other.shape, direction, out);
            }
        }
    }
    for (name, property) in theirs
        .properties
        .iter()
        .filter(|(_, p)| takes_part(&p.shape))
    {
        let ours_has = ours
            .properties
            .get(name)
            .is_some_and(|p| takes_part(&p.shape));
        if !ours_has {
            out.push(
                &format!("{location}.{name}"),
                Kind::MissingHere,
                "absent",
                parameter_summary(&property.shape, property.required),
            );
        }
    }

    if ours.items.is_some() || theirs.items.is_some() {
        let any = Shape::default();
        let mine = ours.items.as_deref().unwrap_or(&any);
        let other = theirs.items.as_deref().unwrap_or(&any);
        compare_shapes(&format!("{location}[]"), mine, other, direction, out);
    }
}

fn parameter_summary(shape: &Shape, required: bool) -> String {
    format!("{}, {}", shape.summary(), required_text(required))
}

fn required_text(required: bool) -> &'static str {
    if required {
        "required"
    } else {
        "optional"
    }
}

fn nullable_text(nullable: bool) -> &'static str {
    if nullable {
        "nullable"
    } else {
        "not nullable"
    }
}

fn option_text<T: fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "none".to_owned(), ToString::to_string)
}

/// Both sides' enum values, each with the values only that side has:
/// `[bird, cat, dog] (only upstream: bird)`.
fn enum_texts(ours: &Option<Vec<String>>, theirs: &Option<Vec<String>>) -> (String, String) {
    let text = |values: &Option<Vec<String>>, other: &Option<Vec<String>>, side: &str| {
        let (Some(values), Some(other)) = (values, other) else {
            return values
                .as_deref()
                .map_or_else(|| "no enum".to_owned(), enum_list);
        };
        let only: Vec<&str> = values
            .iter()
            .filter(|value| !other.contains(value))
            .map(String::as_str)
            .collect();
        if only.is_empty() {
            enum_list(values)
        } else {
            format!("{} (only {side}: {})", enum_list(values), only.join(", "))
        }
    };
    (text(ours, theirs, "ours"), text(theirs, ours, "upstream"))
}
