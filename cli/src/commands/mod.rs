//! One module per command group, and what they share: printing a page, a
//! whole-list walk with its progress bar, and output errors.

mod caqh_requests;
mod org_joining_date;
mod practice_location;
mod providers;
mod sandbox;

pub use sandbox::run as sandbox;

use std::io::{self, IsTerminal};

use assured::{Client, Keyed, Page, Walk};
use futures::StreamExt;

use crate::{
    args::{Command, Format},
    exit::{Failure, Outcome},
    output::{self, written, Sink},
    progress,
    records::Record,
};

/// The list parameters the flags name: each flag is the query parameter of
/// its name (`--last-name` sets `last_name`), and each `--filter NAME=VALUE`
/// any parameter no flag or argument set already; so a query parameter
/// added to the spec needs at most its flag here, and none with `--filter`.
pub fn query<P: Default>(
    flags: &impl serde::Serialize,
    filters: &[String],
    set: fn(P, &str, &str) -> Result<P, assured::InvalidInput>,
) -> Result<P, Failure> {
    use serde_json::Value;
    let invalid = |e: &dyn std::fmt::Display| Failure::invalid(e.to_string());
    // A flag left out (or an empty list) is no parameter.
    let text = |value: &Value| match value {
        Value::Null => None,
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) => Some(
            items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    };
    let given = match serde_json::to_value(flags).map_err(|e| invalid(&e))? {
        Value::Object(given) => given,
        _ => serde_json::Map::new(),
    };
    let mut params = P::default();
    for (name, value) in &given {
        if let Some(text) = text(value) {
            params = set(params, name, &text).map_err(|e| invalid(&e))?;
        }
    }
    let mut filtered = std::collections::HashSet::new();
    for filter in filters {
        let Some((name, value)) = filter.split_once('=') else {
            return Err(Failure::invalid(format!(
                "--filter {filter}: expected NAME=VALUE"
            )));
        };
        let name = name.trim();
        if !filtered.insert(name) {
            return Err(Failure::invalid(format!(
                "--filter {name}: given twice (a list parameter takes a comma list)"
            )));
        }
        if given.get(name).and_then(text).is_some() {
            return Err(Failure::invalid(format!(
                "--filter {name}: already set by its flag or argument"
            )));
        }
        params = set(params, name, value).map_err(|e| invalid(&e))?;
    }
    Ok(params)
}

/// Runs `command` with `client`, writing records in `format`.
pub async fn run(command: Command, client: &Client, format: Format) -> Outcome {
    match command {
        Command::Providers(command) => providers::run(command, client, format).await,
        Command::PracticeLocation(command) => practice_location::run(command, client, format).await,
        Command::OrgJoiningDate(command) => org_joining_date::run(command, client, format).await,
        Command::CaqhRequests(command) => caqh_requests::run(command, client, format).await,
        // Run by `sandbox` before a client exists.
        Command::Sandbox(_) => Ok(()),
    }
}

/// Prints one record, or fails with what went wrong while doing `what`.
pub fn print_one<R: Record>(format: Format, what: &str, result: assured::Result<R>) -> Outcome {
    let record = result.map_err(|e| Failure::api(what, &e))?;
    written(output::one(format, &record))
}

/// Prints one page, with a hint on a terminal when more pages follow.
pub fn print_page<R: Record>(
    format: Format,
    what: &str,
    page: assured::Result<Page<R>>,
) -> Outcome {
    let page = page.map_err(|e| Failure::api(what, &e))?;
    written(output::many(format, &page.results))?;
    if format == Format::Table && page.has_next() && io::stderr().is_terminal() {
        eprintln!(
            "{} of {} rows; --all for every page, or --offset/--limit",
            page.results.len(),
            page.count
        );
    }
    Ok(())
}

/// Prints every row of a walk, each once (the walk deduplicates and heals),
/// at most `max_items`, streaming NDJSON and CSV as pages arrive, with a
/// progress bar on a terminal.
pub async fn print_all<R>(
    format: Format,
    what: &str,
    walk: Walk<R>,
    max_items: Option<usize>,
) -> Outcome
where
    R: Record + Keyed + Send + 'static,
{
    let walk = match max_items {
        Some(max) => walk.max_items(max),
        None => walk,
    };
    let max = max_items.unwrap_or(usize::MAX);
    // The sink first: a CSV header is written before the bar is drawn.
    let sink = Sink::stdout::<R>(format);
    let bar = progress::bar(None, "rows");
    let result = async {
        let mut sink = sink
            .map_err(|e| Failure::io("writing the output", &e))?
            .with_progress(&bar);
        let mut pages = walk.pages();
        let mut written_rows = 0usize;
        let mut first = true;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                let what = if written_rows > 0 {
                    format!("{what} (after {written_rows} rows)")
                } else {
                    what.to_string()
                };
                Failure::api(&what, &e)
            })?;
            if first {
                first = false;
                let total = usize::try_from(page.count).unwrap_or(usize::MAX).min(max);
                progress::set_total(&bar, total as u64, "rows");
            }
            for row in page.results {
                if let Err(e) = sink.push(&row) {
                    // A closed pipe (`| head`) ends the walk quietly.
                    return written(Err(e));
                }
                written_rows += 1;
                bar.inc(1);
            }
        }
        let report = pages.report();
        tracing::debug!(
            rows = written_rows,
            requests = report.requests,
            heal_requests = report.heal_requests,
            list_changed = report.list_changed(),
            "walk finished"
        );
        written(sink.finish().map(drop))
    }
    .await;
    bar.finish_and_clear();
    result
}
