//! Bad `--db` files and faults underneath a running store: each case gives
//! one clear line on stderr, exit code 1, no panic, and leaves earlier data
//! (and files that are not ours) untouched.
//!
//! Note: the tests may run as root, which ignores permission bits; the
//! store honours a read-only file's bits itself, so the read-only case
//! holds for root too.

mod support;

use lastmile::domain::model::PilotFields;
use lastmile::playbook::Playbook;
use lastmile::store::{verify_chains, OpenMode, Store};
use lastmile::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{lastmile, run};

/// Run `lastmile --db DB ARGS` and expect exit 1 with exactly this one
/// line on stderr and nothing on stdout.
fn fails_with(db: &Path, args: &[&str], message: &str) {
    let (code, out, err) = run(lastmile(db, args));
    assert!(!err.contains("panicked"), "{args:?} panicked:\n{err}");
    assert_eq!(code, 1, "{args:?}: exit code\nstdout: {out}\nstderr: {err}");
    assert_eq!(err, format!("error: {message}\n"), "{args:?}: message");
    assert_eq!(out, "", "{args:?}: nothing on stdout");
}

fn succeeds(db: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(lastmile(db, args));
    assert_eq!(code, 0, "{args:?} failed:\n{err}");
    assert!(!err.contains("panicked"));
    out
}

/// The file's bytes and which of its -wal/-shm companions exist.
fn snapshot(p: &Path) -> (Vec<u8>, Vec<bool>) {
    let companions = ["-wal", "-shm", "-journal"]
        .iter()
        .map(|s| {
            let mut q = p.as_os_str().to_owned();
            q.push(s);
            PathBuf::from(q).exists()
        })
        .collect();
    (std::fs::read(p).unwrap(), companions)
}

fn demo_db(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    succeeds(&db, &["demo"]);
    db
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("folder");
    std::fs::create_dir(&d).unwrap();
    let p = d.display();
    fails_with(
        &d,
        &["status"],
        &format!("{p} is a directory: give a file path with --db, e.g. {p}/lastmile.db"),
    );
    fails_with(
        &d,
        &["pilots", "add", "X"],
        &format!("{p} is a directory: give a file path with --db, e.g. {p}/lastmile.db"),
    );
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0, "nothing created inside");
}

#[test]
fn a_text_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("notes.txt");
    std::fs::write(&f, "meeting notes\nnot a database\n").unwrap();
    let before = snapshot(&f);
    let msg = format!(
        "{} is not a lastmile database (not an SQLite file): pass another file with --db",
        f.display()
    );
    fails_with(&f, &["status"], &msg);
    fails_with(&f, &["pilots", "add", "X"], &msg);
    fails_with(&f, &["init"], &msg);
    assert_eq!(snapshot(&f), before, "the text file was changed");
}

#[test]
fn another_programs_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&f).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = snapshot(&f);
    let msg = format!(
        "{} is an SQLite database but not a lastmile one: pass another file with --db",
        f.display()
    );
    fails_with(&f, &["init"], &msg);
    fails_with(&f, &["pilots", "add", "X"], &msg);
    assert_eq!(snapshot(&f), before);
    {
        let c = rusqlite::Connection::open(&f).unwrap();
        c.execute_batch("PRAGMA application_id = 1234;").unwrap();
    }
    let before = snapshot(&f);
    fails_with(
        &f,
        &["status"],
        &format!(
            "{} is an SQLite database of another program, not lastmile's: pass another file with --db",
            f.display()
        ),
    );
    assert_eq!(snapshot(&f), before);
}

#[test]
fn a_truncated_database_is_reported_damaged_and_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let full = demo_db(dir.path(), "full.db");
    let len = std::fs::metadata(&full).unwrap().len();
    for cut in [50, 100, 4096, 20_000, len / 2, len - 4096] {
        let f = dir.path().join(format!("cut-{cut}.db"));
        std::fs::copy(&full, &f).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&f)
            .unwrap()
            .set_len(cut)
            .unwrap();
        let before = snapshot(&f);
        let msg = format!(
            "{} is damaged (database disk image is malformed): restore it from a backup ('lastmile backup' makes one)",
            f.display()
        );
        fails_with(&f, &["status"], &msg);
        fails_with(&f, &["pilots", "list"], &msg);
        fails_with(&f, &["pilots", "add", "New pilot"], &msg);
        assert_eq!(
            snapshot(&f).0,
            before.0,
            "cut at {cut}: the damaged file was written to"
        );
    }
}

