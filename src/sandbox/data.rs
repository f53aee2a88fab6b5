//! Deterministic seed data: the same seed always gives the same providers,
//! practice locations, clients and CAQH import requests.

use chrono::NaiveDate;
use uuid::Uuid;

use super::state::{CaqhRecord, ProviderRecord, State};
use crate::models::{Provider, UserType};

const FIRST: &[&str] = &[
    "Aisha", "Ben", "Carmen", "Deepak", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal",
    "Keiko", "Liam", "Maya", "Nikolai", "Olivia", "Priya", "Quentin", "Rosa", "Samuel", "Tara",
    "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amara", "Bruno", "Chloe", "Dmitri",
];
const LAST: &[&str] = &[
    "Adeyemi",
    "Brennan",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fernandes",
    "Goldberg",
    "Haddad",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhang",
];

/// A seeded source of the sandbox's values.
pub(crate) struct Gen(pub(crate) fastrand::Rng);

impl Gen {
    pub(crate) fn new(seed: u64) -> Self {
        Self(fastrand::Rng::with_seed(seed))
    }

    pub(crate) fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        self.0.fill(&mut bytes);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// A valid NPI: first digit 1 or 2, Luhn check digit over `80840` + the number.
    pub(crate) fn npi(&mut self) -> String {
        let mut digits = format!("{}", self.0.u8(1..=2));
        for _ in 0..8 {
            digits.push(char::from(b'0' + self.0.u8(0..10)));
        }
        let check = (0..10)
            .map(|d| format!("{digits}{d}"))
            .find(|candidate| crate::npi::normalize(candidate).is_ok())
            .unwrap_or_default();
        check
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.0.usize(..from.len())]
    }
}

/// Fills `state` with `providers` providers and the rest of the seed data.
/// Every `null_every`th provider (0: none) has its computed fields nulled.
pub(crate) fn seed(state: &mut State, gen: &mut Gen, providers: usize, null_every: usize) {
    state.clients = (0..3).map(|_| gen.uuid()).collect();
    state.practice_locations = (0..5).map(|_| gen.uuid()).collect();
    for n in 0..providers {
        let first = gen.pick(FIRST).to_string();
        let last = gen.pick(LAST).to_string();
        let middle = (gen.0.u8(0..4) == 0).then(|| char::from(b'A' + gen.0.u8(0..26)).to_string());
        let email = format!(
            "{}.{}{}@example-health.org",
            first.to_lowercase(),
            last.to_lowercase(),
            n
        );
        let record = new_provider(state, gen, email, Some(first), middle, Some(last));
        let id = record.listing.id;
        let mut record = record;
        record.listing.is_active = Some(gen.0.u8(0..20) != 0);
        record.listing.profile_completeness_percentage =
            Some(f64::from(gen.0.u16(0..=1000)) / 10.0);
        record.client = Some(state.clients[n % state.clients.len()]);
        if gen.0.bool() {
            record.org_joining_date = NaiveDate::from_ymd_opt(
                2018 + i32::from(gen.0.u8(0..8)),
                1 + u32::from(gen.0.u8(0..12)),
                1 + u32::from(gen.0.u8(0..28)),
            );
        }
        if null_every > 0 && (n + 1) % null_every == 0 {
            let p = &mut record.listing;
            (p.full_name, p.npi, p.provider_profile_id) = (None, None, None);
            p.profile_completeness_percentage = None;
            record.nulled = true;
        }
        for location in state.practice_locations.clone() {
            if gen.0.u8(0..3) == 0 {
                state.members.entry(location).or_default().insert(id);
            }
        }
        state.insert(record);
    }
    for i in 0..3.min(providers) {
        let full_name = state.providers[i]
            .listing
            .full_name
            .clone()
            .unwrap_or_else(|| state.providers[i].listing.email.clone());
        let provider = state.providers[i].listing.id;
        state.add_caqh_request(CaqhRecord {
            provider: Some(provider),
            username: format!("caqh_user_{i:03}"),
            password: format!("sandbox-pass-{}", gen.0.u32(100_000..1_000_000)),
            full_name,
            signature: None,
        });
    }
}

/// A new provider account with fresh ids and a unique NPI.
pub(crate) fn new_provider(
    state: &State,
    gen: &mut Gen,
    email: String,
    first: Option<String>,
    middle: Option<String>,
    last: Option<String>,
) -> ProviderRecord {
    let npi = loop {
        let npi = gen.npi();
        if !state.npis.contains(&npi) {
            break npi;
        }
    };
    let full_name = [first.as_deref(), middle.as_deref(), last.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    ProviderRecord {
        listing: Provider {
            id: gen.uuid().into(),
            email,
            first_name: first,
            middle_name: middle,
            last_name: last,
            npi: Some(npi),
            full_name: Some(full_name),
            provider_profile_id: gen.uuid().to_string().parse().ok(),
            profile_completeness_percentage: Some(0.0),
            is_active: Some(true),
            user_type: Some(UserType::Provider),
        },
        nulled: false,
        client: None,
        org_joining_date: None,
    }
}
