//! Checks on request input before anything is sent, each naming the field
//! (with the item index in a batch) and the rule it broke; the rules (length
//! limits, email fields, the blank rule) are lifted from the spec's schemas
//! by the build script (`LIMITS`).

use serde_json::Value;

use crate::error::InvalidInput;

/// The checks on one property of a schema, as the spec states them.
pub(crate) struct Limit {
    pub(crate) schema: &'static str,
    pub(crate) field: &'static str,
    pub(crate) min: Option<u64>,
    pub(crate) max: Option<u64>,
    /// `format: email`, on the text or on each item of a list.
    pub(crate) email: bool,
    /// Required, not nullable, plain text: DRF refuses it blank.
    pub(crate) not_blank: bool,
}

/// A generated model whose schema has checks in the spec; the build script
/// implements it for each, so a check cannot outlive its schema.
pub(crate) trait Limited: serde::Serialize {
    /// The schema's name in `spec/assured.yaml`.
    const SCHEMA: &'static str;
}

include!(concat!(env!("OUT_DIR"), "/limits.rs"));

/// Checks a request body against its schema's rules in the spec: the blank
/// rule first, as DRF (and the sandbox) apply it, so 151 spaces are blank,
/// not too long; then length limits and email syntax. The first problem,
/// for calls that refuse.
pub(crate) fn body<T: Limited>(body: &T) -> Result<(), InvalidInput> {
    match problems("", body).into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// Every problem of a request body, as [`body`] checks it; `prefix` names
/// the body in messages (`providers[3]`).
fn problems<T: Limited>(prefix: &str, body: &T) -> Vec<InvalidInput> {
    let schema = T::SCHEMA;
    let value = match serde_json::to_value(body) {
        Ok(value) => value,
        Err(e) => {
            return vec![InvalidInput::new(
                prefix,
                format!("cannot be serialised: {e}"),
            )]
        }
    };
    let Value::Object(fields) = value else {
        return Vec::new();
    };
    let name = |field: &str| {
        if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        }
    };
    let text = |field: &str| match fields.get(field) {
        Some(Value::String(text)) => Some(text.as_str()),
        _ => None,
    };
    let (blank, rules): (Vec<&Limit>, Vec<&Limit>) = LIMITS
        .iter()
        .filter(|l| l.schema == schema)
        .partition(|l| l.not_blank && text(l.field).is_some_and(|t| t.trim().is_empty()));
    let mut found: Vec<InvalidInput> = blank
        .iter()
        .map(|l| InvalidInput::new(name(l.field), "must not be blank"))
        .collect();
    for limit in &rules {
        let Some(text) = text(limit.field) else {
            continue;
        };
        let len = text.chars().count() as u64;
        if let Some(min) = limit.min.filter(|min| len < *min) {
            found.push(InvalidInput::new(
                name(limit.field),
                format!("must be at least {min} characters"),
            ));
        }
        if let Some(max) = limit.max.filter(|max| len > *max) {
            found.push(InvalidInput::new(
                name(limit.field),
                format!("must be at most {max} characters (got {len})"),
            ));
        }
    }
    for limit in rules.iter().filter(|l| l.email) {
        match fields.get(limit.field) {
            Some(Value::String(email)) => {
                found.extend(check_email(&name(limit.field), email).err());
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

/// Every problem with a batch of invites, before anything is sent: each
/// item against the spec's limits and email syntax (all of an item's
/// problems, not just the first), an empty batch, and
/// emails repeated in the batch (case-insensitive). Fields are named with
/// the item index (`providers[2].email`).
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
/// ```
pub fn validate_invites(providers: &[crate::models::InviteProvider]) -> Vec<InvalidInput> {
    if providers.is_empty() {
        return vec![InvalidInput::new(
            "providers",
            "must name at least one provider",
        )];
    }
    let mut found = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (index, provider) in providers.iter().enumerate() {
        let prefix = format!("providers[{index}]");
        found.extend(problems(&prefix, provider));
        if let Some(first) = seen.insert(provider.email.to_lowercase(), index) {
            found.push(InvalidInput::new(
                format!("{prefix}.email"),
                format!("duplicates providers[{first}].email"),
            ));
        }
    }
    found
}

/// A pragmatic email syntax check: what DRF's `EmailField` would refuse
/// outright (no `@`, empty parts, spaces, a domain without a dot).
pub(crate) fn check_email(field: &str, email: &str) -> Result<(), InvalidInput> {
    let rule = "must be a valid email address";
    let (local, domain) = email
        .rsplit_once('@')
        .ok_or_else(|| InvalidInput::new(field, rule))?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    let local_ok = !local.is_empty()
        && !local.contains('@')
        && !local.chars().any(|c| c.is_whitespace() || c.is_control());
    if domain_ok && local_ok {
        Ok(())
    } else {
        Err(InvalidInput::new(field, rule))
    }
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
