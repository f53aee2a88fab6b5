//! Unit tests of `src/sandbox/state.rs`: stored CAQH records redact their
//! credentials in Debug; after a burst of edits every provider is found at
//! its new position.

use super::{Edit, State};
use crate::sandbox::data::{new_provider, Gen};

#[test]
fn after_a_burst_of_edits_every_provider_is_found_where_it_is() {
    let mut gen = Gen::new(5);
    let mut state = State::default();
    for i in 0..20 {
        let record = new_provider(
            &state,
            &mut gen,
            format!("p{i}@example.org"),
            None,
            None,
            None,
        );
        state.insert(record);
    }
    let gone = state.providers[7].listing.id;
    let fresh = |state: &State, step: u64| {
        let email = format!("n{step}@example.org");
        Box::new(new_provider(
            state,
            &mut Gen::new(step),
            email,
            None,
            None,
            None,
        ))
    };
    let mut step = 0;
    // Inserts at the front and in the middle, deletes at 7 and at the end.
    state.edit_order(6, |state| {
        step += 1;
        Some(match step {
            1 => Edit::Remove(7),
            2 | 4 => Edit::Insert(0, fresh(state, step)),
            3 => Edit::Insert(10, fresh(state, step)),
            5 => Edit::Remove(state.providers.len() - 1),
            _ => return None,
        })
    });
    assert_eq!(state.providers.len(), 20 + 3 - 2);
    assert!(!state.contains(&gone));
    for index in 0..state.providers.len() {
        let (id, profile) = {
            let listing = &state.providers[index].listing;
            (listing.id, listing.provider_profile_id.clone().unwrap())
        };
        assert!(state.contains(&id), "row {index} not indexed by id");
        let found = state.by_profile_mut(profile.as_str()).map(|r| r.listing.id);
        assert_eq!(found, Some(id), "row {index} found elsewhere by profile");
    }
}

#[test]
fn caqh_records_redact_their_credentials_in_debug() {
    let record = super::CaqhRecord {
        provider: None,
        username: "jdoe_caqh".into(),
        password: "s3cret-pass".into(),
        full_name: "Jane Doe".into(),
        signature: None,
    };
    let debug = format!("{record:?} {record:#?}");
    // A failure says which credential shows, never the Debug text itself.
    for (name, value) in [("username", "jdoe_caqh"), ("password", "s3cret-pass")] {
        assert!(!debug.contains(value), "Debug shows the CAQH {name}");
    }
    assert!(debug.contains("Jane Doe"));
}
