//! Reading the CSV file and checking every row before anything is sent.

use std::{collections::HashMap, io::Read};

use assured::models::InviteProvider;
use chrono::NaiveDate;
use uuid::Uuid;

use crate::safe_csv;

/// The columns a file may have; `email` is the one required.
pub const COLUMNS: &[&str] = &[
    "email",
    "first_name",
    "last_name",
    "client",
    "practice_locations",
    "primary_practice_location",
    "org_joining_date",
    "cc_emails",
];

/// A column the file may have that is not sent: the reason a rejects file
/// (`--rejects`) gives each row, so that the file can be fixed and read
/// again as it is.
pub const REASON: &str = "reason";

/// One checked row, ready to send.
#[derive(Debug, Clone)]
pub struct Row {
    /// The line of the file the row starts on.
    pub line: u64,
    /// What is sent.
    pub invite: InviteProvider,
    /// The row's cells as read, for the rejects file.
    pub record: csv::StringRecord,
}

/// A row refused before sending, with everything wrong with it.
#[derive(Debug, Clone)]
pub struct Invalid {
    /// The line of the file the row starts on.
    pub line: u64,
    /// The row's cells; `None` when the reader could not read them.
    pub record: Option<csv::StringRecord>,
    /// Its email cell as read (empty when none).
    pub email: String,
    /// What is wrong, at least one thing.
    pub problems: Vec<Problem>,
}

impl Invalid {
    /// All the row's problems on one line.
    pub fn reason(&self) -> String {
        self.problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A file read and checked.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The header as written (without a byte order mark).
    pub headers: csv::StringRecord,
    /// The rows ready to send, in file order.
    pub rows: Vec<Row>,
    /// The rows refused, in file order.
    pub invalid: Vec<Invalid>,
}

/// One thing wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line of the file the row starts on (1 is the header).
    pub line: u64,
    /// The column.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    fn new(line: u64, field: &str, message: impl Into<String>) -> Self {
        Self {
            line,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Line numbers from the reader's byte positions.
///
/// The reader's own `Position::line` is where it began reading a record,
/// which is before the blank lines it skips and, with CRLF endings, before
/// the `\n` of the previous line: one or more lines early. The byte offset
/// is exact, so the line is counted from it, past those line endings.
struct Lines<'a> {
    bytes: &'a [u8],
    /// How far `line` has been counted.
    offset: usize,
    /// The line at `offset`.
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `position` that is not
    /// a line ending. Positions only move forward.
    fn of(&mut self, position: Option<&csv::Position>, default: u64) -> u64 {
        let Some(position) = position else {
            return default;
        };
        let mut start = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start < self.offset {
            return self.line;
        }
        // A line ends at `\n`, or at a `\r` not followed by `\n` (the csv
        // reader's CR-only endings: old Excel for Mac), as the reader counts them.
        let newlines = (self.offset..start)
            .filter(|&i| match self.bytes[i] {
                b'\n' => true,
                b'\r' => self.bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            })
            .count();
        self.line += newlines as u64;
        self.offset = start;
        self.line
    }
}

/// Reads and checks every row. A bad header fails the whole file; bad rows
/// are set aside with their problems.
///
/// Line numbers are where each record starts in the file, not a count of
/// records: they stay right with CRLF endings, a byte order mark, blank
/// lines and quoted newlines (see [`Lines`]).
pub fn parse(mut input: impl Read) -> Result<Parsed, Vec<Problem>> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| vec![Problem::new(1, "file", format!("cannot be read: {e}"))])?;
    let mut lines = Lines::new(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| vec![csv_problem(&e, lines.of(e.position(), 1))])?
        .clone();
    let header_line = lines.of(headers.position(), 1);
    let columns = columns(&headers, header_line)?;
    let mut parsed = Parsed {
        headers: headers.clone(),
        rows: Vec::new(),
        invalid: Vec::new(),
    };
    let mut emails: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let problem = csv_problem(&e, lines.of(e.position(), 0));
                parsed.invalid.push(Invalid {
                    line: problem.line,
                    record: None,
                    email: String::new(),
                    problems: vec![problem],
                });
                // A broken record (bad UTF-8) does not stop the check of the rest.
                if e.position().is_none() {
                    break;
                }
                continue;
            }
        }
        let line = lines.of(record.position(), 0);
        if record.iter().all(str::is_empty) {
            continue;
        }
        // A rejects file's cells were neutralised for spreadsheets: send, and set aside again,
        // what the user wrote, not the added `'`.
        // Only when the CLI neutralises: with --raw-csv it wrote the values as they are.
        let record: csv::StringRecord = match safe_csv::escaping() {
            true => record.iter().map(safe_csv::unneutralise).collect(),
            false => record.clone(),
        };
        let invalid = |problems| Invalid {
            line,
            record: Some(record.clone()),
            email: columns
                .get("email")
                .and_then(|i| record.get(*i))
                .unwrap_or_default()
                .to_string(),
            problems,
        };
        if record.len() > headers.len() {
            // The likely cause: a list written with commas in an unquoted cell.
            let message = format!(
                "has {} fields, the header has {} (separate a cell's list with ';', \
                 or quote a cell holding a comma)",
                record.len(),
                headers.len()
            );
            parsed
                .invalid
                .push(invalid(vec![Problem::new(line, "row", message)]));
            continue;
        }
        match check_row(line, &columns, &record) {
            Ok(invite) => {
                let key = invite.email.to_lowercase();
                if let Some(first) = emails.get(&key) {
                    let message = format!("duplicates line {first} ({})", invite.email);
                    parsed
                        .invalid
                        .push(invalid(vec![Problem::new(line, "email", message)]));
                } else {
                    emails.insert(key, line);
                    parsed.rows.push(Row {
                        line,
                        invite,
                        record: record.clone(),
                    });
                }
            }
            Err(found) => parsed.invalid.push(invalid(found)),
        }
    }
    Ok(parsed)
}

