//! The portfolio: the capability inventory as a table (or a heatmap), with
//! sorting, a fuzzy filter, and the welcome for an empty database. Its keys
//! are [`PortfolioView::handle`], answered with an outcome the app routes.

use crate::domain::model::{Dimension, Phase};
use crate::domain::readiness::Verdict;
use crate::store::PilotRow;
use crate::text::{sanitize, truncate, width};
use crate::ui::action::Action;
use crate::ui::app::Ui;
use crate::ui::app::{App, ListTarget, Screen};
use crate::ui::data::{PortfolioView, SortKey};
use crate::ui::draw::fit;
use crate::ui::effect::Effect;

use crate::ui::widgets::chips;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Short phase labels for narrow tables.
pub fn phase_short(p: Phase) -> &'static str {
    match p {
        Phase::Assessment => "Assess",
        Phase::Scaffolding => "Scaffold",
        Phase::Hardening => "Harden",
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Col {
    Name,
    Unit,
    Sector,
    Phase,
    Dims,
    Ready,
    Owners,
    NextDue,
    Decision,
}

impl Col {
    fn sort(self) -> Option<SortKey> {
        Some(match self {
            Col::Name => SortKey::Name,
            Col::Sector => SortKey::Sector,
            Col::Phase => SortKey::Phase,
            Col::Ready => SortKey::Readiness,
            Col::Owners => SortKey::Owners,
            Col::NextDue => SortKey::NextDue,
            Col::Decision => SortKey::LastDecision,
            Col::Dims | Col::Unit => return None,
        })
    }
}

/// Columns and their widths for a table `w` cells wide (0 = the rest).
fn columns(w: u16) -> Vec<(Col, &'static str, u16)> {
    if w >= 150 {
        vec![
            (Col::Name, "Pilot", 0),
            (Col::Unit, "Business unit", 16),
            (Col::Sector, "Sector", 18),
            (Col::Phase, "Phase", 11),
            (Col::Dims, "D G I O", 7),
            (Col::Ready, "Readiness", 12),
            (Col::Owners, "Owners", 6),
            (Col::NextDue, "Next due", 22),
            (Col::Decision, "Last decision", 16),
        ]
    } else if w >= 110 {
        vec![
            (Col::Name, "Pilot", 0),
            (Col::Sector, "Sector", 12),
            (Col::Phase, "Phase", 11),
            (Col::Dims, "D G I O", 7),
            (Col::Ready, "Readiness", 12),
            (Col::Owners, "Own", 3),
            (Col::NextDue, "Next due", 22),
            (Col::Decision, "Decision", 16),
        ]
    } else {
        vec![
            (Col::Name, "Pilot", 0),
            (Col::Phase, "Phase", 8),
            (Col::Dims, "D G I O", 7),
            (Col::Ready, "Readiness", 12),
            (Col::Owners, "Own", 3),
            (Col::NextDue, "Next due", 12),
            (Col::Decision, "Outcome", 7),
        ]
    }
}

/// The widths of `cols` in a table `total` cells wide: each column its
/// minimum, then the spare room to the columns whose text is cut, in the
/// order a reader needs them (the name in full, the business unit, then
/// the next due item), and whatever is left to the next due item.
fn widths(cols: &[(Col, &'static str, u16)], total: u16, wants: crate::ui::data::Wants) -> Vec<u16> {
    const NAME_MIN: u16 = 12;
    let mut w: Vec<u16> = cols.iter().map(|c| if c.2 == 0 { NAME_MIN } else { c.2 }).collect();
    let used: u16 = w.iter().sum::<u16>() + cols.len() as u16;
    if used > total {
        // Too narrow for every minimum: the name gives way, down to 8.
        if let Some(i) = cols.iter().position(|c| c.0 == Col::Name) {
            w[i] = w[i].saturating_sub(used - total).max(8);
        }
        return w;
    }
    let mut spare = total.saturating_sub(used);
    let cap = |n: usize| n.min(u16::MAX as usize) as u16;
    for (col, want) in [
        (Col::Name, cap(wants.name)),
        (Col::Unit, cap(wants.unit)),
        (Col::NextDue, cap(wants.next_due)),
    ] {
        if let Some(i) = cols.iter().position(|c| c.0 == col) {
            let more = want.saturating_sub(w[i]).min(spare);
            w[i] += more;
            spare -= more;
        }
    }
    if let Some(i) = cols.iter().position(|c| c.0 == Col::NextDue) {
        w[i] += spare;
    }
    w
}

/// What a key on the portfolio asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum ScreenOutcome {
    Stay,
    /// Not a key of the portfolio.
    Unhandled,
    Info(&'static str),
    OpenPilot(i64),
    /// The order changed: keep the pilot selected and say how it sorts.
    Resort,
    Run(Effect),
    /// Ask for the CSV file to import.
    Import,
    Filter,
    ClearFilter,
}

impl PortfolioView {
    pub fn handle(&mut self, a: Action, page: usize) -> ScreenOutcome {
        if self.scroll.handle(a, self.view.len(), page) {
            return ScreenOutcome::Stay;
        }
        match a {
            Action::Open => {
                return match self.selected_id() {
                    Some(id) => ScreenOutcome::OpenPilot(id),
                    None => ScreenOutcome::Info("no pilot selected: add one with n, or load the demo with L"),
                }
            }
            Action::Filter => return ScreenOutcome::Filter,
            Action::Back if !self.filter.text().is_empty() => return ScreenOutcome::ClearFilter,
            Action::SortNext => {
                self.sort = self.sort.next();
                self.descending = false;
                return ScreenOutcome::Resort;
            }
            Action::SortReverse => {
                self.descending = !self.descending;
                return ScreenOutcome::Resort;
            }
            Action::ToggleHeatmap => self.heatmap = !self.heatmap,
            Action::LoadDemo if !self.rows.is_empty() => {
                return ScreenOutcome::Info(
                    "the demo loads into an empty database only: run 'lastmile --db demo.db' to try it in a new file",
                )
            }
            Action::LoadDemo => return ScreenOutcome::Run(Effect::LoadDemo),
            Action::Import => return ScreenOutcome::Import,
            _ => return ScreenOutcome::Unhandled,
        }
        ScreenOutcome::Stay
    }
}

impl App {
    /// Sort again, keeping the selected pilot selected.
    pub(crate) fn resort(&mut self) {
        let keep = self.portfolio.selected_id();
        self.portfolio.recompute();
        if let Some(id) = keep {
            self.portfolio.select_id(id);
        }
        let dir = if self.portfolio.descending {
            "descending"
        } else {
            "ascending"
        };
        self.info(format!("sorted by {} ({dir})", self.portfolio.sort.label()));
    }

    /// Sort by a column (mouse click on its header): again reverses.
    pub(crate) fn sort_by(&mut self, key: SortKey) {
        if self.portfolio.sort == key {
            self.portfolio.descending = !self.portfolio.descending;
        } else {
            self.portfolio.sort = key;
            self.portfolio.descending = false;
        }
        self.resort();
    }

    /// Clear the filter, keeping the selected pilot selected.
    pub(crate) fn clear_filter(&mut self) {
        match self.screen {
            Screen::Decisions => {
                self.decisions.filter.clear();
                self.decisions.refilter();
                return;
            }
            Screen::Attention => {
                self.attention.filter.clear();
                self.attention.refilter();
                return;
            }
            _ => {}
        }
        let keep = self.current_pilot();
        self.portfolio.filter.clear();
        self.portfolio.recompute();
        if let Some(id) = keep {
            self.portfolio.select_id(id);
        }
    }

    /// Keys while typing the filter.
    pub(crate) fn filter_action(&mut self, a: Action) {
        match a {
            Action::Submit => {
                self.filtering = false;
                let (n, what, empty) = match self.screen {
                    Screen::Decisions => (
                        self.decisions.list.len(),
                        "decision(s)",
                        self.decisions.filter.text().is_empty(),
                    ),
                    Screen::Attention => (
                        self.attention.lines.len(),
                        "line(s)",
                        self.attention.filter.text().is_empty(),
                    ),
                    _ => (
                        self.portfolio.view.len(),
                        "pilot(s)",
                        self.portfolio.filter.text().is_empty(),
                    ),
                };
                if !empty {
                    self.info(format!("{n} {what} match; Esc clears the filter"));
                }
            }
            Action::Back => {
                self.filtering = false;
                self.clear_filter();
            }
            Action::Up | Action::Down => {
                self.filtering = false;
                self.update(a);
                self.filtering = true;
            }
            _ => {}
        }
    }
}

impl Ui {
    pub(crate) fn draw_portfolio(&self, f: &mut Frame, area: Rect) {
        if self.portfolio.rows.is_empty() {
            self.draw_welcome(f, area);
            return;
        }
        let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        self.draw_portfolio_head(f, head);
        // Spare rows under a short table show the selected pilot's gaps.
        let header_rows = if self.portfolio.heatmap { 2 } else { 1 };
        let needed = self.portfolio.view.len() as u16 + header_rows + 1;
        let (body, preview) = if body.height >= needed + 7 {
            let ph = body.height - needed;
            let [b, p] = Layout::vertical([Constraint::Min(1), Constraint::Length(ph)]).areas(body);
            (b, Some(p))
        } else {
            (body, None)
        };
        if self.portfolio.heatmap {
            self.draw_heatmap(f, body);
        } else {
            self.draw_table(f, body);
        }
        if let Some(p) = preview {
            self.draw_preview(f, p);
        }
    }

    /// The selected pilot at a glance: verdict, blockers, owners, next due.
    fn draw_preview(&self, f: &mut Frame, area: Rect) {
        let t = &self.config.theme;
        let Some(r) = self.portfolio.selected() else { return };
        let block = self.panel(&format!("{} · Enter opens · w why not ready", sanitize(&r.name)), false);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let gate = sanitize(&self.playbook.gate(r.phase).name);
        let mut lines = vec![Line::from(vec![
            chips::standing(t, r.verdict, r.status, false),
            Span::styled(
                format!(
                    "{}  {} · {} · {} · {} of {} checklist items done",
                    if r.verdict.is_some() {
                        format!(" for the {}", gate.to_lowercase())
                    } else {
                        String::new()
                    },
                    r.phase.label(),
                    sanitize(&r.sector_name),
                    sanitize(&r.business_unit),
                    r.items_done,
                    r.items_total
                ),
                t.muted(),
            ),
        ])];
        // The gaps come from the selected pilot's loaded data (render
        // never reads the store).
        let gaps: Vec<(bool, String)> = match self.preview.as_ref().filter(|(id, _)| *id == r.id) {
            Some((_, j)) => j
                .current
                .as_ref()
                .map(|g| {
                    g.gaps()
                        .into_iter()
                        .map(|(b, x)| (b, sanitize(&x.describe())))
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let owners: Vec<String> = crate::domain::model::Role::ALL
            .iter()
            .zip(r.owners.iter())
            .map(|(role, o)| {
                format!(
                    "{}: {}",
                    role.label().split(' ').next().unwrap_or(""),
                    o.as_deref().map_or("—".into(), sanitize)
                )
            })
            .collect();
        let mut foot = vec![Line::from(Span::styled(
            format!("Owners  {}", owners.join(" · ")),
            t.muted(),
        ))];
        // The table cuts the next due item; here it is in full.
        if let Some((day, text)) = &r.next_due {
            foot.push(Line::from(vec![
                Span::styled("Next due  ", t.muted()),
                Span::styled(
                    format!(
                        "day {day}{}: {}",
                        if *day < self.day { ", overdue" } else { "" },
                        sanitize(text)
                    ),
                    if *day < self.day { t.alert() } else { Style::default() },
                ),
            ]));
        }
        // The first line, the owners and the next due item are always
        // shown, wrapped; the gaps get the rows left.
        let cols = inner.width as usize;
        let rows = |l: &Line| {
            crate::ui::draw::wrapped_rows(&l.spans.iter().map(|s| s.content.as_ref()).collect::<String>(), cols)
        };
        let n = gaps.len();
        // The first two gaps (and how many more) come before the whole next
        // due item: on a short panel the item stays in the table's column.
        let wanted_gaps = n.min(2) + usize::from(n > 2);
        let fixed_rows = |foot: &[Line]| -> usize { lines.iter().chain(foot.iter()).map(rows).sum() };
        if foot.len() > 1 && (inner.height as usize) < fixed_rows(&foot) + wanted_gaps {
            foot.pop();
        }
        let fixed = fixed_rows(&foot);
        let spare = (inner.height as usize).saturating_sub(fixed);
        let room = if n > spare { spare.saturating_sub(1) } else { n };
        for (blocks, text) in gaps.iter().take(room) {
            lines.push(chips::gap_line(t, *blocks, text));
        }
        if n > room && spare > 0 {
            lines.push(Line::from(Span::styled(
                format!("  … {} more: press w", n - room),
                t.muted(),
            )));
        }
        lines.extend(foot);
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }

    /// The line above the table: counts, filter, sort.
    fn draw_portfolio_head(&self, f: &mut Frame, area: Rect) {
        let t = &self.config.theme;
        let p = &self.portfolio;
        let mut spans = Vec::new();
        if self.filtering || !p.filter.text().is_empty() {
            let (shown, cur) = p.filter.window(30);
            spans.push(Span::styled("/", t.key()));
            spans.push(Span::styled(shown.clone(), t.matched()));
            if self.filtering && self.overlays.is_empty() {
                f.set_cursor_position((area.x + 1 + cur as u16, area.y));
                spans.push(Span::raw(" ".repeat(31usize.saturating_sub(width(&shown)))));
            }
            spans.push(Span::styled(
                format!("  {} of {} pilots", p.view.len(), p.rows.len()),
                t.muted(),
            ));
        } else {
            let count = |v| p.rows.iter().filter(|r| r.verdict == Some(v)).count();
            let (ready, risk, not) = (count(Verdict::Ready), count(Verdict::AtRisk), count(Verdict::NotReady));
            spans.push(Span::styled(format!("{} pilots  ", p.rows.len()), t.title()));
            spans.push(chips::verdict(t, Verdict::NotReady, true));
            spans.push(Span::raw(format!(" {not}  ")));
            spans.push(chips::verdict(t, Verdict::AtRisk, true));
            spans.push(Span::raw(format!(" {risk}  ")));
            spans.push(chips::verdict(t, Verdict::Ready, true));
            spans.push(Span::raw(format!(" {ready}")));
        }
        let arrow = if p.descending { "▼" } else { "▲" };
        let by_score = !p.filter.text().trim().is_empty() && p.sort == SortKey::Name && !p.descending;
        let sort = if by_score {
            "best matches first".to_string()
        } else {
            format!("sorted by {} {arrow}", p.sort.label())
        };
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        let room = (area.width as usize).saturating_sub(used + 2);
        if room > width(&sort) {
            spans.push(Span::raw(" ".repeat(room - width(&sort))));
            spans.push(Span::styled(sort, t.muted()));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_table(&self, f: &mut Frame, area: Rect) {
        let t = &self.config.theme;
        let cols = columns(area.width);
        // Widths from the rows on screen only: drawing never measures the
        // whole portfolio.
        let h = area.height.saturating_sub(1) as usize;
        let p = &self.portfolio;
        let off = p.scroll.window(p.view.len(), h);
        let wants = crate::ui::data::Wants::of(p.view.iter().skip(off).take(h).map(|&i| &p.rows[i]));
        let widths = widths(&cols, area.width, wants);
        // Header.
        let mut x = area.x;
        let mut header = Vec::new();
        for ((col, title, _), w) in cols.iter().zip(&widths) {
            let mut title = title.to_string();
            if col.sort() == Some(self.portfolio.sort) {
                title.push(if self.portfolio.descending { '▼' } else { '▲' });
            }
            if let Some(k) = col.sort() {
                self.hits.borrow_mut().headers.push((
                    Rect {
                        x,
                        y: area.y,
                        width: *w,
                        height: 1,
                    },
                    k,
                ));
            }
            if *col == Col::Dims {
                for d in Dimension::ALL {
                    let active = self.portfolio.sort == SortKey::Dimension(d.index());
                    let s = if active { t.selected() } else { t.header() };
                    header.push(Span::styled(d.key()[..1].to_uppercase(), s));
                    header.push(Span::styled(" ", t.header()));
                    self.hits.borrow_mut().headers.push((
                        Rect {
                            x: x + 2 * d.index() as u16,
                            y: area.y,
                            width: 1,
                            height: 1,
                        },
                        SortKey::Dimension(d.index()),
                    ));
                }
                // The last letter's space becomes the column's separator.
                header.pop();
                header.push(Span::raw(" "));
            } else {
                header.push(Span::styled(fit(&title, *w as usize), t.header()));
                header.push(Span::raw(" "));
            }
            x += w + 1;
        }
        f.render_widget(Paragraph::new(Line::from(header)), Rect { height: 1, ..area });
        let body = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        self.page.set(h.saturating_sub(1).max(1));
        self.hits.borrow_mut().scroll_areas.push((body, ListTarget::Portfolio));
        let mut lines = Vec::with_capacity(h);
        for (n, &ri) in p.view.iter().enumerate().skip(off).take(h) {
            let r = &p.rows[ri];
            let selected = n == p.scroll.selected;
            self.hit_row(body, n - off, ListTarget::Portfolio, n);
            let mut spans = Vec::new();
            for ((col, _, _), w) in cols.iter().zip(&widths) {
                let w = *w as usize;
                match col {
                    Col::Name => spans.extend(self.name_spans(r, w, selected)),
                    Col::Unit => spans.push(Span::raw(fit(&sanitize(&r.business_unit), w))),
                    Col::Sector => spans.push(Span::raw(fit(&sanitize(&r.sector_name), w))),
                    Col::Phase => spans.push(Span::raw(fit(
                        if w >= 20 {
                            r.phase.label()
                        } else if w >= 11 {
                            r.phase.label().split(' ').next().unwrap_or("")
                        } else {
                            phase_short(r.phase)
                        },
                        w,
                    ))),
                    Col::Dims => {
                        for (i, d) in r.dimensions.iter().enumerate() {
                            spans.push(chips::rag(t, *d));
                            if i < 3 {
                                spans.push(Span::raw(" "));
                            }
                        }
                    }
                    Col::Ready => {
                        let chip = chips::standing(t, r.verdict, r.status, false);
                        spans.push(Span::styled(fit(&chip.content, w), chip.style))
                    }
                    Col::Owners => {
                        let n = r.owner_count();
                        let s = if w >= 6 { format!("{n} of 4") } else { format!("{n}/4") };
                        spans.push(Span::styled(
                            fit(&s, w),
                            if n < 4 { t.alert() } else { Style::default() },
                        ));
                    }
                    Col::NextDue => spans.push(self.next_due_span(r, w)),
                    Col::Decision => {
                        let s = match &r.last_decision {
                            Some((o, on)) if w >= 16 => format!("{} {}", o.label(), sanitize(on)),
                            Some((o, _)) => o.label().to_string(),
                            None => "—".into(),
                        };
                        spans.push(Span::styled(
                            fit(&s, w),
                            if r.last_decision.is_none() {
                                t.muted()
                            } else {
                                Style::default()
                            },
                        ));
                    }
                }
                spans.push(Span::raw(" "));
            }
            let mut line = Line::from(spans);
            if selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), body);
    }

    /// The pilot name with the filter's matched letters highlighted.
    fn name_spans(&self, r: &PilotRow, w: usize, _selected: bool) -> Vec<Span<'static>> {
        let t = &self.config.theme;
        let name = truncate(&sanitize(&r.name), w);
        let matches = self.portfolio.name_matches(r);
        let mut spans = Vec::new();
        for (i, c) in name.chars().enumerate() {
            let style = if matches.contains(&i) {
                t.matched()
            } else {
                Style::default()
            };
            spans.push(Span::styled(c.to_string(), style));
        }
        spans.push(Span::raw(" ".repeat(w.saturating_sub(width(&name)))));
        spans
    }

    fn next_due_span(&self, r: &PilotRow, w: usize) -> Span<'static> {
        let t = &self.config.theme;
        match &r.next_due {
            Some((day, text)) => {
                let overdue = *day < self.day;
                let soon = !overdue && *day <= self.day + 7;
                let s = format!("{}d{day} {}", if overdue { "!" } else { "" }, sanitize(text));
                let style = if overdue {
                    t.alert()
                } else if soon {
                    t.warn()
                } else {
                    Style::default()
                };
                Span::styled(fit(&s, w), style)
            }
            None => Span::styled(fit("all done", w), t.muted()),
        }
    }
}
