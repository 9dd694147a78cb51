//! The facts the gates judge, read from the tables: for one pilot in full
//! (`why`, the detail, a decision), and for the whole portfolio in a fixed
//! number of queries walked in pilot id order (see `portfolio.rs`).

use super::Cached;
use super::{map_sql, Store};
use crate::domain::calendar::{parse_date, programme_day};
use crate::domain::gates::{self, DimFact, GateFacts, ItemFact, Judgement, MetricFact};
use crate::domain::model::{Dimension, ItemState, Metric, MetricCategory, Phase, Rag, Role, Status};
use crate::domain::readiness::ItemRef;
use crate::playbook::{rubric, CriterionKind, Playbook, SELECTION_RUBRIC};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Current answers (question -> answer) of one rubric, by pilot id.
type AnswersByPilot = HashMap<i64, HashMap<String, String>>;

/// The keys of the rubrics any gate names.
pub(crate) fn gate_rubrics(pb: &Playbook) -> BTreeSet<String> {
    Phase::ALL
        .iter()
        .flat_map(|p| gates::criteria_of(pb, *p))
        .filter(|c| matches!(c.kind, CriterionKind::Rubric | CriterionKind::Vendor))
        .filter_map(|c| c.rubric)
        .collect()
}

/// Whether any gate judges decision rights (so their rows need reading).
pub(crate) fn gates_read_rights(pb: &Playbook) -> bool {
    Phase::ALL.iter().any(|p| {
        gates::criteria_of(pb, *p)
            .iter()
            .any(|c| c.kind == CriterionKind::Rights)
    })
}

/// Whether any gate judges the vendor (so its rows need reading).
pub(crate) fn gates_read_vendor(pb: &Playbook) -> bool {
    Phase::ALL.iter().any(|p| {
        gates::criteria_of(pb, *p)
            .iter()
            .any(|c| c.kind == CriterionKind::Vendor)
    })
}

/// The gates' view of a vendor row and its asks.
fn vendor_fact(vendor: Option<String>, asks: Vec<String>) -> gates::VendorFact {
    match vendor {
        None => gates::VendorFact::Unknown,
        Some(v) if v.trim().is_empty() => gates::VendorFact::InHouse,
        Some(_) => gates::VendorFact::Vendor { asks },
    }
}

/// The item keys any gate names explicitly.
pub(crate) fn gate_item_keys(pb: &Playbook) -> BTreeSet<String> {
    Phase::ALL
        .iter()
        .flat_map(|p| gates::criteria_of(pb, *p))
        .flat_map(|c| c.items)
        .collect()
}

/// The local date of a stored RFC 3339 time (what `today` is compared with).
pub(crate) fn date_of(at: &str) -> Option<NaiveDate> {
    crate::clock::Clock::local_date_of(at)
}

/// The gates' view of a metric.
pub(crate) fn metric_fact(m: &Metric) -> MetricFact {
    MetricFact {
        name: m.name.clone(),
        category: m.category.clone(),
        standing: m.standing(),
        has_baseline: m.baseline.is_some(),
        has_target: m.target.is_some(),
        scorecard: false,
    }
}

/// Open items due during `phase`'s days before `day`, from a pilot's items.
fn overdue_of(pb: &Playbook, items: &[ItemFact], phase: Phase, day: i64) -> Vec<ItemRef> {
    let def = pb.phase(phase);
    items
        .iter()
        .filter(|i| i.state.is_open() && i.due_day < day && (def.first_day..=def.last_day).contains(&i.due_day))
        .map(|i| ItemRef {
            id: i.id,
            text: i.text.clone(),
            phase: i.phase,
            due_day: i.due_day,
        })
        .collect()
}

