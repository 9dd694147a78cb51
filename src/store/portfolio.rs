//! Portfolio-wide reads: the programme, one summary row per pilot (a fixed
//! number of grouped queries, whatever the portfolio size), and the
//! readiness facts of one pilot in detail.

use super::staging::LIVE_PILOT;
use super::{Store, Tx};
use crate::domain::calendar::parse_date;
use crate::domain::model::{Outcome, Phase, Rag, Role, Sector, Status};
use crate::domain::readiness::Verdict;
use crate::error::Conflict;
use crate::playbook::{rubric, Playbook};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;
use std::collections::HashMap;

/// The programme: its name and day 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Programme {
    pub name: String,
    pub start_date: NaiveDate,
    pub revision: i64,
}

/// The pilots that compete for the shortlist: active pilots in
/// Assessment. `status`, the Assessment board and the pack all rank these,
/// so they always agree.
pub fn candidate_facts(rows: &[PilotRow]) -> Vec<crate::domain::candidates::CandidateFacts> {
    rows.iter()
        .filter(|r| r.phase == Phase::Assessment && r.is_active())
        .map(|r| crate::domain::candidates::CandidateFacts {
            pilot_id: r.id,
            name: r.name.clone(),
            selection: r.selection,
            dimensions: r.dimensions,
        })
        .collect()
}

/// One pilot as the portfolio sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PilotRow {
    pub id: i64,
    pub name: String,
    pub business_unit: String,
    pub sector: Sector,
    /// The sector's name in the playbook (its key when it no longer lists
    /// it), shared by the rows of one sector.
    pub sector_name: std::sync::Arc<str>,
    pub phase: Phase,
    pub status: Status,
    pub revision: i64,
    /// Current rating per dimension, in [`Dimension::ALL`] order.
    pub dimensions: [Option<Rag>; 4],
    /// Oldest of the current dimension ratings (RFC 3339).
    pub oldest_score_at: Option<String>,
    /// Selection answers (1-5) in the playbook's criterion order.
    pub selection: [Option<u8>; 5],
    /// Owner names per role, in [`Role::ALL`] order.
    /// (Shared: a portfolio of 100,000 pilots names a few hundred people.)
    pub owners: [Option<std::sync::Arc<str>>; 4],
    pub items_total: u32,
    pub items_done: u32,
    pub open_gates: u32,
    pub overdue: u32,
    /// Open items due during the current phase's days, before today.
    pub overdue_in_phase: u32,
    pub due_soon: u32,
    pub next_due: Option<(i64, String)>,
    pub last_decision: Option<(Outcome, String)>,
    pub uncommunicated: u32,
    pub shortlisted: bool,
    /// Gating items not met (with evidence or a reason), per item phase.
    pub gates_unmet: [u32; 3],
    /// The person named for each role, in [`Role::ALL`] order.
    pub owner_ids: [Option<i64>; 4],
    /// At the current gate; `None` once stopped or in production.
    pub verdict: Option<Verdict>,
    /// Unmet must-meet criteria of the current gate.
    pub gate_blockers: u32,
    /// Labels of the current gate's unmet criteria, must-meet first, then
    /// should-meet.
    pub unmet: Vec<std::sync::Arc<str>>,
    /// The production gate evaluated now.
    pub production: Verdict,
}

impl PilotRow {
    /// Whether the pilot still goes through gates (not stopped, not in
    /// production).
    pub fn is_active(&self) -> bool {
        crate::domain::gates::is_active(self.status)
    }

    /// Owners named, out of four.
    pub fn owner_count(&self) -> usize {
        self.owners.iter().filter(|o| o.is_some()).count()
    }
}

const OPEN: &str = "('todo', 'doing', 'blocked')";

