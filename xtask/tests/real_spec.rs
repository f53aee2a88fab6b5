//! The workspace's real spec passes every check, and its responses can be
//! looked up and validated the way a conformance test will.

mod common;

use common::real_spec;
use serde_json::json;
use xtask::{check_spec_report, operations, response_schema_ref, SchemaValidator};

#[test]
fn real_spec_passes_with_zero_problems() {
    let report = check_spec_report(&real_spec());
    let messages: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(messages.is_empty(), "{messages:#?}");
    assert!(report.operations > 0);
    assert!(report.schemas > 0);
    assert!(report.examples > 0);
}

#[test]
fn every_real_operation_has_success_and_error_schemas() {
    let doc = real_spec();
    for operation in operations(&doc) {
        for status in [200, 201, 400, 404, 500, 503] {
            // Not every operation declares every status (201 vs 200).
            if let Ok(found) = response_schema_ref(&doc, operation.method, operation.path, status) {
                let schema = found.unwrap_or_else(|| panic!("{operation} {status}: no JSON body"));
                assert!(
                    schema.starts_with("#/components/schemas/"),
                    "{operation} {status}: {schema}"
                );
            }
        }
        let error = response_schema_ref(&doc, operation.method, operation.path, 418).unwrap();
        assert_eq!(
            error.as_deref(),
            Some("#/components/schemas/ErrorBody"),
            "{operation}"
        );
    }
}

#[test]
fn a_provider_page_validates_as_the_list_response() {
    let doc = real_spec();
    let validator = SchemaValidator::new(&doc);
    let page = json!({
        "count": 1,
        "next": null,
        "previous": null,
        "results": [{
            "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "email": "jane.doe@example.com",
            "first_name": null,
            "npi": null,
            "full_name": "Jane Doe",
            "provider_profile_id": null,
            "profile_completeness_percentage": 0,
            "a_field_the_server_added": [1, 2, 3]
        }]
    });
    validator
        .validate_response("GET", "/api/v1/users/providers-list/", 200, &page)
        .unwrap();

    let mut bad = page.clone();
    bad["results"][0]["email"] = json!(null);
    let errors = validator
        .validate_response("get", "/api/v1/users/providers-list/", 200, &bad)
        .unwrap_err();
    assert!(
        errors.iter().any(|e| e.starts_with("/results/0/email:")),
        "{errors:#?}"
    );
}

#[test]
fn error_body_accepts_any_json() {
    let validator = SchemaValidator::new(&real_spec());
    for body in [
        json!(null),
        json!(1),
        json!("x"),
        json!([{"email": ["bad"]}]),
        json!({"detail": "no"}),
    ] {
        validator
            .validate("#/components/schemas/ErrorBody", &body)
            .unwrap();
        validator
            .validate_response("POST", "/api/v1/users/invite-providers/", 400, &body)
            .unwrap();
    }
}
