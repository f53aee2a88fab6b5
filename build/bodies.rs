//! The method on `Providers` of every operation without query parameters:
//! its path parameters typed (an id type the spec names with
//! `x-rust-type`, else text), its JSON body the model the spec names,
//! checked before anything is sent (`crate::validate`), and its answer
//! mapped onto `crate::Error` under the path it was sent to. A body field,
//! a check or an operation added to the spec needs no handwritten code.
//!
//! An array body (`InviteProviderList`) is taken as a `Vec` of its items
//! and checked as a batch (`crate::validate::Batch`): each item, the
//! array's `minItems`, and the item field its `x-unique-by` names. Its
//! requestBody's `x-body-name` names the argument and the items in
//! messages (`providers[2].email`).

use std::collections::BTreeSet;

use openapiv3::{ArrayType, OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, Type};

use super::{doc, ident, model_name, ref_name, FieldTypes};

/// What the method of one operation is called and documented with.
pub struct Names<'a> {
    pub id: &'a str,
    pub method_name: &'a str,
    /// progenitor's builder (its parameters' types are read from it).
    pub builder: &'a str,
    pub upper: &'a str,
    /// The HTTP method, upper case: a GET is read again when its answer did not arrive whole
    /// (`crate::retry::reread` in the generated code).
    pub method: &'a str,
    pub summary: Option<&'a str>,
    pub description: Option<&'a str>,
}

