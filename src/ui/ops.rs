//! Changes: every write goes through `Store::write` (one transaction, with
//! audit events), against the revision the user saw. Each change records
//! its inverse so `u` can undo it, again through the store.

use super::app::App;
use crate::domain::model::{ChecklistItem, ItemState, Phase, PilotFields, Role};
use crate::playbook::{READINESS_RUBRIC, SELECTION_RUBRIC};
use crate::store::Tx;

/// The inverse of one part of a change.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    ItemState {
        item_id: i64,
        rev: i64,
        old: ItemState,
    },
    ItemOwner {
        item_id: i64,
        rev: i64,
        old: Option<i64>,
    },
    ItemNote {
        item_id: i64,
        rev: i64,
        old: String,
    },
    Phase {
        pilot_id: i64,
        rev: i64,
        old: Phase,
    },
    Pilot {
        pilot_id: i64,
        rev: i64,
        old: PilotFields,
    },
    Role {
        pilot_id: i64,
        role: Role,
        old: Option<i64>,
    },
    Score {
        pilot_id: i64,
        rubric: String,
        question: String,
        old: String,
    },
    MetricCurrent {
        metric_id: i64,
        rev: i64,
        old: Option<f64>,
    },
}

/// One undoable change (or a note on why it cannot be undone).
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub label: String,
    pub pilot_id: Option<i64>,
    pub steps: Vec<Step>,
    /// Set for changes that cannot be undone, with the reason.
    pub not_undoable: Option<String>,
}