/// Everything the gates need about one pilot, read on `c` (a store's
/// connection or a write transaction's, so a decision judges the facts it
/// commits with).
pub(crate) fn read_facts(
    c: &Connection,
    path: &Path,
    pb: &Playbook,
    pilot_id: i64,
    today: NaiveDate,
) -> Result<GateFacts> {
    let e = |err| map_sql(path, err);
    let start: String = c
        .cached_row("SELECT start_date FROM programme WHERE id = 1", [], |r| r.get(0))
        .map_err(e)?;
    let day = programme_day(parse_date("programme start date", &start)?, today);
    let (phase, status, shortlisted): (String, String, bool) = c
        .prepare_cached("SELECT phase, status, shortlisted FROM pilots WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([pilot_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()
        })
        .map_err(e)?
        .ok_or_else(|| Error::not_found(format!("pilot {pilot_id} no longer exists")))?;
    let mut f = GateFacts::empty(Phase::parse(&phase)?, today, day);
    f.status = Status::parse(&status)?;
    f.shortlisted = shortlisted;
    {
        let mut stmt = c
            .prepare_cached(
                "SELECT id, item_key, text, phase, due_day, gate, state, note <> '' FROM checklist_items
                 WHERE pilot_id = ?1 ORDER BY position",
            )
            .map_err(e)?;
        let mut q = stmt.query([pilot_id]).map_err(e)?;
        while let Some(r) = q.next().map_err(e)? {
            let phase: String = r.get(3).map_err(e)?;
            let state: String = r.get(6).map_err(e)?;
            f.items.push(ItemFact {
                id: r.get(0).map_err(e)?,
                key: r.get::<_, String>(1).map_err(e)?.into(),
                text: r.get(2).map_err(e)?,
                phase: Phase::parse(&phase)?,
                due_day: r.get(4).map_err(e)?,
                gate: r.get(5).map_err(e)?,
                state: ItemState::parse(&state)?,
                has_note: r.get(7).map_err(e)?,
            });
        }
    }
    f.overdue_items = overdue_of(pb, &f.items, f.phase, day);
    f.overdue = f.overdue_items.len() as u32;
    {
        let mut stmt = c
            .prepare_cached(
                "SELECT question, answer, scored_at FROM scores WHERE id IN
                 (SELECT MAX(id) FROM scores WHERE pilot_id = ?1 AND rubric = 'readiness' GROUP BY question)",
            )
            .map_err(e)?;
        let mut q = stmt.query([pilot_id]).map_err(e)?;
        while let Some(r) = q.next().map_err(e)? {
            let (question, answer, at): (String, String, String) =
                (r.get(0).map_err(e)?, r.get(1).map_err(e)?, r.get(2).map_err(e)?);
            if let (Ok(d), Ok(rag), Some(on)) = (Dimension::parse(&question), Rag::parse(&answer), date_of(&at)) {
                f.dimensions[d.index()] = Some(DimFact { rag, scored_on: on });
            }
        }
    }
    {
        let mut stmt = c
            .prepare_cached("SELECT role, person_id FROM owners WHERE pilot_id = ?1")
            .map_err(e)?;
        let mut q = stmt.query([pilot_id]).map_err(e)?;
        while let Some(r) = q.next().map_err(e)? {
            let role: String = r.get(0).map_err(e)?;
            if let Ok(role) = Role::parse(&role) {
                f.owners[role.index()] = Some(r.get(1).map_err(e)?);
            }
        }
    }
    if gates_read_rights(pb) {
        let mut stmt = c
            .prepare_cached("SELECT right_key FROM decision_rights WHERE pilot_id = ?1")
            .map_err(e)?;
        f.rights = stmt
            .query_map([pilot_id], |r| r.get(0))
            .map_err(e)?
            .collect::<rusqlite::Result<_>>()
            .map_err(e)?;
    }
    if gates_read_vendor(pb) {
        let vendor: Option<String> = c
            .prepare_cached("SELECT vendor FROM pilot_vendors WHERE pilot_id = ?1")
            .and_then(|mut s| s.query_row([pilot_id], |r| r.get(0)).optional())
            .map_err(e)?;
        let mut stmt = c
            .prepare_cached("SELECT ask_key FROM vendor_asks WHERE pilot_id = ?1")
            .map_err(e)?;
        let asks: Vec<String> = stmt
            .query_map([pilot_id], |r| r.get(0))
            .map_err(e)?
            .collect::<rusqlite::Result<_>>()
            .map_err(e)?;
        f.vendor = vendor_fact(vendor, asks);
    }
    for key in gate_rubrics(pb) {
        let Some(def) = pb.rubric(&key) else { continue };
        let mut stmt = c
            .prepare_cached(
                "SELECT question, answer FROM scores WHERE id IN
                 (SELECT MAX(id) FROM scores WHERE pilot_id = ?1 AND rubric = ?2 GROUP BY question)",
            )
            .map_err(e)?;
        let answers: HashMap<String, String> = stmt
            .query_map(rusqlite::params![pilot_id, key], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(e)?
            .collect::<rusqlite::Result<_>>()
            .map_err(e)?;
        f.rubrics
            .insert(key.clone(), rubric::score(def, pb.scale_of(def), &answers).into());
    }
    {
        let mut stmt = c
            .prepare_cached(
                "SELECT name, category, higher_is_better, baseline, minimum, target, stretch, current,
                        EXISTS (SELECT 1 FROM scorecards s WHERE s.pilot_id = metrics.pilot_id AND s.metric_id = metrics.id)
                 FROM metrics WHERE pilot_id = ?1 ORDER BY id",
            )
            .map_err(e)?;
        let mut q = stmt.query([pilot_id]).map_err(e)?;
        while let Some(r) = q.next().map_err(e)? {
            let mut m = metric_fact(&metric_of(r).map_err(e)?);
            m.scorecard = r.get(8).map_err(e)?;
            f.metrics.push(m);
        }
    }
    Ok(f)
}

