//! Bulk invites from CSV: every bad row reported before anything is sent,
//! batches, per-row results, failed batches, and nothing sent twice.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use assured::sandbox::Sandbox;

use serde_json::Value;

use crate::{
    formats::INVITE_RESULT,
    support::{check_format, csv_file, ndjson, run, Env, INVITE_PATH},
};

const HEADER: &str =
    "email,first_name,last_name,client,practice_locations,org_joining_date,cc_emails";

/// `n` good rows, numbered from `from`.
fn good_rows(from: usize, n: usize) -> Vec<String> {
    (from..from + n)
        .map(|i| format!("bulk{i}@example.com,First{i},Last{i},,,,"))
        .collect()
}

fn file(rows: &[String]) -> String {
    format!("{HEADER}\n{}\n", rows.join("\n"))
}

/// How many POSTs of the invite route carried `email`.
fn times_sent(env: &Env, email: &str) -> usize {
    env.posts(INVITE_PATH)
        .iter()
        .filter(|r| r.body.contains(&format!("\"{email}\"")))
        .count()
}

fn by_line(results: &[Value]) -> HashMap<u64, &Value> {
    results
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r))
        .collect()
}

#[test]
fn every_bad_row_is_reported_with_its_line_and_nothing_is_sent() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let location = env.sandbox.practice_locations()[0];
    let long = "n".repeat(51);
    let text = format!(
        "{HEADER}\n\
         ok1@example.com,Ok,One,,{location},2024-01-31,\n\
         not-an-email,Bad,Email,,,,\n\
         ok2@example.com,{long},Two,,,,\n\
         ok3@example.com,,,not-a-uuid,{location};also-bad,,\n\
         ok4@example.com,,,,,2024-02-30,\n\
         OK1@example.com,Dup,Licate,,,,\n\
         ok5@example.com,,,,,,cc@example.com;not-an-email\n\
         ,No,Email,,,,\n\
         ok6@example.com,Fine,Row,,,,\n\
         ok7@example.com,,,,{location},{location},,\n"
    );
    let path = csv_file(&dir, &text);
    let out = run(env.cmd().args(["providers", "invite", "--csv"]).arg(&path));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    let expected = [
        ("line 3: email", "not-an-email"),
        ("line 4: first_name", "at most 50 characters"),
        ("line 5: client", "must be a UUID"),
        ("line 5: practice_locations", "also-bad"),
        ("line 6: org_joining_date", "2024-02-30"),
        ("line 7: email", "duplicates line 2"),
        ("line 8: cc_emails", "not-an-email"),
        ("line 9: email", "is required"),
        // A list written with commas: the hint says how to write it.
        (
            "line 11: row",
            "has 8 fields, the header has 7 (separate a cell's list with ';'",
        ),
    ];
    for (at, what) in expected {
        assert!(
            out.stderr
                .lines()
                .any(|l| l.contains(at) && l.contains(what)),
            "{at} {what} in:\n{}",
            out.stderr
        );
    }
    assert!(!out.stderr.contains("line 2:") && !out.stderr.contains("line 10:"));
    let last = out.stderr.lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            "error: 8 invalid rows in {} (lines 3, 4, 5, 6, 7, 8, 9, 11); nothing was sent \
             (--rejects FILE sends the valid rows and writes these to FILE)",
            path.display()
        )
    );
    assert!(env.sandbox.requests().is_empty(), "zero requests");
}

