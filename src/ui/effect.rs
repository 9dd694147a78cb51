//! Effects: the writes a screen or an overlay asks for. Handlers never call
//! the store to change it; they hand an [`Effect`] to [`App::apply`], which
//! runs it in one transaction (audited, against the revision the user saw),
//! records how to undo it next to the write, refreshes what changed and
//! says whether it committed, so a form closes only once its write is
//! saved and keeps what was typed otherwise.

use super::app::App;
use super::history::{Change, RowKey, RowRev, Step, Undo};
use crate::domain::model::{ItemState, MetricFields, NewDecision, Phase, PilotFields, Role};
use crate::playbook::READINESS_RUBRIC;
use crate::text::{sanitize, truncate};

/// One change a user asked for.
/// What changes on a pilot's vendor record.
#[derive(Debug, Clone, PartialEq)]
pub enum VendorChange {
    /// A vendor, or in-house with the reason (`seen`: the row's revision).
    Set {
        choice: crate::domain::model::VendorChoice,
        seen: Option<i64>,
    },
    /// The evidence of one ask.
    Ask {
        key: String,
        name: String,
        evidence: String,
        seen: Option<i64>,
    },
    ClearAsk {
        key: String,
        name: String,
        revision: i64,
    },
}

/// What changes on a programme item.
#[derive(Debug, Clone, PartialEq)]
pub enum ProgrammeChange {
    State(ItemState),
    /// The note, then (a "not applicable" reason) the state.
    Note(String, Option<ItemState>),
    Owner(Option<i64>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    ItemState {
        item_id: i64,
        revision: i64,
        state: ItemState,
    },
    ItemOwner {
        item_id: i64,
        revision: i64,
        person: Option<i64>,
    },
    /// Change who builds a pilot, or one of its vendor asks.
    Vendor {
        pilot_id: i64,
        change: VendorChange,
    },
    /// Change an item of the programme checklist.
    Programme {
        id: i64,
        revision: i64,
        change: ProgrammeChange,
    },
    /// Replace an item's note, then (a "not applicable" reason) its state.
    ItemNote {
        item_id: i64,
        revision: i64,
        note: String,
        then: Option<ItemState>,
    },
    Phase {
        pilot_id: i64,
        revision: i64,
        phase: Phase,
    },
    AssignRole {
        pilot_id: i64,
        role: Role,
        person_id: i64,
        seen: Option<i64>,
    },
    RemoveRole {
        pilot_id: i64,
        role: Role,
        revision: i64,
    },
    /// Put a pilot on the shortlist (with the reason a red flag needs) or
    /// take it off.
    Shortlist {
        pilot_id: i64,
        revision: i64,
        on: bool,
        reason: Option<String>,
    },
    /// Give a decision right to a person under a threshold.
    AssignRight {
        pilot_id: i64,
        key: String,
        name: String,
        person_id: i64,
        threshold: String,
        seen: Option<i64>,
    },
    ClearRight {
        pilot_id: i64,
        key: String,
        name: String,
        revision: i64,
    },
    AddPerson {
        name: String,
    },
    /// Answers to some questions of one rubric, with one rationale.
    Scores {
        pilot_id: i64,
        rubric: String,
        answers: Vec<(String, String)>,
        rationale: String,
    },
    AddPilot {
        fields: PilotFields,
    },
    EditPilot {
        pilot_id: i64,
        revision: i64,
        fields: PilotFields,
    },
    AddMetric {
        pilot_id: i64,
        metric: MetricFields,
    },
    MetricCurrent {
        metric_id: i64,
        revision: i64,
        value: Option<f64>,
    },
    RecordDecision {
        pilot_id: i64,
        decision: NewDecision,
    },
    Communicated {
        decision_id: i64,
    },
    /// Write the decision log to a file; an existing file only when
    /// `overwrite` (the user said yes to replacing it).
    ExportDecisions {
        path: std::path::PathBuf,
        overwrite: bool,
    },
    ImportPilots {
        path: String,
    },
    LoadDemo,
}

/// A committed effect: the message for the user and the new row's id.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub message: String,
    pub id: Option<i64>,
}

impl Applied {
    fn said(message: impl Into<String>) -> Applied {
        Applied {
            message: message.into(),
            id: None,
        }
    }
}

/// A short, safe form of untrusted text for a message.
fn short(s: &str, n: usize) -> String {
    truncate(&sanitize(s), n)
}

impl App {
    /// Run an effect and show its outcome in the status bar; a refused
    /// write is shown (and a conflict reloads). True when it committed.
    pub(crate) fn run(&mut self, e: Effect) -> bool {
        match self.apply(e) {
            Ok(done) => {
                if !done.message.is_empty() {
                    self.ok(done.message);
                }
                true
            }
            Err(e) => {
                self.fail(e);
                false
            }
        }
    }

    fn remember(&mut self, pilot_id: Option<i64>, what: String, undo: Undo) {
        self.remember_rows(pilot_id, what, undo, Vec::new());
    }

