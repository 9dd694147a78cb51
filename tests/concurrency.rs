//! Two terminals, one file: several processes write to the same database
//! at once. Every committed edit is present, every refused edit was
//! reported to its writer with the other person's value and name, nothing
//! is silently lost, nobody sees SQLITE_BUSY, and backups taken meanwhile
//! are whole.
//!
//! The writers are real processes: this test binary started again with
//! `LASTMILE_TEST_HELPER=writer` (see `support::spawn_helper`), each opening
//! its own `Store` and looping over its edits.

mod support;

use lastmile::domain::model::{Dimension, PilotFields, Rag};
use lastmile::playbook::{Playbook, READINESS_RUBRIC};
use lastmile::store::{verify_chains, OpenMode, Store};
use lastmile::Error;
use rusqlite::params;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::time::{Duration, Instant};
use support::{helper_role, lastmile, run, spawn_helper, Rng};

/// Writer processes in the main test.
const WRITERS: usize = 4;
/// Edits per writer.
const EDITS: usize = 500;
/// Checklist items (per shared pilot) the writers fight over.
const ITEMS_PER_PILOT: usize = 3;
/// Names of the pilots every writer edits.
const SHARED: [&str; 2] = ["Shared pilot A", "Shared pilot B"];

/// Marks the writer's report lines on its standard output.
const TAG: &str = "@@\t";

fn actor(w: usize) -> String {
    format!("writer-{w}")
}

/// The ids every writer works on: (shared pilot ids, their first items).
fn targets(store: &Store) -> (Vec<i64>, Vec<i64>) {
    let pilots: Vec<i64> = SHARED
        .iter()
        .map(|n| store.find_pilot(n).expect("shared pilot").id)
        .collect();
    let items = pilots
        .iter()
        .flat_map(|p| {
            store
                .checklist(*p)
                .expect("checklist")
                .into_iter()
                .take(ITEMS_PER_PILOT)
                .map(|i| i.id)
        })
        .collect();
    (pilots, items)
}

/// Helper process: one writer. Opens its own store and makes `EDITS`
/// edits, each against the revision it has just read, reporting each one
/// as committed (`C`), refused (`R`, with who changed the row and its value
/// now) or failed (`E`, which the parent treats as a test failure).
#[test]
fn helper_writer() {
    if helper_role().as_deref() != Some("writer") {
        return; // only does something when started by the tests below
    }
    let db = std::env::var("LASTMILE_TEST_DB").unwrap();
    let w: usize = std::env::var("LASTMILE_TEST_WRITER").unwrap().parse().unwrap();
    let edits: usize = std::env::var("LASTMILE_TEST_EDITS").unwrap().parse().unwrap();
    let seed: u64 = std::env::var("LASTMILE_TEST_SEED").unwrap().parse().unwrap();
    let out = std::io::stdout();
    let report = |line: String| {
        let mut o = out.lock();
        o.write_all(format!("{TAG}{line}\n").as_bytes()).unwrap();
        o.flush().unwrap();
    };
    let mut store = match Store::open(Path::new(&db), OpenMode::Existing, &actor(w)) {
        Ok(s) => s,
        Err(e) => {
            report(format!("E\topen: {e}"));
            return;
        }
    };
    let pb = Playbook::builtin();
    let rubric = pb.rubric(READINESS_RUBRIC).unwrap().clone();
    let scale = pb.scale_of(&rubric).clone();
    let (pilots, items) = targets(&store);
    let mut rng = Rng::new(seed ^ ((w as u64 + 1) * 7919));
    for i in 0..edits {
        let token = format!("w{w}-{i}");
        let roll = rng.below(100);
        // A user reads, thinks for a moment, then saves.
        let think = |rng: &mut Rng| {
            if rng.below(3) == 0 {
                std::thread::sleep(Duration::from_micros(rng.below(2000)));
            }
        };
        let (kind, target, seen_rev, seen_value, result) = if roll < 50 {
            let id = items[rng.below(items.len() as u64) as usize];
            let it = store.item(id).unwrap();
            think(&mut rng);
            let r = store.write(|tx| tx.set_item_note(id, it.revision, &token));
            ("note", id, it.revision, it.note, r)
        } else if roll < 75 {
            let id = pilots[rng.below(pilots.len() as u64) as usize];
            let p = store.pilot(id).unwrap();
            think(&mut rng);
            let fields = PilotFields {
                business_unit: token.clone(),
                ..p.fields()
            };
            let r = store.write(|tx| tx.update_pilot(id, p.revision, &fields));
            ("unit", id, p.revision, p.business_unit, r)
        } else {
            let id = pilots[rng.below(pilots.len() as u64) as usize];
            let dim = Dimension::ALL[rng.below(4) as usize];
            let rag = Rag::ALL[rng.below(3) as usize];
            let r = store.write(|tx| {
                tx.add_score(id, &rubric, &scale, dim.key(), rag.key(), &token)
                    .map(|_| ())
            });
            ("score", id, 0, String::new(), r)
        };
        match result {
            Ok(()) => report(format!("C\t{kind}\t{target}\t{seen_rev}\t{token}\t{seen_value}")),
            Err(Error::Conflict(c)) => report(format!(
                "R\t{kind}\t{target}\t{seen_rev}\t{token}\t{}\t{}",
                c.by, c.current
            )),
            Err(e) => report(format!("E\t{kind}\t{target}\t{token}\t{e}")),
        }
    }
}

