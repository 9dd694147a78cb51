//! The note editor, one component: the text being written, its keys and
//! its drawing live here. Saving is an effect the app runs; the editor
//! closes only once it has committed.

use super::action::Action;
use super::app::Ui;
use super::draw::centered;
use super::effect::Effect;
use super::widgets::textbuf::TextBuf;
use crate::domain::model::{ChecklistItem, ItemState};
use crate::text::{sanitize, sanitize_with, truncate};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

#[derive(Debug, Clone)]
pub struct EditorState {
    pub title: String,
    pub context: String,
    pub buf: TextBuf,
    pub original: String,
    pub item_id: i64,
    pub revision: i64,
    /// A state to set with the note, in the same transaction (marking an
    /// item not applicable asks for its reason first).
    pub then: Option<ItemState>,
    /// Why the last save was not attempted.
    pub error: Option<String>,
    /// The item is on the programme checklist, not a pilot's.
    pub programme: bool,
}

/// What a key in the editor asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    /// Nothing was changed: close.
    Close,
    /// Esc over changed text: ask before throwing it away.
    AskDiscard,
    /// Save: run this; close only once it has committed.
    Save(Box<Effect>),
}

impl EditorState {
    /// Edit an item's note or evidence.
    pub fn note(item: &ChecklistItem) -> EditorState {
        let note = sanitize_with(&item.note, true);
        EditorState {
            title: "Note or evidence".into(),
            context: sanitize(&item.text),
            buf: TextBuf::multiline(&note),
            original: note,
            item_id: item.id,
            revision: item.revision,
            then: None,
            error: None,
            programme: false,
        }
    }

    /// Edit a programme item's note or evidence; with `na`, ask why it
    /// does not apply (saving marks it not applicable).
    pub fn programme(item: &crate::domain::model::ProgrammeItem, na: bool) -> EditorState {
        let note = if na {
            String::new()
        } else {
            sanitize_with(&item.note, true)
        };
        EditorState {
            title: if na {
                "Why does it not apply?".into()
            } else {
                "Note or evidence".into()
            },
            context: format!("Programme: {}", sanitize(&item.text)),
            buf: TextBuf::multiline(&note),
            original: note,
            item_id: item.id,
            revision: item.revision,
            then: na.then_some(ItemState::Na),
            error: None,
            programme: true,
        }
    }

    /// Ask why an item does not apply; saving marks it not applicable.
    pub fn na_reason(item: &ChecklistItem) -> EditorState {
        EditorState {
            title: "Why does it not apply?".into(),
            context: sanitize(&item.text),
            buf: TextBuf::multiline(""),
            original: String::new(),
            item_id: item.id,
            revision: item.revision,
            then: Some(ItemState::Na),
            error: None,
            programme: false,
        }
    }

    pub fn dirty(&self) -> bool {
        self.buf.text() != self.original
    }

    pub fn handle(&mut self, a: Action) -> Outcome {
        match a {
            Action::Submit if self.then == Some(ItemState::Na) && self.buf.text().trim().is_empty() => {
                self.error = Some("write the reason it does not apply first (Esc leaves the item as it was)".into());
                Outcome::Stay
            }
            Action::Submit if self.programme => Outcome::Save(Box::new(Effect::Programme {
                id: self.item_id,
                revision: self.revision,
                change: super::effect::ProgrammeChange::Note(self.buf.text().to_string(), self.then),
            })),
            Action::Submit => Outcome::Save(Box::new(Effect::ItemNote {
                item_id: self.item_id,
                revision: self.revision,
                note: self.buf.text().to_string(),
                then: self.then,
            })),
            Action::Back if self.dirty() => Outcome::AskDiscard,
            Action::Back => Outcome::Close,
            _ => Outcome::Stay,
        }
    }

    pub fn input(&mut self, k: &KeyEvent) {
        self.buf.handle_key(k);
        self.error = None;
    }

    pub fn paste(&mut self, s: &str) {
        self.buf.insert_str(s);
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let e = self;
        let t = &ui.config.theme;
        let w = area.width.saturating_sub(4).min(100);
        let h = area.height.saturating_sub(2).min(20);
        let inner = ui.popup(
            f,
            centered(area, w, h),
            &format!("{} (Ctrl-S saves, Esc cancels)", e.title),
        );
        f.render_widget(
            Paragraph::new(Span::styled(truncate(&e.context, inner.width as usize), t.muted())),
            Rect { height: 1, ..inner },
        );
        if let Some(err) = &e.error {
            f.render_widget(
                Paragraph::new(Span::styled(
                    truncate(&format!("✗ {}", sanitize(err)), inner.width as usize),
                    t.alert(),
                )),
                Rect {
                    y: inner.y + 1,
                    height: 1,
                    ..inner
                },
            );
        }
        let body = Rect {
            y: inner.y + 2,
            height: inner.height.saturating_sub(2),
            ..inner
        };
        let (lines, (row, col)) = e.buf.wrapped(body.width.saturating_sub(1) as usize);
        let h = body.height as usize;
        let off = row.saturating_sub(h.saturating_sub(1));
        let shown: Vec<Line> = lines.iter().skip(off).take(h).map(|l| Line::raw(l.clone())).collect();
        f.render_widget(Paragraph::new(shown), body);
        if h > 0 {
            f.set_cursor_position((body.x + col as u16, body.y + (row - off) as u16));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn item() -> ChecklistItem {
        ChecklistItem {
            id: 7,
            pilot_id: 1,
            item_key: "k".into(),
            phase: crate::domain::model::Phase::Assessment,
            section: String::new(),
            position: 1,
            text: "An item".into(),
            gate: false,
            state: ItemState::Todo,
            owner_id: None,
            owner: None,
            due_day: 10,
            note: "kept".into(),
            revision: 3,
            updated_at: String::new(),
            updated_by: String::new(),
        }
    }

    #[test]
    fn saving_is_an_effect_and_changed_text_is_never_dropped_silently() {
        let mut e = EditorState::note(&item());
        assert_eq!(e.handle(Action::Back), Outcome::Close);
        e.input(&KeyEvent::new(KeyCode::Char('!'), KeyModifiers::NONE));
        assert_eq!(e.handle(Action::Back), Outcome::AskDiscard);
        match e.handle(Action::Submit) {
            Outcome::Save(effect) => {
                let Effect::ItemNote {
                    item_id,
                    revision,
                    note,
                    then,
                } = *effect
                else {
                    panic!("{effect:?}")
                };
                assert_eq!((item_id, revision, then), (7, 3, None));
                assert!(note.starts_with("kept") && note.contains('!'), "{note}");
            }
            o => panic!("{o:?}"),
        }
        let mut na = EditorState::na_reason(&item());
        assert_eq!(na.then, Some(ItemState::Na));
        assert_eq!(na.handle(Action::Submit), Outcome::Stay, "no reason, no save");
        assert!(na.error.as_deref().is_some_and(|e| e.contains("reason")));
        na.input(&KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
        assert_eq!(na.error, None);
    }
}
