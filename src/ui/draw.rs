//! The frame: tabs, the screen, the hint bar, the status bar, and layers on
//! top. Drawing only reads state (`&self`); the last layout is kept for
//! mouse hit-testing.

use super::app::{Hits, MessageKind, Screen, TABS};
use super::keymap::Mode;
use super::overlay::Overlay;
use crate::domain::calendar::describe_day;
use crate::text::{sanitize, truncate, width};
use crate::ui::app::Ui;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Below this size the screen says so instead of drawing.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Pad a string with spaces (or cut it) to exactly `w` cells.
/// Rows `text` takes when word-wrapped at `cols` columns (an estimate
/// that errs long: each word that does not fit starts a new row).
/// A line no wider than `w`: a span that would cross the edge is
/// shortened with an ellipsis and the rest dropped, so nothing is ever cut
/// silently at a border.
pub fn clip_line(line: Line<'static>, w: usize) -> Line<'static> {
    if line.width() <= w {
        return line;
    }
    let mut used = 0;
    let mut spans: Vec<Span<'static>> = Vec::new();
    for s in line.spans {
        let sw = s.width();
        if used + sw <= w {
            used += sw;
            spans.push(s);
            continue;
        }
        let room = w - used;
        if room > 0 {
            spans.push(Span::styled(crate::text::truncate(&s.content, room), s.style));
        } else if let Some(last) = spans.pop() {
            // The spans before it filled the width exactly: the last one
            // gives up its final cell to the ellipsis.
            let lw = last.width();
            spans.push(Span::styled(
                crate::text::truncate(&format!("{}…", last.content), lw),
                last.style,
            ));
        }
        break;
    }
    Line {
        spans,
        style: line.style,
        alignment: line.alignment,
    }
}

/// Rows `lines` take in a paragraph `cols` wide that wraps them without
/// trimming: measured by the paragraph itself, so a scroll limit computed
/// from it always reaches the last line.
pub fn paragraph_rows(lines: &[Line<'static>], cols: usize) -> usize {
    Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(cols.min(u16::MAX as usize) as u16)
}

pub fn wrapped_rows(text: &str, cols: usize) -> usize {
    let cols = cols.max(1);
    let mut rows = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let w = width(word);
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= cols {
            used = need;
        } else if w > cols {
            // A word longer than a row is broken across rows.
            rows += usize::from(used > 0) + (w - 1) / cols;
            used = match w % cols {
                0 => cols,
                r => r,
            };
        } else {
            rows += 1;
            used = w;
        }
    }
    rows
}

pub fn fit(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(pad))
}

