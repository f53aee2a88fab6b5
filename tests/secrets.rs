//! The API key, bearer token and CAQH credentials never show in Debug,
//! Display or error messages.

mod common;

use assured::{models::ImportProviderWithCaqh, Client, Credentials, Error, ListProvidersParams};
use common::*;
use httpmock::{Method::*, MockServer};
use serde_json::json;

#[test]
fn client_and_builder_debug_hide_the_key_and_token() {
    let builder = Client::builder()
        .base_url("https://staging-backend.withassured.com")
        .api_key(KEY);
    assert!(!format!("{builder:?}").contains(KEY));
    let client = builder.build().unwrap();
    let debug = format!("{client:?} {client:#?}");
    assert_hidden(&debug, &[("API key", KEY)]);
    assert!(debug.contains("[REDACTED]"), "no [REDACTED] marker");

    let token = "eyJhbGciOiJIUzI1NiJ9.secret-payload.sig";
    let client = Client::builder().bearer_token(token).build().unwrap();
    assert!(!format!("{client:?} {:?}", Credentials::bearer(token)).contains(token));
}

#[test]
fn builder_errors_name_the_field_without_the_key() {
    let err = Client::builder().build().unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(i) if i.field == "credentials"),
        "{err}"
    );
    let err = Client::builder()
        .api_key(KEY)
        .base_url("http://api.example.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(i) if i.field == "base_url"),
        "{err}"
    );
    assert!(!format!("{err}{err:?}").contains(KEY));
    let err = Client::builder()
        .api_key(KEY)
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(i) if i.field == "base_url"),
        "{err}"
    );
    let err = Client::builder()
        .api_key(KEY)
        .base_url("ftp://x.example.com")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("ftp"), "{err}");
    // A key in the URL would show wherever the URL does.
    for url in [
        format!("https://{KEY}@api.example.com"),
        format!("https://user:{KEY}@api.example.com"),
    ] {
        let err = Client::builder()
            .api_key("k")
            .base_url(url)
            .build()
            .unwrap_err();
        assert_hidden(&format!("{err} {err:?}"), &[("key in the URL", KEY)]);
        assert!(
            err.to_string()
                .contains("base_url: must not hold a user name or password"),
            "{err}"
        );
    }
    // Loopback may use http; elsewhere it takes an explicit opt-in.
    Client::builder()
        .api_key(KEY)
        .base_url("http://localhost:8080")
        .build()
        .unwrap();
    Client::builder()
        .api_key(KEY)
        .base_url("http://[::1]:8080/")
        .build()
        .unwrap();
    Client::builder()
        .api_key(KEY)
        .base_url("http://assured.internal")
        .allow_insecure_http()
        .build()
        .unwrap();
    // A key a header cannot carry fails at request time without echoing it.
}

#[tokio::test]
async fn a_key_that_cannot_be_a_header_is_refused_without_echoing_it() {
    let bad_key = "line1\nline2-secret";
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key(bad_key)
        .build()
        .unwrap();
    let err = client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert!(!format!("{err}{err:?}").contains("line2-secret"));
}

#[test]
fn from_env_reads_the_python_sdk_names() {
    // One test touches the environment, so no other test races it.
    std::env::remove_var("ASSURED_API_KEY");
    let err = Client::from_env().unwrap_err();
    assert!(err.to_string().contains("ASSURED_API_KEY"), "{err}");
    std::env::set_var("ASSURED_API_KEY", KEY);
    std::env::set_var("ASSURED_BASE_URL", "https://demo-backend.withassured.com/");
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "https://demo-backend.withassured.com");
    std::env::remove_var("ASSURED_BASE_URL");
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "https://prod-backend.withassured.com"
    );
    // The builder holds the same settings and takes others on top; a base
    // URL given after it wins.
    std::env::set_var("ASSURED_BASE_URL", "  ");
    let builder = assured::ClientBuilder::from_env().unwrap();
    assert!(!format!("{builder:?}").contains(KEY), "{builder:?}");
    let staging = builder
        .base_url("https://staging-backend.withassured.com")
        .build()
        .unwrap();
    assert_eq!(
        staging.base_url(),
        "https://staging-backend.withassured.com"
    );
    std::env::set_var("ASSURED_API_KEY", " ");
    let err = assured::ClientBuilder::from_env().unwrap_err();
    assert!(
        err.to_string().contains("ASSURED_API_KEY: must be set"),
        "{err}"
    );
    std::env::remove_var("ASSURED_BASE_URL");
    std::env::remove_var("ASSURED_API_KEY");
}

