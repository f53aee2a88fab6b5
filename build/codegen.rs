//! Generating the client from the spec: the one place that says how.
//!
//! `build.rs` includes this file (`#[path]`) to generate the crate's client,
//! and `cargo xtask spec regen-check` includes the same file to generate
//! two versions of a spec and compare them, so the two cannot drift.

use std::panic;

#[path = "operations.rs"]
mod operations;

use operations::{field_types, flatten_comma_arrays, ident, operations, ref_name};

/// The generated code of one spec, as `build.rs` writes it to `OUT_DIR`.
#[derive(Debug)]
pub struct Generated {
    /// `assured.rs`: the client, parsed.
    pub client: syn::File,
    /// `limits.rs`: the length-limit table `crate::validate` checks.
    pub limits: String,
    /// `operations.rs`: paths, typed query parameters and list handlers.
    pub operations: String,
    /// `enums.rs`: the spec's string enums as open enums (`crate::models`).
    pub enums: String,
}

/// Generates the client from the text of a spec (YAML or JSON).
pub fn generate(text: &str) -> Result<Generated, String> {
    let mut doc: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    let limits = take_length_limits(&mut doc);
    let typed: openapiv3::OpenAPI = serde_yaml::from_value(doc.clone())
        .map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    flatten_comma_arrays(&mut doc);
    let spec: openapiv3::OpenAPI =
        serde_yaml::from_value(doc).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "openapi is {:?}; progenitor reads 3.0.x only",
            spec.openapi
        ));
    }
    let open_enums = string_enums(&typed)?;
    let names: Vec<(&str, &str)> = open_enums
        .iter()
        .map(|e| (e.schema.as_str(), e.name.as_str()))
        .collect();
    let settings = generation_settings(&names)?;

    // progenitor and typify assert on shapes they cannot handle; turn the
    // panic into a message instead of a backtrace.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let generated = panic::catch_unwind(|| {
        progenitor::Generator::new(&settings)
            .generate_tokens(&spec)
            .map_err(|e| e.to_string())
    });
    panic::set_hook(default_hook);
    let tokens = match generated {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(format!("progenitor refused the spec: {e}")),
        Err(payload) => {
            let why = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown reason".into());
            return Err(format!("progenitor cannot generate from it: {why}"));
        }
    };
    let mut client: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    // Typed parameters and list methods take the types progenitor chose.
    let operations = operations(&typed, &field_types(&client))? + &secret_fields(&typed);
    optional_text_setters(&mut client)?;
    Ok(Generated {
        client,
        limits,
        operations,
        enums: open_enums.iter().map(StringEnum::rust).collect(),
    })
}

/// A named string enum of the spec: its Rust name, its docs, and each
/// value with its variant.
struct StringEnum {
    schema: String,
    name: String,
    description: String,
    values: Vec<(String, String)>,
}

/// Every named string enum among the spec's schemas. Two values that
/// would be one Rust variant, or a value named like the catch-all
/// `Unknown`, are refused by name.
fn string_enums(spec: &openapiv3::OpenAPI) -> Result<Vec<StringEnum>, String> {
    use openapiv3::{SchemaKind, Type};
    let mut enums = Vec::new();
    for (name, schema) in spec.components.iter().flat_map(|c| &c.schemas) {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        if let SchemaKind::Type(Type::Object(_)) = &schema.schema_kind {
            if let Some(at) = inline_enum(name, schema) {
                return Err(format!(
                    "schema {at}: an enum written inline would be a closed Rust enum, and a value \
                     the server adds would fail to decode; make it a component schema (generated open)"
                ));
            }
        }
        let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
            continue;
        };
        let values: Vec<(String, String)> = string
            .enumeration
            .iter()
            .flatten()
            .map(|value| (value.clone(), ident(value, true)))
            .collect();
        if values.is_empty() {
            continue;
        }
        let mut seen = std::collections::HashMap::from([("Unknown", None)]);
        for (value, variant) in &values {
            if let Some(other) = seen.insert(variant.as_str(), Some(value)) {
                let other =
                    other.map_or("the catch-all `Unknown`".to_string(), |o| format!("{o:?}"));
                return Err(format!(
                    "schema {name}: enum value {value:?} would be the same Rust variant as {other}"
                ));
            }
        }
        enums.push(StringEnum {
            schema: name.clone(),
            name: ident(name, true),
            description: schema.schema_data.description.clone().unwrap_or_default(),
            values,
        });
    }
    Ok(enums)
}

