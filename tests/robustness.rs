//! No panic on any server response: property tests over the parsers that
//! read raw server bytes (the fuzz targets in `fuzz/` run the same
//! functions for longer).

use assured::fuzzing::{decode_page, parse_error_body, parse_retry_after};
use proptest::prelude::*;
use serde_json::{json, Value};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_as_a_page(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_page(&bytes);
    }

    #[test]
    fn any_json_as_a_page(value in json_value()) {
        let _ = decode_page(value.to_string().as_bytes());
    }

    #[test]
    fn pages_with_any_links(count in any::<i64>(), next in ".{0,80}", offset in any::<u64>(), limit in any::<i64>()) {
        let body = json!({"count": count, "next": next, "previous": null, "results": []});
        let _ = decode_page(body.to_string().as_bytes());
        let url = format!("https://x.example/p/?offset={offset}&limit={limit}");
        let body = json!({"count": 1, "next": url, "previous": null, "results": []});
        prop_assert!(decode_page(body.to_string().as_bytes()));
    }

    #[test]
    fn any_error_body(status in 0u16..1000, bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let shown = parse_error_body(status, &bytes);
        prop_assert!(shown.len() < 64 * 1024);
    }

    #[test]
    fn any_json_error_body(status in 400u16..600, value in json_value()) {
        let _ = parse_error_body(status, value.to_string().as_bytes());
    }

    #[test]
    fn any_retry_after(value in ".{0,64}") {
        let _ = parse_retry_after(&value);
    }

    #[test]
    fn retry_after_seconds_round_trip(seconds in any::<u64>()) {
        prop_assert_eq!(parse_retry_after(&seconds.to_string()), Some(std::time::Duration::from_secs(seconds)));
    }
}

#[test]
fn a_credential_in_an_error_body_is_masked() {
    let shown = parse_error_body(
        400,
        br#"{"caqh_password": ["hunter22 is wrong"], "detail": "no"}"#,
    );
    assert!(!shown.contains("hunter22"), "{shown}");
    let shown = parse_error_body(500, b"<html>caqh_password=hunter22</html>");
    assert!(!shown.contains("hunter22"), "{shown}");
}
