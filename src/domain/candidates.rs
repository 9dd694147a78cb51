//! Ranking assessment candidates: the pilots with the strongest business
//! case and the most actionable readiness gaps.
//!
//! Rank rule (also in the README): pilots whose selection score has a red
//! flag (a criterion below 3) rank last. Among the rest, the score is the
//! selection total (5-25, 0 when not fully scored) plus the business-impact
//! criterion again (impact counts double), plus 2 for each yellow dimension
//! and 1 for each red one (a yellow gap is the most actionable; green needs
//! no work). Ties break by name.

use super::model::{Phase, Rag, Status};
use serde::Serialize;

/// What ranking needs to know about one pilot.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateFacts {
    pub pilot_id: i64,
    pub name: String,
    /// Selection answers 1-5 in order impact, data, feasibility, team, path.
    pub selection: [Option<u8>; 5],
    pub dimensions: [Option<Rag>; 4],
}

/// A ranked candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub pilot_id: i64,
    pub name: String,
    pub score: u32,
    pub selection_total: Option<u32>,
    pub red_flag: bool,
    pub strong: bool,
    pub actionable_gaps: u32,
}

/// The selection criteria in answer order, as a red flag names them.
const SELECTION_LABELS: [&str; 5] = ["impact", "data", "feasibility", "team readiness", "production path"];

/// Whether a pilot may join the shortlist (seed 004: the three with the
/// strongest case): a red flag in problem selection (any criterion below
/// 3) needs a written reason. Returns the reason to record, trimmed, or
/// the refusal naming the low criteria and the fix.
pub fn shortlist_reason(selection: &[Option<u8>; 5], reason: Option<&str>) -> crate::Result<Option<String>> {
    let low: Vec<String> = SELECTION_LABELS
        .iter()
        .zip(selection)
        .filter_map(|(l, v)| v.filter(|v| *v < 3).map(|v| format!("{l} {v}")))
        .collect();
    let reason = match reason {
        Some(r) => Some(crate::text::clean_text("reason", r)?),
        None => None,
    };
    match (low.is_empty(), reason.as_deref().map(str::trim).filter(|r| !r.is_empty())) {
        // Nothing to override: no reason is recorded.
        (true, _) => Ok(None),
        (false, Some(r)) => Ok(Some(r.to_string())),
        (false, None) => Err(crate::Error::invalid(format!(
            "it has a red flag in problem selection ({}): a red-flagged pilot joins the shortlist only with a written reason (--override \"...\")",
            low.join(", ")
        ))),
    }
}

/// Whether a shortlisted pilot takes one of the shortlist's seats: only
/// pilots still in Assessment and in play do; moving on, stopping or going
/// live frees the seat.
pub fn takes_seat(phase: Phase, status: Status) -> bool {
    phase == Phase::Assessment && !matches!(status, Status::Stopped | Status::Production)
}

/// Whether one more pilot fits on a shortlist with `taken` seats of `cap`.
pub fn seat_free(taken: usize, cap: usize) -> crate::Result<()> {
    if taken >= cap {
        return Err(crate::Error::invalid(format!(
            "the shortlist already holds {taken} pilots (the playbook allows {cap}): take one off first"
        )));
    }
    Ok(())
}

/// Score one candidate.
pub fn evaluate(f: &CandidateFacts) -> Candidate {
    let complete = f.selection.iter().all(|s| s.is_some());
    let values: Vec<u32> = f.selection.iter().flatten().map(|v| u32::from(*v)).collect();
    let total = complete.then(|| values.iter().sum::<u32>());
    let red_flag = values.iter().any(|v| *v < 3);
    let strong = complete && values.iter().filter(|v| **v >= 4).count() >= 4;
    let gaps: u32 = f
        .dimensions
        .iter()
        .map(|d| match d {
            Some(Rag::Yellow) => 2,
            Some(Rag::Red) => 1,
            _ => 0,
        })
        .sum();
    let impact = if complete {
        u32::from(f.selection[0].unwrap_or(0))
    } else {
        0
    };
    Candidate {
        pilot_id: f.pilot_id,
        name: f.name.clone(),
        score: total.unwrap_or(0) + impact + gaps,
        selection_total: total,
        red_flag,
        strong,
        actionable_gaps: gaps,
    }
}

/// Rank candidates best first.
pub fn rank(facts: &[CandidateFacts]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = facts.iter().map(evaluate).collect();
    out.sort_by(|a, b| {
        a.red_flag
            .cmp(&b.red_flag)
            .then(b.score.cmp(&a.score))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, sel: [u8; 5], dims: [Option<Rag>; 4]) -> CandidateFacts {
        CandidateFacts {
            pilot_id: 0,
            name: name.into(),
            selection: sel.map(Some),
            dimensions: dims,
        }
    }

    #[test]
    fn strong_case_with_yellow_gaps_ranks_first() {
        let y = Some(Rag::Yellow);
        let g = Some(Rag::Green);
        let r = Some(Rag::Red);
        let ranked = rank(&[
            f("all green", [4, 4, 4, 4, 4], [g, g, g, g]),
            f("fixable", [4, 4, 4, 4, 4], [y, y, g, g]),
            f("flagged", [5, 5, 5, 5, 2], [y, y, y, y]),
            f("weak", [3, 3, 3, 3, 3], [r, r, r, r]),
        ]);
        let names: Vec<&str> = ranked.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["fixable", "all green", "weak", "flagged"]);
        assert!(ranked[0].strong);
        assert!(ranked[3].red_flag);
        assert_eq!(ranked[0].score, 20 + 4 + 4);
    }

    #[test]
    fn unscored_selection_counts_zero() {
        let c = evaluate(&CandidateFacts {
            pilot_id: 1,
            name: "x".into(),
            selection: [Some(5), None, None, None, None],
            dimensions: [None; 4],
        });
        assert_eq!(c.selection_total, None);
        assert_eq!(c.score, 0);
        assert!(!c.strong);
        assert!(!c.red_flag);
    }
}