/// A row the CSV reader could not read, at `line`.
fn csv_problem(error: &csv::Error, line: u64) -> Problem {
    Problem::new(line, "row", format!("cannot be read: {error}"))
}

/// Where each known column is in the file.
fn columns(
    headers: &csv::StringRecord,
    line: u64,
) -> Result<HashMap<&'static str, usize>, Vec<Problem>> {
    let mut found = HashMap::new();
    let mut problems = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        let name = header.trim().to_lowercase();
        if name == REASON {
            continue;
        }
        match COLUMNS.iter().find(|c| **c == name) {
            Some(column) => {
                if found.insert(*column, index).is_some() {
                    problems.push(Problem::new(line, &name, "column appears twice"));
                }
            }
            None => problems.push(Problem::new(
                line,
                header,
                format!("unknown column (expected {})", COLUMNS.join(", ")),
            )),
        }
    }
    if !found.contains_key("email") {
        problems.push(Problem::new(
            line,
            "email",
            "the header has no email column",
        ));
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// The invite of one record, or everything wrong with it.
fn check_row(
    line: u64,
    columns: &HashMap<&'static str, usize>,
    record: &csv::StringRecord,
) -> Result<InviteProvider, Vec<Problem>> {
    let get = |name: &str| {
        columns
            .get(name)
            .and_then(|index| record.get(*index))
            .map(strip)
            .filter(|value| !value.is_empty())
    };
    let mut problems = Vec::new();
    let mut check = |field: &str, result: Result<(), String>| {
        if let Err(message) = result {
            problems.push(Problem::new(line, field, message));
        }
    };
    let email = get("email").unwrap_or_default().to_string();
    if email.is_empty() {
        check("email", Err("is required".into()));
    }
    let first_name = get("first_name").map(str::to_string);
    let last_name = get("last_name").map(str::to_string);
    let client = get("client").map(uuid).transpose();
    check("client", verdict(&client));
    let locations: Vec<Result<Uuid, String>> = list(get("practice_locations")).map(uuid).collect();
    for location in &locations {
        check("practice_locations", verdict(location));
    }
    let primary = get("primary_practice_location").map(uuid).transpose();
    check("primary_practice_location", verdict(&primary));
    let date = get("org_joining_date").map(date).transpose();
    check("org_joining_date", verdict(&date));
    let cc_emails: Vec<String> = list(get("cc_emails")).map(str::to_string).collect();
    let invite = InviteProvider {
        cc_emails,
        client: client.clone().ok().flatten(),
        email,
        first_name,
        last_name,
        org_joining_date: date.clone().ok().flatten(),
        primary_practice_location: primary.clone().ok().flatten(),
        provider_practice_locations: locations.iter().flatten().copied().collect(),
    };
    // The library's rules (the spec's lengths, email syntax), all of them.
    for problem in assured::validate_invites(std::slice::from_ref(&invite)) {
        let field = problem.field.trim_start_matches("providers[0].");
        let shown = match field.split_once('[') {
            Some(("cc_emails", index)) => index
                .trim_end_matches(']')
                .parse::<usize>()
                .ok()
                .and_then(|i| invite.cc_emails.get(i))
                .map(|cc| format!(" (got {})", quoted(cc))),
            _ if field == "email" => Some(format!(" (got {})", quoted(&invite.email))),
            _ => None,
        };
        let column = field.split('[').next().unwrap_or(field);
        if column == "email" && invite.email.is_empty() {
            continue; // already "is required"
        }
        check(
            column,
            Err(format!("{}{}", problem.rule, shown.unwrap_or_default())),
        );
    }
    // Report in column order, whichever check found the problem.
    problems.sort_by_key(|p| COLUMNS.iter().position(|c| *c == p.field));
    match (client, primary, date, problems.is_empty()) {
        (Ok(_), Ok(_), Ok(_), true) => Ok(invite),
        _ => Err(problems),
    }
}

/// A cell trimmed as the server trims text, with Python's `str.strip()`: the csv reader's trim
/// keeps U+001C to U+001F, so `a@example.com\u{1f}` would pass as another address than
/// `a@example.com` here and be refused, with its whole batch, as the same one by the library.
fn strip(cell: &str) -> &str {
    cell.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// The items of a semicolon-separated list, trimmed, empty ones dropped.
fn list(value: Option<&str>) -> impl Iterator<Item = &str> {
    value
        .unwrap_or_default()
        .split(';')
        .map(strip)
        .filter(|item| !item.is_empty())
}

/// A check's verdict without its value.
fn verdict<T>(result: &Result<T, String>) -> Result<(), String> {
    result.as_ref().map(drop).map_err(Clone::clone)
}

/// A UUID, or why the text is not one.
fn uuid(text: &str) -> Result<Uuid, String> {
    Uuid::parse_str(text).map_err(|_| format!("must be a UUID (got {})", quoted(text)))
}

/// A `YYYY-MM-DD` date, or why the text is not one.
fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("must be a date as YYYY-MM-DD (got {})", quoted(text)))
}

