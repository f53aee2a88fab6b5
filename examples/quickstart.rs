//! The README's main command: a real flow through the client against a
//! local stand-in for Assured, so it runs with no credentials.
//!
//! `cargo run --example quickstart`
//!
//! Point it at Assured instead with `ASSURED_API_KEY` (and optionally
//! `ASSURED_BASE_URL`) set and `--live`.

use assured::{models::InviteProvider, Client, ListParams};
use httpmock::{Method::*, MockServer};
use serde_json::json;

const LOCATION: &str = "6b1f0a52-8a5e-4c0e-9d7b-3e2f1a4c5d6e";
const INVITED: &str = "5d7e9f10-2a3b-4c5d-8e9f-0a1b2c3d4e5f";
const PROFILE: &str = "9b2e7c1a-4d3f-4e8a-9c61-2f5d8e7a1b30";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let live = std::env::args().any(|a| a == "--live");
    let _server;
    let client = if live {
        Client::from_env()?
    } else {
        _server = stand_in().await;
        Client::builder()
            .base_url(_server.base_url())
            .api_key("demo-key")
            .build()?
    };
    println!("Assured at {}", client.base_url());

    let page = client
        .providers()
        .list(
            &ListParams::new()
                .is_active(true)
                .ordering("last_name")
                .limit(10),
        )
        .await?;
    println!("{} active providers; first page:", page.count);
    for p in &page.results {
        println!(
            "  {:<24} NPI {:<10} profile {:>5.1}%",
            p.full_name,
            p.npi.as_deref().unwrap_or("-"),
            p.profile_completeness_percentage
        );
    }
    if live {
        return Ok(());
    }

    let invite: InviteProvider = InviteProvider::builder()
        .email("sam.lee@example.com")
        .first_name(Some("Sam".to_string()))
        .last_name(Some("Lee".to_string()))
        .try_into()?;
    let invited = client.providers().invite(&[invite]).await?;
    println!("invited {} as {}", invited[0].email, invited[0].id);

    let location = LOCATION.parse()?;
    let added = client
        .providers()
        .add_to_practice_location(location, &[invited[0].id])
        .await?;
    println!(
        "added {} provider(s) to practice location {}",
        added.providers.len(),
        added.practice_location
    );

    let date = client.providers().get_org_joining_date(PROFILE).await?;
    println!(
        "org joining date of profile {PROFILE}: {:?}",
        date.org_joining_date
    );

    match client
        .providers()
        .get_org_joining_date("no-such-profile")
        .await
    {
        Err(assured::Error::NotFound(e)) => println!("as expected, not found: {e}"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}

/// A local server answering like Assured for the calls above.
async fn stand_in() -> MockServer {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/providers-list/");
            then.status(200).json_body(json!({
                "count": 2,
                "next": null,
                "previous": null,
                "results": [
                    {"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "email": "jane.doe@example.com",
                     "first_name": "Jane", "middle_name": null, "last_name": "Doe", "npi": "1234567893",
                     "full_name": "Jane Doe", "provider_profile_id": PROFILE,
                     "profile_completeness_percentage": 87.5, "is_active": true},
                    {"id": "8c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f", "email": "omar.khan@example.com",
                     "first_name": "Omar", "middle_name": "A", "last_name": "Khan", "npi": "1993999998",
                     "full_name": "Omar A Khan", "provider_profile_id": "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6",
                     "profile_completeness_percentage": 64.0, "is_active": true}
                ]
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v1/users/invite-providers/");
            then.status(200).json_body(json!([{
                "id": INVITED, "email": "sam.lee@example.com", "first_name": "Sam",
                "last_name": "Lee", "provider_practice_locations": []
            }]));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/users/practice-location-providers/");
            then.status(201)
                .json_body(json!({"providers": [INVITED], "practice_location": LOCATION}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!(
                "/api/v1/users/update-provider-org-joining-date/{PROFILE}/"
            ));
            then.status(200)
                .json_body(json!({"id": PROFILE, "org_joining_date": "2024-03-01"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/update-provider-org-joining-date/no-such-profile/");
            then.status(404).json_body(json!({"detail": "Not found."}));
        })
        .await;
    server
}
