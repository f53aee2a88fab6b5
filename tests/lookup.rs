//! get, get_many, get_profile_id and the NPI lookup, counting the requests
//! the server receives.

mod common;

use std::time::Duration;

use assured::{npi::NpiStrategy, AccountId, Client, Error};
use common::*;
use httpmock::{Method::*, MockServer};
use serde_json::json;

const LIST: &str = "/api/v1/users/providers-list/";
const NPI_A: &str = "1234567893";
const NPI_B: &str = "1993999998";

fn page_of(results: Vec<serde_json::Value>) -> serde_json::Value {
    json!({"count": results.len(), "next": null, "previous": null, "results": results})
}

fn client_with(server: &MockServer, ttl: Duration, strategy: NpiStrategy) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .npi_cache_ttl(ttl)
        .npi_strategy(strategy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn get_checks_the_uuid_queries_id_in_and_returns_the_exact_row() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(LIST).is_true(exact_query(
                "id_in=3fa85f64-5717-4562-b3fc-2c963f66afa6&limit=1&offset=0",
            ));
            then.status(200)
                .json_body(page_of(vec![provider_json(PROVIDER_ID, NPI_A)]));
        })
        .await;
    let client = client(&server);
    let account: AccountId = PROVIDER_ID.parse().unwrap();
    let p = client.providers().get(account).await.unwrap();
    assert_eq!(p.id.to_string(), PROVIDER_ID);
    assert_eq!(
        client
            .providers()
            .get_profile_id(account)
            .await
            .unwrap()
            .as_str(),
        PROFILE_ID
    );
    assert_eq!(mock.calls_async().await, 2);

    // A string that is not an account id never becomes one: no request.
    let err = "not-a-uuid".parse::<AccountId>().unwrap_err();
    assert_eq!(
        (err.field.as_str(), err.rule.as_str()),
        ("id", "must be a UUID (the provider's account id)")
    );
    assert_eq!(mock.calls_async().await, 2, "no request for a bad id");
}

#[tokio::test]
async fn get_from_a_server_that_ignores_id_in_never_returns_the_wrong_provider() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(LIST);
            // Always the first page of everyone, whatever the filter.
            then.status(200).json_body(json!({
                "count": 5000, "previous": null, "results": [provider_json(OTHER_ID, NPI_B)],
                "next": format!("{}{LIST}?limit=1&offset=1", server.base_url())
            }));
        })
        .await;
    let err = client(&server)
        .providers()
        .get(PROVIDER_ID.parse().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound(e) if e.status == 404),
        "{err:?}"
    );
    assert!(err.to_string().contains(PROVIDER_ID));
    assert_eq!(mock.calls_async().await, 1, "no walk over the roster");
}

/// A null, blank or unroutable `provider_profile_id` decodes (the row is
/// kept) but is no profile id: `get_profile_id` says so, and the decoded
/// value itself is refused before it is sent in a path.
#[tokio::test]
async fn a_provider_without_a_usable_profile_id_is_its_own_error() {
    for value in [
        json!(null),
        json!(""),
        json!("   "),
        json!("a/b"),
        json!("x?y"),
    ] {
        let server = MockServer::start_async().await;
        let mut row = provider_json(PROVIDER_ID, NPI_A);
        row["provider_profile_id"] = value.clone();
        let list = server
            .mock_async(|when, then| {
                when.method(GET).path(LIST);
                then.status(200).json_body(page_of(vec![row]));
            })
            .await;
        let providers = client(&server);
        let providers = providers.providers();
        let account: assured::AccountId = PROVIDER_ID.parse().unwrap();
        let err = providers.get_profile_id(account).await.unwrap_err();
        assert!(
            matches!(&err, Error::MissingProfileId { provider_id } if provider_id == PROVIDER_ID),
            "{value}: {err:?}"
        );
        let Some(decoded) = providers.get(account).await.unwrap().provider_profile_id else {
            continue;
        };
        let err = providers
            .get_provider_org_joining_date(&decoded)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput(e) if e.field == "profile_id"),
            "{value}: {err:?}"
        );
        let err = providers
            .update_provider_org_joining_date(
                &decoded,
                assured::models::PatchedProviderOrgJoiningDate {
                    org_joining_date: None,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput(e) if e.field == "profile_id"),
            "{value}: {err:?}"
        );
        // Only the list reads reached the server (an unmocked path would
        // have answered 404, not been refused).
        assert_eq!(list.calls_async().await, 2, "{value}");
    }
}

