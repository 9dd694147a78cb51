//! Update tests: keys become actions, actions change the database through
//! the store (with audit events), and the state follows. No terminal.

mod ui_support;

use lastmile::domain::model::{ItemState, Phase, PilotFields, Role};
use lastmile::playbook::Playbook;
use lastmile::store::{OpenMode, Store};
use lastmile::ui::{Mode, Screen};
use ui_support::{demo_app, demo_file, empty_app, file_app, render, today};

fn first_open_item(app: &lastmile::ui::App, phase: Phase) -> lastmile::domain::model::ChecklistItem {
    let pid = app.current_pilot().expect("a pilot is selected");
    app.store()
        .checklist(pid)
        .unwrap()
        .into_iter()
        .find(|i| i.phase == phase && i.state.is_open())
        .expect("an open item")
}

#[test]
fn checklist_state_by_single_key_then_undo() {
    let mut app = demo_app();
    app.press("3 enter");
    assert_eq!(app.mode(), Mode::Checklist);
    let item = first_open_item(&app, Phase::Scaffolding);
    let before = app.store().audit_events(Some(item.pilot_id), 1000).unwrap().len();
    app.press("d");
    assert_eq!(app.store().item(item.id).unwrap().state, ItemState::Done);
    let ev = app.store().audit_events(Some(item.pilot_id), 1000).unwrap();
    assert_eq!(ev.len(), before + 1);
    assert_eq!(
        (ev[0].entity.as_str(), ev[0].field.as_str(), ev[0].actor.as_str()),
        ("item", "state", "Elena Petrova")
    );
    // Undo applies the inverse through the store: audited too.
    app.press("u");
    assert_eq!(app.store().item(item.id).unwrap().state, item.state);
    let ev = app.store().audit_events(Some(item.pilot_id), 1000).unwrap();
    assert_eq!(ev.len(), before + 2);
    assert_eq!(ev[0].new_value.as_deref(), Some(item.state.key()));
    assert!(app.message().unwrap().contains("undone"), "{:?}", app.message());
}

#[test]
fn other_state_keys_and_notes() {
    let mut app = demo_app();
    app.press("3 enter");
    let item = first_open_item(&app, Phase::Scaffolding);
    assert!(item.note.is_empty());
    // Not applicable needs a reason: `a` asks for it, and saves both.
    app.press("a");
    assert_eq!(app.mode(), Mode::Editor);
    assert!(render(&app, 100, 30).contains("Why does it not apply?"));
    assert_eq!(
        app.store().item(item.id).unwrap().state,
        item.state,
        "nothing saved yet"
    );
    app.type_text("No vendor involved: built in house");
    app.press("ctrl-s");
    let now = app.store().item(item.id).unwrap();
    assert_eq!(now.state, ItemState::Na);
    assert_eq!(now.note, "No vendor involved: built in house");
    // One undo puts both back.
    app.press("u");
    let back = app.store().item(item.id).unwrap();
    assert_eq!((back.state, back.note.as_str()), (item.state, ""));
    app.press("a");
    app.type_text("In-house build");
    app.press("ctrl-s");
    assert_eq!(app.store().item(item.id).unwrap().state, ItemState::Na);
    app.press("b");
    assert_eq!(app.store().item(item.id).unwrap().state, ItemState::Blocked);
    app.press("p");
    assert_eq!(app.store().item(item.id).unwrap().state, ItemState::Doing);
    app.press("space");
    assert_eq!(app.store().item(item.id).unwrap().state, ItemState::Done);
    app.press("space");
    assert_eq!(app.store().item(item.id).unwrap().state, ItemState::Todo);
    // A multi-line note, saved with ctrl-s.
    app.press("e");
    assert_eq!(app.mode(), Mode::Editor);
    app.press("ctrl-u");
    app.type_text("Evidence: https://wiki/x\nsecond line");
    app.press("ctrl-s");
    assert_eq!(
        app.store().item(item.id).unwrap().note,
        "Evidence: https://wiki/x\nsecond line"
    );
    assert_eq!(app.mode(), Mode::Checklist);
}

