//! Workshop review, one component: a full-screen walk through one
//! pilot's checklist, one item at a time, in large readable text for a
//! projector. One key answers and moves on; the end (the summary) shows
//! what is still open and the verdict, and leads into the decision form.
//! The review's state, keys and drawing live here; answering an item is
//! an effect the app runs.

use super::action::Action;
use super::app::Ui;
use super::effect::Effect;
use super::keymap::Mode;
use super::picker::OwnerPick;
use super::widgets::chips;
use super::widgets::textscroll::TextScroll;
use crate::domain::model::{ChecklistItem, ItemState, Phase};
use crate::text::{sanitize, truncate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Wrap};
use ratatui::Frame;

/// The workshop review: one item at a time.
#[derive(Debug, Clone)]
pub struct WorkshopState {
    pub pilot_id: i64,
    pub phase: Phase,
    /// Item ids in review order.
    pub items: Vec<i64>,
    pub pos: usize,
    /// Items answered in this review (done, not yet, n/a, blocked).
    pub answered: Vec<i64>,
    pub started: std::time::Instant,
}

/// The end of a workshop review.
#[derive(Debug, Clone)]
pub struct SummaryState {
    pub pilot_id: i64,
    pub phase: Phase,
    pub reviewed: usize,
    pub total: usize,
    pub minutes: u64,
    pub scroll: TextScroll,
}

/// What a key in the review asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    /// Answer the item: run this, then (once it committed) move on.
    Answer {
        item_id: i64,
        effect: Effect,
    },
    /// The answer is what the item says already: it counts, move on.
    Answered {
        item_id: i64,
    },
    /// Not applicable needs a reason first: ask for it.
    AskReason {
        item_id: i64,
    },
    /// Choose the item's owner.
    PickOwner(OwnerPick),
    /// Write the item's note.
    Note {
        item_id: i64,
    },
    Help(Mode),
    Reference,
    /// The review is over: show the summary.
    Finish,
    Quit,
}

impl WorkshopState {
    pub fn new(pilot_id: i64, phase: Phase, items: &[&ChecklistItem]) -> WorkshopState {
        WorkshopState {
            pilot_id,
            phase,
            items: items.iter().map(|i| i.id).collect(),
            // Start at the first open item; a finished checklist at 1.
            pos: items.iter().position(|i| i.state.is_open()).unwrap_or(0),
            answered: Vec::new(),
            started: std::time::Instant::now(),
        }
    }

    /// The item under review, from the pilot the view holds.
    pub fn item(&self, ui: &Ui) -> Option<ChecklistItem> {
        self.items.get(self.pos).and_then(|id| ui.item(*id))
    }

    pub fn handle(&mut self, a: Action, item: Option<&ChecklistItem>) -> Outcome {
        match a {
            Action::StateDone | Action::StateNa | Action::StateBlocked | Action::NotYet => {
                let Some(item) = item else { return Outcome::Stay };
                let state = match a {
                    Action::StateDone => ItemState::Done,
                    Action::StateNa => ItemState::Na,
                    Action::StateBlocked => ItemState::Blocked,
                    _ if item.state.is_open() => item.state,
                    _ => ItemState::Todo,
                };
                if state == item.state {
                    Outcome::Answered { item_id: item.id }
                } else if state == ItemState::Na && item.note.trim().is_empty() {
                    Outcome::AskReason { item_id: item.id }
                } else {
                    Outcome::Answer {
                        item_id: item.id,
                        effect: Effect::ItemState {
                            item_id: item.id,
                            revision: item.revision,
                            state,
                        },
                    }
                }
            }
            Action::Skip => self.step(1),
            Action::Up => self.step(-1),
            Action::Owner => match item {
                Some(item) => Outcome::PickOwner(OwnerPick::of(item)),
                None => Outcome::Stay,
            },
            Action::Note => item.map_or(Outcome::Stay, |i| Outcome::Note { item_id: i.id }),
            Action::Help => Outcome::Help(Mode::Workshop),
            Action::Reference => Outcome::Reference,
            Action::Back => Outcome::Finish,
            Action::Quit => Outcome::Quit,
            _ => Outcome::Stay,
        }
    }

    /// An item was answered (its write committed): count it, move on.
    pub fn answered(&mut self, item_id: i64) -> Outcome {
        if !self.answered.contains(&item_id) {
            self.answered.push(item_id);
        }
        self.step(1)
    }

