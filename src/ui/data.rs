//! The portfolio held in memory: loaded once with `Store::portfolio`,
//! single rows refreshed with `Store::pilot_row` after a write, filtered and
//! sorted here without going back to the database.
//!
//! The filter uses nucleo-matcher over haystacks built once per row, and a
//! longer query only re-checks the rows the shorter one matched; names are
//! lower-cased once for sorting. At 10,000 pilots this keeps a keystroke
//! within the 4 ms frame budget where fuzzy-matcher over haystacks built
//! per keystroke took 8-14 ms (figures in docs/performance.md).

use super::widgets::list::Scroll;
use super::widgets::textbuf::TextBuf;
use crate::domain::model::{Phase, Rag};
use crate::store::PilotRow;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32String};
use std::cell::RefCell;
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
    let owners: Vec<&str> = r.owners.iter().flatten().map(|n| &**n).collect();
    format!(
        "{}  {}  {}  {}",
        r.name,
        r.business_unit,
        r.sector_name,
        owners.join("  ")
    )
}

/// One fuzzy query: the whole text as one atom (spaces are literal, as the
/// user typed them), case ignored.
fn atom(q: &str) -> Atom {
    Atom::new(q, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy, false)
}

/// The query as typed, contiguous ("clin" inside "Clinical").
fn whole(q: &str) -> Atom {
    Atom::new(
        q,
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Substring,
        false,
    )
}

/// A fuzzy match scoring under this share of the best one is dropped
/// when no row holds the query as typed.
const FUZZY_CUT: u16 = 2;

/// The matches a user expects: the rows holding the query as typed when
/// there are any ("clin" finds the clinical pilots, a full owner name that
/// owner's pilots); otherwise the fuzzy matches scoring at least half the
/// best (letters scattered across a row's fields are dropped).
fn strict(hits: &[Hit]) -> Vec<(usize, u16)> {
    if hits.iter().any(|h| h.2) {
        return hits.iter().filter(|h| h.2).map(|h| (h.0, h.1)).collect();
    }
    let best = hits.iter().map(|h| h.1).max().unwrap_or(0);
    hits.iter()
        .filter(|h| h.1 >= best / FUZZY_CUT)
        .map(|h| (h.0, h.1))
        .collect()
}

/// Per-row data derived once per load or row change, never per keystroke.
/// Haystacks are built on the first filter keystroke, so opening the
/// workbench does not pay for them.
#[derive(Debug, Default)]
struct Derived {
    /// Filter haystacks; empty until the first query.
    hay: Vec<Utf32String>,
    lower_name: Vec<String>,
    /// Each row's position in case-insensitive name order (the sort's tie
    /// breaker compares integers, not strings).
    name_rank: Vec<u32>,
    /// Each sector name's place A to Z, worked out when the rows change,
    /// not on a keystroke.
    sector_rank: HashMap<std::sync::Arc<str>, u64>,
}

/// The widest text of the columns whose width follows their content, over
/// the rows on screen.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Wants {
    pub name: usize,
    pub unit: usize,
    pub next_due: usize,
}

impl Wants {
    pub fn of<'a>(rows: impl Iterator<Item = &'a PilotRow>) -> Wants {
        let mut w = Wants::default();
        for r in rows {
            w.widen(r);
        }
        w
    }

    fn widen(&mut self, r: &PilotRow) {
        use crate::text::width;
        self.name = self.name.max(width(&r.name));
        self.unit = self.unit.max(width(&r.business_unit));
        // "!d28 " before the item's text.
        let due = r
            .next_due
            .as_ref()
            .map_or(8, |(d, t)| width(t) + d.to_string().len() + 3);
        self.next_due = self.next_due.max(due);
    }
}