    /// Remember a change with the rows it wrote (their revisions before
    /// and after), so undoing a later change can rebase this one.
    fn remember_rows(&mut self, pilot_id: Option<i64>, what: String, undo: Undo, rows: Vec<RowRev>) {
        let pilot = pilot_id
            .and_then(|p| self.portfolio.row(p).map(|r| sanitize(&r.name)))
            .unwrap_or_default();
        let at = self.store.clock().now_utc();
        self.history.push(Change {
            pilot_id,
            pilot,
            what,
            undo,
            at,
            rows,
        });
    }

    /// Run an effect through the store. On success the change is in the
    /// history and what it touched is refreshed; on failure nothing was
    /// written and nothing is shown (the caller decides where the error
    /// goes: a form keeps it under its fields).
    pub(crate) fn apply(&mut self, e: Effect) -> crate::Result<Applied> {
        match e {
            Effect::ItemState {
                item_id,
                revision,
                state,
            } => {
                let item = self.store.item(item_id)?;
                self.store.write(|tx| tx.set_item_state(item_id, revision, state))?;
                let rev = self.store.item(item_id)?.revision;
                let text = short(&item.text, 40);
                self.remember_rows(
                    Some(item.pilot_id),
                    format!("{text} → {}", state.label()),
                    Undo::Steps {
                        steps: vec![Step::ItemState {
                            item_id,
                            rev,
                            old: item.state,
                        }],
                        restores: format!("{text} back to {}", item.state.label()),
                        partly: None,
                    },
                    vec![row(RowKey::Item(item_id), item.revision, rev)],
                );
                self.refresh_pilot(item.pilot_id);
                Ok(Applied::said(format!("{} {}", state.mark(), short(&item.text, 60))))
            }
            Effect::ItemOwner {
                item_id,
                revision,
                person,
            } => {
                let item = self.store.item(item_id)?;
                self.store.write(|tx| tx.set_item_owner(item_id, revision, person))?;
                let after = self.store.item(item_id)?;
                let text = short(&item.text, 40);
                let who = |o: &Option<String>| o.as_deref().map_or("nobody".to_string(), sanitize);
                self.remember_rows(
                    Some(item.pilot_id),
                    format!("{text}: owner {}", who(&after.owner)),
                    Undo::Steps {
                        steps: vec![Step::ItemOwner {
                            item_id,
                            rev: after.revision,
                            old: item.owner_id,
                        }],
                        restores: format!("{text}: owner back to {}", who(&item.owner)),
                        partly: None,
                    },
                    vec![row(RowKey::Item(item_id), item.revision, after.revision)],
                );
                self.refresh_pilot(item.pilot_id);
                Ok(Applied::said(format!("owner: {}", who(&after.owner))))
            }
            Effect::Programme { id, revision, change } => self.apply_programme(id, revision, change),
            Effect::Vendor { pilot_id, change } => self.apply_vendor(pilot_id, change),
            Effect::ItemNote {
                item_id,
                revision,
                note,
                then,
            } => {
                let item = self.store.item(item_id)?;
                let rev = self.store.write(|tx| {
                    tx.set_item_note(item_id, revision, &note)?;
                    if let Some(state) = then {
                        // The note may be unchanged once cleaned: use the
                        // revision it left, so the state is set against
                        // what is there.
                        let rev = tx.item_revision(item_id)?;
                        tx.set_item_state(item_id, rev, state)?;
                    }
                    tx.item_revision(item_id)
                })?;
                let text = short(&item.text, 40);
                let (what, restores, mut steps, message) = match then {
                    Some(state) => (
                        format!("{text} → {} (with its reason)", state.label()),
                        format!("{text} back to {} and its note", item.state.label()),
                        vec![Step::ItemState {
                            item_id,
                            rev,
                            old: item.state,
                        }],
                        format!("{} {} (reason kept as its note)", state.mark(), short(&item.text, 50)),
                    ),
                    None => (
                        format!("{text}: note"),
                        format!("{text}: the note as it was"),
                        vec![],
                        "note saved".to_string(),
                    ),
                };
                let note_rev = if then.is_some() { rev + 1 } else { rev };
                steps.push(Step::ItemNote {
                    item_id,
                    rev: note_rev,
                    old: item.note.clone(),
                });
                self.remember_rows(
                    Some(item.pilot_id),
                    what,
                    Undo::Steps {
                        steps,
                        restores,
                        partly: None,
                    },
                    vec![row(RowKey::Item(item_id), item.revision, rev)],
                );
                self.refresh_pilot(item.pilot_id);
                Ok(Applied::said(message))
            }
            Effect::Phase {
                pilot_id,
                revision,
                phase,
            } => {
                let before = self.store.pilot(pilot_id)?;
                self.store.write(|tx| tx.set_phase(pilot_id, revision, phase))?;
                let rev = self.store.pilot(pilot_id)?.revision;
                self.remember_rows(
                    Some(pilot_id),
                    format!("moved to {}", phase.label()),
                    Undo::Steps {
                        steps: vec![Step::Phase {
                            pilot_id,
                            rev,
                            old: before.phase,
                        }],
                        restores: format!("back in {}", before.phase.label()),
                        partly: None,
                    },
                    vec![row(RowKey::Pilot(pilot_id), before.revision, rev)],
                );
                self.refresh_pilot(pilot_id);
                Ok(Applied::said(format!(
                    "{} moved to {}",
                    sanitize(&before.name),
                    phase.label()
                )))
            }
            Effect::Shortlist {
                pilot_id,
                revision,
                on,
                reason,
            } => {
                let pb = self.ui.playbook.clone();
                let before = self.store.pilot(pilot_id)?;
                // Put back by undo, a red-flagged pilot keeps its reason.
                let kept = if before.shortlisted {
                    self.store.shortlist_override(pilot_id)?
                } else {
                    None
                };
                self.store
                    .write(|tx| tx.set_shortlisted(&pb, pilot_id, revision, on, reason.as_deref()))?;
                let rev = self.store.pilot(pilot_id)?.revision;
                let said = format!(
                    "{} {} the shortlist",
                    short(&before.name, 40),
                    if on { "is on" } else { "is off" }
                );
                self.remember_rows(
                    Some(pilot_id),
                    said.clone(),
                    Undo::Steps {
                        steps: vec![Step::Shortlist {
                            pilot_id,
                            rev,
                            old: before.shortlisted,
                            reason: kept,
                        }],
                        restores: format!("{} the shortlist again", if before.shortlisted { "on" } else { "off" }),
                        partly: None,
                    },
                    vec![row(RowKey::Pilot(pilot_id), before.revision, rev)],
                );
                self.refresh_pilot(pilot_id);
                Ok(Applied::said(said))
            }
            Effect::AssignRole {
                pilot_id,
                role,
                person_id,
                seen,
            } => {
                let old = self.owner_of(pilot_id, role)?;
                self.store
                    .write(|tx| tx.assign_owner(pilot_id, role, person_id, seen))?;
                let new = self.owner_of(pilot_id, role)?;
                let name = |o: &Option<(i64, String, i64)>| o.as_ref().map_or("nobody".to_string(), |o| sanitize(&o.1));
                self.remember_rows(
                    Some(pilot_id),
                    format!("{}: {}", role.label(), name(&new)),
                    Undo::Steps {
                        steps: vec![Step::Role {
                            pilot_id,
                            role,
                            old: old.as_ref().map(|o| o.0),
                            seen: new.as_ref().map(|o| o.2),
                        }],
                        restores: format!("{} back to {}", role.label(), name(&old)),
                        partly: None,
                    },
                    vec![RowRev {
                        key: RowKey::Owner(pilot_id, role),
                        from: old.as_ref().map(|o| o.2),
                        to: new.as_ref().map(|o| o.2),
                    }],
                );
                self.refresh_pilot(pilot_id);
                Ok(Applied::said(format!("{}: {}", role.label(), name(&new))))
            }
            Effect::RemoveRole {
                pilot_id,
                role,
                revision,
            } => {
                let old = self.owner_of(pilot_id, role)?;
                self.store.write(|tx| tx.unassign_owner(pilot_id, role, revision))?;
                let who = old.as_ref().map_or("nobody".to_string(), |o| sanitize(&o.1));
                self.remember_rows(
                    Some(pilot_id),
                    format!("{} removed ({who})", role.label()),
                    Undo::Steps {
                        steps: vec![Step::Role {
                            pilot_id,
                            role,
                            old: old.as_ref().map(|o| o.0),
                            seen: None,
                        }],
                        restores: format!("{} back to {who}", role.label()),
                        partly: None,
                    },
                    vec![RowRev {
                        key: RowKey::Owner(pilot_id, role),
                        from: old.as_ref().map(|o| o.2),
                        to: None,
                    }],
                );
                self.refresh_pilot(pilot_id);
                Ok(Applied::said(format!("{} removed", role.label())))
            }
            Effect::AssignRight {
                pilot_id,
                key,
                name,
                person_id,
                threshold,
                seen,
            } => {
                let crate::store::RightChange { old, new } = self
                    .store
                    .write(|tx| tx.assign_right(pilot_id, &key, &name, person_id, &threshold, seen))?;
                if old == new {
                    return Ok(Applied::said(format!(
                        "right to {}: unchanged",
                        sanitize(&name).to_lowercase()
                    )));
                }
                let said = format!(
                    "right to {}: {}",
                    sanitize(&name).to_lowercase(),
                    new.as_ref().map_or("nobody".into(), |n| short(&n.person, 40))
                );
                self.remember_right(pilot_id, &key, &name, said.clone(), old, new);
                self.refresh_pilot(pilot_id);
                Ok(Applied::said(said))
            }
            Effect::ClearRight {
                pilot_id,
                key,
                name,
                revision,
            } => {
                let old = self.store.write(|tx| tx.clear_right(pilot_id, &key, &name, revision))?;
                if old.is_none() {
                    self.refresh_pilot(pilot_id);
                    return Ok(Applied::said(format!(
                        "nobody holds the right to {}",
                        sanitize(&name).to_lowercase()
                    )));
                }
                let said = format!(
                    "right to {} taken from {}",
                    sanitize(&name).to_lowercase(),
                    old.as_ref().map_or("nobody".into(), |o| short(&o.person, 40))
                );
                self.remember_right(pilot_id, &key, &name, said.clone(), old, None);
                self.refresh_pilot(pilot_id);
                Ok(Applied::said(said))
            }
            Effect::AddPerson { name } => {
                let id = self.store.write(|tx| tx.add_person(&name, ""))?;
                self.remember(
                    None,
                    format!("added {}", short(name.trim(), 40)),
                    Undo::Never("people are kept once added".into()),
                );
                Ok(Applied {
                    message: String::new(),
                    id: Some(id),
                })
            }
            Effect::Scores {
                pilot_id,
                rubric,
                answers,
                rationale,
            } => self.apply_scores(pilot_id, &rubric, &answers, &rationale),
            Effect::AddPilot { fields } => {
                let items = self.playbook.items();
                let programme = self.playbook.programme_items();
                let id = self.store.write(|tx| {
                    tx.ensure_programme_items(&programme)?;
                    tx.add_pilot(&fields, &items)
                })?;
                self.programme_items = self.store.programme_items()?;
                self.portfolio_add(id);
                self.remember(
                    Some(id),
                    "added".into(),
                    Undo::Never("pilots are kept once added: set its status to stopped instead".into()),
                );
                Ok(Applied {
                    message: format!("added {} with {} checklist items", sanitize(&fields.name), items.len()),
                    id: Some(id),
                })
            }
            Effect::EditPilot {
                pilot_id,
                revision,
                fields,
            } => {
                let before = self.store.pilot(pilot_id)?;
                self.store.write(|tx| tx.update_pilot(pilot_id, revision, &fields))?;
                let rev = self.store.pilot(pilot_id)?.revision;
                if rev != before.revision {
                    self.remember_rows(
                        Some(pilot_id),
                        "inventory fields edited".into(),
                        Undo::Steps {
                            steps: vec![Step::Pilot {
                                pilot_id,
                                rev,
                                old: before.fields(),
                            }],
                            restores: "the inventory fields as they were".into(),
                            partly: None,
                        },
                        vec![row(RowKey::Pilot(pilot_id), before.revision, rev)],
                    );
                }
                self.refresh_pilot(pilot_id);
                Ok(Applied::said(format!("saved {}", sanitize(&fields.name))))
            }
            Effect::AddMetric { pilot_id, metric } => {
                let id = self.store.write(|tx| tx.add_metric(pilot_id, &metric))?;
                self.remember(
                    Some(pilot_id),
                    format!("metric {} added", short(&metric.name, 40)),
                    Undo::Never("metrics are kept once added".into()),
                );
                self.refresh_pilot(pilot_id);
                Ok(Applied {
                    message: format!("metric {} added", sanitize(&metric.name)),
                    id: Some(id),
                })
            }
            Effect::MetricCurrent {
                metric_id,
                revision,
                value,
            } => {
                let m = self.store.metric(metric_id)?;
                self.store
                    .write(|tx| tx.set_metric_current(metric_id, revision, value))?;
                let num = |v: Option<f64>| v.map_or("no value".to_string(), crate::playbook::rubric::fmt_num);
                let name = short(&m.name, 40);
                let rev = self.store.metric(metric_id)?.revision;
                self.remember_rows(
                    Some(m.pilot_id),
                    format!("{name} now {}", num(value)),
                    Undo::Steps {
                        steps: vec![Step::MetricCurrent {
                            metric_id,
                            rev,
                            old: m.current,
                        }],
                        restores: format!("{name} back to {}", num(m.current)),
                        partly: None,
                    },
                    vec![row(RowKey::Metric(metric_id), m.revision, rev)],
                );
                self.refresh_pilot(m.pilot_id);
                Ok(Applied::said("metric value saved"))
            }
            Effect::RecordDecision { pilot_id, decision } => {
                let pb = self.playbook.clone();
                let rec = self.store.write(|tx| tx.record_decision(&pb, pilot_id, &decision))?;
                let outcome = decision.outcome.map_or("", |o| o.label());
                self.remember(
                    Some(pilot_id),
                    format!("decision #{}: {outcome}", rec.id),
                    Undo::Never("the decision log is append-only: record a new decision to supersede it".into()),
                );
                let mut msg = format!("decision #{} recorded: {outcome}, {}", rec.id, rec.effect.describe());
                if !rec.overridden.is_empty() {
                    msg.push_str(&format!(" (override of {} unmet must-meet)", rec.overridden.len()));
                }
                if rec.maker_is_owner {
                    msg.push_str("; the decision-maker owns this pilot");
                }
                self.refresh_pilot(pilot_id);
                Ok(Applied {
                    message: msg,
                    id: Some(rec.id),
                })
            }
            Effect::Communicated { decision_id } => {
                let d = self
                    .store
                    .all_decisions()?
                    .into_iter()
                    .find(|d| d.id == decision_id)
                    .ok_or_else(|| crate::Error::not_found(format!("decision #{decision_id} is not in the log")))?;
                self.store.write(|tx| tx.mark_communicated(decision_id))?;
                self.remember(
                    Some(d.pilot_id),
                    format!("decision #{decision_id} marked communicated"),
                    Undo::Never("communication notices are append-only".into()),
                );
                self.refresh_pilot(d.pilot_id);
                Ok(Applied::said(format!(
                    "{} for {}: marked communicated",
                    d.outcome.label(),
                    sanitize(&d.pilot)
                )))
            }
            Effect::ExportDecisions { path, overwrite } => {
                super::files::export_decisions(&self.store, &path, overwrite).map(Applied::said)
            }
            Effect::ImportPilots { path } => {
                let msg = super::files::import_pilots(&mut self.store, &self.ui.playbook, &path)?;
                self.reload_all()?;
                Ok(Applied::said(msg))
            }
            Effect::LoadDemo => {
                let today = self.today;
                crate::demo::load_realistic(&mut self.store, &self.ui.playbook, today)?;
                self.reload_all()?;
                Ok(Applied::said(format!(
                    "demo loaded: {} pilots; today is day {}. Try / to find a pilot, Enter to open it, ? for help",
                    self.portfolio.rows.len(),
                    self.day
                )))
            }
        }
    }

