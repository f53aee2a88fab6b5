//! Project automation for the `assured` workspace, as a library so that tests
//! and later commands can reuse it.
//!
//! The centre is [`check_spec`]: it refuses an OpenAPI document that
//! progenitor 0.15 would panic on, mis-generate from, or that contradicts
//! itself (examples that do not match their schemas). [`SchemaValidator`]
//! validates JSON values against the document's schemas, for example server
//! responses in a conformance test, and [`response_schema_ref`] finds which
//! schema a given response must match.
//!
//! [`drift`] compares the spec with the vendor's OpenAPI documents (3.0 or
//! 3.1) and sorts the differences against `spec/divergences.yaml`;
//! [`regen`] generates the client from two versions of the spec as
//! `build.rs` does and lists the public items that changed. [`msrv`] checks
//! the workspace's `rust-version` against the locked dependencies.

mod check;
pub mod drift;
mod examples;
mod load;
pub mod msrv;
mod operations;
mod problem;
pub mod proofs;
mod refs;
pub mod regen;
mod responses;
mod schema;
mod shapes;
mod validate;

pub use check::{check_spec, check_spec_report, Report};
pub use load::{load_document, parse_document};
pub use operations::{find_operation, operations, Operation, METHODS};
pub use problem::{Check, Problem};
pub use refs::{follow_refs, resolve_ref};
pub use responses::response_schema_ref;
pub use schema::to_json_schema;
pub use validate::SchemaValidator;

/// A file's text, or a message naming the file.
pub fn read(path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The cargo that runs this xtask (`$CARGO`), else `cargo` on the PATH.
pub fn cargo() -> std::process::Command {
    std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
