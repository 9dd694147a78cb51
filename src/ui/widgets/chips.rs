//! Small marks that never rely on colour alone: RAG letters, verdict
//! marks, checklist state marks.

use crate::domain::model::{ItemState, Rag};
use crate::domain::readiness::{Severity, Verdict};
use crate::ui::theme::Theme;
use ratatui::text::Span;

/// `R`, `Y`, `G` or `·` (unscored), styled.
pub fn rag(theme: &Theme, r: Option<Rag>) -> Span<'static> {
    let letter = r.map_or('·', |r| r.letter());
    Span::styled(letter.to_string(), theme.rag(r))
}

/// A heatmap cell ` R ` of `width` cells.
pub fn rag_cell(theme: &Theme, r: Option<Rag>, width: usize) -> Span<'static> {
    let letter = r.map_or('·', |r| r.letter());
    let w = width.max(1);
    let left = (w - 1) / 2;
    let s = format!("{}{}{}", " ".repeat(left), letter, " ".repeat(w - 1 - left));
    Span::styled(s, theme.rag_cell(r))
}

/// `✗ Not ready`, `! At risk`, `✓ Ready` (or just the mark when `short`).
pub fn verdict(theme: &Theme, v: Verdict, short: bool) -> Span<'static> {
    let s = if short {
        v.mark().to_string()
    } else {
        format!("{} {}", v.mark(), v.label())
    };
    Span::styled(s, theme.verdict(v))
}

/// A pilot's verdict at its current gate, or its status once it has left
/// the gates (stopped, in production).
pub fn standing(theme: &Theme, v: Option<Verdict>, status: crate::domain::model::Status, short: bool) -> Span<'static> {
    match v {
        Some(v) => verdict(theme, v, short),
        None => {
            let (mark, label) = crate::domain::readiness::shown(None, status);
            let s = if short {
                mark.to_string()
            } else {
                format!("{mark} {label}")
            };
            Span::styled(s, theme.muted())
        }
    }
}

/// One gap of a gate, indented: `✗` when it blocks, `!` when it warns.
pub fn gap_line(theme: &Theme, blocks: bool, text: &str) -> ratatui::text::Line<'static> {
    let sev = if blocks { Severity::Block } else { Severity::Warn };
    ratatui::text::Line::from(vec![
        Span::raw("  "),
        severity(theme, sev),
        Span::raw(format!(" {text}")),
    ])
}

/// `[x]`, `[ ]`, ... styled by state.
pub fn state(theme: &Theme, s: ItemState) -> Span<'static> {
    Span::styled(s.mark().to_string(), theme.item_state(s))
}

/// `✗` for a blocker, `!` for a warning.
pub fn severity(theme: &Theme, s: Severity) -> Span<'static> {
    match s {
        Severity::Block => Span::styled("✗", theme.verdict(Verdict::NotReady)),
        Severity::Warn => Span::styled("!", theme.verdict(Verdict::AtRisk)),
    }
}
