//! `check_spec`: every check on a document, and the document-level ones
//! (version, operation ids, descriptions).

use std::collections::HashMap;

use serde_json::Value;

use crate::examples::check_examples;
use crate::operations::operations;
use crate::problem::{Check, Problem};
use crate::refs::check_refs;
use crate::shapes::check_shapes;
use crate::validate::SchemaValidator;

/// The outcome of checking a document.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Everything wrong, in check order; empty when the document passes.
    pub problems: Vec<Problem>,
    /// How many operations the document has.
    pub operations: usize,
    /// How many component schemas the document has.
    pub schemas: usize,
    /// How many `example`/`examples` values were validated.
    pub examples: usize,
}

impl Report {
    /// Whether the document passed every check.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks an OpenAPI document (as loaded by [`crate::load_document`]) and
/// returns every problem found; an empty list means progenitor can take it.
pub fn check_spec(doc: &Value) -> Vec<Problem> {
    check_spec_report(doc).problems
}

/// Like [`check_spec`], with counts of what was checked.
pub fn check_spec_report(doc: &Value) -> Report {
    let mut problems = Vec::new();
    if !doc.is_object() {
        problems.push(Problem::new(
            Check::OpenApiVersion,
            "document",
            "the document is not a mapping",
        ));
        return Report {
            problems,
            ..Report::default()
        };
    }
    problems.extend(check_version(doc));
    problems.extend(check_operation_ids(doc));
    problems.extend(check_descriptions(doc));
    let ref_problems = check_refs(doc);
    let refs_resolve = ref_problems.is_empty();
    problems.extend(ref_problems);
    problems.extend(check_shapes(doc));
    let validator = SchemaValidator::new(doc);
    let (example_problems, examples) = check_examples(doc, &validator, refs_resolve);
    problems.extend(example_problems);
    Report {
        problems,
        operations: operations(doc).len(),
        schemas: doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map_or(0, |schemas| schemas.len()),
        examples,
    }
}

fn check_version(doc: &Value) -> Option<Problem> {
    let message = match doc.get("openapi") {
        Some(Value::String(version)) if version.starts_with("3.0.") => return None,
        Some(Value::String(version)) => format!(
            "openapi is '{version}'; progenitor 0.15 reads only OpenAPI 3.0.x (`openapi` must start with `3.0.`)"
        ),
        Some(other) => format!("openapi is {other}, not a string starting with `3.0.`"),
        None => "the document has no `openapi` field (expected 3.0.x)".to_owned(),
    };
    Some(Problem::new(Check::OpenApiVersion, "document", message))
}

fn check_operation_ids(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, String> = HashMap::new();
    for operation in operations(doc) {
        let Some(id) = operation.operation_id.filter(|id| !id.trim().is_empty()) else {
            problems.push(Problem::new(
                Check::MissingOperationId,
                operation.to_string(),
                "has no operationId; progenitor 0.15 needs one on every operation to name its method",
            ));
            continue;
        };
        match seen.get(id) {
            Some(first) => problems.push(Problem::new(
                Check::DuplicateOperationId,
                operation.to_string(),
                format!(
                    "operationId '{id}' is already used by {first}; operationIds must be unique"
                ),
            )),
            None => {
                seen.insert(id, operation.to_string());
            }
        }
    }
    problems
}

fn check_descriptions(doc: &Value) -> Vec<Problem> {
    operations(doc)
        .into_iter()
        .filter(|operation| {
            operation
                .operation
                .get("description")
                .and_then(Value::as_str)
                .is_none_or(|text| text.trim().is_empty())
        })
        .map(|operation| {
            Problem::new(
                Check::MissingDescription,
                operation.to_string(),
                "has no description (it becomes the generated method's doc comment; a summary alone is not enough)",
            )
        })
        .collect()
}
