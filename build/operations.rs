//! `operations.rs` in `OUT_DIR`, generated from the spec beside progenitor's
//! client: every operation's path (`paths::OPERATION_ID`) and its method on
//! `Providers`; for each operation whose only inputs are query parameters,
//! its typed parameters (`OperationIdParams`: a setter per parameter, `set`
//! by wire name), and for the others their typed path ids and checked
//! bodies (`bodies`). A list (a page of rows with a required `id`, read by
//! `offset` and `limit`) is also walkable (`Listing`). Types are the ones
//! progenitor gave the same things, read from its output, so the two agree.
//! A query parameter added to the spec needs no handwritten code. The
//! spec's `servers` become `Environment`, and its API key scheme names the
//! header the key travels in (`API_KEY_HEADER`).

#[path = "bodies.rs"]
mod bodies;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{OpenAPI, Parameter, ParameterData, ReferenceOr, Schema, SchemaKind, Type};

/// The Rust types progenitor generated, by (`builder::Struct` or
/// `types::Struct`, field): a model's field as declared (an optional one is
/// an `Option`), a builder's as the value it takes (inside
/// `Result<Option<..>, String>`).
pub type FieldTypes = HashMap<(String, String), String>;

/// Reads [`FieldTypes`] from progenitor's output.
pub fn field_types(file: &syn::File) -> FieldTypes {
    use quote::ToTokens;
    fn inner<'a>(ty: &'a syn::Type, wrapper: &str) -> &'a syn::Type {
        let syn::Type::Path(path) = ty else { return ty };
        let Some(last) = path.path.segments.last().filter(|s| s.ident == wrapper) else {
            return ty;
        };
        match &last.arguments {
            syn::PathArguments::AngleBracketed(args) => match args.args.first() {
                Some(syn::GenericArgument::Type(arg)) => arg,
                _ => ty,
            },
            _ => ty,
        }
    }
    let mut types = FieldTypes::new();
    let mut visit = |module: &str, items: &[syn::Item]| {
        for item in items {
            let syn::Item::Struct(strukt) = item else {
                continue;
            };
            let text = |ty: &syn::Type| -> String {
                ty.to_token_stream()
                    .to_string()
                    .split_whitespace()
                    .collect()
            };
            for field in &strukt.fields {
                let Some(name) = &field.ident else { continue };
                let ty = match module {
                    "builder" => inner(inner(&field.ty, "Result"), "Option"),
                    _ => &field.ty,
                };
                let key = (format!("{module}::{}", strukt.ident), name.to_string());
                types.insert(key, text(ty));
            }
        }
    };
    for item in &file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        let Some((_, items)) = &module.content else {
            continue;
        };
        match module.ident.to_string().as_str() {
            "builder" => visit("builder", items),
            "types" => visit("types", items),
            _ => {}
        }
    }
    types
}

/// Whether a query parameter is a comma-separated array: `type: array`
/// with `explode: false` (style form, the query default).
fn is_comma_array(param: &serde_yaml::Value) -> bool {
    let is_array = param
        .get("schema")
        .and_then(|s| s.get("type"))
        .and_then(|t| t.as_str())
        == Some("array");
    let exploded = param
        .get("explode")
        .and_then(|e| e.as_bool())
        .unwrap_or(true);
    let form = param
        .get("style")
        .and_then(|s| s.as_str())
        .unwrap_or("form")
        == "form";
    is_array && !exploded && form
}

/// Rewrites the comma-separated array query parameters to the plain
/// strings progenitor sends; the typed parameters join them with commas.
pub fn flatten_comma_arrays(doc: &mut serde_yaml::Value) {
    let mut params: Vec<&mut serde_yaml::Value> = Vec::new();
    let Some(root) = doc.as_mapping_mut() else {
        return;
    };
    for (key, value) in root.iter_mut() {
        match key.as_str() {
            Some("components") => {
                if let Some(map) = value.get_mut("parameters").and_then(|p| p.as_mapping_mut()) {
                    params.extend(map.iter_mut().map(|(_, v)| v));
                }
            }
            Some("paths") => {
                let items = value
                    .as_mapping_mut()
                    .into_iter()
                    .flat_map(|m| m.iter_mut());
                for (_, entry) in items
                    .filter_map(|(_, item)| item.as_mapping_mut())
                    .flatten()
                {
                    if let Some(list) = entry
                        .get_mut("parameters")
                        .and_then(|p| p.as_sequence_mut())
                    {
                        params.extend(list.iter_mut());
                    }
                }
            }
            _ => {}
        }
    }
    for param in params.into_iter().filter(|p| is_comma_array(p)) {
        if let Some(map) = param.as_mapping_mut() {
            map.remove("explode");
            map.remove("style");
            let string: serde_yaml::Value =
                serde_yaml::from_str("{type: string}").unwrap_or_default();
            map.insert("schema".into(), string);
        }
    }
}