/// One line of a writer's report.
#[derive(Debug, Clone)]
struct Report {
    writer: usize,
    committed: bool,
    kind: String,
    target: i64,
    seen_rev: i64,
    token: String,
    /// Committed: the value the writer saw. Refused: "by\tcurrent".
    detail: String,
}

fn parse_reports(w: usize, stdout: &str) -> (Vec<Report>, Vec<String>) {
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for line in stdout.lines() {
        let Some(at) = line.find(TAG) else { continue };
        let fields: Vec<&str> = line[at + TAG.len()..].splitn(6, '\t').collect();
        match fields[0] {
            "C" | "R" if fields.len() == 6 => reports.push(Report {
                writer: w,
                committed: fields[0] == "C",
                kind: fields[1].into(),
                target: fields[2].parse().unwrap(),
                seen_rev: fields[3].parse().unwrap(),
                token: fields[4].into(),
                detail: fields[5].into(),
            }),
            _ => errors.push(line.to_string()),
        }
    }
    (reports, errors)
}

fn setup(db: &Path, synthetic_pilots: usize) {
    let pb = Playbook::builtin();
    let mut s = Store::open(db, OpenMode::Create, "setup").unwrap();
    // Enough pilots that the file is larger than one backup step.
    lastmile::demo::load_synthetic(
        &mut s,
        &pb,
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        synthetic_pilots,
        7,
    )
    .unwrap();
    let items = pb.items();
    s.write(|tx| {
        for name in SHARED {
            tx.add_pilot(
                &PilotFields {
                    name: name.into(),
                    ..Default::default()
                },
                &items,
            )?;
        }
        Ok(())
    })
    .unwrap();
}

