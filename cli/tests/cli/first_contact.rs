//! First contact and daily use: hints at dead ends, readable start-up
//! errors, the sandbox's ids, CSV that spreadsheets cannot run, and no
//! colour codes where there is no terminal.

use crate::support::{bare, csv_rows, ndjson, run, Env, INVITE_PATH};

/// The cell under `header` in the first row.
fn cell<'a>(rows: &'a [Vec<String>], header: &str) -> &'a str {
    let column = rows[0].iter().position(|c| c == header).unwrap();
    &rows[1][column]
}

#[test]
fn a_provider_named_like_a_formula_is_text_in_csv() {
    let env = Env::new();
    let name = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let out = run(env.cmd().args([
        "providers",
        "create",
        "--email",
        "formula@example.com",
        "--first-name",
        name,
        "--last-name",
        "+1-555",
        "-f",
        "csv",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = csv_rows(&out.stdout);
    assert_eq!(cell(&rows, "first_name"), format!("'{name}"));
    assert_eq!(cell(&rows, "last_name"), "'+1-555");

    let list = |extra: &[&str]| {
        let out = run(env
            .cmd()
            .args([
                "providers",
                "list",
                "--email",
                "formula@example.com",
                "-f",
                "csv",
            ])
            .args(extra));
        assert_eq!(out.code, 0, "{}", out.stderr);
        csv_rows(&out.stdout)
    };
    let rows = list(&[]);
    assert_eq!(rows.len(), 2);
    assert_eq!(cell(&rows, "first_name"), format!("'{name}"));
    assert!(cell(&rows, "full_name").starts_with("'="));
    // --raw-csv: the bytes as they are.
    let rows = list(&["--raw-csv"]);
    assert_eq!(cell(&rows, "first_name"), name);
    // JSON is not for spreadsheets: untouched.
    let out = run(env.cmd().args([
        "providers",
        "list",
        "--email",
        "formula@example.com",
        "-f",
        "ndjson",
    ]));
    assert_eq!(ndjson(&out.stdout)[0]["first_name"], name);
}

#[test]
fn the_rejects_file_is_neutralised_too() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = crate::support::csv_file(&dir, "email,first_name\nnot-an-email,=1+1\n");
    let rejects = dir.path().join("rejects.csv");
    for (flag, expected) in [(None, "'=1+1"), (Some("--raw-csv"), "=1+1")] {
        let out = run(env
            .cmd()
            .args(["providers", "invite", "--csv"])
            .arg(&path)
            .arg("--rejects")
            .arg(&rejects)
            .args(flag));
        assert_eq!(out.code, 1, "{}", out.stderr);
        let rows = csv_rows(&std::fs::read_to_string(&rejects).unwrap());
        assert_eq!(rows[1][1], expected);
    }
    assert!(
        env.posts(INVITE_PATH).is_empty(),
        "no valid rows, nothing sent"
    );
}

#[test]
fn an_account_id_given_for_a_profile_id_gets_the_profile_id() {
    let env = Env::new();
    let provider = &env.providers(1)[0];
    let profile = provider.provider_profile_id.clone().unwrap();
    let out = run(env
        .cmd()
        .args(["org-joining-date", "get", &provider.id.to_string()]));
    assert_eq!(out.code, 4);
    assert!(
        out.stderr.contains(&format!(
            "(hint: {} is a provider's account id, not a profile id; its profile id is {profile})",
            provider.id
        )),
        "{}",
        out.stderr
    );
    let unknown = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    let out = run(env
        .cmd()
        .args(["org-joining-date", "set", unknown, "2024-01-02"]));
    assert_eq!(out.code, 4);
    assert!(
        out.stderr
            .contains("`assured providers profile-id <account id>` prints it"),
        "{}",
        out.stderr
    );
}

#[test]
fn sandbox_info_lists_the_ids_a_sandbox_run_can_use() {
    let out = run(bare().args(["sandbox", "info", "--sandbox-seed", "7", "-f", "ndjson"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let items = ndjson(&out.stdout);
    let env = Env::with(assured::sandbox::Sandbox::builder().seed(7));
    let ids = |kind: &str| -> Vec<String> {
        items
            .iter()
            .filter(|i| i["kind"] == kind)
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    let expected =
        |list: Vec<uuid::Uuid>| -> Vec<String> { list.iter().map(ToString::to_string).collect() };
    assert_eq!(
        ids("practice_location"),
        expected(env.sandbox.practice_locations())
    );
    assert_eq!(ids("client"), expected(env.sandbox.clients()));
    assert!(!ids("client").is_empty());
    // One of them works in a --sandbox run with the same seed.
    let location = &ids("practice_location")[0];
    let out = run(bare().args([
        "--sandbox",
        "--sandbox-seed",
        "7",
        "practice-location",
        "missing",
        location,
        "--limit",
        "1",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn start_up_errors_say_what_to_do() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(bare().args(["--sandbox", "--sandbox-port", &port, "providers", "list"]));
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr.trim(),
        format!(
            "error: starting the sandbox: port {port} on 127.0.0.1 is already in use; \
             choose another --sandbox-port, or leave it out for a free one"
        )
    );

    let out = run(bare().env("ASSURED_API_KEY", "k").args([
        "--base-url",
        "not a url",
        "providers",
        "list",
    ]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: the base URL is not usable: ")
            && out.stderr.contains("set --base-url or ASSURED_BASE_URL"),
        "{}",
        out.stderr
    );

    // Nothing listens on a port just freed.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", free.local_addr().unwrap());
    drop(free);
    let out =
        run(bare()
            .env("ASSURED_API_KEY", "k")
            .args(["--base-url", &url, "providers", "list"]));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("(hint: is the server up, and the base URL right?"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_colour_codes_without_a_terminal() {
    let env = Env::new();
    // stderr is a pipe here: tracing output must be plain text.
    let out = run(env
        .cmd()
        .args(["providers", "list", "--verbose", "--limit", "1"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("assured request"), "{}", out.stderr);
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    assert!(!out.stdout.contains('\u{1b}'));
    let out = run(env.cmd().args(["providers", "get", "nope", "--verbose"]));
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
}

#[test]
fn subcommand_help_leaves_the_global_options_to_the_top_level() {
    let out = run(bare().args(["providers", "list", "--help"]));
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("--first-name"));
    for global in ["--sandbox-seed <SEED>", "--base-url <URL>", "-v, --verbose"] {
        assert!(!out.stdout.contains(global), "{global} in\n{}", out.stdout);
    }
    assert!(out.stdout.contains("see `assured --help`"));
    let out = run(bare().arg("--help"));
    for global in [
        "--sandbox-seed <SEED>",
        "--base-url <URL>",
        "-v, --verbose",
        "--raw-csv",
    ] {
        assert!(out.stdout.contains(global), "{global}");
    }
}
