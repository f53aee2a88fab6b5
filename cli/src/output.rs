//! Writing records to stdout as a table, JSON, NDJSON or CSV.
//!
//! Every format is drawn from one JSON view of the record (see
//! [`crate::records`]), taken after secrets are redacted, so no format can
//! show a CAQH credential. Columns are declared per record type, so a CSV
//! with no rows still has its header. NDJSON and CSV rows are written as
//! they arrive; a table and a JSON array are written at the end.

use std::io::{self, IsTerminal, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use indicatif::ProgressBar;
use serde_json::Value;

use crate::{args::Format, records::Record};

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
    /// Whether to print a lone record as an object (json) rather than an array.
    single: bool,
}

impl Sink<io::Stdout> {
    /// A sink for many records of type `R` on stdout.
    pub fn stdout<R: Record>(format: Format) -> io::Result<Self> {
        Sink::new::<R>(format, io::stdout())
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

    /// Hide this progress bar while writing rows, so they do not mix.
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
                let line = serde_json::to_string(&value).map_err(io::Error::other)?;
                let out = &mut self.out;
                suspend(self.progress.as_ref(), || writeln!(out, "{line}"))
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

    /// Writes one CSV record (quoted as needed) straight through.
    fn write_csv<I, T>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(cells).map_err(io::Error::other)?;
        let bytes = writer.into_inner().map_err(|e| e.into_error())?;
        let out = &mut self.out;
        suspend(self.progress.as_ref(), || out.write_all(&bytes))
    }

    /// Writes what was held (table, JSON) and flushes; the progress bar,
    /// done by now, is cleared first so the two do not mix.
    pub fn finish(mut self) -> io::Result<W> {
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
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

fn suspend<T>(bar: Option<&ProgressBar>, write: impl FnOnce() -> T) -> T {
    match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
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
        caqh_password: assured::CaqhEcho,
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
            caqh_password: assured::CaqhEcho::from("hunter22"),
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
    fn json_is_an_array_unless_single() {
        assert_eq!(render(Format::Json, &[]), "[]\n");
    }
}
