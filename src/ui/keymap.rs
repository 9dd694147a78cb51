//! Keys as data: per mode, a list of bindings (keys, action, description).
//! The help overlay and the key-hint bar are generated from it, so they
//! always show the keys the user really has; the config file may replace
//! the keys of any action ([`super::config`]).

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

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
    Menu => "menu", "Menu", false, false;
    Confirm => "confirm", "Confirm", false, false;
    Filter => "filter", "Filter", false, true;
    Form => "form", "Form", false, true;
    Editor => "editor", "Note editor", false, true;
    Picker => "picker", "Person picker", false, true;
    Prompt => "prompt", "Prompt", false, true;
}

/// One key with its modifiers, normalised so that `J` and `shift-j` match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// The key codes lastmile binds (an ordered stand-in for crossterm's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    F(u8),
}

impl Key {
    pub const fn plain(code: KeyCodeOrd) -> Key {
        Key { code, ctrl: false, alt: false }
    }

    /// From a crossterm key event (None for keys lastmile never binds).
    pub fn from_event(e: &KeyEvent) -> Option<Key> {
        let code = match e.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Tab if e.modifiers.contains(KeyModifiers::SHIFT) => KeyCodeOrd::BackTab,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            KeyCode::Delete => KeyCodeOrd::Delete,
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            KeyCode::F(n) => KeyCodeOrd::F(n),
            _ => return None,
        };
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        let alt = e.modifiers.contains(KeyModifiers::ALT);
        let code = match code {
            // Terminals send ctrl-letters in either case; bind them lower-case.
            KeyCodeOrd::Char(c) if ctrl => KeyCodeOrd::Char(c.to_ascii_lowercase()),
            other => other,
        };
        Some(Key { code, ctrl, alt })
    }

    /// Parse `j`, `J`, `?`, `ctrl-s`, `alt-x`, `enter`, `shift-tab`, `f5`...
    pub fn parse(s: &str) -> Result<Key, String> {
        let raw = s.trim();
        if raw.is_empty() {
            return Err("an empty key name".into());
        }
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = raw;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+")) {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 1 && (lower.starts_with("alt-") || lower.starts_with("alt+")) {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" => KeyCodeOrd::Enter,
            "esc" | "escape" => KeyCodeOrd::Esc,
            "tab" => KeyCodeOrd::Tab,
            "backtab" | "shift-tab" | "shift+tab" => KeyCodeOrd::BackTab,
            "backspace" => KeyCodeOrd::Backspace,
            "delete" | "del" => KeyCodeOrd::Delete,
            "up" => KeyCodeOrd::Up,
            "down" => KeyCodeOrd::Down,
            "left" => KeyCodeOrd::Left,
            "right" => KeyCodeOrd::Right,
            "pgup" | "pageup" | "page-up" => KeyCodeOrd::PageUp,
            "pgdn" | "pagedown" | "page-down" => KeyCodeOrd::PageDown,
            "home" => KeyCodeOrd::Home,
            "end" => KeyCodeOrd::End,
            "space" => KeyCodeOrd::Char(' '),
            "minus" => KeyCodeOrd::Char('-'),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].chars().all(|c| c.is_ascii_digit()) => {
                let n: u8 = f[1..].parse().map_err(|_| format!("'{raw}' is not a key"))?;
                if !(1..=12).contains(&n) {
                    return Err(format!("'{raw}' is not a key: function keys go from f1 to f12"));
                }
                KeyCodeOrd::F(n)
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_control() => {
                        KeyCodeOrd::Char(if ctrl { c.to_ascii_lowercase() } else { c })
                    }
                    _ => {
                        return Err(format!(
                            "'{raw}' is not a key: use one character (j, J, ?), a name (enter, esc, tab, shift-tab, up, down, left, right, pgup, pgdn, home, end, space, backspace, delete, f1-f12), optionally after ctrl- or alt-"
                        ))
                    }
                }
            }
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("space"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::Enter => f.write_str("enter"),
            KeyCodeOrd::Esc => f.write_str("esc"),
            KeyCodeOrd::Tab => f.write_str("tab"),
            KeyCodeOrd::BackTab => f.write_str("shift-tab"),
            KeyCodeOrd::Backspace => f.write_str("backspace"),
            KeyCodeOrd::Delete => f.write_str("delete"),
            KeyCodeOrd::Up => f.write_str("↑"),
            KeyCodeOrd::Down => f.write_str("↓"),
            KeyCodeOrd::Left => f.write_str("←"),
            KeyCodeOrd::Right => f.write_str("→"),
            KeyCodeOrd::PageUp => f.write_str("pgup"),
            KeyCodeOrd::PageDown => f.write_str("pgdn"),
            KeyCodeOrd::Home => f.write_str("home"),
            KeyCodeOrd::End => f.write_str("end"),
            KeyCodeOrd::F(n) => write!(f, "f{n}"),
        }
    }
}

