//! Stage gates: whether a pilot may leave its phase, and how far it is
//! from production. One rule, used by the portfolio, the boards, `why`,
//! `status`, the pack, the JSON outputs and the decision form.
//!
//! The rule (also in the README, "How readiness is judged"):
//! * Each phase ends in a gate (the playbook's `[[gates]]`): must-meet
//!   criteria block, should-meet criteria warn.
//! * A pilot's **current gate** is the gate of the phase it is in. It is
//!   **Not ready** for it while any must-meet criterion is unmet, **At
//!   risk** while any should-meet criterion is unmet or an open item of the
//!   current phase is overdue, and **Ready** otherwise.
//! * The **production verdict** is the production (last) gate evaluated
//!   now, whatever the phase.
//! * Stopped pilots and pilots in production have no current gate: they
//!   leave the verdict counts, the blockers and the attention list.
//! * Overdue means open items due during the current phase's days (its
//!   window in the playbook) whose due day has passed.
//! * A gating item counts only when done with evidence (a note or a link)
//!   or not applicable with a reason. A dimension score counts only when it
//!   is at most `gating.score_max_age_days` old. Items marked `review` stand
//!   for the review and the decision and are never criteria.

use super::model::{Dimension, ItemState, MetricCategory, MetricStanding, Phase, Rag, Role, Status};
use super::readiness::{ItemRef, Verdict};
use crate::playbook::rubric::RubricResult;
use crate::playbook::{CriterionDef, CriterionKind, Level, Need, Playbook};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// One checklist item as the gates see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemFact {
    pub id: i64,
    /// The playbook key (shared, so the portfolio's thousands of items do
    /// not each own a copy; empty where no criterion names the item).
    pub key: std::rc::Rc<str>,
    pub text: String,
    pub phase: Phase,
    pub due_day: i64,
    pub gate: bool,
    pub state: ItemState,
    /// The note holds evidence (for done) or the reason (for not applicable).
    pub has_note: bool,
}

/// Why an item does not count towards a gate yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemGap {
    /// Todo, doing or blocked.
    Open,
    /// Done, but nothing says how we know.
    NoEvidence,
    /// Not applicable, but nobody said why.
    NoReason,
}

impl ItemFact {
    /// `None` when the item counts as met.
    pub fn gap(&self) -> Option<ItemGap> {
        match self.state {
            ItemState::Done if self.has_note => None,
            ItemState::Na if self.has_note => None,
            ItemState::Done => Some(ItemGap::NoEvidence),
            ItemState::Na => Some(ItemGap::NoReason),
            _ => Some(ItemGap::Open),
        }
    }

    fn item_ref(&self) -> ItemRef {
        ItemRef {
            id: self.id,
            text: self.text.clone(),
            phase: self.phase,
            due_day: self.due_day,
        }
    }
}

/// A current dimension rating and the day it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DimFact {
    pub rag: Rag,
    pub scored_on: NaiveDate,
}

/// A metric as the gates see it.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricFact {
    pub name: String,
    pub category: MetricCategory,
    pub standing: MetricStanding,
    pub has_baseline: bool,
    pub has_target: bool,
    /// The pilot's one-number scorecard (`metric add --scorecard`).
    pub scorecard: bool,
}

/// Everything the gates need to know about one pilot.
#[derive(Debug, Clone, PartialEq)]
pub struct GateFacts {
    pub phase: Phase,
    pub status: Status,
    pub today: NaiveDate,
    /// Today's programme day.
    pub day: i64,
    /// The items the criteria name: every gating item and every item a
    /// criterion lists (all items when read for one pilot). Empty when
    /// `gating_unmet` stands for the gating ones.
    pub items: Vec<ItemFact>,
    /// Gating items not met, per item phase, when only the counts are known
    /// (the portfolio's summary rows); `None` when `items` holds them.
    pub gating_unmet: Option<[u32; 3]>,
    /// Open items due during the current phase's days (the playbook's
    /// window for the phase) before today: the count, and the items when
    /// known.
    pub overdue: u32,
    pub overdue_items: Vec<ItemRef>,
    pub dimensions: [Option<DimFact>; 4],
    /// The person named for each role, in [`Role::ALL`] order.
    pub owners: [Option<i64>; 4],
    /// Results of the rubrics the criteria name, by rubric key.
    pub rubrics: HashMap<String, std::rc::Rc<RubricResult>>,
    pub metrics: Vec<MetricFact>,
    pub shortlisted: bool,
    /// The keys of the decision rights assigned (a person and a threshold).
    pub rights: Vec<String>,
    /// Whether a vendor is involved, and which asks have their evidence.
    pub vendor: VendorFact,
}

/// What the gates know of a pilot's vendor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum VendorFact {
    /// Nobody said whether a vendor is involved.
    #[default]
    Unknown,
    /// Built in-house (with a reason): no vendor ask applies.
    InHouse,
    /// A named vendor, and the keys of the asks with evidence.
    Vendor { asks: Vec<String> },
}

impl GateFacts {
    /// Facts of a pilot with nothing recorded yet.
    pub fn empty(phase: Phase, today: NaiveDate, day: i64) -> GateFacts {
        GateFacts {
            phase,
            status: Status::Active,
            today,
            day,
            items: Vec::new(),
            gating_unmet: None,
            overdue: 0,
            overdue_items: Vec::new(),
            dimensions: [None; 4],
            owners: [None; 4],
            rubrics: HashMap::new(),
            metrics: Vec::new(),
            shortlisted: false,
            rights: Vec::new(),
            vendor: VendorFact::Unknown,
        }
    }

    /// Whether the pilot takes part in gates (not stopped, not in production).
    pub fn is_active(&self) -> bool {
        is_active(self.status)
    }
}

/// Stopped pilots and pilots in production have left the gates.
pub fn is_active(status: Status) -> bool {
    !matches!(status, Status::Stopped | Status::Production)
}

