//! Routing: keys go to the top layer (yazi's stack); each layer is a
//! component that answers with an outcome, and this module does what the
//! outcome asks: run an effect, open the next layer, jump to a place, or
//! close. Layers never write; only effects do (`ui::effect`).

use super::action::Action;
use super::app::{App, Screen};
use super::confirm::{self, ConfirmState};
use super::editor::{self, EditorState};
use super::effect::Effect;
use super::forms::{self, FieldValue, FormKind};
use super::help::{self, HelpState};
use super::menu::{self, MenuPurpose};
use super::overlay::{Jump, Overlay, Pending};
use super::picker::{self, PickPurpose};
use super::prompt::{self, PromptPurpose, PromptState};
use super::why::{self, WhyState};
use super::workshop::{self, SummaryOutcome};
use crate::domain::model::Role;
use crate::text::sanitize;
use crossterm::event::KeyEvent;

impl App {
    /// An action while a layer is open.
    pub(crate) fn overlay_action(&mut self, a: Action) {
        let page = self.ui.page.get().max(1);
        let Some(top) = self.ui.overlays.last_mut() else { return };
        // The keys of the programme checklist, a vendor record or a
        // rights matrix, one ? away.
        if a == Action::Help && matches!(top, Overlay::Programme(_) | Overlay::Vendor(_) | Overlay::Rights(_)) {
            let mode = top.mode();
            self.overlays.push(Overlay::Help(HelpState::new(mode)));
            return;
        }
        match top {
            Overlay::Help(h) => {
                if h.handle(a, page) == help::Outcome::Close {
                    self.overlays.pop();
                }
            }
            Overlay::Lenses(l) => {
                if l.handle(a, page) == super::lenses::Outcome::Close {
                    self.overlays.pop();
                }
            }
            Overlay::Recent(r) => match r.handle(a, page) {
                super::recent::Outcome::Stay => {}
                super::recent::Outcome::Close => {
                    self.overlays.pop();
                }
                super::recent::Outcome::ShowPilot(p) => {
                    self.overlays.pop();
                    self.show_pilot(p);
                }
            },
            Overlay::Vendor(_) => {
                let Some((name, vendor, asks)) = self
                    .ui
                    .pilot
                    .as_ref()
                    .map(|d| (d.pilot.name.clone(), d.vendor.clone(), d.asks.clone()))
                else {
                    return;
                };
                let Some(Overlay::Vendor(v)) = self.ui.overlays.last_mut() else {
                    return;
                };
                let pilot_id = v.pilot_id;
                if self.ui.pilot.as_ref().map(|d| d.id()) != Some(pilot_id) {
                    return;
                }
                use super::vendor::Outcome as O;
                let prompt = |title: String, label: &str, text: &str, purpose: PromptPurpose| {
                    Overlay::Prompt(PromptState::new(title, label.to_string(), &sanitize(text), purpose))
                };
                match v.handle(a, vendor.as_ref(), &asks) {
                    O::Stay => {}
                    O::Close => {
                        self.overlays.pop();
                    }
                    O::Say(m) => self.info(m),
                    O::Undo => self.undo_in(super::history::UndoScope::Pilot(pilot_id)),
                    O::Name { current, seen } => self.overlays.push(prompt(
                        format!("Who builds {}?", sanitize(&name)),
                        "The vendor's name (a: built in-house instead)",
                        &current,
                        PromptPurpose::VendorName { pilot_id, seen },
                    )),
                    O::InHouse { current, seen } => self.overlays.push(prompt(
                        format!("{} is built in-house?", sanitize(&name)),
                        "Why no vendor is involved (the vendor asks then do not apply)",
                        &current,
                        PromptPurpose::VendorReason { pilot_id, seen },
                    )),
                    O::Evidence {
                        key,
                        name,
                        current,
                        seen,
                    } => self.overlays.push(prompt(
                        format!("{}: what was received?", sanitize(&name)),
                        "A link, a date, who: the evidence",
                        &current,
                        PromptPurpose::VendorEvidence {
                            pilot_id,
                            key,
                            name,
                            seen,
                        },
                    )),
                    O::ClearAsk { key, name, revision } => {
                        self.run(Effect::Vendor {
                            pilot_id,
                            change: super::effect::VendorChange::ClearAsk { key, name, revision },
                        });
                    }
                }
            }
            Overlay::Programme(_) => {
                let items = self.ui.programme_items.clone();
                let Some(Overlay::Programme(p)) = self.ui.overlays.last_mut() else {
                    return;
                };
                use super::programme::Outcome as O;
                match p.handle(a, &items) {
                    O::Stay => {}
                    O::Close => {
                        self.overlays.pop();
                    }
                    O::Say(m) => self.info(m),
                    O::Undo => self.undo_in(super::history::UndoScope::Programme),
                    O::State { id, revision, state } => {
                        self.run(Effect::Programme {
                            id,
                            revision,
                            change: super::effect::ProgrammeChange::State(state),
                        });
                    }
                    O::ClearOwner { id, revision } => {
                        self.run(Effect::Programme {
                            id,
                            revision,
                            change: super::effect::ProgrammeChange::Owner(None),
                        });
                    }
                    O::Owner { id, revision, current } => {
                        let text = items
                            .iter()
                            .find(|i| i.id == id)
                            .map(|i| i.text.clone())
                            .unwrap_or_default();
                        self.open_picker(
                            format!("Who does \"{}\"?", crate::text::truncate(&sanitize(&text), 50)),
                            PickPurpose::ProgrammeOwner { id, revision },
                            current,
                        );
                    }
                    O::Note { id, na } => {
                        if let Some(item) = items.iter().find(|i| i.id == id) {
                            self.overlays
                                .push(Overlay::Editor(super::editor::EditorState::programme(item, na)));
                        }
                    }
                }
            }
            Overlay::Rights(_) => {
                let rows = self.ui.pilot.as_ref().map(|d| d.rights.clone()).unwrap_or_default();
                let Some(Overlay::Rights(r)) = self.ui.overlays.last_mut() else {
                    return;
                };
                let pilot_id = r.pilot_id;
                match r.handle(a, &rows) {
                    super::rights::Outcome::Stay => {}
                    super::rights::Outcome::Close => {
                        self.overlays.pop();
                    }
                    super::rights::Outcome::Say(m) => self.info(m),
                    super::rights::Outcome::Undo => self.undo_in(super::history::UndoScope::Pilot(pilot_id)),
                    super::rights::Outcome::Assign {
                        key,
                        name,
                        current,
                        seen,
                    } => {
                        let (person, threshold) = current.map_or((None, String::new()), |(p, t)| (Some(p), t));
                        self.open_picker(
                            format!("Who may {}?", sanitize(&name).to_lowercase()),
                            PickPurpose::Right {
                                pilot_id,
                                key,
                                name,
                                threshold,
                                seen,
                            },
                            person,
                        );
                    }
                    super::rights::Outcome::Clear {
                        key,
                        name,
                        person,
                        revision,
                    } => self.overlays.push(Overlay::Confirm(ConfirmState {
                        title: "Take the right away?".into(),
                        message: format!(
                            "Take the right to {} from {}?",
                            sanitize(&name).to_lowercase(),
                            sanitize(&person)
                        ),
                        pending: Pending::ClearRight {
                            pilot_id,
                            key,
                            name,
                            revision,
                        },
                    })),
                }
            }
            Overlay::Why(w) => match w.handle(a) {
                why::Outcome::Stay => {}
                why::Outcome::Close => {
                    self.overlays.pop();
                }
                why::Outcome::Jump(j) => {
                    self.overlays.pop();
                    self.jump(j);
                }
            },
            Overlay::Workshop(_) => {
                // The item under review, read from the view first.
                let item = match self.ui.overlays.last() {
                    Some(Overlay::Workshop(w)) => w.item(&self.ui),
                    _ => None,
                };
                if let Some(Overlay::Workshop(w)) = self.ui.overlays.last_mut() {
                    let o = w.handle(a, item.as_ref());
                    self.workshop_outcome(o);
                }
            }
            Overlay::Summary(s) => match s.handle(a, page) {
                SummaryOutcome::Stay => {}
                SummaryOutcome::Close => {
                    self.overlays.pop();
                }
                SummaryOutcome::Decide(id) => self.open_decision(id),
                SummaryOutcome::Help(mode) => self.overlays.push(Overlay::Help(HelpState::new(mode))),
                SummaryOutcome::Quit => self.quit = true,
            },
            Overlay::Menu(m) => match m.handle(a) {
                menu::Outcome::Stay => {}
                menu::Outcome::Close => {
                    self.overlays.pop();
                }
                menu::Outcome::Chose(i) => self.menu_choose(i),
            },
            Overlay::Confirm(c) => match c.handle(a) {
                confirm::Outcome::Yes(pending) => {
                    self.overlays.pop();
                    self.confirmed(pending);
                }
                confirm::Outcome::No => {
                    self.overlays.pop();
                }
                confirm::Outcome::Stay => {}
            },
            Overlay::Prompt(p) => match p.handle(a) {
                prompt::Outcome::Stay => {}
                prompt::Outcome::Submit(text) => {
                    let purpose = p.purpose.clone();
                    self.prompt_submit(purpose, text);
                }
                prompt::Outcome::Cancel => {
                    let asked_name = p.purpose == PromptPurpose::Name;
                    self.overlays.pop();
                    if asked_name {
                        self.info(format!(
                            "changes are recorded as '{}': press Ctrl-C and run lastmile --as NAME, or set name in the config file",
                            sanitize(self.store.actor())
                        ));
                    }
                }
            },
            Overlay::Editor(e) => match e.handle(a) {
                editor::Outcome::Stay => {}
                editor::Outcome::Close => {
                    self.overlays.pop();
                }
                editor::Outcome::AskDiscard => {
                    self.ask_discard("Discard the note?", "Your changes to the note are not saved.")
                }
                editor::Outcome::Save(effect) => {
                    let answers = match &*effect {
                        Effect::ItemNote {
                            item_id, then: Some(_), ..
                        } => Some(*item_id),
                        _ => None,
                    };
                    if self.run(*effect) {
                        self.overlays.pop();
                        // A reason given during a workshop answers its item.
                        if let Some(id) = answers {
                            self.workshop_answered(id);
                        }
                    }
                }
            },
            Overlay::Picker(p) => match p.handle(a) {
                picker::Outcome::Stay => {}
                picker::Outcome::Close => {
                    self.overlays.pop();
                }
                picker::Outcome::Chose { id, name } => self.picked(id, name),
                picker::Outcome::Add(name) => match self.apply(Effect::AddPerson { name: name.clone() }) {
                    Ok(done) => self.picked(done.id.expect("a new person has an id"), name),
                    Err(e) => {
                        if let Some(Overlay::Picker(p)) = self.overlays.last_mut() {
                            p.error = Some(e.to_string());
                        }
                    }
                },
            },
            Overlay::Form(f) => match f.handle(a) {
                forms::Outcome::Stay => {}
                forms::Outcome::Close => {
                    self.overlays.pop();
                }
                forms::Outcome::AskDiscard => {
                    self.ask_discard("Discard this form?", "Your changes to this form are not saved.")
                }
                forms::Outcome::Pick { key, current } => {
                    self.open_picker("Decision-maker".into(), PickPurpose::FormField { key }, current)
                }
                forms::Outcome::Save(effect) => self.save_form(effect),
                forms::Outcome::ConfirmDecision { pilot_id, decision } => self.confirm_decision(pilot_id, decision),
            },
        }
    }

