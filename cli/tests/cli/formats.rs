//! Every command in every format; CSV headers with no rows; the default
//! format when piped.

use crate::support::{check_format, csv_rows, run, Env, FORMATS};

pub const PROVIDER: &[&str] = &[
    "id",
    "full_name",
    "email",
    "npi",
    "first_name",
    "middle_name",
    "last_name",
    "provider_profile_id",
    "profile_completeness_percentage",
    "is_active",
    "user_type",
];
const USER: &[&str] = &[
    "id",
    "email",
    "first_name",
    "last_name",
    "is_active",
    "user_type",
];
const CAQH: &[&str] = &[
    "id",
    "full_name",
    "caqh_username",
    "caqh_password",
    "signature",
];
const INVITED: &[&str] = &[
    "id",
    "email",
    "first_name",
    "last_name",
    "provider_practice_locations",
];
const CREATED: &[&str] = &[
    "id",
    "email",
    "first_name",
    "last_name",
    "client",
    "provider_practice_locations",
    "primary_practice_location",
    "document_url",
    "document_type",
    "source_of_joining",
];
const IMPORTED: &[&str] = &[
    "id",
    "email",
    "first_name",
    "last_name",
    "provider_practice_locations",
    "primary_practice_location",
];
const LOCATION: &[&str] = &["practice_location", "providers"];
const JOINING: &[&str] = &["id", "org_joining_date"];
const PROFILE: &[&str] = &["id", "provider_profile_id"];
pub const INVITE_RESULT: &[&str] = &["line", "email", "status", "id", "error"];

#[test]
fn read_commands_in_every_format() {
    let env = Env::new();
    let providers = env.providers(2);
    let (a, b) = (&providers[0], &providers[1]);
    let profile = a.provider_profile_id.clone().unwrap().to_string();
    let location = env.sandbox.practice_locations()[0].to_string();
    let cases: Vec<(Vec<String>, &[&str], usize)> = vec![
        (
            vec!["providers", "list", "--limit", "3"]
                .into_iter()
                .map(String::from)
                .collect(),
            PROVIDER,
            3,
        ),
        (
            vec!["providers".into(), "get".into(), a.id.to_string()],
            PROVIDER,
            1,
        ),
        (
            vec!["providers".into(), "profile-id".into(), a.id.to_string()],
            PROFILE,
            1,
        ),
        (
            vec![
                "providers".into(),
                "by-npi".into(),
                a.npi.clone().unwrap(),
                b.npi.clone().unwrap(),
            ],
            PROVIDER,
            2,
        ),
        (
            vec![
                "practice-location".into(),
                "missing".into(),
                location,
                "--limit".into(),
                "4".into(),
            ],
            USER,
            4,
        ),
        (
            vec!["org-joining-date".into(), "get".into(), profile],
            JOINING,
            1,
        ),
        (vec!["caqh-requests".into(), "list".into()], CAQH, 3),
    ];
    for (args, columns, rows) in cases {
        for format in FORMATS {
            let out = run(env.cmd().args(&args).args(["--format", format]));
            assert_eq!(out.code, 0, "{args:?} {format}: {}", out.stderr);
            assert_eq!(out.stderr, "", "{args:?} {format}");
            check_format(format, &out.stdout, columns, rows);
        }
    }
    // The values are the server's.
    let out = run(env
        .cmd()
        .args(["providers", "get", &a.id.to_string(), "--format", "json"]));
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(value["email"], a.email.as_str());
    assert_eq!(value["npi"], a.npi.clone().unwrap().as_str());
}

