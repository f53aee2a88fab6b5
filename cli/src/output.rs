//! Writing records to stdout as a table, JSON, NDJSON or CSV.
//!
//! Every format is drawn from one JSON view of the record (see
//! [`crate::records`]), taken after secrets are redacted, so no format can
//! show a CAQH credential. Columns are declared per record type, so a CSV
//! with no rows still has its header. NDJSON and CSV rows are written as
//! they arrive; a table and a JSON array are written at the end. CSV cells
//! that a spreadsheet would run as formulas are neutralised (see
//! [`crate::safe_csv`]).

use std::{
    io::{self, IsTerminal, Write},
    time::{Duration, Instant},
};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use indicatif::ProgressBar;
use serde_json::Value;

use crate::{
    args::Format,
    exit::{Failure, Outcome},
    records::Record,
    safe_csv,
};

/// How often rows bound for a terminal that also shows the progress bar
/// are written: each write hides and redraws the bar, so per row it would
/// flicker and cost more than the rows.
const TERMINAL_FLUSH: Duration = Duration::from_millis(100);

/// Maps an output error onto a failure; a closed pipe (`| head`) is not one.
pub fn written(result: io::Result<()>) -> Outcome {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::io("writing the output", &e)),
    }
}

/// The format asked for, or the default for where stdout goes.
pub fn resolve(format: Option<Format>) -> Format {
    format.unwrap_or_else(|| {
        if io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Ndjson
        }
    })
}

/// One cell: strings as they are, lists joined with `;`, null empty.
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| cell(Some(item)))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

/// Rows of one record type on their way to stdout.
pub struct Sink<W: Write> {
    format: Format,
    columns: &'static [&'static str],
    table_columns: &'static [&'static str],
    out: W,
    held: Vec<Value>,
    progress: Option<ProgressBar>,
    /// Whether `out` is the terminal the progress bar is drawn on: then
    /// rows wait in `pending` and go out together, at most every
    /// [`TERMINAL_FLUSH`]. Elsewhere (a pipe, a file) they go straight out.
    out_is_terminal: bool,
    pending: Vec<u8>,
    last_flush: Instant,
    /// Whether CSV cells are neutralised.
    escape: bool,
    /// Whether to print a lone record as an object (json) rather than an array.
    single: bool,
}

impl Sink<io::Stdout> {
    /// A sink for many records of type `R` on stdout.
    pub fn stdout<R: Record>(format: Format) -> io::Result<Self> {
        let mut sink = Sink::new::<R>(format, io::stdout())?;
        sink.out_is_terminal = io::stdout().is_terminal();
        Ok(sink)
    }
}

impl<W: Write> Sink<W> {
    /// A sink for many records of type `R`; CSV writes its header now.
    pub fn new<R: Record>(format: Format, out: W) -> io::Result<Self> {
        let mut sink = Sink {
            format,
            columns: R::COLUMNS,
            table_columns: R::TABLE_COLUMNS,
            out,
            held: Vec::new(),
            progress: None,
            out_is_terminal: false,
            pending: Vec::new(),
            last_flush: Instant::now(),
            escape: safe_csv::escaping(),
            single: false,
        };
        if format == Format::Csv {
            sink.write_csv(sink.columns)?;
        }
        Ok(sink)
    }

    /// Print a lone record as a JSON object, not an array of one.
    pub fn single(mut self) -> Self {
        self.single = true;
        self
    }

    /// Hide this progress bar while writing rows to the terminal, so they
    /// do not mix.
    pub fn with_progress(mut self, bar: &ProgressBar) -> Self {
        self.progress = Some(bar.clone());
        self
    }

    /// Adds one record.
    pub fn push<R: Record>(&mut self, record: &R) -> io::Result<()> {
        let value = record.view();
        match self.format {
            Format::Table | Format::Json => {
                self.held.push(value);
                Ok(())
            }
            Format::Ndjson => {
                let mut line = serde_json::to_vec(&value).map_err(io::Error::other)?;
                line.push(b'\n');
                self.write(&line)
            }
            Format::Csv => {
                let cells: Vec<String> = self
                    .columns
                    .iter()
                    .map(|column| cell(value.get(*column)))
                    .collect();
                self.write_csv(&cells)
            }
        }
    }

    /// Adds every record.
    pub fn extend<'r, R: Record + 'r>(
        &mut self,
        records: impl IntoIterator<Item = &'r R>,
    ) -> io::Result<()> {
        records.into_iter().try_for_each(|r| self.push(r))
    }

