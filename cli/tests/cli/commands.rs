//! What each command sends and prints: filters, walks, lookups, the
//! embedded sandbox, help and tracing.

use std::collections::HashSet;

use assured::ListProvidersParams;

use crate::{
    formats::PROVIDER,
    support::{bare, check_format, ndjson, run, Env, LIST_PATH},
};

#[test]
fn every_list_filter_reaches_the_server() {
    let env = Env::new();
    let providers = env.providers(3);
    let (client_a, client_b) = (env.sandbox.clients()[0], env.sandbox.clients()[1]);
    env.sandbox.clear_requests();
    let out = run(env.cmd().args([
        "providers",
        "list",
        "--email",
        "a@example.com",
        "--first-name",
        "Ann",
        "--last-name",
        "Lee",
        "--npi",
        "1234567893",
        "--search",
        "ann",
        "--ordering",
        "-last_name",
        "--id-in",
        &format!("{},{}", providers[0].id, providers[1].id),
        "--id-in",
        &providers[2].id.to_string(),
        "--client",
        &client_a.to_string(),
        "--client-in",
        &format!("{client_a},{client_b}"),
        "--is-active",
        "true",
        "--profile-completeness",
        "false",
        "--limit",
        "7",
        "--offset",
        "1",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let requests = env.sandbox.requests();
    assert_eq!(requests.len(), 1);
    let query: Vec<(String, String)> = url_pairs(&requests[0].query);
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{k} in {query:?}"))
    };
    assert_eq!(get("email"), "a@example.com");
    assert_eq!(get("first_name"), "Ann");
    assert_eq!(get("last_name"), "Lee");
    assert_eq!(get("npi"), "1234567893");
    assert_eq!(get("search"), "ann");
    assert_eq!(get("ordering"), "-last_name");
    assert_eq!(
        get("id_in"),
        format!(
            "{},{},{}",
            providers[0].id, providers[1].id, providers[2].id
        )
    );
    assert_eq!(get("client"), client_a.to_string());
    assert_eq!(get("client_in"), format!("{client_a},{client_b}"));
    assert_eq!(get("is_active"), "true");
    assert_eq!(get("profile_completeness"), "false");
    assert_eq!(get("limit"), "7");
    assert_eq!(get("offset"), "1");
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn id_in_and_filters_select_rows() {
    let env = Env::new();
    let providers = env.providers(3);
    let out = run(env.cmd().args([
        "providers",
        "list",
        "--id-in",
        &format!("{},{}", providers[0].id, providers[1].id),
        "--id-in",
        &providers[2].id.to_string(),
    ]));
    let ids: HashSet<String> = ndjson(&out.stdout)
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    let want: HashSet<String> = providers.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(ids, want);
    let last = providers[0].last_name.clone().unwrap();
    let out = run(env.cmd().args([
        "providers",
        "list",
        "--last-name",
        &last,
        "--ordering",
        "email",
    ]));
    let rows = ndjson(&out.stdout);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|p| p["last_name"] == last.as_str()));
    let emails: Vec<&str> = rows.iter().map(|p| p["email"].as_str().unwrap()).collect();
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted);
}

