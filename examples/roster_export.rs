//! Nightly roster export: every provider on Assured, one CSV row each, safe
//! to open in a spreadsheet (cells that would run as formulas get a `'`).
//!
//! `cargo run --example roster_export --features sandbox [-- PATH]`
//!
//! Runs on the embedded sandbox (no credentials) and writes PATH, by default
//! `roster.csv` in the temp directory. With `ASSURED_API_KEY` set, `--live`
//! exports the roster of Assured itself.

use std::{borrow::Cow, path::PathBuf};

use assured::{models::InviteProvider, prelude::*, sandbox::Sandbox};

const HEADER: [&str; 11] = [
    "id",
    "email",
    "first_name",
    "middle_name",
    "last_name",
    "full_name",
    "npi",
    "is_active",
    "profile_completeness_percentage",
    "provider_profile_id",
    "user_type",
];

/// OWASP's rule against CSV injection: a cell a spreadsheet would read as a
/// formula is prefixed with `'`.
fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let live = args.iter().any(|a| a == "--live");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or_else(|| std::env::temp_dir().join("roster.csv"), PathBuf::from);

    let sandbox = if live {
        None
    } else {
        Some(Sandbox::builder().seed(42).providers(250).start().await?)
    };
    let client = match &sandbox {
        Some(sandbox) => sandbox.client()?,
        None => Client::from_env()?,
    };
    if sandbox.is_some() {
        // Names come from other people: one a spreadsheet would run.
        let invite: InviteProvider = InviteProvider::builder()
            .email("mallory@example.com")
            .first_name(Some("=HYPERLINK(\"http://x\")".to_string()))
            .try_into()?;
        client.providers().invite_providers([invite]).await?;
    }

    let mut out = csv::Writer::from_path(&path)?;
    out.write_record(HEADER)?;
    let mut neutralised = 0;
    let mut rows = client.providers().walk(&ListProvidersParams::new()).rows();
    while let Some(p) = rows.try_next().await? {
        let text = |field: &Option<String>| field.clone().unwrap_or_default();
        let profile = p.provider_profile_id.as_ref().map(|id| id.to_string());
        let cells = [
            p.id.to_string(),
            p.email.clone(),
            text(&p.first_name),
            text(&p.middle_name),
            text(&p.last_name),
            text(&p.full_name),
            text(&p.npi),
            p.is_active.map(|a| a.to_string()).unwrap_or_default(),
            p.profile_completeness_percentage
                .map(|c| c.to_string())
                .unwrap_or_default(),
            text(&profile),
            p.user_type.map(|t| t.to_string()).unwrap_or_default(),
        ];
        let safe: Vec<Cow<'_, str>> = cells.iter().map(|c| neutralise(c)).collect();
        neutralised += cells.iter().zip(&safe).filter(|(c, s)| c != s).count();
        out.write_record(safe.iter().map(|c| c.as_bytes()))?;
    }
    out.flush()?;

    let report = rows.report();
    println!("wrote {} providers to {}", report.rows, path.display());
    println!("{neutralised} cell(s) neutralised against CSV injection");
    println!(
        "walk: {} rows in {} requests ({} to heal shifts), list changed: {}",
        report.rows,
        report.requests,
        report.heal_requests,
        report.list_changed()
    );
    Ok(())
}