#[test]
fn a_bad_header_or_an_empty_file_is_2() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    for (text, expect) in [
        ("mail,first_name\nx@example.com,X\n", "unknown column"),
        ("first_name\nX\n", "no email column"),
        (&format!("{HEADER}\n") as &str, "no rows"),
    ] {
        let path = csv_file(&dir, text);
        let out = run(env.cmd().args(["providers", "invite", "--csv"]).arg(&path));
        assert_eq!(out.code, 2, "{text}");
        assert!(out.stderr.contains(expect), "{}", out.stderr);
    }
    let out = run(env
        .cmd()
        .args(["providers", "invite", "--csv", "/nonexistent/file.csv"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot read"));
    assert!(env.sandbox.requests().is_empty());
}

#[test]
fn rows_are_sent_in_batches_with_a_result_each() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let location = env.sandbox.practice_locations()[0];
    let client = env.sandbox.clients()[0];
    let mut rows = good_rows(1, 4);
    rows.push(format!(
        "full@example.com,Full,Row,{client},{location};{location},2024-05-06,a@example.com;b@example.com"
    ));
    let path = csv_file(&dir, &file(&rows));
    let out = run(env
        .cmd()
        .args(["providers", "invite", "--batch-size", "2", "--csv"])
        .arg(&path));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let results = ndjson(&out.stdout);
    assert_eq!(results.len(), 5);
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result["line"], (i + 2) as u64);
        assert_eq!(result["status"], "invited");
        assert!(result["id"].as_str().is_some());
        assert_eq!(result["error"], Value::Null);
    }
    assert_eq!(env.posts(INVITE_PATH).len(), 3);
    let full = &env.posts(INVITE_PATH)[2].body;
    assert!(
        full.contains("\"org_joining_date\":\"2024-05-06\""),
        "{full}"
    );
    assert!(
        full.contains("\"cc_emails\":[\"a@example.com\",\"b@example.com\"]"),
        "{full}"
    );
    assert!(full.contains(&client.to_string()));
    assert_eq!(env.sandbox.provider_count(), 35);

    // The default batch is 50: one request; results in every format.
    for format in ["csv", "json", "table", "ndjson"] {
        let rows: Vec<String> = (0..3)
            .map(|i| format!("{format}{i}@example.com,,,,,,"))
            .collect();
        let path = csv_file(&dir, &file(&rows));
        let before = env.posts(INVITE_PATH).len();
        let out = run(env
            .cmd()
            .args(["providers", "invite", "--format", format, "--csv"])
            .arg(&path));
        assert_eq!(out.code, 0, "{}", out.stderr);
        check_format(format, &out.stdout, INVITE_RESULT, 3);
        assert_eq!(env.posts(INVITE_PATH).len(), before + 1);
    }
}

#[test]
fn a_failing_batch_is_reported_and_later_batches_still_go() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, &file(&good_rows(1, 6)));
    env.sandbox.fail_next(INVITE_PATH, 1, 500, None);
    let out = run(env
        .cmd()
        .args(["providers", "invite", "--batch-size", "2", "--csv"])
        .arg(&path));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let results = ndjson(&out.stdout);
    let lines = by_line(&results);
    assert_eq!(results.len(), 6);
    for line in [2, 3] {
        assert_eq!(lines[&line]["status"], "failed");
        let error = lines[&line]["error"].as_str().unwrap();
        assert!(
            error.contains("500") && error.contains("Injected"),
            "{error}"
        );
        assert!(error.contains("check before sending them again"), "{error}");
    }
    for line in 4..=7 {
        assert_eq!(lines[&line]["status"], "invited", "{line}");
    }
    assert_eq!(
        out.stderr.trim(),
        "error: 2 of 6 rows not invited (lines 2, 3); 4 invited, 2 failed"
    );
    // Three POSTs, each row in exactly one of them: the 500 was not retried.
    assert_eq!(env.posts(INVITE_PATH).len(), 3);
    for i in 1..=6 {
        assert_eq!(times_sent(&env, &format!("bulk{i}@example.com")), 1, "{i}");
    }
    assert_eq!(env.sandbox.provider_count(), 34);
}

#[test]
fn a_refused_batch_is_sent_again_without_its_refused_rows() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let taken = env.providers(1)[0].email.clone();
    let mut rows = good_rows(1, 2);
    rows.push(format!("{taken},Al,Ready,,,,"));
    rows.extend(good_rows(3, 3));
    let path = csv_file(&dir, &file(&rows));
    let out = run(env
        .cmd()
        .args(["providers", "invite", "--batch-size", "2", "--csv"])
        .arg(&path));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let results = ndjson(&out.stdout);
    // One result per row, in file order.
    let lines: Vec<u64> = results
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3, 4, 5, 6, 7]);
    let lines = by_line(&results);
    assert_eq!(lines[&2]["status"], "invited");
    assert_eq!(lines[&3]["status"], "invited");
    // The row the server refused, with its own item error.
    assert_eq!(lines[&4]["status"], "failed");
    assert_eq!(
        lines[&4]["error"],
        "email: user with this email already exists."
    );
    // Its batch mate: the refusal created nothing, so it went again alone.
    assert_eq!(lines[&5]["status"], "invited", "{}", lines[&5]);
    assert_eq!(lines[&6]["status"], "invited");
    assert_eq!(lines[&7]["status"], "invited");
    // Batch 1, batch 2, batch 2 again without line 4, batch 3.
    let posts = env.posts(INVITE_PATH);
    assert_eq!(posts.len(), 4);
    assert!(posts[1].body.contains(&taken) && posts[1].body.contains("bulk3@example.com"));
    assert!(posts[2].body.contains("bulk3@example.com") && !posts[2].body.contains(&taken));
    assert_eq!(times_sent(&env, "bulk3@example.com"), 2);
    for email in [
        "bulk1@example.com",
        "bulk2@example.com",
        "bulk4@example.com",
    ] {
        assert_eq!(times_sent(&env, email), 1, "{email}");
    }
    assert_eq!(times_sent(&env, &taken), 1, "a refused row is not resent");
    assert_eq!(env.sandbox.provider_count(), 35);
    assert_eq!(
        out.stderr.trim(),
        "error: 1 of 6 rows not invited (line 4); 5 invited, 1 failed"
    );
}

