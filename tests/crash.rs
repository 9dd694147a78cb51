//! Crash safety: a process writing in a loop is killed with SIGKILL at
//! random moments, again and again, on the same file. After every kill the
//! file passes `PRAGMA integrity_check`, both hash chains verify, every
//! change the writer reported committed is present, and every transaction
//! is there whole or not at all.
//!
//! The writer is this test binary started again with
//! `LASTMILE_TEST_HELPER=crasher` (see `support::spawn_helper`). It reports
//! each commit by appending a line to a file right after `COMMIT` returns;
//! a line written with one `write(2)` survives the kill, so a reported
//! commit that is missing from the database would be a lost change.

mod support;

use lastmile::domain::model::{Criterion, Dimension, NewDecision, Outcome, PilotFields, Rag};
use lastmile::playbook::{Playbook, READINESS_RUBRIC};
use lastmile::store::{verify_chains, OpenMode, Store};
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{helper_role, spawn_helper, Rng};

/// How many times the writer is killed.
const KILLS: usize = 50;
const PILOT: &str = "Crash pilot";
const DECIDER: &str = "Dana Decider";

/// Helper process: write forever (until killed), reporting each commit.
/// Three kinds of transaction: an edit (a score and an item note), a new
/// pilot with its whole checklist, and a decision with a criterion.
#[test]
fn helper_crasher() {
    if helper_role().as_deref() != Some("crasher") {
        return; // only does something when started by the test below
    }
    let db = std::env::var("LASTMILE_TEST_DB").unwrap();
    let run: usize = std::env::var("LASTMILE_TEST_RUN").unwrap().parse().unwrap();
    let mut report = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(std::env::var("LASTMILE_TEST_REPORT").unwrap())
        .unwrap();
    let mut store = Store::open(Path::new(&db), OpenMode::Existing, "crasher").unwrap();
    // Checkpoint often, so some kills land in the middle of a checkpoint.
    store.conn().pragma_update(None, "wal_autocheckpoint", 16).unwrap();
    let pb = Playbook::builtin();
    let items = pb.items();
    let rubric = pb.rubric(READINESS_RUBRIC).unwrap().clone();
    let scale = pb.scale_of(&rubric).clone();
    let pid = store.find_pilot(PILOT).unwrap().id;
    let decider = store.find_person(DECIDER).unwrap().id;
    let item_ids: Vec<i64> = store.checklist(pid).unwrap().iter().map(|i| i.id).collect();
    for i in 0.. {
        let token = format!("k{run}-{i}");
        let kind = match i % 16 {
            0 => {
                let f = PilotFields {
                    name: token.clone(),
                    ..Default::default()
                };
                store.write(|tx| tx.add_pilot(&f, &items)).unwrap();
                "pilot"
            }
            1 => {
                let d = NewDecision {
                    outcome: Some(Outcome::Defer),
                    criteria: vec![Criterion {
                        criterion: token.clone(),
                        met: false,
                        need: None,
                    }],
                    rationale: token.clone(),
                    decided_by: decider,
                    decided_on: "2026-03-02".into(),
                    review_on: (store.today() + chrono::Duration::days(14)).to_string(),
                    ..Default::default()
                };
                let pb = lastmile::playbook::Playbook::builtin();
                store.write(|tx| tx.record_decision(&pb, pid, &d)).unwrap();
                "decision"
            }
            _ => {
                let id = item_ids[i % item_ids.len()];
                let rev = store.item(id).unwrap().revision;
                let dim = Dimension::ALL[i % 4].key();
                let rag = Rag::ALL[i % 3].key();
                store
                    .write(|tx| {
                        tx.add_score(pid, &rubric, &scale, dim, rag, &token)?;
                        tx.set_item_note(id, rev, &token)
                    })
                    .unwrap();
                "edit"
            }
        };
        // One write(2) per line: it reaches the kernel before the next
        // transaction starts, so it survives SIGKILL.
        report.write_all(format!("{token} {kind}\n").as_bytes()).unwrap();
    }
}

