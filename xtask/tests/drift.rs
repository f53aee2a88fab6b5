//! `spec drift` as a library: normalisation, each kind of difference, `$ref`
//! following on both sides, both document formats, readOnly/writeOnly, and
//! the divergences file.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{json, Value};
use xtask::drift::{
    classify, compare_documents, parse_divergences, run_drift, Difference, DriftInputs, Kind,
};
use xtask::load_document;

fn drift_fixture_path(name: &str) -> PathBuf {
    common::fixture_path(&format!("drift/{name}"))
}

fn drift_fixture(name: &str) -> Value {
    load_document(&drift_fixture_path(name)).unwrap()
}

fn differences(upstream: &str) -> Vec<Difference> {
    compare_documents(&drift_fixture("ours.yaml"), &drift_fixture(upstream)).unwrap()
}

fn keys(differences: &[Difference]) -> BTreeSet<String> {
    differences.iter().map(Difference::key).collect()
}

fn assert_keys(found: &[Difference], expected: &[&str]) {
    let found = keys(found);
    let expected: BTreeSet<String> = expected.iter().map(|key| key.to_string()).collect();
    let missing: Vec<&String> = expected.difference(&found).collect();
    let extra: Vec<&String> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
}

fn find<'a>(found: &'a [Difference], key: &str) -> &'a Difference {
    found
        .iter()
        .find(|d| d.key() == key)
        .unwrap_or_else(|| panic!("no difference {key}: {:#?}", keys(found)))
}

