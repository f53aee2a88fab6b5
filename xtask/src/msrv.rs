//! `cargo xtask msrv`: is the workspace's `rust-version` claim true of the
//! locked dependencies?
//!
//! The graph is the one `cargo metadata` resolves for the `assured` library
//! with all features: its normal and build dependencies, transitively (a
//! build-dependency that needs a newer rustc breaks an old toolchain just as
//! a normal one does); dev-dependencies are left out, as users never build
//! them. Each registry package's `rust-version` is read from its published
//! `Cargo.toml` in the local registry cache, so the check runs offline.

use std::{
    cmp::Ordering,
    collections::{BTreeSet, HashMap},
    fmt,
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;

/// A Rust version as `rust-version` writes it: `1.89` or `1.89.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RustVersion {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch (0 when left out).
    pub patch: u64,
}

impl RustVersion {
    /// Parses `1.89` or `1.89.0`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(patch) => patch.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Self {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for RustVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written as the claim is usually written: 1.89, not 1.89.0.
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

/// A locked package of the graph, by name and version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Locked {
    /// The package name.
    pub name: String,
    /// The exact locked version.
    pub version: String,
}

/// The `rust-version` of each package that declares one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The package.
    pub package: Locked,
    /// What its manifest declares.
    pub rust_version: RustVersion,
}

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The workspace's claim.
    pub claim: RustVersion,
    /// How many registry packages were read.
    pub checked: usize,
    /// The highest `rust-version` of them, with the packages declaring it.
    pub max: Option<(RustVersion, Vec<Locked>)>,
    /// Packages needing more than the claim, highest first.
    pub offending: Vec<Found>,
}

impl Report {
    /// Whether the claim holds.
    pub fn is_ok(&self) -> bool {
        self.offending.is_empty()
    }

    /// The report for people.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        let max = match &self.max {
            Some((version, packages)) => format!(
                "{version} ({})",
                packages
                    .iter()
                    .map(|p| format!("{} {}", p.name, p.version))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "none declared".to_string(),
        };
        if self.is_ok() {
            text.push_str(&format!(
                "msrv OK: rust-version {} covers {} registry packages; highest needed: {max}\n",
                self.claim, self.checked
            ));
        } else {
            for found in &self.offending {
                text.push_str(&format!(
                    "error: {} {} needs rust {}, the workspace claims {}\n",
                    found.package.name, found.package.version, found.rust_version, self.claim
                ));
            }
            text.push_str(&format!(
                "msrv FAILED: {} package(s) need more than rust-version {}; highest needed: {max}\n",
                self.offending.len(),
                self.claim
            ));
        }
        text
    }
}

/// `cargo metadata` of the workspace at `root`, offline, all features, for
/// this host's platform.
pub fn metadata(root: &Path) -> Result<Value, String> {
    // Unfiltered, cargo wants the manifests of every platform's crates
    // (android, windows), which an offline cache need not hold.
    let host = host_triple()?;
    let output = crate::cargo()
        .current_dir(root)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--all-features",
        ])
        .args(["--filter-platform", &host])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: not JSON: {e}"))
}

/// This machine's target triple, from `rustc -vV`.
fn host_triple() -> Result<String, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(|host| host.trim().to_string())
        .ok_or_else(|| "rustc -vV printed no host".to_string())
}

/// The registry packages `root` (a workspace package name) builds with:
/// normal and build dependencies, transitively, from `cargo metadata`'s
/// JSON. Also returns the root's `rust-version` claim.
pub fn used_packages(
    metadata: &Value,
    root: &str,
) -> Result<(Option<RustVersion>, Vec<Locked>), String> {
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata: no packages")?;
    let by_id: HashMap<&str, &Value> = packages
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let root_package = packages
        .iter()
        .find(|p| p["name"] == root && p["source"].is_null())
        .ok_or_else(|| format!("cargo metadata: no workspace package {root}"))?;
    let claim = root_package["rust_version"]
        .as_str()
        .and_then(RustVersion::parse);
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("cargo metadata: no resolve graph (was --no-deps given?)")?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let mut seen = BTreeSet::new();
    let mut stack = vec![root_package["id"].as_str().unwrap_or_default()];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(node) = nodes.get(id) else { continue };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let built = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if let (true, Some(pkg)) = (built, dep["pkg"].as_str()) {
                stack.push(pkg);
            }
        }
    }
    let mut used: Vec<Locked> = seen
        .into_iter()
        .filter_map(|id| by_id.get(id))
        .filter(|p| {
            p["source"]
                .as_str()
                .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"))
        })
        .filter_map(|p| {
            Some(Locked {
                name: p["name"].as_str()?.to_string(),
                version: p["version"].as_str()?.to_string(),
            })
        })
        .collect();
    used.sort();
    Ok((claim, used))
}

/// The directories holding unpacked registry crates:
/// `$CARGO_HOME/registry/src/*`, else `~/.cargo/registry/src/*`.
pub fn registry_dirs(cargo_home: Option<PathBuf>, home: Option<PathBuf>) -> Vec<PathBuf> {
    let Some(cargo_home) = cargo_home.or_else(|| home.map(|h| h.join(".cargo"))) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cargo_home.join("registry").join("src"))
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The `rust-version` in the `[package]` table of a published manifest.
///
/// Published manifests are normalised by cargo (no `workspace = true`, one
/// key per line), so a line scan is enough and needs no TOML parser.
pub fn manifest_rust_version(manifest: &str) -> Option<RustVersion> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() == "rust-version" {
            return RustVersion::parse(value.trim().trim_matches('"'));
        }
    }
    None
}

/// Reads every package's manifest from `registries` and compares with `claim`.
pub fn check(
    claim: RustVersion,
    used: &[Locked],
    registries: &[PathBuf],
) -> Result<Report, String> {
    let mut missing = Vec::new();
    let mut found = Vec::new();
    for package in used {
        let dir = format!("{}-{}", package.name, package.version);
        let Some(manifest) = registries
            .iter()
            .map(|r| r.join(&dir).join("Cargo.toml"))
            .find(|p| p.is_file())
        else {
            missing.push(dir);
            continue;
        };
        let text = crate::read(&manifest)?;
        if let Some(rust_version) = manifest_rust_version(&text) {
            found.push(Found {
                package: package.clone(),
                rust_version,
            });
        }
    }
    // A package we cannot read could be the one that needs more: no verdict.
    if !missing.is_empty() {
        return Err(format!(
            "not in the registry cache ({}): {}; run `cargo fetch` first",
            registries
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            missing.join(", ")
        ));
    }
    let max = found.iter().map(|f| f.rust_version).max().map(|version| {
        let packages = found
            .iter()
            .filter(|f| f.rust_version == version)
            .map(|f| f.package.clone())
            .collect();
        (version, packages)
    });
    let mut offending: Vec<Found> = found
        .into_iter()
        .filter(|f| f.rust_version.cmp(&claim) == Ordering::Greater)
        .collect();
    offending.sort_by(|a, b| {
        b.rust_version
            .cmp(&a.rust_version)
            .then(a.package.cmp(&b.package))
    });
    Ok(Report {
        claim,
        checked: used.len(),
        max,
        offending,
    })
}
