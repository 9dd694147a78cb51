//! Decision rights per pilot: for each right the playbook lists, the one
//! person who holds it and the threshold under which they use it. Every
//! change is an audit event (entity `right`, field the right's key) whose
//! digest pins the person and the threshold, so `verify` can tell a row
//! changed behind lastmile's back.

use super::audit::chain_hash;
use super::Cached;
use super::{Store, Tx};
use crate::domain::model::RightAssignment;
use crate::error::Conflict;
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension};

/// What the audit trail pins of one assignment: the person (by id, so a
/// rename of the person, itself audited, does not change it) and the
/// threshold.
pub(crate) fn right_digest(person_id: i64, threshold: &str) -> String {
    chain_hash("right", &[Some(&person_id.to_string()), Some(threshold)])
}

/// How an assignment reads in the audit trail.
fn shown(person: &str, threshold: &str) -> String {
    format!("{person} (threshold: {threshold})")
}

impl Store {
    /// The rights assigned for a pilot, in the order of `keys` (the
    /// playbook's); rights no longer in the playbook follow, by key.
    pub fn rights(&self, pilot_id: i64, keys: &[&str]) -> Result<Vec<RightAssignment>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT r.right_key, r.person_id, p.name, r.threshold, r.revision
                 FROM decision_rights r JOIN people p ON p.id = r.person_id
                 WHERE r.pilot_id = ?1 ORDER BY r.right_key",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query_map([pilot_id], |r| {
                Ok(RightAssignment {
                    key: r.get(0)?,
                    person_id: r.get(1)?,
                    person: r.get(2)?,
                    threshold: r.get(3)?,
                    revision: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        rows.sort_by_key(|r| keys.iter().position(|k| *k == r.key).unwrap_or(usize::MAX));
        Ok(rows)
    }
}

impl Tx<'_> {
    /// The current assignment of a right, with who changed it last and when.
    fn right_row(&self, pilot_id: i64, key: &str) -> Result<Option<(RightAssignment, String, String)>> {
        self.conn()
            .cached_row(
                "SELECT r.person_id, p.name, r.threshold, r.revision, r.updated_by, r.updated_at
                 FROM decision_rights r JOIN people p ON p.id = r.person_id
                 WHERE r.pilot_id = ?1 AND r.right_key = ?2",
                params![pilot_id, key],
                |r| {
                    Ok((
                        RightAssignment {
                            key: key.to_string(),
                            person_id: r.get(0)?,
                            person: r.get(1)?,
                            threshold: r.get(2)?,
                            revision: r.get(3)?,
                        },
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Give a right to a person with a threshold. `label` names the right
    /// in messages; `seen` is the row's revision the user saw (`None` if
    /// they saw it unassigned). Returns the assignment it replaced and the
    /// one now held, both read inside this transaction.
    pub fn assign_right(
        &mut self,
        pilot_id: i64,
        key: &str,
        label: &str,
        person_id: i64,
        threshold: &str,
        seen: Option<i64>,
    ) -> Result<RightChange> {
        let threshold = check_threshold(label, threshold)?;
        let threshold = threshold.as_str();
        let person: String = self
            .conn()
            .cached_row("SELECT name FROM people WHERE id = ?1", [person_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| Error::not_found(format!("person {person_id} no longer exists")))?;
        let pilot: Option<i64> = self
            .conn()
            .cached_row("SELECT id FROM pilots WHERE id = ?1", [pilot_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        if pilot.is_none() {
            return Err(Error::not_found(format!("pilot {pilot_id} no longer exists")));
        }
        let current = self.right_row(pilot_id, key)?;
        match (&current, seen) {
            (Some((held, ..)), _) if held.person_id == person_id && held.threshold == threshold => {
                return Ok(RightChange {
                    old: Some(held.clone()),
                    new: Some(held.clone()),
                })
            }
            (Some((held, by, at)), s) if s != Some(held.revision) => {
                return Err(Error::Conflict(Conflict {
                    what: format!("the right to {}", label.to_lowercase()),
                    current: shown(&held.person, &held.threshold),
                    by: by.clone(),
                    at: at.clone(),
                }))
            }
            (None, Some(_)) => {
                return Err(Error::Conflict(Conflict {
                    what: format!("the right to {}", label.to_lowercase()),
                    current: "nobody (the right was cleared)".into(),
                    by: "another terminal".into(),
                    at: "just now".into(),
                }))
            }
            _ => {}
        }
        self.conn()
            .cached_exec(
                // Like owners: a new row continues after every revision the
                // slot had, so a revision seen before a clear never matches.
                "INSERT INTO decision_rights (pilot_id, right_key, person_id, threshold, updated_at, updated_by, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1 + (SELECT count(*) FROM audit_events
                     WHERE pilot_id = ?1 AND entity = 'right' AND entity_id = ?1 AND field = ?2))
                 ON CONFLICT (pilot_id, right_key) DO UPDATE SET person_id = excluded.person_id,
                   threshold = excluded.threshold, revision = decision_rights.revision + 1,
                   updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![pilot_id, key, person_id, threshold, self.now, self.actor],
            )
            .map_err(|e| self.err(e))?;
        let old = current.map(|c| c.0);
        let digest = right_digest(person_id, threshold);
        self.audit_with_digest(
            "right",
            pilot_id,
            Some(pilot_id),
            key,
            old.as_ref().map(|o| shown(&o.person, &o.threshold)).as_deref(),
            Some(&shown(&person, threshold)),
            Some(&digest),
        )?;
        let new = self.right_row(pilot_id, key)?.map(|c| c.0);
        Ok(RightChange { old, new })
    }

    /// Take a right from whoever holds it (against the revision seen).
    /// Returns the assignment taken away (`None`: nobody held it).
    pub fn clear_right(&mut self, pilot_id: i64, key: &str, label: &str, seen: i64) -> Result<Option<RightAssignment>> {
        let Some((held, by, at)) = self.right_row(pilot_id, key)? else {
            return Ok(None);
        };
        if held.revision != seen {
            return Err(Error::Conflict(Conflict {
                what: format!("the right to {}", label.to_lowercase()),
                current: shown(&held.person, &held.threshold),
                by,
                at,
            }));
        }
        self.conn()
            .cached_exec(
                "DELETE FROM decision_rights WHERE pilot_id = ?1 AND right_key = ?2",
                params![pilot_id, key],
            )
            .map_err(|e| self.err(e))?;
        self.audit(
            "right",
            pilot_id,
            Some(pilot_id),
            key,
            Some(&shown(&held.person, &held.threshold)),
            None,
        )?;
        Ok(Some(held))
    }
}

/// What an assignment replaced and what is held now.
#[derive(Debug, Clone, PartialEq)]
pub struct RightChange {
    pub old: Option<RightAssignment>,
    pub new: Option<RightAssignment>,
}

/// The longest threshold lastmile keeps (a sentence or two, not a policy).
pub const THRESHOLD_MAX: usize = 300;

/// A threshold as stored: one line of visible text, trimmed, at most
/// [`THRESHOLD_MAX`] characters.
pub fn check_threshold(label: &str, raw: &str) -> Result<String> {
    let right = format!("the right to {}", label.to_lowercase());
    let t = crate::text::clean_line("threshold", raw)?;
    if t.is_empty() {
        return Err(Error::invalid(format!(
            "{right} needs a threshold or condition (when the person may use it): say one"
        )));
    }
    if t.chars().count() > THRESHOLD_MAX {
        return Err(Error::invalid(format!(
            "the threshold for {right} is longer than {THRESHOLD_MAX} characters: shorten it"
        )));
    }
    Ok(t)
}
