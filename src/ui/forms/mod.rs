//! Forms: a list of fields (text, multi-line text, choice, person, toggle)
//! with validation messages shown under the field they concern. The kinds
//! of form (pilot, score, selection, metric, decision) are in [`kinds`];
//! saving (the form's input becomes an effect) is in [`submit`]; drawing
//! is in [`view`]. A form is one component: state, keys ([`FormState::handle`])
//! and drawing; the app runs what it asks for and closes it only once that
//! has committed.

pub mod kinds;
pub mod submit;
mod validate;
pub mod view;

use super::widgets::textbuf::TextBuf;
use crossterm::event::{KeyCode, KeyEvent};
use std::cell::Cell;

pub use kinds::{FormKind, FormOutput};
pub use submit::Outcome;
pub use validate::parse_criteria;

/// The value of one field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(TextBuf),
    Area(TextBuf),
    /// Options as (label, key); `index` is the chosen one.
    Choice {
        options: Vec<(String, String)>,
        index: usize,
    },
    /// A person from the picker.
    Person {
        id: Option<i64>,
        name: String,
    },
    Toggle(bool),
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: &'static str,
    pub label: String,
    pub value: FieldValue,
    pub error: Option<String>,
    pub help: String,
}

impl Field {
    pub fn text(key: &'static str, label: &str, value: &str, help: &str) -> Field {
        Field {
            key,
            label: label.into(),
            value: FieldValue::Text(TextBuf::new(value)),
            error: None,
            help: help.into(),
        }
    }
    pub fn area(key: &'static str, label: &str, value: &str, help: &str) -> Field {
        Field {
            key,
            label: label.into(),
            value: FieldValue::Area(TextBuf::multiline(value)),
            error: None,
            help: help.into(),
        }
    }
    pub fn choice(key: &'static str, label: &str, options: Vec<(String, String)>, index: usize, help: &str) -> Field {
        let index = index.min(options.len().saturating_sub(1));
        Field {
            key,
            label: label.into(),
            value: FieldValue::Choice { options, index },
            error: None,
            help: help.into(),
        }
    }
    pub fn person(key: &'static str, label: &str, id: Option<i64>, name: &str, help: &str) -> Field {
        Field {
            key,
            label: label.into(),
            value: FieldValue::Person { id, name: name.into() },
            error: None,
            help: help.into(),
        }
    }
    pub fn toggle(key: &'static str, label: &str, on: bool, help: &str) -> Field {
        Field {
            key,
            label: label.into(),
            value: FieldValue::Toggle(on),
            error: None,
            help: help.into(),
        }
    }

    /// The text of a text field (empty for other kinds).
    pub fn as_text(&self) -> &str {
        match &self.value {
            FieldValue::Text(t) | FieldValue::Area(t) => t.text(),
            _ => "",
        }
    }

    /// The key of the chosen option of a choice field.
    pub fn choice_key(&self) -> &str {
        match &self.value {
            FieldValue::Choice { options, index } => options.get(*index).map_or("", |o| o.1.as_str()),
            _ => "",
        }
    }
}

/// An open form.
#[derive(Debug, Clone)]
pub struct FormState {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// A message about the whole form (e.g. the store refused it).
    pub error: Option<String>,
    pub dirty: bool,
    pub offset: Cell<usize>,
}

impl FormState {
    /// A key in the form: move between fields, pick a person, save, or
    /// leave (asking first when something was typed).
    pub fn handle(&mut self, a: super::action::Action) -> Outcome {
        use super::action::Action;
        match a {
            Action::NextField => self.next(),
            Action::PrevField => self.prev(),
            Action::Submit => return self.submit(),
            Action::Open => match self.focused().map(|x| (x.key, &x.value)) {
                Some((key, FieldValue::Person { id, .. })) => return Outcome::Pick { key, current: *id },
                _ if self.on_last() => return self.submit(),
                _ => self.next(),
            },
            Action::Back if self.dirty => return Outcome::AskDiscard,
            Action::Back => return Outcome::Close,
            _ => {}
        }
        Outcome::Stay
    }

    /// The picker chose a person for the field `key`.
    pub fn picked(&mut self, key: &str, id: i64, name: String) {
        if let Some(field) = self.field_mut(key) {
            field.value = FieldValue::Person { id: Some(id), name };
            field.error = None;
            self.dirty = true;
            self.next();
        }
    }

