//! Checklist items: state, owner and note, each edit checked against the
//! revision the user saw.

use super::pilots::parse_column;
use super::Cached;
use super::{Store, Tx};
use crate::domain::model::{ChecklistItem, ItemState, Phase};
use crate::error::Conflict;
use crate::text::{clean_text, sanitize, truncate};
use crate::{Error, Result};
use rusqlite::types::ToSql;
use rusqlite::{params, OptionalExtension, Row};

const ITEM_SQL: &str = "SELECT c.id, c.pilot_id, c.item_key, c.phase, c.section, c.position, c.text, c.gate, c.state,
        c.owner_id, p.name, c.due_day, c.note, c.revision, c.updated_at, c.updated_by
     FROM checklist_items c LEFT JOIN people p ON p.id = c.owner_id";

pub(crate) fn item_from_row(r: &Row) -> rusqlite::Result<ChecklistItem> {
    Ok(ChecklistItem {
        id: r.get(0)?,
        pilot_id: r.get(1)?,
        item_key: r.get(2)?,
        phase: parse_column(r, 3, Phase::parse)?,
        section: r.get(4)?,
        position: r.get(5)?,
        text: r.get(6)?,
        gate: r.get(7)?,
        state: parse_column(r, 8, ItemState::parse)?,
        owner_id: r.get(9)?,
        owner: r.get(10)?,
        due_day: r.get(11)?,
        note: r.get(12)?,
        revision: r.get(13)?,
        updated_at: r.get(14)?,
        updated_by: r.get(15)?,
    })
}

impl Store {
    /// A pilot's whole checklist in playbook order.
    pub fn checklist(&self, pilot_id: i64) -> Result<Vec<ChecklistItem>> {
        let sql = format!("{ITEM_SQL} WHERE c.pilot_id = ?1 ORDER BY c.position");
        let mut stmt = self.conn().prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt.query_map([pilot_id], item_from_row).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// One checklist item.
    pub fn item(&self, id: i64) -> Result<ChecklistItem> {
        let sql = format!("{ITEM_SQL} WHERE c.id = ?1");
        self.conn()
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([id], item_from_row).optional())
            .map_err(|e| self.err(e))?
            .ok_or_else(|| Error::not_found(format!("checklist item {id} no longer exists")))
    }
}

