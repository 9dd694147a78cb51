//! The portfolio's heatmap (pilots x dimensions) and the welcome shown
//! on an empty database.

use crate::domain::model::Dimension;
use crate::text::sanitize;
use crate::ui::action::Action;
use crate::ui::app::ListTarget;
use crate::ui::app::Ui;
use crate::ui::draw::fit;
use crate::ui::widgets::chips;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

impl Ui {
    /// Pilots x dimensions at a glance.
    pub(crate) fn draw_heatmap(&self, f: &mut Frame, area: Rect) {
        let t = &self.config.theme;
        let p = &self.portfolio;
        let cell = if area.width >= 120 {
            13
        } else if area.width >= 90 {
            9
        } else {
            5
        };
        let name_w = (area.width as usize)
            .saturating_sub(cell * 4 + 4 + 14 + 10)
            .clamp(10, 60);
        let mut head = vec![Span::styled(fit("Pilot", name_w + 1), t.header())];
        for d in Dimension::ALL {
            let label = match (d, cell >= 13, cell >= 9) {
                (Dimension::Data, _, _) => "Data",
                (Dimension::Governance, true, _) => "Governance",
                (Dimension::Governance, _, true) => "Govern.",
                (Dimension::Governance, _, _) => "Gov",
                (Dimension::Integration, true, _) => "Integration",
                (Dimension::Integration, _, true) => "Integr.",
                (Dimension::Integration, _, _) => "Intg",
                (Dimension::Ownership, true, _) => "Ownership",
                (Dimension::Ownership, _, true) => "Owners.",
                (Dimension::Ownership, _, _) => "Own",
            };
            head.push(Span::styled(fit(label, cell), t.header()));
            head.push(Span::raw(" "));
        }
        head.push(Span::styled(fit("Owners", 7), t.header()));
        head.push(Span::styled(fit("Readiness", 12), t.header()));
        // Totals per dimension (when the cells are wide enough).
        let mut totals = vec![Span::styled(
            fit(if cell >= 9 { "portfolio: R Y G ·" } else { "" }, name_w + 1),
            t.muted(),
        )];
        if cell >= 9 {
            use crate::domain::model::Rag;
            for i in 0..4 {
                let count = |want: Option<Rag>| p.view.iter().filter(|&&ri| p.rows[ri].dimensions[i] == want).count();
                let s = format!(
                    "{} {} {} {}",
                    count(Some(Rag::Red)),
                    count(Some(Rag::Yellow)),
                    count(Some(Rag::Green)),
                    count(None)
                );
                totals.push(Span::styled(fit(&s, cell), t.muted()));
                totals.push(Span::raw(" "));
            }
        }
        let head_rows: u16 = if cell >= 9 { 2 } else { 1 };
        let head_lines = if cell >= 9 {
            vec![Line::from(head), Line::from(totals)]
        } else {
            vec![Line::from(head)]
        };
        f.render_widget(
            Paragraph::new(head_lines),
            Rect {
                height: head_rows.min(area.height),
                ..area
            },
        );
        let body = Rect {
            y: area.y + head_rows,
            height: area.height.saturating_sub(head_rows),
            ..area
        };
        let h = body.height as usize;
        self.page.set(h.saturating_sub(1).max(1));
        let off = p.scroll.window(p.view.len(), h);
        self.hits.borrow_mut().scroll_areas.push((body, ListTarget::Portfolio));
        let mut lines = Vec::new();
        for (n, &ri) in p.view.iter().enumerate().skip(off).take(h) {
            let r = &p.rows[ri];
            self.hit_row(body, n - off, ListTarget::Portfolio, n);
            let sel = n == p.scroll.selected;
            let mut spans = vec![
                Span::styled(
                    fit(&sanitize(&r.name), name_w),
                    if sel { t.selected() } else { Style::default() },
                ),
                Span::raw(" "),
            ];
            for d in r.dimensions {
                spans.push(chips::rag_cell(t, d, cell));
                spans.push(Span::raw(" "));
            }
            let n_own = r.owner_count();
            spans.push(Span::styled(
                fit(&format!("{n_own}/4"), 7),
                if n_own < 4 { t.alert() } else { Style::default() },
            ));
            let chip = chips::standing(t, r.verdict, r.status, false);
            spans.push(Span::styled(fit(&chip.content, 12), chip.style));
            lines.push(Line::from(spans));
        }
        f.render_widget(Paragraph::new(lines), body);
    }

    /// What a new user sees in an empty database.
    pub(crate) fn draw_welcome(&self, f: &mut Frame, area: Rect) {
        let t = &self.config.theme;
        let km = &self.config.keymap;
        let k = |a: Action| km.key_label(crate::ui::keymap::Mode::Portfolio, a);
        let path = sanitize(&self.file.path.display().to_string());
        let lines = vec![
            Line::from(Span::styled("Welcome to lastmile", t.title())),
            Line::raw(""),
            Line::raw(format!("There are no pilots in {path} yet. What next:")),
            Line::raw(""),
            Line::from(vec![Span::styled(format!("  {:<6}", k(Action::LoadDemo)), t.key()), Span::raw("load the demo portfolio (eleven pilots, day 45) and look around")]),
            Line::from(vec![Span::styled(format!("  {:<6}", k(Action::AddPilot)), t.key()), Span::raw("add your first pilot (name, business unit, sector, business case)")]),
            Line::from(vec![Span::styled(format!("  {:<6}", k(Action::Import)), t.key()), Span::raw("import an inventory from a CSV file, one pilot per row")]),
            Line::from(vec![Span::styled(format!("  {:<6}", k(Action::Help)), t.key()), Span::raw("every key on this screen")]),
            Line::from(vec![Span::styled(format!("  {:<6}", k(Action::Quit)), t.key()), Span::raw("quit")]),
            Line::raw(""),
            Line::from(Span::styled(
                "Each pilot walks the 90-day playbook: Assessment (days 1-30), Scaffolding (31-60), Hardening & decision (61-90).",
                t.muted(),
            )),
        ];
        let inner = self.popup(f, crate::ui::draw::centered(area, 84, 15), "lastmile");
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}
