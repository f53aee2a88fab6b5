//! The comparable model of a schema ([`Shape`]) and of an operation
//! ([`OperationModel`]), read from OpenAPI 3.0 or 3.1 alike.
//!
//! Everything that says the same thing in different words is normalised
//! here, so that the comparison only sees real differences:
//!
//! - `$ref`s are followed (with their siblings laid over the target, as 3.1
//!   reads them), as are `allOf` members;
//! - nullability written as 3.0 `nullable: true`, 3.1 `type: [X, "null"]`,
//!   an `anyOf`/`oneOf` alternative `{type: "null"}`, or drf-spectacular's
//!   `oneOf: [$ref Enum, $ref NullEnum]` (`enum: [null]`) all become
//!   [`Shape::nullable`], with the null left out of the type and the enum;
//! - annotations (`description`, `title`, `example`, `examples`, `default`,
//!   extensions) are dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::operations::Operation;
use crate::refs::{follow_refs, resolve_ref};
use crate::responses::json_media_type;

/// How deep schemas nest (through properties, items and `$ref`s) before the
/// walk stops; real documents stay far below it.
const MAX_DEPTH: usize = 64;

/// A schema reduced to what `spec drift` compares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    /// The JSON types the value may have, without `null`; empty when the
    /// schema does not say.
    pub types: BTreeSet<String>,
    /// The `format`, if any.
    pub format: Option<String>,
    /// Whether `null` is accepted, however the document says so.
    pub nullable: bool,
    /// The allowed values (null left out, rendered as text, sorted), if the
    /// schema is an enum.
    pub enumeration: Option<Vec<String>>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// An array's `minItems`.
    pub min_items: Option<u64>,
    /// The object's properties, by name.
    pub properties: BTreeMap<String, Property>,
    /// The array's item schema.
    pub items: Option<Box<Shape>>,
    /// `readOnly: true`: only in responses.
    pub read_only: bool,
    /// `writeOnly: true`: only in requests.
    pub write_only: bool,
}

/// One property of an object schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Property {
    /// Whether the object's `required` list names it.
    pub required: bool,
    /// Its schema.
    pub shape: Shape,
}

/// Which way a body travels; it decides which properties exist at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A request body: `readOnly` properties are not sent.
    Request,
    /// A response body: `writeOnly` properties are not returned.
    Response,
}

impl Direction {
    /// Whether a property with this shape takes part in this direction.
    pub fn includes(self, shape: &Shape) -> bool {
        match self {
            Direction::Request => !shape.read_only,
            Direction::Response => !shape.write_only,
        }
    }
}

impl Shape {
    /// Whether the shape says nothing but "null" (`{type: "null"}`,
    /// `{enum: [null]}`): an alternative that only makes its parent nullable.
    fn is_null_only(&self) -> bool {
        self.nullable
            && self.types.is_empty()
            && self.enumeration.is_none()
            && self.properties.is_empty()
            && self.items.is_none()
    }

    /// A short description for a report: `string (uuid), nullable`,
    /// `array of string (email)`, `object`, `any`.
    pub fn summary(&self) -> String {
        let mut text = self.type_text();
        if let Some(format) = &self.format {
            text.push_str(&format!(" ({format})"));
        }
        if let Some(items) = &self.items {
            text.push_str(&format!(" of {}", items.summary()));
        }
        if let Some(values) = &self.enumeration {
            text.push_str(&format!(" enum {}", enum_list(values)));
        }
        if let Some(min) = self.min_length {
            text.push_str(&format!(", minLength {min}"));
        }
        if let Some(max) = self.max_length {
            text.push_str(&format!(", maxLength {max}"));
        }
        if let Some(min) = self.min_items {
            text.push_str(&format!(", minItems {min}"));
        }
        if self.nullable {
            text.push_str(", nullable");
        }
        text
    }

    /// The types as text: `string`, `integer|string`, or `any`.
    pub fn type_text(&self) -> String {
        if self.types.is_empty() {
            "any".to_owned()
        } else {
            self.types.iter().cloned().collect::<Vec<_>>().join("|")
        }
    }

    /// Lays `other` over `self` as an `allOf` member or a `$ref` sibling
    /// would: what either says holds. Where both say something different
    /// about one keyword, `self` wins (it is the more specific schema).
    fn merge(&mut self, other: Shape) {
        if self.types.is_empty() {
            self.types = other.types;
        } else if !other.types.is_empty() {
            let common: BTreeSet<String> = self.types.intersection(&other.types).cloned().collect();
            if !common.is_empty() {
                self.types = common;
            }
        }
        self.format = self.format.take().or(other.format);
        self.nullable |= other.nullable;
        self.enumeration = self.enumeration.take().or(other.enumeration);
        self.min_length = self.min_length.or(other.min_length);
        self.max_length = self.max_length.or(other.max_length);
        self.min_items = self.min_items.or(other.min_items);
        for (name, property) in other.properties {
            match self.properties.get_mut(&name) {
                Some(existing) => {
                    existing.required |= property.required;
                    existing.shape.merge(property.shape);
                }
                None => {
                    self.properties.insert(name, property);
                }
            }
        }
        self.items = match (self.items.take(), other.items) {
            (Some(mut mine), Some(theirs)) => {
                mine.merge(*theirs);
                Some(mine)
            }
            (mine, theirs) => mine.or(theirs),
        };
        self.read_only |= other.read_only;
        self.write_only |= other.write_only;
    }

