//! The client and the sandbox on a network: TLS with HTTP/2 on one
//! connection, compressed bodies, certificate failures that are not
//! retried, push-back with 429 and Retry-After, and the binary over TLS.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use assured::{sandbox::Sandbox, Client, Error, ListProvidersParams, RetryPolicy};
use futures::future::join_all;

fn no_retries(sandbox: &Sandbox) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn tls_and_http2_carry_a_whole_walk_and_concurrent_pages_on_one_connection() {
    let sandbox = Sandbox::builder()
        .providers(250)
        .tls(true)
        .start()
        .await
        .unwrap();
    assert!(sandbox.base_url().starts_with("https://"));
    let client = sandbox.client().unwrap();

    let walk = client
        .providers()
        .walk(&ListProvidersParams::new().limit(25))
        .collect()
        .await
        .unwrap();
    assert_eq!(walk.items.len(), 250);
    // Pages of 25 overlapping by one row: a stride of 24.
    let walked = walk.report.requests;
    assert_eq!(walked, 11);

    let pages = join_all((0..8u64).map(|n| {
        let client = client.clone();
        async move {
            let params = ListProvidersParams::new().limit(10).offset(n * 10);
            client.providers().list_providers(&params).await
        }
    }))
    .await;
    for page in pages {
        assert_eq!(page.unwrap().results.len(), 10);
    }

    let stats = sandbox.stats();
    assert_eq!(stats.requests, walked as u64 + 8);
    assert_eq!(stats.connections, 1, "{stats:?}");
    let versions: Vec<String> = sandbox.requests().into_iter().map(|r| r.version).collect();
    assert!(versions.iter().all(|v| v == "HTTP/2.0"), "{versions:?}");
}

#[tokio::test]
async fn bodies_are_compressed_on_the_wire_and_decoded() {
    let compressed = Sandbox::builder().seed(3).start().await.unwrap();
    let plain = Sandbox::builder()
        .seed(3)
        .compression(false)
        .start()
        .await
        .unwrap();
    let params = ListProvidersParams::new().limit(100).ordering("last_name");
    let a = compressed
        .client()
        .unwrap()
        .providers()
        .walk(&params)
        .collect()
        .await
        .unwrap();
    let b = plain
        .client()
        .unwrap()
        .providers()
        .walk(&params)
        .collect()
        .await
        .unwrap();
    assert_eq!(a.items.len(), 250);
    assert_eq!(
        serde_json::to_value(&a.items).unwrap(),
        serde_json::to_value(&b.items).unwrap(),
        "decoded bodies match uncompressed ones"
    );

    let offered = compressed.requests()[0]
        .headers
        .iter()
        .find(|(name, _)| name == "accept-encoding")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    for encoding in ["gzip", "br", "zstd"] {
        assert!(offered.contains(encoding), "accept-encoding: {offered:?}");
    }
    let (small, large) = (compressed.stats().bytes_sent, plain.stats().bytes_sent);
    assert!(small * 3 < large, "compressed {small} bytes, plain {large}");
}

#[tokio::test]
async fn an_untrusted_certificate_fails_at_once_as_a_tls_error() {
    let sandbox = Sandbox::builder()
        .providers(5)
        .tls(true)
        .start()
        .await
        .unwrap();
    // Default retries: a connect error would be tried 4 times.
    let stranger = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = stranger
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    assert!(error.is_tls(), "{error:?}");
    assert!(matches!(error, Error::Transport { .. }));
    assert!(
        error.to_string().to_lowercase().contains("certificate"),
        "{error}"
    );
    assert_eq!(sandbox.stats().connections, 1, "not retried");
    assert_eq!(sandbox.stats().requests, 0);
    assert!(started.elapsed() < Duration::from_secs(2));

    // A refused connection is not TLS, and is still retried.
    let port = sandbox.port();
    drop(sandbox);
    let refused = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key("k")
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    assert!(!refused.is_tls(), "{refused:?}");
}

#[test]
fn a_root_certificate_must_be_pem() {
    let error = Client::builder()
        .api_key("k")
        .add_root_certificate_pem(b"not a certificate")
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput(e) if e.field == "root_certificate[0]"),
        "{error:?}"
    );
}

