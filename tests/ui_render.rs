//! Render tests: the real screens drawn on ratatui's TestBackend, checked
//! against insta snapshots (times masked), at 80x24 and 160x48; plus "never
//! panics at any size" and "usable without colour".

mod ui_support;

use insta::assert_snapshot;
use lastmile::ui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use ui_support::{demo_app, empty_app, render};

#[test]
fn portfolio_80x24() {
    let app = demo_app();
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn portfolio_160x48() {
    let app = demo_app();
    assert_snapshot!(render(&app, 160, 48));
}

#[test]
fn portfolio_filtered_highlights_matches() {
    let mut app = demo_app();
    app.press("/");
    app.type_text("clin");
    let out = render(&app, 100, 20);
    assert!(out.contains("/clin"), "{out}");
    // Best match first while the default order is on.
    let first = out.lines().nth(3).unwrap();
    assert!(first.starts_with("Clinical documentation"), "{out}");
    assert_snapshot!(out);
}

#[test]
fn heatmap_80x24() {
    let mut app = demo_app();
    app.press("v");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn assessment_board_80x24() {
    let mut app = demo_app();
    app.press("2");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn scaffolding_board_80x24() {
    let mut app = demo_app();
    app.press("3 enter");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn hardening_board_80x24() {
    let mut app = demo_app();
    app.press("4");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn hardening_board_160x48() {
    let mut app = demo_app();
    app.press("4 enter");
    assert_snapshot!(render(&app, 160, 48));
}

#[test]
fn assessment_board_160x48() {
    let mut app = demo_app();
    app.press("2");
    assert_snapshot!(render(&app, 160, 48));
}

#[test]
fn pilot_detail_100x40() {
    let mut app = demo_app();
    app.press("enter");
    assert_snapshot!(render(&app, 100, 40));
}

#[test]
fn decision_log_80x24() {
    let mut app = demo_app();
    app.press("5");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn attention_80x24() {
    let mut app = demo_app();
    app.press("6");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn why_not_ready_overlay() {
    let mut app = demo_app();
    app.press("w");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn help_overlay_lists_the_screen_keys() {
    let mut app = demo_app();
    app.press("?");
    let out = render(&app, 100, 40);
    assert!(out.contains("Help: Portfolio"), "{out}");
    assert!(out.contains("fuzzy filter"), "{out}");
    assert_snapshot!(out);
}

#[test]
fn workshop_review_80x24() {
    let mut app = demo_app();
    app.press("4 W");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn workshop_review_200x60() {
    let mut app = demo_app();
    app.press("4 W");
    let out = render(&app, 200, 60);
    assert!(out.contains("WORKSHOP REVIEW"), "{out}");
    // Projector size: the item text is drawn in a large block font.
    assert!(out.contains('▀') && out.contains('█'), "{out}");
    assert!(
        !out.contains("Put monitoring dashboards live"),
        "the item is drawn big, not as plain text: {out}"
    );
}

#[test]
fn decision_form_80x24() {
    let mut app = demo_app();
    app.press("4 down D");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn score_form_shows_the_rubric_guide() {
    let mut app = demo_app();
    app.press("s r");
    let out = render(&app, 100, 30);
    assert!(out.contains("Red (R):"), "{out}");
    assert_snapshot!(out);
}

#[test]
fn empty_database_welcome_80x24() {
    let app = empty_app();
    let out = render(&app, 80, 24);
    assert!(out.contains("load the demo"), "{out}");
    assert_snapshot!(out);
}

#[test]
fn too_small_says_so() {
    let app = demo_app();
    let out = render(&app, 40, 10);
    assert!(out.contains("too small"), "{out}");
}

#[test]
fn never_panics_at_any_size() {
    let mut app = demo_app();
    // Every screen and a few layers, from 1x1 up.
    let scripts = [
        "", "v", "2", "3 enter", "4", "4 W", "4 W esc", "enter", "5", "6", "w", "?", "s", "D", "o", "n", "5 x",
    ];
    for s in scripts {
        app = if s.is_empty() { app } else { demo_app() };
        app.press(s);
        for w in (1..=130).step_by(9) {
            for h in (1..=50).step_by(7) {
                let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
                t.draw(|f| app.draw(f))
                    .unwrap_or_else(|e| panic!("{s} at {w}x{h}: {e}"));
            }
        }
        for (w, h) in [(1, 1), (2, 1), (1, 2), (60, 16), (80, 24), (200, 60)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| app.draw(f)).unwrap();
        }
    }
}

#[test]
fn no_color_still_shows_selection_and_ratings() {
    let mut app = demo_app();
    app.set_theme(Theme {
        color: false,
        ..Theme::default()
    });
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert!(
            matches!(cell.fg, Color::Reset),
            "colour {:?} used with NO_COLOR",
            cell.fg
        );
        assert!(
            matches!(cell.bg, Color::Reset),
            "background {:?} used with NO_COLOR",
            cell.bg
        );
    }
    // The selected row (first pilot, row 3) is reversed.
    assert!(buf[(2, 3)].modifier.contains(Modifier::REVERSED));
    let text = ui_support::buffer_text(buf);
    assert!(
        text.contains("✗ Not ready") && text.contains(" R ") || text.contains("R Y"),
        "{text}"
    );
}

#[test]
fn hostile_text_from_the_database_never_reaches_the_terminal() {
    use lastmile::domain::model::{ItemState, PilotFields, Role};
    use lastmile::store::Store;
    let mut store = Store::open_in_memory_with_clock("Mallory\u{1b}[31m", ui_support::clock()).unwrap();
    let pb = lastmile::playbook::Playbook::builtin();
    let items = pb.items();
    let evil = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}";
    let pid = store
        .write(|tx| {
            let pid = tx.add_pilot(
                &PilotFields {
                    name: "Evil pilot".into(),
                    business_unit: format!("BU{evil}"),
                    business_case: format!("case{evil}\nline"),
                    ..Default::default()
                },
                &items,
            )?;
            let who = tx.add_person("Eve Hacker", &format!("title{evil}"))?;
            tx.assign_owner(pid, Role::Product, who, None)?;
            Ok(pid)
        })
        .unwrap();
    let first = store.checklist(pid).unwrap()[0].clone();
    store
        .write(|tx| tx.set_item_note(first.id, first.revision, &format!("note{evil}")))
        .unwrap();
    let first = store.item(first.id).unwrap();
    store
        .write(|tx| tx.set_item_state(first.id, first.revision, ItemState::Blocked))
        .unwrap();
    let mut app = lastmile::ui::App::new(store, pb, ui_support::config()).unwrap();
    for script in ["", "enter", "2 enter", "2 W", "2 enter e", "6", "w", "o enter"] {
        let mut a = std::mem::replace(&mut app, ui_support::empty_app());
        a.press(script);
        let mut t = Terminal::new(TestBackend::new(160, 48)).unwrap();
        t.draw(|f| a.draw(f)).unwrap();
        for cell in t.backend().buffer().content() {
            assert!(
                !cell
                    .symbol()
                    .chars()
                    .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                "control character after {script:?}: {:?}",
                cell.symbol()
            );
        }
        // Back to the start for the next script.
        a.press("esc esc esc esc 1");
        app = a;
    }
}

/// The README's screens are the workbench's: rendered here on the demo
/// (as `lastmile --db demo.db` shows it) and compared with the blocks that
/// follow `<!-- screen: NAME WxH -->`; `UPDATE_GENERATED=1` rewrites them.
#[test]
fn readme_screens_are_what_the_workbench_draws() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    ui_support::demo_file(&db);
    let readme_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let mut out = String::new();
    let mut rest = readme.as_str();
    let mut seen = 0;
    while let Some(at) = rest.find("<!-- screen: ") {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        let marker_end = tail.find("-->").unwrap() + 3;
        let marker = &tail[..marker_end];
        let spec: Vec<&str> = marker
            .trim_start_matches("<!-- screen: ")
            .trim_end_matches("-->")
            .split_whitespace()
            .collect();
        let (keys, size) = (spec[0], spec[1]);
        let (w, h) = size.split_once('x').unwrap();
        let mut app = ui_support::file_app(&db, "Elena Petrova");
        let keys = keys.replace('+', " ");
        if keys != "portfolio" {
            app.press(&keys);
        }
        let prefix = format!("{}/", dir.path().display());
        let screen: String = render(&app, w.parse().unwrap(), h.parse().unwrap())
            .replace(&prefix, "")
            .lines()
            .map(|l| l.trim_end().to_string() + "\n")
            .collect();
        let block_start = tail.find("```text\n").unwrap() + "```text\n".len();
        let block_end = block_start + tail[block_start..].find("```").unwrap();
        out.push_str(&tail[..block_start]);
        out.push_str(&screen);
        rest = &tail[block_end..];
        seen += 1;
    }
    out.push_str(rest);
    assert!(seen >= 2, "the README shows the workbench at 80x24 and 160x48");
    if out != readme {
        if std::env::var("UPDATE_GENERATED").is_ok_and(|v| v == "1") {
            std::fs::write(&readme_path, &out).unwrap();
        } else {
            panic!("README.md's screens differ from the workbench: run `UPDATE_GENERATED=1 cargo test --test ui_render readme` and review the diff");
        }
    }
}

#[test]
fn programme_checklist_overlay_80x24() {
    let mut app = demo_app();
    app.press("2 P");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn vendor_record_overlay_80x24() {
    let mut app = demo_app();
    app.press("3 V");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn rights_matrix_overlay_120x36() {
    let mut app = demo_app();
    app.press("4 R");
    assert_snapshot!(render(&app, 120, 36));
}
