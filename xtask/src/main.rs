//! `cargo xtask`: project automation for the `assured` workspace.
//!
//! ```text
//! cargo xtask spec [PATH]                 check the OpenAPI document (default spec/assured.yaml)
//! cargo xtask spec drift UPSTREAM [--json] [--strict] [--suggest]
//!                                         compare spec/ with an upstream OpenAPI document
//! cargo xtask spec regen-check [--base REV | --old PATH] [--new PATH] [--json]
//!                                         list the public items of the client a spec edit changes
//! cargo xtask spec added-filter           prove filters and operations added to the spec reach the wire, no code edited
//! cargo xtask api [--bless]               diff the public API with tests/snapshots/public-api.txt
//! cargo xtask msrv                        check the rust-version claim against the locked dependencies
//! ```
//!
//! Exit status: 0 when the command succeeds, 1 when it finds problems (for
//! `drift`: differences not recorded in `spec/divergences.yaml`) or cannot
//! read its input, 2 for a usage error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// The document `cargo xtask spec` checks when given no path.
const DEFAULT_SPEC: &str = "spec/assured.yaml";
/// The divergences file `spec drift` reads beside the spec by default.
const DIVERGENCES_FILE: &str = "divergences.yaml";

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
    /// Check the workspace's rust-version against the locked dependencies.
    ///
    /// Reads the graph of the `assured` library (all features, normal and
    /// build dependencies, this host's platform) from `cargo metadata
    /// --offline`, and each registry package's rust-version from its
    /// Cargo.toml in $CARGO_HOME/registry/src. Exit 1, naming the packages,
    /// when one needs a newer Rust than the workspace claims.
    Msrv,
    /// Compare the library's whole public API (generated and handwritten,
    /// all features) with the committed snapshot, tests/snapshots/public-api.txt.
    ///
    /// Exit 1, listing the items removed and added, when they differ; with
    /// --bless, write the snapshot instead. Every change to the public API
    /// then shows in review as a change to that file.
    Api {
        /// Write the snapshot from the current API.
        #[arg(long)]
        bless: bool,
    },
}

/// Arguments of `cargo xtask spec`: bare `spec [PATH]` checks the document;
/// the subcommands are other actions on the spec.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
struct SpecArgs {
    /// The OpenAPI document, YAML or JSON [default: spec/assured.yaml in the
    /// workspace root]. A relative path is taken from the current directory,
    /// or else from the workspace root.
    path: Option<PathBuf>,

    #[command(subcommand)]
    action: Option<SpecAction>,
}

#[derive(Debug, Subcommand)]
enum SpecAction {
    /// Compare our spec with an upstream OpenAPI document.
    ///
    /// The upstream document may be OpenAPI 3.0 or 3.1, YAML or JSON; the
    /// operations our spec has are compared with it (matched by method and
    /// path). Exit 0 when nothing differs beyond what spec/divergences.yaml
    /// records, 1 when something new does.
    Drift(DriftArgs),
    /// List the public items of the generated client that a spec edit changes.
    ///
    /// Types, fields and methods added, removed, or with a changed signature,
    /// and changed checks before sending: the material for a release note.
    RegenCheck(RegenArgs),
    /// Prove that query parameters and operations added to the spec reach
    /// the wire with no handwritten edit: generate the crate from the spec
    /// plus three filters on list_providers (a text, `specialty`, an account
    /// id, `supervisor`, and a comma-separated list, `taxonomy_in`), two
    /// operations on a new path, its API key header renamed and a server
    /// added, and run tests/added_filter.rs (with the sandbox).
    AddedFilter,
}

/// Arguments of `cargo xtask spec drift`.
#[derive(Debug, Args)]
struct DriftArgs {
    /// The upstream OpenAPI document. Its file name selects the entries of
    /// the divergences file that apply.
    upstream: PathBuf,
    /// Our spec [default: spec/assured.yaml in the workspace root].
    #[arg(long)]
    spec: Option<PathBuf>,
    /// The recorded, intended differences [default: divergences.yaml beside
    /// the spec; none when it does not exist].
    #[arg(long)]
    divergences: Option<PathBuf>,
    /// Print the report as JSON (lists `new`, `recorded`, `stale`).
    #[arg(long)]
    json: bool,
    /// Also fail (exit 1) when a recorded entry no longer differs.
    #[arg(long)]
    strict: bool,
    /// After the report, print a divergences entry (reason to fill in) for
    /// each new difference.
    #[arg(long, conflicts_with = "json")]
    suggest: bool,
}

/// Arguments of `cargo xtask spec regen-check`.
#[derive(Debug, Args)]
struct RegenArgs {
    /// The git revision whose spec/assured.yaml is the old spec.
    #[arg(long, default_value = "HEAD", conflicts_with = "old")]
    base: String,
    /// The old spec, from a file instead of git.
    #[arg(long)]
    old: Option<PathBuf>,
    /// The new spec [default: spec/assured.yaml in the workspace root].
    #[arg(long)]
    new: Option<PathBuf>,
    /// Print the report as JSON (lists `added`, `removed`, `changed`,
    /// `limits`).
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Spec(SpecArgs {
            action: Some(SpecAction::Drift(args)),
            ..
        }) => drift(&args),
        Command::Spec(SpecArgs {
            action: Some(SpecAction::RegenCheck(args)),
            ..
        }) => regen_check(&args),
        Command::Spec(SpecArgs {
            action: Some(SpecAction::AddedFilter),
            ..
        }) => report(
            xtask::proofs::added_filter(&workspace_root()),
            "added-filter",
        ),
        Command::Spec(args) => spec(&args),
        Command::Msrv => msrv(),
        Command::Api { bless } => api(bless),
    }
}