    /// The owner in `role` of a pilot: (person id, name, revision).
    fn owner_of(&self, pilot_id: i64, role: Role) -> crate::Result<Option<(i64, String, i64)>> {
        Ok(self
            .store
            .owners(pilot_id)?
            .into_iter()
            .find(|o| o.role == role)
            .map(|o| (o.person_id, o.person, o.revision)))
    }

    /// Change a pilot's vendor record and remember how to put it back.
    fn apply_vendor(&mut self, pilot_id: i64, change: VendorChange) -> crate::Result<Applied> {
        let (said, step, key, from, to) = match change {
            VendorChange::Set { choice, seen } => {
                let old = self.store.write(|tx| tx.set_vendor(pilot_id, &choice, seen))?;
                let now = self.store.vendor(pilot_id)?;
                let said = format!(
                    "built by: {}",
                    short(&crate::domain::vendors::describe(now.as_ref().map(|n| &n.choice)), 50)
                );
                let step = Step::Vendor {
                    pilot_id,
                    old: old.as_ref().map(|o| o.choice.clone()),
                    seen: now.as_ref().map(|n| n.revision),
                };
                (
                    said,
                    step,
                    RowKey::Vendor(pilot_id),
                    old.map(|o| o.revision),
                    now.map(|n| n.revision),
                )
            }
            VendorChange::Ask {
                key,
                name,
                evidence,
                seen,
            } => {
                let old = self
                    .store
                    .write(|tx| tx.set_vendor_ask(pilot_id, &key, &name, &evidence, seen))?;
                let now = self.store.vendor_asks(pilot_id)?.into_iter().find(|a| a.key == key);
                let said = format!("{}: evidence recorded", short(&name, 40));
                let row = RowKey::VendorAsk(pilot_id, super::history::right_key_id(&key));
                let step = Step::VendorAsk {
                    pilot_id,
                    key,
                    name,
                    old: old.as_ref().map(|o| o.evidence.clone()),
                    seen: now.as_ref().map(|n| n.revision),
                };
                (said, step, row, old.map(|o| o.revision), now.map(|n| n.revision))
            }
            VendorChange::ClearAsk { key, name, revision } => {
                let old = self
                    .store
                    .write(|tx| tx.clear_vendor_ask(pilot_id, &key, &name, revision))?;
                let said = format!("{}: evidence taken back", short(&name, 40));
                let row = RowKey::VendorAsk(pilot_id, super::history::right_key_id(&key));
                let step = Step::VendorAsk {
                    pilot_id,
                    key,
                    name,
                    old: old.as_ref().map(|o| o.evidence.clone()),
                    seen: None,
                };
                (said, step, row, old.map(|o| o.revision), None)
            }
        };
        if from != to {
            self.remember_rows(
                Some(pilot_id),
                said.clone(),
                Undo::Steps {
                    steps: vec![step],
                    restores: "the vendor record as it was".into(),
                    partly: None,
                },
                vec![RowRev { key, from, to }],
            );
        }
        self.refresh_pilot(pilot_id);
        Ok(Applied::said(said))
    }

