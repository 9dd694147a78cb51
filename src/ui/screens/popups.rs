//! Drawing the small layers: menus, prompts, the note editor and the
//! person picker (help, confirmations, recent changes and the reference
//! panel are components of their own: `ui::help`, `ui::confirm`,
//! `ui::recent`, `ui::lenses`).

use crate::text::{sanitize, truncate, width};
use crate::ui::app::ListTarget;
use crate::ui::app::Ui;
use crate::ui::draw::{centered, fit};
use crate::ui::overlay::{EditorState, MenuState, PickerState, PromptState};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

impl Ui {
    pub(crate) fn draw_menu(&self, f: &mut Frame, area: Rect, m: &MenuState) {
        let t = &self.config.theme;
        let w = m
            .items
            .iter()
            .map(|i| width(&i.label) + width(&i.detail) + 8)
            .max()
            .unwrap_or(20)
            .max(width(&m.title) + 6)
            .min(area.width as usize - 2) as u16;
        let h = (m.items.len() as u16 + 2).min(area.height);
        let inner = self.popup(f, centered(area, w, h), &m.title);
        let hgt = inner.height as usize;
        let off = m.scroll.window(m.items.len(), hgt);
        let label_w = m.items.iter().map(|i| width(&i.label)).max().unwrap_or(0);
        let mut lines = Vec::new();
        for (n, it) in m.items.iter().enumerate().skip(off).take(hgt) {
            self.hits.borrow_mut().rows.push((
                Rect {
                    x: inner.x,
                    y: inner.y + (n - off) as u16,
                    width: inner.width,
                    height: 1,
                },
                ListTarget::Menu,
                n,
            ));
            let mut line = Line::from(vec![
                Span::styled(format!("{} ", n + 1), t.key()),
                Span::raw(format!("{}  ", fit(&it.label, label_w))),
                Span::styled(it.detail.clone(), t.muted()),
            ]);
            if n == m.scroll.selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), inner);
    }

    pub(crate) fn draw_prompt(&self, f: &mut Frame, area: Rect, p: &PromptState) {
        let t = &self.config.theme;
        let w = area.width.saturating_sub(4).min(80);
        let h = if p.error.is_some() { 7 } else { 5 };
        let inner = self.popup(f, centered(area, w, h), &p.title);
        f.render_widget(
            Paragraph::new(Span::styled(p.label.clone(), t.muted())),
            Rect { height: 1, ..inner },
        );
        let field = Rect {
            y: inner.y + 1,
            height: 1,
            ..inner
        };
        let (shown, cur) = p.input.window(field.width.saturating_sub(1) as usize);
        f.render_widget(
            Paragraph::new(Span::styled(
                shown,
                Style::default().add_modifier(ratatui::style::Modifier::UNDERLINED),
            )),
            field,
        );
        f.set_cursor_position((field.x + cur as u16, field.y));
        if let Some(e) = &p.error {
            let er = Rect {
                y: inner.y + 2,
                height: inner.height.saturating_sub(2),
                ..inner
            };
            f.render_widget(
                Paragraph::new(Span::styled(format!("✗ {}", sanitize(e)), t.alert())).wrap(Wrap { trim: true }),
                er,
            );
        }
    }

    pub(crate) fn draw_editor(&self, f: &mut Frame, area: Rect, e: &EditorState) {
        let t = &self.config.theme;
        let w = area.width.saturating_sub(4).min(100);
        let h = area.height.saturating_sub(2).min(20);
        let inner = self.popup(
            f,
            centered(area, w, h),
            &format!("{} (Ctrl-S saves, Esc cancels)", e.title),
        );
        f.render_widget(
            Paragraph::new(Span::styled(truncate(&e.context, inner.width as usize), t.muted())),
            Rect { height: 1, ..inner },
        );
        let body = Rect {
            y: inner.y + 2,
            height: inner.height.saturating_sub(2),
            ..inner
        };
        let (lines, (row, col)) = e.buf.wrapped(body.width.saturating_sub(1) as usize);
        let h = body.height as usize;
        let off = row.saturating_sub(h.saturating_sub(1));
        let shown: Vec<Line> = lines.iter().skip(off).take(h).map(|l| Line::raw(l.clone())).collect();
        f.render_widget(Paragraph::new(shown), body);
        if h > 0 {
            f.set_cursor_position((body.x + col as u16, body.y + (row - off) as u16));
        }
    }

    pub(crate) fn draw_picker(&self, f: &mut Frame, area: Rect, p: &PickerState) {
        let t = &self.config.theme;
        let w = area.width.saturating_sub(4).min(70);
        let h = area.height.saturating_sub(2).min(18);
        let inner = self.popup(f, centered(area, w, h), &p.title);
        let field = Rect { height: 1, ..inner };
        let (shown, cur) = p.query.window(field.width.saturating_sub(3) as usize);
        f.render_widget(
            Paragraph::new(Line::from(vec![Span::styled("› ", t.key()), Span::raw(shown)])),
            field,
        );
        f.set_cursor_position((field.x + 2 + cur as u16, field.y));
        let mut top = inner.y + 1;
        if let Some(e) = &p.error {
            f.render_widget(
                Paragraph::new(Span::styled(
                    truncate(&format!("✗ {}", sanitize(e)), inner.width as usize),
                    t.alert(),
                )),
                Rect {
                    y: top,
                    height: 1,
                    ..inner
                },
            );
            top += 1;
        }
        let list = Rect {
            y: top,
            height: inner.height.saturating_sub(top - inner.y + 1),
            ..inner
        };
        let rows = p.rows();
        let hgt = list.height as usize;
        let off = p.scroll.window(rows, hgt);
        let mut lines = Vec::new();
        for n in (0..rows).skip(off).take(hgt) {
            self.hits.borrow_mut().rows.push((
                Rect {
                    x: list.x,
                    y: list.y + (n - off) as u16,
                    width: list.width,
                    height: 1,
                },
                ListTarget::Picker,
                n,
            ));
            let mut line = match p.matches.get(n) {
                Some((i, idx)) => {
                    let person = &p.people[*i];
                    let mut spans = vec![Span::raw(if Some(person.id) == p.current { "• " } else { "  " })];
                    for (ci, c) in sanitize(&person.name).chars().enumerate() {
                        spans.push(Span::styled(
                            c.to_string(),
                            if idx.contains(&ci) {
                                t.matched()
                            } else {
                                Style::default()
                            },
                        ));
                    }
                    if !person.title.is_empty() {
                        spans.push(Span::styled(format!("  {}", sanitize(&person.title)), t.muted()));
                    }
                    Line::from(spans)
                }
                None => Line::from(vec![
                    Span::styled("+ add ", t.ok()),
                    Span::styled(format!("\"{}\"", sanitize(p.query.text().trim())), t.title()),
                    Span::styled(" as a new person", t.ok()),
                ]),
            };
            if n == p.scroll.selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        if rows == 0 {
            lines.push(Line::from(Span::styled(
                "No people yet: type a name, then Enter adds them.",
                t.muted(),
            )));
        }
        f.render_widget(Paragraph::new(lines), list);
        let foot = Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1,
            ..inner
        };
        f.render_widget(
            Paragraph::new(Span::styled(
                "type to filter · Enter choose · Ctrl-A add typed name · Esc cancel",
                t.muted(),
            )),
            foot,
        );
    }
}
