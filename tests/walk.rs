//! The walk's guarantee, replayed on the sandbox: a roster that changes
//! while it is read (inserts and deletes, at the front and anywhere, answers
//! out of order) loses no surviving provider and yields none twice, at
//! concurrency 1 to 32; nulled computed fields decode; caps and a lying
//! `count` behave; a list that changes faster than it can be read is
//! `Error::ListUnstable`, in a bounded number of requests.

use std::{collections::HashSet, time::Duration};

use assured::AccountId;
use assured::{
    sandbox::{Churn, ChurnAt, ChurnOp, Sandbox},
    Error, ListProvidersNotInPracticeLocationParams, ListProvidersParams, WalkReport,
};
use futures::TryStreamExt;

const ROSTER: usize = 1_000;
const REPS: usize = 20;

async fn sandbox(providers: usize) -> Sandbox {
    Sandbox::builder()
        .seed(11)
        .providers(providers)
        .jitter(Duration::from_micros(1_500))
        .start()
        .await
        .expect("sandbox starts")
}

/// Walks once under `churn` and checks the guarantee; returns the report.
async fn walk_under(sandbox: &Sandbox, churn: Churn, concurrency: usize, limit: u64) -> WalkReport {
    let client = sandbox.client().unwrap();
    let before: HashSet<AccountId> = sandbox.provider_ids().into_iter().collect();
    sandbox.set_churn(Some(churn));
    let walked = client
        .providers()
        .walk(&ListProvidersParams::new().limit(limit))
        .concurrency(concurrency)
        .collect()
        .await;
    sandbox.set_churn(None);
    let walked = walked.unwrap_or_else(|e| panic!("{churn:?} at {concurrency}: {e}"));
    let after: HashSet<AccountId> = sandbox.provider_ids().into_iter().collect();
    let yielded: Vec<AccountId> = walked.items.iter().map(|p| p.id).collect();
    let unique: HashSet<AccountId> = yielded.iter().copied().collect();
    assert_eq!(
        unique.len(),
        yielded.len(),
        "{churn:?} at {concurrency}: a row came twice"
    );
    let lost: Vec<&AccountId> = before
        .intersection(&after)
        .filter(|id| !unique.contains(id))
        .collect();
    assert!(
        lost.is_empty(),
        "{churn:?} at {concurrency}: {} surviving providers lost; {:?}",
        lost.len(),
        walked.report
    );
    assert_eq!(walked.report.rows, yielded.len());
    assert!(!walked.report.truncated);
    walked.report
}

