//! Entry points for the fuzz targets and property tests: the parsers that
//! see raw server bytes. Not part of the public API.

use reqwest::StatusCode;

use crate::{error::ApiError, page::Page, pagination::parse_next};

/// Decodes a providers page the way a response is decoded, then reads its
/// `next` link the way the paginator does. Returns whether both succeeded.
pub fn decode_page(body: &[u8]) -> bool {
    let Ok(page) = serde_json::from_slice::<crate::raw::types::ProviderListingPage>(body) else {
        return false;
    };
    let page: Page<_> = page.into();
    page.next.as_deref().is_none_or(|n| parse_next(n).is_ok())
}

/// Turns a raw error body into the error a caller sees, through the transport's own normaliser
/// and the generated `ErrorBody` decode, and renders it.
pub fn parse_error_body(status: u16, body: &[u8]) -> String {
    let json = crate::transport::json_error_body(bytes::Bytes::copy_from_slice(body));
    let value = match serde_json::from_slice::<crate::raw::types::ErrorBody>(&json) {
        Ok(decoded) => decoded.0,
        Err(e) => return format!("undecodable normalised body: {e}"),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let error = crate::Error::from_status(ApiError::new(status, "/fuzz/", None, &value), None);
    format!("{error} {:?}", crate::error::snippet(body))
}

/// Parses a `Retry-After` value.
pub fn parse_retry_after(value: &str) -> Option<std::time::Duration> {
    crate::transport::parse_retry_after(value)
}
