//! The forms lastmile shows: their fields, and the checks that turn them
//! into the domain's input structs (the store checks again on write).

use super::{Field, FieldValue, FormState};
use crate::domain::gates::GateResult;
use crate::domain::model::{Dimension, MetricFields, NewDecision, Outcome, Pilot, PilotFields, Rag, Status};
use crate::playbook::{Playbook, SELECTION_QUESTIONS, SELECTION_RUBRIC};
use crate::text::sanitize;
use chrono::NaiveDate;
use std::collections::HashMap;

/// What a form is for.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    AddPilot,
    EditPilot { id: i64, revision: i64 },
    Score { pilot_id: i64 },
    Selection { pilot_id: i64 },
    Metric { pilot_id: i64 },
    Decision { pilot_id: i64 },
}

/// A validated form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormOutput {
    Pilot(PilotFields),
    Score {
        dimension: Dimension,
        rating: Rag,
        rationale: String,
    },
    Selection {
        answers: [Option<u8>; 5],
        rationale: String,
    },
    Metric(MetricFields),
    Decision(NewDecision),
}

fn options<T: Copy>(
    all: &[T],
    label: impl Fn(T) -> &'static str,
    key: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (label(*v).to_string(), key(*v).to_string()))
        .collect()
}

/// Add or edit a pilot; the sectors are the playbook's.
pub fn pilot_form(playbook: &crate::playbook::Playbook, existing: Option<&Pilot>) -> FormState {
    let p = existing;
    let get = |f: fn(&Pilot) -> &String| p.map(|p| sanitize_keep(f(p))).unwrap_or_default();
    let sector = p.map_or_else(|| playbook.default_sector(), |p| p.sector.clone());
    let mut sectors: Vec<(String, String)> = playbook
        .sectors
        .iter()
        .map(|s| (sanitize(&s.name), s.key.clone()))
        .collect();
    // A sector the playbook no longer lists stays choosable for its pilot.
    if !sectors.iter().any(|(_, k)| k == sector.key()) {
        sectors.push((sanitize(sector.key()), sector.key().to_string()));
    }
    let sector_at = sectors.iter().position(|(_, k)| k == sector.key()).unwrap_or(0);
    let status = p.map_or(Status::Active, |p| p.status);
    let fields = vec![
        Field::text(
            "name",
            "Name",
            &get(|p| &p.name),
            "A short name people will recognise, unique in the portfolio.",
        ),
        Field::text(
            "business_unit",
            "Business unit",
            &get(|p| &p.business_unit),
            "Who the pilot serves, e.g. Claims, Payments.",
        ),
        Field::choice(
            "sector",
            "Sector",
            sectors,
            sector_at,
            "Decides the governance framework (←/→ to change).",
        ),
        Field::choice(
            "status",
            "Status",
            options(Status::ALL, Status::label, Status::key),
            status.index(),
            "Lifecycle status, apart from the playbook phase.",
        ),
        Field::area(
            "business_case",
            "Business case",
            &get(|p| &p.business_case),
            "Why it is worth taking to production, in a sentence or two.",
        ),
        Field::text(
            "data_sources",
            "Data sources",
            &get(|p| &p.data_sources),
            "Systems and feeds it reads.",
        ),
        Field::text(
            "model_class",
            "Model class",
            &get(|p| &p.model_class),
            "e.g. LLM summarisation, gradient-boosted classifier.",
        ),
        Field::text(
            "integration_footprint",
            "Integration",
            &get(|p| &p.integration_footprint),
            "Systems it must plug into in production.",
        ),
        Field::text(
            "governance_posture",
            "Governance",
            &get(|p| &p.governance_posture),
            "Approvals, audit trail and framework mapping so far.",
        ),
    ];
    match p {
        Some(p) => FormState::new(
            FormKind::EditPilot {
                id: p.id,
                revision: p.revision,
            },
            format!("Edit pilot: {}", sanitize(&p.name)),
            fields,
        ),
        None => FormState::new(FormKind::AddPilot, "Add a pilot".into(), fields),
    }
}

/// Stored text shown for editing: control characters other than newlines
/// are made visible rather than sent to the terminal.
fn sanitize_keep(s: &str) -> String {
    crate::text::sanitize_with(s, true)
}

