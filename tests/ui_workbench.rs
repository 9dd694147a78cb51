//! The workbench a lead lives in for days (issue 11): undo that stays on
//! the pilot in view, work that is never lost without asking, text laid
//! out rather than cut. Each test here failed before its fix.

mod ui_support;

use lastmile::domain::model::{ItemState, Phase, Role};
use lastmile::ui::Mode;
use ui_support::{demo_app, render};

fn owner_of(app: &lastmile::ui::App, pilot: i64, role: Role) -> Option<String> {
    app.store()
        .owners(pilot)
        .unwrap()
        .into_iter()
        .find(|o| o.role == role)
        .map(|o| o.person)
}

#[test]
fn undo_never_reaches_a_pilot_off_screen_without_saying_so() {
    let mut app = demo_app();
    let first = app.current_pilot().unwrap();
    let before = owner_of(&app, first, Role::Platform);
    // Name a platform owner on the first pilot.
    app.press("o enter");
    app.type_text("Zoe Kim");
    app.press("enter");
    assert_eq!(owner_of(&app, first, Role::Platform).as_deref(), Some("Zoe Kim"));
    // Move to another pilot and press u: the first pilot's owner stays,
    // the workbench goes to the pilot the undo is for and says so.
    app.press("j");
    let second = app.current_pilot().unwrap();
    assert_ne!(first, second);
    app.press("u");
    assert_eq!(
        owner_of(&app, first, Role::Platform).as_deref(),
        Some("Zoe Kim"),
        "u must not undo a change on a pilot that is not on screen"
    );
    assert_eq!(
        app.current_pilot(),
        Some(first),
        "u goes to the pilot it would undo: {:?}",
        app.message()
    );
    let name = app.store().pilot(first).unwrap().name;
    let msg = app.message().unwrap().to_string();
    assert!(msg.contains(&name) && msg.contains("u again"), "{msg}");
    // Now on screen: u undoes it and names the pilot.
    app.press("u");
    assert_eq!(owner_of(&app, first, Role::Platform), before);
    let msg = app.message().unwrap().to_string();
    assert!(msg.contains("undone") && msg.contains(&name), "{msg}");
}

#[test]
fn undo_prefers_the_change_on_the_pilot_in_view() {
    let mut app = demo_app();
    let first = app.current_pilot().unwrap();
    app.press("o enter");
    app.type_text("Zoe Kim");
    app.press("enter");
    app.press("j");
    let second = app.current_pilot().unwrap();
    let before = owner_of(&app, second, Role::Platform);
    app.press("o enter");
    app.type_text("Ian Wu");
    app.press("enter");
    // Back on the first pilot: u undoes the first pilot's change, though
    // the second pilot's is newer.
    app.press("k u");
    assert_eq!(app.current_pilot(), Some(first));
    assert_ne!(owner_of(&app, first, Role::Platform).as_deref(), Some("Zoe Kim"));
    assert_eq!(owner_of(&app, second, Role::Platform).as_deref(), Some("Ian Wu"));
    app.press("j u");
    assert_eq!(owner_of(&app, second, Role::Platform), before);
}

#[test]
fn undo_says_what_the_item_went_back_to() {
    let mut app = demo_app();
    app.press("3 enter");
    let pid = app.current_pilot().unwrap();
    let item = app
        .store()
        .checklist(pid)
        .unwrap()
        .into_iter()
        .find(|i| i.phase == Phase::Scaffolding && i.state == ItemState::Todo)
        .expect("a to-do item");
    // Select it, mark it done, undo.
    while app.selected_item() != Some(item.id) {
        app.press("j");
    }
    app.press("d u");
    assert_eq!(app.store().item(item.id).unwrap().state, ItemState::Todo);
    let msg = app.message().unwrap().to_string();
    assert!(msg.contains("To do") && !msg.contains("Done"), "{msg}");
}

#[test]
fn undo_of_a_score_names_the_dimension_scored() {
    let mut app = demo_app();
    let pid = app.current_pilot().unwrap();
    let before = app.store().current_answers(pid, "readiness").unwrap();
    // The score form opens on the rating; its first field is the dimension.
    app.press("s");
    assert_eq!(app.mode(), Mode::Form);
    app.press("shift-tab i");
    let out = render(&app, 100, 30);
    assert!(out.contains("Integration architecture"), "{out}");
    app.press("tab g tab");
    app.type_text("Adapters tested against the CRM sandbox");
    app.press("ctrl-s");
    assert_eq!(app.mode(), Mode::Portfolio, "{:?}", app.message());
    let now = app.store().current_answers(pid, "readiness").unwrap();
    assert_eq!(now["integration"].answer, "green");
    app.press("u");
    let msg = app.message().unwrap().to_string();
    assert!(
        msg.contains("Integration architecture") && !msg.contains("operational readiness score"),
        "{msg}"
    );
    let after = app.store().current_answers(pid, "readiness").unwrap();
    assert_eq!(
        after.get("integration").map(|a| a.answer.clone()),
        before.get("integration").map(|a| a.answer.clone())
    );
}

#[test]
fn a_score_the_store_refuses_keeps_the_form_and_its_rationale() {
    let mut app = demo_app();
    let pid = app.current_pilot().unwrap();
    let before = app.store().current_answers(pid, "readiness").unwrap();
    app.press("s g tab");
    // Longer than the store accepts: the form is valid, the store says no.
    let long = "evidence ".repeat(2_300);
    app.type_text(&long);
    app.press("ctrl-s");
    assert_eq!(app.mode(), Mode::Form, "the form stays open: {:?}", app.message());
    let out = render(&app, 120, 40);
    assert!(
        out.contains("characters long"),
        "the reason is shown in the form:\n{out}"
    );
    assert!(
        out.contains("evidence evidence"),
        "the typed rationale is still there:\n{out}"
    );
    assert_eq!(app.store().current_answers(pid, "readiness").unwrap(), before);
    // Shortened, the same form saves.
    for _ in 0..(long.len() - 40) {
        app.press("backspace");
    }
    app.press("ctrl-s");
    assert_eq!(app.mode(), Mode::Portfolio, "{:?}", render(&app, 120, 40));
}

#[test]
fn ctrl_c_with_a_half_written_form_asks_first() {
    let mut app = demo_app();
    app.press("n");
    assert_eq!(app.mode(), Mode::Form);
    app.type_text("Claims triage");
    app.press("ctrl-c");
    assert!(!app.should_quit(), "typed text is not thrown away without asking");
    assert_eq!(app.mode(), Mode::Confirm);
    assert!(render(&app, 100, 30).contains("not saved"));
    app.press("n");
    assert_eq!(app.mode(), Mode::Form, "no goes back to the form");
    app.press("ctrl-c y");
    assert!(app.should_quit());
    // An untouched form quits at once.
    let mut app = demo_app();
    app.press("n ctrl-c");
    assert!(app.should_quit());
}

