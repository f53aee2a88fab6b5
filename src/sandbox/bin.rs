//! `assured-sandbox`: the embedded sandbox as a server for any HTTP client.
//!
//! ```text
//! assured-sandbox --port 8080 --seed 42 --providers 10000 --latency-ms 20 --max-limit 100
//! curl -H 'x-api-key: sandbox-api-key' 'http://127.0.0.1:8080/api/v1/users/providers-list/?limit=2'
//! assured-sandbox --tls --cert-out sandbox.pem --max-in-flight 8 --rate-limit 50
//! curl --cacert sandbox.pem --compressed -H 'x-api-key: sandbox-api-key' 'https://127.0.0.1:8080/api/v1/users/providers-list/?limit=2'
//! ```

use std::{io::Write, path::PathBuf, process::ExitCode, time::Duration};

use assured::sandbox::{parse_fault_spec, Churn, Sandbox, DEFAULT_API_KEY};
use clap::Parser;

/// A stateful fake Assured providers API on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "assured-sandbox", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Providers to generate.
    #[arg(long, default_value_t = 250)]
    providers: usize,
    /// Delay before every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Largest page size served; larger `limit`s are capped.
    #[arg(long, default_value_t = 100)]
    max_limit: usize,
    /// Page size when a request sets no `limit`.
    #[arg(long, default_value_t = 100)]
    default_limit: usize,
    /// The API key to accept.
    #[arg(long, default_value = DEFAULT_API_KEY)]
    api_key: String,
    /// A planned fault, repeatable: ROUTE:TIMES:STATUS[:RETRY_AFTER] or
    /// ROUTE:TIMES:drop|malformed|broken-body, e.g. /api/v1/users/providers-list/:2:503:1
    #[arg(long = "fault", value_parser = parse_fault_spec)]
    faults: Vec<(String, usize, assured::sandbox::Fault)>,
    /// Change the roster while it is read: insert-front, insert-random,
    /// delete-front or delete-random, before every list request or every
    /// Nth with `:N`, R rows at once with `:N:R`, e.g. delete-random:3 or
    /// insert-front:1:500
    #[arg(long)]
    churn: Option<Churn>,
    /// Null the computed fields (full_name, npi, provider_profile_id,
    /// profile_completeness_percentage, user_type) of every Nth provider.
    #[arg(long, default_value_t = 0)]
    null_every: usize,
    /// Serve HTTPS (HTTP/2 and HTTP/1.1) with a self-signed certificate
    /// for localhost and 127.0.0.1, made at start.
    #[arg(long)]
    tls: bool,
    /// Write the certificate (PEM) here, for clients to trust.
    #[arg(long, requires = "tls")]
    cert_out: Option<PathBuf>,
    /// Do not compress answers, whatever Accept-Encoding asks.
    #[arg(long)]
    no_compression: bool,
    /// Answer 429 (Retry-After: 1) beyond this many requests at once.
    #[arg(long)]
    max_in_flight: Option<usize>,
    /// Requests served per second; beyond it 429 with Retry-After.
    #[arg(long)]
    rate_limit: Option<f64>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("assured-sandbox: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let mut builder = Sandbox::builder();
    if let Some(churn) = args.churn {
        builder = builder.churn(churn);
    }
    let mut builder = builder
        .null_computed_every(args.null_every)
        .port(args.port)
        .seed(args.seed)
        .providers(args.providers)
        .latency(Duration::from_millis(args.latency_ms))
        .max_limit(args.max_limit)
        .default_limit(args.default_limit)
        .api_key(args.api_key)
        .tls(args.tls)
        .compression(!args.no_compression);
    if let Some(n) = args.max_in_flight {
        builder = builder.max_in_flight(n);
    }
    if let Some(rate) = args.rate_limit {
        builder = builder.rate_limit(rate);
    }
    let sandbox = builder.start().await.map_err(|e| e.to_string())?;
    for (route, times, fault) in args.faults {
        sandbox.plan(&route, times, fault);
    }
    let mut banner = format!(
        "assured-sandbox on {} with {} providers; api key: {}",
        sandbox.base_url(),
        sandbox.provider_count(),
        sandbox.api_key()
    );
    if let (Some(path), Some(pem)) = (&args.cert_out, sandbox.certificate_pem()) {
        std::fs::write(path, pem)
            .map_err(|e| format!("writing the certificate to {}: {e}", path.display()))?;
        banner.push_str(&format!("\ncertificate: {}", path.display()));
    }
    // The ids a user needs to try the practice-location and client filters.
    let ids = |ids: Vec<uuid::Uuid>| {
        ids.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    banner.push_str(&format!(
        "\npractice locations: {}\nclients: {}",
        ids(sandbox.practice_locations()),
        ids(sandbox.clients())
    ));
    banner.push('\n');
    // One write, and a reader that stops after the first line (closing
    // the pipe) must not bring the server down with a panicking println.
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush());
    drop(stdout);
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("waiting for Ctrl-C: {e}"))?;
    Ok(())
}
