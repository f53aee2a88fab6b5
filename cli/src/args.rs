//! The command line: every flag, argument and subcommand, declared with
//! clap's derive API. Parsing only; the commands live in [`crate::commands`].

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde::Serialize;
use uuid::Uuid;

/// A UUID argument: the rule it broke, not where uuid's parser stopped.
fn uuid(text: &str) -> Result<Uuid, String> {
    Uuid::parse_str(text.trim()).map_err(|_| "must be a UUID".to_string())
}

/// A date argument: the format it must have, not where chrono's parser
/// stopped (`input contains invalid characters`).
fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| "must be a real date as YYYY-MM-DD".to_string())
}

/// A CAQH username argument, held as a secret from the moment it is read,
/// so no Debug of the arguments shows it.
fn caqh_secret(text: &str) -> Result<assured::models::CaqhSecret, String> {
    Ok(text.into())
}

/// An account id argument: the library's rule, without its field name
/// (clap names the argument).
fn account_id(text: &str) -> Result<assured::AccountId, String> {
    text.parse::<assured::AccountId>().map_err(|e| e.rule)
}

/// Shown after `--help`: configuration, secrets and exit codes.
const AFTER_HELP: &str = "\
Configuration:
  ASSURED_API_KEY        the API key (required unless --sandbox)
  ASSURED_BASE_URL       the server (default: production); --base-url overrides it
  ASSURED_CAQH_PASSWORD  the CAQH password for import-caqh and caqh-requests create;
                         without it the password is prompted for (hidden) when stdin
                         is a terminal. There is no flag for it: arguments end up in
                         shell history and process lists.
  RUST_LOG               the tracing filter used with --verbose

Output: --format table|json|ndjson|csv; table when stdout is a terminal, ndjson
otherwise. CAQH usernames and passwords are shown as [REDACTED] in every format.

Exit codes:
  0    success
  1    any other failure: server error (5xx), network, a bad response, or some rows
       of a bulk invite failed
  2    invalid input: a usage error, input refused before sending (bad NPI, id, date,
       CSV rows), or refused by the server (400)
  3    not authorised: ASSURED_API_KEY missing, or refused by the server (401, 403)
  4    not found (404, a lookup that matched nothing, a provider without a profile id)
  5    rate limited (429) for longer than the client waits
  130  interrupted: Ctrl-C or SIGTERM during a bulk invite (the batch in flight finishes first)";

/// Shown after a subcommand's `--help` instead of the global options.
const GLOBAL_NOTE: &str = "Global options (--format, --sandbox, --base-url, --verbose, --raw-csv, \
…) work here too: see `assured --help`.";

/// Parses the command line; on a usage error, prints it and exits 2.
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The command line, with the global options listed once: in `assured
/// --help`. Clap copies `global = true` options into every subcommand, and
/// so into every subcommand's help, where the connection and output options
/// would bury the command's own. Each command group gets hidden copies
/// instead (clap copies an option only where its id is not yet defined,
/// and the hidden copies are themselves global, so they reach the nested
/// subcommands), and a note pointing at the top-level help.
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    let globals: Vec<clap::Arg> = command
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .cloned()
        .collect();
    for group in command.get_subcommands_mut() {
        let mut owned = std::mem::take(group);
        for arg in &globals {
            owned = owned.arg(arg.clone().hide(true));
        }
        *group = owned;
        add_note(group);
    }
    command
}

fn add_note(command: &mut clap::Command) {
    *command = std::mem::take(command).after_help(GLOBAL_NOTE);
    for subcommand in command.get_subcommands_mut() {
        add_note(subcommand);
    }
}

/// The Assured providers API from a terminal.
#[derive(Debug, Parser)]
#[command(name = "assured", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Connection, output and logging options, accepted before or after the
/// subcommand.
#[derive(Debug, Args)]
pub struct Global {
    /// The server to talk to, e.g. `https://staging-backend.withassured.com`.
    #[arg(long, global = true, env = "ASSURED_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Run against a fresh embedded sandbox (no credentials needed); its
    /// data depends only on the seed, so ids repeat from run to run.
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// The seed of the sandbox's generated data.
    #[arg(long, global = true, default_value_t = 42, value_name = "SEED")]
    pub sandbox_seed: u64,
    /// How many providers the sandbox generates.
    #[arg(long, global = true, default_value_t = 250, value_name = "N")]
    pub sandbox_providers: usize,
    /// The port the sandbox listens on (default: any free port).
    #[arg(long, global = true, value_name = "PORT")]
    pub sandbox_port: Option<u16>,
    /// Output format (default: table on a terminal, ndjson when piped).
    #[arg(long, short = 'f', global = true, value_enum, ignore_case = true)]
    pub format: Option<Format>,
    /// Show the client's tracing events on stderr (filter: RUST_LOG).
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
    /// Write CSV cells as they are. By default a cell starting with = + - @,
    /// a tab or a carriage return gets a leading ' so that spreadsheets show
    /// it as text instead of running it as a formula.
    #[arg(long, global = true)]
    pub raw_csv: bool,
    /// Requests in flight for walks and batch lookups: a number, or auto to
    /// adapt to the server (start at 4, back off on 429/503, at most 32).
    #[arg(long, global = true, default_value = "auto", value_name = "N|auto")]
    pub concurrency: Concurrency,
}

