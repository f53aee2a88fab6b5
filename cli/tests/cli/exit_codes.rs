//! Each failure class has its own exit code and one line on stderr.

use crate::support::{bare, run, Env, INVITE_PATH, LIST_PATH};

fn one_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    lines[0]
}

#[test]
fn a_wrong_key_is_3() {
    let env = Env::new();
    let out = run(env
        .cmd()
        .env("ASSURED_API_KEY", "not-the-key")
        .args(["providers", "list"]));
    assert_eq!(out.code, 3);
    let line = one_line(&out.stderr);
    assert!(line.contains("listing providers"), "{line}");
    assert!(line.contains("403"), "{line}");
    assert!(line.contains("Invalid API key."), "{line}");
    assert!(!line.contains("not-the-key"));
}

#[test]
fn a_missing_key_is_3_with_nothing_sent() {
    let env = Env::new();
    let out = run(bare()
        .args(["--base-url", env.sandbox.base_url()])
        .args(["providers", "list"]));
    assert_eq!(out.code, 3);
    assert!(one_line(&out.stderr).contains("ASSURED_API_KEY"));
    assert!(env.sandbox.requests().is_empty());
}

#[test]
fn the_base_url_comes_from_the_environment_too() {
    let env = Env::new();
    let out = run(bare()
        .env("ASSURED_API_KEY", env.sandbox.api_key())
        .env("ASSURED_BASE_URL", env.sandbox.base_url())
        .args(["providers", "list", "--limit", "1"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.sandbox.requests().len(), 1);
}

#[test]
fn an_unknown_profile_id_is_4() {
    let env = Env::new();
    let unknown = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    let out = run(env.cmd().args(["org-joining-date", "get", unknown]));
    assert_eq!(out.code, 4);
    let line = one_line(&out.stderr);
    assert!(line.contains("404") && line.contains(unknown), "{line}");
    // So is an account id nobody has.
    let out = run(env.cmd().args(["providers", "get", unknown]));
    assert_eq!(out.code, 4);
    assert!(one_line(&out.stderr).contains("No provider found"));
}

#[test]
fn a_long_rate_limit_is_5() {
    let env = Env::new();
    env.sandbox.fail_next(LIST_PATH, 1, 429, Some(3600));
    let out = run(env.cmd().args(["providers", "list"]));
    assert_eq!(out.code, 5);
    let line = one_line(&out.stderr);
    assert!(
        line.contains("429") && line.contains("retry after 3600s"),
        "{line}"
    );
    assert_eq!(env.sandbox.requests().len(), 1, "not waited for");
}

#[test]
fn an_invalid_npi_is_2_with_no_request_sent() {
    let env = Env::new();
    for npi in ["1234567890", "123456789", "3234567893"] {
        let out = run(env.cmd().args(["providers", "by-npi", "1993999998", npi]));
        assert_eq!(out.code, 2, "{npi}");
        assert!(one_line(&out.stderr).contains("npis[1]"), "{}", out.stderr);
    }
    let out = run(env.cmd().args(["providers", "get", "not-a-uuid"]));
    assert_eq!(out.code, 2);
    assert!(env.sandbox.requests().is_empty());
}

#[test]
fn usage_errors_are_2() {
    for args in [
        vec!["providers", "frobnicate"],
        vec!["providers", "list", "--is-active", "maybe"],
        vec!["providers", "invite"],
        vec!["providers", "invite", "--email", "a@b.co", "--csv", "x.csv"],
        vec!["providers", "list", "--format", "xml"],
    ] {
        let out = run(bare().args(&args));
        assert_eq!(out.code, 2, "{args:?}");
    }
}

/// An id that does not parse is refused by the command line itself, before
/// the API key is looked for, with the rule once: not uuid's parser position,
/// not the library's own field name beside clap's.
#[test]
fn bad_ids_are_2_and_say_the_rule() {
    let location = "6b1f0a52-8a5e-4c0e-9d7b-3e2f1a4c5d6e";
    let account = "must be a UUID (the provider's account id)";
    for (args, argument, rule) in [
        (vec!["providers", "get", "nope"], "'<ID>'", account),
        (vec!["providers", "profile-id", "nope"], "'<ID>'", account),
        (
            vec!["providers", "list", "--id-in", "nope"],
            "'--id-in <ID>'",
            account,
        ),
        (
            vec!["caqh-requests", "list", "--provider", "nope"],
            "'--provider <ID>'",
            account,
        ),
        (
            vec!["practice-location", "add", location, "nope"],
            "'<ID>...'",
            account,
        ),
        (
            vec!["practice-location", "add", "nope", location],
            "'<LOCATION>'",
            "must be a UUID",
        ),
        (
            vec!["practice-location", "missing", "nope"],
            "'<LOCATION>'",
            "must be a UUID",
        ),
        (
            vec!["providers", "list", "--client", "nope"],
            "'--client <UUID>'",
            "must be a UUID",
        ),
    ] {
        let out = run(bare().args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        let first = out.stderr.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("error: invalid value 'nope' for {argument}: {rule}"),
            "{args:?}"
        );
    }
}

#[test]
fn server_errors_on_writes_are_1_and_not_retried() {
    let env = Env::new();
    env.sandbox
        .fail_next("/api/v1/users/create-providers/", 1, 500, None);
    let out = run(env.cmd().args([
        "providers",
        "create",
        "--email",
        "x@example.com",
        "--first-name",
        "X",
        "--last-name",
        "Y",
    ]));
    assert_eq!(out.code, 1);
    assert!(one_line(&out.stderr).contains("500"));
    assert_eq!(env.sandbox.requests().len(), 1);
    // Refused by the server's validation: 2.
    let out = run(env.cmd().args([
        "providers",
        "invite",
        "--email",
        "y@example.com",
        "--practice-location",
        "00000000-0000-4000-8000-000000000000",
    ]));
    assert_eq!(out.code, 2);
    assert!(one_line(&out.stderr).contains("does not exist"));
    assert_eq!(env.posts(INVITE_PATH).len(), 1);
}

#[test]
fn a_server_that_is_not_there_is_1() {
    let out = run(bare()
        .env("ASSURED_API_KEY", "k")
        .args(["--base-url", "http://127.0.0.1:9", "providers", "get"])
        .arg("3fa85f64-5717-4562-b3fc-2c963f66afa6"));
    assert_eq!(out.code, 1);
    assert!(one_line(&out.stderr).contains("transport error"));
}

/// Usage mistakes a new user makes say what is expected: a date's format,
/// both ways to name invitees, and the format flag in any case.
#[test]
fn usage_messages_say_what_is_expected() {
    let date = "must be a real date as YYYY-MM-DD";
    for (args, first) in [
        (
            vec![
                "providers",
                "create",
                "--email",
                "a@b.co",
                "--first-name",
                "A",
            ]
            .into_iter()
            .chain(["--last-name", "B", "--org-joining-date", "03/01/2024"])
            .collect::<Vec<_>>(),
            format!("error: invalid value '03/01/2024' for '--org-joining-date <DATE>': {date}"),
        ),
        (
            vec!["org-joining-date", "set", "P", "2024-02-30"],
            format!("error: invalid value '2024-02-30' for '[DATE]': {date}"),
        ),
    ] {
        let out = run(bare().args(&args));
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stderr.lines().next(), Some(first.as_str()), "{args:?}");
    }
    let out = run(bare().args(["providers", "invite"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("<--email <EMAIL>|--csv <FILE>>"),
        "{}",
        out.stderr
    );
    let env = Env::new();
    let out = run(env
        .cmd()
        .args(["-f", "JSON", "providers", "list", "--limit", "1"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.trim_start().starts_with('['), "{}", out.stdout);
}