/// Overwrite `n` whole pages from the middle of the file with a pattern.
fn overwrite_pages(f: &Path, n: u64) {
    use std::io::{Seek, SeekFrom, Write};
    let len = std::fs::metadata(f).unwrap().len();
    let page = 4096;
    let first = (len / page) / 2;
    let mut file = std::fs::OpenOptions::new().write(true).open(f).unwrap();
    file.seek(SeekFrom::Start(first * page)).unwrap();
    file.write_all(&vec![0xAB; (n * page) as usize]).unwrap();
}

#[test]
fn a_file_with_damaged_pages_reads_but_takes_no_writes_and_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_db(dir.path(), "pages.db");
    overwrite_pages(&f, 3);
    let before = snapshot(&f).0;
    // Reading goes on: the damage may be in pages no report needs.
    let (code, _, err) = run(lastmile(&f, &["pilots", "list"]));
    assert!(!err.contains("panicked"), "{err}");
    assert!(code == 0 || err.contains("is damaged"), "{err}");
    // Writing does not.
    for args in [
        &["pilots", "add", "Written into damage"][..],
        &["people", "add", "Nobody New"],
        &[
            "decide",
            "kyc",
            "defer",
            "--by",
            "elena",
            "--why",
            "x",
            "--review",
            "2026-12-31",
        ],
    ] {
        let (code, out, err) = run(lastmile(&f, args));
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(code, 1, "{args:?} wrote into a damaged file: {out}{err}");
        assert!(
            err.contains("is damaged") && err.contains("nothing was written") && err.contains("lastmile restore"),
            "{args:?}: {err}"
        );
        assert_eq!(snapshot(&f).0, before, "{args:?}: the damaged file was written to");
    }
    // A backup of it is refused, and no copy is left that could pass for one.
    let copy = dir.path().join("copy.db");
    let (code, _, err) = run(lastmile(&f, &["backup", copy.to_str().unwrap()]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("damaged"), "{err}");
    assert!(!copy.exists(), "a damaged copy was left as a backup");
}

#[test]
fn a_read_only_file_reads_but_refuses_writes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let f = demo_db(dir.path(), "ro.db");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&f).unwrap();
    let list = succeeds(&f, &["pilots", "list"]);
    assert!(list.contains("Card fraud detection"), "{list}");
    succeeds(&f, &["status"]);
    succeeds(&f, &["why", "Card fraud"]);
    let msg = format!(
        "{} is read-only, so nothing was changed: make it writable (chmod u+w) or work on a copy",
        f.display()
    );
    fails_with(&f, &["pilots", "add", "New pilot"], &msg);
    fails_with(&f, &["people", "add", "New Person"], &msg);
    fails_with(&f, &["score", "Card fraud", "data", "green", "--why", "evidence"], &msg);
    // A copy can be taken from a read-only file.
    let copy = dir.path().join("copy.db");
    succeeds(&f, &["backup", &copy.display().to_string()]);
    assert!(succeeds(&copy, &["pilots", "list"]).contains("Card fraud detection"));
    assert_eq!(std::fs::read(&f).unwrap(), before, "the read-only file was changed");
    // A read-only file too old for this build is not upgraded.
    let empty = dir.path().join("empty-ro.db");
    std::fs::write(&empty, b"").unwrap();
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o444)).unwrap();
    fails_with(
        &empty,
        &["status"],
        &format!(
            "{} is read-only and needs its schema upgraded (from 0 to {}): make it writable first",
            empty.display(),
            lastmile::store::SCHEMA_VERSION
        ),
    );
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
}