#[test]
fn export_over_an_existing_file_asks_and_the_prompt_names_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.md");
    std::fs::write(&path, "my own notes").unwrap();
    let mut app = demo_app();
    app.press("5 x");
    let cwd = std::env::current_dir().unwrap();
    let out = render(&app, 160, 30);
    let folder = cwd.display().to_string();
    assert!(
        out.contains(&folder[..folder.len().min(40)]),
        "the prompt shows where a bare name goes:\n{out}"
    );
    app.press("ctrl-u");
    app.type_text(path.to_str().unwrap());
    app.press("enter");
    assert_eq!(app.mode(), Mode::Confirm, "an existing file is not replaced silently");
    app.press("n");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my own notes");
    assert_eq!(app.mode(), Mode::Prompt, "no goes back to the file name");
    app.press("enter y");
    assert_eq!(app.layers(), 0, "{:?}", app.message());
    assert!(std::fs::read_to_string(&path).unwrap().contains("Decision log"));
}

#[test]
fn a_conflicting_pilot_edit_keeps_yours_and_shows_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ui_support::demo_file(&db);
    let mut app = ui_support::file_app(&db, "Elena Petrova");
    let pid = app.current_pilot().unwrap();
    let p = app.store().pilot(pid).unwrap();
    app.press("e");
    assert_eq!(app.mode(), Mode::Form);
    // Someone else renames the pilot meanwhile.
    let mut other = lastmile::store::Store::open(&db, lastmile::store::OpenMode::Existing, "Omar").unwrap();
    let mut theirs = p.fields();
    theirs.business_unit = "Their unit".into();
    other.write(|tx| tx.update_pilot(pid, p.revision, &theirs)).unwrap();
    // Ours: a new name.
    app.press("ctrl-u");
    app.type_text("Our new name");
    app.press("ctrl-s");
    assert_eq!(app.mode(), Mode::Form, "the form stays with our text");
    let out = render(&app, 160, 48);
    assert!(
        out.contains("Omar") && out.contains("Their unit"),
        "theirs is shown:\n{out}"
    );
    assert!(out.contains("Our new name"), "ours is kept:\n{out}");
    assert!(out.contains("Esc discards"), "the message is shown to its end:\n{out}");
    // Saving again writes ours on purpose, over theirs.
    app.press("ctrl-s");
    assert_eq!(app.mode(), Mode::Portfolio, "{:?}", app.message());
    assert_eq!(app.store().pilot(pid).unwrap().name, "Our new name");
}

#[test]
fn i_opens_the_detail_from_the_portfolio() {
    let mut app = demo_app();
    let pid = app.current_pilot().unwrap();
    app.press("i");
    assert_eq!(app.screen(), lastmile::ui::Screen::Detail);
    assert_eq!(app.current_pilot(), Some(pid));
}

#[test]
fn g_and_end_reach_the_ends_of_help_and_why() {
    let mut app = demo_app();
    app.press("?");
    let top = render(&app, 100, 24);
    app.press("G");
    let bottom = render(&app, 100, 24);
    assert_ne!(top, bottom, "G scrolls help to its end");
    // The last help line is the last binding of the last section.
    assert!(bottom.contains("reload from the database file"), "{bottom}");
    app.press("k");
    assert_ne!(render(&app, 100, 24), bottom, "k moves up from the end at once");
    app.press("g");
    assert_eq!(render(&app, 100, 24), top);
    app.press("esc w");
    assert_eq!(app.mode(), Mode::Why);
    app.press("end");
    let at_end = render(&app, 100, 30);
    app.press("home");
    assert_ne!(render(&app, 100, 30), at_end, "home and end move the why selection");
}

#[test]
fn k_from_the_end_of_the_detail_moves_up_at_once() {
    let mut app = demo_app();
    app.press("i");
    let top = render(&app, 100, 24);
    app.press("G");
    let bottom = render(&app, 100, 24);
    assert_ne!(top, bottom, "G scrolls the detail to its end");
    app.press("k");
    assert_ne!(render(&app, 100, 24), bottom, "k moves up from the end at once");
    app.press("j j j");
    assert_eq!(render(&app, 100, 24), bottom, "never past the end");
}

#[test]
fn g_reaches_the_oldest_history_line_of_every_pilot_at_80_columns() {
    let mut app = demo_app();
    let n = app
        .store()
        .portfolio(&lastmile::playbook::Playbook::builtin(), 45)
        .unwrap()
        .len();
    for i in 0..n {
        app.press("1 g");
        for _ in 0..i {
            app.press("j");
        }
        app.press("i G");
        let end = render(&app, 80, 24);
        assert!(
            end.contains("pilot created"),
            "pilot {i}: the end of its history is reachable:\n{end}"
        );
    }
}

#[test]
fn sorting_by_sector_is_alphabetical() {
    let mut app = demo_app();
    // Name, then sector.
    app.press("S");
    let out = render(&app, 160, 30);
    let order: Vec<&str> = ["Enterprise tech", "Financial services", "Government", "Healthcare"]
        .into_iter()
        .filter(|s| out.contains(s))
        .collect();
    let mut firsts: Vec<usize> = order.iter().map(|s| out.find(s).unwrap()).collect();
    let sorted = {
        let mut v = firsts.clone();
        v.sort();
        v
    };
    assert!(out.contains("Sector▲"), "{out}");
    assert_eq!(firsts, sorted, "sectors read A to Z:\n{out}");
    firsts.clear();
}

#[test]
fn the_decision_log_numbers_its_rows_and_defer_reads_as_a_word() {
    let mut app = demo_app();
    app.press("5");
    let out = render(&app, 120, 36);
    let head = out.lines().nth(1).unwrap();
    assert!(head.trim_start().starts_with('#'), "a # column heads the log: {head}");
    // The row a "superseded by #9" points at is findable by its number.
    assert!(out.contains("superseded by #9"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("9 ") && l.contains("IT service desk copilot")),
        "{out}"
    );
    assert!(!out.contains("… Defer"), "Defer is not drawn as an ellipsis:\n{out}");
    assert!(out.contains("Defer"), "{out}");
}

#[test]
fn the_audit_history_speaks_in_words_not_column_names() {
    let mut app = demo_app();
    app.press("enter");
    // Scroll the detail to its end, where the history is.
    app.press("G");
    let out = render(&app, 160, 200);
    assert!(out.contains("History (audit trail"), "{out}");
    assert!(!out.contains("owner_id"), "{out}");
    assert!(!out.contains("readiness.governance"), "{out}");
}

