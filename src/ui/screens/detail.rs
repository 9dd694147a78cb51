//! Pilot detail: inventory fields, the four owners, score history per
//! dimension with a small trend, rubric results, checklist progress,
//! metrics, decisions and the pilot's audit history.

use super::panels::standing;
use crate::domain::model::{Dimension, Phase, Rag, Role};
use crate::playbook::rubric::fmt_num;
use crate::text::{sanitize, truncate, width};
use crate::ui::action::Action;
use crate::ui::app::Ui;
use crate::ui::draw::fit;
use crate::ui::pilot::PilotData;
use crate::ui::widgets::chips;
use crate::ui::widgets::textscroll::TextScroll;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// `2026-03-01T10:00:00Z` as `2026-03-01 10:00`.
/// An audit event in words: what it changed ("Product owner", "item
/// \"…\" owner", "Governance scaffolding score", "business unit") and how.
/// Item events name the item when its pilot's checklist is at hand.
pub fn describe_event(
    playbook: &crate::playbook::Playbook,
    e: &crate::domain::model::AuditEvent,
    checklist: Option<&[crate::domain::model::ChecklistItem]>,
) -> String {
    let field = sanitize(&e.field);
    if e.entity == "staging" {
        // An import's own bookkeeping, in words.
        let ids = crate::domain::staged_ids::describe(e.new_value.as_deref().unwrap_or(""));
        return match e.field.as_str() {
            "staged" => format!("Import: {ids} added, hidden until it finishes"),
            "removed" | "abandoned" => format!("Import: {ids} of an unfinished import removed"),
            "released" => format!("Import: {ids} listed as being imported put back in view"),
            "published" => "Import: finished, its pilots shown".to_string(),
            "closed" => "Import: an unfinished import cleared away".to_string(),
            other => format!("Import: {}", sanitize(other)),
        };
    }
    let subject = match e.entity.as_str() {
        "owner" => {
            crate::domain::model::Role::parse(&field).map_or(format!("owner {field}"), |r| r.label().to_string())
        }
        "right" => playbook.right(&e.field).map_or(format!("right {field}"), |r| {
            format!("Right to {}", sanitize(&r.name).to_lowercase())
        }),
        "vendor" => "Vendor".to_string(),
        "vendor-ask" => playbook
            .vendor_ask(&e.field)
            .map_or(format!("vendor ask {field}"), |a| {
                format!("{} (vendor)", sanitize(&a.name))
            }),
        "score" => {
            let (rubric, question) = field.split_once('.').unwrap_or(("", field.as_str()));
            let text = playbook
                .rubric(rubric)
                .and_then(|r| r.question(question))
                .map_or(question.replace('_', " "), |q| sanitize(&q.text));
            format!("{text} score")
        }
        entity => {
            let what = match entity {
                "item" => checklist
                    .and_then(|c| c.iter().find(|i| i.id == e.entity_id))
                    .map(|i| format!("item \"{}\"", sanitize(&i.text)))
                    .unwrap_or_else(|| "item".into()),
                other => sanitize(other),
            };
            let words = match field.as_str() {
                "owner_id" => "owner".to_string(),
                "current" => "current value".to_string(),
                other => other.replace('_', " "),
            };
            format!("{what} {words}")
        }
    };
    // States read as on the board ("To do → Done"); long values (notes)
    // are shortened.
    let value = |v: &str| {
        if e.entity == "item" && e.field == "state" {
            if let Ok(s) = crate::domain::model::ItemState::parse(v) {
                return s.label().to_string();
            }
        }
        truncate(&sanitize(v), 60)
    };
    let change = match (&e.old_value, &e.new_value) {
        (Some(o), Some(n)) => format!("{} → {}", value(o), value(n)),
        (None, Some(n)) => value(n),
        (Some(o), None) => format!("{} removed", value(o)),
        (None, None) => String::new(),
    };
    format!("{subject}: {change}")
}

pub fn short_time(s: &str) -> String {
    let s = sanitize(s);
    if s.len() >= 16 && s.as_bytes()[10] == b'T' {
        format!("{} {}", &s[..10], &s[11..16])
    } else {
        s
    }
}

