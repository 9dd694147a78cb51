//! Layers drawn over a screen: help, "why not ready?", menus, confirmations,
//! prompts, the note editor, the person picker, forms, and the workshop
//! review. Keys go to the top layer (yazi's stack).

use super::forms::FormState;
use super::keymap::Mode;
use super::widgets::list::Scroll;
use super::widgets::textbuf::TextBuf;
use crate::domain::model::{Dimension, NewDecision, Person, Phase, Role};
use crate::domain::readiness::{Severity, Verdict};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// A place in the app that a line (attention, blocker) leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Jump {
    /// A checklist item on its phase board.
    Item { pilot_id: i64, item_id: i64, phase: Phase },
    /// Assign one of the four owners.
    Role { pilot_id: i64, role: Role },
    /// Score one dimension.
    Dimension { pilot_id: i64, dimension: Dimension },
    /// The pilot's detail screen.
    Pilot { pilot_id: i64 },
    /// A decision in the decision log.
    Decision { decision_id: i64 },
}

/// What happens when a confirmation is answered yes.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    PhaseMove {
        pilot_id: i64,
        revision: i64,
        phase: Phase,
    },
    RemoveOwner {
        pilot_id: i64,
        role: Role,
        revision: i64,
    },
    ClearItemOwner {
        item_id: i64,
        revision: i64,
    },
    RecordDecision {
        pilot_id: i64,
        decision: NewDecision,
    },
    /// Close the layer below (a form or editor with unsaved changes).
    Discard,
    /// Replace an existing file with the decision-log export.
    Export {
        path: std::path::PathBuf,
    },
    /// Quit though a form or note holds unsaved text.
    Quit,
}

/// What a menu choice leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum MenuPurpose {
    /// Pick a role, then a person for it.
    AssignRole { pilot_id: i64 },
    /// Pick a role whose owner to remove.
    RemoveRole { pilot_id: i64 },
    /// Pick a metric, then type its current value.
    MetricValue { pilot_id: i64 },
}

/// What a typed line is for.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptPurpose {
    /// Who the user is (asked once when it cannot be known).
    Name,
    Export,
    Import,
    MetricValue {
        metric_id: i64,
        revision: i64,
    },
}

/// What a picked person is for.
#[derive(Debug, Clone, PartialEq)]
pub enum PickPurpose {
    ItemOwner {
        item_id: i64,
        revision: i64,
    },
    Role {
        pilot_id: i64,
        role: Role,
        seen: Option<i64>,
    },
    /// Fill a person field of the form below.
    FormField {
        key: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    pub label: String,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct MenuState {
    pub title: String,
    pub items: Vec<MenuItem>,
    pub scroll: Scroll,
    pub purpose: MenuPurpose,
}

pub use super::confirm::ConfirmState;

#[derive(Debug, Clone)]
pub struct PromptState {
    pub title: String,
    pub label: String,
    pub input: TextBuf,
    pub error: Option<String>,
    pub purpose: PromptPurpose,
}

#[derive(Debug, Clone)]
pub struct EditorState {
    pub title: String,
    pub context: String,
    pub buf: TextBuf,
    pub original: String,
    pub item_id: i64,
    pub revision: i64,
    /// A state to set with the note, in the same transaction (marking an
    /// item not applicable asks for its reason first).
    pub then: Option<crate::domain::model::ItemState>,
}

/// The fuzzy person picker; the last row may offer to add the typed name.
#[derive(Debug, Clone)]
pub struct PickerState {
    pub title: String,
    pub query: TextBuf,
    pub people: Vec<Person>,
    /// (index into people, matched char positions), best first.
    pub matches: Vec<(usize, Vec<usize>)>,
    pub scroll: Scroll,
    pub purpose: PickPurpose,
    pub current: Option<i64>,
    pub error: Option<String>,
}

impl PickerState {
    pub fn new(title: String, people: Vec<Person>, purpose: PickPurpose, current: Option<i64>) -> PickerState {
        let mut p = PickerState {
            title,
            query: TextBuf::new(""),
            people,
            matches: Vec::new(),
            scroll: Scroll::new(),
            purpose,
            current,
            error: None,
        };
        p.refilter();
        if let Some(pos) = current.and_then(|id| p.matches.iter().position(|(i, _)| p.people[*i].id == id)) {
            p.scroll.selected = pos;
        }
        p
    }

    /// Match the query against names and titles again.
    pub fn refilter(&mut self) {
        let q = self.query.text().trim();
        if q.is_empty() {
            self.matches = (0..self.people.len()).map(|i| (i, Vec::new())).collect();
        } else {
            let m = SkimMatcherV2::default().ignore_case();
            let mut scored: Vec<(i64, usize, Vec<usize>)> = self
                .people
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    let hay = format!("{}  {}", p.name, p.title);
                    m.fuzzy_indices(&hay, q).map(|(s, idx)| {
                        let n = p.name.chars().count();
                        (s, i, idx.into_iter().filter(|x| *x < n).collect())
                    })
                })
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            self.matches = scored.into_iter().map(|(_, i, idx)| (i, idx)).collect();
        }
        self.scroll.clamp(self.rows());
    }

