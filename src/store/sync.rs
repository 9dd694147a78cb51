//! `playbook sync`: the store's half. Reading every pilot's item keys for
//! the plan ([`crate::domain::sync::plan`]), and adding the planned items
//! in one transaction, one audit event per pilot whose digest pins the
//! checklist as it is after the sync (so `verify` knows the new items were
//! added by lastmile).

use super::pilots::parse_column;
use super::Cached;
use super::{Store, Tx};
use crate::domain::model::{Phase, Status};
use crate::domain::sync::{FileChecklists, PilotChecklist, SyncPlan};
use crate::playbook::ItemTemplate;
use crate::Result;
use rusqlite::params;

/// Every pilot's checklist keys and texts, in pilot order.
fn read_checklists(c: &rusqlite::Connection) -> rusqlite::Result<FileChecklists> {
    let mut open: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut stmt = c.prepare(
        "SELECT p.id, p.name, p.status, t.item_key, t.text, p.phase, r.state IN ('todo', 'doing', 'blocked')
         FROM pilots p
         LEFT JOIN checklist_rows r ON r.pilot_id = p.id
         LEFT JOIN checklist_texts t ON t.id = r.text_id
         WHERE p.id NOT IN (SELECT pilot_id FROM staged_pilots)
         ORDER BY p.id, r.position",
    )?;
    let mut rows = stmt.query([])?;
    let mut out: Vec<PilotChecklist> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if out.last().is_none_or(|p| p.pilot_id != id) {
            out.push(PilotChecklist {
                pilot_id: id,
                name: r.get(1)?,
                status: parse_column(r, 2, Status::parse)?,
                phase: parse_column(r, 5, Phase::parse)?,
                items: Vec::new(),
            });
        }
        let key: Option<String> = r.get(3)?;
        let text: Option<String> = r.get(4)?;
        if let (Some(k), Some(t), Some(p)) = (key, text, out.last_mut()) {
            if r.get::<_, Option<bool>>(6)? == Some(true) {
                *open.entry(k.clone()).or_default() += 1;
            }
            p.items.push((k, t));
        }
    }
    Ok(FileChecklists {
        pilots: out,
        programme: programme_keys(c)?,
        open,
    })
}

/// [`Store::checklists_for_sync`] on a connection of its own (the
/// workbench asks from another thread so its first frame never waits).
pub fn checklists_at(path: &std::path::Path) -> Result<FileChecklists> {
    let e = |e: rusqlite::Error| super::map_sql(path, e);
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(e)?;
    c.busy_timeout(std::time::Duration::from_secs(5)).map_err(e)?;
    read_checklists(&c).map_err(e)
}

