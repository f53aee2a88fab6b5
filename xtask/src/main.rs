//! `cargo xtask`: project automation for the `assured` workspace.
//!
//! ```text
//! cargo xtask spec [PATH]   check the OpenAPI document (default spec/assured.yaml)
//! ```
//!
//! Exit status: 0 when the command succeeds, 1 when it finds problems or
//! cannot read its input, 2 for a usage error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// The document `cargo xtask spec` checks when given no path.
const DEFAULT_SPEC: &str = "spec/assured.yaml";

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Project automation for the assured workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the OpenAPI document before progenitor generates the client from it.
    Spec(SpecArgs),
}

/// Arguments of `cargo xtask spec`.
///
/// Later actions on the spec (`drift`, `regen-check`) go in as an optional
/// `#[command(subcommand)]` field here, with
/// `#[command(args_conflicts_with_subcommands = true)]`, leaving bare
/// `spec [PATH]` as the check.
#[derive(Debug, Args)]
struct SpecArgs {
    /// The OpenAPI document, YAML or JSON [default: spec/assured.yaml in the
    /// workspace root]. A relative path is taken from the current directory,
    /// or else from the workspace root.
    path: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Spec(args) => spec(&args),
    }
}

fn spec(args: &SpecArgs) -> ExitCode {
    let path = spec_path(args.path.as_deref());
    let doc = match xtask::load_document(&path) {
        Ok(doc) => doc,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let report = xtask::check_spec_report(&doc);
    if report.is_ok() {
        println!(
            "spec OK: {} operations, {} schemas, {} examples validated",
            report.operations, report.schemas, report.examples
        );
        return ExitCode::SUCCESS;
    }
    for problem in &report.problems {
        eprintln!("error: {problem}");
    }
    eprintln!(
        "spec FAILED: {}: {} problem(s)",
        path.display(),
        report.problems.len()
    );
    ExitCode::FAILURE
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn spec_path(given: Option<&Path>) -> PathBuf {
    match given {
        None => workspace_root().join(DEFAULT_SPEC),
        Some(path) if path.is_absolute() || path.exists() => path.to_path_buf(),
        Some(path) => workspace_root().join(path),
    }
}
