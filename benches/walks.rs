//! Walks on a network-like sandbox, side by side in one run: what healing
//! costs on a roster that does not change and on one that does, adaptive
//! concurrency against fixed and the floor, a server that refuses a ninth
//! request in flight, TLS with HTTP/2, and compression's bytes.
//!
//! `cargo bench --features sandbox --bench walks` replaces the section
//! between the `walks` markers in `BENCHMARKS.md`.

use std::{
    collections::HashSet,
    fmt::Write as _,
    time::{Duration, Instant},
};

use assured::{
    sandbox::{Churn, ChurnAt, ChurnOp, Sandbox, SandboxBuilder},
    AccountId, Client, ListProvidersParams, WalkReport,
};
use futures::{stream, StreamExt};

const ROWS: usize = 10_000;
const PAGE: u32 = 100;
const LATENCY: Duration = Duration::from_millis(20);
const REPS: usize = 3;

fn roster() -> SandboxBuilder {
    Sandbox::builder().seed(42).providers(ROWS).latency(LATENCY)
}

fn client(sandbox: &Sandbox, concurrency: Option<usize>) -> Client {
    let builder = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .page_size(PAGE);
    let builder = match sandbox.certificate_pem() {
        Some(pem) => builder.add_root_certificate_pem(pem),
        None => builder,
    };
    match concurrency {
        Some(n) => builder.concurrency(n),
        None => builder,
    }
    .build()
    .expect("client")
}

async fn walk(client: &Client) -> (Duration, WalkReport, Vec<AccountId>) {
    let started = Instant::now();
    let all = client
        .providers()
        .walk(&ListProvidersParams::new())
        .collect()
        .await
        .expect("walk");
    let ids = all.items.iter().map(|p| p.id).collect();
    (started.elapsed(), all.report, ids)
}

