//! The `xtask` binary: exit statuses and messages.

mod common;

use std::process::{Command, Output};

use common::{fixture_path, real_spec_path};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        // Prove the default path does not depend on the current directory.
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn real_spec_passes_by_default() {
    let output = xtask(&["spec"]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(stdout.starts_with("spec OK: "), "{stdout}");
    assert!(
        stdout.contains(" operations, ") && stdout.contains(" examples validated"),
        "{stdout}"
    );
}

#[test]
fn real_spec_passes_by_path() {
    let path = real_spec_path();
    let output = xtask(&["spec", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn broken_fixture_fails_with_its_problem() {
    let path = fixture_path("two_error_bodies.yaml");
    let output = xtask(&["spec", path.to_str().unwrap()]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with("error: GET /pets (list_pets): 2 distinct error response body types"),
        "{stderr}"
    );
    assert!(stderr.contains("spec FAILED"), "{stderr}");
}

#[test]
fn relative_path_from_the_workspace_root() {
    let output = xtask(&["spec", "xtask/tests/fixtures/missing_description.yaml"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: GET /pets (list_pets): has no description"),
        "{stderr}"
    );
}

#[test]
fn missing_file_fails() {
    let output = xtask(&["spec", "/nonexistent/spec.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).starts_with("error: cannot read /nonexistent/spec.yaml"));
}

#[test]
fn unknown_arguments_are_usage_errors() {
    for args in [
        &["frobnicate"][..],
        &["spec", "a", "b"],
        &["spec", "--nope"],
        &[],
    ] {
        let output = xtask(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            text(&output.stderr).contains("Usage: cargo xtask"),
            "{args:?}"
        );
    }
}
