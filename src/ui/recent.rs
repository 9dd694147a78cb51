//! The "recent" overlay, one component: its state, its keys and its
//! drawing live here. Two lists: recent changes (this session's, from the
//! undo history, and other people's, from the audit trail) and every
//! message shown in this session, to reread one that went by.

use super::action::Action;
use super::draw::{centered, fit};
use super::state::MessageKind;
use super::theme::Theme;
use super::widgets::list::Scroll;
use crate::text::{sanitize, truncate, width};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// How many messages the session keeps for the log.
pub const MESSAGES_KEPT: usize = 500;

/// Which list is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecentView {
    Changes,
    Messages,
}

/// One line of either list.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentRow {
    /// "HH:MM" or a date and time.
    pub when: String,
    /// Who made the change (empty for messages).
    pub who: String,
    /// The pilot's name, sanitised (empty when none).
    pub pilot: String,
    pub pilot_id: Option<i64>,
    pub text: String,
    /// For messages: how it was shown.
    pub kind: Option<MessageKind>,
}

/// A message as the log keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedMessage {
    pub when: String,
    pub kind: MessageKind,
    pub text: String,
}

/// What the overlay asks of the app after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    Close,
    /// Close and bring this pilot into view.
    ShowPilot(i64),
}

#[derive(Debug, Clone)]
pub struct RecentState {
    pub view: RecentView,
    pub changes: Vec<RecentRow>,
    pub messages: Vec<RecentRow>,
    pub scroll: Scroll,
}

impl RecentState {
    pub fn new(view: RecentView, changes: Vec<RecentRow>, messages: Vec<RecentRow>) -> RecentState {
        RecentState {
            view,
            changes,
            messages,
            scroll: Scroll::new(),
        }
    }

    fn rows(&self) -> &[RecentRow] {
        match self.view {
            RecentView::Changes => &self.changes,
            RecentView::Messages => &self.messages,
        }
    }

    /// Keys of the overlay.
    pub fn handle(&mut self, a: Action, page: usize) -> Outcome {
        let n = self.rows().len();
        match a {
            Action::Up => self.scroll.up(1),
            Action::Down => self.scroll.down(1, n),
            Action::PageUp => self.scroll.up(page),
            Action::PageDown => self.scroll.down(page, n),
            Action::Top => self.scroll.top(),
            Action::Bottom => self.scroll.bottom(n),
            Action::NextScreen | Action::PrevScreen | Action::Left | Action::Right => {
                self.view = match self.view {
                    RecentView::Changes => RecentView::Messages,
                    RecentView::Messages => RecentView::Changes,
                };
                self.scroll = Scroll::new();
            }
            Action::Open => {
                return match self.rows().get(self.scroll.selected).and_then(|r| r.pilot_id) {
                    Some(p) => Outcome::ShowPilot(p),
                    None => Outcome::Stay,
                }
            }
            Action::Back | Action::History | Action::Messages => return Outcome::Close,
            _ => {}
        }
        Outcome::Stay
    }

    /// Draw over `area`; returns the number of list rows (for paging).
    pub fn draw(&self, f: &mut Frame, area: Rect, t: &Theme) -> usize {
        let w = area.width.saturating_sub(4).min(150);
        let h = area.height.saturating_sub(2).max(6);
        let r = centered(area, w, h);
        f.render_widget(Clear, r);
        let title = match self.view {
            RecentView::Changes => " Recent changes · tab: messages · Enter goes to the pilot · Esc closes ",
            RecentView::Messages => " Messages · tab: recent changes · Esc closes ",
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border_focused())
            .title(Span::styled(truncate(title, w.saturating_sub(2) as usize), t.title()));
        let inner = block.inner(r);
        f.render_widget(block, r);
        let rows = self.rows();
        if rows.is_empty() {
            let none = match self.view {
                RecentView::Changes => "No changes yet in this session or in the audit trail.",
                RecentView::Messages => "No messages yet.",
            };
            f.render_widget(Paragraph::new(Span::styled(none, t.muted())), inner);
            return 1;
        }
        // The selected row in full under the list: rows are cut to fit,
        // this never is (up to three wrapped lines).
        let (inner, foot) = if inner.height >= 8 {
            let [list, _, foot] =
                Layout::vertical([Constraint::Min(3), Constraint::Length(1), Constraint::Length(3)]).areas(inner);
            (list, Some(foot))
        } else {
            (inner, None)
        };
        if let (Some(foot), Some(row)) = (foot, rows.get(self.scroll.selected)) {
            let mut who = [row.who.as_str(), row.pilot.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · ");
            if !who.is_empty() {
                who.push_str(": ");
            }
            f.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(format!("{} ", row.when), t.muted()),
                    Span::styled(who, t.title()),
                    Span::raw(row.text.clone()),
                ]))
                .wrap(Wrap { trim: false }),
                foot,
            );
        }
        let cols = inner.width as usize;
        let when_w = rows.iter().map(|r| width(&r.when)).max().unwrap_or(5);
        let who_w = rows.iter().map(|r| width(&r.who)).max().unwrap_or(0).min(20);
        let pilot_w = rows.iter().map(|r| width(&r.pilot)).max().unwrap_or(0).min(32);
        let height = inner.height as usize;
        let off = self.scroll.window(rows.len(), height);
        let mut lines = Vec::new();
        for (i, row) in rows.iter().enumerate().skip(off).take(height) {
            let mut spans = vec![Span::styled(format!("{} ", fit(&row.when, when_w)), t.muted())];
            let mut used = when_w + 1;
            if let Some(kind) = row.kind {
                let (mark, style) = match kind {
                    MessageKind::Error => ("✗ ", t.alert()),
                    MessageKind::Ok => ("✓ ", t.ok()),
                    MessageKind::Info => ("› ", t.warn()),
                };
                spans.push(Span::styled(mark, style));
                used += 2;
            }
            if who_w > 0 {
                spans.push(Span::styled(format!("{} ", fit(&row.who, who_w)), t.title()));
                used += who_w + 1;
            }
            if pilot_w > 0 {
                spans.push(Span::raw(format!("{} ", fit(&row.pilot, pilot_w))));
                used += pilot_w + 1;
            }
            spans.push(Span::raw(truncate(&row.text, cols.saturating_sub(used))));
            let mut line = Line::from(spans);
            if i == self.scroll.selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), inner);
        height
    }
}

/// A row for the messages list from the log (newest first).
pub fn message_rows(log: &[LoggedMessage]) -> Vec<RecentRow> {
    log.iter()
        .rev()
        .map(|m| RecentRow {
            when: m.when.clone(),
            who: String::new(),
            pilot: String::new(),
            pilot_id: None,
            text: sanitize(&m.text),
            kind: Some(m.kind),
        })
        .collect()
}