/// Score one dimension red / yellow / green.
pub fn score_form(pilot_id: i64, pilot: &str, dimension: Dimension, current: Option<Rag>) -> FormState {
    let rating = current.map_or(1, |r| r.index());
    let mut form = FormState::new(
        FormKind::Score { pilot_id },
        format!("Score a dimension: {}", sanitize(pilot)),
        vec![
            Field::choice(
                "dimension",
                "Dimension",
                options(Dimension::ALL, Dimension::label, Dimension::key),
                dimension.index(),
                "←/→ or the first letter to change.",
            ),
            Field::choice(
                "rating",
                "Rating",
                options(Rag::ALL, Rag::label, Rag::key),
                rating,
                "r, y or g (or ←/→). The guide below says what each means.",
            ),
            Field::area(
                "rationale",
                "Rationale",
                "",
                "Required: the evidence for this rating, and what would move it up. Kept in the score history.",
            ),
        ],
    );
    // The dimension is chosen already: start on the rating (r / y / g).
    form.focus = 1;
    form
}

/// Enter the five problem-selection criteria, 1-5.
pub fn selection_form(pilot_id: i64, pilot: &str, playbook: &Playbook, current: &HashMap<String, String>) -> FormState {
    let mut opts = vec![("not scored".to_string(), String::new())];
    opts.extend((1..=5).map(|n| (n.to_string(), n.to_string())));
    let rubric = playbook.rubric(SELECTION_RUBRIC);
    let mut fields = Vec::new();
    for key in SELECTION_QUESTIONS {
        let q = rubric.and_then(|r| r.question(key));
        let label = q.map_or(key.to_string(), |q| q.text.clone());
        let help = q.map_or(String::new(), |q| q.help.clone());
        let idx = current
            .get(key)
            .and_then(|a| a.parse::<usize>().ok())
            .filter(|n| (1..=5).contains(n))
            .unwrap_or(0);
        fields.push(Field {
            key,
            label,
            value: FieldValue::Choice {
                options: opts.clone(),
                index: idx,
            },
            error: None,
            help,
        });
    }
    fields.push(Field::area(
        "rationale",
        "Rationale",
        "",
        "Required: what the scores rest on (a workshop, a document).",
    ));
    FormState::new(
        FormKind::Selection { pilot_id },
        format!("Selection scores: {}", sanitize(pilot)),
        fields,
    )
}

/// Add an evaluation metric.
pub fn metric_form(playbook: &crate::playbook::Playbook, pilot_id: i64, pilot: &str) -> FormState {
    let num = "A plain number, or empty.";
    FormState::new(
        FormKind::Metric { pilot_id },
        format!("Add a metric: {}", sanitize(pilot)),
        vec![
            Field::choice(
                "category",
                "Category",
                playbook
                    .metric_categories
                    .iter()
                    .map(|c| (sanitize(&c.name), c.key.clone()))
                    .collect(),
                0,
                "Performance, business, user acceptance or operational readiness, or the playbook's own.",
            ),
            Field::text("name", "Name", "", "e.g. Accuracy on the golden set."),
            Field::text("unit", "Unit", "", "e.g. %, ms, hours/week."),
            Field::toggle(
                "higher",
                "Higher is better",
                true,
                "Space to flip: off for times, costs and error rates.",
            ),
            Field::text("baseline", "Baseline", "", num),
            Field::text("minimum", "Minimum viable", "", "The level below which it is a no-go."),
            Field::text("target", "Target", "", num),
            Field::text("stretch", "Stretch", "", num),
            Field::text("current", "Current", "", num),
            Field::toggle(
                "scorecard",
                "Scorecard",
                false,
                "Space to mark it the pilot's one-number scorecard (it replaces any other).",
            ),
        ],
    )
}

