//! Saving a form: the validated input becomes an [`Effect`] for the app
//! to run (or, for a decision, a question to confirm first). The form
//! closes only once the effect has committed; a refusal is shown in it and
//! the typed text stays.

use super::{FormKind, FormOutput, FormState};
use crate::domain::model::NewDecision;
use crate::playbook::{READINESS_RUBRIC, SELECTION_QUESTIONS, SELECTION_RUBRIC};
use crate::ui::effect::Effect;

/// What a key in a form asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    /// Nothing typed: close.
    Close,
    /// Esc over typed text: ask before throwing it away.
    AskDiscard,
    /// Open the person picker for the field `key`.
    Pick {
        key: &'static str,
        current: Option<i64>,
    },
    /// Run this; close the form once it has committed.
    Save(Effect),
    /// A decision is permanent: confirm it, then record it.
    ConfirmDecision {
        pilot_id: i64,
        decision: NewDecision,
    },
}

impl FormState {
    /// Ctrl-S (or Enter on the last field): validate, and say what saving
    /// means for this kind of form. Messages go under their fields.
    pub fn submit(&mut self) -> Outcome {
        let Some(out) = self.validate() else {
            return Outcome::Stay;
        };
        Outcome::Save(match (self.kind.clone(), out) {
            (FormKind::AddPilot, FormOutput::Pilot(fields)) => Effect::AddPilot { fields },
            (FormKind::EditPilot { id, revision }, FormOutput::Pilot(fields)) => Effect::EditPilot {
                pilot_id: id,
                revision,
                fields,
            },
            (
                FormKind::Score { pilot_id },
                FormOutput::Score {
                    dimension,
                    rating,
                    rationale,
                },
            ) => Effect::Scores {
                pilot_id,
                rubric: READINESS_RUBRIC.into(),
                answers: vec![(dimension.key().to_string(), rating.key().to_string())],
                rationale,
            },
            (FormKind::Selection { pilot_id }, FormOutput::Selection { answers, rationale }) => Effect::Scores {
                pilot_id,
                rubric: SELECTION_RUBRIC.into(),
                answers: SELECTION_QUESTIONS
                    .iter()
                    .zip(answers.iter())
                    .filter_map(|(q, a)| a.map(|a| (q.to_string(), a.to_string())))
                    .collect(),
                rationale,
            },
            (FormKind::Metric { pilot_id }, FormOutput::Metric(metric)) => Effect::AddMetric { pilot_id, metric },
            (FormKind::Decision { pilot_id }, FormOutput::Decision(decision)) => {
                return Outcome::ConfirmDecision { pilot_id, decision }
            }
            _ => return Outcome::Stay,
        })
    }
}