    fn ask_discard(&mut self, title: &str, message: &str) {
        self.overlays.push(Overlay::Confirm(ConfirmState {
            title: title.into(),
            message: format!("{message} Discard it? (y / n)"),
            pending: Pending::Discard,
        }));
    }

    /// Typing into the top layer's text, or the screen's filter.
    pub(crate) fn text_input(&mut self, k: &KeyEvent) {
        match self.overlays.last_mut() {
            Some(Overlay::Prompt(p)) => p.input(k),
            Some(Overlay::Editor(e)) => e.input(k),
            Some(Overlay::Picker(p)) => p.input(k),
            Some(Overlay::Form(f)) => {
                f.input(k);
            }
            Some(_) => {}
            None => match self.screen {
                // The list filters: the log's, attention's, the portfolio's.
                Screen::Decisions => {
                    if self.decisions.filter.handle_key(k) {
                        self.decisions.refilter();
                        self.decisions.scroll.selected = 0;
                    }
                }
                Screen::Attention => {
                    if self.attention.filter.handle_key(k) {
                        self.attention.refilter();
                        self.attention.scroll.selected = 0;
                    }
                }
                _ => {
                    if self.portfolio.filter.handle_key(k) {
                        self.portfolio.recompute();
                        self.portfolio.scroll.selected = 0;
                    }
                }
            },
        }
    }

