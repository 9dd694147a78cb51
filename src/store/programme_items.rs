//! The programme checklist: the playbook's items with `scope =
//! "programme"`, done once for the whole portfolio rather than once per
//! pilot. Each row is created from the playbook (by `playbook sync`, the
//! demo, or when the first pilot is added) and changed like a pilot's
//! item, against its revision. Every event on a row (entity
//! `programme-item`) carries a digest of the whole row as the event left
//! it, so `verify` can tell a row changed behind lastmile's back.

use super::audit::chain_hash;
use super::pilots::parse_column;
use super::Cached;
use super::{Store, Tx};
use crate::domain::model::{ItemState, Phase, ProgrammeItem};
use crate::error::Conflict;
use crate::playbook::ItemTemplate;
use crate::text::{clean_text, sanitize, truncate};
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension, Row};

/// The audit entity of a programme item.
pub(crate) const ENTITY: &str = "programme-item";

const SQL: &str = "SELECT i.id, i.item_key, i.phase, i.section, i.position, i.text, i.state, i.owner_id,
        p.name, i.due_day, i.note, i.revision, i.updated_at, i.updated_by
    FROM programme_items i LEFT JOIN people p ON p.id = i.owner_id";

fn from_row(r: &Row) -> rusqlite::Result<ProgrammeItem> {
    Ok(ProgrammeItem {
        id: r.get(0)?,
        item_key: r.get(1)?,
        phase: parse_column(r, 2, Phase::parse)?,
        section: r.get(3)?,
        position: r.get(4)?,
        text: r.get(5)?,
        state: parse_column(r, 6, ItemState::parse)?,
        owner_id: r.get(7)?,
        owner: r.get(8)?,
        due_day: r.get(9)?,
        note: r.get(10)?,
        revision: r.get(11)?,
        updated_at: r.get(12)?,
        updated_by: r.get(13)?,
    })
}

/// What the audit trail pins of a programme item: everything but its
/// revision and who changed it last (the events say that).
pub(crate) fn programme_item_digest(i: &ProgrammeItem) -> String {
    let owner = i.owner_id.map(|o| o.to_string());
    chain_hash(
        ENTITY,
        &[
            Some(&i.item_key),
            Some(i.phase.key()),
            Some(&i.section),
            Some(&i.position.to_string()),
            Some(&i.text),
            Some(i.state.key()),
            owner.as_deref(),
            Some(&i.due_day.to_string()),
            Some(&i.note),
        ],
    )
}

pub(crate) fn read_all(c: &rusqlite::Connection) -> rusqlite::Result<Vec<ProgrammeItem>> {
    let mut stmt = c.prepare_cached(&format!("{SQL} ORDER BY i.position, i.id"))?;
    let rows = stmt.query_map([], from_row)?;
    rows.collect()
}

impl Store {
    /// The programme checklist, in playbook order.
    pub fn programme_items(&self) -> Result<Vec<ProgrammeItem>> {
        read_all(self.conn()).map_err(|e| self.err(e))
    }
}

