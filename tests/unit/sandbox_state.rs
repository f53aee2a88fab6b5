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
    assert!(
        !debug.contains("jdoe_caqh") && !debug.contains("s3cret-pass"),
        "{debug}"
    );
    assert!(debug.contains("Jane Doe"));
}
