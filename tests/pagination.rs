//! Walks on the wire: the exact windows asked for (filters kept, one row of
//! overlap), `next` read but never followed, a server that caps `limit`, a
//! `count` that lies either way, a server that ignores `offset`, a row that
//! does not decode, and a huge `count` with a small cap.

mod common;

use assured::{Error, ListProvidersParams};
use common::*;
use httpmock::{Method::*, Mock, MockServer};
use serde_json::{json, Value};

const LIST: &str = "/api/v1/users/providers-list/";

fn id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn rows(range: std::ops::Range<usize>) -> Vec<Value> {
    range.map(|n| provider_json(&id(n), "1234567893")).collect()
}

/// Serves `all` as DRF would, a page of `size` rows at each offset in
/// `offsets`, claiming `count` rows, for requests whose query is exactly
/// `filters` plus `limit` and `offset` (sorted, as the client sends them).
async fn serve<'a>(
    server: &'a MockServer,
    path: &'static str,
    filters: &[(&str, &str)],
    all: &[Value],
    count: usize,
    size: usize,
    offsets: std::ops::Range<usize>,
) -> Vec<Mock<'a>> {
    let mut mocks = Vec::new();
    for offset in offsets {
        let mut pairs: Vec<(String, String)> = filters
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        pairs.push(("limit".into(), size.to_string()));
        pairs.push(("offset".into(), offset.to_string()));
        pairs.sort();
        let query: String = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let query: &'static str = Box::leak(query.into_boxed_str());
        let results: Vec<Value> = all.iter().skip(offset).take(size).cloned().collect();
        let next = (offset + size < count).then(|| {
            format!(
                "{}{path}?limit={size}&offset={}",
                server.base_url(),
                offset + size
            )
        });
        let body = json!({"count": count, "next": next, "previous": null, "results": results});
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path(path)
                        .header("x-api-key", KEY)
                        .is_true(exact_query(query));
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    mocks
}

async fn calls(mocks: &[Mock<'_>]) -> Vec<usize> {
    let mut out = Vec::new();
    for mock in mocks {
        out.push(mock.calls_async().await);
    }
    out
}

#[tokio::test]
async fn windows_overlap_by_a_row_and_keep_the_filters() {
    let server = MockServer::start_async().await;
    let filters = [("last_name", "Doe"), ("ordering", "-email")];
    let mocks = serve(&server, LIST, &filters, &rows(0..5), 5, 3, 0..5).await;
    let all = client(&server)
        .providers()
        .walk(
            &ListProvidersParams::new()
                .last_name("Doe")
                .ordering("-email")
                .limit(3),
        )
        .concurrency(1)
        .collect()
        .await
        .unwrap();
    let got: Vec<String> = all.items.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(got, (0..5).map(id).collect::<Vec<_>>());
    // Pages of 3 with a stride of 2: offsets 0, 2 and 4 (the short page).
    assert_eq!(calls(&mocks).await, [1, 0, 1, 0, 1]);
    let r = &all.report;
    assert_eq!(
        (r.requests, r.pages, r.rows),
        (3, 2, 5),
        "the short page only repeats row 4"
    );
    assert_eq!(
        (r.duplicates_dropped, r.heal_requests, r.truncated),
        (0, 0, false)
    );
    assert!(!r.list_changed());
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_never_followed() {
    let server = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let trap = elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(json!({"count": 0, "next": null, "previous": null, "results": []}));
        })
        .await;
    let foreign = format!(
        "{}{LIST}?limit=2&offset=2&email=evil%40x.com",
        elsewhere.base_url()
    );
    let first = json!({"count": 3, "next": foreign, "previous": null, "results": rows(0..2)});
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST)
                .is_true(exact_query("limit=2&offset=0"));
            then.status(200).json_body(first);
        })
        .await;
    let rest = serve(&server, LIST, &[], &rows(0..3), 3, 2, 1..3).await;
    let all = client(&server)
        .providers()
        .walk(&ListProvidersParams::new().limit(2))
        .collect()
        .await
        .unwrap();
    assert_eq!(all.items.len(), 3);
    assert_eq!(calls(&rest).await, [1, 1]);
    assert_eq!(
        trap.calls_async().await,
        0,
        "the other origin must receive nothing"
    );
}

#[tokio::test]
async fn a_server_that_ignores_offset_is_a_loop_error() {
    let server = MockServer::start_async().await;
    let same = json!({"count": 10, "previous": null, "results": rows(0..2),
        "next": format!("{}{LIST}?limit=2&offset=2", server.base_url())});
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(LIST);
            then.status(200).json_body(same);
        })
        .await;
    for concurrency in [1, 4] {
        let err = client(&server)
            .providers()
            .walk(&ListProvidersParams::new().limit(2))
            .concurrency(concurrency)
            .collect()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::PaginationLoop { .. }), "{err}");
    }
    assert!(mock.calls_async().await <= 2 * (1 + 3 + 4));
}