#[test]
fn score_a_dimension_with_rationale() {
    let mut app = demo_app();
    let pid = app.current_pilot().unwrap();
    app.press("s");
    assert_eq!(app.mode(), Mode::Form);
    // Every rating needs a rationale, green too: refused in place first.
    app.press("g ctrl-s");
    assert_eq!(app.mode(), Mode::Form, "saving without a rationale is refused");
    let out = render(&app, 100, 30);
    assert!(out.contains("say in a line what supports green"), "{out}");
    app.press("esc y s y ctrl-s");
    assert_eq!(app.mode(), Mode::Form, "saving without a rationale is refused");
    assert!(render(&app, 100, 30).contains("what supports yellow"));
    app.type_text("Audit trail drafted; approvals still ad hoc");
    app.press("ctrl-s");
    assert_eq!(app.mode(), Mode::Portfolio);
    let cur = app.store().current_answers(pid, "readiness").unwrap();
    assert_eq!(cur["governance"].answer, "yellow");
    assert_eq!(
        cur["governance"].rationale,
        "Audit trail drafted; approvals still ad hoc"
    );
    assert_eq!(cur["governance"].scorer, "Elena Petrova");
    let ev = app.store().audit_events(Some(pid), 1).unwrap();
    assert_eq!(ev[0].field, "readiness.governance");
}

#[test]
fn assign_a_missing_owner_creating_a_person_inline() {
    let mut app = demo_app();
    let pid = app.current_pilot().unwrap();
    let missing = app.store().owners(pid).unwrap().len();
    assert!(missing < 4);
    app.press("o");
    assert_eq!(app.mode(), Mode::Menu);
    app.press("enter");
    assert_eq!(app.mode(), Mode::Picker);
    app.type_text("Zoe Kim");
    app.press("enter");
    let owners = app.store().owners(pid).unwrap();
    assert_eq!(owners.len(), missing + 1);
    assert!(
        owners.iter().any(|o| o.person == "Zoe Kim" && o.role == Role::Platform),
        "{owners:?}"
    );
    assert!(app.store().people().unwrap().iter().any(|p| p.name == "Zoe Kim"));
    // Undo removes the owner again (the person stays).
    app.press("u");
    assert_eq!(app.store().owners(pid).unwrap().len(), missing);
}

#[test]
fn picker_matches_fuzzily() {
    let mut app = demo_app();
    app.press("3 enter o");
    app.type_text("crmn");
    let out = render(&app, 100, 30);
    assert!(out.contains("Carmen Diaz"), "{out}");
    app.press("enter");
    let item = app.store().checklist(app.current_pilot().unwrap()).unwrap();
    assert!(item.iter().any(|i| i.owner.as_deref() == Some("Carmen Diaz")));
}

#[test]
fn fuzzy_filter_then_sort_then_heatmap() {
    let mut app = demo_app();
    app.press("/");
    assert_eq!(app.mode(), Mode::Filter);
    app.type_text("kyc");
    app.press("enter");
    assert_eq!(app.mode(), Mode::Portfolio);
    let pid = app.current_pilot().unwrap();
    assert_eq!(app.store().pilot(pid).unwrap().name, "KYC document extraction");
    app.press("esc");
    assert_eq!(
        app.current_pilot(),
        Some(pid),
        "clearing the filter keeps the selection"
    );
    app.press("S");
    assert!(app.message().unwrap().contains("sorted by sector"));
    app.press("R");
    assert!(app.message().unwrap().contains("descending"));
    app.press("v");
    assert!(render(&app, 100, 30).contains("Govern."));
}

