//! Checks that build the crate itself: the public-API snapshot
//! (`cargo xtask api`) and the proof that a query parameter added to the
//! spec reaches the wire with no handwritten edit (`cargo xtask spec
//! added-filter`).

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
    process::Stdio,
};

/// The rustdoc JSON format the pinned `public-api` reads, and its version.
const RUSTDOC_FORMAT: u64 = 57;
const PUBLIC_API: &str = "0.52.1";

/// The committed snapshot of the library's public API.
pub const API_SNAPSHOT: &str = "tests/snapshots/public-api.txt";

/// The whole public API of `assured` (all features, generated and
/// handwritten items alike), one item per line, as `public-api` prints it
/// from rustdoc's JSON. Blanket impls (`impl<T> From<T> for T`, ...) are
/// left out: they change with no edit of ours.
pub fn public_api(root: &Path) -> Result<String, String> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("docsrs");
    // rustdoc's JSON output is unstable; the stable toolchain gives it with
    // RUSTC_BOOTSTRAP, in the target directory of the docs.rs-style build.
    let status = crate::cargo()
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTC_BOOTSTRAP", "1")
        .args([
            "rustdoc",
            "-p",
            "assured",
            "--lib",
            "--all-features",
            "--quiet",
            "--",
        ])
        .args(["-Z", "unstable-options", "--output-format", "json"])
        .status()
        .map_err(|e| format!("cannot run cargo rustdoc: {e}"))?;
    if !status.success() {
        return Err(format!("cargo rustdoc failed: {status}"));
    }
    let json = target.join("doc").join("assured.json");
    // public-api reads one rustdoc JSON format; another toolchain writes
    // another. Say so, rather than fail to parse.
    #[derive(serde::Deserialize)]
    struct Header {
        format_version: u64,
    }
    let format = serde_json::from_str::<Header>(&crate::read(&json)?)
        .ok()
        .map(|header| header.format_version);
    if format != Some(RUSTDOC_FORMAT) {
        return Err(format!(
            "rustdoc wrote JSON format {format:?}; public-api {PUBLIC_API} reads format {RUSTDOC_FORMAT} \
             (Rust 1.95): pin the public-api release for this toolchain in xtask/Cargo.toml"
        ));
    }
    let api = public_api::Builder::from_rustdoc_json(&json)
        .omit_blanket_impls(true)
        .build()
        .map_err(|e| format!("{}: {e}", json.display()))?;
    Ok(api.items().map(|item| format!("{item}\n")).collect())
}

/// The lines only in `old` and the lines only in `new`.
pub fn api_diff(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let old: BTreeSet<&str> = old.lines().collect();
    let new: BTreeSet<&str> = new.lines().collect();
    (
        old.difference(&new).map(|s| s.to_string()).collect(),
        new.difference(&old).map(|s| s.to_string()).collect(),
    )
}

/// The filters `added-filter` adds to `list_providers`, as the spec writes
/// them: a text, a comma-separated list, and an account id by `$ref` to
/// the spec's typed id.
pub const ADDED_FILTERS: &str = "[{name: specialty, in: query, required: false, \
     description: Filter by specialty (added by cargo xtask spec added-filter)., \
     schema: {type: string}}, \
     {name: supervisor, in: query, required: false, \
     description: Only providers this account supervises (added by cargo xtask spec added-filter)., \
     schema: {$ref: '#/components/schemas/AccountId'}}, \
     {name: taxonomy_in, in: query, required: false, style: form, explode: false, \
     description: Only these taxonomy codes (added by cargo xtask spec added-filter)., \
     schema: {type: array, items: {type: string}}}]";

/// The API key header and the server the proof's spec also changes to and
/// adds: the client must follow the spec there too.
pub const RENAMED_KEY_HEADER: &str = "x-assured-key";
pub const ADDED_SERVER: &str = "{url: 'https://sandbox.example', description: Sandbox (added by cargo xtask spec added-filter)}";

/// A path the proof adds, with two operations whose methods nobody wrote:
/// a plain UUID, an account id and a number in the path (given once, on
/// the path item), a body with a length limit, and a 204.
pub const ADDED_PATH: &str =
    "/api/v1/users/practice-locations/{location}/providers/{id}/notes/{n}/";
