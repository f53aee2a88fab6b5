//! `spec regen-check`: after a spec edit, which public types and methods of
//! the generated client changed, so that a release note can be written.
//!
//! Both specs are generated as `build.rs` generates them ([`mod@generate`]), the
//! public items of each are collected ([`api`]), and the two lists are
//! compared: items added, removed, or with a changed signature. The checks
//! `build.rs` takes out of the spec for `crate::validate` (length limits,
//! email fields, the blank rule) are compared too, since they change what
//! the client accepts.

pub mod api;
/// The generation `build.rs` runs, from the very same file.
#[path = "../../../build/codegen.rs"]
pub mod generate;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

pub use api::{public_api, Api, ItemKind};
pub use generate::{generate, take_body_checks, Generated};

/// One public item in a regen-check report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// What sort of item.
    pub kind: ItemKind,
    /// Its path (see [`public_api()`]).
    pub path: String,
    /// Its signature before the edit; `None` when added.
    pub old: Option<String>,
    /// Its signature after the edit; `None` when removed.
    pub new: Option<String>,
}

/// The checks on one field (`schema.field`), or on an array body's items
/// (`Schema[]`), that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitChange {
    /// `Schema.field`, or `Schema[]` for an array body.
    pub field: String,
    /// The checks before (`min 6`, `max 254, email`, `max 150, not blank`,
    /// `min_items 1`, `min_items 1, unique email`);
    /// `None` when the field had none.
    pub old: Option<String>,
    /// The checks after; `None` when the field has none now.
    pub new: Option<String>,
}

/// What changed in the generated client between two specs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegenReport {
    /// Where the old spec came from (`HEAD:spec/assured.yaml`, a path).
    pub old_source: String,
    /// Where the new spec came from.
    pub new_source: String,
    /// Items only the new generation has.
    pub added: Vec<ItemChange>,
    /// Items only the old generation has.
    pub removed: Vec<ItemChange>,
    /// Items in both whose signature differs.
    pub changed: Vec<ItemChange>,
    /// Checks before sending that differ.
    pub limits: Vec<LimitChange>,
}

impl RegenReport {
    /// Whether nothing public changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.limits.is_empty()
    }

    /// The report as text: `added`, `removed` and `changed signature`
    /// sections, one item a line (`kind path: signature`).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "regen-check: {} -> {}",
            self.old_source, self.new_source
        );
        if self.is_empty() {
            out.push_str("no public API changes\n");
            return out;
        }
        let _ = writeln!(
            out,
            "{} added, {} removed, {} changed signature, {} check(s) before sending changed",
            self.added.len(),
            self.removed.len(),
            self.changed.len(),
            self.limits.len()
        );
        if !self.added.is_empty() {
            out.push_str("\nAdded:\n");
            for item in &self.added {
                let _ = writeln!(out, "  + {}", item_line(item, item.new.as_deref()));
            }
        }
        if !self.removed.is_empty() {
            out.push_str("\nRemoved:\n");
            for item in &self.removed {
                let _ = writeln!(out, "  - {}", item_line(item, item.old.as_deref()));
            }
        }
        if !self.changed.is_empty() {
            out.push_str("\nChanged signature:\n");
            for item in &self.changed {
                let _ = writeln!(out, "  ~ {} {}", item.kind, item.path);
                let _ = writeln!(out, "      was: {}", item.old.as_deref().unwrap_or(""));
                let _ = writeln!(out, "      now: {}", item.new.as_deref().unwrap_or(""));
            }
        }
        if !self.limits.is_empty() {
            out.push_str("\nChecks before sending (crate::validate):\n");
            for limit in &self.limits {
                let _ = writeln!(
                    out,
                    "  ~ {}: {} -> {}",
                    limit.field,
                    limit.old.as_deref().unwrap_or("none"),
                    limit.new.as_deref().unwrap_or("none")
                );
            }
        }
        out
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

fn item_line(item: &ItemChange, signature: Option<&str>) -> String {
    match signature {
        Some(signature) if !signature.is_empty() => {
            format!("{} {}: {signature}", item.kind, item.path)
        }
        _ => format!("{} {}", item.kind, item.path),
    }
}

/// Generates the client from both spec texts and compares them.
pub fn regen_check(
    old_text: &str,
    new_text: &str,
    old_source: &str,
    new_source: &str,
) -> Result<RegenReport, String> {
    let old = generate(old_text).map_err(|e| format!("{old_source}: {e}"))?;
    let new = generate(new_text).map_err(|e| format!("{new_source}: {e}"))?;
    let mut report = compare_generations(&old, &new);
    report.old_source = old_source.to_owned();
    report.new_source = new_source.to_owned();
    Ok(report)
}

