//! `--rejects FILE`: the rows not invited, in the input's own columns and
//! order, each with a `reason`, so the file can be fixed and sent again
//! with `--csv FILE` (the reader ignores `reason`).

use std::{fs::File, io::Write, path::Path};

use super::rows::REASON;
use crate::safe_csv;

/// One row for the file: its cells as read (none when unreadable) and why.
pub struct Reject<'a> {
    /// The line of the input.
    pub line: u64,
    /// The cells as read.
    pub record: Option<&'a csv::StringRecord>,
    /// Why it was not invited.
    pub reason: String,
}

/// Writes `rejects` (in line order) under `headers` plus `reason` (or the
/// input's own `reason` column, replaced) to `path`.
pub fn write(
    path: &Path,
    headers: &csv::StringRecord,
    rejects: &mut [Reject<'_>],
    escape: bool,
) -> std::io::Result<()> {
    rejects.sort_by_key(|r| r.line);
    let mut out = std::io::BufWriter::new(File::create(path)?);
    out.write_all(&render(headers, rejects, escape)?)?;
    out.flush()
}

/// The file's bytes.
fn render(
    headers: &csv::StringRecord,
    rejects: &[Reject<'_>],
    escape: bool,
) -> std::io::Result<Vec<u8>> {
    let mut header: Vec<String> = headers.iter().map(str::to_string).collect();
    let own_reason = header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(REASON));
    let reason_at = own_reason.unwrap_or(header.len());
    if own_reason.is_none() {
        header.push(REASON.to_string());
    }
    let mut bytes = safe_csv::record(&header, escape)?;
    for reject in rejects {
        // Every cell of the row, those past the header's too (a list
        // written with commas): none of the user's data is dropped.
        let mut cells: Vec<String> = reject
            .record
            .map(|record| record.iter().map(str::to_string).collect())
            .unwrap_or_default();
        if cells.len() < headers.len() {
            cells.resize(headers.len(), String::new());
        }
        let reason = match reject.record {
            Some(_) => reject.reason.clone(),
            // Nothing of it could be read: point at the original.
            None => format!("line {} of the input: {}", reject.line, reject.reason),
        };
        match own_reason {
            Some(_) => cells[reason_at] = reason,
            None => cells.insert(reason_at, reason),
        }
        bytes.extend(safe_csv::record(&cells, escape)?);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cells: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(cells.to_vec())
    }

    #[test]
    fn rows_keep_the_inputs_columns_and_gain_a_reason() {
        let headers = record(&["last_name", "email"]);
        let short = record(&["=Doe"]);
        let full = record(&["Roe", "r@example.com"]);
        let rejects = [
            Reject {
                line: 3,
                record: Some(&short),
                reason: "email: is required".into(),
            },
            Reject {
                line: 5,
                record: Some(&full),
                reason: "email: taken".into(),
            },
        ];
        let text = String::from_utf8(render(&headers, &rejects, true).unwrap()).unwrap();
        assert_eq!(
            text,
            "last_name,email,reason\n'=Doe,,email: is required\nRoe,r@example.com,email: taken\n"
        );
    }

    #[test]
    fn cells_past_the_header_are_kept() {
        let headers = record(&["email", "cc_emails"]);
        let row = record(&["a@example.com", "b@example.com", "c@example.com"]);
        let rejects = [Reject {
            line: 2,
            record: Some(&row),
            reason: "row: has 3 fields".into(),
        }];
        let text = String::from_utf8(render(&headers, &rejects, true).unwrap()).unwrap();
        assert!(text.contains("c@example.com"), "{text}");
    }

    #[test]
    fn an_existing_reason_column_is_replaced() {
        let headers = record(&["email", "reason", "first_name"]);
        let row = record(&["a@example.com", "old", "A"]);
        let rejects = [Reject {
            line: 2,
            record: Some(&row),
            reason: "new".into(),
        }];
        let text = String::from_utf8(render(&headers, &rejects, true).unwrap()).unwrap();
        assert_eq!(text, "email,reason,first_name\na@example.com,new,A\n");
    }
}
