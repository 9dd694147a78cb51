//! The panel each phase board adds: selection scores and the candidate
//! ranking (assessment), the four owners and the sector's governance
//! framework (scaffolding), metrics against their levels and the decision
//! (hardening).

use crate::domain::candidates;
use crate::domain::model::{Metric, MetricStanding, Phase, Role};
use crate::playbook::rubric::fmt_num;
use crate::playbook::{SELECTION_QUESTIONS, SELECTION_RUBRIC};
use crate::text::{sanitize, truncate};
use crate::ui::app::Ui;
use crate::ui::draw::fit;
use crate::ui::pilot::PilotData;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// A mark and word for where a metric stands.
pub fn standing(m: &Metric) -> (&'static str, &'static str) {
    match m.standing() {
        MetricStanding::NoData => ("·", "no data"),
        MetricStanding::BelowMinimum => ("✗", "below minimum"),
        MetricStanding::Minimum => ("~", "minimum viable"),
        MetricStanding::Target => ("✓", "target"),
        MetricStanding::Stretch => ("★", "stretch"),
    }
}

impl Ui {
    pub(crate) fn draw_phase_panel(&self, f: &mut Frame, area: Rect, phase: Phase) {
        let title = match phase {
            Phase::Assessment => "Selection and candidates",
            Phase::Scaffolding => "Owners and governance",
            Phase::Hardening => "Metrics and decision",
        };
        let block = self.panel(title, false);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let d = self.pilot.as_ref().filter(|d| Some(d.id()) == self.board_pilot(phase));
        let mut lines = match phase {
            Phase::Assessment => self.assessment_lines(d, inner),
            Phase::Scaffolding => self.scaffolding_lines(d),
            Phase::Hardening => self.hardening_lines(d, inner.width as usize),
        };
        if phase != Phase::Assessment {
            lines.extend(self.programme_lines(phase, inner.width as usize));
        }
        let p = if phase == Phase::Scaffolding {
            Paragraph::new(lines).wrap(Wrap { trim: false })
        } else {
            let w = inner.width as usize;
            Paragraph::new(
                lines
                    .into_iter()
                    .map(|l| crate::ui::draw::clip_line(l, w))
                    .collect::<Vec<_>>(),
            )
        };
        f.render_widget(p, inner);
    }

