//! `SchemaValidator`: OpenAPI 3.0 schemas as JSON Schema, and response lookup.

mod common;

use common::{fixture, fixture_path};
use serde_json::{json, Value};
use xtask::{load_document, parse_document, response_schema_ref, SchemaValidator};

const PET: &str = "#/components/schemas/Pet";

fn validator() -> SchemaValidator {
    SchemaValidator::new(&fixture("schemas.yaml"))
}

fn pet() -> Value {
    json!({
        "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "name": "Rex",
        "email": "owner@example.com",
        "born": "2020-02-29",
        "colour": "red",
        "weight": 12.5
    })
}

fn with(field: &str, value: Value) -> Value {
    let mut pet = pet();
    pet[field] = value;
    pet
}

fn errors_for(value: &Value) -> Vec<String> {
    validator().validate(PET, value).unwrap_err()
}

#[test]
fn the_validator_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SchemaValidator>();
}

#[test]
fn a_valid_value_passes() {
    validator().validate(PET, &pet()).unwrap();
}

#[test]
fn nullable_fields_accept_null() {
    let validator = validator();
    validator
        .validate(PET, &with("nickname", Value::Null))
        .unwrap();
    // nullable beside allOf-$ref, drf-spectacular's pattern
    validator
        .validate(PET, &with("favourite_colour", Value::Null))
        .unwrap();
    validator
        .validate(PET, &with("favourite_colour", json!("green")))
        .unwrap();
}

#[test]
fn non_nullable_fields_reject_null() {
    let errors = errors_for(&with("name", Value::Null));
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/name:") && e.contains("null")),
        "{errors:#?}"
    );
    let errors = errors_for(&with("colour", Value::Null));
    assert!(
        errors.iter().any(|e| e.starts_with("/colour:")),
        "{errors:#?}"
    );
}

#[test]
fn missing_required_field_is_rejected() {
    let mut pet = pet();
    pet.as_object_mut().unwrap().remove("email");
    let errors = errors_for(&pet);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("\"email\" is a required property")),
        "{errors:#?}"
    );
}

#[test]
fn unknown_properties_are_accepted() {
    validator()
        .validate(PET, &with("added_by_the_server", json!({"any": ["thing"]})))
        .unwrap();
}

#[test]
fn enum_values_outside_the_list_are_rejected() {
    assert!(!errors_for(&with("colour", json!("blue"))).is_empty());
    assert!(!errors_for(&with("favourite_colour", json!("blue"))).is_empty());
}

#[test]
fn formats_are_validated() {
    for (field, bad) in [
        ("id", "not-a-uuid"),
        ("email", "not-an-email"),
        ("born", "2021-02-29"),
    ] {
        let errors = errors_for(&with(field, json!(bad)));
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("/{field}:"))),
            "{field}: {errors:#?}"
        );
    }
}

#[test]
fn other_keywords_are_converted_or_ignored() {
    // exclusiveMinimum: true (OpenAPI 3.0) excludes the minimum itself.
    assert!(!errors_for(&with("weight", json!(0))).is_empty());
    // maxLength applies to a nullable string.
    assert!(!errors_for(&with("nickname", json!("much too long"))).is_empty());
    // readOnly does not stop validation.
    validator()
        .validate(PET, &with("tags", json!(["a"])))
        .unwrap();
}

#[test]
fn nullable_enums_accept_null() {
    let schema = json!({"type": "string", "enum": ["a"], "nullable": true});
    let validator = validator();
    validator.validate_against(&schema, &Value::Null).unwrap();
    validator.validate_against(&schema, &json!("a")).unwrap();
    assert!(validator.validate_against(&schema, &json!("b")).is_err());
}

#[test]
fn a_schema_without_type_accepts_anything() {
    let validator = validator();
    for value in [
        json!(null),
        json!(true),
        json!(3.5),
        json!("x"),
        json!([]),
        json!({"a": 1}),
    ] {
        validator
            .validate("#/components/schemas/AnyJson", &value)
            .unwrap();
    }
}

#[test]
fn unknown_schema_reference_is_an_error() {
    let errors = validator()
        .validate("#/components/schemas/Nope", &json!({}))
        .unwrap_err();
    assert!(
        errors[0].contains("#/components/schemas/Nope"),
        "{errors:#?}"
    );
}

#[test]
fn inline_schemas_validate_with_references() {
    let schema = json!({"type": "array", "items": {"$ref": PET}});
    let validator = validator();
    validator
        .validate_against(&schema, &json!([pet()]))
        .unwrap();
    assert!(validator.validate_against(&schema, &json!([{}])).is_err());
}

#[test]
fn response_lookup_follows_ranges_refs_and_templates() {
    let doc = fixture("valid.yaml");
    let found = |method: &str, path: &str, status| response_schema_ref(&doc, method, path, status);
    assert_eq!(
        found("GET", "/pets/{id}", 200).unwrap().as_deref(),
        Some(PET)
    );
    // a concrete path matches the template
    assert_eq!(found("get", "/pets/42", 200).unwrap().as_deref(), Some(PET));
    // 404 -> 4XX -> #/components/responses/Error
    assert_eq!(
        found("GET", "/pets/{id}", 404).unwrap().as_deref(),
        Some("#/components/schemas/Error")
    );
    assert!(found("GET", "/pets/{id}", 302)
        .unwrap_err()
        .contains("no response for status 302"));
    assert!(found("POST", "/pets/{id}", 200)
        .unwrap_err()
        .contains("no operation POST"));
}

#[test]
fn response_lookup_handles_default_and_no_body() {
    let doc = fixture("empty_success_beside_default.yaml");
    assert_eq!(
        response_schema_ref(&doc, "DELETE", "/pets/{id}", 204).unwrap(),
        None
    );
    assert_eq!(
        response_schema_ref(&doc, "DELETE", "/pets/{id}", 409)
            .unwrap()
            .as_deref(),
        Some("#/components/schemas/Error")
    );
}

#[test]
fn inline_response_schemas_are_found_by_place() {
    let doc = fixture("inline_response_schema.yaml");
    let schema = response_schema_ref(&doc, "GET", "/pets", 200)
        .unwrap()
        .unwrap();
    assert_eq!(
        schema,
        "#/paths/~1pets/get/responses/200/content/application~1json/schema"
    );
    let validator = SchemaValidator::new(&doc);
    validator.validate(&schema, &json!(["a", "b"])).unwrap();
    assert!(validator
        .validate_response("GET", "/pets", 200, &json!([1]))
        .is_err());
}

#[test]
fn load_document_reads_yaml_and_json() {
    let yaml = fixture("valid.yaml");
    let json_path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("valid.json");
    std::fs::write(&json_path, serde_json::to_string(&yaml).unwrap()).unwrap();
    assert_eq!(load_document(&json_path).unwrap(), yaml);

    // Unquoted status codes are integers in YAML; they become string keys.
    let doc = parse_document("responses:\n  200: {description: ok}\n", false).unwrap();
    assert_eq!(doc["responses"]["200"]["description"], "ok");

    let missing = fixture_path("nope.yaml");
    assert!(load_document(&missing).unwrap_err().contains("nope.yaml"));
}
