//! A numbered menu, one component: its rows, the selection, its keys and
//! its drawing live here; what a choice leads to is the app's routing.

use super::action::Action;
use super::app::{ListTarget, Ui};
use super::draw::{centered, fit};
use super::widgets::list::Scroll;
use crate::domain::model::Role;
use crate::text::width;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// What a menu choice leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum MenuPurpose {
    /// Pick a role, then a person for it.
    AssignRole { pilot_id: i64 },
    /// Pick a role whose owner to remove.
    RemoveRole { pilot_id: i64 },
    /// Pick a metric, then type its current value.
    MetricValue { pilot_id: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    pub label: String,
    pub detail: String,
    /// What the choice means, shown under the list while it is selected.
    pub about: String,
}

#[derive(Debug, Clone)]
pub struct MenuState {
    pub title: String,
    pub items: Vec<MenuItem>,
    pub scroll: Scroll,
    pub purpose: MenuPurpose,
}

/// What a key in the menu asks of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    Close,
    /// Row `n` was chosen: close and follow it.
    Chose(usize),
}

impl MenuState {
    /// One row per owner role, each with who holds it now.
    /// The four owner roles, each with who holds it and what the playbook
    /// says the role answers for.
    pub fn roles(
        title: String,
        purpose: MenuPurpose,
        holder: impl Fn(Role) -> String,
        about: impl Fn(Role) -> String,
    ) -> MenuState {
        MenuState {
            title,
            items: Role::ALL
                .iter()
                .map(|r| MenuItem {
                    label: r.label().to_string(),
                    detail: holder(*r),
                    about: about(*r),
                })
                .collect(),
            scroll: Scroll::new(),
            purpose,
        }
    }

    pub fn handle(&mut self, a: Action) -> Outcome {
        match a {
            Action::Up => self.scroll.up(1),
            Action::Down => self.scroll.down(1, self.items.len()),
            Action::Top => self.scroll.top(),
            Action::Bottom => self.scroll.bottom(self.items.len()),
            Action::Open => return self.choose(self.scroll.selected),
            Action::Back => return Outcome::Close,
            _ => {}
        }
        Outcome::Stay
    }

    /// Choosing row `n` (a digit, a click): only rows that exist.
    pub fn choose(&self, n: usize) -> Outcome {
        if n < self.items.len() {
            Outcome::Chose(n)
        } else {
            Outcome::Stay
        }
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let m = self;
        let t = &ui.config.theme;
        let w = m
            .items
            .iter()
            .map(|i| width(&i.label) + width(&i.detail) + 8)
            .max()
            .unwrap_or(20)
            .max(width(&m.title) + 6)
            .min((area.width as usize).saturating_sub(2)) as u16;
        let about = m.items.get(m.scroll.selected).map_or("", |i| i.about.as_str());
        let about_rows = if m.items.iter().any(|i| !i.about.is_empty()) {
            2 + m
                .items
                .iter()
                .map(|i| super::draw::wrapped_rows(&i.about, w.saturating_sub(2) as usize) as u16)
                .max()
                .unwrap_or(0)
        } else {
            0
        };
        let h = (m.items.len() as u16 + 2 + about_rows).min(area.height);
        let outer = ui.popup(f, centered(area, w, h), &m.title);
        let inner = Rect {
            height: outer.height.saturating_sub(about_rows),
            ..outer
        };
        if about_rows > 0 {
            f.render_widget(
                Paragraph::new(Span::styled(about.to_string(), t.muted())).wrap(ratatui::widgets::Wrap { trim: true }),
                Rect {
                    y: inner.y + inner.height + 1,
                    height: about_rows.saturating_sub(1),
                    ..outer
                },
            );
        }
        let hgt = inner.height as usize;
        let off = m.scroll.window(m.items.len(), hgt);
        let label_w = m.items.iter().map(|i| width(&i.label)).max().unwrap_or(0);
        let mut lines = Vec::new();
        for (n, it) in m.items.iter().enumerate().skip(off).take(hgt) {
            ui.hit_row(inner, n - off, ListTarget::Menu, n);
            let mut line = Line::from(vec![
                Span::styled(format!("{} ", n + 1), t.key()),
                Span::raw(format!("{}  ", fit(&it.label, label_w))),
                Span::styled(it.detail.clone(), t.muted()),
            ]);
            if n == m.scroll.selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rows_that_exist_can_be_chosen() {
        let mut m = MenuState::roles(
            "Assign".into(),
            MenuPurpose::AssignRole { pilot_id: 1 },
            |_| String::new(),
            |_| String::new(),
        );
        assert_eq!(m.handle(Action::Bottom), Outcome::Stay);
        assert_eq!(m.handle(Action::Open), Outcome::Chose(Role::ALL.len() - 1));
        assert_eq!(m.choose(Role::ALL.len()), Outcome::Stay);
        assert_eq!(m.handle(Action::Back), Outcome::Close);
    }
}
