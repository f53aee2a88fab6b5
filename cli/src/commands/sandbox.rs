//! `assured sandbox info`: the ids a `--sandbox` run can use. Its data
//! depends only on the seed, so the ids printed here are the ones the next
//! `--sandbox` run with the same seed has.

use std::io::{self, IsTerminal};

use crate::{
    args::{Format, Global, SandboxCommand},
    connect,
    exit::Outcome,
    output::{self, written},
    records::SandboxItem,
};

/// Runs one `sandbox` subcommand.
pub async fn run(command: SandboxCommand, global: &Global, format: Format) -> Outcome {
    match command {
        SandboxCommand::Info => {
            let sandbox = connect::start_sandbox(global).await?;
            let items: Vec<SandboxItem> = sandbox
                .practice_locations()
                .into_iter()
                .map(|id| SandboxItem::new("practice_location", id))
                .chain(
                    sandbox
                        .clients()
                        .into_iter()
                        .map(|id| SandboxItem::new("client", id)),
                )
                .collect();
            written(output::many(format, &items))?;
            if format == Format::Table && io::stderr().is_terminal() {
                eprintln!(
                    "{} providers; these ids hold for --sandbox --sandbox-seed {}",
                    sandbox.provider_count(),
                    global.sandbox_seed
                );
            }
            Ok(())
        }
    }
}