    /// Change a programme item and remember how to put it back.
    fn apply_programme(&mut self, id: i64, revision: i64, change: ProgrammeChange) -> crate::Result<Applied> {
        let find = |items: Vec<crate::domain::model::ProgrammeItem>| {
            items
                .into_iter()
                .find(|i| i.id == id)
                .ok_or_else(|| crate::Error::not_found("the programme item no longer exists"))
        };
        let before = find(self.store.programme_items()?)?;
        let after = self.store.write(|tx| {
            let now = |tx: &crate::store::Tx<'_>| -> crate::Result<i64> { Ok(find(tx.programme_items()?)?.revision) };
            match &change {
                ProgrammeChange::State(s) => tx.set_programme_item_state(id, revision, *s)?,
                ProgrammeChange::Owner(o) => tx.set_programme_item_owner(id, revision, *o)?,
                ProgrammeChange::Note(n, then) => {
                    tx.set_programme_item_note(id, revision, n)?;
                    if let Some(s) = then {
                        let rev = now(tx)?;
                        tx.set_programme_item_state(id, rev, *s)?;
                    }
                }
            }
            find(tx.programme_items()?)
        })?;
        self.programme_items = self.store.programme_items()?;
        self.attention.loaded = false;
        self.ensure_loaded();
        let text = short(&before.text, 40);
        let who = |o: &Option<String>| o.as_deref().map_or("nobody".to_string(), sanitize);
        let said = match &change {
            ProgrammeChange::State(_) | ProgrammeChange::Note(_, Some(_)) => {
                format!("{} {} (programme)", after.state.mark(), short(&after.text, 50))
            }
            ProgrammeChange::Note(..) => format!("{text}: note saved"),
            ProgrammeChange::Owner(_) => format!("{text}: {}", who(&after.owner)),
        };
        if after.revision != before.revision {
            self.remember_rows(
                None,
                format!("programme: {said}"),
                Undo::Steps {
                    steps: vec![Step::Programme {
                        id,
                        rev: after.revision,
                        state: before.state,
                        note: before.note.clone(),
                        owner: before.owner_id,
                    }],
                    restores: format!("{text} as it was"),
                    partly: None,
                },
                vec![row(RowKey::Programme(id), before.revision, after.revision)],
            );
        }
        Ok(Applied::said(said))
    }

