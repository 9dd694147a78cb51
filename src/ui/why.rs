//! "Why not ready?", one component: the blockers the readiness rule
//! returns for a pilot, each one a way to the place that fixes it; its
//! lines, keys and drawing live here. Following a line is the app's
//! routing ([`Jump`]).

use super::action::Action;
use super::app::{ListTarget, Ui};
use super::draw::centered;
use super::overlay::Jump;
use super::pilot::PilotData;
use super::widgets::chips;
use super::widgets::list::Scroll;
use crate::domain::gates::{CriterionResult, Gap, GateResult, Standing};
use crate::domain::readiness::{Severity, Verdict};
use crate::text::{sanitize, truncate};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// One line of the "why not ready?" list.
#[derive(Debug, Clone, PartialEq)]
pub struct WhyLine {
    pub severity: Option<Severity>,
    pub text: String,
    pub jump: Option<Jump>,
    /// A detail line under a blocker (an item of "3 items overdue").
    pub sub: bool,
}

#[derive(Debug, Clone)]
pub struct WhyState {
    pub pilot_id: i64,
    pub pilot: String,
    /// At the current gate (`None` once the pilot has left the gates).
    pub verdict: Option<Verdict>,
    /// The current gate's name.
    pub gate: String,
    pub lines: Vec<WhyLine>,
    pub scroll: Scroll,
}

/// What a key in the list asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    Close,
    /// Close and go to the fix.
    Jump(Jump),
}

impl WhyState {
    /// The blockers of one pilot, from its judgement.
    pub fn of(d: &PilotData) -> WhyState {
        let id = d.pilot.id;
        let mut lines = Vec::new();
        let j = &d.judgement;
        let gate = match &j.current {
            Some(g) => {
                lines.extend(gate_lines(id, g));
                if g.phase != j.production.phase {
                    lines.push(WhyLine {
                        severity: None,
                        text: String::new(),
                        jump: None,
                        sub: false,
                    });
                    lines.push(WhyLine {
                        severity: None,
                        text: format!(
                            "Further on, the {}: {} {} ({} must-meet criteria unmet)",
                            sanitize(&j.production.name.to_lowercase()),
                            j.production.verdict.mark(),
                            j.production.verdict.label(),
                            j.production.blockers().count()
                        ),
                        jump: None,
                        sub: false,
                    });
                    lines.extend(
                        gate_lines(id, &j.production)
                            .into_iter()
                            .filter(|l| l.severity.is_some() || l.sub),
                    );
                }
                sanitize(&g.name)
            }
            None => {
                lines.push(WhyLine {
                    severity: None,
                    text: format!(
                        "{} has left the gates ({}): it stays in the inventory and the log",
                        sanitize(&d.pilot.name),
                        d.pilot.status.label().to_lowercase()
                    ),
                    jump: None,
                    sub: false,
                });
                String::new()
            }
        };
        WhyState {
            pilot_id: id,
            pilot: d.pilot.name.clone(),
            verdict: d.judgement.verdict(),
            gate,
            lines,
            scroll: Scroll::new(),
        }
    }

