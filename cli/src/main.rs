//! `assured`: the Assured providers API from a terminal.
//!
//! Configured like the library (`ASSURED_API_KEY`, `ASSURED_BASE_URL`,
//! `--base-url`), or run against a fresh embedded sandbox with `--sandbox`.
//! See `assured --help` for the commands and the exit codes.

mod args;
mod bulk;
mod commands;
mod connect;
mod exit;
mod output;
mod progress;
mod records;
mod secret;

use std::{io::Write, process::ExitCode};

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::{
    args::Cli,
    exit::{Code, Failure, Outcome},
};

/// The tracing filter of `--verbose` when `RUST_LOG` is not set: the
/// client's and the CLI's events, warnings from everything else.
const VERBOSE_FILTER: &str = "warn,assured=debug,assured_cli=debug";

fn main() -> ExitCode {
    // Usage errors print clap's message and exit 2; --help and --version 0.
    let cli = Cli::parse();
    if cli.global.verbose {
        init_tracing();
    }
    let outcome = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run(cli)),
        Err(e) => Err(Failure::new(
            Code::Failure,
            format!("starting the runtime: {e}"),
        )),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.message.is_empty() {
                let _ = writeln!(std::io::stderr(), "error: {failure}");
            }
            failure.code.into()
        }
    }
}

async fn run(cli: Cli) -> Outcome {
    let format = output::resolve(cli.global.format);
    let connection = connect::connect(&cli.global).await?;
    commands::run(cli.command, &connection.client, format).await
}

/// Tracing events to stderr, filtered by `RUST_LOG` or [`VERBOSE_FILTER`].
/// The client never puts the API key in an event.
fn init_tracing() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(VERBOSE_FILTER));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
