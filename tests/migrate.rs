//! Schema migrations, each tested from the previous version's file:
//! `tests/fixtures/v1-demo.db` is the demo portfolio as lastmile 0.1
//! (schema 1) wrote it, `tests/fixtures/v2-demo.db` as the build of
//! commit 715a1e0 (schema 2, stage gates) wrote it, and
//! `tests/fixtures/v3-demo.db` as the build of commit 6127d90 (schema 3,
//! every row pinned by the audit trail) wrote it, and
//! `tests/fixtures/v4-demo.db` as the build of commit 1d0a8ad (schema 4,
//! each item's wording stored once) wrote it, and
//! `tests/fixtures/v5-demo.db` as the build of commit 0250a7d (schema 5,
//! decision rights) wrote it, and `tests/fixtures/v6-demo.db` as the build
//! of commit a0f321c (schema 6, the programme checklist, vendors and
//! sectors as data) wrote it, and `tests/fixtures/v7-demo.db` as the build
//! of commit 1000ed4 (schema 7, staged imports) wrote it, all with
//! `LASTMILE_TODAY=2026-11-23`.

mod support;

use lastmile::clock::Clock;
use lastmile::domain::model::{NewDecision, Outcome, Phase};
use lastmile::playbook::Playbook;
use lastmile::store::{verify_chains, OpenMode, Store, SCHEMA_VERSION};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A private copy of the schema-1 fixture.
fn v1_copy(dir: &tempfile::TempDir) -> PathBuf {
    let to = dir.path().join("programme.db");
    std::fs::copy("tests/fixtures/v1-demo.db", &to).unwrap();
    to
}