/// What a lead can do about an unmet criterion (the TUI jumps there).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Gap {
    Unscored {
        dimension: Dimension,
    },
    Below {
        dimension: Dimension,
        rating: Rag,
        needed: Rag,
    },
    Stale {
        dimension: Dimension,
        days: i64,
    },
    /// Gating items not met, counted (the portfolio's summary rows).
    UnmetItems {
        count: u32,
    },
    MissingOwner {
        role: Role,
    },
    SharedOwner {
        roles: Vec<Role>,
    },
    Items {
        items: Vec<(ItemRef, ItemGap)>,
    },
    Rubric {
        rubric: String,
        result: String,
    },
    Metric {
        name: String,
        standing: MetricStanding,
    },
    /// No metric of a category the criterion asks for (its key, and its
    /// name in the playbook).
    MissingCategory {
        category: MetricCategory,
        name: String,
    },
    NoScorecard,
    NotShortlisted,
    /// Decision rights with no person and threshold yet (their names), of
    /// how many the criterion asks for.
    UnassignedRights {
        rights: Vec<String>,
        of: usize,
    },
    Overdue {
        items: Vec<ItemRef>,
        count: u32,
    },
    /// Nobody said whether a vendor is involved.
    VendorUnknown,
    /// Vendor asks with no evidence yet (their names), of how many.
    VendorAsks {
        asks: Vec<String>,
        of: usize,
    },
}

impl Gap {
    /// One line saying what is wrong and what to do.
    pub fn describe(&self) -> String {
        match self {
            Gap::Unscored { dimension } => {
                format!("{} is not scored yet: score it red, yellow or green", dimension.label())
            }
            Gap::Below {
                dimension,
                rating,
                needed,
            } => format!(
                "{} is {}: close the gap to {}, then score it again",
                dimension.label(),
                rating.label().to_lowercase(),
                needed.label().to_lowercase()
            ),
            Gap::Stale { dimension, days } => format!(
                "{} was scored {days} days ago: score it again to show it still holds",
                dimension.label()
            ),
            Gap::MissingOwner { role } => format!("no {} is named: assign one", role.label().to_lowercase()),
            Gap::SharedOwner { roles } => format!(
                "one person holds {}: name a different person for each",
                roles
                    .iter()
                    .map(|r| r.label().to_lowercase())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            Gap::Items { items } => {
                let n = |g: ItemGap| items.iter().filter(|(_, x)| *x == g).count();
                let mut parts = Vec::new();
                if n(ItemGap::Open) > 0 {
                    parts.push(format!("{} still open", n(ItemGap::Open)));
                }
                if n(ItemGap::NoEvidence) > 0 {
                    parts.push(format!(
                        "{} done without evidence (add a note or a link)",
                        n(ItemGap::NoEvidence)
                    ));
                }
                if n(ItemGap::NoReason) > 0 {
                    parts.push(format!("{} not applicable without a reason", n(ItemGap::NoReason)));
                }
                format!("{} item(s) do not count yet: {}", items.len(), parts.join(", "))
            }
            Gap::UnmetItems { count } => format!("{count} gating item(s) do not count yet: w lists them"),
            Gap::Rubric { rubric, result } => format!("{rubric}: {result}"),
            Gap::Metric { name, standing } => match standing {
                MetricStanding::NoData => format!("metric '{name}' has no current value or levels: record them"),
                _ => format!("metric '{name}' is below its minimum viable level"),
            },
            Gap::MissingCategory { name, .. } => {
                format!("no {} metric yet: add one with its three levels", name.to_lowercase())
            }
            Gap::NoScorecard => "no scorecard metric with a baseline and a target: agree one".to_string(),
            Gap::NotShortlisted => "not on the programme's shortlist".to_string(),
            Gap::UnassignedRights { rights, of } if rights.len() == *of && *of > 1 => {
                format!("none of the {of} decision rights is assigned yet: name a person and a threshold for each")
            }
            Gap::UnassignedRights { rights, of } => format!(
                "{} of {of} decision rights unassigned ({}): name a person and a threshold for each",
                rights.len(),
                rights.join(", ")
            ),
            Gap::VendorUnknown => {
                "nobody has said whether a vendor is involved: name the vendor, or say it is built in-house and why"
                    .to_string()
            }
            Gap::VendorAsks { asks, of } => format!(
                "{} of {of} vendor asks without evidence ({}): record what was received",
                asks.len(),
                asks.join(", ")
            ),
            Gap::Overdue { count, .. } => {
                format!("{count} item(s) of this phase overdue: finish them or move their owner to act")
            }
        }
    }
}

/// Met, unmet (must: blocks) or warn (should: unmet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    Met,
    Unmet,
    Warn,
}

/// One criterion evaluated now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionResult {
    pub label: String,
    pub kind: CriterionKind,
    pub need: Need,
    pub standing: Standing,
    /// What is missing, each with its fix (empty when met).
    pub gaps: Vec<Gap>,
}

impl CriterionResult {
    pub fn met(&self) -> bool {
        self.standing == Standing::Met
    }
}

/// A gate evaluated now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateResult {
    /// The phase the gate ends.
    pub phase: Phase,
    pub name: String,
    pub verdict: Verdict,
    pub criteria: Vec<CriterionResult>,
    /// Warnings that are not criteria (overdue items of the phase).
    pub warnings: Vec<Gap>,
}

impl GateResult {
    /// Unmet must-meet criteria.
    pub fn blockers(&self) -> impl Iterator<Item = &CriterionResult> {
        self.criteria.iter().filter(|c| c.standing == Standing::Unmet)
    }
    /// Unmet should-meet criteria.
    pub fn should_unmet(&self) -> impl Iterator<Item = &CriterionResult> {
        self.criteria.iter().filter(|c| c.standing == Standing::Warn)
    }
    /// Every gap, blockers first, then should-meet gaps, then warnings,
    /// with whether it blocks.
    pub fn gaps(&self) -> Vec<(bool, &Gap)> {
        let mut out: Vec<(bool, &Gap)> = self.blockers().flat_map(|c| c.gaps.iter().map(|g| (true, g))).collect();
        out.extend(self.should_unmet().flat_map(|c| c.gaps.iter().map(|g| (false, g))));
        out.extend(self.warnings.iter().map(|g| (false, g)));
        out
    }
}

/// A pilot's standing at its gates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    /// The gate of the phase the pilot is in; `None` once stopped or in
    /// production.
    pub current: Option<GateResult>,
    /// The production gate evaluated now (also for a pilot in Hardening,
    /// where it is the current gate).
    pub production: GateResult,
}

