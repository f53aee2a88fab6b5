//! The email check against the cases of Django's own validator tests
//! (`tests/validators/tests.py`): the server runs that validator on the value DRF has stripped
//! of surrounding whitespace, so the client refuses what it would.

use super::check_email;

#[test]
fn emails_django_accepts_are_accepted() {
    let long_label = "a".repeat(63);
    for email in [
        "email@here.com".to_string(),
        "weirder-email@here.and.there.com".into(),
        "email@[127.0.0.1]".into(),
        "email@[2001:dB8::1]".into(),
        "email@[2001:dB8:0:0:0:0:0:1]".into(),
        "email@[::fffF:127.0.0.1]".into(),
        "example@valid-----hyphens.com".into(),
        "example@valid-with-hyphens.com".into(),
        "test@domain.with.idn.tld.उदाहरण.परीक्षा".into(),
        "email@localhost".into(),
        r#""test@test"@example.com"#.into(),
        format!("example@atm.{long_label}"),
        format!("example@{long_label}.atm"),
        format!("example@{long_label}.{}.atm", "b".repeat(10)),
        "Jo.O'Neil+tag@Example.COM".into(),
        // DRF strips the value before Django validates it.
        " jane@example.com".into(),
        "a@b.com\n".into(),
        "a@[127.0.0.1]\n".into(),
        // Django's limit is 320 characters.
        format!(
            "{}@{}{}",
            "a".repeat(64),
            format!("{}.", "b".repeat(63)).repeat(3),
            "c".repeat(63)
        ),
        "\"\\\t\"@here.com".into(),
    ] {
        assert!(check_email("email", &email).is_ok(), "{email:?} is valid");
    }
}

#[test]
fn emails_django_refuses_are_refused_naming_the_field() {
    for email in [
        "".to_string(),
        "abc".into(),
        "abc@".into(),
        "abc@bar".into(),
        "a @x.cz".into(),
        "abc@.com".into(),
        "something@@somewhere.com".into(),
        "email@127.0.0.1".into(),
        "email@[127.0.0.256]".into(),
        "email@[2001:db8::12345]".into(),
        "email@[2001:db8:0:0:0:0:1]".into(),
        "email@[::ffff:127.0.0.256]".into(),
        "email@[2001:dg8::1]".into(),
        "example@invalid-.com".into(),
        "example@-invalid.com".into(),
        "example@invalid.com-".into(),
        "example@inv-.alid-.com".into(),
        "example@inv-.-alid.com".into(),
        "test@example.com\n\n<script src=\"x.js\">".into(),
        "\"\\\n\"@here.com".into(),
        "trailingdot@shouldfail.com.".into(),
        format!("example@atm.{}", "a".repeat(64)),
        format!("example@{}.atm.{}", "b".repeat(64), "a".repeat(63)),
        "a\n@b.com".into(),
        "\"test@test\"\n@example.com".into(),
        format!(
            "{}@{}{}",
            "a".repeat(65),
            format!("{}.", "b".repeat(63)).repeat(3),
            "c".repeat(63)
        ),
        // Before: a one-letter top-level label and a double dot passed.
        "a@x.c".into(),
        "jo..lee@example.com".into(),
    ] {
        let err = check_email("providers[1].email", &email).expect_err(&email);
        assert_eq!(
            err.to_string(),
            "providers[1].email: must be a valid email address",
            "{email:?}"
        );
    }
}