/// `auto` (adapt to the server) or a number of requests at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concurrency {
    /// The client's adaptive controller.
    Auto,
    /// Pinned.
    Fixed(usize),
}

impl std::str::FromStr for Concurrency {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "auto" => Ok(Self::Auto),
            n => match n.parse::<usize>() {
                Ok(n) if n > 0 => Ok(Self::Fixed(n)),
                _ => Err(format!("{n:?}: use a positive number or auto")),
            },
        }
    }
}

/// How records are written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// One JSON document: an array for lists, an object for one record.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// CSV with a header row, even when there are no rows.
    Csv,
}

/// The command groups.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Provider accounts: list, find, invite, create, import.
    #[command(subcommand)]
    Providers(ProvidersCommand),
    /// Practice location membership.
    #[command(subcommand, name = "practice-location")]
    PracticeLocation(PracticeLocationCommand),
    /// A provider's organisation joining date (by provider profile id).
    #[command(subcommand, name = "org-joining-date")]
    OrgJoiningDate(OrgJoiningDateCommand),
    /// CAQH ProView re-import requests.
    #[command(subcommand, name = "caqh-requests")]
    CaqhRequests(CaqhRequestsCommand),
    /// The embedded sandbox (--sandbox): what it holds.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
}

/// `assured sandbox …`
#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// The practice locations and clients of the sandbox that --sandbox
    /// starts (the same for the same --sandbox-seed), for commands that
    /// need their ids.
    Info,
}

/// `assured providers …`
#[derive(Debug, Subcommand)]
pub enum ProvidersCommand {
    /// List providers: one page, or every page with --all.
    List(ListArgs),
    /// One provider by account id.
    Get {
        /// The provider's account id (UUID).
        #[arg(value_parser = account_id)]
        id: assured::AccountId,
    },
    /// The provider profile id of a provider (for org-joining-date).
    ProfileId {
        /// The provider's account id (UUID).
        #[arg(value_parser = account_id)]
        id: assured::AccountId,
    },
    /// Providers by NPI; every NPI is checked before anything is sent.
    ByNpi {
        /// One or more NPIs (spaces and dashes are ignored).
        #[arg(required = true, value_name = "NPI")]
        npis: Vec<String>,
    },
    /// Invite providers, one from flags or many from a CSV file.
    Invite(InviteArgs),
    /// Create a provider without CAQH.
    Create(CreateArgs),
    /// Import one provider with their CAQH ProView login; the password comes
    /// from ASSURED_CAQH_PASSWORD or a hidden prompt, never an argument.
    ImportCaqh(ImportCaqhArgs),
}

/// Paging of one page, or a walk over all of them; `limit` and `offset`
/// are query parameters, and `filter` sets any other by name.
#[derive(Debug, Args, Serialize)]
pub struct Paging {
    /// Rows per page (the server caps it).
    #[arg(long)]
    pub limit: Option<u64>,
    /// Rows to skip.
    #[arg(long)]
    pub offset: Option<u64>,
    /// Every page, not just one.
    #[arg(long)]
    #[serde(skip)]
    pub all: bool,
    /// With --all: stop after this many rows.
    #[arg(long, requires = "all", value_name = "N")]
    #[serde(skip)]
    pub max_items: Option<usize>,
    /// Any query parameter of the list by its name in the API (repeatable),
    /// e.g. --filter limit=10; lists comma-separated. An unknown name is
    /// refused with the list's parameters.
    #[arg(long, value_name = "NAME=VALUE")]
    #[serde(skip)]
    pub filter: Vec<String>,
}