    /// Pasted text goes to the focused text field.
    pub(crate) fn paste(&mut self, s: &str) {
        match self.overlays.last_mut() {
            Some(Overlay::Prompt(p)) => p.paste(s),
            Some(Overlay::Editor(e)) => e.paste(s),
            Some(Overlay::Picker(p)) => p.paste(s),
            Some(Overlay::Form(f)) => f.paste(s),
            _ => {
                if self.filtering {
                    match self.screen {
                        Screen::Decisions => {
                            self.decisions.filter.insert_str(s);
                            self.decisions.refilter();
                        }
                        Screen::Attention => {
                            self.attention.filter.insert_str(s);
                            self.attention.refilter();
                        }
                        _ => {
                            self.portfolio.filter.insert_str(s);
                            self.portfolio.recompute();
                        }
                    }
                }
            }
        }
    }

    /// Row `i` of the open menu was chosen.
    pub(crate) fn menu_choose(&mut self, i: usize) {
        let Some(Overlay::Menu(m)) = self.overlays.last() else {
            return;
        };
        if i >= m.items.len() {
            return;
        }
        let purpose = m.purpose.clone();
        self.overlays.pop();
        match purpose {
            MenuPurpose::AssignRole { pilot_id } => self.open_role_picker(pilot_id, Role::ALL[i]),
            MenuPurpose::RemoveRole { pilot_id } => {
                let role = Role::ALL[i];
                match self
                    .store
                    .owners(pilot_id)
                    .ok()
                    .and_then(|o| o.into_iter().find(|o| o.role == role))
                {
                    Some(o) => self.overlays.push(Overlay::Confirm(ConfirmState {
                        title: "Remove owner?".into(),
                        message: format!("Remove {} as {}?", sanitize(&o.person), role.label().to_lowercase()),
                        pending: Pending::RemoveOwner {
                            pilot_id,
                            role,
                            revision: o.revision,
                        },
                    })),
                    None => self.info(format!("no {} is named", role.label().to_lowercase())),
                }
            }
            MenuPurpose::MetricValue { pilot_id } => {
                let Some(d) = self.load_pilot(pilot_id) else { return };
                let Some(m) = d.metrics.get(i).cloned() else { return };
                let cur = m.current.map(crate::playbook::rubric::fmt_num).unwrap_or_default();
                let unit = if m.unit.is_empty() {
                    "value".to_string()
                } else {
                    sanitize(&m.unit)
                };
                self.overlays.push(Overlay::Prompt(PromptState::new(
                    format!("Current value of {}", sanitize(&m.name)),
                    format!("{unit} (empty clears it)"),
                    &cur,
                    PromptPurpose::MetricValue {
                        metric_id: m.id,
                        revision: m.revision,
                    },
                )));
            }
        }
    }

