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
use crate::domain::staged_ids::ids_value;
pub(crate) use crate::domain::staged_ids::{StagedSoFar, CLOSED, PUBLISHED, STAGED};
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension};

/// SQL: `p.id` `LIVE_PILOT` keeps only pilots that are not staged.
pub(crate) const LIVE_PILOT: &str = "NOT IN (SELECT pilot_id FROM staged_pilots)";
/// SQL: `id` `LIVE_PERSON` keeps only people who are not staged.
pub(crate) const LIVE_PERSON: &str = "NOT IN (SELECT person_id FROM staged_people)";

/// Staged rows an abandoned run deletes per transaction.
const DELETE_BATCH: usize = 500;

/// The audit entity of a staging run's events (`verify` reads them).
pub(crate) const ENTITY: &str = "staging";
/// A batch of an abandoned run's rows was deleted: only rows the trail
/// shows the same run staging count as removed.
pub(crate) const REMOVED: &str = "removed";
/// Rows listed as staged that the trail does not show the run staging
/// (listed behind lastmile's back) were put back in view, not deleted.
pub(crate) const RELEASED: &str = "released";
/// Schema 7's first build recorded deletions under this field, without
/// the staged events (read as it wrote them).
pub(crate) const ABANDONED: &str = "abandoned";

/// Whether the run with this `pid` column is no longer going on: its
/// importer (a positive pid) or its remover (a negative one: the process
/// removing it) is gone.
fn stopped(pid: i64) -> bool {
    match u32::try_from(pid.unsigned_abs()) {
        Ok(p) if p != 0 => !super::busy::alive(p),
        _ => true,
    }
}

