//! The benchmark suite: the client beside the network floor, in one run.
//!
//! `cargo bench --features sandbox --bench roster` (add `-- --skip-build`
//! to leave out the build-cost scenario). It starts the `assured-sandbox`
//! binary in a separate process, measures five scenarios side by side, and
//! writes the results to `BENCHMARKS.md`.

use std::{
    fmt::Write as _,
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use assured::{npi::NpiStrategy, sandbox::Sandbox, Client, ListProvidersParams};
use futures::{stream, StreamExt, TryStreamExt};

const KEY: &str = "sandbox-api-key";
const PAGE: u32 = 100;

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox_process(providers: usize, latency_ms: u64) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_assured-sandbox"))
        .args(["--port", "0", "--seed", "42", "--max-limit", "100"])
        .args([
            "--providers",
            &providers.to_string(),
            "--latency-ms",
            &latency_ms.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the sandbox binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("banner");
    let base = line
        .split_whitespace()
        .nth(2)
        .expect("base url in the banner")
        .to_string();
    Server { child, base }
}

fn client(base: &str, concurrency: usize) -> Client {
    Client::builder()
        .base_url(base)
        .api_key(KEY)
        .page_size(PAGE)
        .concurrency(concurrency)
        .build()
        .expect("client")
}

/// The floor: the same pages by a bare reqwest loop, bytes only.
async fn floor(base: &str, rows: u64, concurrency: usize) -> (Duration, usize) {
    let http = reqwest::Client::new();
    let started = Instant::now();
    let bytes: usize = stream::iter((0..rows).step_by(PAGE as usize))
        .map(|offset| {
            let http = http.clone();
            let url = format!("{base}/api/v1/users/providers-list/?limit={PAGE}&offset={offset}");
            async move {
                let response = http
                    .get(url)
                    .header("x-api-key", KEY)
                    .send()
                    .await
                    .expect("floor request");
                response.bytes().await.expect("floor body").len()
            }
        })
        .buffered(concurrency)
        .fold(0, |sum, n| async move { sum + n })
        .await;
    (started.elapsed(), bytes)
}

async fn client_collect(base: &str, concurrency: usize) -> (Duration, usize) {
    let client = client(base, concurrency);
    let started = Instant::now();
    let all = client
        .providers()
        .walk(&ListProvidersParams::new())
        .collect()
        .await
        .expect("collect");
    (started.elapsed(), all.items.len())
}

async fn client_rows(base: &str, concurrency: usize) -> (Duration, usize) {
    let client = client(base, concurrency);
    let started = Instant::now();
    let n = client
        .providers()
        .walk(&ListProvidersParams::new())
        .rows()
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await
        .expect("rows");
    (started.elapsed(), n)
}

/// User + system CPU time of this process.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    // After the command name: state is field 3, utime 14, stime 15 (1-based).
    let ticks = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(14) + ticks(15)) * 10)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("VmHWM:")
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// Runs in a child process so that its peak RSS is its own.
async fn memory_child(mode: &str, base: &str) {
    let client = client(base, 4);
    let rows = match mode {
        "rows" => client
            .providers()
            .walk(&ListProvidersParams::new())
            .rows()
            .try_fold(0usize, |n, _| async move { Ok(n + 1) })
            .await
            .expect("rows"),
        _ => client
            .providers()
            .walk(&ListProvidersParams::new())
            .collect()
            .await
            .expect("collect")
            .items
            .len(),
    };
    println!("rows={rows} peak_kib={}", peak_rss_kib());
}

fn measure_memory(mode: &str, base: &str) -> (usize, u64) {
    let out = Command::new(std::env::current_exe().expect("bench binary"))
        .args(["--memory-child", mode, base])
        .output()
        .expect("memory child");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("rows="))
        .unwrap_or("rows=0 peak_kib=0");
    let value = |key: &str| {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (value("rows=") as usize, value("peak_kib="))
}

