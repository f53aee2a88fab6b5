//! Unit tests of `src/npi.rs`: the NPI cache's bound and what it never caches.

use super::*;

fn provider(n: u64) -> Provider {
    serde_json::from_value(serde_json::json!({
        "id": uuid::Uuid::from_u64_pair(0, n),
        "email": format!("p{n}@example.com"),
        "npi": format!("{n:010}"),
    }))
    .unwrap()
}

#[tokio::test]
async fn a_hundred_thousand_distinct_lookups_stay_within_the_bound() {
    let cache = NpiCache::new(Duration::from_secs(300), 1_000, NpiStrategy::ServerFilter);
    let hot_loads = AtomicU64::new(0);
    for n in 0..100_000u64 {
        let npi = format!("{n:010}");
        let found = cache
            .get_or_load(&npi, || async { Ok(provider(n)) })
            .await
            .unwrap();
        assert_eq!(found.npi.as_deref(), Some(npi.as_str()));
        if n % 100 == 0 {
            // One NPI asked for again and again stays cached.
            cache
                .get_or_load("hot", || async {
                    hot_loads.fetch_add(1, Ordering::Relaxed);
                    Ok(provider(u64::MAX))
                })
                .await
                .unwrap();
        }
    }
    let held = cache.len().await;
    assert!(held <= 1_000, "{held} entries");
    assert!(held > 0);
    assert!(hot_loads.load(Ordering::Relaxed) <= 10, "{hot_loads:?}");
    assert_eq!(
        cache.stats().misses,
        100_000 + hot_loads.load(Ordering::Relaxed)
    );
}

#[tokio::test]
async fn misses_and_failures_are_not_cached() {
    let cache = NpiCache::new(Duration::from_secs(300), 10, NpiStrategy::ServerFilter);
    let missing = cache
        .get_or_load("1234567893", || async {
            Err(InvalidInput::new("npi", "not there").into())
        })
        .await;
    assert!(missing.is_err());
    assert!(cache.is_empty().await);
    let found = cache
        .get_or_load("1234567893", || async { Ok(provider(7)) })
        .await
        .unwrap();
    assert_eq!(found.id.as_uuid(), uuid::Uuid::from_u64_pair(0, 7));
    assert_eq!(cache.stats().misses, 2);
}

/// At capacity, the providers looked up least recently go first: ones
/// just looked up for the first time are kept (moka's default, TinyLFU,
/// turns them away instead), and ones looked up again are kept over older
/// ones.
#[tokio::test]
async fn the_least_recently_used_go_first() {
    let cache = NpiCache::new(Duration::from_secs(300), 100, NpiStrategy::ServerFilter);
    let load = |n: u64| move || async move { Ok::<_, crate::Error>(provider(n)) };
    let look = |numbers: std::ops::RangeInclusive<u64>| {
        let cache = &cache;
        async move {
            for n in numbers {
                cache.get_or_load(&n.to_string(), load(n)).await.unwrap();
                // Applies the read or the insert before the next one.
                cache.len().await;
            }
            cache.stats().misses
        }
    };
    look(1..=100).await;
    look(1..=50).await;
    let misses = look(101..=150).await;
    assert_eq!(cache.len().await, 100);
    assert_eq!(look(1..=50).await, misses, "looked up again: kept");
    assert_eq!(look(101..=150).await, misses, "looked up last: kept");
    assert_eq!(look(51..=51).await, misses + 1, "the oldest went first");
}

/// moka refuses a time-to-live over 1 000 years (a panic when the cache is
/// built); a longer one, `Duration::MAX` included, is held at that.
#[test]
fn the_longest_time_to_live_means_never_expire() {
    let cache = NpiCache::new(Duration::MAX, 10, NpiStrategy::ServerFilter);
    assert_eq!(cache.ttl(), MAX_TTL);
    assert!(cache.fresh(Instant::now()));
}
