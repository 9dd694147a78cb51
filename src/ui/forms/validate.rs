//! Checking a form's fields and turning them into the domain's input.

use super::kinds::{FormKind, FormOutput};
use super::{FieldValue, FormState};
use crate::domain::model::{
    Criterion, Dimension, MetricCategory, MetricFields, NewDecision, Outcome, PilotFields, Rag, Sector, Status,
};
use crate::playbook::SELECTION_QUESTIONS;
use crate::text::MAX_NAME_CHARS;

fn parse_num(form: &mut FormState, key: &str) -> Option<Option<f64>> {
    let raw = form
        .field(key)
        .map(|f| f.as_text().trim().to_string())
        .unwrap_or_default();
    if raw.is_empty() {
        return Some(None);
    }
    match crate::domain::metrics::parse_level(&raw) {
        Ok(v) => Some(v),
        Err(e) => {
            form.set_error(key, e);
            None
        }
    }
}

fn check_name(form: &mut FormState, key: &str, kind: &str) {
    let raw = form.field(key).map(|f| f.as_text().to_string()).unwrap_or_default();
    if let Err(e) = crate::text::validate_name(kind, &raw) {
        form.set_error(key, e.to_string());
    } else if raw.trim().chars().count() > MAX_NAME_CHARS {
        form.set_error(key, format!("shorten it to at most {MAX_NAME_CHARS} characters"));
    }
}

/// Parse the criteria lines of the decision form.
pub fn parse_criteria(text: &str) -> Result<Vec<Criterion>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() {
            continue;
        }
        let (met, rest) = if let Some(r) = l.strip_prefix("[x]").or_else(|| l.strip_prefix("[X]")) {
            (true, r)
        } else if let Some(r) = l.strip_prefix("[ ]").or_else(|| l.strip_prefix("[]")) {
            (false, r)
        } else if let Some(r) = l.strip_prefix('+') {
            (true, r)
        } else if let Some(r) = l.strip_prefix('-') {
            (false, r)
        } else {
            return Err(format!("line {}: start it with [x] (met) or [ ] (not met)", n + 1));
        };
        let rest = rest.trim();
        if rest.is_empty() {
            return Err(format!("line {}: the criterion has no text", n + 1));
        }
        out.push(Criterion {
            need: None,
            criterion: rest.to_string(),
            met,
        });
    }
    Ok(out)
}