/// The pilot detail screen: which pilot, how far it is scrolled, and the
/// tab it was opened from (Esc goes back there).
#[derive(Debug, Clone, Default)]
pub struct DetailState {
    pub pilot_id: Option<i64>,
    pub scroll: TextScroll,
    pub from: Option<usize>,
}

impl DetailState {
    /// Open on a pilot, at the top.
    pub fn show(&mut self, pilot_id: i64) {
        self.pilot_id = Some(pilot_id);
        self.scroll = TextScroll::default();
    }

    /// Scrolling keys; false for any other key.
    pub fn handle(&mut self, a: Action, page: usize) -> bool {
        self.scroll.handle(a, page)
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let t = &ui.config.theme;
        let Some(d) = &ui.pilot else {
            f.render_widget(
                Paragraph::new("No pilot selected: pick one on the portfolio (1).").style(t.muted()),
                area,
            );
            return;
        };
        let two = area.width >= 140;
        let (left, right) = if two {
            let [l, r] = Layout::horizontal([Constraint::Percentage(52), Constraint::Percentage(48)]).areas(area);
            (l, Some(r))
        } else {
            (area, None)
        };
        let w = left.width.saturating_sub(1) as usize;
        let mut a = ui.detail_head(d);
        a.extend(ui.detail_inventory(d));
        a.extend(ui.detail_owners(d));
        a.extend(ui.detail_scores(d, w));
        a.extend(ui.detail_progress(d));
        let rw = right.map_or(w, |r| r.width as usize);
        let mut b = ui.detail_rights(d, rw);
        b.extend(ui.detail_vendor(d, rw));
        b.extend(ui.detail_metrics(d, rw));
        b.extend(ui.detail_decisions(d));
        b.extend(ui.detail_audit(d));
        ui.page.set(area.height as usize);
        let h = area.height as usize;
        match right {
            Some(r) => {
                let rows = crate::ui::draw::paragraph_rows(&a, left.width.saturating_sub(1) as usize)
                    .max(crate::ui::draw::paragraph_rows(&b, rw));
                let s = self.scroll.fit(rows, h) as u16;
                f.render_widget(
                    Paragraph::new(a).wrap(Wrap { trim: false }).scroll((s, 0)),
                    Rect {
                        width: left.width.saturating_sub(1),
                        ..left
                    },
                );
                f.render_widget(Paragraph::new(b).wrap(Wrap { trim: false }).scroll((s, 0)), r);
            }
            None => {
                a.extend(b);
                let s = self
                    .scroll
                    .fit(crate::ui::draw::paragraph_rows(&a, left.width as usize), h) as u16;
                f.render_widget(Paragraph::new(a).wrap(Wrap { trim: false }).scroll((s, 0)), left);
            }
        }
    }
}

