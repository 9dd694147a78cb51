//! Portfolio-wide reads: the programme, one summary row per pilot (a fixed
//! number of grouped queries, whatever the portfolio size), and the
//! readiness facts of one pilot in detail.

use super::{Store, Tx};
use crate::domain::calendar::parse_date;
use crate::domain::model::{Dimension, Outcome, Phase, Rag, Role, Sector, Status};
use crate::domain::readiness::{self, Facts, ItemRef, Verdict};
use crate::error::Conflict;
use crate::playbook::{rubric, Playbook, READINESS_RUBRIC, SELECTION_QUESTIONS, SELECTION_RUBRIC};
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

/// One pilot as the portfolio sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PilotRow {
    pub id: i64,
    pub name: String,
    pub business_unit: String,
    pub sector: Sector,
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
    pub owners: [Option<String>; 4],
    pub items_total: u32,
    pub items_done: u32,
    pub open_gates: u32,
    pub overdue: u32,
    pub due_soon: u32,
    pub next_due: Option<(i64, String)>,
    pub last_decision: Option<(Outcome, String)>,
    pub uncommunicated: u32,
    pub rubric_gates: Vec<readiness::RubricGate>,
    pub verdict: Verdict,
}

impl PilotRow {
    /// The readiness facts this row carries (counts, no item detail).
    pub fn facts(&self) -> Facts {
        Facts {
            dimensions: self.dimensions,
            owners: self.owners.clone().map(|o| o.is_some()),
            open_gates: self.open_gates,
            overdue: self.overdue,
            rubric_gates: self.rubric_gates.clone(),
            ..Facts::default()
        }
    }

    /// Owners named, out of four.
    pub fn owner_count(&self) -> usize {
        self.owners.iter().filter(|o| o.is_some()).count()
    }
}