impl FormState {
    /// Check the fields; on success the domain input, else messages are set
    /// on the fields and the focus moves to the first one.
    pub fn validate(&mut self) -> Option<FormOutput> {
        self.clear_errors();
        let out = match self.kind.clone() {
            FormKind::AddPilot | FormKind::EditPilot { .. } => {
                check_name(self, "name", "pilot");
                let t = |k: &str| self.field(k).map(|f| f.as_text().to_string()).unwrap_or_default();
                FormOutput::Pilot(PilotFields {
                    name: t("name").trim().to_string(),
                    business_unit: t("business_unit"),
                    sector: self
                        .field("sector")
                        .map(|f| f.choice_key())
                        .filter(|k| !k.is_empty())
                        .map(Sector::new),
                    business_case: t("business_case"),
                    data_sources: t("data_sources"),
                    model_class: t("model_class"),
                    integration_footprint: t("integration_footprint"),
                    governance_posture: t("governance_posture"),
                    status: Status::parse(self.field("status").map_or("", |f| f.choice_key())).ok(),
                })
            }
            FormKind::Score { .. } => {
                let dimension = Dimension::parse(self.field("dimension").map_or("", |f| f.choice_key())).ok()?;
                let rating = Rag::parse(self.field("rating").map_or("", |f| f.choice_key())).ok()?;
                let rationale = self
                    .field("rationale")
                    .map(|f| f.as_text().to_string())
                    .unwrap_or_default();
                // Every score needs its evidence, green included (the
                // store holds the same rule).
                if rationale.trim().is_empty() {
                    self.set_error(
                        "rationale",
                        format!(
                            "say in a line what supports {} (it goes in the score history)",
                            rating.label().to_lowercase()
                        ),
                    );
                }
                FormOutput::Score {
                    dimension,
                    rating,
                    rationale,
                }
            }
            FormKind::Selection { .. } => {
                let mut answers = [None; 5];
                for (i, key) in SELECTION_QUESTIONS.iter().enumerate() {
                    answers[i] = self.field(key).and_then(|f| f.choice_key().parse::<u8>().ok());
                }
                if answers.iter().all(|a| a.is_none()) {
                    self.set_error(SELECTION_QUESTIONS[0], "score at least one criterion (1-5)".into());
                }
                let rationale = self
                    .field("rationale")
                    .map(|f| f.as_text().to_string())
                    .unwrap_or_default();
                if rationale.trim().is_empty() {
                    self.set_error("rationale", "say in a line what the scores rest on".into());
                }
                FormOutput::Selection { answers, rationale }
            }
            FormKind::Metric { .. } => {
                check_name(self, "name", "metric");
                let nums: Vec<Option<Option<f64>>> = ["baseline", "minimum", "target", "stretch", "current"]
                    .iter()
                    .map(|k| parse_num(self, k))
                    .collect();
                let v = |i: usize| nums[i].flatten();
                let higher = matches!(self.field("higher").map(|f| &f.value), Some(FieldValue::Toggle(true)));
                let fields = MetricFields {
                    category: self
                        .field("category")
                        .map(|f| f.choice_key())
                        .filter(|k| !k.is_empty())
                        .map(MetricCategory::new),
                    name: self
                        .field("name")
                        .map(|f| f.as_text().trim().to_string())
                        .unwrap_or_default(),
                    unit: self
                        .field("unit")
                        .map(|f| f.as_text().trim().to_string())
                        .unwrap_or_default(),
                    higher_is_better: higher,
                    baseline: v(0),
                    minimum: v(1),
                    target: v(2),
                    stretch: v(3),
                    current: v(4),
                    scorecard: matches!(
                        self.field("scorecard").map(|f| &f.value),
                        Some(FieldValue::Toggle(true))
                    ),
                };
                if let Err((key, msg)) = crate::domain::metrics::check_levels(&fields) {
                    self.set_error(key, msg);
                }
                FormOutput::Metric(fields)
            }
            FormKind::Decision { .. } => {
                let outcome = Outcome::parse(self.field("outcome").map_or("", |f| f.choice_key())).ok();
                let criteria = match parse_criteria(self.field("criteria").map_or("", |f| f.as_text())) {
                    Ok(c) => c,
                    Err(e) => {
                        self.set_error("criteria", e);
                        Vec::new()
                    }
                };
                let rationale = self
                    .field("rationale")
                    .map(|f| f.as_text().to_string())
                    .unwrap_or_default();
                if rationale.trim().is_empty() {
                    self.set_error("rationale", "say why, in a sentence or two".into());
                }
                let decided_by = match self.field("decided_by").map(|f| &f.value) {
                    Some(FieldValue::Person { id: Some(id), .. }) => *id,
                    _ => {
                        self.set_error(
                            "decided_by",
                            "name the decision-maker: press Enter to pick a person".into(),
                        );
                        0
                    }
                };
                let on = self
                    .field("decided_on")
                    .map(|f| f.as_text().trim().to_string())
                    .unwrap_or_default();
                if !on.is_empty() {
                    if let Err(e) = crate::domain::calendar::parse_date("decision date", &on) {
                        self.set_error("decided_on", e.to_string());
                    }
                }
                FormOutput::Decision(NewDecision {
                    outcome,
                    criteria,
                    rationale,
                    decided_by,
                    decided_on: on,
                    stop_conditions: self
                        .field("stop_conditions")
                        .map(|f| f.as_text().to_string())
                        .unwrap_or_default(),
                    communicated: matches!(
                        self.field("communicated").map(|f| &f.value),
                        Some(FieldValue::Toggle(true))
                    ),
                    // Asked only where the outcome uses them, so a field
                    // left at its default never refuses another outcome.
                    override_reason: if outcome == Some(Outcome::Go) {
                        self.field("override")
                            .map(|f| f.as_text().trim().to_string())
                            .unwrap_or_default()
                    } else {
                        String::new()
                    },
                    pivot_to: if outcome == Some(Outcome::Pivot) {
                        self.field("pivot_to")
                            .and_then(|f| crate::domain::model::Phase::parse(f.choice_key()).ok())
                    } else {
                        None
                    },
                    review_on: if outcome == Some(Outcome::Defer) {
                        let r = self
                            .field("review_on")
                            .map(|f| f.as_text().trim().to_string())
                            .unwrap_or_default();
                        if let Err(e) = crate::domain::calendar::parse_date("review date", &r) {
                            self.set_error("review_on", e.to_string());
                        }
                        r
                    } else {
                        String::new()
                    },
                })
            }
        };
        if self.fields.iter().any(|f| f.error.is_some()) || self.error.is_some() {
            self.focus_first_error();
            return None;
        }
        Some(out)
    }

    /// Attach a message from the store to the field it is about.
    pub fn store_error(&mut self, msg: String) {
        let lower = msg.to_lowercase();
        let key = if lower.contains("override") || lower.contains("must-meet") {
            "override"
        } else if lower.contains("review date") || lower.contains("defer") {
            "review_on"
        } else if lower.contains("pivot") {
            "pivot_to"
        } else if lower.contains("rationale") {
            "rationale"
        } else if lower.contains("decision-maker") || lower.contains("people list") {
            "decided_by"
        } else if lower.contains("date") {
            "decided_on"
        } else if lower.contains("name") || lower.contains("already exists") || lower.contains("already has a metric") {
            "name"
        } else if lower.contains("criterion") {
            "criteria"
        } else {
            ""
        };
        self.set_error(key, msg);
        self.focus_first_error();
    }
}
