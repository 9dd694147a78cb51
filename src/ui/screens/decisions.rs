//! The decision log: every decision, newest first, superseded ones marked;
//! the selected decision in full below; export to a file from here. One
//! component: the log's state, its keys (`handle`) and its drawing.

use crate::domain::model::Decision;
use crate::domain::model::Outcome;
use crate::text::sanitize;
use crate::ui::action::Action;
use crate::ui::app::ListTarget;
use crate::ui::app::Ui;
use crate::ui::draw::fit;
use crate::ui::effect::Effect;
use crate::ui::state::matches_words;
use crate::ui::widgets::list::Scroll;
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

/// The decision log.
#[derive(Debug, Clone, Default)]
pub struct DecisionsState {
    /// Every decision, newest first.
    pub all: Vec<Decision>,
    /// The decisions shown: those matching the filter.
    pub list: Vec<Decision>,
    pub filter: crate::ui::widgets::textbuf::TextBuf,
    pub scroll: Scroll,
    pub loaded: bool,
}

/// What a key on the log asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum ScreenOutcome {
    Stay,
    /// Not a key of this screen.
    Unhandled,
    /// Open the pilot of the selected decision.
    OpenPilot(i64),
    /// Ask where to export the log.
    Export,
    /// Run this (mark communicated).
    Run(Effect),
    Info(&'static str),
    /// Start typing the filter.
    Filter,
    ClearFilter,
}

impl DecisionsState {
    pub fn selected(&self) -> Option<&Decision> {
        self.list.get(self.scroll.selected)
    }

    pub fn handle(&mut self, a: Action, page: usize) -> ScreenOutcome {
        if self.scroll.handle(a, self.list.len(), page) {
            return ScreenOutcome::Stay;
        }
        match a {
            Action::Open => {
                if let Some(d) = self.selected() {
                    return ScreenOutcome::OpenPilot(d.pilot_id);
                }
            }
            Action::Export => return ScreenOutcome::Export,
            Action::Communicated => match self.selected() {
                Some(d) if d.communicated => return ScreenOutcome::Info("already marked communicated"),
                Some(d) => return ScreenOutcome::Run(Effect::Communicated { decision_id: d.id }),
                None => {}
            },
            Action::Filter => return ScreenOutcome::Filter,
            Action::Back if !self.filter.text().is_empty() => return ScreenOutcome::ClearFilter,
            _ => return ScreenOutcome::Unhandled,
        }
        ScreenOutcome::Stay
    }

    /// Apply the filter again (pilot, outcome, decision-maker, date, #).
    pub fn refilter(&mut self) {
        let q = self.filter.text().to_string();
        self.list = self
            .all
            .iter()
            .filter(|d| {
                matches_words(
                    &q,
                    &[
                        &d.pilot,
                        d.outcome.label(),
                        &d.decided_by,
                        &d.decided_on,
                        &format!("#{}", d.id),
                        &d.rationale,
                    ],
                )
            })
            .cloned()
            .collect();
        self.scroll.clamp(self.list.len());
    }
}

impl DecisionsState {
    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let t = &ui.config.theme;
        let area = ui.draw_list_filter(f, area, &self.filter, self.list.len(), self.all.len(), "decisions");
        let list = &self.list;
        if list.is_empty() && !self.all.is_empty() {
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
        // The selected decision in full below the list, as tall as it
        // needs up to half the screen.
        let detail = list.get(self.scroll.selected).map(|d| (d, detail_lines(d, t)));
        let detail_h = detail.as_ref().map_or(7, |(_, l)| {
            let rows = crate::ui::draw::paragraph_rows(l, area.width.saturating_sub(2) as usize) as u16 + 2;
            rows.clamp(7, (area.height / 2).max(7))
        });
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
        ui.page.set(h.max(1));
        let off = self.scroll.window(list.len(), h);
        ui.hits.borrow_mut().scroll_areas.push((body, ListTarget::Decisions));
        let mut lines = Vec::new();
        for (n, d) in list.iter().enumerate().skip(off).take(h) {
            ui.hit_row(body, n - off, ListTarget::Decisions, n);
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
            if n == self.scroll.selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), body);
        if let Some((d, lines)) = detail {
            let block = ui.panel(
                &format!("#{} {} · {}", d.id, d.outcome.label(), sanitize(&d.pilot)),
                false,
            );
            let inner = block.inner(bottom);
            f.render_widget(block, bottom);
            let rows = crate::ui::draw::paragraph_rows(&lines, inner.width as usize);
            let mut lines = lines;
            if rows > inner.height as usize && inner.height > 1 {
                // Too long for the box: its last rows say how much is left.
                let cols = inner.width as usize;
                let note = |hidden: usize| {
                    Line::from(Span::styled(
                        format!("… {hidden} more lines (a taller terminal shows them)"),
                        t.muted(),
                    ))
                };
                let note_rows = crate::ui::draw::paragraph_rows(&[note(rows)], cols);
                let room = (inner.height as usize).saturating_sub(note_rows);
                let mut kept = Vec::new();
                for l in lines {
                    kept.push(l);
                    if crate::ui::draw::paragraph_rows(&kept, cols) > room {
                        kept.pop();
                        break;
                    }
                }
                let shown = crate::ui::draw::paragraph_rows(&kept, cols);
                kept.push(note(rows - shown));
                lines = kept;
            }
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
    }
}

/// The selected decision's rationale, criteria, stop conditions and record.
fn detail_lines(d: &Decision, t: &crate::ui::theme::Theme) -> Vec<Line<'static>> {
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
    lines
}