pub const ADDED_OPERATIONS: &str = "{parameters: [\
     {name: location, in: path, required: true, schema: {type: string, format: uuid}}, \
     {name: id, in: path, required: true, schema: {$ref: '#/components/schemas/AccountId'}}, \
     {name: n, in: path, required: true, schema: {type: integer, format: int64}}], \
     post: {operationId: add_provider_note, summary: Add a note (added by cargo xtask spec added-filter)., \
     requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/ProviderNote'}}}}, \
     responses: {'201': {description: The note., content: {application/json: {schema: {$ref: '#/components/schemas/ProviderNote'}}}}}}, \
     delete: {operationId: remove_provider_note, summary: Remove a note (added by cargo xtask spec added-filter)., \
     responses: {'204': {description: Removed.}}}}";
pub const ADDED_SCHEMA: &str =
    "{type: object, required: [text], properties: {text: {type: string, maxLength: 20}}}";

/// `spec_text` with [`ADDED_FILTERS`] among `list_providers`' parameters,
/// [`ADDED_OPERATIONS`] at [`ADDED_PATH`] (their body [`ADDED_SCHEMA`], as
/// `ProviderNote`), its API key header renamed to [`RENAMED_KEY_HEADER`]
/// and [`ADDED_SERVER`] among its servers.
pub fn with_added_filter(spec_text: &str) -> Result<String, String> {
    let mut doc: serde_yaml::Value =
        serde_yaml::from_str(spec_text).map_err(|e| format!("not YAML: {e}"))?;
    let filters: Vec<serde_yaml::Value> =
        serde_yaml::from_str(ADDED_FILTERS).map_err(|e| e.to_string())?;
    let params = doc
        .get_mut("paths")
        .and_then(|p| p.get_mut("/api/v1/users/providers-list/"))
        .and_then(|p| p.get_mut("get"))
        .and_then(|g| g.get_mut("parameters"))
        .and_then(|p| p.as_sequence_mut())
        .ok_or("the spec has no GET /api/v1/users/providers-list/ with parameters")?;
    params.extend(filters);
    let yaml =
        |text: &str| serde_yaml::from_str::<serde_yaml::Value>(text).map_err(|e| e.to_string());
    let paths = doc
        .get_mut("paths")
        .and_then(|p| p.as_mapping_mut())
        .ok_or("the spec has no paths")?;
    paths.insert(ADDED_PATH.into(), yaml(ADDED_OPERATIONS)?);
    doc.get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(|s| s.as_mapping_mut())
        .ok_or("the spec has no component schemas")?
        .insert("ProviderNote".into(), yaml(ADDED_SCHEMA)?);
    let header = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
        .and_then(|s| s.get_mut("apiKeyAuth"))
        .and_then(|k| k.get_mut("name"))
        .ok_or("the spec has no apiKeyAuth security scheme")?;
    *header = RENAMED_KEY_HEADER.into();
    let server: serde_yaml::Value =
        serde_yaml::from_str(ADDED_SERVER).map_err(|e| e.to_string())?;
    doc.get_mut("servers")
        .and_then(|s| s.as_sequence_mut())
        .ok_or("the spec has no servers")?
        .push(server);
    serde_yaml::to_string(&doc).map_err(|e| e.to_string())
}

/// Generates the crate from the spec as [`with_added_filter`] edits it and
/// runs `tests/added_filter.rs` against it; the test must have run and
/// passed.
pub fn added_filter(root: &Path) -> Result<(), String> {
    let spec = crate::read(&root.join("spec/assured.yaml"))?;
    let dir = root.join("target").join("added-filter");
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("assured.yaml");
    fs::write(&path, with_added_filter(&spec)?).map_err(|e| e.to_string())?;
    // Cargo's progress goes straight to the terminal; the test's report is
    // read for the line that proves it ran.
    let output = crate::cargo()
        .current_dir(root)
        .env("ASSURED_SPEC", &path)
        .args([
            "test",
            "-p",
            "assured",
            "--features",
            "sandbox",
            "--test",
            "added_filter",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    // A test that was compiled out would "pass" with 0 tests: require it.
    let ran = [
        "test a_filter_added_to_the_spec_reaches_the_wire ... ok",
        "test the_sandbox_follows_the_renamed_key_header ... ok",
        "test operations_added_to_the_spec_are_methods ... ok",
    ]
    .iter()
    .all(|line| stdout.contains(line));
    if output.status.success() && ran {
        Ok(())
    } else {
        Err("the added filter did not reach the wire (see the test output above)".into())
    }
}