fn strings(s: &Store, sql: &str) -> HashSet<String> {
    let mut stmt = s.conn().prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn sigkill_at_random_moments_loses_no_committed_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let report = dir.path().join("committed.txt");
    let pb = Playbook::builtin();
    let items_per_pilot = pb.items().len() as i64;
    {
        let mut s = Store::open(&db, OpenMode::Create, "setup").unwrap();
        s.write(|tx| {
            tx.add_pilot(
                &PilotFields {
                    name: PILOT.into(),
                    ..Default::default()
                },
                &pb.items(),
            )?;
            tx.add_person(DECIDER, "CIO")
        })
        .unwrap();
    }
    let seed = support::seed(90);
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let mut reported_total = 0usize;
    let mut unreported_total = 0usize;
    let mut kills_mid_run = 0usize;
    for run in 0..KILLS {
        let mut child = spawn_helper(
            "helper_crasher",
            "crasher",
            &[
                ("LASTMILE_TEST_DB", db.display().to_string()),
                ("LASTMILE_TEST_REPORT", report.display().to_string()),
                ("LASTMILE_TEST_RUN", run.to_string()),
            ],
        );
        // Anywhere from during start-up and recovery to deep in the loop.
        std::thread::sleep(Duration::from_micros(2_000 + rng.below(110_000)));
        let still_running = child.try_wait().unwrap().is_none();
        child.kill().unwrap(); // SIGKILL on Unix
        let out = child.wait_with_output().unwrap();
        assert!(
            still_running,
            "run {run}: the writer stopped before it was killed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        kills_mid_run += 1;

        let s = Store::open(&db, OpenMode::Existing, "checker")
            .unwrap_or_else(|e| panic!("run {run}: the file does not open after SIGKILL: {e}"));
        assert_eq!(
            s.integrity_check().unwrap(),
            Ok(()),
            "run {run}: integrity_check after SIGKILL"
        );
        for chain in verify_chains(&s).unwrap() {
            assert!(chain.broken_at.is_none(), "run {run}: {chain:?}");
        }
        let text = std::fs::read_to_string(&report).unwrap_or_default();
        let prefix = format!("k{run}-");
        let reported: Vec<(&str, &str)> = text
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .map(|l| l.split_once(' ').expect("whole report lines"))
            .collect();
        let scores = strings(&s, "SELECT rationale FROM scores");
        let notes = strings(
            &s,
            "SELECT new_value FROM audit_events WHERE entity = 'item' AND field = 'note'",
        );
        let pilots = strings(&s, "SELECT name FROM pilots");
        let decisions = strings(&s, "SELECT rationale FROM decisions");
        let criteria = strings(&s, "SELECT criterion FROM decision_criteria WHERE need = ''");
        for (token, kind) in &reported {
            let present = match *kind {
                "edit" => scores.contains(*token) && notes.contains(*token),
                "pilot" => pilots.contains(*token),
                "decision" => decisions.contains(*token) && criteria.contains(*token),
                other => panic!("unknown report kind {other}"),
            };
            assert!(
                present,
                "run {run}: {kind} {token} was reported committed but is not in the file (lost)"
            );
        }
        // Whole transactions only: a score without its note (or the other
        // way round), a pilot without its full checklist, or a decision
        // without its criterion would be a torn transaction.
        let torn_edits: Vec<_> = scores
            .symmetric_difference(&notes)
            .filter(|t| t.starts_with('k'))
            .collect();
        assert!(
            torn_edits.is_empty(),
            "run {run}: torn edit transactions {torn_edits:?}"
        );
        let torn: i64 = s
            .conn()
            .query_row(
                "SELECT count(*) FROM pilots p WHERE (SELECT count(*) FROM checklist_items c WHERE c.pilot_id = p.id) <> ?1",
                [items_per_pilot],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(torn, 0, "run {run}: a pilot without its full checklist");
        assert_eq!(
            decisions.len(),
            criteria.len(),
            "run {run}: decision without its criterion"
        );
        // At most one transaction can have committed without being
        // reported (killed between COMMIT and the report line).
        let present_this_run = scores
            .iter()
            .chain(pilots.iter())
            .chain(decisions.iter())
            .filter(|t| t.starts_with(&prefix))
            .count();
        assert!(
            present_this_run >= reported.len() && present_this_run <= reported.len() + 1,
            "run {run}: {present_this_run} transactions in the file, {} reported",
            reported.len()
        );
        reported_total += reported.len();
        unreported_total += present_this_run - reported.len();
    }
    println!(
        "crash: {KILLS} SIGKILLs ({kills_mid_run} while writing); {reported_total} transactions reported committed, \
         all {reported_total} present, 0 lost, 0 torn; {unreported_total} committed just before a kill without being \
         reported, also present; integrity_check ok after every kill; {:.1}s, seed {seed}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        reported_total > KILLS,
        "the writer should get some work done between kills"
    );
}