/// `assured providers list`: each flag is the query parameter of its name.
#[derive(Debug, Args, Serialize)]
pub struct ListArgs {
    /// Filter by email.
    #[arg(long)]
    pub email: Option<String>,
    /// Filter by first name.
    #[arg(long)]
    pub first_name: Option<String>,
    /// Filter by last name.
    #[arg(long)]
    pub last_name: Option<String>,
    /// Filter by NPI (exact).
    #[arg(long)]
    pub npi: Option<String>,
    /// A search term matched across several fields.
    #[arg(long)]
    pub search: Option<String>,
    /// Order by a field; prefix `-` for descending (e.g. -last_name).
    #[arg(long, allow_hyphen_values = true)]
    pub ordering: Option<String>,
    /// Only these account ids (repeat the flag or give a comma list).
    #[arg(long, value_delimiter = ',', value_name = "ID", value_parser = account_id)]
    pub id_in: Vec<assured::AccountId>,
    /// Only providers of this client.
    #[arg(long, value_name = "UUID", value_parser = uuid)]
    pub client: Option<Uuid>,
    /// Only providers of these clients (repeat the flag or give a comma list).
    #[arg(long, value_delimiter = ',', value_name = "UUID", value_parser = uuid)]
    pub client_in: Vec<Uuid>,
    /// Only active (true) or inactive (false) accounts.
    #[arg(long, value_name = "BOOL")]
    pub is_active: Option<bool>,
    /// Filter by profile completeness (true: complete).
    #[arg(long, value_name = "BOOL")]
    pub profile_completeness: Option<bool>,
    /// Paging.
    #[command(flatten)]
    #[serde(flatten)]
    pub paging: Paging,
}

/// `assured providers invite`: one provider from flags, or a CSV file.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("invitees").required(true).args(["email", "csv"])))]
pub struct InviteArgs {
    /// The provider's email (one invite from flags).
    #[arg(long, conflicts_with = "csv")]
    pub email: Option<String>,
    /// First name.
    #[arg(long, conflicts_with = "csv")]
    pub first_name: Option<String>,
    /// Last name.
    #[arg(long, conflicts_with = "csv")]
    pub last_name: Option<String>,
    /// The client (UUID).
    #[arg(long, conflicts_with = "csv", value_name = "UUID", value_parser = uuid)]
    pub client: Option<Uuid>,
    /// A practice location (UUID); repeatable.
    #[arg(long, conflicts_with = "csv", value_name = "UUID", value_parser = uuid)]
    pub practice_location: Vec<Uuid>,
    /// The organisation joining date (YYYY-MM-DD).
    #[arg(long, conflicts_with = "csv", value_name = "DATE", value_parser = date)]
    pub org_joining_date: Option<NaiveDate>,
    /// An address to copy on the invitation; repeatable.
    #[arg(long, conflicts_with = "csv", value_name = "EMAIL")]
    pub cc_email: Vec<String>,
    /// Invite every row of this CSV file (header: email,first_name,last_name,
    /// client,practice_locations,primary_practice_location,org_joining_date,
    /// cc_emails; lists semicolon-separated; only email required).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// With --csv: rows per request.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub batch_size: u32,
    /// With --csv: stop at the first failed batch (later rows are not sent).
    #[arg(long)]
    pub stop_on_error: bool,
    /// With --csv: send the valid rows even when some are invalid, and write
    /// every row not invited to FILE, in the input's columns plus a reason,
    /// ready to fix and send again with --csv FILE.
    #[arg(long, requires = "csv", value_name = "FILE")]
    pub rejects: Option<PathBuf>,
}

/// `assured providers create`
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The provider's email.
    #[arg(long)]
    pub email: String,
    /// First name.
    #[arg(long)]
    pub first_name: String,
    /// Last name.
    #[arg(long)]
    pub last_name: String,
    /// The client (UUID).
    #[arg(long, value_name = "UUID", value_parser = uuid)]
    pub client: Option<Uuid>,
    /// A practice location (UUID); repeatable.
    #[arg(long, value_name = "UUID", value_parser = uuid)]
    pub practice_location: Vec<Uuid>,
    /// The primary practice location (UUID).
    #[arg(long, value_name = "UUID", value_parser = uuid)]
    pub primary_practice_location: Option<Uuid>,
    /// The organisation joining date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub org_joining_date: Option<NaiveDate>,
    /// A document's URL.
    #[arg(long, value_name = "URL")]
    pub document_url: Option<String>,
    /// The document's type (e.g. state_license).
    #[arg(long)]
    pub document_type: Option<String>,
    /// Mark the provider as an associate.
    #[arg(long)]
    pub associate: bool,
}