#[test]
fn the_same_api_in_drf_spectacular_style_3_0_yaml_has_no_differences() {
    // Inline vs `$ref` on both sides, one readOnly/writeOnly serializer vs
    // split schemas, `oneOf [Enum, NullEnum]` vs `nullable + allOf [$ref]`.
    let found = differences("upstream_same.yaml");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_same_api_in_3_1_json_has_no_differences() {
    // `type: [string, "null"]`, `anyOf [$ref, {type: null}]`, `$ref`
    // siblings, `examples`.
    let found = differences("upstream_same.json");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn every_kind_of_difference_in_a_3_0_yaml_upstream() {
    let found = differences("upstream_changed.yaml");
    assert_keys(
        &found,
        &[
            // Operations.
            "DELETE /pets/{id}/ operation-missing",
            // Query parameters: removed, added, type, format, requiredness, enum.
            "GET /pets/ query.search missing-upstream",
            "GET /pets/ query.page missing-here",
            "GET /pets/ query.limit type",
            "GET /pets/ query.limit format",
            "GET /pets/ query.owner required",
            "GET /pets/ query.kind enum",
            // Response properties, through `$ref`s on both sides and array items.
            "GET /pets/ response.200.count format",
            "GET /pets/ response.200.results[].id type",
            "GET /pets/ response.200.results[].id format",
            "GET /pets/ response.200.results[].kind enum",
            "GET /pets/ response.200.results[].name required",
            "GET /pets/ response.200.results[].name maxLength",
            "GET /pets/ response.200.results[].nickname missing-upstream",
            "GET /pets/ response.200.results[].color missing-here",
            // Request properties (writeOnly ones included, readOnly ones not).
            "POST /pets/ request.born format",
            "POST /pets/ request.kind enum",
            "POST /pets/ request.name required",
            "POST /pets/ request.name maxLength",
            "POST /pets/ request.nickname missing-upstream",
            "POST /pets/ request.password minLength",
            "POST /pets/ request.color missing-here",
            // Success status, and the body compared all the same.
            "POST /pets/ response.201 status",
            "POST /pets/ response.201.id type",
            "POST /pets/ response.201.id format",
            "POST /pets/ response.201.kind enum",
            "POST /pets/ response.201.name required",
            "POST /pets/ response.201.name maxLength",
            "POST /pets/ response.201.nickname missing-upstream",
            "POST /pets/ response.201.color missing-here",
            // Request body gone; `2XX` against a plain 200.
            "PATCH /pets/{id}/ request missing-upstream",
            "PATCH /pets/{id}/ response.2XX status",
            "PATCH /pets/{id}/ response.2XX.id type",
            "PATCH /pets/{id}/ response.2XX.id format",
            "PATCH /pets/{id}/ response.2XX.kind enum",
            "PATCH /pets/{id}/ response.2XX.name required",
            "PATCH /pets/{id}/ response.2XX.name maxLength",
            "PATCH /pets/{id}/ response.2XX.nickname missing-upstream",
            "PATCH /pets/{id}/ response.2XX.color missing-here",
            // Array request body items; a response body gone.
            "POST /owners/ request[].email format",
            "POST /owners/ response.200 missing-upstream",
        ],
    );
}

#[test]
fn differences_say_what_each_side_has() {
    let found = differences("upstream_changed.yaml");
    let limit = find(&found, "GET /pets/ query.limit type");
    assert_eq!(limit.operation_id.as_deref(), Some("list_pets"));
    assert_eq!(
        (limit.ours.as_str(), limit.upstream.as_str()),
        ("integer", "string")
    );
    let format = find(&found, "GET /pets/ query.limit format");
    assert_eq!(
        (format.ours.as_str(), format.upstream.as_str()),
        ("int64", "none")
    );
    // minLength reached through our `$ref: Secret`.
    let password = find(&found, "POST /pets/ request.password minLength");
    assert_eq!(
        (password.ours.as_str(), password.upstream.as_str()),
        ("6", "8")
    );
    let kind = find(&found, "GET /pets/ query.kind enum");
    assert_eq!(kind.ours, "[cat, dog]");
    assert_eq!(kind.upstream, "[bird, cat, dog] (only upstream: bird)");
    let owner = find(&found, "GET /pets/ query.owner required");
    assert_eq!(
        (owner.ours.as_str(), owner.upstream.as_str()),
        ("required", "optional")
    );
    let added = find(
        &found,
        "GET /pets/ response.200.results[].color missing-here",
    );
    assert_eq!(added.ours, "absent");
    assert_eq!(added.upstream, "string, nullable, optional");
    let status = find(&found, "PATCH /pets/{id}/ response.2XX status");
    assert_eq!(
        (status.ours.as_str(), status.upstream.as_str()),
        ("2XX", "200")
    );
    let missing = find(&found, "DELETE /pets/{id}/ operation-missing");
    assert_eq!(missing.location, "");
    assert_eq!(missing.operation_id.as_deref(), Some("delete_pet"));
}

#[test]
fn nullability_and_limits_in_a_3_1_json_upstream() {
    let found = differences("upstream_changed.json");
    assert_keys(
        &found,
        &[
            "GET /pets/ response.200.count nullable",
            "GET /pets/ response.200.results[].kind nullable",
            "GET /pets/ response.200.results[].name maxLength",
            "GET /pets/ response.200.results[].nickname nullable",
            "POST /pets/ request.kind nullable",
            "POST /pets/ request.name maxLength",
            "POST /pets/ request.nickname nullable",
            "POST /pets/ response.201.kind nullable",
            "POST /pets/ response.201.name maxLength",
            "POST /pets/ response.201.nickname nullable",
            "PATCH /pets/{id}/ response.2XX.kind nullable",
            "PATCH /pets/{id}/ response.2XX.name maxLength",
            "PATCH /pets/{id}/ response.2XX.nickname nullable",
        ],
    );
    let count = find(&found, "GET /pets/ response.200.count nullable");
    assert_eq!(
        (count.ours.as_str(), count.upstream.as_str()),
        ("not nullable", "nullable")
    );
}

/// A one-operation document with the given request and response schemas.
fn document(request: Value, response: Value, components: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things/": {"post": {
            "operationId": "make_thing",
            "requestBody": {"content": {"application/json": {"schema": request}}},
            "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": response}}
            }}
        }}},
        "components": {"schemas": components}
    })
}

