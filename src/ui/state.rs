//! The parts of the app state each screen keeps: which screen, selections,
//! loaded lists, the status message, and the mouse hit areas of the last
//! draw.

use super::widgets::list::Scroll;
use crate::domain::model::Phase;
use ratatui::layout::Rect;
use std::time::Instant;

/// The screens reachable with Tab and the number keys, plus pilot detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Portfolio,
    Board(Phase),
    Decisions,
    Attention,
    Detail,
}

/// The tab order.
pub const TABS: [Screen; 6] = [
    Screen::Portfolio,
    Screen::Board(Phase::Assessment),
    Screen::Board(Phase::Scaffolding),
    Screen::Board(Phase::Hardening),
    Screen::Decisions,
    Screen::Attention,
];

impl Screen {
    pub fn label(self) -> &'static str {
        match self {
            Screen::Portfolio => "Portfolio",
            Screen::Board(Phase::Assessment) => "Assessment",
            Screen::Board(Phase::Scaffolding) => "Scaffolding",
            Screen::Board(Phase::Hardening) => "Hardening",
            Screen::Decisions => "Decisions",
            Screen::Attention => "Attention",
            Screen::Detail => "Pilot",
        }
    }

    pub fn tab(self) -> Option<usize> {
        TABS.iter().position(|s| *s == self)
    }
}

/// One phase board's selection and focus.
#[derive(Debug, Clone, Default)]
pub struct BoardState {
    pub pilots: Scroll,
    pub items: Scroll,
    pub focus_checklist: bool,
    /// A pilot shown on this board although it is in another phase (after
    /// jumping to one of its items from Attention or "why not ready?").
    pub pinned: Option<i64>,
}

/// Whether every word of `query` appears in one of `fields` (case
/// ignored): the list filters of the decision log and attention.
pub fn matches_words(query: &str, fields: &[&str]) -> bool {
    let hay: Vec<String> = fields.iter().map(|f| f.to_lowercase()).collect();
    query
        .split_whitespace()
        .map(str::to_lowercase)
        .all(|w| hay.iter().any(|h| h.contains(&w)))
}

pub use super::screens::attention::{AttentionGroup, AttentionKind, AttentionLine, AttentionState};
pub use super::screens::decisions::DecisionsState;

pub use super::screens::detail::DetailState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Ok,
    Error,
}

/// The status-bar message.
#[derive(Debug, Clone)]
pub struct Message {
    pub text: String,
    pub kind: MessageKind,
    pub at: Instant,
}

/// What the mouse can hit, recorded by the last draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListTarget {
    Portfolio,
    BoardPilots(Phase),
    Checklist(Phase),
    Decisions,
    Attention,
    Why,
    Menu,
    Picker,
    Rights,
    Programme,
    Vendor,
}

#[derive(Debug, Clone, Default)]
pub struct Hits {
    pub tabs: Vec<(Rect, usize)>,
    /// Visible rows: (area of one row, list, index in that list).
    pub rows: Vec<(Rect, ListTarget, usize)>,
    /// Portfolio column headers.
    pub headers: Vec<(Rect, super::data::SortKey)>,
    /// Scrollable areas for the wheel.
    pub scroll_areas: Vec<(Rect, ListTarget)>,
}
