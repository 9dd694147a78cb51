//! The help overlay, one component: the keys of the screen it was opened
//! on, generated from the keymap; its state, keys and drawing live here.

use super::action::Action;
use super::app::Ui;
use super::draw::{centered, fit};
use super::keymap::Mode;
use super::widgets::textscroll::TextScroll;
use crate::text::{sanitize, width};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// What the overlay asks of the app after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    Close,
}

#[derive(Debug, Clone)]
pub struct HelpState {
    /// The mode whose keys are listed.
    pub mode: Mode,
    pub scroll: TextScroll,
}

impl HelpState {
    pub fn new(mode: Mode) -> HelpState {
        HelpState {
            mode,
            scroll: TextScroll::default(),
        }
    }

    pub fn handle(&mut self, a: Action, page: usize) -> Outcome {
        if self.scroll.handle(a, page) {
            return Outcome::Stay;
        }
        match a {
            Action::Back | Action::Help => Outcome::Close,
            _ => Outcome::Stay,
        }
    }

    /// Help for the current screen, generated from the keymap.
    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let mode = self.mode;
        let t = &ui.config.theme;
        let mut lines = Vec::new();
        let sections = ui.config.keymap.help(mode);
        let key_w = sections
            .iter()
            .flat_map(|(_, v)| v.iter().map(|(k, _)| width(k)))
            .max()
            .unwrap_or(6)
            .min(22);
        for (title, entries) in &sections {
            lines.push(Line::from(Span::styled(title.to_string(), t.header())));
            for (k, d) in entries {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {} ", fit(k, key_w)), t.key()),
                    Span::raw(d.to_string()),
                ]));
            }
            lines.push(Line::raw(""));
        }
        lines.push(Line::from(Span::styled(
            // Non-breaking spaces keep each mark with its meaning when the
            // legend wraps ("[ ] to do" never splits).
            "Marks: R Y G · ratings (·\u{a0}unscored) · ✗\u{a0}not\u{a0}ready, !\u{a0}at\u{a0}risk, ✓\u{a0}ready · [\u{a0}]\u{a0}to\u{a0}do [~]\u{a0}doing [x]\u{a0}done [-]\u{a0}n/a [!]\u{a0}blocked · ◆\u{a0}gate · d37!\u{a0}overdue",
            t.muted(),
        )));
        let src = match &ui.config.path {
            Some(p) => format!("Keys and colours come from {}", sanitize(&p.display().to_string())),
            None => "Keys and colours can be changed in a config file: see assets/config.example.toml (LASTMILE_CONFIG sets its path)".into(),
        };
        lines.push(Line::from(Span::styled(src, t.muted())));
        let w = area.width.saturating_sub(4).min(96);
        let h = (lines.len() as u16 + 2).min(area.height);
        let r = centered(area, w, h);
        let inner = ui.popup(f, r, &format!("Help: {} (j/k scroll, Esc closes)", mode.label()));
        // Rows once wrapped, so the end of the help can be reached.
        let cols = (inner.width as usize).max(1);
        let rows = crate::ui::draw::paragraph_rows(&lines, cols);
        let top = self.scroll.fit(rows, inner.height as usize);
        f.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((top as u16, 0)),
            inner,
        );
    }
}
