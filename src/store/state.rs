//! What the audit trail says every table holds, and the check that the file
//! still holds it.
//!
//! Since schema 3 the event that creates a row (a pilot, its checklist, a
//! person, a score, a metric, a notice, the programme) carries a digest of
//! the row's whole content, and every later change is an event with the
//! old and the new value. So the current state of each row is pinned by
//! the hash chain: [`check_state`] undoes a row's later changes, one by
//! one, checking that each field still holds the value its last change set,
//! and compares what is left with the digest recorded when it was created.
//! A file upgraded from schema 2 gets one baseline event per row at the
//! upgrade ([`write_baseline`]). The derived summary rows (`pilot_stats`)
//! are recomputed from the rows they summarise.

use super::audit::{append_event, audit_head, chain_hash, FieldHasher, NewEvent};
use super::Store;
use crate::Result;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use std::collections::{HashMap, HashSet};

/// A table whose rows the audit trail pins.
struct Table {
    /// The audit events' `entity`.
    entity: &'static str,
    table: &'static str,
    key: &'static str,
    /// The columns that make up the row's content, in digest order.
    cols: &'static [&'static str],
    /// The column naming the pilot concerned, if any.
    pilot_col: Option<&'static str>,
    /// How a problem names the row ("pilot 12 ('Claims triage')").
    noun: &'static str,
    /// The column a problem quotes to name the row.
    label_col: Option<&'static str>,
}

const PILOT: Table = Table {
    entity: "pilot",
    table: "pilots",
    key: "id",
    cols: &[
        "name",
        "sector",
        "business_unit",
        "business_case",
        "data_sources",
        "model_class",
        "integration_footprint",
        "governance_posture",
        "status",
        "phase",
        "shortlisted",
    ],
    pilot_col: Some("id"),
    noun: "pilot",
    label_col: Some("name"),
};

const ITEM: Table = Table {
    entity: "item",
    table: "checklist_items",
    key: "id",
    cols: &[
        "pilot_id", "item_key", "phase", "section", "position", "text", "gate", "state", "owner_id", "due_day", "note",
    ],
    pilot_col: Some("pilot_id"),
    noun: "checklist item",
    label_col: Some("text"),
};

const PERSON: Table = Table {
    entity: "person",
    table: "people",
    key: "id",
    cols: &["name", "title"],
    pilot_col: None,
    noun: "person",
    label_col: Some("name"),
};

const SCORE: Table = Table {
    entity: "score",
    table: "scores",
    key: "id",
    cols: &[
        "pilot_id",
        "rubric",
        "question",
        "answer",
        "rationale",
        "scorer",
        "scored_at",
    ],
    pilot_col: Some("pilot_id"),
    noun: "score",
    label_col: Some("question"),
};

const METRIC: Table = Table {
    entity: "metric",
    table: "metrics",
    key: "id",
    cols: &[
        "pilot_id",
        "category",
        "name",
        "unit",
        "higher_is_better",
        "baseline",
        "minimum",
        "target",
        "stretch",
        "current",
    ],
    pilot_col: Some("pilot_id"),
    noun: "metric",
    label_col: Some("name"),
};

const NOTICE: Table = Table {
    entity: "decision",
    table: "decision_notices",
    key: "decision_id",
    cols: &["decision_id", "communicated_at", "communicated_by"],
    pilot_col: None,
    noun: "notice that decision was communicated",
    label_col: None,
};

const PROGRAMME: Table = Table {
    entity: "programme",
    table: "programme",
    key: "id",
    cols: &["name", "start_date"],
    pilot_col: None,
    noun: "programme",
    label_col: Some("name"),
};

/// The audit entity of a pilot's checklist as created (all its items).
const CHECKLIST: &str = "checklist";

/// One stored value as digest text: integers and reals in decimal (reals
/// in Rust's shortest round-trip form), text as it is, NULL as none.
fn canonical(v: ValueRef) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(exact_num(f)),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Some(super::audit::hex(b)),
    }
}

/// A number as the audit trail records it exactly (shortest round trip).
pub(crate) fn exact_num(f: f64) -> String {
    format!("{f}")
}

/// The digest of the row `r` holds (its key first, then `t.cols`), hashed
/// straight from SQLite's values: the same string as
/// `digest(t, read_row(t, r).1)`, without a string per field.
fn digest_of_row(t: &Table, r: &rusqlite::Row) -> rusqlite::Result<(i64, String)> {
    let key: i64 = r.get(0)?;
    let mut h = FieldHasher::new(t.entity);
    let mut num = String::new();
    for i in 0..t.cols.len() {
        match r.get_ref(i + 1)? {
            ValueRef::Text(b) if std::str::from_utf8(b).is_ok() => h.bytes(Some(b)),
            ValueRef::Integer(n) => {
                use std::fmt::Write;
                num.clear();
                let _ = write!(num, "{n}");
                h.field(Some(&num));
            }
            v => h.field(canonical(v).as_deref()),
        }
    }
    Ok((key, h.finish()))
}

fn digest(t: &Table, fields: &[Option<String>]) -> String {
    let f: Vec<Option<&str>> = fields.iter().map(|s| s.as_deref()).collect();
    chain_hash(t.entity, &f)
}

fn select_sql(t: &Table, one: bool) -> String {
    let cols = t.cols.join(", ");
    let filter = if one {
        format!(" WHERE {} = ?1", t.key)
    } else {
        String::new()
    };
    format!("SELECT {}, {cols} FROM {}{filter} ORDER BY {}", t.key, t.table, t.key)
}

fn read_row(t: &Table, r: &rusqlite::Row) -> rusqlite::Result<(i64, Vec<Option<String>>)> {
    let key: i64 = r.get(0)?;
    let mut fields = Vec::with_capacity(t.cols.len());
    for i in 0..t.cols.len() {
        fields.push(canonical(r.get_ref(i + 1)?));
    }
    Ok((key, fields))
}

/// The digest of one row as it is now, if it exists.
fn row_digest(c: &Connection, t: &Table, key: i64) -> rusqlite::Result<Option<String>> {
    c.prepare_cached(&select_sql(t, true))?
        .query_row([key], |r| digest_of_row(t, r))
        .optional()
        .map(|row| row.map(|(_, d)| d))
}