impl Tx<'_> {
    /// `(id, revision, position)` of a pilot's items, in order.
    pub fn item_ids(&self, pilot_id: i64) -> Result<Vec<(i64, i64, i64)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, revision, position FROM checklist_items WHERE pilot_id = ?1 ORDER BY position")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([pilot_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    fn item_at(&self, id: i64, revision: i64, show: impl Fn(&ChecklistItem) -> String) -> Result<ChecklistItem> {
        let sql = format!("{ITEM_SQL} WHERE c.id = ?1");
        let item = self
            .conn()
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([id], item_from_row).optional())
            .map_err(|e| self.err(e))?
            .ok_or_else(|| Error::not_found(format!("checklist item {id} no longer exists")))?;
        if item.revision != revision {
            return Err(Error::Conflict(Conflict {
                what: format!("checklist item \"{}\"", truncate(&sanitize(&item.text), 50)),
                current: show(&item),
                by: item.updated_by.clone(),
                at: item.updated_at.clone(),
            }));
        }
        Ok(item)
    }

    fn set_item_column(
        &mut self,
        item: &ChecklistItem,
        col: &str,
        value: &dyn ToSql,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Result<()> {
        // `col` is one of the fixed names passed below, never user input.
        let sql = format!(
            "UPDATE checklist_rows SET {col} = ?1, revision = revision + 1, updated_at = ?2, updated_by = ?3 WHERE id = ?4 AND revision = ?5"
        );
        self.conn()
            .prepare_cached(&sql)
            .and_then(|mut s| s.execute(params![value, self.now, self.actor, item.id, item.revision]))
            .map_err(|e| self.err(e))?;
        self.audit("item", item.id, Some(item.pilot_id), col, old, new)
    }

    /// An item's revision as it is now in this transaction (after edits
    /// that may or may not have changed it).
    pub fn item_revision(&self, id: i64) -> Result<i64> {
        self.conn()
            .cached_row("SELECT revision FROM checklist_items WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| Error::not_found(format!("checklist item {id} no longer exists")))
    }

    /// Set an item's state.
    pub fn set_item_state(&mut self, id: i64, revision: i64, state: ItemState) -> Result<()> {
        let item = self.item_at(id, revision, |i| i.state.label().to_string())?;
        if item.state == state {
            return Ok(());
        }
        crate::domain::items::state_change(&item.text, &item.note, state)?;
        self.set_item_column(&item, "state", &state.key(), Some(item.state.key()), Some(state.key()))
    }

    /// Set or clear an item's owner.
    pub fn set_item_owner(&mut self, id: i64, revision: i64, person_id: Option<i64>) -> Result<()> {
        let item = self.item_at(id, revision, |i| {
            format!("owner {}", i.owner.as_deref().unwrap_or("nobody"))
        })?;
        if item.owner_id == person_id {
            return Ok(());
        }
        let new_name: Option<String> = match person_id {
            Some(pid) => Some(
                self.conn()
                    .cached_row("SELECT name FROM people WHERE id = ?1", [pid], |r| r.get(0))
                    .optional()
                    .map_err(|e| self.err(e))?
                    .ok_or_else(|| Error::not_found(format!("person {pid} no longer exists")))?,
            ),
            None => None,
        };
        self.set_item_column(
            &item,
            "owner_id",
            &person_id,
            item.owner.as_deref(),
            new_name.as_deref(),
        )
    }

    /// Replace an item's note or evidence link.
    pub fn set_item_note(&mut self, id: i64, revision: i64, note: &str) -> Result<()> {
        let note = clean_text("note", note)?;
        let item = self.item_at(id, revision, |i| {
            format!("note \"{}\"", truncate(&sanitize(&i.note), 60))
        })?;
        if item.note == note {
            return Ok(());
        }
        crate::domain::items::note_change(&item.text, item.state, &note)?;
        self.set_item_column(&item, "note", &note, Some(&item.note), Some(&note))
    }

    /// Move an item's due day (1-90).
    pub fn set_item_due(&mut self, id: i64, revision: i64, due_day: i64) -> Result<()> {
        if !(1..=90).contains(&due_day) {
            return Err(Error::invalid(format!(
                "due day {due_day} is outside the programme: use a day from 1 to 90"
            )));
        }
        let item = self.item_at(id, revision, |i| format!("due day {}", i.due_day))?;
        if item.due_day == due_day {
            return Ok(());
        }
        self.set_item_column(
            &item,
            "due_day",
            &due_day,
            Some(&item.due_day.to_string()),
            Some(&due_day.to_string()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::PilotFields;
    use crate::playbook::Playbook;

    #[test]
    fn item_edits_are_revisioned_and_audited() {
        let mut s = Store::open_in_memory("scribe").unwrap();
        let pid = s
            .write(|tx| {
                tx.add_pilot(
                    &PilotFields {
                        name: "P".into(),
                        ..Default::default()
                    },
                    &Playbook::builtin().items(),
                )
            })
            .unwrap();
        let item = s.checklist(pid).unwrap()[0].clone();
        s.write(|tx| tx.set_item_state(item.id, item.revision, ItemState::Done))
            .unwrap();
        let after = s.item(item.id).unwrap();
        assert_eq!(after.state, ItemState::Done);
        assert_eq!(after.revision, item.revision + 1);
        assert_eq!(after.updated_by, "scribe");
        // A second terminal still holding the old revision is refused.
        let e = s
            .write(|tx| tx.set_item_note(item.id, item.revision, "evidence"))
            .unwrap_err();
        let Error::Conflict(c) = &e else { panic!("{e}") };
        assert_eq!(c.by, "scribe");
        assert!(c.current.contains("note"), "{}", c.current);
        s.write(|tx| tx.set_item_note(item.id, after.revision, "https://wiki/evidence\nsecond line"))
            .unwrap();
        let ev = s.audit_events(Some(pid), 5).unwrap();
        assert_eq!(ev[0].field, "note");
        assert_eq!(ev[1].field, "state");
        assert_eq!(ev[1].old_value.as_deref(), Some("todo"));
        assert!(s.write(|tx| tx.set_item_due(item.id, after.revision + 1, 91)).is_err());
    }
}