    /// A confirmation answered yes.
    fn confirmed(&mut self, p: Pending) {
        match p {
            Pending::PhaseMove {
                pilot_id,
                revision,
                phase,
            } => {
                self.run(Effect::Phase {
                    pilot_id,
                    revision,
                    phase,
                });
            }
            Pending::RemoveOwner {
                pilot_id,
                role,
                revision,
            } => {
                self.run(Effect::RemoveRole {
                    pilot_id,
                    role,
                    revision,
                });
            }
            Pending::ClearRight {
                pilot_id,
                key,
                name,
                revision,
            } => {
                self.run(Effect::ClearRight {
                    pilot_id,
                    key,
                    name,
                    revision,
                });
            }
            Pending::ClearItemOwner { item_id, revision } => {
                self.run(Effect::ItemOwner {
                    item_id,
                    revision,
                    person: None,
                });
            }
            Pending::Discard => {
                self.overlays.pop();
            }
            Pending::Export { path } => self.export_to(path, true),
            Pending::Quit => self.quit = true,
            Pending::RecordDecision { pilot_id, decision } => {
                match self.apply(Effect::RecordDecision { pilot_id, decision }) {
                    Ok(done) => {
                        if matches!(self.overlays.last(), Some(Overlay::Form(_))) {
                            self.overlays.pop();
                        }
                        if matches!(self.overlays.last(), Some(Overlay::Summary(_))) {
                            self.overlays.pop();
                        }
                        self.ok(done.message);
                    }
                    Err(e) => self.form_refused(e),
                }
            }
        }
    }

