//! `spec drift` of the real spec against the vendor's documents in
//! `../shared/api/upstream/` (beside the workspace), when that folder
//! exists: every difference must be recorded in `spec/divergences.yaml`.
//! The documents are never copied into the project; without them these
//! tests print a line and pass.

use std::path::{Path, PathBuf};

use xtask::drift::{run_drift, DriftInputs};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn check_against(file_name: &str) {
    let root = workspace_root();
    let upstream = root.join("../shared/api/upstream").join(file_name);
    if !upstream.exists() {
        println!("skipped: {} is absent", upstream.display());
        return;
    }
    let report = run_drift(DriftInputs {
        spec: &root.join("spec/assured.yaml"),
        upstream: &upstream,
        divergences: &root.join("spec/divergences.yaml"),
        divergences_must_exist: true,
    })
    .unwrap();
    assert!(
        report.new.is_empty(),
        "differences from {file_name} not recorded in spec/divergences.yaml:\n{}",
        report.to_text()
    );
    assert!(
        report.stale.is_empty(),
        "entries of spec/divergences.yaml that no longer differ from {file_name}:\n{}",
        report.to_text()
    );
}

#[test]
fn platform_api_differences_are_all_recorded() {
    check_against("assured-platform-api.json");
}

#[test]
fn production_schema_differences_are_all_recorded() {
    check_against("assured-production-schema.yaml");
}
