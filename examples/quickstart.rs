//! The README's main command: a real flow through the client on the
//! embedded sandbox, so it runs with no credentials.
//!
//! `cargo run --example quickstart --features sandbox`
//!
//! With `ASSURED_API_KEY` (and optionally `ASSURED_BASE_URL`) set,
//! `-- --live` lists the first page from Assured itself instead.

use assured::{
    models::{InviteProvider, PatchedProviderOrgJoiningDate, PracticeLocationProviders},
    sandbox::Sandbox,
    Client, ListProvidersParams,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--live") {
        let client = Client::from_env()?;
        let page = client
            .providers()
            .list_providers(&ListProvidersParams::new().limit(10))
            .await?;
        println!("{} providers at {}", page.count, client.base_url());
        return Ok(());
    }

    let sandbox = Sandbox::builder().seed(42).providers(250).start().await?;
    let client = sandbox.client()?;
    let providers = client.providers();
    println!("sandbox Assured at {}", client.base_url());

    // 1. List: one page, then a walk over everyone (pages fetched
    // concurrently; every provider once, even while the roster changes).
    let page = providers
        .list_providers(
            &ListProvidersParams::new()
                .is_active(true)
                .ordering("last_name")
                .limit(5),
        )
        .await?;
    println!(
        "{} active providers; the first five by last name:",
        page.count
    );
    for p in &page.results {
        println!(
            "  {:<24} NPI {}  profile {:>5.1}% complete",
            p.full_name.as_deref().unwrap_or("-"),
            p.npi.as_deref().unwrap_or("-"),
            p.profile_completeness_percentage.unwrap_or(0.0)
        );
    }
    let everyone = providers
        .walk(&ListProvidersParams::new())
        .collect()
        .await?;
    println!(
        "walk: {} providers in {} requests",
        everyone.items.len(),
        everyone.report.requests
    );

    // 2. Invite a provider.
    let invite: InviteProvider = InviteProvider::builder()
        .email("sam.lee@example.com")
        .first_name("Sam")
        .last_name("Lee")
        .try_into()?;
    let invited = providers.invite_providers([invite]).await?;
    println!("invited {} as {}", invited[0].email, invited[0].id);

    // 3. Find them again by NPI (one filtered request, then cached).
    let npi = providers.get(invited[0].id).await?.npi.unwrap_or_default();
    let found = providers.get_by_npi(&npi).await?;
    let name = found.full_name.as_deref().unwrap_or("-");
    println!("found by NPI {npi}: {name} ({})", found.id);

    // 4. Add them to a practice location.
    let location = sandbox.practice_locations()[0];
    let before = providers
        .walk(&assured::ListProvidersNotInPracticeLocationParams::new().practice_location(location))
        .collect()
        .await?;
    let members = PracticeLocationProviders {
        practice_location: location,
        providers: vec![found.id],
    };
    providers.add_practice_location_providers(members).await?;
    let after = providers
        .walk(&assured::ListProvidersNotInPracticeLocationParams::new().practice_location(location))
        .collect()
        .await?;
    println!(
        "practice location {location}: {} providers not in it before, {} after",
        before.items.len(),
        after.items.len()
    );

    // 5. Set their organisation joining date, by profile id (a different
    // type from the account id: mixing them up does not compile).
    let profile = providers.get_profile_id(found.id).await?;
    let set = PatchedProviderOrgJoiningDate {
        org_joining_date: assured::NaiveDate::from_ymd_opt(2026, 12, 1),
    };
    let date = providers
        .update_provider_org_joining_date(&profile, set)
        .await?;
    let date = date
        .org_joining_date
        .map_or_else(|| "none".to_string(), |d| d.to_string());
    println!("org joining date of profile {profile}: {date}");

    // Errors are typed: inviting the same email again is a per-item 400.
    let again: InviteProvider = InviteProvider::builder()
        .email("sam.lee@example.com")
        .try_into()?;
    match providers.invite_providers([again]).await {
        Err(assured::Error::Validation(e)) => println!("as expected, refused: {e}"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}
