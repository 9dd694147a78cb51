//! Mouse: clicks select rows and tabs (a click on the selected row opens
//! it), header clicks sort, the wheel scrolls. Only when mouse support is
//! on in the config; otherwise the terminal keeps its own selection.

use super::action::Action;
use super::app::{App, ListTarget, TABS};
use super::overlay::Overlay;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

fn inside(r: &Rect, x: u16, y: u16) -> bool {
    r.contains(Position { x, y })
}

impl App {
    pub(crate) fn on_mouse(&mut self, m: MouseEvent) {
        let (x, y) = (m.column, m.row);
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => self.click(x, y),
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                let a = if m.kind == MouseEventKind::ScrollUp {
                    Action::Up
                } else {
                    Action::Down
                };
                let target = self
                    .hits
                    .borrow()
                    .scroll_areas
                    .iter()
                    .find(|(r, _)| inside(r, x, y))
                    .map(|(_, t)| *t);
                if let (Some(ListTarget::BoardPilots(p)), None) = (target, self.overlays.last()) {
                    self.boards[p.index()].focus_checklist = false;
                }
                if let (Some(ListTarget::Checklist(p)), None) = (target, self.overlays.last()) {
                    self.boards[p.index()].focus_checklist = true;
                }
                for _ in 0..3 {
                    self.update(a);
                }
            }
            _ => {}
        }
    }

    fn click(&mut self, x: u16, y: u16) {
        let hits = self.hits.borrow().clone();
        if self.overlays.is_empty() {
            if let Some((_, i)) = hits.tabs.iter().find(|(r, _)| inside(r, x, y)) {
                self.go(TABS[*i]);
                return;
            }
            if let Some((_, k)) = hits.headers.iter().find(|(r, _)| inside(r, x, y)) {
                self.sort_by(*k);
                return;
            }
        }
        let Some((_, target, idx)) = hits.rows.iter().find(|(r, _, _)| inside(r, x, y)).copied() else {
            return;
        };
        let again = match target {
            ListTarget::Portfolio => {
                let again = self.portfolio.scroll.selected == idx;
                self.portfolio.scroll.selected = idx;
                again
            }
            ListTarget::BoardPilots(p) => {
                let b = &mut self.boards[p.index()];
                let again = b.pilots.selected == idx && !b.focus_checklist;
                if b.pilots.selected != idx {
                    b.items.selected = 0;
                }
                b.pilots.selected = idx;
                b.focus_checklist = false;
                again
            }
            ListTarget::Checklist(p) => {
                let b = &mut self.boards[p.index()];
                let again = b.items.selected == idx && b.focus_checklist;
                b.items.selected = idx;
                b.focus_checklist = true;
                again
            }
            ListTarget::Decisions => {
                let again = self.decisions.scroll.selected == idx;
                self.decisions.scroll.selected = idx;
                again
            }
            ListTarget::Attention => {
                let again = self.attention.scroll.selected == idx;
                self.attention.scroll.selected = idx;
                again
            }
            ListTarget::Why
            | ListTarget::Menu
            | ListTarget::Picker
            | ListTarget::Rights
            | ListTarget::Programme
            | ListTarget::Vendor => {
                let s = match self.overlays.last_mut() {
                    Some(Overlay::Rights(r)) => &mut r.scroll,
                    Some(Overlay::Programme(p)) => &mut p.scroll,
                    Some(Overlay::Vendor(v)) => &mut v.scroll,
                    Some(Overlay::Why(w)) => &mut w.scroll,
                    Some(Overlay::Menu(m)) => &mut m.scroll,
                    Some(Overlay::Picker(p)) => &mut p.scroll,
                    _ => return,
                };
                let again = s.selected == idx;
                s.selected = idx;
                again
            }
        };
        if again {
            self.update(Action::Open);
        } else {
            self.ensure_loaded();
        }
    }
}
