//! The report of a drift run: text for people, JSON for tools.

use std::fmt::Write as _;

use serde::Serialize;

use super::compare::Difference;
use super::divergences::{Classified, Divergence, Recorded};

/// The outcome of `spec drift`: what was compared and the classified
/// differences.
#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    /// Our spec, as given.
    pub spec: String,
    /// The upstream document, as given.
    pub upstream: String,
    /// The upstream document's `openapi` version.
    pub upstream_openapi: String,
    /// The divergences file, as given.
    pub divergences: String,
    /// How many of our operations were compared.
    pub operations: usize,
    /// Differences no entry records: these fail the run.
    pub new: Vec<Difference>,
    /// Differences recorded as intended, with their reasons.
    pub recorded: Vec<Recorded>,
    /// Entries about this upstream document that no longer differ.
    pub stale: Vec<Divergence>,
}

impl DriftReport {
    /// Builds the report from a classified run.
    pub fn new(
        spec: String,
        upstream: String,
        upstream_openapi: String,
        divergences: String,
        operations: usize,
        classified: Classified,
    ) -> Self {
        Self {
            spec,
            upstream,
            upstream_openapi,
            divergences,
            operations,
            new: classified.new,
            recorded: classified.recorded,
            stale: classified.stale,
        }
    }

    /// Whether nothing differs beyond what is recorded.
    pub fn is_clean(&self) -> bool {
        self.new.is_empty()
    }

    /// The report as pretty-printed JSON: an object with the three lists
    /// `new`, `recorded` and `stale` (see the fields).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The report as text, grouped by operation.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "spec drift: {} against {} (OpenAPI {})",
            self.spec, self.upstream, self.upstream_openapi
        );
        let _ = writeln!(
            out,
            "{} operations compared: {} new difference(s), {} recorded, {} stale entr{}",
            self.operations,
            self.new.len(),
            self.recorded.len(),
            self.stale.len(),
            if self.stale.len() == 1 { "y" } else { "ies" }
        );

        if !self.new.is_empty() {
            let _ = writeln!(
                out,
                "\nNew differences (not recorded in {}):",
                self.divergences
            );
            write_grouped(&mut out, self.new.iter().map(|d| (d, None)));
        }
        if !self.recorded.is_empty() {
            let _ = writeln!(
                out,
                "\nRecorded differences (intended, see {}):",
                self.divergences
            );
            write_grouped(
                &mut out,
                self.recorded
                    .iter()
                    .map(|r| (&r.difference, Some(r.reason.as_str()))),
            );
        }
        if !self.stale.is_empty() {
            let _ = writeln!(
                out,
                "\nStale entries (recorded in {}, but no longer differ; remove them):",
                self.divergences
            );
            for entry in &self.stale {
                let _ = writeln!(
                    out,
                    "  {} (entry {}, upstream: {})\n      reason: {}",
                    entry.key(),
                    entry.entry,
                    entry.upstream.join(", "),
                    entry.reason
                );
            }
        }

        out.push('\n');
        if self.is_clean() {
            out.push_str("drift OK: no new differences\n");
        } else {
            let _ = writeln!(
                out,
                "drift FAILED: {} new difference(s); fix spec/assured.yaml or record the intended ones in {}",
                self.new.len(),
                self.divergences
            );
        }
        out
    }
}

/// Writes differences under a heading per operation, keeping the order in
/// which they come (operations in our spec's order).
fn write_grouped<'a>(
    out: &mut String,
    items: impl Iterator<Item = (&'a Difference, Option<&'a str>)>,
) {
    let mut current: Option<&str> = None;
    for (difference, reason) in items {
        if current != Some(difference.operation.as_str()) {
            current = Some(difference.operation.as_str());
            match &difference.operation_id {
                Some(id) => {
                    let _ = writeln!(out, "  {} ({id})", difference.operation);
                }
                None => {
                    let _ = writeln!(out, "  {}", difference.operation);
                }
            }
        }
        let location = if difference.location.is_empty() {
            "(operation)"
        } else {
            difference.location.as_str()
        };
        let _ = writeln!(
            out,
            "    {location}: {} (ours: {}; upstream: {})",
            difference.kind, difference.ours, difference.upstream
        );
        if let Some(reason) = reason {
            let _ = writeln!(out, "        reason: {reason}");
        }
    }
}
