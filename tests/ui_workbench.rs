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