    /// The picker chose someone: close it and do what it was for.
    fn picked(&mut self, id: i64, name: String) {
        let Some(Overlay::Picker(p)) = self.overlays.pop() else {
            return;
        };
        match p.purpose {
            PickPurpose::ItemOwner { item_id, revision } => {
                self.run(Effect::ItemOwner {
                    item_id,
                    revision,
                    person: Some(id),
                });
            }
            PickPurpose::ProgrammeOwner { id: item, revision } => {
                self.run(Effect::Programme {
                    id: item,
                    revision,
                    change: super::effect::ProgrammeChange::Owner(Some(id)),
                });
            }
            PickPurpose::Role { pilot_id, role, seen } => {
                self.run(Effect::AssignRole {
                    pilot_id,
                    role,
                    person_id: id,
                    seen,
                });
            }
            PickPurpose::Right {
                pilot_id,
                key,
                name: right,
                threshold,
                seen,
            } => {
                // The playbook's example stays in view below, in the matrix.
                let label = "When, or up to what, may they use it?".to_string();
                self.overlays.push(Overlay::Prompt(PromptState::new(
                    format!("{}: threshold for {}", sanitize(&right), sanitize(&name)),
                    label,
                    &sanitize(&threshold),
                    PromptPurpose::RightThreshold {
                        pilot_id,
                        key,
                        name: right,
                        person_id: id,
                        seen,
                    },
                )));
            }
            PickPurpose::FormField { key } => {
                if let Some(Overlay::Form(f)) = self.overlays.last_mut() {
                    f.picked(key, id, name);
                }
            }
        }
    }

    /// Open the programme checklist (on one item, or the first open one).
    pub(crate) fn open_programme(&mut self, item: Option<i64>) {
        let mut p = super::programme::ProgrammeState::new(&self.programme_items);
        if let Some(pos) = item.and_then(|id| self.programme_items.iter().position(|i| i.id == id)) {
            p.scroll.selected = pos;
        }
        self.overlays.push(Overlay::Programme(p));
    }

    /// Open the picker for a checklist item's owner.
    pub(crate) fn pick_item_owner(&mut self, p: picker::OwnerPick) {
        let purpose = PickPurpose::ItemOwner {
            item_id: p.item_id,
            revision: p.revision,
        };
        self.open_picker(p.title, purpose, p.owner);
    }

    /// Save who builds a pilot from its prompt, refusing bad text in place.
    fn save_vendor(&mut self, pilot_id: i64, choice: crate::domain::model::VendorChoice, seen: Option<i64>) {
        if let Err(e) = crate::store::check_choice(&choice) {
            self.prompt_error(sanitize(&e.to_string()));
            return;
        }
        if self.run(Effect::Vendor {
            pilot_id,
            change: super::effect::VendorChange::Set { choice, seen },
        }) {
            self.overlays.pop();
        }
    }

    /// Open the blockers of the current pilot.
    pub(crate) fn open_why(&mut self) {
        let Some(id) = self.current_pilot() else {
            self.info("select a pilot first");
            return;
        };
        let Some(d) = self.load_pilot(id) else { return };
        let w = WhyState::of(d);
        self.overlays.push(Overlay::Why(w));
    }

    /// Open the note editor for a checklist item.
    pub(crate) fn open_note(&mut self, item_id: i64) {
        if let Some(item) = self.item(item_id).or_else(|| self.store.item(item_id).ok()) {
            self.overlays.push(Overlay::Editor(EditorState::note(&item)));
        }
    }