/// One entry of a keymap.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: Action,
    pub description: &'static str,
    /// Shown in the key-hint bar (the rest only in help).
    pub hint: bool,
}

/// The keymaps of every mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    modes: BTreeMap<Mode, Vec<Binding>>,
}

/// The default bindings: (mode, action, keys, description, in hint bar).
const DEFAULTS: &[(Mode, Action, &str, &str, bool)] = {
    use Action as A;
    use Mode as M;
    &[
        (M::Global, A::Quit, "q ctrl-c", "quit", true),
        (M::Global, A::Help, "?", "help for this screen", true),
        (M::Global, A::NextScreen, "tab", "next screen", false),
        (M::Global, A::PrevScreen, "shift-tab", "previous screen", false),
        (M::Global, A::ScreenPortfolio, "1", "portfolio", false),
        (M::Global, A::ScreenAssessment, "2", "assessment board (days 1-30)", false),
        (M::Global, A::ScreenScaffolding, "3", "scaffolding board (days 31-60)", false),
        (M::Global, A::ScreenHardening, "4", "hardening & decision board (days 61-90)", false),
        (M::Global, A::ScreenDecisions, "5", "decision log", false),
        (M::Global, A::ScreenAttention, "6", "attention: what needs someone this week", false),
        (M::Global, A::Up, "k up", "move up", false),
        (M::Global, A::Down, "j down", "move down", false),
        (M::Global, A::PageUp, "pgup ctrl-u", "page up", false),
        (M::Global, A::PageDown, "pgdn ctrl-d", "page down", false),
        (M::Global, A::Top, "g home", "first row", false),
        (M::Global, A::Bottom, "G end", "last row", false),
        (M::Global, A::Open, "enter", "open", false),
        (M::Global, A::Back, "esc", "back", false),
        (M::Global, A::Why, "w", "why is the selected pilot not ready?", true),
        (M::Global, A::Undo, "u", "undo your last change", false),
        (M::Global, A::Refresh, "ctrl-r f5", "reload from the database file", false),
        //
        (M::Portfolio, A::Open, "enter", "open the pilot's detail", true),
        (M::Portfolio, A::Filter, "/", "fuzzy filter (name, unit, sector, owners)", true),
        (M::Portfolio, A::SortNext, "S", "sort by the next column", true),
        (M::Portfolio, A::SortReverse, "R", "reverse the sort order", false),
        (M::Portfolio, A::ToggleHeatmap, "v", "table / heatmap view", true),
        (M::Portfolio, A::AddPilot, "n", "add a pilot", true),
        (M::Portfolio, A::EditPilot, "e", "edit the pilot", false),
        (M::Portfolio, A::Score, "s", "score a dimension red / yellow / green", true),
        (M::Portfolio, A::Owner, "o", "assign one of the four owners", false),
        (M::Portfolio, A::PhaseNext, "]", "move the pilot to the next phase", false),
        (M::Portfolio, A::PhasePrev, "[", "move the pilot to the previous phase", false),
        (M::Portfolio, A::Selection, "c", "enter selection scores (1-5)", false),
        (M::Portfolio, A::Decide, "D", "record a go / no-go decision", false),
        (M::Portfolio, A::Workshop, "W", "workshop review of the pilot's current phase", true),
        (M::Portfolio, A::Import, "I", "import pilots from a CSV file", false),
        (M::Portfolio, A::LoadDemo, "L", "load the demo portfolio (empty database only)", false),
        //
        (M::Board, A::Right, "l right", "go to the checklist", false),
        (M::Board, A::Open, "enter", "go to the checklist", true),
        (M::Board, A::Detail, "i", "pilot detail", false),
        (M::Board, A::Filter, "/", "fuzzy filter the pilots", false),
        (M::Board, A::EditPilot, "e", "edit the pilot", false),
        (M::Board, A::Score, "s", "score a dimension", true),
        (M::Board, A::Owner, "o", "assign one of the four owners", true),
        (M::Board, A::Selection, "c", "enter selection scores (1-5)", false),
        (M::Board, A::AddMetric, "m", "add an evaluation metric", false),
        (M::Board, A::MetricValue, "M", "record a metric's current value", false),
        (M::Board, A::Decide, "D", "record a go / no-go decision", false),
        (M::Board, A::PhaseNext, "]", "move the pilot to the next phase", true),
        (M::Board, A::PhasePrev, "[", "move the pilot to the previous phase", false),
        (M::Board, A::Workshop, "W", "workshop review of this checklist", true),
        //
        (M::Checklist, A::Left, "h left", "back to the pilots", false),
        (M::Checklist, A::Back, "esc", "back to the pilots", false),
        (M::Checklist, A::ToggleDone, "space", "toggle done", true),
        (M::Checklist, A::StateDone, "d", "done", true),
        (M::Checklist, A::StateTodo, "t", "to do", false),
        (M::Checklist, A::StateDoing, "p", "doing (in progress)", false),
        (M::Checklist, A::StateNa, "a", "not applicable", true),
        (M::Checklist, A::StateBlocked, "b", "blocked", false),
        (M::Checklist, A::Note, "e enter", "note or evidence link", true),
        (M::Checklist, A::Owner, "o", "assign the item's owner", true),
        (M::Checklist, A::ClearOwner, "O", "clear the item's owner", false),
        (M::Checklist, A::Detail, "i", "pilot detail", false),
        (M::Checklist, A::Score, "s", "score a dimension", false),
        (M::Checklist, A::Selection, "c", "enter selection scores (1-5)", false),
        (M::Checklist, A::AddMetric, "m", "add an evaluation metric", false),
        (M::Checklist, A::MetricValue, "M", "record a metric's current value", false),
        (M::Checklist, A::Decide, "D", "record a go / no-go decision", false),
        (M::Checklist, A::PhaseNext, "]", "move the pilot to the next phase", false),
        (M::Checklist, A::PhasePrev, "[", "move the pilot to the previous phase", false),
        (M::Checklist, A::Workshop, "W", "workshop review of this checklist", true),
        //
        (M::Detail, A::EditPilot, "e", "edit the inventory fields", true),
        (M::Detail, A::Owner, "o", "assign one of the four owners", true),
        (M::Detail, A::ClearOwner, "O", "remove one of the four owners", false),
        (M::Detail, A::Score, "s", "score a dimension", true),
        (M::Detail, A::Selection, "c", "enter selection scores (1-5)", false),
        (M::Detail, A::AddMetric, "m", "add an evaluation metric", false),
        (M::Detail, A::MetricValue, "M", "record a metric's current value", false),
        (M::Detail, A::Decide, "D", "record a go / no-go decision", true),
        (M::Detail, A::PhaseNext, "]", "move to the next phase", false),
        (M::Detail, A::PhasePrev, "[", "move to the previous phase", false),
        (M::Detail, A::Workshop, "W", "workshop review of the current phase", false),
        //
        (M::Decisions, A::Export, "x", "export the decision log to a file", true),
        (M::Decisions, A::Communicated, "C", "mark the decision communicated", true),
        (M::Decisions, A::Open, "enter", "open the pilot", true),
        //
        (M::Attention, A::Open, "enter", "jump to it", true),
        //
        (M::Why, A::Up, "k up", "move up", false),
        (M::Why, A::Down, "j down", "move down", false),
        (M::Why, A::Open, "enter", "go and fix it", true),
        (M::Why, A::Back, "esc w q", "close", true),
        (M::Why, A::Quit, "ctrl-c", "quit", false),
        //
        (M::Workshop, A::StateDone, "d y", "done", true),
        (M::Workshop, A::NotYet, "n", "not yet (keep it open)", true),
        (M::Workshop, A::StateNa, "a x", "not applicable", true),
        (M::Workshop, A::StateBlocked, "b", "blocked", false),
        (M::Workshop, A::Skip, "s space right j", "skip to the next item", true),
        (M::Workshop, A::Up, "k left backspace", "previous item", false),
        (M::Workshop, A::Owner, "o", "assign an owner", true),
        (M::Workshop, A::Note, "e", "note or evidence", true),
        (M::Workshop, A::Back, "esc q", "end the review (summary)", true),
        (M::Workshop, A::Help, "?", "help", false),
        (M::Workshop, A::Quit, "ctrl-c", "quit", false),
        //
        (M::Summary, A::Decide, "D enter", "record the decision", true),
        (M::Summary, A::Up, "k up", "scroll up", false),
        (M::Summary, A::Down, "j down", "scroll down", false),
        (M::Summary, A::Back, "esc q", "close", true),
        (M::Summary, A::Quit, "ctrl-c", "quit", false),
        //
        (M::Help, A::Up, "k up", "scroll up", false),
        (M::Help, A::Down, "j down", "scroll down", false),
        (M::Help, A::Back, "esc ? q", "close help", true),
        (M::Help, A::Quit, "ctrl-c", "quit", false),
        //
        (M::Menu, A::Up, "k up", "move up", false),
        (M::Menu, A::Down, "j down", "move down", false),
        (M::Menu, A::Open, "enter", "choose", true),
        (M::Menu, A::Back, "esc q", "cancel", true),
        (M::Menu, A::Quit, "ctrl-c", "quit", false),
        //
        (M::Confirm, A::Yes, "y enter", "yes", true),
        (M::Confirm, A::No, "n esc", "no", true),
        (M::Confirm, A::Quit, "ctrl-c", "quit", false),
        //
        (M::Filter, A::Submit, "enter", "keep the filter", true),
        (M::Filter, A::Back, "esc", "clear the filter", true),
        (M::Filter, A::Up, "up", "move up", false),
        (M::Filter, A::Down, "down", "move down", false),
        (M::Filter, A::Quit, "ctrl-c", "quit", false),
        //
        (M::Form, A::Submit, "ctrl-s", "save", true),
        (M::Form, A::Open, "enter", "next field / choose / save on the last", true),
        (M::Form, A::NextField, "tab down", "next field", true),
        (M::Form, A::PrevField, "shift-tab up", "previous field", false),
        (M::Form, A::Back, "esc", "cancel", true),
        (M::Form, A::Quit, "ctrl-c", "quit", false),
        //
        (M::Editor, A::Submit, "ctrl-s", "save", true),
        (M::Editor, A::Back, "esc", "cancel", true),
        (M::Editor, A::Quit, "ctrl-c", "quit", false),
        //
        (M::Picker, A::Open, "enter", "choose (or add the typed name)", true),
        (M::Picker, A::NewPerson, "ctrl-a", "add the typed name as a new person", true),
        (M::Picker, A::Up, "up ctrl-p", "move up", false),
        (M::Picker, A::Down, "down ctrl-n", "move down", false),
        (M::Picker, A::Back, "esc", "cancel", true),
        (M::Picker, A::Quit, "ctrl-c", "quit", false),
        //
        (M::Prompt, A::Submit, "enter", "confirm", true),
        (M::Prompt, A::Back, "esc", "cancel", true),
        (M::Prompt, A::Quit, "ctrl-c", "quit", false),
    ]
};

