//! A phase board: the pilots in the phase on the left; the selected
//! pilot's checklist for the phase, grouped by section, on the right; and
//! the phase's own panel (selection and ranking, owners and governance,
//! metrics and decision) below or beside it. The board's keys are
//! [`BoardState::handle`], which answers with an outcome the app routes.

use crate::domain::model::{ChecklistItem, ItemState, Phase};
use crate::text::{sanitize, truncate};
use crate::ui::action::Action;
use crate::ui::app::ListTarget;
use crate::ui::app::Ui;
use crate::ui::draw::fit;
use crate::ui::overlay::{ConfirmState, Pending};
use crate::ui::picker::OwnerPick;
use crate::ui::widgets::chips;
use crate::ui::widgets::list::window_offset;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub use crate::ui::state::BoardState;

/// What the board needs to know to answer a key: the rows it shows.
pub struct BoardView<'a> {
    pub phase: Phase,
    /// How many pilots the board lists.
    pub pilots: usize,
    /// The selected pilot's checklist for the phase.
    pub items: Vec<&'a ChecklistItem>,
    /// Whether the portfolio filter holds text.
    pub filtered: bool,
    pub page: usize,
}

/// What a key on the board asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum ScreenOutcome {
    Stay,
    /// Not a key of the board.
    Unhandled,
    Info(String),
    /// The checklist pane took the focus: put the cursor on the first
    /// open item of the selected pilot.
    FocusChecklist,
    /// Set the item's state (not applicable asks for a reason first).
    SetState {
        item: Box<ChecklistItem>,
        state: ItemState,
    },
    Note {
        item_id: i64,
    },
    PickOwner(OwnerPick),
    /// Ask before clearing the item's owner.
    Confirm(ConfirmState),
    Filter,
    ClearFilter,
}

impl BoardState {
    pub fn handle(&mut self, a: Action, v: &BoardView) -> ScreenOutcome {
        let page = v.page;
        if !self.focus_checklist {
            let n = v.pilots;
            let before = self.pilots.selected;
            match a {
                _ if self.pilots.handle(a, n, page) => {}
                Action::Right | Action::Open if n == 0 => {
                    return ScreenOutcome::Info(format!(
                        "no pilots are in {} yet: move one here with ] on an earlier board",
                        v.phase.label()
                    ))
                }
                Action::Right | Action::Open => {
                    self.focus_checklist = true;
                    return ScreenOutcome::FocusChecklist;
                }
                Action::Filter => return ScreenOutcome::Filter,
                Action::Back if v.filtered => return ScreenOutcome::ClearFilter,
                _ => return ScreenOutcome::Unhandled,
            }
            if self.pilots.selected != before {
                self.items.selected = 0;
            }
            return ScreenOutcome::Stay;
        }
        let n = v.items.len();
        let cur = v.items.get(self.items.selected).copied();
        if self.items.handle(a, n, page) {
            return ScreenOutcome::Stay;
        }
        match a {
            Action::Left | Action::Back => self.focus_checklist = false,
            Action::ToggleDone
            | Action::StateDone
            | Action::StateTodo
            | Action::StateDoing
            | Action::StateNa
            | Action::StateBlocked => {
                let Some(item) = cur else { return ScreenOutcome::Stay };
                let state = match a {
                    Action::ToggleDone if item.state == ItemState::Done => ItemState::Todo,
                    Action::ToggleDone | Action::StateDone => ItemState::Done,
                    Action::StateTodo => ItemState::Todo,
                    Action::StateDoing => ItemState::Doing,
                    Action::StateNa => ItemState::Na,
                    _ => ItemState::Blocked,
                };
                return ScreenOutcome::SetState {
                    item: Box::new(item.clone()),
                    state,
                };
            }
            Action::Note => {
                if let Some(item) = cur {
                    return ScreenOutcome::Note { item_id: item.id };
                }
            }
            Action::Owner => {
                if let Some(item) = cur {
                    return ScreenOutcome::PickOwner(OwnerPick::of(item));
                }
            }
            Action::ClearOwner => {
                if let Some(item) = cur {
                    return match &item.owner {
                        Some(o) => ScreenOutcome::Confirm(ConfirmState {
                            title: "Clear the owner?".into(),
                            message: format!(
                                "Remove {} as owner of \"{}\"?",
                                sanitize(o),
                                truncate(&sanitize(&item.text), 50)
                            ),
                            pending: Pending::ClearItemOwner {
                                item_id: item.id,
                                revision: item.revision,
                            },
                        }),
                        None => ScreenOutcome::Info("this item has no owner".into()),
                    };
                }
            }
            _ => return ScreenOutcome::Unhandled,
        }
        ScreenOutcome::Stay
    }
}