#[test]
fn the_workshop_bar_fills_as_items_close_and_w_says_where_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ui_support::demo_file(&db);
    let mut app = ui_support::file_app(&db, "Elena Petrova");
    app.press("3");
    let pid = app.current_pilot().unwrap();
    let open: Vec<_> = app
        .store()
        .checklist(pid)
        .unwrap()
        .into_iter()
        .filter(|i| i.phase == Phase::Scaffolding && i.state.is_open())
        .collect();
    assert!(!open.is_empty());
    // W on a part-done checklist says it starts at the first open item.
    app.press("W");
    let msg = app.message().unwrap_or_default().to_string();
    assert!(msg.contains("first open item"), "W says where it starts: {msg:?}");
    app.press("esc esc");
    // Another terminal closes every item; the bar then reads full.
    let mut other = lastmile::store::Store::open(&db, lastmile::store::OpenMode::Existing, "Scribe").unwrap();
    other
        .write(|tx| {
            for i in &open {
                tx.set_item_state(i.id, i.revision, ItemState::Done)?;
            }
            Ok(())
        })
        .unwrap();
    app.poll_changes();
    app.press("W");
    assert_eq!(app.mode(), Mode::Workshop);
    let theme_free = {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
        t.draw(|f| app.draw(f)).unwrap();
        t.backend().buffer().clone()
    };
    // The gauge row: every cell of the bar is filled (the full block or
    // the label over it), none is left as empty track.
    let text = ui_support::buffer_text(&theme_free);
    let row = text
        .lines()
        .position(|l| l.contains("closed"))
        .expect("a progress line");
    let line = text.lines().nth(row).unwrap();
    assert!(
        line.contains(&format!(
            "{n} of {n} closed",
            n = app
                .store()
                .checklist(pid)
                .unwrap()
                .iter()
                .filter(|i| i.phase == Phase::Scaffolding)
                .count()
        )),
        "{line}"
    );
    assert!(line.contains('█'), "a full bar: {line}");
    let _ = Role::Product;
}

/// Name a platform owner on the selected pilot, then move down one row.
fn assign_then_move(app: &mut lastmile::ui::App, who: &str) {
    app.press("o enter");
    app.type_text(who);
    app.press("enter j");
}

#[test]
fn a_long_message_is_shown_in_full_above_the_key_hints() {
    let mut app = demo_app();
    assign_then_move(&mut app, "Zoe Kim");
    app.press("u");
    let out = render(&app, 80, 24);
    let msg = app.message().unwrap().to_string();
    assert!(msg.len() > 80, "the message needs two rows: {msg}");
    let flat: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Press u again to undo it"), "the whole message:\n{out}");
    assert!(out.contains("? help"), "the key hints stay:\n{out}");
}

#[test]
fn a_message_does_not_follow_the_user_to_another_screen() {
    let mut app = demo_app();
    assign_then_move(&mut app, "Zoe Kim");
    assert!(app.message().is_some());
    app.press("2");
    assert_eq!(app.message(), None, "the message was about the portfolio");
}

#[test]
fn the_message_log_keeps_every_message_for_rereading() {
    let mut app = demo_app();
    assign_then_move(&mut app, "Zoe Kim");
    app.press("2 1");
    assert_eq!(app.message(), None);
    app.press("@");
    let out = render(&app, 120, 36);
    assert!(out.contains("Messages"), "{out}");
    assert!(out.contains("Platform owner: Zoe Kim"), "{out}");
    app.press("esc");
    assert_eq!(app.layers(), 0);
}

#[test]
fn the_history_view_lists_your_changes_and_other_peoples() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ui_support::demo_file(&db);
    let mut app = ui_support::file_app(&db, "Elena Petrova");
    let first = app.store().pilot(app.current_pilot().unwrap()).unwrap().name;
    assign_then_move(&mut app, "Zoe Kim");
    // Another terminal marks an item done.
    let second = app.current_pilot().unwrap();
    let item = app
        .store()
        .checklist(second)
        .unwrap()
        .into_iter()
        .find(|i| i.state.is_open())
        .unwrap();
    let mut other = lastmile::store::Store::open(&db, lastmile::store::OpenMode::Existing, "Scribe").unwrap();
    other
        .write(|tx| tx.set_item_state(item.id, item.revision, ItemState::Done))
        .unwrap();
    app.poll_changes();
    app.press("U");
    let out = render(&app, 160, 40);
    assert!(out.contains("Recent changes"), "{out}");
    assert!(
        out.contains(&first) && out.contains("Platform owner: Zoe Kim"),
        "yours, with the pilot:\n{out}"
    );
    assert!(out.contains("Scribe"), "others' from the audit trail:\n{out}");
    // Enter goes to the pilot of the selected change.
    app.press("enter");
    assert_eq!(app.layers(), 0);
    assert!(app.current_pilot().is_some());
}

#[test]
fn another_terminals_change_is_announced_not_just_redrawn() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ui_support::demo_file(&db);
    let mut app = ui_support::file_app(&db, "Elena Petrova");
    let pid = app.current_pilot().unwrap();
    let item = app
        .store()
        .checklist(pid)
        .unwrap()
        .into_iter()
        .find(|i| i.state.is_open())
        .unwrap();
    let mut other = lastmile::store::Store::open(&db, lastmile::store::OpenMode::Existing, "Scribe").unwrap();
    other
        .write(|tx| tx.set_item_state(item.id, item.revision, ItemState::Done))
        .unwrap();
    assert!(app.poll_changes());
    let msg = app.message().unwrap_or_default().to_string();
    let start: String = item.text.chars().take(20).collect();
    assert!(
        msg.contains("Scribe") && msg.contains("Done") && msg.contains(&start),
        "{msg:?}"
    );
    // Several changes at once are counted, with where to read them.
    let items: Vec<_> = app
        .store()
        .checklist(pid)
        .unwrap()
        .into_iter()
        .filter(|i| i.state == ItemState::Todo)
        .take(3)
        .collect();
    other
        .write(|tx| {
            for i in &items {
                tx.set_item_state(i.id, i.revision, ItemState::Doing)?;
            }
            Ok(())
        })
        .unwrap();
    assert!(app.poll_changes());
    let msg = app.message().unwrap_or_default().to_string();
    assert!(
        msg.contains("Scribe") && msg.contains("3 changes") && msg.contains('U'),
        "{msg:?}"
    );
}

