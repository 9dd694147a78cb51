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
        Key {
            code,
            ctrl: false,
            alt: false,
        }
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

    /// The crossterm key event a terminal would send for this key.
    pub fn to_event(self) -> KeyEvent {
        let code = match self.code {
            KeyCodeOrd::Char(c) => KeyCode::Char(c),
            KeyCodeOrd::Enter => KeyCode::Enter,
            KeyCodeOrd::Esc => KeyCode::Esc,
            KeyCodeOrd::Tab => KeyCode::Tab,
            KeyCodeOrd::BackTab => KeyCode::BackTab,
            KeyCodeOrd::Backspace => KeyCode::Backspace,
            KeyCodeOrd::Delete => KeyCode::Delete,
            KeyCodeOrd::Up => KeyCode::Up,
            KeyCodeOrd::Down => KeyCode::Down,
            KeyCodeOrd::Left => KeyCode::Left,
            KeyCodeOrd::Right => KeyCode::Right,
            KeyCodeOrd::PageUp => KeyCode::PageUp,
            KeyCodeOrd::PageDown => KeyCode::PageDown,
            KeyCodeOrd::Home => KeyCode::Home,
            KeyCodeOrd::End => KeyCode::End,
            KeyCodeOrd::F(n) => KeyCode::F(n),
        };
        let mut mods = KeyModifiers::NONE;
        if self.ctrl {
            mods |= KeyModifiers::CONTROL;
        }
        if self.alt {
            mods |= KeyModifiers::ALT;
        }
        if let KeyCodeOrd::Char(c) = self.code {
            if c.is_uppercase() {
                mods |= KeyModifiers::SHIFT;
            }
        }
        if self.code == KeyCodeOrd::BackTab {
            mods |= KeyModifiers::SHIFT;
        }
        KeyEvent::new(code, mods)
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
    /// Short label for the key-hint bar; empty: shown only in help.
    pub hint: &'static str,
}

/// The keymaps of every mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    modes: BTreeMap<Mode, Vec<Binding>>,
}