impl Default for Keymap {
    fn default() -> Self {
        let mut modes: BTreeMap<Mode, Vec<Binding>> = BTreeMap::new();
        for (mode, action, keys, description, hint) in DEFAULTS {
            let keys = keys.split_whitespace().map(|k| Key::parse(k).expect("default keys parse")).collect();
            modes.entry(*mode).or_default().push(Binding { keys, action: *action, description, hint: *hint });
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
        match self.modes.get_mut(&mode).and_then(|v| v.iter_mut().find(|b| b.action == action)) {
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
        let own: Vec<Key> = self.bindings(mode).iter().filter(|b| b.action == action).flat_map(|b| b.keys.clone()).collect();
        if own.is_empty() && mode.falls_through() {
            return self.bindings(Mode::Global).iter().filter(|b| b.action == action).flat_map(|b| b.keys.clone()).collect();
        }
        own
    }

    /// The first key of `action`, for messages ("press x to export").
    pub fn key_label(&self, mode: Mode, action: Action) -> String {
        self.keys_for(mode, action).first().map(|k| k.to_string()).unwrap_or_else(|| action.name().to_string())
    }

    /// Entries for the key-hint bar: (keys, description), mode first.
    pub fn hints(&self, mode: Mode) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        let push = |b: &Binding, out: &mut Vec<(String, &'static str)>| {
            if b.hint && !b.keys.is_empty() && !out.iter().any(|(_, d)| *d == b.description) {
                let keys: Vec<String> = b.keys.iter().take(1).map(|k| k.to_string()).collect();
                out.push((keys.join("/"), b.description));
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
                .map(|b| (b.keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(" "), b.description))
                .collect()
        };
        let mut out = vec![(mode.label(), list(mode, &[]))];
        if mode.falls_through() {
            let own: Vec<Action> = self.bindings(mode).iter().map(|b| b.action).collect();
            out.push((Mode::Global.label(), list(Mode::Global, &own)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent { code, modifiers: mods, kind: KeyEventKind::Press, state: crossterm::event::KeyEventState::NONE }
    }

    #[test]
    fn defaults_have_no_duplicates() {
        assert_eq!(Keymap::default().duplicates(), vec![]);
    }

    #[test]
    fn keys_parse_and_display() {
        assert_eq!(Key::parse("ctrl-S").unwrap(), Key { code: KeyCodeOrd::Char('s'), ctrl: true, alt: false });
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
        assert_eq!(km.action_for(Mode::Portfolio, &ev(KeyCode::Char('q'), KeyModifiers::NONE)), Some(Action::Quit));
        assert_eq!(km.action_for(Mode::Form, &ev(KeyCode::Char('q'), KeyModifiers::NONE)), None);
        assert_eq!(km.action_for(Mode::Form, &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
        assert_eq!(km.action_for(Mode::Board, &ev(KeyCode::Tab, KeyModifiers::SHIFT)), Some(Action::PrevScreen));
    }
}
