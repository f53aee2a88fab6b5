//! Onboarding a spreadsheet of new clinicians: every row is checked before
//! anything is sent (bad rows reported by line), the rest invited in
//! batches, and each row gets a result: invited with its id, or why not.
//!
//! `cargo run --example onboard_spreadsheet --features sandbox [-- FILE.csv]`
//!
//! Runs on the embedded sandbox (no credentials), with the sheet below or
//! FILE.csv (columns email,first_name,last_name). For Assured itself, make
//! the client with `Client::from_env()` instead.

use assured::{models::InviteProvider, sandbox::Sandbox, Error};

/// Line 4 has a bad email, line 6 repeats line 2, and Dev Patel is already
/// on the sandbox's roster, which the server refuses.
const SHEET: &str = "email,first_name,last_name
ana.ruiz@example.com,Ana,Ruiz
chloe.martin@example.com,Chloe,Martin
ben.okafor@example,Ben,Okafor
dev.patel@example.com,Dev,Patel
ANA.RUIZ@example.com,Ana,Ruiz
eve.nakamura@example.com,Eve,Nakamura
";
/// Invites per request (the API takes many; small here to show batches).
const BATCH: usize = 2;

/// The item index in a problem's field name: `providers[3].email` is 3.
fn item_index(field: &str) -> Option<usize> {
    let (index, _) = field.strip_prefix("providers[")?.split_once(']')?;
    index.parse().ok()
}

/// The line a record starts on, from its byte offset: the reader's own line
/// count can be early (CRLF endings, skipped blank lines).
fn line_of(sheet: &[u8], record: &csv::StringRecord) -> usize {
    let offset = record.position().map_or(0, |p| p.byte());
    let offset = usize::try_from(offset).map_or(sheet.len(), |o| o.min(sheet.len()));
    let ends = sheet[offset..]
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'));
    let start = offset + ends.count();
    1 + sheet[..start].iter().filter(|&&b| b == b'\n').count()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sheet = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => SHEET.to_string(),
    };
    let sandbox = Sandbox::builder().seed(42).providers(250).start().await?;
    let client = sandbox.client()?;
    let providers = client.providers();
    // Dev Patel is on the roster already (invited by a colleague, say).
    let already = InviteProvider::builder().email("dev.patel@example.com");
    providers.invite_providers([already.try_into()?]).await?;

    // Read the rows, keeping each one's line number.
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(sheet.as_bytes());
    let (mut lines, mut invites) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record?;
        let cell = |i| record.get(i).filter(|c| !c.is_empty()).map(str::to_string);
        lines.push(line_of(sheet.as_bytes(), &record));
        invites.push(InviteProvider::try_from(
            InviteProvider::builder()
                .email(cell(0).unwrap_or_default())
                .first_name(cell(1))
                .last_name(cell(2)),
        )?);
    }

    // Check every row first: each problem names `providers[i].field`.
    let mut results: Vec<Option<String>> = vec![None; invites.len()];
    for problem in assured::validate_invites(&invites) {
        let Some(i) = item_index(&problem.field) else {
            continue;
        };
        let field = problem.field.rsplit('.').next().unwrap_or("row");
        let first = problem
            .rule
            .strip_prefix("duplicates ")
            .and_then(item_index);
        let rule = first.map_or(problem.rule.clone(), |f| {
            format!("duplicates line {}", lines[f])
        });
        results[i].get_or_insert(format!("invalid: {field} {rule}"));
    }

    // Invite the valid rows in batches. A 400 naming rows creates nothing:
    // those rows are refused, and the batch is sent again without them.
    let valid: Vec<usize> = (0..invites.len())
        .filter(|&i| results[i].is_none())
        .collect();
    for batch in valid.chunks(BATCH) {
        let mut pending = batch.to_vec();
        while !pending.is_empty() {
            let sending: Vec<InviteProvider> =
                pending.iter().map(|&i| invites[i].clone()).collect();
            match providers.invite_providers(sending).await {
                Ok(invited) => {
                    // One provider per invite, in the order sent.
                    for (&i, p) in pending.iter().zip(&invited) {
                        results[i] = Some(format!("invited: {}", p.id));
                    }
                    break;
                }
                // Only if it names rows of this batch, so every pass sends fewer.
                Err(Error::Validation(api))
                    if api.item_errors.keys().any(|&at| at < pending.len()) =>
                {
                    for (&at, fields) in &api.item_errors {
                        let reason: Vec<String> = fields
                            .iter()
                            .map(|(f, m)| format!("{f}: {}", m.join(" ")))
                            .collect();
                        if let Some(&i) = pending.get(at) {
                            results[i] = Some(format!("refused: {}", reason.join("; ")));
                        }
                    }
                    pending.retain(|&i| results[i].is_none());
                }
                Err(e) => {
                    for &i in &pending {
                        results[i] =
                            Some(format!("failed, check the roster before resending: {e}"));
                    }
                    break;
                }
            }
        }
    }

    let mut invited = 0;
    for ((line, invite), result) in lines.iter().zip(&invites).zip(&results) {
        let result = result.as_deref().unwrap_or("not sent");
        invited += usize::from(result.starts_with("invited"));
        println!("line {line}: {:<26} {result}", invite.email);
    }
    println!("{invited} of {} rows invited", invites.len());
    Ok(())
}