/// A metric from `name, category, higher_is_better, baseline, minimum,
/// target, stretch, current` (for the gates; ids left zero).
pub(crate) fn metric_of(r: &rusqlite::Row) -> rusqlite::Result<Metric> {
    let category: String = r.get(1)?;
    Ok(Metric {
        id: 0,
        pilot_id: 0,
        category: MetricCategory::new(&category),
        name: r.get(0)?,
        unit: String::new(),
        higher_is_better: r.get(2)?,
        baseline: r.get(3)?,
        minimum: r.get(4)?,
        target: r.get(5)?,
        stretch: r.get(6)?,
        current: r.get(7)?,
        revision: 0,
    })
}

/// Selection answers as the `pilot_stats.selection` digits give them.
pub(crate) fn selection_answers(digits: &[Option<u8>; 5]) -> HashMap<String, String> {
    crate::playbook::SELECTION_QUESTIONS
        .iter()
        .zip(digits.iter())
        .filter_map(|(q, d)| d.map(|d| (q.to_string(), d.to_string())))
        .collect()
}

/// Whether the selection rubric is the built-in one whose answers
/// `pilot_stats.selection` mirrors (digits 1-5 for the five questions).
pub(crate) fn selection_is_mirrored(pb: &Playbook) -> bool {
    pb.rubric(SELECTION_RUBRIC).is_some_and(|r| {
        let qs: Vec<&str> = r.questions().map(|q| q.key.as_str()).collect();
        qs == crate::playbook::SELECTION_QUESTIONS
            && pb
                .scale_of(r)
                .values
                .iter()
                .all(|v| v.label.len() == 1 && v.label.as_bytes()[0].is_ascii_digit())
    })
}

impl super::Tx<'_> {
    /// One pilot at its gates, judged on this transaction's view and today.
    pub fn judge(&self, pb: &Playbook, pilot_id: i64) -> Result<Judgement> {
        Ok(gates::judge(
            pb,
            &read_facts(self.conn(), self.path, pb, pilot_id, self.today)?,
        ))
    }
}

impl Store {
    /// The gates' facts of one pilot, read now.
    pub fn gate_facts(&self, pb: &Playbook, pilot_id: i64) -> Result<GateFacts> {
        read_facts(self.conn(), self.path(), pb, pilot_id, self.today())
    }