/// Recompute one pilot's `pilot_stats` checklist columns from its items
/// (the triggers then keep them current, change by change).
pub(crate) const REFRESH_STATS: &str = "
    UPDATE pilot_stats SET
        (items_total, items_done, open_gates, gates_unmet) = (
            SELECT count(*), coalesce(sum(r.state = 'done'), 0),
                   coalesce(sum(t.gate = 1 AND r.state IN ('todo', 'doing', 'blocked')), 0),
                   char(48 + coalesce(sum(t.gate = 1 AND t.phase = 'assessment' AND NOT (r.state IN ('done', 'na') AND r.note <> '')), 0))
                   || char(48 + coalesce(sum(t.gate = 1 AND t.phase = 'scaffolding' AND NOT (r.state IN ('done', 'na') AND r.note <> '')), 0))
                   || char(48 + coalesce(sum(t.gate = 1 AND t.phase = 'hardening' AND NOT (r.state IN ('done', 'na') AND r.note <> '')), 0))
            FROM checklist_rows r JOIN checklist_texts t ON t.id = r.text_id
            WHERE r.pilot_id = ?1),
        open_due = (SELECT due_profile(due_day) FROM checklist_rows
                    WHERE pilot_id = ?1 AND state IN ('todo', 'doing', 'blocked')),
        (next_item_id, next_due_day, next_text) =
            (SELECT r.id, r.due_day, t.text FROM checklist_rows r JOIN checklist_texts t ON t.id = r.text_id
             WHERE r.pilot_id = ?1 AND r.state IN ('todo', 'doing', 'blocked')
             ORDER BY r.due_day, r.position LIMIT 1)
    WHERE pilot_id = ?1";

/// Where pilot `id` is in `rows` (ordered by id). Queries return pilots in
/// id order, so the answer is almost always the row at or after `*at`.
fn position(rows: &[PilotRow], at: &mut usize, id: i64) -> Option<usize> {
    for i in [*at, *at + 1] {
        if rows.get(i).is_some_and(|r| r.id == id) {
            *at = i;
            return Some(i);
        }
    }
    let i = rows.binary_search_by_key(&id, |r| r.id).ok()?;
    *at = i;
    Some(i)
}

fn letters(s: &str) -> [Option<Rag>; 4] {
    let mut out = [None; 4];
    for (slot, c) in out.iter_mut().zip(s.chars()) {
        *slot = Rag::ALL.iter().copied().find(|r| r.letter() == c);
    }
    out
}

fn digits(s: &str) -> [Option<u8>; 5] {
    let mut out = [None; 5];
    for (slot, c) in out.iter_mut().zip(s.chars()) {
        *slot = c.to_digit(10).map(|d| d as u8);
    }
    out
}