    /// Move by `by` items; past the last one the review is over.
    pub fn step(&mut self, by: i64) -> Outcome {
        let next = self.pos as i64 + by;
        if next < 0 {
            return Outcome::Stay;
        }
        if next as usize >= self.items.len() {
            return Outcome::Finish;
        }
        self.pos = next as usize;
        Outcome::Stay
    }

    /// The summary of this review.
    pub fn summary(&self) -> SummaryState {
        SummaryState {
            pilot_id: self.pilot_id,
            phase: self.phase,
            reviewed: self.answered.len(),
            total: self.items.len(),
            minutes: self.started.elapsed().as_secs() / 60,
            scroll: TextScroll::default(),
        }
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let w = self;
        let t = &ui.config.theme;
        f.render_widget(ratatui::widgets::Clear, area);
        let Some(d) = ui.pilot.as_ref().filter(|d| d.id() == w.pilot_id) else {
            return;
        };
        let Some(item) = w.item(ui) else { return };
        let total = w.items.len();
        let closed = w
            .items
            .iter()
            .filter_map(|id| d.checklist.iter().find(|i| i.id == *id))
            .filter(|i| !i.state.is_open())
            .count();
        let mins = w.started.elapsed().as_secs() / 60;
        let [title, gauge, _, stage, keys] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(2),
        ])
        .areas(area);
        // The pilot's name gives way first, with an ellipsis, so the phase
        // and the count stay readable on a narrow terminal.
        let meta = format!("{} · {} min · {} answered", w.phase.label(), mins, w.answered.len());
        let room = (title.width as usize).saturating_sub(17 + 4 + crate::text::width(&meta));
        let head = Line::from(vec![
            Span::styled(" WORKSHOP REVIEW ", t.selected()),
            Span::styled(
                format!("  {}  ", truncate(&sanitize(&d.pilot.name), room.max(8))),
                t.title(),
            ),
            Span::styled(meta, t.muted()),
        ]);
        f.render_widget(Paragraph::new(head), title);
        // The bar is how much of the checklist is closed (full when all
        // are), not where the review stands.
        let ratio = if total == 0 {
            0.0
        } else {
            (closed as f64 / total as f64).clamp(0.0, 1.0)
        };
        let label = format!("{closed} of {total} closed · on item {} of {total}", w.pos + 1);
        let g = Gauge::default()
            .ratio(ratio)
            .label(label)
            .gauge_style(if t.color { t.ok() } else { t.selected() })
            .use_unicode(true);
        f.render_widget(g, gauge);
        // The item, big and centred: on a projector-sized terminal the item
        // text is drawn in a large block font.
        let big_mode = stage.width >= 120 && stage.height >= 30;
        let width = if big_mode { stage.width } else { stage.width.min(100) };
        let x = stage.x + (stage.width - width) / 2;
        let stage = Rect { x, width, ..stage };
        let block = Block::default().borders(Borders::ALL).border_style(t.border_focused());
        let inner = block.inner(stage);
        f.render_widget(block, stage);
        let big = t.title().add_modifier(Modifier::BOLD);
        let overdue = item.state.is_open() && item.due_day < ui.day;
        let due = if overdue {
            Span::styled(
                format!("due day {} — {} day(s) overdue", item.due_day, ui.day - item.due_day),
                t.alert(),
            )
        } else {
            Span::styled(format!("due day {}", item.due_day), t.muted())
        };
        let text = sanitize(&item.text);
        // Square glyphs (8 cells x 4 rows) when they fit, else narrow ones
        // (4 x 4), else plain bold text.
        let fit_big = |cols: u16| {
            let wrapped = wrap_words(&text, (inner.width.saturating_sub(4) / cols).max(1) as usize);
            let rows = (wrapped.len() * 4) as u16;
            (big_mode && rows + 14 <= inner.height).then_some((wrapped, rows))
        };
        let (pixel, wrapped, big_rows) = match fit_big(8) {
            Some((w, r)) => (tui_big_text::PixelSize::HalfHeight, w, r),
            None => match fit_big(4) {
                Some((w, r)) => (tui_big_text::PixelSize::Quadrant, w, r),
                None => (tui_big_text::PixelSize::Quadrant, Vec::new(), 0),
            },
        };
        let use_big = big_rows > 0;
        let mut lines = vec![
            Line::from(Span::styled(sanitize(&item.section).to_uppercase(), t.muted())),
            Line::raw(""),
        ];
        if !use_big {
            lines.push(Line::from(Span::styled(text.clone(), big)));
        }
        lines.extend([
            Line::raw(""),
            Line::from(vec![
                Span::raw("Now:   "),
                chips::state(t, item.state),
                Span::styled(format!(" {}", item.state.label()), t.item_state(item.state)),
                Span::raw("   "),
                due,
            ]),
        ]);
        if item.gate {
            lines.push(Line::from(Span::styled(
                "◆ Gate: must be closed before the pilot is ready",
                t.warn(),
            )));
        }
        lines.push(Line::from(vec![
            Span::raw("Owner: "),
            match &item.owner {
                Some(o) => Span::styled(sanitize(o), t.title()),
                None => Span::styled("nobody yet: press o to name one", t.alert()),
            },
        ]));
        if item.note.trim().is_empty() {
            lines.push(Line::from(Span::styled(
                "Note:  none yet: press e to capture evidence or a link",
                t.muted(),
            )));
        } else {
            lines.push(Line::from(vec![Span::raw("Note:  "), Span::raw(sanitize(&item.note))]));
        }
        if let Some(h) = ui.playbook.item_hint(&item.item_key) {
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled(h.to_string(), t.muted())));
        }
        // Vertical centring when there is room.
        let extra = if use_big { big_rows + 1 } else { 0 };
        let pad = inner.height.saturating_sub(lines.len() as u16 + extra + 4) / 2;
        let x = inner.x + 2;
        let w = inner.width.saturating_sub(4);
        if use_big {
            let head = Rect {
                x,
                y: inner.y + pad,
                width: w,
                height: 2,
            };
            f.render_widget(Paragraph::new(lines[..2].to_vec()), head);
            let big_area = Rect {
                x,
                y: head.y + 2,
                width: w,
                height: big_rows,
            };
            let big_text = tui_big_text::BigText::builder()
                .pixel_size(pixel)
                .style(big)
                .lines(wrapped.into_iter().map(Line::from).collect::<Vec<_>>())
                .build();
            f.render_widget(big_text, big_area);
            let rest_h = inner.height.saturating_sub(pad + 2 + big_rows);
            let rest = Rect {
                x,
                y: big_area.y + big_rows,
                width: w,
                height: rest_h,
            };
            f.render_widget(Paragraph::new(lines[2..].to_vec()).wrap(Wrap { trim: false }), rest);
        } else {
            let body = Rect {
                y: inner.y + pad,
                height: inner.height.saturating_sub(pad),
                x,
                width: w,
            };
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
        }
        let km = &ui.config.keymap;
        let k = |a: Action| km.key_label(Mode::Workshop, a);
        let keyline = Line::from(vec![
            Span::styled(format!(" {} ", k(Action::StateDone)), t.selected()),
            Span::raw(" done   "),
            Span::styled(format!(" {} ", k(Action::NotYet)), t.selected()),
            Span::raw(" not yet   "),
            Span::styled(format!(" {} ", k(Action::StateNa)), t.selected()),
            Span::raw(" n/a   "),
            Span::styled(format!(" {} ", k(Action::Skip)), t.selected()),
            Span::raw(" skip   "),
            Span::styled(format!(" {} ", k(Action::Up)), t.selected()),
            Span::raw(" back   "),
            Span::styled(format!(" {} ", k(Action::Owner)), t.selected()),
            Span::raw(" owner   "),
            Span::styled(format!(" {} ", k(Action::Note)), t.selected()),
            Span::raw(" note   "),
            Span::styled(format!(" {} ", k(Action::Reference)), t.selected()),
            Span::raw(" reference   "),
            Span::styled(format!(" {} ", k(Action::Back)), t.selected()),
            Span::raw(" finish"),
        ]);
        f.render_widget(Paragraph::new(keyline).wrap(Wrap { trim: true }), keys);
    }
}

