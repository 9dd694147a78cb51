//! The programme checklist, one component: the work done once for the
//! whole portfolio (the playbook's items with `scope = "programme"`),
//! with its keys and drawing. Changing an item is an effect the app runs;
//! a note (or the reason an item does not apply) is written in the note
//! editor, an owner picked in the person picker.

use super::action::Action;
use super::app::{ListTarget, Ui};
use super::draw::{centered, fit};
use super::widgets::list::Scroll;
use crate::domain::model::{ItemState, ProgrammeItem};
use crate::text::{sanitize, truncate};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

#[derive(Debug, Clone, Default)]
pub struct ProgrammeState {
    pub scroll: Scroll,
}

/// What a key on the programme checklist asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    Close,
    /// Set the item's state.
    State {
        id: i64,
        revision: i64,
        state: ItemState,
    },
    /// Write the item's note; with `na`, the reason it does not apply.
    Note {
        id: i64,
        na: bool,
    },
    /// Pick who does the item.
    Owner {
        id: i64,
        revision: i64,
        current: Option<i64>,
    },
    /// Nobody does it any more.
    ClearOwner {
        id: i64,
        revision: i64,
    },
    Undo,
    Say(String),
}

impl ProgrammeState {
    /// Open on the first open item (or the first).
    pub fn new(items: &[ProgrammeItem]) -> ProgrammeState {
        let mut s = ProgrammeState::default();
        s.scroll.selected = items.iter().position(|i| i.state.is_open()).unwrap_or(0);
        s
    }

    pub fn handle(&mut self, a: Action, items: &[ProgrammeItem]) -> Outcome {
        let n = items.len();
        self.scroll.selected = self.scroll.selected.min(n.saturating_sub(1));
        let Some(item) = items.get(self.scroll.selected) else {
            return match a {
                Action::Back | Action::Programme => Outcome::Close,
                _ => Outcome::Stay,
            };
        };
        let state = |state| Outcome::State {
            id: item.id,
            revision: item.revision,
            state,
        };
        match a {
            Action::Up => self.scroll.up(1),
            Action::Down => self.scroll.down(1, n),
            Action::Top => self.scroll.top(),
            Action::Bottom => self.scroll.bottom(n),
            Action::ToggleDone => {
                return state(if item.state == ItemState::Done {
                    ItemState::Todo
                } else {
                    ItemState::Done
                })
            }
            Action::StateDone => return state(ItemState::Done),
            Action::StateTodo => return state(ItemState::Todo),
            Action::StateDoing => return state(ItemState::Doing),
            Action::StateBlocked => return state(ItemState::Blocked),
            Action::StateNa if item.note.trim().is_empty() => return Outcome::Note { id: item.id, na: true },
            Action::StateNa => return state(ItemState::Na),
            Action::Note | Action::Open => return Outcome::Note { id: item.id, na: false },
            Action::Owner => {
                return Outcome::Owner {
                    id: item.id,
                    revision: item.revision,
                    current: item.owner_id,
                }
            }
            Action::ClearOwner if item.owner_id.is_none() => {
                return Outcome::Say("nobody is named for this item".into())
            }
            Action::ClearOwner => {
                return Outcome::ClearOwner {
                    id: item.id,
                    revision: item.revision,
                }
            }
            Action::Undo => return Outcome::Undo,
            Action::Back | Action::Programme => return Outcome::Close,
            _ => {}
        }
        Outcome::Stay
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let t = &ui.config.theme;
        let items = &ui.programme_items;
        let width = area.width.saturating_sub(4).min(130);
        let height = (items.len() as u16 + 9).clamp(10, area.height);
        let inner = ui.popup(f, centered(area, width, height), "Programme checklist");
        let open = items.iter().filter(|i| i.state.is_open()).count();
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(format!("{open} of {} open  ", items.len())),
                Span::styled("space done · e note · o owner · ? keys", t.muted()),
            ])),
            Rect { height: 1, ..inner },
        );
        if items.is_empty() {
            f.render_widget(
                Paragraph::new(Span::styled(
                    "The playbook has no programme-wide items, or this file lacks them: 'lastmile playbook sync' adds them.",
                    t.muted(),
                ))
                .wrap(Wrap { trim: true }),
                Rect {
                    y: inner.y + 2,
                    height: inner.height.saturating_sub(2),
                    ..inner
                },
            );
            return;
        }
        let w = inner.width as usize;
        let list = Rect {
            y: inner.y + 2,
            height: inner.height.saturating_sub(6),
            ..inner
        };
        let h = list.height as usize;
        let off = self.scroll.window(items.len(), h);
        let owner_w = items
            .iter()
            .filter_map(|i| i.owner.as_ref().map(|o| o.chars().count()))
            .max()
            .unwrap_or(6)
            .clamp(6, 20);
        let mut lines = Vec::new();
        for (n, i) in items.iter().enumerate().skip(off).take(h) {
            ui.hit_row(list, n - off, ListTarget::Programme, n);
            let late = i.state.is_open() && i.due_day < ui.day;
            let due = format!("d{}{}", i.due_day, if late { "!" } else { "" });
            let text_w = w.saturating_sub(4 + 6 + owner_w + 2);
            let mut line = Line::from(vec![
                Span::raw(format!("{} ", i.state.mark())),
                Span::raw(format!("{} ", fit(&sanitize(&i.text), text_w))),
                Span::styled(format!("{due:<6}"), if late { t.alert() } else { t.muted() }),
                Span::raw(fit(
                    &i.owner.as_deref().map(sanitize).unwrap_or_else(|| "—".into()),
                    owner_w,
                )),
            ]);
            if n == self.scroll.selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), list);
        // The selected item: its phase and its note in full.
        if let Some(i) = items.get(self.scroll.selected) {
            let note = if i.note.trim().is_empty() {
                "no note yet (e writes one: the evidence, or why it does not apply)".to_string()
            } else {
                sanitize(&i.note)
            };
            let text = format!(
                "{} ({}, {}): {note}",
                sanitize(&i.text),
                i.phase.label(),
                truncate(&sanitize(&i.section), 40)
            );
            f.render_widget(
                Paragraph::new(Span::styled(text, t.muted())).wrap(Wrap { trim: true }),
                Rect {
                    y: inner.y + inner.height.saturating_sub(4),
                    height: 4.min(inner.height),
                    ..inner
                },
            );
        }
    }
}
