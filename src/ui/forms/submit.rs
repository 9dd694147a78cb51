//! Saving a form: the validated input becomes an [`Effect`]; the form
//! closes only once the effect has committed. A refusal from the store is
//! shown under the field it concerns and the typed text stays; after a
//! conflict the form shows the other person's change beside yours.

use super::{FieldValue, FormKind, FormOutput};
use crate::playbook::{READINESS_RUBRIC, SELECTION_QUESTIONS, SELECTION_RUBRIC};
use crate::text::sanitize;
use crate::ui::app::App;
use crate::ui::effect::Effect;
use crate::ui::overlay::{ConfirmState, Overlay, Pending};

impl App {
    /// Ctrl-S (or Enter on the last field) in a form.
    pub(crate) fn form_submit(&mut self) {
        let Some(Overlay::Form(f)) = self.overlays.last_mut() else {
            return;
        };
        let Some(out) = f.validate() else { return };
        let kind = f.kind.clone();
        let effect = match (kind, out) {
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
                self.confirm_decision(pilot_id, decision);
                return;
            }
            _ => return,
        };
        self.save_form(effect);
    }

    /// Run a form's effect: close the form and say so once it committed;
    /// otherwise keep the form and its text, with the reason in it.
    pub(crate) fn save_form(&mut self, effect: Effect) {
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
