//! The success body limit under a compression bomb. In its own test binary: each prefetched
//! page decompresses up to the limit before failing, work that would slow the timing-sensitive
//! tests of `wan.rs` if they shared a process.

use assured::{Error, ListProvidersParams};

mod common;

/// A gzip of 20 MiB of JSON (a page, then spaces) is 20 KiB on the wire:
/// the client stops reading each body at 16 MiB instead of holding it all,
/// for a single call and for every page a walk prefetches, at several
/// concurrency levels and many times over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compression_bomb_fails_at_the_body_limit() {
    use std::io::Write;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gzip.write_all(br#"{"count":0,"next":null,"previous":null,"results":[]}"#)
        .unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..20 {
        gzip.write_all(&spaces).unwrap();
    }
    let bomb = gzip.finish().unwrap();
    assert!(bomb.len() < 1 << 20, "{} bytes on the wire", bomb.len());

    let server = httpmock::MockServer::start_async().await;
    let rows = (0..100)
        .map(|n| common::provider_json(&format!("00000000-0000-4000-8000-{n:012}"), "1234567893"))
        .collect();
    let head = common::page(&server, rows, 1_000, Some("limit=100&offset=100"));
    server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/api/v1/users/providers-list/")
                .query_param("offset", "0")
                .query_param("limit", "100");
            then.status(200).json_body(head);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method("GET").path("/api/v1/users/providers-list/");
            then.status(200)
                .header("content-type", "application/json")
                .header("content-encoding", "gzip")
                .body(bomb.clone());
        })
        .await;
    let client = common::client_without_retries(&server);
    let too_large = |err: &Error| {
        matches!(err, Error::Transport { source, .. } if source.is_body())
            && err.to_string().contains("too large")
    };
    let err = client
        .providers()
        .list_providers(&ListProvidersParams::new().offset(100))
        .await
        .expect_err("20 MiB is past the limit");
    assert!(too_large(&err), "{err:?}");
    let Error::Transport { source, .. } = &err else {
        unreachable!()
    };
    let url = format!("{}/api/v1/users/providers-list/", server.base_url());
    assert!(source.to_string().contains(&url), "names the URL: {source}");
    for concurrency in [1, 4, 16] {
        for _ in 0..3 {
            let walk = client
                .providers()
                .walk(&ListProvidersParams::new().limit(100));
            let err = walk.concurrency(concurrency).collect().await.unwrap_err();
            assert!(too_large(&err), "concurrency {concurrency}: {err:?}");
        }
    }
}
