//! The public items of generated code: what a user of the client can name.

use std::collections::BTreeMap;
use std::fmt;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use serde::Serialize;
use syn::{Fields, ImplItem, Item, TraitItem, Visibility};

/// What sort of public item an entry of an [`Api`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// A struct (its signature: generics and derives).
    Struct,
    /// A public field of a struct (its signature: the type).
    Field,
    /// An enum (its signature: generics and derives).
    Enum,
    /// A variant of an enum (its signature: its fields).
    Variant,
    /// A free function.
    Fn,
    /// A public method of an inherent impl, or a trait's method.
    Method,
    /// A trait implementation (its signature: associated types).
    Impl,
    /// A trait.
    Trait,
    /// A type alias.
    Type,
    /// A constant or static.
    Const,
    /// A public re-export.
    Use,
}

impl ItemKind {
    /// The word used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Struct => "struct",
            ItemKind::Field => "field",
            ItemKind::Enum => "enum",
            ItemKind::Variant => "variant",
            ItemKind::Fn => "fn",
            ItemKind::Method => "method",
            ItemKind::Impl => "impl",
            ItemKind::Trait => "trait",
            ItemKind::Type => "type",
            ItemKind::Const => "const",
            ItemKind::Use => "use",
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The public items of one generation, by kind and path, with their
/// signatures.
pub type Api = BTreeMap<(ItemKind, String), String>;

/// Collects the public items of a generated file.
///
/// Paths are module paths from the file's root (`types::ProviderListing`,
/// `builder::ListProviders::send`); a field is `Struct.field`, a trait
/// implementation `module: impl Trait for Type` as written in that module.
pub fn public_api(file: &syn::File) -> Api {
    let mut api = Api::new();
    collect(&file.items, "", &mut api);
    api
}

fn collect(items: &[Item], module: &str, api: &mut Api) {
    for item in items {
        match item {
            Item::Mod(inner) if is_pub(&inner.vis) => {
                if let Some((_, items)) = &inner.content {
                    collect(items, &join(module, &inner.ident.to_string()), api);
                }
            }
            Item::Struct(strukt) if is_pub(&strukt.vis) => {
                let path = join(module, &strukt.ident.to_string());
                let signature = format!(
                    "struct {}{}{}{}",
                    strukt.ident,
                    render(&strukt.generics),
                    derives(&strukt.attrs),
                    serde_attributes(&strukt.attrs)
                );
                insert(api, ItemKind::Struct, path.clone(), signature);
                for (index, field) in strukt.fields.iter().enumerate() {
                    if !is_pub(&field.vis) {
                        continue;
                    }
                    let name = field
                        .ident
                        .as_ref()
                        .map_or_else(|| index.to_string(), ToString::to_string);
                    let signature =
                        format!("{}{}", render(&field.ty), serde_attributes(&field.attrs));
                    insert(api, ItemKind::Field, format!("{path}.{name}"), signature);
                }
            }
            Item::Enum(enumeration) if is_pub(&enumeration.vis) => {
                let path = join(module, &enumeration.ident.to_string());
                let signature = format!(
                    "enum {}{}{}{}",
                    enumeration.ident,
                    render(&enumeration.generics),
                    derives(&enumeration.attrs),
                    serde_attributes(&enumeration.attrs)
                );
                insert(api, ItemKind::Enum, path.clone(), signature);
                for variant in &enumeration.variants {
                    let fields = match &variant.fields {
                        Fields::Unit => "unit".to_owned(),
                        fields => render(fields),
                    } + &serde_attributes(&variant.attrs);
                    insert(
                        api,
                        ItemKind::Variant,
                        format!("{path}::{}", variant.ident),
                        fields,
                    );
                }
            }
            Item::Fn(function) if is_pub(&function.vis) => {
                let path = join(module, &function.sig.ident.to_string());
                insert(api, ItemKind::Fn, path, render(&function.sig));
            }
            Item::Impl(block) => collect_impl(block, module, api),
            Item::Trait(definition) if is_pub(&definition.vis) => {
                let path = join(module, &definition.ident.to_string());
                let signature =
                    format!("trait {}{}", definition.ident, render(&definition.generics));
                insert(api, ItemKind::Trait, path.clone(), signature);
                for member in &definition.items {
                    if let TraitItem::Fn(method) = member {
                        insert(
                            api,
                            ItemKind::Method,
                            format!("{path}::{}", method.sig.ident),
                            render(&method.sig),
                        );
                    }
                }
            }
            Item::Type(alias) if is_pub(&alias.vis) => {
                let path = join(module, &alias.ident.to_string());
                insert(api, ItemKind::Type, path, render(&alias.ty));
            }
            Item::Const(constant) if is_pub(&constant.vis) => {
                let path = join(module, &constant.ident.to_string());
                insert(api, ItemKind::Const, path, render(&constant.ty));
            }
            Item::Static(constant) if is_pub(&constant.vis) => {
                let path = join(module, &constant.ident.to_string());
                insert(api, ItemKind::Const, path, render(&constant.ty));
            }
            Item::Use(import) if is_pub(&import.vis) => {
                let path = format!("{}use {}", prefix(module), render(&import.tree));
                insert(api, ItemKind::Use, path, String::new());
            }
            _ => {}
        }
    }
}

fn collect_impl(block: &syn::ItemImpl, module: &str, api: &mut Api) {
    let self_type = render(&block.self_ty);
    match &block.trait_ {
        Some((negative, trait_path, _)) => {
            let header = format!(
                "{}impl{} {}{} for {self_type}",
                prefix(module),
                render(&block.generics),
                if negative.is_some() { "!" } else { "" },
                render(trait_path)
            );
            let associated: Vec<String> = block
                .items
                .iter()
                .filter_map(|member| match member {
                    ImplItem::Type(alias) => {
                        Some(format!("type {} = {}", alias.ident, render(&alias.ty)))
                    }
                    _ => None,
                })
                .collect();
            insert(api, ItemKind::Impl, header, associated.join("; "));
        }
        None => {
            // `ListProviders<'a>` -> `ListProviders`: a method's path names
            // the type, its signature carries the lifetimes.
            let type_name = self_type
                .split('<')
                .next()
                .unwrap_or(&self_type)
                .trim()
                .to_owned();
            for member in &block.items {
                if let ImplItem::Fn(method) = member {
                    if is_pub(&method.vis) {
                        let path = join(module, &format!("{type_name}::{}", method.sig.ident));
                        insert(api, ItemKind::Method, path, render(&method.sig));
                    }
                }
            }
        }
    }
}

/// Inserts an item; a second item with the same kind and path gets `#2`.
fn insert(api: &mut Api, kind: ItemKind, path: String, signature: String) {
    let mut key = (kind, path.clone());
    let mut n = 2;
    while api.contains_key(&key) {
        key = (kind, format!("{path}#{n}"));
        n += 1;
    }
    api.insert(key, signature);
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn join(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_owned()
    } else {
        format!("{module}::{name}")
    }
}

fn prefix(module: &str) -> String {
    if module.is_empty() {
        String::new()
    } else {
        format!("{module}: ")
    }
}

/// ` derive(Clone, Debug)` from the item's `#[derive]` attributes, or
/// nothing.
fn derives(attrs: &[syn::Attribute]) -> String {
    let mut names: Vec<String> = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("derive")) {
        if let Ok(list) = attr.meta.require_list() {
            names.extend(
                render(&list.tokens)
                    .split(',')
                    .map(|name| name.trim().to_owned())
                    .filter(|name| !name.is_empty()),
            );
        }
    }
    if names.is_empty() {
        String::new()
    } else {
        format!(" derive({})", names.join(", "))
    }
}

