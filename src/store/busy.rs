//! Long writes say who holds the file, so nobody else fails for it.
//!
//! A long write leaves a note beside the file (`FILE.busy`: what, by whom,
//! since when, which process, and whether it writes in batches).
//!
//! * An import writes in batches (`super::staging`): a transaction of a few
//!   hundred rows at a time. A writer that finds its note leaves a marker
//!   (`FILE.wait.PID`) while it waits; between batches the import pauses
//!   while a marker is there, so the writer (the workbench included) gets
//!   the lock after one batch at most.
//! * A demo build holds the write lock for its whole (all or nothing)
//!   transaction. A writer that finds the lock held past the busy timeout
//!   looks for the note: if a live lastmile wrote it, a command keeps
//!   waiting and says once what it waits for, and the workbench (which must
//!   never freeze) does not wait at all but says who is writing, so the
//!   user can save again when it is done.

use super::Store;
use crate::Result;
use std::path::{Path, PathBuf};

/// A long write's note; removed when dropped.
pub struct BusyNote {
    path: PathBuf,
}

impl Drop for BusyNote {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Who holds the file, from its note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// What it is doing ("an import of 3000 rows from pilots.csv").
    pub what: String,
    pub by: String,
    /// When it started (UTC, RFC 3339).
    pub since: String,
    /// The process writing.
    pub pid: u32,
    /// It writes in short transactions (a staged import) and lets waiting
    /// writers in between them, so others just queue.
    pub batched: bool,
}

impl Holder {
    /// "an import of … by Ana Silva (since 10:02 UTC)".
    pub fn describe(&self) -> String {
        let time = self.since.get(11..16).unwrap_or(&self.since);
        crate::text::sanitize(&format!("{} by {} (since {time} UTC)", self.what, self.by))
    }
}

/// How a writer meets a lock held by a long write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhenBusy {
    /// Wait while the holder is a live lastmile (commands).
    #[default]
    Wait,
    /// Do not wait behind a long write: say who holds the file (the
    /// workbench, which must never freeze on a save).
    Refuse,
}

fn note_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".busy");
    PathBuf::from(s)
}

pub(crate) fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        // Alive and still lastmile (a crashed import's number may have been
        // given to another program since).
        std::fs::read(Path::new("/proc").join(pid.to_string()).join("cmdline"))
            .is_ok_and(|c| c.windows(8).any(|w| w == b"lastmile"))
    } else {
        true
    }
}

/// Whether process `pid` is running (whatever program it is: a marker may
/// be left by anything that writes the file through the store).
fn exists(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// The long write holding `db`, if a live lastmile left a note (a note left
/// by a process that died is ignored).
pub fn holder(db: &Path) -> Option<Holder> {
    let text = std::fs::read_to_string(note_path(db)).ok()?;
    let mut fields = text.lines();
    let pid: u32 = fields.next()?.trim().parse().ok()?;
    let since = fields.next()?.to_string();
    let by = fields.next()?.to_string();
    let what = fields.next()?.to_string();
    let batched = fields.next() == Some("batched");
    alive(pid).then_some(Holder {
        what,
        by,
        since,
        pid,
        batched,
    })
}

/// A writer waiting behind a batched long write leaves a marker
/// (`FILE.wait.PID`) for as long as it waits and writes; removed when
/// dropped.
pub struct WaitMarker {
    path: PathBuf,
}

impl Drop for WaitMarker {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn wait_prefix(db: &Path) -> std::ffi::OsString {
    let mut s = db.file_name().unwrap_or_default().to_owned();
    s.push(".wait.");
    s
}

/// When process `pid` started, in clock ticks after boot (Linux): with
/// its pid it names one process, even once the number is given to another.
fn started(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat")).ok()?;
    // The command name may hold spaces and brackets: count after its ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19).map(str::to_string)
}

/// Leave this process's marker beside `db` (best effort). It holds the
/// process's start, so a marker outliving its process is never taken for
/// one of a later process given the same number.
pub(crate) fn mark_waiting(db: &Path) -> Option<WaitMarker> {
    let mut name = wait_prefix(db);
    name.push(std::process::id().to_string());
    let path = db.with_file_name(name);
    std::fs::write(&path, started(std::process::id()).unwrap_or_default()).ok()?;
    Some(WaitMarker { path })
}

/// Whether the marker at `path`, left by `pid`, is still that process's.
fn marker_live(path: &Path, pid: u32) -> bool {
    if !exists(pid) {
        return false;
    }
    match std::fs::read_to_string(path) {
        Ok(start) if !start.trim().is_empty() => started(pid).is_some_and(|now| now == start.trim()),
        // Written where the start is unknown: the number is all there is.
        Ok(_) => true,
        Err(_) => false,
    }
}

/// Whether a live lastmile other than this one is waiting to write `db`.
fn others_waiting(db: &Path) -> bool {
    let prefix = wait_prefix(db);
    let prefix = prefix.to_string_lossy();
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let pid = name.strip_prefix(prefix.as_ref()).and_then(|p| p.parse::<u32>().ok());
        match pid {
            Some(pid) if pid != std::process::id() && marker_live(&e.path(), pid) => true,
            Some(pid) if pid != std::process::id() => {
                // Left by a process that died (even if its number is now
                // another's): tidy it away.
                let _ = std::fs::remove_file(e.path());
                false
            }
            _ => false,
        }
    })
}

