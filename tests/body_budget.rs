//! Large pages a walk reads at once share the client's 64 MiB body budget: a walk whose pages
//! pass it together asks again, after a pause, for those refused, and still yields every row
//! once, pinned at 4 or 24 pages at once or adaptive. The server streams each page slowly, so pages are read side by side as on a slow
//! network.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use assured::{Client, ListProvidersParams};
use axum::{
    body::{Body, Bytes},
    extract::{RawQuery, State},
    routing::get,
    Router,
};
use serde_json::json;

mod common;

const MIB: usize = 1024 * 1024;
/// Each page's body, padded with spaces (valid JSON after the value): 5 MiB, of which a body
/// draws 4 on the shared budget, so 17 or more read at once pass it.
const PAGE_BYTES: usize = 5 * MIB;
const ROWS: u64 = 24 * 50;

/// Requests seen, per offset.
type Seen = Arc<Mutex<HashMap<u64, usize>>>;

async fn page(
    State((base, seen)): State<(String, Seen)>,
    RawQuery(query): RawQuery,
) -> axum::response::Response {
    let query: HashMap<String, u64> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.parse().unwrap()))
            .collect();
    let (offset, limit) = (query["offset"], query["limit"]);
    *seen.lock().unwrap().entry(offset).or_default() += 1;
    let end = (offset + limit).min(ROWS);
    let results: Vec<_> = (offset..end)
        .map(|n| common::provider_json(&format!("00000000-0000-4000-8000-{n:012}"), "1234567893"))
        .collect();
    let next = (end < ROWS)
        .then(|| format!("{base}/api/v1/users/providers-list/?limit={limit}&offset={end}"));
    let mut body = json!({"count": ROWS, "next": next, "previous": null, "results": results})
        .to_string()
        .into_bytes();
    body.resize(PAGE_BYTES, b' ');
    // 64 KiB every 2 ms: a page takes 160 ms or more, so the pages of a walk overlap.
    let chunks: Vec<Bytes> = body.chunks(64 * 1024).map(Bytes::copy_from_slice).collect();
    let stream = futures::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(Duration::from_millis(2)).await;
        Ok::<_, std::io::Error>(chunk)
    });
    axum::response::Response::builder()
        .header("content-type", "application/json")
        .body(Body::from_stream(stream))
        .unwrap()
}

use futures::StreamExt as _;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_of_large_pages_reads_fewer_at_once_and_keeps_every_row() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/api/v1/users/providers-list/", get(page))
        .with_state((base.clone(), seen.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = || {
        Client::builder()
            .base_url(&base)
            .api_key(common::KEY)
            .retry_policy(assured::RetryPolicy::none())
            .build()
            .unwrap()
    };
    let pinned = client();
    // Pinned at 4 and 24, then adaptive (`None`), from a new client's controller each round.
    for concurrency in [Some(4), Some(24), None] {
        for round in 0..3 {
            seen.lock().unwrap().clear();
            let client = concurrency.map_or_else(client, |_| pinned.clone());
            let walk = client
                .providers()
                .walk(&ListProvidersParams::new().limit(50));
            let walk = match concurrency {
                Some(pages) => walk.concurrency(pages),
                None => walk,
            };
            let walked = walk.collect().await;
            let walked = walked.unwrap_or_else(|e| panic!("{concurrency:?}, round {round}: {e}"));
            let ids: Vec<String> = walked.items.iter().map(|p| p.id.to_string()).collect();
            let expected: Vec<String> = (0..ROWS)
                .map(|n| format!("00000000-0000-4000-8000-{n:012}"))
                .collect();
            assert_eq!(ids, expected, "every row once, in order");
            let asked_again = seen.lock().unwrap().values().filter(|n| **n > 1).count();
            let resent: usize = seen.lock().unwrap().values().map(|n| n - 1).sum();
            // Four pages draw 16 MiB together, well within the budget; 24 draw 96 MiB.
            match concurrency {
                Some(4) => assert_eq!(asked_again, 0, "round {round}"),
                Some(_) => assert!(asked_again > 0, "round {round}: no page passed the budget"),
                None => {}
            }
            let limit = client.concurrency().limit();
            println!("concurrency {concurrency:?}: {asked_again} pages asked again, {resent} re-sends; controller limit {limit}");
        }
    }
}
