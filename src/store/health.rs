//! Never write into a damaged file: before a session's first write the
//! store runs SQLite's `quick_check` (every b-tree page, every cell, bounded
//! in time) and refuses to write into a file that fails it; reading goes
//! on. The workbench starts the check in the background when it opens, so
//! the first save rarely waits for it.
//!
//! The check costs about a second at 10,000 pilots, so a session that found
//! the file sound and wrote only through SQLite leaves a stamp beside it
//! when it closes (`FILE.checked`: the file's size, modification time and
//! inode, after its log was emptied into it). The next session skips the
//! check while the file is exactly as stamped; any other change to it (a
//! disk error written back, another program, a copy) moves the stamp off
//! and the check runs again.

use super::{map_sql, Store};
use crate::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest the check may run; a larger file is checked this far, and the
/// rest is left to SQLite's own checks on the pages it reads.
pub const CHECK_BUDGET: Duration = Duration::from_secs(5);

/// What is known about the file's soundness this session.
#[derive(Default)]
pub(crate) enum Health {
    /// Not checked yet.
    #[default]
    Unchecked,
    /// Being checked on another thread, on its own connection.
    Checking(JoinHandle<Verdict>),
    /// Passed (or the check ran out of time without finding anything).
    Sound,
    /// Failed: the first problem SQLite names.
    Damaged(String),
}

/// The outcome of one check.
pub(crate) enum Verdict {
    Sound,
    Damaged(String),
    /// The check could not run (the file is busy or gone): try again at
    /// the next write.
    Unknown,
}

/// Run `PRAGMA quick_check` on `conn`, for at most `budget`.
pub(crate) fn quick_check(conn: &Connection, budget: Duration) -> Verdict {
    let deadline = Instant::now() + budget;
    conn.progress_handler(10_000, Some(move || Instant::now() > deadline));
    let rows: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA quick_check(1)")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    conn.progress_handler(0, None::<fn() -> bool>);
    match rows {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Verdict::Sound,
        Ok(rows) => Verdict::Damaged(rows.into_iter().next().unwrap_or_default()),
        Err(rusqlite::Error::SqliteFailure(f, m)) => match f.code {
            rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase => {
                Verdict::Damaged(m.unwrap_or_else(|| f.to_string()))
            }
            rusqlite::ErrorCode::OperationInterrupted => {
                tracing::warn!(?budget, "the file check ran out of time; writing on");
                Verdict::Sound
            }
            _ => Verdict::Unknown,
        },
        Err(_) => Verdict::Unknown,
    }
}

fn check_file(path: PathBuf) -> Verdict {
    match Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        Ok(c) => {
            let _ = c.busy_timeout(super::busy_timeout());
            quick_check(&c, CHECK_BUDGET)
        }
        Err(_) => Verdict::Unknown,
    }
}

/// The refusal: one sentence with the problem and the way out.
pub(crate) fn damaged_error(path: &Path, problem: &str) -> Error {
    Error::Storage(format!(
        "{} is damaged ({}): nothing was written, and reading goes on; restore a backup with 'lastmile restore BACKUP'",
        path.display(),
        crate::text::sanitize(problem)
    ))
}

fn stamp_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".checked");
    PathBuf::from(s)
}

/// The database file as it is now: size, modification time, inode.
fn stamp_of(db: &Path) -> Option<String> {
    let m = std::fs::metadata(db).ok()?;
    let mtime = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    #[cfg(unix)]
    let ino = {
        use std::os::unix::fs::MetadataExt;
        m.ino()
    };
    #[cfg(not(unix))]
    let ino = 0;
    Some(format!("{} {mtime} {ino}", m.len()))
}

