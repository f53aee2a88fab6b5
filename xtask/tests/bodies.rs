//! What `build/bodies.rs` generates for operations without query
//! parameters: typed path ids, checked bodies (an array one as a batch),
//! answers (an array one as a `Vec`), and refusals that name the place.

use xtask::regen::generate;

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

const SCHEMAS: &str = "components:\n  schemas:\n\
     \x20   Key: {type: string, x-rust-type: {crate: assured, version: '*', path: assured::ProfileId}}\n\
     \x20   Note:\n      type: object\n      required: [text]\n      properties:\n        text: {type: string, maxLength: 9}\n\
     \x20   Email: {type: string, format: email}\n\
     \x20   Invite:\n      type: object\n      properties:\n        email: {$ref: '#/components/schemas/Email'}\n        code: {type: integer}\n\
     \x20   InviteList:\n      type: array\n      minItems: 2\n      x-unique-by: email\n      items: {$ref: '#/components/schemas/Invite'}\n\
     \x20   NoteList:\n      type: array\n      items: {$ref: '#/components/schemas/Note'}\n";

fn answer(code: &str, schema: &str) -> String {
    format!(
        "      responses:\n        '{code}':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{schema}'}}\n"
    )
}

fn body(schema: &str, extra: &str) -> String {
    format!(
        "      requestBody:\n        required: true\n{extra}        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/{schema}'}}\n"
    )
}

/// The spec with these paths (YAML lines under `paths:`).
fn spec(paths: &str) -> String {
    format!("{HEAD}paths:\n{paths}{SCHEMAS}")
}

/// Asserts `out` holds every one of `expected`.
#[track_caller]
fn holds(out: &str, expected: &[&str]) {
    for expected in expected {
        assert!(out.contains(expected), "{expected}\nnot in\n{out}");
    }
}

fn operations(paths: &str) -> String {
    let generated = generate(&spec(paths)).unwrap();
    syn::parse_file(&generated.operations).expect("the generated operations parse");
    generated.operations
}

#[test]
fn a_typed_path_id_and_an_object_body_are_checked_before_sending() {
    let paths = format!(
        "  /things/{{key}}/notes/:\n    post:\n      operationId: add_note\n      parameters:\n\
         \x20       - {{name: key, in: path, required: true, schema: {{$ref: '#/components/schemas/Key'}}}}\n{}{}\
         \x20 /things/{{slug}}/:\n    get:\n      operationId: get_thing\n      parameters:\n\
         \x20       - {{name: slug, in: path, required: true, schema: {{type: string}}}}\n{}",
        body("Note", ""),
        answer("201", "Note"),
        answer("200", "Note"),
    );
    let out = operations(&paths);
    holds(
        &out,
        &[
        // The id type the spec names, checked routable, in the error's path.
        "pub async fn add_note(&self, key: &::assured::ProfileId, body: crate::raw::types::Note) -> crate::Result<crate::raw::types::Note>",
        "let key_segment = crate::ids::PathSegment::segment(key)?;",
        "crate::validate::body(&body)?;",
        "let path = paths::ADD_NOTE.to_string().replace(\"{key}\", &key_segment);",
        ".add_note().key(::std::clone::Clone::clone(key)).body(body);",
        // Plain text is checked as a path segment, by its wire name.
        "pub async fn get_thing(&self, slug: &str) -> crate::Result<crate::raw::types::Note>",
        "crate::validate::path_id(\"slug\", slug)?;",
        // Every method has a compiled example.
        "/// # async fn run(client: assured::Client, key: assured::ProfileId, body: assured::models::Note) -> assured::Result<()> {",
        "/// let answer = client.providers().add_note(&key, body).await?;",
        ],
    );
    // The checks come before anything is sent.
    let method = &out[out.find("pub async fn add_note").unwrap()..];
    assert!(method.find("validate::body").unwrap() < method.find(".send()").unwrap());
}

/// The path item's parameters (how our spec writes `{id}`), an operation's
/// override of one, a `2XX` answer by `$ref`, and ids typed otherwise than
/// by the spec (a UUID, a number) as progenitor types them.
#[test]
fn parameters_and_answers_are_read_as_openapi_writes_them() {
    let paths = "  /things/{key}/{n}/{at}/:\n    parameters:\n\
         \x20     - {name: key, in: path, required: true, schema: {type: string}}\n\
         \x20     - {name: n, in: path, required: true, schema: {type: integer, format: int64}}\n\
         \x20   get:\n      operationId: get_thing\n      parameters:\n\
         \x20       - {name: key, in: path, required: true, schema: {allOf: [{$ref: '#/components/schemas/Key'}]}}\n\
         \x20       - {name: at, in: path, required: true, schema: {type: string, format: uuid}}\n\
         \x20     responses:\n        2XX: {$ref: '#/components/responses/Noted'}\n";
    let text = spec(paths).replace(
        "components:\n",
        "components:\n  responses:\n    Noted:\n      description: ok\n      content:\n        application/json:\n          schema: {$ref: '#/components/schemas/Note'}\n",
    );
    let generated = generate(&text).unwrap();
    syn::parse_file(&generated.operations).expect("the generated operations parse");
    holds(
        &generated.operations,
        &[
            // `key` once, as the operation overrides it; `n` and `at` by value.
            "pub async fn get_thing(&self, key: &::assured::ProfileId, n: i64, at: ::uuid::Uuid) -> crate::Result<crate::raw::types::Note>",
            "let n_segment = n.to_string();",
            ".replace(\"{n}\", &n_segment)",
            "/// let answer = client.providers().get_thing(&key, n, at).await?;",
        ],
    );
}

