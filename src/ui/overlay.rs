//! The layers drawn over a screen: help, "why not ready?", menus,
//! confirmations, prompts, the note editor, the person picker, forms, the
//! workshop review and its summary, recent changes and the reference
//! panel. Each is a component in its own module (state, keys, drawing);
//! this module names the stack's entries and what their answers lead to.
//! Keys go to the top layer (yazi's stack); `layers` routes the outcomes.

pub use super::confirm::ConfirmState;
pub use super::editor::EditorState;
pub use super::forms::FormState;
use super::keymap::Mode;
pub use super::menu::{MenuItem, MenuPurpose, MenuState};
pub use super::picker::{PickPurpose, PickerState};
pub use super::prompt::{PromptPurpose, PromptState};
pub use super::why::{WhyLine, WhyState};
pub use super::workshop::{SummaryState, WorkshopState};
use crate::domain::model::{Dimension, NewDecision, Phase, Role};

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
    /// The pilot's decision-rights matrix.
    Rights { pilot_id: i64 },
    /// The pilot's vendor and the asks before signing.
    Vendor { pilot_id: i64 },
    /// The programme checklist, on one of its items.
    Programme { item_id: i64 },
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
    ClearRight {
        pilot_id: i64,
        key: String,
        name: String,
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
    Rights(super::rights::RightsState),
    Programme(super::programme::ProgrammeState),
    Vendor(super::vendor::VendorState),
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
            Overlay::Rights(_) => Mode::Rights,
            Overlay::Programme(_) => Mode::Programme,
            Overlay::Vendor(_) => Mode::Vendor,
        }
    }

    /// The pilot the layer is about, if any.
    pub fn pilot(&self) -> Option<i64> {
        match self {
            Overlay::Why(w) => Some(w.pilot_id),
            Overlay::Workshop(w) => Some(w.pilot_id),
            Overlay::Summary(s) => Some(s.pilot_id),
            Overlay::Rights(r) => Some(r.pilot_id),
            Overlay::Vendor(v) => Some(v.pilot_id),
            _ => None,
        }
    }
}
