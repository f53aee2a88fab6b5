//! Generates the raw client from `spec/assured.yaml` with progenitor.
//!
//! The generated code lands in `OUT_DIR` and is never committed or edited.
//! How it is generated lives in `build/codegen.rs`, shared with
//! `cargo xtask spec regen-check`. A spec progenitor cannot handle stops
//! the build with one readable line naming the problem (and a pointer to
//! `cargo xtask spec`), not a backtrace.

#[path = "build/codegen.rs"]
mod codegen;

use std::{env, fs, path::PathBuf, process};

const SPEC: &str = "spec/assured.yaml";

/// Another spec to generate from, for `cargo xtask spec added-filter`: it
/// proves a parameter added to the spec reaches the wire with no
/// handwritten edit (`tests/added_filter.rs`, compiled only then).
const SPEC_OVERRIDE: &str = "ASSURED_SPEC";

fn main() {
    println!("cargo:rerun-if-env-changed={SPEC_OVERRIDE}");
    println!("cargo:rustc-check-cfg=cfg(assured_spec_override)");
    let spec = match env::var(SPEC_OVERRIDE) {
        Ok(path) if !path.is_empty() => {
            println!("cargo:rustc-cfg=assured_spec_override");
            path
        }
        _ => SPEC.to_string(),
    };
    println!("cargo:rerun-if-changed={spec}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/codegen.rs");
    println!("cargo:rerun-if-changed=build/operations.rs");
    println!("cargo:rerun-if-changed=build/bodies.rs");
    if let Err(message) = generate(&spec) {
        eprintln!("error: {spec}: {message}");
        eprintln!("hint: `cargo xtask spec` checks the spec and names the faulty operation");
        process::exit(1);
    }
}

fn generate(spec: &str) -> Result<(), String> {
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read: {e}"))?;
    let generated = codegen::generate(&text)?;
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    fs::write(
        out_dir.join("assured.rs"),
        prettyplease::unparse(&generated.client),
    )
    .map_err(|e| format!("cannot write: {e}"))?;
    let operations: syn::File = syn::parse_str(&generated.operations)
        .map_err(|e| format!("generated operations do not parse: {e}"))?;
    fs::write(
        out_dir.join("operations.rs"),
        prettyplease::unparse(&operations),
    )
    .map_err(|e| format!("cannot write: {e}"))?;
    fs::write(out_dir.join("enums.rs"), generated.enums)
        .map_err(|e| format!("cannot write: {e}"))?;
    fs::write(out_dir.join("limits.rs"), generated.limits).map_err(|e| format!("cannot write: {e}"))
}