async fn replay(op: ChurnOp, at: ChurnAt) {
    for concurrency in [1, 4, 16, 32] {
        let (mut heals, mut changed, mut requests) = (0, 0, 0);
        for rep in 0..REPS {
            // A fresh roster each time: deletes would empty a shared one.
            let sandbox = sandbox(ROSTER).await;
            // Every request, every other, every third: shifts of every size.
            let churn = Churn::new(op, at).every(1 + rep % 3);
            let report = walk_under(&sandbox, churn, concurrency, 50).await;
            heals += report.heal_requests;
            requests += report.requests;
            changed += usize::from(report.list_changed());
        }
        eprintln!(
            "{op:?} {at:?} at {concurrency}: {requests} requests, {heals} heals in {REPS} walks"
        );
        assert_eq!(
            changed, REPS,
            "{op:?} {at:?} at {concurrency}: every walk saw the change"
        );
        if op == ChurnOp::Delete && at == ChurnAt::Front {
            assert!(
                heals > 0,
                "deletes at the front must be healed at {concurrency}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inserts_at_the_front_lose_no_survivor() {
    replay(ChurnOp::Insert, ChurnAt::Front).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_at_the_front_lose_no_survivor() {
    replay(ChurnOp::Delete, ChurnAt::Front).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inserts_anywhere_lose_no_survivor() {
    replay(ChurnOp::Insert, ChurnAt::Random).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_anywhere_lose_no_survivor() {
    replay(ChurnOp::Delete, ChurnAt::Random).await;
}

/// Bursts of 200 rows inserted at the front before every request of 20:
/// each read moves the rows already read ten pages on, further than any
/// re-read reaches. The walk must say so, not loop or yield a partial list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_changing_faster_than_it_can_be_read_is_list_unstable() {
    for concurrency in [1, 4, 16, 32] {
        for rep in 0..REPS {
            let sandbox = sandbox(ROSTER).await;
            let client = sandbox.client().unwrap();
            let burst = Churn::new(ChurnOp::Insert, ChurnAt::Front).rows(200);
            sandbox.set_churn(Some(if rep % 2 == 0 {
                burst
            } else {
                // The same, told by the CLI's spelling.
                "insert-front:1:200".parse().unwrap()
            }));
            let walked = client
                .providers()
                .walk(&ListProvidersParams::new().limit(20))
                .concurrency(concurrency)
                .collect()
                .await;
            let list_requests = sandbox
                .requests()
                .iter()
                .filter(|r| r.path.ends_with("/providers-list/"))
                .count();
            match walked {
                Err(Error::ListUnstable { offset, tries }) => {
                    // Re-reads centred past the head, where the rows read
                    // had drifted; at most the seven windows of one heal.
                    assert!(offset > 0, "at {concurrency}: offset {offset}");
                    assert!((1..=7).contains(&tries), "at {concurrency}: {tries} tries");
                    // The head, the pages in flight, the re-reads: no loop.
                    assert!(
                        list_requests <= 1 + concurrency + tries,
                        "at {concurrency}: {list_requests} requests for {tries} re-reads"
                    );
                }
                other => panic!(
                    "at {concurrency}: expected ListUnstable, got {:?}",
                    other.map(|c| c.report)
                ),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanging_roster_costs_exactly_104_requests() {
    let sandbox = sandbox(10_000).await;
    let client = sandbox.client().unwrap();
    for concurrency in [1, 4, 16] {
        let all = client
            .providers()
            .walk(&ListProvidersParams::new())
            .concurrency(concurrency)
            .collect()
            .await
            .unwrap();
        let r = &all.report;
        assert_eq!(all.items.len(), 10_000);
        // 100 pages of 100 rows without overlap; with 3 rows of overlap a
        // window steps 97 rows, so 104 windows cover 10 000 (the README's
        // figure), whatever the concurrency: nothing is read past `count`.
        assert_eq!(r.requests, 104, "at {concurrency}");
        assert_eq!(r.requests, sandbox.requests().len(), "at {concurrency}");
        sandbox.clear_requests();
        assert_eq!(
            (r.heal_requests, r.duplicates_dropped, r.pages_discarded),
            (0, 0, 0)
        );
        assert!(!r.list_changed());
        assert_eq!(
            (r.count_at_start, r.count_at_end),
            (Some(10_000), Some(10_000))
        );
    }
}

#[tokio::test]
async fn truncated_is_exact_on_a_page_boundary() {
    for (roster, truncated) in [(10, true), (4, false), (5, true)] {
        let sandbox = sandbox(roster).await;
        let client = sandbox.client().unwrap();
        let walk = client
            .providers()
            .walk(&ListProvidersParams::new().limit(2))
            .max_items(4);
        let all = walk.collect().await.unwrap();
        assert_eq!(all.items.len(), 4.min(roster));
        assert_eq!(all.report.truncated, truncated, "{roster} rows");
    }
    let sandbox = sandbox(10).await;
    let client = sandbox.client().unwrap();
    let all = client
        .providers()
        .walk(&ListProvidersParams::new().limit(5))
        .max_items(10)
        .collect()
        .await
        .unwrap();
    assert_eq!((all.items.len(), all.report.truncated), (10, false));
    let pages = client
        .providers()
        .walk(&ListProvidersParams::new().limit(4))
        .max_pages(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(pages.report.pages, 2);
    assert!(pages.report.truncated);
}

#[tokio::test]
async fn the_three_shapes_agree_and_report() {
    let sandbox = sandbox(230).await;
    let client = sandbox.client().unwrap();
    let walk = || {
        client
            .providers()
            .walk(&ListProvidersParams::new().limit(40))
    };
    let collected = walk().collect().await.unwrap();
    let mut rows = walk().rows();
    let mut streamed = Vec::new();
    while let Some(p) = rows.try_next().await.unwrap() {
        streamed.push(p.id);
    }
    let mut pages = walk().pages();
    let mut paged = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        paged.extend(page.results.iter().map(|p| p.id));
    }
    let ids: Vec<AccountId> = collected.items.iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), 230);
    assert_eq!(streamed, ids);
    assert_eq!(paged, ids);
    assert_eq!(rows.report(), collected.report);
    assert_eq!(pages.report(), collected.report);
}

#[tokio::test]
async fn nulled_computed_fields_decode_and_lookups_handle_them() {
    let sandbox = Sandbox::builder()
        .providers(1_000)
        .null_computed_every(50)
        .start()
        .await
        .unwrap();
    let client = sandbox.client().unwrap();
    let all = client
        .providers()
        .walk(&ListProvidersParams::new())
        .collect()
        .await
        .unwrap();
    assert_eq!(all.items.len(), 1_000);
    let nulled: Vec<_> = all.items.iter().filter(|p| p.full_name.is_none()).collect();
    assert_eq!(nulled.len(), 20);
    for p in &nulled {
        assert!(p.npi.is_none() && p.provider_profile_id.is_none());
        assert!(p.profile_completeness_percentage.is_none());
    }
    let err = client
        .providers()
        .get_profile_id(nulled[0].id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingProfileId { .. }), "{err}");
    let whole = all.items.iter().find(|p| p.npi.is_some()).unwrap();
    let found = client
        .providers()
        .get_by_npi(whole.npi.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(found.id, whole.id);
    let location = sandbox.practice_locations()[0];
    let users = client
        .providers()
        .walk(&ListProvidersNotInPracticeLocationParams::default().practice_location(location))
        .collect()
        .await
        .unwrap();
    assert!(users.items.iter().any(|u| u.user_type.is_none()));
    assert!(users.items.iter().any(|u| u.user_type.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_other_lists_walk_under_churn() {
    let sandbox = sandbox(ROSTER).await;
    let client = sandbox.client().unwrap();
    let location = sandbox.practice_locations()[0];
    for concurrency in [1, 16] {
        let before: HashSet<AccountId> = sandbox.provider_ids().into_iter().collect();
        sandbox.set_churn(Some(Churn::new(ChurnOp::Delete, ChurnAt::Front)));
        let users = client
            .providers()
            .walk(
                &ListProvidersNotInPracticeLocationParams::default()
                    .limit(40)
                    .practice_location(location),
            )
            .concurrency(concurrency)
            .collect()
            .await
            .unwrap();
        sandbox.set_churn(None);
        let after: HashSet<AccountId> = sandbox.provider_ids().into_iter().collect();
        let got: HashSet<AccountId> = users.items.iter().map(|u| u.id).collect();
        assert_eq!(got.len(), users.items.len());
        let members: HashSet<AccountId> = before.intersection(&after).copied().collect();
        // Survivors outside the location are all there.
        let all_outside = client
            .providers()
            .walk(&ListProvidersNotInPracticeLocationParams::default().practice_location(location))
            .collect()
            .await
            .unwrap();
        for user in all_outside.items.iter().filter(|u| members.contains(&u.id)) {
            assert!(got.contains(&user.id), "lost {} at {concurrency}", user.id);
        }
    }
}

/// Pages whose bodies break off mid-transfer are read again: with the next three list answers
/// broken each time, a walk of 1 000 providers yields every one once, at concurrency 1 (where
/// one page breaks three times in a row, as many as the policy retries), 4, 16 and adaptive,
/// 3 rounds each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_broken_off_mid_transfer_are_read_again() {
    let sandbox = sandbox(ROSTER).await;
    let everyone: HashSet<AccountId> = sandbox.provider_ids().into_iter().collect();
    let quick = assured::RetryPolicy::default().base_delay(Duration::from_millis(1));
    let client = sandbox.client().unwrap().with_retry_policy(quick);
    // The fault breaks a body after its headers: not a failure before them, which the sending
    // retries would cover without any re-read.
    let list = "/api/v1/users/providers-list/";
    sandbox.plan(list, 1, assured::sandbox::Fault::BrokenBody);
    let once = client.with_retry_policy(assured::RetryPolicy::none());
    let broken = once
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await;
    let body = matches!(&broken, Err(Error::Transport { source, .. }) if source.is_body());
    assert!(body, "{broken:?}");
    for concurrency in [Some(1), Some(4), Some(16), None] {
        for round in 0..3 {
            let broken = assured::sandbox::Fault::BrokenBody;
            sandbox.plan("/api/v1/users/providers-list/", 3, broken);
            let mut walk = client
                .providers()
                .walk(&ListProvidersParams::new().limit(50));
            if let Some(pages) = concurrency {
                walk = walk.concurrency(pages);
            }
            let walked = walk.collect().await;
            let walked = walked.unwrap_or_else(|e| panic!("{concurrency:?}, round {round}: {e}"));
            let ids: HashSet<AccountId> = walked.items.iter().map(|p| p.id).collect();
            assert_eq!(walked.items.len(), ROSTER, "{concurrency:?}, round {round}");
            assert_eq!(ids, everyone, "{concurrency:?}, round {round}");
        }
    }
}