#[tokio::test]
async fn server_errors_that_echo_credentials_do_not_leak_them() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/users/import-single-provider-with-caqh/");
            // A server that echoes the submitted body in its error.
            then.status(400).json_body(json!({
                "caqh_password": [format!("'{CAQH_PASSWORD}' is not valid")],
                "detail": "Invalid CAQH login.",
                "submitted": {"caqh_username": CAQH_USERNAME, "caqh_password": CAQH_PASSWORD},
                // Echoes in text, under no credential field's name.
                "non_field_errors": [format!("CAQH refused {CAQH_USERNAME} / {CAQH_PASSWORD}")]
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/providers-list/");
            then.status(403)
                .body(format!("<html>forbidden for key {KEY}</html>"));
        })
        .await;
    let client = client(&server);
    let import: ImportProviderWithCaqh = ImportProviderWithCaqh::builder()
        .email("jane.doe@example.com")
        .caqh_username(CAQH_USERNAME)
        .caqh_password(CAQH_PASSWORD)
        .try_into()
        .unwrap();
    let err = client
        .providers()
        .import_provider_with_caqh(import)
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.detail.as_deref(), Some("Invalid CAQH login."));
    let shown = format!("{err} {err:?} {}", api.body);
    assert_hidden(&shown, &[("CAQH username", CAQH_USERNAME)]);
    // The field message itself quotes the password: the body snippet masks
    // credential fields, and field_errors for credential fields are masked.
    assert_hidden(&shown, &[("CAQH password", CAQH_PASSWORD)]);
    assert!(matches!(err, Error::Validation(_)));
    assert_eq!(
        api.field_errors["non_field_errors"],
        ["CAQH refused [REDACTED] / [REDACTED]"]
    );
    // A gateway that quotes the API key in a non-JSON body.
    let err = client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.status.as_u16(), 403);
    assert_hidden(&format!("{err} {err:?} {}", api.body), &[("API key", KEY)]);
    assert_eq!(
        api.detail.as_deref(),
        Some("<html>forbidden for key [REDACTED]</html>")
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    use assured::models::{
        CreateProvider, InviteProvider, NewCaqhImportRequest, PracticeLocationProviders,
    };
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = client(&server);
    let providers = client.providers();
    let invite = |email: &str, first: Option<&str>| -> InviteProvider {
        InviteProvider::builder()
            .email(email)
            .first_name(first.map(str::to_string))
            .try_into()
            .unwrap()
    };
    let cases: Vec<(&str, Error)> = vec![
        (
            "providers",
            providers.invite_providers([]).await.unwrap_err(),
        ),
        (
            "providers[1].email",
            providers
                .invite_providers([invite("a@example.com", None), invite("not-an-email", None)])
                .await
                .unwrap_err(),
        ),
        (
            "providers[1].email",
            providers
                .invite_providers([invite("a@example.com", None), invite("A@example.com", None)])
                .await
                .unwrap_err(),
        ),
        (
            "providers[0].first_name",
            providers
                .invite_providers([invite("a@example.com", Some(&"x".repeat(51)))])
                .await
                .unwrap_err(),
        ),
        ("caqh_password", {
            let short: ImportProviderWithCaqh = ImportProviderWithCaqh::builder()
                .email("a@example.com")
                .caqh_username(CAQH_USERNAME)
                .caqh_password("12345")
                .try_into()
                .unwrap();
            providers
                .import_provider_with_caqh(short)
                .await
                .unwrap_err()
        }),
        ("last_name", {
            let long: CreateProvider = CreateProvider::builder()
                .email("a@example.com")
                .first_name("A")
                .last_name("x".repeat(151))
                .try_into()
                .unwrap();
            providers.create_provider(long).await.unwrap_err()
        }),
        ("full_name", {
            let long: NewCaqhImportRequest = NewCaqhImportRequest::builder()
                .caqh_username(CAQH_USERNAME)
                .caqh_password(CAQH_PASSWORD)
                .full_name("x".repeat(101))
                .try_into()
                .unwrap();
            providers.request_caqh_import(long).await.unwrap_err()
        }),
        (
            "providers",
            providers
                .add_practice_location_providers(PracticeLocationProviders {
                    practice_location: LOCATION_ID.parse().unwrap(),
                    providers: vec![],
                })
                .await
                .unwrap_err(),
        ),
        // Ids are checked where strings become typed ids.
        (
            "profile_id",
            Error::from("a/b".parse::<assured::ProfileId>().unwrap_err()),
        ),
        (
            "profile_id",
            Error::from(" ".parse::<assured::ProfileId>().unwrap_err()),
        ),
        ("npi", providers.get_by_npi("1234567890").await.unwrap_err()),
        (
            "id",
            Error::from("123".parse::<assured::AccountId>().unwrap_err()),
        ),
    ];
    for (field, err) in &cases {
        // Nothing private first, so the messages below cannot print it.
        let shown = format!("{err} {err:?}");
        assert_hidden(&shown, CAQH);
        match err {
            Error::InvalidInput(input) => assert_eq!(&input.field, field, "{err}"),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(
        any.calls_async().await,
        0,
        "no bad input reached the server"
    );
}

/// serde's refusal of a credential of another type would quote it (a
/// username of digits sent as a JSON number); the refusal says the type.
#[test]
fn a_credential_of_another_type_is_refused_without_its_value() {
    use assured::models::{CaqhEcho, CaqhSecret};

    for json in ["12345678", "12345678.5", "-12345678", "true"] {
        let secret = serde_json::from_str::<CaqhSecret>(json).unwrap_err();
        let echo = serde_json::from_str::<CaqhEcho>(json).unwrap_err();
        for error in [secret.to_string(), echo.to_string()] {
            assert!(error.contains("a CAQH credential must be text"), "{error}");
            assert!(!error.contains(json.trim_start_matches('-')), "{error}");
        }
    }
    let read: CaqhSecret = serde_json::from_str("\"jdoe_caqh\"").unwrap();
    assert_eq!(read.expose(), "jdoe_caqh");
}

/// What an import of these CAQH credentials fails with, from a server whose 400 says `message`.
async fn refused_import(username: &str, password: &str, message: String) -> Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/users/import-single-provider-with-caqh/");
            then.status(400)
                .json_body(json!({"non_field_errors": [message]}));
        })
        .await;
    let import: ImportProviderWithCaqh = ImportProviderWithCaqh::builder()
        .email("jane.doe@example.com")
        .caqh_username(username)
        .caqh_password(password)
        .try_into()
        .unwrap();
    client(&server)
        .providers()
        .import_provider_with_caqh(import)
        .await
        .unwrap_err()
}

