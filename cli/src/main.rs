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
mod safe_csv;
mod secret;

use std::{
    io::{IsTerminal, Write},
    process::ExitCode,
};

use tracing_subscriber::EnvFilter;

use crate::exit::{Code, Failure, Outcome};

/// The tracing filter of `--verbose` when `RUST_LOG` is not set: the
/// client's and the CLI's events, warnings from everything else.
const VERBOSE_FILTER: &str = "warn,assured=debug,assured_cli=debug";

fn main() -> ExitCode {
    // Usage errors print clap's message and exit 2; --help and --version 0.
    let cli = args::parse();
    safe_csv::set_raw(cli.global.raw_csv);
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

async fn run(cli: args::Cli) -> Outcome {
    let format = output::resolve(cli.global.format);
    // The sandbox's own commands start their sandbox whatever --sandbox says.
    if let args::Command::Sandbox(command) = cli.command {
        return commands::sandbox(command, &cli.global, format).await;
    }
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
        // Colour codes are noise in a log file or a CI log; NO_COLOR
        // (no-color.org: set and not empty) turns them off on a terminal too.
        .with_ansi(
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        )
        .try_init();
}
