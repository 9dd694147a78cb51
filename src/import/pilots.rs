//! Importing a pilot inventory kept in a spreadsheet (CSV).
//!
//! The rules (also in `docs/exports.md`):
//!
//! * Columns are matched by header name, case-insensitively and ignoring
//!   spaces, underscores and punctuation; each field has a few accepted
//!   aliases ([`COLUMNS`]). `name` is required, every other column is
//!   optional; unknown columns are reported and ignored.
//! * UTF-8 with or without a byte-order mark; CRLF or LF line ends; quoted
//!   cells may hold separators, quotes (doubled) and newlines. The separator
//!   is detected from the header line: comma, semicolon (as spreadsheets in
//!   many locales save) or tab; an Excel `sep=;` first line is honoured.
//! * Rows are matched to pilots by name (case-insensitive). A new name adds
//!   a pilot (with its checklist from the playbook); an existing pilot gets
//!   only the cells that are present and non-empty, so a blank cell never
//!   erases anything, and the stored name keeps its spelling.
//! * A row that cannot be used (no name, an unknown sector, a name that is
//!   already on an earlier row, ...) is rejected with its row number and the
//!   reason, and the other rows are still imported. A problem with the file
//!   itself (not CSV, binary, empty, no name column, too big, an unclosed
//!   quote) refuses the whole file. Either way all of the import's changes
//!   are saved, or none: new pilots go in staged, a few hundred per short
//!   transaction and hidden from every reader, and one short transaction
//!   then makes the updates and publishes them (`store::staging`); a
//!   failure removes what was staged. Other writers get in between the
//!   batches, so nobody waits long for an import.
//! * Importing the same file again changes nothing.
//!
//! This module plans and applies the changes; reading the file is in
//! `csv_text`, the columns in `columns`, a row's cells in `rows` and the
//! report in `report` (their public items are re-exported here).

pub use super::columns::{field_for_header, normalise_header, parse_sector, parse_status, Field, COLUMNS};
pub use super::csv_text::{read_text, MAX_FILE_BYTES, MAX_ROWS};
pub use super::report::{ImportReport, Rejection, RowResult};

use super::columns::TEXT_FIELDS;
use super::csv_text::{parse_table, Table};
use super::rows::read_row;
use crate::domain::model::{Owner, Person, Pilot, PilotFields, Role};
use crate::playbook::Playbook;
use crate::store::{Store, Tx};
use crate::text::sanitize;
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// Rows match pilots and people the way names are kept unique: by
/// [`crate::text::name_key`] (case and accent encoding ignored).
fn key(name: &str) -> String {
    crate::text::name_key(name)
}

fn texts_mut(f: &mut PilotFields) -> [&mut String; 6] {
    [
        &mut f.business_unit,
        &mut f.business_case,
        &mut f.data_sources,
        &mut f.model_class,
        &mut f.integration_footprint,
        &mut f.governance_posture,
    ]
}

/// One change to make.
#[derive(Debug)]
enum Step {
    Add {
        row: usize,
        fields: PilotFields,
        owners: [Option<String>; 4],
    },
    Update {
        row: usize,
        id: i64,
        revision: i64,
        fields: Option<PilotFields>,
        /// (role, person name, revision of the owner row replaced)
        owners: Vec<(Role, String, Option<i64>)>,
    },
}

