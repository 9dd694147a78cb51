//! The decision-rights matrix of one pilot, one component: every right the
//! playbook lists with who holds it and under what threshold; its keys
//! and drawing live here. Giving a right to someone (the picker, then the
//! threshold prompt) and taking it away are the app's routing.

use super::action::Action;
use super::app::{ListTarget, Ui};
use super::draw::{centered, fit};
use super::widgets::list::Scroll;
use crate::domain::rights::{coverage, RightRow};
use crate::text::{sanitize, truncate};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

#[derive(Debug, Clone)]
pub struct RightsState {
    pub pilot_id: i64,
    pub pilot: String,
    pub scroll: Scroll,
}

/// What a key in the matrix asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    Close,
    /// Give the right to someone (pick a person, then say the threshold).
    Assign {
        key: String,
        name: String,
        /// Who holds it now and under what threshold.
        current: Option<(i64, String)>,
        /// The row's revision as seen (`None`: unassigned).
        seen: Option<i64>,
    },
    /// Take the right from its holder (after a confirmation).
    Clear {
        key: String,
        name: String,
        person: String,
        revision: i64,
    },
    /// Nothing to do, and why.
    Say(String),
    /// Undo the last change to this pilot (the matrix stays open).
    Undo,
}

impl RightsState {
    pub fn new(pilot_id: i64, pilot: &str) -> RightsState {
        RightsState {
            pilot_id,
            pilot: pilot.to_string(),
            scroll: Scroll::new(),
        }
    }

    /// A key, against the matrix as it is now.
    pub fn handle(&mut self, a: Action, rows: &[RightRow]) -> Outcome {
        let n = rows.len();
        self.scroll.selected = self.scroll.selected.min(n.saturating_sub(1));
        let row = rows.get(self.scroll.selected);
        match a {
            Action::Up => self.scroll.up(1),
            Action::Down => self.scroll.down(1, n),
            Action::Top => self.scroll.top(),
            Action::Bottom => self.scroll.bottom(n),
            Action::Open | Action::Owner => match row {
                Some(r) if r.retired => {
                    return Outcome::Say(format!(
                        "the playbook no longer lists '{}': it can be taken away (O), not given",
                        sanitize(&r.key)
                    ))
                }
                Some(r) => {
                    return Outcome::Assign {
                        key: r.key.clone(),
                        name: r.name.clone(),
                        current: r.holder.as_ref().map(|h| (h.person_id, h.threshold.clone())),
                        seen: r.holder.as_ref().map(|h| h.revision),
                    }
                }
                None => {}
            },
            Action::ClearOwner => match row.map(|r| (r, r.holder.as_ref())) {
                Some((r, Some(h))) => {
                    return Outcome::Clear {
                        key: r.key.clone(),
                        name: r.name.clone(),
                        person: h.person.clone(),
                        revision: h.revision,
                    }
                }
                Some((r, None)) => {
                    return Outcome::Say(format!(
                        "nobody holds the right to {}",
                        sanitize(&r.name).to_lowercase()
                    ))
                }
                None => {}
            },
            Action::Undo => return Outcome::Undo,
            Action::Back | Action::Rights => return Outcome::Close,
            _ => {}
        }
        Outcome::Stay
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let t = &ui.config.theme;
        let rows: &[RightRow] = ui
            .pilot
            .as_ref()
            .filter(|d| d.id() == self.pilot_id)
            .map_or(&[], |d| &d.rights);
        let width = area.width.saturating_sub(4).min(130);
        let height = (rows.len() as u16 + 7).clamp(8, area.height);
        let title = format!("Decision rights of {}", truncate(&sanitize(&self.pilot), 40));
        let inner = ui.popup(f, centered(area, width, height), &title);
        let (held, of) = coverage(rows);
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(format!("{held} of {of} assigned  ")),
                Span::styled("Enter gives the right to someone, O takes it away", t.muted()),
            ])),
            Rect { height: 1, ..inner },
        );
        let w = inner.width as usize;
        let name_w = rows
            .iter()
            .map(|r| r.name.chars().count())
            .max()
            .unwrap_or(10)
            .min(w * 2 / 5);
        let who_w = rows
            .iter()
            .filter_map(|r| r.holder.as_ref().map(|h| h.person.chars().count()))
            .max()
            .unwrap_or(6)
            .clamp(6, 24);
        let list = Rect {
            y: inner.y + 2,
            height: inner.height.saturating_sub(4),
            ..inner
        };
        let h = list.height as usize;
        let off = self.scroll.window(rows.len(), h);
        let mut lines = Vec::new();
        for (n, r) in rows.iter().enumerate().skip(off).take(h) {
            ui.hit_row(list, n - off, ListTarget::Rights, n);
            let name = if r.retired {
                format!("{} (retired)", sanitize(&r.name))
            } else {
                sanitize(&r.name)
            };
            let mut spans = match &r.holder {
                Some(hd) => vec![
                    Span::styled("✓ ", t.ok()),
                    Span::raw(format!("{}  ", fit(&name, name_w))),
                    Span::raw(format!("{}  ", fit(&sanitize(&hd.person), who_w))),
                ],
                None => vec![
                    Span::styled("✗ ", t.warn()),
                    Span::raw(format!("{}  ", fit(&name, name_w))),
                    Span::styled(format!("{}  ", fit("nobody", who_w)), t.warn()),
                ],
            };
            let used = 2 + name_w + 2 + who_w + 2;
            let rest = w.saturating_sub(used);
            if let Some(hd) = &r.holder {
                spans.push(Span::styled(truncate(&sanitize(&hd.threshold), rest), t.muted()));
            }
            let mut line = Line::from(spans);
            if n == self.scroll.selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), list);
        // The selected right's threshold in full, or the playbook's hint.
        if let Some(r) = rows.get(self.scroll.selected) {
            let text = match &r.holder {
                Some(hd) => format!("Threshold: {}", sanitize(&hd.threshold)),
                None if !r.hint.is_empty() => format!("For example: {}", sanitize(&r.hint).trim_start_matches("e.g. ")),
                None => String::new(),
            };
            let foot = Rect {
                y: inner.y + inner.height.saturating_sub(2),
                height: 2.min(inner.height),
                ..inner
            };
            f.render_widget(
                Paragraph::new(Span::styled(text, t.muted())).wrap(Wrap { trim: true }),
                foot,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::RightAssignment;
    use crate::playbook::Playbook;

    #[test]
    fn keys_give_take_and_explain() {
        let pb = Playbook::builtin();
        let held = RightAssignment {
            key: "promote".into(),
            person_id: 3,
            person: "Ana".into(),
            threshold: "after the gate".into(),
            revision: 2,
        };
        let rows = crate::domain::rights::matrix(&pb, &[held]);
        let mut s = RightsState::new(1, "Claims");
        match s.handle(Action::Open, &rows) {
            Outcome::Assign { key, current, seen, .. } => {
                assert_eq!(key, "promote");
                assert_eq!(current, Some((3, "after the gate".into())));
                assert_eq!(seen, Some(2));
            }
            o => panic!("{o:?}"),
        }
        assert!(matches!(
            s.handle(Action::ClearOwner, &rows),
            Outcome::Clear { revision: 2, .. }
        ));
        s.handle(Action::Down, &rows);
        assert!(matches!(s.handle(Action::ClearOwner, &rows), Outcome::Say(_)));
        assert!(matches!(
            s.handle(Action::Open, &rows),
            Outcome::Assign { seen: None, .. }
        ));
        assert_eq!(s.handle(Action::Back, &rows), Outcome::Close);
    }
}
