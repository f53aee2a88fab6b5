//! Reading the CSV file and checking every row before anything is sent.

use std::{collections::HashMap, io::Read};

use assured::models::InviteProvider;
use chrono::NaiveDate;
use uuid::Uuid;

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

/// `InviteProvider.email` maxLength in `spec/assured.yaml`.
const EMAIL_MAX: usize = 254;
/// `InviteProvider.first_name` and `last_name` maxLength in `spec/assured.yaml`.
const NAME_MAX: usize = 50;

/// One checked row, ready to send.
#[derive(Debug, Clone)]
pub struct Row {
    /// The line of the file the row starts on.
    pub line: u64,
    /// What is sent.
    pub invite: InviteProvider,
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
/// Reads and checks every row; all problems of all rows, or the rows.
pub fn parse(input: impl Read) -> Result<Vec<Row>, Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| vec![csv_problem(&e, 1)])?
        .clone();
    let columns = columns(&headers)?;
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let mut emails: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.push(csv_problem(&e, 0));
                // A broken record (bad UTF-8) does not stop the check of the rest.
                if e.position().is_none() {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() > headers.len() {
            problems.push(Problem::new(
                line,
                "row",
                format!(
                    "has {} fields, the header has {}",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        match check_row(line, &columns, &record) {
            Ok(invite) => {
                let key = invite.email.to_lowercase();
                if let Some(first) = emails.get(&key) {
                    problems.push(Problem::new(
                        line,
                        "email",
                        format!("duplicates line {first} ({})", invite.email),
                    ));
                } else {
                    emails.insert(key, line);
                    rows.push(Row { line, invite });
                }
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// A row the CSV reader could not read.
fn csv_problem(error: &csv::Error, default_line: u64) -> Problem {
    let line = error.position().map_or(default_line, |p| p.line());
    Problem::new(line, "row", format!("cannot be read: {error}"))
}

/// Where each known column is in the file.
fn columns(headers: &csv::StringRecord) -> Result<HashMap<&'static str, usize>, Vec<Problem>> {
    let mut found = HashMap::new();
    let mut problems = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        let name = header.trim().to_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(column) => {
                if found.insert(*column, index).is_some() {
                    problems.push(Problem::new(1, &name, "column appears twice"));
                }
            }
            None => problems.push(Problem::new(
                1,
                header,
                format!("unknown column (expected {})", COLUMNS.join(", ")),
            )),
        }
    }
    if !found.contains_key("email") {
        problems.push(Problem::new(1, "email", "the header has no email column"));
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
            .filter(|value| !value.is_empty())
    };
    let mut problems = Vec::new();
    let mut check = |field: &str, result: Result<(), String>| {
        if let Err(message) = result {
            problems.push(Problem::new(line, field, message));
        }
    };
    let email = get("email").unwrap_or_default().to_string();
    check("email", check_email(&email));
    let first_name = get("first_name").map(str::to_string);
    check("first_name", check_name(first_name.as_deref()));
    let last_name = get("last_name").map(str::to_string);
    check("last_name", check_name(last_name.as_deref()));
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
    for cc in &cc_emails {
        check("cc_emails", check_email(cc));
    }
    match (client, primary, date, problems.is_empty()) {
        (Ok(client), Ok(primary), Ok(org_joining_date), true) => Ok(InviteProvider {
            cc_emails,
            client,
            email,
            first_name,
            last_name,
            org_joining_date,
            primary_practice_location: primary,
            provider_practice_locations: locations.into_iter().flatten().collect(),
        }),
        _ => Err(problems),
    }
}

/// The items of a semicolon-separated list, trimmed, empty ones dropped.
fn list(value: Option<&str>) -> impl Iterator<Item = &str> {
    value
        .unwrap_or_default()
        .split(';')
        .map(str::trim)
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

/// A first or last name within the spec's length.
fn check_name(name: Option<&str>) -> Result<(), String> {
    let len = name.map_or(0, |n| n.chars().count());
    if len > NAME_MAX {
        Err(format!("must be at most {NAME_MAX} characters (got {len})"))
    } else {
        Ok(())
    }
}

/// The library's email rule (what DRF's `EmailField` refuses outright:
/// no `@`, empty parts, spaces, a domain without a dot) and the spec's
/// length limit.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Err("is required".into());
    }
    let len = email.chars().count();
    if len > EMAIL_MAX {
        return Err(format!(
            "must be at most {EMAIL_MAX} characters (got {len})"
        ));
    }
    let valid = email.rsplit_once('@').is_some_and(|(local, domain)| {
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && !local.contains('@')
            && !local.chars().any(|c| c.is_whitespace() || c.is_control());
        domain_ok && local_ok
    });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "must be a valid email address (got {})",
            quoted(email)
        ))
    }
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
        let rows = parse(csv.as_bytes()).unwrap();
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
        let problems = parse(csv.as_bytes()).unwrap_err();
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

    #[test]
    fn headers_are_checked() {
        let problems = parse("first_name,mail\nJane,x\n".as_bytes()).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems.iter().all(|p| p.line == 1));
    }

    #[test]
    fn emails() {
        for good in ["a@b.co", "jane.doe+x@example.com"] {
            assert!(check_email(good).is_ok(), "{good}");
        }
        for bad in ["", "plain", "@b.co", "a@", "a@b", "a b@c.co", "a@b..co"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