/// The generated method of one operation, after the `Batch` impl its
/// array body needs (each array schema once: `batches` holds those done).
pub fn method(
    spec: &OpenAPI,
    names: &Names,
    parameters: &[&Parameter],
    body: Option<&openapiv3::RequestBody>,
    responses: &openapiv3::Responses,
    types: &FieldTypes,
    batches: &mut BTreeSet<String>,
) -> Result<String, String> {
    let Names {
        id,
        method_name,
        upper,
        method,
        ..
    } = names;
    let (mut args, mut checks, mut setters, mut impls) =
        (String::new(), String::new(), String::new(), String::new());
    let (mut doc_args, mut call) = (Vec::new(), Vec::new());
    let mut path = format!("paths::{upper}.to_string()");
    for parameter in parameters {
        let Parameter::Path {
            parameter_data: data,
            ..
        } = parameter
        else {
            return Err(format!(
                "{id}: only path parameters, a JSON body or query parameters alone are generated; \
                 `{}` is a header or cookie parameter",
                parameter.parameter_data_ref().name
            ));
        };
        let name = ident(&data.name, false);
        let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(format!(
                "{id}: path parameter `{}` has no schema",
                data.name
            ));
        };
        let taken = types
            .get(&(format!("builder::{}", names.builder), name.clone()))
            .ok_or_else(|| format!("{id}: progenitor's builder has no `{name}`"))?;
        let segment = format!("{name}_segment");
        match (named_type(spec, schema), taken.as_str()) {
            // An id type of the spec's: by reference, checked routable.
            (Some(ty), _) => {
                args.push_str(&format!(", {name}: &{ty}"));
                checks.push_str(&format!(
                    "        let {segment} = crate::ids::PathSegment::segment({name})?;\n"
                ));
                setters.push_str(&format!(".{name}(::std::clone::Clone::clone({name}))"));
                doc_args.push(format!("{name}: {}", ty.trim_start_matches("::")));
                call.push(format!("&{name}"));
            }
            // Text: checked as a path segment, by its wire name.
            (None, "::std::string::String") => {
                args.push_str(&format!(", {name}: &str"));
                checks.push_str(&format!(
                    "        crate::validate::path_id({:?}, {name})?;\n        let {segment} = {name};\n",
                    data.name
                ));
                setters.push_str(&format!(".{name}({name})"));
                doc_args.push(format!("{name}: &str"));
                call.push(name.clone());
            }
            // Anything else (a UUID, a number) as progenitor types it: its
            // text cannot leave the path segment.
            (None, ty) => {
                args.push_str(&format!(", {name}: {ty}"));
                checks.push_str(&format!("        let {segment} = {name}.to_string();\n"));
                setters.push_str(&format!(".{name}({name})"));
                doc_args.push(format!("{name}: {}", ty.trim_start_matches("::")));
                call.push(name.clone());
            }
        }
        path.push_str(&format!(
            ".replace({:?}, &{segment})",
            format!("{{{}}}", data.name)
        ));
    }
    if let Some(body) = body {
        let schema = json_ref(&body.content)
            .ok_or_else(|| format!("{id}: a request body must be JSON with a $ref schema"))?;
        let target =
            component(spec, schema).ok_or_else(|| format!("{id}: cannot resolve {schema}"))?;
        let ty = ident(schema, true);
        match &target.schema_kind {
            SchemaKind::Type(Type::Array(array)) => {
                let wire = body
                    .extensions
                    .get("x-body-name")
                    .and_then(|n| n.as_str())
                    .unwrap_or("items");
                let name = ident(wire, false);
                let item = items_ref(array)
                    .ok_or_else(|| format!("{id}: an array body's items must be a $ref"))?;
                if batches.insert(ty.clone()) {
                    impls.push_str(&batch((schema, target), (item, array), wire, types)?);
                }
                args.push_str(&format!(
                    ", {name}: impl Into<::std::vec::Vec<crate::raw::types::{}>>",
                    ident(item, true)
                ));
                checks.push_str(&format!(
                    "        let {name} = {name}.into();\n        if let Some(problem) = crate::validate::batch::<crate::raw::types::{ty}>(&{name}).into_iter().next() {{\n            return Err(problem.into());\n        }}\n"
                ));
                setters.push_str(&format!(".body({name})"));
                doc_args.push(format!(
                    "{name}: Vec<assured::models::{}>",
                    public_name(spec, item)?
                ));
                call.push(name);
            }
            SchemaKind::Type(Type::Object(_)) => {
                checks.push_str("        crate::validate::body(&body)?;\n");
                args.push_str(&format!(", body: crate::raw::types::{ty}"));
                setters.push_str(".body(body)");
                doc_args.push(format!(
                    "body: assured::models::{}",
                    public_name(spec, schema)?
                ));
                call.push("body".into());
            }
            _ => {
                return Err(format!(
                    "{id}: a request body must be an object or an array schema"
                ))
            }
        }
    }
    let (returns, unwrap) = answer(spec, id, responses)?;
    let summary = doc(names.summary.unwrap_or(id), "    ");
    let description = names
        .description
        .map(|d| format!("    ///\n{}", doc(d, "    ")))
        .unwrap_or_default();
    let doc_args: String = doc_args.iter().map(|a| format!(", {a}")).collect();
    let call = call.join(", ");
    // A read is sent again while the shared body budget refuses its answer, as the query reads
    // are (`operations.rs`); a write's answer comes after the server has acted.
    let send = match *method {
        "GET" => "{\n            let path = &path;\n            crate::retry::reread(self.client.config(), || {\n                let request = request.clone();\n                async move { request.send().await.map_err(|e| crate::transport::map_error(e, path)) }\n            })\n            .await?\n        }",
        _ => "request\n            .send()\n            .await\n            .map_err(|e| crate::transport::map_error(e, &path))?",
    };
    Ok(impls
        + &format!(
            r#"impl crate::Providers<'_> {{
{summary}{description}    ///
    /// ```no_run
    /// # async fn run(client: assured::Client{doc_args}) -> assured::Result<()> {{
    /// let answer = client.providers().{method_name}({call}).await?;
    /// # Ok(()) }}
    /// ```
    pub async fn {method_name}(&self{args}) -> crate::Result<{returns}> {{
{checks}        let path = {path};
        let request = self.client.raw().{method_name}(){setters};
        let answer = {send};
        Ok(answer.into_inner(){unwrap})
    }}
}}

"#
        ))
}

/// The schema a JSON body or answer names by `$ref`.
fn json_ref(content: &openapiv3::Content) -> Option<&str> {
    ref_name(content.get("application/json")?.schema.as_ref()?)
}

/// The component schema `name`.
fn component<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    spec.components.as_ref()?.schemas.get(name)?.as_item()
}

/// `schema` and what it stands for, in order, through `$ref` and a
/// one-part `allOf` (how a described or nullable reference is written).
fn through<'a>(spec: &'a OpenAPI, schema: &'a ReferenceOr<Schema>) -> Vec<&'a Schema> {
    let mut chain = Vec::new();
    let mut next = Some(schema);
    while let Some(at) = next.filter(|_| chain.len() < super::super::MAX_REF_DEPTH) {
        let Some(at) = at.as_item().or_else(|| component(spec, ref_name(at)?)) else {
            break;
        };
        chain.push(at);
        next = match &at.schema_kind {
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => all_of.first(),
            _ => None,
        };
    }
    chain
}

