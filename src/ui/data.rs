//! The portfolio held in memory: loaded once with `Store::portfolio`,
//! single rows refreshed with `Store::pilot_row` after a write, filtered and
//! sorted here without going back to the database.

use super::widgets::list::Scroll;
use super::widgets::textbuf::TextBuf;
use crate::domain::model::{Phase, Rag};
use crate::store::PilotRow;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use std::collections::HashMap;

/// Columns the portfolio can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Name,
    Sector,
    Phase,
    Dimension(usize),
    Readiness,
    Owners,
    NextDue,
    LastDecision,
}

impl SortKey {
    pub const ALL: [SortKey; 11] = [
        SortKey::Name,
        SortKey::Sector,
        SortKey::Phase,
        SortKey::Dimension(0),
        SortKey::Dimension(1),
        SortKey::Dimension(2),
        SortKey::Dimension(3),
        SortKey::Readiness,
        SortKey::Owners,
        SortKey::NextDue,
        SortKey::LastDecision,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Sector => "sector",
            SortKey::Phase => "phase",
            SortKey::Dimension(0) => "data readiness",
            SortKey::Dimension(1) => "governance",
            SortKey::Dimension(2) => "integration",
            SortKey::Dimension(_) => "ownership",
            SortKey::Readiness => "readiness",
            SortKey::Owners => "owners named",
            SortKey::NextDue => "next due day",
            SortKey::LastDecision => "last decision",
        }
    }

    pub fn next(self) -> SortKey {
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(i + 1) % SortKey::ALL.len()]
    }
}

fn rag_rank(r: Option<Rag>) -> u8 {
    match r {
        None => 0,
        Some(Rag::Red) => 1,
        Some(Rag::Yellow) => 2,
        Some(Rag::Green) => 3,
    }
}

/// The text the fuzzy filter looks at: name first (so matched letters in
/// the name can be highlighted), then unit, sector and owners.
pub fn haystack(r: &PilotRow) -> String {
    let owners: Vec<&str> = r.owners.iter().flatten().map(String::as_str).collect();
    format!(
        "{}  {}  {}  {}",
        r.name,
        r.business_unit,
        r.sector.label(),
        owners.join("  ")
    )
}

/// The in-memory portfolio with its filter, sort and selection.
#[derive(Debug, Default)]
pub struct PortfolioView {
    pub rows: Vec<PilotRow>,
    index: HashMap<i64, usize>,
    /// Indices into `rows`, filtered and sorted.
    pub view: Vec<usize>,
    /// `view` split by phase (indices into `rows`), for the boards.
    pub by_phase: [Vec<usize>; 3],
    pub filter: TextBuf,
    pub sort: SortKey,
    pub descending: bool,
    pub scroll: Scroll,
    pub heatmap: bool,
}

impl PortfolioView {
    /// Replace every row (a full load), keeping the selection by pilot id.
    pub fn set_rows(&mut self, rows: Vec<PilotRow>) {
        let keep = self.selected_id();
        self.rows = rows;
        self.reindex();
        self.recompute();
        if let Some(id) = keep {
            self.select_id(id);
        }
    }

    fn reindex(&mut self) {
        self.index = self.rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    }

    /// Replace one row after a write (or add it when new).
    pub fn upsert(&mut self, row: PilotRow) {
        let keep = self.selected_id();
        match self.index.get(&row.id) {
            Some(&i) => self.rows[i] = row,
            None => {
                self.index.insert(row.id, self.rows.len());
                self.rows.push(row);
            }
        }
        self.recompute();
        if let Some(id) = keep {
            self.select_id(id);
        }
    }

    /// Drop a row that no longer exists.
    pub fn remove(&mut self, id: i64) {
        if let Some(i) = self.index.get(&id).copied() {
            self.rows.remove(i);
            self.reindex();
            self.recompute();
        }
    }

    pub fn row(&self, id: i64) -> Option<&PilotRow> {
        self.index.get(&id).map(|&i| &self.rows[i])
    }

    /// The selected pilot's row in the (filtered, sorted) table.
    pub fn selected(&self) -> Option<&PilotRow> {
        self.view.get(self.scroll.selected).map(|&i| &self.rows[i])
    }

    pub fn selected_id(&self) -> Option<i64> {
        self.selected().map(|r| r.id)
    }

    /// Select a pilot by id if it is in the view.
    pub fn select_id(&mut self, id: i64) -> bool {
        match self.view.iter().position(|&i| self.rows[i].id == id) {
            Some(p) => {
                self.scroll.selected = p;
                true
            }
            None => false,
        }
    }

    /// Apply the filter and the sort again (in memory).
    pub fn recompute(&mut self) {
        let q = self.filter.text().trim().to_string();
        let mut scores: HashMap<usize, i64> = HashMap::new();
        let mut view: Vec<usize> = if q.is_empty() {
            (0..self.rows.len()).collect()
        } else {
            let m = SkimMatcherV2::default().ignore_case();
            self.rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let s = m.fuzzy_match(&haystack(r), &q)?;
                    scores.insert(i, s);
                    Some(i)
                })
                .collect()
        };
        // While filtering with the default order, the best matches come first.
        let by_score = !q.is_empty() && self.sort == SortKey::Name && !self.descending;
        let rows = &self.rows;
        let key = self.sort;
        let name = |i: usize| rows[i].name.to_lowercase();
        view.sort_by(|&a, &b| {
            let (ra, rb) = (&rows[a], &rows[b]);
            let ord = match key {
                SortKey::Name if by_score => scores.get(&b).cmp(&scores.get(&a)),
                SortKey::Name => std::cmp::Ordering::Equal,
                SortKey::Sector => ra.sector.cmp(&rb.sector),
                SortKey::Phase => ra.phase.cmp(&rb.phase),
                SortKey::Dimension(d) => rag_rank(ra.dimensions[d]).cmp(&rag_rank(rb.dimensions[d])),
                SortKey::Readiness => ra.verdict.cmp(&rb.verdict),
                SortKey::Owners => ra.owner_count().cmp(&rb.owner_count()),
                SortKey::NextDue => {
                    let d = |r: &PilotRow| r.next_due.as_ref().map_or(i64::MAX, |(d, _)| *d);
                    d(ra).cmp(&d(rb))
                }
                SortKey::LastDecision => {
                    let d = |r: &PilotRow| r.last_decision.as_ref().map(|(_, on)| on.clone()).unwrap_or_default();
                    d(ra).cmp(&d(rb))
                }
            };
            let ord = ord.then_with(|| name(a).cmp(&name(b)));
            if self.descending {
                ord.reverse()
            } else {
                ord
            }
        });
        let mut by_phase: [Vec<usize>; 3] = Default::default();
        for &i in &view {
            by_phase[rows[i].phase.index()].push(i);
        }
        self.view = view;
        self.by_phase = by_phase;
        self.scroll.clamp(self.view.len());
    }

    /// Rows of one phase in view order.
    pub fn phase_rows(&self, phase: Phase) -> &[usize] {
        &self.by_phase[phase.index()]
    }

    /// Char positions of the filter's matches within the pilot's name.
    pub fn name_matches(&self, row: &PilotRow) -> Vec<usize> {
        let q = self.filter.text().trim();
        if q.is_empty() {
            return Vec::new();
        }
        let n = row.name.chars().count();
        SkimMatcherV2::default()
            .ignore_case()
            .fuzzy_indices(&haystack(row), q)
            .map(|(_, idx)| idx.into_iter().filter(|i| *i < n).collect())
            .unwrap_or_default()
    }
}