    /// One pilot at its current gate and at the production gate.
    pub fn judge(&self, pb: &Playbook, pilot_id: i64) -> Result<Judgement> {
        Ok(gates::judge(pb, &self.gate_facts(pb, pilot_id)?))
    }
}

impl Store {
    /// Judge every row of the portfolio (or the one row of `only`): the
    /// facts come from the rows themselves (ratings, owners, selection,
    /// overdue counts) and from three queries read in pilot id order,
    /// walked with the rows, so no pilot's items are held beyond its turn.
    pub(crate) fn judge_rows(
        &self,
        pb: &Playbook,
        day: i64,
        only: Option<i64>,
        rows: &mut [super::PilotRow],
    ) -> Result<()> {
        let c = self.conn();
        let e = |err| self.err(err);
        let today = self.today();
        let by = |col: &str| match only {
            Some(_) => format!("{col} = ?1"),
            None => "?1 IS NULL".to_string(),
        };
        // The items criteria list by key, as integers: the key comes back
        // as its index in `keys`.
        let keys: Vec<std::rc::Rc<str>> = gate_item_keys(pb).into_iter().map(|k| k.as_str().into()).collect();
        let quote = |k: &str| format!("'{}'", k.replace('\'', "''"));
        let key_index = if keys.is_empty() {
            "-1".to_string()
        } else {
            format!(
                "CASE item_key {} ELSE -1 END",
                keys.iter()
                    .enumerate()
                    .map(|(i, k)| format!("WHEN {} THEN {i}", quote(k)))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        let item_sql = format!(
            "SELECT pilot_id, id, {key_index} AS k,
                    CASE phase WHEN 'assessment' THEN 0 WHEN 'scaffolding' THEN 1 ELSE 2 END,
                    due_day, gate,
                    CASE state WHEN 'todo' THEN 0 WHEN 'doing' THEN 1 WHEN 'done' THEN 2 WHEN 'na' THEN 3 ELSE 4 END,
                    note <> '' FROM checklist_items
             WHERE {} AND k >= 0 AND ?2 IS NOT NULL
             ORDER BY pilot_id",
            by("pilot_id")
        );
        let metric_sql = format!(
            "SELECT name, category, higher_is_better, baseline, minimum, target, stretch, current, pilot_id,
                    EXISTS (SELECT 1 FROM scorecards s WHERE s.pilot_id = metrics.pilot_id AND s.metric_id = metrics.id)
             FROM metrics {} WHERE {} ORDER BY pilot_id, id",
            // The whole portfolio: one scan and a sort, not a lookup per row.
            if only.is_none() { "NOT INDEXED" } else { "" },
            by("pilot_id")
        );
        let mirrored = selection_is_mirrored(pb);
        let mut other_rubrics: Vec<(String, AnswersByPilot)> = Vec::new();
        for key in gate_rubrics(pb) {
            if key == SELECTION_RUBRIC && mirrored {
                continue;
            }
            let sql = format!(
                "SELECT pilot_id, question, answer FROM scores
                 WHERE id IN (SELECT MAX(id) FROM scores WHERE rubric = ?2 AND {} GROUP BY pilot_id, question)",
                by("pilot_id")
            );
            let mut answers: AnswersByPilot = HashMap::new();
            let mut stmt = c.prepare_cached(&sql).map_err(e)?;
            let mut q = stmt.query(rusqlite::params![only, key]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                answers
                    .entry(r.get(0).map_err(e)?)
                    .or_default()
                    .insert(r.get(1).map_err(e)?, r.get(2).map_err(e)?);
            }
            other_rubrics.push((key, answers));
        }
        // Assigned rights by pilot, when a gate judges them: a few rows a
        // pilot, read in one query.
        let mut rights: HashMap<i64, Vec<String>> = HashMap::new();
        if gates_read_rights(pb) {
            let sql = format!(
                "SELECT pilot_id, right_key FROM decision_rights WHERE {}",
                by("pilot_id")
            );
            let mut stmt = c.prepare_cached(&sql).map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                rights
                    .entry(r.get(0).map_err(e)?)
                    .or_default()
                    .push(r.get(1).map_err(e)?);
            }
        }
        // Vendors and their asks by pilot, when a gate judges them.
        let mut vendors: HashMap<i64, String> = HashMap::new();
        let mut vendor_asks: HashMap<i64, Vec<String>> = HashMap::new();
        if gates_read_vendor(pb) {
            let sql = format!("SELECT pilot_id, vendor FROM pilot_vendors WHERE {}", by("pilot_id"));
            let mut stmt = c.prepare_cached(&sql).map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                vendors.insert(r.get(0).map_err(e)?, r.get(1).map_err(e)?);
            }
            let sql = format!("SELECT pilot_id, ask_key FROM vendor_asks WHERE {}", by("pilot_id"));
            let mut stmt = c.prepare_cached(&sql).map_err(e)?;
            let mut q = stmt.query([only]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                vendor_asks
                    .entry(r.get(0).map_err(e)?)
                    .or_default()
                    .push(r.get(1).map_err(e)?);
            }
        }
        // Gating items come counted in the summary rows; item rows are read
        // only when a criterion lists items by key (a custom playbook).
        let listing = !keys.is_empty();
        let mut items_stmt = c.prepare_cached(&item_sql).map_err(e)?;
        let mut items = items_stmt
            .query(rusqlite::params![if listing { only } else { Some(-1) }, day])
            .map_err(e)?;
        let mut metrics_stmt = c.prepare_cached(&metric_sql).map_err(e)?;
        let mut metrics = metrics_stmt.query([only]).map_err(e)?;
        // The next unread row of each query: (pilot id, fact).
        let empty_key: std::rc::Rc<str> = "".into();
        let read_item = |r: Option<&rusqlite::Row>| read_item(r, &keys, &empty_key);
        let mut next_item = read_item(items.next().map_err(e)?)?;
        let mut next_metric = read_metric(metrics.next().map_err(e)?)?;
        let selection = pb.rubric(SELECTION_RUBRIC);
        let mut selection_results: HashMap<[Option<u8>; 5], std::rc::Rc<rubric::RubricResult>> = HashMap::new();
        let empty = HashMap::new();
        let criteria: Vec<Vec<crate::playbook::CriterionDef>> =
            Phase::ALL.iter().map(|p| gates::criteria_of(pb, *p)).collect();
        // One copy of each label, shared by every row that lists it.
        let labels: Vec<Vec<std::sync::Arc<str>>> = criteria
            .iter()
            .map(|defs| defs.iter().map(|d| std::sync::Arc::from(d.label.as_str())).collect())
            .collect();
        for row in rows.iter_mut() {
            let mut f = GateFacts::empty(row.phase, today, day);
            f.status = row.status;
            f.shortlisted = row.shortlisted;
            f.owners = row.owner_ids;
            f.rights = rights.remove(&row.id).unwrap_or_default();
            f.vendor = vendor_fact(vendors.remove(&row.id), vendor_asks.remove(&row.id).unwrap_or_default());
            // The oldest current rating's date stands for all four: the
            // verdict only asks whether any one is too old.
            let oldest = row.oldest_score_at.as_deref().and_then(date_of);
            for (slot, rag) in f.dimensions.iter_mut().zip(row.dimensions) {
                *slot = match (rag, oldest) {
                    (Some(rag), Some(on)) => Some(DimFact { rag, scored_on: on }),
                    _ => None,
                };
            }
            if listing {
                f.items = take_rows(&mut next_item, row.id, || read_item(items.next().map_err(e)?))?;
            }
            f.gating_unmet = Some(row.gates_unmet);
            f.overdue = row.overdue_in_phase;
            f.metrics = take_rows(&mut next_metric, row.id, || read_metric(metrics.next().map_err(e)?))?;
            if let (Some(sel), true) = (selection, mirrored) {
                // Scored once per distinct set of answers (at most 6^5).
                let result = selection_results
                    .entry(row.selection)
                    .or_insert_with(|| rubric::score(sel, pb.scale_of(sel), &selection_answers(&row.selection)).into())
                    .clone();
                f.rubrics.insert(SELECTION_RUBRIC.to_string(), result);
            }
            for (key, answers) in &other_rubrics {
                if let Some(def) = pb.rubric(key) {
                    let a = answers.get(&row.id).unwrap_or(&empty);
                    f.rubrics
                        .insert(key.clone(), rubric::score(def, pb.scale_of(def), a).into());
                }
            }
            // Standings only (no labels copied): the rows keep verdicts
            // and the labels of unmet criteria.
            let prod = gates::standings(pb, Phase::Hardening, &criteria[2], &f);
            row.production = gates::verdict_of(Phase::Hardening, &prod, &f);
            if f.is_active() {
                let cur = if row.phase == Phase::Hardening {
                    prod
                } else {
                    gates::standings(pb, row.phase, &criteria[row.phase.index()], &f)
                };
                row.verdict = Some(gates::verdict_of(row.phase, &cur, &f));
                let shared = &labels[row.phase.index()];
                let pick = |want: gates::Standing| {
                    shared
                        .iter()
                        .zip(&cur)
                        .filter(move |(_, (s, _))| *s == want)
                        .map(|(label, _)| label.clone())
                };
                row.gate_blockers = cur.iter().filter(|(s, _)| *s == gates::Standing::Unmet).count() as u32;
                row.unmet = pick(gates::Standing::Unmet)
                    .chain(pick(gates::Standing::Warn))
                    .collect();
            }
        }
        Ok(())
    }
}

