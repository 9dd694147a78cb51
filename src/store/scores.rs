//! Rubric answers (scores): append-only, the newest answer per question is
//! the current one.

use super::state::ScoreWritten;
use super::{Store, Tx};
use crate::domain::model::ScoreEntry;
use crate::playbook::{rubric::value_of, Rubric, Scale};
use crate::text::{clean_text, sanitize};
use crate::{Error, Result};
use rusqlite::{params, Row};
use std::collections::HashMap;

fn score_from_row(r: &Row) -> rusqlite::Result<ScoreEntry> {
    Ok(ScoreEntry {
        id: r.get(0)?,
        pilot_id: r.get(1)?,
        rubric: r.get(2)?,
        question: r.get(3)?,
        answer: r.get(4)?,
        rationale: r.get(5)?,
        scorer: r.get(6)?,
        scored_at: r.get(7)?,
    })
}

const SCORE_COLUMNS: &str = "id, pilot_id, rubric, question, answer, rationale, scorer, scored_at";

impl Store {
    /// Current answer per question of one rubric for one pilot.
    pub fn current_answers(&self, pilot_id: i64, rubric: &str) -> Result<HashMap<String, ScoreEntry>> {
        let sql = format!(
            "SELECT {SCORE_COLUMNS} FROM scores s WHERE pilot_id = ?1 AND rubric = ?2
             AND id = (SELECT MAX(id) FROM scores t WHERE t.pilot_id = s.pilot_id AND t.rubric = s.rubric AND t.question = s.question)"
        );
        let mut stmt = self.conn().prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![pilot_id, rubric], score_from_row)
            .map_err(|e| self.err(e))?;
        let mut out = HashMap::new();
        for r in rows {
            let r = r.map_err(|e| self.err(e))?;
            out.insert(r.question.clone(), r);
        }
        Ok(out)
    }

    /// Every answer ever given for a pilot's rubric, oldest first.
    pub fn score_history(&self, pilot_id: i64, rubric: &str) -> Result<Vec<ScoreEntry>> {
        let sql = format!("SELECT {SCORE_COLUMNS} FROM scores WHERE pilot_id = ?1 AND rubric = ?2 ORDER BY id");
        let mut stmt = self.conn().prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![pilot_id, rubric], score_from_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }
}

impl Tx<'_> {
    /// Answer one rubric question for a pilot. The answer must be a label of
    /// the rubric's scale; the previous answer stays in the history.
    pub fn add_score(
        &mut self,
        pilot_id: i64,
        rubric: &Rubric,
        scale: &Scale,
        question: &str,
        answer: &str,
        rationale: &str,
    ) -> Result<i64> {
        self.refuse_staged(pilot_id)?;
        let q = rubric.question(question).ok_or_else(|| {
            Error::invalid(format!(
                "rubric '{}' has no question '{}': use one of {}",
                rubric.key,
                sanitize(question),
                rubric
                    .questions()
                    .map(|q| q.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        if value_of(scale, answer).is_none() {
            return Err(Error::invalid(format!(
                "'{}' is not an answer on the {} scale: use one of {}",
                sanitize(answer),
                scale.name,
                scale
                    .values
                    .iter()
                    .map(|v| v.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let label = scale
            .values
            .iter()
            .find(|v| v.label.eq_ignore_ascii_case(answer.trim()))
            .map(|v| v.label.clone())
            .unwrap_or_default();
        let rationale = clean_text("rationale", rationale)?;
        if rationale.trim().is_empty() {
            return Err(Error::invalid(format!(
                "the score of '{}' has no rationale: say what evidence supports it, whatever the rating",
                q.text
            )));
        }
        let old: Option<String> = self
            .conn()
            .prepare_cached("SELECT answer FROM scores WHERE pilot_id = ?1 AND rubric = ?2 AND question = ?3 ORDER BY id DESC LIMIT 1")
            .and_then(|mut s| {
                let mut rows = s.query(params![pilot_id, rubric.key, q.key])?;
                rows.next()?.map(|r| r.get(0)).transpose()
            })
            .map_err(|e| self.err(e))?;
        self.conn()
            .prepare_cached(
                "INSERT INTO scores (pilot_id, rubric, question, answer, rationale, scorer, scored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| s.execute(params![pilot_id, rubric.key, q.key, label, rationale, self.actor, self.now]))
            .map_err(|e| self.err(e))?;
        let id = self.conn().last_insert_rowid();
        let field = format!("{}.{}", rubric.key, q.key);
        let now = self.now.clone();
        let written = ScoreWritten {
            pilot_id,
            rubric: &rubric.key,
            question: &q.key,
            answer: &label,
            rationale: &rationale,
            scorer: self.actor,
            scored_at: &now,
        };
        self.audit_score(id, &written, &field, old.as_deref())?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::PilotFields;
    use crate::playbook::Playbook;

    #[test]
    fn scores_keep_history_and_validate() {
        let pb = Playbook::builtin();
        let r = pb.rubric("readiness").unwrap();
        let sc = pb.scale_of(r);
        let mut s = Store::open_in_memory("t").unwrap();
        let pid = s
            .write(|tx| {
                tx.add_pilot(
                    &PilotFields {
                        name: "P".into(),
                        ..Default::default()
                    },
                    &[],
                )
            })
            .unwrap();
        s.write(|tx| tx.add_score(pid, r, sc, "data", "Red", "no pipeline"))
            .unwrap();
        s.write(|tx| tx.add_score(pid, r, sc, "data", "yellow", "pipeline drafted"))
            .unwrap();
        let cur = s.current_answers(pid, "readiness").unwrap();
        assert_eq!(cur["data"].answer, "yellow");
        assert_eq!(s.score_history(pid, "readiness").unwrap().len(), 2);
        let e = s
            .write(|tx| tx.add_score(pid, r, sc, "data", "purple", ""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("red, yellow, green"), "{e}");
        let e = s
            .write(|tx| tx.add_score(pid, r, sc, "vibes", "red", ""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("data, governance, integration, ownership"), "{e}");
        assert!(
            s.conn().execute("DELETE FROM scores", []).is_err(),
            "scores are append-only"
        );
    }
}
