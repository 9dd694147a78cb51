//! Keys for the top layer: help, menus, confirmations, prompts, the note
//! editor, the person picker and forms.

use super::action::Action;
use super::app::App;
use super::forms::FieldValue;
use super::ops::{Step, Undo};
use super::overlay::{
    ConfirmState, EditorState, MenuPurpose, Overlay, Pending, PickPurpose, PromptPurpose, PromptState,
};
use super::widgets::textbuf::TextBuf;
use crate::domain::model::Role;
use crate::text::sanitize;
use crossterm::event::KeyEvent;

impl App {
    /// An action while a layer is open.
    pub(crate) fn overlay_action(&mut self, a: Action) {
        let Some(top) = self.overlays.last_mut() else { return };
        match top {
            Overlay::Help { scroll, .. } => match a {
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::Down => *scroll += 1,
                Action::Back | Action::Help => {
                    self.overlays.pop();
                }
                _ => {}
            },
            Overlay::Why(_) => self.why_action(a),
            Overlay::Workshop(_) => self.workshop_action(a),
            Overlay::Summary(_) => self.summary_action(a),
            Overlay::Menu(m) => match a {
                Action::Up => m.scroll.up(1),
                Action::Down => m.scroll.down(1, m.items.len()),
                Action::Open => {
                    let i = m.scroll.selected;
                    self.menu_choose(i);
                }
                Action::Back => {
                    self.overlays.pop();
                }
                _ => {}
            },
            Overlay::Confirm(_) => match a {
                Action::Yes => {
                    if let Some(Overlay::Confirm(c)) = self.overlays.pop() {
                        self.confirmed(c.pending);
                    }
                }
                Action::No | Action::Back => {
                    self.overlays.pop();
                }
                _ => {}
            },
            Overlay::Prompt(_) => match a {
                Action::Submit => self.prompt_submit(),
                Action::Back => {
                    self.overlays.pop();
                }
                _ => {}
            },
            Overlay::Editor(e) => match a {
                Action::Submit => {
                    let (id, rev, text, then) = (e.item_id, e.revision, e.buf.text().to_string(), e.then);
                    let saved = match then {
                        Some(state) => self.set_item_note_and_state(id, rev, &text, state),
                        None => self.set_item_note(id, rev, &text),
                    };
                    if saved {
                        self.overlays.pop();
                        // A reason given during a workshop answers its item.
                        if then.is_some() && matches!(self.overlays.last(), Some(Overlay::Workshop(_))) {
                            self.workshop_answered(id);
                            self.workshop_step(1);
                        }
                    }
                }
                Action::Back => {
                    if e.buf.text() != e.original {
                        self.ask_discard("Discard the note?", "Your changes to the note are not saved.");
                    } else {
                        self.overlays.pop();
                    }
                }
                _ => {}
            },
            Overlay::Picker(p) => match a {
                Action::Up => p.scroll.up(1),
                Action::Down => {
                    let n = p.rows();
                    p.scroll.down(1, n);
                }
                Action::Open => self.picker_choose(false),
                Action::NewPerson => self.picker_choose(true),
                Action::Back => {
                    self.overlays.pop();
                }
                _ => {}
            },
            Overlay::Form(f) => match a {
                Action::NextField => f.next(),
                Action::PrevField => f.prev(),
                Action::Submit => self.form_submit(),
                Action::Open => {
                    let person = matches!(f.focused().map(|x| &x.value), Some(FieldValue::Person { .. }));
                    if person {
                        let key = f.focused().map(|x| x.key).unwrap_or("");
                        let cur = match f.focused().map(|x| &x.value) {
                            Some(FieldValue::Person { id, .. }) => *id,
                            _ => None,
                        };
                        self.open_picker("Decision-maker".into(), PickPurpose::FormField { key }, cur);
                    } else if f.on_last() {
                        self.form_submit();
                    } else {
                        f.next();
                    }
                }
                Action::Back => {
                    if f.dirty {
                        self.ask_discard("Discard this form?", "What you typed is not saved.");
                    } else {
                        self.overlays.pop();
                    }
                }
                _ => {}
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

    /// Typing into the top layer's text.
    pub(crate) fn text_input(&mut self, k: &KeyEvent) {
        match self.overlays.last_mut() {
            Some(Overlay::Prompt(p)) => {
                p.input.handle_key(k);
                p.error = None;
            }
            Some(Overlay::Editor(e)) => {
                e.buf.handle_key(k);
            }
            Some(Overlay::Picker(p)) => {
                if p.query.handle_key(k) {
                    p.refilter();
                    p.scroll.selected = 0;
                }
            }
            Some(Overlay::Form(f)) => {
                f.input(k);
            }
            Some(_) => {}
            None => {
                // The portfolio filter.
                if self.portfolio.filter.handle_key(k) {
                    self.portfolio.recompute();
                    self.portfolio.scroll.selected = 0;
                }
            }
        }
    }

    /// Pasted text goes to the focused text field.
    pub(crate) fn paste(&mut self, s: &str) {
        match self.overlays.last_mut() {
            Some(Overlay::Prompt(p)) => p.input.insert_str(s),
            Some(Overlay::Editor(e)) => e.buf.insert_str(s),
            Some(Overlay::Picker(p)) => {
                p.query.insert_str(s);
                p.refilter();
            }
            Some(Overlay::Form(f)) => f.paste(s),
            _ => {
                if self.filtering {
                    self.portfolio.filter.insert_str(s);
                    self.portfolio.recompute();
                }
            }
        }
    }

    /// Choose row `i` of the open menu.
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
                self.overlays.push(Overlay::Prompt(PromptState {
                    title: format!("Current value of {}", sanitize(&m.name)),
                    label: format!(
                        "{} (empty clears it)",
                        if m.unit.is_empty() {
                            "value".to_string()
                        } else {
                            sanitize(&m.unit)
                        }
                    ),
                    input: TextBuf::new(&cur),
                    error: None,
                    purpose: PromptPurpose::MetricValue {
                        metric_id: m.id,
                        revision: m.revision,
                    },
                }));
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
                self.set_phase(pilot_id, revision, phase);
            }
            Pending::RemoveOwner {
                pilot_id,
                role,
                revision,
            } => {
                self.remove_role(pilot_id, role, revision);
            }
            Pending::ClearItemOwner { item_id, revision } => {
                self.set_item_owner(item_id, revision, None);
            }
            Pending::Discard => {
                self.overlays.pop();
            }
            Pending::RecordDecision { pilot_id, decision } => {
                let pb = self.playbook.clone();
                match self.store.write(|tx| tx.record_decision(&pb, pilot_id, &decision)) {
                    Ok(rec) => {
                        if matches!(self.overlays.last(), Some(Overlay::Form(_))) {
                            self.overlays.pop();
                        }
                        if matches!(self.overlays.last(), Some(Overlay::Summary(_))) {
                            self.overlays.pop();
                        }
                        self.push_undo(Undo {
                            label: "decision".into(),
                            pilot_id: Some(pilot_id),
                            steps: vec![],
                            not_undoable: Some(
                                "the decision log is append-only: record a new decision to supersede it".into(),
                            ),
                        });
                        let outcome = decision.outcome.map_or("", |o| o.label());
                        let mut msg = format!("decision #{} recorded: {outcome}, {}", rec.id, rec.effect.describe());
                        if !rec.overridden.is_empty() {
                            msg.push_str(&format!(" (override of {} unmet must-meet)", rec.overridden.len()));
                        }
                        if rec.maker_is_owner {
                            msg.push_str("; the decision-maker owns this pilot");
                        }
                        self.ok(msg);
                        self.refresh_pilot(pilot_id);
                    }
                    Err(e @ crate::Error::Conflict(_)) => self.fail(e),
                    Err(e) => {
                        if let Some(Overlay::Form(f)) = self.overlays.last_mut() {
                            f.store_error(e.to_string());
                        } else {
                            self.error(e.to_string());
                        }
                    }
                }
            }
        }
    }

