//! The vocabulary of verdicts. The rule that gives them is in
//! [`super::gates`].

use super::model::{Phase, Status};
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

/// The mark and label of a pilot's standing: its verdict at the current
/// gate, or, once it has left the gates, its status.
pub fn shown(verdict: Option<Verdict>, status: Status) -> (&'static str, &'static str) {
    match (verdict, status) {
        (Some(v), _) => (v.mark(), v.label()),
        (None, Status::Production) => ("▲", "Production"),
        (None, _) => ("■", "Stopped"),
    }
}