    /// Ask for the reason an item is not applicable, then mark it so.
    pub(crate) fn open_na_reason(&mut self, item_id: i64) {
        if let Some(item) = self.item(item_id).or_else(|| self.store.item(item_id).ok()) {
            self.overlays.push(Overlay::Editor(EditorState::na_reason(&item)));
        }
    }

    /// What the workshop review asks for.
    fn workshop_outcome(&mut self, o: workshop::Outcome) {
        use workshop::Outcome as W;
        match o {
            W::Stay => {}
            W::Answer { item_id, effect } => {
                if self.run(effect) {
                    self.workshop_answered(item_id);
                }
            }
            W::Answered { item_id } => self.workshop_answered(item_id),
            W::AskReason { item_id } => self.open_na_reason(item_id),
            W::PickOwner(p) => self.pick_item_owner(p),
            W::Note { item_id } => self.open_note(item_id),
            W::Help(mode) => self.overlays.push(Overlay::Help(HelpState::new(mode))),
            W::Reference => self.open_reference(),
            W::Finish => self.workshop_finish(),
            W::Quit => self.quit = true,
        }
    }

    /// An item of the review on top was answered: count it, move on.
    fn workshop_answered(&mut self, item_id: i64) {
        if let Some(Overlay::Workshop(w)) = self.overlays.last_mut() {
            let o = w.answered(item_id);
            self.workshop_outcome(o);
        }
    }

    /// End the review: replace it with the summary.
    fn workshop_finish(&mut self) {
        let Some(Overlay::Workshop(w)) = self.overlays.pop() else {
            return;
        };
        // Fresh facts for the verdict.
        self.pilot = None;
        self.load_pilot(w.pilot_id);
        self.overlays.push(Overlay::Summary(w.summary()));
    }

    fn prompt_submit(&mut self, purpose: PromptPurpose, text: String) {
        match purpose {
            PromptPurpose::ShortlistReason { pilot_id, revision } => {
                if text.trim().is_empty() {
                    self.prompt_error("write why it joins despite the red flag (Esc leaves it off)".to_string());
                    return;
                }
                if self.run(Effect::Shortlist {
                    pilot_id,
                    revision,
                    on: true,
                    reason: Some(text),
                }) {
                    self.overlays.pop();
                }
            }
            PromptPurpose::VendorName { pilot_id, seen } => self.save_vendor(
                pilot_id,
                crate::domain::model::VendorChoice::Vendor { name: text },
                seen,
            ),
            PromptPurpose::VendorReason { pilot_id, seen } => self.save_vendor(
                pilot_id,
                crate::domain::model::VendorChoice::InHouse { reason: text },
                seen,
            ),
            PromptPurpose::VendorEvidence {
                pilot_id,
                key,
                name,
                seen,
            } => {
                if let Err(e) = crate::store::check_evidence(&text) {
                    self.prompt_error(sanitize(&e.to_string()));
                    return;
                }
                if self.run(Effect::Vendor {
                    pilot_id,
                    change: super::effect::VendorChange::Ask {
                        key,
                        name,
                        evidence: text,
                        seen,
                    },
                }) {
                    self.overlays.pop();
                }
            }
            PromptPurpose::RightThreshold {
                pilot_id,
                key,
                name,
                person_id,
                seen,
            } => {
                let threshold = match crate::store::check_threshold(&name, &text) {
                    Ok(t) => t,
                    Err(_) if crate::text::clean_line("threshold", &text).is_ok_and(|t| t.is_empty()) => {
                        self.prompt_error(format!(
                            "say when or up to what the person may {}; to take the right away, press O in the matrix",
                            sanitize(&name).to_lowercase()
                        ));
                        return;
                    }
                    Err(e) => {
                        self.prompt_error(sanitize(&e.to_string()));
                        return;
                    }
                };
                if self.run(Effect::AssignRight {
                    pilot_id,
                    key,
                    name,
                    person_id,
                    threshold,
                    seen,
                }) {
                    self.overlays.pop();
                }
            }
            PromptPurpose::MetricValue { metric_id, revision } => {
                let value = if text.is_empty() {
                    None
                } else {
                    match text.replace(',', "").trim_end_matches('%').trim().parse::<f64>() {
                        Ok(v) if v.is_finite() => Some(v),
                        _ => {
                            self.prompt_error(format!(
                                "'{}' is not a number: write it like 85 or 0.25",
                                sanitize(&text)
                            ));
                            return;
                        }
                    }
                };
                if self.run(Effect::MetricCurrent {
                    metric_id,
                    revision,
                    value,
                }) {
                    self.overlays.pop();
                }
            }
            PromptPurpose::Name => {
                let name = match crate::text::validate_name("your name", &text) {
                    Ok(n) => n,
                    Err(e) => return self.prompt_error(e.to_string()),
                };
                self.store.set_actor(&name);
                self.sync_file();
                self.overlays.pop();
                match self.config.save_name(&name) {
                    Ok(path) => self.ok(format!(
                        "changes are recorded as {}; remembered in {}",
                        sanitize(&name),
                        sanitize(&path.display().to_string())
                    )),
                    Err(e) => self.error(format!(
                        "changes are recorded as {} for this session, but the name could not be remembered: {}",
                        sanitize(&name),
                        sanitize(&e)
                    )),
                }
            }
            PromptPurpose::Export => {
                if text.is_empty() {
                    self.prompt_error("type a file name, e.g. decision-log.md".into());
                    return;
                }
                let path = match super::files::export_target(&text) {
                    Ok((path, _)) => path,
                    Err(e) => return self.prompt_error(e.to_string()),
                };
                if path.exists() && !path.is_dir() {
                    // Never replace a file without asking.
                    let shown = sanitize(&path.display().to_string());
                    self.overlays.push(Overlay::Confirm(ConfirmState {
                        title: "Replace the file?".into(),
                        message: format!("{shown} exists already. Replace it with this export? (y / n)"),
                        pending: Pending::Export { path },
                    }));
                    return;
                }
                self.export_to(path, false);
            }
            PromptPurpose::Import => {
                if text.is_empty() {
                    self.prompt_error("type the path of a CSV file".into());
                    return;
                }
                match self.apply(Effect::ImportPilots { path: text }) {
                    Ok(done) => {
                        self.overlays.pop();
                        self.ok(done.message);
                    }
                    Err(e) => self.prompt_error(e.to_string()),
                }
            }
        }
    }