impl Derived {
    fn rebuild(&mut self, rows: &[PilotRow]) {
        self.hay.clear();
        self.lower_name = rows.iter().map(|r| r.name.to_lowercase()).collect();
        self.rank_names(rows);
        self.rank_sectors(rows);
    }
    fn rank_sectors(&mut self, rows: &[PilotRow]) {
        let mut names: Vec<&std::sync::Arc<str>> = rows.iter().map(|r| &r.sector_name).collect();
        names.sort_unstable();
        names.dedup();
        self.sector_rank = names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u64))
            .collect();
    }
    fn haystacks(&mut self, rows: &[PilotRow]) -> &[Utf32String] {
        if self.hay.len() != rows.len() {
            self.hay = rows.iter().map(|r| Utf32String::from(haystack(r).as_str())).collect();
        }
        &self.hay
    }
    fn rank_names(&mut self, rows: &[PilotRow]) {
        let key = |i: usize| (&self.lower_name[i], rows[i].id);
        // The store returns the portfolio in name order: then the ranks are
        // the positions, and no sort is needed.
        if (1..rows.len()).all(|i| key(i - 1) <= key(i)) {
            self.name_rank = (0..rows.len() as u32).collect();
            return;
        }
        let mut order: Vec<usize> = (0..self.lower_name.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            self.lower_name[a]
                .cmp(&self.lower_name[b])
                .then(rows[a].id.cmp(&rows[b].id))
        });
        self.name_rank = vec![0; order.len()];
        for (rank, i) in order.into_iter().enumerate() {
            self.name_rank[i] = rank as u32;
        }
    }
    fn set(&mut self, i: usize, rows: &[PilotRow]) {
        let r = &rows[i];
        if !self.sector_rank.contains_key(&r.sector_name) {
            self.rank_sectors(rows);
        }
        let l = r.name.to_lowercase();
        if i < self.hay.len() {
            self.hay[i] = Utf32String::from(haystack(r).as_str());
        } else if i == self.hay.len() && !self.hay.is_empty() {
            self.hay.push(Utf32String::from(haystack(r).as_str()));
        }
        let renamed = self.lower_name.get(i) != Some(&l);
        if i == self.lower_name.len() {
            self.lower_name.push(l);
        } else {
            self.lower_name[i] = l;
        }
        if renamed {
            self.rank_names(rows);
        }
    }
}

/// The matchers (one per half of a large portfolio) and the last query's
/// matches (for narrowing).
struct Filtering {
    matcher: Matcher,
    second: Matcher,
    /// Every fuzzy match of the last query (before [`strict`] keeps the
    /// best), so a longer query checks only those again.
    last: Option<(String, Vec<Hit>)>,
}

impl Default for Filtering {
    fn default() -> Self {
        Filtering {
            matcher: Matcher::new(Config::DEFAULT),
            second: Matcher::new(Config::DEFAULT),
            last: None,
        }
    }
}

/// Candidates above which a keystroke's matching is split over two threads
/// (at 100,000 pilots one thread took 19 ms, for 16 ms wanted).
const SPLIT_MATCHING: usize = 20_000;

/// One fuzzy match: the row, its score, and whether the query also
/// appears in it as typed (contiguous, case ignored).
type Hit = (usize, u16, bool);

/// Score each candidate row against `pattern`, keeping the matches in order.
fn score_all(
    candidates: &[usize],
    hay: &[Utf32String],
    (pattern, whole): (&Atom, &Atom),
    matchers: (&mut Matcher, &mut Matcher),
) -> Vec<Hit> {
    let run = |part: &[usize], m: &mut Matcher| -> Vec<Hit> {
        part.iter()
            .filter_map(|&i| {
                let s = pattern.score(hay[i].slice(..), m)?;
                Some((i, s, whole.score(hay[i].slice(..), m).is_some()))
            })
            .collect()
    };
    if candidates.len() < SPLIT_MATCHING {
        return run(candidates, matchers.0);
    }
    let (first, rest) = candidates.split_at(candidates.len() / 2);
    let (m1, m2) = matchers;
    std::thread::scope(|scope| {
        let other = scope.spawn(|| run(rest, m2));
        let mut hits = run(first, m1);
        match other.join() {
            Ok(more) => hits.extend(more),
            // The other half panicked: match it here instead.
            Err(_) => hits.extend(run(rest, m1)),
        }
        hits
    })
}

impl std::fmt::Debug for Filtering {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filtering")
            .field("last", &self.last.as_ref().map(|l| &l.0))
            .finish()
    }
}