    /// Record a change of a decision right and how to undo it.
    fn remember_right(
        &mut self,
        pilot_id: i64,
        key: &str,
        name: &str,
        said: String,
        old: Option<crate::domain::model::RightAssignment>,
        new: Option<crate::domain::model::RightAssignment>,
    ) {
        let restores = format!(
            "the right to {} back to {}",
            sanitize(name).to_lowercase(),
            old.as_ref().map_or("nobody".into(), |o| short(&o.person, 40))
        );
        self.remember_rows(
            Some(pilot_id),
            said,
            Undo::Steps {
                steps: vec![Step::Right {
                    pilot_id,
                    key: key.to_string(),
                    name: name.to_string(),
                    old: old.as_ref().map(|o| (o.person_id, o.threshold.clone())),
                    seen: new.as_ref().map(|n| n.revision),
                }],
                restores,
                partly: None,
            },
            vec![RowRev {
                key: RowKey::Right(pilot_id, super::history::right_key_id(key)),
                from: old.as_ref().map(|o| o.revision),
                to: new.as_ref().map(|n| n.revision),
            }],
        );
    }

    /// After a pilot was added: show its row.
    fn portfolio_add(&mut self, id: i64) {
        self.refresh_pilot(id);
        self.portfolio.select_id(id);
    }

