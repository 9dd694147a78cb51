//! Everything shown about one pilot (the selected one), loaded when the
//! selection changes or after a write to it.

use crate::domain::gates::Judgement;
use crate::domain::model::{
    AuditEvent, ChecklistItem, Decision, Dimension, Metric, Owner, Phase, Pilot, Rag, Role, ScoreEntry,
};
use crate::playbook::rubric::RubricResult;
use crate::playbook::{Playbook, READINESS_RUBRIC, SELECTION_RUBRIC};
use crate::store::Store;
use crate::Result;
use std::collections::HashMap;

/// How many audit events the detail screen shows.
pub const AUDIT_LIMIT: usize = 300;

/// One pilot in full.
#[derive(Debug, Clone)]
pub struct PilotData {
    pub pilot: Pilot,
    pub checklist: Vec<ChecklistItem>,
    pub owners: Vec<Owner>,
    /// The decision-rights matrix (every right of the playbook).
    pub rights: Vec<crate::domain::rights::RightRow>,
    /// Who builds it (`None`: not said), and the vendor asks.
    pub vendor: Option<crate::domain::model::PilotVendor>,
    pub asks: Vec<crate::domain::vendors::AskRow>,
    pub metrics: Vec<Metric>,
    pub decisions: Vec<Decision>,
    /// At the current gate and at the production gate.
    pub judgement: Judgement,
    /// Current rating per dimension, in [`Dimension::ALL`] order.
    pub dimensions: [Option<Rag>; 4],
    /// Every readiness score ever given, oldest first.
    pub history: Vec<ScoreEntry>,
    /// Current selection answers by question key.
    pub selection: HashMap<String, ScoreEntry>,
    pub rubrics: Vec<RubricResult>,
    pub audit: Vec<AuditEvent>,
}

impl PilotData {
    pub fn load(store: &Store, playbook: &Playbook, id: i64, _day: i64) -> Result<PilotData> {
        Ok(PilotData {
            judgement: store.judge(playbook, id)?,
            dimensions: {
                let mut d = [None; 4];
                for (q, e) in store.current_answers(id, READINESS_RUBRIC)? {
                    if let (Ok(dim), Ok(rag)) = (Dimension::parse(&q), Rag::parse(&e.answer)) {
                        d[dim.index()] = Some(rag);
                    }
                }
                d
            },
            pilot: store.pilot(id)?,
            checklist: store.checklist(id)?,
            owners: store.owners(id)?,
            rights: crate::domain::rights::matrix(
                playbook,
                &store.rights(id, &playbook.rights.iter().map(|r| r.key.as_str()).collect::<Vec<_>>())?,
            ),
            vendor: store.vendor(id)?,
            asks: crate::domain::vendors::ask_rows(playbook, &store.vendor_asks(id)?),
            metrics: {
                let mut m = store.metrics(id)?;
                crate::domain::metrics::in_playbook_order(playbook, &mut m);
                m
            },
            decisions: store.pilot_decisions(id)?,
            history: store.score_history(id, READINESS_RUBRIC)?,
            selection: store.current_answers(id, SELECTION_RUBRIC)?,
            rubrics: store.rubric_results(playbook, id)?,
            audit: store.audit_events(Some(id), AUDIT_LIMIT)?,
        })
    }

    pub fn id(&self) -> i64 {
        self.pilot.id
    }

    /// The checklist items of one phase, in playbook order.
    pub fn items(&self, phase: Phase) -> Vec<&ChecklistItem> {
        self.checklist.iter().filter(|i| i.phase == phase).collect()
    }

    pub fn owner(&self, role: Role) -> Option<&Owner> {
        self.owners.iter().find(|o| o.role == role)
    }

    /// The history of one dimension's ratings, oldest first.
    pub fn dimension_history(&self, key: &str) -> Vec<&ScoreEntry> {
        self.history.iter().filter(|s| s.question == key).collect()
    }
}