#[tokio::test]
async fn pages_that_end_before_count_end_the_walk() {
    let server = MockServer::start_async().await;
    // `count` says 100; the rows stop at 3.
    let mocks = serve(&server, LIST, &[], &rows(0..3), 100, 2, 0..4).await;
    let all = client(&server)
        .providers()
        .walk(&ListProvidersParams::new().limit(2))
        .concurrency(1)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.items.len(), 3);
    assert_eq!(calls(&mocks).await, [1, 1, 1, 0]);
    assert!(!all.report.truncated);
}

#[tokio::test]
async fn pages_that_run_past_count_are_read_to_the_end() {
    let server = MockServer::start_async().await;
    // `count` says 2 (and `next` is null from the first page); 5 rows come.
    let mocks = serve(&server, LIST, &[], &rows(0..5), 2, 2, 0..5).await;
    for concurrency in [1, 8] {
        let all = client(&server)
            .providers()
            .walk(&ListProvidersParams::new().limit(2))
            .concurrency(concurrency)
            .collect()
            .await
            .unwrap();
        let got: Vec<String> = all.items.iter().map(|p| p.id.to_string()).collect();
        assert_eq!(got, (0..5).map(id).collect::<Vec<_>>(), "at {concurrency}");
    }
    // Past `count`, one page at a time: nothing is asked twice.
    assert_eq!(calls(&mocks).await, [2, 2, 2, 2, 2]);
}

#[tokio::test]
async fn a_server_that_caps_limit_is_followed_by_what_it_says() {
    let server = MockServer::start_async().await;
    // Asked for 100, the server gives 2 a page and says so in its link.
    let first = json!({"count": 5, "previous": null, "results": rows(0..2),
        "next": format!("{}{LIST}?limit=2&offset=2", server.base_url())});
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST)
                .is_true(exact_query("limit=100&offset=0"));
            then.status(200).json_body(first);
        })
        .await;
    let rest = serve(&server, LIST, &[], &rows(0..5), 5, 2, 1..5).await;
    let all = client(&server)
        .providers()
        .walk(&ListProvidersParams::new().limit(100))
        .concurrency(1)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.items.len(), 5);
    assert_eq!(calls(&rest).await, [1, 1, 1, 1]);
}

#[tokio::test]
async fn a_huge_count_with_a_small_cap_makes_only_the_requests_it_needs() {
    let server = MockServer::start_async().await;
    let count = 1_000_000_000_000;
    let mocks = serve(&server, LIST, &[], &rows(0..10), count, 2, 0..10).await;
    for concurrency in [1, 4, 32] {
        let all = client(&server)
            .providers()
            // A page of one row cannot overlap: the walk asks for two.
            .walk(&ListProvidersParams::new().limit(1))
            .concurrency(concurrency)
            .max_items(3)
            .collect()
            .await
            .unwrap();
        assert_eq!(all.items.len(), 3);
        assert!(all.report.truncated);
        assert_eq!(all.report.count_at_start, Some(count as u64));
        assert_eq!(all.report.requests, 2, "at {concurrency}");
    }
    assert_eq!(calls(&mocks).await[..3], [3, 3, 0]);
}

#[tokio::test]
async fn a_row_that_does_not_decode_names_its_list_page_and_index() {
    let server = MockServer::start_async().await;
    let mut bad = rows(0..3);
    bad[1].as_object_mut().unwrap().remove("id");
    let body = json!({"count": 3, "next": null, "previous": null, "results": bad});
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST)
                .is_true(exact_query("limit=50&offset=40"));
            then.status(200).json_body(body);
        })
        .await;
    let err = client(&server)
        .providers()
        .list_providers(&ListProvidersParams::new().limit(50).offset(40))
        .await
        .unwrap_err();
    match &err {
        Error::DecodeRow {
            path,
            offset,
            row,
            message,
            snippet,
        } => {
            assert_eq!((path.as_str(), *offset, *row), (LIST, 40, 1));
            assert!(message.contains("missing field `id`"), "{message}");
            assert!(snippet.contains("jane.doe@example.com"), "{snippet}");
            assert!(snippet.len() <= assured::BODY_SNIPPET_LIMIT + 8);
        }
        other => panic!("expected DecodeRow, got {other:?}"),
    }
    assert!(
        err.to_string().contains("row 1 of the page at offset 40"),
        "{err}"
    );
}

#[tokio::test]
async fn the_default_page_size_is_the_clients() {
    let server = MockServer::start_async().await;
    let only = serve(&server, LIST, &[], &rows(0..1), 1, 100, 0..1).await;
    let all = client(&server)
        .providers()
        .walk(&ListProvidersParams::new())
        .collect()
        .await
        .unwrap();
    assert_eq!(all.items.len(), 1);
    assert_eq!(calls(&only).await, [1]);
}