/// A name as progenitor and typify make it an identifier.
pub fn ident(name: &str, pascal: bool) -> String {
    use heck::{ToPascalCase, ToSnakeCase};
    let clean: String = name
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = if pascal {
        clean.to_pascal_case()
    } else {
        clean.to_snake_case()
    };
    let out = match out.chars().next() {
        None => {
            if pascal {
                "X".into()
            } else {
                "x".into()
            }
        }
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("_{out}"),
    };
    const KEYWORDS: &[&str] = &[
        "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
        "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
        "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
        "pub", "ref", "return", "Self", "self", "static", "struct", "super", "trait", "true",
        "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    ];
    if KEYWORDS.contains(&out.as_str()) {
        format!("{out}_")
    } else {
        out
    }
}

const INTEGERS: &[&str] = &["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"];
const COPY: &[&str] = &[
    "bool",
    "f32",
    "f64",
    "::uuid::Uuid",
    "::chrono::naive::NaiveDate",
];

/// Doc-example values of a type: (a Rust expression, the same as text).
fn example_of(ty: &str) -> Option<(&'static str, &'static str)> {
    Some(match ty {
        "::std::string::String" => ("\"example\"", "example"),
        "::uuid::Uuid" => (
            "assured::Uuid::nil()",
            "00000000-0000-0000-0000-000000000000",
        ),
        "bool" => ("true", "true"),
        "u64" => ("1", "1"),
        "f64" | "f32" => ("1.5", "1.5"),
        "::chrono::naive::NaiveDate" => ("assured::NaiveDate::MIN", "2024-01-01"),
        _ => return None,
    })
}

/// The Rust type of a comma-separated array's items: the one a
/// referenced schema names with `x-rust-type` (as typify reads it), else
/// by type and format.
fn item_type(schema: &Schema, name: &str) -> Result<String, String> {
    use openapiv3::{StringFormat, VariantOrUnknownOrEmpty as V};
    let named = schema.schema_data.extensions.get("x-rust-type");
    if let Some(path) = named.and_then(|x| x.get("path")?.as_str()) {
        return Ok(format!("::{path}"));
    }
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match &s.format {
            V::Unknown(f) if f == "uuid" => "::uuid::Uuid",
            V::Item(StringFormat::Date) => "::chrono::naive::NaiveDate",
            _ => "::std::string::String",
        },
        SchemaKind::Type(Type::Boolean(_)) => "bool",
        SchemaKind::Type(Type::Integer(_)) => "i64",
        SchemaKind::Type(Type::Number(_)) => "f64",
        _ => {
            return Err(format!(
                "query parameter `{name}`: list items must be strings, booleans or numbers"
            ))
        }
    }
    .to_string())
}

/// A query parameter's Rust side.
struct Query<'a> {
    data: &'a ParameterData,
    /// Its identifier (the setter, the field, progenitor's builder method).
    ident: String,
    /// The field's type (inside `Option`), the setter's argument and how it
    /// is stored.
    field: String,
    arg: String,
    store: &'static str,
    /// How `set` turns `text` into the setter's argument.
    parse: String,
    /// How `apply` hands `value` (a `&field`) to progenitor's builder.
    send: String,
    example: Option<(&'static str, &'static str)>,
}

/// How `set` parses `input` (an expression of type `&str`) as a `ty`.
fn parsed(ty: &str, input: &str) -> String {
    format!("crate::validate::parameter::<{ty}>(name, {input})")
}