    fn assessment_lines(&self, d: Option<&PilotData>, area: Rect) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let mut lines = Vec::new();
        if let Some(d) = d {
            let mut spans = vec![Span::styled("Selection ", t.title())];
            let mut total = 0u32;
            let mut complete = true;
            for q in SELECTION_QUESTIONS {
                let label = match q {
                    "feasibility" => "Feasible".to_string(),
                    other => format!("{}{}", other[..1].to_uppercase(), &other[1..]),
                };
                let v = d.selection.get(q).and_then(|s| s.answer.parse::<u32>().ok());
                let style = match v {
                    Some(v) if v < 3 => t.alert(),
                    Some(v) if v >= 4 => t.ok(),
                    Some(_) => Style::default(),
                    None => t.muted(),
                };
                spans.push(Span::raw(format!("{} ", truncate(&label, 8))));
                spans.push(Span::styled(v.map_or("·".into(), |v| v.to_string()), style));
                spans.push(Span::raw("  "));
                total += v.unwrap_or(0);
                complete &= v.is_some();
            }
            if complete {
                spans.push(Span::styled(format!("= {total}/25"), t.title()));
            } else {
                spans.push(Span::styled("incomplete: c to score", t.muted()));
            }
            lines.push(Line::from(spans));
            if let Some(r) = d.rubrics.iter().find(|r| r.rubric == SELECTION_RUBRIC) {
                for hit in &r.rules {
                    let style = if hit.level == crate::playbook::Level::Block {
                        t.alert()
                    } else {
                        t.ok()
                    };
                    let mark = if hit.level == crate::playbook::Level::Block {
                        "⚑ "
                    } else {
                        "★ "
                    };
                    lines.push(Line::from(Span::styled(format!("{mark}{}", hit.label), style)));
                }
            }
        }
        // Candidate ranking: the same pilots `status` and the pack rank.
        let ranked = candidates::rank(&crate::store::candidate_facts(&self.portfolio.rows));
        // The shortlist's seats and the ranking rule on one line, as much
        // of it as fits: + changes the seats.
        let listed = self
            .portfolio
            .rows
            .iter()
            .filter(|r| r.shortlisted && candidates::takes_seat(r.phase, r.status))
            .count();
        let seats = format!("Shortlist {listed} of {}", self.playbook.gating.shortlist_size);
        let rest = [
            " (+ adds or removes) · candidates by selection total, impact twice, +2 per yellow, +1 per red dimension:",
            " (+ adds or removes) · candidates, best first:",
            " (+) · candidates, best first:",
        ]
        .into_iter()
        .find(|r| seats.chars().count() + r.chars().count() <= area.width as usize)
        .unwrap_or(" (+) · candidates:");
        lines.push(Line::from(vec![
            Span::styled(seats, t.title()),
            Span::styled(rest, t.muted()),
        ]));
        // The programme's own work of this phase (picking the three) comes
        // after the ranking it is about, which keeps at least one line.
        let programme = self.programme_lines(Phase::Assessment, area.width as usize);
        let room = (area.height as usize).saturating_sub(lines.len() + programme.len());
        let sel = d.map(|d| d.id());
        let w = area.width as usize;
        for (n, c) in ranked.iter().enumerate().take(room.max(1)) {
            // The rank says which come first; only a red flag is marked.
            let mark = if c.red_flag { "⚑" } else { " " };
            let listed = self.portfolio.rows.iter().any(|r| r.id == c.pilot_id && r.shortlisted);
            let note = if listed && c.red_flag {
                "shortlisted, red flag"
            } else if listed {
                "shortlisted"
            } else if c.red_flag {
                "red flag"
            } else if c.strong {
                "strong"
            } else if c.selection_total.is_none() {
                "not fully scored"
            } else {
                ""
            };
            let text = format!(
                "{:>2}. {mark} {} ",
                n + 1,
                fit(&sanitize(&c.name), w.saturating_sub(30).max(10))
            );
            let mut line = Line::from(vec![
                Span::raw(text),
                Span::styled(format!("{:>3} ", c.score), t.title()),
                Span::styled(format!("gaps {} ", c.actionable_gaps), t.muted()),
                Span::styled(note.to_string(), if c.red_flag { t.alert() } else { t.muted() }),
            ]);
            if Some(c.pilot_id) == sel {
                line = line.patch_style(t.selected_unfocused());
            }
            lines.push(line);
        }
        lines.extend(programme);
        lines
    }

    /// The programme checklist on a board: how much of it is open, and
    /// this phase's open items with their due days (P opens it).
    fn programme_lines(&self, phase: Phase, w: usize) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let items = &self.programme_items;
        if items.is_empty() {
            return Vec::new();
        }
        let open = items.iter().filter(|i| i.state.is_open()).count();
        // Late ones of other phases, which are not listed below.
        let late = items
            .iter()
            .filter(|i| i.phase != phase && i.state.is_open() && i.due_day < self.day)
            .count();
        let here: Vec<_> = items.iter().filter(|i| i.phase == phase && i.state.is_open()).collect();
        let mut lines = vec![Line::from(vec![
            Span::styled("Programme (P) ", t.title()),
            Span::styled(
                format!(
                    "{open} of {} open{}{}",
                    items.len(),
                    if late > 0 {
                        format!(" ({late} late)")
                    } else {
                        String::new()
                    },
                    if here.is_empty() { ", none in this phase" } else { ":" }
                ),
                t.muted(),
            ),
        ])];
        for i in here {
            let late = i.due_day < self.day;
            let due = format!(" d{}{}", i.due_day, if late { "!" } else { "" });
            lines.push(Line::from(vec![
                Span::raw(format!("{} ", i.state.mark())),
                Span::raw(truncate(&sanitize(&i.text), w.saturating_sub(5 + due.len()))),
                Span::styled(due, if late { t.alert() } else { t.muted() }),
            ]));
        }
        lines
    }

    fn scaffolding_lines(&self, d: Option<&PilotData>) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let Some(d) = d else { return vec![] };
        let mut lines = Vec::new();
        for r in Role::ALL {
            let spans = match d.owner(*r) {
                Some(o) => vec![
                    Span::styled("✓ ", t.ok()),
                    Span::raw(fit(r.label(), 17)),
                    Span::raw(sanitize(&o.person)),
                ],
                None => vec![
                    Span::styled("✗ ", t.alert()),
                    Span::raw(fit(r.label(), 17)),
                    Span::styled("nobody named: o to assign", t.alert()),
                ],
            };
            lines.push(Line::from(spans));
        }
        let (held, of) = crate::domain::rights::coverage(&d.rights);
        if of > 0 {
            lines.push(Line::from(vec![
                Span::styled(
                    if held == of { "✓ " } else { "✗ " },
                    if held == of { t.ok() } else { t.warn() },
                ),
                Span::raw(fit("Decision rights", 17)),
                Span::raw(format!("{held} of {of} assigned: R opens the matrix")),
            ]));
        }
        {
            use crate::domain::model::VendorChoice;
            let (with, of) = crate::domain::vendors::coverage(&d.asks);
            let (ok, text) = match d.vendor.as_ref().map(|v| &v.choice) {
                None => (false, "not said: V names it, or says in-house".to_string()),
                Some(VendorChoice::InHouse { .. }) => (true, "built in-house: no vendor asks".to_string()),
                Some(VendorChoice::Vendor { name }) => (
                    with == of,
                    format!("{}, {with} of {of} asks with evidence (V)", sanitize(name)),
                ),
            };
            lines.push(Line::from(vec![
                Span::styled(if ok { "✓ " } else { "✗ " }, if ok { t.ok() } else { t.warn() }),
                Span::raw(fit("Vendor", 17)),
                Span::raw(text),
            ]));
        }
        if let Some(s) = self.playbook.sector(&d.pilot.sector) {
            lines.push(Line::from(vec![
                Span::styled(format!("{}: ", s.name), t.title()),
                Span::styled(s.frameworks.join(", "), t.warn()),
            ]));
            lines.push(Line::from(Span::styled(s.summary.clone(), t.muted())));
        }
        if !d.pilot.governance_posture.is_empty() {
            lines.push(Line::from(vec![
                Span::styled("Posture: ", t.title()),
                Span::raw(sanitize(&d.pilot.governance_posture)),
            ]));
        }
        lines
    }

    fn hardening_lines(&self, d: Option<&PilotData>, w: usize) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let Some(d) = d else { return vec![] };
        let mut lines = Vec::new();
        match d.decisions.first() {
            Some(dec) => lines.push(Line::from(vec![
                Span::styled("Decision: ", t.title()),
                Span::styled(dec.outcome.label().to_string(), t.title()),
                Span::raw(format!(
                    " {} · {}",
                    sanitize(&dec.decided_on),
                    sanitize(&dec.decided_by)
                )),
                Span::styled(
                    if dec.communicated {
                        " · told"
                    } else {
                        " · NOT communicated"
                    },
                    if dec.communicated { t.muted() } else { t.warn() },
                ),
            ])),
            None => lines.push(Line::from(vec![
                Span::styled("Decision: ", t.title()),
                Span::styled("none yet: D records go / no-go / pivot / defer", t.muted()),
            ])),
        }
        if d.metrics.is_empty() {
            lines.push(Line::from(Span::styled(
                "No evaluation metrics yet: m adds one (performance, business, user, operational).",
                t.muted(),
            )));
            return lines;
        }
        // name, three levels (8 each), now (9), mark, and the standing in
        // words (up to 14) where there is room for it.
        let word_w = if w >= 70 { 15 } else { 0 };
        let name_w = w.saturating_sub(36 + word_w).clamp(8, 40);
        lines.push(Line::from(Span::styled(
            format!(
                "{} {:>7} {:>7} {:>7} {:>8}",
                fit("Metric", name_w),
                "min",
                "target",
                "stretch",
                "now"
            ),
            t.header(),
        )));
        for m in &d.metrics {
            let (mark, word) = standing(m);
            let style = match m.standing() {
                MetricStanding::BelowMinimum => t.alert(),
                MetricStanding::Minimum => t.warn(),
                MetricStanding::Target | MetricStanding::Stretch => t.ok(),
                MetricStanding::NoData => t.muted(),
            };
            let n = |v: Option<f64>| v.map_or("-".to_string(), fmt_num);
            lines.push(Line::from(vec![
                Span::raw(format!(
                    "{} {:>7} {:>7} {:>7} ",
                    fit(&sanitize(&m.name), name_w),
                    truncate(&n(m.minimum), 7),
                    truncate(&n(m.target), 7),
                    truncate(&n(m.stretch), 7)
                )),
                Span::styled(
                    format!(
                        "{:>8} {mark}{}",
                        truncate(&format!("{}{}", n(m.current), sanitize(&m.unit)), 8),
                        if word_w > 0 { format!(" {word}") } else { String::new() }
                    ),
                    style,
                ),
            ]));
        }
        lines
    }
}
