//! Demo portfolios: a realistic one drawn from the situations in the source
//! documents ([`load_realistic`]), and a deterministic synthetic one of any
//! size for scale tests ([`load_synthetic`]).

mod realistic;
mod synthetic;

pub use realistic::load_realistic;
pub use synthetic::load_synthetic;

use crate::domain::model::ItemState;
use crate::playbook::Playbook;
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

/// The programme checklist as a demo programme at day 45 has it: the
/// inventory done early by the lead, the pick of three still under way,
/// both owned by the lead.
fn programme_work(tx: &mut Tx<'_>, playbook: &Playbook, today: NaiveDate, lead: i64, pilots: usize) -> Result<()> {
    backdate(tx, today, 40);
    tx.ensure_programme_items(&playbook.programme_items())?;
    for item in tx.programme_items()? {
        let mut rev = item.revision;
        tx.set_programme_item_owner(item.id, rev, Some(lead))?;
        rev += 1;
        match item.item_key.as_str() {
            "as-inventory-all" => {
                backdate(tx, today, 39);
                tx.set_programme_item_note(
                    item.id,
                    rev,
                    &format!(
                        "Inventory sheet from every business unit: {pilots} entries, each with an owner of record"
                    ),
                )?;
                tx.set_programme_item_state(item.id, rev + 1, ItemState::Done)?;
            }
            "as-pick-three" => {
                backdate(tx, today, 25);
                tx.set_programme_item_note(
                    item.id,
                    rev,
                    "Seats filled as the selection scores came in; the open one waits for a candidate without a red flag",
                )?;
                tx.set_programme_item_state(item.id, rev + 1, ItemState::Doing)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Record a demo decision through the real gate rule. A go the demo's
/// history gives before the evidence was complete is recorded as what it
/// is, an override with a written reason; a defer is reviewed two weeks on.
fn record(
    tx: &mut Tx<'_>,
    pb: &crate::playbook::Playbook,
    pilot: i64,
    mut d: crate::domain::model::NewDecision,
) -> Result<crate::domain::model::Recorded> {
    use crate::domain::model::Outcome;
    if d.outcome == Some(Outcome::Go) && d.override_reason.is_empty() {
        if let Some(g) = tx.judge(pb, pilot)?.current {
            let unmet: Vec<String> = g.blockers().map(|c| c.label.to_lowercase()).collect();
            if !unmet.is_empty() {
                d.override_reason = format!(
                    "The steering group let it move on before this was met, to keep the team together: {}; the gap stays on its checklist",
                    unmet.join("; ")
                );
            }
        }
    }
    if d.outcome == Some(Outcome::Defer) && d.review_on.is_empty() {
        d.review_on = (tx.today() + Duration::days(14)).to_string();
    }
    tx.record_decision(pb, pilot, &d)
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
