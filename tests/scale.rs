//! Correctness on a big portfolio: a synthetic portfolio of 10,000 pilots
//! (`LASTMILE_SCALE_PILOTS=N` for another size) builds; its
//! summary rows agree with the raw tables before and after changes; the
//! workbench opens it, draws every screen on a 200x50 `TestBackend` and
//! moves, filters and writes; the decision log exports in every format and
//! parses back; `status --json` counts every pilot. No timing here: the
//! figures live in `cargo bench` (benches/portfolio.rs).

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lastmile::clock::Clock;
use lastmile::domain::model::{ItemState, Phase, Rag, Role};
use lastmile::export::{self, Format};
use lastmile::playbook::{Playbook, READINESS_RUBRIC, SELECTION_QUESTIONS, SELECTION_RUBRIC};
use lastmile::store::{DecisionFilter, OpenMode, PilotRow, Store};
use lastmile::ui::{App, Config, Screen};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SEED: u64 = 7;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// Programme day of `today()` in a demo portfolio.
const DAY: i64 = 45;

fn pilots() -> usize {
    std::env::var("LASTMILE_SCALE_PILOTS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(10_000)
}

/// The portfolio file, built once for all the tests in this file (each test
/// that writes works on its own copy).
fn fixture() -> &'static Path {
    static FILE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = FILE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scale.db");
        let mut store = Store::open_with_clock(&path, OpenMode::Create, "scale", Clock::fixed(today())).unwrap();
        let summary =
            lastmile::demo::load_synthetic(&mut store, &Playbook::builtin(), today(), pilots(), SEED).unwrap();
        assert_eq!(summary.pilots, pilots());
        store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        (dir, path)
    });
    path
}

/// A private copy of the fixture, for a test that writes.
fn copy_of_fixture(dir: &tempfile::TempDir) -> PathBuf {
    let to = dir.path().join("copy.db");
    std::fs::copy(fixture(), &to).unwrap();
    to
}

fn open(path: &Path) -> Store {
    Store::open_with_clock(path, OpenMode::Existing, "scale", Clock::fixed(today())).unwrap()
}

fn rag_of(answer: &str) -> Option<Rag> {
    Rag::ALL.iter().copied().find(|r| r.key() == answer)
}