const OPEN: &str = "('todo', 'doing', 'blocked')";

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
        // Separate statements for one pilot, so its queries use the indexes.
        let by = |col: &str, n: u8| match only {
            Some(_) => format!("{col} = ?{n}"),
            None => format!("?{n} IS NULL"),
        };
        let mut rows: Vec<PilotRow> = Vec::new();
        let mut index: HashMap<i64, usize> = HashMap::new();
        {
            let mut stmt = c
                .prepare_cached(&format!("SELECT id, name, business_unit, sector, phase, status, revision FROM pilots WHERE {} ORDER BY name COLLATE NOCASE", by("id", 1)))
                .map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                let id: i64 = r.get(0).map_err(e)?;
                index.insert(id, rows.len());
                rows.push(PilotRow {
                    id,
                    name: r.get(1).map_err(e)?,
                    business_unit: r.get(2).map_err(e)?,
                    sector: Sector::parse(&r.get::<_, String>(3).map_err(e)?)?,
                    phase: Phase::parse(&r.get::<_, String>(4).map_err(e)?)?,
                    status: Status::parse(&r.get::<_, String>(5).map_err(e)?)?,
                    revision: r.get(6).map_err(e)?,
                    dimensions: [None; 4],
                    oldest_score_at: None,
                    selection: [None; 5],
                    owners: Default::default(),
                    items_total: 0,
                    items_done: 0,
                    open_gates: 0,
                    overdue: 0,
                    due_soon: 0,
                    next_due: None,
                    last_decision: None,
                    uncommunicated: 0,
                    rubric_gates: Vec::new(),
                    verdict: Verdict::NotReady,
                });
            }
        }
        // Current answers of the rubrics the portfolio shows or gates on.
        let gating: Vec<&crate::playbook::Rubric> = playbook
            .rubrics
            .iter()
            .filter(|r| r.gates_readiness && r.key != READINESS_RUBRIC)
            .collect();
        let mut custom: HashMap<(i64, &str), HashMap<String, String>> = HashMap::new();
        {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT s.pilot_id, s.rubric, s.question, s.answer, s.scored_at FROM scores s
                     WHERE s.id IN (SELECT MAX(id) FROM scores WHERE {} GROUP BY pilot_id, rubric, question)",
                    by("pilot_id", 1)
                ))
                .map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                let pid: i64 = r.get(0).map_err(e)?;
                let Some(&i) = index.get(&pid) else { continue };
                let rubric_key: String = r.get(1).map_err(e)?;
                let question: String = r.get(2).map_err(e)?;
                let answer: String = r.get(3).map_err(e)?;
                let row = &mut rows[i];
                if rubric_key == READINESS_RUBRIC {
                    if let (Ok(d), Ok(rag)) = (Dimension::parse(&question), Rag::parse(&answer)) {
                        row.dimensions[d.index()] = Some(rag);
                        let at: String = r.get(4).map_err(e)?;
                        if row.oldest_score_at.as_ref().map_or(true, |o| at < *o) {
                            row.oldest_score_at = Some(at);
                        }
                    }
                } else if rubric_key == SELECTION_RUBRIC {
                    if let Some(qi) = SELECTION_QUESTIONS.iter().position(|k| *k == question) {
                        row.selection[qi] = answer.parse().ok();
                    }
                } else if let Some(g) = gating.iter().find(|g| g.key == rubric_key) {
                    custom
                        .entry((pid, g.key.as_str()))
                        .or_default()
                        .insert(question, answer);
                }
            }
        }
        {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT o.pilot_id, o.role, p.name FROM owners o JOIN people p ON p.id = o.person_id WHERE {}",
                    by("o.pilot_id", 1)
                ))
                .map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                let pid: i64 = r.get(0).map_err(e)?;
                if let (Some(&i), Ok(role)) = (index.get(&pid), Role::parse(&r.get::<_, String>(1).map_err(e)?)) {
                    rows[i].owners[role.index()] = Some(r.get(2).map_err(e)?);
                }
            }
        }
        {
            let sql = format!(
                "SELECT pilot_id, count(*), sum(state = 'done'), sum(gate = 1 AND state IN {OPEN}),
                        sum(state IN {OPEN} AND due_day < ?1), sum(state IN {OPEN} AND due_day BETWEEN ?1 AND ?1 + 7)
                 FROM checklist_items WHERE {} GROUP BY pilot_id",
                by("pilot_id", 2)
            );
            let mut stmt = c.prepare_cached(&sql).map_err(e)?;
            let mut q = stmt.query(params![day, only]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                let pid: i64 = r.get(0).map_err(e)?;
                if let Some(&i) = index.get(&pid) {
                    let row = &mut rows[i];
                    row.items_total = r.get(1).map_err(e)?;
                    row.items_done = r.get(2).map_err(e)?;
                    row.open_gates = r.get(3).map_err(e)?;
                    row.overdue = r.get(4).map_err(e)?;
                    row.due_soon = r.get(5).map_err(e)?;
                }
            }
        }
        {
            // SQLite returns the text of the row holding MIN(due_day).
            let sql = format!(
                "SELECT pilot_id, MIN(due_day), text FROM checklist_items WHERE state IN {OPEN} AND {} GROUP BY pilot_id",
                by("pilot_id", 1)
            );
            let mut stmt = c.prepare_cached(&sql).map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                let pid: i64 = r.get(0).map_err(e)?;
                if let Some(&i) = index.get(&pid) {
                    rows[i].next_due = Some((r.get(1).map_err(e)?, r.get(2).map_err(e)?));
                }
            }
        }
        {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT d.pilot_id, d.outcome, d.decided_on, MAX(d.id),
                            sum(d.communicated = 0 AND n.decision_id IS NULL)
                     FROM decisions d LEFT JOIN decision_notices n ON n.decision_id = d.id
                     WHERE {} GROUP BY d.pilot_id",
                    by("d.pilot_id", 1)
                ))
                .map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                let pid: i64 = r.get(0).map_err(e)?;
                if let Some(&i) = index.get(&pid) {
                    let outcome = Outcome::parse(&r.get::<_, String>(1).map_err(e)?)?;
                    rows[i].last_decision = Some((outcome, r.get(2).map_err(e)?));
                    rows[i].uncommunicated = r.get(4).map_err(e)?;
                }
            }
        }
        let empty = HashMap::new();
        for row in &mut rows {
            for g in &gating {
                let answers = custom.get(&(row.id, g.key.as_str())).unwrap_or(&empty);
                row.rubric_gates
                    .push(rubric::score(g, playbook.scale_of(g), answers).gate());
            }
            row.verdict = readiness::verdict(&row.facts());
        }
        Ok(rows)
    }

    /// Readiness facts of one pilot with the items behind each count.
    pub fn facts(&self, playbook: &Playbook, pilot_id: i64, day: i64) -> Result<Facts> {
        let mut f = Facts::default();
        for (q, entry) in self.current_answers(pilot_id, READINESS_RUBRIC)? {
            if let (Ok(d), Ok(rag)) = (Dimension::parse(&q), Rag::parse(&entry.answer)) {
                f.dimensions[d.index()] = Some(rag);
            }
        }
        for o in self.owners(pilot_id)? {
            f.owners[o.role.index()] = true;
        }
        for item in self.checklist(pilot_id)? {
            if !item.state.is_open() {
                continue;
            }
            let r = ItemRef {
                id: item.id,
                text: item.text.clone(),
                phase: item.phase,
                due_day: item.due_day,
            };
            if item.gate {
                f.open_gates += 1;
                f.open_gate_items.push(r.clone());
            }
            if item.due_day < day {
                f.overdue += 1;
                f.overdue_items.push(r);
            }
        }
        for g in playbook
            .rubrics
            .iter()
            .filter(|r| r.gates_readiness && r.key != READINESS_RUBRIC)
        {
            let answers: HashMap<String, String> = self
                .current_answers(pilot_id, &g.key)?
                .into_iter()
                .map(|(k, v)| (k, v.answer))
                .collect();
            f.rubric_gates
                .push(rubric::score(g, playbook.scale_of(g), &answers).gate());
        }
        Ok(f)
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
        let sql = format!("SELECT count(*) FROM checklist_items WHERE state IN {OPEN}");
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
