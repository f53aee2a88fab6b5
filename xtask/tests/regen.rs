//! `spec regen-check`: the public items of two generations compared.

mod common;

use std::process::{Command, Output};

use xtask::regen::{generate, public_api, regen_check, ItemKind};

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(common::fixture_path(&format!("regen/{name}"))).unwrap()
}

fn fixture_path(name: &str) -> String {
    common::fixture_path(&format!("regen/{name}"))
        .to_str()
        .unwrap()
        .to_owned()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_spec_edit_lists_added_removed_and_changed_items() {
    let report = regen_check(
        &fixture_text("old.yaml"),
        &fixture_text("new.yaml"),
        "old.yaml",
        "new.yaml",
    )
    .unwrap();
    let text = report.to_text();
    let expected = [
        "regen-check: old.yaml -> new.yaml\n",
        "14 added, 6 removed, 2 changed signature, 1 check(s) before sending changed\n",
        // A property added: the field and its builder method.
        "\nAdded:\n  + field types::Pet.color: ::std::option::Option<::std::string::String> #[serde(skip_serializing_if = \"::std::option::Option::is_none\")]\n",
        "  + method types::builder::Pet::color: fn color<T>(mut self, value: T) -> Self where T: crate::models::OptionalText\n",
        // A query parameter added: its setter on the generated parameters.
        "  + method ListPetsParams::species: fn species(mut self, value: impl Into<::std::string::String>) -> Self\n",
        // An enum added: an open enum, with the catch-all.
        "  + variant Mood::Calm: unit\n  + variant Mood::Playful: unit\n  + variant Mood::Unknown: (String)\n",
        // An operation removed: its client method, its builder and its
        // method on Providers.
        "\nRemoved:\n  - struct builder::DeletePet: struct DeletePet<'a> derive(Debug, Clone)\n",
        "  - method Client::delete_pet: fn delete_pet(&self) -> builder::DeletePet<'_>\n",
        "  - method builder::DeletePet::send: async fn send(self) -> Result<ResponseValue<()>, Error<()>>\n",
        "  - method crate::Providers::delete_pet: async fn delete_pet(&self, id: &str) -> crate::Result<()>\n",
        // A property's type changed.
        "\nChanged signature:\n  ~ field types::Pet.age\n      was: ::std::option::Option<i64> #[serde(skip_serializing_if = \"::std::option::Option::is_none\")]\n      now: ::std::option::Option<f64> #[serde(skip_serializing_if = \"::std::option::Option::is_none\")]\n",
        "  ~ method types::builder::Pet::age\n",
        // A length limit, checked by crate::validate rather than typed.
        "\nChecks before sending (crate::validate):\n  ~ Pet.name: max 50, not blank -> max 60, not blank\n",
    ];
    common::assert_mentions(&text, &expected);

    let kinds: Vec<(ItemKind, &str)> = report
        .removed
        .iter()
        .map(|item| (item.kind, item.path.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ItemKind::Struct, "builder::DeletePet"),
            (ItemKind::Method, "Client::delete_pet"),
            (ItemKind::Method, "builder::DeletePet::id"),
            (ItemKind::Method, "builder::DeletePet::new"),
            (ItemKind::Method, "builder::DeletePet::send"),
            (ItemKind::Method, "crate::Providers::delete_pet"),
        ]
    );
}

#[test]
fn the_same_spec_changes_nothing() {
    let old = generate(&fixture_text("old.yaml")).unwrap();
    let again = generate(&fixture_text("old.yaml")).unwrap();
    let report = xtask::regen::compare_generations(&old, &again);
    assert!(report.is_empty(), "{report:#?}");
    assert!(report.to_text().ends_with("no public API changes\n"));
}

#[test]
fn the_real_spec_generates_with_build_rs_settings() {
    let text = std::fs::read_to_string(common::real_spec_path()).unwrap();
    let generated = generate(&text).unwrap();
    let api = public_api(&generated.client);
    let field = |path: &str| api.get(&(ItemKind::Field, path.to_owned())).cloned();
    // The replacements of build.rs are in force: open enums and secrets.
    assert!(
        field("types::CreatedProvider.source_of_joining")
            .unwrap()
            .starts_with("::std::option::Option<crate::models::SourceOfJoining>"),
        "{api:#?}"
    );
    assert!(field("types::ImportProviderWithCaqh.caqh_password")
        .unwrap()
        .starts_with("crate::secret::CaqhSecret"));
    // Length limits are taken out (no constrained newtypes) into the table.
    assert_eq!(
        field("types::ProviderListing.email").as_deref(),
        Some("::std::string::String")
    );
    assert!(generated.limits.contains(
        "Limit { schema: \"ImportProviderWithCaqh\", field: \"caqh_password\", min: Some(6), max: None, email: false, not_blank: true, min_items: None },"
    ));
    assert!(api.contains_key(&(ItemKind::Method, "Client::list_providers".to_owned())));
    assert!(api.contains_key(&(ItemKind::Method, "builder::ListProviders::send".to_owned())));
}