/// Waits (at most 10 s) until `done` holds.
fn wait_for(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_resent_batch_refused_again_is_not_sent_a_third_time() {
    // Latency leaves time to plan a fault for the resend once it is logged
    // (the sandbox logs a request, then waits, then answers).
    let env = Env::with(
        Sandbox::builder()
            .seed(7)
            .providers(30)
            .latency(Duration::from_millis(300)),
    );
    let dir = tempfile::tempdir().unwrap();
    let taken = env.providers(1)[0].email.clone();
    let rows = vec![
        "again1@example.com,,,,,,".to_string(),
        format!("{taken},Al,Ready,,,,"),
        "again2@example.com,,,,,,".to_string(),
    ];
    let path = csv_file(&dir, &file(&rows));
    let out = std::thread::scope(|scope| {
        let command =
            scope.spawn(|| run(env.cmd().args(["providers", "invite", "--csv"]).arg(&path)));
        wait_for("the resend", || env.posts(INVITE_PATH).len() == 2);
        env.sandbox.fail_next(INVITE_PATH, 1, 400, None);
        command.join().unwrap()
    });
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(env.posts(INVITE_PATH).len(), 2, "no third send");
    let results = ndjson(&out.stdout);
    let lines = by_line(&results);
    assert_eq!(
        lines[&3]["error"],
        "email: user with this email already exists."
    );
    for line in [2, 4] {
        assert_eq!(lines[&line]["status"], "failed");
        let error = lines[&line]["error"].as_str().unwrap();
        assert!(error.contains("Injected"), "{error}");
        assert!(
            error.contains(
                "sent again without line 3 after its batch was refused; not sent a third time"
            ),
            "{error}"
        );
    }
    assert_eq!(env.sandbox.provider_count(), 30);
}

#[test]
fn a_batch_failing_without_item_errors_is_not_resent() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, &file(&good_rows(1, 2)));
    // A 5xx may have created rows; a 400 without item errors proves nothing
    // about which rows are at fault.
    for status in [503, 400] {
        env.sandbox.clear_requests();
        env.sandbox.fail_next(INVITE_PATH, 1, status, None);
        let out = run(env.cmd().args(["providers", "invite", "--csv"]).arg(&path));
        assert_ne!(out.code, 0, "{}", out.stderr);
        assert_eq!(env.posts(INVITE_PATH).len(), 1, "{status}");
        let results = ndjson(&out.stdout);
        assert!(results.iter().all(|r| r["status"] == "failed"), "{status}");
    }
}

