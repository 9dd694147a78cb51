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
    /// production have left the gates), earliest first, at most `limit`,
    /// each with its pilot's name; and how many there are in all.
    ///
    /// The checklist has no index by due day (schema 8): each pilot's
    /// summary row counts its open items per day (`pilot_stats.open_due`,
    /// kept by triggers and checked by `verify`), which gives the total and
    /// names the pilots whose rows are read, only as many days as the
    /// limit needs.
    pub fn open_items_due_between(
        &self,
        from_day: i64,
        before_day: i64,
        limit: usize,
    ) -> Result<(Vec<(ChecklistItem, String)>, u64)> {
        let window = DueWindow::new(from_day, before_day);
        if window.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT s.pilot_id, s.open_due FROM pilot_stats s JOIN pilots pi ON pi.id = s.pilot_id
                 WHERE pi.status NOT IN ('stopped', 'production') AND pi.id NOT IN (SELECT pilot_id FROM staged_pilots)",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
        let mut counts = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let id: i64 = r.get(0).map_err(|e| self.err(e))?;
            let open_due = r.get_ref(1).map_err(|e| self.err(e))?.as_bytes().unwrap_or_default();
            if let Some(days) = window.open_per_day(open_due) {
                counts.push((id, days));
            }
        }
        let (pilots, last_day, total) = window.plan(&counts, limit);
        if pilots.is_empty() || limit == 0 {
            return Ok((Vec::new(), total));
        }
        let ids = format!("[{}]", pilots.iter().map(i64::to_string).collect::<Vec<_>>().join(","));
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT c.id, c.pilot_id, c.item_key, c.phase, c.section, c.position, c.text, c.gate, c.state,
                        c.owner_id, pe.name, c.due_day, c.note, c.revision, c.updated_at, c.updated_by, pi.name
                 FROM json_each(?1) j
                 CROSS JOIN pilots pi ON pi.id = j.value
                 CROSS JOIN checklist_items c ON c.pilot_id = pi.id
                 LEFT JOIN people pe ON pe.id = c.owner_id
                 WHERE c.state IN ('todo', 'doing', 'blocked') AND c.due_day >= ?2 AND c.due_day <= ?3
                 ORDER BY c.due_day, pi.name COLLATE NOCASE, c.position
                 LIMIT ?4",
            )
            .map_err(|e| self.err(e))?;
        let items = stmt
            .query_map(params![ids, window.from, last_day, limit as i64], item_with_pilot)
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok((items, total))
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

/// Programme days `from..before` within the 90 (1-based), and what a
/// pilot's `open_due` says of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DueWindow {
    from: i64,
    before: i64,
}

impl DueWindow {
    fn new(from_day: i64, before_day: i64) -> DueWindow {
        DueWindow {
            from: from_day.max(1),
            before: before_day.min(91),
        }
    }

    fn is_empty(&self) -> bool {
        self.from >= self.before
    }

    /// The pilot's open items on each day of the window (`open_due` holds
    /// `char(48 + n)` per day), or `None` if it has none there.
    fn open_per_day(&self, open_due: &[u8]) -> Option<Vec<u64>> {
        let days: Vec<u64> = (self.from..self.before)
            .map(|d| {
                open_due
                    .get(d as usize - 1)
                    .map_or(0, |c| u64::from(c.saturating_sub(b'0')))
            })
            .collect();
        days.iter().any(|n| *n > 0).then_some(days)
    }

    /// Which pilots to read, up to which day, for the first `limit` items
    /// in day order; and the total in the window. Every item due on the
    /// last day needed is read, as the order within a day is by name.
    fn plan(&self, counts: &[(i64, Vec<u64>)], limit: usize) -> (Vec<i64>, i64, u64) {
        let width = (self.before - self.from) as usize;
        let mut per_day = vec![0u64; width];
        for (_, days) in counts {
            for (sum, n) in per_day.iter_mut().zip(days) {
                *sum += n;
            }
        }
        let total = per_day.iter().sum();
        let mut so_far = 0;
        let mut last = width - 1;
        for (k, n) in per_day.iter().enumerate() {
            so_far += n;
            if so_far >= limit as u64 {
                last = k;
                break;
            }
        }
        let pilots = counts
            .iter()
            .filter(|(_, days)| days[..=last].iter().any(|n| *n > 0))
            .map(|(id, _)| *id)
            .collect();
        (pilots, self.from + last as i64, total)
    }
}

#[cfg(test)]
mod tests {
    use super::DueWindow;

    fn open_due(days: &[(usize, u8)]) -> Vec<u8> {
        let mut s = vec![b'0'; 90];
        for (d, n) in days {
            s[d - 1] = b'0' + n;
        }
        s
    }

    #[test]
    fn the_window_stays_within_the_ninety_days() {
        assert_eq!(DueWindow::new(i64::MIN, 45), DueWindow { from: 1, before: 45 });
        assert_eq!(DueWindow::new(88, 200), DueWindow { from: 88, before: 91 });
        assert!(DueWindow::new(50, 50).is_empty());
        assert!(DueWindow::new(95, 99).is_empty());
    }

    #[test]
    fn a_pilot_counts_only_its_open_items_inside_the_window() {
        let w = DueWindow::new(10, 13);
        assert_eq!(
            w.open_per_day(&open_due(&[(9, 3), (11, 2), (13, 1)])),
            Some(vec![0, 2, 0])
        );
        assert_eq!(w.open_per_day(&open_due(&[(9, 3), (13, 1)])), None);
        // More than nine items on one day is stored past '9'.
        assert_eq!(w.open_per_day(&open_due(&[(12, 12)])), Some(vec![0, 0, 12]));
        // A short or damaged summary reads as nothing open.
        assert_eq!(w.open_per_day(b"00"), None);
    }

    #[test]
    fn only_the_days_the_limit_needs_are_read_and_the_total_counts_all() {
        let w = DueWindow::new(1, 5);
        let counts = vec![(7, vec![2, 0, 0, 1]), (8, vec![0, 1, 0, 0]), (9, vec![0, 0, 0, 4])];
        // Three items: days 1 and 2 hold them, pilot 9 is not read.
        assert_eq!(w.plan(&counts, 3), (vec![7, 8], 2, 8));
        // The limit reached within day 1: only pilot 7.
        assert_eq!(w.plan(&counts, 1), (vec![7], 1, 8));
        // A limit above the total reads every day.
        assert_eq!(w.plan(&counts, 100), (vec![7, 8, 9], 4, 8));
    }
}
