//! `Page<T>`: one DRF limit/offset page, whichever endpoint it came from.

/// One page of a DRF list: the total, the links, and this page's rows.
/// Its fields are read, not built: pages come from the client.
///
/// ```no_run
/// # async fn run(client: assured::Client) -> assured::Result<()> {
/// let page = client.providers().list_providers(&assured::ListProvidersParams::new().limit(2)).await?;
/// println!("{} of {} rows; more: {}", page.results.len(), page.count, page.has_next());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// Total rows matching the filters, at the time of this request.
    pub count: u64,
    /// Absolute URL of the next page, if any.
    pub next: Option<String>,
    /// Absolute URL of the previous page, if any.
    pub previous: Option<String>,
    /// This page's rows.
    pub results: Vec<T>,
}

impl<T> Page<T> {
    /// Whether the server says there is a next page.
    pub fn has_next(&self) -> bool {
        self.next.is_some()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.results.into_iter()
    }
}

/// The error for a page that did not decode: the first row that fails
/// names itself, its page and its list; anything else maps as usual.
pub(crate) fn page_error<T: serde::de::DeserializeOwned>(
    error: progenitor_client::Error<crate::raw::types::ErrorBody>,
    path: &str,
    offset: Option<u64>,
) -> crate::Error {
    /// The envelope must decode for a row to be the one to blame.
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Rows {
        count: i64,
        next: Option<String>,
        previous: Option<String>,
        results: Vec<serde_json::Value>,
    }
    if let progenitor_client::Error::InvalidResponsePayload(body, _) = &error {
        let rows = serde_json::from_slice::<Rows>(body).map(|r| r.results);
        for (row, value) in rows.into_iter().flatten().enumerate() {
            if let Err(e) = serde_json::from_value::<T>(value.clone()) {
                return crate::Error::DecodeRow {
                    path: path.to_string(),
                    offset: offset.unwrap_or(0),
                    row,
                    message: e.to_string(),
                    snippet: crate::error::snippet(value.to_string().as_bytes()),
                };
            }
        }
    }
    crate::transport::map_error(error, path)
}