fn scalar(db: &Path, sql: &str) -> i64 {
    Connection::open(db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every table's and view's columns (name, type, not null, default, pk),
/// and the names of every index and trigger: the shape of a schema.
fn shape(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut out = Vec::new();
    let objects: Vec<(String, String)> = c
        .prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (kind, name) in objects {
        out.push(format!("{kind} {name}"));
        if kind == "table" || kind == "view" {
            let cols: Vec<String> = c
                .prepare(&format!("PRAGMA table_info('{name}')"))
                .unwrap()
                .query_map([], |r| {
                    Ok(format!(
                        "  {} {} notnull={} default={:?} pk={}",
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, i64>(5)?
                    ))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            out.extend(cols);
        }
    }
    out
}

#[test]
fn the_fixture_is_a_schema_1_file() {
    assert_eq!(scalar(Path::new("tests/fixtures/v1-demo.db"), "PRAGMA user_version"), 1);
}

#[test]
fn a_schema_1_file_upgrades_to_the_current_shape_keeping_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = v1_copy(&dir);
    let original = std::fs::read(&db).unwrap();
    let counts = |db: &Path| -> Vec<i64> {
        [
            "pilots",
            "people",
            "owners",
            "checklist_items",
            "scores",
            "metrics",
            "decisions",
            "audit_events",
        ]
        .iter()
        .map(|t| scalar(db, &format!("SELECT count(*) FROM {t}")))
        .collect()
    };
    let before = counts(&db);
    let store = Store::open_with_clock(&db, OpenMode::Create, "upgrader", Clock::fixed(today())).unwrap();
    assert_eq!(scalar(&db, "PRAGMA user_version"), SCHEMA_VERSION);
    // The old file was backed up first: a whole schema-1 copy.
    let backup = dir.path().join("programme.v1.bak");
    assert_eq!(scalar(&backup, "PRAGMA user_version"), 1, "pre-upgrade backup");
    assert_eq!(counts(&backup), before);
    assert!(!original.is_empty());
    // Nothing lost; both hash chains (schema-1 decisions hash ten fields) verify.
    let after = counts(&db);
    assert_eq!(after[..7], before[..7]);
    // The audit trail gained one baseline event per row (schema 3), by
    // whoever upgraded, pinning each row as it was at the upgrade.
    let baseline = scalar(
        &db,
        "SELECT count(*) FROM audit_events WHERE actor = 'upgrader' AND digest IS NOT NULL",
    );
    assert_eq!(after[7], before[7] + baseline);
    let rows = scalar(
        &db,
        "SELECT (SELECT count(*) FROM programme) + (SELECT count(*) FROM people) + 2 * (SELECT count(*) FROM pilots)
              + (SELECT count(*) FROM metrics) + (SELECT count(*) FROM scores) + (SELECT count(*) FROM decision_notices)",
    );
    assert_eq!(baseline, rows);
    for chain in verify_chains(&store).unwrap() {
        assert!(chain.broken_at.is_none(), "{chain:?}");
    }
    assert_eq!(lastmile::store::check_state(&store, 5).unwrap(), Vec::<String>::new());
    // The same shape as a file created new at this version.
    let fresh = dir.path().join("fresh.db");
    drop(Store::open_with_clock(&fresh, OpenMode::Create, "t", Clock::fixed(today())).unwrap());
    assert_eq!(shape(&db), shape(&fresh));
    // The review and decision items stopped being gating items, the rest
    // of the twelve production items (002) became gating items, and the
    // summary counts followed.
    assert_eq!(
        scalar(
            &db,
            "SELECT count(*) FROM checklist_items WHERE item_key = 'hd-cicd' AND gate = 0"
        ),
        0
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT count(*) FROM pilot_stats s WHERE substr(gates_unmet, 3, 1) <> char(48 + (SELECT count(*)
             FROM checklist_items c WHERE c.pilot_id = s.pilot_id AND c.gate = 1 AND c.phase = 'hardening'
             AND NOT (c.state IN ('done', 'na') AND c.note <> '')))"
        ),
        0
    );
    assert_eq!(
        scalar(&db, "SELECT count(*) FROM checklist_items WHERE item_key IN ('hd-readiness-review', 'hd-decision') AND gate = 1"),
        0
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT count(*) FROM pilot_stats s WHERE open_gates <> (SELECT count(*) FROM checklist_items c
             WHERE c.pilot_id = s.pilot_id AND c.gate = 1 AND c.state IN ('todo', 'doing', 'blocked'))"
        ),
        0
    );
    // Old decisions have no gate; they are superseded by any later one of
    // their pilot, as before.
    let log = store.decisions(&Default::default()).unwrap();
    assert!(log.iter().all(|d| d.gate.is_none() && d.override_reason.is_empty()));
    assert!(log.iter().any(|d| d.superseded_by.is_some()));
    // Opening again changes nothing.
    drop(store);
    let again = Store::open_with_clock(&db, OpenMode::Existing, "t", Clock::fixed(today())).unwrap();
    assert_eq!(again.decisions(&Default::default()).unwrap(), log);
}

#[test]
fn an_upgraded_file_takes_gate_decisions_and_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = v1_copy(&dir);
    let mut store = Store::open_with_clock(&db, OpenMode::Create, "Elena Petrova", Clock::fixed(today())).unwrap();
    let pb = Playbook::builtin();
    let p = store.find_pilot("Contract clause review").unwrap();
    assert_eq!(p.phase, Phase::Assessment);
    let by = store.find_person("Kofi Mensah").unwrap().id;
    let rec = store
        .write(|tx| {
            tx.record_decision(
                &pb,
                p.id,
                &NewDecision {
                    outcome: Some(Outcome::Pivot),
                    rationale: "Rescope to the supplier contracts only".into(),
                    decided_by: by,
                    ..NewDecision::default()
                },
            )
        })
        .unwrap();
    assert_eq!(rec.gate, Phase::Assessment);
    for chain in verify_chains(&store).unwrap() {
        assert!(chain.broken_at.is_none(), "{chain:?}");
    }
    let d = &store.decisions(&Default::default()).unwrap()[0];
    assert_eq!(d.gate, Some(Phase::Assessment));
    assert_eq!(d.pivot_to, Some(Phase::Assessment));
    // The command line reads the upgraded file.
    let out = support::lastmile(&db, &["verify"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_second_fixture_is_a_schema_2_file() {
    assert_eq!(scalar(Path::new("tests/fixtures/v2-demo.db"), "PRAGMA user_version"), 2);
}

#[test]
fn a_schema_2_file_upgrades_pinning_every_row_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("programme.db");
    std::fs::copy("tests/fixtures/v2-demo.db", &db).unwrap();
    let tables = [
        "pilots",
        "people",
        "owners",
        "checklist_items",
        "scores",
        "metrics",
        "decisions",
        "decision_criteria",
    ];
    let counts = |db: &Path| -> Vec<i64> {
        tables
            .iter()
            .map(|t| scalar(db, &format!("SELECT count(*) FROM {t}")))
            .collect()
    };
    let before = counts(&db);
    let events_before = scalar(&db, "SELECT count(*) FROM audit_events");
    let mut store = Store::open_with_clock(&db, OpenMode::Create, "upgrader", Clock::fixed(today())).unwrap();
    assert_eq!(scalar(&db, "PRAGMA user_version"), SCHEMA_VERSION);
    let backup = dir.path().join("programme.v2.bak");
    assert_eq!(scalar(&backup, "PRAGMA user_version"), 2, "pre-upgrade backup");
    assert_eq!(counts(&db), before, "nothing lost");
    // Baselines pin every row; the chains (schema-2 gate decisions hash
    // fifteen fields) and the tables verify.
    assert!(scalar(&db, "SELECT count(*) FROM audit_events") > events_before);
    for chain in verify_chains(&store).unwrap() {
        assert!(chain.broken_at.is_none(), "{chain:?}");
    }
    assert_eq!(lastmile::store::check_state(&store, 5).unwrap(), Vec::<String>::new());
    // Older decisions show today's names; the file has an identity.
    assert_eq!(
        scalar(&db, "SELECT count(*) FROM decisions WHERE pilot_name IS NOT NULL"),
        0
    );
    assert_eq!(scalar(&db, "SELECT count(*) FROM file_meta"), 1);
    let fresh = dir.path().join("fresh.db");
    drop(Store::open_with_clock(&fresh, OpenMode::Create, "t", Clock::fixed(today())).unwrap());
    assert_eq!(shape(&db), shape(&fresh));
    // Tampering with an upgraded row is caught by its baseline.
    let pb = Playbook::builtin();
    let p = store.find_pilot("KYC").unwrap();
    let by = store.find_person("Kofi Mensah").unwrap().id;
    store
        .write(|tx| {
            tx.record_decision(
                &pb,
                p.id,
                &NewDecision {
                    outcome: Some(Outcome::Defer),
                    rationale: "Waiting for the data protection review".into(),
                    decided_by: by,
                    review_on: "2026-12-14".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(lastmile::store::check_state(&store, 5).unwrap(), Vec::<String>::new());
    drop(store);
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE people SET title = 'Chief everything' WHERE name = 'Kofi Mensah'",
            [],
        )
        .unwrap();
    let store = Store::open_with_clock(&db, OpenMode::Existing, "t", Clock::fixed(today())).unwrap();
    let problems = lastmile::store::check_state(&store, 5).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("('Kofi Mensah') differs from what the audit trail recorded")),
        "{problems:?}"
    );
}

#[test]
fn the_third_fixture_is_a_schema_3_file() {
    assert_eq!(scalar(Path::new("tests/fixtures/v3-demo.db"), "PRAGMA user_version"), 3);
}

/// Every row of a table or view, as text, in id order.
fn rows(db: &Path, sql: &str) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut stmt = c.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        Ok((0..n)
            .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn a_schema_3_file_upgrades_to_wording_stored_once_and_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("programme.db");
    std::fs::copy("tests/fixtures/v3-demo.db", &db).unwrap();
    let items = "SELECT id, pilot_id, item_key, phase, section, position, text, gate, state, owner_id, due_day, note,
                        revision, updated_at, updated_by FROM checklist_items ORDER BY id";
    let before = rows(&db, items);
    let stats_before = rows(&db, "SELECT * FROM pilot_stats ORDER BY pilot_id");
    let events_before = scalar(&db, "SELECT count(*) FROM audit_events");
    let mut store = Store::open_with_clock(&db, OpenMode::Create, "upgrader", Clock::fixed(today())).unwrap();
    assert_eq!(scalar(&db, "PRAGMA user_version"), SCHEMA_VERSION);
    assert_eq!(
        scalar(&dir.path().join("programme.v3.bak"), "PRAGMA user_version"),
        3,
        "pre-upgrade backup"
    );
    // Every item reads as it did, each wording is stored once, the
    // summaries are untouched and no event was needed: the trail's
    // digests of the checklists still hold.
    assert_eq!(rows(&db, items), before);
    assert_eq!(before.len(), 440);
    assert_eq!(scalar(&db, "SELECT count(*) FROM checklist_texts"), 40);
    assert_eq!(rows(&db, "SELECT * FROM pilot_stats ORDER BY pilot_id"), stats_before);
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit_events"), events_before);
    for chain in verify_chains(&store).unwrap() {
        assert!(chain.broken_at.is_none(), "{chain:?}");
    }
    assert_eq!(lastmile::store::check_state(&store, 5).unwrap(), Vec::<String>::new());
    let fresh = dir.path().join("fresh.db");
    drop(Store::open_with_clock(&fresh, OpenMode::Create, "t", Clock::fixed(today())).unwrap());
    assert_eq!(shape(&db), shape(&fresh));
    // The triggers on the new rows keep the summaries: close an open
    // gating item and the summary still matches a recount.
    let item = store
        .checklist(store.find_pilot("KYC").unwrap().id)
        .unwrap()
        .into_iter()
        .find(|i| i.gate && i.state.is_open())
        .unwrap();
    store
        .write(|tx| {
            tx.set_item_note(item.id, item.revision, "https://evidence.example/dpia")?;
            let rev = tx.item_revision(item.id)?;
            tx.set_item_state(item.id, rev, lastmile::domain::model::ItemState::Done)
        })
        .unwrap();
    assert_eq!(lastmile::store::check_state(&store, 5).unwrap(), Vec::<String>::new());
}

#[test]
fn the_fourth_fixture_is_a_schema_4_file() {
    assert_eq!(scalar(Path::new("tests/fixtures/v4-demo.db"), "PRAGMA user_version"), 4);
}

#[test]
fn a_schema_4_file_upgrades_to_decision_rights_and_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("programme.db");
    std::fs::copy("tests/fixtures/v4-demo.db", &db).unwrap();
    let events_before = scalar(&db, "SELECT count(*) FROM audit_events");
    let items = "SELECT * FROM checklist_items ORDER BY id";
    let before = rows(&db, items);
    let mut store = Store::open_with_clock(&db, OpenMode::Create, "upgrader", Clock::fixed(today())).unwrap();
    assert_eq!(scalar(&db, "PRAGMA user_version"), SCHEMA_VERSION);
    assert_eq!(scalar(&dir.path().join("programme.v4.bak"), "PRAGMA user_version"), 4);
    assert_eq!(rows(&db, items), before);
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit_events"), events_before);
    assert_eq!(scalar(&db, "SELECT count(*) FROM decision_rights"), 0);
    let fresh = dir.path().join("fresh.db");
    drop(Store::open_with_clock(&fresh, OpenMode::Create, "t", Clock::fixed(today())).unwrap());
    assert_eq!(shape(&db), shape(&fresh));
    // The new table takes rights, and the file still verifies.
    let pilot = store.find_pilot("KYC").unwrap().id;
    let person = store.people().unwrap()[0].id;
    store
        .write(|tx| tx.assign_right(pilot, "rollback", "Trigger a rollback", person, "errors double", None))
        .unwrap();
    assert_eq!(store.rights(pilot, &[]).unwrap().len(), 1);
    for chain in verify_chains(&store).unwrap() {
        assert!(chain.broken_at.is_none(), "{chain:?}");
    }
    assert_eq!(lastmile::store::check_state(&store, 5).unwrap(), Vec::<String>::new());
}

#[test]
fn the_fifth_fixture_is_a_schema_5_file() {
    assert_eq!(scalar(Path::new("tests/fixtures/v5-demo.db"), "PRAGMA user_version"), 5);
}

#[test]
fn a_schema_5_file_upgrades_to_the_programme_checklist_and_a_sync_moves_the_copies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("programme.db");
    std::fs::copy("tests/fixtures/v5-demo.db", &db).unwrap();
    let events_before = scalar(&db, "SELECT count(*) FROM audit_events");
    let items = "SELECT * FROM checklist_items ORDER BY id";
    let before = rows(&db, items);
    let mut store = Store::open_with_clock(&db, OpenMode::Create, "upgrader", Clock::fixed(today())).unwrap();
    assert_eq!(scalar(&db, "PRAGMA user_version"), SCHEMA_VERSION);
    assert_eq!(scalar(&dir.path().join("programme.v5.bak"), "PRAGMA user_version"), 5);
    assert_eq!(rows(&db, items), before, "the migration changes no row");
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit_events"), events_before);
    assert_eq!(scalar(&db, "SELECT count(*) FROM programme_items"), 0);
    let fresh = dir.path().join("fresh.db");
    drop(Store::open_with_clock(&fresh, OpenMode::Create, "t", Clock::fixed(today())).unwrap());
    assert_eq!(shape(&db), shape(&fresh));
    // The file's pilots carry copies of the programme items: a sync makes
    // the programme checklist, carries the done work over and closes the
    // open copies; then the file is in step and still verifies.
    let pb = Playbook::builtin();
    let (items, programme) = (pb.items(), pb.programme_items());
    let plan = lastmile::domain::sync::plan_all(&items, &programme, &store.checklists_for_sync().unwrap());
    assert_eq!(plan.programme_new.len(), 2);
    assert!(plan.retired.is_empty(), "{:?}", plan.retired);
    let open_copies: i64 = plan.moved.iter().map(|m| m.pilots as i64).sum();
    assert!(open_copies > 0);
    let (added, closed) = store
        .write(|tx| {
            tx.apply_sync(&items, &plan)?;
            tx.apply_programme_sync(&programme, &plan)
        })
        .unwrap();
    assert_eq!((added, closed as i64), (2, open_copies));
    let inventory = store
        .programme_items()
        .unwrap()
        .into_iter()
        .find(|i| i.item_key == "as-inventory-all")
        .unwrap();
    // Carried over from the copies: 10 of 11 done, one still open, so it
    // is under way, not done.
    assert_eq!(
        inventory.state,
        lastmile::domain::model::ItemState::Doing,
        "{inventory:?}"
    );
    assert!(
        inventory.note.contains("10 of 11") && inventory.note.contains("1 still open"),
        "{inventory:?}"
    );
    assert!(inventory.note.contains("pilots' checklists"), "{inventory:?}");
    assert_eq!(
        scalar(
            &db,
            "SELECT count(*) FROM checklist_items WHERE item_key IN ('as-inventory-all', 'as-pick-three')
             AND state IN ('todo', 'doing', 'blocked')"
        ),
        0
    );
    let again = lastmile::domain::sync::plan_all(&items, &programme, &store.checklists_for_sync().unwrap());
    assert!(again.is_empty(), "{again:?}");
    // The same file given a pilot first (which makes the programme
    // checklist too), then synced, ends the same.
    let other = dir.path().join("other.db");
    std::fs::copy("tests/fixtures/v5-demo.db", &other).unwrap();
    let mut second = Store::open_with_clock(&other, OpenMode::Create, "upgrader", Clock::fixed(today())).unwrap();
    second
        .write(|tx| {
            tx.ensure_programme_items(&programme)?;
            tx.add_pilot(
                &lastmile::domain::model::PilotFields {
                    name: "New one".into(),
                    ..Default::default()
                },
                &items,
            )
        })
        .unwrap();
    let plan2 = lastmile::domain::sync::plan_all(&items, &programme, &second.checklists_for_sync().unwrap());
    second
        .write(|tx| {
            tx.apply_sync(&items, &plan2)?;
            tx.apply_programme_sync(&programme, &plan2)
        })
        .unwrap();
    let view = |s: &Store| -> Vec<(String, String, String)> {
        s.programme_items()
            .unwrap()
            .into_iter()
            .map(|i| (i.item_key, i.state.key().to_string(), i.note))
            .collect()
    };
    assert_eq!(
        view(&second),
        view(&store),
        "the order of commands does not change the result"
    );
    // The pilots table reads as a fresh file's does (its CHECK included).
    let pilots_sql = "SELECT sql FROM sqlite_schema WHERE name = 'pilots'";
    let fresh_sql: String = Connection::open(&fresh)
        .unwrap()
        .query_row(pilots_sql, [], |r| r.get(0))
        .unwrap();
    let got_sql: String = Connection::open(&db)
        .unwrap()
        .query_row(pilots_sql, [], |r| r.get(0))
        .unwrap();
    assert_eq!(got_sql, fresh_sql);
    let metrics_sql = "SELECT sql FROM sqlite_schema WHERE name = 'metrics'";
    let fresh_sql: String = Connection::open(&fresh)
        .unwrap()
        .query_row(metrics_sql, [], |r| r.get(0))
        .unwrap();
    let got_sql: String = Connection::open(&db)
        .unwrap()
        .query_row(metrics_sql, [], |r| r.get(0))
        .unwrap();
    assert_eq!(got_sql, fresh_sql);
    // Sectors are the playbook's now: the file takes one outside the four.
    second
        .write(|tx| {
            tx.add_pilot(
                &lastmile::domain::model::PilotFields {
                    name: "Line inspection".into(),
                    sector: Some(lastmile::domain::model::Sector::new("manufacturing")),
                    ..Default::default()
                },
                &items,
            )
        })
        .unwrap();
    assert_eq!(
        scalar(&other, "SELECT count(*) FROM pilots WHERE sector = 'manufacturing'"),
        1
    );
    for chain in verify_chains(&store).unwrap() {
        assert!(chain.broken_at.is_none(), "{chain:?}");
    }
    assert_eq!(lastmile::store::check_state(&store, 5).unwrap(), Vec::<String>::new());
}

#[test]
fn the_sixth_fixture_is_a_schema_6_file() {
    assert_eq!(scalar(Path::new("tests/fixtures/v6-demo.db"), "PRAGMA user_version"), 6);
}

#[test]
fn a_schema_6_file_upgrades_to_staged_imports_and_an_import_then_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("programme.db");
    std::fs::copy("tests/fixtures/v6-demo.db", &db).unwrap();
    let events_before = scalar(&db, "SELECT count(*) FROM audit_events");
    let items = "SELECT * FROM checklist_items ORDER BY id";
    let before = rows(&db, items);
    let mut store = Store::open_with_clock(&db, OpenMode::Create, "upgrader", Clock::fixed(today())).unwrap();
    assert_eq!(scalar(&db, "PRAGMA user_version"), SCHEMA_VERSION);
    assert_eq!(scalar(&dir.path().join("programme.v6.bak"), "PRAGMA user_version"), 6);
    assert_eq!(rows(&db, items), before, "the migration changes no row");
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit_events"), events_before);
    let fresh = dir.path().join("fresh.db");
    drop(Store::open_with_clock(&fresh, OpenMode::Create, "t", Clock::fixed(today())).unwrap());
    assert_eq!(shape(&db), shape(&fresh));
    let csv = dir.path().join("more.csv");
    std::fs::write(&csv, "name,product_owner\nNew from the sheet,Someone New\n").unwrap();
    let report = lastmile::import::pilots::import_csv(&mut store, &Playbook::builtin(), &csv, false).unwrap();
    assert_eq!(report.added.len(), 1);
    assert_eq!(store.pilots().unwrap().len(), 12);
    for chain in verify_chains(&store).unwrap() {
        assert!(chain.broken_at.is_none(), "{chain:?}");
    }
    assert_eq!(lastmile::store::check_state(&store, 5).unwrap(), Vec::<String>::new());
}