#[test]
fn read_only_and_write_only_properties_belong_to_one_direction() {
    let ours = document(
        json!({"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"},
            "secret": {"type": "string"}
        }}),
        json!({"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"}
        }}),
        json!({}),
    );
    // One schema both ways: `id` is required but read-only (not in
    // requests, so not required there); `secret` is write-only (not in
    // responses).
    let shared = json!({"$ref": "#/components/schemas/Thing"});
    let upstream = document(
        shared.clone(),
        shared,
        json!({"Thing": {"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer", "readOnly": true},
            "name": {"type": "string"},
            "secret": {"type": "string", "writeOnly": true}
        }}}),
    );
    let found = compare_documents(&ours, &upstream).unwrap();
    assert!(found.is_empty(), "{found:#?}");

    // The same upstream without the flags differs both ways.
    let plain = document(
        json!({"$ref": "#/components/schemas/Thing"}),
        json!({"$ref": "#/components/schemas/Thing"}),
        json!({"Thing": {"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "secret": {"type": "string"}
        }}}),
    );
    assert_keys(
        &compare_documents(&ours, &plain).unwrap(),
        &[
            "POST /things/ request.id missing-here",
            "POST /things/ response.200.secret missing-here",
        ],
    );
}

#[test]
fn nullable_spellings_agree() {
    let spellings = [
        json!({"type": "string", "format": "date", "nullable": true}),
        json!({"type": ["string", "null"], "format": "date"}),
        json!({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}),
        json!({"oneOf": [{"$ref": "#/components/schemas/Date"}, {"$ref": "#/components/schemas/NullEnum"}]}),
        json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Date"}]}),
        json!({"$ref": "#/components/schemas/NullableDate"}),
    ];
    let components = json!({
        "Date": {"type": "string", "format": "date"},
        "NullableDate": {"type": "string", "format": "date", "nullable": true},
        "NullEnum": {"enum": [null]}
    });
    let wrap = |schema: &Value| {
        document(
            json!({"type": "object", "properties": {"when": schema}}),
            json!({"type": "object"}),
            components.clone(),
        )
    };
    for (i, a) in spellings.iter().enumerate() {
        for b in &spellings[i + 1..] {
            let found = compare_documents(&wrap(a), &wrap(b)).unwrap();
            assert!(found.is_empty(), "{a} vs {b}: {found:#?}");
        }
    }
    let not_null = wrap(&json!({"type": "string", "format": "date"}));
    assert_keys(
        &compare_documents(&wrap(&spellings[3]), &not_null).unwrap(),
        &["POST /things/ request.when nullable"],
    );
}

#[test]
fn enum_values_compare_as_sets_without_null() {
    let ours = document(
        json!({"type": "object", "properties": {"kind": {"type": "string", "nullable": true, "enum": ["a", "b", null]}}}),
        json!({"type": "object"}),
        json!({}),
    );
    let upstream = document(
        json!({"type": "object", "properties": {"kind": {"type": ["string", "null"], "enum": ["b", "a"]}}}),
        json!({"type": "object"}),
        json!({}),
    );
    let found = compare_documents(&ours, &upstream).unwrap();
    assert!(found.is_empty(), "{found:#?}");
}

/// An array's `minItems` is compared like a length limit: a batch body's,
/// and a list field's, through a `$ref`.
#[test]
fn min_items_is_compared() {
    let batch = |min: Option<u64>| {
        let mut array = json!({"type": "array", "items": {"type": "string"}});
        if let Some(min) = min {
            array["minItems"] = json!(min);
        }
        document(
            array,
            json!({"$ref": "#/components/schemas/Tags"}),
            json!({"Tags": {"type": "object", "properties": {
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": min.unwrap_or(0)}
            }}}),
        )
    };
    assert!(compare_documents(&batch(Some(1)), &batch(Some(1)))
        .unwrap()
        .is_empty());
    let found = compare_documents(&batch(Some(1)), &batch(None)).unwrap();
    assert_keys(
        &found,
        &[
            "POST /things/ request minItems",
            "POST /things/ response.200.tags minItems",
        ],
    );
    assert_eq!(find(&found, "POST /things/ request minItems").ours, "1");
}

