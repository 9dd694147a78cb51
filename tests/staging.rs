//! A long import stages its rows (issue 10, part 5): hidden from every
//! reader until it publishes them, removed whole when it fails or its
//! process dies, and the file still verifies either way.

mod support;

use lastmile::domain::model::{PilotFields, Sector};
use lastmile::playbook::Playbook;
use lastmile::store::{check_state, verify_chains, OpenMode, Store};
use rusqlite::Connection;
use std::path::Path;

fn scalar(db: &Path, sql: &str) -> i64 {
    Connection::open(db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn fields(name: &str) -> PilotFields {
    PilotFields {
        name: name.into(),
        sector: Some(Sector::new("enterprise")),
        ..Default::default()
    }
}

/// Plain SQL lists live pilot `id` (named `name`) as staged by a made-up
/// run `run` whose process is gone: `verify` reports it, and the next
/// import removes the run but puts the pilot back in view (the trail never
/// showed that run adding it), leaving a file that verifies.
fn a_forged_run_is_reported_and_puts_the_pilot_back(
    dir: &Path,
    db: &Path,
    s: &mut Store,
    run: i64,
    id: i64,
    name: &str,
) {
    Connection::open(db)
        .unwrap()
        .execute_batch(&format!(
            "INSERT INTO staging_runs (id, pid, actor, what, started_at)
               VALUES ({run}, 999999999, 'x', 'an import', '2026-01-01T00:00:00Z');
             INSERT INTO staged_pilots (pilot_id, run_id) VALUES ({id}, {run});"
        ))
        .unwrap();
    let problems = check_state(s, 5).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&format!("pilot {id} is hidden as part of import run {run}"))),
        "{problems:?}"
    );
    let csv = dir.join("next.csv");
    std::fs::write(&csv, "name\nAnother pilot\n").unwrap();
    lastmile::import::pilots::import_csv(s, &Playbook::builtin(), &csv, false).unwrap();
    let names: Vec<String> = s.pilots().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["Another pilot", name]);
    assert_verifies(s);
}

/// A new file in a folder of its own, open as "importer".
fn fresh() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let s = Store::open(&db, OpenMode::Create, "importer").unwrap();
    (dir, db, s)
}

fn assert_verifies(s: &Store) {
    for chain in verify_chains(s).unwrap() {
        assert!(chain.broken_at.is_none(), "{chain:?}");
    }
    assert_eq!(check_state(s, 5).unwrap(), Vec::<String>::new());
}

/// Stage `names` (with a new person owning the first) under a new run.
fn stage(s: &mut Store, names: &[&str]) -> i64 {
    let items = Playbook::builtin().items();
    let run = s.stage_begin("an import of test rows from t.csv").unwrap();
    s.write_staged(run, |tx| {
        let mut keys = tx.pilot_name_keys()?;
        for (i, n) in names.iter().enumerate() {
            let id = tx.add_pilot_bulk(&fields(n), &items, &[], &mut keys)?;
            if i == 0 {
                let who = tx.add_person("Staged Person", "")?;
                tx.assign_owner(id, lastmile::domain::model::Role::Product, who, None)?;
            }
        }
        Ok(())
    })
    .unwrap();
    run
}

#[test]
fn staged_rows_are_hidden_until_published_and_then_verify() {
    let (_dir, db, mut s) = fresh();
    s.write(|tx| tx.add_pilot(&fields("Live pilot"), &Playbook::builtin().items()))
        .unwrap();
    let run = stage(&mut s, &["Staged one", "Staged two"]);
    let other = Store::open(&db, OpenMode::Existing, "reader").unwrap();
    let pb = Playbook::builtin();
    let names = |st: &Store| st.pilots().unwrap().into_iter().map(|p| p.name).collect::<Vec<_>>();
    assert_eq!(names(&other), ["Live pilot"]);
    assert_eq!(other.portfolio(&pb, 1).unwrap().len(), 1);
    assert!(other.find_pilot("Staged one").is_err());
    assert!(other.people().unwrap().is_empty());
    assert_eq!(other.open_item_count().unwrap(), 38);
    // The file is consistent at every step: the trail recorded the staged
    // rows as they went in.
    assert_verifies(&other);
    s.stage_publish(run, |_| Ok(())).unwrap();
    assert_eq!(names(&other), ["Live pilot", "Staged one", "Staged two"]);
    assert_eq!(other.people().unwrap().len(), 1);
    assert_eq!(scalar(&db, "SELECT count(*) FROM staging_runs"), 0);
    assert_verifies(&other);
}

