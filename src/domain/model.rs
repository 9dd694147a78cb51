//! The nouns of the playbook: phases, sectors, roles, dimensions, states,
//! outcomes, and the records the store hands back.

use serde::Serialize;

/// Defines a closed vocabulary with its stored key, its label, and parsing
/// that names the valid keys on failure.
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident, $what:literal { $($variant:ident => $key:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The key stored in the database and typed on the command line.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
            /// The label shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            /// Parse a key (case-insensitive); the error lists the valid keys.
            pub fn parse(s: &str) -> crate::Result<Self> {
                // Stored keys match as they are, without the allocation of
                // folding case (the portfolio parses several a row).
                $(if s == $key { return Ok($name::$variant); })+
                let t = s.trim().to_ascii_lowercase();
                $(if t == $key { return Ok($name::$variant); })+
                Err(crate::Error::invalid(format!(
                    "unknown {} '{}': use one of {}",
                    $what,
                    crate::text::sanitize(s),
                    Self::ALL.iter().map(|v| v.key()).collect::<Vec<_>>().join(", ")
                )))
            }
            /// Position in [`Self::ALL`].
            pub fn index(self) -> usize {
                Self::ALL.iter().position(|v| *v == self).unwrap_or(0)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocabulary!(
    /// The three 30-day phases of the playbook.
    Phase, "phase" {
        Assessment => "assessment", "Assessment";
        Scaffolding => "scaffolding", "Scaffolding";
        Hardening => "hardening", "Hardening & decision";
    }
);

/// Defines an open vocabulary: a key of one of the playbook's lists (the
/// playbook names and describes each; a playbook may add its own), stored
/// lower case and trimmed, not checked against a playbook here. Cheap to
/// clone.
macro_rules! playbook_key {
    ($(#[$m:meta])* $name:ident, $default:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            /// The key a new record gets when none is given.
            pub const DEFAULT_KEY: &'static str = $default;

            pub fn new(key: &str) -> $name {
                $name(key.trim().to_lowercase().into())
            }

            /// The key stored in the database and typed on the command line.
            pub fn key(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

playbook_key!(
    /// The sector decides the governance framework a pilot is held to: a
    /// key of the playbook's `[[sectors]]`, which gives its name,
    /// frameworks and summary ([`crate::playbook::Playbook::sector_key`]
    /// checks one). New pilots get enterprise when the playbook lists it.
    Sector,
    "enterprise"
);

vocabulary!(
    /// The four named operational owners of a pilot.
    Role, "role" {
        Product => "product", "Product owner";
        Platform => "platform", "Platform owner";
        Governance => "governance", "Governance owner";
        Business => "business", "Business owner";
    }
);

vocabulary!(
    /// The four operational readiness dimensions.
    Dimension, "dimension" {
        Data => "data", "Data readiness";
        Governance => "governance", "Governance scaffolding";
        Integration => "integration", "Integration architecture";
        Ownership => "ownership", "Change ownership";
    }
);

vocabulary!(
    /// A red / yellow / green rating.
    Rag, "rating" {
        Red => "red", "Red";
        Yellow => "yellow", "Yellow";
        Green => "green", "Green";
    }
);

vocabulary!(
    /// Where a checklist item stands.
    ItemState, "item state" {
        Todo => "todo", "To do";
        Doing => "doing", "Doing";
        Done => "done", "Done";
        Na => "na", "Not applicable";
        Blocked => "blocked", "Blocked";
    }
);

vocabulary!(
    /// The outcome of a go / no-go review.
    Outcome, "outcome" {
        Go => "go", "Go";
        NoGo => "no-go", "No-go";
        Pivot => "pivot", "Pivot";
        Defer => "defer", "Defer";
    }
);

vocabulary!(
    /// A pilot's lifecycle status, apart from its playbook phase.
    Status, "status" {
        Proposed => "proposed", "Proposed";
        Active => "active", "Active";
        Paused => "paused", "Paused";
        Production => "production", "In production";
        Stopped => "stopped", "Stopped";
    }
);

playbook_key!(
    /// An evaluation metric's category (performance, business, user
    /// acceptance, operational readiness in the built-in playbook): a key
    /// of the playbook's `[[metric_categories]]`.
    MetricCategory,
    "performance"
);

impl Phase {
    /// The phase after this one, if any.
    pub fn next(self) -> Option<Phase> {
        Phase::ALL.get(self.index() + 1).copied()
    }
    /// The phase before this one, if any.
    pub fn prev(self) -> Option<Phase> {
        self.index().checked_sub(1).map(|i| Phase::ALL[i])
    }
    /// The phase a programme day falls in (days past 90 count as hardening).
    pub fn of_day(day: i64) -> Phase {
        match day {
            i64::MIN..=30 => Phase::Assessment,
            31..=60 => Phase::Scaffolding,
            _ => Phase::Hardening,
        }
    }
}

impl Rag {
    /// One-letter mark so a rating never relies on colour alone.
    pub fn letter(self) -> char {
        match self {
            Rag::Red => 'R',
            Rag::Yellow => 'Y',
            Rag::Green => 'G',
        }
    }
}

impl ItemState {
    /// True for items that still need work (todo, doing, blocked).
    pub fn is_open(self) -> bool {
        matches!(self, ItemState::Todo | ItemState::Doing | ItemState::Blocked)
    }
    /// The mark shown in checklists, readable without colour.
    pub fn mark(self) -> &'static str {
        match self {
            ItemState::Todo => "[ ]",
            ItemState::Doing => "[~]",
            ItemState::Done => "[x]",
            ItemState::Na => "[-]",
            ItemState::Blocked => "[!]",
        }
    }
}

/// A pilot in the capability inventory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pilot {
    pub id: i64,
    pub name: String,
    pub business_unit: String,
    pub sector: Sector,
    pub business_case: String,
    pub data_sources: String,
    pub model_class: String,
    pub integration_footprint: String,
    pub governance_posture: String,
    pub status: Status,
    pub phase: Phase,
    pub revision: i64,
    pub updated_at: String,
    pub updated_by: String,
    /// On the programme's shortlist.
    pub shortlisted: bool,
}

impl Pilot {
    /// The pilot's editable fields as they are now (the starting point of
    /// an edit, and what an undo restores).
    pub fn fields(&self) -> PilotFields {
        PilotFields {
            name: self.name.clone(),
            business_unit: self.business_unit.clone(),
            sector: Some(self.sector.clone()),
            business_case: self.business_case.clone(),
            data_sources: self.data_sources.clone(),
            model_class: self.model_class.clone(),
            integration_footprint: self.integration_footprint.clone(),
            governance_posture: self.governance_posture.clone(),
            status: Some(self.status),
        }
    }
}

/// The editable fields of a pilot (for add and edit).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PilotFields {
    pub name: String,
    pub business_unit: String,
    pub sector: Option<Sector>,
    pub business_case: String,
    pub data_sources: String,
    pub model_class: String,
    pub integration_footprint: String,
    pub governance_posture: String,
    pub status: Option<Status>,
}

/// A person who can own things and make decisions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub revision: i64,
}

/// One of a pilot's four owners.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Owner {
    pub role: Role,
    pub person_id: i64,
    pub person: String,
    pub revision: i64,
}

/// Who holds one decision right for a pilot, and under what threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RightAssignment {
    /// The playbook's key of the right.
    pub key: String,
    pub person_id: i64,
    pub person: String,
    /// The threshold or condition under which the person uses the right.
    pub threshold: String,
    pub revision: i64,
}

/// Whether a pilot's work involves a vendor: the vendor's name, or built
/// in-house with the reason no vendor ask applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum VendorChoice {
    Vendor { name: String },
    InHouse { reason: String },
}

