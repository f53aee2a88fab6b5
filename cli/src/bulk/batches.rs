//! Sending the checked rows in batches, and each row's result.
//!
//! A batch the server refuses with per-item errors (DRF's 400 for a list
//! body) created nothing: its rows without errors of their own are sent
//! once more, without the refused ones. Any other failure (5xx, network) is
//! not resent: the server may have created some of the rows.

use std::collections::{HashMap, VecDeque};

use assured::{
    models::{InviteProvider, InvitedProvider},
    Client,
};
use indicatif::ProgressBar;

use super::{interrupt::Interrupts, line_list, plural, rows::Row, Options};
use crate::{
    exit::{describe, Code},
    output::Sink,
    records::{InviteResult, RowStatus},
};

/// What the run came to.
pub struct Tally {
    /// Rows invited.
    pub invited: usize,
    /// Every row not invited (sent or not), in file order.
    pub not_invited: Vec<InviteResult>,
    /// Why sending stopped early (auth, rate limit, --stop-on-error).
    pub stopped: Option<Code>,
    /// Whether an interrupt (Ctrl-C, SIGTERM) stopped the run.
    pub interrupted: bool,
    /// Whether stdout was closed (`| head`): sending goes on, so that the
    /// totals and the rejects file stay whole.
    output_closed: bool,
    /// Why stdout could not be written (a full disk, ...): nothing more is
    /// sent, and the totals and the rejects file still say what was.
    pub output_error: Option<std::io::Error>,
}

/// Why later batches are not sent.
struct Stop {
    reason: String,
    code: Option<Code>,
}

/// Sends `rows` in batches, writing each row's result to `sink`, the
/// `invalid` rows' results (refused before sending) among them in line
/// order.
pub async fn send<W: std::io::Write>(
    client: &Client,
    rows: &[Row],
    invalid: Vec<InviteResult>,
    options: Options,
    sink: &mut Sink<W>,
    bar: &ProgressBar,
) -> std::io::Result<Tally> {
    let mut interrupts = Interrupts::listen(bar);
    let mut invalid: VecDeque<InviteResult> = invalid.into();
    let mut tally = Tally {
        invited: 0,
        not_invited: Vec::new(),
        stopped: None,
        interrupted: false,
        output_closed: false,
        output_error: None,
    };
    let mut stop: Option<Stop> = None;
    let batches = rows.chunks(options.batch_size.max(1));
    let batch_count = batches.len();
    for (number, batch) in batches.enumerate().map(|(i, b)| (i + 1, b)) {
        let batch: Vec<&Row> = batch.iter().collect();
        if stop.is_none() && tally.output_error.is_some() {
            stop = Some(Stop {
                reason: "not sent: the results could not be written".into(),
                code: Some(Code::Failure),
            });
        }
        if stop.is_none() && interrupts.count() > 0 {
            stop = Some(Stop {
                reason: format!("not sent: interrupted ({})", interrupts.cause()),
                code: None,
            });
        }
        let results = match &stop {
            Some(stop) => skipped(&batch, &stop.reason),
            None => {
                tracing::debug!(
                    batch = number,
                    of = batch_count,
                    rows = batch.len(),
                    first_line = batch[0].line,
                    "sending invite batch"
                );
                let sent = send_batch(client, &batch, &mut interrupts).await;
                if let Some(error) = &sent.error {
                    let code = Code::of(error);
                    let aborts = matches!(code, Code::Auth | Code::RateLimited);
                    if aborts || options.stop_on_error {
                        stop = Some(Stop {
                            reason: format!(
                                "not sent: batch {number} of {batch_count} failed ({})",
                                short(error)
                            ),
                            code: Some(if aborts { code } else { Code::Failure }),
                        });
                    }
                }
                if sent.abandoned {
                    stop = Some(Stop {
                        reason: format!("not sent: interrupted ({})", interrupts.cause()),
                        code: None,
                    });
                }
                sent.results
            }
        };
        for row in &results {
            while invalid.front().is_some_and(|i| i.line < row.line) {
                write(sink, &mut tally, invalid.pop_front())?;
            }
            write(sink, &mut tally, Some(row.clone()))?;
        }
        bar.inc(batch.len() as u64);
    }
    while let Some(row) = invalid.pop_front() {
        write(sink, &mut tally, Some(row))?;
    }
    tally.interrupted = interrupts.count() > 0;
    tally.stopped = stop.and_then(|s| s.code);
    Ok(tally)
}

/// Writes one row's result and counts it.
fn write<W: std::io::Write>(
    sink: &mut Sink<W>,
    tally: &mut Tally,
    row: Option<InviteResult>,
) -> std::io::Result<()> {
    let Some(row) = row else { return Ok(()) };
    if !tally.output_closed {
        match sink.push(&row) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => tally.output_closed = true,
            // The rows already sent must still reach the totals and the
            // rejects file: an early return here would hide them.
            Err(e) => {
                tally.output_closed = true;
                tally.output_error = Some(e);
            }
        }
    }
    if row.status == RowStatus::Invited {
        tally.invited += 1;
    } else {
        tally.not_invited.push(row);
    }
    Ok(())
}