/// The in-memory portfolio with its filter, sort and selection.
#[derive(Debug, Default)]
pub struct PortfolioView {
    pub rows: Vec<PilotRow>,
    index: HashMap<i64, usize>,
    derived: Derived,
    filtering: RefCell<Filtering>,
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
        self.derived.rebuild(&self.rows);
        self.filtering.get_mut().last = None;
    }

    /// Replace one row after a write (or add it when new).
    pub fn upsert(&mut self, row: PilotRow) {
        let keep = self.selected_id();
        let i = match self.index.get(&row.id) {
            Some(&i) => {
                self.rows[i] = row;
                i
            }
            None => {
                self.index.insert(row.id, self.rows.len());
                self.rows.push(row);
                self.rows.len() - 1
            }
        };
        self.derived.set(i, &self.rows);
        // The changed row may now match a query it did not match before.
        self.filtering.get_mut().last = None;
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
        let mut scores: Vec<u16> = Vec::new();
        let view: Vec<usize> = if q.is_empty() {
            self.filtering.get_mut().last = None;
            (0..self.rows.len()).collect()
        } else {
            let hay = self.derived.haystacks(&self.rows);
            let f = self.filtering.get_mut();
            let pattern = atom(&q);
            // Every match of a longer query is a match of its prefix, so
            // only the previous matches need checking again.
            let candidates: Vec<usize> = match f.last.take() {
                Some((prev, prev_hits)) if q.starts_with(&prev) => prev_hits.into_iter().map(|h| h.0).collect(),
                _ => (0..hay.len()).collect(),
            };
            let hits = score_all(
                &candidates,
                hay,
                (&pattern, &whole(&q)),
                (&mut f.matcher, &mut f.second),
            );
            let kept = strict(&hits);
            scores = vec![0; self.rows.len()];
            for &(i, s) in &kept {
                scores[i] = s;
            }
            let view = kept.iter().map(|&(i, _)| i).collect();
            f.last = Some((q.clone(), hits));
            view
        };
        // While filtering with the default order, the best matches come first.
        let by_score = !q.is_empty() && self.sort == SortKey::Name && !self.descending;
        let rows = &self.rows;
        let rank = &self.derived.name_rank;
        // One compact key per row, read in one pass, then a sort of the
        // keys alone: comparing rows in place reached into a 40 MB vector
        // twice per comparison (31 ms at 100,000 pilots, for 16 ms wanted).
        let decided: HashMap<&str, u64> = if self.sort == SortKey::LastDecision {
            let mut on: Vec<&str> = rows
                .iter()
                .map(|r| r.last_decision.as_ref().map_or("", |(_, on)| on.as_str()))
                .collect();
            on.sort_unstable();
            on.dedup();
            on.into_iter().enumerate().map(|(i, d)| (d, i as u64)).collect()
        } else {
            HashMap::new()
        };
        // A sector's place: A to Z by the name the column shows.
        let sectors = &self.derived.sector_rank;
        let primary = |i: usize| -> u64 {
            let r = &rows[i];
            match self.sort {
                SortKey::Name if by_score => u64::from(u16::MAX - scores[i]),
                SortKey::Name => 0,
                SortKey::Sector => sectors.get(&r.sector_name).copied().unwrap_or(u64::MAX),
                SortKey::Phase => r.phase as u64,
                SortKey::Dimension(d) => u64::from(rag_rank(r.dimensions[d])),
                SortKey::Readiness => r.verdict.map_or(0, |v| v as u64 + 1),
                SortKey::Owners => r.owner_count() as u64,
                SortKey::NextDue => r.next_due.as_ref().map_or(u64::MAX, |(d, _)| (*d).max(0) as u64),
                SortKey::LastDecision => decided[r.last_decision.as_ref().map_or("", |(_, on)| on.as_str())],
            }
        };
        let mut keyed: Vec<(u64, u32, u32)> = view.iter().map(|&i| (primary(i), rank[i], i as u32)).collect();
        keyed.sort_unstable();
        if self.descending {
            keyed.reverse();
        }
        let view: Vec<usize> = keyed.into_iter().map(|(_, _, i)| i as usize).collect();
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
        let Some(hay) = self.index.get(&row.id).and_then(|&i| self.derived.hay.get(i)) else {
            return Vec::new();
        };
        let n = row.name.chars().count() as u32;
        let mut idx = Vec::new();
        let f = &mut *self.filtering.borrow_mut();
        atom(q).indices(hay.slice(..), &mut f.matcher, &mut idx);
        idx.sort_unstable();
        idx.dedup();
        idx.into_iter().filter(|c| *c < n).map(|c| c as usize).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::Playbook;
    use crate::store::Store;

    fn demo_rows() -> Vec<PilotRow> {
        let pb = Playbook::builtin();
        let mut s = Store::open_in_memory("t").unwrap();
        crate::demo::load_synthetic(
            &mut s,
            &pb,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            300,
            3,
        )
        .unwrap();
        s.portfolio(&pb, 45).unwrap()
    }

    fn typed(rows: &[PilotRow], keys: &str) -> PortfolioView {
        let mut v = PortfolioView::default();
        v.set_rows(rows.to_vec());
        for c in keys.chars() {
            v.filter.insert_str(&c.to_string());
            v.recompute();
        }
        v
    }

    /// Each column's order, compared row against row (as the table reads
    /// it): the compact keys must sort the same, both ways, ties by name.
    #[test]
    fn every_sort_key_orders_as_its_column_reads() {
        let rows = demo_rows();
        let last_on = |r: &PilotRow| r.last_decision.as_ref().map_or(String::new(), |(_, on)| on.clone());
        for key in SortKey::ALL {
            for descending in [false, true] {
                let mut v = PortfolioView::default();
                v.set_rows(rows.clone());
                v.sort = key;
                v.descending = descending;
                v.recompute();
                let rank = &v.derived.name_rank;
                let mut want: Vec<usize> = (0..rows.len()).collect();
                want.sort_by(|&a, &b| {
                    let (ra, rb) = (&rows[a], &rows[b]);
                    let ord = match key {
                        SortKey::Name => std::cmp::Ordering::Equal,
                        SortKey::Sector => ra.sector_name.cmp(&rb.sector_name),
                        SortKey::Phase => ra.phase.cmp(&rb.phase),
                        SortKey::Dimension(d) => rag_rank(ra.dimensions[d]).cmp(&rag_rank(rb.dimensions[d])),
                        SortKey::Readiness => ra.verdict.cmp(&rb.verdict),
                        SortKey::Owners => ra.owner_count().cmp(&rb.owner_count()),
                        SortKey::NextDue => {
                            let d = |r: &PilotRow| r.next_due.as_ref().map_or(i64::MAX, |(d, _)| *d);
                            d(ra).cmp(&d(rb))
                        }
                        SortKey::LastDecision => last_on(ra).cmp(&last_on(rb)),
                    }
                    .then_with(|| rank[a].cmp(&rank[b]));
                    if descending {
                        ord.reverse()
                    } else {
                        ord
                    }
                });
                assert_eq!(v.view, want, "{key:?}, descending {descending}");
            }
        }
    }

    #[test]
    fn matching_split_over_two_threads_finds_what_one_finds_in_order() {
        let hay: Vec<Utf32String> = (0..SPLIT_MATCHING + 5_001)
            .map(|i| Utf32String::from(format!("pilot {i} Ekström fraud{} case{}", i % 7, i % 5).as_str()))
            .collect();
        let all: Vec<usize> = (0..hay.len()).collect();
        let (pattern, typed) = (atom("fraud3"), whole("fraud3"));
        let (mut a, mut b) = (Matcher::new(Config::DEFAULT), Matcher::new(Config::DEFAULT));
        let split = score_all(&all, &hay, (&pattern, &typed), (&mut a, &mut b));
        let one: Vec<Hit> = all
            .iter()
            .filter_map(|&i| {
                let s = pattern.score(hay[i].slice(..), &mut a)?;
                Some((i, s, typed.score(hay[i].slice(..), &mut a).is_some()))
            })
            .collect();
        assert_eq!(split, one);
        assert!(split.len() > 1_000, "{} matches", split.len());
        assert!(
            split.iter().any(|h| h.2) && split.iter().any(|h| !h.2),
            "both kinds of match"
        );
    }

    #[test]
    fn rows_holding_the_query_as_typed_come_alone_else_the_better_fuzzy_matches() {
        // Contiguous matches win outright.
        let hits = [(0, 90, true), (1, 200, false), (2, 40, true)];
        assert_eq!(strict(&hits), vec![(0, 90), (2, 40)]);
        // None contiguous: the fuzzy matches of at least half the best.
        let hits = [(0, 100, false), (1, 49, false), (2, 50, false)];
        assert_eq!(strict(&hits), vec![(0, 100), (2, 50)]);
        assert!(strict(&[]).is_empty());
    }

    #[test]
    fn narrowing_gives_the_same_rows_as_a_fresh_filter() {
        let rows = demo_rows();
        for q in ["f", "fr", "frau", "fraud ag", "claims", "zz", "a 0"] {
            let step = typed(&rows, q);
            let mut fresh = PortfolioView::default();
            fresh.set_rows(rows.clone());
            fresh.filter.set(q);
            fresh.filtering.get_mut().last = None;
            fresh.recompute();
            assert_eq!(step.view, fresh.view, "query {q:?}");
        }
        assert!(typed(&rows, "zzzz").view.is_empty());
    }

    #[test]
    fn a_changed_row_is_matched_again() {
        let rows = demo_rows();
        let mut v = typed(&rows, "xqzv");
        assert!(v.view.is_empty());
        let mut r = rows[0].clone();
        r.name = "XQZV pilot".into();
        v.upsert(r);
        assert_eq!(v.view.len(), 1);
        let row = v.selected().unwrap().clone();
        assert_eq!(v.name_matches(&row), vec![0, 1, 2, 3]);
    }

    #[test]
    fn sort_by_name_is_case_insensitive_and_stable() {
        let mut rows = demo_rows();
        rows[0].name = "alpha".into();
        rows[1].name = "Beta".into();
        let v = typed(&rows, "");
        let names: Vec<String> = v.view.iter().map(|&i| v.rows[i].name.to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
