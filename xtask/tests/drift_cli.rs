//! `cargo xtask spec drift`: exit statuses, `--json`, `--strict`,
//! `--suggest`.

mod common;

use std::process::{Command, Output};

use serde_json::Value;

fn fixture(name: &str) -> String {
    common::fixture_path(&format!("drift/{name}"))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Runs `xtask spec drift UPSTREAM --spec ours.yaml ARGS...`.
fn drift(upstream: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "spec",
            "drift",
            &fixture(upstream),
            "--spec",
            &fixture("ours.yaml"),
        ])
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn nothing_differs_exits_0() {
    for upstream in ["upstream_same.yaml", "upstream_same.json"] {
        let output = drift(upstream, &[]);
        let stdout = text(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{stdout}{}",
            text(&output.stderr)
        );
        assert!(
            stdout.contains("0 new difference(s), 0 recorded, 0 stale entries"),
            "{stdout}"
        );
        assert!(
            stdout.ends_with("drift OK: no new differences\n"),
            "{stdout}"
        );
        assert!(output.stderr.is_empty(), "{}", text(&output.stderr));
    }
}

#[test]
fn new_differences_exit_1() {
    let output = drift("upstream_changed.yaml", &[]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    common::assert_mentions(
        &stdout,
        &[
            "(OpenAPI 3.0.3)",
            "\n  DELETE /pets/{id}/ (delete_pet)\n    (operation): operation-missing (ours: present; upstream: absent)\n",
            "    query.page: missing-here (ours: absent; upstream: integer, optional)\n",
            "drift FAILED: 41 new difference(s)",
        ],
    );
}

#[test]
fn recorded_differences_exit_0() {
    let output = drift(
        "upstream_changed.json",
        &["--divergences", &fixture("divergences_all.yaml")],
    );
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("0 new difference(s), 13 recorded, 0 stale entries"),
        "{stdout}"
    );
    assert!(
        stdout.contains("        reason: fixture reason\n"),
        "{stdout}"
    );
}

#[test]
fn stale_entries_warn_and_fail_only_with_strict() {
    let divergences = fixture("divergences_all.yaml");
    let output = drift("upstream_same.json", &["--divergences", &divergences]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("1 stale entry"), "{stdout}");
    assert!(
        stdout.contains(
            "  GET /pets/ query.search missing-upstream (entry 7, upstream: upstream_same.json)\n"
        ),
        "{stdout}"
    );
    assert!(
        stderr.starts_with("warning: 1 entry in ")
            && stderr.contains("no longer differs from upstream_same.json; remove it\n"),
        "{stderr}"
    );

    let output = drift(
        "upstream_same.json",
        &["--divergences", &divergences, "--strict"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("(--strict: failing)"));
}

#[test]
fn json_output_has_the_three_lists() {
    let output = drift(
        "upstream_changed.json",
        &["--divergences", &fixture("divergences_some.yaml"), "--json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["upstream_openapi"], "3.1.1");
    assert_eq!(report["operations"], 5);
    assert_eq!(report["new"].as_array().unwrap().len(), 10);
    assert_eq!(report["recorded"].as_array().unwrap().len(), 3);
    assert_eq!(report["stale"].as_array().unwrap().len(), 2);

    let new = report["new"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == "GET /pets/ response.200.count nullable")
        .unwrap();
    assert_eq!(
        new,
        &serde_json::json!({
            "key": "GET /pets/ response.200.count nullable",
            "operation": "GET /pets/",
            "operation_id": "list_pets",
            "where": "response.200.count",
            "kind": "nullable",
            "ours": "not nullable",
            "upstream": "nullable"
        })
    );
    let recorded = &report["recorded"][0];
    assert_eq!(recorded["kind"], "nullable");
    assert_eq!(recorded["reason"], "our pets may have no nickname or kind");
    let stale = &report["stale"][1];
    assert_eq!(
        stale,
        &serde_json::json!({
            "key": "DELETE /pets/{id}/ operation-missing",
            "upstream": ["changed"],
            "operation": "DELETE /pets/{id}/",
            "where": "",
            "kind": "operation-missing",
            "reason": "no longer differs from upstream_changed.json",
            "entry": 5
        })
    );
}

#[test]
fn suggest_prints_entries_to_fill_in() {
    let output = drift("upstream_changed.json", &["--suggest"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    let start = stdout.find("\n# Entries for ").unwrap();
    let yaml = &stdout[start..];
    assert!(
        yaml.contains("- upstream: upstream_changed\n  operation: GET /pets/\n  where: response.200.count\n  kind: nullable\n  reason: \"TODO: why we differ (ours: not nullable; upstream: nullable)\"\n"),
        "{yaml}"
    );
    // The suggestion is a valid divergences file that records everything.
    let entries = xtask::drift::parse_divergences(yaml).unwrap();
    assert_eq!(entries.len(), 13);
}

#[test]
fn input_errors_exit_1_and_usage_errors_2() {
    let output = drift("no-such-upstream.yaml", &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).starts_with("error: cannot read "));

    let output = drift(
        "upstream_same.yaml",
        &["--divergences", &fixture("no-such-divergences.yaml")],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("no-such-divergences.yaml"));

    // Not an OpenAPI document.
    let output = drift("divergences_some.yaml", &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("has no `paths`"),
        "{}",
        text(&output.stderr)
    );

    for args in [&["--json", "--suggest"][..], &["--frobnicate"]] {
        let output = drift("upstream_same.yaml", args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec", "drift"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
