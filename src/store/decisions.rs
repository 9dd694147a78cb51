//! Decisions: append-only and hash-chained. A later decision for the same
//! pilot supersedes an earlier one; a decision recorded as not yet
//! communicated gets a notice appended when it is.

use super::audit::{chain_hash, GENESIS};
use super::Cached;
use super::{Store, Tx};
use crate::domain::gates::{self, DecisionAsk, Effect};
use crate::domain::model::{Criterion, Decision, ItemState, NewDecision, Outcome, Phase, Recorded, Status};
use crate::playbook::{Need, Playbook};
use crate::text::{clean_text, sanitize, validate_name};
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;

/// Which decisions to list.
#[derive(Debug, Clone, Default)]
pub struct DecisionFilter {
    pub pilot_ids: Vec<i64>,
    /// Decided on or after this date (YYYY-MM-DD).
    pub since: Option<String>,
}

/// A decision as `Store::decisions` selects it (criteria left empty).
fn decision_from_row(r: &rusqlite::Row) -> rusqlite::Result<Decision> {
    let outcome: String = r.get(3)?;
    Ok(Decision {
        id: r.get(0)?,
        pilot_id: r.get(1)?,
        pilot: r.get(2)?,
        outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Defer),
        criteria: Vec::new(),
        rationale: r.get(4)?,
        decided_by_id: r.get(5)?,
        decided_by: r.get(6)?,
        decided_on: r.get(7)?,
        stop_conditions: r.get(8)?,
        communicated: r.get(9)?,
        superseded_by: r.get(10)?,
        recorded_at: r.get(11)?,
        recorded_by: r.get(12)?,
        hash: r.get(13)?,
        gate: r.get::<_, Option<String>>(14)?.and_then(|g| Phase::parse(&g).ok()),
        override_reason: r.get(15)?,
        pivot_to: r.get::<_, Option<String>>(16)?.and_then(|g| Phase::parse(&g).ok()),
        review_on: r.get(17)?,
        maker_is_owner: r.get(18)?,
    })
}

/// A criterion from its `criterion, met` columns.
fn criterion_from_row(r: &rusqlite::Row) -> rusqlite::Result<Criterion> {
    let need: String = r.get(2)?;
    Ok(Criterion {
        criterion: r.get(0)?,
        met: r.get(1)?,
        need: match need.as_str() {
            "must" => Some(Need::Must),
            "should" => Some(Need::Should),
            _ => None,
        },
    })
}

fn need_key(n: Option<Need>) -> &'static str {
    match n {
        Some(Need::Must) => "must",
        Some(Need::Should) => "should",
        None => "",
    }
}

/// Every decision's criteria, in order, by decision id: one pass over the
/// table.
fn all_criteria(c: &Connection) -> rusqlite::Result<HashMap<i64, Vec<Criterion>>> {
    let mut stmt = c.prepare_cached(
        "SELECT criterion, met, need, decision_id FROM decision_criteria ORDER BY decision_id, position",
    )?;
    let mut by_id: HashMap<i64, Vec<Criterion>> = HashMap::new();
    for r in stmt.query_map([], |r| Ok((r.get::<_, i64>(3)?, criterion_from_row(r)?)))? {
        let (id, criterion) = r?;
        by_id.entry(id).or_default().push(criterion);
    }
    Ok(by_id)
}

/// The criteria as hashed; a gate decision's carry their need too.
fn criteria_text(c: &[Criterion], gated: bool) -> String {
    c.iter()
        .map(|c| {
            let met = if c.met { 1 } else { 0 };
            if gated {
                format!("{met}\u{1f}{}\u{1f}{}", need_key(c.need), c.criterion)
            } else {
                format!("{met}\u{1f}{}", c.criterion)
            }
        })
        .collect::<Vec<_>>()
        .join("\u{1e}")
}

