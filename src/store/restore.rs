//! Restoring a backup, and knowing who has a file open.
//!
//! Every lastmile process that opens a file holds a shared `flock` on it
//! for as long as it has it open (independent of SQLite's own locks).
//! `lastmile restore` takes the lock exclusively, so it refuses while any
//! other lastmile has the file open; then it empties the current file's
//! write-ahead log into it, moves it (and anything left beside it) aside,
//! and puts a checked copy of the backup in its place, so no stale
//! write-ahead log or shared-memory file can be applied to the restored
//! file.

use super::{file_identity, OpenMode, Store};
use crate::clock::Clock;
use crate::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The companions SQLite keeps beside a database file.
const COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// This process's descriptors holding a presence lock, by file: stores of
/// one file in one process share one, so it is closed only when the last of
/// them is dropped (after its SQLite connection: closing a descriptor of the
/// database file drops every POSIX lock the process's connections hold on
/// it).
static OPEN: std::sync::Mutex<Vec<Presence>> = std::sync::Mutex::new(Vec::new());

/// (device, inode) and the descriptor of one file's presence lock.
type Presence = ((u64, u64), std::sync::Weak<File>);

/// A shared lock on `path` held while a store has it open. Waits (up to the
/// busy timeout) while a restore holds the file, and makes sure the lock is
/// on the file now at `path`, not on one a restore just moved aside.
pub(crate) fn presence(path: &Path) -> Result<Option<std::sync::Arc<File>>> {
    if let Some(id) = file_identity(path) {
        let mut open = OPEN.lock().unwrap_or_else(|p| p.into_inner());
        open.retain(|(_, w)| w.strong_count() > 0);
        if let Some(f) = open.iter().find(|(k, _)| *k == id).and_then(|(_, w)| w.upgrade()) {
            return Ok(Some(f));
        }
    }
    let deadline = Instant::now() + super::busy_timeout();
    loop {
        let Ok(f) = File::open(path) else {
            return Ok(None);
        };
        match f.try_lock_shared() {
            Ok(()) => {
                if same_file(&f, path) {
                    let f = std::sync::Arc::new(f);
                    if let Some(id) = file_identity(path) {
                        let mut open = OPEN.lock().unwrap_or_else(|p| p.into_inner());
                        open.push((id, std::sync::Arc::downgrade(&f)));
                    }
                    return Ok(Some(f));
                }
                // Moved aside while we waited: lock the new file instead.
            }
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {}
            Err(TryLockError::WouldBlock) => {
                return Err(Error::Busy(format!(
                    "{} is being restored from a backup by another lastmile: try again in a moment",
                    path.display()
                )))
            }
            // A file system without locks: go on without.
            Err(TryLockError::Error(_)) => return Ok(None),
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn same_file(f: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        f.metadata().ok().map(|m| (m.dev(), m.ino())) == file_identity(path)
    }
    #[cfg(not(unix))]
    {
        let _ = (f, path);
        true
    }
}

fn remove_with_companions(p: &Path) {
    let _ = std::fs::remove_file(p);
    for s in COMPANIONS {
        let _ = std::fs::remove_file(with_suffix(p, s));
    }
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    /// Where the file that was replaced now is (`None` if there was none).
    pub moved_aside: Option<PathBuf>,
    pub pilots: i64,
    pub decisions: i64,
}

/// Check that `copy` (our own copy of the backup `backup`) is a whole
/// lastmile file this build can open. The copy is checked, not the backup,
/// so the backup is never touched.
fn check_backup(copy: &Path, backup: &Path) -> Result<()> {
    let b = backup.display();
    let c = Connection::open_with_flags(
        copy,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| super::map_sql(backup, e))?;
    let header = (|| -> rusqlite::Result<(i64, i64)> {
        Ok((
            c.query_row("PRAGMA application_id", [], |r| r.get(0))?,
            c.query_row("PRAGMA user_version", [], |r| r.get(0))?,
        ))
    })();
    let (app, version) = header.map_err(|e| super::map_sql(backup, e))?;
    if app != super::APPLICATION_ID {
        return Err(Error::invalid(format!(
            "{b} is not a lastmile file: give the path of a backup 'lastmile backup' made"
        )));
    }
    if version > super::SCHEMA_VERSION {
        return Err(Error::invalid(format!(
            "{b} was written by a newer lastmile (schema {version}): restore it with that version"
        )));
    }
    // The restored file is another file than the one it replaces.
    if version >= 3 {
        super::state::set_file_uuid(&c).map_err(|e| super::map_sql(backup, e))?;
    }
    super::health::whole(&c).map_err(|problem| damaged_backup(backup, &problem))
}

fn damaged_backup(backup: &Path, problem: &str) -> Error {
    Error::Storage(format!(
        "{} is damaged ({}): it was not restored; choose another backup",
        backup.display(),
        crate::text::sanitize(problem)
    ))
}

/// A free name beside `path` for the file being replaced.
fn aside_name(path: &Path, clock: &Clock) -> PathBuf {
    let stamp: String = clock
        .now_utc()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(15)
        .collect();
    let mut n = 0;
    loop {
        let suffix = if n == 0 {
            format!(".replaced-{stamp}")
        } else {
            format!(".replaced-{stamp}-{n}")
        };
        let p = with_suffix(path, &suffix);
        if !p.exists() && COMPANIONS.iter().all(|c| !with_suffix(&p, c).exists()) {
            return p;
        }
        n += 1;
    }
}

/// Restore `backup` to `path` (see the module documentation), recording
/// the restore as an audit event by `actor` in the restored file.
pub fn restore(path: &Path, backup: &Path, actor: &str, clock: Clock) -> Result<Restored> {
    let p = path.display();
    let b = backup.display();
    if !backup.is_file() {
        return Err(Error::not_found(format!(
            "{b} is not a file: give the path of a backup 'lastmile backup' made"
        )));
    }
    if COMPANIONS[..2].iter().any(|s| with_suffix(backup, s).exists()) {
        return Err(Error::invalid(format!(
            "{b} has a write-ahead log beside it, so it is a database in use, not a backup: make a backup of it with 'lastmile backup' and restore that"
        )));
    }
    if file_identity(path).is_some() && file_identity(path) == file_identity(backup) {
        return Err(Error::invalid(format!(
            "{p} is the backup itself: give the backup's path, and --db for the file to restore"
        )));
    }
    let tmp = with_suffix(path, ".restoring");
    let _ = std::fs::remove_file(&tmp);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
    }
    // The copy first: if it fails, nothing has been moved yet.
    std::fs::copy(backup, &tmp)
        .and_then(|_| File::open(&tmp)?.sync_all())
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::Io(format!(
                "cannot copy {} next to {p}: {e}; nothing was restored",
                backup.display()
            ))
        })?;
    if let Err(e) = check_backup(&tmp, backup) {
        remove_with_companions(&tmp);
        return Err(e);
    }
    let moved_aside = if path.exists() {
        let lock = File::open(path).map_err(|e| Error::Io(format!("cannot open {p}: {e}")))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                remove_with_companions(&tmp);
                return Err(Error::Busy(format!(
                    "another lastmile has {p} open (a workbench in another terminal?): close it, then restore; nothing was restored"
                )));
            }
            Err(TryLockError::Error(_)) => {}
        }
        // Empty the write-ahead log into the file being replaced, so that
        // file is whole wherever it goes and no log is left behind.
        if let Ok(c) = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        ) {
            let _ = c.busy_timeout(super::busy_timeout());
            let _ = c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
            drop(c);
        }
        let aside = aside_name(path, &clock);
        std::fs::rename(path, &aside)
            .map_err(|e| Error::Io(format!("cannot move {p} aside: {e}; nothing was restored")))?;
        // Anything SQLite left beside the old file goes with it.
        for s in COMPANIONS {
            let from = with_suffix(path, s);
            if from.exists() {
                let _ = std::fs::rename(&from, with_suffix(&aside, s));
            }
        }
        drop(lock);
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&tmp, path).map_err(|e| Error::Io(format!("cannot put the backup in place at {p}: {e}")))?;
    let mut store = Store::open_with_clock(path, OpenMode::Existing, actor, clock)?;
    let note = match &moved_aside {
        Some(a) => format!(
            "from {}; the file it replaced was kept as {}",
            backup.display(),
            a.display()
        ),
        None => format!("from {}", backup.display()),
    };
    store.write(|tx| tx.audit("file", 0, None, "restored", None, Some(&note)))?;
    let (pilots, decisions) = store
        .conn()
        .query_row(
            &format!(
                "SELECT (SELECT count(*) FROM pilots WHERE id {}), (SELECT count(*) FROM decisions)",
                super::staging::LIVE_PILOT
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| store.err(e))?;
    Ok(Restored {
        moved_aside,
        pilots,
        decisions,
    })
}