/// The report and the steps that produce it, from the rows and the
/// database's current contents.
fn plan(
    playbook: &Playbook,
    table: &Table,
    snapshot: &(Vec<Pilot>, Vec<Person>, Vec<(i64, Owner)>),
) -> (ImportReport, Vec<Step>) {
    let (pilots, people, owners) = snapshot;
    let by_name: HashMap<String, &Pilot> = pilots.iter().map(|p| (key(&p.name), p)).collect();
    let mut person_known: HashMap<String, String> = people.iter().map(|p| (key(&p.name), p.name.clone())).collect();
    let mut owner_of: HashMap<(i64, Role), &Owner> = HashMap::new();
    for (pid, o) in owners {
        owner_of.insert((*pid, o.role), o);
    }
    let mut report = ImportReport {
        delimiter: table.delimiter as char,
        columns: table.used.clone(),
        unknown_columns: table.unknown.clone(),
        rows: table.records.len(),
        blank_rows: table.blank_rows,
        ..Default::default()
    };
    let mut steps = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let mut note_people = |names: &[Option<String>], report: &mut ImportReport| {
        for n in names.iter().flatten() {
            if let std::collections::hash_map::Entry::Vacant(slot) = person_known.entry(key(n)) {
                slot.insert(n.clone());
                report.people_added.push(n.clone());
            }
        }
    };
    for (row, cells) in &table.records {
        let w = match read_row(playbook, table, *row, cells) {
            Ok(w) => w,
            Err(reason) => {
                report.rejected.push(Rejection { row: *row, reason });
                continue;
            }
        };
        if let Some(first) = first_row.get(&key(&w.name)) {
            report.rejected.push(Rejection {
                row: w.row,
                reason: format!("pilot '{}' is already on row {first}: keep one row per pilot", w.name),
            });
            continue;
        }
        first_row.insert(key(&w.name), w.row);
        match by_name.get(&key(&w.name)) {
            None => {
                let mut fields = PilotFields {
                    name: w.name.clone(),
                    sector: w.sector.or_else(|| Some(playbook.default_sector())),
                    status: w.status,
                    ..Default::default()
                };
                for (slot, v) in texts_mut(&mut fields).into_iter().zip(&w.texts) {
                    if let Some(v) = v {
                        slot.clone_from(v);
                    }
                }
                note_people(&w.owners, &mut report);
                report.added.push(RowResult {
                    row: w.row,
                    pilot: w.name.clone(),
                    changed: Vec::new(),
                });
                steps.push(Step::Add {
                    row: w.row,
                    fields,
                    owners: w.owners,
                });
            }
            Some(p) => {
                let mut changed = Vec::new();
                let mut fields = p.fields();
                for ((slot, v), f) in texts_mut(&mut fields).into_iter().zip(&w.texts).zip(TEXT_FIELDS) {
                    if let Some(v) = v {
                        if slot != v {
                            slot.clone_from(v);
                            changed.push(f.header());
                        }
                    }
                }
                if let Some(s) = w.sector.clone().filter(|s| *s != p.sector) {
                    fields.sector = Some(s);
                    changed.push(Field::Sector.header());
                }
                if let Some(s) = w.status.filter(|s| *s != p.status) {
                    fields.status = Some(s);
                    changed.push(Field::Status.header());
                }
                let fields_changed = !changed.is_empty();
                let mut owner_steps = Vec::new();
                for role in Role::ALL {
                    let Some(name) = &w.owners[role.index()] else { continue };
                    let current = owner_of.get(&(p.id, *role));
                    if current.is_some_and(|o| key(&o.person) == key(name)) {
                        continue;
                    }
                    owner_steps.push((*role, name.clone(), current.map(|o| o.revision)));
                    let header = [
                        Field::ProductOwner,
                        Field::PlatformOwner,
                        Field::GovernanceOwner,
                        Field::BusinessOwner,
                    ][role.index()]
                    .header();
                    changed.push(header);
                }
                note_people(&w.owners, &mut report);
                let result = RowResult {
                    row: w.row,
                    pilot: p.name.clone(),
                    changed,
                };
                if result.changed.is_empty() {
                    report.unchanged.push(result);
                } else {
                    report.updated.push(result);
                    steps.push(Step::Update {
                        row: w.row,
                        id: p.id,
                        revision: p.revision,
                        fields: fields_changed.then_some(fields),
                        owners: owner_steps,
                    });
                }
            }
        }
    }
    // Only people an applied row names are added.
    let named: std::collections::HashSet<String> = steps
        .iter()
        .flat_map(|s| match s {
            Step::Add { owners, .. } => owners.iter().flatten().map(|n| key(n)).collect::<Vec<_>>(),
            Step::Update { owners, .. } => owners.iter().map(|(_, n, _)| key(n)).collect(),
        })
        .collect();
    report.people_added.retain(|n| named.contains(&key(n)));
    (report, steps)
}

/// New pilots per staged transaction: about a tenth of a second of
/// writing on this project's machine, so a save in another terminal waits
/// at most that long (see `store::staging`).
pub const ROWS_PER_BATCH: usize = 200;

/// What applying the steps keeps from one transaction to the next.
struct Applier {
    items: Vec<crate::playbook::ItemTemplate>,
    /// Pilot names, read once in the first transaction (a concurrent add
    /// of a name is caught by the unique index, or by the check at publish).
    names: Option<crate::store::PilotNameKeys>,
    person_id: HashMap<String, i64>,
}

impl Applier {
    fn new(playbook: &Playbook, people: &[Person]) -> Self {
        Applier {
            items: playbook.items(),
            names: None,
            person_id: people.iter().map(|p| (key(&p.name), p.id)).collect(),
        }
    }