impl Ui {
    pub(crate) fn draw_board(&self, f: &mut Frame, area: Rect, phase: Phase) {
        let t = &self.config.theme;
        let def = self.playbook.phase(phase);
        let [head, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let today = if self.day < def.first_day {
            format!("starts in {} day(s)", def.first_day - self.day)
        } else if self.day > def.last_day {
            "phase window passed".to_string()
        } else {
            format!("today is day {}", self.day)
        };
        let n = self.board_pilots(phase).len();
        let mut spans = vec![
            Span::styled(format!("{} ", def.name), t.title()),
            Span::styled(
                format!("days {}-{} · {today} · {n} pilot(s)", def.first_day, def.last_day),
                t.muted(),
            ),
        ];
        if !self.portfolio.filter.text().is_empty() || self.filtering {
            spans.push(Span::styled(
                format!("  /{}", sanitize(self.portfolio.filter.text())),
                t.matched(),
            ));
        }
        if rest.width >= 140 {
            let used: usize = spans.iter().map(|s| s.width()).sum();
            let room = (head.width as usize).saturating_sub(used + 2);
            spans.push(Span::styled(
                format!("  {}", truncate(&sanitize(&def.summary), room)),
                t.muted(),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), head);
        let list_w = if rest.width >= 150 {
            36
        } else if rest.width >= 100 {
            30
        } else {
            24
        };
        let wide = rest.width >= 200;
        let (left, center, panel) = if wide {
            let [l, c, p] =
                Layout::horizontal([Constraint::Length(list_w), Constraint::Min(40), Constraint::Length(56)])
                    .areas(rest);
            (l, c, p)
        } else {
            let [l, r] = Layout::horizontal([Constraint::Length(list_w), Constraint::Min(30)]).areas(rest);
            let ph = if r.height >= 40 {
                14
            } else if r.height >= 30 {
                12
            } else {
                (r.height / 3).max(5)
            };
            let [c, p] = Layout::vertical([Constraint::Min(5), Constraint::Length(ph)]).areas(r);
            (l, c, p)
        };
        self.draw_board_pilots(f, left, phase);
        self.draw_checklist(f, center, phase);
        self.draw_phase_panel(f, panel, phase);
    }

    fn draw_board_pilots(&self, f: &mut Frame, area: Rect, phase: Phase) {
        let t = &self.config.theme;
        let b = &self.boards[phase.index()];
        let focused = !b.focus_checklist && self.overlays.is_empty();
        let ids = self.board_pilots(phase);
        let block = self.panel("Pilots", focused);
        let inner = block.inner(area);
        f.render_widget(block, area);
        if ids.is_empty() {
            let msg = if self.portfolio.filter.text().is_empty() {
                "No pilots in this phase."
            } else {
                "No pilots match the filter."
            };
            f.render_widget(Paragraph::new(msg).style(t.muted()).wrap(Wrap { trim: true }), inner);
            return;
        }
        let h = inner.height as usize;
        if focused {
            self.page.set(h.max(1));
        }
        let off = b.pilots.window(ids.len(), h);
        self.hits
            .borrow_mut()
            .scroll_areas
            .push((inner, ListTarget::BoardPilots(phase)));
        let w = inner.width as usize;
        let mut lines = Vec::new();
        for (n, id) in ids.iter().enumerate().skip(off).take(h) {
            let Some(r) = self.portfolio.row(*id) else { continue };
            self.hit_row(inner, n - off, ListTarget::BoardPilots(phase), n);
            let pinned = r.phase != phase;
            let mut spans = vec![chips::standing(t, r.verdict, r.status, true), Span::raw(" ")];
            let dims_w = if w >= 26 { 8 } else { 0 };
            let name = if pinned {
                format!("↪ {}", sanitize(&r.name))
            } else {
                sanitize(&r.name)
            };
            spans.push(Span::styled(
                fit(&name, w.saturating_sub(2 + dims_w)),
                if pinned { t.muted() } else { Style::default() },
            ));
            if dims_w > 0 {
                spans.push(Span::raw(" "));
                for (i, d) in r.dimensions.iter().enumerate() {
                    spans.push(chips::rag(t, *d));
                    if i < 3 {
                        spans.push(Span::raw(" "));
                    }
                }
            }
            let mut line = Line::from(spans);
            if n == b.pilots.selected {
                line = line.patch_style(if focused { t.selected() } else { t.selected_unfocused() });
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), inner);
    }

    fn draw_checklist(&self, f: &mut Frame, area: Rect, phase: Phase) {
        let t = &self.config.theme;
        let b = &self.boards[phase.index()];
        let focused = b.focus_checklist && self.overlays.is_empty();
        let Some(d) = self.pilot.as_ref().filter(|d| Some(d.id()) == self.board_pilot(phase)) else {
            let block = self.panel("Checklist", focused);
            let inner = block.inner(area);
            f.render_widget(block, area);
            f.render_widget(Paragraph::new("Select a pilot on the left.").style(t.muted()), inner);
            return;
        };
        let items = d.items(phase);
        let done = items.iter().filter(|i| !i.state.is_open()).count();
        let overdue = items
            .iter()
            .filter(|i| i.state.is_open() && i.due_day < self.day)
            .count();
        let title = format!(
            "{} · {done}/{} closed{}",
            truncate(
                &sanitize(&d.pilot.name),
                (area.width as usize).saturating_sub(30).max(8)
            ),
            items.len(),
            if overdue > 0 {
                format!(" · {overdue} overdue")
            } else {
                String::new()
            }
        );
        let block = self.panel(&title, focused);
        let inner = block.inner(area);
        f.render_widget(block, area);
        if inner.height == 0 || inner.width < 10 {
            return;
        }
        // The pilot's current gate on the first line, when there is room.
        let inner = if inner.height >= 6 {
            let mut spans = Vec::new();
            match &d.judgement.current {
                Some(g) => {
                    spans.push(Span::styled(format!("{}: ", sanitize(&g.name)), t.title()));
                    spans.push(chips::verdict(t, g.verdict, false));
                    let n = g.blockers().count();
                    let tail = if n > 0 {
                        format!(" · {n} must-meet unmet · w why")
                    } else {
                        " · D records the gate decision".to_string()
                    };
                    spans.push(Span::styled(tail, t.muted()));
                }
                None => spans.push(chips::standing(t, None, d.pilot.status, false)),
            }
            let used: usize = spans.iter().map(|s| s.width()).sum();
            if used > inner.width as usize {
                // Too narrow for the whole line: the verdict alone.
                spans.truncate(2);
            }
            f.render_widget(Paragraph::new(Line::from(spans)), Rect { height: 1, ..inner });
            Rect {
                y: inner.y + 1,
                height: inner.height - 1,
                ..inner
            }
        } else {
            inner
        };
        // Rows: section headers and items; the selected item's note below.
        let strip = if inner.height >= 16 {
            4
        } else if inner.height >= 12 {
            3
        } else {
            0
        };
        let list = Rect {
            height: inner.height - strip,
            ..inner
        };
        let mut rows: Vec<(Option<usize>, &str)> = Vec::new();
        let mut last = "";
        for (i, it) in items.iter().enumerate() {
            if it.section != last {
                rows.push((None, it.section.as_str()));
                last = it.section.as_str();
            }
            rows.push((Some(i), ""));
        }
        let sel_row = rows.iter().position(|r| r.0 == Some(b.items.selected)).unwrap_or(0);
        // Keep the section header above the selection in view when possible.
        let want = if sel_row > 0 && rows[sel_row - 1].0.is_none() {
            sel_row - 1
        } else {
            sel_row
        };
        let h = list.height as usize;
        if focused {
            self.page.set(h.max(1));
        }
        let mut off = window_offset(sel_row, rows.len(), h, b.items.offset.get());
        if want < off {
            off = want;
        }
        b.items.offset.set(off);
        self.hits
            .borrow_mut()
            .scroll_areas
            .push((list, ListTarget::Checklist(phase)));
        let w = list.width as usize;
        // Owners take the width of the longest name shown, so item texts
        // get the rest.
        let longest_owner = items
            .iter()
            .filter_map(|i| i.owner.as_deref())
            .map(|o| crate::text::width(&sanitize(o)))
            .max()
            .unwrap_or(1);
        let owner_w = if w >= 90 {
            longest_owner.clamp(1, 18)
        } else if w >= 60 {
            longest_owner.clamp(1, 12)
        } else {
            3
        };
        let due_w = 6;
        // Item text takes what it needs (up to 90 cells); notes get the rest
        // on wide terminals.
        // state chip and space, gate mark, then a space before each of
        // due, owner and the note (or its mark).
        let avail = w.saturating_sub(4 + 2 + 1 + due_w + 1 + owner_w + 2);
        let (text_w, note_w) = match avail.saturating_sub(90) {
            rest if rest >= 12 => (90, rest),
            _ => (avail, 0),
        };
        let mut lines = Vec::new();
        for (row, (idx, section)) in rows.iter().enumerate().skip(off).take(h) {
            let y = list.y + (row - off) as u16;
            match idx {
                None => lines.push(Line::from(Span::styled(truncate(&sanitize(section), w), t.title()))),
                Some(i) => {
                    let it = items[*i];
                    self.hit_row(list, (y - list.y) as usize, ListTarget::Checklist(phase), *i);
                    let mut spans = vec![chips::state(t, it.state), Span::raw(" ")];
                    spans.push(Span::styled(if it.gate { "◆ " } else { "  " }, t.warn()));
                    spans.push(Span::styled(
                        fit(&sanitize(&it.text), text_w),
                        if it.state.is_open() {
                            Style::default()
                        } else {
                            t.muted()
                        },
                    ));
                    spans.push(Span::raw(" "));
                    spans.push(self.due_span(it, due_w));
                    if owner_w > 0 {
                        spans.push(Span::raw(" "));
                        let o = match it.owner.as_deref() {
                            Some(o) if owner_w < 6 => initials(o),
                            Some(o) => sanitize(o),
                            None => "—".into(),
                        };
                        spans.push(Span::styled(
                            fit(&o, owner_w),
                            if it.owner.is_none() {
                                t.muted()
                            } else {
                                Style::default()
                            },
                        ));
                    }
                    if note_w > 0 {
                        spans.push(Span::raw(" "));
                        let note = sanitize(it.note.lines().next().unwrap_or(""));
                        spans.push(Span::styled(fit(&note, note_w), t.muted()));
                    } else if !it.note.is_empty() {
                        spans.push(Span::styled(" ✎", t.muted()));
                    }
                    let mut line = crate::ui::draw::clip_line(Line::from(spans), w);
                    if *i == b.items.selected {
                        line = line.patch_style(if focused { t.selected() } else { t.selected_unfocused() });
                    }
                    lines.push(line);
                }
            }
        }
        f.render_widget(Paragraph::new(lines), list);
        if strip > 0 {
            let area = Rect {
                y: list.y + list.height,
                height: strip,
                ..inner
            };
            let text = match items.get(b.items.selected) {
                Some(it) => {
                    let mut spans = vec![Span::styled("─ ", t.border())];
                    // The row cuts a long item text: here it is whole.
                    let full = sanitize(&it.text);
                    if crate::text::width(&full) > text_w {
                        spans.push(Span::styled(full, t.title()));
                        spans.push(Span::raw(" · "));
                    }
                    if it.note.trim().is_empty() {
                        let hint = self
                            .playbook
                            .item_hint(&it.item_key)
                            .unwrap_or("No note yet: press e to add a note or an evidence link.");
                        spans.push(Span::styled(format!("Hint: {hint}"), t.muted()));
                    } else {
                        spans.push(Span::styled("Note: ", t.title()));
                        spans.push(Span::raw(crate::text::sanitize(&it.note)));
                    }
                    Line::from(spans)
                }
                None => Line::raw(""),
            };
            f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        }
    }

    /// `d37`, flagged when overdue (`d37!`) or due within a week.
    pub(crate) fn due_span(&self, it: &ChecklistItem, w: usize) -> Span<'static> {
        let t = &self.config.theme;
        let overdue = it.state.is_open() && it.due_day < self.day;
        let soon = it.state.is_open() && !overdue && it.due_day <= self.day + 7;
        let s = format!("d{}{}", it.due_day, if overdue { "!" } else { "" });
        let style = if overdue {
            t.alert()
        } else if soon {
            t.warn()
        } else {
            t.muted()
        };
        Span::styled(if w == 0 { s } else { fit(&s, w) }, style)
    }
}

/// "Grace Liu" as "GL", for narrow checklists.
pub fn initials(name: &str) -> String {
    sanitize(name)
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(3)
        .collect()
}
