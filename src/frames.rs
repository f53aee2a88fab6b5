//! Data frames (feature `polars`): whole lists as polars `DataFrame`s with
//! one typed column per field, and the same columns when there are no rows
//! (the Python SDK returned a frame without columns then).

use polars::prelude::{Column, DataFrame, NamedFrom, PolarsError, Series};

use crate::{
    error::{Error, Result},
    models::{Provider, UserSlim},
    ListProvidersNotInPracticeLocationParams, ListProvidersParams, Providers,
};

/// The columns of [`Providers::list_providers_df`], in order (a slice: a column
/// added later is not a breaking change).
pub const PROVIDER_COLUMNS: &[&str] = &PROVIDER_NAMES;
const PROVIDER_NAMES: [&str; 11] = [
    "id",
    "email",
    "first_name",
    "middle_name",
    "last_name",
    "npi",
    "full_name",
    "provider_profile_id",
    "profile_completeness_percentage",
    "is_active",
    "user_type",
];

/// The columns of [`Providers::list_providers_not_in_practice_location_df`], in order.
pub const USER_COLUMNS: &[&str] = &USER_NAMES;
const USER_NAMES: [&str; 6] = [
    "id",
    "email",
    "first_name",
    "last_name",
    "is_active",
    "user_type",
];

/// A column named `name` of `f` of each row.
fn column<T, V>(name: &str, rows: &[T], f: impl Fn(&T) -> V) -> Column
where
    Series: NamedFrom<Vec<V>, [V]>,
{
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<V>>())
}

fn frame(height: usize, columns: Vec<Column>) -> Result<DataFrame> {
    DataFrame::new(height, columns).map_err(|e: PolarsError| Error::decode("data frame", e, b""))
}

fn text<T: ToString>(value: &Option<T>) -> Option<String> {
    value.as_ref().map(ToString::to_string)
}

/// Providers as a frame: strings, `f64` completeness, `bool` activity.
pub(crate) fn providers_frame(rows: &[Provider]) -> Result<DataFrame> {
    let n = PROVIDER_NAMES;
    let columns = vec![
        column(n[0], rows, |p| p.id.to_string()),
        column(n[1], rows, |p| p.email.clone()),
        column(n[2], rows, |p| p.first_name.clone()),
        column(n[3], rows, |p| p.middle_name.clone()),
        column(n[4], rows, |p| p.last_name.clone()),
        column(n[5], rows, |p| p.npi.clone()),
        column(n[6], rows, |p| p.full_name.clone()),
        column(n[7], rows, |p| p.provider_profile_id.clone()),
        column(n[8], rows, |p| p.profile_completeness_percentage),
        column(n[9], rows, |p| p.is_active),
        column(n[10], rows, |p| text(&p.user_type)),
    ];
    frame(rows.len(), columns)
}

/// Users as a frame.
pub(crate) fn users_frame(rows: &[UserSlim]) -> Result<DataFrame> {
    let n = USER_NAMES;
    let columns = vec![
        column(n[0], rows, |u| u.id.to_string()),
        column(n[1], rows, |u| u.email.clone()),
        column(n[2], rows, |u| u.first_name.clone()),
        column(n[3], rows, |u| u.last_name.clone()),
        column(n[4], rows, |u| u.is_active),
        column(n[5], rows, |u| text(&u.user_type)),
    ];
    frame(rows.len(), columns)
}

impl Providers<'_> {
    /// Every provider matching `params` as a data frame (feature `polars`).
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client) -> assured::Result<()> {
    /// let df = client.providers().list_providers_df(&Default::default()).await?;
    /// println!("{}", df.height());
    /// # Ok(()) }
    /// ```
    pub async fn list_providers_df(&self, params: &ListProvidersParams) -> Result<DataFrame> {
        providers_frame(&self.walk(params).collect().await?.items)
    }

    /// Every user not in the practice location `params` name, as a data
    /// frame (feature `polars`).
    ///
    /// ```no_run
    /// # async fn run(client: assured::Client, location: assured::Uuid) -> assured::Result<()> {
    /// use assured::ListProvidersNotInPracticeLocationParams as Params;
    ///
    /// let params = Params::new().practice_location(location);
    /// let df = client.providers().list_providers_not_in_practice_location_df(&params).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list_providers_not_in_practice_location_df(
        &self,
        params: &ListProvidersNotInPracticeLocationParams,
    ) -> Result<DataFrame> {
        let rows = self.walk(params).collect().await?;
        users_frame(&rows.items)
    }
}
