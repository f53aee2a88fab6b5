//! Reading an OpenAPI document from disk.

use std::path::Path;

use serde_json::Value;

/// Reads an OpenAPI document, YAML or JSON, into a JSON value.
///
/// A `.json` file is parsed as JSON; anything else as YAML (which also reads
/// most JSON). The error names the file and what went wrong.
pub fn load_document(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let is_json = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    parse_document(&text, is_json).map_err(|err| format!("cannot parse {}: {err}", path.display()))
}

/// Parses the text of an OpenAPI document: JSON when `is_json`, YAML otherwise.
pub fn parse_document(text: &str, is_json: bool) -> Result<Value, String> {
    if is_json {
        serde_json::from_str(text).map_err(|err| err.to_string())
    } else {
        serde_yaml::from_str(text).map_err(|err| err.to_string())
    }
}