/// A pilot's vendor record as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PilotVendor {
    pub choice: VendorChoice,
    pub revision: i64,
    pub updated_by: String,
    pub updated_at: String,
}

/// The evidence a pilot's vendor handed over for one ask.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorAskRecord {
    /// The playbook's key of the ask.
    pub key: String,
    pub evidence: String,
    pub revision: i64,
    pub updated_by: String,
    pub updated_at: String,
}

/// A checklist item of one pilot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecklistItem {
    pub id: i64,
    pub pilot_id: i64,
    pub item_key: String,
    pub phase: Phase,
    pub section: String,
    pub position: i64,
    pub text: String,
    pub gate: bool,
    pub state: ItemState,
    pub owner_id: Option<i64>,
    pub owner: Option<String>,
    pub due_day: i64,
    pub note: String,
    pub revision: i64,
    pub updated_at: String,
    pub updated_by: String,
}

/// An item of the programme checklist: work done once for the whole
/// portfolio (the playbook's items with `scope = "programme"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgrammeItem {
    pub id: i64,
    pub item_key: String,
    pub phase: Phase,
    pub section: String,
    pub position: i64,
    pub text: String,
    pub state: ItemState,
    pub owner_id: Option<i64>,
    pub owner: Option<String>,
    pub due_day: i64,
    pub note: String,
    pub revision: i64,
    pub updated_at: String,
    pub updated_by: String,
}

/// One answer to a rubric question (scores are append-only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreEntry {
    pub id: i64,
    pub pilot_id: i64,
    pub rubric: String,
    pub question: String,
    pub answer: String,
    pub rationale: String,
    pub scorer: String,
    pub scored_at: String,
}

/// An evaluation metric with its three levels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub id: i64,
    pub pilot_id: i64,
    pub category: MetricCategory,
    pub name: String,
    pub unit: String,
    pub higher_is_better: bool,
    pub baseline: Option<f64>,
    pub minimum: Option<f64>,
    pub target: Option<f64>,
    pub stretch: Option<f64>,
    pub current: Option<f64>,
    pub revision: i64,
}

/// How a metric's current value compares with its levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricStanding {
    NoData,
    BelowMinimum,
    Minimum,
    Target,
    Stretch,
}