/// The digest of a pilot's checklist: every item's id and digest, in
/// checklist order.
fn checklist_digest_of(items: &[(i64, String)]) -> String {
    let mut f: Vec<Option<&str>> = Vec::with_capacity(items.len() * 2);
    let ids: Vec<String> = items.iter().map(|(id, _)| id.to_string()).collect();
    for ((_, d), id) in items.iter().zip(&ids) {
        f.push(Some(id));
        f.push(Some(d));
    }
    chain_hash(CHECKLIST, &f)
}

/// The digest of the checklist [`super::Tx::add_pilot`] writes: `items` in
/// order from id `first_id`, in `states` (todo where missing), with no
/// owner and no note. The same string as the digest of those rows read
/// back (a test below holds the two together), without reading them.
pub(crate) fn planned_checklist_digest(
    pilot_id: i64,
    first_id: i64,
    items: &[crate::playbook::ItemTemplate],
    states: &[crate::domain::model::ItemState],
) -> String {
    debug_assert_eq!(
        ITEM.cols,
        [
            "pilot_id", "item_key", "phase", "section", "position", "text", "gate", "state", "owner_id", "due_day",
            "note"
        ]
    );
    let pilot = pilot_id.to_string();
    let digests: Vec<(i64, String)> = items
        .iter()
        .enumerate()
        .map(|(pos, it)| {
            let state = states
                .get(pos)
                .copied()
                .unwrap_or(crate::domain::model::ItemState::Todo);
            let mut h = FieldHasher::new(ITEM.entity);
            h.field(Some(&pilot));
            h.field(Some(&it.key));
            h.field(Some(it.phase.key()));
            h.field(Some(&it.section));
            h.field(Some(&pos.to_string()));
            h.field(Some(&it.text));
            h.field(Some(if it.gate { "1" } else { "0" }));
            h.field(Some(state.key()));
            h.field(None);
            h.field(Some(&it.due_day.to_string()));
            h.field(Some(""));
            (first_id + pos as i64, h.finish())
        })
        .collect();
    checklist_digest_of(&digests)
}

/// The values of a `scores` row as `Tx::add_score` inserts them.
pub(crate) struct ScoreWritten<'a> {
    pub pilot_id: i64,
    pub rubric: &'a str,
    pub question: &'a str,
    pub answer: &'a str,
    pub rationale: &'a str,
    pub scorer: &'a str,
    pub scored_at: &'a str,
}

impl ScoreWritten<'_> {
    /// The row's digest, the same string as the row read back would give
    /// (a test below holds the two together).
    pub(crate) fn digest(&self) -> String {
        debug_assert_eq!(
            SCORE.cols,
            [
                "pilot_id",
                "rubric",
                "question",
                "answer",
                "rationale",
                "scorer",
                "scored_at"
            ]
        );
        let mut h = FieldHasher::new(SCORE.entity);
        h.field(Some(&self.pilot_id.to_string()));
        for f in [
            self.rubric,
            self.question,
            self.answer,
            self.rationale,
            self.scorer,
            self.scored_at,
        ] {
            h.field(Some(f));
        }
        h.finish()
    }
}

/// The digest of a pilot's checklist as it is in the file.
fn checklist_digest(c: &Connection, pilot_id: i64) -> rusqlite::Result<String> {
    let sql = format!(
        "SELECT id, {} FROM checklist_items WHERE pilot_id = ?1 ORDER BY position, id",
        ITEM.cols.join(", ")
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let items = stmt
        .query_map([pilot_id], |r| digest_of_row(&ITEM, r))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(checklist_digest_of(&items))
}

impl super::Tx<'_> {
    /// The audit event that creates row `key` of `t`, with its digest.
    fn audit_created(&mut self, t: &Table, key: i64, pilot_id: Option<i64>, field: &str, summary: &str) -> Result<()> {
        let d = row_digest(self.conn(), t, key).map_err(|e| self.err(e))?;
        self.audit_with_digest(t.entity, key, pilot_id, field, None, Some(summary), d.as_deref())
    }

    /// Record a new pilot and its checklist (whose digest is `checklist`,
    /// from [`planned_checklist_digest`]) as created.
    pub(crate) fn audit_pilot_created(&mut self, id: i64, summary: &str, items: usize, checklist: &str) -> Result<()> {
        self.audit_created(&PILOT, id, Some(id), "created", summary)?;
        let n = format!("{items} checklist items");
        self.audit_with_digest(CHECKLIST, id, Some(id), "created", None, Some(&n), Some(checklist))
    }

    /// Items were added to a pilot's checklist by `playbook sync`: the
    /// event pins the whole checklist as it is now, as its creation did.
    pub(crate) fn audit_checklist_synced(&mut self, pilot_id: i64, summary: &str) -> Result<()> {
        let d = checklist_digest(self.conn(), pilot_id).map_err(|e| self.err(e))?;
        self.audit_with_digest(
            CHECKLIST,
            pilot_id,
            Some(pilot_id),
            "synced",
            None,
            Some(summary),
            Some(&d),
        )
    }

    pub(crate) fn audit_person_created(&mut self, id: i64, name: &str) -> Result<()> {
        self.audit_created(&PERSON, id, None, "created", name)
    }

    pub(crate) fn audit_metric_created(&mut self, id: i64, pilot_id: i64, summary: &str) -> Result<()> {
        self.audit_created(&METRIC, id, Some(pilot_id), "created", summary)
    }

    /// A score is created by its event (`field` names rubric and question);
    /// `written` is the row as inserted, hashed without reading it back.
    pub(crate) fn audit_score(
        &mut self,
        id: i64,
        written: &ScoreWritten,
        field: &str,
        old: Option<&str>,
    ) -> Result<()> {
        let d = written.digest();
        self.audit_with_digest(
            "score",
            id,
            Some(written.pilot_id),
            field,
            old,
            Some(written.answer),
            Some(&d),
        )
    }

    pub(crate) fn audit_notice(&mut self, decision_id: i64, pilot_id: i64) -> Result<()> {
        let d = row_digest(self.conn(), &NOTICE, decision_id).map_err(|e| self.err(e))?;
        self.audit_with_digest(
            "decision",
            decision_id,
            Some(pilot_id),
            "communicated",
            Some("no"),
            Some("yes"),
            d.as_deref(),
        )
    }
}