#[test]
fn success_statuses_are_paired_or_reported() {
    let with_responses = |responses: Value| {
        json!({
            "openapi": "3.0.3",
            "paths": {"/x/": {"get": {"operationId": "get_x", "responses": responses}}}
        })
    };
    let body = json!({"description": "d", "content": {"application/json": {"schema": {"type": "object"}}}});
    let ours = with_responses(json!({"200": body.clone(), "4XX": body.clone()}));
    // Another 2xx beside the matched one is reported; error statuses are not compared.
    let upstream = with_responses(
        json!({"200": body.clone(), "202": body.clone(), "404": {"description": "n"}}),
    );
    assert_keys(
        &compare_documents(&ours, &upstream).unwrap(),
        &["GET /x/ response.202 missing-here"],
    );
    // A range covers every code in it.
    let ranged = with_responses(json!({"2XX": body.clone()}));
    assert_keys(
        &compare_documents(&ranged, &upstream).unwrap(),
        &["GET /x/ response.2XX status"],
    );
    // A body on one side only.
    let bodiless = with_responses(json!({"200": {"description": "no body"}}));
    assert_keys(
        &compare_documents(&bodiless, &ours).unwrap(),
        &["GET /x/ response.200 missing-here"],
    );
}

#[test]
fn recursive_schemas_terminate() {
    let components = json!({"Node": {"type": "object", "properties": {
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
    }}});
    let doc = document(
        json!({"$ref": "#/components/schemas/Node"}),
        json!({"$ref": "#/components/schemas/Node"}),
        components,
    );
    assert!(compare_documents(&doc, &doc).unwrap().is_empty());
}

#[test]
fn an_unresolvable_upstream_ref_is_an_error() {
    let ours = document(
        json!({"type": "object"}),
        json!({"type": "object"}),
        json!({}),
    );
    let upstream = document(
        json!({"$ref": "#/components/schemas/Missing"}),
        json!({"type": "object"}),
        json!({}),
    );
    let error = compare_documents(&ours, &upstream).unwrap_err();
    assert!(error.contains("upstream POST /things/"), "{error}");
    assert!(error.contains("#/components/schemas/Missing"), "{error}");
}

#[test]
fn divergences_separate_recorded_from_new_and_find_stale_entries() {
    let text = std::fs::read_to_string(drift_fixture_path("divergences_some.yaml")).unwrap();
    let divergences = parse_divergences(&text).unwrap();
    // Lists of `where`s are one divergence each.
    assert_eq!(divergences.len(), 6);
    let classified = classify(
        differences("upstream_changed.json"),
        &divergences,
        "upstream_changed.json",
    );
    let recorded: BTreeSet<String> = classified
        .recorded
        .iter()
        .map(|r| r.difference.key())
        .collect();
    assert_eq!(
        recorded,
        BTreeSet::from([
            "GET /pets/ response.200.results[].kind nullable".to_owned(),
            "GET /pets/ response.200.results[].nickname nullable".to_owned(),
            "POST /pets/ request.name maxLength".to_owned(),
        ])
    );
    let name = classified
        .recorded
        .iter()
        .find(|r| r.difference.key() == "POST /pets/ request.name maxLength")
        .unwrap();
    assert_eq!(name.reason, "we send shorter names than upstream allows");
    // The entry for another document does not apply: count stays new.
    assert_eq!(classified.new.len(), 10);
    assert!(keys(&classified.new).contains("GET /pets/ response.200.count nullable"));
    let stale: Vec<String> = classified.stale.iter().map(|d| d.key()).collect();
    assert_eq!(
        stale,
        [
            "GET /pets/ query.search missing-upstream",
            "DELETE /pets/{id}/ operation-missing"
        ]
    );
    assert_eq!(classified.stale[1].entry, 5);
}