    pub fn new(kind: FormKind, title: String, fields: Vec<Field>) -> FormState {
        FormState {
            kind,
            title,
            fields,
            focus: 0,
            error: None,
            dirty: false,
            offset: Cell::new(0),
        }
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn field_mut(&mut self, key: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// Whether field `i` does not apply to what is chosen so far (a
    /// decision's pivot phase unless it pivots, its review date unless it
    /// defers, the override reason unless it is a go): not shown, skipped
    /// by Tab, and not read when the form is saved.
    pub fn hidden(&self, i: usize) -> bool {
        if !matches!(self.kind, FormKind::Decision { .. }) {
            return false;
        }
        let outcome = self.field("outcome").map_or("", |f| f.choice_key());
        match self.fields.get(i).map(|f| f.key) {
            Some("pivot_to") => outcome != "pivot",
            Some("review_on") => outcome != "defer",
            Some("override") => outcome != "go",
            _ => false,
        }
    }

    /// Move the focus by `step` (1 or -1) to the next field shown.
    fn step(&mut self, step: isize) {
        let n = self.fields.len();
        for _ in 0..n {
            self.focus = (self.focus as isize + step).rem_euclid(n as isize) as usize;
            if !self.hidden(self.focus) {
                return;
            }
        }
    }

    pub fn next(&mut self) {
        if !self.fields.is_empty() {
            self.step(1);
        }
    }

    pub fn prev(&mut self) {
        if !self.fields.is_empty() {
            self.step(-1);
        }
    }

    /// Whether the focus is on the last field shown.
    pub fn on_last(&self) -> bool {
        ((self.focus + 1)..self.fields.len()).all(|i| self.hidden(i))
    }

    /// Clear every message before validating again.
    pub fn clear_errors(&mut self) {
        self.error = None;
        for f in &mut self.fields {
            f.error = None;
        }
    }

    /// Put a message under a field (or on the form when there is none).
    pub fn set_error(&mut self, key: &str, msg: String) {
        match self.fields.iter().position(|f| f.key == key) {
            Some(i) => {
                self.fields[i].error = Some(msg);
            }
            None => self.error = Some(msg),
        }
    }

    /// Move the focus to the first field with a message.
    pub fn focus_first_error(&mut self) {
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
        }
    }

    /// Typing into the focused field. Returns true when the key was used.
    pub fn input(&mut self, k: &KeyEvent) -> bool {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return false;
        };
        let used = match &mut f.value {
            FieldValue::Text(t) | FieldValue::Area(t) => t.handle_key(k),
            FieldValue::Choice { options, index } => match k.code {
                KeyCode::Left => {
                    *index = (*index + options.len() - 1) % options.len().max(1);
                    true
                }
                KeyCode::Right | KeyCode::Char(' ') => {
                    *index = (*index + 1) % options.len().max(1);
                    true
                }
                KeyCode::Char(c) => {
                    // Jump to the next option starting with the typed letter.
                    let c = c.to_lowercase().to_string();
                    let n = options.len();
                    let found = (1..=n).map(|d| (*index + d) % n).find(|i| {
                        options[*i].0.to_lowercase().starts_with(&c) || options[*i].1.to_lowercase().starts_with(&c)
                    });
                    if let Some(i) = found {
                        *index = i;
                    }
                    found.is_some()
                }
                _ => false,
            },
            FieldValue::Toggle(on) => match k.code {
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                    *on = !*on;
                    true
                }
                KeyCode::Char('y') => {
                    *on = true;
                    true
                }
                KeyCode::Char('n') => {
                    *on = false;
                    true
                }
                _ => false,
            },
            FieldValue::Person { .. } => false,
        };
        if used {
            self.dirty = true;
            f.error = None;
        }
        used
    }

    /// Insert pasted text into the focused text field.
    pub fn paste(&mut self, s: &str) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            if let FieldValue::Text(t) | FieldValue::Area(t) = &mut f.value {
                t.insert_str(s);
                self.dirty = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_skips_the_fields_a_decision_does_not_need() {
        let opts = |v: &[&str]| v.iter().map(|k| (k.to_string(), k.to_string())).collect::<Vec<_>>();
        let mut f = FormState::new(
            FormKind::Decision { pilot_id: 1 },
            "Decide".into(),
            vec![
                Field::choice("outcome", "Outcome", opts(&["go", "pivot", "defer"]), 0, ""),
                Field::choice("pivot_to", "Pivot back to", opts(&["assessment"]), 0, ""),
                Field::text("review_on", "Review date", "", ""),
                Field::area("override", "Override reason", "", ""),
                Field::area("rationale", "Rationale", "", ""),
            ],
        );
        // go: the override reason, not the pivot phase or the review date
        f.next();
        assert_eq!(f.focused().unwrap().key, "override");
        f.next();
        assert_eq!(f.focused().unwrap().key, "rationale");
        assert!(f.on_last());
        f.next();
        assert_eq!(f.focused().unwrap().key, "outcome", "round the end to the first");
        f.prev();
        assert_eq!(f.focused().unwrap().key, "rationale");
        // defer: the review date only
        if let Some(Field {
            value: FieldValue::Choice { index, .. },
            ..
        }) = f.fields.first_mut()
        {
            *index = 2;
        }
        f.focus = 0;
        f.next();
        assert_eq!(f.focused().unwrap().key, "review_on");
        f.next();
        assert_eq!(f.focused().unwrap().key, "rationale");
    }
}
