//! `check_spec` on the broken fixtures: each is refused, with a message that
//! names the fault and the operation (or component) at fault.

mod common;

use common::{assert_mentions, fixture, only_problem, only_problem_in};
use serde_json::json;
use xtask::{check_spec, check_spec_report, Check};

#[test]
fn valid_fixture_passes() {
    // 4XX and 5XX share one `$ref`'d response: one error body type.
    let report = check_spec_report(&fixture("valid.yaml"));
    assert!(report.is_ok(), "{:#?}", report.problems);
    assert_eq!(report.operations, 1);
    assert_eq!(report.schemas, 2);
    assert_eq!(report.examples, 1);
}

#[test]
fn refuses_openapi_3_1() {
    let problem = only_problem("openapi_3_1.yaml", Check::OpenApiVersion);
    assert_eq!(problem.location, "document");
    assert_mentions(&problem.message, &["'3.1.0'", "3.0."]);
}

#[test]
fn refuses_missing_openapi_field() {
    let problems = check_spec(&json!({"info": {}, "paths": {}}));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].check, Check::OpenApiVersion);
}

#[test]
fn refuses_missing_operation_id() {
    let problem = only_problem("missing_operation_id.yaml", Check::MissingOperationId);
    assert_eq!(problem.location, "GET /pets (no operationId)");
    assert_mentions(&problem.message, &["no operationId"]);
}

#[test]
fn refuses_duplicate_operation_ids() {
    let problem = only_problem("duplicate_operation_id.yaml", Check::DuplicateOperationId);
    // The second of the two in visiting order is at fault; it names the first.
    let (second, first) = if problem.location == "GET /pets (list_pets)" {
        ("GET /pets (list_pets)", "GET /cats (list_pets)")
    } else {
        ("GET /cats (list_pets)", "GET /pets (list_pets)")
    };
    assert_eq!(problem.location, second);
    assert_mentions(&problem.message, &["'list_pets'", first, "unique"]);
}

#[test]
fn refuses_unresolved_ref() {
    let problem = only_problem("unresolved_ref.yaml", Check::UnresolvedRef);
    assert_eq!(problem.location, "GET /pets (list_pets)");
    assert_mentions(
        &problem.message,
        &[
            "'#/components/schemas/PetList'",
            "does not resolve",
            "#/paths/~1pets/get/responses/200/content/application~1json/schema",
        ],
    );
}

#[test]
fn refuses_ref_outside_the_document() {
    let mut doc = fixture("valid.yaml");
    doc["components"]["schemas"]["Pet"]["properties"]["owner"] =
        json!({"$ref": "people.yaml#/Person"});
    let problem = only_problem_in(&doc, Check::UnresolvedRef);
    assert_eq!(problem.location, "#/components/schemas/Pet");
    assert_mentions(
        &problem.message,
        &["people.yaml#/Person", "outside the document"],
    );
}

#[test]
fn refuses_two_success_body_types() {
    let problem = only_problem("two_success_bodies.yaml", Check::SuccessBodyTypes);
    assert_eq!(problem.location, "POST /pets (create_pet)");
    assert_mentions(
        &problem.message,
        &[
            "2 distinct success",
            "200: #/components/schemas/Pet",
            "201: #/components/schemas/Receipt",
        ],
    );
}

#[test]
fn refuses_two_error_body_types() {
    let problem = only_problem("two_error_bodies.yaml", Check::ErrorBodyTypes);
    assert_eq!(problem.location, "GET /pets (list_pets)");
    assert_mentions(
        &problem.message,
        &[
            "2 distinct error",
            "4XX: #/components/schemas/Error",
            "5XX: #/components/schemas/Fault",
        ],
    );
}

#[test]
fn refuses_empty_success_beside_default_with_body() {
    let problem = only_problem(
        "empty_success_beside_default.yaml",
        Check::EmptySuccessBesideDefault,
    );
    assert_eq!(problem.location, "DELETE /pets/{id} (delete_pet)");
    assert_mentions(
        &problem.message,
        &["204 has no body", "`default`", "#/components/schemas/Error"],
    );
}

