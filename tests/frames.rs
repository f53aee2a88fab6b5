//! Data frames (feature `polars`): typed columns, nulls, and the same
//! columns when there are no rows.

mod common;

use assured::frames::{PROVIDER_COLUMNS, USER_COLUMNS};
use common::*;
use httpmock::{Method::*, MockServer};
use polars::prelude::DataType;
use serde_json::json;

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
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names, PROVIDER_COLUMNS);
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
    assert_eq!((df.height(), df.width()), (0, PROVIDER_COLUMNS.len()));
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
    let names: Vec<String> = users
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names, USER_COLUMNS);
    assert_eq!(users.height(), 0);
    assert_eq!(users.column("id").unwrap().dtype(), &DataType::String);
}
