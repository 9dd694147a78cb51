//! The config file: partial overrides of keys, colours and mouse; one test
//! per bad file, each checking its message names the line and the fix.

use lastmile::ui::action::Action;
use lastmile::ui::config::{Config, EXAMPLE};
use lastmile::ui::keymap::{Key, Keymap, Mode};
use ratatui::style::Color;

fn err(src: &str) -> String {
    Config::parse(src, "test.toml").expect_err("should be refused")
}

#[test]
fn empty_file_gives_the_defaults() {
    let c = Config::parse("", "test.toml").unwrap();
    assert_eq!(c.keymap, Keymap::default());
    assert!(c.mouse);
}

#[test]
fn example_uncommented_is_valid_and_equals_the_defaults() {
    let src: String = EXAMPLE
        .lines()
        .map(|l| {
            let t = l.strip_prefix("# ").unwrap_or(l);
            let is_setting = t.split('=').next().is_some_and(|k| {
                let k = k.trim();
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && t.contains(" = ")
            });
            if l.starts_with("# ") && is_setting {
                t.split("  #").next().unwrap().to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let c = Config::parse(&src, "example").unwrap_or_else(|e| panic!("{e}\n{src}"));
    assert_eq!(c.keymap, Keymap::default());
    // Every default binding is documented in the example.
    for m in Mode::ALL {
        for b in Keymap::default().bindings(*m) {
            assert!(
                src.contains(&format!("{} = ", b.action.name())),
                "{} missing from the example",
                b.action.name()
            );
        }
    }
}

#[test]
fn partial_override_replaces_only_that_action() {
    let c = Config::parse(
        "mouse = false\n[keys.portfolio]\nsort = \"z\"\nfilter = [\"/\", \"f\"]\n[theme]\nselected = \"#ff8800\"\n",
        "t",
    )
    .unwrap();
    assert!(!c.mouse);
    let k = |s: &str| Key::parse(s).unwrap();
    assert_eq!(c.keymap.action(Mode::Portfolio, &k("z")), Some(Action::SortNext));
    assert_eq!(c.keymap.action(Mode::Portfolio, &k("S")), None, "the old key is gone");
    assert_eq!(c.keymap.action(Mode::Portfolio, &k("f")), Some(Action::Filter));
    assert_eq!(
        c.keymap.action(Mode::Portfolio, &k("v")),
        Some(Action::ToggleHeatmap),
        "others untouched"
    );
    assert_eq!(c.theme.selected, Some(Color::Rgb(0xff, 0x88, 0)));
    // Help and hints follow the user's keys.
    let help = c.keymap.help(Mode::Portfolio);
    assert!(
        help[0].1.iter().any(|(keys, d)| keys == "z" && d.contains("sort")),
        "{help:?}"
    );
    assert!(c
        .keymap
        .hints(Mode::Portfolio)
        .iter()
        .any(|(k, d)| k == "z" && *d == "sort"));
}

#[test]
fn unknown_mode_names_the_line_and_the_modes() {
    let e = err("mouse = true\n\n[keys.portfoilo]\nsort = \"o\"\n");
    assert!(e.contains("test.toml, line 3"), "{e}");
    assert!(e.contains("no key mode 'portfoilo'") && e.contains("portfolio"), "{e}");
}

#[test]
fn unknown_action_names_the_line() {
    let e = err("[keys.portfolio]\nsortt = \"o\"\n");
    assert!(e.contains("line 2") && e.contains("no action 'sortt'"), "{e}");
}

#[test]
fn action_in_the_wrong_mode_says_where_it_belongs() {
    let e = err("[keys.portfolio]\nexport = \"x\"\n");
    assert!(e.contains("line 2") && e.contains("[keys.decisions]"), "{e}");
}

#[test]
fn bad_key_name_is_explained() {
    let e = err("[keys.global]\nquit = \"hyper-q\"\n");
    assert!(e.contains("line 2") && e.contains("'hyper-q' is not a key"), "{e}");
}

#[test]
fn duplicate_in_the_file_names_both_lines() {
    let e = err("[keys.portfolio]\nsort = \"x\"\nheatmap = \"x\"\n");
    assert!(
        e.contains("bound twice") && e.contains("line 2") && e.contains("line 3"),
        "{e}"
    );
}

#[test]
fn clash_with_a_default_is_refused() {
    let e = err("[keys.portfolio]\nsort = \"v\"\n");
    assert!(
        e.contains("line 2") && e.contains("'heatmap'") && e.contains("'sort'"),
        "{e}"
    );
    // Moving the other action too makes it valid.
    Config::parse("[keys.portfolio]\nsort = \"v\"\nheatmap = \"H\"\n", "t").unwrap();
}

#[test]
fn bad_colour_and_unknown_role() {
    let e = err("[theme]\nselected = \"purpleish\"\n");
    assert!(e.contains("line 2") && e.contains("not a colour"), "{e}");
    let e = err("[theme]\n\nhighlight = \"red\"\n");
    assert!(
        e.contains("line 3") && e.contains("no colour role 'highlight'") && e.contains("selected"),
        "{e}"
    );
}

#[test]
fn toml_syntax_and_unknown_top_level_keys() {
    let e = err("mouse = maybe\n");
    assert!(e.contains("test.toml, line 1"), "{e}");
    let e = err("\nmouses = true\n");
    assert!(e.contains("line 2") && e.contains("unknown field"), "{e}");
}

#[test]
fn missing_file_named_by_the_environment_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let e = Config::load_file(&dir.path().join("nope.toml")).unwrap_err();
    assert!(e.contains("cannot read the config file"), "{e}");
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "[keys.global]\nquit = \"Q\"\n").unwrap();
    let c = Config::load_file(&path).unwrap();
    assert_eq!(c.path.as_deref(), Some(path.as_path()));
    assert_eq!(
        c.keymap.action(Mode::Portfolio, &Key::parse("Q").unwrap()),
        Some(Action::Quit)
    );
}

/// Compare a generated text with the file that holds it; with
/// `UPDATE_GENERATED=1` write the file instead (then review the diff).
fn holds_generated(path: &str, marker: &str, generated: &str) {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&full).unwrap();
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("{path} has no '{marker}' line"));
    let head = &text[..at + marker.len()];
    let want = format!("{head}{generated}");
    if text != want {
        if std::env::var("UPDATE_GENERATED").is_ok_and(|v| v == "1") {
            std::fs::write(&full, &want).unwrap();
        } else {
            panic!("{path} is not what the keymap generates: run `UPDATE_GENERATED=1 cargo test --test ui_config` and review the diff");
        }
    }
}

#[test]
fn the_example_config_lists_exactly_the_default_keys() {
    holds_generated(
        "assets/config.example.toml",
        "# that action to another key in the same file.\n\n",
        &Keymap::default().example_toml(),
    );
}

#[test]
fn docs_keys_md_is_the_keymap() {
    holds_generated(
        "docs/keys.md",
        "<!-- generated from the keymap: do not edit below -->\n",
        &Keymap::default().markdown(),
    );
}

#[test]
fn saving_the_name_keeps_the_rest_of_the_config_and_replaces_only_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "mouse = false\n[keys.portfolio]\nsort = \"z\"\n").unwrap();
    let mut c = Config::load_file(&path).unwrap();
    c.save_name("Zoe Kim").unwrap();
    c.save_name("Zoë Kim").unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("name = ").count(), 1, "{text}");
    assert_eq!(text.matches("# Who you are").count(), 1, "{text}");
    let back = Config::load_file(&path).unwrap();
    assert_eq!(back.name.as_deref(), Some("Zoë Kim"));
    assert!(!back.mouse, "the other settings stay");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().count() == 1,
        "no temporary file is left"
    );
}
