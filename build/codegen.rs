//! Generating the client from the spec: the one place that says how.
//!
//! `build.rs` includes this file (`#[path]`) to generate the crate's client,
//! and `cargo xtask spec regen-check` includes the same file to generate
//! two versions of a spec and compare them, so the two cannot drift.

use std::panic;

#[path = "operations.rs"]
mod operations;

use operations::{doc, field_types, flatten_comma_arrays, ident, model_name, operations, ref_name};

/// The generated code of one spec, as `build.rs` writes it to `OUT_DIR`.
#[derive(Debug)]
pub struct Generated {
    /// `assured.rs`: the client, parsed.
    pub client: syn::File,
    /// `limits.rs`: the checks `crate::validate` makes before sending, and
    /// the fields the sandbox checks (`Described`).
    pub limits: String,
    /// `operations.rs`: paths, typed query parameters and list handlers.
    pub operations: String,
    /// `enums.rs`: the models' re-export and the spec's string enums as
    /// open enums (`crate::models`).
    pub enums: String,
}

/// Generates the client from the text of a spec (YAML or JSON).
pub fn generate(text: &str) -> Result<Generated, String> {
    let mut doc: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    let limits = take_body_checks(&mut doc);
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
    let settings = generation_settings(&names, &credentials(&typed)?)?;

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
        enums: models(&typed)? + &open_enums.iter().map(StringEnum::rust).collect::<String>(),
    })
}