#[test]
fn record_a_decision_from_the_hardening_board() {
    let mut app = demo_app();
    let before = app.store().all_decisions().unwrap().len();
    // The Hardening board lists AML alert triage (stopped: no gate to
    // decide), then Clinical documentation assistant.
    app.press("4 D");
    assert_eq!(app.mode(), Mode::Board, "no form for a stopped pilot");
    assert!(app.message().unwrap().contains("left the gates"), "{:?}", app.message());
    app.press("down D");
    assert_eq!(app.mode(), Mode::Form);
    let out = render(&app, 120, 44);
    assert!(out.contains("Production gate decision"), "{out}");
    assert!(
        out.contains("[ ] must: Gating items of every phase met with evidence"),
        "{out}"
    );
    // Outcome, the gate's criteria (shown), extra criteria, rationale.
    app.press("g tab tab tab");
    app.type_text("Targets met; gaps have named owners");
    app.press("tab enter");
    assert_eq!(app.mode(), Mode::Picker);
    app.type_text("kofi");
    app.press("enter");
    app.press("ctrl-s");
    assert_eq!(app.mode(), Mode::Confirm, "a decision is permanent: confirm first");
    app.press("y");
    // A go past unmet must-meet criteria is refused in place, the form kept.
    assert_eq!(app.mode(), Mode::Form);
    let out = render(&app, 120, 44);
    assert!(out.contains("refused"), "{out}");
    assert_eq!(app.store().all_decisions().unwrap().len(), before);
    // The refusal put the cursor in the override reason.
    app.type_text("Board accepts the shared seat until the new hire starts");
    app.press("ctrl-s");
    assert_eq!(app.mode(), Mode::Confirm);
    let out = render(&app, 120, 44);
    assert!(out.contains("overrides the gate's unmet must-meet"), "{out}");
    assert!(!out.contains("one of this pilot's owners"), "{out}");
    app.press("y");
    assert_eq!(app.layers(), 0, "{:?}", app.message());
    let all = app.store().all_decisions().unwrap();
    assert_eq!(all.len(), before + 1);
    let d = &all[0];
    assert_eq!(d.outcome.key(), "go");
    assert_eq!(d.decided_by, "Kofi Mensah");
    assert_eq!(d.decided_on, today().to_string());
    assert_eq!(d.gate, Some(Phase::Hardening));
    assert_eq!(
        d.override_reason,
        "Board accepts the shared seat until the new hire starts"
    );
    assert_eq!(d.criteria.len(), 6, "the production gate's criteria, computed");
    assert!(!d.communicated);
    let p = app.store().pilot(d.pilot_id).unwrap();
    assert_eq!(
        p.status,
        lastmile::domain::model::Status::Production,
        "a go at the production gate"
    );
    // Decisions cannot be undone; u says so.
    app.press("u");
    assert!(app.message().unwrap().contains("append-only"), "{:?}", app.message());
    assert_eq!(app.store().all_decisions().unwrap().len(), before + 1);
}

#[test]
fn decision_form_refuses_missing_fields_in_place() {
    let mut app = demo_app();
    app.press("4 down D ctrl-s");
    assert_eq!(app.mode(), Mode::Form);
    let out = render(&app, 100, 40);
    assert!(out.contains("say why"), "{out}");
    assert!(out.contains("name the decision-maker"), "{out}");
    // Esc on a changed form asks first.
    app.press("g esc");
    assert_eq!(app.mode(), Mode::Confirm);
    app.press("n");
    assert_eq!(app.mode(), Mode::Form);
    app.press("esc y");
    assert_eq!(app.layers(), 0);
}

#[test]
fn workshop_review_answers_and_ends_in_the_decision_form() {
    let mut app = demo_app();
    // Agentic customer support, first on the Scaffolding board.
    app.press("3");
    let pid = app.current_pilot().unwrap();
    let open_before: Vec<_> = app
        .store()
        .checklist(pid)
        .unwrap()
        .into_iter()
        .filter(|i| i.phase == Phase::Scaffolding && i.state.is_open())
        .collect();
    app.press("W");
    assert_eq!(app.mode(), Mode::Workshop);
    app.press("d a");
    // Not applicable asks for the reason, then moves on.
    assert_eq!(app.mode(), Mode::Editor);
    app.type_text("Covered by the hospital's existing fallback rota");
    app.press("ctrl-s");
    assert_eq!(app.mode(), Mode::Workshop);
    app.press("s n");
    let items = app.store().checklist(pid).unwrap();
    let state = |id: i64| items.iter().find(|i| i.id == id).unwrap().state;
    assert_eq!(state(open_before[0].id), ItemState::Done);
    assert_eq!(state(open_before[1].id), ItemState::Na);
    assert_eq!(state(open_before[2].id), open_before[2].state, "skip leaves it");
    assert!(state(open_before[3].id).is_open(), "not yet keeps it open");
    // Owner and note inline.
    app.press("o");
    assert_eq!(app.mode(), Mode::Picker);
    app.type_text("hiro");
    app.press("enter");
    assert_eq!(app.mode(), Mode::Workshop);
    app.press("e");
    app.type_text("Runbook in review");
    app.press("ctrl-s");
    let item = app.store().item(open_before[4].id).unwrap();
    assert_eq!(item.owner.as_deref(), Some("Hiro Tanaka"));
    assert_eq!(item.note, "Runbook in review");
    app.press("esc");
    assert_eq!(app.mode(), Mode::Summary);
    let out = render(&app, 100, 40);
    assert!(
        out.contains("REVIEW FINISHED") && out.contains("Scaffolding gate: ✗ Not ready"),
        "{out}"
    );
    app.press("D");
    assert_eq!(app.mode(), Mode::Form);
}