#[test]
fn a_newer_schema_is_refused_and_the_file_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_db(dir.path(), "future.db");
    {
        let c = rusqlite::Connection::open(&f).unwrap();
        c.execute_batch(&format!(
            "PRAGMA user_version = {};",
            lastmile::store::SCHEMA_VERSION + 1
        ))
        .unwrap();
    }
    let before = snapshot(&f);
    assert_eq!(before.1, vec![false, false, false], "no companions to start with");
    let msg = format!(
        "{} was written by a newer lastmile (schema {}; this build knows up to {}): upgrade lastmile; the file was not touched",
        f.display(),
        lastmile::store::SCHEMA_VERSION + 1,
        lastmile::store::SCHEMA_VERSION
    );
    fails_with(&f, &["status"], &msg);
    fails_with(&f, &["init"], &msg);
    fails_with(&f, &["pilots", "add", "X"], &msg);
    assert_eq!(snapshot(&f), before, "the file (or its companions) changed");
}

#[test]
fn a_missing_directory_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("new/nested/dir/lastmile.db");
    let out = succeeds(&f, &["init"]);
    assert!(out.contains("is ready"), "{out}");
    assert!(f.is_file());
    succeeds(&f, &["pilots", "add", "First pilot"]);
    assert!(succeeds(&f, &["pilots", "list"]).contains("First pilot"));
}

#[test]
fn a_zero_byte_file_becomes_a_valid_database() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("empty.db");
    std::fs::write(&f, b"").unwrap();
    succeeds(&f, &["init"]);
    succeeds(&f, &["pilots", "add", "First pilot"]);
    let s = Store::open(&f, OpenMode::Existing, "t").unwrap();
    assert_eq!(s.integrity_check().unwrap(), Ok(()));
    let app: i64 = s.conn().query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(app, lastmile::store::APPLICATION_ID);
    assert_eq!(s.pilots().unwrap().len(), 1);
}

#[test]
fn a_lock_held_longer_than_the_busy_timeout_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_db(dir.path(), "locked.db");
    let holder = rusqlite::Connection::open(&f).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE programme SET name = name;")
        .unwrap();
    let timeout_ms = 400;
    let mut c = lastmile(&f, &["pilots", "add", "Blocked pilot"]);
    c.env("LASTMILE_BUSY_TIMEOUT_MS", timeout_ms.to_string());
    let t = Instant::now();
    let (code, out, err) = run(c);
    let waited = t.elapsed();
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        err,
        format!(
            "error: {} stayed locked by another program for too long: nothing was changed; try again in a moment\n",
            f.display()
        )
    );
    assert!(
        waited >= Duration::from_millis(timeout_ms),
        "gave up after {waited:?}, before the busy timeout"
    );
    assert!(waited < Duration::from_secs(8), "waited {waited:?}");
    // Readers are not blocked by a writer (WAL).
    let mut c = lastmile(&f, &["pilots", "list"]);
    c.env("LASTMILE_BUSY_TIMEOUT_MS", timeout_ms.to_string());
    let (code, list, err) = run(c);
    assert_eq!(code, 0, "{err}");
    assert!(list.contains("Card fraud detection"));
    // A writer that waits is served as soon as the lock goes.
    let mut c = lastmile(&f, &["pilots", "add", "Queued pilot"]);
    c.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = c.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    holder.execute_batch("COMMIT;").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = succeeds(&f, &["pilots", "list"]);
    assert!(
        list.contains("Queued pilot") && !list.contains("Blocked pilot"),
        "{list}"
    );
}

#[test]
fn an_exclusive_lock_by_another_program_is_reported_for_reads_too() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_db(dir.path(), "exclusive.db");
    let holder = rusqlite::Connection::open(&f).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; UPDATE programme SET name = name;")
        .unwrap();
    let mut c = lastmile(&f, &["status"]);
    c.env("LASTMILE_BUSY_TIMEOUT_MS", "200");
    let (code, out, err) = run(c);
    assert_eq!(code, 1, "{out}{err}");
    assert!(!err.contains("panicked"));
    assert_eq!(
        err,
        format!(
            "error: {} stayed locked by another program for too long: nothing was changed; try again in a moment\n",
            f.display()
        )
    );
    holder.execute_batch("COMMIT;").unwrap();
    drop(holder);
    succeeds(&f, &["status"]);
}

// ----------------------------------------------- faults under a store ---