/// One batch's results, and the error that failed it, if any.
struct Sent {
    results: Vec<InviteResult>,
    error: Option<assured::Error>,
    /// A second interrupt: the answer was not awaited.
    abandoned: bool,
}

/// Sends one batch and, when the server refused some of its rows and so
/// created none, the others once more.
async fn send_batch(client: &Client, batch: &[&Row], interrupts: &mut Interrupts) -> Sent {
    let error = match request(client, batch, interrupts).await {
        Answer::Abandoned => return abandoned(batch),
        Answer::Got(Ok(created)) => {
            return Sent {
                results: matched(batch, created),
                error: None,
                abandoned: false,
            }
        }
        Answer::Got(Err(error)) => error,
    };
    let Some(items) = refused_items(&error, batch.len()) else {
        return Sent {
            results: failed(batch, &error),
            error: Some(error),
            abandoned: false,
        };
    };
    // Rows with item errors get them; the others go again, once.
    let mut results = Vec::new();
    let mut others: Vec<&Row> = Vec::new();
    let mut refused_lines = Vec::new();
    for (index, row) in batch.iter().copied().enumerate() {
        match items.get(&index) {
            Some(message) => {
                results.push(result(row, RowStatus::Failed, None, Some(message.clone())));
                refused_lines.push(row.line);
            }
            None => others.push(row),
        }
    }
    let mut sent = Sent {
        results: Vec::new(),
        error: Some(error),
        abandoned: false,
    };
    if others.is_empty() {
        // Nothing left to send.
    } else if interrupts.count() > 0 {
        let reason = format!(
            "not sent again: interrupted ({}); its batch was refused, so it was not invited",
            interrupts.cause()
        );
        results.extend(skipped(&others, &reason));
    } else {
        tracing::debug!(
            rows = others.len(),
            refused = refused_lines.len(),
            "resending the rows of a refused batch without the refused ones"
        );
        match request(client, &others, interrupts).await {
            Answer::Abandoned => {
                let again = abandoned(&others);
                results.extend(again.results);
                sent.abandoned = true;
            }
            Answer::Got(Ok(created)) => results.extend(matched(&others, created)),
            Answer::Got(Err(error)) => {
                let mut again = failed(&others, &error);
                let note = format!(
                    " (sent again without line{} {} after its batch was refused; not sent a third time)",
                    plural(refused_lines.len()),
                    line_list(&refused_lines)
                );
                for row in &mut again {
                    if let Some(message) = &mut row.error {
                        message.push_str(&note);
                    }
                }
                results.extend(again);
                sent.error = Some(error);
            }
        }
    }
    results.sort_by_key(|r| r.line);
    sent.results = results;
    sent
}

/// A request's answer, unless a second interrupt stopped the wait.
enum Answer {
    Got(assured::Result<Vec<InvitedProvider>>),
    Abandoned,
}

async fn request(client: &Client, rows: &[&Row], interrupts: &mut Interrupts) -> Answer {
    let invites: Vec<InviteProvider> = rows.iter().map(|r| r.invite.clone()).collect();
    let providers = client.providers();
    let call = providers.invite_providers(invites);
    tokio::pin!(call);
    loop {
        if interrupts.count() >= 2 {
            return Answer::Abandoned;
        }
        tokio::select! {
            result = &mut call => return Answer::Got(result),
            () = interrupts.next() => {}
        }
    }
}

/// The per-item messages of a 400 the server answered for a list body:
/// the proof that nothing of the batch was created. `None` for any other
/// failure, or item errors that do not fit the batch.
fn refused_items(error: &assured::Error, rows: usize) -> Option<HashMap<usize, String>> {
    let assured::Error::Validation(api) = error else {
        return None;
    };
    if api.item_errors.is_empty() || api.item_errors.keys().any(|i| *i >= rows) {
        return None;
    }
    Some(
        api.item_errors
            .iter()
            .map(|(index, fields)| {
                let message = fields
                    .iter()
                    .map(|(field, messages)| format!("{field}: {}", messages.join(" ")))
                    .collect::<Vec<_>>()
                    .join("; ");
                (*index, message)
            })
            .collect(),
    )
}

/// One row's result.
fn result(
    row: &Row,
    status: RowStatus,
    id: Option<assured::AccountId>,
    error: Option<String>,
) -> InviteResult {
    InviteResult {
        line: row.line,
        email: row.invite.email.clone(),
        status,
        id,
        error,
    }
}