/// The audit trail of one field of one row: (old, new, actor), oldest first.
fn history(s: &Store, entity: &str, id: i64, field: &str) -> Vec<(Option<String>, Option<String>, String)> {
    let mut stmt = s
        .conn()
        .prepare("SELECT old_value, new_value, actor FROM audit_events WHERE entity = ?1 AND entity_id = ?2 AND field = ?3 ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map(params![entity, id, field], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// Check one contended field: the committed edits form one unbroken chain
/// in the audit trail (each overwrote exactly the value its writer saw, at
/// the revision its writer saw), and the row holds the last of them.
fn check_chain(
    s: &Store,
    entity: &str,
    field: &str,
    id: i64,
    committed: &[&Report],
    initial: &str,
    current: (i64, String),
) {
    let hist = history(s, entity, id, field);
    assert_eq!(
        hist.len(),
        committed.len(),
        "{entity} {id}: every committed edit has exactly one audit event"
    );
    let by_token: HashMap<&str, &Report> = committed.iter().map(|r| (r.token.as_str(), *r)).collect();
    let mut expected_old = initial.to_string();
    for (k, (old, new, actor_name)) in hist.iter().enumerate() {
        let new = new.as_deref().expect("edits set a value");
        let r = by_token
            .get(new)
            .unwrap_or_else(|| panic!("{entity} {id}: audit event for '{new}', which no writer reported committed"));
        assert_eq!(
            old.as_deref(),
            Some(expected_old.as_str()),
            "{entity} {id}: edit {k} overwrote something other than the previous edit"
        );
        assert_eq!(
            r.detail, expected_old,
            "{entity} {id}: '{new}' overwrote a value its writer never saw (silent overwrite)"
        );
        assert_eq!(
            r.seen_rev,
            k as i64 + 1,
            "{entity} {id}: '{new}' was accepted against a stale revision"
        );
        assert_eq!(actor_name, &actor(r.writer));
        expected_old = new.to_string();
    }
    assert_eq!(
        current.1, expected_old,
        "{entity} {id}: the row holds the last committed edit"
    );
    assert_eq!(
        current.0,
        committed.len() as i64 + 1,
        "{entity} {id}: one revision per committed edit"
    );
}

#[test]
fn four_processes_500_edits_each_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    setup(&db, 60);
    let seed = support::seed(20260302);
    let started = Instant::now();

    // The parent is a third kind of terminal: it watches data_version (as
    // the TUI's live refresh does) and takes backups while the writers run.
    let watcher = Store::open(&db, OpenMode::Existing, "watcher").unwrap();
    let version_before = watcher.data_version().unwrap();

    let children: Vec<_> = (0..WRITERS)
        .map(|w| {
            spawn_helper(
                "helper_writer",
                "writer",
                &[
                    ("LASTMILE_TEST_DB", db.display().to_string()),
                    ("LASTMILE_TEST_WRITER", w.to_string()),
                    ("LASTMILE_TEST_EDITS", EDITS.to_string()),
                    ("LASTMILE_TEST_SEED", seed.to_string()),
                ],
            )
        })
        .collect();
    // Collect each child's output on its own thread so no pipe fills up.
    let readers: Vec<_> = children
        .into_iter()
        .map(|mut c| {
            let stdout = c.stdout.take().unwrap();
            std::thread::spawn(move || {
                let mut text = String::new();
                for line in BufReader::new(stdout).lines() {
                    text.push_str(&line.unwrap());
                    text.push('\n');
                }
                let out = c.wait_with_output().unwrap();
                (out.status, text, String::from_utf8_lossy(&out.stderr).into_owned())
            })
        })
        .collect();

    let mut backups = 0;
    let mut changed_seen = false;
    while readers.iter().any(|r| !r.is_finished()) {
        let dest = dir.path().join(format!("backup-{backups}.db"));
        let t = Instant::now();
        watcher
            .backup_to(&dest)
            .unwrap_or_else(|e| panic!("backup while writers run: {e}"));
        assert!(t.elapsed() < Duration::from_secs(20), "a backup took {:?}", t.elapsed());
        let b = Store::open(&dest, OpenMode::Existing, "check").unwrap();
        assert_eq!(b.integrity_check().unwrap(), Ok(()), "backup {backups} is damaged");
        assert!(
            verify_chains(&b).unwrap().iter().all(|c| c.broken_at.is_none()),
            "backup {backups}: chains break"
        );
        drop(b);
        std::fs::remove_file(&dest).unwrap();
        backups += 1;
        changed_seen |= watcher.data_version().unwrap() != version_before;
        std::thread::sleep(Duration::from_millis(50));
    }
    changed_seen |= watcher.data_version().unwrap() != version_before;
    assert!(
        changed_seen,
        "data_version never changed although other processes committed"
    );

    let mut all = Vec::new();
    for (w, r) in readers.into_iter().enumerate() {
        let (status, stdout, stderr) = r.join().unwrap();
        assert!(status.success(), "writer {w} failed: {status}\n{stderr}\n{stdout}");
        assert!(!stderr.contains("panicked"), "writer {w}: {stderr}");
        let (reports, errors) = parse_reports(w, &stdout);
        assert!(
            errors.is_empty(),
            "writer {w} saw errors other than refused edits (no user may see SQLITE_BUSY):\n{}",
            errors.join("\n")
        );
        assert_eq!(
            reports.len(),
            EDITS,
            "writer {w} reported {} of {EDITS} edits:\n{stdout}",
            reports.len()
        );
        all.extend(reports);
    }
    let elapsed = started.elapsed();

    let s = Store::open(&db, OpenMode::Existing, "checker").unwrap();
    assert_eq!(s.integrity_check().unwrap(), Ok(()));
    assert!(
        verify_chains(&s).unwrap().iter().all(|c| c.broken_at.is_none()),
        "hash chains must verify"
    );
    let (pilots, items) = targets(&s);

    // Contended fields: unbroken chains of committed edits.
    for id in &items {
        let committed: Vec<&Report> = all
            .iter()
            .filter(|r| r.committed && r.kind == "note" && r.target == *id)
            .collect();
        let it = s.item(*id).unwrap();
        check_chain(&s, "item", "note", *id, &committed, "", (it.revision, it.note));
    }
    for id in &pilots {
        let committed: Vec<&Report> = all
            .iter()
            .filter(|r| r.committed && r.kind == "unit" && r.target == *id)
            .collect();
        let p = s.pilot(*id).unwrap();
        check_chain(
            &s,
            "pilot",
            "business_unit",
            *id,
            &committed,
            "",
            (p.revision, p.business_unit),
        );
    }
    // Append-only scores: every committed one is there, nothing else.
    let mut stmt = s
        .conn()
        .prepare("SELECT rationale, scorer FROM scores WHERE pilot_id IN (?1, ?2)")
        .unwrap();
    let scores: HashSet<(String, String)> = stmt
        .query_map(params![pilots[0], pilots[1]], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let committed_scores: HashSet<(String, String)> = all
        .iter()
        .filter(|r| r.committed && r.kind == "score")
        .map(|r| (r.token.clone(), actor(r.writer)))
        .collect();
    assert_eq!(
        scores, committed_scores,
        "scores in the file = scores the writers reported committed"
    );

    // Refused edits: reported with the other writer's name and value, and
    // absent from the file.
    let refused: Vec<&Report> = all.iter().filter(|r| !r.committed).collect();
    for r in &refused {
        let (by, current) = r.detail.split_once('\t').unwrap();
        let other: usize = by
            .strip_prefix("writer-")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("refusal names '{by}'"));
        assert_ne!(other, r.writer, "a writer conflicted with itself: {r:?}");
        assert!(
            current.contains(&format!("\"w{other}-")),
            "refusal of {} shows {by}'s value: {current}",
            r.token
        );
        let found: i64 = s
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_events WHERE new_value = ?1",
                [&r.token],
                |x| x.get(0),
            )
            .unwrap();
        assert_eq!(found, 0, "refused edit {} is in the file", r.token);
    }

    let committed = all.iter().filter(|r| r.committed).count();
    let figures = format!(
        "concurrency: {WRITERS} processes x {EDITS} edits = {} edits: {committed} committed, {} refused (conflict reported), 0 lost, \
         0 busy errors; {backups} online backups taken meanwhile, all intact; {:.1}s",
        all.len(),
        refused.len(),
        elapsed.as_secs_f64()
    );
    println!("{figures}");
    assert!(
        !refused.is_empty(),
        "the test should provoke some conflicts; raise the think time"
    );
    assert!(backups > 0);
}

