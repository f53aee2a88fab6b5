//! The operations of a document (method + path + operationId) and how to name
//! a place in the document in a message.

use std::fmt;

use serde_json::Value;

use crate::refs::{follow_refs, pointer_ref};

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the document.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    /// The method as written in the document (lower case).
    pub method: &'a str,
    /// The path template, e.g. `/api/v1/users/{id}/`.
    pub path: &'a str,
    /// The `operationId`, when it is a string.
    pub operation_id: Option<&'a str>,
    /// The path item holding the operation (its `$ref` followed).
    pub path_item: &'a Value,
    /// The operation object.
    pub operation: &'a Value,
}

impl<'a> Operation<'a> {
    /// The operation's place as a `#/paths/...` reference.
    pub fn pointer(&self) -> String {
        pointer_ref(&["paths", self.path, self.method])
    }

    /// The operation's parameters: the path item's, overridden by the
    /// operation's own with the same `name` and `in`, each with its `$ref`
    /// followed. Unresolvable references are left out (the `$ref` check
    /// reports them). Each comes with the place it is written at.
    pub fn parameters(&self, doc: &'a Value) -> Vec<(String, &'a Value)> {
        let mut out: Vec<(String, &'a Value)> = Vec::new();
        let sources = [
            (self.path_item, pointer_ref(&["paths", self.path])),
            (self.operation, self.pointer()),
        ];
        for (holder, base) in sources {
            let Some(list) = holder.get("parameters").and_then(Value::as_array) else {
                continue;
            };
            for (index, raw) in list.iter().enumerate() {
                let Some(parameter) = follow_refs(doc, raw) else {
                    continue;
                };
                let at = match raw.get("$ref").and_then(Value::as_str) {
                    Some(reference) => reference.to_owned(),
                    None => format!("{base}/parameters/{index}"),
                };
                let key = parameter_key(parameter);
                out.retain(|(_, existing)| parameter_key(existing) != key);
                out.push((at, parameter));
            }
        }
        out
    }
}

fn parameter_key(parameter: &Value) -> (Option<&str>, Option<&str>) {
    (
        parameter.get("name").and_then(Value::as_str),
        parameter.get("in").and_then(Value::as_str),
    )
}

impl fmt::Display for Operation<'_> {
    /// `GET /pets (list_pets)`, or `GET /pets (no operationId)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let method = self.method.to_ascii_uppercase();
        match self.operation_id {
            Some(id) => write!(f, "{method} {} ({id})", self.path),
            None => write!(f, "{method} {} (no operationId)", self.path),
        }
    }
}

/// Every operation of the document, in document order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (path, raw_item) in paths {
        let Some(item) = follow_refs(doc, raw_item) else {
            continue;
        };
        for method in METHODS {
            if let Some(operation) = item.get(method).filter(|op| op.is_object()) {
                out.push(Operation {
                    method,
                    path,
                    operation_id: operation.get("operationId").and_then(Value::as_str),
                    path_item: item,
                    operation,
                });
            }
        }
    }
    out
}

/// The operation for `method` (any case) and `path`.
///
/// `path` is either a path template exactly as in the document
/// (`/users/{id}/`) or a concrete request path (`/users/42/`) that matches a
/// template segment by segment.
pub fn find_operation<'a>(doc: &'a Value, method: &str, path: &str) -> Option<Operation<'a>> {
    let method = method.to_ascii_lowercase();
    let candidates: Vec<Operation<'a>> = operations(doc)
        .into_iter()
        .filter(|op| op.method == method)
        .collect();
    candidates
        .iter()
        .find(|op| op.path == path)
        .or_else(|| candidates.iter().find(|op| template_matches(op.path, path)))
        .copied()
}

fn template_matches(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()))
}

/// Names the place at `tokens` (a JSON pointer split in tokens) for a
/// message: the operation it belongs to, the path item, the component, or the
/// pointer itself.
pub(crate) fn describe_location<S: AsRef<str>>(doc: &Value, tokens: &[S]) -> String {
    let tokens: Vec<&str> = tokens.iter().map(AsRef::as_ref).collect();
    match tokens.as_slice() {
        ["paths", path, method, ..] if METHODS.contains(method) => {
            let operation_id = doc
                .get("paths")
                .and_then(|paths| paths.get(*path))
                .and_then(|item| item.get(*method))
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str);
            Operation {
                method,
                path,
                operation_id,
                path_item: &Value::Null,
                operation: &Value::Null,
            }
            .to_string()
        }
        ["paths", path, ..] => format!("path {path}"),
        ["components", kind, name, ..] => pointer_ref(&["components", kind, name]),
        [] => "document".to_owned(),
        _ => pointer_ref(&tokens),
    }
}
