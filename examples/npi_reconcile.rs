//! Reconciling a payer file's NPIs against Assured: each NPI is found (with
//! the provider's id and name), not found, or invalid (and why).
//!
//! `cargo run --example npi_reconcile --features sandbox [-- NPI...]`
//!
//! Runs on the embedded sandbox (no credentials). Without NPIs it makes up
//! a payer file: three NPIs of sandbox providers, two valid ones nobody has,
//! two invalid ones. With `ASSURED_API_KEY` set, `--live` asks Assured itself.

use std::collections::HashMap;

use assured::{prelude::*, sandbox::Sandbox};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let live = args.iter().any(|a| a == "--live");
    let sandbox = if live {
        None
    } else {
        Some(Sandbox::builder().seed(42).providers(250).start().await?)
    };
    let client = match &sandbox {
        Some(sandbox) => sandbox.client()?,
        None => Client::from_env()?,
    };
    let providers = client.providers();

    let mut payer_file: Vec<String> = args.into_iter().filter(|a| !a.starts_with("--")).collect();
    if payer_file.is_empty() {
        // Three NPIs on the roster (ten digits once normalised), one written
        // with dashes as payers do.
        let known = providers
            .walk(&ListProvidersParams::new().limit(3))
            .max_items(3)
            .collect()
            .await?;
        let mut npis = known
            .items
            .iter()
            .filter_map(|p| assured::npi::normalize(p.npi.as_deref()?).ok());
        if let Some(npi) = npis.next() {
            payer_file.push(format!("{}-{}-{}", &npi[..4], &npi[4..7], &npi[7..]));
        }
        payer_file.extend(npis);
        // Valid NPIs that no sandbox provider has, and two invalid ones.
        payer_file.extend(["1993999998", "2000000002", "1234567890", "12345"].map(String::from));
    }

    // Check every NPI locally first; only valid ones are looked up.
    let checked: Vec<(&str, Result<String, assured::InvalidInput>)> = payer_file
        .iter()
        .map(|raw| (raw.as_str(), assured::npi::normalize(raw)))
        .collect();
    let valid: Vec<&str> = checked
        .iter()
        .filter_map(|(_, npi)| npi.as_deref().ok())
        .collect();
    let result = providers.get_by_npis(&valid).await?;
    let by_npi: HashMap<&str, &assured::models::Provider> = result
        .found
        .iter()
        .filter_map(|p| Some((p.npi.as_deref()?, p)))
        .collect();

    let (mut found, mut missing, mut invalid) = (0, 0, 0);
    println!("{:<14} {:<10} detail", "npi", "status");
    for (raw, npi) in &checked {
        let (status, detail) = match npi {
            Err(e) => {
                invalid += 1;
                ("invalid", e.rule.clone())
            }
            Ok(npi) => match by_npi.get(npi.as_str()) {
                Some(p) => {
                    found += 1;
                    let name = p.full_name.as_deref().unwrap_or("(no name)");
                    ("found", format!("{} {name}", p.id))
                }
                None => {
                    missing += 1;
                    ("not found", String::new())
                }
            },
        };
        println!("{raw:<14} {status:<10} {detail}");
    }
    println!(
        "{} NPIs: {found} found, {missing} not found, {invalid} invalid",
        checked.len()
    );
    Ok(())
}
