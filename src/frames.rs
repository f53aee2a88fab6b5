//! Data frames (feature `polars`): whole lists as polars `DataFrame`s with one typed column per
//! field of the spec's row schema, and the same columns when there are no rows (the Python SDK
//! returned a frame without columns then). Each list's `*_df` method and each row type's
//! [`Frame`] are generated from the spec, so a field added there is a column here.

use polars::prelude::{Column, DataFrame, NamedFrom, PolarsError, Series};

use crate::error::{Error, Result};

/// Rows that make a data frame: one column per field of their schema in `spec/assured.yaml`, in
/// its order. Implemented for the rows of every list; sealed.
///
/// ```
/// use assured::{frames::Frame, models::Provider};
///
/// assert_eq!(&Provider::COLUMNS[..3], ["id", "email", "first_name"]);
/// let empty = Provider::frame(&[])?;
/// assert_eq!((empty.height(), empty.width()), (0, Provider::COLUMNS.len()));
/// # Ok::<(), assured::Error>(())
/// ```
pub trait Frame: crate::pagination::sealed::Sealed + Sized {
    /// The columns, in order: the API's field names.
    const COLUMNS: &'static [&'static str];
    /// These rows as a frame: text as strings (ids, dates and enums as the API writes them, CAQH
    /// credentials redacted), numbers and booleans as such, absent and null values as nulls.
    fn frame(rows: &[Self]) -> Result<DataFrame>;
}

/// A column named `name` of `f` of each row.
pub(crate) fn column<T, V>(name: &str, rows: &[T], f: impl Fn(&T) -> V) -> Column
where
    Series: NamedFrom<Vec<V>, [V]>,
{
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<V>>())
}

pub(crate) fn frame(height: usize, columns: Vec<Column>) -> Result<DataFrame> {
    DataFrame::new(height, columns).map_err(|e: PolarsError| Error::decode("data frame", e, b""))
}

/// A field as the API writes it (the model's own serialisation, so a
/// credential stays redacted), or `None` for null.
pub(crate) fn text<T: serde::Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

/// A credential's cell: never its value, whatever the type would write.
pub(crate) fn redacted<T>(_credential: &T) -> Option<&'static str> {
    Some("[REDACTED]")
}