/// `builder` is progenitor's type for this parameter. An array must be
/// comma-separated (`explode: false`; progenitor refuses a style other than
/// `form` itself), the shape `flatten_comma_arrays` hands progenitor as text.
fn query<'a>(
    data: &'a ParameterData,
    schema: &Schema,
    builder: &str,
    schemas: impl Fn(&str) -> Option<&'a ReferenceOr<Schema>>,
) -> Result<Query<'a>, String> {
    let name = &data.name;
    let ident = ident(name, false);
    if let SchemaKind::Type(Type::Array(array)) = &schema.schema_kind {
        let Some(items) = &array.items else {
            return Err(format!("query parameter `{name}`: an array needs `items`"));
        };
        let items: &Schema = match items {
            ReferenceOr::Item(items) => items,
            ReferenceOr::Reference { reference } => {
                let target = reference.rsplit('/').next().and_then(&schemas);
                match target {
                    Some(ReferenceOr::Item(schema)) => schema,
                    _ => return Err(format!("cannot resolve {reference}")),
                }
            }
        };
        if data.explode != Some(false) {
            return Err(format!("query parameter `{name}`: an array must be comma-separated (style: form, explode: false)"));
        }
        let ty = item_type(items, name)?;
        let split = "text.split(',').map(str::trim).filter(|item| !item.is_empty())";
        let parse = if ty == "::std::string::String" {
            format!("{split}.map(str::to_string).collect::<::std::vec::Vec<_>>()")
        } else {
            let one = parsed(&ty, "item");
            format!("{split}.map(|item| {one}).collect::<Result<::std::vec::Vec<_>, _>>()?")
        };
        return Ok(Query {
            data,
            ident,
            field: format!("::std::vec::Vec<{ty}>"),
            arg: format!("impl IntoIterator<Item = {ty}>"),
            store: "value.into_iter().collect()",
            parse,
            send: "value.iter().map(|v| v.to_string()).collect::<::std::vec::Vec<_>>().join(\",\")"
                .into(),
            // A list has no doc example: a required list is not supported.
            example: None,
        });
    }
    let minimum = match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => i.minimum,
        _ => None,
    };
    // A count or an offset is a u64 here whatever width the wire has; it
    // is clamped to the builder's integer type when sent.
    if INTEGERS.contains(&builder) && minimum.is_some_and(|m| m >= 0) {
        let send = if builder == "u64" {
            "*value".to_string()
        } else {
            format!("{builder}::try_from(*value).unwrap_or({builder}::MAX)")
        };
        return Ok(Query {
            data,
            ident,
            field: "u64".into(),
            arg: "u64".into(),
            store: "value",
            parse: parsed("u64", "text") + "?",
            send,
            example: example_of("u64"),
        });
    }
    if builder == "::std::string::String" {
        return Ok(Query {
            data,
            ident,
            field: builder.into(),
            arg: "impl Into<::std::string::String>".into(),
            store: "value.into()",
            parse: "text.to_string()".into(),
            send: "value.clone()".into(),
            example: example_of(builder),
        });
    }
    let copy = INTEGERS.contains(&builder) || COPY.contains(&builder);
    Ok(Query {
        data,
        ident,
        field: builder.into(),
        arg: builder.into(),
        store: "value",
        parse: parsed(builder, "text") + "?",
        // A type the spec names (`x-rust-type`) may be `Copy` or not.
        send: if copy {
            "*value"
        } else {
            "::std::clone::Clone::clone(value)"
        }
        .into(),
        example: example_of(builder),
    })
}

/// `text` as `///` lines, indented by `indent`.
pub fn doc(text: &str, indent: &str) -> String {
    let line = |l: &str| format!("{indent}///{}{l}\n", if l.is_empty() { "" } else { " " });
    text.trim().lines().map(line).collect()
}

fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Result<&'a T, String> {
    match item {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            match lookup(name) {
                Some(ReferenceOr::Item(item)) => Ok(item),
                _ => Err(format!("cannot resolve {reference}")),
            }
        }
    }
}

pub fn ref_name<T>(item: &ReferenceOr<T>) -> Option<&str> {
    match item {
        ReferenceOr::Reference { reference } => reference.rsplit('/').next(),
        ReferenceOr::Item(_) => None,
    }
}

/// A list's page: the Rust names of its page and row types, and the rows'
/// `id` type.
struct List {
    page: String,
    item: String,
    key: String,
    /// The rows' fields in the spec's order: (name, how a frame reads it
    /// from a row `r`).
    columns: Vec<(String, String)>,
}