    /// Enter in the picker: the selected person, or add the typed name.
    fn picker_choose(&mut self, force_new: bool) {
        let Some(Overlay::Picker(p)) = self.overlays.last() else {
            return;
        };
        let purpose = p.purpose.clone();
        let (id, name) = match (force_new, p.chosen()) {
            (false, Some(person)) => (person.id, person.name.clone()),
            _ => {
                let q = p.query.text().trim().to_string();
                if q.is_empty() {
                    if let Some(Overlay::Picker(p)) = self.overlays.last_mut() {
                        p.error = Some("type a name first".into());
                    }
                    return;
                }
                if let Some(existing) = p.people.iter().find(|x| x.name.eq_ignore_ascii_case(&q)) {
                    (existing.id, existing.name.clone())
                } else {
                    match self.store.write(|tx| tx.add_person(&q, "")) {
                        Ok(id) => {
                            self.push_undo(Undo {
                                label: format!("added {}", sanitize(&q)),
                                pilot_id: None,
                                steps: vec![],
                                not_undoable: Some("people are kept once added".into()),
                            });
                            (id, q)
                        }
                        Err(e) => {
                            if let Some(Overlay::Picker(p)) = self.overlays.last_mut() {
                                p.error = Some(e.to_string());
                            }
                            return;
                        }
                    }
                }
            }
        };
        self.overlays.pop();
        match purpose {
            PickPurpose::ItemOwner { item_id, revision } => {
                self.set_item_owner(item_id, revision, Some(id));
            }
            PickPurpose::Role { pilot_id, role, seen } => {
                self.assign_role(pilot_id, role, id, seen);
            }
            PickPurpose::FormField { key } => {
                if let Some(Overlay::Form(f)) = self.overlays.last_mut() {
                    if let Some(field) = f.field_mut(key) {
                        field.value = FieldValue::Person { id: Some(id), name };
                        field.error = None;
                        f.dirty = true;
                        f.next();
                    }
                }
            }
        }
    }