    /// Whether the typed name is new (offered as the last row).
    pub fn offers_new(&self) -> bool {
        let q = self.query.text().trim();
        !q.is_empty() && !self.people.iter().any(|p| p.name.eq_ignore_ascii_case(q))
    }

    pub fn rows(&self) -> usize {
        self.matches.len() + usize::from(self.offers_new())
    }

    /// The chosen person, or `None` when the "add" row is selected.
    pub fn chosen(&self) -> Option<&Person> {
        self.matches.get(self.scroll.selected).map(|(i, _)| &self.people[*i])
    }
}

/// One line of the "why not ready?" list.
#[derive(Debug, Clone, PartialEq)]
pub struct WhyLine {
    pub severity: Option<Severity>,
    pub text: String,
    pub jump: Option<Jump>,
    /// A detail line under a blocker (an item of "3 items overdue").
    pub sub: bool,
}

#[derive(Debug, Clone)]
pub struct WhyState {
    pub pilot_id: i64,
    pub pilot: String,
    /// At the current gate (`None` once the pilot has left the gates).
    pub verdict: Option<Verdict>,
    /// The current gate's name.
    pub gate: String,
    pub lines: Vec<WhyLine>,
    pub scroll: Scroll,
}

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
    pub scroll: usize,
}

/// One layer over the screen.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help(super::help::HelpState),
    Why(WhyState),
    Menu(MenuState),
    Confirm(ConfirmState),
    Prompt(PromptState),
    Editor(EditorState),
    Picker(PickerState),
    Form(Box<FormState>),
    Workshop(WorkshopState),
    Summary(SummaryState),
    Recent(super::recent::RecentState),
    Lenses(super::lenses::LensesState),
}

impl Overlay {
    /// The keymap the layer reads keys with.
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::Help(_) => Mode::Help,
            Overlay::Why(_) => Mode::Why,
            Overlay::Menu(_) => Mode::Menu,
            Overlay::Confirm(_) => Mode::Confirm,
            Overlay::Prompt(_) => Mode::Prompt,
            Overlay::Editor(_) => Mode::Editor,
            Overlay::Picker(_) => Mode::Picker,
            Overlay::Form(_) => Mode::Form,
            Overlay::Workshop(_) => Mode::Workshop,
            Overlay::Summary(_) => Mode::Summary,
            Overlay::Recent(_) => Mode::Recent,
            Overlay::Lenses(_) => Mode::Reference,
        }
    }

    /// The pilot the layer is about, if any.
    pub fn pilot(&self) -> Option<i64> {
        match self {
            Overlay::Why(w) => Some(w.pilot_id),
            Overlay::Workshop(w) => Some(w.pilot_id),
            Overlay::Summary(s) => Some(s.pilot_id),
            _ => None,
        }
    }
}