#[tokio::test]
async fn get_many_chunks_ids_and_reports_the_missing() {
    let server = MockServer::start_async().await;
    let ids: Vec<String> = (0..120)
        .map(|n| format!("00000000-0000-4000-8000-{n:012}"))
        .collect();
    // One mock per chunk of 50, each answering its ids except multiples of 7.
    let mut chunks = Vec::new();
    for (c, chunk) in ids.chunks(50).enumerate() {
        let id_in = chunk.join(",");
        let rows: Vec<_> = (c * 50..c * 50 + chunk.len())
            .filter(|n| n % 7 != 0)
            .map(|n| provider_json(&ids[n], NPI_A))
            .collect();
        let limit = chunk.len().to_string();
        chunks.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path(LIST)
                        .query_param("id_in", id_in)
                        .query_param("limit", limit);
                    then.status(200).json_body(page_of(rows));
                })
                .await,
        );
    }
    let accounts: Vec<AccountId> = ids.iter().map(|id| id.parse().unwrap()).collect();
    let result = client(&server)
        .providers()
        .get_many(&accounts)
        .await
        .unwrap();
    for mock in &chunks {
        assert_eq!(mock.calls_async().await, 1, "120 ids in chunks of 50");
    }
    assert_eq!(result.found.len(), 120 - 18);
    assert_eq!(result.missing.len(), 18);
    assert_eq!(result.missing[0].to_string(), ids[0]);
    // Found rows come back in the order asked.
    assert_eq!(result.found[0].id.to_string(), ids[1]);
}

#[tokio::test]
async fn npi_cold_warm_and_invalid_lookups_count_requests() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST)
                .is_true(exact_query("limit=10&npi=1234567893"));
            then.status(200)
                .json_body(page_of(vec![provider_json(PROVIDER_ID, NPI_A)]));
        })
        .await;
    let client = client(&server);
    let cold = client.providers().get_by_npi("123-456-7893").await.unwrap();
    assert_eq!(cold.npi.as_deref(), Some(NPI_A));
    assert_eq!(mock.calls_async().await, 1, "cold: one request");
    let clone = client.clone();
    clone.providers().get_by_npi(NPI_A).await.unwrap();
    assert_eq!(
        mock.calls_async().await,
        1,
        "warm (and shared by clones): no request"
    );
    let stats = client.npi_cache().stats();
    assert_eq!((stats.hits, stats.misses, stats.loads), (1, 1, 0));

    for bad in ["1234567890", "123456789", "3234567893", "12345678x3"] {
        let err = client.providers().get_by_npi(bad).await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput(i) if i.field == "npi"),
            "{bad}: {err}"
        );
    }
    assert_eq!(mock.calls_async().await, 1, "invalid NPIs: zero requests");

    client.npi_cache().invalidate();
    client.providers().get_by_npi(NPI_A).await.unwrap();
    assert_eq!(mock.calls_async().await, 2, "after invalidate: asks again");
}

#[tokio::test]
async fn npi_filter_match_must_be_exact() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(LIST);
            // A server doing a partial match returns a different NPI.
            then.status(200)
                .json_body(page_of(vec![provider_json(OTHER_ID, NPI_B)]));
        })
        .await;
    let err = client(&server)
        .providers()
        .get_by_npi(NPI_A)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn npi_entries_expire_after_the_ttl() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(LIST);
            then.status(200)
                .json_body(page_of(vec![provider_json(PROVIDER_ID, NPI_A)]));
        })
        .await;
    let client = client_with(
        &server,
        Duration::from_millis(200),
        NpiStrategy::ServerFilter,
    );
    client.providers().get_by_npi(NPI_A).await.unwrap();
    client.providers().get_by_npi(NPI_A).await.unwrap();
    assert_eq!(mock.calls_async().await, 1);
    tokio::time::sleep(Duration::from_millis(250)).await;
    client.providers().get_by_npi(NPI_A).await.unwrap();
    assert_eq!(mock.calls_async().await, 2, "after the TTL: asks again");
}

