//! `operations.rs` in `OUT_DIR`, generated from the spec beside progenitor's
//! client: every operation's path (`paths::OPERATION_ID`), and for each
//! operation with query parameters its typed parameters
//! (`OperationIdParams`: a setter per parameter, `set` by name) and its
//! method on `Providers`. A list (a page of rows with an `id`, read by
//! `offset` and `limit`) is also walkable (`Listing`). A parameter added to
//! the spec needs no handwritten code.

use openapiv3::{OpenAPI, Parameter, ParameterData, ReferenceOr, Schema, SchemaKind, Type};

/// Rewrites the comma-separated array query parameters (`type: array`,
/// `style: form`, `explode: false`) to the plain strings progenitor sends;
/// the typed parameters join them with commas.
pub fn flatten_comma_arrays(doc: &mut serde_yaml::Value) {
    use serde_yaml::Value;
    let mut params: Vec<&mut Value> = Vec::new();
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
                for op in items
                    .filter_map(|(_, item)| item.as_mapping_mut())
                    .flatten()
                {
                    if let Some(list) = op.1.get_mut("parameters").and_then(|p| p.as_sequence_mut())
                    {
                        params.extend(list.iter_mut());
                    }
                }
            }
            _ => {}
        }
    }
    for param in params {
        let schema_type = param.get("schema").and_then(|s| s.get("type"));
        if schema_type.and_then(|t| t.as_str()) != Some("array") {
            continue;
        }
        if let Some(map) = param.as_mapping_mut() {
            map.remove("explode");
            map.remove("style");
            let string: serde_yaml::Value =
                serde_yaml::from_str("{type: string}").unwrap_or_default();
            map.insert(Value::from("schema"), string);
        }
    }
}

/// A query parameter's Rust side.
struct Query<'a> {
    data: &'a ParameterData,
    /// The field's type (without `Option`).
    field: String,
    /// The setter's argument type, and how it becomes the field.
    arg: String,
    store: &'static str,
    /// How `set` turns `text` into the setter's argument.
    parse: String,
    /// How `apply` hands `value` (a `&field`) to progenitor's builder.
    send: &'static str,
    /// A value for a doc example.
    example: String,
}

/// A scalar: (type, parse of `text` with `?` when fallible, example).
fn scalar(schema: &Schema, name: &str) -> Result<(String, String, String), String> {
    use openapiv3::{StringFormat, VariantOrUnknownOrEmpty as V};
    let parse = |ty: &str| {
        format!("text.trim().parse::<{ty}>().map_err(|e| crate::InvalidInput::new(name, e.to_string()))?")
    };
    let (ty, example) = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match &s.format {
            V::Unknown(f) if f == "uuid" => ("::uuid::Uuid", "assured::Uuid::nil()"),
            V::Item(StringFormat::Date) => ("::chrono::NaiveDate", "assured::NaiveDate::MIN"),
            _ => return Ok(("::std::string::String".into(), "text.to_string()".into(), "\"example\"".into())),
        },
        SchemaKind::Type(Type::Boolean(_)) => ("bool", "true"),
        SchemaKind::Type(Type::Integer(i)) if i.minimum.is_some_and(|m| m >= 0) => ("u64", "1"),
        SchemaKind::Type(Type::Integer(_)) => ("i64", "1"),
        SchemaKind::Type(Type::Number(_)) => ("f64", "1.0"),
        _ => return Err(format!("query parameter `{name}`: only strings, booleans, numbers and arrays of them are supported")),
    };
    Ok((ty.into(), parse(ty), example.into()))
}

fn query<'a>(data: &'a ParameterData, schema: &Schema) -> Result<Query<'a>, String> {
    let name = &data.name;
    if let SchemaKind::Type(Type::Array(array)) = &schema.schema_kind {
        let Some(ReferenceOr::Item(items)) = &array.items else {
            return Err(format!(
                "query parameter `{name}`: array items must be an inline schema"
            ));
        };
        let (ty, parse, example) = scalar(items, name)?;
        let items = "text.split(',').filter(|item| !item.trim().is_empty())";
        let parse = match parse.strip_suffix('?') {
            Some(fallible) => format!(
                "{items}.map(|item| {}).collect::<Result<::std::vec::Vec<_>, _>>()?",
                fallible.replace("text.", "item.")
            ),
            None => format!(
                "{items}.map(|item| {}).collect::<::std::vec::Vec<_>>()",
                parse.replace("text.", "item.")
            ),
        };
        return Ok(Query {
            data,
            field: format!("::std::vec::Vec<{ty}>"),
            arg: format!("impl IntoIterator<Item = {ty}>"),
            store: "value.into_iter().collect()",
            parse,
            send: "value.iter().map(|v| v.to_string()).collect::<::std::vec::Vec<_>>().join(\",\")",
            example: format!("[{example}]"),
        });
    }
    let (ty, parse, example) = scalar(schema, name)?;
    let text = ty == "::std::string::String";
    Ok(Query {
        data,
        arg: if text {
            "impl Into<::std::string::String>".into()
        } else {
            ty.clone()
        },
        store: if text { "value.into()" } else { "value" },
        send: if text { "value.clone()" } else { "*value" },
        field: ty,
        parse,
        example,
    })
}