#[test]
fn an_abandoned_run_leaves_nothing_behind_and_the_file_still_verifies() {
    let (_dir, db, mut s) = fresh();
    let run = stage(&mut s, &["Gone one", "Gone two", "Gone three"]);
    assert_eq!(s.stage_abandon(run).unwrap(), 3);
    for table in [
        "pilots",
        "checklist_rows",
        "owners",
        "pilot_stats",
        "people",
        "staged_pilots",
        "staging_runs",
    ] {
        assert_eq!(scalar(&db, &format!("SELECT count(*) FROM {table}")), 0, "{table}");
    }
    // One event per batch removed: the pilots, then the people.
    assert_eq!(
        scalar(
            &db,
            "SELECT count(*) FROM audit_events WHERE entity = 'staging' AND field = 'removed'"
        ),
        2
    );
    assert_verifies(&s);
    // The names are free again.
    s.write(|tx| tx.add_pilot(&fields("Gone one"), &Playbook::builtin().items()))
        .unwrap();
    assert_verifies(&s);
}

#[test]
fn a_deleted_pilot_is_still_caught_when_no_abandoned_import_removed_it() {
    let (_dir, db, mut s) = fresh();
    let run = stage(&mut s, &["Kept", "Deleted by hand"]);
    s.stage_publish(run, |_| Ok(())).unwrap();
    Connection::open(&db)
        .unwrap()
        .execute_batch("DELETE FROM pilots WHERE name = 'Deleted by hand'")
        .unwrap();
    let problems = check_state(&s, 5).unwrap();
    assert!(
        problems.iter().any(|p| p.contains("deleted behind lastmile's back")),
        "{problems:?}"
    );
}

#[test]
fn a_run_whose_process_died_is_removed_by_the_next_import() {
    let (dir, db, mut s) = fresh();
    let run = stage(&mut s, &["Half imported"]);
    // The importing process is gone (a crash, a closed terminal).
    Connection::open(&db)
        .unwrap()
        .execute("UPDATE staging_runs SET pid = 999999999 WHERE id = ?1", [run])
        .unwrap();
    let stale = s.stale_runs().unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].pilots, 1);
    let csv = dir.path().join("again.csv");
    std::fs::write(&csv, "name\nHalf imported\n").unwrap();
    let report = lastmile::import::pilots::import_csv(&mut s, &Playbook::builtin(), &csv, false).unwrap();
    assert_eq!(report.added.len(), 1, "{report:?}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM staging_runs"), 0);
    assert_eq!(scalar(&db, "SELECT count(*) FROM staged_pilots"), 0);
    assert_eq!(s.pilots().unwrap().len(), 1);
    assert_verifies(&s);
}