    /// Joins the non-null alternatives of a `oneOf`/`anyOf`: the value may
    /// be any of them.
    fn union(&mut self, other: Shape) {
        let any_type = self.types.is_empty() || other.types.is_empty();
        self.types.extend(other.types);
        if any_type {
            self.types.clear();
        }
        if self.format != other.format {
            self.format = None;
        }
        self.nullable |= other.nullable;
        self.enumeration = match (self.enumeration.take(), other.enumeration) {
            (Some(mut mine), Some(theirs)) => {
                mine.extend(theirs);
                mine.sort();
                mine.dedup();
                Some(mine)
            }
            _ => None,
        };
        self.min_length = self.min_length.min(other.min_length);
        self.max_length = match (self.max_length, other.max_length) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        self.min_items = self.min_items.min(other.min_items);
        for (name, property) in other.properties {
            self.properties.entry(name).or_insert(property);
        }
        self.items = self.items.take().or(other.items);
        self.read_only &= other.read_only;
        self.write_only &= other.write_only;
    }
}

/// Reads schemas of one document into [`Shape`]s.
pub struct Normaliser<'a> {
    doc: &'a Value,
    /// The `$ref`s being expanded, to cut recursive schemas.
    expanding: Vec<String>,
}

impl<'a> Normaliser<'a> {
    /// A normaliser resolving `$ref`s against `doc`.
    pub fn new(doc: &'a Value) -> Self {
        Self {
            doc,
            expanding: Vec::new(),
        }
    }

    /// The shape of one schema. Fails on a `$ref` that does not resolve.
    /// A recursive schema is expanded once; its inner repetition is an
    /// empty shape (on both sides alike).
    pub fn shape(&mut self, schema: &Value) -> Result<Shape, String> {
        self.shape_at(schema, 0)
    }

    fn shape_at(&mut self, schema: &Value, depth: usize) -> Result<Shape, String> {
        let Value::Object(map) = schema else {
            // `true`, `{}` and anything malformed accept any value.
            return Ok(Shape::default());
        };
        if depth > MAX_DEPTH {
            return Ok(Shape::default());
        }
        // The target of a `$ref` (empty when the reference recurses).
        let mut referenced = Shape::default();
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            if !self.expanding.iter().any(|r| r == reference) {
                let target = resolve_ref(self.doc, reference)
                    .ok_or_else(|| format!("$ref '{reference}' does not resolve"))?;
                self.expanding.push(reference.to_owned());
                let resolved = self.shape_at(target, depth + 1);
                self.expanding.pop();
                referenced = resolved?;
            }
        }

        let mut own = self.own_keywords(map, depth)?;
        if let Some(members) = map.get("allOf").and_then(Value::as_array) {
            for member in members {
                let member = self.shape_at(member, depth + 1)?;
                own.merge(member);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = map.get(key).and_then(Value::as_array) {
                if let Some(joined) = self.alternatives(alternatives, depth)? {
                    own.merge(joined);
                }
            }
        }
        // The schema's own keywords (the siblings of a `$ref`) are the more
        // specific: they go first.
        own.merge(referenced);
        Ok(own)
    }

    /// The `oneOf`/`anyOf` alternatives as one shape: null alternatives
    /// make it nullable, the others are joined.
    fn alternatives(
        &mut self,
        alternatives: &[Value],
        depth: usize,
    ) -> Result<Option<Shape>, String> {
        let mut nullable = false;
        let mut joined: Option<Shape> = None;
        for alternative in alternatives {
            let shape = self.shape_at(alternative, depth + 1)?;
            if shape.is_null_only() {
                nullable = true;
                continue;
            }
            match joined.as_mut() {
                Some(existing) => existing.union(shape),
                None => joined = Some(shape),
            }
        }
        let mut joined = joined.unwrap_or_default();
        joined.nullable |= nullable;
        Ok((!alternatives.is_empty()).then_some(joined))
    }

