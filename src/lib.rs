//! A Rust client for the [Assured](https://withassured.com) credentialing platform's providers API:
//! list, find, invite, create and import providers, with typed errors and secrets that stay secret.
//!
//! ```no_run
//! # async fn run() -> assured::Result<()> {
//! use assured::{Client, ListProvidersParams};
//!
//! let client = Client::from_env()?; // ASSURED_API_KEY, ASSURED_BASE_URL
//! let page = client.providers().list_providers(&ListProvidersParams::new().is_active(true)).await?;
//! println!("{} active providers", page.count);
//! # Ok(()) }
//! ```
//!
//! The typed calls, the [`models`] and each list's parameters ([`ListProvidersParams`], ...) are
//! generated from `spec/assured.yaml` by progenitor and `build/codegen.rs`; the handler
//! ([`Providers`]), errors, validation and walks sit beside them in their own modules. There is
//! one way to call each operation: its method on [`Providers`], checked and mapped onto [`Error`].
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Builder setters that store their argument, each with its docs:
/// `name(arg: Type) => field = value;` (or `=> field.inner = value;`). Defined before the
/// modules so every builder (client, walk, retry policy, sandbox) writes its setters one way.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty)?) => $($field:ident).+ = $value:expr;)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, $($arg: $ty)?) -> Self {
            self.$($field).+ = $value;
            self
        }
    )*};
}

// The spec's `x-rust-type` names the id types by crate path (`assured::AccountId`).
extern crate self as assured;

mod client;
pub mod concurrency;
mod error;
#[cfg(feature = "polars")]
#[cfg_attr(docsrs, doc(cfg(feature = "polars")))]
pub mod frames;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod ids;
pub mod models;
pub mod npi;
mod page;
mod pagination;
mod providers;
mod retry;
#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox;
mod secret;
mod tls;
mod transport;
mod validate;

/// The client generated from `spec/assured.yaml` by progenitor; its models
/// are public as [`models`], its calls through [`Providers`] only.
#[allow(missing_docs, clippy::all, unused_imports, rustdoc::all, dead_code)]
pub(crate) mod raw {
    include!(concat!(env!("OUT_DIR"), "/assured.rs"));
}

pub use client::{Client, ClientBuilder, Credentials};
pub use error::{ApiError, Error, InvalidInput, Result, TransportError, BODY_SNIPPET_LIMIT};
pub use ids::{AccountId, ProfileId};
pub use page::Page;
pub use pagination::{Collected, Keyed, Listing, Pages, Rows, Walk, WalkReport};
pub use providers::{operations::*, Found, Providers};
pub use retry::RetryPolicy;
pub use validate::validate_invites;

/// Dates in the models and signatures (`org_joining_date`).
pub use chrono::NaiveDate;
/// Ids in the models and signatures (account ids, practice locations).
pub use uuid::Uuid;

/// What most programs need, in one import: the client, the list parameters, the id and date
/// types, and the stream traits a walk's rows and pages are read with.
///
/// ```no_run
/// use assured::prelude::*;
///
/// # async fn run() -> assured::Result<()> {
/// let client = Client::from_env()?;
/// let mut rows = client.providers().walk(&ListProvidersParams::new()).rows();
/// while let Some(provider) = rows.try_next().await? {
///     println!("{}", provider.id);
/// }
/// # Ok(()) }
/// ```
pub mod prelude {
    pub use crate::{
        AccountId, Client, ListCaqhImportRequestsParams, ListProvidersNotInPracticeLocationParams,
        ListProvidersParams, NaiveDate, ProfileId, Uuid,
    };
    pub use futures::{StreamExt as _, TryStreamExt as _};
}

/// The README's examples, compiled as doctests so they cannot rot (one needs the sandbox).
#[cfg(all(doctest, feature = "sandbox"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
