//! What `build/operations.rs` generates for spec shapes our spec does not
//! have yet: progenitor's identifiers, the builder's own types, and a clear
//! refusal, naming the place, of what it cannot generate.

use xtask::regen::generate;

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

fn spec(operation: &str) -> String {
    format!(
        "{HEAD}paths:\n  /things/:\n    get:\n{operation}\
         components:\n  schemas:\n    Thing:\n      type: object\n      required: [id]\n      properties:\n        id: {{type: string}}\n    ThingPage:\n      type: object\n      required: [count, results]\n      properties:\n        count: {{type: integer, format: int64}}\n        next: {{type: string, nullable: true}}\n        previous: {{type: string, nullable: true}}\n        results: {{type: array, items: {{$ref: '#/components/schemas/Thing'}}}}\n"
    )
}

const RESPONSES: &str = "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/ThingPage'}\n";

/// A spec listing `Thing`s, with `property` (YAML lines) added to `Thing`.
fn list_things(property: &str) -> String {
    spec(&format!("      operationId: list_things\n{RESPONSES}")).replacen(
        "        id: {type: string}\n",
        &format!("        id: {{type: string}}\n{property}"),
        1,
    )
}

/// The refusal `generate` gives for `text`.
fn refusal(text: &str) -> String {
    match generate(text) {
        Ok(_) => panic!("generated from {text}"),
        Err(error) => error,
    }
}

/// `generate` refuses `text`, saying `says`.
#[track_caller]
fn refused(text: &str, says: &str) {
    let error = refusal(text);
    assert!(error.contains(says), "{error}");
}

#[test]
fn wire_names_become_progenitors_identifiers_and_types() {
    let text = spec(&format!(
        "      operationId: listThings\n      parameters:\n\
         \x20       - {{name: created__gte, in: query, schema: {{type: string, format: date-time}}}}\n\
         \x20       - {{name: type, in: query, schema: {{type: string, enum: [a, b]}}}}\n\
         \x20       - {{name: page_size, in: query, schema: {{type: integer, format: int32, minimum: 0}}}}\n\
         \x20       - {{name: limit, in: query, schema: {{type: integer, minimum: 0}}}}\n\
         \x20       - {{name: offset, in: query, schema: {{type: integer, minimum: 0}}}}\n\
         \x20       - {{name: tags, in: query, style: form, explode: false, schema: {{type: array, items: {{type: string}}}}}}\n{RESPONSES}"
    ));
    let generated = generate(&text).unwrap();
    let ops = generated.operations;
    syn::parse_file(&ops).expect("the generated operations parse");
    // Identifiers as progenitor makes them; wire names in NAMES and `set`.
    assert!(ops.contains("pub struct ListThingsParams"), "{ops}");
    assert!(ops.contains("pub async fn list_things("), "{ops}");
    assert!(ops.contains("pub fn created_gte("), "{ops}");
    assert!(
        ops.contains("\"created__gte\" => Ok(self.created_gte("),
        "{ops}"
    );
    assert!(ops.contains("pub fn type_("), "{ops}");
    assert!(ops.contains("pub(crate) const LIST_THINGS: &str"), "{ops}");
    // The builder's own types: a date-time, an enum, an i32 clamped from u64.
    assert!(
        ops.contains("created_gte: Option<::chrono::DateTime<::chrono::offset::Utc>>"),
        "{ops}"
    );
    assert!(
        ops.contains("i32::try_from(*value).unwrap_or(i32::MAX)"),
        "{ops}"
    );
    assert!(
        ops.contains("tags: Option<::std::vec::Vec<::std::string::String>>"),
        "{ops}"
    );
    // A text id is cloned for walks.
    assert!(ops.contains("type Key = ::std::string::String;"), "{ops}");
}

/// Only a comma-separated array is sent as one: an exploded one is
/// refused by name (by our generator), and one delimited by spaces or pipes
/// by its style (by progenitor, before ours runs).
#[test]
fn an_array_not_comma_separated_is_refused() {
    for (shape, named) in [
        (
            "",
            "`tag`: an array must be comma-separated (style: form, explode: false)",
        ),
        ("style: spaceDelimited, explode: false, ", "SpaceDelimited"),
        ("style: pipeDelimited, explode: false, ", "PipeDelimited"),
    ] {
        let text = spec(&format!(
            "      operationId: list_things\n      parameters:\n\
             \x20       - {{name: tag, in: query, {shape}schema: {{type: array, items: {{type: string}}}}}}\n{RESPONSES}"
        ));
        let error = refusal(&text);
        assert!(error.contains(named), "{shape}: {error}");
    }
}

