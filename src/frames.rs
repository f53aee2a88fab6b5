//! Data frames (feature `polars`): whole lists as polars `DataFrame`s with
//! one typed column per field, and the same columns when there are no rows
//! (the Python SDK returned a frame without columns then).

use polars::prelude::{Column, DataFrame, PolarsError};

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

fn strings<T>(rows: &[T], f: impl Fn(&T) -> Option<String>) -> Vec<Option<String>> {
    rows.iter().map(f).collect()
}

fn frame(height: usize, columns: Vec<Column>) -> Result<DataFrame> {
    DataFrame::new(height, columns).map_err(|e: PolarsError| Error::decode("data frame", e, b""))
}

/// Providers as a frame: strings, `f64` completeness, `bool` activity.
pub(crate) fn providers_frame(rows: &[Provider]) -> Result<DataFrame> {
    let [id, email, first, middle, last, npi, full, profile, complete, active, user_type] =
        PROVIDER_NAMES.map(|name| name.into());
    frame(
        rows.len(),
        vec![
            Column::new(id, strings(rows, |p| Some(p.id.to_string()))),
            Column::new(email, strings(rows, |p| Some(p.email.clone()))),
            Column::new(first, strings(rows, |p| p.first_name.clone())),
            Column::new(middle, strings(rows, |p| p.middle_name.clone())),
            Column::new(last, strings(rows, |p| p.last_name.clone())),
            Column::new(npi, strings(rows, |p| p.npi.clone())),
            Column::new(full, strings(rows, |p| p.full_name.clone())),
            Column::new(profile, strings(rows, |p| p.provider_profile_id.clone())),
            Column::new(
                complete,
                rows.iter()
                    .map(|p| p.profile_completeness_percentage)
                    .collect::<Vec<Option<f64>>>(),
            ),
            Column::new(
                active,
                rows.iter()
                    .map(|p| p.is_active)
                    .collect::<Vec<Option<bool>>>(),
            ),
            Column::new(
                user_type,
                strings(rows, |p| p.user_type.as_ref().map(ToString::to_string)),
            ),
        ],
    )
}

/// Users as a frame.
pub(crate) fn users_frame(rows: &[UserSlim]) -> Result<DataFrame> {
    let [id, email, first, last, active, user_type] = USER_NAMES.map(|name| name.into());
    frame(
        rows.len(),
        vec![
            Column::new(id, strings(rows, |u| Some(u.id.to_string()))),
            Column::new(email, strings(rows, |u| Some(u.email.clone()))),
            Column::new(first, strings(rows, |u| u.first_name.clone())),
            Column::new(last, strings(rows, |u| u.last_name.clone())),
            Column::new(
                active,
                rows.iter()
                    .map(|u| u.is_active)
                    .collect::<Vec<Option<bool>>>(),
            ),
            Column::new(
                user_type,
                strings(rows, |u| u.user_type.as_ref().map(ToString::to_string)),
            ),
        ],
    )
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