/// The package whose dependency graph `msrv` checks.
const MSRV_PACKAGE: &str = "assured";

fn msrv() -> ExitCode {
    match msrv_report() {
        Ok(report) => {
            print!("{}", report.to_text());
            if report.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn msrv_report() -> Result<xtask::msrv::Report, String> {
    let metadata = xtask::msrv::metadata(&workspace_root())?;
    let (claim, used) = xtask::msrv::used_packages(&metadata, MSRV_PACKAGE)?;
    let claim = claim.ok_or_else(|| format!("{MSRV_PACKAGE} declares no rust-version"))?;
    let registries = xtask::msrv::registry_dirs(
        std::env::var_os("CARGO_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    );
    xtask::msrv::check(claim, &used, &registries)
}

fn drift(args: &DriftArgs) -> ExitCode {
    let spec = spec_path(args.spec.as_deref());
    let upstream = input_path(&args.upstream);
    let (divergences, must_exist) = match &args.divergences {
        Some(path) => (input_path(path), true),
        None => (
            spec.parent()
                .unwrap_or(Path::new("."))
                .join(DIVERGENCES_FILE),
            false,
        ),
    };
    let report = match xtask::drift::run_drift(xtask::drift::DriftInputs {
        spec: &spec,
        upstream: &upstream,
        divergences: &divergences,
        divergences_must_exist: must_exist,
    }) {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    if args.suggest && !report.new.is_empty() {
        let label = xtask::drift::upstream_label(&upstream);
        println!(
            "
# Entries for {} (fill in each reason):",
            divergences.display()
        );
        for difference in &report.new {
            print!(
                "{}",
                xtask::drift::divergences::suggest_entry(difference, &label)
            );
        }
    }
    if !report.stale.is_empty() {
        eprintln!(
            "warning: {} entr{} in {} no longer differ{} from {}; remove {}{}",
            report.stale.len(),
            if report.stale.len() == 1 { "y" } else { "ies" },
            divergences.display(),
            if report.stale.len() == 1 { "s" } else { "" },
            xtask::drift::file_name(&upstream),
            if report.stale.len() == 1 {
                "it"
            } else {
                "them"
            },
            if args.strict {
                " (--strict: failing)"
            } else {
                ""
            }
        );
    }
    let stale_fails = args.strict && !report.stale.is_empty();
    if report.is_clean() && !stale_fails {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn regen_check(args: &RegenArgs) -> ExitCode {
    match regen_report(args) {
        Ok(report) => {
            if args.json {
                println!("{}", report.to_json());
            } else {
                print!("{}", report.to_text());
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn regen_report(args: &RegenArgs) -> Result<xtask::regen::RegenReport, String> {
    let new_path = spec_path(args.new.as_deref());
    let new_text = xtask::read(&new_path)?;
    let (old_text, old_source) = match &args.old {
        Some(path) => {
            let path = input_path(path);
            (xtask::read(&path)?, path.display().to_string())
        }
        None => {
            let object = format!("{}:{DEFAULT_SPEC}", args.base);
            (git_show(&object)?, object)
        }
    };
    let new_source = new_path.display().to_string();
    if old_text == new_text {
        return Ok(xtask::regen::RegenReport {
            old_source,
            new_source,
            ..Default::default()
        });
    }
    xtask::regen::regen_check(&old_text, &new_text, &old_source, &new_source)
}

/// `git show REV:PATH` in the workspace root (read-only).
fn git_show(object: &str) -> Result<String, String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(workspace_root())
        .args(["show", object])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git show {object}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("git show {object}: not UTF-8"))
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

/// Exit status for a check that passed or says why not.
fn report(result: Result<(), String>, name: &str) -> ExitCode {
    match result {
        Ok(()) => {
            println!("{name}: ok");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("{name} FAILED: {why}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask api [--bless]`.
fn api(bless: bool) -> ExitCode {
    let root = workspace_root();
    let snapshot = root.join(xtask::proofs::API_SNAPSHOT);
    let result = xtask::proofs::public_api(&root).and_then(|current| {
        if bless {
            return std::fs::write(&snapshot, current).map_err(|e| e.to_string());
        }
        let committed = xtask::read(&snapshot)
            .map_err(|e| format!("{e}; `cargo xtask api --bless` writes it"))?;
        let (removed, added) = xtask::proofs::api_diff(&committed, &current);
        for line in &removed {
            println!("- {line}");
        }
        for line in &added {
            println!("+ {line}");
        }
        if removed.is_empty() && added.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the public API differs from {} ({} removed, {} added); review, then `cargo xtask api --bless`",
                xtask::proofs::API_SNAPSHOT,
                removed.len(),
                added.len()
            ))
        }
    });
    report(result, "api")
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn spec_path(given: Option<&Path>) -> PathBuf {
    match given {
        None => workspace_root().join(DEFAULT_SPEC),
        Some(path) => input_path(path),
    }
}

/// A path as given: from the current directory when it exists there, else
/// from the workspace root.
fn input_path(path: &Path) -> PathBuf {
    if path.is_absolute() || path.exists() {
        path.to_path_buf()
    } else {
        workspace_root().join(path)
    }
}