/// The re-export of the models (`crate::models`): every object schema but
/// the list pages (`Page<T>` stands for those), under progenitor's name or
/// the one its `x-rust-name` gives, so a schema added to the spec is a model
/// with no handwritten edit.
fn models(spec: &openapiv3::OpenAPI) -> Result<String, String> {
    let mut names = Vec::new();
    for (name, schema) in spec.components.iter().flat_map(|c| &c.schemas) {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let rust = ident(name, true);
        match model_name(name, schema)? {
            None => {}
            Some(public) if public == rust => names.push(rust),
            Some(public) => names.push(format!("{rust} as {public}")),
        }
    }
    Ok(format!(
        "pub use crate::raw::types::{{{}}};\n",
        names.join(", ")
    ))
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
        if let Some(problem) = refused_inline(name, schema, true) {
            return Err(problem);
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

/// Where `schema` holds what only a component schema can be, and what to do
/// instead: an `x-credential` mark written inline (progenitor replaces
/// types by schema name, so it would not be kept secret), or an enum that
/// would be a closed Rust type (a value the server adds would fail to
/// decode): a string
/// enum written inline (`Schema.field`, `[]` for a list's items, `{}` for a
/// map's values), or an integer enum anywhere. `top`: a named string enum
/// itself, generated open.
fn refused_inline(at: &str, schema: &openapiv3::Schema, top: bool) -> Option<String> {
    use openapiv3::{AdditionalProperties, SchemaKind, Type};
    let inner =
        |at: String, s: Option<&openapiv3::Schema>| s.and_then(|s| refused_inline(&at, s, false));
    if !top && schema.schema_data.extensions.contains_key("x-credential") {
        return Some(format!(
            "schema {at}: x-credential written inline would not be kept secret; \
             make the credential a component schema and refer to it"
        ));
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() && !top => Some(format!(
            "schema {at}: an enum written inline would be a closed Rust enum, and a value the \
             server adds would fail to decode; make it a component schema (generated open)"
        )),
        SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => Some(format!(
            "schema {at}: an integer enum would be a closed Rust type, and a value the server \
             adds would fail to decode; make it a plain integer or a named string enum"
        )),
        SchemaKind::Type(Type::Object(object)) => object
            .properties
            .iter()
            .find_map(|(field, p)| inner(format!("{at}.{field}"), p.as_item().map(|b| &**b)))
            .or_else(|| match &object.additional_properties {
                Some(AdditionalProperties::Schema(values)) => {
                    inner(format!("{at}{{}}"), values.as_item())
                }
                _ => None,
            }),
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
        let doc = doc(&self.description, "");
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

/// The spec's credential schemas (marked `x-credential`) and the types
/// that keep them secret: redacted in Debug, and when the server echoes
/// them back in a record (`echoed`), when serialised too. Only a component
/// schema can be one: progenitor replaces types by schema name.
fn credentials(spec: &openapiv3::OpenAPI) -> Result<Vec<(String, &'static str)>, String> {
    use openapiv3::{SchemaKind, Type};
    let mut out = Vec::new();
    for (name, schema) in spec.components.iter().flat_map(|c| &c.schemas) {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let mark = schema.schema_data.extensions.get("x-credential");
        if mark.is_some() && !matches!(schema.schema_kind, SchemaKind::Type(Type::String(_))) {
            // The secret types hold text.
            return Err(format!(
                "schema {name}: x-credential marks a string schema, and this is not one"
            ));
        }
        match mark.map(|m| m.as_str()) {
            None => {}
            Some(Some("sent")) => out.push((name.clone(), "crate::secret::CaqhSecret")),
            Some(Some("echoed")) => out.push((name.clone(), "crate::secret::CaqhEcho")),
            Some(_) => {
                return Err(format!(
                    "schema {name}: x-credential must be `sent` or `echoed`, not {}",
                    mark.map(|m| m.to_string()).unwrap_or_default()
                ))
            }
        }
    }
    Ok(out)
}

/// Whether `schema` is, or is made of, a credential schema: one rule for
/// the fields errors mask and the columns frames redact.
fn is_credential<T: std::borrow::Borrow<openapiv3::Schema>>(
    spec: &openapiv3::OpenAPI,
    schema: &openapiv3::ReferenceOr<T>,
) -> bool {
    credential_within(spec, schema, 0)
}

fn credential_within<T: std::borrow::Borrow<openapiv3::Schema>>(
    spec: &openapiv3::OpenAPI,
    schema: &openapiv3::ReferenceOr<T>,
    depth: usize,
) -> bool {
    use openapiv3::{ReferenceOr, SchemaKind, Type};
    // A reference cycle ends here.
    if depth >= MAX_REF_DEPTH {
        return false;
    }
    if let Some(target) = ref_name(schema) {
        let target = spec.components.as_ref().and_then(|c| c.schemas.get(target));
        let Some(target) = target.and_then(|t| t.as_item()) else {
            return false;
        };
        // Marked, or a named schema made of a credential (`allOf` of one).
        return target.schema_data.extensions.contains_key("x-credential")
            || credential_within(spec, &ReferenceOr::Item(target), depth + 1);
    }
    let ReferenceOr::Item(schema) = schema else {
        return false;
    };
    let within = |s: &ReferenceOr<openapiv3::Schema>| credential_within(spec, s, depth + 1);
    match &schema.borrow().schema_kind {
        SchemaKind::AllOf { all_of: parts }
        | SchemaKind::OneOf { one_of: parts }
        | SchemaKind::AnyOf { any_of: parts } => parts.iter().any(within),
        SchemaKind::Type(Type::Array(array)) => array
            .items
            .as_ref()
            .is_some_and(|items| credential_within(spec, items, depth + 1)),
        _ => false,
    }
}

/// `SECRET_FIELDS`: every property typed by a credential schema (directly,
/// through `allOf`/`oneOf`/`anyOf`, or as array items), whose values errors
/// and body snippets mask (servers echo submitted values).
fn secret_fields(spec: &openapiv3::OpenAPI) -> String {
    use openapiv3::{SchemaKind, Type};
    let mut fields = std::collections::BTreeSet::new();
    // Every object schema, and the inline objects an `allOf` composes (a
    // referenced part is visited as a component itself).
    let mut objects: Vec<&openapiv3::Schema> = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.values())
        .filter_map(|s| s.as_item())
        .collect();
    while let Some(schema) = objects.pop() {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                for (field, property) in &object.properties {
                    if is_credential(spec, property) {
                        fields.insert(field.as_str());
                    }
                }
            }
            SchemaKind::AllOf { all_of: parts } => {
                objects.extend(parts.iter().filter_map(|p| p.as_item()));
            }
            _ => {}
        }
    }
    format!(
        "/// The spec's credential fields.\npub(crate) const SECRET_FIELDS: &[&str] = &{:?};\n",
        Vec::from_iter(fields)
    )
}

/// The progenitor settings the client is generated with; `open_enums` are
/// the spec's string enums (schema, Rust name), generated as open enums in
/// `crate::models`, and `credentials` its credential schemas with the types
/// that keep them secret.
fn generation_settings(
    open_enums: &[(&str, &str)],
    credentials: &[(String, &str)],
) -> Result<progenitor::GenerationSettings, String> {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        .with_inner_type(tokens("crate::transport::Inner")?)
        .with_hooks(progenitor::HooksMode::Expected)
        // Types the spec names with `x-rust-type` (the id newtypes) are this
        // crate's own, reached as `::assured` (`extern crate self`).
        .with_crate("assured", progenitor::CrateVers::Any, None);
    for (schema, rust) in credentials {
        settings.with_replacement(schema, *rust, std::iter::empty());
    }
    // Closed enums fail a whole decode on a value added server-side; open
    // enums keep unknown values instead.
    for (schema, name) in open_enums {
        let open = format!("crate::models::{name}");
        settings.with_replacement(*schema, open.as_str(), std::iter::empty());
    }
    Ok(settings)
}

/// The checks `crate::validate` makes on request bodies, as a Rust table
/// read from the component schemas, which are then stripped of their
/// `minLength`/`maxLength`: each property's length limits, whether it is an
/// email address (`format: email`, or a list of them), and whether it must
/// not be blank (required, not nullable, plain text or an email: DRF
/// trims it and refuses it empty), and a list's `minItems`. A property's
/// facts are followed through `$ref` and a one-part `allOf` (how a
/// described or nullable reference is written), and
/// a schema's properties and `required` through its `allOf` parts. The same
/// walk describes each object schema's fields to the sandbox (`Described`),
/// so the client and the sandbox check one set of facts.
///
/// typify turns every length-limited string into a validating newtype: a
/// response with a name one character over the limit would then fail to
/// decode, and every field would need its own wrapper type. The limits stay
/// in the spec (the single source of truth); the client checks them on
/// request bodies before sending, naming the field.
pub fn take_body_checks(doc: &mut serde_yaml::Value) -> String {
    let Some(schemas) = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(|s| s.as_mapping())
        .cloned()
    else {
        return "pub(crate) const LIMITS: &[Limit] = &[];\n".into();
    };
    let (mut rows, mut impls) = (String::new(), String::new());
    for (name, schema) in &schemas {
        let (Some(name), Some(schema)) = (name.as_str(), schema.as_mapping()) else {
            continue;
        };
        let (fields, required) = body_fields_of(schema, &schemas, 0);
        let mut described = String::new();
        for (field, prop) in &fields {
            let f = facts(prop, &schemas, 0);
            let required = required.contains(field);
            // DRF's blank rule: an `EmailField` is a `CharField` too.
            let not_blank = (f.plain || f.kind == "Email") && !f.nullable && required;
            if f.min.is_some() || f.max.is_some() || f.email || not_blank || f.min_items.is_some() {
                rows.push_str(&format!(
                    "    Limit {{ schema: {name:?}, field: {field:?}, min: {:?}, max: {:?}, email: {}, not_blank: {not_blank}, min_items: {:?} }},\n",
                    f.min, f.max, f.email, f.min_items
                ));
            }
            described.push_str(&format!(
                "field({field:?}, {}, {required}, {}), ",
                f.kind, f.nullable
            ));
        }
        let ty = ident(name, true);
        // Checks by type, not by a name string: every object schema has
        // its rows (none when the spec states no check), so any body the
        // generated methods send is checked by its own schema's name.
        let object = schema.get("type").and_then(|t| t.as_str()) == Some("object");
        if object || !fields.is_empty() {
            impls.push_str(&format!(
                "impl Limited for crate::raw::types::{ty} {{ const SCHEMA: &'static str = {name:?}; }}\n"
            ));
            // The sandbox answers a bad body as the server does, from the
            // same facts the client checks (an object without fields too:
            // a body of it is still checked for being an object).
            impls.push_str(&format!(
                "#[cfg(feature = \"sandbox\")]\nimpl crate::sandbox::validate::Described for crate::raw::types::{ty} {{\n    const SCHEMA: &'static str = {name:?};\n    const FIELDS: &'static [crate::sandbox::validate::Field] = {{\n        use crate::sandbox::validate::{{field, Kind::*}};\n        &[{described}]\n    }};\n}}\n"
            ));
        }
    }
    if let Some(schemas) = doc.get_mut("components").and_then(|c| c.get_mut("schemas")) {
        strip_lengths(schemas);
    }
    format!("pub(crate) const LIMITS: &[Limit] = &[\n{rows}];\n{impls}")
}

/// What a property's schema says, following `$ref` and a one-part `allOf`.
struct Facts {
    min: Option<u64>,
    max: Option<u64>,
    /// A list's `minItems`.
    min_items: Option<u64>,
    /// Text with no format or enum of its own: what DRF's blank rule covers.
    plain: bool,
    email: bool,
    nullable: bool,
    /// How the sandbox checks it (`crate::sandbox::validate::Kind`); `Any`
    /// checks only presence and null.
    kind: &'static str,
}

/// References are followed this deep at most (a cycle ends there).
const MAX_REF_DEPTH: usize = 8;

fn resolved<'a>(
    schema: &'a serde_yaml::Mapping,
    schemas: &'a serde_yaml::Mapping,
) -> Option<&'a serde_yaml::Mapping> {
    let target = schema.get("$ref")?.as_str()?;
    schemas
        .get(target.strip_prefix("#/components/schemas/")?)?
        .as_mapping()
}

