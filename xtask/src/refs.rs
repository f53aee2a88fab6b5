//! `$ref` resolution inside one document, and the check that every `$ref`
//! resolves.

use serde_json::Value;

use crate::operations::describe_location;
use crate::problem::{Check, Problem};

/// How many `$ref` hops [`follow_refs`] takes before giving up on a cycle.
const MAX_HOPS: usize = 32;

/// Resolves a local reference such as `#/components/schemas/Pet` to the value
/// it points at.
///
/// Returns `None` for a reference outside the document (anything not starting
/// with `#`) and for a pointer that leads nowhere. Percent-escapes and the
/// JSON pointer escapes `~0` and `~1` are honoured.
pub fn resolve_ref<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    let pointer = percent_decode(fragment)?;
    if pointer.is_empty() {
        return Some(doc);
    }
    doc.pointer(&pointer)
}

/// Follows `$ref`s from `value` until it reaches a value that is not a
/// reference. Returns `None` when a reference does not resolve or the chain
/// is a cycle.
pub fn follow_refs<'a>(doc: &'a Value, value: &'a Value) -> Option<&'a Value> {
    let mut current = value;
    for _ in 0..MAX_HOPS {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) => current = resolve_ref(doc, reference)?,
            None => return Some(current),
        }
    }
    None
}

/// Escapes one token of a JSON pointer (`~` and `/`), and `%` so that the
/// pointer survives [`resolve_ref`]'s percent-decoding.
pub(crate) fn escape_token(token: &str) -> String {
    token
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('%', "%25")
}

/// Builds a `#/...` reference from pointer tokens.
pub(crate) fn pointer_ref<S: AsRef<str>>(tokens: &[S]) -> String {
    let mut out = String::from("#");
    for token in tokens {
        out.push('/');
        out.push_str(&escape_token(token.as_ref()));
    }
    out
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Reports every `$ref` in the document that is external or does not resolve.
pub(crate) fn check_refs(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut path = Vec::new();
    walk(doc, doc, &mut path, &mut problems);
    problems
}

fn walk(doc: &Value, value: &Value, path: &mut Vec<String>, problems: &mut Vec<Problem>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                if let Some(message) = ref_problem(doc, reference) {
                    let at = pointer_ref(path);
                    problems.push(Problem::new(
                        Check::UnresolvedRef,
                        describe_location(doc, path),
                        format!("$ref '{reference}' at {at} {message}"),
                    ));
                }
            }
            for (key, child) in map {
                if is_data(path, key) {
                    continue;
                }
                path.push(key.clone());
                walk(doc, child, path, problems);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(index.to_string());
                walk(doc, child, path, problems);
                path.pop();
            }
        }
        _ => {}
    }
}

fn ref_problem(doc: &Value, reference: &str) -> Option<&'static str> {
    if !reference.starts_with('#') {
        Some("points outside the document (progenitor only reads local references)")
    } else if resolve_ref(doc, reference).is_none() {
        Some("does not resolve")
    } else {
        None
    }
}

/// Whether `key` under `path` holds data (examples, defaults, enum values,
/// extensions) rather than OpenAPI structure, so a `$ref` key inside it is not
/// a reference.
fn is_data(path: &[String], key: &str) -> bool {
    if path.last().is_some_and(|parent| parent == "properties") {
        return false; // a property that happens to be named like a keyword
    }
    if key.starts_with("x-") || matches!(key, "example" | "default" | "enum") {
        return true;
    }
    // The `value` of an Example Object: `.../examples/<name>/value`.
    key == "value" && path.len() >= 2 && path[path.len() - 2] == "examples"
}