/// The rows of pilot `id` from a query read in pilot id order: `next` holds
/// the first unread row, `read` reads the one after. Rows of pilots before
/// `id` (not in the portfolio's rows) are passed over.
fn take_rows<T>(
    next: &mut Option<(i64, T)>,
    id: i64,
    mut read: impl FnMut() -> Result<Option<(i64, T)>>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    while next.as_ref().is_some_and(|(pid, _)| *pid <= id) {
        let (pid, v) = next.take().expect("checked above");
        if pid == id {
            out.push(v);
        }
        *next = read()?;
    }
    Ok(out)
}

/// A metric row of `judge_rows`' query as (pilot id, fact).
fn read_metric(r: Option<&rusqlite::Row>) -> Result<Option<(i64, MetricFact)>> {
    let Some(r) = r else { return Ok(None) };
    let e = |err| Error::Storage(format!("reading metrics: {err}"));
    let mut m = metric_fact(&metric_of(r).map_err(e)?);
    m.scorecard = r.get(9).map_err(e)?;
    Ok(Some((r.get::<_, i64>(8).map_err(e)?, m)))
}

/// An item row of `judge_rows`' query as (pilot id, fact): integers only
/// (the key as an index into `keys`); the text is not read (the portfolio
/// needs verdicts, not item lists).
fn read_item(
    r: Option<&rusqlite::Row>,
    keys: &[std::rc::Rc<str>],
    empty: &std::rc::Rc<str>,
) -> Result<Option<(i64, ItemFact)>> {
    const STATES: [ItemState; 5] = [
        ItemState::Todo,
        ItemState::Doing,
        ItemState::Done,
        ItemState::Na,
        ItemState::Blocked,
    ];
    let Some(r) = r else { return Ok(None) };
    let e = |err| Error::Storage(format!("reading checklist items: {err}"));
    let k: i64 = r.get(2).map_err(e)?;
    let phase: usize = r.get(3).map_err(e)?;
    let state: usize = r.get(6).map_err(e)?;
    Ok(Some((
        r.get(0).map_err(e)?,
        ItemFact {
            id: r.get(1).map_err(e)?,
            key: usize::try_from(k)
                .ok()
                .and_then(|k| keys.get(k))
                .unwrap_or(empty)
                .clone(),
            text: String::new(),
            phase: Phase::ALL[phase.min(2)],
            due_day: r.get(4).map_err(e)?,
            gate: r.get(5).map_err(e)?,
            state: STATES[state.min(4)],
            has_note: r.get(7).map_err(e)?,
        },
    )))
}
