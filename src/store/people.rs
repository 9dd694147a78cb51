//! People: owners and decision-makers, added explicitly.

use super::staging::LIVE_PERSON;
use super::{Store, Tx};
use crate::domain::model::Person;
use crate::domain::names;
use crate::text::{clean_text, validate_name};
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension, Row};

/// The columns [`person_from_row`] reads, in order.
pub(crate) const PERSON_COLUMNS: &str = "id, name, title, revision";

pub(crate) fn person_from_row(r: &Row) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get(0)?,
        name: r.get(1)?,
        title: r.get(2)?,
        revision: r.get(3)?,
    })
}

impl Store {
    /// Everyone, by name.
    pub fn people(&self) -> Result<Vec<Person>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {PERSON_COLUMNS} FROM people WHERE id {LIVE_PERSON} ORDER BY name COLLATE NOCASE"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], person_from_row).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// A person by name or unique prefix; unknown names get suggestions.
    pub fn find_person(&self, query: &str) -> Result<Person> {
        let all = self.people()?;
        let pairs: Vec<(i64, String)> = all.iter().map(|p| (p.id, p.name.clone())).collect();
        let (id, _) = names::resolve("person", query, &pairs)?;
        Ok(all.into_iter().find(|p| p.id == *id).expect("resolved from this list"))
    }
}

impl Tx<'_> {
    /// Add a person; names are unique by [`crate::text::name_key`] (case
    /// and accent encoding ignored).
    pub fn add_person(&mut self, name: &str, title: &str) -> Result<i64> {
        let name = validate_name("person", name)?;
        let title = clean_text("title", title)?;
        let existing: Option<(i64, String)> = self
            .conn()
            .prepare_cached("SELECT id, name FROM people WHERE name_key(name) = ?1 LIMIT 1")
            .and_then(|mut s| {
                s.query_row([crate::text::name_key(&name)], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(|e| self.err(e))?;
        if let Some((id, n)) = existing {
            if let Some(h) = self.staged_holder_of_person(id)? {
                return Err(Error::invalid(format!(
                    "'{}' is being added by {h}, which is not finished yet: use the name once it is done, or choose another",
                    crate::text::sanitize(&n)
                )));
            }
            return Err(Error::invalid(format!(
                "'{}' is already in the people list (names are compared ignoring case and how accents are encoded): use that person, or choose another name",
                crate::text::sanitize(&n)
            )));
        }
        self.conn()
            .prepare_cached(
                "INSERT INTO people (name, title, created_at, updated_at, updated_by) VALUES (?1, ?2, ?3, ?3, ?4)",
            )
            .and_then(|mut s| s.execute(params![name, title, self.now, self.actor]))
            .map_err(|e| self.err(e))?;
        let id = self.conn().last_insert_rowid();
        self.stage_person(id)?;
        self.audit_person_created(id, &name)?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_and_find_people() {
        let mut s = Store::open_in_memory("t").unwrap();
        s.write(|tx| tx.add_person("Priya Nair", "Head of data")).unwrap();
        assert_eq!(s.find_person("priya").unwrap().title, "Head of data");
        let e = s.write(|tx| tx.add_person("priya nair", "")).unwrap_err();
        assert!(e.to_string().contains("already"));
        let e = s.find_person("Pria Nair").unwrap_err().to_string();
        assert!(e.contains("did you mean 'Priya Nair'"), "{e}");
    }
}