fn skipped(rows: &[&Row], reason: &str) -> Vec<InviteResult> {
    rows.iter()
        .map(|row| result(row, RowStatus::Skipped, None, Some(reason.to_string())))
        .collect()
}

fn abandoned(rows: &[&Row]) -> Sent {
    let reason = "stopped waiting for the server's answer (interrupted twice): \
                  it may have been invited, check before sending it again";
    Sent {
        results: rows
            .iter()
            .map(|row| result(row, RowStatus::Unknown, None, Some(reason.into())))
            .collect(),
        error: None,
        abandoned: true,
    }
}

/// Pairs the created accounts with the rows: by email, else by position
/// (the server answers in request order) when the answer has one account
/// per row and that account's email matched no other row.
fn matched(rows: &[&Row], created: Vec<InvitedProvider>) -> Vec<InviteResult> {
    let mut by_email: HashMap<String, assured::AccountId> = created
        .iter()
        .map(|c| (c.email.to_lowercase(), c.id))
        .collect();
    let sent: std::collections::HashSet<String> =
        rows.iter().map(|r| r.invite.email.to_lowercase()).collect();
    let whole = created.len() == rows.len();
    rows.iter()
        .enumerate()
        .map(|(index, row)| {
            let id = by_email
                .remove(&row.invite.email.to_lowercase())
                .or_else(|| {
                    created
                        .get(index)
                        .filter(|c| whole && !sent.contains(&c.email.to_lowercase()))
                        .map(|c| c.id)
                });
            match id {
                Some(id) => result(row, RowStatus::Invited, Some(id), None),
                // A 200 that leaves a row out may still have created it (under an address the
                // server rewrote): in doubt, not refused, so it is not sent again blindly.
                None => result(
                    row,
                    RowStatus::Unknown,
                    None,
                    Some("the server's answer did not include this row; check before sending it again".into()),
                ),
            }
        })
        .collect()
}

/// The results of a batch that failed as a whole.
fn failed(rows: &[&Row], error: &assured::Error) -> Vec<InviteResult> {
    if let Some(items) = refused_items(error, rows.len()) {
        let culprits: Vec<u64> = items
            .keys()
            .filter_map(|index| rows.get(*index).map(|row| row.line))
            .collect();
        return rows
            .iter()
            .enumerate()
            .map(|(index, row)| {
                let message = items.get(&index).cloned().unwrap_or_else(|| {
                    format!(
                        "not invited: the server refused this batch because of line{} {} \
                         (a refused batch creates nothing)",
                        plural(culprits.len()),
                        line_list(&culprits)
                    )
                });
                result(row, RowStatus::Failed, None, Some(message))
            })
            .collect();
    }
    let mut message = describe(error);
    if let Some(hint) = uncertainty(error) {
        message.push_str(hint);
    }
    rows.iter()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u64, email: &str) -> Row {
        let invite = InviteProvider::builder().email(email).try_into().unwrap();
        let record = csv::StringRecord::new();
        Row {
            line,
            invite,
            record,
        }
    }

    fn account(id: u128, email: &str) -> InvitedProvider {
        let id = uuid::Uuid::from_u128(id);
        serde_json::from_value(serde_json::json!({"id": id, "email": email})).unwrap()
    }

    fn outcome(results: &[InviteResult]) -> Vec<(RowStatus, Option<u128>)> {
        let id = |r: &InviteResult| r.id.map(|id| id.as_uuid().as_u128());
        results.iter().map(|r| (r.status, id(r))).collect()
    }

    #[test]
    fn a_row_missing_from_a_short_answer_takes_no_other_rows_id() {
        let rows = [row(2, "a@x.com"), row(3, "b@x.com"), row(4, "c@x.com")];
        let rows: Vec<&Row> = rows.iter().collect();
        let answer = vec![account(11, "b@x.com"), account(12, "C@x.com")];
        assert_eq!(
            outcome(&matched(&rows, answer)),
            [
                (RowStatus::Unknown, None),
                (RowStatus::Invited, Some(11)),
                (RowStatus::Invited, Some(12)),
            ]
        );
    }

    #[test]
    fn an_address_the_server_rewrote_is_paired_by_position_only_when_nothing_else_claims_it() {
        let rows = [row(2, "a@x.com\u{1f}"), row(3, "b@x.com")];
        let rows: Vec<&Row> = rows.iter().collect();
        let answer = vec![account(11, "a@x.com"), account(12, "b@x.com")];
        assert_eq!(
            outcome(&matched(&rows, answer)),
            [
                (RowStatus::Invited, Some(11)),
                (RowStatus::Invited, Some(12))
            ]
        );
        // The first account is another row's: the row it sits beside is not given its id.
        let answer = vec![account(12, "b@x.com"), account(13, "z@x.com")];
        assert_eq!(
            outcome(&matched(&rows, answer)),
            [(RowStatus::Unknown, None), (RowStatus::Invited, Some(12))]
        );
    }
}