impl Judgement {
    /// The verdict at the current gate (`None` when the pilot has left
    /// the gates).
    pub fn verdict(&self) -> Option<Verdict> {
        self.current.as_ref().map(|g| g.verdict)
    }
}

/// Judge a pilot at its current gate and at the production gate.
pub fn judge(pb: &Playbook, f: &GateFacts) -> Judgement {
    let production = evaluate(pb, Phase::Hardening, f);
    let current = if !f.is_active() {
        None
    } else if f.phase == Phase::Hardening {
        Some(production.clone())
    } else {
        Some(evaluate(pb, f.phase, f))
    };
    Judgement { current, production }
}

/// The verdict alone at the current gate.
pub fn verdict(pb: &Playbook, f: &GateFacts) -> Option<Verdict> {
    f.is_active().then(|| evaluate(pb, f.phase, f).verdict)
}

/// The criteria of the gate at the end of `phase`: the playbook's, plus
/// for the production gate a must-meet criterion for each other rubric
/// declared `gates_readiness`.
pub fn criteria_of(pb: &Playbook, phase: Phase) -> Vec<CriterionDef> {
    let mut out = pb.gate(phase).criteria.clone();
    if phase == Phase::Hardening {
        for r in pb
            .rubrics
            .iter()
            .filter(|r| r.gates_readiness && r.key != crate::playbook::READINESS_RUBRIC)
        {
            out.push(CriterionDef {
                kind: CriterionKind::Rubric,
                need: Need::Must,
                label: format!("{} rubric passes", r.name),
                at_least: None,
                roles: Vec::new(),
                rubric: Some(r.key.clone()),
                min_band: None,
                categories: Vec::new(),
                items: Vec::new(),
                rights: Vec::new(),
                asks: Vec::new(),
            });
        }
    }
    out
}

/// Evaluate the gate at the end of `phase` now.
pub fn evaluate(pb: &Playbook, phase: Phase, f: &GateFacts) -> GateResult {
    evaluate_with(pb, phase, &criteria_of(pb, phase), f)
}

/// [`evaluate`] with the gate's criteria given ([`criteria_of`]), for
/// callers judging many pilots.
pub fn evaluate_with(pb: &Playbook, phase: Phase, criteria: &[CriterionDef], f: &GateFacts) -> GateResult {
    let standings = standings(pb, phase, criteria, f);
    let verdict = verdict_of(phase, &standings, f);
    let criteria: Vec<CriterionResult> = criteria
        .iter()
        .zip(standings)
        .map(|(c, (standing, gaps))| CriterionResult {
            label: c.label.clone(),
            kind: c.kind,
            need: c.need,
            standing,
            gaps,
        })
        .collect();
    let mut warnings = Vec::new();
    // Overdue work of the phase the pilot is in warns at its current gate.
    if overdue_warns(phase, f) {
        warnings.push(Gap::Overdue {
            items: f.overdue_items.clone(),
            count: f.overdue,
        });
    }
    GateResult {
        phase,
        name: pb.gate(phase).name.clone(),
        verdict,
        criteria,
        warnings,
    }
}

/// Each criterion's standing and gaps, in order.
pub fn standings(pb: &Playbook, phase: Phase, criteria: &[CriterionDef], f: &GateFacts) -> Vec<(Standing, Vec<Gap>)> {
    criteria
        .iter()
        .map(|c| {
            let gaps = gaps_of(pb, phase, c, f);
            let standing = match (gaps.is_empty(), c.need) {
                (true, _) => Standing::Met,
                (false, Need::Must) => Standing::Unmet,
                (false, Need::Should) => Standing::Warn,
            };
            (standing, gaps)
        })
        .collect()
}

fn overdue_warns(phase: Phase, f: &GateFacts) -> bool {
    f.is_active() && phase == f.phase && f.overdue > 0
}

/// The verdict from the criteria's standings (and the phase's overdue
/// items): the rule in one place.
pub fn verdict_of(phase: Phase, standings: &[(Standing, Vec<Gap>)], f: &GateFacts) -> Verdict {
    if standings.iter().any(|(s, _)| *s == Standing::Unmet) {
        Verdict::NotReady
    } else if overdue_warns(phase, f) || standings.iter().any(|(s, _)| *s == Standing::Warn) {
        Verdict::AtRisk
    } else {
        Verdict::Ready
    }
}