/// A doc example's value as `set` takes it, from its Rust expression.
fn text_example(rust: &str) -> String {
    let scalar = rust.trim_start_matches('[').trim_end_matches(']');
    match scalar {
        "assured::Uuid::nil()" => "00000000-0000-0000-0000-000000000000".into(),
        "assured::NaiveDate::MIN" => "2024-01-01".into(),
        other => other.trim_matches('"').into(),
    }
}

fn upper_camel(snake: &str) -> String {
    let word = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    snake.split('_').map(word).collect()
}

/// `text` as `///` lines, indented by `indent`.
fn doc(text: &str, indent: &str) -> String {
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

fn ref_name<T>(item: &ReferenceOr<T>) -> Option<&str> {
    match item {
        ReferenceOr::Reference { reference } => reference.rsplit('/').next(),
        ReferenceOr::Item(_) => None,
    }
}

fn property<'a>(schema: &'a Schema, name: &str) -> Option<&'a Schema> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.get(name)?.as_item().map(|b| &**b),
        _ => None,
    }
}

/// A list's page: its schema's name, its rows' schema and their `id` type.
struct List {
    page: String,
    item: String,
    key: String,
}

/// The operation's list, when its answer is a page
/// (`{count, next, previous, results: [Item]}`) of rows with an `id`, read
/// by `offset` and `limit`.
fn list(spec: &OpenAPI, answer: &str, query: &[Query]) -> Result<Option<List>, String> {
    let schema = |name: &str| spec.components.as_ref()?.schemas.get(name)?.as_item();
    let has = |name: &str| query.iter().any(|q| q.data.name == name);
    let results = schema(answer).and_then(|s| match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.get("results"),
        _ => None,
    });
    let item = results.and_then(|r| match &r.as_item()?.schema_kind {
        SchemaKind::Type(Type::Array(a)) => ref_name(a.items.as_ref()?),
        _ => None,
    });
    let id = item.and_then(schema).and_then(|s| property(s, "id"));
    match (item, id) {
        (Some(item), Some(id)) if has("offset") && has("limit") => Ok(Some(List {
            page: answer.to_string(),
            item: item.to_string(),
            key: scalar(id, "id")?.0,
        })),
        _ => Ok(None),
    }
}

/// Every operation's path, and the typed parameters and method of each
/// operation with query parameters.
pub fn operations(spec: &OpenAPI) -> Result<String, String> {
    let components = spec.components.as_ref();
    let mut paths = String::new();
    let mut out = String::new();
    let mut pages = std::collections::BTreeMap::new();
    for (path, method, op) in spec.operations() {
        let method = method.to_uppercase();
        let Some(id) = op.operation_id.as_deref() else {
            return Err(format!("{method} {path} has no operationId"));
        };
        let upper = id.to_uppercase();
        paths.push_str(&format!(
            "    /// `{method} {path}`\n    pub(crate) const {upper}: &str = {path:?};\n"
        ));
        let mut queries = Vec::new();
        for param in &op.parameters {
            let param = resolve(param, |n| components?.parameters.get(n))?;
            if let Parameter::Query {
                parameter_data: data,
                ..
            } = param
            {
                let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
                    return Err(format!(
                        "{id}: query parameter `{}` has no schema",
                        data.name
                    ));
                };
                queries.push(query(
                    data,
                    resolve(schema, |n| components?.schemas.get(n))?,
                )?);
            }
        }
        if queries.is_empty() {
            continue;
        }
        let answer = op
            .responses
            .responses
            .get(&openapiv3::StatusCode::Code(200))
            .and_then(|r| resolve(r, |n| components?.responses.get(n)).ok())
            .and_then(|r| r.content.get("application/json")?.schema.as_ref())
            .and_then(ref_name)
            .ok_or_else(|| {
                format!(
                    "{id}: an operation with query parameters must answer 200 with a $ref schema"
                )
            })?;
        let list = list(spec, answer, &queries)?;
        let operation = Operation {
            id,
            upper: &upper,
            method: &method,
            path,
            summary: op.summary.as_deref(),
            description: op.description.as_deref(),
        };
        out.push_str(&params_type(&operation, &queries, list.as_ref()));
        out.push_str(&method_on_providers(
            &operation,
            &queries,
            answer,
            list.as_ref(),
        ));
        if let Some(list) = list {
            pages.insert(list.page.clone(), list);
        }
    }
    for list in pages.values() {
        out.push_str(&page_impls(list));
    }
    out.push_str(&body_fields(spec)?);
    Ok(format!(
        "/// Each operation's path, from the spec.\npub(crate) mod paths {{\n{paths}}}\n\n{out}"
    ))
}