/// Give the file a new identity (a new file, a backup, a restored copy).
pub(crate) fn set_file_uuid(c: &Connection) -> rusqlite::Result<()> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let local = 0u8;
    let seed = format!("{nanos} {} {n} {:p}", std::process::id(), &local);
    let uuid: String = chain_hash("file", &[Some(&seed)]).chars().take(32).collect();
    c.execute(
        "INSERT INTO file_meta (id, file_uuid) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET file_uuid = excluded.file_uuid",
        [uuid],
    )?;
    Ok(())
}

/// Give a copy a new identity, if its schema has one (a backup of an older
/// file, made before upgrading it, has none).
pub(crate) fn renew_file_uuid(c: &Connection) -> rusqlite::Result<()> {
    let has: bool = c.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'file_meta'",
        [],
        |r| r.get(0),
    )?;
    if has {
        set_file_uuid(c)?;
    }
    Ok(())
}

/// The file's identity, if it has one (schema 3 on).
pub(crate) fn file_uuid(c: &Connection) -> Option<String> {
    c.prepare_cached("SELECT file_uuid FROM file_meta WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
        .ok()
        .flatten()
}

/// The programme row of a new file, as created.
pub(crate) fn record_programme_created(c: &Connection, at: &str, actor: &str) -> rusqlite::Result<()> {
    let d = row_digest(c, &PROGRAMME, 1)?;
    let prev = audit_head(c)?;
    append_event(
        c,
        &prev,
        &NewEvent {
            at,
            actor,
            entity: PROGRAMME.entity,
            entity_id: 1,
            pilot_id: None,
            field: "created",
            old: None,
            new: None,
            digest: d.as_deref(),
        },
    )?;
    Ok(())
}

/// One baseline event per row, pinning every row as it is now (the
/// upgrade to schema 3).
pub(crate) fn write_baseline(c: &Connection, at: &str, actor: &str) -> rusqlite::Result<()> {
    let mut prev = audit_head(c)?;
    let mut push = |entity: &str, id: i64, pilot: Option<i64>, field: &str, d: &str| -> rusqlite::Result<()> {
        prev = append_event(
            c,
            &prev,
            &NewEvent {
                at,
                actor,
                entity,
                entity_id: id,
                pilot_id: pilot,
                field,
                old: None,
                new: None,
                digest: Some(d),
            },
        )?;
        Ok(())
    };
    for t in [&PROGRAMME, &PERSON, &PILOT, &METRIC, &SCORE, &NOTICE] {
        let pilot_idx = t.pilot_col.and_then(|p| t.cols.iter().position(|c| *c == p));
        let rows: Vec<(i64, Vec<Option<String>>)> = c
            .prepare(&select_sql(t, false))?
            .query_map([], |r| read_row(t, r))?
            .collect::<rusqlite::Result<_>>()?;
        for (key, fields) in rows {
            let pilot = match (t.pilot_col, pilot_idx) {
                (Some("id"), _) => Some(key),
                (_, Some(i)) => fields[i].as_deref().and_then(|s| s.parse().ok()),
                _ => None,
            };
            let field = if t.table == NOTICE.table {
                "communicated"
            } else {
                "baseline"
            };
            push(t.entity, key, pilot, field, &digest(t, &fields))?;
        }
    }
    let pilots: Vec<i64> = c
        .prepare("SELECT id FROM pilots ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in pilots {
        let d = checklist_digest(c, id)?;
        push(CHECKLIST, id, Some(id), "baseline", &d)?;
    }
    Ok(())
}

/// One audit event, as the check reads it.
struct Event {
    id: i64,
    field: String,
    old: Option<String>,
    new: Option<String>,
}

/// What the trail says about one table's rows.
#[derive(Default)]
struct Trail {
    /// The latest event creating each row: (event id, digest).
    anchors: HashMap<i64, (i64, String)>,
    /// Changes of single fields, oldest first.
    changes: HashMap<i64, Vec<Event>>,
}

/// The whole trail, by table.
#[derive(Default)]
struct Trails {
    by_entity: HashMap<&'static str, Trail>,
    checklist: Trail,
    notices: Trail,
    /// The latest owner per (pilot, role): the person's name, or none.
    owners: HashMap<(i64, String), Option<String>>,
    /// Decisions' creation digests (their chain hash).
    decisions: HashMap<i64, String>,
    /// The latest change per (pilot, right): its digest, or none when the
    /// right was cleared.
    rights: HashMap<(i64, String), Option<String>>,
    /// The latest event's digest per programme item (every event on one
    /// carries the digest of the whole row as it left it).
    programme_items: HashMap<i64, Option<String>>,
    /// The latest change per pilot's vendor row, and per (pilot, ask): its
    /// digest, or none when it was cleared.
    vendors: HashMap<i64, Option<String>>,
    vendor_asks: HashMap<(i64, String), Option<String>>,
    /// The latest scorecard change per pilot: its digest.
    scorecards: HashMap<i64, Option<String>>,
    /// The pilots and people each staging run staged (by its events).
    staged: HashMap<i64, super::staging::StagedSoFar>,
}

impl Trails {
    /// An abandoned import removed these pilots (with their checklists and
    /// owners) and people: the trail no longer expects them.
    fn forget(&mut self, pilots: &[i64], people: &[i64]) {
        let gone: HashSet<i64> = pilots.iter().copied().collect();
        if let Some(trail) = self.by_entity.get_mut("pilot") {
            trail.anchors.retain(|k, _| !gone.contains(k));
            trail.changes.retain(|k, _| !gone.contains(k));
        }
        self.checklist.anchors.retain(|k, _| !gone.contains(k));
        self.owners.retain(|(p, _), _| !gone.contains(p));
        if let Some(trail) = self.by_entity.get_mut("person") {
            for id in people {
                trail.anchors.remove(id);
                trail.changes.remove(id);
            }
        }
    }
}

fn load_trails(c: &Connection) -> rusqlite::Result<Trails> {
    let mut t = Trails::default();
    for e in ["pilot", "item", "person", "score", "metric", "programme"] {
        t.by_entity.insert(e, Trail::default());
    }
    let mut stmt =
        c.prepare("SELECT id, entity, entity_id, field, old_value, new_value, digest FROM audit_events ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let entity = r.get_ref(1)?.as_str()?;
        let key: i64 = r.get(2)?;
        let field: String = r.get(3)?;
        let digest: Option<String> = r.get(6)?;
        let anchor = |d: &Option<String>| d.clone().map(|d| (id, d));
        match entity {
            CHECKLIST => {
                if let Some(a) = anchor(&digest) {
                    t.checklist.anchors.insert(key, a);
                }
            }
            "owner" => {
                t.owners.insert((key, field), r.get(5)?);
            }
            super::staging::ENTITY => {
                let v: Option<String> = r.get(5)?;
                let (pilots, people) = crate::domain::staged_ids::parse_ids(v.as_deref().unwrap_or(""));
                match field.as_str() {
                    // Only what the same run staged may go with it: a row
                    // listed as staged by plain SQL is still expected.
                    super::staging::REMOVED => {
                        let run = t.staged.get(&key).cloned().unwrap_or_default();
                        let pilots: Vec<i64> = pilots.into_iter().filter(|id| run.pilots.contains(id)).collect();
                        let people: Vec<i64> = people.into_iter().filter(|id| run.people.contains(id)).collect();
                        t.forget(&pilots, &people);
                    }
                    super::staging::ABANDONED => t.forget(&pilots, &people),
                    other => t.staged.entry(key).or_default().apply(other, v.as_deref()),
                }
            }
            "right" => {
                t.rights.insert((key, field), digest);
            }
            super::programme_items::ENTITY => {
                t.programme_items.insert(key, digest);
            }
            super::vendors::VENDOR => {
                t.vendors.insert(key, digest);
            }
            super::vendors::ASK => {
                t.vendor_asks.insert((key, field), digest);
            }
            "scorecard" => {
                t.scorecards.insert(key, digest);
            }
            "decision" => match (field.as_str(), digest) {
                ("communicated", Some(d)) => {
                    t.notices.anchors.insert(key, (id, d));
                }
                ("created", Some(d)) => {
                    t.decisions.insert(key, d);
                }
                _ => {}
            },
            _ => {
                let Some(trail) = t.by_entity.get_mut(entity) else {
                    continue;
                };
                let creates = entity == "score" || field == "created" || field == "baseline";
                match digest {
                    Some(d) if creates => {
                        trail.anchors.insert(key, (id, d));
                    }
                    _ if creates => {}
                    _ => trail.changes.entry(key).or_default().push(Event {
                        id,
                        field,
                        old: r.get(4)?,
                        new: r.get(5)?,
                    }),
                }
            }
        }
    }
    Ok(t)
}

/// Turns a value as an event records it into the column's stored form.
struct Values {
    /// Person name to id (events name the owner of an item).
    person_ids: HashMap<String, i64>,
}

impl Values {
    fn stored(&self, t: &Table, col: &str, v: Option<&str>) -> Option<String> {
        let v = v?;
        match (t.table, col) {
            // "yes (override: REASON)" for a red-flagged pilot shortlisted
            // with a reason.
            ("pilots", "shortlisted") => Some(if v == "yes" || v.starts_with("yes (") { "1" } else { "0" }.to_string()),
            ("checklist_items", "owner_id") => Some(
                self.person_ids
                    .get(v)
                    .map_or_else(|| format!("(unknown person {v})"), |id| id.to_string()),
            ),
            ("metrics", _) if v == "-" => None,
            ("metrics", "current") => Some(v.parse::<f64>().map_or_else(|_| v.to_string(), exact_num)),
            _ => Some(v.to_string()),
        }
    }
}

/// How a problem names a row.
fn name_row(t: &Table, key: i64, fields: &[Option<String>]) -> String {
    let label = t
        .label_col
        .and_then(|l| t.cols.iter().position(|c| *c == l))
        .and_then(|i| fields[i].clone());
    match label {
        Some(l) => format!(
            "{} {key} ('{}')",
            t.noun,
            crate::text::truncate(&crate::text::sanitize(&l), 60)
        ),
        None => format!("{} {key}", t.noun),
    }
}

fn show(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("'{}'", crate::text::truncate(&crate::text::sanitize(s), 60)),
        None => "nothing".to_string(),
    }
}