#[test]
fn rejects_hold_the_rows_not_invited_in_the_inputs_columns() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let taken = env.providers(1)[0].email.clone();
    // Columns in the user's own order, one the reader does not send.
    let text = format!(
        "last_name,email,first_name\n\
         One,ok1@example.com,A\n\
         Bad,not-an-email,B\n\
         Taken,{taken},C\n\
         Two,ok2@example.com,D\n"
    );
    let path = csv_file(&dir, &text);
    let rejects = dir.path().join("rejects.csv");
    let out = run(env
        .cmd()
        .args(["providers", "invite", "--batch-size", "10", "--csv"])
        .arg(&path)
        .arg("--rejects")
        .arg(&rejects));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let results = ndjson(&out.stdout);
    let statuses: Vec<(u64, &str)> = results
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            (2, "invited"),
            (3, "invalid"),
            (4, "failed"),
            (5, "invited")
        ]
    );
    assert_eq!(results[1]["email"], "not-an-email");
    let written = std::fs::read_to_string(&rejects).unwrap();
    let table = crate::support::csv_rows(&written);
    assert_eq!(table[0], ["last_name", "email", "first_name", "reason"]);
    assert_eq!(table.len(), 3, "{written}");
    assert_eq!(table[1][..3], ["Bad", "not-an-email", "B"]);
    assert!(table[1][3].starts_with("email: "), "{}", table[1][3]);
    assert_eq!(
        table[2][..3],
        ["Taken".to_string(), taken.clone(), "C".into()]
    );
    assert_eq!(table[2][3], "email: user with this email already exists.");
    assert!(out.stderr.contains("line 3: email"), "{}", out.stderr);
    assert!(
        out.stderr.trim_end().ends_with(&format!(
            "error: 2 of 4 rows not invited (lines 3, 4); 2 invited, 1 failed, 1 invalid; rejects written to {}",
            rejects.display()
        )),
        "{}",
        out.stderr
    );

    // Fixed, the rejects file goes straight back in: its reason column is
    // not sent, and the rows keep their columns.
    let fixed = written
        .replace("not-an-email", "fixed@example.com")
        .replace(&taken, "fresh@example.com");
    std::fs::write(&rejects, fixed).unwrap();
    let again = run(env
        .cmd()
        .args(["providers", "invite", "--csv"])
        .arg(&rejects));
    assert_eq!(again.code, 0, "{}", again.stderr);
    let results = ndjson(&again.stdout);
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r["status"] == "invited"));
    let last = env.posts(INVITE_PATH).pop().unwrap();
    assert!(!last.body.contains("reason") && last.body.contains("\"first_name\":\"B\""));
}

#[test]
fn a_rejects_file_sent_again_sends_the_values_the_user_wrote() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    // Cells a spreadsheet would run: the rejects file shows them with a `'` before them.
    let path = csv_file(
        &dir,
        "email,last_name,first_name,client\n-jane@example.com,-,=x,not-a-uuid\n",
    );
    let rejects = dir.path().join("rejects.csv");
    let invite = |input: &std::path::Path, rejects: &std::path::Path| {
        let mut cmd = env.cmd();
        cmd.args(["providers", "invite", "--csv"]).arg(input);
        run(cmd.arg("--rejects").arg(rejects))
    };
    let out = invite(&path, &rejects);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let written = std::fs::read_to_string(&rejects).unwrap();
    let table = crate::support::csv_rows(&written);
    assert_eq!(
        table[1][..4],
        ["'-jane@example.com", "'-", "'=x", "not-a-uuid"]
    );

    // Fixed and sent again, then refused again: the values are the user's both times.
    std::fs::write(&rejects, written.replace("not-a-uuid", "")).unwrap();
    let again = dir.path().join("again.csv");
    let taken = invite(&rejects, &again);
    assert_eq!(taken.code, 0, "{}", taken.stderr);
    let body: Value = serde_json::from_str(&env.posts(INVITE_PATH)[0].body).unwrap();
    assert_eq!(body[0]["email"], "-jane@example.com");
    assert_eq!(body[0]["last_name"], "-");
    assert_eq!(body[0]["first_name"], "=x");
    let refused = invite(&rejects, &again);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    let table = crate::support::csv_rows(&std::fs::read_to_string(&again).unwrap());
    assert_eq!(table[1][..3], ["'-jane@example.com", "'-", "'=x"]);
}