    fn person(&mut self, tx: &mut Tx<'_>, name: &str) -> Result<i64> {
        if let Some(id) = self.person_id.get(&key(name)) {
            return Ok(*id);
        }
        let id = tx.add_person(name, "")?;
        self.person_id.insert(key(name), id);
        Ok(id)
    }

    fn apply(&mut self, tx: &mut Tx<'_>, steps: &[&Step]) -> Result<()> {
        if self.names.is_none() {
            // New names are checked against a set built once, not a scan per row.
            self.names = Some(tx.pilot_name_keys()?);
        }
        for step in steps {
            let row = match step {
                Step::Add { row, .. } | Step::Update { row, .. } => *row,
            };
            let result = (|| -> Result<()> {
                match step {
                    Step::Add { fields, owners, .. } => {
                        let names = self.names.as_mut().expect("read above");
                        let id = tx.add_pilot_bulk(fields, &self.items, &[], names)?;
                        for role in Role::ALL {
                            if let Some(name) = &owners[role.index()] {
                                let who = self.person(tx, name)?;
                                tx.assign_owner(id, *role, who, None)?;
                            }
                        }
                    }
                    Step::Update {
                        id,
                        revision,
                        fields,
                        owners,
                        ..
                    } => {
                        if let Some(f) = fields {
                            tx.update_pilot(*id, *revision, f)?;
                        }
                        for (role, name, seen) in owners {
                            let who = self.person(tx, name)?;
                            tx.assign_owner(*id, *role, who, *seen)?;
                        }
                    }
                }
                Ok(())
            })();
            result
                .map_err(|e| Error::invalid(format!("row {row} could not be imported ({e}); nothing was imported")))?;
        }
        Ok(())
    }
}

/// Import pilots from the CSV file at `path` (see the module documentation
/// for the rules). With `dry_run`, nothing is written and the report says
/// what would happen. A file-level problem is an error and changes nothing.
pub fn import_csv(store: &mut Store, playbook: &Playbook, path: &Path, dry_run: bool) -> Result<ImportReport> {
    let shown = sanitize(&path.display().to_string());
    let text = read_text(path)?;
    let table = parse_table(&shown, &text)?;
    drop(text);
    let file = path
        .file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().to_string());
    if dry_run {
        let snapshot = store.import_snapshot()?;
        let (mut report, _) = plan(playbook, &table, &snapshot);
        report.file = file;
        report.dry_run = true;
        return Ok(report);
    }
    let what = format!("an import of {} rows from {file}", table.records.len());
    let _note = store.announce_batched(&what)?;
    // Plan from what the file holds now, outside any write: updates carry
    // the revision they saw, so a pilot changed meanwhile is a conflict.
    let snapshot = store.import_snapshot()?;
    let (mut report, steps) = plan(playbook, &table, &snapshot);
    report.file = file;
    if !report.changes() {
        return Ok(report);
    }
    let mut applier = Applier::new(playbook, &snapshot.1);
    let adds: Vec<&Step> = steps.iter().filter(|s| matches!(s, Step::Add { .. })).collect();
    let updates: Vec<&Step> = steps.iter().filter(|s| matches!(s, Step::Update { .. })).collect();
    // New pilots go in staged, a batch per transaction, hidden from every
    // reader; one short transaction then makes the updates and publishes
    // them. A failure removes what was staged: all or nothing.
    let run = store.stage_begin(&what)?;
    let result = (|| -> Result<()> {
        for batch in adds.chunks(ROWS_PER_BATCH) {
            store.write_staged(run, |tx| applier.apply(tx, batch))?;
            store.let_waiting_writers_in();
        }
        store.stage_publish(run, |tx| {
            // Made here, not in a staged batch: a failed import must not
            // leave the programme checklist behind.
            tx.ensure_programme_items(&playbook.programme_items())?;
            applier.apply(tx, &updates)?;
            if let Some(twins) = tx.duplicate_pilot_name()? {
                return Err(Error::invalid(format!(
                    "'{}' was added in another terminal while the import ran; nothing was imported: import again",
                    sanitize(&twins)
                )));
            }
            let summary = format!("{}: {}", report.file, report.counts());
            tx.audit("import", 0, None, "pilots", None, Some(&summary))
        })
    })();
    if let Err(e) = result {
        // Best effort: a run left behind is removed by the next import.
        let _ = store.stage_abandon(run);
        return Err(e);
    }
    Ok(report)
}