#[test]
fn the_filter_finds_what_was_typed_not_scattered_letters() {
    let mut app = demo_app();
    let rows = app
        .store()
        .portfolio(&lastmile::playbook::Playbook::builtin(), 45)
        .unwrap();
    let holding = |q: &str| -> usize {
        rows.iter()
            .filter(|r| lastmile::ui::data::haystack(r).to_lowercase().contains(q))
            .count()
    };
    app.press("/");
    app.type_text("clin");
    let out = render(&app, 160, 30);
    let n = holding("clin");
    assert!(
        out.contains(&format!("{n} of 11 pilots")),
        "only the {n} rows holding 'clin':\n{out}"
    );
    assert!(n < 8, "{out}");
    // An owner's full name finds that owner's pilots.
    app.press("esc");
    let owner = "Grace Liu";
    let owns = rows
        .iter()
        .filter(|r| r.owners.iter().flatten().any(|o| &**o == owner))
        .count();
    app.press("/");
    app.type_text(owner);
    let out = render(&app, 160, 30);
    assert!(
        out.contains(&format!("{owns} of 11 pilots")),
        "{owner} owns {owns}:\n{out}"
    );
    assert!(owns >= 2, "the demo's {owner} owns several pilots");
}

#[test]
fn a_wide_portfolio_shows_units_in_full_and_the_selected_next_due_item_whole() {
    let app = demo_app();
    let out = render(&app, 160, 48);
    let rows = app
        .store()
        .portfolio(&lastmile::playbook::Playbook::builtin(), 45)
        .unwrap();
    for r in &rows {
        assert!(out.contains(&r.business_unit), "{} is cut:\n{out}", r.business_unit);
        assert!(out.contains(&r.name), "{} is cut:\n{out}", r.name);
    }
    let sel = app.current_pilot().unwrap();
    let r = rows.iter().find(|r| r.id == sel).unwrap();
    let (_, text) = r.next_due.as_ref().unwrap();
    let flat: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(text.as_str()),
        "the selected pilot's next due item in full:\n{out}"
    );
}

#[test]
fn the_scoring_guide_is_shown_to_its_last_word() {
    let mut app = demo_app();
    app.press("3 enter s y");
    for (w, h) in [(120, 36), (80, 24), (160, 48)] {
        let out = render(&app, w, h);
        let flat: String = out
            .lines()
            .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            flat.contains("or human checkpoints incomplete"),
            "the yellow guide ends 'incomplete' at {w}x{h}:\n{out}"
        );
    }
}

#[test]
fn a_long_item_title_is_shown_whole_for_the_selected_item() {
    let mut app = demo_app();
    app.press("3 enter");
    let pid = app.current_pilot().unwrap();
    let long = app
        .store()
        .checklist(pid)
        .unwrap()
        .into_iter()
        .find(|i| i.phase == Phase::Scaffolding && i.text.chars().count() > 80)
        .expect("a long item");
    while app.selected_item() != Some(long.id) {
        app.press("j");
    }
    let out = render(&app, 120, 36);
    let flat: String = out
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains(&long.text), "{:?} in full:\n{out}", long.text);
}

#[test]
fn switching_boards_keeps_the_pilot_and_starts_on_the_pilots_pane() {
    let mut app = demo_app();
    // Select a scaffolding pilot that is not the board's first.
    let rows = app
        .store()
        .portfolio(&lastmile::playbook::Playbook::builtin(), 45)
        .unwrap();
    let scaffolding: Vec<_> = rows.iter().filter(|r| r.phase == Phase::Scaffolding).collect();
    let want = scaffolding.last().unwrap();
    while app.current_pilot() != Some(want.id) {
        app.press("j");
    }
    app.press("3");
    assert_eq!(
        app.board_pilot(Phase::Scaffolding),
        Some(want.id),
        "the pilot selected stays selected"
    );
    // Into the checklist, away and back: the pilots pane has the focus again.
    app.press("enter");
    assert_eq!(app.mode(), Mode::Checklist);
    app.press("4 3");
    assert_eq!(app.mode(), Mode::Board, "a board is entered on its pilots pane");
    assert_eq!(app.board_pilot(Phase::Scaffolding), Some(want.id));
}

#[test]
fn the_decision_log_and_attention_filter_and_attention_groups() {
    let mut app = demo_app();
    app.press("5 /");
    app.type_text("defer");
    let out = render(&app, 120, 36);
    assert!(out.contains("2 of 16 decisions"), "{out}");
    let rows: Vec<&str> = out.lines().filter(|l| l.contains("2026-0")).collect();
    assert!(rows.iter().all(|l| l.contains("Defer")), "{out}");
    app.press("enter esc");
    assert!(
        render(&app, 120, 36).contains("Clinical documentation"),
        "Esc clears the filter"
    );
    // Attention: filter by a pilot, then group by owner.
    app.press("6");
    let all = render(&app, 160, 60);
    app.press("/");
    app.type_text("federal");
    let out = render(&app, 160, 60);
    assert!(out.contains("of") && out.contains("lines"), "{out}");
    let listed: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  ") && !l.trim().is_empty())
        .collect();
    assert!(
        !listed.is_empty() && listed.iter().all(|l| l.contains("Federal records review")),
        "{out}"
    );
    assert_ne!(out, all);
    app.press("esc");
    app.press("v v");
    let out = render(&app, 160, 60);
    assert!(
        app.message().unwrap_or_default().contains("by owner"),
        "{:?}",
        app.message()
    );
    assert!(
        out.contains("No owner named ("),
        "lines nobody owns are grouped:\n{out}"
    );
    assert!(out.contains("Grace Liu ("), "an owner's heading:\n{out}");
}

#[test]
fn the_workbench_asks_who_you_are_and_remembers_it() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("conf").join("config.toml");
    let store = lastmile::store::Store::open_in_memory_with_clock("unknown", ui_support::clock()).unwrap();
    let mut config = ui_support::config();
    config.path = Some(cfg.clone());
    let mut app = lastmile::ui::App::new(store, lastmile::playbook::Playbook::builtin(), config).unwrap();
    app.ask_name();
    assert_eq!(app.mode(), Mode::Prompt);
    assert!(render(&app, 100, 30).contains("Who are you?"));
    // An empty name is refused in place.
    app.press("enter");
    assert_eq!(app.mode(), Mode::Prompt);
    app.type_text("Zoe Kim");
    app.press("enter");
    assert_eq!(app.layers(), 0, "{:?}", app.message());
    assert_eq!(app.store().actor(), "Zoe Kim");
    let saved = lastmile::ui::config::Config::load_file(&cfg).unwrap();
    assert_eq!(saved.name.as_deref(), Some("Zoe Kim"));
    // The demo's own history keeps its people; the user's changes are theirs.
    app.press("L");
    app.press("o enter");
    app.type_text("Ian Wu");
    app.press("enter");
    let pid = app.current_pilot().unwrap();
    let ev = app.store().audit_events(Some(pid), 1).unwrap();
    assert_eq!(ev[0].actor, "Zoe Kim");
    assert!(app
        .store()
        .audit_events(None, 5000)
        .unwrap()
        .iter()
        .any(|e| e.actor == "Elena Petrova"));
}