/// Hash a decision's content, given in chain order: pilot id, outcome,
/// rationale, decided-by id, date, stop conditions, communicated (0/1),
/// recorded at, recorded by, criteria; then, for a gate decision (schema
/// 2), the gate, the override, the pivot phase, the review date and
/// whether the maker owns the pilot; then, from schema 3, the pilot's and
/// the decision-maker's names as recorded (what the exports print).
fn hash_of(prev: &str, f: [&str; 10], gated: Option<[&str; 5]>, names: Option<[&str; 2]>) -> String {
    let mut all: Vec<Option<&str>> = f.map(Some).to_vec();
    if let Some(g) = gated {
        all.extend(g.map(Some));
    }
    if let Some(n) = names {
        all.extend(n.map(Some));
    }
    chain_hash(prev, &all)
}

impl Tx<'_> {
    /// Record a gate decision for the pilot's current gate, judged on the
    /// facts as they are inside this transaction: the gate's criteria are
    /// recorded with whether each was met (typed criteria are added after
    /// them), the outcome's rule is applied ([`gates::decide`]: a go past
    /// unmet must-meet criteria needs an override, a defer a review date),
    /// and its effect made (phase, status); the gate's review items close.
    /// It can never be edited afterwards.
    pub fn record_decision(&mut self, pb: &Playbook, pilot_id: i64, d: &NewDecision) -> Result<Recorded> {
        self.refuse_staged(pilot_id)?;
        let outcome = d
            .outcome
            .ok_or_else(|| Error::invalid("the decision has no outcome: choose go, no-go, pivot or defer"))?;
        let rationale = clean_text("rationale", &d.rationale)?;
        if rationale.trim().is_empty() {
            return Err(Error::invalid(
                "the decision has no rationale: say why, in a sentence or two",
            ));
        }
        let stop = clean_text("stop conditions", &d.stop_conditions)?;
        let override_reason = clean_text("override reason", &d.override_reason)?.trim().to_string();
        let decided_on = if d.decided_on.trim().is_empty() {
            self.today.to_string()
        } else {
            crate::domain::calendar::parse_date("decision date", &d.decided_on)?.to_string()
        };
        let review_on = match d.review_on.trim() {
            "" => None,
            s => Some(crate::domain::calendar::parse_date("review date", s)?),
        };
        let maker: Option<String> = self
            .conn()
            .cached_row("SELECT name FROM people WHERE id = ?1", [d.decided_by], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        let maker =
            maker.ok_or_else(|| Error::not_found("the decision-maker is not in the people list: add them first"))?;
        let facts = super::gates::read_facts(self.conn(), self.path, pb, pilot_id, self.today)?;
        let judgement = gates::judge(pb, &facts);
        let Some(gate) = judgement.current else {
            let (name, status): (String, String) = self
                .conn()
                .cached_row("SELECT name, status FROM pilots WHERE id = ?1", [pilot_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(|e| self.err(e))?;
            return Err(Error::invalid(format!(
                "'{}' is {}: it has left the gates, so there is no gate to decide; change its status first if it is back in play",
                sanitize(&name),
                Status::parse(&status).map_or("stopped".into(), |s| s.label().to_lowercase())
            )));
        };
        let ask = DecisionAsk {
            override_reason: override_reason.clone(),
            pivot_to: d.pivot_to,
            review_on,
        };
        let effect = gates::decide(&gate, outcome, &ask, self.today)?;
        let mut criteria: Vec<Criterion> = gate
            .criteria
            .iter()
            .map(|c| Criterion {
                criterion: c.label.clone(),
                met: c.met(),
                need: Some(c.need),
            })
            .collect();
        for c in &d.criteria {
            let text = validate_name("criterion", &c.criterion)?;
            if !criteria.iter().any(|g| g.criterion == text) {
                criteria.push(Criterion {
                    criterion: text,
                    met: c.met,
                    need: None,
                });
            }
        }
        let maker_is_owner = facts.owners.contains(&Some(d.decided_by));
        let overridden: Vec<String> = gate.blockers().map(|c| c.label.clone()).collect();
        let override_stored = if overridden.is_empty() && outcome == Outcome::Go {
            String::new()
        } else {
            override_reason
        };
        let pivot_to = match effect {
            Effect::PivotTo { phase } => Some(phase.key()),
            _ => None,
        };
        let review = review_on.map(|r| r.to_string());
        let pilot_name: String = self
            .conn()
            .cached_row("SELECT name FROM pilots WHERE id = ?1", [pilot_id], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let prev = self.decision_head()?;
        let hash = hash_of(
            &prev,
            [
                &pilot_id.to_string(),
                outcome.key(),
                &rationale,
                &d.decided_by.to_string(),
                &decided_on,
                &stop,
                if d.communicated { "1" } else { "0" },
                &self.now,
                self.actor,
                &criteria_text(&criteria, true),
            ],
            Some([
                gate.phase.key(),
                &override_stored,
                pivot_to.unwrap_or(""),
                review.as_deref().unwrap_or(""),
                if maker_is_owner { "1" } else { "0" },
            ]),
            Some([&pilot_name, &maker]),
        );
        self.conn()
            .prepare_cached(
                "INSERT INTO decisions (pilot_id, outcome, rationale, decided_by, decided_on, stop_conditions, communicated,
                 recorded_at, recorded_by, prev_hash, hash, gate, override, pivot_to, review_on, maker_is_owner,
                 pilot_name, decided_by_name)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    pilot_id, outcome.key(), rationale, d.decided_by, decided_on, stop, d.communicated, self.now, self.actor,
                    prev, hash, gate.phase.key(), override_stored, pivot_to, review, maker_is_owner,
                    pilot_name, maker
                ])
            })
            .map_err(|e| self.err(e))?;
        let id = self.conn().last_insert_rowid();
        {
            let mut stmt = self
                .conn()
                .prepare_cached(
                    "INSERT INTO decision_criteria (decision_id, position, criterion, met, need) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(|e| self.err(e))?;
            for (i, c) in criteria.iter().enumerate() {
                stmt.execute(params![id, i as i64, c.criterion, c.met, need_key(c.need)])
                    .map_err(|e| super::map_sql(self.path, e))?;
            }
        }
        let summary = format!(
            "{} at the {} by {maker} on {decided_on}{}",
            outcome.label(),
            gate.name.to_lowercase(),
            if override_stored.is_empty() { "" } else { " (override)" }
        );
        // The event carries the decision's hash: the two chains vouch for
        // each other.
        self.audit_with_digest(
            "decision",
            id,
            Some(pilot_id),
            "created",
            None,
            Some(&summary),
            Some(&hash),
        )?;
        self.apply_effect(pilot_id, effect)?;
        self.close_review_items(pb, pilot_id, gate.phase, id, outcome)?;
        Ok(Recorded {
            id,
            gate: gate.phase,
            effect,
            overridden: if override_stored.is_empty() {
                Vec::new()
            } else {
                overridden
            },
            maker_is_owner,
        })
    }

    /// Make a decision's effect on the pilot (audited, revision bumped).
    fn apply_effect(&mut self, pilot_id: i64, effect: Effect) -> Result<()> {
        let (phase, status, revision): (String, String, i64) = self
            .conn()
            .cached_row(
                "SELECT phase, status, revision FROM pilots WHERE id = ?1",
                [pilot_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| self.err(e))?;
        let (new_phase, new_status) = match effect {
            Effect::MoveTo { phase } | Effect::PivotTo { phase } => (phase.key(), Status::Active.key()),
            Effect::ToProduction => (phase.as_str(), Status::Production.key()),
            Effect::Stop => (phase.as_str(), Status::Stopped.key()),
            Effect::HoldUntil { .. } => (phase.as_str(), status.as_str()),
        };
        let (new_phase, new_status) = (new_phase.to_string(), new_status.to_string());
        if new_phase == phase && new_status == status {
            return Ok(());
        }
        self.conn()
            .cached_exec(
                "UPDATE pilots SET phase = ?1, status = ?2, revision = revision + 1, updated_at = ?3, updated_by = ?4
                 WHERE id = ?5 AND revision = ?6",
                params![new_phase, new_status, self.now, self.actor, pilot_id, revision],
            )
            .map_err(|e| self.err(e))?;
        if new_phase != phase {
            self.audit(
                "pilot",
                pilot_id,
                Some(pilot_id),
                "phase",
                Some(&phase),
                Some(&new_phase),
            )?;
        }
        if new_status != status {
            self.audit(
                "pilot",
                pilot_id,
                Some(pilot_id),
                "status",
                Some(&status),
                Some(&new_status),
            )?;
        }
        Ok(())
    }

    /// The items that stand for a gate's review and decision close when
    /// the decision is recorded, with the decision as their evidence.
    fn close_review_items(
        &mut self,
        pb: &Playbook,
        pilot_id: i64,
        gate: Phase,
        id: i64,
        outcome: Outcome,
    ) -> Result<()> {
        let keys: Vec<String> = pb
            .review_items()
            .filter(|(_, p)| *p == gate)
            .map(|(k, _)| k.to_string())
            .collect();
        for key in keys {
            let row: Option<(i64, String, String)> = self
                .conn()
                .cached_row(
                    "SELECT id, state, note FROM checklist_items WHERE pilot_id = ?1 AND item_key = ?2",
                    params![pilot_id, key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(|e| self.err(e))?;
            let Some((item, state, note)) = row else { continue };
            if state == ItemState::Done.key() {
                continue;
            }
            let evidence = if note.trim().is_empty() {
                format!("Decision #{id} ({}) recorded", outcome.label())
            } else {
                format!("{note}\nDecision #{id} ({}) recorded", outcome.label())
            };
            self.conn()
                .cached_exec(
                    "UPDATE checklist_rows SET state = 'done', note = ?1, revision = revision + 1, updated_at = ?2, updated_by = ?3 WHERE id = ?4",
                    params![evidence, self.now, self.actor, item],
                )
                .map_err(|e| self.err(e))?;
            self.audit(
                "item",
                item,
                Some(pilot_id),
                "state",
                Some(&state),
                Some(ItemState::Done.key()),
            )?;
            self.audit("item", item, Some(pilot_id), "note", Some(&note), Some(&evidence))?;
        }
        Ok(())
    }

    /// Mark a decision as communicated (appends a notice).
    pub fn mark_communicated(&mut self, decision_id: i64) -> Result<()> {
        let row: Option<(i64, bool, bool)> = self
            .conn()
            .query_row(
                "SELECT d.pilot_id, d.communicated, n.decision_id IS NOT NULL FROM decisions d
                 LEFT JOIN decision_notices n ON n.decision_id = d.id WHERE d.id = ?1",
                [decision_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let (pilot_id, communicated, noticed) =
            row.ok_or_else(|| Error::not_found(format!("decision {decision_id} does not exist")))?;
        if communicated || noticed {
            return Ok(());
        }
        self.conn()
            .execute(
                "INSERT INTO decision_notices (decision_id, communicated_at, communicated_by) VALUES (?1, ?2, ?3)",
                params![decision_id, self.now, self.actor],
            )
            .map_err(|e| self.err(e))?;
        self.audit_notice(decision_id, pilot_id)
    }
}

impl Store {
    /// Decisions, newest first, with criteria and supersession.
    pub fn decisions(&self, filter: &DecisionFilter) -> Result<Vec<Decision>> {
        const SELECT: &str =
            "SELECT d.id, d.pilot_id, coalesce(d.pilot_name, p.name), d.outcome, d.rationale, d.decided_by,
                coalesce(d.decided_by_name, pe.name), d.decided_on,
                d.stop_conditions, (d.communicated OR n.decision_id IS NOT NULL),
                (SELECT MIN(l.id) FROM decisions l
                 WHERE l.pilot_id = d.pilot_id AND l.id > d.id AND (d.gate IS NULL OR l.gate IS d.gate)),
                d.recorded_at, d.recorded_by, d.hash, d.gate, d.override, d.pivot_to, d.review_on, d.maker_is_owner
             FROM decisions d JOIN pilots p ON p.id = d.pilot_id JOIN people pe ON pe.id = d.decided_by
             LEFT JOIN decision_notices n ON n.decision_id = d.id
             WHERE (?1 IS NULL OR d.decided_on >= ?1)";
        let mut out = Vec::new();
        if filter.pilot_ids.is_empty() {
            let mut stmt = self
                .conn()
                .prepare_cached(&format!("{SELECT} ORDER BY d.id DESC"))
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map(params![filter.since], decision_from_row)
                .map_err(|e| self.err(e))?;
            for r in rows {
                out.push(r.map_err(|e| self.err(e))?);
            }
            let mut by_id = all_criteria(self.conn()).map_err(|e| self.err(e))?;
            for d in &mut out {
                if let Some(c) = by_id.remove(&d.id) {
                    d.criteria = c;
                }
            }
        } else {
            // Some pilots only: read just their decisions and criteria
            // through the indexes (the TUI asks for one pilot's).
            let mut stmt = self
                .conn()
                .prepare_cached(&format!("{SELECT} AND d.pilot_id = ?2"))
                .map_err(|e| self.err(e))?;
            let mut pilots = filter.pilot_ids.clone();
            pilots.sort_unstable();
            pilots.dedup();
            for pilot_id in pilots {
                let rows = stmt
                    .query_map(params![filter.since, pilot_id], decision_from_row)
                    .map_err(|e| self.err(e))?;
                for r in rows {
                    out.push(r.map_err(|e| self.err(e))?);
                }
            }
            out.sort_unstable_by_key(|d| std::cmp::Reverse(d.id));
            let mut crit = self
                .conn()
                .prepare_cached(
                    "SELECT criterion, met, need FROM decision_criteria WHERE decision_id = ?1 ORDER BY position",
                )
                .map_err(|e| self.err(e))?;
            for d in &mut out {
                d.criteria = crit
                    .query_map([d.id], criterion_from_row)
                    .map_err(|e| self.err(e))?
                    .collect::<rusqlite::Result<_>>()
                    .map_err(|e| self.err(e))?;
            }
        }
        Ok(out)
    }

    /// The newest audit event's hash and the number of audit events.
    pub fn audit_chain_head(&self) -> Result<(String, u64)> {
        self.chain_head("audit_events")
    }

    /// The decision chain's head hash and number of entries.
    pub fn decision_chain_head(&self) -> Result<(String, u64)> {
        self.chain_head("decisions")
    }

    /// A chained table's head hash and number of rows.
    fn chain_head(&self, table: &'static str) -> Result<(String, u64)> {
        // `table` is one of the two names above, never input.
        let sql = format!("SELECT (SELECT hash FROM {table} ORDER BY id DESC LIMIT 1), count(*) FROM {table}");
        let (head, n): (Option<String>, i64) = self
            .conn()
            .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        Ok((head.unwrap_or_else(|| GENESIS.to_string()), n as u64))
    }
}

/// (id, prev_hash, stored hash, recomputed hash) for every decision.
pub(crate) fn chain_rows(store: &Store) -> Result<Vec<(i64, String, String, String)>> {
    let c = store.conn();
    let crits = all_criteria(c).map_err(|e| store.err(e))?;
    let mut stmt = c
        .prepare(
            "SELECT id, pilot_id, outcome, rationale, decided_by, decided_on, stop_conditions, communicated, recorded_at,
                    recorded_by, prev_hash, hash, gate, override, pivot_to, review_on, maker_is_owner,
                    pilot_name, decided_by_name
             FROM decisions ORDER BY id",
        )
        .map_err(|e| store.err(e))?;
    let rows = stmt
        .query_map([], |r| {
            let id: i64 = r.get(0)?;
            let pilot_id: i64 = r.get(1)?;
            let decided_by: i64 = r.get(4)?;
            let communicated: bool = r.get(7)?;
            Ok((
                id,
                pilot_id.to_string(),
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                decided_by.to_string(),
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                if communicated { "1" } else { "0" }.to_string(),
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, String>(10)?,
                r.get::<_, String>(11)?,
                (
                    r.get::<_, Option<String>>(12)?,
                    r.get::<_, String>(13)?,
                    r.get::<_, Option<String>>(14)?.unwrap_or_default(),
                    r.get::<_, Option<String>>(15)?.unwrap_or_default(),
                    if r.get::<_, bool>(16)? { "1" } else { "0" },
                ),
                (r.get::<_, Option<String>>(17)?, r.get::<_, Option<String>>(18)?),
            ))
        })
        .map_err(|e| store.err(e))?;
    let mut out = Vec::new();
    for r in rows {
        let (
            id,
            pid,
            outcome,
            rationale,
            by,
            on,
            stop,
            comm,
            at,
            rec_by,
            prev,
            hash,
            (gate, ov, pivot, review, owner),
            names,
        ) = r.map_err(|e| store.err(e))?;
        let ct = criteria_text(crits.get(&id).map(Vec::as_slice).unwrap_or(&[]), gate.is_some());
        let computed = hash_of(
            &prev,
            [&pid, &outcome, &rationale, &by, &on, &stop, &comm, &at, &rec_by, &ct],
            gate.as_deref()
                .map(|g| [g, ov.as_str(), pivot.as_str(), review.as_str(), owner]),
            match &names {
                (Some(p), Some(m)) => Some([p.as_str(), m.as_str()]),
                _ => None,
            },
        );
        out.push((id, prev, hash, computed));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::PilotFields;
    use crate::store::verify_chains;

    #[test]
    fn decisions_supersede_and_chain() {
        let mut s = Store::open_in_memory("lead").unwrap();
        let (pid, who) = s
            .write(|tx| {
                let p = tx.add_pilot(
                    &PilotFields {
                        name: "P".into(),
                        ..Default::default()
                    },
                    &[],
                )?;
                let w = tx.add_person("Dana Reyes", "CIO")?;
                Ok((p, w))
            })
            .unwrap();
        let d = NewDecision {
            outcome: Some(Outcome::Defer),
            criteria: vec![Criterion {
                criterion: "Accuracy at volume".into(),
                met: false,
                need: None,
            }],
            rationale: "Not enough evidence yet".into(),
            decided_by: who,
            decided_on: "2026-10-01".into(),
            review_on: (s.today() + chrono::Duration::days(10)).to_string(),
            ..Default::default()
        };
        let pb = Playbook::builtin();
        let first = s.write(|tx| tx.record_decision(&pb, pid, &d)).unwrap().id;
        let go = NewDecision {
            outcome: Some(Outcome::Go),
            rationale: "Evidence in".into(),
            review_on: String::new(),
            override_reason: "Sponsor accepts the open items for a two-week trial".into(),
            ..d.clone()
        };
        let second = s.write(|tx| tx.record_decision(&pb, pid, &go)).unwrap().id;
        let all = s.decisions(&DecisionFilter::default()).unwrap();
        assert_eq!(all[0].id, second);
        assert_eq!(all[0].gate, Some(Phase::Assessment));
        assert!(
            !all[0].override_reason.is_empty(),
            "the go past unmet criteria is an override"
        );
        assert_eq!(all[1].superseded_by, Some(second));
        let gate_criteria = pb.gate(Phase::Assessment).criteria.len();
        assert_eq!(
            all[1].criteria.len(),
            gate_criteria + 1,
            "the gate's criteria, then the typed one"
        );
        assert_eq!(s.pilot(pid).unwrap().phase, Phase::Scaffolding, "go moved it on");
        assert!(!all[1].communicated);
        s.write(|tx| tx.mark_communicated(first)).unwrap();
        assert!(s.decisions(&DecisionFilter::default()).unwrap()[1].communicated);
        let chains = verify_chains(&s).unwrap();
        assert!(chains.iter().all(|c| c.broken_at.is_none()), "{chains:?}");
        assert_eq!(chains[0].entries, 2);
        assert!(s.conn().execute("UPDATE decisions SET outcome = 'go'", []).is_err());
        let e = s
            .write(|tx| {
                tx.record_decision(
                    &pb,
                    pid,
                    &NewDecision {
                        rationale: " ".into(),
                        ..go.clone()
                    },
                )
            })
            .unwrap_err();
        assert!(e.to_string().contains("no rationale"));
    }
}
