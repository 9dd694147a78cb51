//! Opening a database file: refuse what is not ours, set the pragmas every
//! connection needs, create or migrate the schema.

use super::{map_sql, migrate, Store, APPLICATION_ID, SCHEMA_VERSION};
use crate::clock::Clock;
use crate::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another terminal's transaction.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The busy timeout in force: [`BUSY_TIMEOUT`], unless the environment
/// variable `LASTMILE_BUSY_TIMEOUT_MS` gives another number of milliseconds
/// (used by the tests to exercise a lock held longer than the timeout).
pub fn busy_timeout() -> Duration {
    std::env::var("LASTMILE_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(BUSY_TIMEOUT, Duration::from_millis)
}

/// Whether opening may create and migrate the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file (and its directory) if missing, migrate if old.
    Create,
    /// The file must exist already.
    Existing,
}

impl Store {
    /// Open (and if needed create or migrate) the database at `path`, on
    /// the clock the environment gives ([`Clock::from_env_or_system`]).
    pub fn open(path: &Path, mode: OpenMode, actor: &str) -> Result<Store> {
        Store::open_with_clock(path, mode, actor, Clock::from_env_or_system())
    }

    /// Open the database at `path` with programme dates from `clock` (a
    /// new file's programme starts on `clock`'s today).
    pub fn open_with_clock(path: &Path, mode: OpenMode, actor: &str, clock: Clock) -> Result<Store> {
        let p = path.display();
        if path.is_dir() {
            return Err(Error::invalid(format!(
                "{p} is a directory: give a file path with --db, e.g. {p}/lastmile.db"
            )));
        }
        let exists = path.exists();
        if !exists {
            if mode == OpenMode::Existing {
                return Err(Error::not_found(format!(
                    "{p} does not exist: run 'lastmile init' to create it, or pass another file with --db"
                )));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::Io(format!("cannot create the directory {}: {e}", dir.display())))?;
            }
        }
        // Root ignores permission bits, so honour a read-only file ourselves.
        let read_only = exists
            && std::fs::metadata(path)
                .map(|m| m.permissions().readonly())
                .unwrap_or(false);
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        // Known to a restore before the file is read (and, for a new file,
        // as soon as SQLite has created it).
        let presence = if exists { super::restore::presence(path)? } else { None };
        let conn = Connection::open_with_flags(path, flags).map_err(|e| map_sql(path, e))?;
        let mut store = Store::setup(conn, path, read_only, actor, clock)?;
        store._presence = match presence {
            Some(f) => Some(f),
            None => super::restore::presence(path)?,
        };
        store.uuid_page = store.locate_uuid_page();
        Ok(store)
    }

    /// A private in-memory database with the current schema (for tests),
    /// on the environment's clock.
    pub fn open_in_memory(actor: &str) -> Result<Store> {
        Store::open_in_memory_with_clock(actor, Clock::from_env_or_system())
    }

    /// A private in-memory database on `clock`.
    pub fn open_in_memory_with_clock(actor: &str, clock: Clock) -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|e| map_sql(Path::new(":memory:"), e))?;
        Store::setup(conn, Path::new(":memory:"), false, actor, clock)
    }

    fn setup(conn: Connection, path: &Path, read_only: bool, actor: &str, clock: Clock) -> Result<Store> {
        let p = path.display();
        let e = |err| map_sql(path, err);
        conn.busy_timeout(busy_timeout()).map_err(e)?;
        conn.set_prepared_statement_cache_capacity(128);
        register_functions(&conn).map_err(e)?;
        // Read the header before writing anything, so a file from a newer
        // build or another program is left untouched. One read transaction,
        // so another process creating the schema meanwhile cannot make a
        // new file look like someone else's database.
        let (version, app_id, tables) = read_header(&conn).map_err(e)?;
        if app_id != 0 && app_id != APPLICATION_ID {
            return Err(Error::Storage(format!(
                "{p} is an SQLite database of another program, not lastmile's: pass another file with --db"
            )));
        }
        if version > SCHEMA_VERSION {
            return Err(Error::Storage(format!(
                "{p} was written by a newer lastmile (schema {version}; this build knows up to {SCHEMA_VERSION}): upgrade lastmile; the file was not touched"
            )));
        }
        if version == 0 && tables > 0 {
            return Err(Error::Storage(format!(
                "{p} is an SQLite database but not a lastmile one: pass another file with --db"
            )));
        }
        conn.pragma_update(None, "foreign_keys", true).map_err(e)?;
        if !read_only {
            use_wal(&conn).map_err(e)?;
            conn.pragma_update(None, "synchronous", "NORMAL").map_err(e)?;
        }
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            read_only,
            actor: String::new(),
            clock,
            file_id: super::file_identity(path),
            health: Default::default(),
            file_uuid: None,
            uuid_page: None,
            when_busy: Default::default(),
            on_wait: None,
            own_events: Vec::new(),
            _presence: None,
        };
        store.set_actor(actor);
        let actor_now = store.actor.clone();
        if version < SCHEMA_VERSION {
            if read_only {
                return Err(Error::ReadOnly(format!(
                    "{p} is read-only and needs its schema upgraded (from {version} to {SCHEMA_VERSION}): make it writable first"
                )));
            }
            if version > 0 {
                // Never upgrade (write into) a damaged file.
                store.ensure_sound()?;
                let backup = path.with_extension(format!("v{version}.bak"));
                if !backup.exists() {
                    store.backup_to(&backup)?;
                }
            }
            migrate::migrate(&mut store.conn, migrate::MIGRATIONS, SCHEMA_VERSION, &clock, &actor_now).map_err(
                |err| match err {
                    Error::Storage(m) => Error::Storage(format!("upgrading {p}: {m}")),
                    other => other,
                },
            )?;
        }
        if version < SCHEMA_VERSION && !read_only {
            // Move the new schema (and the file's identity) from the log
            // into the file itself: a file copied over this one in place
            // must be read from its own pages, never through our log.
            let _ = store.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        store.file_uuid = super::state::file_uuid(&store.conn);
        Ok(store)
    }
}

