//! Keys for the top layer: help, menus, confirmations, prompts, the note
//! editor, the person picker and forms.

use super::action::Action;
use super::app::App;
use super::effect::Effect;
use super::forms::FieldValue;
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
        let Some(top) = self.ui.overlays.last_mut() else { return };
        match top {
            Overlay::Help(h) => {
                if h.handle(a, self.ui.page.get().max(1)) == super::help::Outcome::Close {
                    self.overlays.pop();
                }
            }
            Overlay::Why(_) => self.why_action(a),
            Overlay::Lenses(l) => {
                if l.handle(a, self.ui.page.get().max(1)) == super::lenses::Outcome::Close {
                    self.overlays.pop();
                }
            }
            Overlay::Recent(r) => match r.handle(a, self.ui.page.get().max(1)) {
                super::recent::Outcome::Stay => {}
                super::recent::Outcome::Close => {
                    self.overlays.pop();
                }
                super::recent::Outcome::ShowPilot(p) => {
                    self.overlays.pop();
                    self.show_pilot(p);
                }
            },
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
            Overlay::Confirm(c) => match c.handle(a) {
                super::confirm::Outcome::Yes(pending) => {
                    self.overlays.pop();
                    self.confirmed(pending);
                }
                super::confirm::Outcome::No => {
                    self.overlays.pop();
                }
                super::confirm::Outcome::Stay => {}
            },
            Overlay::Prompt(p) => match a {
                Action::Submit => self.prompt_submit(),
                Action::Back => {
                    let asked_name = p.purpose == PromptPurpose::Name;
                    self.overlays.pop();
                    if asked_name {
                        self.info(format!(
                            "changes are recorded as '{}': press Ctrl-C and run lastmile --as NAME, or set name in the config file",
                            sanitize(self.store.actor())
                        ));
                    }
                }
                _ => {}
            },
            Overlay::Editor(e) => match a {
                Action::Submit => {
                    let (id, rev, text, then) = (e.item_id, e.revision, e.buf.text().to_string(), e.then);
                    let saved = self.run(Effect::ItemNote {
                        item_id: id,
                        revision: rev,
                        note: text,
                        then,
                    });
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
            None => match self.screen {
                // The list filters: the log's, attention's, the portfolio's.
                super::app::Screen::Decisions => {
                    if self.decisions.filter.handle_key(k) {
                        self.decisions.refilter();
                        self.decisions.scroll.selected = 0;
                    }
                }
                super::app::Screen::Attention => {
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
            Some(Overlay::Prompt(p)) => p.input.insert_str(s),
            Some(Overlay::Editor(e)) => e.buf.insert_str(s),
            Some(Overlay::Picker(p)) => {
                p.query.insert_str(s);
                p.refilter();
            }
            Some(Overlay::Form(f)) => f.paste(s),
            _ => {
                if self.filtering {
                    match self.screen {
                        super::app::Screen::Decisions => {
                            self.decisions.filter.insert_str(s);
                            self.decisions.refilter();
                        }
                        super::app::Screen::Attention => {
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
                    match self.apply(Effect::AddPerson { name: q.clone() }) {
                        Ok(done) => (done.id.expect("a new person has an id"), q),
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
                self.run(Effect::ItemOwner {
                    item_id,
                    revision,
                    person: Some(id),
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
        let Some(item) = self.item(item_id).or_else(|| self.store.item(item_id).ok()) else {
            return;
        };
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
        let Some(item) = self.item(item_id).or_else(|| self.store.item(item_id).ok()) else {
            return;
        };
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
}
