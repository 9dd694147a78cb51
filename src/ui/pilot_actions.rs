//! Actions about the current pilot that several screens share: edit, score,
//! owners, phase moves, selection scores, metrics, decisions, workshop.

use super::action::Action;
use super::app::{App, Screen};
use super::effect::Effect;
use super::forms::kinds;
use super::overlay::{
    ConfirmState, MenuItem, MenuPurpose, MenuState, Overlay, Pending, PickPurpose, PickerState, WorkshopState,
};
use super::pilot::PilotData;
use super::widgets::list::Scroll;
use crate::domain::model::{ChecklistItem, Dimension, ItemState, Phase, Rag, Role};
use crate::playbook::rubric::fmt_num;
use crate::text::sanitize;

impl App {
    /// Make sure the loaded pilot is `id` (loading it if needed).
    pub(crate) fn load_pilot(&mut self, id: i64) -> Option<&PilotData> {
        if self.pilot.as_ref().map(|p| p.id()) != Some(id) {
            match PilotData::load(&self.store, &self.playbook, id, self.day) {
                Ok(d) => self.pilot = Some(d),
                Err(e) => {
                    self.error(e.to_string());
                    return None;
                }
            }
        }
        self.pilot.as_ref()
    }

    /// Set an item's state from the board or the workshop: "not applicable"
    /// asks for its reason first. True when it was saved.
    pub(crate) fn set_item_state(&mut self, item: &ChecklistItem, state: ItemState) -> bool {
        if item.state == state {
            return true;
        }
        if state == ItemState::Na && item.note.trim().is_empty() {
            self.open_na_reason(item.id);
            return false;
        }
        self.run(Effect::ItemState {
            item_id: item.id,
            revision: item.revision,
            state,
        })
    }

