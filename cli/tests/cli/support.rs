//! A sandbox started inside the test, and the `assured` binary pointed at
//! it with `--base-url` and `ASSURED_API_KEY`.

use std::future::Future;

use assert_cmd::Command;
use assured::{
    models::Provider,
    sandbox::{LoggedRequest, Sandbox, SandboxBuilder},
    Client, ListProvidersParams,
};
use serde_json::Value;

pub const INVITE_PATH: &str = "/api/v1/users/invite-providers/";
pub const LIST_PATH: &str = "/api/v1/users/providers-list/";

/// A running sandbox and the runtime serving it.
pub struct Env {
    // Declared first: dropped (stopped) before the runtime goes.
    pub sandbox: Sandbox,
    runtime: tokio::runtime::Runtime,
}

impl Env {
    /// 30 providers, seed 7.
    pub fn new() -> Self {
        Self::with(Sandbox::builder().seed(7).providers(30))
    }

    pub fn with(builder: SandboxBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let sandbox = runtime.block_on(builder.start()).expect("sandbox starts");
        Env { sandbox, runtime }
    }

    /// `assured --base-url <sandbox>` with the sandbox's key, and none of
    /// the caller's own configuration.
    pub fn cmd(&self) -> Command {
        let mut cmd = bare();
        cmd.env("ASSURED_API_KEY", self.sandbox.api_key())
            .arg("--base-url")
            .arg(self.sandbox.base_url());
        cmd
    }

    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    pub fn client(&self) -> Client {
        self.sandbox.client().expect("client")
    }

    /// The first `n` providers, as the server lists them.
    pub fn providers(&self, n: u32) -> Vec<Provider> {
        let client = self.client();
        self.block_on(
            client
                .providers()
                .list_providers(&ListProvidersParams::new().limit(u64::from(n))),
        )
        .expect("list")
        .results
    }

    pub fn posts(&self, path: &str) -> Vec<LoggedRequest> {
        self.sandbox
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path == path)
            .collect()
    }
}

/// The binary with a clean environment: no key, URL, CAQH secrets or log filter.
pub fn bare() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_assured"));
    for var in [
        "ASSURED_API_KEY",
        "ASSURED_BASE_URL",
        "ASSURED_CAQH_PASSWORD",
        "ASSURED_CAQH_USERNAME",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the command to the end.
pub fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// The NDJSON lines of `stdout`.
pub fn ndjson(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// The rows of a CSV document, header first.
pub fn csv_rows(stdout: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(stdout.as_bytes())
        .records()
        .map(|r| r.expect("csv").iter().map(str::to_string).collect())
        .collect()
}

pub const FORMATS: [&str; 4] = ["table", "json", "ndjson", "csv"];

/// Checks `stdout` is a well-formed document of `format` with `rows`
/// records under `columns`, and returns the records as JSON (table: none).
pub fn check_format(format: &str, stdout: &str, columns: &[&str], rows: usize) -> Vec<Value> {
    match format {
        "json" => {
            let value: Value = serde_json::from_str(stdout).expect("json");
            let records = match value {
                Value::Array(items) => items,
                object @ Value::Object(_) => vec![object],
                other => panic!("unexpected json {other}"),
            };
            assert_eq!(records.len(), rows, "{stdout}");
            for record in &records {
                for column in columns {
                    assert!(record.get(*column).is_some(), "{column} in {record}");
                }
            }
            records
        }
        "ndjson" => {
            let records = ndjson(stdout);
            assert_eq!(records.len(), rows, "{stdout}");
            for record in &records {
                for column in columns {
                    assert!(record.get(*column).is_some(), "{column} in {record}");
                }
            }
            records
        }
        "csv" => {
            let table = csv_rows(stdout);
            assert_eq!(table[0], columns, "csv header");
            assert_eq!(table.len(), rows + 1, "{stdout}");
            table[1..]
                .iter()
                .map(|row| {
                    Value::Object(
                        columns
                            .iter()
                            .zip(row)
                            .map(|(c, v)| (c.to_string(), Value::String(v.clone())))
                            .collect(),
                    )
                })
                .collect()
        }
        "table" => {
            // Wide records show fewer columns in a table; the first two always.
            for column in &columns[..2.min(columns.len())] {
                assert!(stdout.contains(column), "{column} in table:\n{stdout}");
            }
            // Borders, header, separator, one line per row at least.
            assert!(stdout.lines().count() >= rows + 3, "{stdout}");
            Vec::new()
        }
        other => panic!("unknown format {other}"),
    }
}

/// A CSV file in a temporary directory.
pub fn csv_file(dir: &tempfile::TempDir, text: &str) -> std::path::PathBuf {
    let path = dir.path().join("providers.csv");
    std::fs::write(&path, text).expect("write csv");
    path
}
