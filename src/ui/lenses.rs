//! The reference panel, one component: the playbook's lenses that belong
//! to the phase in view (the five production conditions while hardening,
//! the readiness questions in Assessment...), so a workshop room sees them
//! while it reviews. Its state, its keys and its drawing live here.

use super::action::Action;
use super::draw::centered;
use super::theme::Theme;
use super::widgets::textscroll::TextScroll;
use crate::domain::model::Phase;
use crate::playbook::Playbook;
use crate::text::sanitize;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// What the panel asks of the app after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    Close,
}

/// The panel: the lenses of one phase (or all), as text.
#[derive(Debug, Clone)]
pub struct LensesState {
    pub phase: Option<Phase>,
    /// (name, source, items), sanitised.
    pub lenses: Vec<(String, String, Vec<String>)>,
    pub scroll: TextScroll,
}

impl LensesState {
    /// The lenses of `phase` (every lens when `None`).
    pub fn new(pb: &Playbook, phase: Option<Phase>) -> LensesState {
        let lenses = pb
            .lenses
            .iter()
            .filter(|l| phase.is_none_or(|p| l.applies_to(p)))
            .map(|l| {
                (
                    sanitize(&l.name),
                    sanitize(&l.source),
                    l.items.iter().map(|i| sanitize(i)).collect(),
                )
            })
            .collect();
        LensesState {
            phase,
            lenses,
            scroll: TextScroll::default(),
        }
    }

    pub fn handle(&mut self, a: Action, page: usize) -> Outcome {
        if self.scroll.handle(a, page) {
            return Outcome::Stay;
        }
        match a {
            Action::Back | Action::Reference => Outcome::Close,
            _ => Outcome::Stay,
        }
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, t: &Theme) {
        let mut lines: Vec<Line> = Vec::new();
        if self.lenses.is_empty() {
            lines.push(Line::from(Span::styled(
                "The playbook has no lens for this phase.",
                t.muted(),
            )));
        }
        for (i, (name, source, items)) in self.lenses.iter().enumerate() {
            if i > 0 {
                lines.push(Line::raw(""));
            }
            let src = if source.is_empty() {
                String::new()
            } else {
                format!("  (source {source})")
            };
            lines.push(Line::from(vec![
                Span::styled(name.clone(), t.header()),
                Span::styled(src, t.muted()),
            ]));
            for (n, item) in items.iter().enumerate() {
                lines.push(Line::raw(format!("  {:>2}. {item}", n + 1)));
            }
        }
        let w = area.width.saturating_sub(4).min(110);
        let cols = w.saturating_sub(2) as usize;
        let rows = super::draw::paragraph_rows(&lines, cols);
        let h = (rows as u16 + 2).min(area.height);
        let r = centered(area, w, h);
        f.render_widget(Clear, r);
        let title = match self.phase {
            Some(p) => format!(" Reference: {} · j/k scroll · Esc closes ", p.label()),
            None => " Reference: every lens · j/k scroll · Esc closes ".to_string(),
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border_focused())
            .title(Span::styled(title, t.title()));
        let inner = block.inner(r);
        f.render_widget(block, r);
        let top = self.scroll.fit(rows, inner.height as usize);
        f.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((top as u16, 0)),
            inner,
        );
    }
}