#[test]
fn r_shows_the_lenses_of_the_phase_in_view_on_boards_and_in_the_workshop() {
    let mut app = demo_app();
    app.press("4 r");
    assert_eq!(app.mode(), Mode::Reference);
    let out = render(&app, 120, 40);
    assert!(
        out.contains("Reference: Hardening") && out.contains("Five production conditions"),
        "{out}"
    );
    assert!(!out.contains("Readiness questions"), "{out}");
    app.press("G");
    assert!(render(&app, 120, 20).contains("Reference"), "the end is reachable");
    app.press("esc 2 r");
    let out = render(&app, 120, 40);
    assert!(
        out.contains("Readiness questions") && !out.contains("Five production conditions"),
        "{out}"
    );
    // In the workshop review, r shows its phase's lenses, Esc goes back.
    app.press("esc 4 W r");
    assert_eq!(app.mode(), Mode::Reference);
    assert!(render(&app, 120, 40).contains("Twelve-item"));
    app.press("esc");
    assert_eq!(app.mode(), Mode::Workshop);
}

#[test]
fn the_selected_attention_line_is_shown_whole() {
    let mut app = demo_app();
    app.press("6 j");
    let out = render(&app, 80, 24);
    let flat: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // Every line's text is cut at 80 columns; the selected one is whole.
    let shown = out.lines().filter(|l| l.starts_with("  ") && l.contains('…')).count();
    assert!(shown > 0, "rows are cut at 80 columns:\n{out}");
    assert!(flat.contains("─ "), "a line in full under the list:\n{out}");
    let first_item_texts = [
        "Put the four owners in a recurring forum with a fixed cadence",
        "Agree a one-number scorecard with a baseline and a target",
    ];
    assert!(first_item_texts.iter().any(|t| flat.contains(t)), "{out}");
}

#[test]
fn two_changes_to_one_row_undo_one_after_the_other() {
    let mut app = demo_app();
    app.press("3 enter");
    let pid = app.current_pilot().unwrap();
    let item = app
        .store()
        .checklist(pid)
        .unwrap()
        .into_iter()
        .find(|i| i.phase == Phase::Scaffolding && i.state == ItemState::Todo)
        .unwrap();
    while app.selected_item() != Some(item.id) {
        app.press("j");
    }
    // To do -> Done -> Blocked, then undo both.
    app.press("d b");
    assert_eq!(app.store().item(item.id).unwrap().state, ItemState::Blocked);
    app.press("u");
    assert_eq!(
        app.store().item(item.id).unwrap().state,
        ItemState::Done,
        "{:?}",
        app.message()
    );
    app.press("u");
    assert_eq!(
        app.store().item(item.id).unwrap().state,
        ItemState::Todo,
        "{:?}",
        app.message()
    );
    // A pilot's phase moved and its fields edited: both undo in turn.
    let before = app.store().pilot(pid).unwrap();
    app.press("1");
    while app.current_pilot() != Some(pid) {
        app.press("j");
    }
    app.press("]");
    app.press("e");
    app.type_text(" (renamed)");
    app.press("ctrl-s");
    assert_ne!(app.store().pilot(pid).unwrap().name, before.name);
    app.press("u u");
    let now = app.store().pilot(pid).unwrap();
    assert_eq!(
        (now.name.as_str(), now.phase),
        (before.name.as_str(), before.phase),
        "{:?}",
        app.message()
    );
}

#[test]
fn undo_refuses_to_overwrite_someone_elses_later_change_and_moves_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ui_support::demo_file(&db);
    let mut app = ui_support::file_app(&db, "Elena Petrova");
    let pid = app.current_pilot().unwrap();
    app.press("o enter");
    app.type_text("Zoe Kim");
    app.press("enter");
    // Someone else names another platform owner meanwhile.
    let mut other = lastmile::store::Store::open(&db, lastmile::store::OpenMode::Existing, "Omar").unwrap();
    let dan = other.write(|tx| tx.add_person("Dan Ode", "")).unwrap();
    let seen = other
        .owners(pid)
        .unwrap()
        .into_iter()
        .find(|o| o.role == Role::Platform)
        .map(|o| o.revision);
    other
        .write(|tx| tx.assign_owner(pid, Role::Platform, dan, seen))
        .unwrap();
    app.poll_changes();
    app.press("u");
    assert_eq!(
        owner_of(&app, pid, Role::Platform).as_deref(),
        Some("Dan Ode"),
        "their change stays"
    );
    let msg = app.message().unwrap_or_default().to_string();
    assert!(msg.contains("cannot undo") && msg.contains("Omar"), "{msg}");
    // u goes on to the change before it (the person added).
    app.press("u");
    let msg = app.message().unwrap_or_default().to_string();
    assert!(msg.contains("added Zoe Kim"), "{msg}");
}

#[test]
fn a_long_confirmation_is_shown_to_its_last_word() {
    let mut app = demo_app();
    app.press("4 down D g tab tab tab");
    app.type_text("Targets met; gaps have named owners");
    app.press("tab enter");
    app.type_text("kofi");
    app.press("enter ctrl-s");
    assert_eq!(app.mode(), Mode::Confirm);
    for (w, h) in [(80, 24), (120, 36)] {
        let out = render(&app, w, h);
        assert!(
            out.contains("Record this decision?") && out.contains("superseded."),
            "the question to its last word at {w}x{h}:\n{out}"
        );
    }
}