/// The Rust type a schema's `x-rust-type` names (as typify reads it).
fn named_type(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> Option<String> {
    through(spec, schema).iter().find_map(|s| {
        let named = s.schema_data.extensions.get("x-rust-type")?;
        Some(format!("::{}", named.get("path")?.as_str()?))
    })
}

/// The schema an array's items name by `$ref`.
fn items_ref(array: &ArrayType) -> Option<&str> {
    ref_name(array.items.as_ref()?)
}

/// A model's name in `assured::models`, for the doc examples.
fn public_name(spec: &OpenAPI, schema: &str) -> Result<String, String> {
    component(spec, schema)
        .map(|target| model_name(schema, target))
        .transpose()?
        .flatten()
        .ok_or_else(|| format!("{schema}: a body's schema (or its items') must be an object model"))
}

/// The method's return type and how the answer becomes it: the first
/// success's JSON schema, an array one as a `Vec` of its items, and `()`
/// for a success without a body (204).
fn answer(
    spec: &OpenAPI,
    id: &str,
    responses: &openapiv3::Responses,
) -> Result<(String, &'static str), String> {
    use openapiv3::StatusCode::{Code, Range};
    let (_, success) = responses
        .responses
        .iter()
        .find(|(code, _)| matches!(code, Code(200..=299) | Range(2)))
        .ok_or_else(|| format!("{id}: it has no success answer (2XX)"))?;
    let success = super::resolve(success, |n| spec.components.as_ref()?.responses.get(n))?;
    if success.content.is_empty() {
        return Ok(("()".into(), ""));
    }
    let schema = json_ref(&success.content)
        .ok_or_else(|| format!("{id}: a success answer must be JSON with a $ref schema"))?;
    let target = component(spec, schema);
    if let Some(SchemaKind::Type(Type::Array(array))) = target.map(|t| &t.schema_kind) {
        let item = items_ref(array)
            .ok_or_else(|| format!("{id}: an array answer's items must be a $ref"))?;
        return Ok((
            format!("::std::vec::Vec<crate::raw::types::{}>", ident(item, true)),
            ".0",
        ));
    }
    Ok((format!("crate::raw::types::{}", ident(schema, true)), ""))
}

/// `impl crate::validate::Batch` for an array body schema: its items'
/// type, the name of the items in messages, its `minItems`, and the item
/// field its `x-unique-by` names (`validate::unique_key` compares it).
fn batch(
    (schema, target): (&str, &Schema),
    (item, array): (&str, &ArrayType),
    name: &str,
    types: &FieldTypes,
) -> Result<String, String> {
    let (ty, item_ty) = (ident(schema, true), ident(item, true));
    let unique = target
        .schema_data
        .extensions
        .get("x-unique-by")
        .map(|f| {
            f.as_str()
                .ok_or_else(|| format!("{schema}: x-unique-by must name a field of {item}"))
        })
        .transpose()?;
    let key = match unique {
        None => "None".to_string(),
        Some(field) => {
            let rust = ident(field, false);
            let declared = types
                .get(&(format!("types::{item_ty}"), rust.clone()))
                .ok_or_else(|| {
                    format!("{schema}: x-unique-by names `{field}`, which {item} does not have")
                })?;
            // As written: `validate::unique_key` compares an email
            // ignoring case, by the `LIMITS` row of the item's field.
            if declared.starts_with("::std::option::Option<") {
                format!("item.{rust}.as_ref().map(|v| v.to_string())")
            } else {
                format!("Some(item.{rust}.to_string())")
            }
        }
    };
    let min = array.min_items.unwrap_or(0);
    Ok(format!(
        "impl crate::validate::Batch for crate::raw::types::{ty} {{\n    type Item = crate::raw::types::{item_ty};\n    const NAME: &'static str = {name:?};\n    const MIN_ITEMS: usize = {min};\n    const UNIQUE_BY: &'static str = {:?};\n    fn key(item: &Self::Item) -> Option<String> {{\n        {key}\n    }}\n}}\n",
        unique.unwrap_or("")
    ))
}