/// How long a batched writer pauses, at most, for the writers waiting.
const YIELD_LIMIT: std::time::Duration = std::time::Duration::from_secs(3);

impl Store {
    /// Leave a note saying what this store is about to write at length
    /// (see the module documentation); keep it until the write is done.
    pub fn announce(&self, what: &str) -> Result<Option<BusyNote>> {
        self.leave_note(what, false)
    }

    /// [`Store::announce`] for a write in short transactions (a staged
    /// import): others queue for the lock as usual, and
    /// [`Store::let_waiting_writers_in`] gives them their turn.
    pub fn announce_batched(&self, what: &str) -> Result<Option<BusyNote>> {
        self.leave_note(what, true)
    }

    /// Between two transactions of a batched write: while another
    /// lastmile waits to write (its marker is there), pause, so it gets
    /// the lock before the next batch (at most a few seconds).
    pub fn let_waiting_writers_in(&self) {
        if self.path.as_os_str() == ":memory:" {
            return;
        }
        let start = std::time::Instant::now();
        while others_waiting(&self.path) && start.elapsed() < YIELD_LIMIT {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    fn leave_note(&self, what: &str, batched: bool) -> Result<Option<BusyNote>> {
        if self.path.as_os_str() == ":memory:" {
            return Ok(None);
        }
        let path = note_path(&self.path);
        let body = format!(
            "{}\n{}\n{}\n{}\n{}\n",
            std::process::id(),
            self.clock.now_utc(),
            self.actor.replace('\n', " "),
            what.replace('\n', " "),
            if batched { "batched" } else { "whole" }
        );
        // Best effort: without the note others wait the busy timeout, as before.
        match std::fs::write(&path, body) {
            Ok(()) => Ok(Some(BusyNote { path })),
            Err(_) => Ok(None),
        }
    }

    /// How this store's writes meet a lock held by a long write.
    pub fn set_when_busy(&mut self, w: WhenBusy) {
        self.when_busy = w;
    }

    /// Tell `f` once, while waiting behind a long write, what it is.
    pub fn on_wait(&mut self, f: fn(&Holder)) {
        self.on_wait = Some(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_names_its_holder_and_one_left_by_a_dead_process_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("b.db");
        let s = Store::open(&db, super::super::OpenMode::Create, "Ana Silva").unwrap();
        let note = s.announce("an import of 3 rows from x.csv").unwrap().unwrap();
        let h = holder(&db).unwrap();
        assert_eq!(
            (h.what.as_str(), h.by.as_str(), h.pid),
            ("an import of 3 rows from x.csv", "Ana Silva", std::process::id())
        );
        assert!(
            h.describe()
                .starts_with("an import of 3 rows from x.csv by Ana Silva (since "),
            "{}",
            h.describe()
        );
        drop(note);
        assert!(holder(&db).is_none(), "the note goes with the write");
        // A note whose process is gone (or is not lastmile) holds nobody up.
        std::fs::write(note_path(&db), "999999999\n2026-11-23T10:00:00Z\nx\nan import\n").unwrap();
        assert!(holder(&db).is_none());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_waiting_marker_counts_only_while_the_process_that_left_it_runs() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("w.db");
        let mut child = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        let marker = db.with_file_name(format!("w.db.wait.{}", child.id()));
        // Left by this very process: it waits.
        std::fs::write(&marker, started(child.id()).unwrap()).unwrap();
        assert!(others_waiting(&db));
        // Left by an earlier process given the same number: it does not
        // (a batch would pause its whole limit for nobody), and goes.
        std::fs::write(&marker, "1").unwrap();
        assert!(!others_waiting(&db));
        assert!(!marker.exists(), "the stale marker is tidied away");
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