    /// The keywords written on this schema object itself.
    fn own_keywords(
        &mut self,
        map: &serde_json::Map<String, Value>,
        depth: usize,
    ) -> Result<Shape, String> {
        let mut shape = Shape::default();
        match map.get("type") {
            Some(Value::String(kind)) => add_type(&mut shape, kind),
            Some(Value::Array(kinds)) => {
                for kind in kinds.iter().filter_map(Value::as_str) {
                    add_type(&mut shape, kind);
                }
            }
            _ => {}
        }
        if map.get("nullable").and_then(Value::as_bool) == Some(true) {
            shape.nullable = true;
        }
        shape.format = map.get("format").and_then(Value::as_str).map(str::to_owned);
        let values = match (map.get("enum"), map.get("const")) {
            (Some(Value::Array(values)), _) => Some(values.clone()),
            (None, Some(value)) => Some(vec![value.clone()]),
            _ => None,
        };
        if let Some(values) = values {
            let mut texts = Vec::new();
            for value in values {
                match value {
                    Value::Null => shape.nullable = true,
                    Value::String(text) => texts.push(text),
                    other => texts.push(other.to_string()),
                }
            }
            texts.sort();
            texts.dedup();
            if !texts.is_empty() {
                shape.enumeration = Some(texts);
            }
        }
        shape.min_length = map.get("minLength").and_then(Value::as_u64);
        shape.max_length = map.get("maxLength").and_then(Value::as_u64);
        shape.min_items = map.get("minItems").and_then(Value::as_u64);
        shape.read_only = map.get("readOnly").and_then(Value::as_bool) == Some(true);
        shape.write_only = map.get("writeOnly").and_then(Value::as_bool) == Some(true);

        let required: BTreeSet<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(properties) = map.get("properties").and_then(Value::as_object) {
            for (name, schema) in properties {
                let property = Property {
                    required: required.contains(name.as_str()),
                    shape: self.shape_at(schema, depth + 1)?,
                };
                shape.properties.insert(name.clone(), property);
            }
        }
        // `required` may name properties that only an `allOf` member defines.
        for name in required {
            shape
                .properties
                .entry(name.to_owned())
                .or_default()
                .required = true;
        }
        if let Some(items) = map.get("items").filter(|items| items.is_object()) {
            shape.items = Some(Box::new(self.shape_at(items, depth + 1)?));
        }
        Ok(shape)
    }
}

/// Enum values as `[a, b, c]`, the list cut after a few values.
pub fn enum_list(values: &[String]) -> String {
    const SHOWN: usize = 8;
    if values.len() <= SHOWN {
        format!("[{}]", values.join(", "))
    } else {
        format!(
            "[{}, ... ({} values)]",
            values[..SHOWN].join(", "),
            values.len()
        )
    }
}

fn add_type(shape: &mut Shape, kind: &str) {
    if kind == "null" {
        shape.nullable = true;
    } else {
        shape.types.insert(kind.to_owned());
    }
}

/// One query parameter, as compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParameter {
    /// `required: true`.
    pub required: bool,
    /// Its schema (or the schema of its one `content` media type).
    pub shape: Shape,
}

/// What `spec drift` compares of one operation.
#[derive(Debug, Clone)]
pub struct OperationModel {
    /// The query parameters, by name.
    pub query: BTreeMap<String, QueryParameter>,
    /// The JSON request body's schema; `None` when there is no JSON body.
    pub request: Option<Shape>,
    /// The success responses (status `2..`), by status key as written
    /// (`200`, `2XX`), each with its JSON body's schema if it has one.
    pub responses: BTreeMap<String, Option<Shape>>,
}

impl OperationModel {
    /// Reads the model of `operation` of `doc`.
    pub fn read(doc: &Value, operation: &Operation<'_>) -> Result<Self, String> {
        let mut normaliser = Normaliser::new(doc);
        let mut query = BTreeMap::new();
        for (_, parameter) in operation.parameters(doc) {
            if parameter.get("in").and_then(Value::as_str) != Some("query") {
                continue;
            }
            let Some(name) = parameter.get("name").and_then(Value::as_str) else {
                continue;
            };
            let schema = parameter.get("schema").or_else(|| {
                parameter
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|content| content.values().next())
                    .and_then(|media| media.get("schema"))
            });
            let shape = match schema {
                Some(schema) => normaliser
                    .shape(schema)
                    .map_err(|e| format!("query parameter '{name}': {e}"))?,
                None => Shape::default(),
            };
            let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
            query.insert(name.to_owned(), QueryParameter { required, shape });
        }

        let request = match operation.operation.get("requestBody") {
            Some(body) => {
                let body =
                    follow_refs(doc, body).ok_or("the request body's $ref does not resolve")?;
                body_shape(&mut normaliser, body).map_err(|e| format!("request body: {e}"))?
            }
            None => None,
        };

        let mut responses = BTreeMap::new();
        if let Some(all) = operation
            .operation
            .get("responses")
            .and_then(Value::as_object)
        {
            for (status, response) in all {
                if !status.starts_with('2') {
                    continue;
                }
                let response = follow_refs(doc, response)
                    .ok_or_else(|| format!("response {status}: its $ref does not resolve"))?;
                let shape = body_shape(&mut normaliser, response)
                    .map_err(|e| format!("response {status}: {e}"))?;
                responses.insert(status.clone(), shape);
            }
        }
        Ok(Self {
            query,
            request,
            responses,
        })
    }
}

/// The shape of the JSON body of a request body or response object.
fn body_shape(normaliser: &mut Normaliser<'_>, holder: &Value) -> Result<Option<Shape>, String> {
    match json_media_type(holder).and_then(|(_, media)| media.get("schema")) {
        Some(schema) => normaliser.shape(schema).map(Some),
        None => Ok(None),
    }
}