/// A credential JSON must escape (a quote, a backslash) is found in an
/// error answer as the server wrote it, escaped, and replaced there too.
#[tokio::test]
async fn an_echoed_credential_is_found_in_its_json_escaped_form() {
    let password = r#"pa"ss\word-77"#;
    let err = refused_import(CAQH_USERNAME, password, format!("refused {password}")).await;
    let api = err.api_error().unwrap();
    assert_eq!(api.field_errors["non_field_errors"], ["refused [REDACTED]"]);
    let shown = format!("{err} {err:?} {}", api.body);
    assert_hidden(
        &shown,
        &[("CAQH password", password), ("escaped", r#"pa\"ss"#)],
    );
}

/// A server that trims what it takes (DRF's `CharField` does) echoes a padded credential
/// trimmed: it is found and replaced in that form too.
#[tokio::test]
async fn an_echoed_credential_is_found_trimmed() {
    // Python's `strip()` also strips U+001C to U+001F.
    let (username, password) = ("  jdoe-padded-77\t\u{1f}", "\u{1c} s3cret-padded-pass ");
    let (user, pass) = ("jdoe-padded-77", "s3cret-padded-pass");
    let err = refused_import(
        username,
        password,
        format!("login {user} rejected: {pass}?"),
    )
    .await;
    let api = err.api_error().unwrap();
    let expected = "login [REDACTED] rejected: [REDACTED]?";
    assert_eq!(api.field_errors["non_field_errors"], [expected]);
    let shown = format!("{err} {err:?} {}", api.body);
    assert_hidden(&shown, &[("CAQH username", user), ("CAQH password", pass)]);
}