fn store_with_pilots(path: &Path, n: usize) -> Store {
    let mut s = Store::open(path, OpenMode::Create, "t").unwrap();
    let items = Playbook::builtin().items();
    s.write(|tx| {
        for i in 0..n {
            tx.add_pilot(
                &PilotFields {
                    name: format!("Pilot {i}"),
                    ..Default::default()
                },
                &items,
            )?;
        }
        Ok(())
    })
    .unwrap();
    s
}

#[test]
fn disk_full_refuses_the_write_and_keeps_earlier_data() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("full.db");
    let mut s = store_with_pilots(&f, 3);
    let pages: i64 = s.conn().query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    // The page limit stands in for a full disk.
    s.conn().pragma_update(None, "max_page_count", pages + 40).unwrap();
    let items = Playbook::builtin().items();
    let mut added = 3;
    let err = loop {
        let name = format!("Pilot {added}");
        match s.write(|tx| {
            tx.add_pilot(
                &PilotFields {
                    name: name.clone(),
                    ..Default::default()
                },
                &items,
            )
        }) {
            Ok(_) => added += 1,
            Err(e) => break e,
        }
        assert!(added < 500, "the page limit never bit");
    };
    assert!(matches!(err, Error::DiskFull(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "the disk holding {} is full: nothing was changed; free some space and try again",
            f.display()
        )
    );
    // The store keeps running: reads work, the refused pilot is absent,
    // everything before it is intact.
    let names: Vec<String> = s.pilots().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names.len(), added);
    assert!(!names.contains(&format!("Pilot {added}")));
    assert_eq!(s.integrity_check().unwrap(), Ok(()));
    assert!(verify_chains(&s).unwrap().iter().all(|c| c.broken_at.is_none()));
    // Once space is freed, writing resumes on the same store.
    s.conn().pragma_update(None, "max_page_count", 1_000_000).unwrap();
    s.write(|tx| {
        tx.add_pilot(
            &PilotFields {
                name: "After space was freed".into(),
                ..Default::default()
            },
            &items,
        )
    })
    .unwrap();
    drop(s);
    let s = Store::open(&f, OpenMode::Existing, "t").unwrap();
    assert_eq!(s.pilots().unwrap().len(), added + 1);
    assert_eq!(s.integrity_check().unwrap(), Ok(()));
}

#[test]
fn a_file_deleted_underneath_is_reported_and_nothing_panics() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("gone.db");
    let mut s = store_with_pilots(&f, 2);
    std::fs::remove_file(&f).unwrap();
    let e = s.write(|tx| tx.add_person("Late Writer", "")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{} was moved or deleted while lastmile had it open: nothing more was saved; reopen the file",
            f.display()
        )
    );
    // Reading what is still open keeps working (the app keeps running).
    assert_eq!(s.pilots().unwrap().len(), 2);
    drop(s);
    let s = Store::open(&f, OpenMode::Existing, "t");
    assert!(s.is_err(), "the deleted file is gone");
    // A new file made at the same path starts empty: the old file's WAL,
    // left next to the path, must not leak its pages into it.
    let s = Store::open(&f, OpenMode::Create, "t").unwrap();
    assert_eq!(s.pilots().unwrap().len(), 0);
    assert_eq!(s.integrity_check().unwrap(), Ok(()));
}

#[test]
fn a_file_replaced_underneath_is_not_written_through_the_old_handle() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("replaced.db");
    let mut s = store_with_pilots(&f, 2);
    // Another program swaps in a different lastmile file.
    let other = dir.path().join("other.db");
    drop(store_with_pilots(&other, 5));
    let other_bytes = std::fs::read(&other).unwrap();
    std::fs::rename(&other, &f).unwrap();
    let e = s.write(|tx| tx.add_person("Late Writer", "")).unwrap_err();
    assert!(
        e.to_string()
            .contains("was moved or deleted while lastmile had it open"),
        "{e}"
    );
    drop(s);
    assert_eq!(
        std::fs::read(&f).unwrap(),
        other_bytes,
        "the new file was written through the old handle"
    );
    let s = Store::open(&f, OpenMode::Existing, "t").unwrap();
    assert_eq!(s.pilots().unwrap().len(), 5);
    assert!(s.people().unwrap().is_empty());
}
