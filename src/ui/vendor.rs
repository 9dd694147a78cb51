//! A pilot's vendor and the asks before signing (seed 000), one component:
//! who builds it (a vendor, or in-house with the reason) and, per ask the
//! playbook lists, the evidence received. Its keys and drawing live here;
//! the prompts that take a name, a reason or evidence are the app's.

use super::action::Action;
use super::app::{ListTarget, Ui};
use super::draw::{centered, fit};
use super::widgets::list::Scroll;
use crate::domain::model::VendorChoice;
use crate::domain::vendors::{coverage, describe, AskRow};
use crate::text::{sanitize, truncate};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

#[derive(Debug, Clone)]
pub struct VendorState {
    pub pilot_id: i64,
    pub pilot: String,
    pub scroll: Scroll,
}

/// What a key asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    Close,
    /// Ask the vendor's name (prefilled with the current one).
    Name {
        current: String,
        seen: Option<i64>,
    },
    /// Ask why it is built in-house.
    InHouse {
        current: String,
        seen: Option<i64>,
    },
    /// Ask the evidence for one ask.
    Evidence {
        key: String,
        name: String,
        current: String,
        seen: Option<i64>,
    },
    /// Take back one ask's evidence.
    ClearAsk {
        key: String,
        name: String,
        revision: i64,
    },
    Undo,
    Say(String),
}

impl VendorState {
    pub fn new(pilot_id: i64, pilot: &str) -> VendorState {
        VendorState {
            pilot_id,
            pilot: pilot.to_string(),
            scroll: Scroll::new(),
        }
    }