#[test]
fn the_workbench_says_when_the_playbook_and_the_files_checklists_differ() {
    use lastmile::playbook::Playbook;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    ui_support::demo_file(&path);
    // The same playbook: nothing to say.
    let mut app = ui_support::file_app(&path, "Grace Liu");
    app.start_playbook_check();
    for _ in 0..500 {
        app.tick();
        if !app.playbook_check_pending() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(!app.playbook_check_pending(), "the check finished");
    assert!(!render(&app, 160, 40).contains("playbook sync"));
    // A playbook with one item more.
    let src = lastmile::playbook::DEFAULT_PLAYBOOK.replacen(
        "  { key = \"as-pick-three\"",
        "  { key = \"as-sponsor\", text = \"Name an executive sponsor\", due = 26, gate = false, hint = \"x\" },\n  { key = \"as-pick-three\"",
        1,
    );
    let store = lastmile::store::Store::open_with_clock(
        &path,
        lastmile::store::OpenMode::Existing,
        "Grace Liu",
        ui_support::clock(),
    )
    .unwrap();
    let mut app =
        lastmile::ui::App::new(store, Playbook::parse(&src, "org.toml").unwrap(), ui_support::config()).unwrap();
    app.start_playbook_check();
    let mut shown = String::new();
    for _ in 0..500 {
        app.tick();
        shown = render(&app, 160, 40);
        if shown.contains("playbook sync") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(
        shown.contains("the playbook has 1 new item that"),
        "the notice is shown: {shown}"
    );
}

#[test]
fn panel_lines_too_long_for_80_columns_end_in_an_ellipsis() {
    let mut app = demo_app();
    app.press("2 j j j");
    let board2 = render(&app, 80, 24);
    let line = board2
        .lines()
        .find(|l| l.contains("Strong candidate"))
        .expect("the selection panel");
    assert!(
        line.contains("criteria") || line.contains('…'),
        "cut without an ellipsis: {line}"
    );
    for pilot in 0..3 {
        app.press("4 esc g");
        for _ in 0..pilot {
            app.press("j");
        }
        let board4 = render(&app, 80, 24);
        for line in board4.lines().filter(|l| l.contains("Decision:") || l.contains("%")) {
            let inner = line.trim_end_matches('│').trim_end();
            assert!(
                inner.ends_with("told")
                    || inner.ends_with("communicated")
                    || inner.contains('…')
                    || !inner.ends_with(|c: char| c.is_alphabetic()),
                "cut without an ellipsis: {line}"
            );
        }
    }
}

#[test]
fn a_field_message_is_shown_whole_at_80_columns() {
    let mut app = demo_app();
    app.press("3 enter s right right ctrl-s");
    assert_eq!(app.mode(), Mode::Form, "a green score needs its reason");
    let shown = render(&app, 80, 24);
    assert!(shown.contains("history)"), "the message to its last word: {shown}");
}

#[test]
fn the_decision_form_lists_every_gate_criterion_where_there_is_room() {
    let mut app = demo_app();
    app.press("3 D");
    assert_eq!(app.mode(), Mode::Form);
    let shown = render(&app, 160, 48);
    let criteria = shown
        .lines()
        .filter(|l| l.contains("must:") || l.contains("should:"))
        .count();
    assert!(criteria >= 5, "every criterion of the gate is listed:\n{shown}");
    let small = render(&app, 80, 24);
    assert!(
        small.contains("more lines: Tab to this field shows them"),
        "a short terminal says how many lines are hidden:\n{small}"
    );
}

#[test]
fn the_workshop_summary_keeps_its_keys_on_screen_and_stops_at_its_end() {
    let mut app = demo_app();
    app.press("3 W esc");
    assert_eq!(app.mode(), Mode::Summary);
    let first = render(&app, 80, 24);
    assert!(
        first.contains("record the go / no-go"),
        "the keys are on screen:\n{first}"
    );
    app.press("G");
    let end = render(&app, 80, 24);
    for _ in 0..30 {
        app.press("j");
    }
    assert_eq!(render(&app, 80, 24), end, "never past the end");
    assert!(end.contains("record the go / no-go"), "{end}");
    app.press("k");
    assert_ne!(render(&app, 80, 24), end, "k moves up from the end at once");
    app.press("?");
    assert_eq!(app.mode(), Mode::Help);
}

#[test]
fn the_decision_box_says_what_it_cannot_show_and_the_breadcrumb_is_never_cut() {
    let mut app = demo_app();
    app.press("5");
    let small = render(&app, 80, 24);
    assert!(
        small.contains("recorded by") || small.contains("more lines (a taller terminal shows them)"),
        "{small}"
    );
    assert!(render(&app, 120, 36).contains("recorded by"), "in full where it fits");
    app.press("enter");
    let top = render(&app, 80, 24);
    let tabs = top.lines().next().unwrap().trim_end();
    let name = app.store().pilot(app.current_pilot().unwrap()).unwrap().name;
    assert!(
        !tabs.contains('›') || tabs.contains('…') || tabs.contains(&name),
        "the breadcrumb is whole, shortened with an ellipsis, or left out: {tabs}"
    );
    let tabs_wide = render(&app, 160, 48);
    assert!(
        tabs_wide.lines().next().unwrap().contains("› "),
        "the pilot's name where there is room"
    );
}

#[test]
fn the_view_key_hint_names_the_view_it_leads_to() {
    let mut app = demo_app();
    assert!(render(&app, 160, 48).contains("v heatmap"));
    app.press("v");
    let shown = render(&app, 160, 48);
    assert!(shown.contains("v table") && !shown.contains("v heatmap"), "{shown}");
}

#[test]
fn the_help_legend_keeps_each_mark_with_its_meaning() {
    let mut app = demo_app();
    app.press("? G");
    let shown = render(&app, 80, 24);
    assert!(shown.contains("Marks:"), "{shown}");
    for l in shown.lines() {
        assert!(
            !l.contains("[ │") && !l.contains("│] ") && !l.contains("✗ │"),
            "a mark split from its meaning: {l}"
        );
    }
}

#[test]
fn the_decision_form_shows_only_the_fields_its_outcome_needs() {
    let mut app = demo_app();
    app.press("3 D");
    assert_eq!(app.mode(), Mode::Form);
    let shown = |app: &lastmile::ui::App| render(app, 120, 40);
    let defer = shown(&app);
    assert!(defer.contains("[Defer]") && defer.contains("Review date"), "{defer}");
    assert!(
        !defer.contains("Pivot back to") && !defer.contains("Override reason"),
        "{defer}"
    );
    app.type_text("p");
    let pivot = shown(&app);
    assert!(pivot.contains("[Pivot]") && pivot.contains("Pivot back to"), "{pivot}");
    assert!(!pivot.contains("Review date"), "{pivot}");
    app.type_text("g");
    let go = shown(&app);
    assert!(
        go.contains("[Go]") && go.contains("Override reason") && !go.contains("Pivot back to"),
        "{go}"
    );
    // Tab skipping the fields not shown: forms::tests::tab_skips_the_fields_a_decision_does_not_need.
}

#[test]
fn the_same_person_in_another_terminal_is_announced_and_own_changes_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ui_support::demo_file(&db);
    let mut app = ui_support::file_app(&db, "Elena Petrova");
    let pid = app.current_pilot().unwrap();
    let open: Vec<_> = app
        .store()
        .checklist(pid)
        .unwrap()
        .into_iter()
        .filter(|i| i.state.is_open())
        .skip(1)
        .collect();
    // Elena changes an item here, then the same Elena changes another in a
    // second terminal: only the second is news (one change, named as the
    // other terminal's), though both carry her name.
    app.press("2 enter d");
    let mut mine = lastmile::store::Store::open(&db, lastmile::store::OpenMode::Existing, "Elena Petrova").unwrap();
    mine.write(|tx| tx.set_item_state(open[0].id, open[0].revision, ItemState::Done))
        .unwrap();
    assert!(app.poll_changes());
    let msg = app.message().unwrap_or_default().to_string();
    assert!(
        msg.contains("Elena Petrova (another terminal) marked") && msg.contains("Done") && !msg.contains("changes"),
        "the other terminal's one change, not this one's: {msg:?}"
    );
}

/// The decision-rights matrix (issue 12, part 3): R on the Scaffolding
/// board opens it; Enter gives the selected right to a person with a
/// threshold (an empty one is refused in place); O takes it away after a
/// confirmation; u undoes; "why" leads to it.
#[test]
fn decision_rights_are_given_and_taken_away_from_the_scaffolding_board() {
    let mut app = demo_app();
    app.press("3");
    let pilot = app.current_pilot().unwrap();
    let held = |app: &lastmile::ui::App| -> Vec<(String, String, String)> {
        app.store()
            .rights(pilot, &[])
            .unwrap()
            .into_iter()
            .map(|r| (r.key, r.person, r.threshold))
            .collect()
    };
    assert!(held(&app).is_empty());
    app.press("R");
    assert_eq!(app.mode(), Mode::Rights);
    let screen = render(&app, 120, 36);
    assert!(
        screen.contains("0 of 7 assigned") && screen.contains("Trigger a rollback"),
        "{screen}"
    );
    // The first right: pick a person, then an empty threshold is refused.
    app.press("enter");
    assert_eq!(app.mode(), Mode::Picker);
    app.type_text("Ben Hart");
    app.press("enter");
    assert_eq!(app.mode(), Mode::Prompt);
    app.press("enter");
    assert_eq!(app.mode(), Mode::Prompt, "an empty threshold is refused in place");
    assert!(held(&app).is_empty());
    app.type_text("after the production gate passes");
    app.press("enter");
    assert_eq!(app.mode(), Mode::Rights, "{:?}", app.message());
    assert_eq!(
        held(&app),
        vec![(
            "promote".to_string(),
            "Ben Hartley".to_string(),
            "after the production gate passes".to_string()
        )]
    );
    let screen = render(&app, 120, 36);
    assert!(
        screen.contains("1 of 7 assigned") && screen.contains("Ben Hartley"),
        "{screen}"
    );
    // Taken away after a yes; then u, still in the matrix, puts it back.
    app.press("O");
    assert_eq!(app.mode(), Mode::Confirm);
    app.press("y");
    assert!(held(&app).is_empty(), "{:?}", app.message());
    assert_eq!(app.mode(), Mode::Rights);
    app.press("u");
    assert_eq!(app.mode(), Mode::Rights);
    assert_eq!(held(&app).len(), 1, "{:?}", app.message());
    app.press("esc");
    // The detail lists the matrix, and "why" leads to it.
    let detail = {
        app.press("i");
        render(&app, 120, 60)
    };
    assert!(detail.contains("Decision rights, 1 of 7 assigned"), "{detail}");
    assert!(
        detail.contains("Be accountable when an output was wrong  nobody holds it"),
        "the names' column leaves a gap: {detail}"
    );
    app.press("esc w");
    let why = render(&app, 120, 36);
    assert!(why.contains("6 of 7 decision rights unassigned"), "{why}");
    // Its line leads to the matrix (a click selects it, a second opens it).
    let (row, col) = why
        .lines()
        .enumerate()
        .find_map(|(y, l)| {
            l.find("decision rights unassigned")
                .map(|x| (y, l[..x].chars().count()))
        })
        .unwrap();
    for _ in 0..2 {
        app.handle_event(&crossterm::event::Event::Mouse(crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column: col as u16,
            row: row as u16,
            modifiers: crossterm::event::KeyModifiers::NONE,
        }));
    }
    assert_eq!(app.mode(), Mode::Rights, "{:?}", app.message());
}

