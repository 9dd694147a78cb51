//! Pilots (the capability inventory) and their four owners.

use super::staging::LIVE_PILOT;
use super::Cached;
use super::{Store, Tx};
use crate::domain::model::{ItemState, Phase, Pilot, PilotFields, Sector, Status};
use crate::domain::names;
use crate::error::Conflict;
use crate::playbook::ItemTemplate;
use crate::text::{clean_text, name_key, validate_name};
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension, Row};

pub(crate) const PILOT_COLUMNS: &str = "id, name, business_unit, sector, business_case, data_sources, model_class, \
     integration_footprint, governance_posture, status, phase, revision, updated_at, updated_by, shortlisted";

pub(crate) fn vocab<T>(r: &Row, i: usize, parse: fn(&str) -> Result<T>) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    parse(&s).map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}

pub(crate) use self::vocab as parse_column;

pub(crate) fn pilot_from_row(r: &Row) -> rusqlite::Result<Pilot> {
    Ok(Pilot {
        id: r.get(0)?,
        name: r.get(1)?,
        business_unit: r.get(2)?,
        sector: Sector::new(&r.get::<_, String>(3)?),
        business_case: r.get(4)?,
        data_sources: r.get(5)?,
        model_class: r.get(6)?,
        integration_footprint: r.get(7)?,
        governance_posture: r.get(8)?,
        status: vocab(r, 9, Status::parse)?,
        phase: vocab(r, 10, Phase::parse)?,
        revision: r.get(11)?,
        updated_at: r.get(12)?,
        updated_by: r.get(13)?,
        shortlisted: r.get(14)?,
    })
}