#[test]
fn move_between_phases_backwards_asks_first() {
    let mut app = demo_app();
    app.press("3");
    let pid = app.current_pilot().unwrap();
    app.press("]");
    assert_eq!(app.store().pilot(pid).unwrap().phase, Phase::Hardening);
    app.press("4");
    app.update(lastmile::ui::Action::Top);
    // Find the moved pilot on the hardening board.
    while app.current_pilot() != Some(pid) {
        app.press("j");
    }
    app.press("[");
    assert_eq!(app.mode(), Mode::Confirm);
    app.press("y");
    assert_eq!(app.store().pilot(pid).unwrap().phase, Phase::Scaffolding);
}

#[test]
fn why_not_ready_jumps_to_the_fix() {
    let mut app = demo_app();
    app.press("w");
    assert_eq!(app.mode(), Mode::Why);
    // The first demo pilot (Agentic customer support, in Scaffolding):
    // its gate's first criterion is its open gating items; Enter goes to
    // the first of them on its board.
    let out = render(&app, 100, 40);
    assert!(out.contains("Scaffolding gate: ✗ Not ready"), "{out}");
    app.press("enter");
    assert_eq!(app.mode(), Mode::Checklist);
    assert!(matches!(app.screen(), Screen::Board(_)));
    app.press("esc");
    // A dimension line opens the score form.
    app.press("w");
    let out = render(&app, 100, 40);
    let first = out
        .lines()
        .position(|l| l.contains("Gating items of"))
        .expect("first line");
    let row = out
        .lines()
        .position(|l| l.contains("Governance scaffolding is red"))
        .expect("red dimension line");
    for _ in 0..(row - first) {
        app.press("j");
    }
    app.press("enter");
    assert_eq!(app.mode(), Mode::Form);
}

#[test]
fn attention_lines_jump_to_their_place() {
    let mut app = demo_app();
    app.press("6");
    let out = render(&app, 120, 40);
    assert!(out.contains("Overdue checklist items"), "{out}");
    assert!(out.contains("missing owners"), "{out}");
    let all = render(&app, 120, 200);
    assert!(
        all.contains("Pilots missing owners") && all.contains("Due within 7 days"),
        "{all}"
    );
    // The benefits chatbot's defer is due for review, and comes first.
    assert!(all.contains("Deferred pilots due for review"), "{all}");
    let review = all
        .lines()
        .position(|l| l.contains("Benefits eligibility") && l.contains("review 2026-"))
        .unwrap_or_else(|| panic!("review line: {all}"));
    let overdue = all.lines().position(|l| l.contains("Overdue checklist items")).unwrap();
    assert!(review < overdue, "{all}");
    // Stopped pilots and pilots in production have left the gates: no
    // items, owners or scores to chase (their decisions are still to tell).
    for gone in ["AML alert triage", "IT service desk copilot"] {
        let chased = all
            .lines()
            .any(|l| l.contains(gone) && !l.contains("tell the business"));
        assert!(!chased, "{gone} is out of the gates: {all}");
    }
    // Enter on the review opens the pilot.
    app.press("enter");
    assert_eq!(app.mode(), Mode::Detail);
    app.press("esc 6 down enter");
    assert_eq!(app.mode(), Mode::Checklist);
}