fn gaps_of(pb: &Playbook, phase: Phase, c: &CriterionDef, f: &GateFacts) -> Vec<Gap> {
    match c.kind {
        CriterionKind::Items => {
            if let (true, Some(counts)) = (c.items.is_empty(), f.gating_unmet) {
                let n: u32 = counts.iter().take(phase.index() + 1).sum();
                return if n == 0 {
                    vec![]
                } else {
                    vec![Gap::UnmetItems { count: n }]
                };
            }
            let wanted = |i: &ItemFact| {
                if c.items.is_empty() {
                    i.gate && i.phase <= phase
                } else {
                    c.items.iter().any(|k| **k == *i.key)
                }
            };
            let items: Vec<(ItemRef, ItemGap)> = f
                .items
                .iter()
                .filter(|i| wanted(i))
                .filter_map(|i| i.gap().map(|g| (i.item_ref(), g)))
                .collect();
            if items.is_empty() {
                vec![]
            } else {
                vec![Gap::Items { items }]
            }
        }
        CriterionKind::Dimensions => {
            let needed = c
                .at_least
                .as_deref()
                .and_then(|s| Rag::parse(s).ok())
                .unwrap_or(Rag::Red);
            let limit = pb.gating.score_max_age_days;
            let mut out = Vec::new();
            for (d, fact) in Dimension::ALL.iter().zip(f.dimensions.iter()) {
                match fact {
                    None => out.push(Gap::Unscored { dimension: *d }),
                    Some(x) if x.rag < needed => out.push(Gap::Below {
                        dimension: *d,
                        rating: x.rag,
                        needed,
                    }),
                    Some(x) if (f.today - x.scored_on).num_days() > limit => out.push(Gap::Stale {
                        dimension: *d,
                        days: (f.today - x.scored_on).num_days(),
                    }),
                    Some(_) => {}
                }
            }
            out
        }
        CriterionKind::Owners => {
            let roles: Vec<Role> = if c.roles.is_empty() {
                Role::ALL.to_vec()
            } else {
                c.roles.iter().filter_map(|r| Role::parse(r).ok()).collect()
            };
            let mut out = Vec::new();
            for r in &roles {
                if f.owners[r.index()].is_none() {
                    out.push(Gap::MissingOwner { role: *r });
                }
            }
            let may_share = |a: Role, b: Role| {
                pb.gating
                    .shared_roles
                    .iter()
                    .any(|[x, y]| (x == a.key() && y == b.key()) || (x == b.key() && y == a.key()))
            };
            // Group the named roles by person; a person in two seats that
            // may not be shared is a gap, listing every seat they hold.
            let mut by_person: Vec<(i64, Vec<Role>)> = Vec::new();
            for r in &roles {
                if let Some(p) = f.owners[r.index()] {
                    match by_person.iter_mut().find(|(q, _)| *q == p) {
                        Some((_, rs)) => rs.push(*r),
                        None => by_person.push((p, vec![*r])),
                    }
                }
            }
            for (_, rs) in by_person {
                let clash = rs
                    .iter()
                    .enumerate()
                    .any(|(i, a)| rs[i + 1..].iter().any(|b| !may_share(*a, *b)));
                if clash {
                    out.push(Gap::SharedOwner { roles: rs });
                }
            }
            out
        }
        CriterionKind::Rubric => rubric_gaps(pb, c, f),
        CriterionKind::Vendor => match &f.vendor {
            VendorFact::Unknown => vec![Gap::VendorUnknown],
            VendorFact::InHouse => vec![],
            VendorFact::Vendor { asks } => {
                let asked: Vec<&crate::playbook::VendorAskDef> = pb
                    .vendor_asks
                    .iter()
                    .filter(|a| c.asks.is_empty() || c.asks.contains(&a.key))
                    .collect();
                let missing: Vec<String> = asked
                    .iter()
                    .filter(|a| !asks.contains(&a.key))
                    .map(|a| a.name.clone())
                    .collect();
                let mut out = Vec::new();
                if !missing.is_empty() {
                    out.push(Gap::VendorAsks {
                        asks: missing,
                        of: asked.len(),
                    });
                }
                if c.rubric.is_some() {
                    out.extend(rubric_gaps(pb, c, f));
                }
                out
            }
        },
        CriterionKind::Rights => {
            let asked: Vec<&crate::playbook::RightDef> = pb
                .rights
                .iter()
                .filter(|r| c.rights.is_empty() || c.rights.contains(&r.key))
                .collect();
            let missing: Vec<String> = asked
                .iter()
                .filter(|r| !f.rights.contains(&r.key))
                .map(|r| r.name.clone())
                .collect();
            if missing.is_empty() {
                vec![]
            } else {
                vec![Gap::UnassignedRights {
                    rights: missing,
                    of: asked.len(),
                }]
            }
        }
        CriterionKind::Shortlist => {
            if f.shortlisted {
                vec![]
            } else {
                vec![Gap::NotShortlisted]
            }
        }
        CriterionKind::Metrics => {
            let mut out: Vec<Gap> = f
                .metrics
                .iter()
                .filter(|m| matches!(m.standing, MetricStanding::BelowMinimum | MetricStanding::NoData))
                .map(|m| Gap::Metric {
                    name: m.name.clone(),
                    standing: m.standing,
                })
                .collect();
            for k in &c.categories {
                if let Some(d) = pb.category_def(k) {
                    if !f.metrics.iter().any(|m| m.category.key() == d.key) {
                        out.push(Gap::MissingCategory {
                            name: d.name.clone(),
                            category: crate::domain::model::MetricCategory::new(&d.key),
                        });
                    }
                }
            }
            out
        }
        CriterionKind::Scorecard => {
            // The metric marked as the scorecard, else any metric.
            let marked = f.metrics.iter().any(|m| m.scorecard);
            if f.metrics
                .iter()
                .any(|m| (m.scorecard || !marked) && m.has_baseline && m.has_target)
            {
                vec![]
            } else {
                vec![Gap::NoScorecard]
            }
        }
    }
}

/// The gaps of a rubric criterion: the rubric `c.rubric` scored, at
/// `c.min_band` or better (or any band that does not block), breaking no
/// blocking rule.
fn rubric_gaps(pb: &Playbook, c: &CriterionDef, f: &GateFacts) -> Vec<Gap> {
    let key = c.rubric.as_deref().unwrap_or_default();
    let Some(def) = pb.rubric(key) else {
        return vec![];
    };
    let gap = |result: String| {
        vec![Gap::Rubric {
            rubric: def.name.clone(),
            result,
        }]
    };
    let Some(r) = f.rubrics.get(key) else {
        return gap(format!("0 of {} questions answered: score it", def.questions().count()));
    };
    if r.value.is_none() {
        return gap(format!(
            "{} of {} questions answered: finish scoring it",
            r.answered, r.total
        ));
    }
    if let Some(rule) = r.rules.iter().find(|x| x.level == Level::Block) {
        return gap(rule.label.clone());
    }
    let rank = |label: &str| def.bands.iter().position(|b| b.label == label);
    match (&c.min_band, &r.band) {
        (Some(min), Some(band)) if rank(band) < rank(min) => gap(format!("{band}, below {min}")),
        (Some(min), None) => gap(format!("no band, below {min}")),
        (None, _) if r.level == Some(Level::Block) => gap(r.band.clone().unwrap_or_default()),
        _ => vec![],
    }
}

/// What a gate decision does to the pilot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Effect {
    /// On to the next phase.
    MoveTo { phase: Phase },
    /// Through the production gate: the pilot is in production.
    ToProduction,
    /// A clean stop.
    Stop,
    /// Back to an earlier phase (or rescoped in the same one) to pass the
    /// gates again.
    PivotTo { phase: Phase },
    /// Held in its phase until the review date.
    HoldUntil { review_on: NaiveDate },
}

