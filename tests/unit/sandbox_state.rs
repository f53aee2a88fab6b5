//! Unit tests of `src/sandbox/state.rs`: stored CAQH records redact their
//! credentials in Debug.

#[test]
fn caqh_records_redact_their_credentials_in_debug() {
    let record = super::CaqhRecord {
        provider: None,
        username: "jdoe_caqh".into(),
        password: "s3cret-pass".into(),
        full_name: "Jane Doe".into(),
        signature: None,
    };
    let debug = format!("{record:?} {record:#?}");
    // A failure says which credential shows, never the Debug text itself.
    for (name, value) in [("username", "jdoe_caqh"), ("password", "s3cret-pass")] {
        assert!(!debug.contains(value), "Debug shows the CAQH {name}");
    }
    assert!(debug.contains("Jane Doe"));
}