/// `assured --base-url <sandbox> ARGS` run to the end with its results written to `/dev/full`,
/// as to a full disk.
#[cfg(target_os = "linux")]
fn to_a_full_disk(env: &Env, args: &[&str]) -> crate::support::Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_assured"))
        .env_remove("RUST_LOG")
        .env("ASSURED_API_KEY", env.sandbox.api_key())
        .args(["--base-url", env.sandbox.base_url()])
        .args(args)
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    crate::support::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_that_cannot_be_written_stops_the_sending_and_still_says_what_was_sent() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, &file(&good_rows(1, 6)));
    let rejects = dir.path().join("rejects.csv");
    let (path, rejects_path) = (path.to_str().unwrap(), rejects.to_str().unwrap());
    let out = to_a_full_disk(
        &env,
        &[
            "providers",
            "invite",
            "--batch-size",
            "2",
            "--rejects",
            rejects_path,
            "--csv",
            path,
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    // The first batch went before the first result could not be written; no other went.
    assert_eq!(env.posts(INVITE_PATH).len(), 1);
    let last = out.stderr.lines().last().unwrap();
    assert!(
        last.contains("writing the results: No space left"),
        "{last}"
    );
    assert!(last.contains("4 of 6 rows not invited"), "{last}");
    assert!(last.contains("2 invited"), "{last}");
    let table = crate::support::csv_rows(&std::fs::read_to_string(&rejects).unwrap());
    assert_eq!(table.len(), 5, "the 4 rows not sent are set aside");

    // JSON is written once every batch is answered: its failure comes last, and still
    // leaves the totals.
    let path = csv_file(&dir, &file(&good_rows(7, 2)));
    let path = path.to_str().unwrap();
    let out = to_a_full_disk(&env, &["providers", "invite", "-f", "json", "--csv", path]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let last = out.stderr.lines().last().unwrap();
    assert!(
        last.contains("writing the results: No space left"),
        "{last}"
    );
    assert!(last.contains("all 2 rows invited"), "{last}");
}

#[test]
fn a_rejects_file_that_cannot_be_written_still_leaves_the_totals() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, &file(&good_rows(1, 2)));
    let before = env.sandbox.provider_count();
    let out = run(env
        .cmd()
        .args(["providers", "invite", "--csv"])
        .arg(&path)
        .arg("--rejects")
        .arg(dir.path().join("no-such-dir/rejects.csv")));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(env.sandbox.provider_count(), before + 2);
    let last = out.stderr.lines().last().unwrap();
    assert!(last.contains("all 2 rows invited"), "{last}");
    assert!(last.contains("no-such-dir"), "{last}");
}

#[test]
fn result_lines_are_file_lines_with_crlf_bom_blank_lines_and_quoted_newlines() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}email,first_name\r\n\
                \r\n\
                l3@example.com,\"two\r\nlines\"\r\n\
                \r\n\
                l6@example.com,X\r\n\
                bad,Y\r\n\
                l8@example.com,Z\r\n";
    let path = csv_file(&dir, text);
    let rejects = dir.path().join("rejects.csv");
    let out = run(env
        .cmd()
        .args(["providers", "invite", "--csv"])
        .arg(&path)
        .arg("--rejects")
        .arg(&rejects));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let results = ndjson(&out.stdout);
    let lines: Vec<(u64, &str)> = results
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["email"].as_str().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [
            (3, "l3@example.com"),
            (6, "l6@example.com"),
            (7, "bad"),
            (8, "l8@example.com")
        ]
    );
    assert!(out.stderr.contains(": line 7: email:"), "{}", out.stderr);
    // The byte order mark did not become part of the first column's name.
    let posts = env.posts(INVITE_PATH);
    assert!(posts[0].body.contains("\"email\":\"l3@example.com\""));
}

#[test]
fn stop_on_error_sends_nothing_after_a_failed_batch() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, &file(&good_rows(1, 6)));
    env.sandbox.fail_next(INVITE_PATH, 1, 502, None);
    let out = run(env
        .cmd()
        .args([
            "providers",
            "invite",
            "--batch-size",
            "2",
            "--stop-on-error",
            "--csv",
        ])
        .arg(&path));
    assert_eq!(out.code, 1);
    let results = ndjson(&out.stdout);
    let statuses = statuses(&results);
    assert_eq!(
        statuses,
        ["failed", "failed", "skipped", "skipped", "skipped", "skipped"]
    );
    assert!(results[2]["error"]
        .as_str()
        .unwrap()
        .contains("not sent: batch 1 of 3 failed (502 Bad Gateway)"));
    assert_eq!(env.posts(INVITE_PATH).len(), 1);
}

#[test]
fn a_wrong_key_stops_the_run_with_3() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, &file(&good_rows(1, 4)));
    let out = run(env
        .cmd()
        .env("ASSURED_API_KEY", "wrong-key")
        .args(["providers", "invite", "--batch-size", "2", "--csv"])
        .arg(&path));
    assert_eq!(out.code, 3);
    assert_eq!(
        statuses(&ndjson(&out.stdout)),
        ["failed", "failed", "skipped", "skipped"]
    );
    assert_eq!(env.posts(INVITE_PATH).len(), 1);
}

