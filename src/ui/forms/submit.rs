//! Saving a form: the validated input goes to the store; refusals from
//! the store are shown under the field they concern.

use super::{FieldValue, FormKind, FormOutput};
use crate::text::sanitize;
use crate::ui::app::App;
use crate::ui::ops::{Step, Undo};
use crate::ui::overlay::{ConfirmState, Overlay, Pending};

impl App {
    /// Ctrl-S (or Enter on the last field) in a form.
    pub(crate) fn form_submit(&mut self) {
        let Some(Overlay::Form(f)) = self.overlays.last_mut() else {
            return;
        };
        let Some(out) = f.validate() else { return };
        let kind = f.kind.clone();
        match (kind, out) {
            (FormKind::AddPilot, FormOutput::Pilot(fields)) => {
                let items = self.playbook.items();
                match self.store.write(|tx| tx.add_pilot(&fields, &items)) {
                    Ok(id) => {
                        self.overlays.pop();
                        self.push_undo(Undo {
                            label: "added pilot".into(),
                            pilot_id: Some(id),
                            steps: vec![],
                            not_undoable: Some("pilots are kept once added: set its status to stopped instead".into()),
                        });
                        self.refresh_pilot(id);
                        self.portfolio.select_id(id);
                        self.ok(format!(
                            "added {} with {} checklist items",
                            sanitize(&fields.name),
                            items.len()
                        ));
                    }
                    Err(e) => self.form_store_error(e),
                }
            }
            (FormKind::EditPilot { id, revision }, FormOutput::Pilot(fields)) => {
                let before = self.store.pilot(id).ok();
                match self.store.write(|tx| tx.update_pilot(id, revision, &fields)) {
                    Ok(()) => {
                        self.overlays.pop();
                        if let Some(b) = before {
                            let rev = self.store.pilot(id).map(|p| p.revision).unwrap_or(0);
                            if rev != b.revision {
                                self.push_undo(Undo {
                                    label: "pilot edit".into(),
                                    pilot_id: Some(id),
                                    steps: vec![Step::Pilot {
                                        pilot_id: id,
                                        rev,
                                        old: b.fields(),
                                    }],
                                    not_undoable: None,
                                });
                            }
                        }
                        self.ok(format!("saved {}", sanitize(&fields.name)));
                        self.refresh_pilot(id);
                    }
                    Err(e) => self.form_store_error(e),
                }
            }
            (
                FormKind::Score { pilot_id },
                FormOutput::Score {
                    dimension,
                    rating,
                    rationale,
                },
            ) => {
                self.overlays.pop();
                self.score_dimension(pilot_id, dimension, rating, &rationale);
            }
            (FormKind::Selection { pilot_id }, FormOutput::Selection { answers, rationale }) => {
                self.overlays.pop();
                self.score_selection(pilot_id, &answers, &rationale);
            }
            (FormKind::Metric { pilot_id }, FormOutput::Metric(m)) => {
                match self.store.write(|tx| tx.add_metric(pilot_id, &m)) {
                    Ok(_) => {
                        self.overlays.pop();
                        self.push_undo(Undo {
                            label: "added metric".into(),
                            pilot_id: Some(pilot_id),
                            steps: vec![],
                            not_undoable: Some("metrics are kept once added".into()),
                        });
                        self.ok(format!("metric {} added", sanitize(&m.name)));
                        self.refresh_pilot(pilot_id);
                    }
                    Err(e) => self.form_store_error(e),
                }
            }
            (FormKind::Decision { pilot_id }, FormOutput::Decision(decision)) => {
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
                // Warn before it is permanent: an override, and a
                // gatekeeper reviewing their own work.
                let mut warn = String::new();
                if !decision.override_reason.is_empty() {
                    warn.push_str(
                        " This go overrides the gate's unmet must-meet criteria; the log marks it as an override.",
                    );
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
            _ => {}
        }
    }

    fn form_store_error(&mut self, e: crate::Error) {
        if matches!(e, crate::Error::Conflict(_)) {
            self.overlays.pop();
            self.fail(e);
        } else if let Some(Overlay::Form(f)) = self.overlays.last_mut() {
            f.store_error(e.to_string());
        }
    }
}