/// The first enum written inline in `schema` (`Schema.field`, `[]` for a
/// list's items), looking through properties, items and compositions.
fn inline_enum(at: &str, schema: &openapiv3::Schema) -> Option<String> {
    use openapiv3::{SchemaKind, Type};
    let inner = |at: String, s: Option<&openapiv3::Schema>| s.and_then(|s| inline_enum(&at, s));
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => Some(at.to_string()),
        SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => Some(at.to_string()),
        SchemaKind::Type(Type::Object(object)) => object
            .properties
            .iter()
            .find_map(|(field, p)| inner(format!("{at}.{field}"), p.as_item().map(|b| &**b))),
        SchemaKind::Type(Type::Array(array)) => inner(
            format!("{at}[]"),
            array.items.as_ref().and_then(|i| i.as_item()).map(|b| &**b),
        ),
        SchemaKind::AllOf { all_of: parts }
        | SchemaKind::OneOf { one_of: parts }
        | SchemaKind::AnyOf { any_of: parts } => parts
            .iter()
            .find_map(|p| inner(at.to_string(), p.as_item())),
        _ => None,
    }
}

impl StringEnum {
    /// The enum, keeping values it does not know in `Unknown`, with its
    /// docs and its wire text both ways (`as_str`, `From<&str>`, serde).
    fn rust(&self) -> String {
        let name = &self.name;
        let doc: String = self
            .description
            .trim()
            .lines()
            .map(|l| format!("/// {l}\n"))
            .collect();
        let (mut variants, mut to_wire, mut from_wire) =
            (String::new(), String::new(), String::new());
        for (value, variant) in &self.values {
            variants.push_str(&format!("    /// `{value}`\n    {variant},\n"));
            to_wire.push_str(&format!("            Self::{variant} => {value:?},\n"));
            from_wire.push_str(&format!("            {value:?} => Self::{variant},\n"));
        }
        let (first, first_variant) = &self.values[0];
        format!(
            r#"{doc}///
/// ```
/// use assured::models::{name};
///
/// assert_eq!({name}::from({first:?}), {name}::{first_variant});
/// let later: {name} = serde_json::from_str("\"added-later\"").unwrap();
/// assert_eq!(later, {name}::Unknown("added-later".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum {name} {{
{variants}    /// A value this version of the client does not know yet.
    Unknown(String),
}}

impl {name} {{
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {{
        match self {{
{to_wire}            Self::Unknown(other) => other,
        }}
    }}
}}

impl From<&str> for {name} {{
    fn from(value: &str) -> Self {{
        match value {{
{from_wire}            other => Self::Unknown(other.to_string()),
        }}
    }}
}}

impl std::fmt::Display for {name} {{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{
        f.write_str(self.as_str())
    }}
}}

impl serde::Serialize for {name} {{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{
        s.serialize_str(self.as_str())
    }}
}}

impl<'de> serde::Deserialize<'de> for {name} {{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{
        let value = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Self::from(value.as_ref()))
    }}
}}

impl schemars::JsonSchema for {name} {{
    fn schema_name() -> String {{
        {name:?}.into()
    }}

    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {{
        String::json_schema(gen)
    }}
}}

"#
        )
    }
}

/// The spec's credential schemas and the types that keep them secret: CAQH
/// credentials are a third party's secrets, redacted in Debug, and when
/// the server echoes them back in a record, when serialised too.
const CREDENTIALS: &[(&str, &str)] = &[
    ("CaqhLogin", "crate::secret::CaqhSecret"),
    ("CaqhStoredCredential", "crate::secret::CaqhSecret"),
    ("CaqhEchoedCredential", "crate::secret::CaqhEcho"),
];