#[tokio::test]
async fn max_in_flight_answers_429_with_retry_after() {
    let sandbox = Sandbox::builder()
        .providers(10)
        .max_in_flight(2)
        .latency(Duration::from_millis(600))
        .start()
        .await
        .unwrap();
    let client = no_retries(&sandbox);
    let answers = join_all((0..6).map(|_| {
        let client = client.clone();
        async move {
            client
                .providers()
                .list_providers(&ListProvidersParams::new())
                .await
        }
    }))
    .await;
    let served = answers.iter().filter(|a| a.is_ok()).count();
    assert_eq!(served, 2);
    for answer in answers.iter().filter_map(|a| a.as_ref().err()) {
        match answer {
            Error::RateLimited { retry_after, .. } => {
                assert_eq!(*retry_after, Some(Duration::from_secs(1)))
            }
            other => panic!("expected 429, got {other:?}"),
        }
    }
    let stats = sandbox.stats();
    assert_eq!((stats.requests, stats.throttled), (6, 4));
}

#[tokio::test]
async fn the_rate_limit_throttles_and_retry_after_is_honoured() {
    let sandbox = Sandbox::builder()
        .providers(10)
        .rate_limit(2.0)
        .start()
        .await
        .unwrap();
    let client = no_retries(&sandbox);
    let mut served = 0;
    for _ in 0..6 {
        match client
            .providers()
            .list_providers(&ListProvidersParams::new())
            .await
        {
            Ok(_) => served += 1,
            Err(Error::RateLimited { retry_after, .. }) => {
                assert_eq!(retry_after, Some(Duration::from_secs(1)))
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    // A burst of 2; one more token per 500 ms.
    assert!((2..=3).contains(&served), "served {served}");
    assert_eq!(sandbox.stats().throttled, 6 - served);

    // The default policy waits the Retry-After and gets through.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let patient = sandbox.client().unwrap();
    let throttled_before = sandbox.stats().throttled;
    for _ in 0..4 {
        patient
            .providers()
            .list_providers(&ListProvidersParams::new())
            .await
            .unwrap();
    }
    assert!(sandbox.stats().throttled > throttled_before);
}

fn port_in_use() -> assured::Result<()> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let first = Sandbox::builder().providers(1).start().await?;
        let _second = Sandbox::builder()
            .providers(1)
            .port(first.port())
            .start()
            .await?;
        Ok(())
    })
}

#[test]
fn an_occupied_port_is_a_readable_assured_error() {
    let error = port_in_use().unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("sandbox: port "), "{text}");
    assert!(text.ends_with(" is already in use"), "{text}");
}

/// Kills the child however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_tls_and_writes_its_certificate() {
    let cert = std::env::temp_dir().join(format!("assured-sandbox-{}.pem", std::process::id()));
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_assured-sandbox"))
            .args(["--port", "0", "--providers", "20", "--tls", "--cert-out"])
            .arg(&cert)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let banner: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(4)
        .collect::<Result<_, _>>()
        .unwrap();
    let base_url = banner[0]
        .split_whitespace()
        .find(|word| word.starts_with("https://"))
        .unwrap_or_else(|| panic!("{banner:?}"))
        .to_string();
    assert_eq!(banner[1], format!("certificate: {}", cert.display()));
    let locations = banner[2].strip_prefix("practice locations: ").unwrap();
    assert_eq!(locations.split(' ').count(), 5);
    assert!(banner[3].starts_with("clients: "), "{banner:?}");

    let pem = std::fs::read(&cert).unwrap();
    let client = Client::builder()
        .base_url(&base_url)
        .api_key(assured::sandbox::DEFAULT_API_KEY)
        .add_root_certificate_pem(&pem)
        .build()
        .unwrap();
    let page = client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap();
    assert_eq!(page.count, 20);
    let location = locations.split(' ').next().unwrap().parse().unwrap();
    client
        .providers()
        .list_providers_not_in_practice_location(
            &assured::ListProvidersNotInPracticeLocationParams::new().practice_location(location),
        )
        .await
        .unwrap();
    drop(child);
    let _ = std::fs::remove_file(&cert);
}

/// The adaptive client against a server that refuses a ninth request in
/// flight: it finds the limit, settles under it, and every walk completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_controller_settles_under_max_in_flight_without_a_429_storm() {
    let sandbox = Sandbox::builder()
        .providers(2_000)
        .max_in_flight(8)
        .latency(Duration::from_millis(15))
        .start()
        .await
        .unwrap();
    let client = sandbox.client().unwrap();
    let mut requests = 0;
    for _ in 0..10 {
        let walk = client
            .providers()
            .walk(&ListProvidersParams::new().limit(20))
            .collect()
            .await
            .unwrap();
        assert_eq!(walk.items.len(), 2_000);
        requests += walk.report.requests;
    }
    let stats = sandbox.stats();
    // Finding the limit costs a few refusals, then none: under 1%.
    assert!(
        stats.throttled * 100 < stats.requests,
        "{stats:?} over {requests} walk requests"
    );
    // And it settled at or under the capacity (latency inflation on a busy
    // machine may hold it lower; that is its job too). That it settles near
    // the capacity, not far below, is proven without a clock's noise in
    // `tests/unit/concurrency.rs`.
    assert!(
        client.concurrency().limit() <= 8,
        "settled at {}",
        client.concurrency().limit()
    );
}