impl Effect {
    /// One line for people.
    pub fn describe(&self) -> String {
        match self {
            Effect::MoveTo { phase } => format!("moved on to {}", phase.label()),
            Effect::ToProduction => "now in production".to_string(),
            Effect::Stop => "stopped".to_string(),
            Effect::PivotTo { phase } => format!("back to {} to pass the gates again", phase.label()),
            Effect::HoldUntil { review_on } => format!("held in its phase until the review on {review_on}"),
        }
    }
}

/// What a decision asks for beyond its outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecisionAsk {
    /// A go's written reason for passing unmet must-meet criteria.
    pub override_reason: String,
    /// A pivot's phase (default Assessment).
    pub pivot_to: Option<Phase>,
    /// A defer's review date.
    pub review_on: Option<NaiveDate>,
}

/// The rule for a gate decision: whether `outcome` may be recorded at gate
/// `g` now, and what it does. A go with unmet must-meet criteria needs a
/// written override; a pivot goes back (never forward); a defer needs a
/// review date after today; an override belongs to a go only.
pub fn decide(
    g: &GateResult,
    outcome: super::model::Outcome,
    ask: &DecisionAsk,
    today: NaiveDate,
) -> crate::Result<Effect> {
    use super::model::Outcome;
    fn invalid(m: impl Into<String>) -> crate::Error {
        crate::Error::invalid(m)
    }
    let overriding = !ask.override_reason.trim().is_empty();
    if overriding && outcome != Outcome::Go {
        return Err(invalid(
            "an override is only for a go past unmet must-meet criteria: remove it",
        ));
    }
    if ask.pivot_to.is_some() && outcome != Outcome::Pivot {
        return Err(invalid("a phase to go back to is only for a pivot: remove it"));
    }
    if ask.review_on.is_some() && outcome != Outcome::Defer {
        return Err(invalid("a review date is only for a defer: remove it"));
    }
    match outcome {
        Outcome::Go => {
            let unmet: Vec<String> = g.blockers().map(|c| crate::text::sanitize(&c.label)).collect();
            if !unmet.is_empty() && !overriding {
                return Err(invalid(format!(
                    "a go at the {} is refused: {} must-meet criteria are unmet ({}); meet them, or override with a written reason",
                    crate::text::sanitize(&g.name.to_lowercase()),
                    unmet.len(),
                    unmet.join("; ")
                )));
            }
            Ok(match g.phase.next() {
                Some(phase) => Effect::MoveTo { phase },
                None => Effect::ToProduction,
            })
        }
        Outcome::NoGo => Ok(Effect::Stop),
        Outcome::Pivot => {
            let to = ask.pivot_to.unwrap_or(Phase::Assessment);
            if to > g.phase {
                return Err(invalid(format!(
                    "a pivot goes back, not forward: choose {} or an earlier phase",
                    g.phase.label()
                )));
            }
            Ok(Effect::PivotTo { phase: to })
        }
        Outcome::Defer => match ask.review_on {
            Some(d) if d > today => Ok(Effect::HoldUntil { review_on: d }),
            Some(d) => Err(invalid(format!(
                "the review date {d} is not after today ({today}): a defer holds the pilot until a later review"
            ))),
            None => Err(invalid(
                "a defer needs a review date (YYYY-MM-DD): a hold is never open-ended",
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::rubric;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(n - 1)
    }

    fn pb() -> Playbook {
        Playbook::builtin()
    }

    /// Every item of the built-in playbook, in a given state and with or
    /// without a note.
    fn items(state: ItemState, has_note: bool) -> Vec<ItemFact> {
        pb().items()
            .iter()
            .enumerate()
            .map(|(i, t)| ItemFact {
                id: i as i64 + 1,
                key: t.key.as_str().into(),
                text: t.text.clone(),
                phase: t.phase,
                due_day: t.due_day,
                gate: t.gate,
                state,
                has_note,
            })
            .collect()
    }

    fn selection(answers: [&str; 5]) -> RubricResult {
        let pb = pb();
        let r = pb.rubric("selection").unwrap();
        let a: HashMap<String, String> = crate::playbook::SELECTION_QUESTIONS
            .iter()
            .zip(answers)
            .map(|(q, a)| (q.to_string(), a.to_string()))
            .collect();
        rubric::score(r, pb.scale_of(r), &a)
    }

    fn metric(cat: MetricCategory, standing: MetricStanding) -> MetricFact {
        MetricFact {
            name: format!("{} metric", cat.key()),
            category: cat,
            standing,
            has_baseline: true,
            has_target: true,
            scorecard: false,
        }
    }

    /// A pilot that meets every criterion of every gate on day 70.
    fn exemplary(phase: Phase) -> GateFacts {
        let today = day(70);
        let mut f = GateFacts::empty(phase, today, 70);
        f.items = items(ItemState::Done, true);
        f.dimensions = [Some(DimFact {
            rag: Rag::Green,
            scored_on: day(60),
        }); 4];
        f.owners = [Some(1), Some(2), Some(3), Some(4)];
        f.rubrics
            .insert("selection".into(), selection(["5", "4", "4", "4", "3"]).into());
        f.metrics = pb()
            .metric_categories
            .iter()
            .map(|c| metric(MetricCategory::new(&c.key), MetricStanding::Target))
            .collect();
        f.shortlisted = true;
        f.rights = pb().rights.iter().map(|r| r.key.clone()).collect();
        f.vendor = VendorFact::InHouse;
        f
    }

    fn unmet(g: &GateResult) -> Vec<CriterionKind> {
        g.criteria.iter().filter(|c| !c.met()).map(|c| c.kind).collect()
    }

    #[test]
    fn every_decision_right_must_be_assigned_and_a_gate_may_name_some() {
        let mut f = exemplary(Phase::Scaffolding);
        f.rights.retain(|k| k != "rollback");
        let g = evaluate(&pb(), Phase::Scaffolding, &f);
        let c = g.criteria.iter().find(|c| c.kind == CriterionKind::Rights).unwrap();
        assert_eq!(c.standing, Standing::Warn);
        assert_eq!(
            c.gaps,
            vec![Gap::UnassignedRights {
                rights: vec!["Trigger a rollback".into()],
                of: 7
            }]
        );
        // A criterion naming only some rights ignores the others.
        let mut only = pb();
        for g in &mut only.gates {
            for c in g.criteria.iter_mut().filter(|c| c.kind == CriterionKind::Rights) {
                c.rights = vec!["promote".into()];
                c.need = Need::Must;
            }
        }
        let g = evaluate(&only, Phase::Scaffolding, &f);
        assert!(g.criteria.iter().all(|c| c.met()), "{:?}", g.criteria);
        f.rights.clear();
        assert_eq!(evaluate(&only, Phase::Scaffolding, &f).verdict, Verdict::NotReady);
    }

    #[test]
    fn a_vendor_needs_its_asks_and_may_need_its_capability_rubric() {
        let mut f = exemplary(Phase::Scaffolding);
        let vendor = |g: &GateResult| {
            g.criteria
                .iter()
                .find(|c| c.kind == CriterionKind::Vendor)
                .unwrap()
                .clone()
        };
        assert!(
            vendor(&evaluate(&pb(), Phase::Scaffolding, &f)).met(),
            "in-house meets it"
        );
        f.vendor = VendorFact::Unknown;
        assert_eq!(
            vendor(&evaluate(&pb(), Phase::Scaffolding, &f)).gaps,
            vec![Gap::VendorUnknown]
        );
        f.vendor = VendorFact::Vendor {
            asks: vec!["reference-call".into()],
        };
        let c = vendor(&evaluate(&pb(), Phase::Scaffolding, &f));
        assert_eq!(c.standing, Standing::Warn);
        assert!(
            matches!(&c.gaps[..], [Gap::VendorAsks { asks, of: 3 }] if asks.len() == 2),
            "{:?}",
            c.gaps
        );
        // A playbook may ask for the vendor capability rubric too.
        let mut strict = pb();
        for g in &mut strict.gates {
            for c in g.criteria.iter_mut().filter(|c| c.kind == CriterionKind::Vendor) {
                c.asks = vec!["reference-call".into()];
                c.rubric = Some("vendor-capability".into());
                c.need = Need::Must;
            }
        }
        let c = vendor(&evaluate(&strict, Phase::Scaffolding, &f));
        assert!(
            matches!(&c.gaps[..], [Gap::Rubric { .. }]),
            "only the rubric is missing: {:?}",
            c.gaps
        );
        assert_eq!(c.standing, Standing::Unmet);
    }

    #[test]
    fn an_exemplary_pilot_is_ready_at_every_gate() {
        for p in Phase::ALL {
            let j = judge(&pb(), &exemplary(*p));
            assert_eq!(j.verdict(), Some(Verdict::Ready), "{p}: {:?}", j.current);
            assert_eq!(j.production.verdict, Verdict::Ready);
        }
    }

    /// The case from the issue: four green scores, one person in every
    /// seat, every item "not applicable" with no reason, no selection
    /// score, no metrics. Not ready at any gate, on day 1 or day 45.
    #[test]
    fn the_gaming_case_is_not_ready_for_any_gate() {
        for d in [1, 45] {
            let mut f = GateFacts::empty(Phase::Assessment, day(d), d);
            f.items = items(ItemState::Na, false);
            f.dimensions = [Some(DimFact {
                rag: Rag::Green,
                scored_on: day(d),
            }); 4];
            f.owners = [Some(7); 4];
            let j = judge(&pb(), &f);
            let cur = j.current.as_ref().unwrap();
            assert_eq!(cur.verdict, Verdict::NotReady);
            assert_eq!(
                unmet(cur),
                [
                    CriterionKind::Items,
                    CriterionKind::Rubric,
                    CriterionKind::Scorecard,
                    CriterionKind::Shortlist
                ]
            );
            assert_eq!(j.production.verdict, Verdict::NotReady);
            let p = unmet(&j.production);
            for k in [
                CriterionKind::Items,
                CriterionKind::Owners,
                CriterionKind::Metrics,
                CriterionKind::Scorecard,
            ] {
                assert!(p.contains(&k), "{k:?} should be unmet: {p:?}");
            }
            let items_gap = &j.production.criteria[0].gaps[0];
            assert!(
                items_gap.describe().contains("not applicable without a reason"),
                "{}",
                items_gap.describe()
            );
        }
    }

    #[test]
    fn later_phases_items_do_not_count_against_an_earlier_gate() {
        let mut f = exemplary(Phase::Assessment);
        for i in f.items.iter_mut().filter(|i| i.phase != Phase::Assessment) {
            i.state = ItemState::Todo;
        }
        assert_eq!(judge(&pb(), &f).verdict(), Some(Verdict::Ready));
        assert_eq!(judge(&pb(), &f).production.verdict, Verdict::NotReady);
        f.phase = Phase::Scaffolding;
        assert_eq!(judge(&pb(), &f).verdict(), Some(Verdict::NotReady));
    }

    #[test]
    fn done_without_evidence_and_na_without_reason_do_not_count() {
        let mut f = exemplary(Phase::Assessment);
        let scorecard = f.items.iter_mut().find(|i| &*i.key == "as-scorecard").unwrap();
        scorecard.has_note = false;
        let g = evaluate(&pb(), Phase::Assessment, &f);
        assert_eq!(g.verdict, Verdict::NotReady);
        let Gap::Items { items } = &g.criteria[0].gaps[0] else {
            panic!()
        };
        assert_eq!(items[0].1, ItemGap::NoEvidence);
        assert!(g.criteria[0].gaps[0].describe().contains("without evidence"));
        let scorecard = f.items.iter_mut().find(|i| &*i.key == "as-scorecard").unwrap();
        scorecard.state = ItemState::Na;
        scorecard.has_note = true;
        assert_eq!(evaluate(&pb(), Phase::Assessment, &f).verdict, Verdict::Ready);
    }

    #[test]
    fn review_items_are_never_criteria() {
        let mut f = exemplary(Phase::Hardening);
        for i in f
            .items
            .iter_mut()
            .filter(|i| &*i.key == "hd-decision" || &*i.key == "hd-readiness-review")
        {
            i.state = ItemState::Todo;
        }
        assert_eq!(judge(&pb(), &f).verdict(), Some(Verdict::Ready));
    }

    #[test]
    fn the_twelve_production_items_must_be_verified() {
        let mut f = exemplary(Phase::Hardening);
        // The twelve (002) are all gating items of Hardening.
        let twelve = [
            "hd-results-documented",
            "hd-architecture-approved",
            "hd-cicd",
            "hd-monitoring",
            "hd-data-pipeline",
            "hd-security-review",
            "hd-fallback",
            "hd-runbook",
            "hd-user-training",
            "hd-sponsor-briefed",
            "hd-ownership-assigned",
            "hd-rollback",
        ];
        for k in twelve {
            let i = f.items.iter().find(|i| &*i.key == k).unwrap();
            assert!(i.gate && i.phase == Phase::Hardening, "{k}");
        }
        let cicd = f.items.iter_mut().find(|i| &*i.key == "hd-cicd").unwrap();
        cicd.state = ItemState::Doing;
        let g = judge(&pb(), &f).production;
        assert_eq!(g.verdict, Verdict::NotReady);
        assert_eq!(unmet(&g), [CriterionKind::Items]);
        assert!(g.criteria[0].label.contains("twelve"));
        // Counted instead of listed (the portfolio's rows): the same verdict.
        let mut counted = f.clone();
        counted.items.clear();
        counted.gating_unmet = Some([0, 0, 1]);
        let c = judge(&pb(), &counted).production;
        assert_eq!(unmet(&c), [CriterionKind::Items]);
        assert_eq!(c.criteria[0].gaps, vec![Gap::UnmetItems { count: 1 }]);
        counted.gating_unmet = Some([0, 0, 0]);
        assert_eq!(judge(&pb(), &counted).production.verdict, Verdict::Ready);
        // An earlier phase's unmet gating item blocks a later gate too.
        counted.gating_unmet = Some([1, 0, 0]);
        assert_eq!(judge(&pb(), &counted).production.verdict, Verdict::NotReady);
        counted.gating_unmet = Some([0, 0, 1]);
        counted.phase = Phase::Scaffolding;
        assert_eq!(
            judge(&pb(), &counted).verdict(),
            Some(Verdict::Ready),
            "a Hardening item does not block Scaffolding"
        );
    }

    #[test]
    fn dimensions_must_reach_the_level_and_be_recent() {
        let mut f = exemplary(Phase::Scaffolding);
        f.dimensions[1] = Some(DimFact {
            rag: Rag::Yellow,
            scored_on: day(60),
        });
        // Yellow meets Scaffolding's must (no red) but not its should (green).
        let g = evaluate(&pb(), Phase::Scaffolding, &f);
        assert_eq!(g.verdict, Verdict::AtRisk);
        f.dimensions[1] = Some(DimFact {
            rag: Rag::Red,
            scored_on: day(60),
        });
        let g = evaluate(&pb(), Phase::Scaffolding, &f);
        assert_eq!(g.verdict, Verdict::NotReady);
        assert!(matches!(
            g.criteria[1].gaps[0],
            Gap::Below {
                needed: Rag::Yellow,
                ..
            }
        ));
        // Green but 31 days old: stale.
        f.dimensions[1] = Some(DimFact {
            rag: Rag::Green,
            scored_on: day(39),
        });
        let g = evaluate(&pb(), Phase::Scaffolding, &f);
        assert_eq!(
            g.criteria[1].gaps,
            vec![Gap::Stale {
                dimension: Dimension::Governance,
                days: 31
            }]
        );
        f.dimensions[1] = Some(DimFact {
            rag: Rag::Green,
            scored_on: day(40),
        });
        assert_eq!(evaluate(&pb(), Phase::Scaffolding, &f).verdict, Verdict::Ready);
        f.dimensions[3] = None;
        let g = evaluate(&pb(), Phase::Scaffolding, &f);
        assert!(g.criteria[1].gaps.contains(&Gap::Unscored {
            dimension: Dimension::Ownership
        }));
    }

    #[test]
    fn owners_must_be_named_and_distinct_unless_the_playbook_allows_a_pair() {
        let mut f = exemplary(Phase::Scaffolding);
        f.owners[1] = None;
        let g = evaluate(&pb(), Phase::Scaffolding, &f);
        assert_eq!(g.criteria[2].gaps, vec![Gap::MissingOwner { role: Role::Platform }]);
        f.owners = [Some(1), Some(2), Some(3), Some(1)];
        let g = evaluate(&pb(), Phase::Scaffolding, &f);
        assert_eq!(
            g.criteria[2].gaps,
            vec![Gap::SharedOwner {
                roles: vec![Role::Product, Role::Business]
            }]
        );
        let mut allowing = pb();
        allowing.gating.shared_roles = vec![["business".into(), "product".into()]];
        assert_eq!(evaluate(&allowing, Phase::Scaffolding, &f).verdict, Verdict::Ready);
    }

    #[test]
    fn selection_red_flag_or_incomplete_blocks_assessment() {
        let mut f = exemplary(Phase::Assessment);
        f.rubrics
            .insert("selection".into(), selection(["5", "5", "2", "5", "5"]).into());
        let g = evaluate(&pb(), Phase::Assessment, &f);
        assert_eq!(unmet(&g), [CriterionKind::Rubric]);
        assert!(g.criteria[2].gaps[0].describe().contains("below 3"));
        f.rubrics.remove("selection");
        let g = evaluate(&pb(), Phase::Assessment, &f);
        assert!(g.criteria[2].gaps[0].describe().contains("0 of 5"));
        // A weak (warn band) but red-flag-free selection passes.
        f.rubrics
            .insert("selection".into(), selection(["3", "3", "3", "3", "3"]).into());
        assert_eq!(evaluate(&pb(), Phase::Assessment, &f).verdict, Verdict::Ready);
    }

    #[test]
    fn a_min_band_is_checked() {
        let mut pb = pb();
        pb.gates[0].criteria[2].min_band = Some("Strong".into());
        let mut f = exemplary(Phase::Assessment);
        f.rubrics
            .insert("selection".into(), selection(["3", "4", "3", "4", "3"]).into());
        let g = evaluate(&pb, Phase::Assessment, &f);
        assert!(
            g.criteria[2].gaps[0].describe().contains("Promising, below Strong"),
            "{:?}",
            g.criteria[2]
        );
    }

    #[test]
    fn metrics_at_minimum_in_every_category_and_a_scorecard() {
        let mut f = exemplary(Phase::Hardening);
        f.metrics[0].standing = MetricStanding::Minimum;
        assert_eq!(judge(&pb(), &f).verdict(), Some(Verdict::Ready));
        f.metrics[0].standing = MetricStanding::BelowMinimum;
        let g = judge(&pb(), &f).production;
        assert_eq!(unmet(&g), [CriterionKind::Metrics]);
        f.metrics.remove(0);
        let g = judge(&pb(), &f).production;
        assert_eq!(
            g.criteria[3].gaps,
            vec![Gap::MissingCategory {
                category: MetricCategory::new("performance"),
                name: "Performance".into()
            }]
        );
        for m in &mut f.metrics {
            m.has_baseline = false;
        }
        let g = judge(&pb(), &f).production;
        assert_eq!(unmet(&g), [CriterionKind::Metrics, CriterionKind::Scorecard]);
        // A metric marked as the scorecard is the one that counts.
        f.metrics[0].has_baseline = true;
        assert!(!unmet(&judge(&pb(), &f).production).contains(&CriterionKind::Scorecard));
        f.metrics[1].scorecard = true;
        assert!(unmet(&judge(&pb(), &f).production).contains(&CriterionKind::Scorecard));
        f.metrics[1].has_baseline = true;
        assert!(!unmet(&judge(&pb(), &f).production).contains(&CriterionKind::Scorecard));
    }

    #[test]
    fn overdue_items_of_the_current_phase_warn() {
        let mut f = exemplary(Phase::Scaffolding);
        f.overdue = 2;
        let j = judge(&pb(), &f);
        assert_eq!(j.verdict(), Some(Verdict::AtRisk));
        assert!(j.current.unwrap().gaps()[0]
            .1
            .describe()
            .contains("2 item(s) of this phase overdue"));
        // The production gate of a pilot in Scaffolding does not warn of them.
        assert_eq!(j.production.verdict, Verdict::Ready);
    }

    #[test]
    fn a_should_criterion_warns_and_a_shortlist_is_one() {
        let mut f = exemplary(Phase::Assessment);
        f.shortlisted = false;
        let g = evaluate(&pb(), Phase::Assessment, &f);
        assert_eq!(g.verdict, Verdict::AtRisk);
        assert_eq!(g.gaps(), vec![(false, &Gap::NotShortlisted)]);
    }

    #[test]
    fn each_outcome_has_its_effect_and_its_conditions() {
        use crate::domain::model::Outcome;
        let today = day(70);
        let ready = evaluate(&pb(), Phase::Scaffolding, &exemplary(Phase::Scaffolding));
        let none = DecisionAsk::default();
        assert_eq!(
            decide(&ready, Outcome::Go, &none, today).unwrap(),
            Effect::MoveTo {
                phase: Phase::Hardening
            }
        );
        let prod = evaluate(&pb(), Phase::Hardening, &exemplary(Phase::Hardening));
        assert_eq!(decide(&prod, Outcome::Go, &none, today).unwrap(), Effect::ToProduction);
        assert_eq!(decide(&ready, Outcome::NoGo, &none, today).unwrap(), Effect::Stop);
        assert_eq!(
            decide(&ready, Outcome::Pivot, &none, today).unwrap(),
            Effect::PivotTo {
                phase: Phase::Assessment
            }
        );
        let forward = DecisionAsk {
            pivot_to: Some(Phase::Hardening),
            ..none.clone()
        };
        assert!(decide(&ready, Outcome::Pivot, &forward, today)
            .unwrap_err()
            .to_string()
            .contains("goes back"));
        let e = decide(&ready, Outcome::Defer, &none, today).unwrap_err().to_string();
        assert!(e.contains("needs a review date"), "{e}");
        let past = DecisionAsk {
            review_on: Some(today),
            ..none.clone()
        };
        assert!(decide(&ready, Outcome::Defer, &past, today).is_err());
        let later = DecisionAsk {
            review_on: Some(day(80)),
            ..none.clone()
        };
        assert_eq!(
            decide(&ready, Outcome::Defer, &later, today).unwrap(),
            Effect::HoldUntil { review_on: day(80) }
        );
        let over = DecisionAsk {
            override_reason: "board accepted the risk".into(),
            ..none.clone()
        };
        assert!(
            decide(&ready, Outcome::NoGo, &over, today).is_err(),
            "override only for go"
        );
    }

    #[test]
    fn the_gaming_case_go_is_refused_without_an_override() {
        use crate::domain::model::Outcome;
        let mut f = GateFacts::empty(Phase::Assessment, day(45), 45);
        f.items = items(ItemState::Na, false);
        f.dimensions = [Some(DimFact {
            rag: Rag::Green,
            scored_on: day(45),
        }); 4];
        f.owners = [Some(7); 4];
        let g = judge(&pb(), &f).current.unwrap();
        let e = decide(&g, Outcome::Go, &DecisionAsk::default(), day(45))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("a go at the assessment gate is refused: 3 must-meet criteria are unmet"),
            "{e}"
        );
        let over = DecisionAsk {
            override_reason: "Sponsor accepts the gap for a two-week spike".into(),
            ..DecisionAsk::default()
        };
        assert_eq!(
            decide(&g, Outcome::Go, &over, day(45)).unwrap(),
            Effect::MoveTo {
                phase: Phase::Scaffolding
            }
        );
    }

    #[test]
    fn stopped_and_production_pilots_leave_the_gates() {
        for s in [Status::Stopped, Status::Production] {
            let mut f = exemplary(Phase::Scaffolding);
            f.status = s;
            f.overdue = 3;
            let j = judge(&pb(), &f);
            assert_eq!(j.verdict(), None);
            assert_eq!(verdict(&pb(), &f), None);
            assert!(j.production.warnings.is_empty());
        }
        let f = exemplary(Phase::Scaffolding);
        assert_eq!(verdict(&pb(), &f), judge(&pb(), &f).verdict());
    }
}
