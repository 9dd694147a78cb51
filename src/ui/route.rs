//! Routing for the screens: each screen component answers a key with an
//! outcome; this module does what it asks (open a layer, run an effect,
//! jump). The overlays' routing is in `layers`.

use super::action::Action;
use super::app::App;
use super::overlay::Overlay;
use super::prompt::{PromptPurpose, PromptState};
use super::screens::board::{BoardView, ScreenOutcome as BoardOutcome};
use super::screens::{attention, decisions, portfolio};
use crate::domain::model::Phase;
use crate::ui::files;

impl App {
    /// A key on the decision log.
    pub(crate) fn decisions_action(&mut self, a: Action) -> bool {
        use decisions::ScreenOutcome as O;
        let page = self.page.get().max(1);
        match self.ui.decisions.handle(a, page) {
            O::Stay => {}
            O::Unhandled => return false,
            O::OpenPilot(id) => self.open_detail(id),
            O::Export => {
                let name = files::default_export_name(self.today);
                self.overlays.push(Overlay::Prompt(PromptState::new(
                    "Export the decision log".into(),
                    format!(
                        "File (.md, .csv, .json or .html); a bare name goes in {}",
                        files::export_folder()
                    ),
                    &name,
                    PromptPurpose::Export,
                )));
            }
            O::Run(effect) => {
                self.run(effect);
            }
            O::Info(m) => self.info(m),
            O::Filter => self.filtering = true,
            O::ClearFilter => self.clear_filter(),
        }
        true
    }

    /// A key on the attention list.
    pub(crate) fn attention_action(&mut self, a: Action) -> bool {
        use attention::ScreenOutcome as O;
        let page = self.page.get().max(1);
        match self.ui.attention.handle(a, page) {
            O::Stay => {}
            O::Unhandled => return false,
            O::Jump(j) => self.jump(j),
            O::Grouped(g) => self.info(format!("attention grouped {}", g.label())),
            O::Filter => self.filtering = true,
            O::ClearFilter => self.clear_filter(),
        }
        true
    }

    /// A key on a phase board.
    pub(crate) fn board_action(&mut self, phase: Phase, a: Action) -> bool {
        let i = phase.index();
        let view = BoardView {
            phase,
            pilots: self.board_pilots(phase).len(),
            items: self.ui.pilot.as_ref().map(|d| d.items(phase)).unwrap_or_default(),
            filtered: !self.ui.portfolio.filter.text().is_empty(),
            page: self.ui.page.get().max(1),
        };
        let out = self.ui.boards[i].handle(a, &view);
        match out {
            BoardOutcome::Stay => {}
            BoardOutcome::Unhandled => return false,
            BoardOutcome::Info(m) => self.info(m),
            BoardOutcome::FocusChecklist => self.select_first_open(phase),
            BoardOutcome::SetState { item, state } => {
                self.set_item_state(&item, state);
            }
            BoardOutcome::Note { item_id } => self.open_note(item_id),
            BoardOutcome::PickOwner(p) => self.pick_item_owner(p),
            BoardOutcome::Confirm(c) => self.overlays.push(Overlay::Confirm(c)),
            BoardOutcome::Filter => self.filtering = true,
            BoardOutcome::ClearFilter => self.clear_filter(),
        }
        true
    }

    /// Put the checklist cursor on the first open item.
    fn select_first_open(&mut self, phase: Phase) {
        let Some(id) = self.board_pilot(phase) else { return };
        let Some(d) = self.load_pilot(id) else { return };
        let pos = d.items(phase).iter().position(|i| i.state.is_open()).unwrap_or(0);
        self.boards[phase.index()].items.selected = pos;
    }

    /// A key on the portfolio.
    pub(crate) fn portfolio_action(&mut self, a: Action) -> bool {
        use portfolio::ScreenOutcome as O;
        let page = self.page.get().max(1);
        match self.ui.portfolio.handle(a, page) {
            O::Stay => {}
            O::Unhandled => return false,
            O::Info(m) => self.info(m),
            O::OpenPilot(id) => self.open_detail(id),
            O::Resort => self.resort(),
            O::Run(effect) => {
                self.run(effect);
            }
            O::Import => self.overlays.push(Overlay::Prompt(PromptState::new(
                "Import pilots from CSV".into(),
                "CSV file".into(),
                "",
                PromptPurpose::Import,
            ))),
            O::Filter => self.filtering = true,
            O::ClearFilter => self.clear_filter(),
        }
        true
    }
}