#[test]
fn add_pilot_form_validates_in_place() {
    let mut app = demo_app();
    app.press("n ctrl-s");
    assert!(render(&app, 100, 30).contains("the pilot name is empty"));
    app.type_text("Claims triage");
    app.press("tab");
    app.type_text("Claims");
    app.press("ctrl-s");
    assert_eq!(app.layers(), 0);
    let p = app.store().find_pilot("Claims triage").unwrap();
    assert_eq!(p.business_unit, "Claims");
    assert_eq!(app.current_pilot(), Some(p.id), "the new pilot is selected");
    assert_eq!(
        app.store().checklist(p.id).unwrap().len(),
        Playbook::builtin().items().len()
    );
    // A duplicate name is refused under the name field.
    app.press("n");
    app.type_text("claims TRIAGE");
    app.press("ctrl-s");
    assert!(render(&app, 100, 30).contains("already exists"));
}

#[test]
fn metrics_add_and_record_a_value() {
    let mut app = demo_app();
    app.press("4 m");
    app.press("tab");
    app.type_text("Hand-off rate");
    app.press("tab");
    app.type_text("%");
    app.press("tab tab tab");
    app.type_text("30");
    app.press("tab");
    app.type_text("20");
    app.press("ctrl-s");
    assert_eq!(
        app.mode(),
        Mode::Form,
        "target below minimum with higher-is-better is refused"
    );
    app.press("shift-tab shift-tab shift-tab space ctrl-s");
    assert_eq!(app.layers(), 0, "{:?}", app.message());
    let pid = app.current_pilot().unwrap();
    let m = app
        .store()
        .metrics(pid)
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Hand-off rate")
        .unwrap();
    assert!(!m.higher_is_better);
    app.press("M");
    assert_eq!(app.mode(), Mode::Menu);
    let idx = app
        .store()
        .metrics(pid)
        .unwrap()
        .iter()
        .position(|x| x.id == m.id)
        .unwrap();
    for _ in 0..idx {
        app.press("j");
    }
    app.press("enter");
    app.press("ctrl-u");
    app.type_text("25");
    app.press("enter");
    assert_eq!(
        app.store()
            .metrics(pid)
            .unwrap()
            .into_iter()
            .find(|x| x.id == m.id)
            .unwrap()
            .current,
        Some(25.0)
    );
}

#[test]
fn export_the_decision_log_to_a_named_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.md");
    let mut app = demo_app();
    app.press("5 x");
    assert_eq!(app.mode(), Mode::Prompt);
    app.press("ctrl-u");
    app.type_text(path.to_str().unwrap());
    app.press("enter");
    assert_eq!(app.layers(), 0, "{:?}", app.message());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("Decision log"), "{text}");
    assert!(app.message().unwrap().contains("log.md"), "{:?}", app.message());
}

#[test]
fn empty_database_loads_the_demo_with_one_key() {
    let mut app = empty_app();
    app.press("L");
    assert!(app.message().unwrap().contains("demo loaded"), "{:?}", app.message());
    assert_eq!(app.store().pilot_names().unwrap().len(), 11);
    assert_eq!(app.day(), 45);
}

#[test]
fn a_refused_edit_shows_the_conflict_and_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    demo_file(&db);
    let mut app = file_app(&db, "Elena Petrova");
    app.press("3 enter");
    let item = first_open_item(&app, Phase::Scaffolding);
    // Someone else changes the item in another terminal.
    let mut other = Store::open(&db, OpenMode::Existing, "Omar").unwrap();
    other
        .write(|tx| tx.set_item_state(item.id, item.revision, ItemState::Blocked))
        .unwrap();
    app.press("d");
    let msg = app.message().unwrap().to_string();
    assert!(msg.contains("Omar") && msg.contains("not saved"), "{msg}");
    assert_eq!(app.store().item(item.id).unwrap().state, ItemState::Blocked);
    // After the reload the same key applies.
    app.press("d");
    assert_eq!(app.store().item(item.id).unwrap().state, ItemState::Done);
}