#[test]
fn a_2xx_range_hides_default_from_the_success_types() {
    // progenitor drops a `default` that sorts right after `2XX`, so a 2XX
    // body beside a default error body is fine.
    let mut doc = fixture("valid.yaml");
    let responses = &mut doc["paths"]["/pets/{id}"]["get"]["responses"];
    let ok = responses["200"].take();
    let error = responses["4XX"].take();
    *responses = json!({"2XX": ok, "default": error});
    let problems = check_spec(&doc);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn responses_sharing_a_schema_are_one_body_type() {
    // 4XX through a component response, 5XX inline, both the Error schema.
    let mut doc = fixture("valid.yaml");
    doc["paths"]["/pets/{id}"]["get"]["responses"]["5XX"] = json!({
        "description": "A server error.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    });
    let problems = check_spec(&doc);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn refuses_inline_response_schema() {
    let problem = only_problem("inline_response_schema.yaml", Check::InlineResponseSchema);
    assert_eq!(problem.location, "GET /pets (list_pets)");
    assert_mentions(&problem.message, &["response 200", "inline", "$ref"]);
}

#[test]
fn refuses_inline_schema_in_a_shared_response_once() {
    let mut doc = fixture("valid.yaml");
    doc["components"]["responses"]["Error"]["content"]["application/json"]["schema"] =
        json!({"type": "object"});
    let problem = only_problem_in(&doc, Check::InlineResponseSchema);
    assert_eq!(problem.location, "#/components/responses/Error");
    assert_mentions(&problem.message, &["inline", "GET /pets/{id} (get_pet)"]);
}

#[test]
fn refuses_several_request_media_types() {
    let problem = only_problem("several_request_media_types.yaml", Check::RequestMediaTypes);
    assert_eq!(problem.location, "POST /pets (create_pet)");
    assert_mentions(
        &problem.message,
        &[
            "2 media types",
            "application/json",
            "application/x-www-form-urlencoded",
        ],
    );
}

#[test]
fn refuses_multipart_request() {
    let problem = only_problem("multipart_request.yaml", Check::MultipartRequest);
    assert_eq!(problem.location, "POST /pets/{id}/photo (upload_photo)");
    assert_mentions(&problem.message, &["multipart/form-data", "not supported"]);
}

#[test]
fn refuses_cookie_parameter() {
    let problem = only_problem("cookie_parameter.yaml", Check::CookieParameter);
    assert_eq!(problem.location, "GET /pets (list_pets)");
    assert_mentions(&problem.message, &["'session'", "cookie"]);
}

#[test]
fn refuses_deep_object_parameter() {
    let problem = only_problem("deep_object_parameter.yaml", Check::DeepObjectParameter);
    assert_eq!(problem.location, "GET /pets (list_pets)");
    assert_mentions(&problem.message, &["'filter'", "deepObject"]);
}

#[test]
fn refuses_path_parameter_missing_from_the_template() {
    let mut doc = fixture("valid.yaml");
    doc["paths"]["/pets/{id}"]["get"]["parameters"][0]["name"] = json!("pet_id");
    let problem = only_problem_in(&doc, Check::Parameter);
    assert_eq!(problem.location, "GET /pets/{id} (get_pet)");
    assert_mentions(&problem.message, &["'pet_id'", "not in the path template"]);
}

#[test]
fn refuses_example_that_does_not_validate() {
    let problem = only_problem("bad_example.yaml", Check::Example);
    assert_eq!(problem.location, "GET /pets/{id} (get_pet)");
    assert_mentions(
        &problem.message,
        &[
            // which example
            "example #/paths/~1pets~1{id}/get/responses/200/content/application~1json/example",
            "#/components/schemas/Pet",
            // and why
            "\"name\" is a required property",
            "/id:",
            "uuid",
        ],
    );
}

#[test]
fn refuses_examples_entries_parameter_and_schema_examples() {
    let mut doc = fixture("valid.yaml");
    let get = &mut doc["paths"]["/pets/{id}"]["get"];
    get["parameters"][0]["example"] = json!("not-a-uuid");
    get["responses"]["200"]["content"]["application/json"]["examples"] = json!({
        "good": {"value": {"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": "Rex"}},
        "nameless": {"$ref": "#/components/examples/Nameless"},
    });
    doc["components"]["examples"] =
        json!({"Nameless": {"value": {"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}}});
    doc["components"]["schemas"]["Pet"]["properties"]["name"]["example"] = json!(7);

    let report = check_spec_report(&doc);
    let messages: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(report.problems.len(), 3, "{messages:#?}");
    assert!(report.problems.iter().all(|p| p.check == Check::Example));
    assert_eq!(report.examples, 5); // the original, 2 entries, parameter, schema
    assert_mentions(
        &messages.join("\n"),
        &[
            "GET /pets/{id} (get_pet): example #/paths/~1pets~1{id}/get/parameters/0/example",
            "GET /pets/{id} (get_pet): examples entry 'nameless' (#/components/examples/Nameless)",
            "#/components/schemas/Pet: example #/components/schemas/Pet/properties/name/example",
            "7 is not of type \"string\"",
        ],
    );
}

#[test]
fn refuses_missing_description() {
    let problem = only_problem("missing_description.yaml", Check::MissingDescription);
    assert_eq!(problem.location, "GET /pets (list_pets)");
    assert_mentions(&problem.message, &["no description", "summary"]);
}