/// What a key on the summary asks of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryOutcome {
    Stay,
    Close,
    /// Open the decision form for the pilot.
    Decide(i64),
    Help(Mode),
    Quit,
}

impl SummaryState {
    pub fn handle(&mut self, a: Action, page: usize) -> SummaryOutcome {
        if self.scroll.handle(a, page) {
            return SummaryOutcome::Stay;
        }
        match a {
            Action::Help => return SummaryOutcome::Help(Mode::Summary),
            Action::Decide => return SummaryOutcome::Decide(self.pilot_id),
            Action::Back => return SummaryOutcome::Close,
            Action::Quit => return SummaryOutcome::Quit,
            _ => {}
        }
        SummaryOutcome::Stay
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let s = self;
        let t = &ui.config.theme;
        f.render_widget(ratatui::widgets::Clear, area);
        let Some(d) = ui.pilot.as_ref().filter(|d| d.id() == s.pilot_id) else {
            return;
        };
        let items = d.items(s.phase);
        let open: Vec<_> = items.iter().filter(|i| i.state.is_open()).collect();
        let mut lines = vec![
            Line::from(vec![
                Span::styled(" REVIEW FINISHED ", t.selected()),
                Span::styled(
                    format!("  {} · {}", sanitize(&d.pilot.name), s.phase.label()),
                    t.title(),
                ),
            ]),
            Line::raw(""),
            Line::raw(format!(
                "{} of {} items answered in {} minute(s); {} of {} closed, {} still open.",
                s.reviewed,
                s.total,
                s.minutes,
                items.len() - open.len(),
                items.len(),
                open.len()
            )),
            Line::raw(""),
            Line::from(vec![
                Span::styled(
                    match &d.judgement.current {
                        Some(g) => format!("{}: ", sanitize(&g.name)),
                        None => "Readiness: ".to_string(),
                    },
                    t.title(),
                ),
                chips::standing(t, d.judgement.verdict(), d.pilot.status, false),
            ]),
        ];
        if let Some(g) = &d.judgement.current {
            for (blocks, gap) in g.gaps() {
                lines.push(chips::gap_line(t, blocks, &sanitize(&gap.describe())));
            }
        }
        lines.push(Line::raw(""));
        if open.is_empty() {
            lines.push(Line::from(Span::styled("Every item of this phase is closed.", t.ok())));
        } else {
            lines.push(Line::from(Span::styled(
                format!("Still open in {}:", s.phase.label()),
                t.title(),
            )));
            for i in &open {
                let owner = i.owner.as_deref().map_or("no owner".to_string(), sanitize);
                lines.push(Line::from(vec![
                    Span::raw("  "),
                    chips::state(t, i.state),
                    Span::raw(" "),
                    Span::raw(sanitize(&i.text)),
                    Span::styled(format!("  ({owner}, "), t.muted()),
                    ui.due_span(i, 0),
                    Span::styled(")", t.muted()),
                ]));
            }
        }
        let km = &ui.config.keymap;
        let hints = Line::from(vec![
            Span::styled(
                format!(" {} ", km.key_label(Mode::Summary, Action::Decide)),
                t.selected(),
            ),
            Span::raw(" record the go / no-go / pivot / defer decision now    "),
            Span::styled(format!(" {} ", km.key_label(Mode::Summary, Action::Back)), t.selected()),
            Span::raw(" close   "),
            Span::styled(format!(" {} ", km.key_label(Mode::Summary, Action::Help)), t.selected()),
            Span::raw(" keys"),
        ]);
        let width = area.width.min(110);
        let r = Rect {
            x: area.x + (area.width - width) / 2,
            width,
            height: area.height.saturating_sub(1),
            ..area
        };
        // The keys stay on the last row; the rest scrolls, never past its end.
        let top = s.scroll.fit(
            crate::ui::draw::paragraph_rows(&lines, r.width as usize),
            r.height as usize,
        );
        ui.page.set((r.height as usize).max(1));
        f.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((top as u16, 0)),
            r,
        );
        let foot = Rect {
            y: area.y + area.height.saturating_sub(1),
            height: 1,
            ..r
        };
        f.render_widget(
            Paragraph::new(crate::ui::draw::clip_line(hints, foot.width as usize)),
            foot,
        );
    }
}