/// Undo a row's changes after its anchor (newest first), checking that
/// each field holds what its last change set. Returns the row as it was
/// created, or the first problem.
fn undo(
    t: &Table,
    key: i64,
    mut fields: Vec<Option<String>>,
    after: i64,
    changes: Option<&Vec<Event>>,
    values: &Values,
) -> std::result::Result<Vec<Option<String>>, String> {
    let mut seen: HashSet<usize> = HashSet::new();
    for ev in changes.into_iter().flatten().rev().filter(|e| e.id > after) {
        let Some(col) = t.cols.iter().position(|c| *c == ev.field) else {
            continue;
        };
        if seen.insert(col) {
            let expected = values.stored(t, &ev.field, ev.new.as_deref());
            if fields[col] != expected {
                return Err(format!(
                    "{}: its {} is {} but the audit trail's last change of it (event {}) set {} (changed behind lastmile's back)",
                    name_row(t, key, &fields),
                    ev.field.replace('_', " "),
                    show(&fields[col]),
                    ev.id,
                    show(&expected)
                ));
            }
        }
        fields[col] = values.stored(t, &ev.field, ev.old.as_deref());
    }
    Ok(fields)
}

/// Check every pinned table against the trail; the first problems found,
/// each naming the row (at most `limit`).
pub fn check_state(store: &Store, limit: usize) -> Result<Vec<String>> {
    // One snapshot for every read: an import committing a batch between
    // reading the trail and reading the tables would otherwise look like
    // rows added behind lastmile's back.
    let c = store.conn();
    let snapshot = c.is_autocommit();
    if snapshot {
        c.execute_batch("BEGIN").map_err(|e| store.err(e))?;
    }
    let out = check_state_in(store, limit);
    if snapshot {
        // Nothing was written: ending the read cannot lose anything, but a
        // connection left inside it would refuse the next write.
        if let Err(err) = c.execute_batch("COMMIT") {
            let _ = c.execute_batch("ROLLBACK");
            return Err(store.err(err));
        }
    }
    out
}

