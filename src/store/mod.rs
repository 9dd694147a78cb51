//! Storage: every SQL statement lives under this folder. A [`Store`] is one
//! connection to one database file; every write runs in a `BEGIN IMMEDIATE`
//! transaction ([`Store::write`]) that records audit events with the actor.

mod audit;
mod checklist;
mod decisions;
mod exchange;
mod gates;
mod metrics;
pub mod migrate;
mod open;
mod owners;
mod people;
mod pilots;
mod portfolio;
mod scores;
mod ui_queries;

pub use audit::{verify_chains, ChainReport, GENESIS};
pub use decisions::DecisionFilter;
pub use open::{busy_timeout, OpenMode, BUSY_TIMEOUT};
pub use pilots::PilotNameKeys;
pub use portfolio::{candidate_facts, PilotRow, Programme};

use crate::{Error, Result};
use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use std::path::{Path, PathBuf};

/// The schema this build writes (PRAGMA user_version).
pub const SCHEMA_VERSION: i64 = 2;
/// `PRAGMA application_id` of a lastmile file ("LMIL").
pub const APPLICATION_ID: i64 = 0x4c4d_494c;
/// The canonical schema, applied to a new file.
pub const SCHEMA_SQL: &str = include_str!("../../schema.sql");

/// One open database file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
    actor: String,
    /// Where today and the time of each change come from.
    clock: crate::clock::Clock,
    /// Which file `path` named when it was opened (device, inode), to
    /// notice it being deleted or replaced underneath.
    file_id: Option<(u64, u64)>,
}

/// A write transaction. Every change made through it is audited with the
/// store's actor; it commits only when the closure given to
/// [`Store::write`] returns `Ok`.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    actor: &'a str,
    path: &'a Path,
    now: String,
    today: chrono::NaiveDate,
    last_audit_hash: Option<String>,
}

impl Store {
    /// The database file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The clock programme dates come from.
    pub fn clock(&self) -> crate::clock::Clock {
        self.clock
    }

    /// Use another clock from now on (a pinned date in tests and demos).
    pub fn set_clock(&mut self, clock: crate::clock::Clock) {
        self.clock = clock;
    }

    /// Today, by the store's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// Who is acting (recorded in audit events).
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Change who is acting.
    pub fn set_actor(&mut self, actor: &str) {
        self.actor = crate::text::sanitize(actor.trim());
    }

    /// Run `f` in one `BEGIN IMMEDIATE` transaction: all of it or none.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        if self.read_only {
            return Err(read_only_error(&self.path));
        }
        let path = self.path.clone();
        let file_id = self.file_id;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map_sql(&path, e))?;
        let mut w = Tx {
            tx,
            actor: &self.actor,
            path: &self.path,
            now: self.clock.now_utc(),
            today: self.clock.today(),
            last_audit_hash: None,
        };
        let out = f(&mut w)?;
        // In WAL mode SQLite would happily commit into a file that has been
        // deleted or replaced since it was opened, and the change would be
        // lost; refuse instead (the transaction rolls back on drop).
        if file_id.is_some() && file_identity(&path) != file_id {
            drop(w);
            self.release_moved_wal();
            return Err(moved_error(&path));
        }
        w.tx.commit().map_err(|e| map_sql(&path, e))?;
        Ok(out)
    }

    /// Give this connection a large page cache for one big write (demo and
    /// import loads), so a long transaction does not spill to the WAL page
    /// by page.
    pub fn use_bulk_cache(&mut self) -> Result<()> {
        self.conn
            .pragma_update(None, "cache_size", -262_144)
            .map_err(|e| self.err(e))
    }

    /// The file at our path is no longer the one we opened: empty our WAL
    /// into the file we have open. SQLite skips that on close for a moved
    /// file and leaves the WAL next to the path, where the file now there
    /// would take its pages for its own.
    fn release_moved_wal(&self) {
        if !self.read_only {
            let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
        }
    }

    /// `PRAGMA data_version`: changes when another connection commits.
    pub fn data_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// SQLite's own integrity check; `Ok(())` or the first problems found.
    pub fn integrity_check(&self) -> Result<std::result::Result<(), Vec<String>>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check").map_err(|e| self.err(e))?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))?;
        Ok(if rows.len() == 1 && rows[0] == "ok" {
            Ok(())
        } else {
            Err(rows)
        })
    }

    /// Copy the database to `dest` with SQLite's online backup API, safe
    /// while other processes write.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(Error::invalid(format!(
                "{} already exists: choose a new file name for the backup",
                dest.display()
            )));
        }
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
        }
        let mut out =
            Connection::open(dest).map_err(|e| Error::Io(format!("cannot create backup {}: {e}", dest.display())))?;
        let copied = self.copy_into(&mut out, dest);
        drop(out);
        if copied.is_err() {
            // Leave no half-written copy that could pass for a backup.
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let mut p = dest.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
        }
        copied
    }

    fn copy_into(&self, out: &mut Connection, dest: &Path) -> Result<()> {
        let backup = rusqlite::backup::Backup::new(&self.conn, out).map_err(|e| self.err(e))?;
        // All pages in one step, inside one read transaction: a copy made in
        // several steps starts over whenever another process commits, so
        // under steady writing it would never finish. In WAL mode the read
        // transaction does not hold writers up.
        let deadline = std::time::Instant::now() + busy_timeout();
        loop {
            match backup.step(-1).map_err(|e| map_sql(dest, e))? {
                rusqlite::backup::StepResult::Done => return Ok(()),
                _ if std::time::Instant::now() >= deadline => {
                    return Err(Error::Busy(format!(
                        "{} stayed locked by another program for too long: no backup was made; try again in a moment",
                        self.path.display()
                    )))
                }
                _ => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
    }

    /// Map a SQLite error on this store to a readable one.
    pub(crate) fn err(&self, e: rusqlite::Error) -> Error {
        map_sql(&self.path, e)
    }

    /// The raw connection, for this crate's store modules and tests only.
    #[doc(hidden)]
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if self.file_id.is_some() && file_identity(&self.path) != self.file_id {
            self.release_moved_wal();
        }
    }
}

