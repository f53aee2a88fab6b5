//! `spec/divergences.yaml`: the differences from the upstream documents that
//! are known and intended, each with its reason; and sorting a drift run's
//! differences into new and recorded ones.
//!
//! The file is a YAML list; each entry is
//!
//! ```yaml
//! - upstream: production-schema        # or a list of them
//!   operation: GET /api/v1/users/providers-not-in-practice-loc/
//!   where: query.practice_location     # or a list; omit for the whole operation
//!   kind: missing-upstream
//!   reason: the Python SDK sends it; without it the endpoint has no meaning
//! ```
//!
//! An entry with a list of `where`s records the same kind of difference, for
//! the same reason, at each of those places; each place is matched (and can
//! go stale) on its own.
//!
//! `upstream` selects the documents the entry is about by their file name:
//! a pattern with `*` or `?` must match the whole file name
//! (`assured-*.json`), a plain word need only occur in it
//! (`production-schema` matches `assured-production-schema.yaml`). Entries
//! for other documents are ignored, so one file serves every upstream
//! document.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::compare::{difference_key, Difference, Kind};

/// One recorded, intended difference.
///
/// As JSON it is an object with `key`, `upstream` (a list), `operation`,
/// `where`, `kind` and `reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// The file-name patterns of the upstream documents it is about.
    pub upstream: Vec<String>,
    /// `METHOD /path`, the method upper case.
    pub operation: String,
    /// Where in the operation (see [`Difference::location`]); empty for the
    /// whole operation.
    pub location: String,
    /// What differs.
    pub kind: Kind,
    /// Why we differ on purpose, in one line.
    pub reason: String,
    /// The number of the entry in the file (from 1) that records it.
    pub entry: usize,
}

impl Serialize for Divergence {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Divergence", 7)?;
        out.serialize_field("key", &self.key())?;
        out.serialize_field("upstream", &self.upstream)?;
        out.serialize_field("operation", &self.operation)?;
        out.serialize_field("where", &self.location)?;
        out.serialize_field("kind", &self.kind)?;
        out.serialize_field("reason", &self.reason)?;
        out.serialize_field("entry", &self.entry)?;
        out.end()
    }
}

impl Divergence {
    /// The identity it matches: the same as [`Difference::key`].
    pub fn key(&self) -> String {
        difference_key(&self.operation, &self.location, self.kind)
    }

    /// Whether the entry is about the upstream document named `file_name`.
    pub fn applies_to(&self, file_name: &str) -> bool {
        self.upstream
            .iter()
            .any(|pattern| pattern_matches(pattern, file_name))
    }
}

/// The entry as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    upstream: OneOrMany,
    operation: String,
    #[serde(default, rename = "where")]
    location: Option<OneOrMany>,
    kind: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// Reads a divergences file. A file that does not exist reads as no
/// entries only when `must_exist` is false.
pub fn load_divergences(path: &Path, must_exist: bool) -> Result<Vec<Divergence>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_divergences(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && !must_exist => Ok(Vec::new()),
        Err(err) => Err(format!("cannot read {}: {err}", path.display())),
    }
}

/// Parses the text of a divergences file (see the module docs). An empty
/// file, or one with only comments, has no entries.
pub fn parse_divergences(text: &str) -> Result<Vec<Divergence>, String> {
    let raw: Option<Vec<RawEntry>> = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let mut entries: Vec<Divergence> = Vec::new();
    for (index, entry) in raw.unwrap_or_default().into_iter().enumerate() {
        let number = index + 1;
        let kind: Kind = entry
            .kind
            .parse()
            .map_err(|e| format!("entry {number}: {e}"))?;
        let upstream = match entry.upstream {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        };
        if upstream.is_empty() || upstream.iter().any(|p| p.trim().is_empty()) {
            return Err(format!("entry {number}: `upstream` names no document"));
        }
        let operation = normalise_operation(&entry.operation).ok_or_else(|| {
            format!(
                "entry {number}: operation '{}' is not `METHOD /path`",
                entry.operation
            )
        })?;
        let reason = entry.reason.trim().to_owned();
        if reason.is_empty() || reason.contains('\n') {
            return Err(format!(
                "entry {number}: `reason` must be one non-empty line"
            ));
        }
        let locations = match entry.location {
            None => vec![String::new()],
            Some(OneOrMany::One(one)) => vec![one],
            Some(OneOrMany::Many(many)) if many.is_empty() => {
                return Err(format!("entry {number}: `where` is an empty list"))
            }
            Some(OneOrMany::Many(many)) => many,
        };
        for location in locations {
            let divergence = Divergence {
                upstream: upstream.clone(),
                operation: operation.clone(),
                location: location.trim().to_owned(),
                kind,
                reason: reason.clone(),
                entry: number,
            };
            if let Some(earlier) = entries
                .iter()
                .find(|e| e.key() == divergence.key() && e.upstream == divergence.upstream)
            {
                return Err(format!(
                    "entry {number} repeats entry {}: {}",
                    earlier.entry,
                    divergence.key()
                ));
            }
            entries.push(divergence);
        }
    }
    Ok(entries)
}