fn check_state_in(store: &Store, limit: usize) -> Result<Vec<String>> {
    let c = store.conn();
    let e = |err| store.err(err);
    let trails = load_trails(c).map_err(e)?;
    let person_ids: HashMap<String, i64> = c
        .prepare("SELECT name, id FROM people")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(e)?;
    let values = Values { person_ids };
    let mut out: Vec<String> = Vec::new();
    let mut note = |p: String| {
        if out.len() < limit {
            out.push(p);
        }
    };
    for t in [&PROGRAMME, &PERSON, &PILOT, &METRIC, &SCORE] {
        let trail = &trails.by_entity[t.entity];
        let mut present: HashSet<i64> = HashSet::new();
        let mut stmt = c.prepare(&select_sql(t, false)).map_err(e)?;
        let mut rows = stmt.query([]).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            let (key, fields) = read_row(t, r).map_err(e)?;
            present.insert(key);
            let Some((at, recorded)) = trail.anchors.get(&key) else {
                note(format!(
                    "{} is not in the audit trail (added behind lastmile's back)",
                    name_row(t, key, &fields)
                ));
                continue;
            };
            match undo(t, key, fields.clone(), *at, trail.changes.get(&key), &values) {
                Err(p) => note(p),
                Ok(initial) if digest(t, &initial) != *recorded => note(format!(
                    "{} differs from what the audit trail recorded when it was created (event {at}; changed behind lastmile's back)",
                    name_row(t, key, &fields)
                )),
                Ok(_) => {}
            }
        }
        let mut gone: Vec<i64> = trail.anchors.keys().filter(|k| !present.contains(k)).copied().collect();
        gone.sort_unstable();
        for key in gone {
            note(format!(
                "{} {key} is in the audit trail but not in the file (deleted behind lastmile's back)",
                t.noun
            ));
        }
    }
    check_items(c, &trails, &values, &mut note).map_err(e)?;
    check_simple(c, &NOTICE, &trails.notices, &mut note).map_err(e)?;
    check_owners(c, &trails, &mut note).map_err(e)?;
    check_rights(c, &trails, &mut note).map_err(e)?;
    check_programme_items(c, &trails, &mut note).map_err(e)?;
    check_vendors(c, &trails, &mut note).map_err(e)?;
    check_scorecards(c, &trails, &mut note).map_err(e)?;
    check_decisions(c, &trails, &mut note).map_err(e)?;
    check_staged(c, &trails, &mut note).map_err(e)?;
    check_stats(c, &mut note).map_err(e)?;
    Ok(out)
}

/// Rows hidden as part of an unfinished import must be rows the trail
/// shows that import staging: a row listed by plain SQL would hide a pilot
/// (or person) from every screen, and the next import would remove it.
fn check_staged(c: &Connection, trails: &Trails, note: &mut impl FnMut(String)) -> rusqlite::Result<()> {
    let none = super::staging::StagedSoFar::default();
    for (table, col, noun, people) in [
        ("staged_pilots", "pilot_id", "pilot", false),
        ("staged_people", "person_id", "person", true),
    ] {
        let mut stmt = c.prepare(&format!("SELECT {col}, run_id FROM {table} ORDER BY {col}"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, run): (i64, i64) = (r.get(0)?, r.get(1)?);
            let staged = trails.staged.get(&run).unwrap_or(&none);
            let known = if people { &staged.people } else { &staged.pilots };
            if !known.contains(&id) {
                note(format!(
                    "{noun} {id} is hidden as part of import run {run}, which the audit trail does not show adding it (hidden behind lastmile's back)"
                ));
            }
        }
    }
    Ok(())
}

/// Rows created once and never changed (notices).
fn check_simple(c: &Connection, t: &Table, trail: &Trail, note: &mut impl FnMut(String)) -> rusqlite::Result<()> {
    let mut stmt = c.prepare(&select_sql(t, false))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (key, fields) = read_row(t, r)?;
        match trail.anchors.get(&key) {
            // Older notices were recorded before digests: the decision
            // cross-check covers that they exist.
            None => {}
            Some((at, d)) if *d != digest(t, &fields) => note(format!(
                "the {} {key} differs from what the audit trail recorded (event {at}; changed behind lastmile's back)",
                t.noun
            )),
            Some(_) => {}
        }
    }
    Ok(())
}

/// Checklist items: each pilot's items, with their changes undone, must
/// give the checklist digest recorded when the pilot was created.
fn check_items(
    c: &Connection,
    trails: &Trails,
    values: &Values,
    note: &mut impl FnMut(String),
) -> rusqlite::Result<()> {
    let item_trail = &trails.by_entity["item"];
    let pilot_names: HashMap<i64, String> = c
        .prepare("SELECT id, name FROM pilots")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let sql = format!(
        "SELECT id, {} FROM checklist_items ORDER BY pilot_id, position, id",
        ITEM.cols.join(", ")
    );
    let mut stmt = c.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    // (pilot, its items' ids and digests as created, whether a problem
    // was already named for it)
    type Pilot = (i64, Vec<(i64, String)>, bool);
    let mut current: Option<Pilot> = None;
    let mut seen_pilots: HashSet<i64> = HashSet::new();
    let mut finish = |pilot: i64, items: &[(i64, String)], failed: bool, note: &mut dyn FnMut(String)| {
        seen_pilots.insert(pilot);
        if failed {
            return;
        }
        let name = pilot_names
            .get(&pilot)
            .map(|n| format!("pilot {pilot} ('{}')", crate::text::sanitize(n)))
            .unwrap_or_else(|| format!("pilot {pilot}"));
        match trails.checklist.anchors.get(&pilot) {
            None => note(format!(
                "the checklist of {name} is not in the audit trail (added behind lastmile's back)"
            )),
            Some((at, d)) if *d != checklist_digest_of(items) => note(format!(
                "the checklist of {name} differs from what the audit trail recorded when it was created (event {at}): an item was added, removed or changed behind lastmile's back"
            )),
            Some(_) => {}
        }
    };
    while let Some(r) = rows.next()? {
        let key: i64 = r.get(0)?;
        let pilot: i64 = r.get::<_, Option<i64>>(1)?.unwrap_or(0);
        if current.as_ref().is_some_and(|(p, ..)| *p != pilot) {
            let (p, items, failed) = current.take().expect("checked above");
            finish(p, &items, failed, note);
        }
        let entry = current.get_or_insert_with(|| (pilot, Vec::new(), false));
        let after = trails.checklist.anchors.get(&pilot).map_or(0, |a| a.0);
        let changes = item_trail.changes.get(&key);
        if !changes.is_some_and(|c| c.iter().any(|e| e.id > after)) {
            // Never changed since its checklist was created (most items):
            // the row as it is must be the row as created.
            entry.1.push(digest_of_row(&ITEM, r)?);
            continue;
        }
        let (_, fields) = read_row(&ITEM, r)?;
        match undo(&ITEM, key, fields, after, changes, values) {
            Ok(initial) => entry.1.push((key, digest(&ITEM, &initial))),
            Err(p) => {
                if !entry.2 {
                    note(p);
                }
                entry.2 = true;
            }
        }
    }
    if let Some((p, items, failed)) = current.take() {
        finish(p, &items, failed, note);
    }
    // A pilot whose checklist was created with items and now has none.
    let mut emptied: Vec<i64> = trails
        .checklist
        .anchors
        .iter()
        .filter(|(p, (_, d))| !seen_pilots.contains(p) && *d != checklist_digest_of(&[]))
        .map(|(p, _)| *p)
        .collect();
    emptied.sort_unstable();
    for p in emptied {
        note(format!(
            "the checklist of pilot {p} is in the audit trail but its items are not in the file (deleted behind lastmile's back)"
        ));
    }
    Ok(())
}

