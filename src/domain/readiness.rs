//! The readiness rule: one verdict per pilot and the blockers that explain it.
//!
//! The rule (also in the README):
//! * **Not ready** when any of the four dimensions is red or unscored, any of
//!   the four owners is missing, any gating checklist item is still open
//!   (todo, doing or blocked), or a rubric that gates readiness lands in a
//!   `block` band, breaks a `block` rule, or is not fully answered.
//! * **At risk** otherwise, when any dimension is yellow, any open checklist
//!   item is overdue against today's programme day, or a gating rubric lands
//!   in a `warn` band.
//! * **Ready** when none of the above holds.

use super::model::{Dimension, Phase, Rag, Role};
use serde::Serialize;

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    NotReady,
    AtRisk,
    Ready,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::NotReady, Verdict::AtRisk, Verdict::Ready];
    /// Label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::NotReady => "Not ready",
            Verdict::AtRisk => "At risk",
            Verdict::Ready => "Ready",
        }
    }
    /// Short mark readable without colour.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::NotReady => "✗",
            Verdict::AtRisk => "!",
            Verdict::Ready => "✓",
        }
    }
    /// Key used in JSON and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::NotReady => "not-ready",
            Verdict::AtRisk => "at-risk",
            Verdict::Ready => "ready",
        }
    }
}

/// How serious a blocker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Makes the pilot Not ready.
    Block,
    /// Makes the pilot At risk.
    Warn,
}

/// A checklist item named by a blocker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemRef {
    pub id: i64,
    pub text: String,
    pub phase: Phase,
    pub due_day: i64,
}

/// A rubric result that gates readiness.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RubricGate {
    pub rubric: String,
    /// Band label, rule label, or "n of m answered".
    pub label: String,
    /// `None` when the result passes.
    pub severity: Option<Severity>,
}

/// One reason a pilot is not Ready, with what to fix.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Blocker {
    Unscored { dimension: Dimension },
    Red { dimension: Dimension },
    Yellow { dimension: Dimension },
    MissingOwner { role: Role },
    OpenGates { count: u32, items: Vec<ItemRef> },
    Overdue { count: u32, items: Vec<ItemRef> },
    Rubric { gate: RubricGate },
}

impl Blocker {
    /// Whether it blocks or warns.
    pub fn severity(&self) -> Severity {
        match self {
            Blocker::Yellow { .. } | Blocker::Overdue { .. } => Severity::Warn,
            Blocker::Rubric { gate } => gate.severity.unwrap_or(Severity::Warn),
            _ => Severity::Block,
        }
    }

    /// One line saying what is wrong and what to do.
    pub fn describe(&self) -> String {
        match self {
            Blocker::Unscored { dimension } => {
                format!("{} is not scored yet: score it red, yellow or green", dimension.label())
            }
            Blocker::Red { dimension } => {
                format!("{} is red: close the gap, then score it again", dimension.label())
            }
            Blocker::Yellow { dimension } => {
                format!("{} is yellow: name what would make it green", dimension.label())
            }
            Blocker::MissingOwner { role } => {
                format!("no {} is named: assign one", role.label().to_lowercase())
            }
            Blocker::OpenGates { count, .. } => {
                format!("{count} gating checklist item(s) still open: finish them or mark them not applicable")
            }
            Blocker::Overdue { count, .. } => {
                format!("{count} checklist item(s) overdue: finish them or move their owner to act")
            }
            Blocker::Rubric { gate } => format!("{} rubric: {}", gate.rubric, gate.label),
        }
    }
}

/// What the rule needs to know about one pilot. Counts drive the verdict;
/// the item lists, when filled, only add detail to the blockers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Current rating per dimension, in [`Dimension::ALL`] order.
    pub dimensions: [Option<Rag>; 4],
    /// Whether each role has an owner, in [`Role::ALL`] order.
    pub owners: [bool; 4],
    pub open_gates: u32,
    pub open_gate_items: Vec<ItemRef>,
    pub overdue: u32,
    pub overdue_items: Vec<ItemRef>,
    pub rubric_gates: Vec<RubricGate>,
}

/// The verdict and its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Readiness {
    pub verdict: Verdict,
    pub blockers: Vec<Blocker>,
}