#[tokio::test]
async fn not_in_practice_location_and_caqh_requests_walk_too() {
    let server = MockServer::start_async().await;
    const NOT_IN: &str = "/api/v1/users/providers-not-in-practice-loc/";
    let users: Vec<Value> = (0..3)
        .map(
            |n| json!({"id": id(n), "email": format!("u{n}@example.com"), "user_type": "provider"}),
        )
        .collect();
    let location = [("practice_location", LOCATION_ID)];
    let user_pages = serve(&server, NOT_IN, &location, &users, 3, 2, 0..3).await;
    let caqh = vec![
        json!({"id": 7, "caqh_username": "jdoe_caqh", "caqh_password": "pw-123456", "full_name": "J D"}),
    ];
    serve(
        &server,
        "/api/v1/users/request-caqh-import/",
        &[],
        &caqh,
        1,
        100,
        0..1,
    )
    .await;
    let client = client(&server);
    let found = client
        .providers()
        .walk(
            &assured::ListProvidersNotInPracticeLocationParams::new()
                .practice_location(LOCATION_ID.parse().unwrap())
                .limit(2),
        )
        .concurrency(1)
        .collect()
        .await
        .unwrap();
    assert_eq!(found.items.len(), 3);
    assert_eq!(calls(&user_pages).await, [1, 1, 1]);
    let requests = client
        .providers()
        .walk(&assured::ListCaqhImportRequestsParams::new())
        .collect()
        .await
        .unwrap();
    assert_eq!(requests.items[0].id, 7);
}

/// Offsets and counts at the edge of the integer types never overflow the
/// walk's arithmetic (a panic in a debug build): a caller's offset near
/// `i64::MAX` or `u64::MAX` (sent clamped to the wire's `i64`), a server
/// claiming `i64::MAX` rows and answering every later window with rows that
/// do not join, so the walk re-reads around a frontier at the very end of
/// the range, and stops with an error instead of looping.
#[tokio::test]
async fn offsets_and_counts_at_the_integer_limits_do_not_overflow() {
    for start in [i64::MAX as u64 - 1, u64::MAX - 1, u64::MAX] {
        let server = MockServer::start_async().await;
        let page = |results: Vec<Value>| json!({"count": i64::MAX, "next": null, "previous": null, "results": results});
        let wire = start.min(i64::MAX as u64).to_string();
        // The caller's window answers ten rows; every other one ten others.
        let mut mocks = Vec::new();
        for (first, rows) in [(true, rows(0..10)), (false, rows(10..20))] {
            let mock = server.mock_async(|when, then| {
                let when = when.method(GET).path(LIST);
                if first {
                    when.query_param("offset", wire.clone());
                } else {
                    when.query_param_not("offset", wire.clone());
                }
                then.status(200).json_body(page(rows));
            });
            mocks.push(mock.await);
        }
        for concurrency in [1, 4] {
            let walk = client(&server)
                .providers()
                .walk(&ListProvidersParams::new().offset(start).limit(10))
                .concurrency(concurrency)
                .collect()
                .await;
            assert!(
                matches!(
                    walk,
                    Err(Error::ListUnstable { .. } | Error::PaginationLoop { .. })
                ),
                "start {start}, concurrency {concurrency}: {walk:?}"
            );
        }
        assert!(mocks[0].calls_async().await >= 2);
    }
}

/// A pinned concurrency of `usize::MAX` against a server claiming 10^12
/// rows plans at most 1 024 pages ahead, not one per page of the claim.
#[tokio::test]
async fn a_pinned_concurrency_is_held_at_1024_in_flight() {
    let server = MockServer::start_async().await;
    let page = |results: Vec<Value>| json!({"count": 1_000_000_000_000u64, "next": null, "previous": null, "results": results});
    // Two rows at offsets 0 and 1 (a window at 1 holds the second), and
    // nothing further, whatever `count` says.
    for (offset, rows) in [
        (Some("0"), rows(0..2)),
        (Some("1"), rows(1..2)),
        (None, Vec::new()),
    ] {
        server
            .mock_async(|when, then| {
                let when = when.method(GET).path(LIST);
                match offset {
                    Some(offset) => when.query_param("offset", offset),
                    None => when
                        .query_param_not("offset", "0")
                        .query_param_not("offset", "1"),
                };
                then.status(200).json_body(page(rows));
            })
            .await;
    }
    let walk = client(&server)
        .providers()
        .walk(&ListProvidersParams::new().limit(2))
        .concurrency(usize::MAX);
    assert!(
        format!("{walk:?}").contains("concurrency: Some(1024)"),
        "{walk:?}"
    );
    let all = walk.collect().await.unwrap();
    assert_eq!(all.items.len(), 2);
    assert_eq!(all.report.requests, 1 + 1_024);
    let pinned = assured::Client::builder()
        .api_key("k")
        .concurrency(usize::MAX)
        .build()
        .unwrap();
    assert_eq!(pinned.concurrency().limit(), 1_024);
}