#[test]
fn another_program_changes_are_picked_up_keeping_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    demo_file(&db);
    let mut app = file_app(&db, "Elena Petrova");
    app.press("j j");
    let selected = app.current_pilot();
    assert!(!app.poll_changes(), "nothing changed yet");
    let mut other = Store::open(&db, OpenMode::Existing, "Omar").unwrap();
    let items = Playbook::builtin().items();
    other
        .write(|tx| {
            tx.add_pilot(
                &PilotFields {
                    name: "Aardvark pilot".into(),
                    ..Default::default()
                },
                &items,
            )
        })
        .unwrap();
    assert!(app.poll_changes());
    assert_eq!(app.current_pilot(), selected, "selection kept by pilot id");
    assert!(render(&app, 100, 30).contains("Aardvark pilot"));
}

#[test]
fn mouse_clicks_select_rows_and_tabs() {
    use crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut app = demo_app();
    let click = |col, row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: col,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    render(&app, 100, 30);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    app.handle_event(&click(5, 5)); // third pilot row
    let third = app.store().pilot_names().unwrap()[2].0;
    assert_eq!(app.current_pilot(), Some(third));
    t.draw(|f| app.draw(f)).unwrap();
    app.handle_event(&click(5, 5)); // again: open
    assert_eq!(app.screen(), Screen::Detail);
    t.draw(|f| app.draw(f)).unwrap();
    app.handle_event(&click(40, 0)); // a tab
    assert!(matches!(app.screen(), Screen::Board(_)), "{:?}", app.screen());
}

#[test]
fn quit_and_help_keys() {
    let mut app = demo_app();
    app.press("?");
    assert_eq!(app.mode(), Mode::Help);
    app.press("esc");
    assert_eq!(app.mode(), Mode::Portfolio);
    app.press("tab");
    assert_eq!(app.screen(), Screen::Board(Phase::Assessment));
    app.press("shift-tab shift-tab");
    assert_eq!(app.screen(), Screen::Attention);
    app.press("q");
    assert!(app.should_quit());
}

#[test]
fn whole_flow_runs_through_the_generic_loop() {
    use lastmile::ui::keymap::Key;
    let mut app = demo_app();
    let keys = ["3", "enter", "d", "q"].map(|k| crossterm::event::Event::Key(Key::parse(k).unwrap().to_event()));
    let mut events = lastmile::ui::ScriptedEvents::new(keys);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    lastmile::ui::run_loop(&mut t, &mut app, &mut events).unwrap();
    assert!(app.should_quit());
    assert!(app.message().unwrap().starts_with("[x]"), "{:?}", app.message());
}

#[test]
fn import_pilots_from_a_csv_file() {
    let mut app = empty_app();
    app.press("I");
    assert_eq!(app.mode(), Mode::Prompt);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import/inventory.csv");
    app.type_text(path);
    app.press("enter");
    assert_eq!(app.layers(), 0, "{}", render(&app, 120, 30));
    let msg = app.message().unwrap().to_string();
    assert!(msg.contains("imported inventory.csv") && msg.contains("added"), "{msg}");
    assert!(app.store().find_pilot("Claims triage").is_ok());
    assert!(render(&app, 100, 30).contains("Claims triage"));
    // A missing file keeps the prompt open with the reason.
    app.press("I");
    app.type_text("/nonexistent/file.csv");
    app.press("enter");
    assert_eq!(app.mode(), Mode::Prompt);
}

/// A workbench left open past midnight moves on to the new day at its next
/// poll: the programme day, and with it overdue items and verdicts.
#[test]
fn a_new_day_is_picked_up_by_the_next_poll() {
    let mut app = demo_app();
    let day = app.day();
    assert!(!app.poll_changes(), "nothing changed yet");
    app.set_clock(lastmile::clock::Clock::fixed(today() + chrono::Duration::days(1)));
    assert!(app.poll_changes(), "the new day reloads");
    assert_eq!(app.day(), day + 1);
    assert!(render(&app, 100, 30).contains(&format!("Day {} of 90", day + 1)));
}