    /// A key, against the pilot's vendor record and asks as they are now.
    pub fn handle(
        &mut self,
        a: Action,
        vendor: Option<&crate::domain::model::PilotVendor>,
        rows: &[AskRow],
    ) -> Outcome {
        let n = rows.len();
        self.scroll.selected = self.scroll.selected.min(n.saturating_sub(1));
        let seen = vendor.map(|v| v.revision);
        let in_house = matches!(vendor.map(|v| &v.choice), Some(VendorChoice::InHouse { .. }));
        match a {
            Action::Up => self.scroll.up(1),
            Action::Down => self.scroll.down(1, n),
            Action::Top => self.scroll.top(),
            Action::Bottom => self.scroll.bottom(n),
            Action::EditPilot => {
                let current = match vendor.map(|v| &v.choice) {
                    Some(VendorChoice::Vendor { name }) => name.clone(),
                    _ => String::new(),
                };
                return Outcome::Name { current, seen };
            }
            Action::StateNa => {
                let current = match vendor.map(|v| &v.choice) {
                    Some(VendorChoice::InHouse { reason }) => reason.clone(),
                    _ => String::new(),
                };
                return Outcome::InHouse { current, seen };
            }
            Action::Open | Action::Note => match rows.get(self.scroll.selected) {
                Some(_) if in_house => {
                    return Outcome::Say(
                        "built in-house: the vendor asks do not apply (n names a vendor instead)".into(),
                    )
                }
                Some(r) if r.retired => {
                    return Outcome::Say(format!(
                        "the playbook no longer lists '{}': its evidence can be taken back (O), not given",
                        sanitize(&r.key)
                    ))
                }
                Some(r) => {
                    return Outcome::Evidence {
                        key: r.key.clone(),
                        name: r.name.clone(),
                        current: r.evidence.as_ref().map(|e| e.evidence.clone()).unwrap_or_default(),
                        seen: r.evidence.as_ref().map(|e| e.revision),
                    }
                }
                None => {}
            },
            Action::ClearOwner => match rows.get(self.scroll.selected) {
                Some(AskRow {
                    key,
                    name,
                    evidence: Some(e),
                    ..
                }) => {
                    return Outcome::ClearAsk {
                        key: key.clone(),
                        name: name.clone(),
                        revision: e.revision,
                    }
                }
                Some(r) => return Outcome::Say(format!("{} has no evidence yet", sanitize(&r.name))),
                None => {}
            },
            Action::Undo => return Outcome::Undo,
            Action::Back | Action::Vendor => return Outcome::Close,
            _ => {}
        }
        Outcome::Stay
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let t = &ui.config.theme;
        let Some(d) = ui.pilot.as_ref().filter(|d| d.id() == self.pilot_id) else {
            return;
        };
        let rows = &d.asks;
        let width = area.width.saturating_sub(4).min(120);
        let height = (rows.len() as u16 + 9).clamp(10, area.height);
        let title = format!("Vendor of {}", truncate(&sanitize(&self.pilot), 40));
        let inner = ui.popup(f, centered(area, width, height), &title);
        let choice = d.vendor.as_ref().map(|v| &v.choice);
        let in_house = matches!(choice, Some(VendorChoice::InHouse { .. }));
        let (with, of) = coverage(rows);
        let w = inner.width as usize;
        f.render_widget(
            Paragraph::new(vec![
                Line::from(vec![
                    Span::styled("Built by ", t.title()),
                    Span::raw(truncate(&sanitize(&describe(choice)), w.saturating_sub(9))),
                ]),
                Line::from(Span::styled(
                    if in_house {
                        "The vendor asks do not apply (n names a vendor).".to_string()
                    } else {
                        format!("Asks before signing: {with} of {of} with evidence (Enter records one).")
                    },
                    t.muted(),
                )),
            ])
            .wrap(Wrap { trim: true }),
            Rect { height: 2, ..inner },
        );
        let list = Rect {
            y: inner.y + 3,
            height: inner.height.saturating_sub(5),
            ..inner
        };
        let name_w = rows
            .iter()
            .map(|r| r.name.chars().count())
            .max()
            .unwrap_or(10)
            .min(w / 2);
        let h = list.height as usize;
        let off = self.scroll.window(rows.len(), h);
        let mut lines = Vec::new();
        for (n, r) in rows.iter().enumerate().skip(off).take(h) {
            ui.hit_row(list, n - off, ListTarget::Vendor, n);
            let name = if r.retired {
                format!("{} (retired)", sanitize(&r.name))
            } else {
                sanitize(&r.name)
            };
            let rest = w.saturating_sub(2 + name_w + 2);
            let mut spans = match (&r.evidence, in_house) {
                (_, true) => vec![
                    Span::styled("– ", t.muted()),
                    Span::styled(format!("{}  ", fit(&name, name_w)), t.muted()),
                    Span::styled("not applicable", t.muted()),
                ],
                (Some(e), false) => vec![
                    Span::styled("✓ ", t.ok()),
                    Span::raw(format!("{}  ", fit(&name, name_w))),
                    Span::styled(truncate(&sanitize(&e.evidence), rest), t.muted()),
                ],
                (None, false) => vec![
                    Span::styled("✗ ", t.warn()),
                    Span::raw(format!("{}  ", fit(&name, name_w))),
                    Span::styled("none yet", t.warn()),
                ],
            };
            if n == self.scroll.selected {
                spans = Line::from(spans).patch_style(t.selected()).spans;
            }
            lines.push(Line::from(spans));
        }
        f.render_widget(Paragraph::new(lines), list);
        if let Some(r) = rows.get(self.scroll.selected).filter(|_| !in_house) {
            let text = match &r.evidence {
                Some(e) => format!("Evidence: {}", sanitize(&e.evidence)),
                None if !r.hint.is_empty() => format!("Get it {}", sanitize(&r.hint)),
                None => String::new(),
            };
            f.render_widget(
                Paragraph::new(Span::styled(text, t.muted())).wrap(Wrap { trim: true }),
                Rect {
                    y: inner.y + inner.height.saturating_sub(2),
                    height: 2.min(inner.height),
                    ..inner
                },
            );
        }
    }
}