fn facts(schema: &serde_yaml::Mapping, schemas: &serde_yaml::Mapping, depth: usize) -> Facts {
    let text = |key: &str| schema.get(key).and_then(|v| v.as_str());
    let mut f = Facts {
        min: schema.get("minLength").and_then(|v| v.as_u64()),
        max: schema.get("maxLength").and_then(|v| v.as_u64()),
        min_items: schema.get("minItems").and_then(|v| v.as_u64()),
        plain: text("type") == Some("string")
            && !schema.contains_key("format")
            && !schema.contains_key("enum"),
        email: text("format") == Some("email"),
        nullable: schema.get("nullable").and_then(|v| v.as_bool()) == Some(true),
        kind: match (text("type"), text("format")) {
            (Some("string"), Some("uuid")) => "Uuid",
            (Some("string"), Some("email")) => "Email",
            (Some("string"), Some("date")) => "Date",
            (Some("string"), _) => "Str",
            (Some("boolean"), _) => "Bool",
            _ => "Any",
        },
    };
    if depth >= MAX_REF_DEPTH {
        return f;
    }
    let one_part = schema
        .get("allOf")
        .and_then(|a| a.as_sequence())
        .filter(|parts| parts.len() == 1)
        .and_then(|parts| parts[0].as_mapping());
    let target = resolved(schema, schemas)
        .or_else(|| one_part.and_then(|part| resolved(part, schemas).or(Some(part))));
    if let Some(target) = target {
        let inner = facts(target, schemas, depth + 1);
        f.min = f.min.or(inner.min);
        f.max = f.max.or(inner.max);
        f.min_items = f.min_items.or(inner.min_items);
        f.plain |= !schema.contains_key("type") && inner.plain;
        f.email |= inner.email;
        f.nullable |= inner.nullable;
        if f.kind == "Any" {
            f.kind = inner.kind;
        }
    }
    if let Some(items) = schema.get("items").and_then(|i| i.as_mapping()) {
        let items = facts(items, schemas, depth + 1);
        f.email |= items.email;
        f.kind = match items.kind {
            "Uuid" => "UuidList",
            "Email" => "EmailList",
            _ => "Any",
        };
    }
    f
}