/// `(user_version, application_id, number of tables)` as of one moment.
fn read_header(conn: &Connection) -> rusqlite::Result<(i64, i64, i64)> {
    let tx = conn.unchecked_transaction()?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let app_id: i64 = tx.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| {
        r.get(0)
    })?;
    tx.commit()?;
    Ok((version, app_id, tables))
}

/// Switch the file to WAL if it is not already. SQLite does not call the
/// busy handler when the switch meets another process's lock (as when
/// several processes open a new file at once), so wait here, up to the
/// busy timeout, instead of failing at once.
fn use_wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + busy_timeout();
    loop {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::DatabaseBusy && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(err) => return Err(err),
        }
    }
}

/// SQL functions lastmile's queries use: `name_key(name)`, the key names
/// are compared by for uniqueness ([`crate::text::name_key`]: composed
/// accents, full Unicode lower case; `COLLATE NOCASE` folds ASCII only).
/// Nothing stored in the file (no index, view or trigger) uses it, so the
/// file still opens in any SQLite tool.
fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("name_key", 1, flags, |ctx| {
        let name: String = ctx.get(0)?;
        Ok(crate::text::name_key(&name))
    })?;
    conn.create_aggregate_function("due_profile", 1, flags, DueProfile)
}

/// `due_profile(due_day)`: the `pilot_stats.open_due` string of the items
/// aggregated, 90 characters, one per programme day, `char(48 + n)` for `n`
/// items due that day. The same string the recursive query in SQL built,
/// at a fraction of its cost (it was most of the cost of adding a pilot).
struct DueProfile;

impl rusqlite::functions::Aggregate<[u8; 90], String> for DueProfile {
    fn init(&self, _: &mut rusqlite::functions::Context<'_>) -> rusqlite::Result<[u8; 90]> {
        Ok([b'0'; 90])
    }
    fn step(&self, ctx: &mut rusqlite::functions::Context<'_>, days: &mut [u8; 90]) -> rusqlite::Result<()> {
        let day: i64 = ctx.get(0)?;
        if let Some(slot) = usize::try_from(day - 1).ok().and_then(|i| days.get_mut(i)) {
            *slot = slot.saturating_add(1);
        }
        Ok(())
    }
    fn finalize(&self, _: &mut rusqlite::functions::Context<'_>, days: Option<[u8; 90]>) -> rusqlite::Result<String> {
        let days = days.unwrap_or([b'0'; 90]);
        Ok(days
            .iter()
            .map(|&b| char::from_u32(u32::from(b)).unwrap_or('0'))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_store_has_schema_and_pragmas() {
        let s = Store::open_in_memory("tester").unwrap();
        let fk: i64 = s.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        let v: i64 = s.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        assert_eq!(s.actor(), "tester");
    }

    #[test]
    fn file_store_uses_wal_and_creates_directories() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.db");
        let s = Store::open(&path, OpenMode::Create, "t").unwrap();
        let mode: String = s.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        drop(s);
        // Idempotent.
        Store::open(&path, OpenMode::Existing, "t").unwrap();
    }
}