/// Every pilot's summary computed straight from the raw tables, the slow
/// way, to hold the trigger-maintained `pilot_stats` and the grouped
/// portfolio queries to.
fn raw_rows(store: &Store, day: i64, step: usize) -> HashMap<i64, PilotRow> {
    let pb = Playbook::builtin();
    let c = store.conn();
    let mut out = HashMap::new();
    let mut rows = store.portfolio(&pb, day).unwrap();
    // Start from the rows and overwrite every derived field from raw data.
    for r in rows.drain(..).step_by(step) {
        let id = r.id;
        let mut x = r.clone();
        let (total, done, gates, overdue, soon): (u32, u32, u32, u32, u32) = c
            .query_row(
                "SELECT count(*), sum(state = 'done'),
                        sum(gate = 1 AND state IN ('todo', 'doing', 'blocked')),
                        sum(due_day < ?2 AND state IN ('todo', 'doing', 'blocked')),
                        sum(due_day >= ?2 AND due_day <= ?2 + 7 AND state IN ('todo', 'doing', 'blocked'))
                 FROM checklist_items WHERE pilot_id = ?1",
                [id, day],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        x.items_total = total;
        x.items_done = done;
        x.open_gates = gates;
        x.overdue = overdue;
        x.due_soon = soon;
        x.next_due = c
            .query_row(
                "SELECT due_day, text FROM checklist_items
                 WHERE pilot_id = ?1 AND state IN ('todo', 'doing', 'blocked') ORDER BY due_day, position LIMIT 1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok();
        let current = |rubric: &str| -> HashMap<String, String> {
            let mut stmt = c
                .prepare(
                    "SELECT question, answer FROM scores s WHERE pilot_id = ?1 AND rubric = ?2
                     AND id = (SELECT max(id) FROM scores t WHERE t.pilot_id = s.pilot_id
                               AND t.rubric = s.rubric AND t.question = s.question)",
                )
                .unwrap();
            let rows = stmt
                .query_map(rusqlite::params![id, rubric], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap();
            rows.map(Result::unwrap).collect()
        };
        let dims = current(READINESS_RUBRIC);
        for (i, d) in ["data", "governance", "integration", "ownership"].iter().enumerate() {
            x.dimensions[i] = dims.get(*d).and_then(|a| rag_of(a));
        }
        x.oldest_score_at = c
            .query_row(
                "SELECT min(scored_at) FROM scores s WHERE pilot_id = ?1 AND rubric = 'readiness'
                 AND id = (SELECT max(id) FROM scores t WHERE t.pilot_id = s.pilot_id
                           AND t.rubric = s.rubric AND t.question = s.question)",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        let sel = current(SELECTION_RUBRIC);
        for (i, q) in SELECTION_QUESTIONS.iter().enumerate() {
            x.selection[i] = sel.get(*q).and_then(|a| a.parse().ok());
        }
        x.owners = Default::default();
        let mut stmt = c
            .prepare("SELECT o.role, p.name FROM owners o JOIN people p ON p.id = o.person_id WHERE o.pilot_id = ?1")
            .unwrap();
        for row in stmt
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap()
        {
            let (role, name) = row.unwrap();
            x.owners[Role::parse(&role).unwrap().index()] = Some(name.into());
        }
        x.last_decision = c
            .query_row(
                "SELECT outcome, decided_on FROM decisions WHERE pilot_id = ?1 ORDER BY id DESC LIMIT 1",
                [id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .ok()
            .map(|(o, on)| (lastmile::domain::model::Outcome::parse(&o).unwrap(), on));
        x.uncommunicated = c
            .query_row(
                "SELECT count(*) FROM decisions d LEFT JOIN decision_notices n ON n.decision_id = d.id
                 WHERE d.pilot_id = ?1 AND d.communicated = 0 AND n.decision_id IS NULL",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        let (first, last) = (pb.phase(x.phase).first_day, pb.phase(x.phase).last_day);
        x.overdue_in_phase = c
            .query_row(
                "SELECT count(*) FROM checklist_items WHERE pilot_id = ?1 AND due_day BETWEEN ?2 AND ?3
                 AND due_day < ?4 AND state IN ('todo', 'doing', 'blocked')",
                rusqlite::params![id, first, last, day],
                |r| r.get(0),
            )
            .unwrap();
        for (i, ph) in ["assessment", "scaffolding", "hardening"].iter().enumerate() {
            x.gates_unmet[i] = c
                .query_row(
                    "SELECT count(*) FROM checklist_items WHERE pilot_id = ?1 AND phase = ?2 AND gate = 1
                     AND NOT (state IN ('done', 'na') AND note <> '')",
                    rusqlite::params![id, ph],
                    |r| r.get(0),
                )
                .unwrap();
        }
        x.owner_ids = Default::default();
        let mut stmt = c
            .prepare("SELECT role, person_id FROM owners WHERE pilot_id = ?1")
            .unwrap();
        for row in stmt
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .unwrap()
        {
            let (role, person) = row.unwrap();
            x.owner_ids[Role::parse(&role).unwrap().index()] = Some(person);
        }
        // The verdicts from the one-pilot path (every fact read in full).
        let j = store.judge(&pb, id).unwrap();
        x.verdict = j.verdict();
        x.production = j.production.verdict;
        x.gate_blockers = j.current.as_ref().map_or(0, |g| g.blockers().count() as u32);
        x.unmet = j
            .current
            .as_ref()
            .map(|g| {
                g.blockers()
                    .chain(g.should_unmet())
                    .map(|c| c.label.as_str().into())
                    .collect()
            })
            .unwrap_or_default();
        out.insert(id, x);
    }
    out
}

/// Compare every `step`-th pilot's row with the raw tables, and the order.
fn assert_rows_match_raw(store: &Store, day: i64, step: usize) {
    let pb = Playbook::builtin();
    let rows = store.portfolio(&pb, day).unwrap();
    let raw = raw_rows(store, day, step);
    assert_eq!(rows.len(), pilots());
    assert_eq!(raw.len(), pilots().div_ceil(step));
    for r in rows.iter().step_by(step) {
        assert_eq!(r, &raw[&r.id], "pilot {}", r.name);
    }
    // Ordered by name as SQLite's NOCASE collation orders it.
    let by_sql: Vec<i64> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT id FROM pilots ORDER BY name COLLATE NOCASE")
            .unwrap();
        let ids = stmt.query_map([], |r| r.get(0)).unwrap();
        ids.map(Result::unwrap).collect()
    };
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), by_sql);
}

#[test]
fn summary_rows_agree_with_the_raw_tables_before_and_after_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_fixture(&dir);
    let mut store = open(&path);
    let pb = Playbook::builtin();
    assert_eq!(store.pilot_names().unwrap().len(), pilots());
    assert_rows_match_raw(&store, DAY, 1);
    assert_rows_match_raw(&store, 1, 7);
    assert_rows_match_raw(&store, 90, 7);
    // Change every kind of thing the stats depend on, for every 50th pilot.
    let rows = store.portfolio(&pb, DAY).unwrap();
    let readiness = pb.rubric(READINESS_RUBRIC).unwrap().clone();
    let scale = pb.scale_of(&readiness).clone();
    let people = store.people().unwrap();
    for (k, row) in rows.iter().enumerate().step_by(50) {
        let items = store.checklist(row.id).unwrap();
        let rev = |store: &Store, id: i64| store.item(id).unwrap().revision;
        // Close the next item due.
        if let Some(n) = items
            .iter()
            .filter(|i| i.state.is_open())
            .min_by_key(|i| (i.due_day, i.position))
        {
            store
                .write(|tx| tx.set_item_state(n.id, n.revision, ItemState::Done))
                .unwrap();
        }
        // Block an item that was done.
        if let Some(d) = items.iter().find(|i| i.state == ItemState::Done) {
            let r = rev(&store, d.id);
            store
                .write(|tx| tx.set_item_state(d.id, r, ItemState::Blocked))
                .unwrap();
        }
        // Move the last item's due day.
        let last = items.last().unwrap();
        let r = rev(&store, last.id);
        store
            .write(|tx| tx.set_item_due(last.id, r, 1 + (k as i64 % 90)))
            .unwrap();
        // Rate a dimension; name (or replace) an owner.
        store
            .write(|tx| {
                tx.add_score(
                    row.id,
                    &readiness,
                    &scale,
                    "ownership",
                    Rag::ALL[k % 3].key(),
                    "scale test",
                )
            })
            .unwrap();
        let role = Role::ALL[k % 4];
        let seen = store
            .owners(row.id)
            .unwrap()
            .into_iter()
            .find(|o| o.role == role)
            .map(|o| o.revision);
        let person = people[k % people.len()].id;
        store.write(|tx| tx.assign_owner(row.id, role, person, seen)).unwrap();
        // Give all of its decision rights, or only some (a gate criterion).
        let held = if k % 100 == 0 { pb.rights.len() } else { 3 };
        for r in pb.rights.iter().take(held) {
            store
                .write(|tx| tx.assign_right(row.id, &r.key, &r.name, person, "scale test", None))
                .unwrap();
        }
    }
    assert_rows_match_raw(&store, DAY, 1);
    // One pilot's row matches its row in the whole portfolio.
    let all = store.portfolio(&pb, DAY).unwrap();
    for row in all.iter().step_by(211) {
        assert_eq!(&store.pilot_row(&pb, DAY, row.id).unwrap(), row);
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    let m = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), m)
}

fn screen_text(term: &Terminal<TestBackend>) -> String {
    let buf = term.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

#[test]
fn workbench_opens_draws_and_works_on_the_big_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_fixture(&dir);
    let pb = Playbook::builtin();
    let rows = open(&path).portfolio(&pb, DAY).unwrap();
    let mut app = App::new(open(&path), pb.clone(), Config::default()).unwrap();
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let press = |app: &mut App, term: &mut Terminal<TestBackend>, k: KeyEvent| {
        app.handle_key(k);
        term.draw(|f| app.draw(f)).unwrap();
    };
    term.draw(|f| app.draw(f)).unwrap();
    let text = screen_text(&term);
    assert_eq!(app.screen(), Screen::Portfolio);
    assert!(
        text.contains(&pilots().to_string()),
        "the pilot count is shown:\n{text}"
    );
    // The first pilots by name are on screen; the last is not.
    assert!(text.contains(&rows[0].name), "{text}");
    assert!(text.contains(&rows[1].name), "{text}");
    assert!(!text.contains(&rows[rows.len() - 1].name), "{text}");
    assert_eq!(app.current_pilot(), Some(rows[0].id));

    // Move down 300 rows: the selection follows and stays on screen.
    for _ in 0..300 {
        press(&mut app, &mut term, ch('j'));
    }
    assert_eq!(app.current_pilot(), Some(rows[300].id));
    assert!(screen_text(&term).contains(&rows[300].name));
    // To the end and back.
    press(&mut app, &mut term, ch('G'));
    assert_eq!(app.current_pilot(), Some(rows[rows.len() - 1].id));
    assert!(screen_text(&term).contains(&rows[rows.len() - 1].name));
    press(&mut app, &mut term, ch('g'));
    assert_eq!(app.current_pilot(), Some(rows[0].id));

    // Filter one letter at a time down to one pilot's full name.
    let target = &rows[rows.len() / 3];
    press(&mut app, &mut term, ch('/'));
    for c in target.name.chars() {
        press(&mut app, &mut term, ch(c));
    }
    let text = screen_text(&term);
    assert!(text.contains(&target.name), "{text}");
    press(&mut app, &mut term, key(KeyCode::Enter));
    assert_eq!(app.current_pilot(), Some(target.id), "the best match is selected first");
    press(&mut app, &mut term, key(KeyCode::Esc));
    press(&mut app, &mut term, key(KeyCode::Esc));

    // Every screen draws; the heatmap too.
    for k in ['2', '3', '4', '5', '6', '1', 'v', 'v'] {
        press(&mut app, &mut term, ch(k));
        assert!(!screen_text(&term).trim().is_empty());
    }
    for _ in 0..6 {
        press(&mut app, &mut term, key(KeyCode::Tab));
    }

    // A real write from the Scaffolding board: toggle the first item of the
    // selected pilot's checklist; the database and the pilot's row follow.
    press(&mut app, &mut term, ch('3'));
    press(&mut app, &mut term, key(KeyCode::Right));
    let pid = app.board_pilot(Phase::Scaffolding).expect("a pilot on the board");
    let before = app.store().checklist(pid).unwrap();
    let done_before = app.store().pilot_row(&pb, DAY, pid).unwrap().items_done;
    press(&mut app, &mut term, ch(' '));
    let after = app.store().checklist(pid).unwrap();
    let changed: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b.state != a.state)
        .map(|(b, a)| (b.state, a.state))
        .collect();
    assert_eq!(changed.len(), 1, "space toggled one item: {changed:?}");
    let (was, now) = changed[0];
    assert!(was == ItemState::Done || now == ItemState::Done, "{changed:?}");
    let done_after = app.store().pilot_row(&pb, DAY, pid).unwrap().items_done;
    let expected = if now == ItemState::Done {
        done_before + 1
    } else {
        done_before - 1
    };
    assert_eq!(done_after, expected);
    assert_rows_match_raw(app.store(), DAY, 5);
}

#[test]
fn decision_log_exports_in_every_format_and_parses_back() {
    let store = open(fixture());
    let all = store.decisions(&DecisionFilter::default()).unwrap();
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM decisions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(all.len() as i64, n);
    assert!(n as usize > pilots() / 5, "about a third of the pilots have a decision");
    let filter = DecisionFilter::default();

    let csv_text = export::decisions::render(&store, Format::Csv, &filter).unwrap();
    let mut rdr = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let id_col = headers.iter().position(|h| h == "id").unwrap();
    let records: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(records.len() as i64, n);
    // In the order recorded (the chain's order).
    let ids: Vec<i64> = records.iter().map(|r| r[id_col].parse().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);

    let json = export::decisions::render(&store, Format::Json, &filter).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["count"].as_i64(), Some(n));
    assert_eq!(v["decisions"].as_array().unwrap().len() as i64, n);
    assert_eq!(v["chain"]["entries"].as_i64(), Some(n));

    let md = export::decisions::render(&store, Format::Markdown, &filter).unwrap();
    let table_rows = md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| #"))
        .count();
    assert_eq!(table_rows as i64, n);

    let html = export::decisions::render(&store, Format::Html, &filter).unwrap();
    assert_eq!(html.matches("<tr id=\"d").count() as i64, n);

    // One pilot's decisions only.
    let one = all[0].pilot_id;
    let just_one = DecisionFilter {
        pilot_ids: vec![one],
        ..DecisionFilter::default()
    };
    let json = export::decisions::render(&store, Format::Json, &just_one).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let expected = all.iter().filter(|d| d.pilot_id == one).count();
    assert_eq!(v["decisions"].as_array().unwrap().len(), expected);

    // The steering-committee pack, both formats.
    let pb = Playbook::builtin();
    for f in [Format::Html, Format::Markdown] {
        let pack = export::pack::render(&store, &pb, today(), f).unwrap();
        assert!(pack.contains(&pilots().to_string()), "the pack counts every pilot");
    }
}

#[test]
fn status_json_counts_every_pilot() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lastmile"))
        .arg("--db")
        .arg(fixture())
        .args(["status", "--json"])
        .env("LASTMILE_TODAY", today().to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pilots"].as_u64(), Some(pilots() as u64));
    let by_phase: u64 = v["by_phase"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(by_phase, pilots() as u64);
    let rows = open(fixture()).portfolio(&Playbook::builtin(), DAY).unwrap();
    let not_ready = rows
        .iter()
        .filter(|r| {
            r.verdict
                .is_some_and(|v| v != lastmile::domain::readiness::Verdict::Ready)
        })
        .count();
    assert_eq!(v["blockers"].as_array().unwrap().len(), not_ready);
    let left = rows.iter().filter(|r| r.verdict.is_none()).count();
    assert_eq!(v["left_gates"].as_u64(), Some(left as u64));
    let counted: u64 = v["by_readiness"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(
        counted as usize + left,
        pilots(),
        "stopped and production pilots leave the counts"
    );
}