/// ` #[serde(...)]` for each serde attribute: they decide what goes on the
/// wire (`default`, `skip_serializing_if`, `rename`), so a change shows.
fn serde_attributes(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .map(|attr| format!(" #[{}]", render(&attr.meta)))
        .collect()
}

/// Tokens as one line of readable Rust: `Option<String>`,
/// `fn email<T>(mut self, value: T) -> Self where T: TryInto<String>`.
pub fn render<T: ToTokens + ?Sized>(tokens: &T) -> String {
    let mut units = Vec::new();
    flatten(tokens.to_token_stream(), &mut units);
    let mut out = String::new();
    let mut previous: Option<&Unit> = None;
    for (index, unit) in units.iter().enumerate() {
        let next = units.get(index + 1);
        // A trailing comma says nothing on one line.
        let closes = match next {
            None | Some(Unit::Close(_)) => true,
            Some(next) => op_is(next, ">"),
        };
        if op_is(unit, ",") && closes {
            continue;
        }
        if let Some(previous) = previous {
            if spaced(previous, unit) {
                out.push(' ');
            }
        }
        match unit {
            Unit::Word(text) | Unit::Op(text) => out.push_str(text),
            Unit::Open(delimiter) => out.push_str(match delimiter {
                Delimiter::Parenthesis => "(",
                Delimiter::Bracket => "[",
                Delimiter::Brace => "{",
                Delimiter::None => "",
            }),
            Unit::Close(delimiter) => out.push_str(match delimiter {
                Delimiter::Parenthesis => ")",
                Delimiter::Bracket => "]",
                Delimiter::Brace => "}",
                Delimiter::None => "",
            }),
        }
        previous = Some(unit);
    }
    out
}

