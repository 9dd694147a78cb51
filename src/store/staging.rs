//! A long import without a long lock: its rows are staged.
//!
//! SQLite lets one writer in at a time, so an import of 100,000 rows in one
//! transaction would keep every other writer out for its whole length. An
//! import instead runs as a *staging run*: it adds its pilots (and the
//! people they name) in short transactions of a few hundred rows, each
//! recorded in `staged_pilots` / `staged_people`; every reader leaves
//! those rows out ([`LIVE_PILOT`], [`LIVE_PERSON`]). When every row is in,
//! one short transaction publishes them all (it deletes the lists); if the
//! import fails, or its process dies, the run is abandoned: its rows are
//! deleted, a few hundred at a time, and an audit event per batch lists
//! them, so the trail (which recorded their creation) still matches the
//! file and `verify` holds. Either way nobody ever sees part of an import.
//!
//! Between two batches the importer lets waiting writers in first (see
//! [`super::busy`]), so a save in another terminal waits at most one batch.

use super::{Store, Tx};
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension};

/// SQL: `p.id` `LIVE_PILOT` keeps only pilots that are not staged.
pub(crate) const LIVE_PILOT: &str = "NOT IN (SELECT pilot_id FROM staged_pilots)";
/// SQL: `id` `LIVE_PERSON` keeps only people who are not staged.
pub(crate) const LIVE_PERSON: &str = "NOT IN (SELECT person_id FROM staged_people)";

/// Staged rows an abandoned run deletes per transaction.
const DELETE_BATCH: usize = 500;

/// The audit entity of an abandoned run's deletions (`verify` reads it).
pub(crate) const ENTITY: &str = "staging";
/// Its field.
pub(crate) const ABANDONED: &str = "abandoned";

/// A staging run that is no longer running: its process is gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleRun {
    pub id: i64,
    pub what: String,
    pub actor: String,
    pub started_at: String,
    pub pilots: i64,
}

/// Ids as compact ranges: "3-7,9".
pub(crate) fn ranges(ids: &[i64]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < ids.len() {
        let start = ids[i];
        let mut end = start;
        while i + 1 < ids.len() && ids[i + 1] == end + 1 {
            i += 1;
            end = ids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
        i += 1;
    }
    out
}

/// The ids [`ranges`] wrote (malformed parts are skipped).
pub(crate) fn parse_ranges(s: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                if let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) {
                    out.extend(a..=b.min(a.saturating_add(10_000_000)));
                }
            }
            None => out.extend(part.parse::<i64>().ok()),
        }
    }
    out
}

/// An abandoned run's event value: "pilots 3-7,9; people 4".
pub(crate) fn abandoned_value(pilots: &[i64], people: &[i64]) -> String {
    format!("pilots {}; people {}", ranges(pilots), ranges(people))
}

/// The pilot and person ids an abandoned run's event lists.
pub(crate) fn parse_abandoned(v: &str) -> (Vec<i64>, Vec<i64>) {
    let mut pilots = Vec::new();
    let mut people = Vec::new();
    for part in v.split(';').map(str::trim) {
        if let Some(r) = part.strip_prefix("pilots ") {
            pilots = parse_ranges(r);
        } else if let Some(r) = part.strip_prefix("people ") {
            people = parse_ranges(r);
        }
    }
    (pilots, people)
}

impl Store {
    /// Start a staging run for `what` ("an import of 3000 rows from
    /// pilots.csv"). Runs a stale run's process left behind are abandoned
    /// first.
    pub fn stage_begin(&mut self, what: &str) -> Result<i64> {
        for run in self.stale_runs()? {
            self.stage_abandon(run.id)?;
        }
        let pid = std::process::id();
        self.write(|tx| {
            let (now, actor) = (tx.now.clone(), tx.actor.to_string());
            tx.conn()
                .execute(
                    "INSERT INTO staging_runs (pid, actor, what, started_at) VALUES (?1, ?2, ?3, ?4)",
                    params![pid, actor, what, now],
                )
                .map_err(|e| tx.err(e))?;
            Ok(tx.conn().last_insert_rowid())
        })
    }

    /// A write whose new pilots and people are staged under `run`. SQLite
    /// checks each reference as it is written ([`Store::write_bulk`]'s one
    /// check at the end reads the whole file, too much once per batch).
    pub fn write_staged<T>(&mut self, run: i64, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.write(|tx| {
            tx.staging = Some(run);
            let out = f(tx);
            tx.staging = None;
            out
        })
    }

    /// Publish `run`: in one transaction, `f` (the rest of the import) and
    /// then every staged row becomes visible.
    pub fn stage_publish<T>(&mut self, run: i64, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.write(|tx| {
            let live: Option<i64> = tx
                .conn()
                .query_row("SELECT id FROM staging_runs WHERE id = ?1", [run], |r| r.get(0))
                .optional()
                .map_err(|e| tx.err(e))?;
            if live.is_none() {
                return Err(Error::Storage(
                    "the import's staged rows were removed by another lastmile (its process was taken for dead); nothing was imported: import again".into(),
                ));
            }
            let out = f(tx)?;
            tx.conn()
                .execute_batch(&format!(
                    "DELETE FROM staged_pilots WHERE run_id = {run};
                     DELETE FROM staged_people WHERE run_id = {run};
                     DELETE FROM staging_runs WHERE id = {run};"
                ))
                .map_err(|e| tx.err(e))?;
            Ok(out)
        })
    }