/// `lastmile backup` uses the online backup API: it must finish, and give
/// a whole copy, while another process commits many times a second to a
/// file larger than one backup step.
#[test]
fn backup_completes_while_another_process_keeps_writing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("busy.db");
    setup(&db, 400);
    let watcher = Store::open(&db, OpenMode::Existing, "watcher").unwrap();
    let pages: i64 = watcher.conn().query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    assert!(
        pages > 600,
        "the file should need several backup steps of 256 pages ({pages} pages)"
    );
    let mut writer = spawn_helper(
        "helper_writer",
        "writer",
        &[
            ("LASTMILE_TEST_DB", db.display().to_string()),
            ("LASTMILE_TEST_WRITER", "0".into()),
            ("LASTMILE_TEST_EDITS", "1000000".into()),
            ("LASTMILE_TEST_SEED", "5".into()),
        ],
    );
    let stdout = writer.stdout.take().unwrap();
    let drain = std::thread::spawn(move || BufReader::new(stdout).lines().count());
    let v0 = watcher.data_version().unwrap();
    let t = Instant::now();
    while watcher.data_version().unwrap() == v0 {
        assert!(t.elapsed() < Duration::from_secs(20), "the writer never committed");
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut results = Vec::new();
    for k in 0..3 {
        let dest = dir.path().join(format!("copy-{k}.db"));
        // The CLI, as a user would run it; a hang fails the test below.
        let mut c = lastmile(&db, &["backup", &dest.display().to_string()]);
        c.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        let t = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if t.elapsed() > Duration::from_secs(30) {
                child.kill().unwrap();
                child.wait().unwrap();
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        results.push((dest, status, t.elapsed()));
    }
    let still_writing = writer.try_wait().unwrap().is_none();
    writer.kill().unwrap();
    writer.wait().unwrap();
    drain.join().unwrap();
    assert!(still_writing, "the writer stopped before the backups were done");
    for (dest, status, took) in results {
        let status = status.unwrap_or_else(|| panic!("backup did not finish in 30 s while another process wrote"));
        assert!(status.success(), "backup failed: {status}");
        let b = Store::open(&dest, OpenMode::Existing, "check").unwrap();
        assert_eq!(b.integrity_check().unwrap(), Ok(()));
        assert!(verify_chains(&b).unwrap().iter().all(|c| c.broken_at.is_none()));
        println!("backup of {pages} pages under write load: {took:?}");
    }
}

/// Several processes creating the same new file at once: exactly one
/// creates the schema, the others wait and find it there.
#[test]
fn simultaneous_first_opens_create_the_schema_once() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..4 {
        let db = dir.path().join(format!("fresh-{round}.db"));
        if round % 2 == 1 {
            std::fs::write(&db, b"").unwrap(); // a zero-byte file is a new database too
        }
        let children: Vec<_> = (0..6)
            .map(|_| {
                let mut c = lastmile(&db, &["init"]);
                c.stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped());
                c.spawn().unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let s = Store::open(&db, OpenMode::Existing, "t").unwrap();
        let n: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM programme", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(s.integrity_check().unwrap(), Ok(()));
    }
}

/// `data_version` (what the TUI polls for live refresh) changes when
/// another connection commits, and not for the connection's own writes.
#[test]
fn data_version_changes_when_another_connection_commits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dv.db");
    let mut a = Store::open(&db, OpenMode::Create, "a").unwrap();
    let mut b = Store::open(&db, OpenMode::Existing, "b").unwrap();
    let v0 = a.data_version().unwrap();
    a.write(|tx| tx.add_person("Own Write", "")).unwrap();
    assert_eq!(a.data_version().unwrap(), v0, "own commits do not change data_version");
    b.write(|tx| tx.add_person("Other Write", "")).unwrap();
    let v1 = a.data_version().unwrap();
    assert_ne!(v1, v0, "another connection's commit changes data_version");
    assert_eq!(a.data_version().unwrap(), v1, "stable while nothing happens");
    // Another process (the CLI) committing is seen too.
    let (code, _, err) = run(lastmile(&db, &["people", "add", "From CLI"]));
    assert_eq!(code, 0, "{err}");
    assert_ne!(a.data_version().unwrap(), v1);
    assert!(a.people().unwrap().iter().any(|p| p.name == "From CLI"));
}