#[test]
fn a_spec_progenitor_refuses_is_an_error() {
    let error =
        generate("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
    assert!(error.contains("3.0.x only"), "{error}");
    let error = generate("not: [valid").unwrap_err();
    assert!(error.starts_with("not YAML"), "{error}");
}

#[test]
fn cli_with_old_and_new_paths() {
    let output = xtask(&[
        "spec",
        "regen-check",
        "--old",
        &fixture_path("old.yaml"),
        "--new",
        &fixture_path("new.yaml"),
    ]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(
        stdout.contains("  - method Client::delete_pet: "),
        "{stdout}"
    );

    let output = xtask(&[
        "spec",
        "regen-check",
        "--old",
        &fixture_path("old.yaml"),
        "--new",
        &fixture_path("new.yaml"),
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["added"].as_array().unwrap().len(), 14);
    assert_eq!(report["removed"][1]["path"], "Client::delete_pet");
    assert_eq!(report["removed"][1]["kind"], "method");
    assert_eq!(report["changed"][0]["path"], "types::Pet.age");
    assert_eq!(report["limits"][0]["field"], "Pet.name");
    assert_eq!(report["limits"][0]["old"], "max 50, not blank");
}

#[test]
fn cli_against_a_git_revision() {
    // HEAD's spec against the working one; in a checkout where git cannot
    // run (no git, not a repository) the command says so.
    let output = xtask(&["spec", "regen-check", "--base", "HEAD"]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    match output.status.code() {
        Some(0) => assert!(
            stdout.starts_with("regen-check: HEAD:spec/assured.yaml -> "),
            "{stdout}"
        ),
        _ => {
            assert!(stderr.contains("git"), "{stderr}");
            println!("skipped: {stderr}");
        }
    }
    let output = xtask(&["spec", "regen-check", "--base", "no-such-revision-xyz"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).starts_with("error: "));
}

#[test]
fn cli_usage_errors() {
    let output = xtask(&["spec", "regen-check", "--base", "HEAD", "--old", "x.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let output = xtask(&["spec", "regen-check", "--old", "/nonexistent/old.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).starts_with("error: cannot read /nonexistent/old.yaml"));
}

/// A change to the checks alone (no type or signature changes) is still
/// reported: an email format, the blank rule, `minItems` and the batch
/// rules of an array body.
#[test]
fn a_change_to_the_checks_alone_is_reported() {
    let old = std::fs::read_to_string(common::real_spec_path()).unwrap();
    let edit = |text: &str, from: &str, to: &str| {
        assert!(text.contains(from), "{from}");
        text.replacen(from, to, 1)
    };
    // CreateProvider's email loses its format; CreateProvider's last_name
    // becomes nullable (so may be blank); the invite batch may hold two
    // providers at least and repeat emails; a practice location's
    // providers may be empty.
    let new = edit(
        &old,
        "      required: [email, first_name, last_name]\n      properties:\n        email: {type: string, format: email, maxLength: 254}\n        first_name: {type: string, maxLength: 150}\n        last_name: {type: string, maxLength: 150}\n",
        "      required: [email, first_name, last_name]\n      properties:\n        email: {type: string, maxLength: 254}\n        first_name: {type: string, maxLength: 150}\n        last_name: {type: string, maxLength: 150, nullable: true}\n",
    );
    let new = edit(
        &new,
        "      minItems: 1\n      x-unique-by: email\n",
        "      minItems: 2\n",
    );
    let new = edit(
        &new,
        "          type: array\n          minItems: 1\n",
        "          type: array\n",
    );
    let report = regen_check(&old, &new, "old", "new").unwrap();
    common::assert_mentions(
        &report.to_text(),
        &[
            "  ~ CreateProvider.email: max 254, email, not blank -> max 254, not blank\n",
            "  ~ CreateProvider.last_name: max 150, not blank -> max 150\n",
            "  ~ InviteProviderList[]: min_items 1, unique email -> min_items 2\n",
            "PracticeLocationProviders.providers",
        ],
    );
    assert_eq!(report.limits.len(), 4, "{}", report.to_text());
}