/// Batch lookups follow the same controller as walks: against servers that
/// refuse a third or a ninth request in flight, `get_by_npis` (a request
/// per NPI) and `get_many` (a request per 50 ids) find every provider,
/// settle at or under the capacity, and are refused only while finding it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_lookups_settle_under_max_in_flight() {
    for capacity in [2, 8] {
        let sandbox = Sandbox::builder()
            .providers(400)
            .max_in_flight(capacity)
            .latency(Duration::from_millis(5))
            .start()
            .await
            .unwrap();
        let reader = sandbox.client().unwrap();
        let walk = reader.providers().walk(&ListProvidersParams::new());
        let roster = walk.concurrency(1).collect().await.unwrap().items;
        let npis: Vec<String> = roster.iter().filter_map(|p| p.npi.clone()).collect();
        let ids: Vec<assured::AccountId> = roster.iter().map(|p| p.id).collect();
        assert_eq!((npis.len(), ids.len()), (400, 400));
        for round in 0..3 {
            // A new client each round: nothing cached, nothing learned.
            let client = sandbox.client().unwrap();
            let before = sandbox.stats();
            let by_npi = client.providers().get_by_npis(&npis).await.unwrap();
            let by_id = client.providers().get_many(&ids).await.unwrap();
            assert_eq!((by_npi.found.len(), by_npi.missing.len()), (400, 0));
            assert_eq!((by_id.found.len(), by_id.missing.len()), (400, 0));
            let after = sandbox.stats();
            let (requests, throttled) = (
                after.requests - before.requests,
                after.throttled - before.throttled,
            );
            eprintln!(
                "capacity {capacity}, round {round}: {throttled} of {requests} refused, settled at {}",
                client.concurrency().limit()
            );
            // 408 lookups; unpaced, the NPIs fail outright (retries run out).
            assert!(
                throttled * 100 < requests * 3,
                "capacity {capacity}, round {round}: {throttled} of {requests} refused"
            );
            assert!(
                client.concurrency().limit() <= capacity,
                "capacity {capacity}, round {round}: settled at {}",
                client.concurrency().limit()
            );
        }
    }
}