/// How a data frame column reads field `name` of type `ty` from a row `r`:
/// a credential (`secret`, as `super::is_credential` finds it) as
/// `[REDACTED]`, as it is when polars takes the type, else as its wire text.
fn column(name: &str, ty: &str, secret: bool) -> String {
    // The types polars takes without extra dtype features.
    const AS_IS: &[&str] = &["bool", "f32", "f64", "i32", "i64", "u32", "u64"];
    let field = ident(name, false);
    let inner = ty
        .strip_prefix("::std::option::Option<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(ty);
    if secret {
        format!("crate::frames::redacted(&r.{field})")
    } else if inner == "::std::string::String" {
        format!("r.{field}.clone()")
    } else if AS_IS.contains(&inner) {
        format!("r.{field}")
    } else {
        format!("crate::frames::text(&r.{field})")
    }
}

/// A model's name in `crate::models`: the one its `x-rust-name` gives, or
/// progenitor's; `None` for what is not a model (not an object, or a list
/// page: `Page<T>` stands for those), which may not carry an `x-rust-name`.
pub fn model_name(name: &str, schema: &Schema) -> Result<Option<String>, String> {
    let alias = schema.schema_data.extensions.get("x-rust-name");
    if !matches!(schema.schema_kind, SchemaKind::Type(Type::Object(_)))
        || page_rows(schema).is_some()
    {
        return match alias {
            Some(_) => Err(format!(
                "schema {name}: x-rust-name names models, and this is not one (not an object, or a list page)"
            )),
            None => Ok(None),
        };
    }
    match alias.map(|a| a.as_str()) {
        None => Ok(Some(ident(name, true))),
        Some(Some(alias)) if ident(alias, true) == alias => Ok(Some(alias.to_string())),
        Some(_) => Err(format!(
            "schema {name}: x-rust-name must be a Rust type name, not {}",
            alias.map(|a| a.to_string()).unwrap_or_default()
        )),
    }
}

/// The schema name of a page's rows, when `schema` is a list page: an
/// object with a `count` and `results`, an inline array of a named schema
/// (as every page of our spec is written). The one test of a page, for the
/// lists and for `crate::models` (which leaves pages out); an object shaped
/// otherwise is a model.
pub fn page_rows(schema: &Schema) -> Option<&str> {
    let SchemaKind::Type(Type::Object(page)) = &schema.schema_kind else {
        return None;
    };
    page.properties.get("count")?;
    match &page.properties.get("results")?.as_item()?.schema_kind {
        SchemaKind::Type(Type::Array(a)) => ref_name(a.items.as_ref()?),
        _ => None,
    }
}

/// The operation's list, when its answer is a page
/// (`{count, next, previous, results: [Item]}`) of rows with a required
/// `id`, read by `offset` and `limit`.
fn list(spec: &OpenAPI, answer: &str, queries: &[Query], types: &FieldTypes) -> Option<List> {
    let schema = |name: &str| spec.components.as_ref()?.schemas.get(name)?.as_item();
    let has = |name: &str| queries.iter().any(|q| q.data.name == name);
    let schema_name = page_rows(schema(answer)?)?;
    let item = ident(schema_name, true);
    let columns = match &schema(schema_name)?.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o
            .properties
            .iter()
            .map(|(name, property)| {
                let key = (format!("types::{item}"), ident(name, false));
                let ty = types.get(&key).map_or("", String::as_str);
                (
                    name.clone(),
                    column(name, ty, super::is_credential(spec, property)),
                )
            })
            .collect(),
        _ => return None,
    };
    // A walk tells rows apart by `id`: rows that may lack one are read a
    // page at a time only.
    let key = types
        .get(&(format!("types::{item}"), "id".to_string()))
        .filter(|ty| !ty.starts_with("::std::option::Option<"))?
        .clone();
    (has("offset") && has("limit")).then(|| List {
        page: ident(answer, true),
        item,
        key,
        columns,
    })
}

struct Operation<'a> {
    id: &'a str,
    /// progenitor's names: the method (snake case) and the builder (Pascal).
    method_name: String,
    builder: String,
    upper: String,
    method: String,
    path: &'a str,
    summary: Option<&'a str>,
    description: Option<&'a str>,
}

