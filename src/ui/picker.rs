//! The fuzzy person picker, one component: the query, the matches, its
//! keys and its drawing live here; the last row may offer to add the typed
//! name. What the chosen person is for is the app's routing.

use super::action::Action;
use super::app::{ListTarget, Ui};
use super::draw::centered;
use super::widgets::list::Scroll;
use super::widgets::textbuf::TextBuf;
use crate::domain::model::{Person, Role};
use crate::text::{sanitize, truncate};
use crossterm::event::KeyEvent;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// What a picked person is for.
#[derive(Debug, Clone, PartialEq)]
pub enum PickPurpose {
    ItemOwner {
        item_id: i64,
        revision: i64,
    },
    /// Who does an item of the programme checklist.
    ProgrammeOwner {
        id: i64,
        revision: i64,
    },
    Role {
        pilot_id: i64,
        role: Role,
        seen: Option<i64>,
    },
    /// Who holds a decision right (the threshold is asked next).
    Right {
        pilot_id: i64,
        key: String,
        name: String,
        threshold: String,
        seen: Option<i64>,
    },
    /// Fill a person field of the form below.
    FormField {
        key: &'static str,
    },
}

/// Choosing a checklist item's owner: what the picker opens with.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerPick {
    pub item_id: i64,
    pub revision: i64,
    pub owner: Option<i64>,
    pub title: String,
}

impl OwnerPick {
    pub fn of(item: &crate::domain::model::ChecklistItem) -> OwnerPick {
        OwnerPick {
            item_id: item.id,
            revision: item.revision,
            owner: item.owner_id,
            title: format!("Owner of \"{}\"", truncate(&sanitize(&item.text), 40)),
        }
    }
}

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

/// What a key in the picker asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    Close,
    /// Someone who exists was chosen.
    Chose {
        id: i64,
        name: String,
    },
    /// A new person by this name is to be added, then chosen.
    Add(String),
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

    pub fn handle(&mut self, a: Action) -> Outcome {
        match a {
            Action::Up => self.scroll.up(1),
            Action::Down => {
                let n = self.rows();
                self.scroll.down(1, n);
            }
            Action::Open => return self.choose(false),
            Action::NewPerson => return self.choose(true),
            Action::Back => return Outcome::Close,
            _ => {}
        }
        Outcome::Stay
    }

    /// Enter: the selected person, or the typed name (always with
    /// `force_new`); a name that exists already is that person.
    fn choose(&mut self, force_new: bool) -> Outcome {
        if let (false, Some(person)) = (force_new, self.chosen()) {
            return Outcome::Chose {
                id: person.id,
                name: person.name.clone(),
            };
        }
        let q = self.query.text().trim().to_string();
        if q.is_empty() {
            self.error = Some("type a name first".into());
            return Outcome::Stay;
        }
        match self.people.iter().find(|x| x.name.eq_ignore_ascii_case(&q)) {
            Some(p) => Outcome::Chose {
                id: p.id,
                name: p.name.clone(),
            },
            None => Outcome::Add(q),
        }
    }

    pub fn input(&mut self, k: &KeyEvent) {
        if self.query.handle_key(k) {
            self.refilter();
            self.scroll.selected = 0;
            self.error = None;
        }
    }

    pub fn paste(&mut self, s: &str) {
        self.query.insert_str(s);
        self.refilter();
        self.scroll.selected = 0;
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

    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let p = self;
        let t = &ui.config.theme;
        let w = area.width.saturating_sub(4).min(70);
        let h = area.height.saturating_sub(2).min(18);
        let inner = ui.popup(f, centered(area, w, h), &p.title);
        let field = Rect { height: 1, ..inner };
        let (shown, cur) = p.query.window(field.width.saturating_sub(3) as usize);
        f.render_widget(
            Paragraph::new(Line::from(vec![Span::styled("› ", t.key()), Span::raw(shown)])),
            field,
        );
        f.set_cursor_position((field.x + 2 + cur as u16, field.y));
        let mut top = inner.y + 1;
        if let Some(e) = &p.error {
            f.render_widget(
                Paragraph::new(Span::styled(
                    truncate(&format!("✗ {}", sanitize(e)), inner.width as usize),
                    t.alert(),
                )),
                Rect {
                    y: top,
                    height: 1,
                    ..inner
                },
            );
            top += 1;
        }
        let list = Rect {
            y: top,
            height: inner.height.saturating_sub(top - inner.y + 1),
            ..inner
        };
        let rows = p.rows();
        let hgt = list.height as usize;
        let off = p.scroll.window(rows, hgt);
        let mut lines = Vec::new();
        for n in (0..rows).skip(off).take(hgt) {
            ui.hit_row(list, n - off, ListTarget::Picker, n);
            let mut line = match p.matches.get(n) {
                Some((i, idx)) => {
                    let person = &p.people[*i];
                    let mut spans = vec![Span::raw(if Some(person.id) == p.current { "• " } else { "  " })];
                    for (ci, c) in sanitize(&person.name).chars().enumerate() {
                        spans.push(Span::styled(
                            c.to_string(),
                            if idx.contains(&ci) {
                                t.matched()
                            } else {
                                Style::default()
                            },
                        ));
                    }
                    if !person.title.is_empty() {
                        spans.push(Span::styled(format!("  {}", sanitize(&person.title)), t.muted()));
                    }
                    Line::from(spans)
                }
                None => Line::from(vec![
                    Span::styled("+ add ", t.ok()),
                    Span::styled(format!("\"{}\"", sanitize(p.query.text().trim())), t.title()),
                    Span::styled(" as a new person", t.ok()),
                ]),
            };
            if n == p.scroll.selected {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
        }
        if rows == 0 {
            lines.push(Line::from(Span::styled(
                "No people yet: type a name, then Enter adds them.",
                t.muted(),
            )));
        }
        f.render_widget(Paragraph::new(lines), list);
        let foot = Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1,
            ..inner
        };
        f.render_widget(
            Paragraph::new(Span::styled(
                "type to filter · Enter choose · Ctrl-A add typed name · Esc cancel",
                t.muted(),
            )),
            foot,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Vec<Person> {
        ["Grace Liu", "Omar Haddad"]
            .iter()
            .enumerate()
            .map(|(i, n)| Person {
                id: i as i64 + 1,
                name: n.to_string(),
                title: String::new(),
                revision: 1,
            })
            .collect()
    }

    #[test]
    fn a_typed_name_that_exists_is_that_person_and_a_new_one_is_added() {
        let mut p = PickerState::new("Owner".into(), people(), PickPurpose::FormField { key: "x" }, Some(2));
        assert_eq!(p.scroll.selected, 1, "starts on the current holder");
        assert_eq!(p.handle(Action::NewPerson), Outcome::Stay);
        assert!(p.error.is_some(), "nothing typed: says so");
        p.paste("grace liu");
        assert_eq!(
            p.handle(Action::NewPerson),
            Outcome::Chose {
                id: 1,
                name: "Grace Liu".into()
            }
        );
        p.query = TextBuf::new("Ada Byron");
        p.refilter();
        assert_eq!(p.handle(Action::Open), Outcome::Add("Ada Byron".into()));
    }
}
