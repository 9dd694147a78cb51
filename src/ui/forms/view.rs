//! Drawing a form: one row per field (more for multi-line fields), the
//! field's message under it, and the focused field's help at the bottom.

use super::{FieldValue, FormKind, FormState};
use crate::domain::model::{Dimension, Rag};
use crate::playbook::READINESS_RUBRIC;
use crate::text::{sanitize, width};
use crate::ui::app::Ui;
use crate::ui::draw::{centered, fit};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Visible lines of a multi-line field on a terminal `height` rows tall:
/// three on a small one, more where there is room.
fn area_lines(height: u16) -> usize {
    (height.saturating_sub(16) as usize / 2).clamp(3, 12)
}

impl FormState {
    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let form = self;
        let t = &ui.config.theme;
        let w = area.width.saturating_sub(2).min(100);
        let inner_w = w.saturating_sub(2);
        let label_w = form.fields.iter().map(|x| width(&x.label)).max().unwrap_or(10).min(18) + 2;
        let value_w = (inner_w as usize).saturating_sub(label_w + 1).max(4);
        // Lay out every field; remember where the focused one is.
        let mut lines: Vec<Line> = Vec::new();
        let mut cursor: Option<(usize, usize)> = None;
        let mut focus_top = 0;
        let mut focus_bottom = 0;
        for (i, field) in form.fields.iter().enumerate() {
            if form.hidden(i) {
                continue;
            }
            let focused = i == form.focus;
            if focused {
                focus_top = lines.len();
            }
            let label_style = if focused { t.selected() } else { t.title() };
            let label = Span::styled(fit(&field.label, label_w - 1), label_style);
            match &field.value {
                FieldValue::Text(b) => {
                    let (shown, cur) = b.window(value_w.saturating_sub(1));
                    if focused {
                        cursor = Some((lines.len(), label_w + cur));
                    }
                    lines.push(Line::from(vec![
                        label,
                        Span::raw(" "),
                        Span::styled(fit(&shown, value_w), underline(focused)),
                    ]));
                }
                FieldValue::Area(b) => {
                    let (wrapped, (row, col)) = b.wrapped(value_w.saturating_sub(1));
                    let most = area_lines(area.height);
                    let n = if focused {
                        wrapped.len().clamp(1, most + 2)
                    } else {
                        wrapped.len().clamp(1, most)
                    };
                    let off = if focused { row.saturating_sub(n - 1) } else { 0 };
                    if focused {
                        cursor = Some((lines.len() + row - off, label_w + col));
                    }
                    for k in 0..n {
                        let lab = if k == 0 {
                            label.clone()
                        } else {
                            Span::raw(" ".repeat(label_w - 1))
                        };
                        // The last row says how much more there is rather
                        // than cutting a line short.
                        let hidden = wrapped.len() - n + 1;
                        let value = if !focused && k == n - 1 && wrapped.len() > n {
                            Span::styled(
                                fit(&format!("… {hidden} more lines: Tab to this field shows them"), value_w),
                                t.muted(),
                            )
                        } else {
                            let text = wrapped.get(off + k).cloned().unwrap_or_default();
                            Span::styled(fit(&text, value_w), underline(focused))
                        };
                        lines.push(Line::from(vec![lab, Span::raw(" "), value]));
                    }
                }
                FieldValue::Choice { options, index } => {
                    let mut spans = vec![label, Span::raw(" ")];
                    let compact = options.iter().map(|o| width(&o.0) + 3).sum::<usize>() > value_w;
                    if compact {
                        let cur = options.get(*index).map_or("", |o| o.0.as_str());
                        spans.push(Span::styled(
                            format!("‹ {cur} ›"),
                            if focused {
                                t.selected()
                            } else {
                                Style::default().add_modifier(Modifier::BOLD)
                            },
                        ));
                    } else {
                        for (k, o) in options.iter().enumerate() {
                            let chosen = k == *index;
                            let style = if chosen {
                                choice_style(ui, form, field.key, &o.1, focused)
                            } else {
                                t.muted()
                            };
                            let text = if chosen {
                                format!("[{}]", o.0)
                            } else {
                                format!(" {} ", o.0)
                            };
                            spans.push(Span::styled(text, style));
                            spans.push(Span::raw(" "));
                        }
                    }
                    lines.push(Line::from(spans));
                }
                FieldValue::Person { id, name } => {
                    let shown = if id.is_some() {
                        sanitize(name)
                    } else {
                        "— Enter to pick —".into()
                    };
                    lines.push(Line::from(vec![
                        label,
                        Span::raw(" "),
                        Span::styled(shown, if id.is_some() { t.title() } else { t.muted() }),
                    ]));
                }
                FieldValue::Toggle(on) => {
                    lines.push(Line::from(vec![
                        label,
                        Span::raw(" "),
                        Span::styled(
                            if *on { "[x] yes" } else { "[ ] no" },
                            if focused { t.selected() } else { Style::default() },
                        ),
                    ]));
                }
            }
            if let Some(e) = &field.error {
                // The whole message, word-wrapped under the value.
                for row in crate::ui::workshop::wrap_words(&format!("✗ {}", sanitize(e)), value_w) {
                    lines.push(Line::from(vec![
                        Span::raw(" ".repeat(label_w)),
                        Span::styled(row, t.alert()),
                    ]));
                }
            }
            if focused {
                focus_bottom = lines.len();
            }
        }
        // Bottom: form message, focused field's help, rubric guide.
        let mut foot: Vec<Line> = Vec::new();
        if let Some(e) = &form.error {
            foot.push(Line::from(Span::styled(format!("✗ {}", sanitize(e)), t.alert())));
        }
        if let Some(field) = form.focused() {
            if !field.help.is_empty() {
                foot.push(Line::from(Span::styled(field.help.clone(), t.muted())));
            }
        }
        if let Some(g) = form.score_guide(ui) {
            foot.push(Line::from(Span::styled(g, t.warn())));
        }
        // Rows once word-wrapped (a guide's last word must not fall off).
        let foot_rows: usize = foot
            .iter()
            .map(|l| {
                let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                crate::ui::draw::wrapped_rows(&text, inner_w as usize)
            })
            .sum();
        let want = (lines.len() + foot_rows) as u16 + 3;
        let r = centered(area, w, want.max(8));
        let inner = ui.popup(f, r, &format!("{} · Ctrl-S saves · Esc cancels", form.title));
        let foot_h = if inner.height >= 6 {
            // The popup was sized for its fields and this footer: keep at
            // least three rows for the fields when the terminal is short.
            (foot_rows as u16 + 1).min(inner.height.saturating_sub(3))
        } else {
            0
        };
        let body = Rect {
            height: inner.height.saturating_sub(foot_h),
            ..inner
        };
        let hgt = body.height as usize;
        let mut off = form.offset.get().min(lines.len().saturating_sub(hgt));
        if focus_top < off {
            off = focus_top;
        }
        if focus_bottom > off + hgt {
            off = focus_bottom.saturating_sub(hgt);
        }
        form.offset.set(off);
        let shown: Vec<Line> = lines.into_iter().skip(off).take(hgt).collect();
        f.render_widget(Paragraph::new(shown), body);
        if let Some((row, col)) = cursor {
            if row >= off && row < off + hgt {
                f.set_cursor_position((body.x + col as u16, body.y + (row - off) as u16));
            }
        }
        if foot_h > 0 {
            let fr = Rect {
                y: inner.y + inner.height - foot_h + 1,
                height: foot_h - 1,
                ..inner
            };
            f.render_widget(Paragraph::new(foot).wrap(Wrap { trim: true }), fr);
        }
    }

    /// The rubric's guide for the chosen dimension and rating.
    fn score_guide(&self, ui: &Ui) -> Option<String> {
        let form = self;
        if !matches!(form.kind, FormKind::Score { .. }) {
            return None;
        }
        let dim = Dimension::parse(form.field("dimension")?.choice_key()).ok()?;
        let rag = Rag::parse(form.field("rating")?.choice_key()).ok()?;
        let q = ui.playbook.rubric(READINESS_RUBRIC)?.question(dim.key())?;
        let guide = q.guide.get(rag.key())?;
        Some(format!("{} ({}): {guide}", rag.label(), rag.letter()))
    }
}

fn underline(focused: bool) -> Style {
    if focused {
        Style::default().add_modifier(Modifier::UNDERLINED)
    } else {
        Style::default()
    }
}

/// Ratings show in their colour (and always with brackets).
fn choice_style(app: &Ui, form: &FormState, key: &str, value: &str, focused: bool) -> Style {
    let t = &app.config.theme;
    if matches!(form.kind, FormKind::Score { .. }) && key == "rating" {
        return t.rag(Rag::parse(value).ok()).add_modifier(Modifier::REVERSED);
    }
    if focused {
        t.selected()
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    }
}