#[test]
fn the_seventh_fixture_is_a_schema_7_file() {
    assert_eq!(scalar(Path::new("tests/fixtures/v7-demo.db"), "PRAGMA user_version"), 7);
}

#[test]
fn a_schema_7_file_upgrades_to_fewer_checklist_indexes_and_lists_the_same_open_items() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("programme.db");
    std::fs::copy("tests/fixtures/v7-demo.db", &db).unwrap();
    let indexes = "SELECT count(*) FROM sqlite_master WHERE name IN ('checklist_open_due', 'checklist_next')";
    assert_eq!(scalar(&db, indexes), 2);
    let items = "SELECT * FROM checklist_items ORDER BY id";
    let before = rows(&db, items);
    let events_before = scalar(&db, "SELECT count(*) FROM audit_events");
    // What the Attention screen listed, read through the old index.
    let due = |db: &Path, from: i64, before: i64| {
        rows(
            db,
            &format!(
                "SELECT c.id FROM checklist_items c JOIN pilots p ON p.id = c.pilot_id
                 WHERE c.state IN ('todo', 'doing', 'blocked') AND c.due_day >= {from} AND c.due_day < {before}
                   AND p.status NOT IN ('stopped', 'production')
                 ORDER BY c.due_day, p.name COLLATE NOCASE, c.position"
            ),
        )
    };
    let overdue = due(&db, 1, 45);
    let soon = due(&db, 45, 53);
    assert!(
        !overdue.is_empty() && !soon.is_empty(),
        "the fixture has open items either side of day 45"
    );
    let mut store = Store::open_with_clock(&db, OpenMode::Create, "upgrader", Clock::fixed(today())).unwrap();
    assert_eq!(scalar(&db, "PRAGMA user_version"), SCHEMA_VERSION);
    assert_eq!(scalar(&dir.path().join("programme.v7.bak"), "PRAGMA user_version"), 7);
    assert_eq!(scalar(&db, indexes), 0);
    assert_eq!(rows(&db, items), before, "the migration changes no row");
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit_events"), events_before);
    let fresh = dir.path().join("fresh.db");
    drop(Store::open_with_clock(&fresh, OpenMode::Create, "t", Clock::fixed(today())).unwrap());
    assert_eq!(shape(&db), shape(&fresh));
    let triggers = |db: &Path| -> Vec<String> {
        Connection::open(db)
            .unwrap()
            .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|t| t.unwrap().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(
        triggers(&db),
        triggers(&fresh),
        "the upgraded triggers are the new file's"
    );
    let listed = |store: &Store, from: i64, before: i64| -> Vec<String> {
        let (items, total) = store.open_items_due_between(from, before, 2000).unwrap();
        assert_eq!(total, items.len() as u64);
        items.iter().map(|(it, _)| format!("Integer({})", it.id)).collect()
    };
    assert_eq!(listed(&store, i64::MIN, 45), overdue);
    assert_eq!(listed(&store, 45, 53), soon);
    // A change after the upgrade keeps the summary the list reads right.
    let first = store.open_items_due_between(45, 53, 1).unwrap().0[0].0.clone();
    store.write(|tx| tx.set_item_due(first.id, first.revision, 60)).unwrap();
    assert_eq!(listed(&store, 45, 53), soon[1..]);
    for chain in verify_chains(&store).unwrap() {
        assert!(chain.broken_at.is_none(), "{chain:?}");
    }
    assert_eq!(lastmile::store::check_state(&store, 5).unwrap(), Vec::<String>::new());
}