impl Tx<'_> {
    /// The programme checklist as this transaction sees it.
    pub fn programme_items(&self) -> Result<Vec<ProgrammeItem>> {
        read_all(self.conn()).map_err(|e| self.err(e))
    }

    fn programme_item(&self, id: i64) -> Result<ProgrammeItem> {
        self.conn()
            .prepare_cached(&format!("{SQL} WHERE i.id = ?1"))
            .and_then(|mut s| s.query_row([id], from_row).optional())
            .map_err(|e| self.err(e))?
            .ok_or_else(|| Error::not_found(format!("programme item {id} no longer exists")))
    }

    /// Add the programme items the file lacks (by key), due on the
    /// playbook's day, after the ones it has. A new item starts as the
    /// copies pilots carry of it (files from before the programme
    /// checklist) say: done when every copy is closed and one is done,
    /// doing when some are done and some open, else to do; the note says
    /// so. Returns the keys added.
    pub fn ensure_programme_items(&mut self, templates: &[ItemTemplate]) -> Result<Vec<String>> {
        let have: std::collections::HashSet<String> = self.programme_items()?.into_iter().map(|i| i.item_key).collect();
        let first: i64 = self
            .conn()
            .cached_row("SELECT coalesce(max(position), -1) + 1 FROM programme_items", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.err(e))?;
        let mut added = Vec::new();
        for (n, t) in templates.iter().filter(|t| !have.contains(&t.key)).enumerate() {
            let next = first + n as i64;
            self.conn()
                .cached_exec(
                    "INSERT INTO programme_items (item_key, phase, section, text, position, due_day, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![t.key, t.phase.key(), t.section, t.text, next, t.due_day, self.now, self.actor],
                )
                .map_err(|e| self.err(e))?;
            let id = self.conn().last_insert_rowid();
            let row = self.programme_item(id)?;
            self.audit_with_digest(
                ENTITY,
                id,
                None,
                "created",
                None,
                Some(&row.text),
                Some(&programme_item_digest(&row)),
            )?;
            self.carry_over(&row)?;
            added.push(t.key.clone());
        }
        Ok(added)
    }

    /// Start a new programme item as the pilots' copies of it stand.
    fn carry_over(&mut self, item: &ProgrammeItem) -> Result<()> {
        let (done, closed, all): (i64, i64, i64) = self
            .conn()
            .cached_row(
                "SELECT count(*) FILTER (WHERE r.state = 'done'), count(*) FILTER (WHERE r.state IN ('done', 'na')), count(*)
                 FROM checklist_rows r JOIN checklist_texts t ON t.id = r.text_id WHERE t.item_key = ?1",
                [&item.item_key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| self.err(e))?;
        if done == 0 {
            return Ok(());
        }
        let (state, note) = if closed == all {
            (
                ItemState::Done,
                format!("Done on {done} of {all} pilots' checklists before the programme checklist existed"),
            )
        } else {
            (
                ItemState::Doing,
                format!(
                    "Done on {done} of {all} pilots' checklists before the programme checklist existed; {} still open there",
                    all - closed
                ),
            )
        };
        self.set_programme_item_note(item.id, item.revision, &note)?;
        self.set_programme_item_state(item.id, item.revision + 1, state)
    }

    /// The row, if it is still at the revision the user saw.
    fn programme_item_at(
        &self,
        id: i64,
        revision: i64,
        show: impl Fn(&ProgrammeItem) -> String,
    ) -> Result<ProgrammeItem> {
        let item = self.programme_item(id)?;
        if item.revision != revision {
            return Err(Error::Conflict(Conflict {
                what: format!("programme item \"{}\"", truncate(&sanitize(&item.text), 50)),
                current: show(&item),
                by: item.updated_by.clone(),
                at: item.updated_at.clone(),
            }));
        }
        Ok(item)
    }

    /// One column of a programme item, audited with the row's new digest.
    fn set_programme_column(
        &mut self,
        item: &ProgrammeItem,
        col: &str,
        value: &dyn rusqlite::ToSql,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Result<()> {
        // `col` is one of the fixed names passed below, never user input.
        let sql = format!(
            "UPDATE programme_items SET {col} = ?1, revision = revision + 1, updated_at = ?2, updated_by = ?3 WHERE id = ?4"
        );
        self.conn()
            .execute(&sql, params![value, self.now, self.actor, item.id])
            .map_err(|e| self.err(e))?;
        let now = self.programme_item(item.id)?;
        self.audit_with_digest(ENTITY, item.id, None, col, old, new, Some(&programme_item_digest(&now)))
    }

    /// Set a programme item's state. "Not applicable" needs its reason in
    /// the note first, as on a pilot's checklist.
    pub fn set_programme_item_state(&mut self, id: i64, revision: i64, state: ItemState) -> Result<()> {
        let item = self.programme_item_at(id, revision, |i| i.state.label().to_string())?;
        if item.state == state {
            return Ok(());
        }
        crate::domain::items::state_change(&item.text, &item.note, state)?;
        self.set_programme_column(&item, "state", &state.key(), Some(item.state.key()), Some(state.key()))
    }

    /// Set a programme item's note or evidence.
    pub fn set_programme_item_note(&mut self, id: i64, revision: i64, note: &str) -> Result<()> {
        let note = clean_text("note", note)?;
        let item = self.programme_item_at(id, revision, |i| {
            format!("note \"{}\"", truncate(&sanitize(&i.note), 60))
        })?;
        if item.note == note {
            return Ok(());
        }
        crate::domain::items::note_change(&item.text, item.state, &note)?;
        self.set_programme_column(&item, "note", &note, Some(&item.note), Some(&note))
    }

    /// Name (or clear) who does a programme item.
    pub fn set_programme_item_owner(&mut self, id: i64, revision: i64, owner: Option<i64>) -> Result<()> {
        let item = self.programme_item_at(id, revision, |i| {
            format!("owner {}", i.owner.clone().unwrap_or_else(|| "nobody".into()))
        })?;
        if item.owner_id == owner {
            return Ok(());
        }
        let new_name: Option<String> = match owner {
            Some(p) => Some(
                self.conn()
                    .cached_row("SELECT name FROM people WHERE id = ?1", [p], |r| r.get(0))
                    .optional()
                    .map_err(|e| self.err(e))?
                    .ok_or_else(|| Error::not_found(format!("person {p} no longer exists")))?,
            ),
            None => None,
        };
        self.set_programme_column(&item, "owner_id", &owner, item.owner.as_deref(), new_name.as_deref())
    }
}