    /// Open the note editor for a checklist item.
    pub(crate) fn open_note(&mut self, item_id: i64) {
        let Some(item) = self.item(item_id) else { return };
        let note = crate::text::sanitize_with(&item.note, true);
        self.overlays.push(Overlay::Editor(EditorState {
            title: "Note or evidence".into(),
            context: sanitize(&item.text),
            buf: TextBuf::multiline(&note),
            original: note,
            item_id,
            revision: item.revision,
            then: None,
        }));
    }

    /// Ask for the reason an item is not applicable, then mark it so.
    pub(crate) fn open_na_reason(&mut self, item_id: i64) {
        let Some(item) = self.item(item_id) else { return };
        self.overlays.push(Overlay::Editor(EditorState {
            title: "Why does it not apply? (the reason is kept as its note)".into(),
            context: sanitize(&item.text),
            buf: TextBuf::multiline(""),
            original: String::new(),
            item_id,
            revision: item.revision,
            then: Some(crate::domain::model::ItemState::Na),
        }));
    }

    fn prompt_submit(&mut self) {
        let Some(Overlay::Prompt(p)) = self.overlays.last() else {
            return;
        };
        let text = p.input.text().trim().to_string();
        match p.purpose.clone() {
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
                let pilot_id = self
                    .pilot
                    .as_ref()
                    .and_then(|d| d.metrics.iter().find(|m| m.id == metric_id))
                    .map(|m| m.pilot_id);
                let old = self
                    .pilot
                    .as_ref()
                    .and_then(|d| d.metrics.iter().find(|m| m.id == metric_id))
                    .and_then(|m| m.current);
                if self
                    .write(|tx| tx.set_metric_current(metric_id, revision, value))
                    .is_some()
                {
                    self.overlays.pop();
                    self.push_undo(Undo {
                        label: "metric value".into(),
                        pilot_id,
                        steps: vec![Step::MetricCurrent {
                            metric_id,
                            rev: revision + 1,
                            old,
                        }],
                        not_undoable: None,
                    });
                    self.ok("metric value saved");
                    if let Some(p) = pilot_id {
                        self.refresh_pilot(p);
                    }
                }
            }
            PromptPurpose::Export => {
                if text.is_empty() {
                    self.prompt_error("type a file name, e.g. decision-log.md".into());
                    return;
                }
                match super::files::export_decisions(&self.store, &text) {
                    Ok(msg) => {
                        self.overlays.pop();
                        self.ok(msg);
                    }
                    Err(e) => self.prompt_error(e),
                }
            }
            PromptPurpose::Import => {
                if text.is_empty() {
                    self.prompt_error("type the path of a CSV file".into());
                    return;
                }
                match super::files::import_pilots(&mut self.store, &self.playbook, &text) {
                    Ok(msg) => {
                        self.overlays.pop();
                        if let Err(e) = self.reload_all() {
                            self.error(e.to_string());
                        } else {
                            self.ok(msg);
                        }
                    }
                    Err(e) => self.prompt_error(e),
                }
            }
        }
    }

    fn prompt_error(&mut self, e: String) {
        if let Some(Overlay::Prompt(p)) = self.overlays.last_mut() {
            p.error = Some(e);
        }
    }
}