#[test]
fn a_name_an_import_is_adding_is_refused_with_who_is_adding_it() {
    let (_dir, db, mut s) = fresh();
    stage(&mut s, &["Claims triage"]);
    let mut other = Store::open(&db, OpenMode::Existing, "Ana").unwrap();
    let e = other
        .write(|tx| tx.add_pilot(&fields("claims TRIAGE"), &Playbook::builtin().items()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("'Claims triage' is being added by an import of test rows from t.csv by importer"),
        "{e}"
    );
}

#[test]
fn an_import_of_many_batches_is_whole_and_verifies() {
    let (dir, db, mut s) = fresh();
    let n = lastmile::import::pilots::ROWS_PER_BATCH * 2 + 7;
    let mut csv_text = String::from("name,product_owner\n");
    for i in 0..n {
        csv_text.push_str(&format!("Pilot {i:05},Owner {}\n", i % 3));
    }
    let csv = dir.path().join("many.csv");
    std::fs::write(&csv, csv_text).unwrap();
    let report = lastmile::import::pilots::import_csv(&mut s, &Playbook::builtin(), &csv, false).unwrap();
    assert_eq!(report.added.len(), n);
    assert_eq!(s.pilots().unwrap().len(), n);
    assert_eq!(s.people().unwrap().len(), 3);
    assert_eq!(scalar(&db, "SELECT count(*) FROM staged_pilots"), 0);
    assert_verifies(&s);
}

#[test]
fn verify_names_an_import_that_stopped_before_it_finished() {
    let (_dir, db, mut s) = fresh();
    let run = stage(&mut s, &["Half imported"]);
    drop(s);
    Connection::open(&db)
        .unwrap()
        .execute("UPDATE staging_runs SET pid = 999999999 WHERE id = ?1", [run])
        .unwrap();
    let (code, out, err) = support::run(support::lastmile(&db, &["verify"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Note: an import of test rows from t.csv by importer (started ")
            && out.contains(
                "stopped before it finished; its 1 staged pilots are hidden and the next import removes them."
            ),
        "{out}"
    );
}

/// The id of the pilot named `name`, staged or not.
fn id_of(db: &Path, name: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT id FROM pilots WHERE name = ?1", [name], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_staged_pilot_cannot_be_opened_listed_or_changed_until_its_import_is_done() {
    let (_dir, db, mut s) = fresh();
    let run = stage(&mut s, &["Not yet"]);
    let id = id_of(&db, "Not yet");
    let mut other = Store::open(&db, OpenMode::Existing, "Ana").unwrap();
    // The workbench's list of recent changes does not lead to it...
    let events = other.audit_events(None, 200).unwrap();
    assert!(events.iter().all(|e| e.pilot_id != Some(id)), "{events:?}");
    // ...and nothing opens it by its id.
    let e = other.pilot(id).unwrap_err().to_string();
    assert!(
        e.contains(&format!(
            "pilot {id} is being added by an import of test rows from t.csv by importer"
        )),
        "{e}"
    );
    // A score on it is refused (one would keep a failed import from being
    // removed: scores are never deleted).
    let pb = Playbook::builtin();
    let rubric = pb.find_rubric("readiness").unwrap().clone();
    let scale = pb.scale_of(&rubric).clone();
    let e = other
        .write(|tx| tx.add_score(id, &rubric, &scale, "data", "green", "seen"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("is being added by an import"), "{e}");
    // So the run can still be removed whole.
    assert_eq!(s.stage_abandon(run).unwrap(), 1);
    assert_verifies(&s);
}

#[test]
fn a_run_another_lastmile_has_begun_removing_can_neither_stage_more_nor_publish() {
    let (_dir, db, mut s) = fresh();
    let run = stage(&mut s, &["First batch"]);
    // What another lastmile's removal does first, in its own transaction
    // (it took this import for stopped), before deleting batch by batch:
    // the run's pid becomes minus the remover's (here one since gone).
    Connection::open(&db)
        .unwrap()
        .execute("UPDATE staging_runs SET pid = -999999999 WHERE id = ?1", [run])
        .unwrap();
    let e = s.stage_publish(run, |_| Ok(())).unwrap_err().to_string();
    assert!(e.contains("removed by another lastmile"), "{e}");
    let e = s.write_staged(run, |_| Ok(())).unwrap_err().to_string();
    assert!(e.contains("removed by another lastmile"), "{e}");
    assert!(s.pilots().unwrap().is_empty(), "nothing was published");
    // A removal that stopped half-way is taken up by the next import, and
    // the file verifies afterwards.
    assert_eq!(s.stale_runs().unwrap().len(), 1);
    assert_eq!(s.stage_abandon(run).unwrap(), 1);
    assert_eq!(scalar(&db, "SELECT count(*) FROM staging_runs"), 0);
    assert_verifies(&s);
}

#[test]
fn a_run_id_used_again_after_a_removal_starts_afresh_and_verifies() {
    let (_dir, db, mut s) = fresh();
    let first = stage(&mut s, &["Removed pilot"]);
    assert_eq!(s.stage_abandon(first).unwrap(), 1);
    assert_verifies(&s);
    // The next run gets the same id: what the first staged no longer
    // counts for it.
    let again = stage(&mut s, &["Second pilot"]);
    assert_eq!(again, first, "the id is used again");
    assert_verifies(&s);
    s.stage_publish(again, |_| Ok(())).unwrap();
    assert_verifies(&s);
    assert_eq!(
        scalar(
            &db,
            "SELECT count(*) FROM audit_events WHERE entity = 'staging' AND field IN ('closed', 'published')"
        ),
        2
    );
}

#[test]
fn a_live_pilot_listed_as_staged_by_plain_sql_is_caught_and_never_deleted() {
    let (dir, db, mut s) = fresh();
    s.write(|tx| tx.add_pilot(&fields("Inconvenient pilot"), &Playbook::builtin().items()))
        .unwrap();
    let id = id_of(&db, "Inconvenient pilot");
    // Hidden as part of a made-up import whose process is gone.
    a_forged_run_is_reported_and_puts_the_pilot_back(dir.path(), &db, &mut s, 77, id, "Inconvenient pilot");
}

#[test]
fn a_deletion_recorded_as_removing_a_pilot_the_run_never_staged_does_not_verify() {
    let (_dir, db, mut s) = fresh();
    s.write(|tx| tx.add_pilot(&fields("Live pilot"), &Playbook::builtin().items()))
        .unwrap();
    let live = id_of(&db, "Live pilot");
    let run = stage(&mut s, &["Staged"]);
    // The run's removal event claims the live pilot too (as a file edited
    // to list it as staged would have made it).
    s.write(|tx| {
        tx.audit(
            "staging",
            run,
            None,
            "removed",
            None,
            Some(&format!("pilots {live}; people ")),
        )
    })
    .unwrap();
    Connection::open(&db)
        .unwrap()
        .execute("DELETE FROM pilots WHERE id = ?1", [live])
        .unwrap();
    let problems = check_state(&s, 5).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&format!("pilot {live} is in the audit trail but not in the file"))),
        "{problems:?}"
    );
}

#[test]
fn a_failed_import_leaves_no_programme_checklist_behind() {
    let (dir, db, mut s) = fresh();
    assert_eq!(scalar(&db, "SELECT count(*) FROM programme_items"), 0);
    // The first batch goes in; the second fails (a fault made with plain
    // SQL: the file refuses one row).
    let n = lastmile::import::pilots::ROWS_PER_BATCH + 5;
    let mut text = String::from("name\n");
    for i in 0..n {
        text.push_str(&format!("Pilot {i:05}\n"));
    }
    Connection::open(&db)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TRIGGER fault AFTER INSERT ON pilots WHEN NEW.name = 'Pilot {:05}'
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;",
            n - 1
        ))
        .unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, text).unwrap();
    let r = lastmile::import::pilots::import_csv(&mut s, &Playbook::builtin(), &csv, false);
    assert!(r.is_err(), "{r:?}");
    for table in ["pilots", "programme_items", "staging_runs"] {
        assert_eq!(scalar(&db, &format!("SELECT count(*) FROM {table}")), 0, "{table}");
    }
    assert_verifies(&s);
}