/// Record the gate decision (go / no-go / pivot / defer) for a pilot's
/// current gate: the gate's criteria are shown as they stand (and computed
/// again on saving), with room for extra criteria, an override reason, a
/// pivot's phase and a defer's review date.
pub fn decision_form(pilot_id: i64, pilot: &str, gate: &GateResult, today: NaiveDate) -> FormState {
    // The gate's criteria as they stand now; the store computes them again
    // when the decision is saved, so what is recorded is never typed.
    let met = gate.criteria.iter().filter(|c| c.met()).count();
    let mut criteria: Vec<String> = vec![format!(
        "{met} of {} met, {} must-meet unmet:",
        gate.criteria.len(),
        gate.blockers().count()
    )];
    criteria.extend(gate.criteria.iter().map(|c| {
        let need = match c.need {
            crate::playbook::Need::Must => "must",
            crate::playbook::Need::Should => "should",
        };
        format!("[{}] {need}: {}", if c.met() { 'x' } else { ' ' }, sanitize(&c.label))
    }));
    let unmet = gate.blockers().count();
    FormState::new(
        FormKind::Decision { pilot_id },
        format!("{} decision: {}", sanitize(&gate.name), sanitize(pilot)),
        vec![
            Field::choice(
                "outcome",
                "Outcome",
                options(Outcome::ALL, Outcome::label, Outcome::key),
                3,
                "go, no-go, pivot or defer (first letter or ←/→).",
            ),
            Field::area(
                "gate_criteria",
                "Gate criteria",
                &criteria.join("\n"),
                "Computed again when you save: ticks here are not recorded. Meet them, or override.",
            ),
            Field::area(
                "criteria",
                "Extra criteria",
                "",
                "Criteria of your own, one per line: [x] met, [ ] not met.",
            ),
            Field::area("rationale", "Rationale", "", "Why, in a sentence or two. Required."),
            Field::person(
                "decided_by",
                "Decision-maker",
                None,
                "",
                "Enter to pick a person (or add one).",
            ),
            Field::text("decided_on", "Date", &today.to_string(), "YYYY-MM-DD."),
            Field::area(
                "stop_conditions",
                "Stop conditions",
                "",
                "When to rescope or stop; conditions of a go.",
            ),
            Field::toggle(
                "communicated",
                "Communicated",
                false,
                "Space to flip: has the business been told?",
            ),
            Field::area(
                "override",
                "Override reason",
                "",
                &if unmet > 0 {
                    format!("{unmet} must-meet criteria unmet: a go needs a written reason; it is marked in the log.")
                } else {
                    "Only for a go past unmet must-meet criteria.".to_string()
                },
            ),
            Field::choice(
                "pivot_to",
                "Pivot back to",
                options(
                    crate::domain::model::Phase::ALL,
                    crate::domain::model::Phase::label,
                    crate::domain::model::Phase::key,
                ),
                0,
                "For a pivot: the phase the pilot goes back to.",
            ),
            Field::text(
                "review_on",
                "Review date",
                &(today + chrono::Duration::days(14)).to_string(),
                "For a defer: when the pilot is reviewed again (YYYY-MM-DD).",
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::forms::parse_criteria;

    #[test]
    fn criteria_lines_parse() {
        let c = parse_criteria("[x] Accuracy ok\n[ ] Runbook\n\n+ Sponsor briefed").unwrap();
        assert_eq!(c.len(), 3);
        assert!(c[0].met && !c[1].met && c[2].met);
        assert!(parse_criteria("Accuracy").unwrap_err().contains("line 1"));
    }

    #[test]
    fn pilot_form_requires_a_name() {
        let mut f = pilot_form(&crate::playbook::Playbook::builtin(), None);
        assert!(f.validate().is_none());
        assert!(f.fields[0].error.as_deref().unwrap().contains("empty"));
        if let FieldValue::Text(t) = &mut f.fields[0].value {
            t.set("Claims triage");
        }
        assert!(matches!(f.validate(), Some(FormOutput::Pilot(p)) if p.name == "Claims triage"));
    }

    #[test]
    fn metric_form_checks_numbers_and_levels() {
        let mut f = metric_form(&crate::playbook::Playbook::builtin(), 1, "P");
        for (k, v) in [
            ("name", "Accuracy"),
            ("minimum", "90"),
            ("target", "80"),
            ("current", "abc"),
        ] {
            if let Some(FieldValue::Text(t)) = f.field_mut(k).map(|f| &mut f.value) {
                t.set(v);
            }
        }
        assert!(f.validate().is_none());
        assert!(f
            .field("current")
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("not a number"));
        assert!(f.field("target").unwrap().error.as_deref().unwrap().contains("below"));
    }
}