/// The text columns of a pilot, as (column, value) pairs.
fn text_fields(f: &PilotFields) -> [(&'static str, &str); 6] {
    [
        ("business_unit", &f.business_unit),
        ("business_case", &f.business_case),
        ("data_sources", &f.data_sources),
        ("model_class", &f.model_class),
        ("integration_footprint", &f.integration_footprint),
        ("governance_posture", &f.governance_posture),
    ]
}

/// For a refused edit: the values now in the file of the fields the edit
/// would have changed, e.g. `business unit "Claims ops"`.
fn changed_fields_now(now: &Pilot, f: &PilotFields) -> String {
    use crate::text::{sanitize, truncate};
    let mut parts = Vec::new();
    if f.name.trim() != now.name {
        parts.push(format!("name \"{}\"", truncate(&sanitize(&now.name), 60)));
    }
    let current = [
        &now.business_unit,
        &now.business_case,
        &now.data_sources,
        &now.model_class,
        &now.integration_footprint,
        &now.governance_posture,
    ];
    for ((col, v), cur) in text_fields(f).into_iter().zip(current) {
        if clean_text(col, v).ok().as_deref() != Some(cur.as_str()) {
            parts.push(format!(
                "{} \"{}\"",
                col.replace('_', " "),
                truncate(&sanitize(cur), 60)
            ));
        }
    }
    if f.sector.as_ref().is_some_and(|s| *s != now.sector) {
        parts.push(format!("sector {}", now.sector.key()));
    }
    if f.status.is_some_and(|s| s != now.status) {
        parts.push(format!("status {}", now.status.label()));
    }
    if parts.is_empty() {
        format!("revision {}, already holding the values you entered", now.revision)
    } else {
        parts.join(", ")
    }
}

impl Store {
    /// The written reason a pilot is on the shortlist despite a red flag:
    /// the override recorded by the audit event that last put it on
    /// (`None`: it joined without one, or is not on it).
    pub fn shortlist_override(&self, pilot_id: i64) -> Result<Option<String>> {
        let last: Option<String> = self
            .conn()
            .cached_row(
                "SELECT new_value FROM audit_events
                 WHERE pilot_id = ?1 AND entity = 'pilot' AND entity_id = ?1 AND field = 'shortlisted'
                 ORDER BY id DESC LIMIT 1",
                [pilot_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .flatten();
        Ok(last.and_then(|v| {
            v.strip_prefix("yes (override: ")
                .and_then(|r| r.strip_suffix(')'))
                .map(str::to_string)
        }))
    }

    /// Every pilot, by name.
    pub fn pilots(&self) -> Result<Vec<Pilot>> {
        let sql = format!("SELECT {PILOT_COLUMNS} FROM pilots WHERE id {LIVE_PILOT} ORDER BY name COLLATE NOCASE");
        let mut stmt = self.conn().prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], pilot_from_row).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// One pilot by id.
    pub fn pilot(&self, id: i64) -> Result<Pilot> {
        let sql = format!("SELECT {PILOT_COLUMNS} FROM pilots WHERE id = ?1 AND id {LIVE_PILOT}");
        let found = self
            .conn()
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([id], pilot_from_row).optional())
            .map_err(|e| self.err(e))?;
        if found.is_none() {
            // Hidden until its import publishes it: nobody's to open yet.
            if let Some(h) = super::staging::staged_holder_of_id(self.conn(), id, None).map_err(|e| self.err(e))? {
                return Err(super::staging::being_added(id, &h));
            }
        }
        found.ok_or_else(|| {
            Error::not_found(format!(
                "pilot {id} no longer exists: it may have been removed in another terminal"
            ))
        })
    }

    /// `(id, name)` of every pilot, for name lookups.
    pub fn pilot_names(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!(
                "SELECT id, name FROM pilots WHERE id {LIVE_PILOT} ORDER BY name COLLATE NOCASE"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// A pilot by name or unique prefix (case-insensitive).
    pub fn find_pilot(&self, query: &str) -> Result<Pilot> {
        let exact: Option<Pilot> = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {PILOT_COLUMNS} FROM pilots WHERE name = ?1 AND id {LIVE_PILOT}"
            ))
            .and_then(|mut s| s.query_row([query.trim()], pilot_from_row).optional())
            .map_err(|e| self.err(e))?;
        if let Some(p) = exact {
            return Ok(p);
        }
        let all = self.pilot_names()?;
        let (id, _) = names::resolve("pilot", query, &all)?;
        self.pilot(*id)
    }
}

/// Every pilot's name by its [`name_key`], built once for a bulk load.
#[derive(Debug, Default)]
pub struct PilotNameKeys(std::collections::HashMap<String, String>);

/// The error for a pilot name already taken, naming the pilot that has it.
fn name_taken(existing: &str) -> Error {
    Error::invalid(format!(
        "a pilot named '{}' already exists (names are compared ignoring case and how accents are encoded): choose another name",
        crate::text::sanitize(existing)
    ))
}

/// Checklist rows per INSERT statement (8 values each, well under
/// SQLite's limit on bound parameters).
const ITEMS_PER_INSERT: usize = 64;

/// `INSERT INTO checklist_items … VALUES (…), (…)` for `n` rows; the same
/// text for the same `n`, so the statement cache keeps it.
fn checklist_insert_sql(n: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO checklist_rows (id, pilot_id, text_id, position, due_day, updated_at, updated_by, state) VALUES ",
    );
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?)");
    }
    sql
}

/// The `pilot_stats` row of a checklist as it is written: what
/// [`super::portfolio::REFRESH_STATS`] reads back from the rows, computed
/// from the values instead (reading them back was a seventh of an import).
/// New rows have no notes, so every gating item is unmet.
#[derive(Debug, PartialEq)]
struct NewStats<'a> {
    total: i64,
    done: i64,
    open_gates: i64,
    gates_unmet: String,
    open_due: String,
    /// The open item due first (by due day, then position): its id, due
    /// day and text.
    next: Option<(i64, i64, &'a str)>,
}