/// Compares two generations' public items and checks before sending.
pub fn compare_generations(old: &Generated, new: &Generated) -> RegenReport {
    // The client's items, and what is generated beside it: the typed
    // parameters and list methods (`operations.rs`) and the open enums
    // (`enums.rs`). build.rs includes both, so text that does not parse
    // is a generator bug, not a spec edit to report.
    let items = |generated: &Generated| {
        let mut api = public_api(&generated.client);
        for extra in [&generated.operations, &generated.enums] {
            let file = syn::parse_file(extra).expect("the generated operations and enums parse");
            api.extend(public_api(&file));
        }
        api
    };
    let (before, after) = (items(old), items(new));
    let mut report = RegenReport::default();
    for ((kind, path), signature) in &after {
        match before.get(&(*kind, path.clone())) {
            None => report.added.push(ItemChange {
                kind: *kind,
                path: path.clone(),
                old: None,
                new: Some(signature.clone()),
            }),
            Some(was) if was != signature => report.changed.push(ItemChange {
                kind: *kind,
                path: path.clone(),
                old: Some(was.clone()),
                new: Some(signature.clone()),
            }),
            Some(_) => {}
        }
    }
    for ((kind, path), signature) in &before {
        if !after.contains_key(&(*kind, path.clone())) {
            report.removed.push(ItemChange {
                kind: *kind,
                path: path.clone(),
                old: Some(signature.clone()),
                new: None,
            });
        }
    }
    let old_limits = checks(old);
    let new_limits = checks(new);
    let fields: std::collections::BTreeSet<&String> =
        old_limits.keys().chain(new_limits.keys()).collect();
    for field in fields {
        let was = old_limits.get(field);
        let now = new_limits.get(field);
        if was != now {
            report.limits.push(LimitChange {
                field: field.clone(),
                old: was.cloned(),
                new: now.cloned(),
            });
        }
    }
    report
}

/// Every check before sending of one generation: the `LIMITS` rows and
/// each array body's batch rules.
fn checks(generated: &Generated) -> BTreeMap<String, String> {
    let mut out = limits(&generated.limits);
    out.extend(batches(&generated.operations));
    out
}

/// Reads the `Batch` impls of the generated operations (`build/bodies.rs`):
/// `InviteProviderList[]` -> `min_items 1, unique email`.
fn batches(operations: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut parts = operations.split("impl crate::validate::Batch for crate::raw::types::");
    parts.next();
    for part in parts {
        let Some((schema, body)) = part.split_once(" {") else {
            continue;
        };
        let body = body.split("\n}\n").next().unwrap_or_default();
        let value = |name: &str| {
            body.lines()
                .map(str::trim)
                .find_map(|l| l.strip_prefix(&format!("const {name}: ")))
                .and_then(|l| l.split_once("= "))
                .map(|(_, v)| v.trim_end_matches(';').trim_matches('"').to_string())
        };
        let mut text = Vec::new();
        if let Some(min) = value("MIN_ITEMS").filter(|m| m != "0") {
            text.push(format!("min_items {min}"));
        }
        if let Some(field) = value("UNIQUE_BY").filter(|f| !f.is_empty()) {
            text.push(format!("unique {field}"));
        }
        out.insert(format!("{schema}[]"), text.join(", "));
    }
    out
}

/// Reads the rows of a `LIMITS` table as written by [`take_body_checks`]:
/// `Schema.field` -> `min 6, max 100`, `max 254, email`, `max 150, not blank`,
/// `min_items 1`.
fn limits(table: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in table.lines().map(str::trim) {
        let Some(row) = line
            .strip_prefix("Limit {")
            .and_then(|row| row.strip_suffix("},"))
        else {
            continue;
        };
        let mut values = BTreeMap::new();
        for part in row.split(", ") {
            if let Some((name, value)) = part.split_once(':') {
                values.insert(name.trim(), value.trim().trim_matches('"'));
            }
        }
        let (Some(schema), Some(field)) = (values.get("schema"), values.get("field")) else {
            continue;
        };
        let bound = |name: &str| {
            values
                .get(name)
                .and_then(|value| value.strip_prefix("Some("))
                .and_then(|value| value.strip_suffix(')'))
                .map(|value| format!("{name} {value}"))
        };
        let flag =
            |name: &str, text: &str| (values.get(name) == Some(&"true")).then(|| text.to_string());
        let text: Vec<String> = [
            bound("min"),
            bound("max"),
            flag("email", "email"),
            flag("not_blank", "not blank"),
            bound("min_items"),
        ]
        .into_iter()
        .flatten()
        .collect();
        out.insert(format!("{schema}.{field}"), text.join(", "));
    }
    out
}