/// Runs `assured providers invite --csv path --batch-size 2` against a
/// sandbox answering after `latency`, sends SIGINT `presses` times once
/// the first batch is in flight, and returns the run and how long the
/// process took after the first press.
#[cfg(unix)]
fn interrupted(
    signal: &str,
    presses: usize,
    latency: Duration,
) -> (Env, crate::support::Run, Duration) {
    use std::process::{Command, Stdio};

    let env = Env::with(Sandbox::builder().seed(7).providers(30).latency(latency));
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, &file(&good_rows(1, 6)));
    let child = Command::new(env!("CARGO_BIN_EXE_assured"))
        .env_remove("RUST_LOG")
        .env("ASSURED_API_KEY", env.sandbox.api_key())
        .args(["--base-url", env.sandbox.base_url()])
        .args(["providers", "invite", "--batch-size", "2", "--csv"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the first batch", || env.posts(INVITE_PATH).len() == 1);
    let pressed = Instant::now();
    for _ in 0..presses {
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let took = pressed.elapsed();
    let run = crate::support::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    (env, run, took)
}

/// Ctrl-C, or SIGTERM (how `kill`, systemd and Kubernetes stop a process), lets the batch in
/// flight finish, sends nothing more, and prints every row's result and the totals.
#[cfg(unix)]
#[test]
fn ctrl_c_or_sigterm_finishes_the_batch_in_flight_and_prints_the_totals() {
    for (signal, name) in [("-INT", "Ctrl-C"), ("-TERM", "SIGTERM")] {
        let (env, out, _) = interrupted(signal, 1, Duration::from_millis(600));
        assert_eq!(out.code, 130, "{name}: {}", out.stderr);
        let results = ndjson(&out.stdout);
        let statuses = statuses(&results);
        assert_eq!(
            statuses,
            ["invited", "invited", "skipped", "skipped", "skipped", "skipped"],
            "{name}"
        );
        let reason = format!("not sent: interrupted ({name})");
        assert_eq!(results[2]["error"], reason.as_str());
        assert_eq!(env.posts(INVITE_PATH).len(), 1);
        assert_eq!(env.sandbox.provider_count(), 32);
        let said = format!("interrupted ({name}): finishing the batch in flight");
        assert!(out.stderr.contains(&said), "{}", out.stderr);
        assert_eq!(
            out.stderr.lines().last().unwrap(),
            "error: interrupted: 4 of 6 rows not invited (lines 4, 5, 6, 7); 2 invited, 4 not sent"
        );
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_twice_stops_waiting_and_says_what_is_unknown() {
    let latency = Duration::from_secs(3);
    let (_env, out, took) = interrupted("-INT", 2, latency);
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(took < latency, "waited {took:?} for the answer");
    let results = ndjson(&out.stdout);
    let statuses = statuses(&results);
    assert_eq!(
        statuses,
        ["unknown", "unknown", "skipped", "skipped", "skipped", "skipped"]
    );
    assert!(results[0]["error"]
        .as_str()
        .unwrap()
        .contains("it may have been invited"));
    assert_eq!(
        out.stderr.lines().last().unwrap(),
        "error: interrupted: 6 of 6 rows not invited (lines 2, 3, 4, 5, 6, 7); 0 invited, 4 not sent, 2 unknown"
    );
}

#[cfg(unix)]
#[test]
fn a_closed_output_does_not_stop_the_sending() {
    use std::process::{Command, Stdio};

    let env = Env::with(
        Sandbox::builder()
            .seed(7)
            .providers(30)
            .latency(Duration::from_millis(100)),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, &file(&good_rows(1, 6)));
    let mut child = Command::new(env!("CARGO_BIN_EXE_assured"))
        .env_remove("RUST_LOG")
        .env("ASSURED_API_KEY", env.sandbox.api_key())
        .args(["--base-url", env.sandbox.base_url()])
        .args(["providers", "invite", "--batch-size", "2", "--csv"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -0`: the reader goes before the first batch is answered.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(env.posts(INVITE_PATH).len(), 3);
    assert_eq!(env.sandbox.provider_count(), 36);
}

/// Each result row's `status`, in order.
fn statuses(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}
