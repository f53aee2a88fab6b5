//! The check that every `example` and `examples` entry matches its schema.
//!
//! Examples are read where OpenAPI 3.0 allows them: on media types (request
//! bodies and responses), on parameters and headers, and on schemas (at any
//! depth). Items reached through a `$ref` are checked once, at their
//! component; inline items are checked where they are written, named by the
//! operation that holds them.

use serde_json::Value;

use crate::operations::operations;
use crate::problem::{Check, Problem};
use crate::refs::{escape_token, follow_refs, pointer_ref};
use crate::validate::SchemaValidator;

/// Subschema keywords holding one schema.
const ONE: [&str; 3] = ["items", "additionalProperties", "not"];
/// Subschema keywords holding a list of schemas.
const MANY: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// Validates every example; returns the problems and how many examples were
/// validated.
///
/// When `refs_resolve` is false (the `$ref` check found problems), a schema
/// that does not compile is not reported again here.
pub(crate) fn check_examples(
    doc: &Value,
    validator: &SchemaValidator,
    refs_resolve: bool,
) -> (Vec<Problem>, usize) {
    let mut walker = Walker {
        doc,
        validator,
        refs_resolve,
        problems: Vec::new(),
        count: 0,
    };
    walker.components();
    walker.paths();
    (walker.problems, walker.count)
}

struct Walker<'a> {
    doc: &'a Value,
    validator: &'a SchemaValidator,
    refs_resolve: bool,
    problems: Vec<Problem>,
    count: usize,
}

impl Walker<'_> {
    fn components(&mut self) {
        let Some(components) = self.doc.get("components") else {
            return;
        };
        for kind in [
            "schemas",
            "parameters",
            "headers",
            "requestBodies",
            "responses",
        ] {
            let Some(items) = components.get(kind).and_then(Value::as_object) else {
                continue;
            };
            for (name, item) in items {
                let at = pointer_ref(&["components", kind, name]);
                match kind {
                    "schemas" => self.schema(&at, &at, item),
                    "parameters" | "headers" => self.parameter(&at, &at, item),
                    "requestBodies" => self.content(&at, &at, item),
                    _ => self.response(&at, &at, item),
                }
            }
        }
    }

    fn paths(&mut self) {
        if let Some(paths) = self.doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let at = pointer_ref(&["paths", path]);
                self.parameter_list(&format!("path {path}"), &at, item);
            }
        }
        for operation in operations(self.doc) {
            let location = operation.to_string();
            let at = operation.pointer();
            let op = operation.operation;
            self.parameter_list(&location, &at, op);
            if let Some(body) = op.get("requestBody") {
                self.content(&location, &format!("{at}/requestBody"), body);
            }
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                for (key, response) in responses {
                    let at = format!("{at}/responses/{}", escape_token(key));
                    self.response(&location, &at, response);
                }
            }
        }
    }

    fn parameter_list(&mut self, location: &str, at: &str, holder: &Value) {
        if let Some(list) = holder.get("parameters").and_then(Value::as_array) {
            for (index, parameter) in list.iter().enumerate() {
                self.parameter(location, &format!("{at}/parameters/{index}"), parameter);
            }
        }
    }

    /// A parameter or header: `schema` with `example`/`examples`, or `content`.
    fn parameter(&mut self, location: &str, at: &str, parameter: &Value) {
        if parameter.get("$ref").is_some() {
            return;
        }
        self.media(location, at, parameter);
        self.content(location, at, parameter);
    }

    fn response(&mut self, location: &str, at: &str, response: &Value) {
        if response.get("$ref").is_some() {
            return;
        }
        self.content(location, at, response);
        if let Some(headers) = response.get("headers").and_then(Value::as_object) {
            for (name, header) in headers {
                self.parameter(
                    location,
                    &format!("{at}/headers/{}", escape_token(name)),
                    header,
                );
            }
        }
    }

    /// The media types of a request body, response or parameter.
    fn content(&mut self, location: &str, at: &str, holder: &Value) {
        if holder.get("$ref").is_some() {
            return;
        }
        if let Some(content) = holder.get("content").and_then(Value::as_object) {
            for (media_type, media) in content {
                self.media(
                    location,
                    &format!("{at}/content/{}", escape_token(media_type)),
                    media,
                );
            }
        }
    }

    /// Anything with a `schema` beside `example` and `examples`.
    fn media(&mut self, location: &str, at: &str, media: &Value) {
        let Some(schema) = media.get("schema") else {
            return;
        };
        let against = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference.to_owned(),
            None => format!("the schema at {at}/schema"),
        };
        if let Some(example) = media.get("example") {
            self.validate(
                location,
                format!("example {at}/example"),
                schema,
                &against,
                example,
            );
        }
        if let Some(examples) = media.get("examples").and_then(Value::as_object) {
            for (name, raw) in examples {
                let place = match raw.get("$ref").and_then(Value::as_str) {
                    Some(reference) => reference.to_owned(),
                    None => format!("{at}/examples/{}", escape_token(name)),
                };
                let value = follow_refs(self.doc, raw).and_then(|example| example.get("value"));
                if let Some(value) = value {
                    let what = format!("examples entry '{name}' ({place})");
                    self.validate(location, what, schema, &against, value);
                }
            }
        }
        self.schema(location, &format!("{at}/schema"), schema);
    }

    /// A schema's own `example`, then its subschemas'.
    fn schema(&mut self, location: &str, at: &str, schema: &Value) {
        if !schema.is_object() || schema.get("$ref").is_some() {
            return;
        }
        if let Some(example) = schema.get("example") {
            let against = format!("the schema at {at}");
            self.validate(
                location,
                format!("example {at}/example"),
                schema,
                &against,
                example,
            );
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                self.schema(
                    location,
                    &format!("{at}/properties/{}", escape_token(name)),
                    property,
                );
            }
        }
        for keyword in ONE {
            if let Some(sub) = schema.get(keyword) {
                self.schema(location, &format!("{at}/{keyword}"), sub);
            }
        }
        for keyword in MANY {
            if let Some(list) = schema.get(keyword).and_then(Value::as_array) {
                for (index, sub) in list.iter().enumerate() {
                    self.schema(location, &format!("{at}/{keyword}/{index}"), sub);
                }
            }
        }
    }

    fn validate(
        &mut self,
        location: &str,
        what: String,
        schema: &Value,
        against: &str,
        value: &Value,
    ) {
        self.count += 1;
        let message = match self.validator.try_validate_against(schema, value) {
            Ok(Ok(())) => return,
            Ok(Err(errors)) => errors.join("; "),
            Err(_) if !self.refs_resolve => return,
            Err(compile_error) => compile_error,
        };
        self.problems.push(Problem::new(
            Check::Example,
            location,
            format!("{what} does not match {against}: {message}"),
        ));
    }
}