impl Ui {
    /// Draw the whole screen.
    pub fn draw(&self, f: &mut Frame) {
        *self.hits.borrow_mut() = Hits::default();
        let area = f.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            self.draw_too_small(f, area);
            return;
        }
        // The workshop and its summary fill the screen and show their own
        // key legend; everywhere else the hint bar stays. A message gets
        // rows of its own above it, as many as it needs (up to three).
        let stage_on_top = matches!(self.overlays.last(), Some(Overlay::Workshop(_) | Overlay::Summary(_)));
        let msg_rows = self.message_rows(area.width);
        let hint_rows = u16::from(!stage_on_top);
        let [top, body, msg, hints, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(msg_rows),
            Constraint::Length(hint_rows),
            Constraint::Length(1),
        ])
        .areas(area);
        let stage = Rect {
            height: area.height.saturating_sub(1 + msg_rows + hint_rows),
            ..area
        };
        let full = self
            .overlays
            .iter()
            .rposition(|o| matches!(o, Overlay::Workshop(_) | Overlay::Summary(_)));
        let first_layer = match full {
            Some(i) => {
                match &self.overlays[i] {
                    Overlay::Workshop(w) => w.draw(f, stage, self),
                    Overlay::Summary(s) => s.draw(f, stage, self),
                    _ => {}
                }
                i + 1
            }
            None => {
                self.draw_tabs(f, top);
                self.draw_screen(f, body);
                0
            }
        };
        for o in &self.overlays[first_layer..] {
            self.draw_layer(f, if full.is_some() { stage } else { body }, o);
        }
        self.draw_message(f, msg);
        if !stage_on_top {
            self.draw_hints(f, hints);
        }
        self.draw_status(f, status);
    }

    /// The filter line of a list screen ("/query  3 of 44 lines") when a
    /// filter is typed or kept; returns the area left under it.
    pub(crate) fn draw_list_filter(
        &self,
        f: &mut Frame,
        area: Rect,
        filter: &super::widgets::textbuf::TextBuf,
        shown: usize,
        total: usize,
        what: &str,
    ) -> Rect {
        if !self.filtering && filter.text().is_empty() {
            return area;
        }
        let t = &self.config.theme;
        let (text, cur) = filter.window(30);
        let line = Line::from(vec![
            Span::styled("/", t.key()),
            Span::styled(text.clone(), t.matched()),
            Span::raw(" ".repeat(31usize.saturating_sub(width(&text)))),
            Span::styled(format!("  {shown} of {total} {what}"), t.muted()),
        ]);
        f.render_widget(Paragraph::new(line), Rect { height: 1, ..area });
        if self.filtering && self.overlays.is_empty() {
            f.set_cursor_position((area.x + 1 + cur as u16, area.y));
        }
        Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        }
    }

    /// Rows the current message needs at this width, wrapped (0 without
    /// one; at most three, the last ending in an ellipsis if cut).
    fn message_rows(&self, cols: u16) -> u16 {
        let Some(m) = &self.message else { return 0 };
        let cols = (cols as usize).max(1);
        let text = format!("✓ {}", sanitize(&m.text));
        wrapped_rows(&text, cols).clamp(1, 3) as u16
    }

    fn draw_too_small(&self, f: &mut Frame, area: Rect) {
        let t = &self.config.theme;
        let msg = format!(
            "Terminal too small ({}x{}). lastmile needs at least {MIN_WIDTH}x{MIN_HEIGHT}: enlarge the window or zoom out. q quits.",
            area.width, area.height
        );
        let h = (msg.len() as u16 / area.width.max(1) + 1).min(area.height);
        let y = area.y + area.height.saturating_sub(h) / 2;
        let r = Rect {
            x: area.x,
            y,
            width: area.width,
            height: h,
        };
        f.render_widget(Paragraph::new(msg).style(t.alert()).wrap(Wrap { trim: true }), r);
    }

    fn draw_screen(&self, f: &mut Frame, area: Rect) {
        match self.screen {
            Screen::Portfolio => self.draw_portfolio(f, area),
            Screen::Board(p) => self.draw_board(f, area, p),
            Screen::Detail => self.detail.draw(f, area, self),
            Screen::Decisions => self.decisions.draw(f, area, self),
            Screen::Attention => self.attention.draw(f, area, self),
        }
    }

    fn draw_layer(&self, f: &mut Frame, area: Rect, o: &Overlay) {
        match o {
            Overlay::Help(h) => h.draw(f, area, self),
            Overlay::Why(w) => w.draw(f, area, self),
            Overlay::Menu(m) => m.draw(f, area, self),
            Overlay::Confirm(c) => c.draw(f, area, self),
            Overlay::Prompt(p) => p.draw(f, area, self),
            Overlay::Editor(e) => e.draw(f, area, self),
            Overlay::Picker(p) => p.draw(f, area, self),
            Overlay::Form(form) => form.draw(f, area, self),
            Overlay::Workshop(w) => w.draw(f, area, self),
            Overlay::Summary(s) => s.draw(f, area, self),
            Overlay::Recent(r) => self.page.set(r.draw(f, area, &self.config.theme).max(1)),
            Overlay::Lenses(l) => l.draw(f, area, &self.config.theme),
            Overlay::Rights(r) => r.draw(f, area, self),
            Overlay::Programme(p) => p.draw(f, area, self),
            Overlay::Vendor(v) => v.draw(f, area, self),
        }
    }

    fn draw_tabs(&self, f: &mut Frame, area: Rect) {
        let t = &self.config.theme;
        let mut spans = Vec::new();
        let mut x = area.x;
        if area.width >= 100 {
            spans.push(Span::styled(" lastmile ", t.title()));
            x += 10;
        }
        let active = self.screen.tab().or(if self.screen == Screen::Detail {
            self.detail.from
        } else {
            None
        });
        let short = area.width < 76;
        for (i, s) in TABS.iter().enumerate() {
            let label = if short {
                format!("{} {}", i + 1, &s.label()[..s.label().len().min(5)])
            } else {
                format!("{} {}", i + 1, s.label())
            };
            let text = if area.width >= 84 {
                format!(" {label} ")
            } else {
                format!(" {label}")
            };
            let w = width(&text) as u16;
            let style = if Some(i) == active && self.screen != Screen::Detail {
                t.selected()
            } else if Some(i) == active {
                t.title()
            } else {
                t.muted()
            };
            if x + w <= area.x + area.width {
                self.hits.borrow_mut().tabs.push((
                    Rect {
                        x,
                        y: area.y,
                        width: w,
                        height: 1,
                    },
                    i,
                ));
            }
            spans.push(Span::styled(text, style));
            x += w;
        }
        if self.screen == Screen::Detail {
            if let Some(d) = &self.pilot {
                // The pilot's name in the room left; with too little room
                // for a readable part of it, none (the detail heads with it).
                let room = (area.x + area.width).saturating_sub(x) as usize;
                if room >= 12 {
                    spans.push(Span::styled(" › ", t.muted()));
                    let name = truncate(&sanitize(&d.pilot.name), room - 5);
                    spans.push(Span::styled(format!(" {name} "), t.selected()));
                }
            }
        }
        f.render_widget(Paragraph::new(clip_line(Line::from(spans), area.width as usize)), area);
    }

    /// The current message, wrapped over the rows it was given.
    fn draw_message(&self, f: &mut Frame, area: Rect) {
        let Some(m) = &self.message else { return };
        if area.height == 0 {
            return;
        }
        let t = &self.config.theme;
        let (mark, style) = match m.kind {
            MessageKind::Error => ("✗ ", t.alert()),
            MessageKind::Ok => ("✓ ", t.ok()),
            MessageKind::Info => ("› ", t.warn()),
        };
        let text = format!("{mark}{}", sanitize(&m.text));
        // Cut (with an ellipsis) only what does not fit in three rows.
        let cols = area.width as usize;
        let text = if wrapped_rows(&text, cols) > area.height as usize {
            truncate(&text, cols * area.height as usize - cols / 4)
        } else {
            text
        };
        f.render_widget(
            Paragraph::new(Span::styled(text, style)).wrap(Wrap { trim: false }),
            area,
        );
    }

    /// The key-hint bar of the current mode.
    fn draw_hints(&self, f: &mut Frame, area: Rect) {
        let t = &self.config.theme;
        let mode = self.mode();
        let mut spans = Vec::new();
        let mut used = 0usize;
        let max = area.width as usize;
        let mut hints = self.config.keymap.hints(mode);
        if mode == Mode::Portfolio && self.portfolio.heatmap {
            // v goes back to the table from the heatmap.
            for h in &mut hints {
                if h.1 == "heatmap" {
                    h.1 = "table";
                }
            }
        }
        if matches!(
            mode,
            Mode::Portfolio | Mode::Board | Mode::Checklist | Mode::Detail | Mode::Decisions | Mode::Attention
        ) {
            // Help first, quit last: the two a new user needs.
            hints.sort_by_key(|(_, d)| match *d {
                "help" => 0,
                "quit" => 2,
                _ => 1,
            });
        }
        let quit = hints.iter().position(|(_, d)| *d == "quit").map(|i| hints.remove(i));
        let reserve = quit.as_ref().map_or(0, |(k, d)| width(k) + width(d) + 3);
        for (k, d) in hints.into_iter().chain(quit) {
            let piece = width(&k) + 1 + width(d) + 2;
            let room = if d == "quit" { max } else { max.saturating_sub(reserve) };
            if used + piece > room {
                continue;
            }
            spans.push(Span::styled(k, t.key()));
            spans.push(Span::styled(format!(" {d}  "), t.muted()));
            used += piece;
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    /// Programme day and phase, database file, acting person.
    fn draw_status(&self, f: &mut Frame, area: Rect) {
        let t = &self.config.theme;
        let day = describe_day(self.day);
        let path = &self.file.path;
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| path.display().to_string());
        let full = path.display().to_string();
        let actor = format!("as {}", sanitize(&self.file.actor));
        let w = area.width as usize;
        let fixed = width(&day) + width(&actor) + 8;
        let db = if fixed + width(&full) <= w { full } else { file };
        let db = truncate(&sanitize(&db), w.saturating_sub(fixed).max(4));
        let ro = if self.file.read_only { " (read-only)" } else { "" };
        let line = Line::from(vec![
            Span::styled(format!(" {day} "), t.selected()),
            Span::styled(" │ ", t.muted()),
            Span::raw(format!("{db}{ro}")),
            Span::styled(" │ ", t.muted()),
            Span::styled(actor, t.title()),
        ]);
        f.render_widget(Paragraph::new(line), area);
    }

    /// Remember that row `row` of `list` (counted from its top) shows entry
    /// `n` of `target`, so a click there selects it.
    pub(crate) fn hit_row(&self, list: Rect, row: usize, target: super::app::ListTarget, n: usize) {
        let r = Rect {
            y: list.y + row as u16,
            height: 1,
            ..list
        };
        self.hits.borrow_mut().rows.push((r, target, n));
    }

    /// A bordered popup with a title, cleared underneath.
    pub(crate) fn popup(&self, f: &mut Frame, area: Rect, title: &str) -> Rect {
        let t = &self.config.theme;
        f.render_widget(Clear, area);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border_focused())
            .title(Span::styled(
                format!(" {} ", truncate(title, area.width.saturating_sub(4) as usize)),
                t.title(),
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        inner
    }

    /// A bordered panel (focused or not).
    pub(crate) fn panel<'a>(&self, title: &str, focused: bool) -> Block<'a> {
        let t = &self.config.theme;
        Block::default()
            .borders(Borders::ALL)
            .border_style(if focused { t.border_focused() } else { t.border() })
            .title(Span::styled(
                format!(" {title} "),
                if focused { t.title() } else { Style::default() },
            ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clipped_line_ends_in_an_ellipsis_at_the_edge() {
        let line = Line::from(vec![Span::raw("Decision: "), Span::raw("Go · NOT communicated")]);
        let text = |l: &Line| l.spans.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(text(&clip_line(line.clone(), 18)), "Decision: Go · NO…");
        assert_eq!(text(&clip_line(line.clone(), 10)), "Decision:…");
        assert_eq!(text(&clip_line(line.clone(), 40)), "Decision: Go · NOT communicated");
        assert!(clip_line(line, 18).width() <= 18);
    }
}