/// A staging run that is no longer running: its process is gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleRun {
    pub id: i64,
    pub what: String,
    pub actor: String,
    pub started_at: String,
    pub pilots: i64,
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

    /// Refuse to go on with `run` once it is no longer this process's:
    /// another lastmile took it for stopped and is removing it.
    fn still_mine(tx: &Tx<'_>, run: i64) -> Result<()> {
        if run_pid(tx, run)? == Some(i64::from(std::process::id())) {
            return Ok(());
        }
        Err(Error::Storage(
            "the import's staged rows were removed by another lastmile (it took this import for stopped); nothing was imported: import again".into(),
        ))
    }

    /// A write whose new pilots and people are staged under `run`. SQLite
    /// checks each reference as it is written ([`Store::write_bulk`]'s one
    /// check at the end reads the whole file, too much once per batch).
    pub fn write_staged<T>(&mut self, run: i64, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        // Each multi-row insert of a checklist keeps a statement journal;
        // in a temporary file that was a third of an import's time.
        self.conn
            .pragma_update(None, "temp_store", "MEMORY")
            .map_err(|e| self.err(e))?;
        let out = self.write_staged_batch(run, f);
        let restored = self
            .conn
            .pragma_update(None, "temp_store", "DEFAULT")
            .map_err(|e| self.err(e));
        let out = out?;
        restored?;
        Ok(out)
    }

    fn write_staged_batch<T>(&mut self, run: i64, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.write(|tx| {
            Self::still_mine(tx, run)?;
            tx.staging = Some(run);
            tx.staged = (Vec::new(), Vec::new());
            let out = f(tx);
            tx.staging = None;
            let out = out?;
            // The trail names what the run staged, so only those rows can
            // ever be removed with it (see `verify`).
            let (pilots, people) = std::mem::take(&mut tx.staged);
            if !pilots.is_empty() || !people.is_empty() {
                tx.audit(ENTITY, run, None, STAGED, None, Some(&ids_value(&pilots, &people)))?;
            }
            Ok(out)
        })
    }

    /// Publish `run`: in one transaction, `f` (the rest of the import) and
    /// then every staged row becomes visible.
    pub fn stage_publish<T>(&mut self, run: i64, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.write(|tx| {
            Self::still_mine(tx, run)?;
            let out = f(tx)?;
            // The run ends: what it staged no longer counts for its id.
            tx.audit(ENTITY, run, None, PUBLISHED, None, None)?;
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
    /// batch recorded in the audit trail. The first transaction takes the
    /// run from its import, which can then neither stage more nor publish.
    /// Only rows the trail shows this run staging are deleted; a row
    /// listed as staged behind lastmile's back is put back in view. A
    /// staged person someone has since named elsewhere is kept
    /// (published). Returns the pilots removed.
    pub fn stage_abandon(&mut self, run: i64) -> Result<usize> {
        let me = i64::from(std::process::id());
        // Taken in one write: this process's own run, or one whose
        // importer (or last remover) is gone; never a run going on.
        let taken = self.write(|tx| {
            match run_pid(tx, run)? {
                // Its own run, its own removal stopped half-way (the
                // workbench lives on after a failed import), or a run whose
                // importer or remover is gone.
                Some(pid) if pid == me || pid == -me || stopped(pid) => {}
                _ => return Ok(None),
            }
            tx.conn()
                .execute("UPDATE staging_runs SET pid = ?2 WHERE id = ?1", params![run, -me])
                .map_err(|e| tx.err(e))?;
            staged_by_run(tx.conn(), run).map(Some).map_err(|e| tx.err(e))
        })?;
        let Some(staged) = taken else {
            return Ok(0);
        };
        let mut ended = !staged.is_empty();
        let mut removed = 0;
        loop {
            let done = self.write(|tx| {
                // Another lastmile that took this process for stopped may
                // have taken the run over: leave it to that one.
                if run_pid(tx, run)? != Some(-me) {
                    return Ok((0, true));
                }
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
                    if ended {
                        tx.audit(ENTITY, run, None, CLOSED, None, None)?;
                    }
                    return Ok((0, true));
                }
                ended = true;
                let (mut gone_pilots, mut kept_pilots) = (Vec::new(), Vec::new());
                for id in &pilots {
                    if staged.pilots.contains(id) {
                        tx.conn()
                            .execute("DELETE FROM pilots WHERE id = ?1", [id])
                            .map_err(|e| tx.err(e))?;
                        gone_pilots.push(*id);
                    } else {
                        tx.conn()
                            .execute("DELETE FROM staged_pilots WHERE pilot_id = ?1", [id])
                            .map_err(|e| tx.err(e))?;
                        kept_pilots.push(*id);
                    }
                }
                let (mut gone, mut kept_people) = (Vec::new(), Vec::new());
                for id in &people {
                    tx.conn()
                        .execute("DELETE FROM staged_people WHERE person_id = ?1", [id])
                        .map_err(|e| tx.err(e))?;
                    if !staged.people.contains(id) {
                        kept_people.push(*id);
                        continue;
                    }
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
                            kept_people.push(*id);
                        }
                    }
                }
                if !gone_pilots.is_empty() || !gone.is_empty() {
                    tx.audit(ENTITY, run, None, REMOVED, None, Some(&ids_value(&gone_pilots, &gone)))?;
                }
                if !kept_pilots.is_empty() || !kept_people.is_empty() {
                    let value = ids_value(&kept_pilots, &kept_people);
                    tx.audit(ENTITY, run, None, RELEASED, None, Some(&value))?;
                }
                Ok((gone_pilots.len(), false))
            })?;
            removed += done.0;
            if done.1 {
                return Ok(removed);
            }
        }
    }

    /// Staging runs whose process is gone (a crash, a kill, a closed
    /// terminal), and this process's own removal stopped half-way: their
    /// rows wait, hidden, to be removed.
    pub fn stale_runs(&self) -> Result<Vec<StaleRun>> {
        // This process's own removal stopped half-way (the workbench lives
        // on after a failed import) is its to finish.
        let me = i64::from(std::process::id());
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
                    r.get::<_, i64>(1)?,
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
            if pid == -me || stopped(pid) {
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
        self.staged.0.push(id);
        Ok(())
    }

    /// The same for a person.
    pub(crate) fn stage_person(&mut self, id: i64) -> Result<()> {
        let Some(run) = self.staging else { return Ok(()) };
        self.conn()
            .prepare_cached("INSERT INTO staged_people (person_id, run_id) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute([id, run]))
            .map_err(|e| self.err(e))?;
        self.staged.1.push(id);
        Ok(())
    }

    /// The import holding a staged pilot's name, if the name is staged:
    /// "an import of … by … (since …)".
    pub(crate) fn staged_holder_of_pilot(&self, name_key: &str) -> Result<Option<String>> {
        holder(
            self.conn(),
            "SELECT r.what, r.actor, r.started_at FROM pilots p
             JOIN staged_pilots s ON s.pilot_id = p.id JOIN staging_runs r ON r.id = s.run_id
             WHERE name_key(p.name) = ?1 LIMIT 1",
            [name_key],
        )
        .map_err(|e| self.err(e))
    }

    /// The import adding the person with this id, if it is staged (in
    /// another run than this transaction's own).
    pub(crate) fn staged_holder_of_person(&self, person_id: i64) -> Result<Option<String>> {
        holder(
            self.conn(),
            "SELECT r.what, r.actor, r.started_at FROM staged_people s JOIN staging_runs r ON r.id = s.run_id
             WHERE s.person_id = ?1 AND s.run_id IS NOT ?2",
            params![person_id, self.staging],
        )
        .map_err(|e| self.err(e))
    }

    /// Refuse a change to a pilot an unfinished import is adding: it is
    /// nobody's to change until the import publishes it (a score or a
    /// decision on it would also keep a failed import from being removed).
    /// The import's own writes may.
    pub(crate) fn refuse_staged(&self, pilot_id: i64) -> Result<()> {
        match staged_holder_of_id(self.conn(), pilot_id, self.staging).map_err(|e| self.err(e))? {
            Some(h) => Err(being_added(pilot_id, &h)),
            None => Ok(()),
        }
    }
}

/// "pilot 7 is being added by an import …": the one error for a staged pilot.
pub(crate) fn being_added(pilot_id: i64, holder: &str) -> Error {
    Error::not_found(format!(
        "pilot {pilot_id} is being added by {holder}, which is not finished yet: it can be opened and changed once the import is done"
    ))
}

/// The import holding the pilot with this id, if it is staged (by another
/// run than `except`).
pub(crate) fn staged_holder_of_id(
    c: &rusqlite::Connection,
    pilot_id: i64,
    except: Option<i64>,
) -> rusqlite::Result<Option<String>> {
    holder(
        c,
        "SELECT r.what, r.actor, r.started_at FROM staged_pilots s JOIN staging_runs r ON r.id = s.run_id
         WHERE s.pilot_id = ?1 AND s.run_id IS NOT ?2",
        params![pilot_id, except],
    )
}

/// The `pid` column of a run: its importer's pid, or minus its remover's.
fn run_pid(tx: &Tx<'_>, run: i64) -> Result<Option<i64>> {
    tx.conn()
        .prepare_cached("SELECT pid FROM staging_runs WHERE id = ?1")
        .and_then(|mut s| s.query_row([run], |r| r.get(0)).optional())
        .map_err(|e| tx.err(e))
}

/// The import a staged row belongs to, as "an import of … by … (since
/// HH:MM UTC)"; `sql` selects its run's what, actor and start.
fn holder(c: &rusqlite::Connection, sql: &str, key: impl rusqlite::Params) -> rusqlite::Result<Option<String>> {
    c.prepare_cached(sql)?
        .query_row(key, |r| {
            let since: String = r.get(2)?;
            let time = since.get(11..16).unwrap_or(&since).to_string();
            Ok(format!(
                "{} by {} (since {time} UTC)",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?
            ))
        })
        .optional()
}

/// What the trail shows `run` staging since a run with its id last ended
/// (one pass over the trail: abandoning is rare).
pub(crate) fn staged_by_run(c: &rusqlite::Connection, run: i64) -> rusqlite::Result<StagedSoFar> {
    let mut stmt =
        c.prepare("SELECT field, new_value FROM audit_events WHERE entity = ?1 AND entity_id = ?2 ORDER BY id")?;
    let mut rows = stmt.query(params![ENTITY, run])?;
    let mut staged = StagedSoFar::default();
    while let Some(r) = rows.next()? {
        staged.apply(r.get_ref(0)?.as_str()?, r.get_ref(1)?.as_str_or_null()?);
    }
    Ok(staged)
}
