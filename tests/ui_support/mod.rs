//! Shared fixtures for the UI tests: the realistic demo at a fixed date on
//! an in-memory store, rendering to text, and masking of times.
#![allow(dead_code)]

use chrono::NaiveDate;
use lastmile::clock::Clock;
use lastmile::playbook::Playbook;
use lastmile::store::{OpenMode, Store};
use lastmile::ui::theme::Theme;
use lastmile::ui::{App, Config};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;

/// The fixed "today" of every UI test (day 45 of the demo programme).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
}

/// A clock pinned to [`today`].
pub fn clock() -> Clock {
    Clock::fixed(today())
}

/// Defaults with colours on, whatever NO_COLOR says in the environment.
pub fn config() -> Config {
    Config {
        theme: Theme::default(),
        ..Config::default()
    }
}

/// The app on an empty in-memory database.
pub fn empty_app() -> App {
    let store = Store::open_in_memory_with_clock("Elena Petrova", clock()).unwrap();
    App::new(store, Playbook::builtin(), config()).unwrap()
}

/// The app on the realistic demo portfolio, in memory.
pub fn demo_app() -> App {
    let mut store = Store::open_in_memory_with_clock("Elena Petrova", clock()).unwrap();
    lastmile::demo::load_realistic(&mut store, &Playbook::builtin(), today()).unwrap();
    App::new(store, Playbook::builtin(), config()).unwrap()
}

/// The demo in a file (for tests with a second connection).
pub fn demo_file(path: &Path) {
    let mut store = Store::open_with_clock(path, OpenMode::Create, "Loader", clock()).unwrap();
    lastmile::demo::load_realistic(&mut store, &Playbook::builtin(), today()).unwrap();
}

/// The app on a database file.
pub fn file_app(path: &Path, actor: &str) -> App {
    let store = Store::open_with_clock(path, OpenMode::Existing, actor, clock()).unwrap();
    App::new(store, Playbook::builtin(), config()).unwrap()
}

/// Draw the app on a `w` x `h` test terminal and return the text.
pub fn render(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    buffer_text(t.backend().buffer())
}

/// The buffer as lines of text (wide characters once).
pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    mask(&out)
}

/// Replace `YYYY-MM-DD HH:MM` times (audit events, scores) with a mask:
/// they depend on when the test ran.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let pat = "dddd-dd-dd dd:dd";
    let p: Vec<char> = pat.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let fits = i + p.len() <= chars.len()
            && p.iter()
                .zip(&chars[i..])
                .all(|(pc, c)| if *pc == 'd' { c.is_ascii_digit() } else { pc == c });
        if fits {
            out.push_str("YYYY-MM-DD hh:mm");
            i += p.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}