/// Apply the readiness rule.
pub fn assess(f: &Facts) -> Readiness {
    let mut blockers = Vec::new();
    for (dim, rating) in Dimension::ALL.iter().zip(f.dimensions.iter()) {
        match rating {
            None => blockers.push(Blocker::Unscored { dimension: *dim }),
            Some(Rag::Red) => blockers.push(Blocker::Red { dimension: *dim }),
            Some(Rag::Yellow) => blockers.push(Blocker::Yellow { dimension: *dim }),
            Some(Rag::Green) => {}
        }
    }
    for (role, present) in Role::ALL.iter().zip(f.owners.iter()) {
        if !present {
            blockers.push(Blocker::MissingOwner { role: *role });
        }
    }
    if f.open_gates > 0 {
        blockers.push(Blocker::OpenGates {
            count: f.open_gates,
            items: f.open_gate_items.clone(),
        });
    }
    if f.overdue > 0 {
        blockers.push(Blocker::Overdue {
            count: f.overdue,
            items: f.overdue_items.clone(),
        });
    }
    for gate in &f.rubric_gates {
        if gate.severity.is_some() {
            blockers.push(Blocker::Rubric { gate: gate.clone() });
        }
    }
    // Blocks first, then warnings; stable within each.
    blockers.sort_by_key(|b| b.severity());
    let verdict = match blockers.first().map(|b| b.severity()) {
        Some(Severity::Block) => Verdict::NotReady,
        Some(Severity::Warn) => Verdict::AtRisk,
        None => Verdict::Ready,
    };
    Readiness { verdict, blockers }
}

/// The verdict alone (the same rule, no allocation of details).
pub fn verdict(f: &Facts) -> Verdict {
    let blocks = f.dimensions.iter().any(|d| matches!(d, None | Some(Rag::Red)))
        || f.owners.iter().any(|o| !o)
        || f.open_gates > 0
        || f.rubric_gates.iter().any(|g| g.severity == Some(Severity::Block));
    if blocks {
        return Verdict::NotReady;
    }
    let warns = f.dimensions.contains(&Some(Rag::Yellow))
        || f.overdue > 0
        || f.rubric_gates.iter().any(|g| g.severity == Some(Severity::Warn));
    if warns {
        Verdict::AtRisk
    } else {
        Verdict::Ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> Facts {
        Facts {
            dimensions: [Some(Rag::Green); 4],
            owners: [true; 4],
            ..Facts::default()
        }
    }

    fn check(f: &Facts, want: Verdict) -> Readiness {
        let r = assess(f);
        assert_eq!(r.verdict, want, "{:?}", r.blockers);
        assert_eq!(verdict(f), want, "verdict() and assess() disagree");
        r
    }

    #[test]
    fn all_green_owned_and_closed_is_ready() {
        let r = check(&ready(), Verdict::Ready);
        assert!(r.blockers.is_empty());
    }

    #[test]
    fn unscored_dimension_blocks() {
        let mut f = ready();
        f.dimensions[2] = None;
        let r = check(&f, Verdict::NotReady);
        assert_eq!(
            r.blockers,
            vec![Blocker::Unscored {
                dimension: Dimension::Integration
            }]
        );
    }

    #[test]
    fn red_dimension_blocks() {
        let mut f = ready();
        f.dimensions[0] = Some(Rag::Red);
        check(&f, Verdict::NotReady);
    }

    #[test]
    fn yellow_dimension_warns() {
        let mut f = ready();
        f.dimensions[3] = Some(Rag::Yellow);
        let r = check(&f, Verdict::AtRisk);
        assert_eq!(r.blockers[0].severity(), Severity::Warn);
    }

    #[test]
    fn missing_owner_blocks() {
        let mut f = ready();
        f.owners[1] = false;
        let r = check(&f, Verdict::NotReady);
        assert!(r.blockers[0].describe().contains("platform owner"));
    }

    #[test]
    fn open_gate_blocks() {
        let mut f = ready();
        f.open_gates = 2;
        check(&f, Verdict::NotReady);
    }

    #[test]
    fn overdue_item_warns() {
        let mut f = ready();
        f.overdue = 1;
        check(&f, Verdict::AtRisk);
    }

    #[test]
    fn rubric_gates_block_warn_or_pass() {
        let mut f = ready();
        f.rubric_gates.push(RubricGate {
            rubric: "maturity".into(),
            label: "Level 3".into(),
            severity: None,
        });
        check(&f, Verdict::Ready);
        f.rubric_gates[0].severity = Some(Severity::Warn);
        check(&f, Verdict::AtRisk);
        f.rubric_gates[0].severity = Some(Severity::Block);
        check(&f, Verdict::NotReady);
    }

    #[test]
    fn blocks_come_before_warnings() {
        let mut f = ready();
        f.dimensions[0] = Some(Rag::Yellow);
        f.owners[3] = false;
        let r = check(&f, Verdict::NotReady);
        assert!(matches!(r.blockers[0], Blocker::MissingOwner { role: Role::Business }));
        assert!(matches!(r.blockers[1], Blocker::Yellow { .. }));
    }

    #[test]
    fn empty_facts_list_every_gap() {
        let r = check(&Facts::default(), Verdict::NotReady);
        assert_eq!(r.blockers.len(), 8);
    }
}
