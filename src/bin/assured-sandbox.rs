//! `assured-sandbox`: the embedded sandbox as a server for any HTTP client.
//!
//! ```text
//! assured-sandbox --port 8080 --seed 42 --providers 10000 --latency-ms 20 --max-limit 100
//! curl -H 'x-api-key: sandbox-api-key' 'http://127.0.0.1:8080/api/v1/users/providers-list/?limit=2'
//! ```

use std::time::Duration;

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
    /// ROUTE:TIMES:drop|malformed, e.g. /api/v1/users/providers-list/:2:503:1
    #[arg(long = "fault", value_parser = parse_fault_spec)]
    faults: Vec<(String, usize, assured::sandbox::Fault)>,
    /// Change the roster while it is read: insert-front, insert-random,
    /// delete-front or delete-random, before every list request or every
    /// Nth with `:N`, e.g. delete-random:3
    #[arg(long)]
    churn: Option<Churn>,
    /// Null the computed fields (full_name, npi, provider_profile_id,
    /// profile_completeness_percentage, user_type) of every Nth provider.
    #[arg(long, default_value_t = 0)]
    null_every: usize,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mut builder = Sandbox::builder();
    if let Some(churn) = args.churn {
        builder = builder.churn(churn);
    }
    let sandbox = builder
        .null_computed_every(args.null_every)
        .port(args.port)
        .seed(args.seed)
        .providers(args.providers)
        .latency(Duration::from_millis(args.latency_ms))
        .max_limit(args.max_limit)
        .default_limit(args.default_limit)
        .api_key(args.api_key)
        .start()
        .await?;
    for (route, times, fault) in args.faults {
        sandbox.plan(&route, times, fault);
    }
    println!(
        "assured-sandbox on {} with {} providers; api key: {}",
        sandbox.base_url(),
        sandbox.provider_count(),
        sandbox.api_key()
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
