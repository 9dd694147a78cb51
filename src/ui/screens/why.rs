//! "Why not ready?": the blockers the readiness rule returns for the
//! selected pilot, each one a way to the place that fixes it.

use crate::domain::readiness::{Blocker, Verdict};
use crate::text::{sanitize, truncate};
use crate::ui::action::Action;
use crate::ui::app::{App, ListTarget, Screen};
use crate::ui::draw::centered;
use crate::ui::overlay::{Jump, Overlay, WhyLine, WhyState};
use crate::ui::widgets::chips;
use crate::ui::widgets::list::Scroll;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

impl App {
    /// Open the blockers of the current pilot.
    pub(crate) fn open_why(&mut self) {
        let Some(id) = self.current_pilot() else {
            self.info("select a pilot first");
            return;
        };
        let Some(d) = self.load_pilot(id) else { return };
        let mut lines = Vec::new();
        for b in &d.readiness.blockers {
            let sev = Some(b.severity());
            match b {
                Blocker::Unscored { dimension } | Blocker::Red { dimension } | Blocker::Yellow { dimension } => lines
                    .push(WhyLine {
                        severity: sev,
                        text: b.describe(),
                        jump: Some(Jump::Dimension {
                            pilot_id: id,
                            dimension: *dimension,
                        }),
                        sub: false,
                    }),
                Blocker::MissingOwner { role } => lines.push(WhyLine {
                    severity: sev,
                    text: b.describe(),
                    jump: Some(Jump::Role {
                        pilot_id: id,
                        role: *role,
                    }),
                    sub: false,
                }),
                Blocker::OpenGates { items, .. } | Blocker::Overdue { items, .. } => {
                    let first = items.first().map(|i| Jump::Item {
                        pilot_id: id,
                        item_id: i.id,
                        phase: i.phase,
                    });
                    lines.push(WhyLine {
                        severity: sev,
                        text: b.describe(),
                        jump: first,
                        sub: false,
                    });
                    for i in items {
                        lines.push(WhyLine {
                            severity: None,
                            text: format!("{} (day {}, {})", sanitize(&i.text), i.due_day, i.phase.label()),
                            jump: Some(Jump::Item {
                                pilot_id: id,
                                item_id: i.id,
                                phase: i.phase,
                            }),
                            sub: true,
                        });
                    }
                }
                Blocker::Rubric { .. } => lines.push(WhyLine {
                    severity: sev,
                    text: b.describe(),
                    jump: Some(Jump::Pilot { pilot_id: id }),
                    sub: false,
                }),
            }
        }
        let state = WhyState {
            pilot_id: id,
            pilot: d.pilot.name.clone(),
            verdict: d.readiness.verdict,
            lines,
            scroll: Scroll::new(),
        };
        self.overlays.push(Overlay::Why(state));
    }

    pub(crate) fn why_action(&mut self, a: Action) {
        let Some(Overlay::Why(w)) = self.overlays.last_mut() else {
            return;
        };
        match a {
            Action::Up => w.scroll.up(1),
            Action::Down => w.scroll.down(1, w.lines.len()),
            Action::Open => {
                if let Some(j) = w.lines.get(w.scroll.selected).and_then(|l| l.jump.clone()) {
                    self.overlays.pop();
                    self.jump(j);
                }
            }
            Action::Back | Action::Why => {
                self.overlays.pop();
            }
            _ => {}
        }
    }

    /// Go to the place a line points at.
    pub(crate) fn jump(&mut self, j: Jump) {
        match j {
            Jump::Item {
                pilot_id,
                item_id,
                phase,
            } => {
                self.overlays.clear();
                let b = phase.index();
                self.screen = Screen::Board(phase);
                self.boards[b].pinned = Some(pilot_id);
                let list = self.board_pilots(phase);
                if !list.contains(&pilot_id) {
                    // Hidden by the filter: clear it so the pilot shows.
                    self.portfolio.filter.clear();
                    self.portfolio.recompute();
                }
                let list = self.board_pilots(phase);
                self.boards[b].pilots.selected = list.iter().position(|p| *p == pilot_id).unwrap_or(0);
                self.boards[b].focus_checklist = true;
                if let Some(d) = self.load_pilot(pilot_id) {
                    let pos = d.items(phase).iter().position(|i| i.id == item_id).unwrap_or(0);
                    self.boards[b].items.selected = pos;
                }
            }
            Jump::Role { pilot_id, role } => self.open_role_picker(pilot_id, role),
            Jump::Dimension { pilot_id, dimension } => self.open_score(pilot_id, dimension),
            Jump::Pilot { pilot_id } => self.open_detail(pilot_id),
            Jump::Decision { decision_id } => {
                self.go(Screen::Decisions);
                if let Some(p) = self.decisions.list.iter().position(|d| d.id == decision_id) {
                    self.decisions.scroll.selected = p;
                }
            }
        }
    }

    pub(crate) fn draw_why(&self, f: &mut Frame, area: Rect, w: &WhyState) {
        let t = &self.config.theme;
        let width = area.width.saturating_sub(4).min(100);
        let height = (w.lines.len() as u16 + 5).clamp(7, area.height);
        let r = centered(area, width, height);
        let title = format!("Why is {} not ready?", truncate(&sanitize(&w.pilot), 40));
        let inner = self.popup(f, r, &title);
        let mut head = vec![chips::verdict(t, w.verdict, false)];
        if w.verdict == Verdict::Ready {
            head.push(Span::raw("  nothing blocks it: record a go / no-go decision with D"));
        } else {
            head.push(Span::styled("  Enter goes to the fix; Esc closes", t.muted()));
        }
        f.render_widget(Paragraph::new(Line::from(head)), Rect { height: 1, ..inner });
        let list = Rect {
            y: inner.y + 2,
            height: inner.height.saturating_sub(2),
            ..inner
        };
        let h = list.height as usize;
        let off = w.scroll.window(w.lines.len(), h);
        let mut lines = Vec::new();
        for (n, l) in w.lines.iter().enumerate().skip(off).take(h) {
            self.hits.borrow_mut().rows.push((
                Rect {
                    x: list.x,
                    y: list.y + (n - off) as u16,
                    width: list.width,
                    height: 1,
                },
                ListTarget::Why,
                n,
            ));
            let mut spans = Vec::new();
            if l.sub {
                spans.push(Span::styled("    · ", t.muted()));
            } else if let Some(s) = l.severity {
                spans.push(chips::severity(t, s));
                spans.push(Span::raw(" "));
            }
            spans.push(Span::raw(truncate(&l.text, (list.width as usize).saturating_sub(6))));
            let mut line = Line::from(spans);
            if n == w.scroll.selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), list);
    }
}
