//! Whole-list walks on the wire: filters kept on every page, `next` read but
//! never followed off-origin, each loop guard, caps, a capped `limit`, and
//! concurrent prefetch in order with duplicates dropped.

mod common;

use assured::{Error, ListParams};
use common::*;
use futures::TryStreamExt;
use httpmock::{Method::*, Mock, MockServer};
use serde_json::{json, Value};

const LIST: &str = "/api/v1/users/providers-list/";

fn id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn rows(range: std::ops::Range<usize>) -> Vec<Value> {
    range.map(|n| provider_json(&id(n), "1234567893")).collect()
}

/// A page at `offset` whose `next` link is `next` (a full URL or none).
async fn page_at<'a>(
    server: &'a MockServer,
    query: &'static str,
    count: usize,
    results: Vec<Value>,
    next: Option<String>,
) -> Mock<'a> {
    let body = json!({"count": count, "next": next, "previous": null, "results": results});
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path(LIST)
                .header("x-api-key", KEY)
                .is_true(exact_query(query));
            then.status(200).json_body(body);
        })
        .await
}

fn link(server: &MockServer, query: &str) -> Option<String> {
    Some(format!("{}{LIST}?{query}", server.base_url()))
}

#[tokio::test]
async fn sequential_walk_keeps_filters_and_ordering_on_every_page() {
    let server = MockServer::start_async().await;
    // The server's links carry only limit/offset; the client adds the filters.
    let p0 = page_at(
        &server,
        "last_name=Doe&limit=2&offset=0&ordering=-email",
        5,
        rows(0..2),
        link(&server, "limit=2&offset=2"),
    )
    .await;
    let p1 = page_at(
        &server,
        "last_name=Doe&limit=2&offset=2&ordering=-email",
        5,
        rows(2..4),
        link(&server, "limit=2&offset=4"),
    )
    .await;
    let p2 = page_at(
        &server,
        "last_name=Doe&limit=2&offset=4&ordering=-email",
        5,
        rows(4..5),
        None,
    )
    .await;
    let all = client(&server)
        .providers()
        .all(
            &ListParams::new()
                .last_name("Doe")
                .ordering("-email")
                .limit(2),
        )
        .concurrency(1)
        .collect()
        .await
        .unwrap();
    assert_eq!(
        all.items
            .iter()
            .map(|p| p.id.to_string())
            .collect::<Vec<_>>(),
        (0..5).map(id).collect::<Vec<_>>()
    );
    assert_eq!(
        (all.pages, all.duplicates_dropped, all.truncated),
        (3, 0, false)
    );
    p0.assert_async().await;
    p1.assert_async().await;
    p2.assert_async().await;
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_read_not_followed() {
    let server = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let trap = elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(json!({"count": 0, "next": null, "previous": null, "results": []}));
        })
        .await;
    let foreign = Some(format!(
        "{}{LIST}?limit=2&offset=2&email=evil%40x.com",
        elsewhere.base_url()
    ));
    page_at(&server, "limit=2&offset=0", 3, rows(0..2), foreign).await;
    let second = page_at(&server, "limit=2&offset=2", 3, rows(2..3), None).await;
    let all = client(&server)
        .providers()
        .list_all(&ListParams::new().limit(2))
        .await
        .unwrap();
    assert_eq!(all.items.len(), 3);
    second.assert_async().await;
    assert_eq!(
        trap.calls_async().await,
        0,
        "the other origin must receive nothing"
    );
}

#[tokio::test]
async fn a_next_that_repeats_an_offset_is_a_loop_error() {
    let server = MockServer::start_async().await;
    page_at(
        &server,
        "limit=2&offset=0",
        10,
        rows(0..2),
        link(&server, "limit=2&offset=2"),
    )
    .await;
    // The second page points back to itself.
    let looping = page_at(
        &server,
        "limit=2&offset=2",
        10,
        rows(2..4),
        link(&server, "limit=2&offset=2"),
    )
    .await;
    let err = client(&server)
        .providers()
        .all(&ListParams::new().limit(2))
        .concurrency(1)
        .collect()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::PaginationLoop { offset: 2, .. }),
        "{err:?}"
    );
    assert_eq!(looping.calls_async().await, 1);
}

