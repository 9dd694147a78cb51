//! Scoring any rubric the playbook declares: answers combine within each
//! section, section results combine across sections, the result falls into
//! a band, and rules look at the individual answers.

use super::{Band, Combine, Level, Rubric, RuleKind, Scale};
use crate::domain::readiness::{RubricGate, Severity};
use serde::Serialize;
use std::collections::HashMap;

/// One section's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionResult {
    pub key: String,
    pub name: String,
    pub answered: usize,
    pub total: usize,
    /// `None` until every question in the section is answered.
    pub value: Option<f64>,
}

/// A rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleHit {
    pub label: String,
    pub level: Level,
}

/// A whole rubric's result for one pilot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RubricResult {
    pub rubric: String,
    pub name: String,
    pub answered: usize,
    pub total: usize,
    /// `None` until every question is answered.
    pub value: Option<f64>,
    pub band: Option<String>,
    pub level: Option<Level>,
    pub rules: Vec<RuleHit>,
    pub sections: Vec<SectionResult>,
    pub gates_readiness: bool,
}

fn combine(how: Combine, values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(match how {
        Combine::Sum => values.iter().sum(),
        Combine::Mean => values.iter().sum::<f64>() / values.len() as f64,
        Combine::Worst => values.iter().copied().fold(f64::INFINITY, f64::min),
        Combine::Best => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    })
}

/// The band a value falls into: the last band whose lower bound it meets
/// (at least `min`, or above it when `min_inclusive` is false).
pub fn band_for(bands: &[Band], value: f64) -> Option<&Band> {
    bands.iter().rev().find(|b| {
        if b.min_inclusive {
            value >= b.min - 1e-9
        } else {
            value > b.min + 1e-9
        }
    })
}

/// Numeric value of an answer label on a scale (case-insensitive).
pub fn value_of(scale: &Scale, answer: &str) -> Option<f64> {
    scale
        .values
        .iter()
        .find(|v| v.label.eq_ignore_ascii_case(answer.trim()))
        .map(|v| v.value)
}

/// Score a rubric from the current answers (question key -> answer label).
/// Answers not on the scale are ignored, as if unanswered.
pub fn score(rubric: &Rubric, scale: &Scale, answers: &HashMap<String, String>) -> RubricResult {
    let mut sections = Vec::new();
    let mut all_values = Vec::new();
    let mut answered = 0;
    let mut total = 0;
    for s in &rubric.sections {
        let values: Vec<f64> = s
            .questions
            .iter()
            .filter_map(|q| answers.get(&q.key).and_then(|a| value_of(scale, a)))
            .collect();
        answered += values.len();
        total += s.questions.len();
        let complete = values.len() == s.questions.len();
        all_values.extend_from_slice(&values);
        sections.push(SectionResult {
            key: s.key.clone(),
            name: s.name.clone(),
            answered: values.len(),
            total: s.questions.len(),
            value: if complete {
                combine(rubric.within, &values)
            } else {
                None
            },
        });
    }
    let value = if answered == total {
        let per_section: Vec<f64> = sections.iter().filter_map(|s| s.value).collect();
        combine(rubric.across, &per_section)
    } else {
        None
    };
    let band = value.and_then(|v| band_for(&rubric.bands, v));
    let mut rules = Vec::new();
    for rule in &rubric.rules {
        let fired = match rule.kind {
            RuleKind::AnyBelow => all_values.iter().any(|v| *v < rule.threshold),
            RuleKind::CountAtLeast => all_values.iter().filter(|v| **v >= rule.threshold).count() >= rule.count.max(1),
        };
        if fired {
            rules.push(RuleHit {
                label: rule.label.clone(),
                level: rule.level,
            });
        }
    }
    RubricResult {
        rubric: rubric.key.clone(),
        name: rubric.name.clone(),
        answered,
        total,
        value,
        band: band.map(|b| b.label.clone()),
        level: band.map(|b| b.level),
        rules,
        sections,
        gates_readiness: rubric.gates_readiness,
    }
}

impl RubricResult {
    /// The readiness gate this result implies: incomplete or a `block` band
    /// or rule blocks; a `warn` band or rule warns; otherwise it passes.
    pub fn gate(&self) -> RubricGate {
        let worst_rule = self.rules.iter().map(|r| r.level).min_by_key(|l| level_rank(*l));
        let (label, severity) = if self.value.is_none() {
            (
                format!("{} of {} questions answered", self.answered, self.total),
                Some(Severity::Block),
            )
        } else {
            let band_level = self.level.unwrap_or(Level::Pass);
            let worst = match worst_rule {
                Some(r) if level_rank(r) < level_rank(band_level) => r,
                _ => band_level,
            };
            let label = match (&self.band, self.rules.iter().find(|r| r.level == worst)) {
                (_, Some(rule)) if worst != band_level => rule.label.clone(),
                (Some(b), _) => b.clone(),
                (None, _) => "no band".to_string(),
            };
            let sev = match worst {
                Level::Block => Some(Severity::Block),
                Level::Warn => Some(Severity::Warn),
                Level::Pass => None,
            };
            (label, sev)
        };
        RubricGate {
            rubric: self.name.clone(),
            label,
            severity,
        }
    }

