//! Keys as data: per mode, a list of bindings (keys, action, description).
//! The help overlay and the key-hint bar are generated from it, so they
//! always show the keys the user really has; the config file may replace
//! the keys of any action ([`super::config`]).

use super::action::Action;
mod defaults;
mod key;

pub use key::{Key, KeyCodeOrd};

use crossterm::event::KeyEvent;
use defaults::DEFAULTS;
use std::collections::BTreeMap;

/// Defines the modes with their config names and labels.
macro_rules! modes {
    ($($variant:ident => $name:literal, $label:literal, $falls:literal, $text:literal;)+) => {
        /// Where keys are read: a screen, a focus within a screen, or an overlay.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Mode { $($variant),+ }

        impl Mode {
            pub const ALL: &'static [Mode] = &[$(Mode::$variant),+];
            /// Name of the mode's table in the config file (`[keys.NAME]`).
            pub fn name(self) -> &'static str { match self { $(Mode::$variant => $name),+ } }
            /// Title shown in the help overlay.
            pub fn label(self) -> &'static str { match self { $(Mode::$variant => $label),+ } }
            /// Whether keys not bound here fall through to the global map.
            pub fn falls_through(self) -> bool { match self { $(Mode::$variant => $falls),+ } }
            /// Whether unbound printable keys are typed into a text field.
            pub fn is_text(self) -> bool { match self { $(Mode::$variant => $text),+ } }
            pub fn parse(s: &str) -> Option<Mode> { match s.trim() { $($name => Some(Mode::$variant),)+ _ => None } }
        }
    };
}

modes! {
    Global => "global", "Everywhere", false, false;
    Portfolio => "portfolio", "Portfolio", true, false;
    Board => "board", "Phase board: pilots", true, false;
    Checklist => "checklist", "Phase board: checklist", true, false;
    Detail => "detail", "Pilot detail", true, false;
    Decisions => "decisions", "Decision log", true, false;
    Attention => "attention", "Attention", true, false;
    Why => "why", "Why not ready?", false, false;
    Workshop => "workshop", "Workshop review", false, false;
    Summary => "summary", "Workshop summary", false, false;
    Help => "help", "Help", false, false;
    Recent => "recent", "Recent changes and messages", false, false;
    Reference => "reference", "Reference panel", false, false;
    Rights => "rights", "Decision rights", false, false;
    Vendor => "vendor", "Vendor and asks", false, false;
    Programme => "programme", "Programme checklist", false, false;
    Menu => "menu", "Menu", false, false;
    Confirm => "confirm", "Confirm", false, false;
    Filter => "filter", "Filter", false, true;
    Form => "form", "Form", false, true;
    Editor => "editor", "Note editor", false, true;
    Picker => "picker", "Person picker", false, true;
    Prompt => "prompt", "Prompt", false, true;
}

/// One entry of a keymap.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: Action,
    pub description: &'static str,
    /// Short label for the key-hint bar; empty: shown only in help.
    pub hint: &'static str,
}

/// The keymaps of every mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    modes: BTreeMap<Mode, Vec<Binding>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut modes: BTreeMap<Mode, Vec<Binding>> = BTreeMap::new();
        for (mode, action, keys, description, hint) in DEFAULTS {
            let keys = keys
                .split_whitespace()
                .map(|k| Key::parse(k).expect("default keys parse"))
                .collect();
            modes.entry(*mode).or_default().push(Binding {
                keys,
                action: *action,
                description,
                hint,
            });
        }
        Keymap { modes }
    }
}

impl Keymap {
    /// The bindings of one mode (not including the global ones).
    pub fn bindings(&self, mode: Mode) -> &[Binding] {
        self.modes.get(&mode).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether `action` has a default binding in `mode`.
    pub fn has(&self, mode: Mode, action: Action) -> bool {
        self.bindings(mode).iter().any(|b| b.action == action)
    }

    /// Replace the keys of `action` in `mode`; false if it has no entry there.
    pub fn set_keys(&mut self, mode: Mode, action: Action, keys: Vec<Key>) -> bool {
        match self
            .modes
            .get_mut(&mode)
            .and_then(|v| v.iter_mut().find(|b| b.action == action))
        {
            Some(b) => {
                b.keys = keys;
                true
            }
            None => false,
        }
    }

    /// The action a key means in `mode`, falling through to the global map.
    pub fn action(&self, mode: Mode, key: &Key) -> Option<Action> {
        let find = |m: Mode| self.bindings(m).iter().find(|b| b.keys.contains(key)).map(|b| b.action);
        find(mode).or_else(|| if mode.falls_through() { find(Mode::Global) } else { None })
    }

    /// Resolve a crossterm key event.
    pub fn action_for(&self, mode: Mode, event: &KeyEvent) -> Option<Action> {
        Key::from_event(event).and_then(|k| self.action(mode, &k))
    }

    /// Keys bound to `action` in `mode` (or globally, for fall-through modes).
    pub fn keys_for(&self, mode: Mode, action: Action) -> Vec<Key> {
        let own: Vec<Key> = self
            .bindings(mode)
            .iter()
            .filter(|b| b.action == action)
            .flat_map(|b| b.keys.clone())
            .collect();
        if own.is_empty() && mode.falls_through() {
            return self
                .bindings(Mode::Global)
                .iter()
                .filter(|b| b.action == action)
                .flat_map(|b| b.keys.clone())
                .collect();
        }
        own
    }

    /// The first key of `action`, for messages ("press x to export").
    pub fn key_label(&self, mode: Mode, action: Action) -> String {
        self.keys_for(mode, action)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_else(|| action.name().to_string())
    }

    /// Entries for the key-hint bar: (first key, short label), mode first.
    pub fn hints(&self, mode: Mode) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        let push = |b: &Binding, out: &mut Vec<(String, &'static str)>| {
            if !b.hint.is_empty() && !b.keys.is_empty() && !out.iter().any(|(_, d)| *d == b.hint) {
                out.push((b.keys[0].to_string(), b.hint));
            }
        };
        for b in self.bindings(mode) {
            push(b, &mut out);
        }
        if mode.falls_through() {
            for b in self.bindings(Mode::Global) {
                let shadowed = self.bindings(mode).iter().any(|m| m.action == b.action);
                if !shadowed {
                    push(b, &mut out);
                }
            }
        }
        out
    }