impl App {
    /// Run a write; on failure show why (and reload after a conflict).
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> crate::Result<T>) -> Option<T> {
        match self.store.write(f) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    pub(crate) fn push_undo(&mut self, u: Undo) {
        self.undo.push(u);
        if self.undo.len() > 200 {
            self.undo.remove(0);
        }
    }

    /// A checklist item as the user sees it (from the loaded pilot).
    pub(crate) fn item(&self, id: i64) -> Option<ChecklistItem> {
        self.pilot
            .as_ref()
            .and_then(|p| p.checklist.iter().find(|i| i.id == id).cloned())
            .or_else(|| self.store.item(id).ok())
    }

    fn item_rev(&self, id: i64) -> i64 {
        self.store.item(id).map(|i| i.revision).unwrap_or(0)
    }

    /// Remember how to undo an edit just made to `item` (as it was before):
    /// `step` gets the item's revision after the edit.
    fn record_item_undo(&mut self, item: &ChecklistItem, label: String, step: impl FnOnce(i64) -> Step) {
        let rev = self.item_rev(item.id);
        self.push_undo(Undo {
            label,
            pilot_id: Some(item.pilot_id),
            steps: vec![step(rev)],
            not_undoable: None,
        });
    }

    /// Set a checklist item's state.
    pub fn set_item_state(&mut self, item_id: i64, state: ItemState) -> bool {
        let Some(item) = self.item(item_id) else { return false };
        if item.state == state {
            return true;
        }
        // Not applicable only with a reason: ask for it first.
        if state == ItemState::Na && item.note.trim().is_empty() {
            self.open_na_reason(item_id);
            return false;
        }
        if self
            .write(|tx| tx.set_item_state(item.id, item.revision, state))
            .is_none()
        {
            return false;
        }
        let label = format!(
            "{} → {}",
            crate::text::truncate(&crate::text::sanitize(&item.text), 40),
            state.label()
        );
        self.record_item_undo(&item, label, |rev| Step::ItemState {
            item_id,
            rev,
            old: item.state,
        });
        self.ok(format!(
            "{} {}",
            state.mark(),
            crate::text::truncate(&crate::text::sanitize(&item.text), 60)
        ));
        self.refresh_pilot(item.pilot_id);
        true
    }

    /// Set or clear a checklist item's owner.
    pub fn set_item_owner(&mut self, item_id: i64, revision: i64, person: Option<i64>) -> bool {
        let Some(item) = self.item(item_id) else { return false };
        if self.write(|tx| tx.set_item_owner(item_id, revision, person)).is_none() {
            return false;
        }
        self.record_item_undo(&item, "item owner".into(), |rev| Step::ItemOwner {
            item_id,
            rev,
            old: item.owner_id,
        });
        self.refresh_pilot(item.pilot_id);
        let who = self
            .item(item_id)
            .and_then(|i| i.owner)
            .unwrap_or_else(|| "nobody".into());
        self.ok(format!("owner: {}", crate::text::sanitize(&who)));
        true
    }

    /// Replace a checklist item's note.
    pub fn set_item_note(&mut self, item_id: i64, revision: i64, note: &str) -> bool {
        let Some(item) = self.item(item_id) else { return false };
        if self.write(|tx| tx.set_item_note(item_id, revision, note)).is_none() {
            return false;
        }
        self.record_item_undo(&item, "note".into(), |rev| Step::ItemNote {
            item_id,
            rev,
            old: item.note.clone(),
        });
        self.ok("note saved");
        self.refresh_pilot(item.pilot_id);
        true
    }

    /// Save an item's note and then its state, in one transaction (the
    /// reason of a "not applicable"); one undo puts both back.
    pub fn set_item_note_and_state(&mut self, item_id: i64, revision: i64, note: &str, state: ItemState) -> bool {
        let Some(item) = self.item(item_id) else { return false };
        if self
            .write(|tx| {
                tx.set_item_note(item_id, revision, note)?;
                // The note may be unchanged once cleaned: use the revision
                // it left, so the state is set against what is there.
                let rev = tx.item_revision(item_id)?;
                tx.set_item_state(item_id, rev, state)
            })
            .is_none()
        {
            return false;
        }
        let rev = self.item_rev(item_id);
        self.push_undo(Undo {
            label: format!(
                "{} → {}",
                crate::text::truncate(&crate::text::sanitize(&item.text), 40),
                state.label()
            ),
            pilot_id: Some(item.pilot_id),
            steps: vec![
                Step::ItemState {
                    item_id,
                    rev,
                    old: item.state,
                },
                Step::ItemNote {
                    item_id,
                    rev: rev + 1,
                    old: item.note.clone(),
                },
            ],
            not_undoable: None,
        });
        self.ok(format!(
            "{} {} (reason kept as its note)",
            state.mark(),
            crate::text::truncate(&crate::text::sanitize(&item.text), 50)
        ));
        self.refresh_pilot(item.pilot_id);
        true
    }

    /// Move a pilot to another phase.
    pub fn set_phase(&mut self, pilot_id: i64, revision: i64, phase: Phase) -> bool {
        let Ok(before) = self.store.pilot(pilot_id) else {
            return false;
        };
        if self.write(|tx| tx.set_phase(pilot_id, revision, phase)).is_none() {
            return false;
        }
        let rev = self.store.pilot(pilot_id).map(|p| p.revision).unwrap_or(0);
        self.push_undo(Undo {
            label: format!("phase {}", phase.label()),
            pilot_id: Some(pilot_id),
            steps: vec![Step::Phase {
                pilot_id,
                rev,
                old: before.phase,
            }],
            not_undoable: None,
        });
        self.ok(format!(
            "{} moved to {}",
            crate::text::sanitize(&before.name),
            phase.label()
        ));
        self.refresh_pilot(pilot_id);
        true
    }

    /// Name (or replace) one of the four owners.
    pub fn assign_role(&mut self, pilot_id: i64, role: Role, person_id: i64, seen: Option<i64>) -> bool {
        let old = self
            .store
            .owners(pilot_id)
            .ok()
            .and_then(|o| o.into_iter().find(|o| o.role == role))
            .map(|o| o.person_id);
        if self
            .write(|tx| tx.assign_owner(pilot_id, role, person_id, seen))
            .is_none()
        {
            return false;
        }
        self.push_undo(Undo {
            label: role.label().to_lowercase(),
            pilot_id: Some(pilot_id),
            steps: vec![Step::Role { pilot_id, role, old }],
            not_undoable: None,
        });
        self.refresh_pilot(pilot_id);
        let who = self
            .portfolio
            .row(pilot_id)
            .and_then(|r| r.owners[role.index()].clone())
            .unwrap_or_default();
        self.ok(format!("{}: {}", role.label(), crate::text::sanitize(&who)));
        true
    }

    /// Remove one of the four owners.
    pub fn remove_role(&mut self, pilot_id: i64, role: Role, revision: i64) -> bool {
        let old = self
            .store
            .owners(pilot_id)
            .ok()
            .and_then(|o| o.into_iter().find(|o| o.role == role))
            .map(|o| o.person_id);
        if self.write(|tx| tx.unassign_owner(pilot_id, role, revision)).is_none() {
            return false;
        }
        self.push_undo(Undo {
            label: format!("removed {}", role.label().to_lowercase()),
            pilot_id: Some(pilot_id),
            steps: vec![Step::Role { pilot_id, role, old }],
            not_undoable: None,
        });
        self.ok(format!("{} removed", role.label()));
        self.refresh_pilot(pilot_id);
        true
    }

    /// Add a person by name; returns their id.
    pub fn add_person(&mut self, name: &str) -> Option<i64> {
        let id = self.write(|tx| tx.add_person(name, ""))?;
        self.push_undo(Undo {
            label: format!("added {}", crate::text::sanitize(name.trim())),
            pilot_id: None,
            steps: vec![],
            not_undoable: Some("people are kept once added".into()),
        });
        Some(id)
    }

    /// Record one answer of a rubric (readiness or selection).
    pub fn add_scores(
        &mut self,
        pilot_id: i64,
        rubric_key: &str,
        answers: &[(String, String)],
        rationale: &str,
    ) -> bool {
        let Some(rubric) = self.playbook.rubric(rubric_key).cloned() else {
            return false;
        };
        let scale = self.playbook.scale_of(&rubric).clone();
        let current = self.store.current_answers(pilot_id, rubric_key).unwrap_or_default();
        let changed: Vec<(String, String)> = answers
            .iter()
            .filter(|(q, a)| {
                current.get(q).is_none_or(|c| !c.answer.eq_ignore_ascii_case(a)) || !rationale.trim().is_empty()
            })
            .cloned()
            .collect();
        if changed.is_empty() {
            self.info("nothing changed");
            return true;
        }
        let ok = self.write(|tx| {
            for (q, a) in &changed {
                tx.add_score(pilot_id, &rubric, &scale, q, a, rationale)?;
            }
            Ok(())
        });
        if ok.is_none() {
            return false;
        }
        let steps: Vec<Step> = changed
            .iter()
            .filter_map(|(q, _)| {
                current.get(q).map(|c| Step::Score {
                    pilot_id,
                    rubric: rubric_key.into(),
                    question: q.clone(),
                    old: c.answer.clone(),
                })
            })
            .collect();
        let all_had_answers = steps.len() == changed.len();
        self.push_undo(Undo {
            label: format!("{} score", rubric.name.to_lowercase()),
            pilot_id: Some(pilot_id),
            steps,
            not_undoable: (!all_had_answers).then(|| {
                "scores are kept as history and the question was unscored before; score it again instead".to_string()
            }),
        });
        self.refresh_pilot(pilot_id);
        true
    }

    /// Score one readiness dimension.
    pub fn score_dimension(
        &mut self,
        pilot_id: i64,
        dim: crate::domain::model::Dimension,
        rag: crate::domain::model::Rag,
        rationale: &str,
    ) -> bool {
        let ok = self.add_scores(
            pilot_id,
            READINESS_RUBRIC,
            &[(dim.key().to_string(), rag.key().to_string())],
            rationale,
        );
        if ok {
            self.ok(format!("{} scored {} ({})", dim.label(), rag.label(), rag.letter()));
        }
        ok
    }

    /// Record selection answers (1-5).
    pub fn score_selection(&mut self, pilot_id: i64, answers: &[Option<u8>; 5], rationale: &str) -> bool {
        let list: Vec<(String, String)> = crate::playbook::SELECTION_QUESTIONS
            .iter()
            .zip(answers.iter())
            .filter_map(|(q, a)| a.map(|a| (q.to_string(), a.to_string())))
            .collect();
        let ok = self.add_scores(pilot_id, SELECTION_RUBRIC, &list, rationale);
        if ok {
            self.ok("selection scores saved");
        }
        ok
    }

    /// Undo the last change by applying its inverse through the store.
    pub fn undo_last(&mut self) {
        let Some(u) = self.undo.pop() else {
            self.info("nothing to undo in this session");
            return;
        };
        if let Some(why) = &u.not_undoable {
            if u.steps.is_empty() {
                self.info(format!(
                    "cannot undo '{}': {why}; press u again for the change before it",
                    u.label
                ));
                return;
            }
        }
        let playbook = self.playbook.clone();
        let steps = u.steps.clone();
        let owners_rev: Vec<Option<i64>> = steps
            .iter()
            .map(|s| match s {
                Step::Role { pilot_id, role, .. } => self
                    .store
                    .owners(*pilot_id)
                    .ok()
                    .and_then(|o| o.into_iter().find(|o| o.role == *role))
                    .map(|o| o.revision),
                _ => None,
            })
            .collect();
        let res = self.store.write(|tx| {
            for (s, seen) in steps.iter().zip(owners_rev.iter()) {
                match s {
                    Step::ItemState { item_id, rev, old } => tx.set_item_state(*item_id, *rev, *old)?,
                    Step::ItemOwner { item_id, rev, old } => tx.set_item_owner(*item_id, *rev, *old)?,
                    Step::ItemNote { item_id, rev, old } => tx.set_item_note(*item_id, *rev, old)?,
                    Step::Phase { pilot_id, rev, old } => tx.set_phase(*pilot_id, *rev, *old)?,
                    Step::Pilot { pilot_id, rev, old } => tx.update_pilot(*pilot_id, *rev, old)?,
                    Step::Role { pilot_id, role, old } => match (old, seen) {
                        (Some(p), _) => tx.assign_owner(*pilot_id, *role, *p, *seen)?,
                        (None, Some(rev)) => tx.unassign_owner(*pilot_id, *role, *rev)?,
                        (None, None) => {}
                    },
                    Step::Score {
                        pilot_id,
                        rubric,
                        question,
                        old,
                    } => {
                        let r = playbook
                            .rubric(rubric)
                            .ok_or_else(|| crate::Error::invalid("rubric gone"))?;
                        tx.add_score(
                            *pilot_id,
                            r,
                            playbook.scale_of(r),
                            question,
                            old,
                            "undo: back to the previous answer",
                        )?;
                    }
                    Step::MetricCurrent { metric_id, rev, old } => tx.set_metric_current(*metric_id, *rev, *old)?,
                }
            }
            Ok(())
        });
        match res {
            Ok(()) => {
                let extra = u
                    .not_undoable
                    .as_ref()
                    .map(|w| format!(" (partly: {w})"))
                    .unwrap_or_default();
                self.ok(format!("undone: {}{extra}", u.label));
                match u.pilot_id {
                    Some(p) => self.refresh_pilot(p),
                    None => {
                        if let Err(e) = self.reload_all() {
                            self.error(e.to_string());
                        }
                    }
                }
            }
            Err(e) => self.fail(e),
        }
    }
}