    /// Write the decision log; the prompt closes once it is written.
    fn export_to(&mut self, path: std::path::PathBuf, overwrite: bool) {
        match self.apply(Effect::ExportDecisions { path, overwrite }) {
            Ok(done) => {
                if matches!(self.overlays.last(), Some(Overlay::Prompt(_))) {
                    self.overlays.pop();
                }
                self.ok(done.message);
            }
            Err(e) => self.prompt_error(e.to_string()),
        }
    }

    fn prompt_error(&mut self, e: String) {
        if let Some(Overlay::Prompt(p)) = self.overlays.last_mut() {
            p.error = Some(e);
        }
    }

    /// Go to the place a line points at.
    pub(crate) fn jump(&mut self, j: Jump) {
        match j {
            Jump::Item {
                pilot_id,
                item_id,
                phase,
            } => {
                self.overlays.clear();
                let b = phase.index();
                self.screen = Screen::Board(phase);
                self.boards[b].pinned = Some(pilot_id);
                let list = self.board_pilots(phase);
                if !list.contains(&pilot_id) {
                    // Hidden by the filter: clear it so the pilot shows.
                    self.portfolio.filter.clear();
                    self.portfolio.recompute();
                }
                let list = self.board_pilots(phase);
                self.boards[b].pilots.selected = list.iter().position(|p| *p == pilot_id).unwrap_or(0);
                self.boards[b].focus_checklist = true;
                if let Some(d) = self.load_pilot(pilot_id) {
                    let pos = d.items(phase).iter().position(|i| i.id == item_id).unwrap_or(0);
                    self.boards[b].items.selected = pos;
                }
            }
            Jump::Role { pilot_id, role } => self.open_role_picker(pilot_id, role),
            Jump::Dimension { pilot_id, dimension } => self.open_score(pilot_id, dimension),
            Jump::Pilot { pilot_id } => self.open_detail(pilot_id),
            Jump::Rights { pilot_id } => self.open_rights(pilot_id),
            Jump::Vendor { pilot_id } => self.open_vendor(pilot_id),
            Jump::Programme { item_id } => {
                self.overlays.clear();
                self.open_programme(Some(item_id));
            }
            Jump::Decision { decision_id } => {
                self.go(Screen::Decisions);
                if !self.decisions.list.iter().any(|d| d.id == decision_id) {
                    // Hidden by the log's filter: clear it so it shows.
                    self.decisions.filter.clear();
                    self.decisions.refilter();
                }
                if let Some(p) = self.decisions.list.iter().position(|d| d.id == decision_id) {
                    self.decisions.scroll.selected = p;
                }
            }
        }
    }

