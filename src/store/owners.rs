//! The four named owners of each pilot: product, platform, governance and
//! business. Owner rows carry revisions like every mutable row.

use super::pilots::parse_column;
use super::Cached;
use super::{Store, Tx};
use crate::domain::model::{Owner, Role};
use crate::error::Conflict;
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension, Row};

/// The columns [`owner_from_row`] reads, in order, from `owners o` joined
/// with `people p`.
pub(crate) const OWNER_COLUMNS: &str = "o.role, o.person_id, p.name, o.revision";

pub(crate) fn owner_from_row(r: &Row) -> rusqlite::Result<Owner> {
    Ok(Owner {
        role: parse_column(r, 0, Role::parse)?,
        person_id: r.get(1)?,
        person: r.get(2)?,
        revision: r.get(3)?,
    })
}

impl Store {
    /// The owners named for a pilot, in role order.
    pub fn owners(&self, pilot_id: i64) -> Result<Vec<Owner>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {OWNER_COLUMNS} FROM owners o JOIN people p ON p.id = o.person_id
                 WHERE o.pilot_id = ?1"
            ))
            .map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query_map([pilot_id], owner_from_row)
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        rows.sort_by_key(|o| o.role);
        Ok(rows)
    }
}

impl Tx<'_> {
    /// Name (or replace) the owner of one of the four roles. `seen` is the
    /// owner row's revision the user saw, `None` if they saw no owner.
    pub fn assign_owner(&mut self, pilot_id: i64, role: Role, person_id: i64, seen: Option<i64>) -> Result<()> {
        let current: Option<(i64, String, i64, String, String)> = self
            .conn()
            .cached_row(
                "SELECT o.person_id, p.name, o.revision, o.updated_by, o.updated_at FROM owners o JOIN people p ON p.id = o.person_id
                 WHERE o.pilot_id = ?1 AND o.role = ?2",
                params![pilot_id, role.key()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let new_name: String = self
            .conn()
            .cached_row("SELECT name FROM people WHERE id = ?1", [person_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| Error::not_found(format!("person {person_id} no longer exists")))?;
        let pilot_exists: Option<i64> = self
            .conn()
            .cached_row("SELECT id FROM pilots WHERE id = ?1", [pilot_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        if pilot_exists.is_none() {
            return Err(Error::not_found(format!("pilot {pilot_id} no longer exists")));
        }
        match (&current, seen) {
            (Some((pid, pname, rev, by, at)), s) if s != Some(*rev) => {
                if *pid == person_id {
                    return Ok(());
                }
                return Err(Error::Conflict(Conflict {
                    what: format!("the {}", role.label().to_lowercase()),
                    current: pname.clone(),
                    by: by.clone(),
                    at: at.clone(),
                }));
            }
            (None, Some(_)) => {
                return Err(Error::Conflict(Conflict {
                    what: format!("the {}", role.label().to_lowercase()),
                    current: "nobody (the owner was removed)".into(),
                    by: "another terminal".into(),
                    at: "just now".into(),
                }));
            }
            (Some((pid, ..)), _) if *pid == person_id => return Ok(()),
            _ => {}
        }
        self.conn()
            .prepare_cached(
                // A new row continues after every revision this slot ever had
                // (one audit event per change), so a revision seen before an
                // unassign can never match the next owner's row.
                "INSERT INTO owners (pilot_id, role, person_id, updated_at, updated_by, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1 + (SELECT count(*) FROM audit_events
                     WHERE pilot_id = ?1 AND entity = 'owner' AND entity_id = ?1 AND field = ?2))
                 ON CONFLICT (pilot_id, role) DO UPDATE SET person_id = excluded.person_id,
                   revision = owners.revision + 1, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .and_then(|mut s| s.execute(params![pilot_id, role.key(), person_id, self.now, self.actor]))
            .map_err(|e| self.err(e))?;
        let old = current.map(|c| c.1);
        self.audit(
            "owner",
            pilot_id,
            Some(pilot_id),
            role.key(),
            old.as_deref(),
            Some(&new_name),
        )
    }

    /// Remove the owner of a role (against the revision the user saw).
    pub fn unassign_owner(&mut self, pilot_id: i64, role: Role, seen: i64) -> Result<()> {
        let current: Option<(String, i64, String, String)> = self
            .conn()
            .query_row(
                "SELECT p.name, o.revision, o.updated_by, o.updated_at FROM owners o JOIN people p ON p.id = o.person_id
                 WHERE o.pilot_id = ?1 AND o.role = ?2",
                params![pilot_id, role.key()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((name, rev, by, at)) = current else {
            return Ok(());
        };
        if rev != seen {
            return Err(Error::Conflict(Conflict {
                what: format!("the {}", role.label().to_lowercase()),
                current: name,
                by,
                at,
            }));
        }
        self.conn()
            .execute(
                "DELETE FROM owners WHERE pilot_id = ?1 AND role = ?2",
                params![pilot_id, role.key()],
            )
            .map_err(|e| self.err(e))?;
        self.audit("owner", pilot_id, Some(pilot_id), role.key(), Some(&name), None)
    }
}