/// `get  /pets` -> `GET /pets`; `None` unless it is a method and a path.
fn normalise_operation(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let method = words.next()?;
    let path = words.next()?;
    if words.next().is_some() || !path.starts_with('/') {
        return None;
    }
    let method = method.to_ascii_lowercase();
    crate::operations::METHODS
        .contains(&method.as_str())
        .then(|| format!("{} {path}", method.to_ascii_uppercase()))
}

/// A pattern with `*`/`?` matches the whole name; a plain one occurs in it.
fn pattern_matches(pattern: &str, name: &str) -> bool {
    if pattern.contains(['*', '?']) {
        glob(pattern.as_bytes(), name.as_bytes())
    } else {
        name.contains(pattern)
    }
}

fn glob(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| glob(rest, &name[skip..])),
        Some((b'?', rest)) => !name.is_empty() && glob(rest, &name[1..]),
        Some((c, rest)) => name.first() == Some(c) && glob(rest, &name[1..]),
    }
}

/// A difference that a divergences entry records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    /// The difference.
    #[serde(flatten)]
    pub difference: Difference,
    /// The entry's reason.
    pub reason: String,
}

/// A drift run's differences, sorted against the divergences file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Classified {
    /// Differences no entry records.
    pub new: Vec<Difference>,
    /// Differences an entry records, with its reason.
    pub recorded: Vec<Recorded>,
    /// Entries about this upstream document that match no difference.
    pub stale: Vec<Divergence>,
}

/// Sorts `differences` (against the upstream document named `file_name`)
/// into new and recorded ones, and finds the stale entries.
pub fn classify(
    differences: Vec<Difference>,
    divergences: &[Divergence],
    file_name: &str,
) -> Classified {
    let applicable: Vec<&Divergence> = divergences
        .iter()
        .filter(|entry| entry.applies_to(file_name))
        .collect();
    let mut used = vec![false; applicable.len()];
    let mut classified = Classified::default();
    for difference in differences {
        let key = difference.key();
        let mut reason = None;
        for (index, entry) in applicable.iter().enumerate() {
            if entry.key() == key {
                used[index] = true;
                reason.get_or_insert_with(|| entry.reason.clone());
            }
        }
        match reason {
            Some(reason) => classified.recorded.push(Recorded { difference, reason }),
            None => classified.new.push(difference),
        }
    }
    classified.stale = applicable
        .into_iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(entry, _)| entry.clone())
        .collect();
    classified
}

/// A YAML entry recording `difference` for the document `upstream`, with a
/// reason to fill in: the start of an edit to the divergences file.
pub fn suggest_entry(difference: &Difference, upstream: &str) -> String {
    let mut text = format!(
        "- upstream: {upstream}\n  operation: {}\n",
        difference.operation
    );
    if !difference.location.is_empty() {
        text.push_str(&format!("  where: {}\n", difference.location));
    }
    text.push_str(&format!(
        "  kind: {}\n  reason: \"TODO: why we differ (ours: {}; upstream: {})\"\n",
        difference.kind,
        difference.ours.replace('"', "'"),
        difference.upstream.replace('"', "'")
    ));
    text
}