/// Every operation's path and method, with the typed parameters of each
/// operation whose only inputs are query parameters.
pub fn operations(spec: &OpenAPI, types: &FieldTypes) -> Result<String, String> {
    let components = spec.components.as_ref();
    let mut paths = String::new();
    let mut out = String::new();
    let mut pages = BTreeMap::new();
    let mut batches = BTreeSet::new();
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let method = method.to_uppercase();
            let Some(id) = op.operation_id.as_deref() else {
                return Err(format!("{method} {path} has no operationId"));
            };
            let operation = Operation {
                id,
                method_name: ident(id, false),
                builder: ident(id, true),
                upper: ident(id, false).to_uppercase(),
                method,
                path,
                summary: op.summary.as_deref(),
                description: op.description.as_deref(),
            };
            paths.push_str(&format!(
                "    /// `{} {path}`\n    pub(crate) const {}: &str = {path:?};\n",
                operation.method, operation.upper
            ));
            // The path item's parameters, each overridden by the
            // operation's of the same name and place (as OpenAPI says).
            let mut parameters: Vec<&Parameter> = Vec::new();
            for param in item.parameters.iter().chain(&op.parameters) {
                let param = resolve(param, |n| components?.parameters.get(n))?;
                let same = |p: &&Parameter| {
                    p.parameter_data_ref().name == param.parameter_data_ref().name
                        && std::mem::discriminant(*p) == std::mem::discriminant(param)
                };
                match parameters.iter().position(same) {
                    Some(at) => parameters[at] = param,
                    None => parameters.push(param),
                }
            }
            let mut queries = Vec::new();
            let mut others = Vec::new();
            for param in parameters {
                match param {
                    Parameter::Query {
                        parameter_data: data,
                        ..
                    } => {
                        let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format
                        else {
                            return Err(format!(
                                "{id}: query parameter `{}` has no schema",
                                data.name
                            ));
                        };
                        let schema = resolve(schema, |n| components?.schemas.get(n))?;
                        let key = (
                            format!("builder::{}", operation.builder),
                            ident(&data.name, false),
                        );
                        let builder = types.get(&key).ok_or_else(|| {
                            format!("{id}: progenitor's builder has no `{}`", key.1)
                        })?;
                        queries.push(query(data, schema, builder, |n| {
                            components?.schemas.get(n)
                        })?);
                    }
                    other => others.push(other),
                }
            }
            let body = match &op.request_body {
                Some(body) => Some(resolve(body, |n| components?.request_bodies.get(n))?),
                None => None,
            };
            if queries.is_empty() {
                let names = bodies::Names {
                    id,
                    method_name: &operation.method_name,
                    builder: &operation.builder,
                    upper: &operation.upper,
                    method: &operation.method,
                    summary: operation.summary,
                    description: operation.description,
                };
                out.push_str(&bodies::method(
                    spec,
                    &names,
                    &others,
                    body,
                    &op.responses,
                    types,
                    &mut batches,
                )?);
                continue;
            }
            if body.is_some() || !others.is_empty() {
                return Err(format!(
                    "{id}: an operation with query parameters may take nothing else \
                     (no path or header parameters, no body) to be generated"
                ));
            }
            let answer = op
                .responses
                .responses
                .get(&openapiv3::StatusCode::Code(200))
                .and_then(|r| resolve(r, |n| components?.responses.get(n)).ok())
                .and_then(|r| r.content.get("application/json")?.schema.as_ref())
                .and_then(ref_name)
                .ok_or_else(|| format!("{id}: an operation with query parameters must answer 200 with a $ref schema"))?;
            let list = list(spec, answer, &queries, types);
            // The doc examples' required setters; a type without one is refused.
            let example = example(&queries)?;
            out.push_str(&params_type(&operation, &queries, list.as_ref(), &example));
            out.push_str(&method_on_providers(
                &operation,
                &ident(answer, true),
                list.as_ref(),
                &example,
            ));
            if let Some(list) = list {
                pages.insert(list.page.clone(), list);
            }
        }
    }
    for list in pages.values() {
        out.push_str(&page_impls(list));
    }
    out.push_str(&servers_and_auth(spec)?);
    Ok(format!(
        "/// Each operation's path, from the spec.\npub(crate) mod paths {{\n{paths}}}\n\n{out}"
    ))
}

/// The chained setters of a doc example: the required parameters.
fn example(queries: &[Query]) -> Result<String, String> {
    let required = queries.iter().filter(|q| q.data.required);
    required
        .map(|q| match q.example {
            Some((rust, _)) => Ok(format!(".{}({rust})", q.ident)),
            None => Err(format!(
                "required query parameter `{}`: its type has no doc example",
                q.data.name
            )),
        })
        .collect()
}

