//! Converting OpenAPI 3.0 Schema Objects to JSON Schema (draft 2020-12).
//!
//! OpenAPI 3.0 schemas are close to JSON Schema but differ where it matters
//! for validation: `nullable: true` instead of a `null` type, boolean
//! `exclusiveMinimum`/`exclusiveMaximum`, siblings of `$ref` that must be
//! ignored, and OpenAPI-only keywords.

use serde_json::{json, Map, Value};

/// Keywords that only annotate, or only mean something to OpenAPI tools; they
/// are dropped so that no validator interprets them.
const DROPPED: [&str; 8] = [
    "nullable",
    "example",
    "readOnly",
    "writeOnly",
    "discriminator",
    "xml",
    "externalDocs",
    "deprecated",
];

/// Keywords whose value is a map of subschemas.
const SCHEMA_MAPS: [&str; 1] = ["properties"];
/// Keywords whose value is one subschema.
const SCHEMA_VALUES: [&str; 3] = ["items", "additionalProperties", "not"];
/// Keywords whose value is a list of subschemas.
const SCHEMA_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];
/// Keywords that combine subschemas, so a nullable schema using them is
/// wrapped rather than given a `null` type.
const COMBINATORS: [&str; 5] = ["allOf", "anyOf", "oneOf", "not", "$ref"];

/// Converts one OpenAPI 3.0 Schema Object (and its subschemas) to JSON
/// Schema 2020-12. `$ref`s are kept as written, so they resolve against a
/// root that holds the converted `components/schemas`.
pub fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(reference) = map.get("$ref") {
        // OpenAPI 3.0: siblings of `$ref` are ignored.
        return json!({ "$ref": reference });
    }
    let mut out = Map::new();
    for (key, value) in map {
        let key = key.as_str();
        if DROPPED.contains(&key) || key.starts_with("x-") {
            continue;
        }
        let converted = if SCHEMA_MAPS.contains(&key) {
            convert_map(value)
        } else if SCHEMA_VALUES.contains(&key) {
            to_json_schema(value)
        } else if SCHEMA_LISTS.contains(&key) {
            convert_list(value)
        } else {
            value.clone()
        };
        out.insert(key.to_owned(), converted);
    }
    exclusive_bound(&mut out, "exclusiveMinimum", "minimum");
    exclusive_bound(&mut out, "exclusiveMaximum", "maximum");
    if map.get("nullable").and_then(Value::as_bool) == Some(true) {
        make_nullable(out)
    } else {
        Value::Object(out)
    }
}

fn convert_map(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn convert_list(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// OpenAPI 3.0's `exclusiveMinimum: true` + `minimum: n` is JSON Schema's
/// `exclusiveMinimum: n` (the same for maximum).
fn exclusive_bound(out: &mut Map<String, Value>, exclusive: &str, bound: &str) {
    match out.get(exclusive) {
        Some(Value::Bool(true)) => {
            out.remove(exclusive);
            if let Some(limit) = out.remove(bound) {
                out.insert(exclusive.to_owned(), limit);
            }
        }
        Some(Value::Bool(false)) => {
            out.remove(exclusive);
        }
        _ => {}
    }
}

fn make_nullable(mut out: Map<String, Value>) -> Value {
    let combines = COMBINATORS.iter().any(|key| out.contains_key(*key));
    if !combines {
        if let Some(Value::String(kind)) = out.get("type") {
            let kind = kind.clone();
            out.insert("type".to_owned(), json!([kind, "null"]));
            if let Some(Value::Array(values)) = out.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
            return Value::Object(out);
        }
        if !out.contains_key("type") && !out.contains_key("enum") {
            // No type: null is already accepted.
            return Value::Object(out);
        }
    }
    json!({ "anyOf": [{ "type": "null" }, Value::Object(out)] })
}
