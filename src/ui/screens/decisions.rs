//! The decision log: every decision, newest first, superseded ones marked;
//! the selected decision in full below; export to a file from here.

use crate::domain::model::Outcome;
use crate::text::sanitize;
use crate::ui::action::Action;
use crate::ui::app::Ui;
use crate::ui::app::{App, ListTarget};
use crate::ui::draw::fit;
use crate::ui::effect::Effect;
use crate::ui::overlay::{Overlay, PromptPurpose, PromptState};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// A mark per outcome, readable without colour.
pub fn outcome_mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Go => "✓",
        Outcome::NoGo => "✗",
        Outcome::Pivot => "↻",
        Outcome::Defer => "◷",
    }
}

impl App {
    pub(crate) fn decisions_action(&mut self, a: Action) -> bool {
        let len = self.decisions.list.len();
        let page = self.page.get().max(1);
        let s = &mut self.decisions.scroll;
        match a {
            Action::Up => s.up(1),
            Action::Down => s.down(1, len),
            Action::PageUp => s.up(page),
            Action::PageDown => s.down(page, len),
            Action::Top => s.top(),
            Action::Bottom => s.bottom(len),
            Action::Open => {
                if let Some(d) = self.decisions.list.get(self.decisions.scroll.selected) {
                    let id = d.pilot_id;
                    self.open_detail(id);
                }
            }
            Action::Export => {
                let name = crate::ui::files::default_export_name(self.today);
                self.overlays.push(Overlay::Prompt(PromptState::new(
                    "Export the decision log".into(),
                    format!(
                        "File (.md, .csv, .json or .html); a bare name goes in {}",
                        crate::ui::files::export_folder()
                    ),
                    &name,
                    PromptPurpose::Export,
                )));
            }
            Action::Communicated => {
                let Some(d) = self.decisions.list.get(self.decisions.scroll.selected).cloned() else {
                    return true;
                };
                if d.communicated {
                    self.info("already marked communicated");
                } else {
                    self.run(Effect::Communicated { decision_id: d.id });
                }
            }
            Action::Filter => self.filtering = true,
            Action::Back if !self.decisions.filter.text().is_empty() => self.clear_filter(),
            _ => return false,
        }
        true
    }
}

impl Ui {
    pub(crate) fn draw_decisions(&self, f: &mut Frame, area: Rect) {
        let t = &self.config.theme;
        let area = self.draw_list_filter(
            f,
            area,
            &self.decisions.filter,
            self.decisions.list.len(),
            self.decisions.all.len(),
            "decisions",
        );
        let list = &self.decisions.list;
        if list.is_empty() && !self.decisions.all.is_empty() {
            f.render_widget(
                Paragraph::new("No decision matches the filter: Esc clears it.").style(t.muted()),
                area,
            );
            return;
        }
        if list.is_empty() {
            let msg = "No decisions yet. Record one from a pilot with D (on the hardening board, the pilot detail or at the end of a workshop review).";
            f.render_widget(Paragraph::new(msg).style(t.muted()).wrap(Wrap { trim: true }), area);
            return;
        }
        let detail_h = if area.height >= 30 { 12 } else { 7 };
        let [top, bottom] = Layout::vertical([Constraint::Min(3), Constraint::Length(detail_h)]).areas(area);
        let w = top.width as usize;
        // The number first (rows say "superseded by #9"); names get the
        // room they need before the status takes what is left.
        let id_w = list.iter().map(|d| d.id.to_string().len()).max().unwrap_or(1).max(1) + 1;
        let by_w = list
            .iter()
            .map(|d| crate::text::width(&sanitize(&d.decided_by)))
            .max()
            .unwrap_or(10)
            .clamp(10, 24);
        let status_w = 18;
        let fixed = id_w + 1 + 11 + 10 + by_w + 1 + 5 + status_w;
        let pilot_w = list
            .iter()
            .map(|d| crate::text::width(&sanitize(&d.pilot)))
            .max()
            .unwrap_or(12)
            .min(w.saturating_sub(fixed))
            .max(12);
        let status_w = w.saturating_sub(fixed - status_w + pilot_w + 1).max(4);
        let head = format!(
            "{} {} {} {} {} {:>4} {}",
            fit("#", id_w),
            fit("Decided", 10),
            fit("Pilot", pilot_w),
            fit("Outcome", 9),
            fit("Decided by", by_w),
            "Met",
            "Status"
        );
        f.render_widget(
            Paragraph::new(Span::styled(fit(&head, w), t.header())),
            Rect { height: 1, ..top },
        );
        let body = Rect {
            y: top.y + 1,
            height: top.height.saturating_sub(1),
            ..top
        };
        let h = body.height as usize;
        self.page.set(h.max(1));
        let off = self.decisions.scroll.window(list.len(), h);
        self.hits.borrow_mut().scroll_areas.push((body, ListTarget::Decisions));
        let mut lines = Vec::new();
        for (n, d) in list.iter().enumerate().skip(off).take(h) {
            self.hit_row(body, n - off, ListTarget::Decisions, n);
            let sup = d.superseded_by.is_some();
            let met = d.criteria.iter().filter(|c| c.met).count();
            let status = if sup {
                format!("superseded by #{}", d.superseded_by.unwrap_or(0))
            } else if d.communicated {
                "communicated".into()
            } else {
                "to communicate".into()
            };
            let status = fit(&status, status_w);
            let base = if sup { t.muted() } else { Style::default() };
            let mut line = Line::from(vec![
                Span::styled(format!("{} ", fit(&d.id.to_string(), id_w)), base),
                Span::styled(format!("{} ", fit(&sanitize(&d.decided_on), 10)), base),
                Span::styled(format!("{} ", fit(&sanitize(&d.pilot), pilot_w)), base),
                Span::styled(
                    format!(
                        "{} ",
                        fit(&format!("{} {}", outcome_mark(d.outcome), d.outcome.label()), 9)
                    ),
                    if sup { t.muted() } else { t.title() },
                ),
                Span::styled(format!("{} ", fit(&sanitize(&d.decided_by), by_w)), base),
                Span::styled(format!("{:>4} ", format!("{met}/{}", d.criteria.len())), base),
                Span::styled(
                    status,
                    if sup {
                        t.muted()
                    } else if d.communicated {
                        t.ok()
                    } else {
                        t.warn()
                    },
                ),
            ]);
            if n == self.decisions.scroll.selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), body);
        if let Some(d) = list.get(self.decisions.scroll.selected) {
            let block = self.panel(
                &format!("#{} {} · {}", d.id, d.outcome.label(), sanitize(&d.pilot)),
                false,
            );
            let inner = block.inner(bottom);
            f.render_widget(block, bottom);
            let mut lines = vec![Line::from(vec![
                Span::styled("Rationale: ", t.title()),
                Span::raw(sanitize(&d.rationale)),
            ])];
            for c in &d.criteria {
                lines.push(Line::from(vec![
                    Span::styled(
                        if c.met { "  [x] " } else { "  [ ] " },
                        if c.met { t.ok() } else { t.alert() },
                    ),
                    Span::raw(sanitize(&c.criterion)),
                ]));
            }
            if !d.stop_conditions.trim().is_empty() {
                lines.push(Line::from(vec![
                    Span::styled("Stop conditions: ", t.title()),
                    Span::raw(sanitize(&d.stop_conditions)),
                ]));
            }
            lines.push(Line::from(Span::styled(
                format!(
                    "recorded by {} · hash {}",
                    sanitize(&d.recorded_by),
                    &d.hash.get(..12).unwrap_or("")
                ),
                t.muted(),
            )));
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
    }
}
