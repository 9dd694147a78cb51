//! Workshop review: a full-screen walk through one pilot's checklist, one
//! item at a time, in large readable text for a projector. One key answers
//! and moves on; the end shows what is still open and the verdict, and
//! leads into the decision form.

use crate::domain::model::{ChecklistItem, ItemState};
use crate::text::{sanitize, truncate};
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::app::Ui;
use crate::ui::keymap::Mode;
use crate::ui::overlay::{Overlay, PickPurpose, SummaryState, WorkshopState};
use crate::ui::widgets::chips;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Wrap};
use ratatui::Frame;

impl App {
    pub(crate) fn workshop_action(&mut self, a: Action) {
        let Some(Overlay::Workshop(w)) = self.overlays.last() else {
            return;
        };
        let w = w.clone();
        let item = self.workshop_item(&w);
        match a {
            Action::StateDone | Action::StateNa | Action::StateBlocked | Action::NotYet => {
                let Some(item) = item else { return };
                let state = match a {
                    Action::StateDone => ItemState::Done,
                    Action::StateNa => ItemState::Na,
                    Action::StateBlocked => ItemState::Blocked,
                    _ if item.state.is_open() => item.state,
                    _ => ItemState::Todo,
                };
                if state == item.state || self.set_item_state(&item, state) {
                    self.workshop_answered(item.id);
                    self.workshop_step(1);
                }
            }
            Action::Skip => self.workshop_step(1),
            Action::Up => self.workshop_step(-1),
            Action::Owner => {
                if let Some(item) = item {
                    self.open_picker(
                        format!("Owner of \"{}\"", truncate(&sanitize(&item.text), 40)),
                        PickPurpose::ItemOwner {
                            item_id: item.id,
                            revision: item.revision,
                        },
                        item.owner_id,
                    );
                }
            }
            Action::Note => {
                if let Some(item) = item {
                    self.open_note(item.id);
                }
            }
            Action::Help => self
                .overlays
                .push(Overlay::Help(crate::ui::help::HelpState::new(Mode::Workshop))),
            Action::Reference => self.open_reference(),
            Action::Back => self.workshop_finish(),
            Action::Quit => self.quit = true,
            _ => {}
        }
    }

    pub(crate) fn workshop_answered(&mut self, id: i64) {
        if let Some(Overlay::Workshop(w)) = self.overlays.last_mut() {
            if !w.answered.contains(&id) {
                w.answered.push(id);
            }
        }
    }

    pub(crate) fn workshop_step(&mut self, by: i64) {
        let Some(Overlay::Workshop(w)) = self.overlays.last_mut() else {
            return;
        };
        let next = w.pos as i64 + by;
        if next < 0 {
            return;
        }
        if next as usize >= w.items.len() {
            self.workshop_finish();
            return;
        }
        w.pos = next as usize;
    }

    /// End the review: replace it with the summary.
    fn workshop_finish(&mut self) {
        let Some(Overlay::Workshop(w)) = self.overlays.pop() else {
            return;
        };
        let s = SummaryState {
            pilot_id: w.pilot_id,
            phase: w.phase,
            reviewed: w.answered.len(),
            total: w.items.len(),
            minutes: w.started.elapsed().as_secs() / 60,
            scroll: 0,
        };
        // Fresh facts for the verdict.
        self.pilot = None;
        self.load_pilot(w.pilot_id);
        self.overlays.push(Overlay::Summary(s));
    }

    pub(crate) fn summary_action(&mut self, a: Action) {
        let Some(Overlay::Summary(s)) = self.overlays.last_mut() else {
            return;
        };
        match a {
            Action::Up => s.scroll = s.scroll.saturating_sub(1),
            Action::Down => s.scroll += 1,
            Action::Decide => {
                let id = s.pilot_id;
                self.open_decision(id);
            }
            Action::Back => {
                self.overlays.pop();
            }
            Action::Quit => self.quit = true,
            _ => {}
        }
    }
}

impl Ui {
    fn workshop_item(&self, w: &WorkshopState) -> Option<ChecklistItem> {
        w.items.get(w.pos).and_then(|id| self.item(*id))
    }

    pub(crate) fn draw_workshop(&self, f: &mut Frame, area: Rect, w: &WorkshopState) {
        let t = &self.config.theme;
        f.render_widget(ratatui::widgets::Clear, area);
        let Some(d) = self.pilot.as_ref().filter(|d| d.id() == w.pilot_id) else {
            return;
        };
        let Some(item) = self.workshop_item(w) else { return };
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
        let overdue = item.state.is_open() && item.due_day < self.day;
        let due = if overdue {
            Span::styled(
                format!("due day {} — {} day(s) overdue", item.due_day, self.day - item.due_day),
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
        if let Some(h) = self.playbook.item_hint(&item.item_key) {
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
        let km = &self.config.keymap;
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

    pub(crate) fn draw_summary(&self, f: &mut Frame, area: Rect, s: &SummaryState) {
        let t = &self.config.theme;
        f.render_widget(ratatui::widgets::Clear, area);
        let Some(d) = self.pilot.as_ref().filter(|d| d.id() == s.pilot_id) else {
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
                    self.due_span(i, 0),
                    Span::styled(")", t.muted()),
                ]));
            }
        }
        let km = &self.config.keymap;
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {} ", km.key_label(Mode::Summary, Action::Decide)),
                t.selected(),
            ),
            Span::raw(" record the go / no-go / pivot / defer decision now    "),
            Span::styled(format!(" {} ", km.key_label(Mode::Summary, Action::Back)), t.selected()),
            Span::raw(" close"),
        ]));
        let width = area.width.min(110);
        let r = Rect {
            x: area.x + (area.width - width) / 2,
            width,
            ..area
        };
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((s.scroll as u16, 0)),
            r,
        );
    }
}

/// Split text into lines of at most `width` characters at spaces (a word
/// longer than a line is cut).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let word: String = word.chars().take(width).collect();
        let len = cur.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&word);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}