fn params_type(op: &Operation, queries: &[Query], list: Option<&List>, example: &str) -> String {
    let Operation {
        method_name,
        builder,
        method,
        path,
        ..
    } = op;
    let params = format!("{builder}Params");
    let builder = format!("crate::raw::builder::{builder}<'a>");
    let names: Vec<&str> = queries.iter().map(|q| q.data.name.as_str()).collect();
    let (mut fields, mut setters, mut arms, mut apply) =
        (String::new(), String::new(), String::new(), String::new());
    for q in queries {
        let (wire, name) = (&q.data.name, &q.ident);
        let (field, arg, store, parse, send) = (&q.field, &q.arg, q.store, &q.parse, &q.send);
        let required = if q.data.required {
            "    ///\n    /// Required.\n"
        } else {
            ""
        };
        fields.push_str(&format!("    {name}: Option<{field}>,\n"));
        setters.push_str(&format!(
            "{}{required}    pub fn {name}(mut self, value: {arg}) -> Self {{\n        self.{name} = Some({store});\n        self\n    }}\n\n",
            doc(q.data.description.as_deref().unwrap_or(wire), "    ")
        ));
        arms.push_str(&format!(
            "            {wire:?} => Ok(self.{name}({parse})),\n"
        ));
        // An empty list is no filter: it is not sent.
        let filter = if field.starts_with("::std::vec::Vec") {
            ".filter(|v| !v.is_empty())"
        } else {
            ""
        };
        apply.push_str(&if q.data.required {
            format!("        let Some(value) = &self.{name} else {{\n            return Err(crate::InvalidInput::new({wire:?}, \"is required\"));\n        }};\n        builder = builder.{name}({send});\n")
        } else {
            format!("        if let Some(value) = self.{name}.as_ref(){filter} {{\n            builder = builder.{name}({send});\n        }}\n")
        });
    }
    let set_example = match queries
        .iter()
        .find_map(|q| Some((q.data.name.as_str(), q.example?.1)))
    {
        Some((wire, text)) => {
            format!("    /// let params = {params}::new().set({wire:?}, {text:?})?;\n")
        }
        None => String::new(),
    };
    let listing = match list {
        Some(List { item, .. }) => format!(
            r#"
impl crate::pagination::sealed::Sealed for {params} {{}}

impl crate::pagination::Listing for {params} {{
    type Item = crate::raw::types::{item};

    fn window(&self) -> (Option<u64>, Option<u64>) {{
        (self.offset, self.limit)
    }}

    fn with_window(mut self, offset: u64, limit: u64) -> Self {{
        self.offset = Some(offset);
        self.limit = Some(limit);
        self
    }}

    fn fetch(self, client: crate::Client) -> ::futures::future::BoxFuture<'static, crate::Result<crate::Page<Self::Item>>> {{
        Box::pin(async move {{ client.providers().{method_name}(&self).await }})
    }}
}}
"#
        ),
        None => String::new(),
    };
    format!(
        r#"/// The query parameters of [`Providers::{method_name}`](crate::Providers::{method_name})
/// (`{method} {path}`); only what is set is sent. Generated from
/// `spec/assured.yaml`.
///
/// ```
/// let params = assured::{params}::new(){example};
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct {params} {{
{fields}}}

impl {params} {{
    /// The names [`Self::set`] takes: every query parameter, as the API
    /// names it.
    pub const NAMES: &'static [&'static str] = &{names:?};

    /// Nothing set: the server's defaults.
    pub fn new() -> Self {{
        Self::default()
    }}

{setters}    /// Sets the parameter the API calls `name` from text, as a command
    /// line or a configuration file gives it (lists comma-separated).
    ///
    /// ```
    /// use assured::{params};
    ///
{set_example}    /// assert!({params}::new().set("no_such_parameter", "1").is_err());
    /// # Ok::<(), assured::InvalidInput>(())
    /// ```
    pub fn set(self, name: &str, text: &str) -> Result<Self, crate::InvalidInput> {{
        match name {{
{arms}            _ => Err(crate::InvalidInput::new(name, format!("is not a parameter of {method_name} (one of: {{}})", Self::NAMES.join(", ")))),
        }}
    }}

    fn apply<'a>(&self, mut builder: {builder}) -> Result<{builder}, crate::InvalidInput> {{
{apply}        Ok(builder)
    }}
}}
{listing}
"#
    )
}