/// An edit against a revision someone else has moved on from is refused
/// with their value and name, and applies cleanly once re-read.
#[test]
fn refused_edit_names_the_other_person_and_can_be_reapplied() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let pb = Playbook::builtin();
    let mut facilitator = Store::open(&db, OpenMode::Create, "facilitator").unwrap();
    let mut scribe = Store::open(&db, OpenMode::Existing, "scribe").unwrap();
    let pid = facilitator
        .write(|tx| {
            tx.add_pilot(
                &PilotFields {
                    name: "Claims triage".into(),
                    ..Default::default()
                },
                &pb.items(),
            )
        })
        .unwrap();
    let item = facilitator.checklist(pid).unwrap()[0].clone();
    let pilot = facilitator.pilot(pid).unwrap();
    // Both read; the scribe saves first.
    scribe
        .write(|tx| tx.set_item_note(item.id, item.revision, "scribe's evidence link"))
        .unwrap();
    let mut f = PilotFields {
        name: pilot.name.clone(),
        business_unit: "Claims ops".into(),
        ..Default::default()
    };
    scribe.write(|tx| tx.update_pilot(pid, pilot.revision, &f)).unwrap();
    // The facilitator's edits, against what they saw, are refused.
    let e = facilitator
        .write(|tx| tx.set_item_note(item.id, item.revision, "facilitator's note"))
        .unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, Error::Conflict(_)), "{msg}");
    assert!(
        msg.contains("scribe") && msg.contains("scribe's evidence link") && msg.contains("was not saved"),
        "{msg}"
    );
    f.business_unit = "Claims".into();
    let e = facilitator
        .write(|tx| tx.update_pilot(pid, pilot.revision, &f))
        .unwrap_err()
        .to_string();
    assert!(e.contains("scribe") && e.contains("Claims ops"), "{e}");
    assert_eq!(facilitator.item(item.id).unwrap().note, "scribe's evidence link");
    // Re-read and re-apply.
    let fresh = facilitator.item(item.id).unwrap();
    facilitator
        .write(|tx| tx.set_item_note(item.id, fresh.revision, "facilitator's note"))
        .unwrap();
    assert_eq!(scribe.item(item.id).unwrap().note, "facilitator's note");
}