/// A schema's properties and required names, with those of its `allOf`
/// parts (inline or referenced).
fn body_fields_of(
    schema: &serde_yaml::Mapping,
    schemas: &serde_yaml::Mapping,
    depth: usize,
) -> (Vec<(String, serde_yaml::Mapping)>, Vec<String>) {
    let mut fields = Vec::new();
    let mut required: Vec<String> = schema
        .get("required")
        .and_then(|r| r.as_sequence())
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(str::to_string))
        .collect();
    let props = schema.get("properties").and_then(|p| p.as_mapping());
    for (field, prop) in props.into_iter().flatten() {
        if let (Some(field), Some(prop)) = (field.as_str(), prop.as_mapping()) {
            fields.push((field.to_string(), prop.clone()));
        }
    }
    let parts = schema.get("allOf").and_then(|a| a.as_sequence());
    for part in parts.into_iter().flatten().filter_map(|p| p.as_mapping()) {
        if depth < MAX_REF_DEPTH {
            let part = resolved(part, schemas).unwrap_or(part);
            let (more, also) = body_fields_of(part, schemas, depth + 1);
            fields.extend(more);
            required.extend(also);
        }
    }
    (fields, required)
}

/// Removes every `minLength`/`maxLength` below `value` (see
/// [`take_body_checks`] for why).
fn strip_lengths(value: &mut serde_yaml::Value) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            map.remove("minLength");
            map.remove("maxLength");
            map.values_mut().for_each(strip_lengths);
        }
        serde_yaml::Value::Sequence(items) => items.iter_mut().for_each(strip_lengths),
        _ => {}
    }
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