#[tokio::test]
async fn fifty_concurrent_cold_lookups() {
    let server = MockServer::start_async().await;
    let same = server
        .mock_async(|when, then| {
            when.method(GET).path(LIST).query_param("npi", NPI_A);
            then.status(200)
                .delay(Duration::from_millis(50))
                .json_body(page_of(vec![provider_json(PROVIDER_ID, NPI_A)]));
        })
        .await;
    let other = server
        .mock_async(|when, then| {
            when.method(GET).path(LIST).query_param("npi", NPI_B);
            then.status(200)
                .delay(Duration::from_millis(50))
                .json_body(page_of(vec![provider_json(OTHER_ID, NPI_B)]));
        })
        .await;
    let client = client(&server);
    let lookups = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.providers().get_by_npi(NPI_A).await })
    });
    for done in futures::future::join_all(lookups).await {
        done.unwrap().unwrap();
    }
    assert_eq!(
        same.calls_async().await,
        1,
        "50 concurrent lookups of one NPI: one request"
    );

    // 50 lookups over two distinct NPIs: one request per NPI.
    client.npi_cache().invalidate();
    let lookups = (0..50).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .providers()
                .get_by_npi(if i % 2 == 0 { NPI_A } else { NPI_B })
                .await
        })
    });
    for done in futures::future::join_all(lookups).await {
        done.unwrap().unwrap();
    }
    assert_eq!(same.calls_async().await, 2);
    assert_eq!(other.calls_async().await, 1);
}

#[tokio::test]
async fn full_index_loads_once_and_checks_misses_with_the_server() {
    let server = MockServer::start_async().await;
    let index = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST)
                .is_true(exact_query("limit=100&offset=0"));
            then.status(200)
                .delay(Duration::from_millis(50))
                .json_body(page_of(vec![provider_json(PROVIDER_ID, NPI_A)]));
        })
        .await;
    let invited_since = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST)
                .is_true(exact_query("limit=10&npi=1993999998"));
            then.status(200)
                .json_body(page_of(vec![provider_json(OTHER_ID, NPI_B)]));
        })
        .await;
    let client = client_with(&server, Duration::from_secs(300), NpiStrategy::FullIndex);
    let lookups = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.providers().get_by_npi(NPI_A).await })
    });
    for done in futures::future::join_all(lookups).await {
        done.unwrap().unwrap();
    }
    assert_eq!(
        index.calls_async().await,
        1,
        "50 concurrent cold lookups: one load"
    );
    assert_eq!(client.npi_cache().stats().loads, 1);
    // Not in the warm index: asked of the server before answering.
    let found = client.providers().get_by_npi(NPI_B).await.unwrap();
    assert_eq!(found.id.to_string(), OTHER_ID);
    assert_eq!(invited_since.calls_async().await, 1);
    // And now cached.
    client.providers().get_by_npi(NPI_B).await.unwrap();
    assert_eq!(invited_since.calls_async().await, 1);
    let many = client
        .providers()
        .get_by_npis(&[NPI_A, NPI_B])
        .await
        .unwrap();
    assert_eq!((many.found.len(), many.missing.len()), (2, 0));
    assert_eq!(index.calls_async().await, 1);

    let err = client
        .providers()
        .get_by_npis(&[NPI_A, "1234567890"])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(i) if i.field == "npis[1]"),
        "{err}"
    );
}

#[test]
fn npis_are_checked_by_their_luhn_digit_and_named_rules() {
    use assured::npi::normalize;
    let good = [
        "1234567893",
        "1993999998",
        "1558598797",
        "1295723567",
        "1134296023",
        "1245319599",
    ];
    for npi in good {
        assert_eq!(normalize(npi).unwrap(), npi);
    }
    assert_eq!(normalize(" 1234-567-893 ").unwrap(), "1234567893");
    for (npi, rule) in [
        (
            "1234567890",
            "check digit is wrong (Luhn with the 80840 prefix)",
        ),
        ("123456789", "must be 10 digits"),
        ("3234567893", "must start with 1 or 2"),
        (
            "12345x7893",
            "must contain only digits (spaces and dashes are ignored)",
        ),
        ("", "must be 10 digits"),
    ] {
        let error = normalize(npi).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.rule.as_str()),
            ("npi", rule),
            "{npi:?}"
        );
    }
}
