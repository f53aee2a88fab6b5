//! `client.providers()`: one method per operation, under its `operationId`, all generated from
//! the spec ([`operations`]), bodies checked before sending ([`crate::validate`]). Lookups and
//! the walk are written here, on top of them.

mod lists;
mod lookup;
pub(crate) mod operations;

pub use lookup::Found;

use crate::Client;

/// The provider endpoints; get it from [`Client::providers`].
#[derive(Debug, Clone, Copy)]
pub struct Providers<'c> {
    pub(crate) client: &'c Client,
}
