//! Bulk invites from a CSV file: every row is checked before anything is
//! sent, then the rows go out in batches, and each row gets its result.
//!
//! The file has a header row naming its columns, in any order: `email`
//! (required), `first_name`, `last_name`, `client`, `practice_locations`,
//! `primary_practice_location`, `org_joining_date` (YYYY-MM-DD) and
//! `cc_emails`; lists are semicolon-separated.
//!
//! The server validates an invite list atomically (DRF): a batch refused
//! with 400 created nothing, so its rows are reported failed, each with its
//! own item error or the reason the batch was refused. Rows already invited
//! by earlier batches are never sent again.

mod batches;
mod rows;

use std::{fs::File, path::Path};

use assured::Client;

use crate::{
    args::Format,
    exit::{Failure, Outcome},
};

use rows::parse;

/// How many line numbers a summary lists before "…".
const LINES_SHOWN: usize = 20;

/// How the rows are sent.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Rows per request.
    pub batch_size: usize,
    /// Stop sending after the first failed batch.
    pub stop_on_error: bool,
}

/// Invites every row of the CSV file at `path`.
pub async fn invite_csv(client: &Client, path: &Path, options: Options, format: Format) -> Outcome {
    let name = path.display().to_string();
    let file =
        File::open(path).map_err(|e| Failure::invalid(format!("cannot read {name}: {e}")))?;
    let rows = match parse(file) {
        Ok(rows) => rows,
        Err(problems) => {
            for p in &problems {
                eprintln!("{name}: line {}: {}: {}", p.line, p.field, p.message);
            }
            let mut lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
            lines.dedup();
            return Err(Failure::invalid(format!(
                "{} invalid row{} in {name} (line{} {}); nothing was sent",
                lines.len(),
                plural(lines.len()),
                plural(lines.len()),
                line_list(&lines)
            )));
        }
    };
    if rows.is_empty() {
        return Err(Failure::invalid(format!("{name} has no rows to invite")));
    }
    batches::send(client, &rows, options, format).await
}

/// `s` unless there is one.
fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Line numbers for a message, at most [`LINES_SHOWN`] of them.
fn line_list(lines: &[u64]) -> String {
    let mut text = lines
        .iter()
        .take(LINES_SHOWN)
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if lines.len() > LINES_SHOWN {
        text.push_str(", …");
    }
    text
}
