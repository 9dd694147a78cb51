//! Storage: every SQL statement lives under this folder. A [`Store`] is one
//! connection to one database file; every write runs in a `BEGIN IMMEDIATE`
//! transaction ([`Store::write`]) that records audit events with the actor.

mod audit;
mod busy;
mod checklist;
mod decisions;
mod exchange;
mod gates;
mod health;
mod metrics;
pub mod migrate;
mod open;
mod owners;
mod people;
mod pilots;
mod portfolio;
mod programme_items;
mod restore;
mod rights;
mod scores;
pub mod staging;
mod state;
mod sync;
mod vendors;
pub use sync::checklists_at;
mod ui_queries;

pub use audit::{verify_chains, ChainReport, GENESIS};
pub use busy::{holder, BusyNote, Holder, WhenBusy};
pub use decisions::DecisionFilter;
pub use open::{busy_timeout, OpenMode, BUSY_TIMEOUT};
pub use pilots::PilotNameKeys;
pub use portfolio::{candidate_facts, PilotRow, Programme};
pub use restore::{restore, Restored};
pub use rights::{check_threshold, RightChange, THRESHOLD_MAX};
pub use state::check_state;
pub use vendors::{check_choice, check_evidence, VENDOR_TEXT_MAX};

use crate::{Error, Result};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};

/// The page cache of a store (SQLite's default, 2 MiB), in the negative
/// KiB form `PRAGMA cache_size` takes.
const DEFAULT_CACHE_KIB: i64 = -2000;

/// `PRAGMA integrity_check`: `Ok` when it says "ok", else every line.
fn integrity_rows(c: &Connection) -> rusqlite::Result<std::result::Result<(), Vec<String>>> {
    let mut stmt = c.prepare("PRAGMA integrity_check")?;
    let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(if rows.len() == 1 && rows[0] == "ok" {
        Ok(())
    } else {
        Err(rows)
    })
}

/// An integrity check started by [`Store::integrity_check_in_background`].
pub enum IntegrityCheck {
    Running(std::thread::JoinHandle<Result<std::result::Result<(), Vec<String>>>>),
    Done(Result<std::result::Result<(), Vec<String>>>),
}

impl IntegrityCheck {
    /// Wait for the result.
    pub fn wait(self) -> Result<std::result::Result<(), Vec<String>>> {
        match self {
            IntegrityCheck::Done(r) => r,
            IntegrityCheck::Running(h) => h.join().unwrap_or_else(|_| {
                Err(Error::Storage(
                    "the integrity check stopped unexpectedly: run verify again".into(),
                ))
            }),
        }
    }
}

