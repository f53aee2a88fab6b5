//! Helpers shared by the xtask integration tests.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::{check_spec, load_document, Check, Problem};

/// The path of a fixture under `tests/fixtures/`.
pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fixture, loaded.
pub fn fixture(name: &str) -> Value {
    load_document(&fixture_path(name)).unwrap()
}

/// The workspace's real spec, `spec/assured.yaml`.
pub fn real_spec_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/assured.yaml")
}

/// The real spec, loaded.
pub fn real_spec() -> Value {
    load_document(&real_spec_path()).unwrap()
}

/// The one problem `check_spec` finds in `doc`, which must come from `check`.
pub fn only_problem_in(doc: &Value, check: Check) -> Problem {
    let problems = check_spec(doc);
    assert_eq!(
        problems.len(),
        1,
        "expected exactly one problem: {problems:#?}"
    );
    assert_eq!(problems[0].check, check, "{problems:#?}");
    problems[0].clone()
}

/// The one problem `check_spec` finds in a fixture.
pub fn only_problem(name: &str, check: Check) -> Problem {
    only_problem_in(&fixture(name), check)
}

/// Asserts that `text` contains every one of `needles`.
pub fn assert_mentions(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            text.contains(needle),
            "{text:?} does not mention {needle:?}"
        );
    }
}
