//! Restoring a backup (issue 10, part 2): `lastmile restore` refuses while
//! a workbench has the file open, keeps the replaced file aside and leaves
//! no stale write-ahead log to be applied to the restored one; a workbench
//! whose file is replaced underneath notices, stops writing, and does not
//! spoil the file now at its path.

mod support;

use std::path::{Path, PathBuf};
use support::env::Env;

fn companions(p: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm"]
        .iter()
        .map(|s| {
            let mut q = p.as_os_str().to_owned();
            q.push(s);
            PathBuf::from(q)
        })
        .filter(|q| q.exists())
        .collect()
}

fn pilot_names(e: &Env) -> Vec<String> {
    e.store().pilots().unwrap().into_iter().map(|p| p.name).collect()
}

#[test]
fn restore_puts_the_backup_in_place_and_keeps_the_replaced_file() {
    let e = Env::demo();
    let backup = e.path("before.db");
    e.ok(&["backup", backup.to_str().unwrap()]);
    e.ok(&["pilots", "add", "Added after the backup"]);
    let out = e.ok(&["restore", backup.to_str().unwrap()]);
    assert!(out.contains("Restored") && out.contains("kept as"), "{out}");
    assert!(!pilot_names(&e).contains(&"Added after the backup".to_string()));
    // The replaced file is whole beside it, with the later pilot in it.
    let aside: Vec<PathBuf> = std::fs::read_dir(e.dir.path())
        .unwrap()
        .map(|d| d.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".replaced-") && !p.to_string_lossy().ends_with("-wal"))
        .filter(|p| !p.to_string_lossy().ends_with("-shm"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    let old = lastmile::store::Store::open(&aside[0], lastmile::store::OpenMode::Existing, "checker").unwrap();
    assert!(old.find_pilot("Added after the backup").is_ok());
    drop(old);
    // The restore is on the record, and the restored file verifies.
    let ev = e.store().audit_events(None, 1).unwrap();
    assert_eq!(
        (ev[0].entity.as_str(), ev[0].field.as_str()),
        ("file", "restored"),
        "{ev:?}"
    );
    e.ok(&["verify"]);
}

#[test]
fn restore_refuses_a_damaged_or_foreign_backup_and_changes_nothing() {
    let e = Env::demo();
    let before = std::fs::read(&e.db).unwrap();
    let text = e.path("notes.txt");
    std::fs::write(&text, "not a database").unwrap();
    let err = e.fails(&["restore", text.to_str().unwrap()], 1);
    assert!(err.contains("not a lastmile") || err.contains("not an SQLite"), "{err}");
    let missing = e.path("missing.db");
    let err = e.fails(&["restore", missing.to_str().unwrap()], 1);
    assert!(err.contains("is not a file"), "{err}");
    assert_eq!(std::fs::read(&e.db).unwrap(), before);
}

#[test]
fn restore_refuses_while_a_workbench_has_the_file_open() {
    let e = Env::demo();
    let backup = e.path("b.db");
    e.ok(&["backup", backup.to_str().unwrap()]);
    let (mut child, screen) = support::pty::spawn_workbench(&e.db, 120, 36);
    screen.wait_for("Day ");
    let err = e.fails(&["restore", backup.to_str().unwrap()], 1);
    assert!(err.contains("another lastmile has") && err.contains("open"), "{err}");
    screen.press(b"q");
    support::pty::wait_exit(&mut child, "q");
    e.ok(&["restore", backup.to_str().unwrap()]);
    assert!(companions(&e.db).is_empty() || e.store().integrity_check().unwrap().is_ok());
    e.ok(&["verify"]);
}

#[test]
fn a_workbench_whose_file_is_replaced_with_mv_notices_and_spoils_nothing() {
    let e = Env::demo();
    let backup = e.path("b.db");
    e.ok(&["backup", backup.to_str().unwrap()]);
    let (mut child, screen) = support::pty::spawn_workbench(&e.db, 120, 36);
    screen.wait_for("Day ");
    // A change committed to the write-ahead log, not yet in the file.
    screen.add_pilot("Only in the old file");
    // The user restores by hand, the way the old README suggested.
    std::fs::rename(&backup, &e.db).unwrap();
    screen.wait_for("was replaced");
    // The file now at the path is whole: no old log was applied to it.
    let out = e.ok(&["status"]);
    assert!(!out.contains("Only in the old file"), "{out}");
    e.ok(&["verify"]);
    screen.press(b"q");
    support::pty::wait_exit(&mut child, "q");
    e.ok(&["verify"]);
    assert!(!pilot_names(&e).contains(&"Only in the old file".to_string()));
}

#[test]
fn a_file_copied_over_in_place_is_noticed_and_not_written() {
    let e = Env::demo();
    let backup = e.path("b.db");
    e.ok(&["backup", backup.to_str().unwrap()]);
    let mut open = e.store();
    open.write(|tx| tx.add_person("Written before", "")).unwrap();
    let inode = std::fs::metadata(&e.db).unwrap();
    // `cp backup t.db`: the same inode, other content.
    std::fs::copy(&backup, &e.db).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::metadata(&e.db).unwrap().ino(), inode.ino(), "copied in place");
    assert!(open.replaced_underneath());
    let err = open
        .write(|tx| tx.add_person("Written after", ""))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("was overwritten by another file while lastmile had it open"),
        "{err}"
    );
    // Reopened (as the workbench does), nothing of the old file's log is
    // applied to the new content: it is the backup, whole.
    let again = open.reopen().unwrap();
    assert_eq!(again.integrity_check().unwrap(), Ok(()));
    assert!(again.find_person("Written before").is_err());
    drop(again);
    e.ok(&["verify"]);
}

#[test]
fn the_restore_summary_counts_only_the_pilots_anyone_can_see() {
    let e = Env::init();
    e.ok(&["pilots", "add", "Visible pilot"]);
    // A backup taken while an import had staged a pilot (hidden until it
    // publishes; the next import removes it).
    let mut s = e.store();
    let run = s.stage_begin("an import of 1 rows from x.csv").unwrap();
    s.write_staged(run, |tx| {
        let mut keys = tx.pilot_name_keys()?;
        let f = lastmile::domain::model::PilotFields {
            name: "Half imported".into(),
            ..Default::default()
        };
        tx.add_pilot_bulk(&f, &lastmile::playbook::Playbook::builtin().items(), &[], &mut keys)
    })
    .unwrap();
    let backup = e.path("during.db");
    s.backup_to(&backup).unwrap();
    drop(s);
    let r = lastmile::store::restore(
        &e.path("restored.db"),
        &backup,
        "checker",
        lastmile::clock::Clock::fixed(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
    )
    .unwrap();
    assert_eq!(r.pilots, 1);
}