/// One printable piece of a token stream.
#[derive(Debug)]
enum Unit {
    /// An identifier, keyword, lifetime or literal.
    Word(String),
    /// An operator: `::`, `->`, or one punctuation character.
    Op(String),
    /// The start of a group.
    Open(Delimiter),
    /// The end of a group.
    Close(Delimiter),
}

/// Operators of more than one character that signatures use.
const OPERATORS: [&str; 4] = ["::", "->", "=>", ".."];

fn flatten(stream: TokenStream, units: &mut Vec<Unit>) {
    let mut punct = String::new();
    for tree in stream {
        if let TokenTree::Punct(p) = &tree {
            punct.push(p.as_char());
            if p.spacing() == Spacing::Joint && p.as_char() != '\'' {
                continue;
            }
            if p.as_char() == '\'' {
                // A lifetime: `'` joined to the identifier that follows.
                push_operators(&punct[..punct.len() - 1], units);
                punct.clear();
                units.push(Unit::Word("'".to_owned()));
                continue;
            }
            push_operators(&punct, units);
            punct.clear();
            continue;
        }
        push_operators(&punct, units);
        punct.clear();
        match tree {
            TokenTree::Group(group) => {
                units.push(Unit::Open(group.delimiter()));
                flatten(group.stream(), units);
                units.push(Unit::Close(group.delimiter()));
            }
            TokenTree::Ident(ident) => match units.last_mut() {
                Some(Unit::Word(tick)) if tick == "'" => tick.push_str(&ident.to_string()),
                _ => units.push(Unit::Word(ident.to_string())),
            },
            TokenTree::Literal(literal) => units.push(Unit::Word(literal.to_string())),
            TokenTree::Punct(_) => {}
        }
    }
    push_operators(&punct, units);
}

/// Splits joined punctuation (`>>::`) into operators (`>`, `>`, `::`).
fn push_operators(mut text: &str, units: &mut Vec<Unit>) {
    while !text.is_empty() {
        let length = OPERATORS
            .iter()
            .find(|op| text.starts_with(*op))
            .map_or_else(
                || text.chars().next().map_or(1, char::len_utf8),
                |op| op.len(),
            );
        units.push(Unit::Op(text[..length].to_owned()));
        text = &text[length..];
    }
}

/// Whether a space goes between two units.
fn spaced(previous: &Unit, next: &Unit) -> bool {
    use Unit::{Close, Op, Open, Word};
    let op = |unit: &Unit, text: &str| matches!(unit, Op(op) if op == text);
    match (previous, next) {
        (Open(Delimiter::Brace), _) | (_, Close(Delimiter::Brace)) => true,
        (Open(_), _) | (_, Close(_)) => false,
        (_, Op(op)) if matches!(op.as_str(), "," | ";" | ":" | "." | ">") => false,
        (Op(op), _) if matches!(op.as_str(), "::" | "<" | "&" | "*" | "?" | "." | "!" | "#") => {
            false
        }
        (Word(_) | Close(_), Op(op)) if op == "::" => false,
        (prev, Op(op)) if op == "::" => !op_is(prev, ">"),
        (Word(_), Op(op)) if op == "<" => false,
        (Word(_), Open(Delimiter::Parenthesis)) => false,
        (prev, Open(Delimiter::Parenthesis)) if op(prev, ">") => false,
        _ => true,
    }
}

fn op_is(unit: &Unit, text: &str) -> bool {
    matches!(unit, Unit::Op(op) if op == text)
}