/// A right given in another terminal while the matrix is open: giving it
/// here is refused as a conflict naming theirs, and theirs stays.
#[test]
fn a_right_given_meanwhile_in_another_terminal_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ui_support::demo_file(&db);
    let mut app = ui_support::file_app(&db, "Elena Petrova");
    app.press("3");
    let pilot = app.current_pilot().unwrap();
    app.press("R");
    assert_eq!(app.mode(), Mode::Rights);
    let mut other = lastmile::store::Store::open(&db, lastmile::store::OpenMode::Existing, "Omar").unwrap();
    let ben = other.find_person("Ben Hartley").unwrap();
    other
        .write(|tx| {
            tx.assign_right(
                pilot,
                "promote",
                "Promote to production",
                ben.id,
                "their threshold",
                None,
            )
        })
        .unwrap();
    app.press("enter");
    app.type_text("Elena");
    app.press("enter");
    app.type_text("our threshold");
    app.press("enter");
    let msg = app.message().unwrap_or_default().to_string();
    assert!(
        msg.contains("Ben Hartley (threshold: their threshold)") && msg.contains("Omar"),
        "{msg:?}"
    );
    let held = app.store().rights(pilot, &[]).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].person.as_str(), held[0].threshold.as_str()),
        ("Ben Hartley", "their threshold")
    );
}

/// The shortlist from the Assessment board (issue 12, part 1): + puts the
/// selected pilot on it; a red-flagged one only with a written reason,
/// asked in place; the cap holds; u takes it off again.
#[test]
fn the_shortlist_is_kept_from_the_assessment_board() {
    let mut app = demo_app();
    app.press("2");
    let pilot = app.current_pilot().unwrap();
    let on = |app: &lastmile::ui::App, id: i64| app.store().pilot(id).unwrap().shortlisted;
    assert!(render(&app, 120, 36).contains("Shortlist 2 of 3"));
    // The next pilot joins without a reason: the shortlist is full.
    app.press("j");
    let next = app.current_pilot().unwrap();
    app.press("+");
    assert!(on(&app, next), "{:?}", app.message());
    assert!(render(&app, 120, 36).contains("Shortlist 3 of 3"));
    // Full: the red-flagged first pilot is refused before any reason is asked.
    app.press("k +");
    assert_eq!(app.mode(), Mode::Board, "no reason is asked on a full shortlist");
    assert!(!on(&app, pilot));
    let msg = app.message().unwrap_or_default().to_string();
    assert!(msg.contains("already holds 3") && msg.contains("stays off"), "{msg:?}");
    app.press("j +");
    assert!(!on(&app, next));
    // The red flag: + asks why (the whole question, wrapped at 80 columns),
    // and an empty reason is refused.
    app.press("k +");
    assert_eq!(app.mode(), Mode::Prompt);
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("red flag in problem selection (team") && screen.contains("join anyway?"),
        "{screen}"
    );
    app.press("enter");
    assert_eq!(app.mode(), Mode::Prompt);
    assert!(!on(&app, pilot));
    let reason = "the minister asked; the data gap is funded";
    app.type_text(reason);
    app.press("enter");
    assert!(on(&app, pilot), "{:?}", app.message());
    assert_eq!(app.mode(), Mode::Board);
    // Taken off, then put back by undo under the reason it joined with.
    app.press("+");
    assert!(!on(&app, pilot));
    app.press("u");
    assert!(on(&app, pilot), "{:?}", app.message());
    assert_eq!(app.store().shortlist_override(pilot).unwrap().as_deref(), Some(reason));
    // An undo the cap refuses says it is the undo that cannot be done.
    app.press("+ j +");
    assert!(on(&app, next) && !on(&app, pilot));
    app.press("k u");
    assert!(!on(&app, pilot));
    let msg = app.message().unwrap_or_default().to_string();
    assert!(
        msg.starts_with("cannot undo") && msg.contains("already holds 3"),
        "{msg:?}"
    );
}