#[test]
fn write_commands_in_every_format() {
    let env = Env::new();
    let location = env.sandbox.practice_locations()[1];
    let client = env.sandbox.clients()[0].to_string();
    let providers = env.providers(5);
    for (n, format) in FORMATS.into_iter().enumerate() {
        let email = format!("invited.{format}@example.com");
        let out = run(env.cmd().args([
            "providers",
            "invite",
            "--email",
            &email,
            "--first-name",
            "Ina",
            "--last-name",
            "Vite",
            "--client",
            &client,
            "--practice-location",
            &location.to_string(),
            "--org-joining-date",
            "2024-03-01",
            "--cc-email",
            "boss@example.com",
            "--format",
            format,
        ]));
        assert_eq!(out.code, 0, "invite {format}: {}", out.stderr);
        check_format(format, &out.stdout, INVITED, 1);

        let email = format!("created.{format}@example.com");
        let out = run(env.cmd().args([
            "providers",
            "create",
            "--email",
            &email,
            "--first-name",
            "Cree",
            "--last-name",
            "Ated",
            "--client",
            &client,
            "--document-type",
            "state_license",
            "--associate",
            "--format",
            format,
        ]));
        assert_eq!(out.code, 0, "create {format}: {}", out.stderr);
        let records = check_format(format, &out.stdout, CREATED, 1);
        if let Some(record) = records.first() {
            assert_eq!(record["source_of_joining"], "PROVIDER_CREATE_API");
        }

        let email = format!("imported.{format}@example.com");
        let out = run(env
            .cmd()
            .env("ASSURED_CAQH_PASSWORD", "pw-for-import-1")
            .args([
                "providers",
                "import-caqh",
                "--email",
                &email,
                "--caqh-username",
                "caqh_login_1",
                "--format",
                format,
            ]));
        assert_eq!(out.code, 0, "import {format}: {}", out.stderr);
        check_format(format, &out.stdout, IMPORTED, 1);

        let out = run(env.cmd().args([
            "practice-location",
            "add",
            &location.to_string(),
            &providers[n].id.to_string(),
            &providers[4].id.to_string(),
            "--format",
            format,
        ]));
        assert_eq!(out.code, 0, "add {format}: {}", out.stderr);
        check_format(format, &out.stdout, LOCATION, 1);

        let profile = providers[n]
            .provider_profile_id
            .clone()
            .unwrap()
            .to_string();
        let out = run(env.cmd().args([
            "org-joining-date",
            "set",
            &profile,
            "2023-13-45",
            "--format",
            format,
        ]));
        // A bad date is a usage error; then the real one.
        assert_eq!(out.code, 2, "{}", out.stderr);
        let date = format!("2023-0{}-15", n + 1);
        let out = run(env.cmd().args([
            "org-joining-date",
            "set",
            &profile,
            &date,
            "--format",
            format,
        ]));
        assert_eq!(out.code, 0, "set {format}: {}", out.stderr);
        let records = check_format(format, &out.stdout, JOINING, 1);
        if let Some(record) = records.first() {
            assert_eq!(record["org_joining_date"], date.as_str());
        }

        let out = run(env
            .cmd()
            .env("ASSURED_CAQH_PASSWORD", "pw-for-request-1")
            .args([
                "caqh-requests",
                "create",
                "--full-name",
                "Jane Doe",
                "--username",
                "jdoe_caqh",
                "--format",
                format,
            ]));
        assert_eq!(out.code, 0, "caqh create {format}: {}", out.stderr);
        let records = check_format(format, &out.stdout, CAQH, 1);
        if let Some(record) = records.first() {
            assert_eq!(record["caqh_password"], "[REDACTED]");
            assert_eq!(record["caqh_username"], "[REDACTED]");
        }
    }
    // Each write reached the server once per format.
    assert_eq!(env.posts(crate::support::INVITE_PATH).len(), 4);
    assert_eq!(env.sandbox.provider_count(), 30 + 4 * 3);
}

#[test]
fn csv_has_its_header_when_there_are_no_rows() {
    let env = Env::new();
    let nobody = "00000000-0000-4000-8000-000000000000";
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &["providers", "list", "--email", "nobody@nowhere.example"],
            PROVIDER,
        ),
        (
            &["providers", "list", "--all", "--last-name", "Nobody"],
            PROVIDER,
        ),
        (&["caqh-requests", "list", "--provider", nobody], CAQH),
        (
            &["caqh-requests", "list", "--all", "--provider", nobody],
            CAQH,
        ),
    ];
    for (args, columns) in cases {
        let out = run(env.cmd().args(args).args(["--format", "csv"]));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, format!("{}\n", columns.join(",")), "{args:?}");
        assert_eq!(csv_rows(&out.stdout), vec![columns.to_vec()]);
    }
    // The other formats say "nothing" in their own way.
    let out = run(env.cmd().args([
        "providers",
        "list",
        "--email",
        "nobody@nowhere.example",
        "-f",
        "json",
    ]));
    assert_eq!(out.stdout.trim(), "[]");
    let out = run(env.cmd().args([
        "providers",
        "list",
        "--email",
        "nobody@nowhere.example",
        "-f",
        "ndjson",
    ]));
    assert_eq!(out.stdout, "");
}

#[test]
fn piped_output_defaults_to_ndjson() {
    let env = Env::new();
    let out = run(env.cmd().args(["providers", "list", "--limit", "2"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    check_format("ndjson", &out.stdout, PROVIDER, 2);
}

#[test]
fn csv_quotes_commas_and_joins_lists() {
    let env = Env::new();
    let location = env.sandbox.practice_locations()[0];
    let providers = env.providers(2);
    let out = run(env.cmd().args([
        "practice-location",
        "add",
        &location.to_string(),
        &providers[0].id.to_string(),
        &providers[1].id.to_string(),
        "-f",
        "csv",
    ]));
    let rows = csv_rows(&out.stdout);
    assert_eq!(
        rows[1],
        [
            location.to_string(),
            format!("{};{}", providers[0].id, providers[1].id)
        ]
    );
}
