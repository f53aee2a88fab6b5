//! CSV cells a spreadsheet would run: a cell starting with `=`, `+`, `-`,
//! `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice
//! and Google Sheets (CSV injection). Provider names and emails come from
//! other people, so every CSV the CLI writes gets such cells prefixed with
//! `'` (OWASP's advice), unless `--raw-csv` asks for the bytes as they are.

use std::{
    borrow::Cow,
    io,
    sync::atomic::{AtomicBool, Ordering},
};

/// Set once from `--raw-csv` before any output is written.
static RAW: AtomicBool = AtomicBool::new(false);

/// Turns the neutralising off (`--raw-csv`) or on, for the whole process.
pub fn set_raw(raw: bool) {
    RAW.store(raw, Ordering::Relaxed);
}

/// Whether cells are neutralised (the default).
pub fn escaping() -> bool {
    !RAW.load(Ordering::Relaxed)
}

/// Whether a spreadsheet would run `cell` once its leading `'`s are gone: those are the cells
/// [`neutralise`] prefixes, so that [`unneutralise`] can tell its `'` from the user's.
fn risky(cell: &str) -> bool {
    let formula = |c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r');
    cell.trim_start_matches('\'').starts_with(formula)
}

/// The cell as a spreadsheet will show it as text.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match risky(cell) {
        true => Cow::Owned(format!("'{cell}")),
        false => Cow::Borrowed(cell),
    }
}

/// A cell as it was before [`neutralise`]: the `'` it added taken off, so a file the CLI wrote
/// (a rejects file) reads back as the values it held, whatever they were.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if risky(rest) => rest,
        _ => cell,
    }
}

/// One CSV record (quoted as needed, ending in a newline), its cells
/// neutralised when `escape`.
pub fn record<I, T>(cells: I, escape: bool) -> io::Result<Vec<u8>>
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    let cells: Vec<String> = cells
        .into_iter()
        .map(|cell| {
            let cell = cell.as_ref();
            if escape {
                neutralise(cell).into_owned()
            } else {
                cell.to_string()
            }
        })
        .collect();
    writer.write_record(&cells).map_err(io::Error::other)?;
    writer.into_inner().map_err(|e| e.into_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_prefixed_and_others_left_alone() {
        for cell in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["", "Jane", "a=b", "1-2", " =x", "'x", "x'=y"] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
        // A cell that already starts with `'` before a formula gets one more, so reading the
        // file back gives every value as it was.
        assert_eq!(neutralise("'=x"), "''=x");
        for cell in [
            "=1+1",
            "-",
            "-jane@example.com",
            "'x",
            "'=x",
            "''-",
            "'",
            "Jane",
            "",
        ] {
            assert_eq!(unneutralise(&neutralise(cell)), cell, "{cell:?}");
        }
    }

    #[test]
    fn records_are_quoted_after_neutralising() {
        let cells = ["=HYPERLINK(\"http://x\",\"y\")", "plain"];
        let escaped = String::from_utf8(record(cells, true).unwrap()).unwrap();
        assert_eq!(
            escaped,
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",plain\n"
        );
        let raw = String::from_utf8(record(cells, false).unwrap()).unwrap();
        assert_eq!(raw, "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",plain\n");
    }
}