    fn apply_scores(
        &mut self,
        pilot_id: i64,
        rubric_key: &str,
        answers: &[(String, String)],
        rationale: &str,
    ) -> crate::Result<Applied> {
        let rubric = self
            .playbook
            .rubric(rubric_key)
            .cloned()
            .ok_or_else(|| crate::Error::invalid(format!("the playbook has no rubric '{rubric_key}'")))?;
        let scale = self.playbook.scale_of(&rubric).clone();
        let current = self.store.current_answers(pilot_id, rubric_key)?;
        let changed: Vec<(String, String)> = answers
            .iter()
            .filter(|(q, a)| {
                current.get(q).is_none_or(|c| !c.answer.eq_ignore_ascii_case(a)) || !rationale.trim().is_empty()
            })
            .cloned()
            .collect();
        if changed.is_empty() {
            return Ok(Applied::said("nothing changed"));
        }
        self.store.write(|tx| {
            for (q, a) in &changed {
                tx.add_score(pilot_id, &rubric, &scale, q, a, rationale)?;
            }
            Ok(())
        })?;
        let label = |q: &str| rubric.question(q).map_or(q.to_string(), |x| sanitize(&x.text));
        // A rating reads as the board shows it ("Green (G)"), other
        // answers as given.
        let shown = |a: &str| match crate::domain::model::Rag::parse(a) {
            Ok(r) if rubric_key == READINESS_RUBRIC => format!("{} ({})", r.label(), r.letter()),
            _ => sanitize(a),
        };
        let steps: Vec<Step> = changed
            .iter()
            .filter_map(|(q, _)| {
                current.get(q).map(|c| Step::Score {
                    pilot_id,
                    rubric: rubric_key.into(),
                    question: q.clone(),
                    old: c.answer.clone(),
                    new: answers
                        .iter()
                        .find(|(k, _)| k == q)
                        .map_or(String::new(), |(_, a)| a.clone()),
                })
            })
            .collect();
        let named: Vec<String> = changed
            .iter()
            .map(|(q, a)| format!("{} {}", label(q), shown(a)))
            .collect();
        let what = if changed.len() == 1 {
            let (q, a) = &changed[0];
            format!("{} scored {}", label(q), shown(a))
        } else {
            format!("{} scores: {}", sanitize(&rubric.name).to_lowercase(), named.join(", "))
        };
        let restores = {
            let back: Vec<String> = changed
                .iter()
                .filter_map(|(q, _)| {
                    current
                        .get(q)
                        .map(|c| format!("{} back to {}", label(q), shown(&c.answer)))
                })
                .collect();
            back.join(", ")
        };
        let unscored: Vec<String> = changed
            .iter()
            .filter(|(q, _)| !current.contains_key(q))
            .map(|(q, _)| label(q))
            .collect();
        let partly = (!unscored.is_empty()).then(|| {
            format!(
                "{} had no answer before and scores are kept as history: score it again instead",
                unscored.join(", ")
            )
        });
        let undo = if steps.is_empty() {
            Undo::Never(partly.unwrap_or_default())
        } else {
            Undo::Steps {
                steps,
                restores,
                partly,
            }
        };
        self.remember(Some(pilot_id), what.clone(), undo);
        self.refresh_pilot(pilot_id);
        Ok(Applied::said(what))
    }

