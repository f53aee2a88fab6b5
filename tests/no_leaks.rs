//! Secrets never reach a log line, a Debug or a Display: every tracing
//! event at TRACE level (this crate's, reqwest's, hyper's) and every
//! result's and error's Debug and Display, across the scenarios of the
//! suite run against the sandbox, are captured and searched for the API
//! key, a bearer token and CAQH credentials.

mod common;

use std::time::Duration;

use assured::{
    models::{ImportProviderWithCaqh, InviteProvider, NewCaqhImportRequest},
    sandbox::{Fault, Sandbox},
    Client, ListCaqhImportRequestsParams, ListProvidersParams, RetryPolicy,
};
use common::{assert_hidden, capture_logs};

const KEY: &str = "leak-canary-key-93f1c7";
const TOKEN: &str = "leak-canary-bearer-5e2a";
const CAQH_USER: &str = "leak_canary_user_77";
const CAQH_PASS: &str = "leak-canary-pass-41x";

fn record<T: std::fmt::Debug, E: std::fmt::Debug + std::fmt::Display>(
    out: &mut String,
    result: Result<T, E>,
) {
    match result {
        Ok(value) => out.push_str(&format!("{value:?}\n")),
        Err(error) => out.push_str(&format!("{error}\n{error:?}\n{error:#?}\n")),
    }
}

#[tokio::test]
async fn no_secret_in_any_log_line_debug_or_display() {
    let (captured, _guard) = capture_logs(tracing::Level::TRACE);

    let sandbox = Sandbox::builder()
        .providers(120)
        .api_key(KEY)
        .start()
        .await
        .unwrap();
    let fast = RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2));
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(KEY)
        .page_size(25)
        .retry_policy(fast.clone())
        .build()
        .unwrap();
    let p = client.providers();
    let mut out = format!("{client:?}\n{client:#?}\n");
    let list = "/api/v1/users/providers-list/";

    record(
        &mut out,
        p.list_providers(&ListProvidersParams::new().limit(3)).await,
    );
    record(
        &mut out,
        p.walk(&ListProvidersParams::new())
            .collect()
            .await
            .map(|c| c.items.len()),
    );
    let invite: InviteProvider = InviteProvider::builder()
        .email("leak.test@example.com")
        .try_into()
        .unwrap();
    record(&mut out, p.invite_providers([invite.clone()]).await);
    record(&mut out, p.invite_providers([invite]).await); // 400, per item
    let import: ImportProviderWithCaqh = ImportProviderWithCaqh::builder()
        .email("caqh.leak@example.com")
        .caqh_username(CAQH_USER)
        .caqh_password(CAQH_PASS)
        .try_into()
        .unwrap();
    out.push_str(&format!("{import:?}\n"));
    record(&mut out, p.import_provider_with_caqh(import.clone()).await);
    record(&mut out, p.import_provider_with_caqh(import).await); // duplicate email: 400
    let short: ImportProviderWithCaqh = ImportProviderWithCaqh::builder()
        .email("short.leak@example.com")
        .caqh_username(CAQH_USER)
        .caqh_password("x1")
        .try_into()
        .unwrap();
    record(&mut out, p.import_provider_with_caqh(short).await); // refused before sending
    let request: NewCaqhImportRequest = NewCaqhImportRequest::builder()
        .caqh_username(CAQH_USER)
        .caqh_password(CAQH_PASS)
        .full_name("Caqh Leak")
        .try_into()
        .unwrap();
    record(&mut out, p.request_caqh_import(request.clone()).await); // the server echoes the password
    record(
        &mut out,
        p.walk(&ListCaqhImportRequestsParams::new()).collect().await,
    );
    record(&mut out, p.get_by_npi("1234567890").await);
    record(
        &mut out,
        "not-a-uuid"
            .parse::<assured::AccountId>()
            .map_err(assured::Error::from),
    );
    let nobody: assured::ProfileId = "nobody".parse().unwrap();
    record(&mut out, p.get_provider_org_joining_date(&nobody).await);

    // Faults: retried reads, a dropped connection, a malformed body, 429.
    sandbox.fail_next(list, 2, 503, Some(0));
    record(
        &mut out,
        p.list_providers(&ListProvidersParams::new()).await,
    );
    sandbox.plan(list, 1, Fault::Drop);
    record(
        &mut out,
        p.list_providers(&ListProvidersParams::new()).await,
    );
    sandbox.plan(list, 1, Fault::Malformed);
    record(
        &mut out,
        p.list_providers(&ListProvidersParams::new()).await,
    );
    sandbox.fail_next("/api/v1/users/request-caqh-import/", 1, 500, None);
    record(&mut out, p.request_caqh_import(request).await);
    sandbox.fail_next(list, 1, 429, Some(3600));
    record(
        &mut out,
        p.list_providers(&ListProvidersParams::new()).await,
    );

    // Wrong key, bearer token, an unreachable server.
    let wrong = Client::builder()
        .base_url(sandbox.base_url())
        .bearer_token(TOKEN)
        .retry_policy(fast)
        .build()
        .unwrap();
    out.push_str(&format!("{wrong:?}\n"));
    let listed = wrong.providers().list_providers(&Default::default()).await;
    record(&mut out, listed);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key(KEY)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let listed = nowhere
        .providers()
        .list_providers(&Default::default())
        .await;
    record(&mut out, listed);
    out.push_str(&format!("{:?}\n", sandbox.requests()));

    drop(_guard);
    let logs = captured.text();
    assert!(logs.contains("assured request"), "the capture works");
    assert!(
        logs.lines().count() > 50,
        "events from every layer: {}",
        logs.lines().count()
    );
    let everything = format!("{logs}\n{out}");
    assert_hidden(
        &everything,
        &[
            ("API key", KEY),
            ("bearer token", TOKEN),
            ("CAQH username", CAQH_USER),
            ("CAQH password", CAQH_PASS),
        ],
    );
}