/// The first reference a bulk load would leave pointing nowhere.
fn dangling_reference(c: &Connection) -> rusqlite::Result<Option<Error>> {
    let mut stmt = c.prepare("PRAGMA foreign_key_check")?;
    let row = stmt
        .query_row([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .optional()?;
    Ok(row.map(|(table, rowid, parent)| {
        let row = rowid.map_or_else(|| format!("a row of {table}"), |r| format!("row {r} of {table}"));
        Error::invalid(format!(
            "the load would leave {row} referring to a missing row of {parent}; nothing was written"
        ))
    }))
}

/// One-row queries and one-off updates through the statement cache: a
/// bulk load runs each of them thousands of times, and parsing the SQL
/// every time cost more than running it.
pub(crate) trait Cached {
    fn cached_row<T>(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T>;
    fn cached_exec(&self, sql: &str, p: impl rusqlite::Params) -> rusqlite::Result<usize>;
}

impl Cached for Connection {
    fn cached_row<T>(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.prepare_cached(sql)?.query_row(p, f)
    }
    fn cached_exec(&self, sql: &str, p: impl rusqlite::Params) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(p)
    }
}

/// The schema this build writes (PRAGMA user_version).
pub const SCHEMA_VERSION: i64 = 8;
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
    /// Whether the file passed SQLite's check before this session's first
    /// write (see [`health`]).
    health: health::Health,
    /// The identity stored in the file when it was opened (`file_meta`):
    /// another file put in its place, even over the same inode, has
    /// another.
    file_uuid: Option<String>,
    /// Where in the file (byte offset, length) the page holding the
    /// identity is, when it was found there at open: read with plain file
    /// I/O, since SQLite in WAL mode keeps serving its cached pages after
    /// the file was overwritten in place.
    uuid_page: Option<(u64, usize)>,
    /// Whether a write waits behind a long write of another lastmile.
    when_busy: busy::WhenBusy,
    /// Told once what a write waits for.
    on_wait: Option<fn(&busy::Holder)>,
    /// The audit events this connection wrote, as id ranges `(after, upto]`
    /// (each write holds the write lock, so every event it adds is its own):
    /// the workbench tells other terminals' changes from its own by these,
    /// not by name, so the same person in two terminals sees both.
    own_events: Vec<(i64, i64)>,
    /// A shared lock on the file while it is open here, so that a restore
    /// knows (see [`restore`]). Declared last: dropped after `conn`.
    _presence: Option<std::sync::Arc<std::fs::File>>,
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
    /// The `checklist_texts` ids of the last checklist written in this
    /// transaction, for the next pilot with the same one.
    text_ids: Option<(Vec<crate::playbook::ItemTemplate>, Vec<i64>)>,
    /// The staging run new pilots and people join ([`staging`]), if any.
    staging: Option<i64>,
    /// The pilots and people this transaction staged, for its audit event.
    staged: (Vec<i64>, Vec<i64>),
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
        self.write_checked(false, f)
    }

    /// [`Store::write`] for a bulk load (import, demo) of many new rows that
    /// refer to rows the same load just created: SQLite's per-row check of
    /// every reference cost a third of the load, so the references are
    /// checked once, all together, before the commit
    /// (`PRAGMA foreign_key_check`); a load that would leave one dangling
    /// commits nothing.
    pub fn write_bulk<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        if self.read_only {
            return Err(read_only_error(&self.path));
        }
        self.conn
            .pragma_update(None, "cache_size", -262_144)
            .and_then(|()| self.conn.pragma_update(None, "foreign_keys", false))
            // Statement journals of the load in memory, not in temp files.
            .and_then(|()| self.conn.pragma_update(None, "temp_store", "MEMORY"))
            .map_err(|e| self.err(e))?;
        let out = self.write_checked(true, f);
        let restored = self
            .conn
            .pragma_update(None, "foreign_keys", true)
            .and_then(|()| self.conn.pragma_update(None, "cache_size", DEFAULT_CACHE_KIB))
            .and_then(|()| self.conn.pragma_update(None, "temp_store", "DEFAULT"))
            .map_err(|e| self.err(e));
        let out = out?;
        restored?;
        Ok(out)
    }

    fn write_checked<T>(&mut self, check_references: bool, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        if self.read_only {
            return Err(read_only_error(&self.path));
        }
        self.ensure_sound()?;
        let path = self.path.clone();
        let file_id = self.file_id;
        let uuid_check = self.uuid_page.zip(self.file_uuid.clone());
        let _waiting = self.wait_for_lock()?;
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
            text_ids: None,
            staging: None,
            staged: (Vec::new(), Vec::new()),
        };
        // A file copied over ours in place keeps the inode but not the
        // identity stored in it: never write through to it.
        // (A file moved or deleted is reported as such below.)
        if let (Some(((offset, len), uuid)), Some(f)) = (&uuid_check, &self._presence) {
            if file_identity(&path) == file_id && !page_holds(f, *offset, *len, uuid) {
                drop(w);
                return Err(overwritten_error(&path));
            }
        }
        let before = max_audit_id(&w.tx).map_err(|e| map_sql(&path, e))?;
        let out = f(&mut w)?;
        let after = max_audit_id(&w.tx).map_err(|e| map_sql(&path, e))?;
        if check_references {
            dangling_reference(&w.tx)
                .map_err(|e| map_sql(&path, e))?
                .map_or(Ok(()), Err)?;
        }
        // In WAL mode SQLite would happily commit into a file that has been
        // deleted or replaced since it was opened, and the change would be
        // lost; refuse instead (the transaction rolls back on drop).
        if file_id.is_some() && file_identity(&path) != file_id {
            drop(w);
            self.release_moved_wal();
            return Err(moved_error(&path));
        }
        w.tx.commit().map_err(|e| map_sql(&path, e))?;
        if after > before {
            self.own_events.push((before, after));
        }
        Ok(out)
    }

    /// Whether audit event `id` was written by this connection.
    pub fn wrote_event(&self, id: i64) -> bool {
        self.own_events.iter().any(|(a, b)| id > *a && id <= *b)
    }

    /// Before a write: if a long write of another lastmile holds the file
    /// in one transaction (a demo build), refuse at once (the workbench) or
    /// wait until it is done, saying once what for (commands); behind a
    /// batched one (an import) everyone queues for the next pause between
    /// its batches. Without a note, SQLite's busy timeout applies.
    fn wait_for_lock(&mut self) -> Result<Option<busy::WaitMarker>> {
        let Some(h) = busy::holder(&self.path).filter(|h| h.pid != std::process::id()) else {
            return Ok(None);
        };
        // A batched writer (a staged import) commits every fraction of a
        // second and pauses while a marker says someone waits: even the
        // workbench just queues behind it.
        let marker = if h.batched {
            busy::mark_waiting(&self.path)
        } else {
            None
        };
        if !h.batched && self.when_busy == busy::WhenBusy::Refuse {
            return Err(Error::Busy(format!(
                "{} is being written by {}: nothing was saved; save again when it is done",
                self.path.display(),
                h.describe()
            )));
        }
        let mut told = false;
        loop {
            // Wait (up to the busy timeout) for a free moment; the write
            // itself then queues as usual.
            match self.conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;") {
                Ok(()) => return Ok(marker),
                Err(e) => match map_sql(&self.path, e) {
                    Error::Busy(_) => {}
                    other => return Err(other),
                },
            }
            match busy::holder(&self.path) {
                Some(h) => {
                    if !told {
                        if let Some(f) = self.on_wait {
                            f(&h);
                        }
                        told = true;
                    }
                }
                None => return Ok(marker),
            }
        }
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

    /// Copy what the write-ahead log holds into the database file, as far
    /// as readers allow (a passive checkpoint never waits), so the .db file
    /// alone holds every committed change. Best effort: a failure leaves
    /// the changes safe in the log.
    pub fn checkpoint(&self) {
        if !self.read_only {
            let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE);");
        }
    }

    /// Whether the file at our path is no longer the one we opened (moved,
    /// deleted, or replaced by another file, as by a restore with `mv`).
    pub fn replaced_underneath(&self) -> bool {
        (self.file_id.is_some() && file_identity(&self.path) != self.file_id) || self.overwritten_in_place()
    }

    /// Whether the page that held the file's identity when it was opened
    /// holds it no longer (the file was overwritten in place).
    fn overwritten_in_place(&self) -> bool {
        match (&self.uuid_page, &self.file_uuid) {
            (Some((offset, len)), Some(uuid)) => {
                file_identity(&self.path) == self.file_id
                    && self
                        ._presence
                        .as_ref()
                        .is_some_and(|f| !page_holds(f, *offset, *len, uuid))
            }
            _ => false,
        }
    }

    /// Find the page holding the identity in the file itself; `None` if it
    /// is not there (still only in the write-ahead log), so the check is
    /// never made against a page that could not pass it.
    fn locate_uuid_page(&self) -> Option<(u64, usize)> {
        let uuid = self.file_uuid.as_ref()?;
        let (root, size): (i64, i64) = self
            .conn
            .query_row(
                "SELECT (SELECT rootpage FROM sqlite_master WHERE name = 'file_meta'), (SELECT page_size FROM pragma_page_size)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok()?;
        let at = ((root - 1) * size) as u64;
        let f = self._presence.as_ref()?;
        page_holds(f, at, size as usize, uuid).then_some((at, size as usize))
    }

    /// Close this store and open the file now at its path: first our
    /// write-ahead log is emptied into the file we had open, and our
    /// connection closed, so nothing of the old file's log can be applied
    /// to the new one.
    pub fn reopen(self) -> Result<Store> {
        let (path, actor, clock) = (self.path.clone(), self.actor.clone(), self.clock);
        if self.file_id.is_some() && file_identity(&path) == self.file_id {
            // Overwritten in place: our log belongs to the old content, and
            // checkpointing it would write old pages into the new file.
            // Close without a checkpoint and empty the log, so nothing of
            // it is ever applied.
            let _ = self
                .conn
                .set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
            drop(self);
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            if let Ok(f) = std::fs::OpenOptions::new().write(true).open(PathBuf::from(wal)) {
                let _ = f.set_len(0);
            }
        } else {
            self.release_moved_wal();
            drop(self);
        }
        Store::open_with_clock(&path, OpenMode::Existing, &actor, clock)
    }

    /// Make this (placeholder) store refuse every write as one whose file
    /// was moved away from `path`.
    pub fn detach_to(&mut self, path: &Path) {
        self.path = path.to_path_buf();
        self.file_id = Some((u64::MAX, u64::MAX));
    }

    /// `PRAGMA data_version`: changes when another connection commits.
    pub fn data_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// SQLite's own integrity check; `Ok(())` or the first problems found.
    pub fn integrity_check(&self) -> Result<std::result::Result<(), Vec<String>>> {
        integrity_rows(&self.conn).map_err(|e| self.err(e))
    }

    /// [`Store::integrity_check`] on a connection of its own, in another
    /// thread, so `verify` checks the pages while it walks the chains and
    /// the tables (on two cores, the slower of the two instead of both).
    /// An in-memory store is checked in place.
    pub fn integrity_check_in_background(&self) -> IntegrityCheck {
        if self.is_in_memory() {
            return IntegrityCheck::Done(self.integrity_check());
        }
        let path = self.path.clone();
        IntegrityCheck::Running(std::thread::spawn(move || {
            let c = Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| map_sql(&path, e))?;
            c.busy_timeout(busy_timeout()).map_err(|e| map_sql(&path, e))?;
            integrity_rows(&c).map_err(|e| map_sql(&path, e))
        }))
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
        // The copy keeps the source's WAL mode: make it one self-contained
        // file (no -wal or -shm appear beside it when it is read).
        // It is another file from now on: it gets an identity of its own.
        let copied = self.copy_into(&mut out, dest).and_then(|()| {
            out.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
                .and_then(|()| state::renew_file_uuid(&out))
                .map_err(|e| map_sql(dest, e))
        });
        drop(out);
        // A copy of a damaged file is damaged too: it must pass SQLite's
        // full integrity check before it may be called a backup.
        let copied = copied.and_then(|()| match Store::check_copy(dest)? {
            Ok(()) => Ok(()),
            Err(problem) => Err(Error::Storage(format!(
                "{} is damaged ({}): its copy failed SQLite's integrity check, so no backup was made; restore an earlier backup with 'lastmile restore BACKUP'",
                self.path.display(),
                crate::text::sanitize(&problem)
            ))),
        });
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
        } else if !self.overwritten_in_place() {
            // (Never checkpoint into a file copied over ours: our log
            // belongs to the old content.)
            self.remember_sound();
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

/// Whether `len` bytes at `offset` of `file` contain `needle`. Read through
/// the store's own long-lived descriptor: opening and closing another one
/// on the database file would drop every POSIX lock this process's SQLite
/// connection holds on it (POSIX closes them all), and another process
/// could then think itself the last one and delete the write-ahead log.
fn page_holds(file: &std::fs::File, offset: u64, len: usize, needle: &str) -> bool {
    let mut buf = vec![0u8; len];
    #[cfg(unix)]
    let read = {
        use std::os::unix::fs::FileExt;
        file.read_exact_at(&mut buf, offset)
    };
    #[cfg(not(unix))]
    let read: std::io::Result<()> = {
        let _ = (file, offset);
        Err(std::io::ErrorKind::Unsupported.into())
    };
    read.is_ok() && buf.windows(needle.len()).any(|w| w == needle.as_bytes())
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

fn overwritten_error(path: &Path) -> Error {
    Error::Storage(format!(
        "{} was overwritten by another file while lastmile had it open (copied over it?): nothing was saved; quit and reopen it, and restore backups with 'lastmile restore BACKUP'",
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

/// The newest audit event's id (0 in a new file): `max` over the rowid.
fn max_audit_id(c: &Connection) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT coalesce(max(id), 0) FROM audit_events")?
        .query_row([], |r| r.get(0))
}

#[cfg(test)]
mod bulk_tests {
    use super::*;

    #[test]
    fn a_bulk_write_that_leaves_a_dangling_reference_writes_nothing() {
        let mut s = Store::open_in_memory("lead").unwrap();
        let before: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM owners", [], |r| r.get(0))
            .unwrap();
        let err = s
            .write_bulk(|tx| {
                tx.conn()
                    .execute(
                        "INSERT INTO owners (pilot_id, role, person_id, updated_at, updated_by) VALUES (999, 'business', 998, 'now', 'x')",
                        [],
                    )
                    .map_err(|e| tx.err(e))?;
                Ok(())
            })
            .unwrap_err();
        assert!(err.to_string().contains("refer"), "{err}");
        let after: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM owners", [], |r| r.get(0))
            .unwrap();
        assert_eq!(before, after);
        // References are enforced again row by row afterwards.
        let fk: i64 = s.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }
}