    /// Help entries for a mode: (section title, [(keys, description)]).
    pub fn help(&self, mode: Mode) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        let list = |m: Mode, skip: &[Action]| -> Vec<(String, &'static str)> {
            self.bindings(m)
                .iter()
                .filter(|b| !skip.contains(&b.action) && !b.keys.is_empty())
                .map(|b| {
                    (
                        b.keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(" "),
                        b.description,
                    )
                })
                .collect()
        };
        let mut out = vec![(mode.label(), list(mode, &[]))];
        if mode.falls_through() {
            let own: Vec<Action> = self.bindings(mode).iter().map(|b| b.action).collect();
            out.push((Mode::Global.label(), list(Mode::Global, &own)));
        }
        out
    }

    /// The `[keys.*]` part of the example config file: every binding of
    /// every mode, commented out, as `action = keys  # description`.
    /// assets/config.example.toml ends with exactly this text (a test
    /// holds it so), so the example can never drift from the defaults.
    pub fn example_toml(&self) -> String {
        let mut out = String::new();
        for (i, mode) in Mode::ALL.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("# {}\n[keys.{}]\n", mode.label(), mode.name()));
            for b in self.bindings(*mode) {
                let keys: Vec<String> = b.keys.iter().map(|k| format!("\"{}\"", k.config_name())).collect();
                let value = match keys.len() {
                    1 => keys[0].clone(),
                    _ => format!("[{}]", keys.join(", ")),
                };
                let setting = format!("# {} = {value}", b.action.name());
                out.push_str(&format!("{setting:<43} # {}\n", b.description));
            }
        }
        out
    }

    /// Every binding as Markdown tables, one per mode (docs/keys.md and
    /// `lastmile keys --markdown`).
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for mode in Mode::ALL {
            let list = self.bindings(*mode);
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("\n## {}\n\n| keys | does |\n|---|---|\n", mode.label()));
            for b in list {
                let keys: Vec<String> = b.keys.iter().map(|k| format!("`{}`", md_key(&k.to_string()))).collect();
                out.push_str(&format!(
                    "| {} | {} |\n",
                    keys.join(" "),
                    b.description.replace('|', "\\|")
                ));
            }
        }
        out
    }

    /// Two actions sharing a key in one mode: (mode, key, first, second).
    pub fn duplicates(&self) -> Vec<(Mode, Key, Action, Action)> {
        let mut out = Vec::new();
        for (mode, bindings) in &self.modes {
            let mut seen: BTreeMap<Key, Action> = BTreeMap::new();
            for b in bindings {
                for k in &b.keys {
                    if let Some(prev) = seen.get(k) {
                        if *prev != b.action {
                            out.push((*mode, *k, *prev, b.action));
                        }
                    } else {
                        seen.insert(*k, b.action);
                    }
                }
            }
        }
        out
    }
}

/// A key name safe inside Markdown code (a backquote or a bar).
fn md_key(k: &str) -> String {
    match k {
        "`" => "backquote".into(),
        "|" => "bar".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn defaults_have_no_duplicates() {
        assert_eq!(Keymap::default().duplicates(), vec![]);
    }

    #[test]
    fn keys_parse_and_display() {
        assert_eq!(
            Key::parse("ctrl-S").unwrap(),
            Key {
                code: KeyCodeOrd::Char('s'),
                ctrl: true,
                alt: false
            }
        );
        assert_eq!(Key::parse("J").unwrap().code, KeyCodeOrd::Char('J'));
        assert_eq!(Key::parse("-").unwrap().code, KeyCodeOrd::Char('-'));
        assert_eq!(Key::parse("shift-tab").unwrap().code, KeyCodeOrd::BackTab);
        assert_eq!(Key::parse("f5").unwrap().code, KeyCodeOrd::F(5));
        assert!(Key::parse("hyper-x").unwrap_err().contains("not a key"));
        assert!(Key::parse("f13").is_err());
        assert_eq!(Key::parse("ctrl-c").unwrap().to_string(), "ctrl-c");
    }

    #[test]
    fn shifted_letters_and_fall_through() {
        let km = Keymap::default();
        let shift_s = ev(KeyCode::Char('S'), KeyModifiers::SHIFT);
        assert_eq!(km.action_for(Mode::Portfolio, &shift_s), Some(Action::SortNext));
        assert_eq!(
            km.action_for(Mode::Portfolio, &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action_for(Mode::Form, &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            km.action_for(Mode::Form, &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action_for(Mode::Board, &ev(KeyCode::Tab, KeyModifiers::SHIFT)),
            Some(Action::PrevScreen)
        );
    }
}