impl Metric {
    /// Where `current` stands against minimum viable, target and stretch.
    pub fn standing(&self) -> MetricStanding {
        let Some(cur) = self.current else {
            return MetricStanding::NoData;
        };
        let reached =
            |level: Option<f64>| level.is_some_and(|l| if self.higher_is_better { cur >= l } else { cur <= l });
        if reached(self.stretch) {
            MetricStanding::Stretch
        } else if reached(self.target) {
            MetricStanding::Target
        } else if reached(self.minimum) {
            MetricStanding::Minimum
        } else if self.minimum.is_none() && self.target.is_none() {
            MetricStanding::NoData
        } else {
            MetricStanding::BelowMinimum
        }
    }
}

/// The fields of a new metric.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricFields {
    pub category: Option<MetricCategory>,
    pub name: String,
    pub unit: String,
    pub higher_is_better: bool,
    pub baseline: Option<f64>,
    pub minimum: Option<f64>,
    pub target: Option<f64>,
    pub stretch: Option<f64>,
    pub current: Option<f64>,
    /// Mark it as the pilot's one-number scorecard (seed 001).
    pub scorecard: bool,
}

/// One criterion a decision was judged against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    pub criterion: String,
    pub met: bool,
    /// Must- or should-meet for a gate's criterion; `None` for one added
    /// by hand.
    pub need: Option<crate::playbook::Need>,
}

/// A recorded decision (append-only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub id: i64,
    pub pilot_id: i64,
    pub pilot: String,
    pub outcome: Outcome,
    pub criteria: Vec<Criterion>,
    pub rationale: String,
    pub decided_by_id: i64,
    pub decided_by: String,
    pub decided_on: String,
    pub stop_conditions: String,
    pub communicated: bool,
    pub superseded_by: Option<i64>,
    pub recorded_at: String,
    pub recorded_by: String,
    pub hash: String,
    /// The gate decided (the phase it ends); `None` for decisions recorded
    /// before gates existed.
    pub gate: Option<Phase>,
    /// A go's written reason for passing unmet must-meet criteria.
    pub override_reason: String,
    pub pivot_to: Option<Phase>,
    pub review_on: Option<String>,
    /// The decision-maker was one of the pilot's four owners.
    pub maker_is_owner: bool,
}

/// What a new decision says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewDecision {
    pub outcome: Option<Outcome>,
    pub criteria: Vec<Criterion>,
    pub rationale: String,
    pub decided_by: i64,
    /// YYYY-MM-DD; today when empty.
    pub decided_on: String,
    pub stop_conditions: String,
    pub communicated: bool,
    /// A go's written reason for passing unmet must-meet criteria.
    pub override_reason: String,
    /// A pivot's phase (default Assessment).
    pub pivot_to: Option<Phase>,
    /// A defer's review date (YYYY-MM-DD), required for a defer.
    pub review_on: String,
}

/// A decision as recorded: its id, what it did, and what the
/// decision-maker should know.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recorded {
    pub id: i64,
    pub gate: Phase,
    pub effect: crate::domain::gates::Effect,
    /// Labels of the unmet must-meet criteria a go overrode.
    pub overridden: Vec<String>,
    /// The decision-maker is one of the pilot's owners (a gatekeeper
    /// reviewing their own work).
    pub maker_is_owner: bool,
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub entity_id: i64,
    pub pilot_id: Option<i64>,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_parse_and_list_valid_keys() {
        assert_eq!(Dimension::parse("DATA").unwrap(), Dimension::Data);
        assert_eq!(Outcome::parse("no-go").unwrap(), Outcome::NoGo);
        let e = Role::parse("chef").unwrap_err().to_string();
        assert!(e.contains("product, platform, governance, business"), "{e}");
    }

    #[test]
    fn phases_step_and_map_days() {
        assert_eq!(Phase::Assessment.next(), Some(Phase::Scaffolding));
        assert_eq!(Phase::Hardening.next(), None);
        assert_eq!(Phase::Assessment.prev(), None);
        assert_eq!(Phase::of_day(30), Phase::Assessment);
        assert_eq!(Phase::of_day(31), Phase::Scaffolding);
        assert_eq!(Phase::of_day(61), Phase::Hardening);
        assert_eq!(Phase::of_day(200), Phase::Hardening);
    }

    #[test]
    fn metric_standing_follows_direction() {
        let mut m = Metric {
            id: 1,
            pilot_id: 1,
            category: MetricCategory::new("performance"),
            name: "accuracy".into(),
            unit: "%".into(),
            higher_is_better: true,
            baseline: Some(70.0),
            minimum: Some(85.0),
            target: Some(90.0),
            stretch: Some(95.0),
            current: Some(91.0),
            revision: 1,
        };
        assert_eq!(m.standing(), MetricStanding::Target);
        m.current = Some(80.0);
        assert_eq!(m.standing(), MetricStanding::BelowMinimum);
        m.current = None;
        assert_eq!(m.standing(), MetricStanding::NoData);
        m.higher_is_better = false;
        m.minimum = Some(10.0);
        m.target = Some(5.0);
        m.stretch = Some(2.0);
        m.current = Some(4.0);
        assert_eq!(m.standing(), MetricStanding::Target);
        m.current = Some(12.0);
        assert_eq!(m.standing(), MetricStanding::BelowMinimum);
    }
}