/// A value for a message: quoted, and cut when long.
fn quoted(value: &str) -> String {
    const SHOWN: usize = 60;
    if value.chars().count() > SHOWN {
        let cut: String = value.chars().take(SHOWN).collect();
        format!("{cut:?}…")
    } else {
        format!("{value:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCATION: &str = "6b1f0a52-8a5e-4c0e-9d7b-3e2f1a4c5d6e";

    #[test]
    fn good_rows_parse_with_lists_and_any_column_order() {
        let csv = format!(
            "last_name,email,practice_locations,cc_emails,org_joining_date\n\
             Doe,jane@example.com,{LOCATION};{LOCATION},a@example.com; b@example.com,2024-03-01\n\
             ,sam@example.com,,,\n"
        );
        let rows = parse(csv.as_bytes()).unwrap().rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].invite.provider_practice_locations.len(), 2);
        assert_eq!(rows[0].invite.cc_emails, ["a@example.com", "b@example.com"]);
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].invite.last_name, None);
    }

    #[test]
    fn every_problem_of_every_row_is_reported_with_its_line() {
        let long = "x".repeat(51);
        let csv = format!(
            "email,first_name,client,org_joining_date\n\
             ok@example.com,,,\n\
             not-an-email,{long},nope,2024-13-01\n\
             OK@example.com,,,\n\
             ,,,\n\
             \"multi\nline\"@example.com,,,\n\
             last@example.com,,,01/02/2024\n"
        );
        let problems = problems(&csv);
        let got: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "email"),
                (3, "first_name"),
                (3, "client"),
                (3, "org_joining_date"),
                (4, "email"),
                (6, "email"),
                (8, "org_joining_date"),
            ]
        );
        assert!(problems[4].message.contains("duplicates line 2"));
    }

    /// Every problem of every invalid row, in file order.
    fn problems(csv: &str) -> Vec<Problem> {
        let parsed = parse(csv.as_bytes()).unwrap();
        parsed
            .invalid
            .into_iter()
            .flat_map(|i| i.problems)
            .collect()
    }

    /// The line of each good row, and of each invalid one.
    fn lines(csv: &str) -> (Vec<u64>, Vec<u64>) {
        let parsed = parse(csv.as_bytes()).unwrap();
        (
            parsed.rows.iter().map(|r| r.line).collect(),
            parsed.invalid.iter().map(|i| i.line).collect(),
        )
    }

    #[test]
    fn cells_are_trimmed_as_the_server_trims_them() {
        let csv = "email,cc_emails\na@example.com\u{1f},b@example.com\u{1c};\nA@example.com,\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rows[0].invite.email, "a@example.com");
        assert_eq!(parsed.rows[0].invite.cc_emails, ["b@example.com"]);
        assert_eq!(lines(csv), (vec![2], vec![3]));
        assert!(parsed.invalid[0].problems[0]
            .message
            .contains("duplicates line 2"));
    }

    #[test]
    fn lines_are_right_with_crlf() {
        let csv = "email,first_name\r\na@example.com,A\r\nbad,B\r\nc@example.com,C\r\n";
        assert_eq!(lines(csv), (vec![2, 4], vec![3]));
        // CR is a line ending, not part of the last cell.
        let parsed = parse(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rows[1].invite.first_name.as_deref(), Some("C"));
    }

    #[test]
    fn lines_are_right_with_a_byte_order_mark() {
        let csv = "\u{feff}email,first_name\na@example.com,A\nbad,B\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        // The mark is not part of the first column's name.
        assert_eq!(&parsed.headers[0], "email");
        assert_eq!(lines(csv), (vec![2], vec![3]));
    }

    #[test]
    fn lines_are_right_with_cr_only_endings() {
        let csv = "email,first_name\ra@example.com,A\rbad,B\rc@example.com,C\r";
        assert_eq!(lines(csv), (vec![2, 4], vec![3]));
    }

    #[test]
    fn lines_are_right_with_blank_lines() {
        let csv = "email\n\na@example.com\n\n\nbad\n,\nc@example.com\n";
        assert_eq!(lines(csv), (vec![3, 8], vec![6]));
    }

    #[test]
    fn lines_are_right_after_quoted_newlines() {
        let csv = "email,first_name\na@example.com,\"two\nlines\"\n\"x\r\ny\",B\nc@example.com,\"a\n\nb\"\nbad,C\n";
        assert_eq!(lines(csv), (vec![2, 6], vec![4, 9]));
        let parsed = parse(csv.as_bytes()).unwrap();
        assert_eq!(
            parsed.rows[0].invite.first_name.as_deref(),
            Some("two\nlines")
        );
    }

    #[test]
    fn a_reason_column_is_read_and_not_sent() {
        let parsed = parse("email,reason\na@example.com,email: taken\n".as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(&parsed.rows[0].record[1], "email: taken");
    }

    #[test]
    fn headers_are_checked() {
        let problems = parse("first_name,mail\nJane,x\n".as_bytes()).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems.iter().all(|p| p.line == 1));
        // Blank lines before the header (CRLF here) count.
        let problems = parse("\r\n\r\nmail\r\nx\r\n".as_bytes()).unwrap_err();
        assert!(problems.iter().all(|p| p.line == 3), "{problems:?}");
    }
}
