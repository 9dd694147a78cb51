//! Reads the terminal UI needs beyond the shared ones: the portfolio-wide
//! list of open checklist items that are overdue or due soon (the Attention
//! screen), and decision lists without naming the filter type.

use super::checklist::item_from_row;
use super::decisions::DecisionFilter;
use super::Store;
use crate::domain::model::{ChecklistItem, Decision};
use crate::Result;
use rusqlite::{params, Row};

fn item_with_pilot(r: &Row) -> rusqlite::Result<(ChecklistItem, String)> {
    Ok((item_from_row(r)?, r.get(16)?))
}

impl Store {
    /// Open checklist items due on a day in `from_day..before_day` across
    /// the portfolio's active pilots (stopped pilots and pilots in
    /// production have left the gates), earliest first, at most `limit`, each with its
    /// pilot's name; and how many there are in all.
    pub fn open_items_due_between(
        &self,
        from_day: i64,
        before_day: i64,
        limit: usize,
    ) -> Result<(Vec<(ChecklistItem, String)>, u64)> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT c.id, c.pilot_id, c.item_key, c.phase, c.section, c.position, c.text, c.gate, c.state,
                        c.owner_id, pe.name, c.due_day, c.note, c.revision, c.updated_at, c.updated_by, pi.name
                 FROM checklist_items c
                 JOIN pilots pi ON pi.id = c.pilot_id
                 LEFT JOIN people pe ON pe.id = c.owner_id
                 WHERE c.state IN ('todo', 'doing', 'blocked') AND c.due_day >= ?1 AND c.due_day < ?2
                   AND pi.status NOT IN ('stopped', 'production') AND pi.id NOT IN (SELECT pilot_id FROM staged_pilots)
                 ORDER BY c.due_day, pi.name COLLATE NOCASE, c.position
                 LIMIT ?3",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![from_day, before_day, limit as i64], item_with_pilot)
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        let total: i64 = self
            .conn()
            .query_row(
                "SELECT count(*) FROM checklist_items c JOIN pilots pi ON pi.id = c.pilot_id
                 WHERE c.state IN ('todo', 'doing', 'blocked') AND c.due_day >= ?1 AND c.due_day < ?2
                   AND pi.status NOT IN ('stopped', 'production') AND pi.id NOT IN (SELECT pilot_id FROM staged_pilots)",
                [from_day, before_day],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok((rows, total as u64))
    }

    /// Every decision, newest first.
    pub fn all_decisions(&self) -> Result<Vec<Decision>> {
        self.decisions(&DecisionFilter::default())
    }

    /// One pilot's decisions, newest first.
    pub fn pilot_decisions(&self, pilot_id: i64) -> Result<Vec<Decision>> {
        self.decisions(&DecisionFilter {
            pilot_ids: vec![pilot_id],
            ..DecisionFilter::default()
        })
    }
}