/// Whether another connection holds the write lock on `db` right now.
fn write_locked(db: &Path) -> bool {
    let c = rusqlite::Connection::open(db).unwrap();
    c.busy_timeout(Duration::ZERO).unwrap();
    c.execute_batch("BEGIN IMMEDIATE; ROLLBACK;").is_err()
}

fn staged(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT count(*) FROM staged_pilots", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_long_import_lets_other_writers_in_and_shows_nothing_until_it_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("busy.db");
    let (code, _, err) = run(lastmile(&db, &["init"]));
    assert_eq!(code, 0, "{err}");
    let csv = dir.path().join("big.csv");
    let mut rows = String::from("name,business_unit,sector,product_owner\n");
    for i in 0..6000 {
        rows.push_str(&format!(
            "Imported pilot {i:04},Unit {},enterprise,Owner {}\n",
            i % 17,
            i % 5
        ));
    }
    std::fs::write(&csv, rows).unwrap();
    // The workbench is open before the import starts and has saved once
    // (its first save checks the file, which is not what is timed below).
    let mut bench = Store::open(&db, OpenMode::Existing, "workbench").unwrap();
    bench.write(|tx| tx.add_person("Saved before", "")).unwrap();
    let mut import = lastmile(&db, &["import", "pilots", csv.to_str().unwrap()]);
    import
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut import = import.spawn().unwrap();
    // Wait until the import has staged some of its rows.
    let start = Instant::now();
    while !(lastmile::store::holder(&db).is_some() && staged(&db) > 0) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the import never staged a row"
        );
        assert!(
            import.try_wait().unwrap().is_none(),
            "the import ended before it was caught staging"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // Readers see none of it yet: not the pilots, not the people they name.
    assert_eq!(bench.pilots().unwrap().len(), 0, "part of an import was visible");
    assert_eq!(
        bench.people().unwrap().len(),
        1,
        "people of an unfinished import were visible"
    );
    let pb = lastmile::playbook::Playbook::builtin();
    assert_eq!(bench.portfolio(&pb, 1).unwrap().len(), 0);
    // The workbench, which never waits behind a long write, saves while
    // the import runs: it only queues for one short batch.
    bench.set_when_busy(lastmile::store::WhenBusy::Refuse);
    let asked = Instant::now();
    bench
        .write(|tx| tx.add_person("Saved meanwhile", ""))
        .expect("a save during an import must not fail");
    assert!(asked.elapsed() < Duration::from_secs(5), "the workbench froze");
    assert!(
        import.try_wait().unwrap().is_none() && staged(&db) > 0,
        "the import ended before the workbench was let in"
    );
    // So does a command with a short busy timeout, without waiting for the
    // whole import.
    let mut add = lastmile(&db, &["people", "add", "Patient Writer"]);
    add.env("LASTMILE_BUSY_TIMEOUT_MS", "200");
    let (code, _, err) = run(add);
    assert_eq!(code, 0, "the second writer failed: {err}");
    let out = import.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = Store::open(&db, OpenMode::Existing, "checker").unwrap();
    assert_eq!(s.pilots().unwrap().len(), 6000);
    assert_eq!(staged(&db), 0);
    assert!(s.find_person("Patient Writer").is_ok() && s.find_person("Owner 3").is_ok());
    assert!(lastmile::store::holder(&db).is_none(), "the note outlived the import");
    for chain in lastmile::store::verify_chains(&s).unwrap() {
        assert!(chain.broken_at.is_none(), "{chain:?}");
    }
    assert_eq!(lastmile::store::check_state(&s, 5).unwrap(), Vec::<String>::new());
}

