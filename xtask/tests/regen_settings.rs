//! `spec regen-check` generates as `build.rs` does: this test fails when the
//! two drift apart. It reads both sources with `syn`:
//!
//! - the `with_*` calls on the progenitor settings in `build.rs`'s
//!   `generate` must be those of `xtask::regen::generation_settings`, in
//!   order and with the same arguments (replacements, derives, inner type,
//!   hooks, interface, tags);
//! - `take_length_limits` must be the same function, token for token
//!   (comments, doc comments and visibility aside).

use std::path::Path;

use quote::ToTokens;
use syn::{Expr, ItemFn, Stmt};

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap();
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn function<'a>(file: &'a syn::File, name: &str) -> &'a ItemFn {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Fn(function) if function.sig.ident == name => Some(function),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no fn {name}"))
}

/// Every `.with_*(...)` call in the function, in source order, as
/// `with_x(args)` text.
fn settings_calls(function: &ItemFn) -> Vec<String> {
    let mut calls = Vec::new();
    for stmt in &function.block.stmts {
        let expr = match stmt {
            Stmt::Expr(expr, _) => expr,
            Stmt::Local(local) => match &local.init {
                Some(init) => &*init.expr,
                None => continue,
            },
            _ => continue,
        };
        collect_calls(expr, &mut calls);
    }
    calls
}

fn collect_calls(expr: &Expr, calls: &mut Vec<String>) {
    if let Expr::MethodCall(call) = expr {
        // The receiver chain comes first in source order.
        collect_calls(&call.receiver, calls);
        let name = call.method.to_string();
        if name.starts_with("with_") {
            calls.push(format!("{name}({})", call.args.to_token_stream()));
        }
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn generate_rs() -> syn::File {
    parse(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/regen/generate.rs"))
}

#[test]
fn generation_settings_match_build_rs() {
    let build = parse(&root().join("build.rs"));
    let ours = generate_rs();
    let theirs = settings_calls(function(&build, "generate"));
    let mine = settings_calls(function(&ours, "generation_settings"));
    assert!(
        theirs
            .iter()
            .any(|call| call.starts_with("with_replacement")),
        "found no settings in build.rs: {theirs:#?}"
    );
    assert_eq!(
        mine, theirs,
        "xtask/src/regen/generate.rs generation_settings() differs from build.rs"
    );
}

#[test]
fn take_length_limits_matches_build_rs() {
    let build = parse(&root().join("build.rs"));
    let ours = generate_rs();
    let tokens = |function: &ItemFn| {
        (
            function.sig.to_token_stream().to_string(),
            function.block.to_token_stream().to_string(),
        )
    };
    assert_eq!(
        tokens(function(&ours, "take_length_limits")),
        tokens(function(&build, "take_length_limits")),
        "xtask/src/regen/generate.rs take_length_limits() differs from build.rs"
    );
}