#[test]
fn divergences_file_errors_name_the_entry() {
    let entry = |kind: &str| {
        format!(
            "- upstream: x\n  operation: GET /a/\n  where: query.b\n  kind: {kind}\n  reason: r\n"
        )
    };
    assert!(parse_divergences("").unwrap().is_empty());
    assert!(parse_divergences("# only a comment\n").unwrap().is_empty());
    let error = parse_divergences(&format!("{}{}", entry("type"), entry("colour"))).unwrap_err();
    assert!(error.contains("entry 2: unknown kind 'colour'"), "{error}");
    let error = parse_divergences(&format!("{}{}", entry("type"), entry("type"))).unwrap_err();
    assert!(error.contains("entry 2 repeats entry 1"), "{error}");
    let error = parse_divergences("- upstream: x\n  operation: /a/\n  kind: type\n  reason: r\n")
        .unwrap_err();
    assert!(error.contains("is not `METHOD /path`"), "{error}");
    let error =
        parse_divergences("- upstream: x\n  operation: GET /a/\n  kind: type\n  reason: ''\n")
            .unwrap_err();
    assert!(error.contains("reason"), "{error}");
    let error = parse_divergences(
        "- upstream: x\n  operation: GET /a/\n  kind: type\n  reason: r\n  colour: red\n",
    )
    .unwrap_err();
    assert!(error.contains("colour"), "{error}");
}

#[test]
fn entries_select_documents_by_file_name() {
    let divergences = parse_divergences(
        "- upstream: [platform-api, 'assured-*.yaml']\n  operation: get /a/\n  kind: operation-missing\n  reason: r\n",
    )
    .unwrap();
    let entry = &divergences[0];
    assert_eq!(entry.operation, "GET /a/");
    assert_eq!(entry.kind, Kind::OperationMissing);
    assert!(entry.applies_to("assured-platform-api.json"));
    assert!(entry.applies_to("assured-production-schema.yaml"));
    assert!(!entry.applies_to("assured-production-schema.json"));
    assert!(!entry.applies_to("other.yaml"));
}

#[test]
fn run_drift_reads_the_files_and_reports() {
    let report = run_drift(DriftInputs {
        spec: &drift_fixture_path("ours.yaml"),
        upstream: &drift_fixture_path("upstream_changed.json"),
        divergences: &drift_fixture_path("divergences_all.yaml"),
        divergences_must_exist: true,
    })
    .unwrap();
    assert!(report.is_clean(), "{}", report.to_text());
    assert_eq!(report.recorded.len(), 13);
    assert!(report.stale.is_empty());
    assert_eq!(report.upstream_openapi, "3.1.1");
    assert_eq!(report.operations, 5);

    // A missing default divergences file is no entries; a named one is an error.
    let missing = drift_fixture_path("no-such-divergences.yaml");
    let inputs = DriftInputs {
        spec: &drift_fixture_path("ours.yaml"),
        upstream: &drift_fixture_path("upstream_same.yaml"),
        divergences: &missing,
        divergences_must_exist: false,
    };
    assert!(run_drift(inputs).unwrap().is_clean());
    let error = run_drift(DriftInputs {
        divergences_must_exist: true,
        ..inputs
    })
    .unwrap_err();
    assert!(error.starts_with("cannot read "), "{error}");
}

#[test]
fn the_text_report_groups_by_operation() {
    let report = run_drift(DriftInputs {
        spec: &drift_fixture_path("ours.yaml"),
        upstream: &drift_fixture_path("upstream_changed.json"),
        divergences: &drift_fixture_path("divergences_some.yaml"),
        divergences_must_exist: true,
    })
    .unwrap();
    let text = report.to_text();
    common::assert_mentions(
        &text,
        &[
            "10 new difference(s), 3 recorded, 2 stale entries",
            "\nNew differences (not recorded in ",
            "\n  GET /pets/ (list_pets)\n    response.200.count: nullable (ours: not nullable; upstream: nullable)\n",
            "\nRecorded differences (intended, see ",
            "    request.name: maxLength (ours: 50; upstream: 60)\n        reason: we send shorter names than upstream allows\n",
            "\nStale entries (recorded in ",
            "  DELETE /pets/{id}/ operation-missing (entry 5, upstream: changed)\n",
            "drift FAILED: 10 new difference(s)",
        ],
    );
    // Each operation is one group in each section.
    let new_section = text.split("\nRecorded differences").next().unwrap();
    assert_eq!(
        new_section
            .matches("\n  POST /pets/ (create_pet)\n")
            .count(),
        1
    );
}