impl Ui {
    fn section(&self, title: &str) -> Line<'static> {
        Line::from(Span::styled(title.to_string(), self.config.theme.header()))
    }

    fn detail_head(&self, d: &PilotData) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let p = &d.pilot;
        vec![
            Line::from(vec![
                Span::styled(sanitize(&p.name), t.title()),
                Span::raw("  "),
                chips::standing(t, d.judgement.verdict(), p.status, false),
                Span::styled(
                    match &d.judgement.current {
                        Some(g) => format!(
                            " for the {} ({} must-meet unmet: w shows why) · production gate {} {}",
                            sanitize(&g.name.to_lowercase()),
                            g.blockers().count(),
                            d.judgement.production.verdict.mark(),
                            d.judgement.production.verdict.label()
                        ),
                        None => "  (left the gates)".to_string(),
                    },
                    t.muted(),
                ),
            ]),
            Line::from(Span::styled(
                format!(
                    "{} · {} · {} · {}",
                    p.phase.label(),
                    p.status.label(),
                    sanitize(&self.playbook.sector_label(&p.sector)),
                    sanitize(&p.business_unit)
                ),
                t.muted(),
            )),
            Line::raw(""),
        ]
    }

    fn detail_inventory(&self, d: &PilotData) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let p = &d.pilot;
        let mut out = vec![self.section("Inventory")];
        let frameworks = self
            .playbook
            .sector(&p.sector)
            .map(|s| s.frameworks.join(", "))
            .unwrap_or_default();
        for (label, value) in [
            ("Business case", p.business_case.as_str()),
            ("Data sources", p.data_sources.as_str()),
            ("Model class", p.model_class.as_str()),
            ("Integration", p.integration_footprint.as_str()),
            ("Governance", p.governance_posture.as_str()),
            ("Framework", frameworks.as_str()),
        ] {
            let v = if value.trim().is_empty() {
                "—".to_string()
            } else {
                sanitize(value)
            };
            out.push(Line::from(vec![Span::styled(fit(label, 15), t.muted()), Span::raw(v)]));
        }
        out.push(Line::raw(""));
        out
    }

    fn detail_owners(&self, d: &PilotData) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let mut out = vec![self.section("Owners (o assigns, O removes)")];
        for r in Role::ALL {
            out.push(match d.owner(*r) {
                Some(o) => Line::from(vec![
                    Span::styled("✓ ", t.ok()),
                    Span::styled(fit(r.label(), 17), t.muted()),
                    Span::raw(sanitize(&o.person)),
                ]),
                None => Line::from(vec![
                    Span::styled("✗ ", t.alert()),
                    Span::styled(fit(r.label(), 17), t.muted()),
                    Span::styled("nobody named", t.alert()),
                ]),
            });
        }
        out.push(Line::raw(""));
        out
    }

    fn detail_vendor(&self, d: &PilotData, w: usize) -> Vec<Line<'static>> {
        use crate::domain::model::VendorChoice;
        let t = &self.config.theme;
        if d.asks.is_empty() && d.vendor.is_none() {
            return Vec::new();
        }
        let choice = d.vendor.as_ref().map(|v| &v.choice);
        let (with, of) = crate::domain::vendors::coverage(&d.asks);
        let head = match choice {
            Some(VendorChoice::InHouse { .. }) => "Vendor: none, built in-house (V edits)".to_string(),
            _ => format!("Vendor, {with} of {of} asks with evidence (V edits)"),
        };
        let mut out = vec![self.section(&head)];
        out.push(Line::from(vec![
            Span::styled("Built by  ", t.muted()),
            Span::raw(truncate(
                &sanitize(&crate::domain::vendors::describe(choice)),
                w.saturating_sub(10),
            )),
        ]));
        if !matches!(choice, Some(VendorChoice::InHouse { .. })) {
            let col = d
                .asks
                .iter()
                .map(|a| width(&sanitize(&a.name)))
                .max()
                .unwrap_or(10)
                .min(w.saturating_sub(12))
                .max(10);
            for a in &d.asks {
                out.push(match &a.evidence {
                    Some(e) => Line::from(vec![
                        Span::styled("✓ ", t.ok()),
                        Span::styled(format!("{}  ", fit(&sanitize(&a.name), col)), t.muted()),
                        Span::raw(sanitize(&e.evidence)),
                    ]),
                    None => Line::from(vec![
                        Span::styled("✗ ", t.warn()),
                        Span::styled(format!("{}  ", fit(&sanitize(&a.name), col)), t.muted()),
                        Span::styled("none yet", t.warn()),
                    ]),
                });
            }
        }
        out.push(Line::raw(""));
        out
    }

    fn detail_rights(&self, d: &PilotData, w: usize) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        if d.rights.is_empty() {
            return Vec::new();
        }
        let (held, of) = crate::domain::rights::coverage(&d.rights);
        let mut out = vec![self.section(&format!("Decision rights, {held} of {of} assigned (R edits)"))];
        let names: Vec<String> = d
            .rights
            .iter()
            .map(|r| {
                if r.retired {
                    format!("{} (retired)", sanitize(&r.name))
                } else {
                    sanitize(&r.name)
                }
            })
            .collect();
        // The names' column, with a gap before who holds the right.
        let col = names
            .iter()
            .map(|n| width(n))
            .max()
            .unwrap_or(10)
            .min(w.saturating_sub(19))
            .max(10);
        for (r, name) in d.rights.iter().zip(names) {
            out.push(match &r.holder {
                Some(h) => Line::from(vec![
                    Span::styled("✓ ", t.ok()),
                    Span::styled(format!("{}  ", fit(&name, col)), t.muted()),
                    Span::raw(sanitize(&h.person)),
                    Span::styled(format!(" · {}", sanitize(&h.threshold)), t.muted()),
                ]),
                None => Line::from(vec![
                    Span::styled("✗ ", t.warn()),
                    Span::styled(format!("{}  ", fit(&name, col)), t.muted()),
                    Span::styled("nobody holds it", t.warn()),
                ]),
            });
        }
        out.push(Line::raw(""));
        out
    }

    fn detail_scores(&self, d: &PilotData, w: usize) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let mut out = vec![self.section("Readiness dimensions (s scores; trend oldest → newest)")];
        for dim in Dimension::ALL {
            let hist = d.dimension_history(dim.key());
            let cur = d.dimensions[dim.index()];
            let mut spans = vec![chips::rag(t, cur), Span::raw(" "), Span::raw(fit(dim.label(), 25))];
            let trend: Vec<Option<Rag>> = hist
                .iter()
                .rev()
                .take(8)
                .rev()
                .map(|s| Rag::parse(&s.answer).ok())
                .collect();
            for (i, r) in trend.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled("→", t.muted()));
                }
                spans.push(chips::rag(t, *r));
            }
            if trend.is_empty() {
                spans.push(Span::styled("not scored", t.muted()));
            }
            out.push(Line::from(spans));
            if let Some(last) = hist.last() {
                let why = if last.rationale.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", sanitize(&last.rationale))
                };
                out.push(Line::from(Span::styled(
                    truncate(
                        &format!("    {} by {}{why}", short_time(&last.scored_at), sanitize(&last.scorer)),
                        w.max(20) * 2,
                    ),
                    t.muted(),
                )));
            }
        }
        let mut unscored = Vec::new();
        for r in &d.rubrics {
            if r.rubric == crate::playbook::READINESS_RUBRIC {
                continue;
            }
            // A rubric nobody has started that gates nothing is named once
            // below, not given a line of its own on every pilot.
            if r.answered == 0 && !r.gates_readiness && r.rubric != crate::playbook::SELECTION_RUBRIC {
                unscored.push(sanitize(&r.name));
                continue;
            }
            let mut spans = vec![Span::styled(format!("{}: ", r.name), t.title()), Span::raw(r.summary())];
            for hit in &r.rules {
                spans.push(Span::styled(
                    format!("  {}", hit.label),
                    if hit.level == crate::playbook::Level::Block {
                        t.alert()
                    } else {
                        t.ok()
                    },
                ));
            }
            out.push(Line::from(spans));
        }
        if !unscored.is_empty() {
            out.push(Line::from(Span::styled(
                format!("Not scored yet: {} (lastmile rubric scores them)", unscored.join(", ")),
                t.muted(),
            )));
        }
        out.push(Line::raw(""));
        out
    }

    fn detail_progress(&self, d: &PilotData) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let mut out = vec![self.section("Checklist (2, 3, 4 open the phase boards)")];
        for p in Phase::ALL {
            let items = d.items(*p);
            let closed = items.iter().filter(|i| !i.state.is_open()).count();
            let overdue = items
                .iter()
                .filter(|i| i.state.is_open() && i.due_day < self.day)
                .count();
            let gates = items.iter().filter(|i| i.gate && i.state.is_open()).count();
            let bar_w = 20;
            let filled = if items.is_empty() {
                0
            } else {
                closed * bar_w / items.len()
            };
            out.push(Line::from(vec![
                Span::raw(fit(p.label(), 22)),
                Span::styled("█".repeat(filled), t.ok()),
                Span::styled("░".repeat(bar_w - filled), t.muted()),
                Span::raw(format!(" {closed}/{} closed", items.len())),
                Span::styled(
                    if overdue > 0 {
                        format!(" · {overdue} overdue")
                    } else {
                        String::new()
                    },
                    t.alert(),
                ),
                Span::styled(
                    if gates > 0 {
                        format!(" · {gates} open gate(s)")
                    } else {
                        String::new()
                    },
                    t.warn(),
                ),
            ]));
        }
        out.push(Line::raw(""));
        out
    }

    fn detail_metrics(&self, d: &PilotData, w: usize) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let mut out = vec![self.section("Evaluation metrics (m adds, M records a value)")];
        if d.metrics.is_empty() {
            out.push(Line::from(Span::styled("none yet", t.muted())));
        }
        let name_w = w.saturating_sub(50).clamp(10, 40);
        for m in &d.metrics {
            let (mark, word) = standing(m);
            let n = |v: Option<f64>| v.map_or("-".to_string(), fmt_num);
            out.push(Line::from(vec![
                Span::raw(format!("{} ", fit(&sanitize(&m.name), name_w))),
                Span::styled(
                    format!(
                        "{:<11} ",
                        truncate(
                            sanitize(&self.playbook.category_label(&m.category))
                                .split(' ')
                                .next()
                                .unwrap_or(""),
                            11
                        )
                    ),
                    t.muted(),
                ),
                Span::raw(format!(
                    "base {} · min {} · target {} · stretch {} · now {}{} ",
                    n(m.baseline),
                    n(m.minimum),
                    n(m.target),
                    n(m.stretch),
                    n(m.current),
                    sanitize(&m.unit)
                )),
                Span::styled(format!("{mark} {word}"), t.title()),
            ]));
        }
        out.push(Line::raw(""));
        out
    }

    fn detail_decisions(&self, d: &PilotData) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let mut out = vec![self.section("Decisions (D records one)")];
        if d.decisions.is_empty() {
            out.push(Line::from(Span::styled("none yet", t.muted())));
        }
        for dec in &d.decisions {
            let sup = dec.superseded_by.is_some();
            let met = dec.criteria.iter().filter(|c| c.met).count();
            out.push(Line::from(vec![
                Span::styled(format!("{} ", sanitize(&dec.decided_on)), t.muted()),
                Span::styled(dec.outcome.label().to_string(), if sup { t.muted() } else { t.title() }),
                Span::raw(format!(
                    " by {} · criteria {met}/{} met",
                    sanitize(&dec.decided_by),
                    dec.criteria.len()
                )),
                Span::styled(
                    if sup {
                        " · superseded"
                    } else if dec.communicated {
                        " · communicated"
                    } else {
                        " · not communicated"
                    },
                    if sup || dec.communicated { t.muted() } else { t.warn() },
                ),
            ]));
            out.push(Line::from(Span::styled(
                format!("    {}", sanitize(&dec.rationale)),
                t.muted(),
            )));
        }
        out.push(Line::raw(""));
        out
    }

    fn detail_audit(&self, d: &PilotData) -> Vec<Line<'static>> {
        let t = &self.config.theme;
        let mut out = vec![self.section("History (audit trail, latest recorded first)")];
        for e in &d.audit {
            out.push(Line::from(vec![
                Span::styled(format!("{} ", short_time(&e.at)), t.muted()),
                Span::styled(format!("{} ", sanitize(&e.actor)), t.title()),
                Span::raw(describe_event(&self.playbook, e, Some(&d.checklist))),
            ]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_imports_staging_events_read_as_words() {
        let pb = crate::playbook::Playbook::builtin();
        let event = |field: &str, value: Option<&str>| crate::domain::model::AuditEvent {
            id: 1,
            at: "2026-11-23T10:00:00Z".into(),
            actor: "Importer".into(),
            entity: "staging".into(),
            entity_id: 1,
            pilot_id: None,
            field: field.into(),
            old_value: None,
            new_value: value.map(str::to_string),
            hash: String::new(),
        };
        assert_eq!(
            describe_event(&pb, &event("staged", Some("pilots 12-211; people ")), None),
            "Import: 200 pilots added, hidden until it finishes"
        );
        assert_eq!(
            describe_event(&pb, &event("removed", Some("pilots 3; people 4-5")), None),
            "Import: 1 pilot and 2 people of an unfinished import removed"
        );
        assert_eq!(
            describe_event(&pb, &event("published", None), None),
            "Import: finished, its pilots shown"
        );
    }
}