    /// Actions on the current pilot. Returns false when not handled.
    pub(crate) fn pilot_action(&mut self, a: Action) -> bool {
        if a == Action::AddPilot {
            let form = kinds::pilot_form(&self.ui.playbook, None);
            self.overlays.push(Overlay::Form(Box::new(form)));
            return true;
        }
        let pilot_actions = [
            Action::EditPilot,
            Action::Score,
            Action::Owner,
            Action::ClearOwner,
            Action::Rights,
            Action::Vendor,
            Action::Shortlist,
            Action::PhaseNext,
            Action::PhasePrev,
            Action::Selection,
            Action::AddMetric,
            Action::MetricValue,
            Action::Decide,
            Action::Workshop,
            Action::Detail,
        ];
        if !pilot_actions.contains(&a) {
            return false;
        }
        let Some(id) = self.current_pilot() else {
            self.info("select a pilot first (or add one with n)");
            return true;
        };
        if self.load_pilot(id).is_none() {
            return true;
        }
        let d = self.pilot.clone().expect("loaded above");
        let name = d.pilot.name.clone();
        match a {
            Action::EditPilot => {
                let form = kinds::pilot_form(&self.ui.playbook, Some(&d.pilot));
                self.overlays.push(Overlay::Form(Box::new(form)));
            }
            Action::Score => {
                let dims = d.dimensions;
                let first = Dimension::ALL
                    .iter()
                    .zip(dims.iter())
                    .find(|(_, r)| r.is_none() || **r == Some(Rag::Red))
                    .or_else(|| {
                        Dimension::ALL
                            .iter()
                            .zip(dims.iter())
                            .find(|(_, r)| **r == Some(Rag::Yellow))
                    })
                    .map_or(Dimension::Data, |(d, _)| *d);
                self.open_score(id, first);
            }
            Action::Owner => self.open_role_menu(id, MenuPurpose::AssignRole { pilot_id: id }),
            Action::Rights => self.open_rights(id),
            Action::Vendor => self.open_vendor(id),
            Action::Shortlist => {
                let selection = crate::playbook::SELECTION_QUESTIONS
                    .map(|q| d.selection.get(q).and_then(|s| s.answer.parse::<u8>().ok()));
                let on = !d.pilot.shortlisted;
                // A full shortlist refuses before any reason is asked for.
                if on {
                    let taken = self
                        .portfolio
                        .rows
                        .iter()
                        .filter(|r| r.shortlisted && crate::domain::candidates::takes_seat(r.phase, r.status))
                        .count();
                    if let Err(e) = crate::domain::candidates::seat_free(taken, self.ui.playbook.gating.shortlist_size)
                    {
                        self.info(format!("{} stays off: {e}", sanitize(&name)));
                        return true;
                    }
                }
                match crate::domain::candidates::shortlist_reason(&selection, None) {
                    Err(e) if on => self.overlays.push(Overlay::Prompt(super::prompt::PromptState::new(
                        format!("Shortlist {} despite its red flag?", sanitize(&name)),
                        {
                            let why = e.to_string();
                            let why = why.split(':').next().unwrap_or("").trim_start_matches("it ");
                            format!("It {why}. Why should it join anyway?")
                        },
                        "",
                        super::prompt::PromptPurpose::ShortlistReason {
                            pilot_id: id,
                            revision: d.pilot.revision,
                        },
                    ))),
                    _ => {
                        self.run(super::effect::Effect::Shortlist {
                            pilot_id: id,
                            revision: d.pilot.revision,
                            on,
                            reason: None,
                        });
                    }
                }
            }
            Action::ClearOwner => {
                if d.owners.is_empty() {
                    self.info("no owners are named yet");
                } else {
                    self.open_role_menu(id, MenuPurpose::RemoveRole { pilot_id: id });
                }
            }
            Action::PhaseNext => match d.pilot.phase.next() {
                Some(p) => {
                    self.run(Effect::Phase {
                        pilot_id: id,
                        revision: d.pilot.revision,
                        phase: p,
                    });
                }
                None => self.info(format!(
                    "{} is in the last phase already: record a decision with D",
                    sanitize(&name)
                )),
            },
            Action::PhasePrev => match d.pilot.phase.prev() {
                Some(p) => self.overlays.push(Overlay::Confirm(ConfirmState {
                    title: "Move back a phase?".into(),
                    message: format!(
                        "Move {} back from {} to {}?",
                        sanitize(&name),
                        d.pilot.phase.label(),
                        p.label()
                    ),
                    pending: Pending::PhaseMove {
                        pilot_id: id,
                        revision: d.pilot.revision,
                        phase: p,
                    },
                })),
                None => self.info(format!("{} is in the first phase already", sanitize(&name))),
            },
            Action::Selection => {
                let cur = d.selection.iter().map(|(k, v)| (k.clone(), v.answer.clone())).collect();
                let form = kinds::selection_form(id, &name, &self.playbook, &cur);
                self.overlays.push(Overlay::Form(Box::new(form)));
            }
            Action::AddMetric => {
                let form = kinds::metric_form(&self.ui.playbook, id, &name);
                self.overlays.push(Overlay::Form(Box::new(form)));
            }
            Action::MetricValue => {
                if d.metrics.is_empty() {
                    self.info(format!("{} has no metrics yet: add one with m", sanitize(&name)));
                } else {
                    let items = d
                        .metrics
                        .iter()
                        .map(|m| MenuItem {
                            about: String::new(),
                            label: sanitize(&m.name),
                            detail: format!(
                                "now {}{}  (min {} · target {} · stretch {})",
                                m.current.map_or("-".into(), fmt_num),
                                sanitize(&m.unit),
                                m.minimum.map_or("-".into(), fmt_num),
                                m.target.map_or("-".into(), fmt_num),
                                m.stretch.map_or("-".into(), fmt_num)
                            ),
                        })
                        .collect();
                    self.overlays.push(Overlay::Menu(MenuState {
                        title: format!("Which metric? ({})", sanitize(&name)),
                        items,
                        scroll: Scroll::new(),
                        purpose: MenuPurpose::MetricValue { pilot_id: id },
                    }));
                }
            }
            Action::Decide => self.open_decision(id),
            Action::Workshop => {
                let phase = match self.screen {
                    Screen::Board(p) => p,
                    _ => d.pilot.phase,
                };
                self.start_workshop(id, phase);
            }
            Action::Detail => self.open_detail(id),
            _ => return false,
        }
        true
    }

    /// Open the score form on one dimension.
    pub(crate) fn open_score(&mut self, pilot_id: i64, dim: Dimension) {
        let Some(d) = self.load_pilot(pilot_id) else { return };
        let form = kinds::score_form(pilot_id, &d.pilot.name, dim, d.dimensions[dim.index()]);
        self.overlays.push(Overlay::Form(Box::new(form)));
    }

    /// Open the decision form for a pilot.
    pub(crate) fn open_decision(&mut self, pilot_id: i64) {
        let today = self.today;
        let Some(d) = self.load_pilot(pilot_id) else { return };
        let Some(gate) = d.judgement.current.as_ref() else {
            let msg = format!(
                "{} has left the gates ({}): there is no gate to decide",
                sanitize(&d.pilot.name),
                d.pilot.status.label().to_lowercase()
            );
            self.info(msg);
            return;
        };
        let form = kinds::decision_form(pilot_id, &d.pilot.name, gate, today);
        self.overlays.push(Overlay::Form(Box::new(form)));
    }

