//! Colours by role, not by hue. Every role that carries meaning also has a
//! modifier or a letter, so a screen with `NO_COLOR` set (or a monochrome
//! projector) still shows selection, alerts and ratings.

use crate::domain::model::{ItemState, Rag};
use crate::domain::readiness::Verdict;
use ratatui::style::{Color, Modifier, Style};
use std::str::FromStr;

/// Defines the theme roles with their config names and default colours.
macro_rules! roles {
    ($($field:ident => $name:literal, $default:expr, $what:literal;)+) => {
        /// The colour of each role (`None`: the terminal's default).
        #[derive(Debug, Clone, PartialEq)]
        pub struct Theme {
            $(#[doc = $what] pub $field: Option<Color>,)+
            /// False when `NO_COLOR` is set: only modifiers are used.
            pub color: bool,
        }

        impl Theme {
            /// Role names accepted in the config file's `[theme]` table.
            pub const ROLES: &'static [(&'static str, &'static str)] = &[$(($name, $what)),+];

            /// Set one role from the config file.
            pub fn set(&mut self, role: &str, color: Color) -> bool {
                match role { $($name => { self.$field = Some(color); true })+ _ => false }
            }
        }

        impl Default for Theme {
            fn default() -> Self {
                Theme { $($field: $default,)+ color: true }
            }
        }
    };
}

roles! {
    selected => "selected", Some(Color::Cyan), "the selected row (also shown reversed)";
    muted => "muted", Some(Color::DarkGray), "secondary text and hints";
    title => "title", Some(Color::Cyan), "titles and headers (also bold)";
    accent => "accent", Some(Color::Magenta), "keys in the hint bar, active tab";
    alert => "alert", Some(Color::LightRed), "errors, overdue items, blockers";
    warn => "warn", Some(Color::Yellow), "warnings and items due soon";
    ok => "ok", Some(Color::Green), "confirmations";
    border => "border", Some(Color::DarkGray), "panel borders";
    matched => "match", Some(Color::Yellow), "letters matched by the filter (also underlined)";
    red => "red", Some(Color::Red), "red ratings and Not ready (with the letter R / ✗)";
    yellow => "yellow", Some(Color::Yellow), "yellow ratings and At risk (with Y / !)";
    green => "green", Some(Color::Green), "green ratings and Ready (with G / ✓)";
}

/// Parse a colour from the config: a name (red, light-blue, dark-gray...),
/// `#rrggbb`, or a number 0-255.
pub fn parse_color(s: &str) -> Result<Color, String> {
    Color::from_str(s.trim()).map_err(|_| {
        format!(
            "'{}' is not a colour: use a name (black, red, green, yellow, blue, magenta, cyan, gray, dark-gray, light-red, ..., white, reset), #rrggbb or 0-255",
            crate::text::sanitize(s)
        )
    })
}

impl Theme {
    /// The default theme, without colours when `NO_COLOR` is set.
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let mut t = Theme::default();
        if no_color {
            t.color = false;
        }
        t
    }

    fn fg(&self, c: Option<Color>) -> Style {
        match c {
            Some(c) if self.color => Style::default().fg(c),
            _ => Style::default(),
        }
    }

    /// Plain text.
    pub fn text(&self) -> Style {
        Style::default()
    }
    /// Secondary text.
    pub fn muted(&self) -> Style {
        if self.color {
            self.fg(self.muted)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }
    /// Titles.
    pub fn title(&self) -> Style {
        self.fg(self.title).add_modifier(Modifier::BOLD)
    }
    /// Column headers.
    pub fn header(&self) -> Style {
        self.fg(self.title).add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    /// Keys in hints and help.
    pub fn key(&self) -> Style {
        self.fg(self.accent).add_modifier(Modifier::BOLD)
    }
    /// The selected row: reversed always, so it shows without colour.
    pub fn selected(&self) -> Style {
        self.fg(self.selected).add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
    /// A selected row in a pane that does not have the focus.
    pub fn selected_unfocused(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    /// Errors, overdue.
    pub fn alert(&self) -> Style {
        self.fg(self.alert).add_modifier(Modifier::BOLD)
    }
    /// Warnings, due soon.
    pub fn warn(&self) -> Style {
        self.fg(self.warn)
    }
    /// Confirmations.
    pub fn ok(&self) -> Style {
        self.fg(self.ok)
    }
    /// Panel borders.
    pub fn border(&self) -> Style {
        self.fg(self.border)
    }
    /// Focused panel borders.
    pub fn border_focused(&self) -> Style {
        self.fg(self.selected).add_modifier(Modifier::BOLD)
    }
    /// Fuzzy-matched letters: underlined and bold, coloured when allowed.
    pub fn matched(&self) -> Style {
        self.fg(self.matched)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    /// A RAG rating (the letter is always shown alongside).
    pub fn rag(&self, r: Option<Rag>) -> Style {
        match r {
            Some(Rag::Red) => self.fg(self.red).add_modifier(Modifier::BOLD),
            Some(Rag::Yellow) => self.fg(self.yellow).add_modifier(Modifier::BOLD),
            Some(Rag::Green) => self.fg(self.green),
            None => self.muted(),
        }
    }
    /// A heatmap cell: background colour when colour is on.
    pub fn rag_cell(&self, r: Option<Rag>) -> Style {
        if !self.color {
            return self.rag(r);
        }
        match r {
            Some(Rag::Red) => Style::default()
                .bg(self.red.unwrap_or(Color::Red))
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            Some(Rag::Yellow) => Style::default()
                .bg(self.yellow.unwrap_or(Color::Yellow))
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD),
            Some(Rag::Green) => Style::default().bg(self.green.unwrap_or(Color::Green)).fg(Color::Black),
            None => self.muted(),
        }
    }
    /// A readiness verdict (the mark is always shown alongside).
    pub fn verdict(&self, v: Verdict) -> Style {
        match v {
            Verdict::NotReady => self.rag(Some(Rag::Red)),
            Verdict::AtRisk => self.rag(Some(Rag::Yellow)),
            Verdict::Ready => self.rag(Some(Rag::Green)),
        }
    }
    /// A checklist state (the mark is always shown alongside).
    pub fn item_state(&self, s: ItemState) -> Style {
        match s {
            ItemState::Done => self.ok(),
            ItemState::Na => self.muted(),
            ItemState::Blocked => self.alert(),
            ItemState::Doing => self.warn(),
            ItemState::Todo => Style::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_keeps_modifiers() {
        let t = Theme {
            color: false,
            ..Theme::default()
        };
        assert_eq!(t.selected().fg, None);
        assert!(t.selected().add_modifier.contains(Modifier::REVERSED));
        assert_eq!(t.rag(Some(Rag::Red)).fg, None);
        assert!(parse_color("light-red").is_ok());
        assert!(parse_color("#ff8800").is_ok());
        assert!(parse_color("nope").unwrap_err().contains("not a colour"));
    }
}