    /// Writes one CSV record (quoted as needed).
    fn write_csv<I, T>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let bytes = safe_csv::record(cells, self.escape)?;
        self.write(&bytes)
    }

    /// Writes rows straight out, or, on the bar's terminal, in bunches.
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &self.progress {
            Some(_) if self.out_is_terminal => {
                self.pending.extend_from_slice(bytes);
                if self.last_flush.elapsed() >= TERMINAL_FLUSH {
                    self.flush_pending()?;
                }
                Ok(())
            }
            _ => self.out.write_all(bytes),
        }
    }

    /// Writes the rows waiting for the terminal, the bar hidden meanwhile.
    fn flush_pending(&mut self) -> io::Result<()> {
        self.last_flush = Instant::now();
        if self.pending.is_empty() {
            return Ok(());
        }
        let (out, pending) = (&mut self.out, &mut self.pending);
        let mut write = || {
            out.write_all(pending)?;
            out.flush()
        };
        let result = match &self.progress {
            Some(bar) => bar.suspend(&mut write),
            None => write(),
        };
        self.pending.clear();
        result
    }

    /// Writes what was held (table, JSON) and flushes; the progress bar,
    /// done by now, is cleared first so the two do not mix.
    pub fn finish(mut self) -> io::Result<W> {
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
        self.flush_pending()?;
        match self.format {
            Format::Table => {
                let table = table(self.table_columns, &self.held);
                writeln!(self.out, "{table}")?;
            }
            Format::Json => {
                let document = if self.single && self.held.len() == 1 {
                    self.held.remove(0)
                } else {
                    Value::Array(std::mem::take(&mut self.held))
                };
                let text = serde_json::to_string_pretty(&document).map_err(io::Error::other)?;
                writeln!(self.out, "{text}")?;
            }
            Format::Ndjson | Format::Csv => {}
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A table of `rows` (JSON views) under `columns`, wrapped to the terminal.
fn table(columns: &[&str], rows: &[Value]) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(columns.iter().copied());
    for row in rows {
        table.add_row(columns.iter().map(|column| cell(row.get(*column))));
    }
    table
}

/// Writes one record to stdout.
pub fn one<R: Record>(format: Format, record: &R) -> io::Result<()> {
    let mut sink = Sink::stdout::<R>(format)?.single();
    sink.push(record)?;
    sink.finish().map(drop)
}

/// Writes many records to stdout.
pub fn many<R: Record>(format: Format, records: &[R]) -> io::Result<()> {
    let mut sink = Sink::stdout::<R>(format)?;
    sink.extend(records)?;
    sink.finish().map(drop)
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::*;

    #[derive(Serialize)]
    struct Row {
        name: &'static str,
        tags: Vec<&'static str>,
        // The library's type for an echoed credential: it serialises redacted.
        caqh_password: assured::models::CaqhEcho,
    }

    impl Record for Row {
        const COLUMNS: &'static [&'static str] = &["name", "tags", "caqh_password"];
    }

    fn render(format: Format, rows: &[Row]) -> String {
        let mut sink = Sink::new::<Row>(format, Vec::new()).unwrap();
        sink.extend(rows).unwrap();
        String::from_utf8(sink.finish().unwrap()).unwrap()
    }

    #[test]
    fn csv_has_a_header_without_rows() {
        assert_eq!(render(Format::Csv, &[]), "name,tags,caqh_password\n");
    }

    #[test]
    fn every_format_redacts_and_joins_lists() {
        let rows = [Row {
            name: "a, b",
            tags: vec!["x", "y"],
            caqh_password: assured::models::CaqhEcho::from("hunter22"),
        }];
        for format in [Format::Table, Format::Json, Format::Ndjson, Format::Csv] {
            let text = render(format, &rows);
            assert!(!text.contains("hunter22"), "{format:?}: {text}");
            assert!(text.contains("[REDACTED]"), "{format:?}: {text}");
        }
        assert_eq!(
            render(Format::Csv, &rows),
            "name,tags,caqh_password\n\"a, b\",x;y,[REDACTED]\n"
        );
        let line: Value = serde_json::from_str(&render(Format::Ndjson, &rows)).unwrap();
        assert_eq!(
            line,
            serde_json::json!({"name": "a, b", "tags": ["x", "y"], "caqh_password": "[REDACTED]"})
        );
    }

    #[test]
    fn csv_cells_that_spreadsheets_run_are_neutralised() {
        let rows = [Row {
            name: "=HYPERLINK(\"http://evil\",\"x\")",
            tags: vec!["-1", "ok"],
            caqh_password: assured::models::CaqhEcho::from("x"),
        }];
        let text = render(Format::Csv, &rows);
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'-1;ok,[REDACTED]"
        );
        let mut sink = Sink::new::<Row>(Format::Csv, Vec::new()).unwrap();
        sink.escape = false;
        sink.extend(&rows).unwrap();
        let raw = String::from_utf8(sink.finish().unwrap()).unwrap();
        assert!(raw.contains("\"=HYPERLINK("), "{raw}");
        // JSON is not run by spreadsheets: left as it is.
        assert!(render(Format::Ndjson, &rows).contains("\"=HYPERLINK("));
    }

    /// Counts the writes that reach it.
    struct Counting {
        writes: usize,
        bytes: Vec<u8>,
    }

    impl Write for Counting {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.writes += 1;
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn rows_for_the_bars_terminal_go_out_in_bunches() {
        let rows: Vec<Row> = (0..1000)
            .map(|_| Row {
                name: "n",
                tags: vec![],
                caqh_password: assured::models::CaqhEcho::from("x"),
            })
            .collect();
        let counting = Counting {
            writes: 0,
            bytes: Vec::new(),
        };
        let bar = ProgressBar::hidden();
        let mut sink = Sink::new::<Row>(Format::Ndjson, counting)
            .unwrap()
            .with_progress(&bar);
        sink.out_is_terminal = true;
        sink.extend(&rows).unwrap();
        let out = sink.finish().unwrap();
        assert_eq!(out.bytes.iter().filter(|b| **b == b'\n').count(), 1000);
        // 1000 rows in well under 100 ms: one or two bunches, not 1000 writes.
        assert!(out.writes <= 2, "{} writes", out.writes);

        // Not a terminal: straight through, a write per row.
        let counting = Counting {
            writes: 0,
            bytes: Vec::new(),
        };
        let mut sink = Sink::new::<Row>(Format::Ndjson, counting)
            .unwrap()
            .with_progress(&bar);
        sink.extend(&rows).unwrap();
        assert_eq!(sink.finish().unwrap().writes, 1000);
    }

    #[test]
    fn json_is_an_array_unless_single() {
        assert_eq!(render(Format::Json, &[]), "[]\n");
    }
}