/// The same 100 pages by a bare reqwest loop at `concurrency`, bytes only.
async fn floor(sandbox: &Sandbox, concurrency: usize) -> Duration {
    let http = reqwest::Client::new();
    let base = sandbox.base_url().to_string();
    let key = sandbox.api_key().to_string();
    let started = Instant::now();
    stream::iter((0..ROWS).step_by(PAGE as usize))
        .map(|offset| {
            let (http, key) = (http.clone(), key.clone());
            let url = format!("{base}/api/v1/users/providers-list/?limit={PAGE}&offset={offset}");
            async move {
                let response = http.get(url).header("x-api-key", key).send().await;
                response
                    .expect("floor")
                    .bytes()
                    .await
                    .expect("floor body")
                    .len()
            }
        })
        .buffered(concurrency)
        .fold(0usize, |sum, n| async move { sum + n })
        .await;
    started.elapsed()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mut out = String::new();
    let sandbox = roster().start().await.expect("sandbox");

    // 1. Unchanging roster: the overlap's cost, client against the floor.
    writeln!(out, "### Walks 1. Healing's cost on a roster that does not change\n\n{ROWS} providers, pages of {PAGE}, {} ms latency; median of {REPS} interleaved runs. The floor fetches the 100 pages without overlap at the same concurrency (for `auto`, at the concurrency the controller settled on).\n\n| concurrency | requests (floor: 100) | extra requests | heal requests | client | floor | client / floor |\n|---|---|---|---|---|---|---|", LATENCY.as_millis()).unwrap();
    let _ = walk(&client(&sandbox, Some(8))).await;
    for concurrency in [Some(1), Some(4), Some(8), None] {
        let client = client(&sandbox, concurrency);
        let _ = walk(&client).await; // the adaptive controller learns once
        let (mut c, mut f, mut report) = (Vec::new(), Vec::new(), WalkReport::default());
        for _ in 0..REPS {
            let (t, r, ids) = walk(&client).await;
            assert_eq!(ids.len(), ROWS);
            report = r;
            c.push(t);
            let settled = concurrency.unwrap_or_else(|| client.concurrency().limit());
            f.push(floor(&sandbox, settled).await);
        }
        let (c, f) = (median(c), median(f));
        let name = concurrency.map_or_else(
            || format!("auto (settled at {})", client.concurrency().limit()),
            |n| n.to_string(),
        );
        writeln!(
            out,
            "| {name} | {} | {:.1}% | {} | {} | {} | {} |",
            report.requests,
            (report.requests as f64 / 100.0 - 1.0) * 100.0,
            report.heal_requests,
            ms(c),
            ms(f),
            ratio(c, f)
        )
        .unwrap();
    }

    // 2. Under churn.
    writeln!(out, "\n### Walks 2. A walk under churn\n\nThe same roster, concurrency 8, one change before every Nth list request (a fresh roster each run; median of {REPS}). Lost: surviving providers not returned (always 0).\n\n| churn | requests | heal requests | rows re-read | discarded pages | wall | wall / unchanging | lost |\n|---|---|---|---|---|---|---|---|").unwrap();
    let baseline = {
        let client = client(&sandbox, Some(8));
        median(vec![
            walk(&client).await.0,
            walk(&client).await.0,
            walk(&client).await.0,
        ])
    };
    for (name, churn) in [
        ("none", None),
        (
            "insert at the front, every request",
            Some(Churn::new(ChurnOp::Insert, ChurnAt::Front)),
        ),
        (
            "delete at the front, every request",
            Some(Churn::new(ChurnOp::Delete, ChurnAt::Front)),
        ),
        (
            "delete anywhere, every 2nd request",
            Some(Churn::new(ChurnOp::Delete, ChurnAt::Random).every(2)),
        ),
        (
            "insert anywhere, every request",
            Some(Churn::new(ChurnOp::Insert, ChurnAt::Random)),
        ),
    ] {
        let (mut walls, mut last, mut lost) = (Vec::new(), WalkReport::default(), 0);
        for _ in 0..REPS {
            let fresh = roster().start().await.expect("sandbox");
            let client = client(&fresh, Some(8));
            let before: HashSet<AccountId> = fresh.provider_ids().into_iter().collect();
            fresh.set_churn(churn);
            let (t, report, ids) = walk(&client).await;
            fresh.set_churn(None);
            let after: HashSet<AccountId> = fresh.provider_ids().into_iter().collect();
            let got: HashSet<AccountId> = ids.into_iter().collect();
            lost += before
                .intersection(&after)
                .filter(|id| !got.contains(id))
                .count();
            walls.push(t);
            last = report;
        }
        let wall = median(walls);
        writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {} | {lost} |",
            last.requests,
            last.heal_requests,
            last.rows_reread,
            last.pages_discarded,
            ms(wall),
            ratio(wall, baseline)
        )
        .unwrap();
    }

    // 3. A server that refuses a ninth request in flight.
    writeln!(out, "\n### Walks 3. Against `--max-in-flight 8`\n\n10 consecutive walks of the same roster by one client (its controller learns once), against the same walks pinned at concurrency 8.\n\n| client | requests | answered 429 | share | wall (10 walks) | / fixed 8 |\n|---|---|---|---|---|---|").unwrap();
    let mut fixed_wall = Duration::ZERO;
    for (name, concurrency) in [("fixed 8", Some(8)), ("auto", None)] {
        let capped = roster().max_in_flight(8).start().await.expect("sandbox");
        let client = client(&capped, concurrency);
        let started = Instant::now();
        for _ in 0..10 {
            assert_eq!(walk(&client).await.2.len(), ROWS);
        }
        let wall = started.elapsed();
        if fixed_wall.is_zero() {
            fixed_wall = wall;
        }
        let stats = capped.stats();
        writeln!(
            out,
            "| {name} | {} | {} | {:.2}% | {} | {} |",
            stats.requests,
            stats.throttled,
            stats.throttled as f64 * 100.0 / stats.requests.max(1) as f64,
            ms(wall),
            ratio(wall, fixed_wall)
        )
        .unwrap();
    }

    // 4. TLS and HTTP/2; 5. compression.
    writeln!(out, "\n### Walks 4. TLS with HTTP/2, and compression\n\nOne walk of the roster by a fresh client (median of {REPS}), adaptive concurrency. Bytes are what the sandbox wrote to its sockets.\n\n| server | connections | bytes on the wire | / uncompressed | wall |\n|---|---|---|---|---|").unwrap();
    let mut plain_bytes = 0;
    for (name, tls, compression) in [
        ("HTTP/1.1, uncompressed", false, false),
        ("HTTP/1.1, compressed", false, true),
        ("TLS + HTTP/2, compressed", true, true),
    ] {
        let server = roster()
            .tls(tls)
            .compression(compression)
            .start()
            .await
            .expect("sandbox");
        let mut walls = Vec::new();
        for _ in 0..REPS {
            let client = client(&server, None);
            walls.push(walk(&client).await.0);
        }
        let stats = server.stats();
        let bytes = stats.bytes_sent / REPS as u64;
        if plain_bytes == 0 {
            plain_bytes = bytes;
        }
        writeln!(
            out,
            "| {name} | {} per walk | {:.1} MB | {:.0}% | {} |",
            stats.connections / REPS as u64,
            bytes as f64 / 1e6,
            bytes as f64 * 100.0 / plain_bytes as f64,
            ms(median(walls))
        )
        .unwrap();
    }

    println!("{out}");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/BENCHMARKS.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let (begin, end) = ("<!-- walks:begin -->", "<!-- walks:end -->");
    let section = format!("{begin}\n{out}\n{end}");
    let doc = match (doc.find(begin), doc.find(end)) {
        (Some(a), Some(b)) => format!("{}{section}{}", &doc[..a], &doc[b + end.len()..]),
        _ => format!("{doc}\n{section}\n"),
    };
    std::fs::write(path, doc).expect("BENCHMARKS.md");
}