#[test]
fn query_parameters_beside_a_path_parameter_are_refused_by_name() {
    let text = format!(
        "{HEAD}paths:\n  /things/{{id}}/:\n    get:\n      operationId: get_thing\n      parameters:\n\
         \x20       - {{name: id, in: path, required: true, schema: {{type: string}}}}\n\
         \x20       - {{name: expand, in: query, schema: {{type: boolean}}}}\n\
         \x20     responses:\n        '200': {{description: ok}}\n"
    );
    let error = refusal(&text);
    assert!(
        error.contains("get_thing") && error.contains("may take nothing else"),
        "{error}"
    );
}

/// A string enum added to the spec is an open enum, and a field typed by a
/// credential schema (marked `x-credential`, whatever its name) is masked
/// in errors, with no handwritten edit.
#[test]
fn string_enums_are_open_and_credential_fields_are_secret() {
    let text = format!(
        "{HEAD}paths:\n  /things/:\n    post:\n      operationId: makeThing\n\
         \x20     requestBody:\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/Thing'}}\n\
         \x20     responses:\n        '201':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing'}}\n\
         components:\n  schemas:\n    VaultCode: {{type: string, minLength: 6, x-credential: sent}}\n\
         \x20   CaqhLogin: {{type: string, minLength: 6}}\n\
         \x20   Status: {{type: string, description: A thing's state., enum: [open, closed_for_now]}}\n\
         \x20   Thing:\n      type: object\n      properties:\n        state: {{$ref: '#/components/schemas/Status'}}\n        vault_code: {{$ref: '#/components/schemas/VaultCode'}}\n\
         \x20       old_code: {{nullable: true, allOf: [{{$ref: '#/components/schemas/VaultCode'}}]}}\n\
         \x20       codes: {{type: array, items: {{$ref: '#/components/schemas/VaultCode'}}}}\n\
         \x20       login: {{$ref: '#/components/schemas/CaqhLogin'}}\n"
    );
    let generated = generate(&text).unwrap();
    let enums = &generated.enums;
    syn::parse_file(enums).expect("the generated enums parse");
    assert!(enums.contains("/// A thing's state."), "{enums}");
    assert!(enums.contains("pub enum Status {"), "{enums}");
    assert!(enums.contains("    ClosedForNow,\n"), "{enums}");
    assert!(
        enums.contains("\"closed_for_now\" => Self::ClosedForNow,"),
        "{enums}"
    );
    assert!(enums.contains("    Unknown(String),\n"), "{enums}");
    let client = prettyplease::unparse(&generated.client);
    assert!(
        client.contains("pub state: ::std::option::Option<crate::models::Status>"),
        "{client}"
    );
    // The mark decides, not the name: an unmarked `CaqhLogin` is text.
    assert!(
        generated.operations.contains(
            "pub(crate) const SECRET_FIELDS: &[&str] = &[\"codes\", \"old_code\", \"vault_code\"];"
        ),
        "{}",
        generated.operations
    );
    assert!(
        client.contains("pub vault_code: ::std::option::Option<crate::secret::CaqhSecret>"),
        "{client}"
    );
    assert!(
        client.contains("pub login: ::std::option::Option<CaqhLogin>"),
        "{client}"
    );
    let echoed = text.replace("x-credential: sent", "x-credential: echoed");
    let client = prettyplease::unparse(&generate(&echoed).unwrap().client);
    assert!(
        client.contains("pub vault_code: ::std::option::Option<crate::secret::CaqhEcho>"),
        "{client}"
    );
    refused(
        &text.replace("x-credential: sent", "x-credential: yes"),
        "schema VaultCode: x-credential must be `sent` or `echoed`",
    );
    refused(
        &text.replace(
            "type: string, minLength: 6, x-credential",
            "type: integer, x-credential",
        ),
        "schema VaultCode: x-credential marks a string schema",
    );
}

/// Enum values that would be one Rust variant, or the catch-all, are
/// refused by name instead of generating code that does not compile.
#[test]
fn enum_values_that_collide_are_refused_by_name() {
    for (values, clash) in [
        (
            "[open, OPEN]",
            "\"OPEN\" would be the same Rust variant as \"open\"",
        ),
        (
            "[a-b, a_b]",
            "\"a_b\" would be the same Rust variant as \"a-b\"",
        ),
        (
            "[open, unknown]",
            "\"unknown\" would be the same Rust variant as the catch-all `Unknown`",
        ),
    ] {
        let text = format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Status: {{type: string, enum: {values}}}\n"
        );
        let error = refusal(&text);
        assert!(
            error.contains(&format!("schema Status: enum value {clash}")),
            "{error}"
        );
    }
}