/// `SECRET_FIELDS`: every property typed by a credential schema (directly,
/// through `allOf`/`oneOf`/`anyOf`, or as array items), whose values errors
/// and body snippets mask (servers echo submitted values).
fn secret_fields(spec: &openapiv3::OpenAPI) -> String {
    use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
    /// Whether `schema` is, or is made of, a credential schema.
    fn is_credential<T: std::borrow::Borrow<Schema>>(schema: &ReferenceOr<T>) -> bool {
        if let Some(target) = ref_name(schema) {
            return CREDENTIALS
                .iter()
                .any(|(credential, _)| *credential == target);
        }
        let ReferenceOr::Item(schema) = schema else {
            return false;
        };
        match &schema.borrow().schema_kind {
            SchemaKind::AllOf { all_of: parts }
            | SchemaKind::OneOf { one_of: parts }
            | SchemaKind::AnyOf { any_of: parts } => parts.iter().any(is_credential),
            SchemaKind::Type(Type::Array(array)) => array.items.as_ref().is_some_and(is_credential),
            _ => false,
        }
    }
    let mut fields = std::collections::BTreeSet::new();
    for (_, schema) in spec.components.iter().flat_map(|c| &c.schemas) {
        let Some(SchemaKind::Type(Type::Object(object))) = schema.as_item().map(|s| &s.schema_kind)
        else {
            continue;
        };
        for (field, property) in &object.properties {
            if is_credential(property) {
                fields.insert(field.as_str());
            }
        }
    }
    format!(
        "/// The spec's credential fields.\npub(crate) const SECRET_FIELDS: &[&str] = &{:?};\n",
        Vec::from_iter(fields)
    )
}

/// The progenitor settings the client is generated with; `open_enums` are
/// the spec's string enums (schema, Rust name), generated as open enums in
/// `crate::models`.
pub fn generation_settings(
    open_enums: &[(&str, &str)],
) -> Result<progenitor::GenerationSettings, String> {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        .with_inner_type(tokens("crate::transport::Inner")?)
        .with_hooks(progenitor::HooksMode::Expected);
    for (schema, rust) in CREDENTIALS {
        settings.with_replacement(*schema, *rust, std::iter::empty());
    }
    // Closed enums fail a whole decode on a value added server-side; open
    // enums keep unknown values instead.
    for (schema, name) in open_enums {
        let open = format!("crate::models::{name}");
        settings.with_replacement(*schema, open.as_str(), std::iter::empty());
    }
    Ok(settings)
}