/// `assured providers import-caqh`
#[derive(Debug, Args)]
pub struct ImportCaqhArgs {
    /// The provider's email.
    #[arg(long)]
    pub email: String,
    /// The provider's CAQH ProView username (at least 6 characters);
    /// ASSURED_CAQH_USERNAME keeps it out of shell history.
    #[arg(
        long,
        visible_alias = "username",
        env = "ASSURED_CAQH_USERNAME",
        hide_env_values = true,
        value_parser = caqh_secret
    )]
    pub caqh_username: assured::models::CaqhSecret,
    /// First name.
    #[arg(long)]
    pub first_name: Option<String>,
    /// Last name.
    #[arg(long)]
    pub last_name: Option<String>,
    /// A practice location (UUID); repeatable.
    #[arg(long, value_name = "UUID", value_parser = uuid)]
    pub practice_location: Vec<Uuid>,
    /// The primary practice location (UUID).
    #[arg(long, value_name = "UUID", value_parser = uuid)]
    pub primary_practice_location: Option<Uuid>,
}

/// `assured practice-location …`
#[derive(Debug, Subcommand)]
pub enum PracticeLocationCommand {
    /// Add providers (account ids) to a practice location.
    Add {
        /// The practice location (UUID).
        #[arg(value_parser = uuid)]
        location: Uuid,
        /// The providers' account ids.
        #[arg(required = true, value_name = "ID", value_parser = account_id)]
        ids: Vec<assured::AccountId>,
    },
    /// Users who are not members of a practice location.
    Missing(MissingArgs),
}

/// `assured org-joining-date …`
#[derive(Debug, Subcommand)]
pub enum OrgJoiningDateCommand {
    /// Read the date.
    Get {
        /// The provider profile id (see `providers profile-id`).
        profile_id: String,
    },
    /// Set the date, or clear it with --clear.
    Set {
        /// The provider profile id (see `providers profile-id`).
        profile_id: String,
        /// The new date (YYYY-MM-DD).
        #[arg(required_unless_present = "clear", conflicts_with = "clear", value_parser = date)]
        date: Option<NaiveDate>,
        /// Clear the date instead.
        #[arg(long)]
        clear: bool,
    },
}

/// `assured caqh-requests …`
#[derive(Debug, Subcommand)]
pub enum CaqhRequestsCommand {
    /// List CAQH re-import requests (credentials redacted).
    List(CaqhListArgs),
    /// Ask Assured to re-import a provider from CAQH ProView; the password
    /// comes from ASSURED_CAQH_PASSWORD or a hidden prompt, never an argument.
    Create {
        /// The provider's full name.
        #[arg(long)]
        full_name: String,
        /// The provider's CAQH ProView username; ASSURED_CAQH_USERNAME keeps
        /// it out of shell history.
        #[arg(
            long,
            visible_alias = "caqh-username",
            env = "ASSURED_CAQH_USERNAME",
            hide_env_values = true,
            value_parser = caqh_secret
        )]
        username: assured::models::CaqhSecret,
        /// A signature.
        #[arg(long)]
        signature: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    #[test]
    fn global_options_are_listed_once_and_accepted_everywhere() {
        let mut top = command();
        let help = top.render_long_help().to_string();
        assert!(help.contains("--sandbox-seed"), "{help}");
        let providers = top.find_subcommand_mut("providers").unwrap();
        let list = providers.find_subcommand_mut("list").unwrap();
        let help = list.render_help().to_string();
        assert!(!help.contains("--sandbox-seed"), "{help}");
        assert!(
            help.contains("--first-name") && help.contains(GLOBAL_NOTE),
            "{help}"
        );
        let matches = command()
            .try_get_matches_from([
                "assured",
                "providers",
                "list",
                "--format",
                "csv",
                "--raw-csv",
            ])
            .unwrap();
        let cli = Cli::from_arg_matches(&matches).unwrap();
        assert_eq!(cli.global.format, Some(Format::Csv));
        assert!(cli.global.raw_csv);
    }
}

/// `assured practice-location missing`: each flag is the query parameter
/// of its name.
#[derive(Debug, Args, Serialize)]
pub struct MissingArgs {
    /// The practice location (UUID).
    #[serde(rename = "practice_location")]
    #[arg(value_parser = uuid)]
    pub location: Uuid,
    /// A search term.
    #[arg(long)]
    pub search: Option<String>,
    /// Paging.
    #[command(flatten)]
    #[serde(flatten)]
    pub paging: Paging,
}

/// `assured caqh-requests list`: each flag is the query parameter of its
/// name.
#[derive(Debug, Args, Serialize)]
pub struct CaqhListArgs {
    /// Only this provider's requests (account id).
    #[arg(long, value_name = "ID", value_parser = account_id)]
    pub provider: Option<assured::AccountId>,
    /// Paging.
    #[command(flatten)]
    #[serde(flatten)]
    pub paging: Paging,
}
