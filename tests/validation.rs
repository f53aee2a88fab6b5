//! The spec's limits and the email syntax, checked before anything is
//! sent: each rule at its boundary, with the exact field and message.

mod common;

use assured::{
    models::{
        CreateProvider, ImportProviderWithCaqh, InviteProvider, NewCaqhImportRequest,
        PracticeLocationProviders,
    },
    validate_invites, Error, InvalidInput,
};
use common::*;
use httpmock::MockServer;

fn invite(email: &str, first_name: &str) -> InviteProvider {
    InviteProvider::builder()
        .email(email)
        .first_name(first_name)
        .try_into()
        .unwrap()
}

/// A server that answers every request 500: a body it sees was sent.
async fn refuse_all(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await
}

fn create(first: &str, last: &str) -> CreateProvider {
    CreateProvider::builder()
        .email("sam.lee@example.com")
        .first_name(first)
        .last_name(last)
        .try_into()
        .unwrap()
}

fn caqh_import(username: &str, password: &str) -> ImportProviderWithCaqh {
    ImportProviderWithCaqh::builder()
        .email("a@example.com")
        .caqh_username(username)
        .caqh_password(password)
        .try_into()
        .unwrap()
}

fn caqh_request(username: impl Into<String>, full_name: impl Into<String>) -> NewCaqhImportRequest {
    NewCaqhImportRequest::builder()
        .caqh_username(username.into())
        .caqh_password(CAQH_PASSWORD)
        .full_name(full_name.into())
        .try_into()
        .unwrap()
}

/// Each problem's field and rule.
fn listed(problems: &[InvalidInput]) -> Vec<(&str, &str)> {
    problems
        .iter()
        .map(|p| (p.field.as_str(), p.rule.as_str()))
        .collect()
}

fn refusal(error: Error) -> (String, String) {
    match error {
        Error::InvalidInput(InvalidInput { field, rule, .. }) => (field, rule),
        other => panic!("not refused before sending: {other:?}"),
    }
}

