//! Bulk invites from a CSV file: every row is checked before anything is
//! sent, then the rows go out in batches, and each row gets its result.
//!
//! The file has a header row naming its columns, in any order: `email`
//! (required), `first_name`, `last_name`, `client`, `practice_locations`,
//! `primary_practice_location`, `org_joining_date` (YYYY-MM-DD) and
//! `cc_emails`; lists are semicolon-separated. A `reason` column (from a
//! rejects file) is ignored.
//!
//! Without `--rejects`, one invalid row stops the run before anything is
//! sent. With it, the valid rows are sent and every row not invited goes to
//! the rejects file with its reason.
//!
//! The server validates an invite list atomically (DRF): a batch refused
//! with 400 and per-item errors created nothing, so its other rows are sent
//! once more on their own (see [`batches`]). Rows already invited are never
//! sent again.

mod batches;
mod interrupt;
mod rejects;
mod rows;

use std::{
    fs::File,
    path::{Path, PathBuf},
};

use assured::Client;

use crate::{
    args::Format,
    exit::{Code, Failure, Outcome},
    output::Sink,
    progress,
    records::{InviteResult, RowStatus},
    safe_csv,
};

use rows::{parse, Invalid, Parsed};

/// How many line numbers a summary lists before "…".
const LINES_SHOWN: usize = 20;

/// How the rows are sent.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rows per request.
    pub batch_size: usize,
    /// Stop sending after the first failed batch.
    pub stop_on_error: bool,
    /// Where the rows not invited go, if anywhere.
    pub rejects: Option<PathBuf>,
}

/// Invites every row of the CSV file at `path`.
pub async fn invite_csv(client: &Client, path: &Path, options: Options, format: Format) -> Outcome {
    let name = path.display().to_string();
    let file =
        File::open(path).map_err(|e| Failure::invalid(format!("cannot read {name}: {e}")))?;
    let parsed = parse(file).map_err(|problems| {
        for p in &problems {
            eprintln!("{name}: line {}: {}: {}", p.line, p.field, p.message);
        }
        Failure::invalid(format!(
            "the header of {name} is not usable; nothing was sent"
        ))
    })?;
    for invalid in &parsed.invalid {
        for p in &invalid.problems {
            eprintln!("{name}: line {}: {}: {}", p.line, p.field, p.message);
        }
    }
    if !parsed.invalid.is_empty() && options.rejects.is_none() {
        let lines: Vec<u64> = parsed.invalid.iter().map(|i| i.line).collect();
        return Err(Failure::invalid(format!(
            "{} invalid row{} in {name} (line{} {}); nothing was sent \
             (--rejects FILE sends the valid rows and writes these to FILE)",
            lines.len(),
            plural(lines.len()),
            plural(lines.len()),
            line_list(&lines)
        )));
    }
    if parsed.rows.is_empty() && parsed.invalid.is_empty() {
        return Err(Failure::invalid(format!("{name} has no rows to invite")));
    }
    let total = parsed.rows.len() + parsed.invalid.len();
    let tally = send(client, &parsed, &options, format).await?;
    // Rows may have been invited by now: whatever fails below, the summary
    // (what was invited, what was not) is still printed.
    let rejects_written = match &options.rejects {
        Some(rejects_path) => write_rejects(rejects_path, &parsed, &tally.not_invited),
        None => Ok(()),
    };
    let written_to = options
        .rejects
        .as_deref()
        .filter(|_| rejects_written.is_ok());
    let outcome = summary(&tally, total, written_to);
    let trouble: Vec<String> = [
        tally
            .output_error
            .as_ref()
            .map(|e| format!("writing the results: {e}")),
        rejects_written.err().map(|f| f.message),
    ]
    .into_iter()
    .flatten()
    .collect();
    if trouble.is_empty() {
        return outcome;
    }
    let totals = match outcome {
        Ok(()) => format!("all {total} rows invited"),
        Err(failure) => failure.message,
    };
    Err(Failure::new(
        Code::Failure,
        format!("{}; {totals}", trouble.join("; ")),
    ))
}

