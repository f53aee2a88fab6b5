//! `cargo xtask msrv`: the dependency graph it walks, the manifests it
//! reads from a (fake) registry cache, and its verdict.

use std::{fs, path::Path, process::Command};

use serde_json::{json, Value};
use xtask::msrv::{check, manifest_rust_version, used_packages, Locked, RustVersion};

const REGISTRY: &str = "registry+https://github.com/rust-lang/crates.io-index";

fn id(name: &str) -> String {
    format!("{REGISTRY}#{name}@1.0.0")
}

fn package(name: &str, source: Option<&str>) -> Value {
    let id = if source.is_some() {
        id(name)
    } else {
        format!("path+file:///ws/{name}#0.1.0")
    };
    json!({"id": id, "name": name, "version": if source.is_some() { "1.0.0" } else { "0.1.0" },
           "source": source, "rust_version": if name == "root" { Some("1.88") } else { None }})
}

fn dep(name: &str, kinds: &[Option<&str>]) -> Value {
    let kinds: Vec<Value> = kinds
        .iter()
        .map(|k| json!({"kind": k, "target": null}))
        .collect();
    json!({"name": name, "pkg": id(name), "dep_kinds": kinds})
}

/// root -> normal (-> deep), build, dev (-> dev_only), both (normal and dev),
/// and a path package `local`; `unused` is locked but unreachable.
fn metadata() -> Value {
    let names = [
        "normal", "deep", "build", "dev", "dev_only", "both", "unused",
    ];
    let mut packages: Vec<Value> = names.iter().map(|n| package(n, Some(REGISTRY))).collect();
    packages.push(package("root", None));
    packages.push(package("local", None));
    let root_id = packages[7]["id"].clone();
    let local_id = packages[8]["id"].clone();
    json!({
        "packages": packages,
        "resolve": {"nodes": [
            {"id": root_id, "deps": [
                dep("normal", &[None]),
                dep("build", &[Some("build")]),
                dep("dev", &[Some("dev")]),
                dep("both", &[Some("dev"), None]),
                {"name": "local", "pkg": local_id, "dep_kinds": [{"kind": null, "target": null}]},
            ]},
            {"id": id("normal"), "deps": [dep("deep", &[None])]},
            {"id": id("dev"), "deps": [dep("dev_only", &[None])]},
            {"id": local_id, "deps": []},
            {"id": id("deep"), "deps": []},
            {"id": id("build"), "deps": []},
            {"id": id("both"), "deps": []},
            {"id": id("dev_only"), "deps": []},
            {"id": id("unused"), "deps": []},
        ]}
    })
}

fn locked(names: &[&str]) -> Vec<Locked> {
    names
        .iter()
        .map(|n| Locked {
            name: n.to_string(),
            version: "1.0.0".into(),
        })
        .collect()
}

fn v(text: &str) -> RustVersion {
    RustVersion::parse(text).unwrap()
}

/// A fake `registry/src/<index>` holding `name-1.0.0/Cargo.toml` for each
/// (name, rust-version) pair.
fn registry(root: &Path, index: &str, crates: &[(&str, Option<&str>)]) -> std::path::PathBuf {
    let dir = root.join("registry/src").join(index);
    for (name, rust_version) in crates {
        let crate_dir = dir.join(format!("{name}-1.0.0"));
        fs::create_dir_all(&crate_dir).unwrap();
        let line = rust_version
            .map(|v| format!("rust-version = \"{v}\"\n"))
            .unwrap_or_default();
        fs::write(
            crate_dir.join("Cargo.toml"),
            format!("[package]\nedition = \"2021\"\n{line}name = \"{name}\"\nversion = \"1.0.0\"\n\n[dependencies.x]\nrust-version = \"9.9\"\n"),
        )
        .unwrap();
    }
    dir
}

#[test]
fn the_graph_is_normal_and_build_dependencies_from_the_registry() {
    let (claim, used) = used_packages(&metadata(), "root").unwrap();
    assert_eq!(claim, Some(v("1.88")));
    // Not dev, not dev's own deps, not the path package, not the unreachable.
    assert_eq!(used, locked(&["both", "build", "deep", "normal"]));
    assert!(used_packages(&metadata(), "missing").is_err());
}

