//! Unit tests of `src/transport.rs`: the memory success bodies may hold, alone and together.

use super::*;

const MIB: usize = 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// A 200 answer whose body is `size` bytes of spaces, streamed in 64 KiB chunks from one
/// static buffer (so the test itself holds nothing).
fn answer(size: usize) -> reqwest::Response {
    static SPACES: [u8; CHUNK] = [b' '; CHUNK];
    let chunks = (0..size.div_ceil(CHUNK)).map(move |i| {
        let len = CHUNK.min(size - i * CHUNK);
        Ok::<_, std::io::Error>(Bytes::from_static(&SPACES[..len]))
    });
    let body = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
    reqwest::Response::from(http::Response::new(body))
}

/// What reading `bodies` at once, a chunk each in turn, gives: each one's outcome, and the most
/// bytes all of them held together at any point (a reader keeps what it has read).
async fn read_together(bodies: Vec<reqwest::Response>) -> (Vec<Result<usize, String>>, usize) {
    let mut streams: Vec<_> = bodies.into_iter().map(|b| Some(b.bytes_stream())).collect();
    let mut held = vec![0usize; streams.len()];
    let mut outcomes: Vec<Option<Result<usize, String>>> = vec![None; streams.len()];
    let mut peak = 0;
    while outcomes.iter().any(Option::is_none) {
        for (i, slot) in streams.iter_mut().enumerate() {
            let Some(stream) = slot else { continue };
            match stream.next().await {
                Some(Ok(chunk)) => held[i] += chunk.len(),
                Some(Err(e)) => {
                    let chain =
                        std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source());
                    outcomes[i] = chain.last().map(|cause| Err(cause.to_string()));
                    // A failed page is dropped, and its bytes with it.
                    held[i] = 0;
                    *slot = None;
                }
                None => {
                    outcomes[i] = Some(Ok(held[i]));
                    *slot = None;
                }
            }
            peak = peak.max(held.iter().sum());
        }
    }
    (outcomes.into_iter().flatten().collect(), peak)
}

/// Sixteen 20 MiB bodies read at once (a walk's prefetched pages under a bomb) hold at most
/// 16 × 1 MiB + 64 MiB between them, not 16 × 16 MiB, and every one fails; the budget is whole
/// again afterwards, many times over.
#[tokio::test]
async fn bodies_read_together_share_one_budget() {
    let drawn = Arc::new(AtomicUsize::new(0));
    for concurrency in [4, 16, 32] {
        for _ in 0..3 {
            let bodies = (0..concurrency)
                .map(|_| bounded(answer(20 * MIB), &drawn))
                .collect();
            let (outcomes, peak) = read_together(bodies).await;
            let bound = concurrency * BODY_ALLOWANCE + SHARED_BODY_BUDGET + concurrency * CHUNK;
            assert!(peak <= bound, "{concurrency}: held {peak} > {bound}");
            assert!(outcomes.iter().all(Result::is_err), "{outcomes:?}");
            let shared = outcomes
                .iter()
                .filter(|o| (o.as_ref()).is_err_and(|e| e.contains("shared 64 MiB budget")));
            // Four bodies fit: 4 × 15 MiB is under the budget.
            assert_eq!(shared.count() > 0, concurrency > 4, "{outcomes:?}");
            assert_eq!(drawn.load(Ordering::Relaxed), 0, "given back");
        }
    }
}

/// Large pages within the limit are read whole while the budget holds them all: four of
/// 12 MiB at once, then one of exactly 16 MiB; one past 16 MiB fails on its own.
#[tokio::test]
async fn large_pages_within_the_budget_are_read_whole() {
    let drawn = Arc::new(AtomicUsize::new(0));
    let bodies = (0..4).map(|_| bounded(answer(12 * MIB), &drawn)).collect();
    let (outcomes, _) = read_together(bodies).await;
    assert_eq!(outcomes, vec![Ok(12 * MIB); 4]);
    let (outcomes, _) = read_together(vec![bounded(answer(16 * MIB), &drawn)]).await;
    assert_eq!(outcomes, vec![Ok(16 * MIB)]);
    let (outcomes, _) = read_together(vec![bounded(answer(16 * MIB + 1), &drawn)]).await;
    assert_eq!(outcomes, vec![Err(TooLarge::Body.to_string())]);
    assert_eq!(drawn.load(Ordering::Relaxed), 0);
}