/// Removes `minLength`/`maxLength` from the component schemas before
/// generation and returns the checks `crate::validate` makes on request
/// bodies as a Rust table: each property's length limits, whether it is an
/// email address (`format: email`, or a list of them), and whether it must
/// not be blank (required, not nullable, plain text: DRF trims it and
/// refuses it empty).
///
/// typify turns every length-limited string into a validating newtype: a
/// response with a name one character over the limit would then fail to
/// decode, and every field would need its own wrapper type. The limits stay
/// in the spec (the single source of truth); the client checks them on
/// request bodies before sending, naming the field.
pub fn take_length_limits(doc: &mut serde_yaml::Value) -> String {
    use serde_yaml::Value;
    let key = |k: &str| Value::String(k.to_string());
    let as_u64 = |v: Option<Value>| v.and_then(|v| v.as_u64());
    let text_of = |map: &serde_yaml::Mapping, name: &str| {
        map.get(key(name))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    // Text with no format or enum of its own: what DRF's blank rule covers.
    let plain_text = |map: &serde_yaml::Mapping| {
        text_of(map, "type").as_deref() == Some("string")
            && !map.contains_key(key("format"))
            && !map.contains_key(key("enum"))
    };
    let Some(schemas) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(|s| s.as_mapping_mut())
    else {
        return "pub(crate) const LIMITS: &[Limit] = &[];\n".into();
    };
    // Named string schemas (such as `CaqhLogin`) carry limits that apply
    // wherever a property refers to them.
    let mut named = std::collections::BTreeMap::new();
    for (name, schema) in schemas.iter_mut() {
        if let (Some(name), Some(map)) = (name.as_str(), schema.as_mapping_mut()) {
            let min = as_u64(map.remove(key("minLength")));
            let max = as_u64(map.remove(key("maxLength")));
            named.insert(
                format!("#/components/schemas/{name}"),
                (min, max, plain_text(map)),
            );
        }
    }
    let mut rows = Vec::new();
    let mut rows_schemas = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        let required: Vec<String> = schema
            .get("required")
            .and_then(|r| r.as_sequence())
            .map(|r| {
                r.iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let Some(props) = schema
            .get_mut("properties")
            .and_then(|p| p.as_mapping_mut())
        else {
            continue;
        };
        for (field, prop) in props.iter_mut() {
            let (Some(field), Some(map)) = (field.as_str(), prop.as_mapping_mut()) else {
                continue;
            };
            let mut min = as_u64(map.remove(key("minLength")));
            let mut max = as_u64(map.remove(key("maxLength")));
            let mut text = plain_text(map);
            if let Some(target) = text_of(map, "$ref") {
                if let Some((rmin, rmax, rtext)) = named.get(&target) {
                    min = min.or(*rmin);
                    max = max.or(*rmax);
                    text = *rtext;
                }
            }
            let items = map.get(key("items")).and_then(|i| i.as_mapping());
            let email = [Some(&*map), items]
                .into_iter()
                .flatten()
                .any(|m| text_of(m, "format").as_deref() == Some("email"));
            let nullable = map.get(key("nullable")).and_then(|n| n.as_bool()) == Some(true);
            let not_blank = text && !nullable && required.iter().any(|r| r == field);
            if min.is_some() || max.is_some() || email || not_blank {
                let schema = name.as_str().unwrap_or_default();
                rows_schemas.push(schema.to_string());
                rows.push(format!(
                    "    Limit {{ schema: {schema:?}, field: {field:?}, min: {min:?}, max: {max:?}, email: {email}, not_blank: {not_blank} }},\n",
                ));
            }
        }
    }
    // Each schema with checks gets them by type, not by a name string: a
    // renamed or unchecked schema then fails to build where its body is
    // validated, instead of silently skipping the check.
    let mut limited: Vec<&str> = rows_schemas.iter().map(String::as_str).collect();
    limited.dedup();
    let impls: String = limited
        .iter()
        .map(|name| {
            format!(
                "impl Limited for crate::raw::types::{name} {{ const SCHEMA: &'static str = {name:?}; }}\n"
            )
        })
        .collect();
    format!(
        "pub(crate) const LIMITS: &[Limit] = &[\n{}];\n{impls}",
        rows.concat()
    )
}

/// Makes the builders' optional text setters take `"Jane"` as well as
/// `Some(String)`: their `TryInto<Option<String>>` bound becomes
/// `crate::models::OptionalText` (`&str`, `String`, or an `Option` of them).
fn optional_text_setters(file: &mut syn::File) -> Result<(), String> {
    fn module<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
        items.iter_mut().find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
    }
    let optional_text = "TryInto < :: std :: option :: Option < :: std :: string :: String > >";
    let builders = module(&mut file.items, "types")
        .and_then(|types| module(types, "builder"))
        .ok_or("progenitor generated no types::builder module")?;
    for item in builders.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        for member in block.items.iter_mut() {
            let syn::ImplItem::Fn(setter) = member else {
                continue;
            };
            let bound = setter.sig.generics.where_clause.as_ref().map(|w| {
                let tokens = &w.predicates;
                quote_tokens(tokens)
            });
            if !bound.is_some_and(|b| b.contains(optional_text)) {
                continue;
            }
            let field = &setter.sig.ident;
            setter.sig.generics.where_clause = Some(
                syn::parse_str("where T: crate::models::OptionalText")
                    .map_err(|e| e.to_string())?,
            );
            setter.block = syn::parse_str(&format!(
                "{{ self.{field} = Ok(crate::models::OptionalText::into_optional_text(value)); self }}"
            ))
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn quote_tokens(tokens: &impl quote::ToTokens) -> String {
    tokens.to_token_stream().to_string()
}

fn tokens(s: &str) -> Result<proc_macro2::TokenStream, String> {
    s.parse().map_err(|e| format!("bad tokens {s:?}: {e}"))
}