/// The limits of `spec/assured.yaml`, one per schema, at and past the
/// boundary; nothing reaches the server.
#[tokio::test]
async fn each_body_is_held_to_its_schema_limits() {
    let server = MockServer::start_async().await;
    let any = refuse_all(&server).await;
    let providers_client = client(&server);
    let providers = providers_client.providers();

    // InviteProvider: first_name at most 50, email at most 254.
    assert!(validate_invites(&[invite("a@example.com", &"x".repeat(50))]).is_empty());
    let long_email = format!("{}@example.com", "x".repeat(243));
    let problems = validate_invites(&[
        invite("a@example.com", &"x".repeat(51)),
        invite(&long_email, "Jo"),
    ]);
    assert_eq!(
        listed(&problems),
        [
            (
                "providers[0].first_name",
                "must be at most 50 characters (got 51)"
            ),
            (
                "providers[1].email",
                "must be at most 254 characters (got 255)"
            ),
        ]
    );

    // CreateProvider: names at most 150, not blank.
    let long = providers.create_provider(create(&"S".repeat(151), "Lee"));
    assert_eq!(
        refusal(long.await.unwrap_err()),
        (
            "first_name".into(),
            "must be at most 150 characters (got 151)".into()
        )
    );
    let blank = providers.create_provider(create("Sam", "  "));
    assert_eq!(
        refusal(blank.await.unwrap_err()),
        ("last_name".into(), "must not be blank".into())
    );

    // ImportProviderWithCaqh: CAQH credentials at least 6.
    let import = caqh_import("jdoe_c", "12345");
    assert_eq!(
        refusal(
            providers
                .import_provider_with_caqh(import)
                .await
                .unwrap_err()
        ),
        (
            "caqh_password".into(),
            "must be at least 6 characters".into()
        )
    );

    // Lengths count the trimmed text, as DRF's `CharField` does (Python's
    // `strip()`, which also strips U+001C to U+001F): padding neither makes a
    // short password long enough nor a name too long.
    let padded = caqh_import("jdoe_c", " \u{1f}12345\u{1c} ");
    assert_eq!(
        refusal(
            providers
                .import_provider_with_caqh(padded)
                .await
                .unwrap_err()
        ),
        (
            "caqh_password".into(),
            "must be at least 6 characters".into()
        )
    );

    // NewCaqhImportRequest: credentials and full name at most 100; a
    // credential's length is not repeated, a name's is.
    let request = caqh_request("u".repeat(101), "Jane Doe");
    assert_eq!(
        refusal(providers.request_caqh_import(request).await.unwrap_err()),
        (
            "caqh_username".into(),
            "must be at most 100 characters".into()
        )
    );
    let request = caqh_request("jdoe_caqh", "J".repeat(101));
    assert_eq!(
        refusal(providers.request_caqh_import(request).await.unwrap_err()),
        (
            "full_name".into(),
            "must be at most 100 characters (got 101)".into()
        )
    );
    // The spec's minItems: an empty batch of invites, a practice location
    // given no providers.
    let none = providers.invite_providers(Vec::new()).await.unwrap_err();
    assert_eq!(
        refusal(none),
        ("providers".into(), "must not be empty".into())
    );
    let members = |ids: Vec<assured::AccountId>| PracticeLocationProviders {
        practice_location: uuid::Uuid::nil(),
        providers: ids,
    };
    let nobody = providers.add_practice_location_providers(members(vec![]));
    assert_eq!(
        refusal(nobody.await.unwrap_err()),
        ("providers".into(), "must not be empty".into())
    );
    any.assert_calls_async(0).await;

    // At the limits, each body is sent (the server's 500 is the answer).
    let sent = |result: assured::Result<()>| match result {
        Err(Error::Api(e)) => assert_eq!(e.status.as_u16(), 500),
        other => panic!("not sent: {other:?}"),
    };
    let at_limit = providers.create_provider(create(&"S".repeat(150), "Lee"));
    sent(at_limit.await.map(drop));
    let padded =
        providers.create_provider(create(&format!(" \u{1e}{}\u{1d} ", "S".repeat(150)), "Lee"));
    sent(padded.await.map(drop));
    let import = caqh_import("jdoe_c", "123456");
    sent(providers.import_provider_with_caqh(import).await.map(drop));
    let request = caqh_request("u".repeat(100), "J".repeat(100));
    sent(providers.request_caqh_import(request).await.map(drop));
    let one = members(vec![uuid::Uuid::nil().into()]);
    sent(
        providers
            .add_practice_location_providers(one)
            .await
            .map(drop),
    );
    any.assert_calls_async(5).await;
}

#[test]
fn emails_are_checked_as_drf_would_refuse_them() {
    for good in ["a@b.co", "jane.doe+x@example.com", "x@sub.example.org"] {
        assert!(validate_invites(&[invite(good, "Jo")]).is_empty(), "{good}");
    }
    // A blank email is blank first, as DRF says it (an `EmailField` is a
    // `CharField`), and as the sandbox says it.
    for blank in ["", "   "] {
        let problems = validate_invites(&[invite(blank, "Jo")]);
        assert_eq!(
            listed(&problems),
            [("providers[0].email", "must not be blank")],
            "{blank:?}"
        );
    }
    for bad in [
        "plain", "@b.co", "a@", "a@b", "a b@c.co", "a@b..co", "a@.b.co", "a@b.co.",
    ] {
        let problems = validate_invites(&[invite(bad, "Jo")]);
        assert_eq!(
            listed(&problems),
            [("providers[0].email", "must be a valid email address")],
            "{bad:?}"
        );
    }
}