    fn open_role_menu(&mut self, pilot_id: i64, purpose: MenuPurpose) {
        let duties: Vec<(String, String)> = self
            .ui
            .playbook
            .roles
            .iter()
            .map(|x| (x.key.clone(), sanitize(&x.duty)))
            .collect();
        let Some(d) = self.load_pilot(pilot_id) else { return };
        let title = match purpose {
            MenuPurpose::RemoveRole { .. } => format!("Remove which owner? ({})", sanitize(&d.pilot.name)),
            _ => format!("Assign which owner? ({})", sanitize(&d.pilot.name)),
        };
        let assigning = matches!(purpose, MenuPurpose::AssignRole { .. });
        let mut menu = MenuState::roles(
            title,
            purpose,
            |r| {
                d.owner(r)
                    .map_or("— nobody named —".to_string(), |o| sanitize(&o.person))
            },
            |r| {
                duties
                    .iter()
                    .find(|(k, _)| k == r.key())
                    .map_or(String::new(), |(_, d)| d.clone())
            },
        );
        // Start on the first empty seat when assigning.
        if assigning {
            menu.scroll.selected = Role::ALL.iter().position(|r| d.owner(*r).is_none()).unwrap_or(0);
        }
        self.overlays.push(Overlay::Menu(menu));
    }

    /// Open a pilot's vendor record.
    pub(crate) fn open_vendor(&mut self, pilot_id: i64) {
        let Some(d) = self.load_pilot(pilot_id) else { return };
        let first_open = d.asks.iter().position(|a| a.evidence.is_none()).unwrap_or(0);
        let mut v = super::vendor::VendorState::new(pilot_id, &d.pilot.name);
        v.scroll.selected = first_open;
        self.overlays.push(Overlay::Vendor(v));
    }

    /// Open the decision-rights matrix of a pilot.
    pub(crate) fn open_rights(&mut self, pilot_id: i64) {
        let Some(d) = self.load_pilot(pilot_id) else { return };
        if d.rights.is_empty() {
            self.info("the playbook lists no decision rights ([[rights]])");
            return;
        }
        let first_open = d.rights.iter().position(|r| r.holder.is_none()).unwrap_or(0);
        let mut r = super::rights::RightsState::new(pilot_id, &d.pilot.name);
        r.scroll.selected = first_open;
        self.overlays.push(Overlay::Rights(r));
    }

    /// Open the person picker for one of the four roles.
    pub(crate) fn open_role_picker(&mut self, pilot_id: i64, role: Role) {
        let owner = self
            .store
            .owners(pilot_id)
            .ok()
            .and_then(|o| o.into_iter().find(|o| o.role == role));
        let name = self
            .portfolio
            .row(pilot_id)
            .map(|r| sanitize(&r.name))
            .unwrap_or_default();
        self.open_picker(
            format!("{} for {name}", role.label()),
            PickPurpose::Role {
                pilot_id,
                role,
                seen: owner.as_ref().map(|o| o.revision),
            },
            owner.map(|o| o.person_id),
        );
    }

    /// Open the fuzzy person picker.
    pub(crate) fn open_picker(&mut self, title: String, purpose: PickPurpose, current: Option<i64>) {
        match self.store.people() {
            Ok(people) => self
                .overlays
                .push(Overlay::Picker(PickerState::new(title, people, purpose, current))),
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Start a workshop review of one phase's checklist.
    pub(crate) fn start_workshop(&mut self, pilot_id: i64, phase: Phase) {
        let Some(d) = self.load_pilot(pilot_id) else { return };
        let items: Vec<i64> = d.items(phase).iter().map(|i| i.id).collect();
        if items.is_empty() {
            let name = sanitize(&d.pilot.name);
            self.info(format!("{name} has no {} checklist items", phase.label()));
            return;
        }
        let w = WorkshopState::new(pilot_id, phase, &d.items(phase));
        let n = w.items.len();
        let closed = d.items(phase).iter().filter(|i| !i.state.is_open()).count();
        let first_open = d.items(phase).iter().any(|i| i.state.is_open());
        let msg = match (first_open, w.pos) {
            (true, 0) => format!("workshop review: {n} items, starting at the first"),
            (true, p) => format!(
                "workshop review: starting at item {} of {n}, the first open item ({closed} closed); k goes back",
                p + 1
            ),
            (false, _) => format!("workshop review: all {n} items are closed; starting at the first to review them"),
        };
        self.overlays.push(Overlay::Workshop(w));
        self.info(msg);
    }
}
