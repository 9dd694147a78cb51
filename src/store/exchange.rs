//! Reads for import and verification: the inventory as an import sees it
//! (pilots, people and owners in one go), and the cross-check of decisions
//! against the audit trail that `lastmile verify` runs.

use super::owners::{owner_from_row, OWNER_COLUMNS};
use super::people::{person_from_row, PERSON_COLUMNS};
use super::pilots::{pilot_from_row, PILOT_COLUMNS};
use super::staging::{LIVE_PERSON, LIVE_PILOT};
use super::{Store, Tx};
use crate::domain::model::{Owner, Person, Pilot};
use crate::Result;
use rusqlite::Connection;
use std::collections::HashSet;

/// Everything an import compares a file against: every pilot, every person,
/// and every owner as `(pilot id, owner)`.
pub type ImportSnapshot = (Vec<Pilot>, Vec<Person>, Vec<(i64, Owner)>);

fn snapshot(c: &Connection) -> rusqlite::Result<ImportSnapshot> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {PILOT_COLUMNS} FROM pilots WHERE id {LIVE_PILOT} ORDER BY id"
    ))?;
    let pilots = stmt
        .query_map([], pilot_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS} FROM people WHERE id {LIVE_PERSON} ORDER BY id"
    ))?;
    let people = stmt
        .query_map([], person_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {OWNER_COLUMNS}, o.pilot_id FROM owners o JOIN people p ON p.id = o.person_id WHERE o.pilot_id {LIVE_PILOT}"
    ))?;
    let owners = stmt
        .query_map([], |r| Ok((r.get(4)?, owner_from_row(r)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((pilots, people, owners))
}

impl Store {
    /// The inventory as an import compares against it (for a dry run).
    pub fn import_snapshot(&self) -> Result<ImportSnapshot> {
        snapshot(self.conn()).map_err(|e| self.err(e))
    }

    /// Decisions and decision notices that disagree with the audit trail,
    /// as `(decision id, reason)`, first problems first. Every decision is
    /// recorded with a `created` audit event and every notice with a
    /// `communicated` one, so a decision deleted from the end of the chain
    /// (which leaves the rest of the chain intact), a decision inserted by
    /// hand, or a notice forged by hand shows up here.
    pub fn decision_audit_mismatches(&self) -> Result<Vec<(i64, String)>> {
        let c = self.conn();
        let e = |err| self.err(err);
        let mut created: HashSet<i64> = HashSet::new();
        let mut communicated: HashSet<i64> = HashSet::new();
        {
            let mut stmt = c
                .prepare("SELECT entity_id, field FROM audit_events WHERE entity = 'decision'")
                .map_err(e)?;
            let mut q = stmt.query([]).map_err(e)?;
            while let Some(r) = q.next().map_err(e)? {
                let id: i64 = r.get(0).map_err(e)?;
                match r.get_ref(1).map_err(e)?.as_str().unwrap_or_default() {
                    "created" => created.insert(id),
                    "communicated" => communicated.insert(id),
                    _ => false,
                };
            }
        }
        let mut out = Vec::new();
        let ids: Vec<i64> = c
            .prepare("SELECT id FROM decisions ORDER BY id")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(e)?;
        let present: HashSet<i64> = ids.iter().copied().collect();
        for id in &ids {
            if !created.contains(id) {
                out.push((
                    *id,
                    format!("decision {id} has no audit event recording it (it was added behind lastmile's back)"),
                ));
            }
        }
        let mut missing: Vec<i64> = created.difference(&present).copied().collect();
        missing.sort_unstable();
        for id in missing {
            out.push((
                id,
                format!("decision {id} is in the audit trail but missing from the decision log (it was deleted)"),
            ));
        }
        let notices: Vec<i64> = c
            .prepare("SELECT decision_id FROM decision_notices ORDER BY decision_id")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(e)?;
        for id in notices {
            if !communicated.contains(&id) {
                out.push((
                    id,
                    format!("decision {id} is marked communicated without an audit event (the notice was added behind lastmile's back)"),
                ));
            }
        }
        out.sort_by_key(|(id, _)| *id);
        Ok(out)
    }
}

impl Tx<'_> {
    /// The inventory as an import compares against it, inside the import's
    /// transaction (so nothing can change between reading and writing).
    pub fn import_snapshot(&self) -> Result<ImportSnapshot> {
        snapshot(self.conn()).map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{NewDecision, Outcome, PilotFields, Role};

    #[test]
    fn snapshot_lists_pilots_people_and_owners() {
        let mut s = Store::open_in_memory("t").unwrap();
        s.write(|tx| {
            let p = tx.add_pilot(
                &PilotFields {
                    name: "P".into(),
                    ..Default::default()
                },
                &[],
            )?;
            let who = tx.add_person("Dana Reyes", "")?;
            tx.assign_owner(p, Role::Business, who, None)
        })
        .unwrap();
        let (pilots, people, owners) = s.import_snapshot().unwrap();
        assert_eq!(pilots[0].name, "P");
        assert_eq!(people[0].name, "Dana Reyes");
        assert_eq!(owners[0].1.role, Role::Business);
        let n = s.write(|tx| Ok(tx.import_snapshot()?.0.len())).unwrap();
        assert_eq!(n, 1);
    }

    fn store_with_decision() -> (Store, i64) {
        let mut s = Store::open_in_memory("t").unwrap();
        let d = s
            .write(|tx| {
                let p = tx.add_pilot(
                    &PilotFields {
                        name: "P".into(),
                        ..Default::default()
                    },
                    &[],
                )?;
                let who = tx.add_person("Dana Reyes", "")?;
                let nd = NewDecision {
                    outcome: Some(Outcome::Go),
                    rationale: "Ready".into(),
                    decided_by: who,
                    decided_on: "2026-11-01".into(),
                    override_reason: "Accepted by the steering group".into(),
                    ..Default::default()
                };
                tx.record_decision(&crate::playbook::Playbook::builtin(), p, &nd)
                    .map(|r| r.id)
            })
            .unwrap();
        (s, d)
    }

    #[test]
    fn a_forged_notice_is_found() {
        let (s, d) = store_with_decision();
        assert!(s.decision_audit_mismatches().unwrap().is_empty());
        s.conn()
            .execute(
                &format!("INSERT INTO decision_notices VALUES ({d}, '2026-11-02T00:00:00Z', 'mallory')"),
                [],
            )
            .unwrap();
        let m = s.decision_audit_mismatches().unwrap();
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].1.contains("marked communicated without an audit event"), "{m:?}");
    }

    #[test]
    fn a_deleted_or_inserted_decision_is_found() {
        let (s, d) = store_with_decision();
        s.conn()
            .execute_batch(&format!(
                "DROP TRIGGER decisions_append_only_delete; DROP TRIGGER criteria_append_only_delete;
                 DELETE FROM decision_criteria WHERE decision_id = {d}; DELETE FROM decisions WHERE id = {d};"
            ))
            .unwrap();
        let m = s.decision_audit_mismatches().unwrap();
        assert_eq!(
            m,
            vec![(
                d,
                format!("decision {d} is in the audit trail but missing from the decision log (it was deleted)")
            )]
        );
        s.conn()
            .execute(
                "INSERT INTO decisions (id, pilot_id, outcome, rationale, decided_by, decided_on, recorded_at, recorded_by, prev_hash, hash)
                 VALUES (7, 1, 'go', 'x', 1, '2026-11-01', '', '', '', 'h')",
                [],
            )
            .unwrap();
        let m = s.decision_audit_mismatches().unwrap();
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[1].1.contains("decision 7 has no audit event"), "{m:?}");
    }
}
