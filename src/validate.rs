//! Checks on request input before anything is sent, each naming the field (with the item index in a
//! batch) and the rule it broke; the rules (length limits, email fields, the blank rule,
//! `minItems`, an array body's `x-unique-by`) are lifted from the spec's schemas by the build
//! script (`LIMITS`, `Batch`).

use serde_json::Value;

use crate::error::InvalidInput;

mod email;
pub(crate) use email::check_email;

/// The checks on one property of a schema, as the spec states them.
pub(crate) struct Limit {
    pub(crate) schema: &'static str,
    pub(crate) field: &'static str,
    pub(crate) min: Option<u64>,
    pub(crate) max: Option<u64>,
    /// `format: email`, on the text or on each item of a list.
    pub(crate) email: bool,
    /// Required, not nullable, plain text or an email: DRF refuses it
    /// blank (so does the sandbox, from this same fact).
    pub(crate) not_blank: bool,
    /// A list's `minItems`.
    pub(crate) min_items: Option<u64>,
}

/// A generated model of an object schema; the build script implements it for each, so a body is
/// checked by its own schema's rules (`LIMITS`), whatever it is renamed to.
pub(crate) trait Limited: serde::Serialize {
    /// The schema's name in `spec/assured.yaml`.
    const SCHEMA: &'static str;
}

include!(concat!(env!("OUT_DIR"), "/limits.rs"));

/// Checks a request body against its schema's rules in the spec: the blank rule first, as DRF (and
/// the sandbox) apply it, so 151 spaces are blank, not too long; then length limits of the trimmed
/// text, `minItems` and email syntax. The first problem, for calls that refuse.
pub(crate) fn body<T: Limited>(body: &T) -> Result<(), InvalidInput> {
    problems("", body).into_iter().next().map_or(Ok(()), Err)
}

/// Every problem of a request body, as [`body`] checks it; `prefix` names
/// the body in messages (`providers[3]`).
fn problems<T: Limited>(prefix: &str, body: &T) -> Vec<InvalidInput> {
    let value = serde_json::to_value(body).map_err(|e| format!("cannot be serialised: {e}"));
    let fields = match value {
        Ok(Value::Object(fields)) => fields,
        Ok(_) => return Vec::new(),
        Err(rule) => return vec![InvalidInput::new(prefix, rule)],
    };
    let name = |field: &str| match prefix {
        "" => field.to_string(),
        _ => format!("{prefix}.{field}"),
    };
    let text = |field: &str| fields.get(field).and_then(Value::as_str);
    let (blank, rules): (Vec<&Limit>, Vec<&Limit>) = LIMITS
        .iter()
        .filter(|l| l.schema == T::SCHEMA)
        .partition(|l| l.not_blank && text(l.field).is_some_and(|t| drf_trim(t).is_empty()));
    let mut found: Vec<InvalidInput> = blank
        .iter()
        .map(|l| InvalidInput::new(name(l.field), "must not be blank"))
        .collect();
    for limit in &rules {
        // Counted as DRF's `CharField` counts: after trimming.
        let Some(len) = text(limit.field).map(|t| drf_trim(t).chars().count() as u64) else {
            continue;
        };
        if let Some(min) = limit.min.filter(|min| len < *min) {
            let rule = format!("must be at least {min} characters");
            found.push(InvalidInput::new(name(limit.field), rule));
        }
        if let Some(max) = limit.max.filter(|max| len > *max) {
            // A credential's length is not repeated: it narrows a guess.
            let got = match crate::error::is_secret_field(limit.field) {
                true => String::new(),
                false => format!(" (got {len})"),
            };
            let rule = format!("must be at most {max} characters{got}");
            found.push(InvalidInput::new(name(limit.field), rule));
        }
    }
    // DRF's `CharField` refuses a NUL anywhere in its text (`ProhibitNullCharactersValidator`).
    for (field, value) in &fields {
        let texts = match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, t)| (Some(i), t))
                .collect(),
            text => vec![(None, text)],
        };
        for (index, _) in texts
            .iter()
            .filter(|(_, t)| t.as_str().is_some_and(|t| t.contains('\0')))
        {
            let field = index.map_or_else(|| name(field), |i| name(&format!("{field}[{i}]")));
            found.push(InvalidInput::new(
                field,
                "must not contain a null character (U+0000)",
            ));
        }
    }
    for limit in &rules {
        let Some(Value::Array(items)) = fields.get(limit.field) else {
            continue;
        };
        if let Some(min) = limit.min_items.filter(|min| (items.len() as u64) < *min) {
            found.push(InvalidInput::new(name(limit.field), at_least(min)));
        }
    }
    for limit in rules.iter().filter(|l| l.email) {
        match fields.get(limit.field) {
            Some(Value::String(email)) => {
                found.extend(check_email(&name(limit.field), email).err())
            }
            Some(Value::Array(emails)) => {
                for (i, email) in emails.iter().enumerate() {
                    let field = name(&format!("{}[{i}]", limit.field));
                    found.extend(check_email(&field, email.as_str().unwrap_or("")).err());
                }
            }
            _ => {}
        }
    }
    found
}