    /// Run a form's effect: close the form and say so once it committed;
    /// otherwise keep the form and its text, with the reason in it.
    fn save_form(&mut self, effect: Effect) {
        match self.apply(effect) {
            Ok(done) => {
                if matches!(self.overlays.last(), Some(Overlay::Form(_))) {
                    self.overlays.pop();
                }
                self.ok(done.message);
            }
            Err(e) => self.form_refused(e),
        }
    }

    /// The store refused a form's write: keep the form open with what was
    /// typed. After a conflict, show what the other person saved and take
    /// their revision, so Ctrl-S saves yours over theirs on purpose.
    pub(crate) fn form_refused(&mut self, e: crate::Error) {
        tracing::warn!(error = %e, "form refused");
        let conflict = match &e {
            crate::Error::Conflict(c) => Some(c.clone()),
            _ => None,
        };
        if conflict.is_some() {
            // Reload what is behind the form; the form stays on top.
            if let Err(e2) = self.reload_all() {
                self.error(e2.to_string());
            }
        }
        let fresh = match self.overlays.last() {
            Some(Overlay::Form(f)) => match f.kind {
                FormKind::EditPilot { id, .. } => self.store.pilot(id).ok().map(|p| p.revision),
                _ => None,
            },
            _ => None,
        };
        let Some(Overlay::Form(f)) = self.overlays.last_mut() else {
            self.fail(e);
            return;
        };
        match conflict {
            Some(c) => {
                if let (FormKind::EditPilot { revision, .. }, Some(rev)) = (&mut f.kind, fresh) {
                    *revision = rev;
                }
                f.error = Some(format!(
                    "{} changed this at {}; theirs is now: {}. Yours is kept below: Ctrl-S saves yours over theirs, Esc discards yours.",
                    sanitize(&c.by),
                    sanitize(&c.at),
                    sanitize(&c.current)
                ));
            }
            None => f.store_error(e.to_string()),
        }
    }

    /// A valid decision form: confirm before it is permanent, warning
    /// about an override and a gatekeeper reviewing their own work.
    fn confirm_decision(&mut self, pilot_id: i64, decision: crate::domain::model::NewDecision) {
        let who = match self.overlays.last() {
            Some(Overlay::Form(f)) => match f.field("decided_by").map(|x| &x.value) {
                Some(FieldValue::Person { name, .. }) => sanitize(name),
                _ => String::new(),
            },
            _ => String::new(),
        };
        let pilot = self
            .portfolio
            .row(pilot_id)
            .map(|r| sanitize(&r.name))
            .unwrap_or_default();
        let outcome = decision.outcome.map_or("?", |o| o.label());
        let mut warn = String::new();
        if !decision.override_reason.is_empty() {
            warn.push_str(" This go overrides the gate's unmet must-meet criteria; the log marks it as an override.");
        }
        let owns = self
            .load_pilot(pilot_id)
            .is_some_and(|d| d.owners.iter().any(|o| o.person_id == decision.decided_by));
        if owns {
            warn.push_str(&format!(
                " Warning: {who} is one of this pilot's owners, so this reviews their own work (it is recorded)."
            ));
        }
        self.overlays.push(Overlay::Confirm(ConfirmState {
            title: "Record this decision?".into(),
            message: format!(
                "{outcome} for {pilot}, decided by {who}.{warn} The decision log is append-only: it cannot be edited later, only superseded."
            ),
            pending: Pending::RecordDecision { pilot_id, decision },
        }));
    }
}