impl<'a> Tx<'a> {
    /// The time stamped on this transaction's changes.
    pub fn now(&self) -> &str {
        &self.now
    }

    /// Today, by the store's clock (decision dates default to it).
    pub fn today(&self) -> chrono::NaiveDate {
        self.today
    }

    /// Stamp changes with another time (used to build demo history); the
    /// transaction's today moves to that time's date.
    pub fn set_now(&mut self, at: String) {
        if let Some(d) = gates::date_of(&at) {
            self.today = d;
        }
        self.now = at;
    }

    /// The actor recorded on changes.
    pub fn actor(&self) -> &str {
        self.actor
    }

    pub(crate) fn err(&self, e: rusqlite::Error) -> Error {
        map_sql(self.path, e)
    }

    pub(crate) fn conn(&self) -> &rusqlite::Transaction<'a> {
        &self.tx
    }
}

/// (device, inode) of the file at `path`, if there is one.
pub(crate) fn file_identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn moved_error(path: &Path) -> Error {
    Error::Storage(format!(
        "{} was moved or deleted while lastmile had it open: nothing more was saved; reopen the file",
        path.display()
    ))
}

fn read_only_error(path: &Path) -> Error {
    Error::ReadOnly(format!(
        "{} is read-only, so nothing was changed: make it writable (chmod u+w) or work on a copy",
        path.display()
    ))
}

/// Turn a SQLite error into one sentence naming the file and the fix.
pub(crate) fn map_sql(path: &Path, e: rusqlite::Error) -> Error {
    let p = path.display();
    if let rusqlite::Error::SqliteFailure(f, ref msg) = e {
        let detail = msg.clone().unwrap_or_else(|| f.to_string());
        return match f.code {
            ErrorCode::ReadOnly if f.extended_code == rusqlite::ffi::SQLITE_READONLY_DBMOVED => moved_error(path),
            ErrorCode::ReadOnly => read_only_error(path),
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Error::Busy(format!(
                "{p} stayed locked by another program for too long: nothing was changed; try again in a moment"
            )),
            ErrorCode::DiskFull => Error::DiskFull(format!(
                "the disk holding {p} is full: nothing was changed; free some space and try again"
            )),
            ErrorCode::NotADatabase => Error::Storage(format!(
                "{p} is not a lastmile database (not an SQLite file): pass another file with --db"
            )),
            ErrorCode::DatabaseCorrupt => Error::Storage(format!(
                "{p} is damaged ({detail}): restore it from a backup ('lastmile backup' makes one)"
            )),
            ErrorCode::CannotOpen => Error::Storage(format!(
                "cannot open {p} ({detail}): check the path and its permissions"
            )),
            ErrorCode::SystemIoFailure => {
                Error::Storage(format!("reading or writing {p} failed ({detail}): check the disk"))
            }
            _ => Error::Storage(format!("database error on {p}: {detail}")),
        };
    }
    Error::Storage(format!("database error on {p}: {e}"))
}