/// A consumer that pauses longer than the attempt timeout between pages
/// still gets every row: prefetched pages are fetched by their own tasks,
/// not only while the walk is polled, so no attempt outlives its timeout
/// waiting for the consumer, and the adaptive controller, timing the
/// server alone, is not cut for the consumer's pauses.
#[tokio::test]
async fn a_slow_consumer_neither_times_out_nor_slows_the_controller() {
    use futures::TryStreamExt;

    let sandbox = slow(60, Duration::from_millis(5)).await;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .timeout(Duration::from_millis(250))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let mut rows = client
        .providers()
        .walk(&ListProvidersParams::new().limit(10))
        .rows();
    let mut read = 0;
    while let Some(_provider) = rows.try_next().await.unwrap() {
        read += 1;
        if read % 10 == 0 {
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
    }
    assert_eq!(read, 60);
    let limit = client.concurrency().limit();
    assert!(limit >= 4, "cut to {limit} for the consumer's pauses");
}

/// A refusal every request would get (a wrong key) ends a batch lookup at
/// the first answer: nothing more is started, so 200 NPIs or 40 chunks of
/// ids cost a handful of requests, not one each.
#[tokio::test]
async fn a_batch_lookup_stops_at_the_first_refusal() {
    let sandbox = Sandbox::builder().providers(5).start().await.unwrap();
    // Valid NPIs (a wrong key is refused before any is looked up).
    let npis: Vec<String> = (1_000_000_000u64..)
        .map(|n| n.to_string())
        .filter(|n| assured::npi::normalize(n).is_ok())
        .take(200)
        .collect();
    let ids: Vec<assured::AccountId> = (0..2_000u128)
        .map(|n| assured::Uuid::from_u128(n).into())
        .collect();
    let wrong = Client::builder()
        .base_url(sandbox.base_url())
        .api_key("not-the-sandbox-key")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    sandbox.clear_requests();
    let by_npi = wrong.providers().get_by_npis(&npis).await.unwrap_err();
    assert!(matches!(by_npi, Error::Auth(_)), "{by_npi:?}");
    let sent = sandbox.requests().len();
    assert!(sent <= 8, "{sent} requests for {} NPIs", npis.len());
    sandbox.clear_requests();
    let by_id = wrong.providers().get_many(&ids).await.unwrap_err();
    assert!(matches!(by_id, Error::Auth(_)), "{by_id:?}");
    let sent = sandbox.requests().len();
    assert!(sent <= 8, "{sent} requests for 40 chunks of ids");
}

/// Concurrent lookups of one NPI share one request, its failure too: ten
/// callers asking at once for an NPI nobody has cost one request, and each
/// gets the not-found (which is not cached: the next lookup asks again).
#[tokio::test]
async fn concurrent_lookups_of_an_unknown_npi_share_one_request() {
    let sandbox = slow(5, Duration::from_millis(50)).await;
    let client = sandbox.client().unwrap();
    let unknown = (1_000_000_000u64..)
        .map(|n| n.to_string())
        .find(|n| assured::npi::normalize(n).is_ok())
        .unwrap();
    sandbox.clear_requests();
    let lookups = (0..10).map(|_| {
        let client = client.clone();
        let npi = unknown.clone();
        async move { client.providers().get_by_npi(&npi).await }
    });
    for found in join_all(lookups).await {
        assert!(matches!(found, Err(Error::NotFound(_))), "{found:?}");
    }
    assert_eq!(sandbox.requests().len(), 1);
    let again = client.providers().get_by_npi(&unknown).await;
    assert!(matches!(again, Err(Error::NotFound(_))));
    assert_eq!(sandbox.requests().len(), 2, "a miss is not cached");
}

/// Concurrent lookups of one NPI share a transport failure as they share an answer: the one
/// load's connection is dropped, and every caller gets that failure, with no second request
/// (the sandbox drops only the first), at 2, 10 and 50 callers, 3 rounds each.
#[tokio::test]
async fn concurrent_lookups_share_a_transport_failure() {
    let sandbox = slow(5, Duration::from_millis(50)).await;
    let client = no_retries(&sandbox);
    for callers in [2, 10, 50] {
        for round in 0..3 {
            sandbox.clear_requests();
            let list = "/api/v1/users/providers-list/";
            sandbox.plan(list, 1, assured::sandbox::Fault::Drop);
            let lookups = (0..callers).map(|_| {
                let client = client.clone();
                async move { client.providers().get_by_npi("1234567893").await }
            });
            for found in join_all(lookups).await {
                let transport =
                    matches!(&found, Err(Error::Transport { source, .. }) if !source.is_tls());
                assert!(transport, "{callers} callers, round {round}: {found:?}");
            }
            assert_eq!(
                sandbox.requests().len(),
                1,
                "{callers} callers, round {round}"
            );
        }
    }
}

/// `invalidate()` while a lookup is loading: the next lookup asks the
/// server again instead of joining the load begun before it, whose answer
/// may predate the change the caller invalidated for.
#[tokio::test]
async fn a_lookup_after_invalidate_does_not_join_a_load_begun_before() {
    let sandbox = slow(5, Duration::from_millis(200)).await;
    let client = sandbox.client().unwrap();
    let first = client
        .providers()
        .list_providers(&ListProvidersParams::new().limit(1))
        .await
        .unwrap();
    let npi = first.results[0].npi.clone().unwrap();
    sandbox.clear_requests();
    let loading = {
        let (client, npi) = (client.clone(), npi.clone());
        tokio::spawn(async move { client.providers().get_by_npi(&npi).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    client.npi_cache().invalidate();
    let after = client.providers().get_by_npi(&npi).await.unwrap();
    let before = loading.await.unwrap().unwrap();
    assert_eq!(
        (before.npi.as_deref(), after.npi.as_deref()),
        (Some(npi.as_str()), Some(npi.as_str()))
    );
    assert_eq!(sandbox.requests().len(), 2, "the second lookup asked again");
}

/// A sandbox of `providers` answering each request after `latency`.
async fn slow(providers: usize, latency: Duration) -> Sandbox {
    Sandbox::builder()
        .providers(providers)
        .latency(latency)
        .start()
        .await
        .unwrap()
}
