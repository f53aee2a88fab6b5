//! Bounds a hostile server cannot move, each replayed against a server written to push past it:
//! an error body that never ends is read to 64 KiB, and a walk whose re-reads join but never add a
//! row gives up after 32 of them in a row.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use assured::{Client, Error, ListProvidersParams, RetryPolicy};
use axum::{body::Body, extract::State, routing::get, Router};
use futures::StreamExt as _;
use serde_json::{json, Value};

mod common;

const LIST: &str = "/api/v1/users/providers-list/";

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .api_key(common::KEY)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn row(n: u64) -> Value {
    common::provider_json(&format!("00000000-0000-4000-8000-{n:012}"), "1234567893")
}

/// A 500 whose body never ends is an `Error::Api` holding the start of it: the client stops
/// reading at 64 KiB instead of waiting for the end (a timeout) or holding all of it. Three
/// times over, and with three such calls at once. The server counts what it could write: a
/// client reading on to the 16 MiB a success body may hold would take more than that.
#[tokio::test]
async fn an_endless_error_body_is_read_to_64_kib() {
    let written = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route(
            LIST,
            get(|State(written): State<Arc<AtomicUsize>>| async move {
                let chunk = axum::body::Bytes::from(vec![b'x'; 16 * 1024]);
                let endless = futures::stream::repeat(chunk).map(move |chunk| {
                    written.fetch_add(chunk.len(), Ordering::SeqCst);
                    Ok::<_, std::io::Error>(chunk)
                });
                axum::http::Response::builder()
                    .status(500)
                    .body(Body::from_stream(endless))
                    .unwrap()
            }),
        )
        .with_state(written.clone());
    let client = client(&serve(app).await);
    let (providers, params) = (client.providers(), ListProvidersParams::new());
    for calls in [1, 1, 1, 3] {
        written.store(0, Ordering::SeqCst);
        let calls = (0..calls).map(|_| providers.list_providers(&params));
        let answers = futures::future::join_all(calls).await;
        for answer in &answers {
            let Err(Error::Api(api)) = answer else {
                panic!("{answer:?}")
            };
            assert_eq!(api.status.as_u16(), 500);
            assert!(api.body.starts_with("xxxx"), "{}", api.body);
            assert!(api.body.len() <= assured::BODY_SNIPPET_LIMIT + 3);
        }
        // What the kernel buffers on both sides of a connection comes to a few MiB at most.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let written = written.load(Ordering::SeqCst) / answers.len();
        assert!(
            written < 16 * 1024 * 1024,
            "{written} bytes written per call"
        );
    }
}

/// A server whose pages past the first never join the rows already read, and whose every
/// re-read repeats the first page (it joins, and adds nothing): the walk re-reads 32 times in a
/// row, then stops with `Error::ListUnstable`, at concurrency 1, 4 and adaptive. Without the
/// bound it would never end.
#[tokio::test]
async fn rereads_that_join_but_add_nothing_stop_after_32() {
    for concurrency in [Some(1), Some(4), None] {
        let served = Arc::new(AtomicUsize::new(0));
        let app = Router::new()
            .route(
                LIST,
                get(
                    |State(served): State<Arc<AtomicUsize>>,
                     axum::extract::RawQuery(query): axum::extract::RawQuery| async move {
                        served.fetch_add(1, Ordering::SeqCst);
                        let query = query.unwrap_or_default();
                        let offset: u64 = url::form_urlencoded::parse(query.as_bytes())
                            .find(|(k, _)| k == "offset")
                            .and_then(|(_, v)| v.parse().ok())
                            .unwrap_or(0);
                        // The first page at offset 0; every other window holds rows never seen,
                        // unless it starts within the first page, where it repeats that page.
                        let rows: Vec<Value> = match offset {
                            0..=4 => (0..10).map(row).collect(),
                            _ => (0..10).map(|n| row(1_000_000 + offset * 10 + n)).collect(),
                        };
                        axum::Json(json!({
                            "count": 1_000_000, "next": null, "previous": null, "results": rows
                        }))
                    },
                ),
            )
            .with_state(served.clone());
        let client = client(&serve(app).await);
        let mut walk = client
            .providers()
            .walk(&ListProvidersParams::new().limit(10));
        if let Some(pages) = concurrency {
            walk = walk.concurrency(pages);
        }
        let walked = tokio::time::timeout(Duration::from_secs(60), walk.collect())
            .await
            .expect("the walk ends");
        match walked {
            Err(Error::ListUnstable { tries, .. }) => assert_eq!(tries, 32, "{concurrency:?}"),
            other => panic!("{concurrency:?}: {:?}", other.map(|c| c.report)),
        }
        let served = served.load(Ordering::SeqCst);
        assert!(served < 200, "{concurrency:?}: {served} requests");
    }
}