#[test]
fn all_walks_every_page_and_max_items_stops_early() {
    let env = Env::with(
        assured::sandbox::Sandbox::builder()
            .seed(3)
            .providers(55)
            .max_limit(10),
    );
    let out = run(env.cmd().args(["providers", "list", "--all"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = ndjson(&out.stdout);
    assert_eq!(rows.len(), 55);
    let unique: HashSet<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(unique.len(), 55);
    let pages = env
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path == LIST_PATH)
        .count();
    assert_eq!(
        pages, 7,
        "ten rows a page, each overlapping the last by one"
    );
    // One page without --all.
    let out = run(env.cmd().args(["providers", "list"]));
    assert_eq!(ndjson(&out.stdout).len(), 10);

    for format in ["ndjson", "csv", "json", "table"] {
        let out = run(env.cmd().args([
            "providers",
            "list",
            "--all",
            "--max-items",
            "23",
            "-f",
            format,
        ]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        check_format(format, &out.stdout, PROVIDER, 23);
    }
    // --max-items needs --all.
    let out = run(env.cmd().args(["providers", "list", "--max-items", "3"]));
    assert_eq!(out.code, 2);

    let location = env.sandbox.practice_locations()[0];
    let client = env.client();
    let expected = env
        .block_on(
            client
                .providers()
                .walk(
                    &assured::ListProvidersNotInPracticeLocationParams::new()
                        .practice_location(location),
                )
                .collect(),
        )
        .unwrap()
        .items
        .len();
    let out = run(env.cmd().args([
        "practice-location",
        "missing",
        &location.to_string(),
        "--all",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(ndjson(&out.stdout).len(), expected);
    assert!(expected > 10, "more than a page");

    let out = run(env
        .cmd()
        .args(["caqh-requests", "list", "--all", "--limit", "2"]));
    assert_eq!(ndjson(&out.stdout).len(), 3);
}

#[test]
fn lookups_by_id_profile_and_npi() {
    let env = Env::new();
    let providers = env.providers(3);
    let p = &providers[0];
    let out = run(env.cmd().args(["providers", "get", &p.id.to_string()]));
    assert_eq!(ndjson(&out.stdout)[0]["id"], p.id.to_string().as_str());

    let out = run(env
        .cmd()
        .args(["providers", "profile-id", &p.id.to_string()]));
    let row = &ndjson(&out.stdout)[0];
    assert_eq!(
        row["provider_profile_id"],
        p.provider_profile_id.clone().unwrap().as_str()
    );

    // NPIs in any spelling; results in the order asked.
    let npi = p.npi.clone().unwrap();
    let dashed = format!("{}-{}-{}", &npi[..4], &npi[4..7], &npi[7..]);
    let other = providers[2].npi.clone().unwrap();
    let out = run(env.cmd().args(["providers", "by-npi", &other, &dashed]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = ndjson(&out.stdout);
    assert_eq!(rows[0]["npi"], other.as_str());
    assert_eq!(rows[1]["npi"], npi.as_str());

    // A valid NPI nobody has: the found ones are printed, then exit 4.
    let unknown = "1234567893";
    let client = env.client();
    let taken = env
        .block_on(
            client
                .providers()
                .list_providers(&ListProvidersParams::new().npi(unknown)),
        )
        .unwrap()
        .count;
    assert_eq!(taken, 0);
    let out = run(env.cmd().args(["providers", "by-npi", &npi, unknown]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(ndjson(&out.stdout).len(), 1);
    assert_eq!(
        out.stderr.trim(),
        format!("error: no provider found with NPI {unknown}")
    );
}

#[test]
fn org_joining_date_set_get_and_clear() {
    let env = Env::new();
    let profile = env.providers(1)[0]
        .provider_profile_id
        .clone()
        .unwrap()
        .to_string();
    let out = run(env
        .cmd()
        .args(["org-joining-date", "set", &profile, "2024-02-29"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(env.cmd().args(["org-joining-date", "get", &profile]));
    assert_eq!(ndjson(&out.stdout)[0]["org_joining_date"], "2024-02-29");
    let out = run(env
        .cmd()
        .args(["org-joining-date", "set", &profile, "--clear"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        ndjson(&out.stdout)[0]["org_joining_date"],
        serde_json::Value::Null
    );
    let patches: Vec<_> = env
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 2);
    assert_eq!(patches[1].body, r#"{"org_joining_date":null}"#);
    // A date and --clear together, or neither, are usage errors.
    for args in [
        vec!["org-joining-date", "set", &profile, "2024-01-01", "--clear"],
        vec!["org-joining-date", "set", &profile],
    ] {
        let out = run(env.cmd().args(args));
        assert_eq!(out.code, 2);
    }
    assert_eq!(env.sandbox.requests().len(), 4);
}

#[test]
fn invited_providers_are_then_found_and_placed() {
    let env = Env::new();
    let location = env.sandbox.practice_locations()[2].to_string();
    let out = run(env.cmd().args([
        "providers",
        "invite",
        "--email",
        "new.person@example.com",
        "--first-name",
        "New",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let id = ndjson(&out.stdout)[0]["id"].as_str().unwrap().to_string();
    let out = run(env.cmd().args([
        "practice-location",
        "missing",
        &location,
        "--search",
        "new.person",
    ]));
    assert_eq!(ndjson(&out.stdout).len(), 1);
    let out = run(env.cmd().args(["practice-location", "add", &location, &id]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(env.cmd().args([
        "practice-location",
        "missing",
        &location,
        "--search",
        "new.person",
    ]));
    assert_eq!(out.stdout, "");
    // Inviting the same email again is refused by the server: 400 → 2.
    let out = run(env
        .cmd()
        .args(["providers", "invite", "--email", "NEW.person@example.com"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("400") && out.stderr.contains("already exists"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_embedded_sandbox_needs_no_credentials() {
    let out = run(bare().args(["--sandbox", "providers", "list", "--limit", "1"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first = &ndjson(&out.stdout)[0];
    // Same seed, same data: a second run can look up what the first listed.
    let profile = first["provider_profile_id"].as_str().unwrap();
    let out = run(bare().args(["--sandbox", "org-joining-date", "get", profile]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(bare().args([
        "providers",
        "list",
        "--sandbox",
        "--sandbox-seed",
        "9",
        "--sandbox-providers",
        "4",
        "--all",
    ]));
    assert_eq!(ndjson(&out.stdout).len(), 4);
    assert_ne!(ndjson(&out.stdout)[0]["id"], first["id"]);
}

#[test]
fn help_documents_the_exit_codes_and_the_password_rule() {
    let out = run(bare().arg("--help"));
    assert_eq!(out.code, 0);
    for text in [
        "Exit codes:",
        "2    invalid input",
        "3    not authorised",
        "4    not found",
        "5    rate limited",
        "130  interrupted",
        "ASSURED_CAQH_PASSWORD",
    ] {
        assert!(out.stdout.contains(text), "{text}");
    }
    let out = run(bare().args(["providers", "--help"]));
    for command in [
        "list",
        "get",
        "profile-id",
        "by-npi",
        "invite",
        "create",
        "import-caqh",
    ] {
        assert!(out.stdout.contains(command), "{command}");
    }
}

#[test]
fn verbose_shows_tracing_events_but_never_the_key() {
    let key = "sk-live-cli-verbose-0123456789";
    let env = Env::with(
        assured::sandbox::Sandbox::builder()
            .seed(7)
            .providers(5)
            .api_key(key),
    );
    let out = run(env.cmd().args(["providers", "list", "--verbose"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("assured request"), "{}", out.stderr);
    assert!(out.stderr.contains(LIST_PATH));
    assert!(!out.stderr.contains(key) && !out.stdout.contains(key));
    // Without --verbose: silent.
    let out = run(env.cmd().args(["providers", "list"]));
    assert_eq!(out.stderr, "");
    // RUST_LOG chooses the filter, the key still never shows.
    let out = run(env
        .cmd()
        .env("RUST_LOG", "trace")
        .args(["providers", "list", "-v"]));
    assert!(!out.stderr.contains(key));
}

#[test]
fn concurrency_is_a_number_or_auto() {
    let env = Env::with(assured::sandbox::Sandbox::builder().seed(5).providers(30));
    for value in ["1", "8", "auto"] {
        let out = run(env.cmd().args([
            "--concurrency",
            value,
            "providers",
            "list",
            "--all",
            "--limit",
            "7",
        ]));
        assert_eq!(out.code, 0, "{value}: {}", out.stderr);
        assert_eq!(ndjson(&out.stdout).len(), 30, "{value}");
    }
    for bad in ["0", "many"] {
        let out = run(env.cmd().args(["--concurrency", bad, "providers", "list"]));
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(
            out.stderr.contains("positive number or auto"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn filter_sets_any_query_parameter_by_its_api_name() {
    let env = Env::new();
    let location = env.sandbox.practice_locations()[0];
    env.sandbox.clear_requests();
    for args in [
        vec![
            "providers",
            "list",
            "--filter",
            "last_name=Lee",
            "--filter",
            "ordering=-email",
        ],
        vec![
            "practice-location",
            "missing",
            &location.to_string(),
            "--filter",
            "search=an",
        ],
        vec!["caqh-requests", "list", "--filter", "limit=3"],
    ] {
        let out = run(env.cmd().args(&args));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let queries: Vec<Vec<(String, String)>> = env
        .sandbox
        .requests()
        .iter()
        .map(|r| url_pairs(&r.query))
        .collect();
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(queries.len(), 3);
    assert!(
        queries[0].contains(&pair("last_name", "Lee")),
        "{queries:?}"
    );
    assert!(
        queries[0].contains(&pair("ordering", "-email")),
        "{queries:?}"
    );
    assert!(queries[1].contains(&pair("search", "an")), "{queries:?}");
    assert!(queries[1].contains(&pair("practice_location", &location.to_string())));
    assert!(queries[2].contains(&pair("limit", "3")), "{queries:?}");

    // An unknown name or a bad value is refused before any request, naming it.
    env.sandbox.clear_requests();
    let unknown = run(env
        .cmd()
        .args(["providers", "list", "--filter", "speciality=x"]));
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(unknown.stderr.contains("speciality"), "{}", unknown.stderr);
    assert!(unknown.stderr.contains("last_name"), "{}", unknown.stderr);
    let malformed = run(env
        .cmd()
        .args(["providers", "list", "--filter", "is_active"]));
    assert!(
        malformed.stderr.contains("NAME=VALUE"),
        "{}",
        malformed.stderr
    );
    assert_eq!(malformed.code, 2, "{}", malformed.stderr);
    let bad = run(env
        .cmd()
        .args(["caqh-requests", "list", "--filter", "provider=nope"]));
    assert!(bad.stderr.contains("provider"), "{}", bad.stderr);
    assert!(bad.stderr.contains("provider:"), "{}", bad.stderr);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    // A parameter a flag or argument already set is not set again.
    let twice = run(env.cmd().args([
        "practice-location",
        "missing",
        &assured::Uuid::nil().to_string(),
        "--filter",
        &format!("practice_location={}", assured::Uuid::from_u128(1)),
    ]));
    assert_eq!(twice.code, 2, "{}", twice.stderr);
    assert!(
        twice
            .stderr
            .contains("--filter practice_location: already set by its flag or argument"),
        "{}",
        twice.stderr
    );
    // Nor by an earlier --filter: the last one does not silently win.
    let repeated = run(env.cmd().args([
        "providers",
        "list",
        "--filter",
        "search=a",
        "--filter",
        "search=b",
    ]));
    assert_eq!(repeated.code, 2, "{}", repeated.stderr);
    assert!(
        repeated.stderr.contains("--filter search: given twice"),
        "{}",
        repeated.stderr
    );
    assert!(env.sandbox.requests().is_empty());
}