/// Sends the valid rows, printing a result for every row.
async fn send(
    client: &Client,
    parsed: &Parsed,
    options: &Options,
    format: Format,
) -> Result<batches::Tally, Failure> {
    let invalid: Vec<InviteResult> = parsed.invalid.iter().map(invalid_result).collect();
    // The sink first: a CSV header is written before the bar is drawn.
    let sink = Sink::stdout::<InviteResult>(format);
    let bar = progress::bar(Some(parsed.rows.len() as u64), "rows");
    let result = async {
        let mut sink = sink
            .map_err(|e| Failure::io("writing the output", &e))?
            .with_progress(&bar);
        let sent = batches::send(
            client,
            &parsed.rows,
            invalid,
            options.clone(),
            &mut sink,
            &bar,
        )
        .await;
        bar.finish_and_clear();
        let mut tally = sent.map_err(|e| Failure::io("writing the output", &e))?;
        // Table and JSON are written here, after every batch: a failure is the summary's to
        // report, with what was sent.
        if tally.output_error.is_none() {
            match sink.finish() {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    tally.output_error = Some(e)
                }
                _ => {}
            }
        }
        Ok(tally)
    }
    .await;
    bar.finish_and_clear();
    result
}

fn invalid_result(invalid: &Invalid) -> InviteResult {
    InviteResult {
        line: invalid.line,
        email: invalid.email.clone(),
        status: RowStatus::Invalid,
        id: None,
        error: Some(invalid.reason()),
    }
}

/// Writes every row not invited, with its reason, to `path`.
fn write_rejects(path: &Path, parsed: &Parsed, not_invited: &[InviteResult]) -> Outcome {
    let by_line: std::collections::HashMap<u64, &csv::StringRecord> = parsed
        .rows
        .iter()
        .map(|row| (row.line, &row.record))
        .chain(
            parsed
                .invalid
                .iter()
                .filter_map(|i| Some((i.line, i.record.as_ref()?))),
        )
        .collect();
    let mut rejects: Vec<rejects::Reject<'_>> = not_invited
        .iter()
        .map(|result| rejects::Reject {
            line: result.line,
            record: by_line.get(&result.line).copied(),
            reason: result.error.clone().unwrap_or_default(),
        })
        .collect();
    rejects::write(path, &parsed.headers, &mut rejects, safe_csv::escaping())
        .map_err(|e| Failure::io(&format!("writing the rejects to {}", path.display()), &e))
}

/// The last line: what happened to the rows, and the exit code.
fn summary(tally: &batches::Tally, total: usize, rejects: Option<&Path>) -> Outcome {
    if tally.not_invited.is_empty() && !tally.interrupted {
        return Ok(());
    }
    let lines: Vec<u64> = tally.not_invited.iter().map(|r| r.line).collect();
    let failed = lines.len();
    let mut message = String::new();
    if tally.interrupted {
        message.push_str("interrupted: ");
    }
    if failed == 0 {
        message.push_str(&format!("all {total} rows invited"));
    } else {
        message.push_str(&format!(
            "{failed} of {total} row{} not invited (line{} {}); {} invited",
            plural(total),
            plural(failed),
            line_list(&lines),
            tally.invited
        ));
    }
    // Every row not invited is in one count: refused, never sent, in doubt
    // or invalid.
    let counts: Vec<String> = [
        (RowStatus::Failed, "failed"),
        (RowStatus::Skipped, "not sent"),
        (RowStatus::Unknown, "unknown"),
        (RowStatus::Invalid, "invalid"),
    ]
    .iter()
    .filter_map(|(status, label)| {
        let n = tally
            .not_invited
            .iter()
            .filter(|r| r.status == *status)
            .count();
        (n > 0).then(|| format!("{n} {label}"))
    })
    .collect();
    if !counts.is_empty() {
        message.push_str(&format!(", {}", counts.join(", ")));
    }
    if let (Some(path), true) = (rejects, failed > 0) {
        message.push_str(&format!("; rejects written to {}", path.display()));
    }
    let code = if tally.interrupted {
        Code::Interrupted
    } else {
        tally.stopped.unwrap_or(Code::Failure)
    };
    Err(Failure::new(code, message))
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
