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
    /// Every decision, newest first.
    pub all: Vec<Decision>,
    /// The decisions shown: those matching the filter.
    pub list: Vec<Decision>,
    pub filter: crate::ui::widgets::textbuf::TextBuf,
    pub scroll: Scroll,
    pub loaded: bool,
}

impl DecisionsState {
    /// Apply the filter again (pilot, outcome, decision-maker, date, #).
    pub fn refilter(&mut self) {
        let q = self.filter.text().to_string();
        self.list = self
            .all
            .iter()
            .filter(|d| {
                matches_words(
                    &q,
                    &[
                        &d.pilot,
                        d.outcome.label(),
                        &d.decided_by,
                        &d.decided_on,
                        &format!("#{}", d.id),
                        &d.rationale,
                    ],
                )
            })
            .cloned()
            .collect();
        self.scroll.clamp(self.list.len());
    }
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

/// How the attention list is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AttentionGroup {
    #[default]
    Kind,
    Pilot,
    Owner,
}

impl AttentionGroup {
    pub fn next(self) -> AttentionGroup {
        match self {
            AttentionGroup::Kind => AttentionGroup::Pilot,
            AttentionGroup::Pilot => AttentionGroup::Owner,
            AttentionGroup::Owner => AttentionGroup::Kind,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AttentionGroup::Kind => "by kind",
            AttentionGroup::Pilot => "by pilot",
            AttentionGroup::Owner => "by owner",
        }
    }
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
    /// Who is to act (an item's owner), when someone is named.
    pub owner: Option<String>,
    pub text: String,
    pub when: String,
    pub jump: Jump,
}

#[derive(Debug, Clone, Default)]
pub struct AttentionState {
    /// Every line, by kind.
    pub all: Vec<AttentionLine>,
    /// The lines shown: filtered, in the order of the grouping.
    pub lines: Vec<AttentionLine>,
    pub filter: crate::ui::widgets::textbuf::TextBuf,
    pub group: AttentionGroup,
    pub scroll: Scroll,
    pub loaded: bool,
    /// Items left out past the display limit (overdue, due soon).
    pub more: [u64; 2],
}

impl AttentionState {
    /// The heading a line goes under in the current grouping.
    pub fn heading(&self, l: &AttentionLine) -> String {
        match self.group {
            AttentionGroup::Kind => l.kind.title().to_string(),
            AttentionGroup::Pilot => crate::text::sanitize(&l.pilot),
            AttentionGroup::Owner => l
                .owner
                .as_deref()
                .map_or("No owner named".into(), crate::text::sanitize),
        }
    }

    /// Filter and group again.
    pub fn refilter(&mut self) {
        let q = self.filter.text().to_string();
        let mut lines: Vec<AttentionLine> = self
            .all
            .iter()
            .filter(|l| {
                matches_words(
                    &q,
                    &[
                        &l.pilot,
                        &l.text,
                        &l.when,
                        l.owner.as_deref().unwrap_or(""),
                        l.kind.title(),
                    ],
                )
            })
            .cloned()
            .collect();
        match self.group {
            AttentionGroup::Kind => {}
            AttentionGroup::Pilot => lines.sort_by_key(|a| a.pilot.to_lowercase()),
            // Named owners A to Z, then the lines nobody owns.
            AttentionGroup::Owner => lines.sort_by(|a, b| match (&a.owner, &b.owner) {
                (Some(x), Some(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }),
        }
        self.lines = lines;
        self.scroll.clamp(self.lines.len());
    }
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