/// The default bindings: (mode, action, keys, description, short label in
/// the hint bar or empty for help only).
const DEFAULTS: &[(Mode, Action, &str, &str, &str)] = {
    use Action as A;
    use Mode as M;
    &[
        (M::Global, A::Quit, "q ctrl-c", "quit", "quit"),
        (M::Global, A::Help, "?", "help for this screen", "help"),
        (M::Global, A::NextScreen, "tab", "next screen", ""),
        (M::Global, A::PrevScreen, "shift-tab", "previous screen", ""),
        (M::Global, A::ScreenPortfolio, "1", "portfolio", ""),
        (M::Global, A::ScreenAssessment, "2", "assessment board (days 1-30)", ""),
        (
            M::Global,
            A::ScreenScaffolding,
            "3",
            "scaffolding board (days 31-60)",
            "",
        ),
        (
            M::Global,
            A::ScreenHardening,
            "4",
            "hardening & decision board (days 61-90)",
            "",
        ),
        (M::Global, A::ScreenDecisions, "5", "decision log", ""),
        (
            M::Global,
            A::ScreenAttention,
            "6",
            "attention: what needs someone this week",
            "",
        ),
        (M::Global, A::Up, "k up", "move up", ""),
        (M::Global, A::Down, "j down", "move down", ""),
        (M::Global, A::PageUp, "pgup ctrl-u", "page up", ""),
        (M::Global, A::PageDown, "pgdn ctrl-d", "page down", ""),
        (M::Global, A::Top, "g home", "first row", ""),
        (M::Global, A::Bottom, "G end", "last row", ""),
        (M::Global, A::Open, "enter", "open", ""),
        (M::Global, A::Back, "esc", "back", ""),
        (
            M::Global,
            A::Why,
            "w",
            "why is the selected pilot not ready?",
            "why not ready",
        ),
        (M::Global, A::Undo, "u", "undo your last change", ""),
        (M::Global, A::Refresh, "ctrl-r f5", "reload from the database file", ""),
        //
        (M::Portfolio, A::Open, "enter", "open the pilot's detail", "open"),
        (
            M::Portfolio,
            A::Filter,
            "/",
            "fuzzy filter (name, unit, sector, owners)",
            "filter",
        ),
        (M::Portfolio, A::SortNext, "S", "sort by the next column", "sort"),
        (M::Portfolio, A::SortReverse, "R", "reverse the sort order", ""),
        (M::Portfolio, A::ToggleHeatmap, "v", "table / heatmap view", "heatmap"),
        (M::Portfolio, A::AddPilot, "n", "add a pilot", "add"),
        (M::Portfolio, A::EditPilot, "e", "edit the pilot", ""),
        (
            M::Portfolio,
            A::Score,
            "s",
            "score a dimension red / yellow / green",
            "score",
        ),
        (M::Portfolio, A::Owner, "o", "assign one of the four owners", ""),
        (M::Portfolio, A::PhaseNext, "]", "move the pilot to the next phase", ""),
        (
            M::Portfolio,
            A::PhasePrev,
            "[",
            "move the pilot to the previous phase",
            "",
        ),
        (M::Portfolio, A::Selection, "c", "enter selection scores (1-5)", ""),
        (M::Portfolio, A::Decide, "D", "record a go / no-go decision", ""),
        (
            M::Portfolio,
            A::Workshop,
            "W",
            "workshop review of the pilot's current phase",
            "workshop",
        ),
        (M::Portfolio, A::Import, "I", "import pilots from a CSV file", ""),
        (
            M::Portfolio,
            A::LoadDemo,
            "L",
            "load the demo portfolio (empty database only)",
            "",
        ),
        //
        (M::Board, A::Right, "l right", "go to the checklist", ""),
        (M::Board, A::Open, "enter", "go to the checklist", "checklist"),
        (M::Board, A::Detail, "i", "pilot detail", ""),
        (M::Board, A::Filter, "/", "fuzzy filter the pilots", ""),
        (M::Board, A::EditPilot, "e", "edit the pilot", ""),
        (M::Board, A::Score, "s", "score a dimension", "score"),
        (M::Board, A::Owner, "o", "assign one of the four owners", "owners"),
        (M::Board, A::Selection, "c", "enter selection scores (1-5)", ""),
        (M::Board, A::AddMetric, "m", "add an evaluation metric", ""),
        (M::Board, A::MetricValue, "M", "record a metric's current value", ""),
        (M::Board, A::Decide, "D", "record a go / no-go decision", ""),
        (
            M::Board,
            A::PhaseNext,
            "]",
            "move the pilot to the next phase",
            "next phase",
        ),
        (M::Board, A::PhasePrev, "[", "move the pilot to the previous phase", ""),
        (
            M::Board,
            A::Workshop,
            "W",
            "workshop review of this checklist",
            "workshop",
        ),
        //
        (M::Checklist, A::Left, "h left", "back to the pilots", ""),
        (M::Checklist, A::Back, "esc", "back to the pilots", ""),
        (M::Checklist, A::ToggleDone, "space", "toggle done", "done/undone"),
        (M::Checklist, A::StateDone, "d", "done", "done"),
        (M::Checklist, A::StateTodo, "t", "to do", ""),
        (M::Checklist, A::StateDoing, "p", "doing (in progress)", ""),
        (M::Checklist, A::StateNa, "a", "not applicable", "n/a"),
        (M::Checklist, A::StateBlocked, "b", "blocked", ""),
        (M::Checklist, A::Note, "e enter", "note or evidence link", "note"),
        (M::Checklist, A::Owner, "o", "assign the item's owner", "owner"),
        (M::Checklist, A::ClearOwner, "O", "clear the item's owner", ""),
        (M::Checklist, A::Detail, "i", "pilot detail", ""),
        (M::Checklist, A::Score, "s", "score a dimension", ""),
        (M::Checklist, A::Selection, "c", "enter selection scores (1-5)", ""),
        (M::Checklist, A::AddMetric, "m", "add an evaluation metric", ""),
        (M::Checklist, A::MetricValue, "M", "record a metric's current value", ""),
        (M::Checklist, A::Decide, "D", "record a go / no-go decision", ""),
        (M::Checklist, A::PhaseNext, "]", "move the pilot to the next phase", ""),
        (
            M::Checklist,
            A::PhasePrev,
            "[",
            "move the pilot to the previous phase",
            "",
        ),
        (
            M::Checklist,
            A::Workshop,
            "W",
            "workshop review of this checklist",
            "workshop",
        ),
        //
        (M::Detail, A::EditPilot, "e", "edit the inventory fields", "edit"),
        (M::Detail, A::Owner, "o", "assign one of the four owners", "owners"),
        (M::Detail, A::ClearOwner, "O", "remove one of the four owners", ""),
        (M::Detail, A::Score, "s", "score a dimension", "score"),
        (M::Detail, A::Selection, "c", "enter selection scores (1-5)", ""),
        (M::Detail, A::AddMetric, "m", "add an evaluation metric", ""),
        (M::Detail, A::MetricValue, "M", "record a metric's current value", ""),
        (M::Detail, A::Decide, "D", "record a go / no-go decision", "decide"),
        (M::Detail, A::PhaseNext, "]", "move to the next phase", ""),
        (M::Detail, A::PhasePrev, "[", "move to the previous phase", ""),
        (M::Detail, A::Workshop, "W", "workshop review of the current phase", ""),
        //
        (
            M::Decisions,
            A::Export,
            "x",
            "export the decision log to a file",
            "export",
        ),
        (
            M::Decisions,
            A::Communicated,
            "C",
            "mark the decision communicated",
            "communicated",
        ),
        (M::Decisions, A::Open, "enter", "open the pilot", "open pilot"),
        //
        (M::Attention, A::Open, "enter", "jump to it", "go there"),
        //
        (M::Why, A::Up, "k up", "move up", ""),
        (M::Why, A::Down, "j down", "move down", ""),
        (M::Why, A::Open, "enter", "go and fix it", "fix it"),
        (M::Why, A::Back, "esc w q", "close", "close"),
        (M::Why, A::Quit, "ctrl-c", "quit", ""),
        //
        (M::Workshop, A::StateDone, "d y", "done", "done"),
        (M::Workshop, A::NotYet, "n", "not yet (keep it open)", "not yet"),
        (M::Workshop, A::StateNa, "a x", "not applicable", "n/a"),
        (M::Workshop, A::StateBlocked, "b", "blocked", ""),
        (M::Workshop, A::Skip, "s space right j", "skip to the next item", "skip"),
        (M::Workshop, A::Up, "k left backspace", "previous item", ""),
        (M::Workshop, A::Owner, "o", "assign an owner", "owner"),
        (M::Workshop, A::Note, "e", "note or evidence", "note"),
        (M::Workshop, A::Back, "esc q", "end the review (summary)", "finish"),
        (M::Workshop, A::Help, "?", "help", ""),
        (M::Workshop, A::Quit, "ctrl-c", "quit", ""),
        //
        (M::Summary, A::Decide, "D enter", "record the decision", "decide"),
        (M::Summary, A::Up, "k up", "scroll up", ""),
        (M::Summary, A::Down, "j down", "scroll down", ""),
        (M::Summary, A::Back, "esc q", "close", "close"),
        (M::Summary, A::Quit, "ctrl-c", "quit", ""),
        //
        (M::Help, A::Up, "k up", "scroll up", ""),
        (M::Help, A::Down, "j down", "scroll down", ""),
        (M::Help, A::Back, "esc ? q", "close help", "close"),
        (M::Help, A::Quit, "ctrl-c", "quit", ""),
        //
        (M::Menu, A::Up, "k up", "move up", ""),
        (M::Menu, A::Down, "j down", "move down", ""),
        (M::Menu, A::Open, "enter", "choose", "choose"),
        (M::Menu, A::Back, "esc q", "cancel", "cancel"),
        (M::Menu, A::Quit, "ctrl-c", "quit", ""),
        //
        (M::Confirm, A::Yes, "y enter", "yes", "yes"),
        (M::Confirm, A::No, "n esc", "no", "no"),
        (M::Confirm, A::Quit, "ctrl-c", "quit", ""),
        //
        (M::Filter, A::Submit, "enter", "keep the filter", "keep"),
        (M::Filter, A::Back, "esc", "clear the filter", "clear"),
        (M::Filter, A::Up, "up", "move up", ""),
        (M::Filter, A::Down, "down", "move down", ""),
        (M::Filter, A::Quit, "ctrl-c", "quit", ""),
        //
        (M::Form, A::Submit, "ctrl-s", "save", "save"),
        (
            M::Form,
            A::Open,
            "enter",
            "next field / choose / save on the last",
            "next / pick",
        ),
        (M::Form, A::NextField, "tab down", "next field", "next field"),
        (M::Form, A::PrevField, "shift-tab up", "previous field", ""),
        (M::Form, A::Back, "esc", "cancel", "cancel"),
        (M::Form, A::Quit, "ctrl-c", "quit", ""),
        //
        (M::Editor, A::Submit, "ctrl-s", "save", "save"),
        (M::Editor, A::Back, "esc", "cancel", "cancel"),
        (M::Editor, A::Quit, "ctrl-c", "quit", ""),
        //
        (M::Picker, A::Open, "enter", "choose (or add the typed name)", "choose"),
        (
            M::Picker,
            A::NewPerson,
            "ctrl-a",
            "add the typed name as a new person",
            "add new person",
        ),
        (M::Picker, A::Up, "up ctrl-p", "move up", ""),
        (M::Picker, A::Down, "down ctrl-n", "move down", ""),
        (M::Picker, A::Back, "esc", "cancel", "cancel"),
        (M::Picker, A::Quit, "ctrl-c", "quit", ""),
        //
        (M::Prompt, A::Submit, "enter", "confirm", "ok"),
        (M::Prompt, A::Back, "esc", "cancel", "cancel"),
        (M::Prompt, A::Quit, "ctrl-c", "quit", ""),
    ]
};

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
