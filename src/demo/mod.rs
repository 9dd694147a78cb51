//! Demo portfolios: a realistic one drawn from the situations in the source
//! documents ([`load_realistic`]), and a deterministic synthetic one of any
//! size for scale tests ([`load_synthetic`]).

mod realistic;
mod synthetic;

pub use realistic::load_realistic;
pub use synthetic::load_synthetic;

use crate::store::Tx;
use crate::Result;
use chrono::{Duration, NaiveDate};

/// What a demo load created.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DemoSummary {
    pub pilots: usize,
    pub people: usize,
    pub decisions: usize,
    pub start_date: String,
}

/// Day 1 such that `today` is programme day 45 (the middle of the 90 days).
pub fn demo_start(today: NaiveDate) -> NaiveDate {
    today - Duration::days(44)
}

/// Stamp the transaction's next changes `days_ago` days before `today`.
fn backdate(tx: &mut Tx<'_>, today: NaiveDate, days_ago: i64) {
    let at = (today - Duration::days(days_ago))
        .and_hms_opt(10, 0, 0)
        .expect("valid time");
    tx.set_now(at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
}

/// Refuse to load a demo on top of existing pilots.
fn ensure_empty(store: &crate::store::Store) -> Result<()> {
    if !store.pilot_names()?.is_empty() {
        return Err(crate::Error::invalid(format!(
            "{} already has pilots: load the demo into a new file, e.g. 'lastmile --db demo.db demo'",
            store.path().display()
        )));
    }
    Ok(())
}
