//! Long writes say who holds the file, so nobody else fails for it.
//!
//! An import or a demo build holds the write lock for its whole (all or
//! nothing) transaction. While it runs it leaves a note beside the file
//! (`FILE.busy`: what, by whom, since when, which process). A writer that
//! finds the lock held past the busy timeout looks for the note: if a live
//! lastmile wrote it, a command keeps waiting and says once what it waits
//! for, and the workbench (which must never freeze) does not wait at all but
//! says who is writing, so the user can save again when it is done.

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

fn alive(pid: u32) -> bool {
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

/// The long write holding `db`, if a live lastmile left a note (a note left
/// by a process that died is ignored).
pub fn holder(db: &Path) -> Option<Holder> {
    let text = std::fs::read_to_string(note_path(db)).ok()?;
    let mut fields = text.lines();
    let pid: u32 = fields.next()?.trim().parse().ok()?;
    let since = fields.next()?.to_string();
    let by = fields.next()?.to_string();
    let what = fields.next()?.to_string();
    alive(pid).then_some(Holder { what, by, since, pid })
}

impl Store {
    /// Leave a note saying what this store is about to write at length
    /// (see the module documentation); keep it until the write is done.
    pub fn announce(&self, what: &str) -> Result<Option<BusyNote>> {
        if self.path.as_os_str() == ":memory:" {
            return Ok(None);
        }
        let path = note_path(&self.path);
        let body = format!(
            "{}\n{}\n{}\n{}\n",
            std::process::id(),
            self.clock.now_utc(),
            self.actor.replace('\n', " "),
            what.replace('\n', " ")
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
}