impl Store {
    /// Leave the stamp saying the file was sound when this session ended
    /// (see the module documentation). Only after a session that checked
    /// it (or trusted a matching stamp) and could empty its log into it.
    pub(crate) fn remember_sound(&self) {
        if !matches!(self.health, Health::Sound) || self.read_only || self.is_in_memory() {
            return;
        }
        let emptied = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0))
            .is_ok_and(|busy| busy == 0);
        let stamp = stamp_path(&self.path);
        let Some(s) = stamp_of(&self.path).filter(|_| emptied) else {
            let _ = std::fs::remove_file(stamp);
            return;
        };
        // File times are coarse (a clock tick of a few milliseconds): a
        // write to the file later in the same tick would keep its time and
        // pass for the stamped file. So the stamp is trusted only once the
        // file system's clock has moved past the file's time, as seen on
        // the stamp file itself.
        let file_time = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
        for _ in 0..50 {
            if std::fs::write(&stamp, &s).is_err() {
                return;
            }
            let stamp_time = std::fs::metadata(&stamp).and_then(|m| m.modified()).ok();
            if let (Some(f), Some(st)) = (file_time, stamp_time) {
                if st > f {
                    return;
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let _ = std::fs::remove_file(stamp);
    }

    /// Start checking the file on another thread (the workbench does this
    /// when it opens); the first write waits for the result.
    pub fn check_in_background(&mut self) {
        if matches!(self.health, Health::Unchecked) && !self.is_in_memory() && !self.read_only && !self.stamp_matches()
        {
            let path = self.path.clone();
            self.health = Health::Checking(std::thread::spawn(move || check_file(path)));
        }
    }

    /// Whether the file is exactly as a sound session left it.
    fn stamp_matches(&self) -> bool {
        let Ok(stamp) = std::fs::read_to_string(stamp_path(&self.path)) else {
            return false;
        };
        stamp_of(&self.path).is_some_and(|now| now == stamp.trim())
    }

    pub(crate) fn is_in_memory(&self) -> bool {
        self.path.as_os_str() == ":memory:"
    }

    /// Refuse to write into a file that fails the check (run now if it was
    /// not run yet this session).
    pub(crate) fn ensure_sound(&mut self) -> Result<()> {
        if self.is_in_memory() {
            return Ok(());
        }
        let verdict = match std::mem::take(&mut self.health) {
            Health::Sound => Verdict::Sound,
            Health::Damaged(p) => Verdict::Damaged(p),
            Health::Checking(h) => h.join().unwrap_or(Verdict::Unknown),
            Health::Unchecked if self.stamp_matches() => Verdict::Sound,
            Health::Unchecked => quick_check(&self.conn, CHECK_BUDGET),
        };
        match verdict {
            Verdict::Sound => {
                self.health = Health::Sound;
                Ok(())
            }
            Verdict::Damaged(p) => {
                let e = damaged_error(&self.path, &p);
                self.health = Health::Damaged(p);
                Err(e)
            }
            Verdict::Unknown => Ok(()),
        }
    }

    /// SQLite's full `integrity_check` of the file at `path` (a backup just
    /// written): `Ok(())` or the first problem.
    pub(crate) fn check_copy(path: &Path) -> Result<std::result::Result<(), String>> {
        let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| map_sql(path, e))?;
        Ok(whole(&c))
    }
}

/// SQLite's full `integrity_check` on `c`: `Ok(())` or the first problem
/// (a file too damaged to check is a problem too).
pub(crate) fn whole(c: &Connection) -> std::result::Result<(), String> {
    let rows: rusqlite::Result<Vec<String>> = c
        .prepare("PRAGMA integrity_check(1)")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    match rows {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Ok(()),
        Ok(rows) => Err(rows.into_iter().next().unwrap_or_default()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_sound_file_is_checked_once_and_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("h.db"), super::super::OpenMode::Create, "t").unwrap();
        assert!(matches!(s.health, Health::Unchecked));
        s.check_in_background();
        s.write(|tx| tx.add_person("Ana Silva", "")).unwrap();
        assert!(matches!(s.health, Health::Sound));
    }

    #[test]
    fn a_sound_session_leaves_a_stamp_that_only_the_same_file_matches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let open = || Store::open(&path, super::super::OpenMode::Create, "t").unwrap();
        let s = open();
        // A session that only reads leaves no stamp.
        drop(s.people().unwrap());
        drop(s);
        assert!(!stamp_path(&path).exists());
        let mut s = open();
        s.write(|tx| tx.add_person("Ana Silva", "")).unwrap();
        drop(s);
        // The file as the sound session left it: the next one trusts it.
        let s = open();
        assert!(s.stamp_matches());
        drop(s);
        // Any other change to the file moves it off the stamp.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(&[0u8; 4096])
            .unwrap();
        let mut s = open();
        assert!(!s.stamp_matches());
        s.write(|tx| tx.add_person("Ben Hartley", "")).unwrap();
    }
}
