//! Finding the schema of an operation's response.

use serde_json::Value;

use crate::operations::find_operation;
use crate::refs::{escape_token, pointer_ref, resolve_ref};

/// Finds the schema an operation's response body must match.
///
/// `method` is any case; `path` is a template as in the document or a
/// concrete request path. The response is chosen as OpenAPI says: the exact
/// status code, else its range (`2XX`, any case), else `default`; a `$ref` to
/// `#/components/responses/...` is followed. Of its media types,
/// `application/json` (with or without parameters) is preferred, then any
/// `+json` type.
///
/// Returns `Ok(Some(reference))` with the body's schema reference (its
/// `$ref`, or the `#/...` place of an inline schema), `Ok(None)` when the
/// response has no JSON body, and `Err` when the document has no such
/// operation or response.
pub fn response_schema_ref(
    doc: &Value,
    method: &str,
    path: &str,
    status: u16,
) -> Result<Option<String>, String> {
    let operation = find_operation(doc, method, path).ok_or_else(|| {
        format!(
            "the document has no operation {} {path}",
            method.to_ascii_uppercase()
        )
    })?;
    let responses = operation
        .operation
        .get("responses")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{operation} has no responses"))?;
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    let key = responses
        .keys()
        .find(|key| **key == exact)
        .or_else(|| {
            responses
                .keys()
                .find(|key| key.eq_ignore_ascii_case(&range))
        })
        .or_else(|| responses.keys().find(|key| *key == "default"))
        .ok_or_else(|| format!("{operation} declares no response for status {status}"))?;

    // Follow the response's `$ref`s, remembering where the response lives.
    let mut base = pointer_ref(&["paths", operation.path, operation.method, "responses", key]);
    let mut response = &responses[key];
    for _ in 0..32 {
        let Some(reference) = response.get("$ref").and_then(Value::as_str) else {
            break;
        };
        response = resolve_ref(doc, reference)
            .ok_or_else(|| format!("{operation}: response $ref '{reference}' does not resolve"))?;
        base = reference.to_owned();
    }

    let Some((media_type, media)) = json_media_type(response) else {
        return Ok(None);
    };
    let Some(schema) = media.get("schema") else {
        return Ok(None);
    };
    Ok(Some(match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference.to_owned(),
        None => format!("{base}/content/{}/schema", escape_token(media_type)),
    }))
}

/// The JSON media type of a response or request body, if it has one:
/// `application/json` (possibly with parameters) first, then `*+json`.
pub(crate) fn json_media_type(holder: &Value) -> Option<(&str, &Value)> {
    let content = holder.get("content")?.as_object()?;
    content
        .iter()
        .find(|(name, _)| is_json(name))
        .or_else(|| {
            content
                .iter()
                .find(|(name, _)| media_essence(name).ends_with("+json"))
        })
        .map(|(name, media)| (name.as_str(), media))
}

/// Whether a media type is `application/json` as progenitor decodes it.
pub(crate) fn is_json(media_type: &str) -> bool {
    media_essence(media_type) == "application/json"
}

/// The media type without parameters, lower case trimmed.
pub(crate) fn media_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}