/// `text` trimmed as DRF's `CharField` trims it, with Python's `str.strip()`: Rust's whitespace
/// and the separators U+001C to U+001F.
pub(crate) fn drf_trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// An array request body's rules, from its schema in the spec: each item's own, `minItems`, and the
/// field `x-unique-by` names. The build implements it for each array body (`build/bodies.rs`).
pub(crate) trait Batch {
    /// The items' model.
    type Item: Limited;
    /// The items' name in messages (`providers[2].email`).
    const NAME: &'static str;
    const MIN_ITEMS: usize;
    /// The field no two items may share (empty for none).
    const UNIQUE_BY: &'static str;
    /// An item's value of that field, as written.
    fn key(item: &Self::Item) -> Option<String>;
}

/// An item's [`Batch::UNIQUE_BY`] value as compared: trimmed, as DRF takes text, and an email
/// (its schema's `LIMITS` row says so) ignoring case, as the server's unique email does.
pub(crate) fn unique_key<B: Batch>(item: &B::Item) -> Option<String> {
    let key = drf_trim(&B::key(item)?).to_string();
    let schema = <B::Item as Limited>::SCHEMA;
    let email = LIMITS
        .iter()
        .any(|l| l.schema == schema && l.field == B::UNIQUE_BY && l.email);
    Some(if email { key.to_lowercase() } else { key })
}

/// Every problem of an array body, before anything is sent: too few items, each item's problems
/// (all of them, not just the first), and a repeated [`Batch::UNIQUE_BY`]. Fields are named with
/// the item's index (`providers[2].email`).
pub(crate) fn batch<B: Batch>(items: &[B::Item]) -> Vec<InvalidInput> {
    if items.len() < B::MIN_ITEMS {
        return vec![InvalidInput::new(B::NAME, at_least(B::MIN_ITEMS as u64))];
    }
    let mut found = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (index, item) in items.iter().enumerate() {
        let prefix = format!("{}[{index}]", B::NAME);
        found.extend(problems(&prefix, item));
        if let Some(first) = unique_key::<B>(item).and_then(|key| seen.insert(key, index)) {
            found.push(InvalidInput::new(
                format!("{prefix}.{}", B::UNIQUE_BY),
                format!("duplicates {}[{first}].{}", B::NAME, B::UNIQUE_BY),
            ));
        }
    }
    found
}

fn at_least(min: u64) -> String {
    match min {
        1 => "must not be empty".into(),
        n => format!("must have at least {n} items"),
    }
}

/// Every problem with a batch of invites, as `invite_providers` checks it before sending: an empty
/// batch, each item against the spec's limits and email syntax (all of an item's problems, not just
/// the first), and emails repeated in the batch (case-insensitive). Fields are named with the item
/// index (`providers[2].email`).
///
/// ```
/// use assured::models::InviteProvider;
///
/// let ok: InviteProvider = InviteProvider::builder().email("a@example.com").try_into().unwrap();
/// let bad: InviteProvider = InviteProvider::builder().email("not-an-email").try_into().unwrap();
/// let problems = assured::validate_invites(&[ok.clone(), bad, ok]);
/// assert_eq!(problems.len(), 2);
/// assert_eq!(problems[0].field, "providers[1].email");
/// assert_eq!(problems[1].rule, "duplicates providers[0].email");
/// assert_eq!(assured::validate_invites(&[])[0].rule, "must not be empty");
/// ```
pub fn validate_invites(providers: &[crate::models::InviteProvider]) -> Vec<InvalidInput> {
    batch::<crate::raw::types::InviteProviderList>(providers)
}

/// `text` parsed as the query parameter `name`. The refusal names the parameter and the rule once:
/// a typed id's own refusal (`id: must be a UUID`) gives its rule only, and a parser's error its
/// rule rather than where it stopped (`must be a UUID`, not `invalid character: found 'n' at 0`).
pub(crate) fn parameter<T>(name: &str, text: &str) -> Result<T, InvalidInput>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display + 'static,
{
    text.trim().parse().map_err(|e: T::Err| {
        let any = &e as &dyn std::any::Any;
        let rule = match any.downcast_ref::<InvalidInput>() {
            Some(refused) => refused.rule.clone(),
            None if any.is::<uuid::Error>() => "must be a UUID".into(),
            None if any.is::<std::str::ParseBoolError>() => "must be true or false".into(),
            None if any.is::<std::num::ParseIntError>() => "must be a whole number".into(),
            None => e.to_string(),
        };
        InvalidInput::new(name, rule)
    })
}

/// A path segment the server will route: not empty, no `/`, `?` or `#`.
pub(crate) fn path_id(field: &str, id: &str) -> Result<(), InvalidInput> {
    if id.trim().is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    if id.contains(['/', '?', '#']) {
        return Err(InvalidInput::new(field, "must not contain '/', '?' or '#'"));
    }
    Ok(())
}