#[tokio::test]
async fn a_next_pointing_backwards_is_a_loop_error() {
    let server = MockServer::start_async().await;
    page_at(
        &server,
        "limit=2&offset=0",
        10,
        rows(0..2),
        link(&server, "limit=2&offset=2"),
    )
    .await;
    page_at(
        &server,
        "limit=2&offset=2",
        10,
        rows(2..4),
        link(&server, "limit=2"),
    )
    .await;
    let err = client(&server)
        .providers()
        .list_all(&ListParams::new().limit(2))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::PaginationLoop { offset: 0, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_empty_page_ends_the_walk_even_with_a_next() {
    let server = MockServer::start_async().await;
    page_at(
        &server,
        "limit=2&offset=0",
        2,
        rows(0..2),
        link(&server, "limit=2&offset=2"),
    )
    .await;
    let empty = page_at(
        &server,
        "limit=2&offset=2",
        2,
        vec![],
        link(&server, "limit=2&offset=4"),
    )
    .await;
    let beyond = page_at(&server, "limit=2&offset=4", 2, rows(4..6), None).await;
    let all = client(&server)
        .providers()
        .all(&ListParams::new().limit(2))
        .concurrency(1)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.items.len(), 2);
    assert_eq!(empty.calls_async().await, 1);
    assert_eq!(beyond.calls_async().await, 0);
}

#[tokio::test]
async fn caps_on_pages_and_items_stop_the_walk() {
    let server = MockServer::start_async().await;
    page_at(
        &server,
        "limit=2&offset=0",
        6,
        rows(0..2),
        link(&server, "limit=2&offset=2"),
    )
    .await;
    page_at(
        &server,
        "limit=2&offset=2",
        6,
        rows(2..4),
        link(&server, "limit=2&offset=4"),
    )
    .await;
    let last = page_at(&server, "limit=2&offset=4", 6, rows(4..6), None).await;
    let client = client(&server);
    let pages = client
        .providers()
        .all(&ListParams::new().limit(2))
        .concurrency(1)
        .max_pages(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(
        (pages.items.len(), pages.pages, pages.truncated),
        (4, 2, true)
    );
    let items = client
        .providers()
        .all(&ListParams::new().limit(2))
        .concurrency(1)
        .max_items(3)
        .collect()
        .await
        .unwrap();
    assert_eq!((items.items.len(), items.truncated), (3, true));
    let streamed: Vec<_> = client
        .providers()
        .all(&ListParams::new().limit(2))
        .concurrency(1)
        .max_items(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len(), 3);
    assert_eq!(last.calls_async().await, 0);
}

#[tokio::test]
async fn a_server_that_caps_limit_is_followed_by_what_it_says() {
    let server = MockServer::start_async().await;
    // Asked for 100, the server gives 2 a page and says so in its links.
    page_at(
        &server,
        "limit=100&offset=0",
        5,
        rows(0..2),
        link(&server, "limit=2&offset=2"),
    )
    .await;
    let p1 = page_at(
        &server,
        "limit=2&offset=2",
        5,
        rows(2..4),
        link(&server, "limit=2&offset=4"),
    )
    .await;
    let p2 = page_at(&server, "limit=2&offset=4", 5, rows(4..5), None).await;
    for concurrency in [1, 4] {
        let all = client(&server)
            .providers()
            .all(&ListParams::new().limit(100))
            .concurrency(concurrency)
            .collect()
            .await
            .unwrap();
        assert_eq!(all.items.len(), 5, "concurrency {concurrency}");
    }
    assert_eq!(p1.calls_async().await, 2);
    assert_eq!(p2.calls_async().await, 2);
}

#[tokio::test]
async fn concurrent_prefetch_yields_in_order_and_drops_shifted_duplicates() {
    let server = MockServer::start_async().await;
    // 10 rows in pages of 2; a row inserted meanwhile shifts row 3 onto
    // the page at offset 4 as well.
    page_at(
        &server,
        "limit=2&offset=0",
        10,
        rows(0..2),
        link(&server, "limit=2&offset=2"),
    )
    .await;
    let mut later = Vec::new();
    for (query, range, next) in [
        ("limit=2&offset=2", 2..4, Some("limit=2&offset=4")),
        ("limit=2&offset=4", 3..5, Some("limit=2&offset=6")),
        ("limit=2&offset=6", 5..7, Some("limit=2&offset=8")),
        ("limit=2&offset=8", 7..9, None),
    ] {
        let next = next.and_then(|q| link(&server, q));
        later.push(page_at(&server, query, 10, rows(range), next).await);
    }
    let client = client(&server);
    let all = client
        .providers()
        .all(&ListParams::new().limit(2))
        .concurrency(4)
        .collect()
        .await
        .unwrap();
    let got: Vec<String> = all.items.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(got, (0..9).map(id).collect::<Vec<_>>());
    assert_eq!((all.pages, all.duplicates_dropped), (5, 1));
    for mock in &later {
        assert_eq!(mock.calls_async().await, 1);
    }
    let list = client
        .providers()
        .list_all(&ListParams::new().limit(2))
        .await
        .unwrap();
    assert_eq!(
        list.items.len(),
        9,
        "the default concurrency walks the same"
    );
    // The stream yields the same order (duplicates are the caller's to see).
    let streamed: Vec<String> = client
        .providers()
        .stream(&ListParams::new().limit(2))
        .map_ok(|p| p.id.to_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len(), 10);
    assert_eq!(streamed[..4], got[..4]);
}

#[tokio::test]
async fn the_default_page_size_is_the_clients() {
    let server = MockServer::start_async().await;
    let only = page_at(&server, "limit=100&offset=0", 1, rows(0..1), None).await;
    let all = client(&server)
        .providers()
        .list_all(&ListParams::new())
        .await
        .unwrap();
    assert_eq!(all.items.len(), 1);
    only.assert_async().await;
}

#[tokio::test]
async fn not_in_practice_location_and_caqh_requests_walk_too() {
    let server = MockServer::start_async().await;
    let user = |n: usize| json!({"id": id(n), "email": format!("u{n}@example.com"), "user_type": "provider"});
    let base = server.base_url();
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/providers-not-in-practice-loc/")
                .is_true(exact_query("limit=1&offset=0&practice_location=6b1f0a52-8a5e-4c0e-9d7b-3e2f1a4c5d6e"));
            then.status(200).json_body(json!({"count": 2, "previous": null, "results": [user(0)],
                "next": format!("{base}/api/v1/users/providers-not-in-practice-loc/?limit=1&offset=1")}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/providers-not-in-practice-loc/")
                .is_true(exact_query(
                    "limit=1&offset=1&practice_location=6b1f0a52-8a5e-4c0e-9d7b-3e2f1a4c5d6e",
                ));
            then.status(200).json_body(
                json!({"count": 2, "next": null, "previous": null, "results": [user(1)]}),
            );
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/request-caqh-import/").is_true(exact_query("limit=100&offset=0"));
            then.status(200).json_body(json!({"count": 1, "next": null, "previous": null,
                "results": [{"id": 7, "caqh_username": "jdoe_caqh", "caqh_password": "pw-123456", "full_name": "J D"}]}));
        })
        .await;
    let client = client(&server);
    let location = LOCATION_ID.parse().unwrap();
    let users = client
        .providers()
        .list_all_not_in_practice_location(
            location,
            &assured::PracticeLocationParams::new().limit(1),
        )
        .await
        .unwrap();
    assert_eq!(users.items.len(), 2);
    let requests = client
        .providers()
        .list_all_caqh_import_requests(&Default::default())
        .await
        .unwrap();
    assert_eq!(requests.items[0].id, 7);
}