fn cargo_build_time(target: &str) -> Duration {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let started = Instant::now();
    let status = Command::new(cargo)
        .args(["build", "-q", "-p", "assured", "--lib"])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo build");
    assert!(status.success(), "cargo build failed");
    started.elapsed()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--memory-child") {
        memory_child(&args[i + 1], &args[i + 2]).await;
        return;
    }
    let skip_build = args.iter().any(|a| a == "--skip-build");
    let mut report = String::new();
    let reps = 3;

    // 1. Roster pull, latency-bound.
    let server = sandbox_process(10_000, 20);
    let _ = client_collect(&server.base, 8).await; // warm up the connection paths
    writeln!(report, "### 1. Roster pull, latency-bound\n\n`walk(..).collect()` of 10 000 providers (pages overlap by 3 rows: 104 requests), page size 100, 20 ms sandbox latency per request (median of {reps} interleaved runs).\n\n| concurrency | client `collect` | floor (bare reqwest, bytes only) | client / floor |\n|---|---|---|---|").unwrap();
    for concurrency in [1usize, 4, 8] {
        let (mut c, mut f) = (Vec::new(), Vec::new());
        for _ in 0..reps {
            let (t, n) = client_collect(&server.base, concurrency).await;
            assert_eq!(n, 10_000);
            c.push(t);
            f.push(floor(&server.base, 10_000, concurrency).await.0);
        }
        let (c, f) = (median(c), median(f));
        writeln!(
            report,
            "| {concurrency} | {} | {} | {:.2}x |",
            ms(c),
            ms(f),
            c.as_secs_f64() / f.as_secs_f64()
        )
        .unwrap();
    }
    drop(server);

    // 2. Decode-bound.
    let server = sandbox_process(100_000, 0);
    let _ = floor(&server.base, 100_000, 4).await;
    writeln!(report, "\n### 2. Decode-bound\n\n100 000 providers, zero latency, concurrency 4 (median of {reps}). CPU is this process's user+system time (the sandbox runs in another process).\n\n| | wall | providers/s | CPU | CPU per provider | wall / floor |\n|---|---|---|---|---|---|").unwrap();
    let mut floor_wall = Duration::ZERO;
    for name in ["floor (bytes only)", "client `collect`", "client `rows`"] {
        let (mut walls, mut cpus) = (Vec::new(), Vec::new());
        for _ in 0..reps {
            let cpu0 = cpu_time();
            let (t, _) = match name {
                "client `collect`" => client_collect(&server.base, 4).await,
                "client `rows`" => client_rows(&server.base, 4).await,
                _ => floor(&server.base, 100_000, 4).await,
            };
            cpus.push(cpu_time() - cpu0);
            walls.push(t);
        }
        let (wall, cpu) = (median(walls), median(cpus));
        if floor_wall.is_zero() {
            floor_wall = wall;
        }
        writeln!(
            report,
            "| {name} | {} | {:.0} | {} | {:.2} µs | {:.2}x |",
            ms(wall),
            100_000.0 / wall.as_secs_f64(),
            ms(cpu),
            cpu.as_secs_f64() * 1e6 / 100_000.0,
            wall.as_secs_f64() / floor_wall.as_secs_f64()
        )
        .unwrap();
    }

    // 3. Memory.
    let small = sandbox_process(10_000, 0);
    writeln!(report, "\n### 3. Peak resident memory\n\nEach in a fresh child process (peak RSS, VmHWM), concurrency 4.\n\n| | 10 000 providers | 100 000 providers | growth |\n|---|---|---|---|").unwrap();
    for mode in ["rows", "collect"] {
        let (n1, small_kib) = measure_memory(mode, &small.base);
        let (n2, large_kib) = measure_memory(mode, &server.base);
        assert_eq!((n1, n2), (10_000, 100_000));
        writeln!(
            report,
            "| `{mode}` | {:.1} MiB | {:.1} MiB | {:.2}x |",
            small_kib as f64 / 1024.0,
            large_kib as f64 / 1024.0,
            large_kib as f64 / small_kib.max(1) as f64
        )
        .unwrap();
    }
    drop(small);
    drop(server);

    // 4. NPI lookups (in-process sandbox, for its request log).
    let sandbox = Sandbox::builder()
        .seed(42)
        .providers(10_000)
        .latency(Duration::from_millis(20))
        .start()
        .await
        .expect("sandbox");
    let setup = client(sandbox.base_url(), 8);
    let npis: Vec<String> = setup
        .providers()
        .walk(&ListProvidersParams::new())
        .collect()
        .await
        .expect("roster")
        .items
        .into_iter()
        .filter_map(|p| p.npi)
        .collect();
    writeln!(report, "\n### 4. NPI lookups\n\n10 000 providers, 20 ms sandbox latency, client concurrency 4.\n\n| lookup | requests sent | time |\n|---|---|---|").unwrap();
    let lookups = client(sandbox.base_url(), 4);
    sandbox.clear_requests();
    let started = Instant::now();
    lookups
        .providers()
        .get_by_npi(&npis[0])
        .await
        .expect("cold");
    writeln!(
        report,
        "| cold (server filter) | {} | {} |",
        sandbox.requests().len(),
        ms(started.elapsed())
    )
    .unwrap();
    sandbox.clear_requests();
    // One lookup is a few microseconds, under a shared machine's noise: the
    // mean of many.
    const WARM: u32 = 10_000;
    let started = Instant::now();
    for _ in 0..WARM {
        lookups
            .providers()
            .get_by_npi(&npis[0])
            .await
            .expect("warm");
    }
    writeln!(
        report,
        "| warm (cached; mean of {WARM}) | {} | {:.1} µs |",
        sandbox.requests().len(),
        started.elapsed().as_secs_f64() * 1e6 / f64::from(WARM)
    )
    .unwrap();
    for (name, strategy) in [
        ("server filter", NpiStrategy::ServerFilter),
        ("full index", NpiStrategy::FullIndex),
    ] {
        let c = Client::builder()
            .base_url(sandbox.base_url())
            .api_key(KEY)
            .npi_strategy(strategy)
            .build()
            .expect("client");
        sandbox.clear_requests();
        let started = Instant::now();
        let found = c
            .providers()
            .get_by_npis(&npis[1..1001])
            .await
            .expect("1000 lookups");
        assert_eq!(found.found.len(), 1000);
        writeln!(
            report,
            "| 1 000 distinct NPIs, {name} | {} | {} |",
            sandbox.requests().len(),
            ms(started.elapsed())
        )
        .unwrap();
    }
    for (name, distinct) in [
        ("50 concurrent cold lookups, one NPI", false),
        ("50 concurrent cold lookups, 50 NPIs", true),
    ] {
        let c = client(sandbox.base_url(), 4);
        sandbox.clear_requests();
        let started = Instant::now();
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let c = c.clone();
                let npi = npis[if distinct { 2000 + i } else { 2000 }].clone();
                tokio::spawn(async move { c.providers().get_by_npi(&npi).await })
            })
            .collect();
        for t in tasks {
            t.await.expect("task").expect("lookup");
        }
        writeln!(
            report,
            "| {name} | {} | {} |",
            sandbox.requests().len(),
            ms(started.elapsed())
        )
        .unwrap();
    }
    drop(sandbox);

    // 5. Build cost.
    if !skip_build {
        let target = format!("{}/target/bench-build", env!("CARGO_MANIFEST_DIR"));
        let _ = std::fs::remove_dir_all(&target);
        let clean = cargo_build_time(&target);
        let spec = format!("{}/spec/assured.yaml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read(&spec).expect("spec");
        std::fs::write(&spec, &text).expect("touch spec");
        let rebuild = cargo_build_time(&target);
        writeln!(report, "\n### 5. Build cost\n\n`cargo build -p assured --lib` (dev profile, default features), own target directory.\n\n| build | time |\n|---|---|\n| clean, with all dependencies | {:.1} s |\n| after touching `spec/assured.yaml` (regenerates the client) | {:.1} s |", clean.as_secs_f64(), rebuild.as_secs_f64()).unwrap();
    }

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    // The `walks` bench owns its section; a skipped build-cost scenario
    // keeps the figures of the run that measured it.
    let path = format!("{}/BENCHMARKS.md", env!("CARGO_MANIFEST_DIR"));
    let previous = std::fs::read_to_string(&path).unwrap_or_default();
    let walks = previous
        .find("<!-- walks:begin -->")
        .map_or("", |at| &previous[at..]);
    if skip_build {
        let kept = previous.find("\n### 5. Build cost").map(|at| {
            let end = previous[at..]
                .find("<!-- walks:begin -->")
                .map_or(previous.len(), |n| at + n);
            let kept = previous[at..end].trim_end();
            // Drop the note an earlier --skip-build run added, so it is not repeated.
            kept.replace(
                "\n\n(Build cost: kept from an earlier run; this one used `--skip-build`.)",
                "",
            )
        });
        if let Some(kept) = kept {
            writeln!(
                report,
                "{kept}\n\n(Build cost: kept from an earlier run; this one used `--skip-build`.)"
            )
            .unwrap();
        }
    }
    let document = format!(
        "# Benchmarks\n\nMeasured {date} on {cores} cores ({cpu}), a shared machine: compare the ratios, measured side by side in one run, more than the absolute times.\n\nCommand: `cargo bench --features sandbox --bench roster` (release build; the sandbox runs as the `assured-sandbox` binary in a separate process for scenarios 1-3). The floor fetches the same pages with a bare `reqwest` client and the same concurrency, reading bytes without decoding; it knows every offset in advance, while the client must read the first page to learn `count`.\n\n{report}"
    );
    println!("{document}");
    let document = format!("{}\n\n{walks}", document.trim_end());
    std::fs::write(&path, document).expect("write BENCHMARKS.md");
    eprintln!("wrote {path}");
}