    /// `u`: undo the newest change to the pilot in view. When the newest
    /// change is on another pilot, go to that pilot first and say so, so
    /// nothing is undone off screen.
    pub fn undo_last(&mut self) {
        let here = self.current_pilot();
        self.undo_in(super::history::UndoScope::Here(here));
    }

    /// Undo the newest change in `scope` (the programme checklist and a
    /// pilot's matrix undo only their own changes).
    pub(crate) fn undo_in(&mut self, scope: super::history::UndoScope) {
        use super::history::UndoScope;
        let here = self.current_pilot();
        let Some(i) = self.history.next_in(scope) else {
            self.info(match scope {
                UndoScope::Here(_) => "nothing to undo in this session",
                UndoScope::Pilot(_) => "nothing to undo here: this session changed nothing of this pilot",
                UndoScope::Programme => "nothing to undo here: this session changed nothing on the programme checklist",
            });
            return;
        };
        let change = self.history.get(i).cloned().expect("next_for gives an index in range");
        if let Some(p) = change.pilot_id.filter(|p| Some(*p) != here) {
            self.show_pilot(p);
            self.info(format!(
                "the last change was on {}: {}. Press u again to undo it",
                change.pilot, change.what
            ));
            return;
        }
        let (steps, restores, partly) = match &change.undo {
            Undo::Never(why) => {
                self.history.take(i);
                self.info(format!(
                    "cannot undo '{}': {why}; press u again for the change before it",
                    change.describe()
                ));
                return;
            }
            Undo::Steps {
                steps,
                restores,
                partly,
            } => (steps.clone(), restores.clone(), partly.clone()),
        };
        match self.replay(&steps) {
            Ok(()) => {
                self.history.take(i);
                // The change this undo restored now expects the row as
                // the undo left it.
                for r in &change.rows {
                    let now = self.revision_of(r.key);
                    self.history.rebase(r.key, r.from, now);
                }
                let on = if change.pilot.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", change.pilot)
                };
                let extra = partly.map(|w| format!(" (partly: {w})")).unwrap_or_default();
                self.ok(format!("undone{on}: {restores}{extra}"));
                let programme_only =
                    !change.rows.is_empty() && change.rows.iter().all(|r| matches!(r.key, RowKey::Programme(_)));
                match change.pilot_id {
                    Some(p) => self.refresh_pilot(p),
                    // Only the programme checklist changed: reread it, not
                    // the whole portfolio.
                    None if programme_only => match self.store.programme_items() {
                        Ok(items) => {
                            self.programme_items = items;
                            self.attention.loaded = false;
                            self.ensure_loaded();
                        }
                        Err(e) => self.error(e.to_string()),
                    },
                    None => {
                        if let Err(e) = self.reload_all() {
                            self.error(e.to_string());
                        }
                    }
                }
            }
            Err(e) => {
                // It cannot apply any more (someone changed the row since):
                // drop it, so u goes on to the change before it.
                self.history.take(i);
                self.fail(e);
                let msg = self.message().unwrap_or_default().to_string();
                self.error(format!("cannot undo {}: {msg}", change.describe()));
            }
        }
    }

    /// Apply inverse steps in one transaction, each against the revision
    /// it expects (a change by someone else since is a conflict).
    fn replay(&mut self, steps: &[Step]) -> crate::Result<()> {
        let playbook = self.ui.playbook.clone();
        // Scores carry no revision: the answer must still be ours.
        for s in steps {
            if let Step::Score {
                pilot_id,
                rubric,
                question,
                new,
                ..
            } = s
            {
                let now = self.store.current_answers(*pilot_id, rubric)?;
                if let Some(c) = now.get(question).filter(|c| !c.answer.eq_ignore_ascii_case(new)) {
                    return Err(crate::Error::Conflict(crate::error::Conflict {
                        what: format!("the {} score", sanitize(question)),
                        current: sanitize(&c.answer),
                        by: c.scorer.clone(),
                        at: c.scored_at.clone(),
                    }));
                }
            }
        }
        self.store.write(|tx| {
            for s in steps {
                match s {
                    Step::ItemState { item_id, rev, old } => tx.set_item_state(*item_id, *rev, *old)?,
                    Step::ItemOwner { item_id, rev, old } => tx.set_item_owner(*item_id, *rev, *old)?,
                    Step::ItemNote { item_id, rev, old } => tx.set_item_note(*item_id, *rev, old)?,
                    Step::Phase { pilot_id, rev, old } => tx.set_phase(*pilot_id, *rev, *old)?,
                    Step::Shortlist {
                        pilot_id,
                        rev,
                        old,
                        reason,
                    } => tx.set_shortlisted(&playbook, *pilot_id, *rev, *old, reason.as_deref())?,
                    Step::Pilot { pilot_id, rev, old } => tx.update_pilot(*pilot_id, *rev, old)?,
                    Step::Role {
                        pilot_id,
                        role,
                        old,
                        seen,
                    } => match (old, seen) {
                        (Some(p), _) => tx.assign_owner(*pilot_id, *role, *p, *seen)?,
                        (None, Some(rev)) => tx.unassign_owner(*pilot_id, *role, *rev)?,
                        (None, None) => {}
                    },
                    Step::Score {
                        pilot_id,
                        rubric,
                        question,
                        old,
                        ..
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
                    Step::Vendor { pilot_id, old, seen } => match (old, seen) {
                        (Some(c), _) => {
                            tx.set_vendor(*pilot_id, c, *seen)?;
                        }
                        (None, Some(rev)) => {
                            tx.clear_vendor(*pilot_id, *rev)?;
                        }
                        (None, None) => {}
                    },
                    Step::VendorAsk {
                        pilot_id,
                        key,
                        name,
                        old,
                        seen,
                    } => match (old, seen) {
                        (Some(ev), _) => {
                            tx.set_vendor_ask(*pilot_id, key, name, ev, *seen)?;
                        }
                        (None, Some(rev)) => {
                            tx.clear_vendor_ask(*pilot_id, key, name, *rev)?;
                        }
                        (None, None) => {}
                    },
                    Step::Programme {
                        id,
                        rev,
                        state,
                        note,
                        owner,
                    } => {
                        let now = |tx: &crate::store::Tx<'_>| -> crate::Result<crate::domain::model::ProgrammeItem> {
                            tx.programme_items()?
                                .into_iter()
                                .find(|i| i.id == *id)
                                .ok_or_else(|| crate::Error::not_found("the programme item no longer exists"))
                        };
                        // A "not applicable" comes back after its reason;
                        // anything else before the note it had.
                        let mut r = *rev;
                        if *state == ItemState::Na {
                            tx.set_programme_item_note(*id, r, note)?;
                            r = now(tx)?.revision;
                            tx.set_programme_item_state(*id, r, *state)?;
                        } else {
                            tx.set_programme_item_state(*id, r, *state)?;
                            r = now(tx)?.revision;
                            tx.set_programme_item_note(*id, r, note)?;
                        }
                        r = now(tx)?.revision;
                        tx.set_programme_item_owner(*id, r, *owner)?;
                    }
                    Step::Right {
                        pilot_id,
                        key,
                        name,
                        old,
                        seen,
                    } => match (old, seen) {
                        (Some((p, t)), _) => {
                            tx.assign_right(*pilot_id, key, name, *p, t, *seen)?;
                        }
                        (None, Some(rev)) => {
                            tx.clear_right(*pilot_id, key, name, *rev)?;
                        }
                        (None, None) => {}
                    },
                }
            }
            Ok(())
        })
    }

    /// A row's revision now (`None`: the row is gone, or an owner unset).
    fn revision_of(&self, key: RowKey) -> Option<i64> {
        match key {
            RowKey::Item(id) => self.store.item(id).ok().map(|i| i.revision),
            RowKey::Pilot(id) => self.store.pilot(id).ok().map(|p| p.revision),
            RowKey::Metric(id) => self.store.metric(id).ok().map(|m| m.revision),
            RowKey::Owner(p, role) => self.owner_of(p, role).ok().flatten().map(|o| o.2),
            RowKey::Vendor(p) => self.store.vendor(p).ok().flatten().map(|v| v.revision),
            RowKey::VendorAsk(p, k) => self
                .store
                .vendor_asks(p)
                .ok()?
                .into_iter()
                .find(|a| super::history::right_key_id(&a.key) == k)
                .map(|a| a.revision),
            RowKey::Programme(id) => self
                .store
                .programme_items()
                .ok()?
                .into_iter()
                .find(|i| i.id == id)
                .map(|i| i.revision),
            RowKey::Right(p, k) => self
                .store
                .rights(p, &[])
                .ok()?
                .into_iter()
                .find(|r| super::history::right_key_id(&r.key) == k)
                .map(|r| r.revision),
        }
    }

    /// Bring a pilot into view on the current screen (the undo's jump).
    pub(crate) fn show_pilot(&mut self, pilot_id: i64) {
        self.overlays.clear();
        match self.screen {
            super::app::Screen::Board(phase) => {
                let b = phase.index();
                if !self.board_pilots(phase).contains(&pilot_id) {
                    self.boards[b].pinned = Some(pilot_id);
                }
                if !self.board_pilots(phase).contains(&pilot_id) {
                    self.clear_filter();
                }
                let list = self.board_pilots(phase);
                self.boards[b].pilots.selected = list.iter().position(|p| *p == pilot_id).unwrap_or(0);
                self.boards[b].focus_checklist = false;
            }
            super::app::Screen::Detail => self.open_detail(pilot_id),
            _ => {
                self.screen = super::app::Screen::Portfolio;
                if !self.portfolio.select_id(pilot_id) {
                    self.clear_filter();
                    self.portfolio.select_id(pilot_id);
                }
            }
        }
        self.ensure_loaded();
    }
}

/// A row written by a change, from one revision to another.
fn row(key: RowKey, from: i64, to: i64) -> RowRev {
    RowRev {
        key,
        from: Some(from),
        to: Some(to),
    }
}
