//! `spec drift`: how our spec differs from an upstream OpenAPI document, for
//! the operations our spec has.
//!
//! Both documents are read as JSON values, so the upstream one may be
//! OpenAPI 3.0 or 3.1, YAML or JSON. Operations are matched by method and
//! path. For each, [`model`] reads the query parameters, the JSON request
//! body and the success responses' JSON bodies into a normalised form,
//! [`compare`] lists the [`Difference`]s, [`divergences`] sorts them into
//! new ones and ones recorded in `spec/divergences.yaml`, and [`report`]
//! prints the outcome.

pub mod compare;
pub mod divergences;
pub mod model;
pub mod report;

use std::path::Path;

use serde_json::Value;

pub use compare::{compare_documents, Difference, Kind};
pub use divergences::{
    classify, load_divergences, parse_divergences, Classified, Divergence, Recorded,
};
pub use report::DriftReport;

use crate::load::load_document;
use crate::operations::operations;

/// Where a drift run reads its inputs.
#[derive(Debug, Clone, Copy)]
pub struct DriftInputs<'a> {
    /// Our spec.
    pub spec: &'a Path,
    /// The upstream document; its file name selects the divergences
    /// entries that apply.
    pub upstream: &'a Path,
    /// The divergences file.
    pub divergences: &'a Path,
    /// Whether a missing divergences file is an error (it was named
    /// explicitly) rather than no entries.
    pub divergences_must_exist: bool,
}

/// Runs a drift check: loads the three files, compares, and classifies.
pub fn run_drift(inputs: DriftInputs<'_>) -> Result<DriftReport, String> {
    let ours = load_document(inputs.spec)?;
    let upstream = load_document(inputs.upstream)?;
    if !upstream.get("paths").is_some_and(Value::is_object) {
        return Err(format!(
            "{} has no `paths`: not an OpenAPI document",
            inputs.upstream.display()
        ));
    }
    let divergences = load_divergences(inputs.divergences, inputs.divergences_must_exist)?;
    let differences = compare_documents(&ours, &upstream)?;
    let file_name = file_name(inputs.upstream);
    let classified = classify(differences, &divergences, &file_name);
    Ok(DriftReport::new(
        inputs.spec.display().to_string(),
        inputs.upstream.display().to_string(),
        upstream
            .get("openapi")
            .and_then(Value::as_str)
            .unwrap_or("unknown version")
            .to_owned(),
        inputs.divergences.display().to_string(),
        operations(&ours).len(),
        classified,
    ))
}

/// The file name of `path`, which divergences entries are matched against.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The name to write in a divergences entry's `upstream` for this file:
/// its name without the extension.
pub fn upstream_label(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}