struct Operation<'a> {
    id: &'a str,
    upper: &'a str,
    method: &'a str,
    path: &'a str,
    summary: Option<&'a str>,
    description: Option<&'a str>,
}

/// The chained setters of a doc example: the required parameters.
fn example(queries: &[Query]) -> String {
    let required = queries.iter().filter(|q| q.data.required);
    required
        .map(|q| format!(".{}({})", q.data.name, q.example))
        .collect()
}

fn params_type(op: &Operation, queries: &[Query], list: Option<&List>) -> String {
    let Operation {
        id, method, path, ..
    } = op;
    let params = format!("{}Params", upper_camel(id));
    let builder = format!("crate::raw::builder::{}<'a>", upper_camel(id));
    let names: Vec<&str> = queries.iter().map(|q| q.data.name.as_str()).collect();
    let example = example(queries);
    let (mut fields, mut setters, mut arms, mut apply) =
        (String::new(), String::new(), String::new(), String::new());
    for q in queries {
        let name = &q.data.name;
        let (field, arg, store, parse, send) = (&q.field, &q.arg, q.store, &q.parse, q.send);
        let required = if q.data.required {
            "    ///\n    /// Required.\n"
        } else {
            ""
        };
        fields.push_str(&format!("    {name}: Option<{field}>,\n"));
        setters.push_str(&format!(
            "{}{required}    pub fn {name}(mut self, value: {arg}) -> Self {{\n        self.{name} = Some({store});\n        self\n    }}\n\n",
            doc(q.data.description.as_deref().unwrap_or(name), "    ")
        ));
        arms.push_str(&format!(
            "            {name:?} => Ok(self.{name}({parse})),\n"
        ));
        // An empty list is no filter: it is not sent.
        let filter = if field.starts_with("::std::vec::Vec") {
            ".filter(|v| !v.is_empty())"
        } else {
            ""
        };
        apply.push_str(&if q.data.required {
            format!("        let Some(value) = &self.{name} else {{\n            return Err(crate::InvalidInput::new({name:?}, \"is required\"));\n        }};\n        builder = builder.{name}({send});\n")
        } else {
            format!("        if let Some(value) = self.{name}.as_ref(){filter} {{\n            builder = builder.{name}({send});\n        }}\n")
        });
    }
    let listing = if let Some(List { item, .. }) = list {
        format!(
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
        Box::pin(async move {{ client.providers().{id}(&self).await }})
    }}
}}
"#
        )
    } else {
        String::new()
    };
    format!(
        r#"/// The query parameters of [`Providers::{id}`](crate::Providers::{id})
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
    /// The names [`Self::set`] takes: every query parameter of `{id}`.
    pub const NAMES: &'static [&'static str] = &{names:?};

    /// Nothing set: the server's defaults.
    pub fn new() -> Self {{
        Self::default()
    }}

{setters}    /// Sets the parameter `name` from text, as a command line or a
    /// configuration file gives it (lists comma-separated).
    ///
    /// ```
    /// use assured::{params};
    ///
    /// let params = {params}::new().set({first:?}, {first_text:?})?;
    /// assert!({params}::new().set("no_such_parameter", "1").is_err());
    /// # Ok::<(), assured::InvalidInput>(())
    /// ```
    pub fn set(self, name: &str, text: &str) -> Result<Self, crate::InvalidInput> {{
        match name {{
{arms}            _ => Err(crate::InvalidInput::new(name, format!("is not a parameter of {id} (one of: {{}})", Self::NAMES.join(", ")))),
        }}
    }}

    fn apply<'a>(&self, mut builder: {builder}) -> Result<{builder}, crate::InvalidInput> {{
{apply}        Ok(builder)
    }}
}}
{listing}
"#,
        first = names[0],
        first_text = text_example(&queries[0].example),
    )
}

