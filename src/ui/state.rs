//! The parts of the app state each screen keeps: which screen, selections,
//! loaded lists, the status message, and the mouse hit areas of the last
//! draw.

use super::overlay::Jump;
use super::widgets::list::Scroll;
use crate::domain::model::{Decision, Phase};
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

/// The decision log.
#[derive(Debug, Clone, Default)]
pub struct DecisionsState {
    pub list: Vec<Decision>,
    pub scroll: Scroll,
    pub loaded: bool,
}

/// Kinds of line on the Attention screen, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AttentionKind {
    /// A defer's review date has come.
    ReviewDue,
    Overdue,
    DueSoon,
    MissingOwner,
    StaleScore,
    Uncommunicated,
}

impl AttentionKind {
    pub fn title(self) -> &'static str {
        match self {
            AttentionKind::ReviewDue => "Deferred pilots due for review",
            AttentionKind::Overdue => "Overdue checklist items",
            AttentionKind::DueSoon => "Due within 7 days",
            AttentionKind::MissingOwner => "Pilots missing owners",
            AttentionKind::StaleScore => "Scores older than 30 days",
            AttentionKind::Uncommunicated => "Decisions not yet communicated",
        }
    }
}

/// One line on the Attention screen.
#[derive(Debug, Clone, PartialEq)]
pub struct AttentionLine {
    pub kind: AttentionKind,
    pub pilot: String,
    pub text: String,
    pub when: String,
    pub jump: Jump,
}

#[derive(Debug, Clone, Default)]
pub struct AttentionState {
    pub lines: Vec<AttentionLine>,
    pub scroll: Scroll,
    pub loaded: bool,
    /// Items left out past the display limit (overdue, due soon).
    pub more: [u64; 2],
}

/// The pilot detail screen.
#[derive(Debug, Clone, Default)]
pub struct DetailState {
    pub pilot_id: Option<i64>,
    pub scroll: usize,
    pub from: Option<usize>,
}

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