/// The checks before sending come from the schemas, not from field names:
/// an email field is found by its format under any name (in a list, or
/// behind a `$ref`), and the blank rule covers required, non-nullable plain
/// text, directly or through a named string schema; not text with a format,
/// an enum, an optional field or a nullable one (also when written as a
/// one-part `allOf`). A schema's `allOf` parts bring their properties and
/// `required` with them. The limits are stripped from every schema.
#[test]
fn checks_before_sending_follow_the_schema_not_the_field_name() {
    let text = r#"
components:
  schemas:
    Login: {type: string, minLength: 6}
    Email: {type: string, format: email, maxLength: 254}
    Kind: {type: string, enum: [a, b]}
    Contact:
      type: object
      required: [reach_at, label, login, kind, born, nickname, alias]
      properties:
        reach_at: {type: string, format: email}
        copies: {type: array, items: {type: string, format: email}}
        label: {type: string, maxLength: 20}
        login: {$ref: '#/components/schemas/Login'}
        kind: {$ref: '#/components/schemas/Kind'}
        born: {type: string, format: date}
        nickname: {type: string, nullable: true}
        note: {type: string}
        backup: {$ref: '#/components/schemas/Email'}
        others: {type: array, items: {$ref: '#/components/schemas/Email'}}
        tags: {type: array, minItems: 2, items: {type: string}}
        alias: {allOf: [{$ref: '#/components/schemas/Login'}], nullable: true, description: d}
    Tagged:
      allOf:
        - {$ref: '#/components/schemas/Login'}
        - type: object
          required: [tag]
          properties:
            tag: {type: string, maxLength: 9}
"#;
    let mut doc: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    let table = xtask::regen::take_body_checks(&mut doc);
    let rows: Vec<&str> = table
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("Limit {"))
        .collect();
    let row = |schema: &str, field: &str, min: &str, max: &str, email: bool, not_blank: bool| {
        format!("Limit {{ schema: {schema:?}, field: {field:?}, min: {min}, max: {max}, email: {email}, not_blank: {not_blank}, min_items: None }},")
    };
    assert_eq!(
        rows,
        [
            row("Contact", "reach_at", "None", "None", true, true),
            row("Contact", "copies", "None", "None", true, false),
            row("Contact", "label", "None", "Some(20)", false, true),
            row("Contact", "login", "Some(6)", "None", false, true),
            row("Contact", "backup", "None", "Some(254)", true, false),
            row("Contact", "others", "None", "None", true, false),
            row("Contact", "tags", "None", "None", false, false)
                .replace("min_items: None", "min_items: Some(2)"),
            row("Contact", "alias", "Some(6)", "None", false, false),
            row("Tagged", "tag", "None", "Some(9)", false, true),
        ]
    );
    assert!(table.contains("impl Limited for crate::raw::types::Contact "));
    assert!(table.contains("impl Limited for crate::raw::types::Tagged "));
    // The sandbox describes each body from the same walk: what the client
    // checks, the sandbox checks, also through `$ref`, `items` and `allOf`.
    let described = |schema: &str| {
        let start = table
            .find(&format!("Described for crate::raw::types::{schema} "))
            .unwrap_or_else(|| panic!("no Described for {schema}: {table}"));
        let fields = &table[start..];
        fields[..fields.find("\n}\n").unwrap()].to_string()
    };
    let contact = described("Contact");
    for field in [
        r#"field("reach_at", Email, true, false)"#,
        r#"field("copies", EmailList, false, false)"#,
        r#"field("login", Str, true, false)"#,
        r#"field("kind", Str, true, false)"#,
        r#"field("born", Date, true, false)"#,
        r#"field("nickname", Str, true, true)"#,
        r#"field("backup", Email, false, false)"#,
        r#"field("others", EmailList, false, false)"#,
        r#"field("alias", Str, true, true)"#,
    ] {
        assert!(contact.contains(field), "{field} not in {contact}");
    }
    assert!(described("Tagged").contains(r#"field("tag", Str, true, false)"#));
    // The limits are taken out of every schema (no constrained newtypes).
    assert!(!serde_yaml::to_string(&doc).unwrap().contains("Length"));
}

/// `servers` become `Environment` (a variant per server, named by its
/// description's first word) and the `apiKey` scheme names the key's
/// header; a server without such a name, two servers of one name, or a
/// header name HTTP would refuse are errors naming them.
#[test]
fn servers_and_the_key_header_are_generated_or_refused_by_name() {
    let with = |servers: &str, header: &str| {
        let text = list_things("");
        let text = text.replacen("paths:", &format!("servers:\n{servers}paths:"), 1);
        text.replacen(
            "components:\n",
            &format!("components:\n  securitySchemes:\n    key: {{type: apiKey, in: header, name: '{header}'}}\n"),
            1,
        )
    };
    let two = "  - {url: 'https://a.example', description: Live site}\n  - {url: 'https://b.example', description: sandbox}\n";
    let operations = generate(&with(two, "X-Key")).unwrap().operations;
    assert!(operations.contains("pub(crate) const API_KEY_HEADER: &str = \"x-key\";"));
    assert!(operations.contains("    Sandbox,\n"));
    assert!(operations.contains("Environment::Sandbox => \"https://b.example\","));

    let unnamed = "  - {url: 'https://a.example'}\n";
    let error = refusal(&with(unnamed, "x-key"));
    assert!(error.contains("server https://a.example"), "{error}");
    let twice = "  - {url: 'https://a.example', description: Live}\n  - {url: 'https://b.example', description: Live too}\n";
    let error = refusal(&with(twice, "x-key"));
    assert!(error.contains("server https://b.example"), "{error}");
    let error = refusal(&with(two, "x key"));
    assert!(
        error.contains("\"x key\" is not a valid header name"),
        "{error}"
    );
    let templated = "  - {url: 'https://{region}.example', description: Live}\n";
    let error = refusal(&with(templated, "x-key"));
    assert!(
        error.contains("must be an absolute URL without variables"),
        "{error}"
    );
    // The first server is the default.
    assert!(
        operations.contains("    #[default]\n    Live,\n"),
        "{operations}"
    );
    // Without servers or a key header the crate cannot build, and says why.
    let bare = generate(&list_things("")).unwrap().operations;
    let said = "compile_error!(\"the spec (spec/assured.yaml, or $ASSURED_SPEC when set): ";
    assert!(
        bare.contains(&format!("{said}no apiKey security scheme")),
        "{bare}"
    );
    assert!(
        bare.contains(&format!("{said}no servers, so no Environment\")")),
        "{bare}"
    );
}

/// An enum written inline in a component schema would be a closed Rust
/// enum (a value the server adds would fail a decode), so the build
/// refuses it by name, in a property, a list's items, a map's values or a
/// composition; so is an integer enum (only string enums are generated
/// open).
#[test]
fn an_inline_enum_is_refused_by_name() {
    let inline = "an enum written inline";
    for (property, at, what) in [
        ("{type: string, enum: [a, b]}", "Thing.mood", inline),
        (
            "{type: array, items: {type: string, enum: [a]}}",
            "Thing.mood[]",
            inline,
        ),
        (
            "{type: object, additionalProperties: {type: string, enum: [a]}}",
            "Thing.mood{}",
            inline,
        ),
        (
            "{allOf: [{type: string, enum: [a, b]}]}",
            "Thing.mood",
            inline,
        ),
        (
            "{type: integer, enum: [1, 2]}",
            "Thing.mood",
            "an integer enum",
        ),
    ] {
        let error = refusal(&list_things(&format!("        mood: {property}\n")));
        assert!(
            error.starts_with(&format!("schema {at}: {what}")),
            "{error}"
        );
    }
}

/// Every object schema but a list page is a model, re-exported with no
/// handwritten edit, under the name its `x-rust-name` gives if any (the
/// spec's `ProviderListing` is `Provider`); a name Rust cannot take is
/// refused by schema.
#[test]
fn object_schemas_are_models_and_pages_are_not() {
    let text = list_things("");
    let enums = generate(&text).unwrap().enums;
    assert!(
        enums.starts_with("pub use crate::raw::types::{Thing};\n"),
        "{enums}"
    );
    let renamed = text.replacen(
        "      type: object\n",
        "      type: object\n      x-rust-name: Widget\n",
        1,
    );
    assert!(
        generate(&renamed)
            .unwrap()
            .enums
            .starts_with("pub use crate::raw::types::{Thing as Widget};\n"),
        "{renamed}"
    );
    refused(
        &text.replacen(
            "      type: object\n",
            "      type: object\n      x-rust-name: my-widget\n",
            1,
        ),
        "schema Thing: x-rust-name must be a Rust type name, not \"my-widget\"",
    );
    // A page is not a model: naming it is a mistake, said by schema.
    let page = text.replace(
        "    ThingPage:\n      type: object\n",
        "    ThingPage:\n      type: object\n      x-rust-name: Things\n",
    );
    assert_ne!(page, text);
    let error = refusal(&page);
    assert!(
        error.contains("schema ThingPage: x-rust-name names models"),
        "{error}"
    );
    let real =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/assured.yaml"))
            .unwrap();
    let enums = generate(&real).unwrap().enums;
    let reexport = enums.lines().next().unwrap();
    assert!(
        reexport.contains("ProviderListing as Provider, "),
        "{reexport}"
    );
    assert!(reexport.contains(" CreateProvider, "));
    assert!(!reexport.contains("Page"), "{reexport}");
    assert!(!enums.contains("compile_error!"));
}

/// A list row's credential column is redacted in data frames, found by the
/// same rule as the fields errors mask: a credential schema directly, as a
/// list's items, or through a composition.
#[test]
fn credential_columns_of_a_list_are_redacted_whatever_their_shape() {
    let paged = spec(&format!(
        "      operationId: list_things\n      parameters:\n\
         \x20       - {{name: limit, in: query, schema: {{type: integer}}}}\n\
         \x20       - {{name: offset, in: query, schema: {{type: integer}}}}\n{RESPONSES}"
    ));
    let text = paged.replacen(
        "        id: {type: string}\n",
        "        id: {type: string}\n\
         \x20       login: {$ref: '#/components/schemas/CaqhLogin'}\n\
         \x20       logins: {type: array, items: {$ref: '#/components/schemas/CaqhLogin'}}\n\
         \x20       kept: {allOf: [{$ref: '#/components/schemas/CaqhLogin'}], nullable: true}\n",
        1,
    ) + "    CaqhLogin: {type: string, minLength: 6, x-credential: sent}\n";
    let operations = generate(&text).unwrap().operations;
    for field in ["login", "logins", "kept"] {
        assert!(
            operations.contains(&format!("crate::frames::redacted(&r.{field})")),
            "{field}: {operations}"
        );
    }
    assert!(!operations.contains("crate::frames::redacted(&r.id)"));
}

/// A walk tells rows apart by their `id`: a list whose rows have a required
/// `id` walks (keyed by its type), one whose rows may lack it is read a page
/// at a time (its key used to be written `String` for an `Option<String>`
/// field, which did not compile).
#[test]
fn only_rows_with_a_required_id_are_walked() {
    let paged = "      parameters:\n\
         \x20       - {name: limit, in: query, schema: {type: integer}}\n\
         \x20       - {name: offset, in: query, schema: {type: integer}}\n";
    let text = spec(&format!(
        "      operationId: list_things\n{paged}{RESPONSES}"
    ));
    let keyed = "impl crate::pagination::Keyed for crate::raw::types::Thing";
    let walked = generate(&text).unwrap().operations;
    assert!(walked.contains(keyed), "{walked}");
    assert!(
        walked.contains("type Key = ::std::string::String;"),
        "{walked}"
    );

    let optional = text.replacen("      required: [id]\n", "", 1);
    assert_ne!(optional, text);
    let paged_only = generate(&optional).unwrap().operations;
    syn::parse_file(&paged_only).expect("the generated operations parse");
    assert!(!paged_only.contains(keyed), "{paged_only}");
    assert!(
        !paged_only.contains("impl crate::pagination::Listing"),
        "{paged_only}"
    );
    assert!(
        paged_only.contains("pub async fn list_things("),
        "{paged_only}"
    );
}

/// A credential is found wherever a schema puts it: in a schema composed
/// with `allOf`, or behind a named schema that wraps a marked one; a mark
/// written inline, which progenitor could not keep secret, is refused.
#[test]
fn credential_fields_are_found_through_compositions_and_inline_marks_refused() {
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n\
         \x20   Code: {{type: string, x-credential: sent}}\n\
         \x20   Wrapped: {{allOf: [{{$ref: '#/components/schemas/Code'}}], description: d}}\n\
         \x20   Composed:\n      allOf:\n        - type: object\n          properties:\n\
         \x20           pin: {{$ref: '#/components/schemas/Code'}}\n\
         \x20           wrapped_pin: {{$ref: '#/components/schemas/Wrapped'}}\n\
         \x20           label: {{type: string}}\n"
    );
    let operations = generate(&text).unwrap().operations;
    assert!(
        operations
            .contains("pub(crate) const SECRET_FIELDS: &[&str] = &[\"pin\", \"wrapped_pin\"];"),
        "{operations}"
    );
    let inline = text.replace(
        "label: {type: string}",
        "label: {type: string, x-credential: sent}",
    );
    refused(
        &inline,
        "schema Composed.label: x-credential written inline would not be kept secret",
    );
}