fn method_on_providers(
    op: &Operation,
    queries: &[Query],
    answer: &str,
    list: Option<&List>,
) -> String {
    let Operation {
        id,
        upper,
        summary,
        description,
        ..
    } = op;
    let params = format!("{}Params", upper_camel(id));
    let example = example(queries);
    let (returns, map_error, into, after) = match list {
        Some(list) => (
            format!("crate::Page<crate::raw::types::{}>", list.item),
            format!("crate::page::page_error::<crate::raw::types::{}>(e, paths::{upper}, params.offset)", list.item),
            ".into()",
            "    ///\n    /// One page; [`Providers::walk`](crate::Providers::walk) reads them all.\n    ///\n    /// ```no_run\n    /// # async fn run(client: assured::Client) -> assured::Result<()> {\n".to_string()
                + &format!("    /// let params = assured::{params}::new(){example}.limit(50);\n    /// let page = client.providers().{id}(&params).await?;\n    /// println!(\"{{}} of {{}} rows\", page.results.len(), page.count);\n"),
        ),
        None => (
            format!("crate::raw::types::{answer}"),
            format!("crate::transport::map_error(e, paths::{upper})"),
            "",
            "    ///\n    /// ```no_run\n    /// # async fn run(client: assured::Client) -> assured::Result<()> {\n".to_string()
                + &format!("    /// let answer = client.providers().{id}(&assured::{params}::new(){example}).await?;\n"),
        ),
    };
    format!(
        r#"impl crate::Providers<'_> {{
{summary}{description}{after}    /// # Ok(()) }}
    /// ```
    pub async fn {id}(&self, params: &{params}) -> crate::Result<{returns}> {{
        let request = params.apply(self.client.raw().{id}())?;
        let answer = request.send().await.map_err(|e| {map_error})?;
        Ok(answer.into_inner(){into})
    }}
}}

"#,
        summary = doc(summary.unwrap_or(id), "    "),
        description = description
            .map(|d| format!("    ///\n{}", doc(d, "    ")))
            .unwrap_or_default(),
    )
}

/// A list's page into `Page`, and its rows' identity for walks.
fn page_impls(list: &List) -> String {
    let List { page, item, key } = list;
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

"#
    )
}

/// For the sandbox, which answers bad bodies as the server does: each
/// request body schema's fields (`Described`), as the spec types them.
fn body_fields(spec: &OpenAPI) -> Result<String, String> {
    let schemas = spec.components.as_ref().map(|c| &c.schemas);
    let schema = |name: &str| schemas?.get(name)?.as_item();
    let mut bodies = std::collections::BTreeSet::new();
    for (_, _, op) in spec.operations() {
        let body = op.request_body.as_ref().and_then(|b| b.as_item());
        let Some(json) = body.and_then(|b| b.content.get("application/json")?.schema.as_ref())
        else {
            continue;
        };
        // A body of an array (inline or named) is checked item by item.
        let array_item = |s: &Schema| match &s.schema_kind {
            SchemaKind::Type(Type::Array(a)) => ref_name(a.items.as_ref()?).map(str::to_string),
            _ => None,
        };
        let name = match ref_name(json) {
            Some(name) => schema(name).and_then(array_item).or(Some(name.to_string())),
            None => json.as_item().and_then(array_item),
        };
        bodies.extend(name);
    }
    let mut out = String::new();
    for name in bodies {
        let body = schema(&name).ok_or_else(|| format!("no schema {name}"))?;
        let SchemaKind::Type(Type::Object(object)) = &body.schema_kind else {
            return Err(format!("request body {name} must be an object"));
        };
        let mut fields = String::new();
        for (field, property) in &object.properties {
            let property = match property {
                ReferenceOr::Item(item) => &**item,
                ReferenceOr::Reference { reference } => {
                    let target = reference.rsplit('/').next().unwrap_or_default();
                    schema(target).ok_or_else(|| format!("cannot resolve {reference}"))?
                }
            };
            let kind = field_kind(property).ok_or_else(|| {
                format!("{name}.{field}: the sandbox checks strings, booleans and lists of strings only")
            })?;
            let required = object.required.contains(field);
            let nullable = property.schema_data.nullable;
            fields.push_str(&format!(
                "field({field:?}, {kind}, {required}, {nullable}), "
            ));
        }
        out.push_str(&format!(
            "#[cfg(feature = \"sandbox\")]\nimpl crate::sandbox::validate::Described for crate::raw::types::{name} {{\n    const SCHEMA: &'static str = {name:?};\n    const FIELDS: &'static [crate::sandbox::validate::Field] = {{\n        use crate::sandbox::validate::{{field, Kind::*}};\n        &[{fields}]\n    }};\n}}\n\n"
        ));
    }
    Ok(out)
}

/// How the sandbox checks a field of this schema.
fn field_kind(schema: &Schema) -> Option<&'static str> {
    use openapiv3::{StringFormat, VariantOrUnknownOrEmpty as V};
    Some(match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match &s.format {
            V::Unknown(f) if f == "uuid" => "Uuid",
            V::Unknown(f) if f == "email" => "Email",
            V::Item(StringFormat::Date) => "Date",
            _ => "Str",
        },
        SchemaKind::Type(Type::Boolean(_)) => "Bool",
        SchemaKind::Type(Type::Array(a)) => match field_kind(a.items.as_ref()?.as_item()?)? {
            "Uuid" => "UuidList",
            "Email" => "EmailList",
            _ => return None,
        },
        _ => return None,
    })
}