fn method_on_providers(op: &Operation, answer: &str, list: Option<&List>, example: &str) -> String {
    let Operation {
        method_name,
        builder,
        upper,
        summary,
        description,
        id,
        ..
    } = op;
    let params = format!("{builder}Params");
    let (returns, map_error, into, after) = match list {
        Some(list) => (
            format!("crate::Page<crate::raw::types::{}>", list.item),
            format!("crate::page::page_error::<crate::raw::types::{}>(e, paths::{upper}, params.offset)", list.item),
            ".into()",
            "    ///\n    /// One page; [`Providers::walk`](crate::Providers::walk) reads them all.\n    ///\n    /// ```no_run\n    /// # async fn run(client: assured::Client) -> assured::Result<()> {\n".to_string()
                + &format!("    /// let params = assured::{params}::new(){example}.limit(50);\n    /// let page = client.providers().{method_name}(&params).await?;\n    /// println!(\"{{}} of {{}} rows\", page.results.len(), page.count);\n"),
        ),
        None => (
            format!("crate::raw::types::{answer}"),
            format!("crate::transport::map_error(e, paths::{upper})"),
            "",
            "    ///\n    /// ```no_run\n    /// # async fn run(client: assured::Client) -> assured::Result<()> {\n".to_string()
                + &format!("    /// let answer = client.providers().{method_name}(&assured::{params}::new(){example}).await?;\n"),
        ),
    };
    // A read is sent again while the shared body budget refuses its answer; a write's answer
    // comes after the server has acted.
    let send = match op.method.as_str() {
        "GET" => format!("crate::retry::reread(self.client.config(), || {{\n            let request = request.clone();\n            async move {{ request.send().await.map_err(|e| {map_error}) }}\n        }})\n        .await?"),
        _ => format!("request.send().await.map_err(|e| {map_error})?"),
    };
    format!(
        r#"impl crate::Providers<'_> {{
{summary}{description}{after}    /// # Ok(()) }}
    /// ```
    pub async fn {method_name}(&self, params: &{params}) -> crate::Result<{returns}> {{
        let request = params.apply(self.client.raw().{method_name}())?;
        let answer = {send};
        Ok(answer.into_inner(){into})
    }}
{frame}}}

"#,
        frame = list
            .map(|list| frame_method(op, &params, example, list))
            .unwrap_or_default(),
        summary = doc(summary.unwrap_or(id), "    "),
        description = description
            .map(|d| format!("    ///\n{}", doc(d, "    ")))
            .unwrap_or_default(),
    )
}

/// `{operation}_df`: the whole list as a data frame (feature `polars`).
fn frame_method(op: &Operation, params: &str, example: &str, list: &List) -> String {
    let (method_name, item) = (&op.method_name, &list.item);
    format!(
        r#"
    /// Every row of this list, walked (see [`Providers::walk`](crate::Providers::walk)), as a
    /// data frame: a column per field of the rows of
    /// [`Providers::{method_name}`](crate::Providers::{method_name}), in the spec's order
    /// ([`Frame::COLUMNS`](crate::frames::Frame::COLUMNS)), and the same columns when there are
    /// no rows (feature `polars`).
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {{
    /// let df = client.providers().{method_name}_df(&assured::{params}::new(){example}).await?;
    /// println!("{{}} rows", df.height());
    /// # Ok(()) }}
    /// ```
    #[cfg(feature = "polars")]
    #[cfg_attr(docsrs, doc(cfg(feature = "polars")))]
    pub async fn {method_name}_df(&self, params: &{params}) -> crate::Result<::polars::prelude::DataFrame> {{
        let rows = self.walk(params).collect().await?.items;
        <crate::raw::types::{item} as crate::frames::Frame>::frame(&rows)
    }}
"#
    )
}

/// A list's page into `Page`, and its rows' identity for walks.
fn page_impls(list: &List) -> String {
    let List {
        page,
        item,
        key,
        columns,
    } = list;
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    let cells: String = columns
        .iter()
        .map(|(name, read)| format!("            column({name:?}, rows, |r| {read}),\n"))
        .collect();
    format!(
        r#"impl From<crate::raw::types::{page}> for crate::Page<crate::raw::types::{item}> {{
    fn from(page: crate::raw::types::{page}) -> Self {{
        crate::Page {{
            // A negative count is a server bug; treat it as unknown.
            count: u64::try_from(page.count).unwrap_or(0),
            next: page.next,
            previous: page.previous,
            results: page.results,
        }}
    }}
}}

impl crate::pagination::sealed::Sealed for crate::raw::types::{item} {{}}

impl crate::pagination::Keyed for crate::raw::types::{item} {{
    type Key = {key};

    // A text id is cloned; a UUID or an integer is copied.
    #[allow(clippy::clone_on_copy)]
    fn key(&self) -> {key} {{
        self.id.clone()
    }}
}}

#[cfg(feature = "polars")]
impl crate::frames::Frame for crate::raw::types::{item} {{
    const COLUMNS: &'static [&'static str] = &{names:?};

    fn frame(rows: &[Self]) -> crate::Result<::polars::prelude::DataFrame> {{
        use crate::frames::column;
        crate::frames::frame(rows.len(), vec![
{cells}        ])
    }}
}}

"#
    )
}