/// The blank rule comes from the spec: every required, non-nullable text
/// field of a body (DRF trims it and refuses it empty), whichever schema
/// it is in; optional or nullable text may be blank. Nothing is sent.
#[tokio::test]
async fn required_text_is_refused_blank_in_every_body() {
    let server = MockServer::start_async().await;
    let any = refuse_all(&server).await;
    let providers_client = client(&server);
    let providers = providers_client.providers();

    let request = caqh_request("jdoe_caqh", " \t ");
    assert_eq!(
        refusal(providers.request_caqh_import(request).await.unwrap_err()),
        ("full_name".into(), "must not be blank".into())
    );
    // Blank before too long, as DRF and the sandbox decide it.
    let spaces = create(&" ".repeat(151), "Lee");
    assert_eq!(
        refusal(providers.create_provider(spaces).await.unwrap_err()),
        ("first_name".into(), "must not be blank".into())
    );
    // Six spaces meet the CAQH minimum of 6 and are still blank.
    let import = caqh_import("      ", CAQH_PASSWORD);
    assert_eq!(
        refusal(
            providers
                .import_provider_with_caqh(import)
                .await
                .unwrap_err()
        ),
        ("caqh_username".into(), "must not be blank".into())
    );
    any.assert_calls_async(0).await;

    // `first_name` of an invite is optional and nullable: blank is sent.
    assert!(validate_invites(&[invite("a@example.com", "  ")]).is_empty());
    // Every address of `cc_emails` (a list of `format: email`) is checked.
    let mut copied = invite("a@example.com", "Jo");
    copied.cc_emails = vec!["b@example.com".into(), "not-an-email".into()];
    assert_eq!(
        listed(&validate_invites(&[copied])),
        [("providers[0].cc_emails[1]", "must be a valid email address")]
    );
}

/// A NUL anywhere in a text (DRF refuses it in every `CharField`) is refused before sending,
/// naming the field or the list item, and never quoting a credential.
#[tokio::test]
async fn a_null_character_is_refused_in_any_text() {
    let server = MockServer::start_async().await;
    let any = refuse_all(&server).await;
    let providers_client = client(&server);
    let providers = providers_client.providers();
    let nul = "U+0000";
    let created = providers.create_provider(create("Sa\0m", "Lee")).await;
    let (field, rule) = refusal(created.unwrap_err());
    assert_eq!(field, "first_name");
    assert!(rule.contains(nul), "{rule}");
    let secret = "s3cret\0pass";
    let imported = providers
        .import_provider_with_caqh(caqh_import("jdoe_caqh", secret))
        .await;
    let (field, rule) = refusal(imported.unwrap_err());
    assert_eq!(field, "caqh_password");
    assert!(rule.contains(nul) && !rule.contains("s3cret"), "{rule}");
    any.assert_calls_async(0).await;

    let mut copied = invite("a@example.com", "Jo\0");
    copied.cc_emails = vec!["b@example.com".into(), "c@exa\0mple.com".into()];
    let problems = validate_invites(&[copied]);
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert!(fields.contains(&"providers[0].first_name"), "{problems:?}");
    assert!(
        fields.contains(&"providers[0].cc_emails[1]"),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.rule.contains(nul)),
        "{problems:?}"
    );
}

/// The batch's `x-unique-by` field is an email, so two invites for one
/// address in different cases, or padded (DRF trims it), are a repeat, refused before sending.
#[tokio::test]
async fn a_repeated_email_in_another_case_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = refuse_all(&server).await;
    let batch = [
        invite("Jo.Lee@Example.com", "Jo"),
        invite("sam@example.com", "Sam"),
        invite(" jo.lee@example.COM\t", "Jo"),
    ];
    assert_eq!(
        listed(&validate_invites(&batch)),
        [("providers[2].email", "duplicates providers[0].email")]
    );
    let refused = client(&server).providers().invite_providers(batch).await;
    assert_eq!(
        refusal(refused.unwrap_err()),
        (
            "providers[2].email".into(),
            "duplicates providers[0].email".into()
        )
    );
    any.assert_calls_async(0).await;
}