#[test]
fn a_package_above_the_claim_fails_and_is_named() {
    let home = tempfile::tempdir().unwrap();
    // Two registry indexes: packages are found in either.
    let first = registry(
        home.path(),
        "index-a",
        &[("normal", Some("1.70")), ("build", Some("1.89.0"))],
    );
    let second = registry(
        home.path(),
        "index-b",
        &[("deep", Some("1.85")), ("both", None)],
    );
    let used = locked(&["both", "build", "deep", "normal"]);
    let report = check(v("1.88"), &used, &[first.clone(), second.clone()]).unwrap();
    assert!(!report.is_ok());
    assert_eq!(report.checked, 4);
    assert_eq!(report.offending.len(), 1);
    assert_eq!(report.offending[0].package.name, "build");
    assert_eq!(report.max, Some((v("1.89"), locked(&["build"]))));
    let text = report.to_text();
    assert!(
        text.contains("error: build 1.0.0 needs rust 1.89, the workspace claims 1.88"),
        "{text}"
    );

    let report = check(v("1.89"), &used, &[first, second]).unwrap();
    assert!(report.is_ok(), "{}", report.to_text());
    assert!(report
        .to_text()
        .starts_with("msrv OK: rust-version 1.89 covers 4"));
}

#[test]
fn a_package_missing_from_the_cache_gives_no_verdict() {
    let home = tempfile::tempdir().unwrap();
    let dir = registry(home.path(), "index", &[("normal", Some("1.60"))]);
    let error = check(v("1.88"), &locked(&["normal", "deep"]), &[dir]).unwrap_err();
    assert!(error.contains("deep-1.0.0"), "{error}");
    assert!(!error.contains("normal-1.0.0"), "{error}");
}

#[test]
fn registry_dirs_come_from_cargo_home_else_home() {
    let home = tempfile::tempdir().unwrap();
    let dir = registry(home.path(), "index", &[("normal", None)]);
    let from_cargo_home = xtask::msrv::registry_dirs(Some(home.path().into()), None);
    assert_eq!(from_cargo_home, [dir]);
    let user = tempfile::tempdir().unwrap();
    fs::create_dir_all(user.path().join(".cargo")).unwrap();
    fs::rename(
        home.path().join("registry"),
        user.path().join(".cargo/registry"),
    )
    .unwrap();
    let from_home = xtask::msrv::registry_dirs(None, Some(user.path().into()));
    assert_eq!(from_home, [user.path().join(".cargo/registry/src/index")]);
}

#[test]
fn manifests_and_versions_parse() {
    let manifest = "[package]\nname = \"x\"\nrust-version = \"1.89.0\"\n";
    assert_eq!(manifest_rust_version(manifest), Some(v("1.89")));
    // Only the [package] table's key counts.
    assert_eq!(
        manifest_rust_version("[package]\nname = \"x\"\n[lints]\nrust-version = \"1.2\"\n"),
        None
    );
    // Numeric, not textual, order.
    assert!(v("1.9") < v("1.10"));
    assert!(v("1.89") < v("1.89.1"));
    assert_eq!(v("1.89.0").to_string(), "1.89");
    assert_eq!(RustVersion::parse("1.x"), None);
    assert_eq!(RustVersion::parse("1"), None);
}

/// The real workspace: its claim holds, and the graph has the build
/// dependencies but not the dev-dependencies.
#[test]
fn the_workspace_claim_holds() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("msrv")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("msrv OK: rust-version 1.89 "),
        "{stdout}"
    );

    let metadata =
        xtask::msrv::metadata(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))).unwrap();
    let (_, used) = used_packages(&metadata, "assured").unwrap();
    let has = |name: &str| used.iter().any(|p| p.name == name);
    assert!(has("uuid") && has("progenitor") && has("polars"));
    assert!(!has("httpmock") && !has("proptest"));
}
