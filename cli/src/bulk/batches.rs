//! Sending the checked rows in batches, and each row's result.

use std::collections::HashMap;

use assured::{models::InviteProvider, Client};
use uuid::Uuid;

use super::{line_list, plural, rows::Row, Options};
use crate::{
    args::Format,
    exit::{describe, Code, Failure, Outcome},
    output::{written, Sink},
    progress,
    records::{InviteResult, RowStatus},
};

/// Why later batches are not sent.
struct Stop {
    reason: String,
    code: Code,
}

/// Sends `rows` in batches and prints each row's result.
pub async fn send(client: &Client, rows: &[Row], options: Options, format: Format) -> Outcome {
    // The sink first: a CSV header is written before the bar is drawn.
    let sink = Sink::stdout::<InviteResult>(format);
    let bar = progress::bar(Some(rows.len() as u64), "rows");
    let result = async {
        let mut sink = sink
            .map_err(|e| Failure::io("writing the output", &e))?
            .with_progress(&bar);
        let mut stop: Option<Stop> = None;
        let mut failed_lines = Vec::new();
        let mut invited = 0usize;
        let batches = rows.chunks(options.batch_size.max(1));
        let batch_count = batches.len();
        for (number, batch) in batches.enumerate().map(|(i, b)| (i + 1, b)) {
            let results = match &stop {
                Some(stop) => batch
                    .iter()
                    .map(|row| result(row, RowStatus::Skipped, None, Some(stop.reason.clone())))
                    .collect(),
                None => {
                    tracing::debug!(
                        batch = number,
                        of = batch_count,
                        rows = batch.len(),
                        first_line = batch.first().map(|r| r.line),
                        "sending invite batch"
                    );
                    let invites: Vec<InviteProvider> =
                        batch.iter().map(|r| r.invite.clone()).collect();
                    match client.providers().invite(&invites).await {
                        Ok(created) => matched(batch, created),
                        Err(error) => {
                            let code = Code::of(&error);
                            let aborts = matches!(code, Code::Auth | Code::RateLimited);
                            if aborts || options.stop_on_error {
                                stop = Some(Stop {
                                    reason: format!(
                                        "not sent: batch {number} of {batch_count} failed ({})",
                                        short(&error)
                                    ),
                                    code: if aborts { code } else { Code::Failure },
                                });
                            }
                            refused(batch, &error)
                        }
                    }
                }
            };
            for row in &results {
                if row.status == RowStatus::Invited {
                    invited += 1;
                } else {
                    failed_lines.push(row.line);
                }
            }
            written(sink.extend(&results))?;
            bar.inc(batch.len() as u64);
        }
        written(sink.finish().map(drop))?;
        if failed_lines.is_empty() {
            return Ok(());
        }
        let failed = failed_lines.len();
        let message = format!(
            "{failed} of {} row{} not invited (line{} {}); {invited} invited",
            rows.len(),
            plural(rows.len()),
            plural(failed),
            line_list(&failed_lines)
        );
        let code = stop.map_or(Code::Failure, |s| s.code);
        Err(Failure::new(code, message))
    }
    .await;
    bar.finish_and_clear();
    result
}

/// One row's result.
fn result(row: &Row, status: RowStatus, id: Option<Uuid>, error: Option<String>) -> InviteResult {
    InviteResult {
        line: row.line,
        email: row.invite.email.clone(),
        status,
        id,
        error,
    }
}

/// Pairs the created accounts with the rows: by email, else by position
/// (the server answers in request order).
fn matched(batch: &[Row], created: Vec<assured::models::InvitedProvider>) -> Vec<InviteResult> {
    let mut by_email: HashMap<String, Uuid> = created
        .iter()
        .map(|c| (c.email.to_lowercase(), c.id))
        .collect();
    batch
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let id = by_email
                .remove(&row.invite.email.to_lowercase())
                .or_else(|| created.get(index).map(|c| c.id));
            match id {
                Some(id) => result(row, RowStatus::Invited, Some(id), None),
                None => result(
                    row,
                    RowStatus::Failed,
                    None,
                    Some("the server's answer did not include this row".into()),
                ),
            }
        })
        .collect()
}

/// The results of a batch the server refused or that never got an answer.
fn refused(batch: &[Row], error: &assured::Error) -> Vec<InviteResult> {
    let api = error.api_error();
    let item_errors = api
        .map(|e| &e.item_errors)
        .filter(|items| !items.is_empty());
    if let (Some(items), assured::Error::Validation(_)) = (item_errors, error) {
        let culprits: Vec<u64> = items
            .keys()
            .filter_map(|index| batch.get(*index).map(|row| row.line))
            .collect();
        return batch
            .iter()
            .enumerate()
            .map(|(index, row)| {
                let message = match items.get(&index) {
                    Some(fields) => fields
                        .iter()
                        .map(|(field, messages)| format!("{field}: {}", messages.join(" ")))
                        .collect::<Vec<_>>()
                        .join("; "),
                    None => format!(
                        "not invited: the server refused this batch because of line{} {} \
                         (a refused batch creates nothing)",
                        plural(culprits.len()),
                        line_list(&culprits)
                    ),
                };
                result(row, RowStatus::Failed, None, Some(message))
            })
            .collect();
    }
    let mut message = describe(error);
    if let Some(hint) = uncertainty(error) {
        message.push_str(hint);
    }
    batch
        .iter()
        .map(|row| result(row, RowStatus::Failed, None, Some(message.clone())))
        .collect()
}

/// For failures after the request may have reached the server: a warning
/// that the rows may exist now.
fn uncertainty(error: &assured::Error) -> Option<&'static str> {
    match error {
        assured::Error::Api(e) if e.status.is_server_error() => {
            Some(" (the server may have created some of these: check before sending them again)")
        }
        assured::Error::Transport { .. } => {
            Some(" (if the request reached the server, some of these may exist: check before sending them again)")
        }
        assured::Error::Decode { .. } => {
            Some(" (the server answered success, so these were probably invited: check before sending them again)")
        }
        _ => None,
    }
}

/// The error's status, or its kind, for a stop reason.
fn short(error: &assured::Error) -> String {
    match error.status() {
        Some(status) => status.to_string(),
        None => describe(error).chars().take(80).collect(),
    }
}