    /// A short display: "18 Strong", "3 of 5 answered".
    pub fn summary(&self) -> String {
        match (self.value, &self.band) {
            (Some(v), Some(b)) => format!("{} {b}", fmt_num(v)),
            (Some(v), None) => fmt_num(v),
            (None, _) => format!("{} of {} answered", self.answered, self.total),
        }
    }
}

fn level_rank(l: Level) -> u8 {
    match l {
        Level::Block => 0,
        Level::Warn => 1,
        Level::Pass => 2,
    }
}

/// Format a number without a trailing `.0`.
pub fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.2}").trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::{Playbook, DEFAULT_PLAYBOOK, SELECTION_RUBRIC};

    fn answers(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn selection_rubric_sums_and_flags() {
        let pb = Playbook::builtin();
        let r = pb.rubric(SELECTION_RUBRIC).unwrap();
        let s = pb.scale_of(r);
        let res = score(
            r,
            s,
            &answers(&[
                ("impact", "5"),
                ("data", "4"),
                ("feasibility", "4"),
                ("team", "4"),
                ("path", "2"),
            ]),
        );
        assert_eq!(res.value, Some(19.0));
        assert!(res.rules.iter().any(|h| h.label.to_lowercase().contains("red flag")));
        assert!(res.rules.iter().any(|h| h.label.to_lowercase().contains("strong")));
        let partial = score(r, s, &answers(&[("impact", "5")]));
        assert_eq!(partial.value, None);
        assert_eq!(partial.summary(), "1 of 5 answered");
        assert_eq!(partial.gate().severity, Some(Severity::Block));
    }

    #[test]
    fn readiness_rubric_takes_the_worst() {
        let pb = Playbook::builtin();
        let r = pb.rubric("readiness").unwrap();
        let res = score(
            r,
            pb.scale_of(r),
            &answers(&[
                ("data", "green"),
                ("governance", "yellow"),
                ("integration", "green"),
                ("ownership", "GREEN"),
            ]),
        );
        assert_eq!(res.value, Some(1.0));
        assert_eq!(res.level, Some(Level::Warn));
    }

    /// An engineering-maturity rubric on points whose result is the minimum
    /// of its section sums, as an organisation might declare it.
    #[test]
    fn custom_points_rubric_minimum_of_section_sums() {
        let extra = include_str!("../../tests/fixtures/maturity_rubric.toml");
        let pb = Playbook::parse(&format!("{DEFAULT_PLAYBOOK}\n{extra}"), "t").unwrap();
        let r = pb.rubric("maturity").unwrap();
        let s = pb.scale_of(r);
        let res = score(
            r,
            s,
            &answers(&[
                ("tests", "yes"),
                ("docs", "yes"),
                ("cicd", "partly"),
                ("rollback", "yes"),
            ]),
        );
        assert_eq!(res.sections[0].value, Some(2.0));
        assert_eq!(res.sections[1].value, Some(1.5));
        assert_eq!(res.value, Some(1.5));
        assert_eq!(res.band.as_deref(), Some("Maturing"));
        assert_eq!(res.gate().severity, Some(Severity::Warn));
        let res = score(
            r,
            s,
            &answers(&[("tests", "no"), ("docs", "yes"), ("cicd", "yes"), ("rollback", "yes")]),
        );
        assert_eq!(res.gate().severity, Some(Severity::Block));
        assert_eq!(res.gate().label, "Prototype");
        let res = score(
            r,
            s,
            &answers(&[("tests", "yes"), ("docs", "yes"), ("cicd", "yes"), ("rollback", "yes")]),
        );
        assert_eq!(res.gate().severity, None);
    }

    #[test]
    fn a_band_whose_lower_bound_is_exclusive_starts_just_above_it() {
        let band = |min: f64, min_inclusive: bool, label: &str| Band {
            min,
            min_inclusive,
            label: label.into(),
            level: Level::Pass,
        };
        // (.., 2.5] low, (2.5, 3.5] mid, (3.5, ..) high
        let bands = [
            band(0.0, true, "low"),
            band(2.5, false, "mid"),
            band(3.5, false, "high"),
        ];
        let at = |v: f64| band_for(&bands, v).map(|b| b.label.as_str());
        assert_eq!(at(2.5), Some("low"));
        assert_eq!(at(2.51), Some("mid"));
        assert_eq!(at(3.5), Some("mid"));
        assert_eq!(at(3.6), Some("high"));
        let inclusive = [band(0.0, true, "low"), band(2.5, true, "mid")];
        assert_eq!(band_for(&inclusive, 2.5).map(|b| b.label.as_str()), Some("mid"));
    }

    #[test]
    fn combine_modes() {
        assert_eq!(combine(Combine::Sum, &[1.0, 2.0]), Some(3.0));
        assert_eq!(combine(Combine::Mean, &[1.0, 2.0]), Some(1.5));
        assert_eq!(combine(Combine::Worst, &[1.0, 2.0]), Some(1.0));
        assert_eq!(combine(Combine::Best, &[1.0, 2.0]), Some(2.0));
        assert_eq!(combine(Combine::Sum, &[]), None);
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(fmt_num(2.5), "2.5");
    }
}
