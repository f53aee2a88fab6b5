//! Data frames (feature `polars`): typed columns, nulls, and the same
//! columns when there are no rows.

mod common;

use assured::{
    frames::Frame,
    models::{CaqhImportRequest, Provider, UserSlim},
};
use common::*;
use httpmock::{Method::*, MockServer};
use polars::prelude::{DataFrame, DataType};
use serde_json::json;

/// A schema's fields in `spec/assured.yaml`, in order.
fn spec_fields(schema: &str) -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/assured.yaml");
    let spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let properties = &spec["components"]["schemas"][schema]["properties"];
    let fields = properties.as_mapping().expect("the schema has properties");
    fields
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

fn names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect()
}

#[test]
fn the_columns_are_the_spec_fields_in_order() {
    assert_eq!(Provider::COLUMNS, spec_fields("ProviderListing"));
    assert_eq!(UserSlim::COLUMNS, spec_fields("UserSlim"));
    assert_eq!(CaqhImportRequest::COLUMNS, spec_fields("CaqhImportRequest"));
    assert_eq!(Provider::COLUMNS.len(), 11);
}

#[tokio::test]
async fn providers_frame_has_typed_columns() {
    let server = MockServer::start_async().await;
    let mut second = provider_json(OTHER_ID, "1993999998");
    second["npi"] = json!(null);
    second["is_active"] = json!(null);
    second["user_type"] = json!("provider");
    second["profile_completeness_percentage"] = json!(12.5);
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/providers-list/");
            then.status(200)
                .json_body(json!({"count": 2, "next": null, "previous": null,
                "results": [provider_json(PROVIDER_ID, "1234567893"), second]}));
        })
        .await;
    let df = client(&server)
        .providers()
        .list_providers_df(&Default::default())
        .await
        .unwrap();
    assert_eq!(df.height(), 2);
    assert_eq!(names(&df), Provider::COLUMNS);
    assert_eq!(
        df.column("profile_completeness_percentage")
            .unwrap()
            .dtype(),
        &DataType::Float64
    );
    assert_eq!(df.column("is_active").unwrap().dtype(), &DataType::Boolean);
    assert_eq!(df.column("email").unwrap().dtype(), &DataType::String);
    let npi = df.column("npi").unwrap();
    assert_eq!(npi.null_count(), 1);
    let complete = df
        .column("profile_completeness_percentage")
        .unwrap()
        .f64()
        .unwrap();
    assert_eq!(complete.get(1), Some(12.5));
    assert_eq!(
        df.column("is_active").unwrap().bool().unwrap().get(0),
        Some(true)
    );
    assert_eq!(
        df.column("user_type").unwrap().str().unwrap().get(1),
        Some("provider")
    );
}

#[tokio::test]
async fn empty_results_keep_the_columns_and_types() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(200)
                .json_body(json!({"count": 0, "next": null, "previous": null, "results": []}));
        })
        .await;
    let client = client(&server);
    let df = client
        .providers()
        .list_providers_df(&Default::default())
        .await
        .unwrap();
    assert_eq!((df.height(), df.width()), (0, Provider::COLUMNS.len()));
    assert_eq!(
        df.column("profile_completeness_percentage")
            .unwrap()
            .dtype(),
        &DataType::Float64
    );
    assert_eq!(df.column("is_active").unwrap().dtype(), &DataType::Boolean);
    let users = client
        .providers()
        .list_providers_not_in_practice_location_df(
            &assured::ListProvidersNotInPracticeLocationParams::new()
                .practice_location(LOCATION_ID.parse().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(names(&users), UserSlim::COLUMNS);
    assert_eq!(users.height(), 0);
    assert_eq!(users.column("id").unwrap().dtype(), &DataType::String);
}

#[tokio::test]
async fn caqh_request_frames_redact_the_echoed_credentials() {
    let server = MockServer::start_async().await;
    let row = json!({"id": 7, "caqh_username": "jdoe_caqh", "caqh_password": "s3cret-pass",
                     "full_name": "Jane Doe", "signature": null});
    let list = server.mock_async(|when, then| {
        let path = "/api/v1/users/request-caqh-import/";
        when.method(GET)
            .path(path)
            .is_true(exact_query("limit=100&offset=0"));
        then.status(200)
            .json_body(page(&server, vec![row], 1, None));
    });
    let list = list.await;
    let client = client(&server);
    let df = client
        .providers()
        .list_caqh_import_requests_df(&Default::default())
        .await;
    list.assert_async().await;
    let df = df.unwrap();
    assert_eq!(names(&df), CaqhImportRequest::COLUMNS);
    assert_eq!(df.column("id").unwrap().i64().unwrap().get(0), Some(7));
    for secret in ["caqh_username", "caqh_password"] {
        // A failure names the column, never prints its value.
        let column = df.column(secret).unwrap().str().unwrap().get(0);
        assert!(column == Some("[REDACTED]"), "{secret} is not redacted");
    }
    assert_eq!(df.column("signature").unwrap().null_count(), 1);
    assert!(
        !format!("{df}").contains("s3cret-pass"),
        "the frame shows the password"
    );
}