#[test]
#[ignore]
fn peek() {
    let mut app = demo_app();
    app.press(&std::env::var("KEYS").unwrap());
    let w: u16 = std::env::var("W").map_or(80, |v| v.parse().unwrap());
    let h: u16 = std::env::var("H").map_or(24, |v| v.parse().unwrap());
    println!("{}", render(&app, w, h));
}

/// The programme checklist (issue 12, part 1): P opens it from any
/// screen; space, a note and an owner change it; u undoes; the attention
/// list shows its open work once and leads to it.
#[test]
fn the_programme_checklist_is_worked_from_the_workbench() {
    let mut app = demo_app();
    let pick = |app: &lastmile::ui::App| {
        app.store()
            .programme_items()
            .unwrap()
            .into_iter()
            .find(|i| i.item_key == "as-pick-three")
            .unwrap()
    };
    app.press("2");
    assert!(render(&app, 160, 48).contains("Programme (P) 1 of 2 open:"));
    // A change to a pilot first: u in the programme checklist leaves it.
    app.press("j +");
    let card = app.current_pilot().unwrap();
    assert!(app.store().pilot(card).unwrap().shortlisted, "{:?}", app.message());
    app.press("P");
    assert_eq!(app.mode(), Mode::Programme);
    let screen = render(&app, 120, 36);
    assert!(
        screen.contains("Programme checklist") && screen.contains("1 of 2 open"),
        "{screen}"
    );
    // It opens on the open item: space marks it done, u undoes.
    app.press("space");
    assert_eq!(
        pick(&app).state,
        lastmile::domain::model::ItemState::Done,
        "{:?}",
        app.message()
    );
    app.press("u");
    assert_eq!(
        pick(&app).state,
        lastmile::domain::model::ItemState::Doing,
        "{:?}",
        app.message()
    );
    assert_eq!(app.mode(), Mode::Programme);
    assert!(
        app.store().pilot(card).unwrap().shortlisted,
        "the pilot's change is not the programme's"
    );
    app.press("u");
    assert!(app.store().pilot(card).unwrap().shortlisted, "{:?}", app.message());
    assert!(
        app.message().unwrap_or_default().contains("nothing to undo here"),
        "{:?}",
        app.message()
    );
    // Not applicable asks the reason first, in the note editor.
    app.press("e");
    assert_eq!(app.mode(), Mode::Editor);
    app.press("ctrl-u");
    app.type_text("Three picked at the steering meeting");
    app.press("ctrl-s");
    assert_eq!(app.mode(), Mode::Programme, "{:?}", app.message());
    assert_eq!(pick(&app).note, "Three picked at the steering meeting");
    app.press("O");
    assert_eq!(pick(&app).owner, None);
    app.press("esc");
    // Attention lists it once, under "Programme", and Enter leads to it.
    app.press("6");
    let screen = render(&app, 160, 48);
    assert_eq!(screen.matches("Pick the three pilots").count(), 1, "{screen}");
    assert!(screen.contains("Programme"), "{screen}");
    app.press("/");
    app.type_text("Pick the three");
    app.press("enter enter");
    assert_eq!(app.mode(), Mode::Programme, "{:?}", app.message());
}

/// Vendors (issue 12, part 4): V opens the pilot's vendor record; n names
/// the vendor (an empty name is refused in place), Enter records an ask's
/// evidence, O takes it back and u puts it back; a says in-house; "why"
/// leads there.
#[test]
fn a_pilots_vendor_and_asks_are_kept_from_the_board() {
    let mut app = demo_app();
    app.press("3");
    let pilot = app.current_pilot().unwrap();
    let asks = |app: &lastmile::ui::App| app.store().vendor_asks(pilot).unwrap().len();
    app.press("V");
    assert_eq!(app.mode(), Mode::Vendor);
    let screen = render(&app, 120, 36);
    assert!(
        screen.contains("Vendor of") && screen.contains("A reference call"),
        "{screen}"
    );
    // Agentic customer support has a vendor with one ask in hand.
    assert!(
        screen.contains("Conversa Labs") && screen.contains("1 of 3 with evidence"),
        "{screen}"
    );
    // Enter on the first ask without evidence asks for it.
    app.press("enter");
    assert_eq!(app.mode(), Mode::Prompt);
    app.press("enter");
    assert_eq!(app.mode(), Mode::Prompt, "empty evidence is refused in place");
    app.type_text("design reviewed with platform, 10 Mar");
    app.press("enter");
    assert_eq!(app.mode(), Mode::Vendor, "{:?}", app.message());
    assert_eq!(asks(&app), 2);
    // Taken back, then put back by undo, all inside the record.
    app.press("O");
    assert_eq!(asks(&app), 1, "{:?}", app.message());
    app.press("u");
    assert_eq!(asks(&app), 2, "{:?}", app.message());
    assert_eq!(app.mode(), Mode::Vendor);
    // n renames the vendor; an empty name is refused.
    app.press("n ctrl-u enter");
    assert_eq!(app.mode(), Mode::Prompt);
    app.type_text("Conversa Labs Ltd");
    app.press("enter");
    let v = app.store().vendor(pilot).unwrap().unwrap();
    assert_eq!(
        v.choice,
        lastmile::domain::model::VendorChoice::Vendor {
            name: "Conversa Labs Ltd".into()
        }
    );
    // The detail shows it.
    app.press("esc i");
    let detail = render(&app, 120, 60);
    assert!(
        detail.contains("Vendor, 2 of 3 asks with evidence") && detail.contains("Conversa Labs Ltd"),
        "{detail}"
    );
}

/// The owner roles' duties come from the playbook (issue 12, part 5): the
/// role menu says what the selected role answers for.
#[test]
fn the_role_menu_says_what_each_role_answers_for() {
    let mut app = demo_app();
    app.press("o");
    assert_eq!(app.mode(), Mode::Menu);
    let duty = &lastmile::playbook::Playbook::builtin().roles[1].duty;
    let screen = render(&app, 120, 36);
    assert!(screen.contains(&duty[..30]), "the platform owner's duty: {screen}");
}
