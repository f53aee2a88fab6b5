//! The pieces of `cargo xtask api` and `cargo xtask spec added-filter` that
//! do not build the crate (CI runs both commands whole).

use xtask::proofs::{api_diff, with_added_filter, ADDED_PATH, RENAMED_KEY_HEADER};

#[test]
fn the_api_diff_lists_what_was_removed_and_what_was_added() {
    let old = "pub fn a::x()\npub fn a::y(u32)\npub struct a::S\n";
    let new = "pub fn a::x()\npub fn a::y(u64)\npub struct a::S\npub struct a::T\n";
    let (removed, added) = api_diff(old, new);
    assert_eq!(removed, ["pub fn a::y(u32)"]);
    assert_eq!(added, ["pub fn a::y(u64)", "pub struct a::T"]);
    assert_eq!(api_diff(new, new), (vec![], vec![]));
}

#[test]
fn the_proof_adds_three_filters_two_operations_renames_the_key_header_and_adds_a_server() {
    let spec =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/assured.yaml"))
            .unwrap();
    let before: serde_yaml::Value = serde_yaml::from_str(&spec).unwrap();
    let after: serde_yaml::Value =
        serde_yaml::from_str(&with_added_filter(&spec).unwrap()).unwrap();
    let params = |doc: &serde_yaml::Value| {
        doc["paths"]["/api/v1/users/providers-list/"]["get"]["parameters"]
            .as_sequence()
            .unwrap()
            .clone()
    };
    let (old, new) = (params(&before), params(&after));
    assert_eq!(new.len(), old.len() + 3);
    assert_eq!(new[..old.len()], old[..]);
    assert_eq!(new[old.len()]["name"].as_str(), Some("specialty"));
    assert_eq!(new[old.len()]["in"].as_str(), Some("query"));
    assert_eq!(new[old.len() + 1]["name"].as_str(), Some("supervisor"));
    assert_eq!(
        new[old.len() + 1]["schema"]["$ref"].as_str(),
        Some("#/components/schemas/AccountId")
    );
    assert_eq!(new[old.len() + 2]["name"].as_str(), Some("taxonomy_in"));
    assert_eq!(new[old.len() + 2]["explode"].as_bool(), Some(false));
    let header = |doc: &serde_yaml::Value| {
        doc["components"]["securitySchemes"]["apiKeyAuth"]["name"].clone()
    };
    assert_eq!(header(&after).as_str(), Some(RENAMED_KEY_HEADER));
    let servers = |doc: &serde_yaml::Value| doc["servers"].as_sequence().unwrap().clone();
    assert_eq!(servers(&after).len(), servers(&before).len() + 1);
    assert_eq!(
        servers(&after)[..servers(&before).len()],
        servers(&before)[..]
    );
    assert_eq!(
        servers(&after).last().unwrap()["url"].as_str(),
        Some("https://sandbox.example")
    );
    // Two operations on a new path, and their body's schema.
    let added = &after["paths"][ADDED_PATH];
    assert_eq!(
        added["post"]["operationId"].as_str(),
        Some("add_provider_note")
    );
    assert_eq!(
        added["delete"]["operationId"].as_str(),
        Some("remove_provider_note")
    );
    assert_eq!(added["parameters"].as_sequence().map(Vec::len), Some(3));
    assert!(after["components"]["schemas"]["ProviderNote"].is_mapping());
    // Nothing else changed.
    let mut rest = after.clone();
    rest["paths"].as_mapping_mut().unwrap().remove(ADDED_PATH);
    rest["components"]["schemas"]
        .as_mapping_mut()
        .unwrap()
        .remove("ProviderNote");
    rest["paths"]["/api/v1/users/providers-list/"]["get"]["parameters"] =
        before["paths"]["/api/v1/users/providers-list/"]["get"]["parameters"].clone();
    rest["components"]["securitySchemes"]["apiKeyAuth"]["name"] = header(&before);
    rest["servers"] = before["servers"].clone();
    assert_eq!(rest, before);
    assert!(with_added_filter("openapi: 3.0.3\npaths: {}\n").is_err());
}
