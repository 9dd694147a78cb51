//! A one-line prompt, one component: the typed line, its error, its keys
//! and its drawing live here; what the line is for is the app's routing.

use super::action::Action;
use super::app::Ui;
use super::draw::centered;
use super::widgets::textbuf::TextBuf;
use crate::text::sanitize;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// What a typed line is for.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptPurpose {
    /// Who the user is (asked once when it cannot be known).
    Name,
    Export,
    Import,
    MetricValue {
        metric_id: i64,
        revision: i64,
    },
    /// Why a pilot with a red flag in problem selection joins the
    /// shortlist anyway.
    ShortlistReason {
        pilot_id: i64,
        revision: i64,
    },
    /// The threshold under which `person_id` holds a decision right.
    RightThreshold {
        pilot_id: i64,
        key: String,
        name: String,
        person_id: i64,
        seen: Option<i64>,
    },
    /// The vendor a pilot is built with.
    VendorName {
        pilot_id: i64,
        seen: Option<i64>,
    },
    /// Why a pilot is built in-house.
    VendorReason {
        pilot_id: i64,
        seen: Option<i64>,
    },
    /// What the vendor handed over for one ask.
    VendorEvidence {
        pilot_id: i64,
        key: String,
        name: String,
        seen: Option<i64>,
    },
}

#[derive(Debug, Clone)]
pub struct PromptState {
    pub title: String,
    pub label: String,
    pub input: TextBuf,
    pub error: Option<String>,
    pub purpose: PromptPurpose,
}

/// What a key in the prompt asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    /// Esc: close without doing anything.
    Cancel,
    /// Enter: do what the prompt is for with this (trimmed) line; the
    /// prompt stays open until that has worked.
    Submit(String),
}

impl PromptState {
    pub fn new(title: String, label: String, value: &str, purpose: PromptPurpose) -> PromptState {
        PromptState {
            title,
            label,
            input: TextBuf::new(value),
            error: None,
            purpose,
        }
    }

    pub fn handle(&mut self, a: Action) -> Outcome {
        match a {
            Action::Submit => Outcome::Submit(self.input.text().trim().to_string()),
            Action::Back => Outcome::Cancel,
            _ => Outcome::Stay,
        }
    }

    /// A typed key edits the line and clears the last error.
    pub fn input(&mut self, k: &KeyEvent) {
        self.input.handle_key(k);
        self.error = None;
    }

    pub fn paste(&mut self, s: &str) {
        self.input.insert_str(s);
        self.error = None;
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let p = self;
        let t = &ui.config.theme;
        let w = area.width.saturating_sub(4).min(80);
        let err = p.error.as_ref().map(|e| format!("✗ {}", sanitize(e)));
        // The whole error is shown, wrapped.
        let err_rows = err
            .as_deref()
            .map_or(0, |e| super::draw::wrapped_rows(e, w.saturating_sub(2) as usize) as u16);
        // A long question wraps rather than being cut.
        let label_rows = (super::draw::wrapped_rows(&p.label, w.saturating_sub(2) as usize) as u16).max(1);
        let inner = ui.popup(f, centered(area, w, 4 + label_rows + err_rows), &p.title);
        f.render_widget(
            Paragraph::new(Span::styled(p.label.clone(), t.muted())).wrap(Wrap { trim: true }),
            Rect {
                height: label_rows,
                ..inner
            },
        );
        let field = Rect {
            y: inner.y + label_rows,
            height: 1,
            ..inner
        };
        let (shown, cur) = p.input.window(field.width.saturating_sub(1) as usize);
        f.render_widget(
            Paragraph::new(Span::styled(shown, Style::default().add_modifier(Modifier::UNDERLINED))),
            field,
        );
        f.set_cursor_position((field.x + cur as u16, field.y));
        if let Some(e) = err {
            let er = Rect {
                y: inner.y + label_rows + 2,
                height: inner.height.saturating_sub(label_rows + 2),
                ..inner
            };
            f.render_widget(Paragraph::new(Span::styled(e, t.alert())).wrap(Wrap { trim: true }), er);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn enter_hands_over_the_trimmed_line_and_typing_clears_the_error() {
        let mut p = PromptState::new("Export".into(), "file".into(), " log.md ", PromptPurpose::Export);
        assert_eq!(p.handle(Action::Submit), Outcome::Submit("log.md".into()));
        p.error = Some("exists".into());
        p.input(&KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
        assert_eq!(p.error, None);
        assert_eq!(p.handle(Action::Back), Outcome::Cancel);
    }
}
