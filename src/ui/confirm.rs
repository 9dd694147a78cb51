//! The confirmation overlay, one component: a question and what a yes
//! does; its state, keys and drawing live here.

use super::action::Action;
use super::app::Ui;
use super::draw::centered;
use super::keymap::Mode;
use super::overlay::Pending;
use crate::text::width;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// A question waiting for yes or no.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmState {
    pub title: String,
    pub message: String,
    pub pending: Pending,
}

/// What the answer asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    /// Yes: close and do this.
    Yes(Pending),
    /// No: close, nothing done.
    No,
}

impl ConfirmState {
    pub fn handle(&self, a: Action) -> Outcome {
        match a {
            Action::Yes => Outcome::Yes(self.pending.clone()),
            Action::No | Action::Back => Outcome::No,
            _ => Outcome::Stay,
        }
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let c = self;
        let t = &ui.config.theme;
        let w = (width(&c.message) as u16 + 4).clamp(30, 70).min(area.width);
        // Rows once word-wrapped: the whole question is shown.
        let text_h = super::draw::wrapped_rows(&c.message, w.saturating_sub(2) as usize) as u16;
        let inner = ui.popup(f, centered(area, w, text_h + 4), &c.title);
        let km = &ui.config.keymap;
        let lines = vec![
            Line::raw(c.message.clone()),
            Line::raw(""),
            Line::from(vec![
                Span::styled(km.key_label(Mode::Confirm, crate::ui::action::Action::Yes), t.key()),
                Span::raw(" yes   "),
                Span::styled(km.key_label(Mode::Confirm, crate::ui::action::Action::No), t.key()),
                Span::raw(" no"),
            ]),
        ];
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
    }
}