/// `Environment` from the spec's `servers` (a variant per server, named by
/// the first word of its description; the first is the default) and
/// `API_KEY_HEADER` from its one `apiKey` header scheme. A spec without
/// either generates a `compile_error!` saying so, since the client needs
/// both; the shapes the client could not use are refused by name.
fn servers_and_auth(spec: &OpenAPI) -> Result<String, String> {
    let missing = |what: &str| {
        format!(
            "compile_error!({:?});\n",
            format!("the spec (spec/assured.yaml, or $ASSURED_SPEC when set): {what}")
        )
    };
    let schemes = spec.components.as_ref().map(|c| &c.security_schemes);
    let headers: Vec<String> = schemes
        .into_iter()
        .flatten()
        .filter_map(|(_, s)| match s.as_item()? {
            openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name,
                ..
            } => Some(name.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    let mut out = match headers.as_slice() {
        [] => missing("no apiKey security scheme names the API key's header"),
        [name] => {
            // Checked here: the client builds it with `HeaderName::from_static`.
            let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
            if name.is_empty() || !name.chars().all(token) {
                return Err(format!(
                    "the API key header {name:?} is not a valid header name"
                ));
            }
            format!(
                "/// The header the API key travels in, from the spec.\n\
                 pub(crate) const API_KEY_HEADER: &str = {name:?};\n"
            )
        }
        more => {
            return Err(format!(
                "several apiKey header schemes ({more:?}); the client sends one"
            ))
        }
    };
    if spec.servers.is_empty() {
        out.push_str(&missing("no servers, so no Environment"));
        return Ok(out);
    }
    let (mut variants, mut arms, mut names) = (String::new(), String::new(), Vec::new());
    for server in &spec.servers {
        let url = &server.url;
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains('{') {
            return Err(format!(
                "server {url}: must be an absolute URL without variables"
            ));
        }
        let description = server.description.as_deref().unwrap_or_default();
        let word = description.split_whitespace().next().unwrap_or_default();
        let name = ident(word, true);
        if !word.starts_with(|c: char| c.is_ascii_alphabetic()) || names.contains(&name) {
            return Err(format!(
                "server {url}: its description must start with a word that names it, once ({description:?})"
            ));
        }
        variants.push_str(&doc(&format!("`{url}`: {description}"), "    "));
        let default = if names.is_empty() {
            "    #[default]\n"
        } else {
            ""
        };
        variants.push_str(&format!("{default}    {name},\n"));
        arms.push_str(&format!("            Environment::{name} => {url:?},\n"));
        names.push(name);
    }
    let first = &names[0];
    out.push_str(&format!(
        "/// The Assured environments: the spec's `servers`; the first,\n\
         /// `{first}`, is the default.\n\
         ///\n\
         /// ```\n\
         /// use assured::Environment;\n\
         ///\n\
         /// let client = assured::Client::builder().api_key(\"my-key\").build()?;\n\
         /// assert_eq!(client.base_url(), Environment::default().base_url());\n\
         /// assert_eq!(Environment::default(), Environment::{first});\n\
         /// # Ok::<(), assured::Error>(())\n\
         /// ```\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]\n\
         #[non_exhaustive]\n\
         pub enum Environment {{\n{variants}}}\n\n\
         impl Environment {{\n\
         \x20   /// The environment's base URL.\n\
         \x20   pub fn base_url(self) -> &'static str {{\n\
         \x20       match self {{\n{arms}        }}\n    }}\n}}\n",
    ));
    Ok(out)
}