    /// Abandon `run`: delete its staged rows, a batch per transaction, each
    /// batch recorded in the audit trail. A staged person someone has
    /// since named elsewhere is kept (published). Returns the pilots
    /// removed.
    pub fn stage_abandon(&mut self, run: i64) -> Result<usize> {
        let mut removed = 0;
        loop {
            let done = self.write(|tx| {
                let pilots: Vec<i64> = tx
                    .conn()
                    .prepare("SELECT pilot_id FROM staged_pilots WHERE run_id = ?1 ORDER BY pilot_id LIMIT ?2")
                    .and_then(|mut s| s.query_map(params![run, DELETE_BATCH], |r| r.get(0))?.collect())
                    .map_err(|e| tx.err(e))?;
                let people: Vec<i64> = if pilots.is_empty() {
                    tx.conn()
                        .prepare("SELECT person_id FROM staged_people WHERE run_id = ?1 ORDER BY person_id LIMIT ?2")
                        .and_then(|mut s| s.query_map(params![run, DELETE_BATCH], |r| r.get(0))?.collect())
                        .map_err(|e| tx.err(e))?
                } else {
                    Vec::new()
                };
                if pilots.is_empty() && people.is_empty() {
                    tx.conn()
                        .execute("DELETE FROM staging_runs WHERE id = ?1", [run])
                        .map_err(|e| tx.err(e))?;
                    return Ok((0, true));
                }
                for id in &pilots {
                    tx.conn()
                        .execute("DELETE FROM pilots WHERE id = ?1", [id])
                        .map_err(|e| tx.err(e))?;
                }
                let mut gone = Vec::new();
                for id in &people {
                    tx.conn()
                        .execute("DELETE FROM staged_people WHERE person_id = ?1", [id])
                        .map_err(|e| tx.err(e))?;
                    // A person another row now names stays (published).
                    let sp = tx.conn().execute_batch("SAVEPOINT person");
                    sp.map_err(|e| tx.err(e))?;
                    match tx.conn().execute("DELETE FROM people WHERE id = ?1", [id]) {
                        Ok(_) => {
                            tx.conn().execute_batch("RELEASE person").map_err(|e| tx.err(e))?;
                            gone.push(*id);
                        }
                        Err(_) => {
                            tx.conn()
                                .execute_batch("ROLLBACK TO person; RELEASE person")
                                .map_err(|e| tx.err(e))?;
                        }
                    }
                }
                let value = abandoned_value(&pilots, &gone);
                tx.audit(ENTITY, run, None, ABANDONED, None, Some(&value))?;
                Ok((pilots.len(), false))
            })?;
            removed += done.0;
            if done.1 {
                return Ok(removed);
            }
        }
    }

    /// Staging runs whose process is gone (a crash, a kill, a closed
    /// terminal): their rows wait, hidden, to be removed.
    pub fn stale_runs(&self) -> Result<Vec<StaleRun>> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT r.id, r.pid, r.what, r.actor, r.started_at,
                        (SELECT count(*) FROM staged_pilots s WHERE s.run_id = r.id)
                 FROM staging_runs r ORDER BY r.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, u32>(1)?,
                    StaleRun {
                        id: r.get(0)?,
                        what: r.get(2)?,
                        actor: r.get(3)?,
                        started_at: r.get(4)?,
                        pilots: r.get(5)?,
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (pid, run) = row.map_err(|e| self.err(e))?;
            if !super::busy::alive(pid) {
                out.push(run);
            }
        }
        Ok(out)
    }
}

impl Tx<'_> {
    /// Record a pilot this transaction added as staged, when it is part of
    /// a staging run.
    pub(crate) fn stage_pilot(&mut self, id: i64) -> Result<()> {
        let Some(run) = self.staging else { return Ok(()) };
        self.conn()
            .prepare_cached("INSERT INTO staged_pilots (pilot_id, run_id) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute([id, run]))
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The same for a person.
    pub(crate) fn stage_person(&mut self, id: i64) -> Result<()> {
        let Some(run) = self.staging else { return Ok(()) };
        self.conn()
            .prepare_cached("INSERT INTO staged_people (person_id, run_id) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute([id, run]))
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The import holding a staged pilot's name, if the name is staged:
    /// "an import of … by … (since …)".
    pub(crate) fn staged_holder_of_pilot(&self, name_key: &str) -> Result<Option<String>> {
        self.conn()
            .prepare_cached(
                "SELECT r.what, r.actor, r.started_at FROM pilots p
                 JOIN staged_pilots s ON s.pilot_id = p.id JOIN staging_runs r ON r.id = s.run_id
                 WHERE name_key(p.name) = ?1 LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row([name_key], |r| {
                    let since: String = r.get(2)?;
                    let time = since.get(11..16).unwrap_or(&since).to_string();
                    Ok(format!(
                        "{} by {} (since {time} UTC)",
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?
                    ))
                })
                .optional()
            })
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_ranges() {
        let ids = vec![1, 2, 3, 7, 9, 10];
        assert_eq!(ranges(&ids), "1-3,7,9-10");
        assert_eq!(parse_ranges(&ranges(&ids)), ids);
        assert_eq!(parse_abandoned(&abandoned_value(&ids, &[4])), (ids, vec![4]));
        assert_eq!(parse_abandoned(&abandoned_value(&[], &[])), (vec![], vec![]));
    }
}