/// Split text into lines of at most `width` cells at spaces; a word wider
/// than a line is broken across lines, never cut.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    use crate::text::width as cells;
    let width = width.max(1);
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let used = cells(&cur);
            let need = if used == 0 {
                cells(&word)
            } else {
                used + 1 + cells(&word)
            };
            if need <= width {
                if used > 0 {
                    cur.push(' ');
                }
                cur.push_str(&word);
                break;
            }
            if used > 0 {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            // Alone and still too wide: as much as fits, the rest next.
            let mut head = String::new();
            let mut rest = word.chars().peekable();
            while let Some(c) = rest.peek() {
                if cells(&format!("{head}{c}")) > width && !head.is_empty() {
                    break;
                }
                head.push(*c);
                rest.next();
            }
            out.push(head);
            word = rest.collect();
            if word.is_empty() {
                break;
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod wrap_tests {
    use super::wrap_words;

    #[test]
    fn long_words_are_broken_not_cut_and_wide_text_fits() {
        assert_eq!(
            wrap_words("see /a/very/long/path here", 8),
            vec!["see", "/a/very/", "long/pat", "h here"]
        );
        for l in wrap_words("界界界 界界界界界", 6) {
            assert!(crate::text::width(&l) <= 6, "{l}");
        }
        assert_eq!(wrap_words("", 5), Vec::<String>::new());
    }
}
