//! A roster that changes while it is read: providers inserted or deleted
//! before every Nth list request, and computed fields nulled, so a walk's
//! guarantee can be replayed in a test.

use std::{str::FromStr, sync::atomic::Ordering};

use super::{data, state::Edit, Shared};

/// What changes before a list request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChurnOp {
    /// A new provider appears.
    Insert,
    /// A provider disappears.
    Delete,
}

/// Where in the (unordered) roster the change lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChurnAt {
    /// Before every other row.
    Front,
    /// Anywhere, chosen by the sandbox's seeded generator.
    Random,
}

/// Changes to the roster before every `every`th request to a providers list.
///
/// ```
/// use assured::sandbox::{Churn, ChurnAt, ChurnOp};
///
/// let churn = Churn::new(ChurnOp::Delete, ChurnAt::Random).every(3);
/// assert_eq!(churn, "delete-random:3".parse().unwrap());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Churn {
    op: ChurnOp,
    at: ChurnAt,
    every: usize,
    rows: usize,
}

impl Churn {
    /// One change before every list request; see [`Churn::every`].
    pub fn new(op: ChurnOp, at: ChurnAt) -> Self {
        Self {
            op,
            at,
            every: 1,
            rows: 1,
        }
    }

    /// One change before every `n`th list request instead (at least 1).
    pub fn every(mut self, n: usize) -> Self {
        self.every = n.max(1);
        self
    }

    /// Rows inserted or deleted at each change (default 1, at least 1): a
    /// burst large enough outruns any reader, as `Error::ListUnstable`'s
    /// replay shows.
    ///
    /// ```
    /// use assured::sandbox::{Churn, ChurnAt, ChurnOp};
    ///
    /// let burst = Churn::new(ChurnOp::Insert, ChurnAt::Front).rows(500);
    /// assert_eq!(burst, "insert-front:1:500".parse().unwrap());
    /// let refused = "insert-front:1:many".parse::<Churn>().unwrap_err();
    /// assert_eq!(refused, "\"many\" is not a number of rows");
    /// ```
    pub fn rows(mut self, n: usize) -> Self {
        self.rows = n.max(1);
        self
    }
}

impl FromStr for Churn {
    type Err = String;

    /// `insert-front`, `insert-random`, `delete-front` or `delete-random`,
    /// optionally followed by `:N` (every Nth list request) and `:R` (rows
    /// changed at once).
    fn from_str(spec: &str) -> Result<Self, String> {
        let mut parts = spec.split(':');
        let kind = parts.next().unwrap_or_default();
        let mut number = |what: &str| match parts.next() {
            Some(n) => n
                .parse::<usize>()
                .map_err(|_| format!("{n:?} is not a number of {what}")),
            None => Ok(1),
        };
        let (every, rows) = (number("requests")?, number("rows")?);
        if parts.next().is_some() {
            return Err(format!("{spec:?}: use kind[:N[:R]]"));
        }
        let (op, at) = match kind {
            "insert-front" => (ChurnOp::Insert, ChurnAt::Front),
            "insert-random" => (ChurnOp::Insert, ChurnAt::Random),
            "delete-front" => (ChurnOp::Delete, ChurnAt::Front),
            "delete-random" => (ChurnOp::Delete, ChurnAt::Random),
            other => {
                let kinds = "insert-front, insert-random, delete-front or delete-random";
                return Err(format!("{other:?}: use {kinds}[:N[:R]]"));
            }
        };
        Ok(Self::new(op, at).every(every).rows(rows))
    }
}

/// The fields the server computes, nulled on every `null_every`th provider.
pub(crate) const COMPUTED: [&str; 4] = [
    "full_name",
    "npi",
    "provider_profile_id",
    "profile_completeness_percentage",
];

/// Applies the planned change, if this list request is due one.
pub(crate) fn before_list(shared: &Shared) {
    let Some(churn) = *shared.churn.lock().unwrap_or_else(|e| e.into_inner()) else {
        return;
    };
    let n = shared.list_requests.fetch_add(1, Ordering::SeqCst) + 1;
    if !n.is_multiple_of(churn.every) {
        return;
    }
    // State before generator, as the write routes take them: the other
    // order could deadlock against an invite.
    let mut state = shared.write();
    let mut gen = shared.gen();
    state.edit_order(churn.rows, |state| {
        let len = state.providers.len();
        let at = match churn.at {
            ChurnAt::Front => 0,
            ChurnAt::Random => gen.0.usize(..=len),
        };
        match churn.op {
            ChurnOp::Insert => {
                let email = format!("churn.{n}.{}@example-health.org", gen.0.u32(..));
                let record = data::new_provider(state, &mut gen, email, None, None, None);
                Some(Edit::Insert(at, Box::new(record)))
            }
            ChurnOp::Delete if len > 0 => Some(Edit::Remove(at.min(len - 1))),
            ChurnOp::Delete => None,
        }
    });
}