/// The slots the audit trail last left holding something (`Some`) that
/// are not in the file any more, in order.
fn gone_from_file<'a, K: Ord + std::hash::Hash + Eq>(
    trail: &'a HashMap<K, Option<String>>,
    present: &HashSet<K>,
) -> Vec<&'a K> {
    let mut gone: Vec<&K> = trail
        .iter()
        .filter(|(k, v)| v.is_some() && !present.contains(*k))
        .map(|(k, _)| k)
        .collect();
    gone.sort();
    gone
}

/// Decision rights: each slot holds the person and threshold its last
/// change pinned.
fn check_rights(c: &Connection, trails: &Trails, note: &mut impl FnMut(String)) -> rusqlite::Result<()> {
    let mut stmt = c.prepare(
        "SELECT pilot_id, right_key, person_id, threshold FROM decision_rights ORDER BY pilot_id, right_key",
    )?;
    let rows: Vec<(i64, String, i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut present = HashSet::new();
    for (pilot, key, person, threshold) in rows {
        let expected = trails.rights.get(&(pilot, key.clone())).cloned().flatten();
        if expected.as_deref() != Some(super::rights::right_digest(person, &threshold).as_str()) {
            note(format!(
                "the decision right '{key}' of pilot {pilot} differs from what the audit trail's last change of it recorded ({}; changed behind lastmile's back)",
                if expected.is_some() { "another person or threshold" } else { "no assignment" }
            ));
        }
        present.insert((pilot, key));
    }
    for (pilot, key) in gone_from_file(&trails.rights, &present) {
        note(format!(
            "the decision right '{key}' of pilot {pilot} is in the audit trail but not in the file (removed behind lastmile's back)"
        ));
    }
    Ok(())
}

/// Scorecards: each pilot's marks the metric its last change named. (A
/// deleted metric takes its mark with it, which is not a tampering.)
fn check_scorecards(c: &Connection, trails: &Trails, note: &mut impl FnMut(String)) -> rusqlite::Result<()> {
    let mut stmt = c.prepare("SELECT pilot_id, metric_id FROM scorecards ORDER BY pilot_id")?;
    let rows: Vec<(i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut present = HashSet::new();
    for (pilot, metric) in rows {
        let expected = trails.scorecards.get(&pilot).cloned().flatten();
        if expected.as_deref() != Some(super::metrics::scorecard_digest(metric).as_str()) {
            note(format!(
                "the scorecard of pilot {pilot} is not the metric the audit trail's last change of it named (changed behind lastmile's back)"
            ));
        }
        present.insert(pilot);
    }
    for &pilot in gone_from_file(&trails.scorecards, &present) {
        let metrics: i64 = c.query_row("SELECT count(*) FROM metrics WHERE pilot_id = ?1", [pilot], |r| {
            r.get(0)
        })?;
        if metrics > 0 {
            note(format!(
                "the scorecard of pilot {pilot} is in the audit trail but not in the file (removed behind lastmile's back)"
            ));
        }
    }
    Ok(())
}

/// Vendors and their asks: each row holds what its last change recorded.
fn check_vendors(c: &Connection, trails: &Trails, note: &mut impl FnMut(String)) -> rusqlite::Result<()> {
    let mut stmt = c.prepare("SELECT pilot_id, vendor, in_house_reason FROM pilot_vendors ORDER BY pilot_id")?;
    let rows: Vec<(i64, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut present = HashSet::new();
    for (pilot, vendor, reason) in rows {
        let expected = trails.vendors.get(&pilot).cloned().flatten();
        if expected.as_deref() != Some(super::vendors::vendor_digest(&vendor, &reason).as_str()) {
            note(format!(
                "the vendor of pilot {pilot} differs from what the audit trail's last change of it recorded ({})",
                if expected.is_some() {
                    "changed behind lastmile's back"
                } else {
                    "no change recorded it: added behind lastmile's back"
                }
            ));
        }
        present.insert(pilot);
    }
    for &pilot in gone_from_file(&trails.vendors, &present) {
        note(format!(
            "the vendor of pilot {pilot} is in the audit trail but not in the file (removed behind lastmile's back)"
        ));
    }
    let mut stmt = c.prepare("SELECT pilot_id, ask_key, evidence FROM vendor_asks ORDER BY pilot_id, ask_key")?;
    let rows: Vec<(i64, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut present = HashSet::new();
    for (pilot, key, evidence) in rows {
        let expected = trails.vendor_asks.get(&(pilot, key.clone())).cloned().flatten();
        if expected.as_deref() != Some(super::vendors::ask_digest(&evidence).as_str()) {
            note(format!(
                "the evidence of vendor ask '{key}' of pilot {pilot} differs from what the audit trail's last change of it recorded ({})",
                if expected.is_some() {
                    "changed behind lastmile's back"
                } else {
                    "no change recorded it: added behind lastmile's back"
                }
            ));
        }
        present.insert((pilot, key));
    }
    for (pilot, key) in gone_from_file(&trails.vendor_asks, &present) {
        note(format!(
            "the evidence of vendor ask '{key}' of pilot {pilot} is in the audit trail but not in the file (removed behind lastmile's back)"
        ));
    }
    Ok(())
}

/// Programme items: each row is what its latest event's digest pins.
fn check_programme_items(c: &Connection, trails: &Trails, note: &mut impl FnMut(String)) -> rusqlite::Result<()> {
    let mut present = HashSet::new();
    for item in super::programme_items::read_all(c)? {
        let expected = trails.programme_items.get(&item.id).cloned().flatten();
        if expected.as_deref() != Some(super::programme_items::programme_item_digest(&item).as_str()) {
            note(format!(
                "programme item {} ('{}') differs from what the audit trail's last change of it recorded ({})",
                item.id,
                item.item_key,
                if expected.is_some() {
                    "changed behind lastmile's back"
                } else {
                    "no event created it: added behind lastmile's back"
                }
            ));
        }
        present.insert(item.id);
    }
    for id in gone_from_file(&trails.programme_items, &present) {
        note(format!(
            "programme item {id} is in the audit trail but not in the file (removed behind lastmile's back)"
        ));
    }
    Ok(())
}

/// Owners: each slot holds the person its last change named.
fn check_owners(c: &Connection, trails: &Trails, note: &mut impl FnMut(String)) -> rusqlite::Result<()> {
    let mut stmt = c.prepare(
        "SELECT o.pilot_id, o.role, pe.name FROM owners o LEFT JOIN people pe ON pe.id = o.person_id ORDER BY o.pilot_id, o.role",
    )?;
    let rows: Vec<(i64, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut present = HashSet::new();
    for (pilot, role, name) in rows {
        let expected = trails.owners.get(&(pilot, role.clone()));
        if expected.cloned().flatten() != name {
            note(format!(
                "the {role} owner of pilot {pilot} is {} but the audit trail's last change of it set {} (changed behind lastmile's back)",
                show(&name),
                show(&expected.cloned().flatten())
            ));
        }
        present.insert((pilot, role));
    }
    for (pilot, role) in gone_from_file(&trails.owners, &present) {
        note(format!(
            "the {role} owner of pilot {pilot} is in the audit trail but not in the file (removed behind lastmile's back)"
        ));
    }
    Ok(())
}

/// Decisions recorded since schema 3: the audit event that records each
/// one carries its chain hash, so the two chains vouch for each other.
fn check_decisions(c: &Connection, trails: &Trails, note: &mut impl FnMut(String)) -> rusqlite::Result<()> {
    let mut stmt = c.prepare("SELECT id, hash FROM decisions ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let hash: String = r.get(1)?;
        if let Some(d) = trails.decisions.get(&id) {
            if *d != hash {
                note(format!(
                    "decision {id} is not the one the audit trail recorded (its hash differs): the decision log was rewritten"
                ));
            }
        }
    }
    Ok(())
}

/// The summary rows, recomputed from the checklist and the scores.
fn check_stats(c: &Connection, note: &mut impl FnMut(String)) -> rusqlite::Result<()> {
    #[derive(PartialEq, Debug, Clone)]
    struct Stats {
        items_total: i64,
        items_done: i64,
        open_gates: i64,
        open_due: String,
        next: Option<(i64, i64, String)>,
        dims: String,
        dims_oldest: Option<String>,
        selection: String,
        gates_unmet: String,
    }
    let empty = || Stats {
        items_total: 0,
        items_done: 0,
        open_gates: 0,
        open_due: "0".repeat(90),
        next: None,
        dims: "----".into(),
        dims_oldest: None,
        selection: "-----".into(),
        gates_unmet: "000".into(),
    };
    let mut expected: HashMap<i64, Stats> = HashMap::new();
    let ids: Vec<i64> = c
        .prepare("SELECT id FROM pilots")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        expected.insert(id, empty());
    }
    let mut due: HashMap<i64, [u32; 90]> = HashMap::new();
    let mut unmet: HashMap<i64, [u32; 3]> = HashMap::new();
    {
        let mut stmt = c.prepare(
            "SELECT pilot_id, id, due_day, text, state, gate, phase, note FROM checklist_items ORDER BY pilot_id, due_day, position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let pilot: i64 = r.get(0)?;
            let Some(s) = expected.get_mut(&pilot) else { continue };
            let (id, day, text): (i64, i64, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let state = r.get_ref(4)?.as_str()?;
            let gate: bool = r.get(5)?;
            let phase = r.get_ref(6)?.as_str()?;
            let has_note = !r.get_ref(7)?.as_str()?.is_empty();
            let open = matches!(state, "todo" | "doing" | "blocked");
            s.items_total += 1;
            s.items_done += i64::from(state == "done");
            s.open_gates += i64::from(gate && open);
            if open {
                if s.next.is_none() {
                    s.next = Some((id, day, text));
                }
                if (1..=90).contains(&day) {
                    due.entry(pilot).or_insert([0; 90])[(day - 1) as usize] += 1;
                }
            }
            if gate && !(matches!(state, "done" | "na") && has_note) {
                let p = match phase {
                    "assessment" => 0,
                    "scaffolding" => 1,
                    _ => 2,
                };
                unmet.entry(pilot).or_insert([0; 3])[p] += 1;
            }
        }
    }
    let letters = |counts: &[u32]| -> String { counts.iter().map(|n| char::from_u32(48 + n).unwrap_or('?')).collect() };
    for (p, d) in &due {
        if let Some(s) = expected.get_mut(p) {
            s.open_due = letters(d);
        }
    }
    for (p, u) in &unmet {
        if let Some(s) = expected.get_mut(p) {
            s.gates_unmet = letters(u);
        }
    }
    {
        // The latest answer per pilot, rubric and question.
        let mut stmt = c.prepare(
            "SELECT s.pilot_id, s.rubric, s.question, s.answer, s.scored_at FROM scores s
             WHERE s.rubric IN ('readiness', 'selection')
               AND s.id = (SELECT MAX(t.id) FROM scores t WHERE t.pilot_id = s.pilot_id
                           AND t.rubric = s.rubric AND t.question = s.question)",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let pilot: i64 = r.get(0)?;
            let Some(s) = expected.get_mut(&pilot) else { continue };
            let rubric = r.get_ref(1)?.as_str()?;
            let question = r.get_ref(2)?.as_str()?;
            let answer = r.get_ref(3)?.as_str()?;
            let at: String = r.get(4)?;
            let first = |upper: bool| -> char {
                let ch = answer.chars().next().unwrap_or('-');
                if upper {
                    ch.to_uppercase().next().unwrap_or(ch)
                } else {
                    ch
                }
            };
            let set = |slot: &mut String, i: usize, ch: char| {
                let mut v: Vec<char> = slot.chars().collect();
                if let Some(x) = v.get_mut(i) {
                    *x = ch;
                }
                *slot = v.into_iter().collect();
            };
            if rubric == "readiness" {
                if let Some(i) = ["data", "governance", "integration", "ownership"]
                    .iter()
                    .position(|q| *q == question)
                {
                    set(&mut s.dims, i, first(true));
                }
                if s.dims_oldest.as_ref().is_none_or(|o| at < *o) {
                    s.dims_oldest = Some(at);
                }
            } else if let Some(i) = ["impact", "data", "feasibility", "team", "path"]
                .iter()
                .position(|q| *q == question)
            {
                set(&mut s.selection, i, first(false));
            }
        }
    }
    let mut stmt = c.prepare(
        "SELECT s.pilot_id, s.items_total, s.items_done, s.open_gates, s.open_due, s.next_item_id, s.next_due_day,
                s.next_text, s.dims, s.dims_oldest, s.selection, s.gates_unmet
         FROM pilot_stats s ORDER BY s.pilot_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut seen = HashSet::new();
    while let Some(r) = rows.next()? {
        let pilot: i64 = r.get(0)?;
        seen.insert(pilot);
        let next = match (
            r.get::<_, Option<i64>>(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, Option<String>>(7)?,
        ) {
            (Some(a), Some(b), Some(t)) => Some((a, b, t)),
            _ => None,
        };
        let stored = Stats {
            items_total: r.get(1)?,
            items_done: r.get(2)?,
            open_gates: r.get(3)?,
            open_due: r.get(4)?,
            next,
            dims: r.get(8)?,
            dims_oldest: r.get(9)?,
            selection: r.get(10)?,
            gates_unmet: r.get(11)?,
        };
        let Some(want) = expected.get(&pilot) else {
            note(format!(
                "the summary row of pilot {pilot} has no pilot (added behind lastmile's back)"
            ));
            continue;
        };
        if stored != *want {
            let what = [
                ("items_total", stored.items_total != want.items_total),
                ("items_done", stored.items_done != want.items_done),
                ("open_gates", stored.open_gates != want.open_gates),
                ("open_due", stored.open_due != want.open_due),
                ("next item", stored.next != want.next),
                ("dims", stored.dims != want.dims),
                ("dims_oldest", stored.dims_oldest != want.dims_oldest),
                ("selection", stored.selection != want.selection),
                ("gates_unmet", stored.gates_unmet != want.gates_unmet),
            ]
            .iter()
            .filter(|(_, differs)| *differs)
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ");
            note(format!(
                "the summary row of pilot {pilot} does not match its checklist and scores ({what}; pilot_stats was changed behind lastmile's back)"
            ));
        }
    }
    let mut missing: Vec<&i64> = expected.keys().filter(|p| !seen.contains(*p)).collect();
    missing.sort();
    for p in missing {
        note(format!("pilot {p} has no summary row (deleted behind lastmile's back)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_planned_checklist_digest_is_the_digest_of_the_rows_written() {
        use crate::domain::model::{ItemState, PilotFields};
        let mut s = Store::open_in_memory("t").unwrap();
        let items = crate::playbook::Playbook::builtin().items();
        let states = [ItemState::Done, ItemState::Blocked, ItemState::Na, ItemState::Doing];
        for name in ["First", "Second"] {
            let id = s
                .write(|tx| {
                    tx.add_pilot_seeded(
                        &PilotFields {
                            name: name.into(),
                            ..Default::default()
                        },
                        &items,
                        &states,
                    )
                })
                .unwrap();
            let stored: String = s
                .conn()
                .query_row(
                    "SELECT digest FROM audit_events WHERE entity = 'checklist' AND entity_id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(stored, checklist_digest(s.conn(), id).unwrap());
        }
    }

    #[test]
    fn a_score_hashed_as_written_is_the_digest_of_the_row_read_back() {
        use crate::domain::model::PilotFields;
        let pb = crate::playbook::Playbook::builtin();
        let mut s = Store::open_in_memory("Zoë ☂").unwrap();
        let pid = s
            .write(|tx| {
                tx.add_pilot(
                    &PilotFields {
                        name: "P".into(),
                        ..Default::default()
                    },
                    &[],
                )
            })
            .unwrap();
        let rubric = pb.rubric("readiness").unwrap();
        let scale = pb.scale_of(rubric);
        for (answer, rationale) in [
            ("Red", "no pipeline ☂"),
            ("green", "42"),
            ("yellow", "  drafted\n  twice  "),
        ] {
            let id = s
                .write(|tx| tx.add_score(pid, rubric, scale, "data", answer, rationale))
                .unwrap();
            let event: String = s
                .conn()
                .query_row(
                    "SELECT digest FROM audit_events WHERE entity = 'score' AND entity_id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(Some(event), row_digest(s.conn(), &SCORE, id).unwrap());
        }
    }

    #[test]
    fn a_row_hashed_as_read_equals_its_fields_hashed() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a, b, c, d, e);
             INSERT INTO t VALUES (7, 'Zoë ☂', 42, 2.5, NULL, x'00ff');
             INSERT INTO t VALUES (8, '', -1, 1e300, 'x', CAST(x'c328' AS TEXT));",
        )
        .unwrap();
        let t = Table {
            entity: "thing",
            table: "t",
            key: "id",
            cols: &["a", "b", "c", "d", "e"],
            pilot_col: None,
            noun: "thing",
            label_col: None,
        };
        let mut stmt = c.prepare(&select_sql(&t, false)).unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut n = 0;
        while let Some(r) = rows.next().unwrap() {
            let (key, fields) = read_row(&t, r).unwrap();
            assert_eq!(digest_of_row(&t, r).unwrap(), (key, digest(&t, &fields)));
            n += 1;
        }
        assert_eq!(n, 2);
    }
}