#[test]
fn a_person_an_import_is_adding_is_refused_with_who_is_adding_them() {
    let (_dir, db, mut s) = fresh();
    stage(&mut s, &["Claims triage"]);
    let mut other = Store::open(&db, OpenMode::Existing, "Ana").unwrap();
    let e = other
        .write(|tx| tx.add_person("staged person", ""))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("'Staged Person' is being added by an import of test rows from t.csv by importer"),
        "{e}"
    );
}

#[test]
fn a_published_pilot_listed_under_a_reused_run_id_is_put_back_not_deleted() {
    let (dir, db, mut s) = fresh();
    // A first import's run stages and publishes a pilot; its run id is
    // free again afterwards.
    let run = stage(&mut s, &["Published pilot"]);
    s.stage_publish(run, |_| Ok(())).unwrap();
    let id = id_of(&db, "Published pilot");
    // Plain SQL makes a dead run with the same id and hides the pilot in it.
    a_forged_run_is_reported_and_puts_the_pilot_back(dir.path(), &db, &mut s, run, id, "Published pilot");
}

#[cfg(target_os = "linux")]
#[test]
fn a_run_whose_importer_still_runs_is_never_taken_for_stopped() {
    let (_dir, db, mut s) = fresh();
    let run = stage(&mut s, &["Still importing"]);
    // Another lastmile importing (a live process with that name).
    // A shell waiting on its input (a builtin: no child to leave behind).
    let mut other = std::process::Command::new("sh")
        .args(["-c", "read line", "lastmile-importer"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE staging_runs SET pid = ?2 WHERE id = ?1",
            [run, i64::from(other.id())],
        )
        .unwrap();
    assert!(s.stale_runs().unwrap().is_empty());
    assert_eq!(s.stage_abandon(run).unwrap(), 0, "not this process's, and not stopped");
    assert_eq!(scalar(&db, "SELECT count(*) FROM staged_pilots"), 1);
    assert_eq!(scalar(&db, "SELECT count(*) FROM pilots"), 1);
    other.kill().unwrap();
    other.wait().unwrap();
    // Once it is gone, its run is stale and is removed.
    assert_eq!(s.stale_runs().unwrap().len(), 1);
    assert_eq!(s.stage_abandon(run).unwrap(), 1);
    assert_verifies(&s);
}

#[test]
fn a_second_import_meeting_a_person_the_first_is_adding_is_told_so() {
    let (_dir, db, mut s) = fresh();
    stage(&mut s, &["Claims triage"]);
    let mut other = Store::open(&db, OpenMode::Existing, "Ana").unwrap();
    let run = other.stage_begin("an import of 1 rows from b.csv").unwrap();
    let e = other
        .write_staged(run, |tx| tx.add_person("STAGED person", ""))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("'Staged Person' is being added by an import of test rows from t.csv by importer"),
        "{e}"
    );
}

#[test]
fn a_process_finishes_its_own_removal_that_stopped_half_way() {
    let (_dir, db, mut s) = fresh();
    let run = stage(&mut s, &["Left hidden"]);
    // This process began removing the run (its pid, negated) and stopped,
    // say the file was busy; the workbench lives on.
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE staging_runs SET pid = ?2 WHERE id = ?1",
            [run, -i64::from(std::process::id())],
        )
        .unwrap();
    assert_eq!(s.stale_runs().unwrap().len(), 1);
    assert_eq!(s.stage_abandon(run).unwrap(), 1);
    assert_eq!(scalar(&db, "SELECT count(*) FROM pilots"), 0);
    assert_verifies(&s);
}
