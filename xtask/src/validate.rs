//! Validating JSON values against the schemas of an OpenAPI document.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use jsonschema::{Draft, Validator};
use serde_json::{json, Map, Value};

use crate::refs::resolve_ref;
use crate::responses::response_schema_ref;
use crate::schema::to_json_schema;

/// Where component schemas live, in the document and in the validation root.
const COMPONENT_SCHEMAS: &str = "#/components/schemas/";

/// Validates JSON values against the schemas of one OpenAPI 3.0 document.
///
/// Schemas are converted to JSON Schema 2020-12 (see [`crate::to_json_schema`])
/// and compiled with format validation on, so `uuid`, `email`, `date`,
/// `date-time` and `uri` are checked; unknown formats (`int64`, `double`)
/// are ignored. Properties a schema does not list are accepted, as a client
/// must accept fields a server adds.
pub struct SchemaValidator {
    document: Value,
    /// The converted `components`, `{"schemas": {...}}`, embedded in every
    /// compiled root so that `#/components/schemas/...` resolves.
    components: Value,
    compiled: Mutex<HashMap<String, Arc<Validator>>>,
}

impl SchemaValidator {
    /// Builds a validator for the schemas of `document` (an OpenAPI document
    /// as loaded by [`crate::load_document`]).
    pub fn new(document: &Value) -> Self {
        let schemas: Map<String, Value> = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .iter()
                    .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            document: document.clone(),
            components: json!({ "schemas": schemas }),
            compiled: Mutex::new(HashMap::new()),
        }
    }

    /// The document the validator was built from.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Validates `value` against the schema at `schema_ref`, a reference into
    /// the document such as `#/components/schemas/ProviderListingPage` (or the
    /// `#/paths/...` place of an inline schema).
    ///
    /// On failure, returns one message per violation, each starting with the
    /// JSON pointer of the offending part of `value` (`(root)` for the whole).
    pub fn validate(&self, schema_ref: &str, value: &Value) -> Result<(), Vec<String>> {
        let Some(schema) = resolve_ref(&self.document, schema_ref) else {
            return Err(vec![format!("schema {schema_ref} is not in the document")]);
        };
        if !schema_ref.starts_with(COMPONENT_SCHEMAS) {
            return self.validate_against(schema, value);
        }
        let validator = self.compiled_ref(schema_ref)?;
        collect_errors(&validator, value)
    }

    /// Validates `value` against an OpenAPI Schema Object (inline or a
    /// `$ref`), whose references resolve against the document's component
    /// schemas.
    pub fn validate_against(&self, schema: &Value, value: &Value) -> Result<(), Vec<String>> {
        self.try_validate_against(schema, value)
            .unwrap_or_else(|compile_error| Err(vec![compile_error]))
    }

    /// Like [`Self::validate_against`], but tells a schema that does not
    /// compile (the outer `Err`) from a value that does not validate.
    pub(crate) fn try_validate_against(
        &self,
        schema: &Value,
        value: &Value,
    ) -> Result<Result<(), Vec<String>>, String> {
        let validator = self.compile(schema)?;
        Ok(collect_errors(&validator, value))
    }

    /// Validates `body` as the response to `method` `path` with `status`,
    /// against the JSON schema the document declares for it (see
    /// [`crate::response_schema_ref`]). `path` may be a template or a
    /// concrete request path.
    pub fn validate_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), Vec<String>> {
        match response_schema_ref(&self.document, method, path, status) {
            Ok(Some(schema_ref)) => self.validate(&schema_ref, body),
            Ok(None) => Err(vec![format!(
                "{} {path} declares no JSON body for status {status}",
                method.to_ascii_uppercase()
            )]),
            Err(message) => Err(vec![message]),
        }
    }

    fn compiled_ref(&self, schema_ref: &str) -> Result<Arc<Validator>, Vec<String>> {
        let mut cache = self.compiled.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(validator) = cache.get(schema_ref) {
            return Ok(Arc::clone(validator));
        }
        let validator = Arc::new(
            self.compile(&json!({ "$ref": schema_ref }))
                .map_err(|err| vec![err])?,
        );
        cache.insert(schema_ref.to_owned(), Arc::clone(&validator));
        Ok(validator)
    }

    fn compile(&self, schema: &Value) -> Result<Validator, String> {
        let root = json!({
            "allOf": [to_json_schema(schema)],
            "components": self.components,
        });
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|err| format!("schema does not compile: {err}"))
    }
}

fn collect_errors(validator: &Validator, value: &Value) -> Result<(), Vec<String>> {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|err| {
            let at = err.instance_path().as_str();
            let at = if at.is_empty() { "(root)" } else { at };
            format!("{at}: {err}")
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