#[test]
fn a_demo_build_holding_the_file_makes_no_other_writer_fail_and_says_what_they_wait_for() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("busy.db");
    let (code, _, err) = run(lastmile(&db, &["init"]));
    assert_eq!(code, 0, "{err}");
    // A short busy timeout: without knowing who holds the lock, the other
    // writers below would give up after 0.2 s.
    let mut demo = lastmile(&db, &["demo", "--pilots", "3000"]);
    demo.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut demo = demo.spawn().unwrap();
    let start = Instant::now();
    while !(lastmile::store::holder(&db).is_some() && write_locked(&db)) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the demo build never took the lock"
        );
        assert!(
            demo.try_wait().unwrap().is_none(),
            "the demo build ended before it was caught writing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // The workbench does not wait behind it (it must not freeze): it says
    // at once who is writing, and nothing is saved.
    let mut bench = Store::open(&db, OpenMode::Existing, "workbench").unwrap();
    bench.set_when_busy(lastmile::store::WhenBusy::Refuse);
    let asked = Instant::now();
    let e = bench.write(|tx| tx.add_person("Not yet", "")).unwrap_err().to_string();
    assert!(asked.elapsed() < Duration::from_secs(2), "the workbench froze");
    assert!(e.contains("is being written by a demo build of 3000 pilots"), "{e}");
    // A command waits as long as the build runs, says what for, and succeeds.
    let mut add = lastmile(&db, &["people", "add", "Patient Writer"]);
    add.env("LASTMILE_BUSY_TIMEOUT_MS", "200");
    let (code, _, err) = run(add);
    assert_eq!(code, 0, "the second writer failed: {err}");
    assert!(
        err.contains("lastmile: waiting for a demo build of 3000 pilots"),
        "{err}"
    );
    let out = demo.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = Store::open(&db, OpenMode::Existing, "checker").unwrap();
    assert_eq!(s.pilots().unwrap().len(), 3000);
    assert!(s.find_person("Patient Writer").is_ok());
    assert!(lastmile::store::holder(&db).is_none(), "the note outlived the build");
}