impl<'a> NewStats<'a> {
    fn of(first_item: i64, items: &'a [ItemTemplate], states: &[ItemState]) -> NewStats<'a> {
        let mut days = [b'0'; 90];
        let mut unmet = [0u32; 3];
        let (mut done, mut open_gates) = (0, 0);
        let mut next: Option<(i64, i64, &str)> = None;
        for (i, it) in items.iter().enumerate() {
            let state = states.get(i).copied().unwrap_or(ItemState::Todo);
            if state == ItemState::Done {
                done += 1;
            }
            if it.gate {
                unmet[it.phase.index()] += 1;
            }
            if state.is_open() {
                if it.gate {
                    open_gates += 1;
                }
                if let Some(slot) = usize::try_from(it.due_day - 1).ok().and_then(|d| days.get_mut(d)) {
                    *slot = slot.saturating_add(1);
                }
                // Items are in position order: the first of the earliest day.
                if next.is_none_or(|n| it.due_day < n.1) {
                    next = Some((first_item + i as i64, it.due_day, it.text.as_str()));
                }
            }
        }
        let char_of = |n: u32| char::from_u32(48 + n).unwrap_or('0');
        NewStats {
            total: items.len() as i64,
            done,
            open_gates,
            gates_unmet: unmet.iter().map(|n| char_of(*n)).collect(),
            open_due: days.iter().map(|&b| char::from(b)).collect(),
            next,
        }
    }
}

impl Tx<'_> {
    /// Add a pilot and instantiate its checklist from the playbook.
    pub fn add_pilot(&mut self, fields: &PilotFields, items: &[ItemTemplate]) -> Result<i64> {
        self.add_pilot_seeded(fields, items, &[])
    }

    /// Add a pilot whose checklist items start in the given states (one per
    /// item, in order; missing ones start as todo). Bulk loads use this; the
    /// creation's audit event records how many items started closed.
    pub fn add_pilot_seeded(
        &mut self,
        fields: &PilotFields,
        items: &[ItemTemplate],
        states: &[ItemState],
    ) -> Result<i64> {
        let name = validate_name("pilot", &fields.name)?;
        if let Some(existing) = self.pilot_named_like(&name, None)? {
            return Err(self.name_taken(&existing));
        }
        self.insert_pilot(name, fields, items, states)
    }

    /// [`Tx::add_pilot_seeded`] for bulk loads (import, demo): the name is
    /// checked against `names`, built once with [`Tx::pilot_name_keys`] in
    /// this transaction, instead of a scan of every pilot for each add.
    pub fn add_pilot_bulk(
        &mut self,
        fields: &PilotFields,
        items: &[ItemTemplate],
        states: &[ItemState],
        names: &mut PilotNameKeys,
    ) -> Result<i64> {
        let name = validate_name("pilot", &fields.name)?;
        let key = name_key(&name);
        if let Some(existing) = names.0.get(&key) {
            return Err(self.name_taken(existing));
        }
        let id = self.insert_pilot(name.clone(), fields, items, states)?;
        names.0.insert(key, name);
        Ok(id)
    }

    /// The error for a name already taken: by a pilot, or by one an import
    /// still in progress is adding (which nobody sees until it is done).
    fn name_taken(&self, existing: &str) -> Error {
        match self.staged_holder_of_pilot(&name_key(existing)) {
            Ok(Some(import)) => Error::invalid(format!(
                "'{}' is being added by {}, which is not finished yet: wait for it, or choose another name",
                crate::text::sanitize(existing),
                crate::text::sanitize(&import)
            )),
            _ => name_taken(existing),
        }
    }