#[test]
fn an_array_body_is_a_batch_and_an_array_answer_a_vec() {
    let paths = format!(
        "  /invites/:\n    post:\n      operationId: send_invites\n{}{}",
        body("InviteList", "        x-body-name: invites\n"),
        answer("200", "NoteList"),
    );
    let out = operations(&paths);
    holds(
        &out,
        &[
        "pub async fn send_invites(&self, invites: impl Into<::std::vec::Vec<crate::raw::types::Invite>>) -> crate::Result<::std::vec::Vec<crate::raw::types::Note>>",
        "crate::validate::batch::<crate::raw::types::InviteList>(&invites)",
        "Ok(answer.into_inner().0)",
        // The batch's rules are the array schema's.
        "impl crate::validate::Batch for crate::raw::types::InviteList {",
        "type Item = crate::raw::types::Invite;",
        "const NAME: &'static str = \"invites\";",
        "const MIN_ITEMS: usize = 2;",
        "const UNIQUE_BY: &'static str = \"email\";",
        // The key as written (an optional one may be absent); an email is
        // compared ignoring case by its `LIMITS` row.
        "item.email.as_ref().map(|v| v.to_string())",
        ],
    );
    // Without `x-body-name` the items are `items`; without `x-unique-by`
    // nothing is compared.
    let plain = format!(
        "  /notes/:\n    post:\n      operationId: add_notes\n{}{}",
        body("NoteList", ""),
        answer("200", "NoteList"),
    );
    let out = operations(&plain);
    assert!(
        out.contains("const NAME: &'static str = \"items\";"),
        "{out}"
    );
    assert!(out.contains("const MIN_ITEMS: usize = 0;"), "{out}");
    assert!(
        out.contains("fn key(item: &Self::Item) -> Option<String> {\n        None\n    }"),
        "{out}"
    );
}

#[test]
fn what_cannot_be_generated_is_refused_by_name() {
    let refusal = |text: &str| match generate(text) {
        Ok(_) => panic!("generated from {text}"),
        Err(error) => error,
    };
    let header = format!(
        "  /things/:\n    get:\n      operationId: get_things\n      parameters:\n\
         \x20       - {{name: x-trace, in: header, schema: {{type: string}}}}\n{}",
        answer("200", "Note"),
    );
    let error = refusal(&spec(&header));
    assert!(
        error.contains("get_things") && error.contains("x-trace"),
        "{error}"
    );

    let unknown_field = spec(&format!(
        "  /invites/:\n    post:\n      operationId: send_invites\n{}{}",
        body("InviteList", ""),
        answer("200", "NoteList"),
    ))
    .replace("x-unique-by: email", "x-unique-by: phone");
    let error = refusal(&unknown_field);
    assert!(
        error.contains("InviteList") && error.contains("phone"),
        "{error}"
    );

    let inline = "  /things/:\n    post:\n      operationId: make_thing\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object}\n"
        .to_string()
        + &answer("201", "Note");
    let error = refusal(&spec(&inline));
    assert!(
        error.contains("make_thing") && error.contains("$ref"),
        "{error}"
    );

    let text_answer = "  /things/:\n    get:\n      operationId: read_thing\n      responses:\n        '200':\n          description: ok\n          content:\n            text/plain:\n              schema: {type: string}\n";
    let error = refusal(&spec(text_answer));
    assert!(
        error.contains("read_thing") && error.contains("must be JSON"),
        "{error}"
    );
    let no_success = "  /things/:\n    get:\n      operationId: never\n      responses:\n        '404': {description: gone}\n";
    let error = refusal(&spec(no_success));
    assert!(
        error.contains("never") && error.contains("no success answer"),
        "{error}"
    );
}

#[test]
fn a_success_without_a_body_answers_unit() {
    let out = operations(
        "  /things/{id}/:\n    delete:\n      operationId: drop_thing\n      parameters:\n\
         \x20       - {name: id, in: path, required: true, schema: {type: string}}\n\
         \x20     responses:\n        '204': {description: gone}\n",
    );
    assert!(
        out.contains("pub async fn drop_thing(&self, id: &str) -> crate::Result<()>"),
        "{out}"
    );
    assert!(
        out.contains("Ok(answer.into_inner())") && !out.contains(".0)"),
        "{out}"
    );
}