    pub fn handle(&mut self, a: Action) -> Outcome {
        let n = self.lines.len();
        match a {
            Action::Up => self.scroll.up(1),
            Action::Down => self.scroll.down(1, n),
            Action::Top => self.scroll.top(),
            Action::Bottom => self.scroll.bottom(n),
            Action::Open => {
                if let Some(j) = self.lines.get(self.scroll.selected).and_then(|l| l.jump.clone()) {
                    return Outcome::Jump(j);
                }
            }
            Action::Back | Action::Why => return Outcome::Close,
            _ => {}
        }
        Outcome::Stay
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let w = self;
        let t = &ui.config.theme;
        // Wide enough for a gate criterion and an item line on a large terminal.
        let width = area.width.saturating_sub(4).min(150);
        let height = (w.lines.len() as u16 + 5).clamp(7, area.height);
        let r = centered(area, width, height);
        let title = format!("Why is {} not ready?", truncate(&sanitize(&w.pilot), 40));
        let inner = ui.popup(f, r, &title);
        let mut head = Vec::new();
        if let Some(v) = w.verdict {
            head.push(Span::raw(format!("{}: ", w.gate)));
            head.push(chips::verdict(t, v, false));
        }
        if w.verdict == Some(Verdict::Ready) {
            head.push(Span::raw("  nothing blocks it: record the gate decision with D"));
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
            ui.hit_row(list, n - off, ListTarget::Why, n);
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

/// The lines of one gate: each criterion (met ones marked, unmet ones
/// with their gaps, each a way to its fix), then the warnings.
fn gate_lines(id: i64, g: &GateResult) -> Vec<WhyLine> {
    let mut lines = Vec::new();
    let crit = |c: &CriterionResult| match c.standing {
        Standing::Met => None,
        Standing::Unmet => Some(Severity::Block),
        Standing::Warn => Some(Severity::Warn),
    };
    for c in &g.criteria {
        lines.push(WhyLine {
            severity: crit(c),
            text: format!("{}{}", if c.met() { "✓ " } else { "" }, sanitize(&c.label)),
            jump: c.gaps.first().and_then(|x| jump_of(id, x)),
            sub: false,
        });
        for gap in &c.gaps {
            push_gap(&mut lines, id, gap);
        }
    }
    for w in &g.warnings {
        lines.push(WhyLine {
            severity: Some(Severity::Warn),
            text: sanitize(&w.describe()),
            jump: jump_of(id, w),
            sub: false,
        });
        if let Gap::Overdue { items, .. } = w {
            for i in items {
                lines.push(item_line(id, &i.text, i.id, i.phase, i.due_day));
            }
        }
    }
    lines
}

fn push_gap(lines: &mut Vec<WhyLine>, id: i64, gap: &Gap) {
    match gap {
        Gap::Items { items } => {
            for (i, why) in items {
                let what = match why {
                    crate::domain::gates::ItemGap::Open => "open",
                    crate::domain::gates::ItemGap::NoEvidence => "done, no evidence: add a note or link",
                    crate::domain::gates::ItemGap::NoReason => "n/a, no reason: add one",
                };
                let mut l = item_line(id, &i.text, i.id, i.phase, i.due_day);
                l.text = format!("{} ({what})", l.text);
                lines.push(l);
            }
        }
        other => lines.push(WhyLine {
            severity: None,
            text: sanitize(&other.describe()),
            jump: jump_of(id, other),
            sub: true,
        }),
    }
}

fn item_line(id: i64, text: &str, item_id: i64, phase: crate::domain::model::Phase, due: i64) -> WhyLine {
    WhyLine {
        severity: None,
        text: format!("{} (day {due}, {})", sanitize(text), phase.label()),
        jump: Some(Jump::Item {
            pilot_id: id,
            item_id,
            phase,
        }),
        sub: true,
    }
}

/// Where a gap is fixed.
fn jump_of(id: i64, gap: &Gap) -> Option<Jump> {
    Some(match gap {
        Gap::Unscored { dimension } | Gap::Below { dimension, .. } | Gap::Stale { dimension, .. } => Jump::Dimension {
            pilot_id: id,
            dimension: *dimension,
        },
        Gap::MissingOwner { role } => Jump::Role {
            pilot_id: id,
            role: *role,
        },
        Gap::SharedOwner { roles } => Jump::Role {
            pilot_id: id,
            role: *roles.last()?,
        },
        Gap::Items { items } => {
            let (i, _) = items.first()?;
            Jump::Item {
                pilot_id: id,
                item_id: i.id,
                phase: i.phase,
            }
        }
        Gap::Overdue { items, .. } => {
            let i = items.first()?;
            Jump::Item {
                pilot_id: id,
                item_id: i.id,
                phase: i.phase,
            }
        }
        Gap::UnmetItems { .. }
        | Gap::Rubric { .. }
        | Gap::Metric { .. }
        | Gap::MissingCategory { .. }
        | Gap::NoScorecard
        | Gap::NotShortlisted => Jump::Pilot { pilot_id: id },
        Gap::UnassignedRights { .. } => Jump::Rights { pilot_id: id },
        Gap::VendorUnknown | Gap::VendorAsks { .. } => Jump::Vendor { pilot_id: id },
    })
}