impl Store {
    /// The programme row.
    pub fn programme(&self) -> Result<Programme> {
        let (name, start, revision): (String, String, i64) = self
            .conn()
            .query_row(
                "SELECT name, start_date, revision FROM programme WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| self.err(e))?;
        Ok(Programme {
            name,
            start_date: parse_date("programme start date", &start)?,
            revision,
        })
    }

    /// A summary row for every pilot, ordered by name. `day` is today's
    /// programme day (for overdue and due-soon counts).
    pub fn portfolio(&self, playbook: &Playbook, day: i64) -> Result<Vec<PilotRow>> {
        self.rows(playbook, day, None)
    }

    /// The summary row of one pilot (cheap: every query is by pilot).
    pub fn pilot_row(&self, playbook: &Playbook, day: i64, pilot_id: i64) -> Result<PilotRow> {
        self.rows(playbook, day, Some(pilot_id))?
            .pop()
            .ok_or_else(|| Error::not_found(format!("pilot {pilot_id} no longer exists")))
    }

    fn rows(&self, playbook: &Playbook, day: i64, only: Option<i64>) -> Result<Vec<PilotRow>> {
        let c = self.conn();
        let e = |err| self.err(err);
        // `?1 IS NULL` selects everything; otherwise the pilot's indexes apply.
        let by = |col: &str| match only {
            Some(_) => format!("{col} = ?1"),
            None => "?1 IS NULL".to_string(),
        };
        // Rows are read and completed in pilot id order, each later query
        // also by pilot id, so filling them in walks `rows` front to back
        // (at 100,000 pilots, looking rows up in name order was bound by
        // cache misses); they are sorted by name at the end.
        let mut rows: Vec<PilotRow> = Vec::new();
        if only.is_none() {
            let n: i64 = c
                .query_row("SELECT count(*) FROM pilot_stats", [], |r| r.get(0))
                .map_err(e)?;
            rows.reserve_exact(n.max(0) as usize);
        }
        {
            let sql = format!(
                "SELECT p.id, p.name, p.business_unit, p.sector, p.phase, p.status, p.revision,
                        s.items_total, s.items_done, s.open_gates, s.open_due, s.dims, s.dims_oldest, s.selection,
                        s.next_due_day, s.next_text, p.shortlisted, s.gates_unmet
                 FROM pilots p JOIN pilot_stats s ON s.pilot_id = p.id
                 WHERE {} AND p.id {LIVE_PILOT} ORDER BY p.id",
                by("p.id")
            );
            let mut stmt = c.prepare_cached(&sql).map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            let mut names: HashMap<String, std::sync::Arc<str>> = HashMap::new();
            while let Some(r) = q.next().map_err(e)? {
                let id: i64 = r.get(0).map_err(e)?;
                let text = |i: usize| -> Result<&str> { r.get_ref(i).and_then(|v| Ok(v.as_str()?)).map_err(e) };
                let phase = Phase::parse(text(4)?)?;
                let window = playbook.phase(phase).first_day..=playbook.phase(phase).last_day;
                let (mut overdue, mut due_soon, mut overdue_in_phase) = (0, 0, 0);
                for (i, c) in text(10)?.bytes().enumerate() {
                    let (due, n) = (i as i64 + 1, u32::from(c).saturating_sub(48));
                    if due < day {
                        overdue += n;
                        if window.contains(&due) {
                            overdue_in_phase += n;
                        }
                    } else if due <= day + 7 {
                        due_soon += n;
                    }
                }
                let next_due = match r.get::<_, Option<i64>>(14).map_err(e)? {
                    Some(d) => Some((d, r.get(15).map_err(e)?)),
                    None => None,
                };
                let sector = Sector::new(text(3)?);
                let sector_name = match names.get(sector.key()) {
                    Some(n) => n.clone(),
                    None => {
                        let n: std::sync::Arc<str> = playbook.sector_label(&sector).into();
                        names.insert(sector.key().to_string(), n.clone());
                        n
                    }
                };
                rows.push(PilotRow {
                    id,
                    name: r.get(1).map_err(e)?,
                    business_unit: r.get(2).map_err(e)?,
                    sector,
                    sector_name,
                    phase,
                    status: Status::parse(text(5)?)?,
                    revision: r.get(6).map_err(e)?,
                    dimensions: letters(text(11)?),
                    oldest_score_at: r.get(12).map_err(e)?,
                    selection: digits(text(13)?),
                    owners: Default::default(),
                    items_total: r.get(7).map_err(e)?,
                    items_done: r.get(8).map_err(e)?,
                    open_gates: r.get(9).map_err(e)?,
                    overdue,
                    overdue_in_phase,
                    due_soon,
                    next_due,
                    last_decision: None,
                    uncommunicated: 0,
                    shortlisted: r.get(16).map_err(e)?,
                    gates_unmet: {
                        let mut g = [0u32; 3];
                        for (slot, c) in g.iter_mut().zip(text(17)?.chars()) {
                            *slot = u32::from(c).saturating_sub(48);
                        }
                        g
                    },
                    owner_ids: [None; 4],
                    verdict: None,
                    gate_blockers: 0,
                    unmet: Vec::new(),
                    production: Verdict::NotReady,
                });
            }
        }
        {
            // The whole portfolio: read the people once (a few hundred)
            // rather than joining people for each of the owner rows.
            let mut names: HashMap<i64, std::sync::Arc<str>> = HashMap::new();
            if only.is_none() {
                let mut stmt = c.prepare_cached("SELECT id, name FROM people").map_err(e)?;
                let mut q = stmt.query([]).map_err(e)?;
                while let Some(r) = q.next().map_err(e)? {
                    names.insert(r.get(0).map_err(e)?, r.get::<_, String>(1).map_err(e)?.into());
                }
            }
            let sql = match only {
                Some(_) => {
                    "SELECT o.pilot_id, o.role, o.person_id, p.name FROM owners o JOIN people p ON p.id = o.person_id
                     WHERE o.pilot_id = ?1"
                }
                None => {
                    "SELECT o.pilot_id, o.role, o.person_id, NULL FROM owners o WHERE ?1 IS NULL ORDER BY o.pilot_id"
                }
            };
            let mut stmt = c.prepare_cached(sql).map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            let mut at = 0;
            while let Some(r) = q.next().map_err(e)? {
                let pid: i64 = r.get(0).map_err(e)?;
                let role = r.get_ref(1).and_then(|v| Ok(v.as_str()?)).map_err(e)?;
                if let (Some(i), Ok(role)) = (position(&rows, &mut at, pid), Role::parse(role)) {
                    let name = match r.get::<_, Option<String>>(3).map_err(e)? {
                        Some(n) => n.into(),
                        None => match names.get(&r.get(2).map_err(e)?) {
                            Some(n) => n.clone(),
                            None => continue,
                        },
                    };
                    rows[i].owners[role.index()] = Some(name);
                    rows[i].owner_ids[role.index()] = Some(r.get(2).map_err(e)?);
                }
            }
        }
        {
            let sql = format!(
                "SELECT d.pilot_id, d.outcome, d.decided_on, MAX(d.id),
                        sum(d.communicated = 0 AND n.decision_id IS NULL)
                 FROM decisions d LEFT JOIN decision_notices n ON n.decision_id = d.id
                 WHERE {} GROUP BY d.pilot_id ORDER BY d.pilot_id",
                by("d.pilot_id")
            );
            let mut stmt = c.prepare_cached(&sql).map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            let mut at = 0;
            while let Some(r) = q.next().map_err(e)? {
                let pid: i64 = r.get(0).map_err(e)?;
                if let Some(i) = position(&rows, &mut at, pid) {
                    let outcome = Outcome::parse(r.get_ref(1).and_then(|v| Ok(v.as_str()?)).map_err(e)?)?;
                    rows[i].last_decision = Some((outcome, r.get(2).map_err(e)?));
                    rows[i].uncommunicated = r.get(4).map_err(e)?;
                }
            }
        }
        self.judge_rows(playbook, day, only, &mut rows)?;
        // By name as SQLite's NOCASE collation orders it (ASCII case
        // folding); names are unique under it, so the order is total.
        rows.sort_by_cached_key(|r| r.name.to_ascii_lowercase());
        Ok(rows)
    }

    /// Every rubric's result for one pilot.
    pub fn rubric_results(&self, playbook: &Playbook, pilot_id: i64) -> Result<Vec<rubric::RubricResult>> {
        let mut out = Vec::new();
        for r in &playbook.rubrics {
            let answers: HashMap<String, String> = self
                .current_answers(pilot_id, &r.key)?
                .into_iter()
                .map(|(k, v)| (k, v.answer))
                .collect();
            out.push(rubric::score(r, playbook.scale_of(r), &answers));
        }
        Ok(out)
    }

    /// Count of open items across the portfolio (cheap sanity figure).
    pub fn open_item_count(&self) -> Result<i64> {
        let sql = format!("SELECT count(*) FROM checklist_rows WHERE state IN {OPEN} AND pilot_id {LIVE_PILOT}");
        self.conn().query_row(&sql, [], |r| r.get(0)).map_err(|e| self.err(e))
    }
}

impl Tx<'_> {
    /// Rename the programme or move its day 1.
    pub fn set_programme(&mut self, name: &str, start: NaiveDate, revision: i64) -> Result<()> {
        let name = crate::text::validate_name("programme", name)?;
        let (old_name, old_start, rev, by, at): (String, String, i64, String, String) = self
            .conn()
            .query_row(
                "SELECT name, start_date, revision, updated_by, updated_at FROM programme WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .map_err(|e| self.err(e))?;
        if rev != revision {
            return Err(Error::Conflict(Conflict {
                what: "the programme".into(),
                current: format!("{old_name}, day 1 = {old_start}"),
                by,
                at,
            }));
        }
        let start_s = start.to_string();
        self.conn()
            .execute(
                "UPDATE programme SET name = ?1, start_date = ?2, revision = revision + 1, updated_at = ?3, updated_by = ?4 WHERE id = 1",
                params![name, start_s, self.now, self.actor],
            )
            .map_err(|e| self.err(e))?;
        if name != old_name {
            self.audit("programme", 1, None, "name", Some(&old_name), Some(&name))?;
        }
        if start_s != old_start {
            self.audit("programme", 1, None, "start_date", Some(&old_start), Some(&start_s))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::ItemState;
    use crate::playbook::{SELECTION_QUESTIONS, SELECTION_RUBRIC};

    /// The trigger-maintained stats must agree with the raw rows.
    #[test]
    fn stats_agree_with_raw_rows() {
        let pb = Playbook::builtin();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut s = Store::open_in_memory_with_clock("t", crate::clock::Clock::fixed(today)).unwrap();
        crate::demo::load_realistic(&mut s, &pb, today).unwrap();
        let day = 45;
        let check = |s: &Store| {
            for row in s.portfolio(&pb, day).unwrap() {
                let items = s.checklist(row.id).unwrap();
                let open: Vec<_> = items.iter().filter(|i| i.state.is_open()).collect();
                assert_eq!(row.items_total as usize, items.len());
                assert_eq!(
                    row.items_done as usize,
                    items.iter().filter(|i| i.state == ItemState::Done).count()
                );
                assert_eq!(row.open_gates as usize, open.iter().filter(|i| i.gate).count());
                for (k, phase) in Phase::ALL.iter().enumerate() {
                    let unmet = items
                        .iter()
                        .filter(|i| i.gate && i.phase == *phase)
                        .filter(|i| !matches!(i.state, ItemState::Done | ItemState::Na) || i.note.is_empty())
                        .count();
                    assert_eq!(row.gates_unmet[k] as usize, unmet, "{} {phase}", row.name);
                }
                assert_eq!(row.overdue as usize, open.iter().filter(|i| i.due_day < day).count());
                let first = open.iter().min_by_key(|i| (i.due_day, i.position));
                assert_eq!(row.next_due, first.map(|i| (i.due_day, i.text.clone())));
                let j = s.judge(&pb, row.id).unwrap();
                assert_eq!(row.verdict, j.verdict(), "{}", row.name);
                assert_eq!(row.production, j.production.verdict, "{}", row.name);
                let sel = s.current_answers(row.id, SELECTION_RUBRIC).unwrap();
                for (i, q) in SELECTION_QUESTIONS.iter().enumerate() {
                    assert_eq!(row.selection[i], sel.get(*q).and_then(|a| a.answer.parse().ok()), "{q}");
                }
            }
        };
        check(&s);
        // Change things and check again.
        let rows = s.portfolio(&pb, day).unwrap();
        let p = &rows[0];
        let item = s.checklist(p.id).unwrap()[0].clone();
        s.write(|tx| tx.set_item_state(item.id, item.revision, ItemState::Blocked))
            .unwrap();
        s.write(|tx| tx.set_item_due(item.id, item.revision + 1, 90)).unwrap();
        let r = pb.rubric("readiness").unwrap();
        s.write(|tx| tx.add_score(p.id, r, pb.scale_of(r), "ownership", "red", "x"))
            .unwrap();
        let sel = pb.rubric(SELECTION_RUBRIC).unwrap();
        s.write(|tx| tx.add_score(p.id, sel, pb.scale_of(sel), "team", "1", "x"))
            .unwrap();
        check(&s);
    }
}