    /// A name two pilots share by [`name_key`] (which only a staged import
    /// racing a concurrent add can leave), for the import's publish step.
    pub fn duplicate_pilot_name(&self) -> Result<Option<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT name FROM pilots")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| self.err(e))?;
        let mut seen = std::collections::HashSet::new();
        for n in rows {
            let n = n.map_err(|e| self.err(e))?;
            if !seen.insert(name_key(&n)) {
                return Ok(Some(n));
            }
        }
        Ok(None)
    }

    /// Every pilot's name by its [`name_key`], for [`Tx::add_pilot_bulk`].
    pub fn pilot_name_keys(&self) -> Result<PilotNameKeys> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT name FROM pilots")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| self.err(e))?;
        let mut keys = std::collections::HashMap::new();
        for n in rows {
            let n = n.map_err(|e| self.err(e))?;
            keys.insert(name_key(&n), n);
        }
        Ok(PilotNameKeys(keys))
    }

    /// The name of a pilot (other than `except`) whose name has the same
    /// [`name_key`] as `name`. A scan of every pilot: fine for one add or
    /// rename, not for a bulk load.
    fn pilot_named_like(&self, name: &str, except: Option<i64>) -> Result<Option<String>> {
        self.conn()
            .prepare_cached("SELECT name FROM pilots WHERE name_key(name) = ?1 AND id IS NOT ?2 LIMIT 1")
            .and_then(|mut s| s.query_row(params![name_key(name), except], |r| r.get(0)).optional())
            .map_err(|e| self.err(e))
    }

    fn insert_pilot(
        &mut self,
        name: String,
        fields: &PilotFields,
        items: &[ItemTemplate],
        states: &[ItemState],
    ) -> Result<i64> {
        let mut texts = Vec::with_capacity(6);
        for (col, v) in text_fields(fields) {
            texts.push(clean_text(&col.replace('_', " "), v)?);
        }
        let sector = fields
            .sector
            .clone()
            .unwrap_or_else(|| Sector::new(Sector::DEFAULT_KEY));
        let status = fields.status.unwrap_or(Status::Active);
        self.conn()
            .prepare_cached(
                "INSERT INTO pilots (name, business_unit, sector, business_case, data_sources, model_class,
                 integration_footprint, governance_posture, status, phase, created_at, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'assessment', ?10, ?10, ?11)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    name,
                    texts[0],
                    sector.key(),
                    texts[1],
                    texts[2],
                    texts[3],
                    texts[4],
                    texts[5],
                    status.key(),
                    self.now,
                    self.actor
                ])
            })
            .map_err(|e| self.err(e))?;
        let id = self.conn().last_insert_rowid();
        self.stage_pilot(id)?;
        // The items get the next ids, given explicitly, so the digest the
        // creation event carries is computed from the values written
        // (reading 40 rows back per pilot was an eighth of an import).
        let first_item: i64 = self
            .conn()
            .cached_row("SELECT coalesce(max(id), 0) + 1 FROM checklist_rows", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let text_ids = self.text_ids(items)?;
        // The whole checklist in one statement, a few dozen rows at a time:
        // each execution of an INSERT opens cursors on the table and its
        // indexes, which cost more than the rows themselves.
        for (chunk_no, chunk) in items.chunks(ITEMS_PER_INSERT).enumerate() {
            let sql = checklist_insert_sql(chunk.len());
            let mut stmt = self.conn().prepare_cached(&sql).map_err(|e| self.err(e))?;
            let mut args: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * 8);
            let base = chunk_no * ITEMS_PER_INSERT;
            let positions: Vec<i64> = (0..chunk.len()).map(|i| (base + i) as i64).collect();
            let ids: Vec<i64> = positions.iter().map(|p| first_item + p).collect();
            let states: Vec<&str> = (0..chunk.len())
                .map(|i| states.get(base + i).copied().unwrap_or(ItemState::Todo).key())
                .collect();
            for (i, it) in chunk.iter().enumerate() {
                args.extend_from_slice(&[
                    &ids[i] as &dyn rusqlite::ToSql,
                    &id,
                    &text_ids[base + i],
                    &positions[i],
                    &it.due_day,
                    &self.now,
                    &self.actor,
                    &states[i],
                ]);
            }
            stmt.execute(args.as_slice())
                .map_err(|e| super::map_sql(self.path, e))?;
        }
        let stats = NewStats::of(first_item, items, states);
        self.conn()
            .prepare_cached(
                "UPDATE pilot_stats SET items_total = ?2, items_done = ?3, open_gates = ?4, gates_unmet = ?5,
                     open_due = ?6, next_item_id = ?7, next_due_day = ?8, next_text = ?9
                 WHERE pilot_id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    id,
                    stats.total,
                    stats.done,
                    stats.open_gates,
                    stats.gates_unmet,
                    stats.open_due,
                    stats.next.map(|n| n.0),
                    stats.next.map(|n| n.1),
                    stats.next.map(|n| n.2),
                ])
            })
            .map_err(|e| self.err(e))?;
        let closed = states.iter().take(items.len()).filter(|s| !s.is_open()).count();
        let summary = if closed > 0 {
            format!(
                "{name} ({}, {} checklist items, {closed} already closed)",
                sector.key(),
                items.len()
            )
        } else {
            format!("{name} ({}, {} checklist items)", sector.key(), items.len())
        };
        let checklist = super::state::planned_checklist_digest(id, first_item, items, states);
        self.audit_pilot_created(id, &summary, items.len(), &checklist)?;
        Ok(id)
    }

    /// The `checklist_texts` id of each item's wording, added where new
    /// (once per transaction for the playbook's checklist).
    pub(crate) fn text_ids(&mut self, items: &[ItemTemplate]) -> Result<Vec<i64>> {
        if let Some((cached, ids)) = &self.text_ids {
            if cached.as_slice() == items {
                return Ok(ids.clone());
            }
        }
        let mut ids = Vec::with_capacity(items.len());
        for it in items {
            self.conn()
                .cached_exec(
                    "INSERT OR IGNORE INTO checklist_texts (item_key, phase, section, text, gate) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![it.key, it.phase.key(), it.section, it.text, it.gate],
                )
                .map_err(|e| self.err(e))?;
            let id: i64 = self
                .conn()
                .cached_row(
                    "SELECT id FROM checklist_texts WHERE item_key = ?1 AND phase = ?2 AND section = ?3 AND text = ?4 AND gate = ?5",
                    params![it.key, it.phase.key(), it.section, it.text, it.gate],
                    |r| r.get(0),
                )
                .map_err(|e| self.err(e))?;
            ids.push(id);
        }
        self.text_ids = Some((items.to_vec(), ids.clone()));
        Ok(ids)
    }

    /// The pilot, if it is still at `revision`; otherwise a conflict whose
    /// `current` is `show(pilot as it is now)`.
    fn pilot_at(&self, id: i64, revision: i64, show: impl Fn(&Pilot) -> String) -> Result<Pilot> {
        let sql = format!("SELECT {PILOT_COLUMNS} FROM pilots WHERE id = ?1");
        let p = self
            .conn()
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([id], pilot_from_row).optional())
            .map_err(|e| self.err(e))?
            .ok_or_else(|| Error::not_found(format!("pilot {id} no longer exists")))?;
        if p.revision != revision {
            return Err(Error::Conflict(Conflict {
                what: format!("pilot '{}'", crate::text::sanitize(&p.name)),
                current: show(&p),
                by: p.updated_by.clone(),
                at: p.updated_at.clone(),
            }));
        }
        Ok(p)
    }

    fn bump_pilot(&self, id: i64, revision: i64) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE pilots SET revision = revision + 1, updated_at = ?2, updated_by = ?3 WHERE id = ?1 AND revision = ?4")
            .and_then(|mut s| s.execute(params![id, self.now, self.actor, revision]))
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Edit a pilot's inventory fields, against the revision the user saw.
    pub fn update_pilot(&mut self, id: i64, revision: i64, f: &PilotFields) -> Result<()> {
        let old = self.pilot_at(id, revision, |p| changed_fields_now(p, f))?;
        let name = validate_name("pilot", &f.name)?;
        if name != old.name {
            if let Some(existing) = self.pilot_named_like(&name, Some(id))? {
                return Err(self.name_taken(&existing));
            }
        }
        let mut changes: Vec<(&str, String, String)> = Vec::new();
        if name != old.name {
            changes.push(("name", old.name.clone(), name));
        }
        let olds = [
            &old.business_unit,
            &old.business_case,
            &old.data_sources,
            &old.model_class,
            &old.integration_footprint,
            &old.governance_posture,
        ];
        for ((col, v), o) in text_fields(f).into_iter().zip(olds) {
            let v = clean_text(&col.replace('_', " "), v)?;
            if &v != o {
                changes.push((col, o.clone(), v));
            }
        }
        if let Some(s) = f.sector.as_ref().filter(|s| **s != old.sector) {
            changes.push(("sector", old.sector.key().into(), s.key().into()));
        }
        if let Some(s) = f.status.filter(|s| *s != old.status) {
            changes.push(("status", old.status.key().into(), s.key().into()));
        }
        for (col, o, n) in &changes {
            // Column names come from the fixed list above, never from input.
            self.conn()
                .execute(&format!("UPDATE pilots SET {col} = ?1 WHERE id = ?2"), params![n, id])
                .map_err(|e| self.err(e))?;
            self.audit("pilot", id, Some(id), col, Some(o), Some(n))?;
        }
        if !changes.is_empty() {
            self.bump_pilot(id, revision)?;
        }
        Ok(())
    }

    /// Put a pilot on the programme's shortlist or take it off. The
    /// shortlist holds at most `gating.shortlist_size` pilots in play in
    /// Assessment (a pilot that moves on, stops or goes live frees its seat).
    ///
    /// A pilot with a red flag in problem selection joins only with
    /// `reason` ([`crate::domain::candidates::shortlist_reason`]), recorded
    /// in the audit event.
    pub fn set_shortlisted(
        &mut self,
        pb: &crate::playbook::Playbook,
        id: i64,
        revision: i64,
        on: bool,
        reason: Option<&str>,
    ) -> Result<()> {
        let old = self.pilot_at(id, revision, |p| {
            if p.shortlisted {
                "on the shortlist".into()
            } else {
                "not on the shortlist".into()
            }
        })?;
        if old.shortlisted == on {
            return Ok(());
        }
        let mut recorded = None;
        if on {
            let mut stmt = self
                .conn()
                .prepare_cached("SELECT phase, status FROM pilots WHERE shortlisted = 1")
                .map_err(|e| self.err(e))?;
            let mut taken = 0;
            for r in stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(|e| self.err(e))?
            {
                let (phase, status) = r.map_err(|e| self.err(e))?;
                if let (Ok(ph), Ok(st)) = (Phase::parse(&phase), Status::parse(&status)) {
                    taken += usize::from(crate::domain::candidates::takes_seat(ph, st));
                }
            }
            drop(stmt);
            crate::domain::candidates::seat_free(taken, pb.gating.shortlist_size)?;
            let mut selection = [None; 5];
            let mut stmt = self
                .conn()
                .prepare_cached(
                    "SELECT question, answer FROM scores WHERE id IN
                     (SELECT MAX(id) FROM scores WHERE pilot_id = ?1 AND rubric = 'selection' GROUP BY question)",
                )
                .map_err(|e| self.err(e))?;
            let answers = stmt
                .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(|e| self.err(e))?;
            for a in answers {
                let (q, v) = a.map_err(|e| self.err(e))?;
                if let Some(i) = crate::playbook::SELECTION_QUESTIONS.iter().position(|k| *k == q) {
                    selection[i] = v.parse::<u8>().ok();
                }
            }
            recorded = crate::domain::candidates::shortlist_reason(&selection, reason).map_err(|e| {
                Error::invalid(format!(
                    "'{}' cannot join the shortlist: {e}",
                    crate::text::sanitize(&old.name)
                ))
            })?;
        }
        self.conn()
            .cached_exec("UPDATE pilots SET shortlisted = ?1 WHERE id = ?2", params![on, id])
            .map_err(|e| self.err(e))?;
        self.bump_pilot(id, revision)?;
        let yn = |b: bool| if b { "yes" } else { "no" };
        let new = match (on, &recorded) {
            (true, Some(r)) => format!("yes (override: {r})"),
            _ => yn(on).to_string(),
        };
        self.audit(
            "pilot",
            id,
            Some(id),
            "shortlisted",
            Some(yn(old.shortlisted)),
            Some(&new),
        )
    }

    /// Move a pilot to another phase.
    pub fn set_phase(&mut self, id: i64, revision: i64, phase: Phase) -> Result<()> {
        let old = self.pilot_at(id, revision, |p| format!("phase {}", p.phase.label()))?;
        if old.phase == phase {
            return Ok(());
        }
        self.conn()
            .cached_exec("UPDATE pilots SET phase = ?1 WHERE id = ?2", params![phase.key(), id])
            .map_err(|e| self.err(e))?;
        self.bump_pilot(id, revision)?;
        self.audit("pilot", id, Some(id), "phase", Some(old.phase.key()), Some(phase.key()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::Playbook;

    /// A pilot's `pilot_stats` row, every column.
    fn stats_row(s: &Store, id: i64) -> Vec<Option<String>> {
        s.conn()
            .query_row(
                "SELECT items_total, items_done, open_gates, gates_unmet, open_due, next_item_id, next_due_day, next_text
                 FROM pilot_stats WHERE pilot_id = ?1",
                [id],
                |r| {
                    (0..8)
                        .map(|i| Ok(r.get_ref(i)?.as_str().map(str::to_string).ok().or_else(|| {
                            r.get::<_, Option<i64>>(i).ok().flatten().map(|n| n.to_string())
                        })))
                        .collect()
                },
            )
            .unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// The stats a new checklist is written with are the ones the SQL
        /// that reads them back from its rows computes, whatever its states.
        #[test]
        fn new_checklist_stats_equal_what_the_rows_give(
            states in proptest::collection::vec(0usize..5, 0..40),
            days in proptest::collection::vec(1i64..=12, 40),
            second in proptest::bool::ANY,
        ) {
            let all = [ItemState::Todo, ItemState::Doing, ItemState::Done, ItemState::Na, ItemState::Blocked];
            let states: Vec<ItemState> = states.into_iter().map(|i| all[i]).collect();
            let mut s = Store::open_in_memory("lead").unwrap();
            // Due days out of order and shared, so ties are broken by position.
            let mut items = Playbook::builtin().items();
            for (it, d) in items.iter_mut().zip(days) {
                it.due_day = d;
            }
            let id = s
                .write(|tx| {
                    let mut names = tx.pilot_name_keys()?;
                    if second {
                        // Item ids that do not start at 1.
                        tx.add_pilot_bulk(&PilotFields { name: "First".into(), ..Default::default() }, &items, &[], &mut names)?;
                    }
                    tx.add_pilot_bulk(&PilotFields { name: "Checked".into(), ..Default::default() }, &items, &states, &mut names)
                })
                .unwrap();
            let written = stats_row(&s, id);
            s.conn().execute(super::super::portfolio::REFRESH_STATS, [id]).unwrap();
            proptest::prop_assert_eq!(written, stats_row(&s, id));
        }
    }

    fn store_with_pilot() -> (Store, i64) {
        let mut s = Store::open_in_memory("lead").unwrap();
        let items = Playbook::builtin().items();
        let id = s
            .write(|tx| {
                tx.add_pilot(
                    &PilotFields {
                        name: "Fraud scoring".into(),
                        sector: Some(Sector::new("financial")),
                        ..Default::default()
                    },
                    &items,
                )
            })
            .unwrap();
        (s, id)
    }

    #[test]
    fn add_pilot_instantiates_checklist_and_audits() {
        let (s, id) = store_with_pilot();
        let n: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM checklist_items WHERE pilot_id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n as usize, Playbook::builtin().items().len());
        let ev = s.audit_events(Some(id), 10).unwrap();
        assert_eq!(ev[0].field, "created");
        assert_eq!(ev[0].actor, "lead");
        assert_eq!(s.find_pilot("fraud").unwrap().id, id);
    }

    #[test]
    fn duplicate_names_are_refused_case_insensitively() {
        let (mut s, _) = store_with_pilot();
        let e = s
            .write(|tx| {
                tx.add_pilot(
                    &PilotFields {
                        name: "FRAUD SCORING".into(),
                        ..Default::default()
                    },
                    &[],
                )
            })
            .unwrap_err();
        assert!(e.to_string().contains("already exists"));
    }

    /// Adds, renames and bulk adds all compare names by `name_key`: case
    /// in full Unicode, accents however they are encoded.
    #[test]
    fn names_clash_ignoring_case_and_accent_encoding_on_every_way_in() {
        let mut s = Store::open_in_memory("lead").unwrap();
        let named = |n: &str| PilotFields {
            name: n.into(),
            ..Default::default()
        };
        let a = s.write(|tx| tx.add_pilot(&named("\u{c4}rzte Copilot"), &[])).unwrap();
        let b = s.write(|tx| tx.add_pilot(&named("Claims"), &[])).unwrap();
        let e = s
            .write(|tx| tx.add_pilot(&named("a\u{308}RZTE copilot"), &[]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "a pilot named '\u{c4}rzte Copilot' already exists (names are compared ignoring case and how accents are encoded): choose another name"
        );
        // A rename onto another pilot's name clashes; onto its own, in
        // another case, does not.
        let e = s
            .write(|tx| tx.update_pilot(b, 1, &named("\u{e4}rzte copilot")))
            .unwrap_err();
        assert!(e.to_string().contains("'\u{c4}rzte Copilot' already exists"), "{e}");
        s.write(|tx| tx.update_pilot(a, 1, &named("A\u{308}rzte copilot")))
            .unwrap();
        assert_eq!(s.pilot(a).unwrap().name, "\u{c4}rzte copilot");
        // Bulk adds check against the keys built once, and keep them up to date.
        let e = s
            .write(|tx| {
                let mut keys = tx.pilot_name_keys()?;
                tx.add_pilot_bulk(&named("New one"), &[], &[], &mut keys)?;
                tx.add_pilot_bulk(&named("NEW ONE"), &[], &[], &mut keys)
            })
            .unwrap_err();
        assert!(e.to_string().contains("'New one' already exists"), "{e}");
        let e = s
            .write(|tx| {
                let mut keys = tx.pilot_name_keys()?;
                tx.add_pilot_bulk(&named("CLAIMS"), &[], &[], &mut keys)
            })
            .unwrap_err();
        assert!(e.to_string().contains("'Claims' already exists"), "{e}");
        assert_eq!(s.pilot_names().unwrap().len(), 2, "nothing was added");
        assert_eq!(s.find_pilot("A\u{308}RZTE").unwrap().id, a);
    }

    #[test]
    fn stale_revision_is_a_conflict() {
        let (mut s, id) = store_with_pilot();
        s.write(|tx| tx.set_phase(id, 1, Phase::Scaffolding)).unwrap();
        let e = s.write(|tx| tx.set_phase(id, 1, Phase::Hardening)).unwrap_err();
        assert!(matches!(e, Error::Conflict(_)), "{e}");
        assert!(e.to_string().contains("lead"));
        assert_eq!(s.pilot(id).unwrap().phase, Phase::Scaffolding);
        assert_eq!(s.pilot(id).unwrap().revision, 2);
    }

    #[test]
    fn update_records_each_changed_field() {
        let (mut s, id) = store_with_pilot();
        let mut f = PilotFields {
            name: "Fraud scoring".into(),
            business_unit: "Payments".into(),
            ..Default::default()
        };
        f.status = Some(Status::Paused);
        s.write(|tx| tx.update_pilot(id, 1, &f)).unwrap();
        let ev = s.audit_events(Some(id), 10).unwrap();
        let fields: Vec<&str> = ev.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&"business_unit") && fields.contains(&"status"),
            "{fields:?}"
        );
        assert_eq!(s.pilot(id).unwrap().revision, 2);
    }
}