/// The keys on the file's programme checklist.
fn programme_keys(c: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = c.prepare("SELECT item_key FROM programme_items ORDER BY position")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

impl Store {
    /// Every pilot's checklist keys and texts, in pilot order, and the
    /// programme checklist's keys.
    pub fn checklists_for_sync(&self) -> Result<FileChecklists> {
        read_checklists(self.conn()).map_err(|e| self.err(e))
    }
}

impl Tx<'_> {
    /// [`Store::checklists_for_sync`], inside the transaction that applies
    /// the plan (so it is made from what the sync will change).
    pub fn checklists_for_sync(&self) -> Result<FileChecklists> {
        read_checklists(self.conn()).map_err(|e| self.err(e))
    }

    /// Add the planned items to each pilot, to do, due on the playbook's
    /// day, in their playbook place: the pilot's items are renumbered in
    /// playbook order (items the playbook no longer has keep their place
    /// after the item before them). Returns how many were added.
    pub fn apply_sync(&mut self, items: &[ItemTemplate], plan: &SyncPlan) -> Result<usize> {
        let text_ids = self.text_ids(items)?;
        let order: std::collections::HashMap<&str, usize> =
            items.iter().enumerate().map(|(i, t)| (t.key.as_str(), i)).collect();
        let mut added = 0;
        for a in &plan.additions {
            let next: i64 = self
                .conn()
                .cached_row(
                    "SELECT coalesce(max(position), -1) + 1 FROM checklist_rows WHERE pilot_id = ?1",
                    [a.pilot_id],
                    |r| r.get(0),
                )
                .map_err(|e| self.err(e))?;
            for (n, i) in a.items.iter().enumerate() {
                let t = &items[*i];
                self.conn()
                    .cached_exec(
                        "INSERT INTO checklist_rows (pilot_id, text_id, position, due_day, updated_at, updated_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            a.pilot_id,
                            text_ids[*i],
                            next + n as i64,
                            t.due_day,
                            self.now,
                            self.actor
                        ],
                    )
                    .map_err(|e| self.err(e))?;
            }
            // Playbook order: each row sorts by its item's place in the
            // playbook; a retired item by the place of the item before it.
            let rows: Vec<(i64, String)> = {
                let mut stmt = self
                    .conn()
                    .prepare_cached(
                        "SELECT r.id, t.item_key FROM checklist_rows r JOIN checklist_texts t ON t.id = r.text_id
                         WHERE r.pilot_id = ?1 ORDER BY r.position",
                    )
                    .map_err(|e| self.err(e))?;
                let got = stmt
                    .query_map([a.pilot_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                    .map_err(|e| self.err(e))?;
                got
            };
            let mut keyed = Vec::with_capacity(rows.len());
            let mut last = 0usize;
            for (n, (id, key)) in rows.iter().enumerate() {
                if let Some(i) = order.get(key.as_str()) {
                    last = *i;
                }
                keyed.push((last, n, *id));
            }
            keyed.sort();
            // Two steps, as positions are unique per pilot.
            for (pos, (_, _, id)) in keyed.iter().enumerate() {
                self.conn()
                    .cached_exec(
                        "UPDATE checklist_rows SET position = ?1 WHERE id = ?2",
                        params![-(pos as i64) - 1, id],
                    )
                    .map_err(|e| self.err(e))?;
            }
            self.conn()
                .cached_exec(
                    "UPDATE checklist_rows SET position = -position - 1 WHERE pilot_id = ?1",
                    [a.pilot_id],
                )
                .map_err(|e| self.err(e))?;
            self.conn()
                .cached_exec(super::portfolio::REFRESH_STATS, [a.pilot_id])
                .map_err(|e| self.err(e))?;
            let texts: Vec<String> = a.items.iter().map(|i| format!("\"{}\"", items[*i].text)).collect();
            let summary = format!(
                "{} item{} added from the playbook: {}",
                a.items.len(),
                if a.items.len() == 1 { "" } else { "s" },
                texts.join(", ")
            );
            self.audit_checklist_synced(a.pilot_id, &summary)?;
            added += a.items.len();
        }
        Ok(added)
    }

    /// The programme half of a sync: add the programme items the file
    /// lacks, and close the pilots' open copies of programme items as not
    /// applicable, with a note saying where the work went (each change
    /// audited as any item change). Returns (items added, copies closed).
    pub fn apply_programme_sync(&mut self, programme: &[ItemTemplate], plan: &SyncPlan) -> Result<(usize, usize)> {
        let added = self.ensure_programme_items(programme)?;
        let added = added.len();
        let mut closed = 0;
        for m in &plan.moved {
            let open: Vec<(i64, i64, String)> = {
                let mut stmt = self
                    .conn()
                    .prepare_cached(
                        "SELECT r.id, r.revision, r.note FROM checklist_rows r JOIN checklist_texts t ON t.id = r.text_id
                         WHERE t.item_key = ?1 AND r.state IN ('todo', 'doing', 'blocked') ORDER BY r.id",
                    )
                    .map_err(|e| self.err(e))?;
                let got = stmt
                    .query_map([&m.key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                    .map_err(|e| self.err(e))?;
                got
            };
            for (id, rev, note) in open {
                // A note already there stays as it was (it can be long):
                // it serves as the reason; an empty one says where the
                // work went.
                let rev = if note.trim().is_empty() {
                    self.set_item_note(
                        id,
                        rev,
                        "Moved to the programme checklist: done once for the whole portfolio",
                    )?;
                    self.item_revision(id)?
                } else {
                    rev
                };
                self.set_item_state(id, rev, crate::domain::model::ItemState::Na)?;
                closed += 1;
            }
        }
        Ok((added, closed))
    }
}
