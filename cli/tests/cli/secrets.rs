//! CAQH credentials: never an argument, never in any output, masked in the
//! server's request log.

use crate::support::{run, Env, FORMATS};

const IMPORT_PATH: &str = "/api/v1/users/import-single-provider-with-caqh/";
const REQUESTS_PATH: &str = "/api/v1/users/request-caqh-import/";

#[test]
fn there_is_no_password_flag() {
    let env = Env::new();
    for args in [
        vec![
            "providers",
            "import-caqh",
            "--email",
            "a@example.com",
            "--caqh-username",
            "jdoe_caqh",
            "--caqh-password",
            "hunter2-secret",
        ],
        vec![
            "caqh-requests",
            "create",
            "--full-name",
            "Jane Doe",
            "--username",
            "jdoe_caqh",
            "--password",
            "hunter2-secret",
        ],
    ] {
        let out = run(env.cmd().args(&args));
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains("unexpected argument"), "{}", out.stderr);
    }
    assert!(env.sandbox.requests().is_empty());
}

#[test]
fn without_the_variable_or_a_terminal_nothing_is_sent() {
    let env = Env::new();
    let out = run(env.cmd().args([
        "providers",
        "import-caqh",
        "--email",
        "a@example.com",
        "--caqh-username",
        "jdoe_caqh",
    ]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("ASSURED_CAQH_PASSWORD"),
        "{}",
        out.stderr
    );
    let out = run(env.cmd().args([
        "caqh-requests",
        "create",
        "--full-name",
        "Jane Doe",
        "--username",
        "jdoe_caqh",
    ]));
    assert_eq!(out.code, 2);
    assert!(env.sandbox.requests().is_empty());
}

#[test]
fn the_password_from_the_environment_shows_nowhere() {
    let env = Env::new();
    let password = "Pw-from-env-7731";
    let username = "caqh_login_7731";
    let out = run(env.cmd().env("ASSURED_CAQH_PASSWORD", password).args([
        "providers",
        "import-caqh",
        "--email",
        "caqh.import@example.com",
        "--username",
        username,
        "--first-name",
        "Cay",
        "--verbose",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(password));
    }
    let sent: Vec<_> = env
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path == IMPORT_PATH)
        .collect();
    assert_eq!(sent.len(), 1);
    assert!(!sent[0].body.contains(password), "{}", sent[0].body);
    assert!(!sent[0].body.contains(username), "{}", sent[0].body);
    assert!(sent[0].body.contains("[REDACTED]"));
    assert!(!format!("{:?}", env.sandbox.requests()).contains(password));

    // A password the library refuses (too short) is 2, and not echoed.
    let out = run(env.cmd().env("ASSURED_CAQH_PASSWORD", "abc").args([
        "providers",
        "import-caqh",
        "--email",
        "short@example.com",
        "--username",
        username,
    ]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("caqh_password"), "{}", out.stderr);
    assert!(!out.stderr.contains("abc\n"));
}

#[test]
fn caqh_requests_are_redacted_in_every_format() {
    let env = Env::new();
    let password = "Request-pass-5521";
    let out = run(env.cmd().env("ASSURED_CAQH_PASSWORD", password).args([
        "caqh-requests",
        "create",
        "--full-name",
        "Jane Doe",
        "--username",
        "jdoe_request_user",
        "--signature",
        "JD",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The server echoes the credentials; the CLI does not show them.
    let seeded = "caqh_user_000";
    for format in FORMATS {
        for args in [
            vec!["caqh-requests", "list", "--format", format],
            vec!["caqh-requests", "list", "--all", "--format", format],
        ] {
            let out = run(env.cmd().args(&args));
            assert_eq!(out.code, 0, "{}", out.stderr);
            assert!(
                out.stdout.contains("[REDACTED]"),
                "{format}: {}",
                out.stdout
            );
            for secret in [password, "jdoe_request_user", seeded, "sandbox-pass-"] {
                assert!(!out.stdout.contains(secret), "{format} shows {secret}");
            }
            assert!(out.stdout.contains("Jane Doe"));
        }
    }
    let sent: Vec<_> = env
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path == REQUESTS_PATH && r.method == "POST")
        .collect();
    assert_eq!(sent.len(), 1);
    assert!(!sent[0].body.contains(password));
}
