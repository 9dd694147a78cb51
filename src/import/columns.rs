//! The columns of a pilot inventory: which header names which field
//! ([`COLUMNS`], matched after [`normalise_header`]), and how sector and
//! status cells are read.

use crate::domain::model::{Role, Sector, Status};
use crate::text::sanitize;
use crate::{Error, Result};
use serde::Serialize;

/// A field of the inventory a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    BusinessUnit,
    Sector,
    BusinessCase,
    DataSources,
    ModelClass,
    IntegrationFootprint,
    GovernancePosture,
    Status,
    ProductOwner,
    PlatformOwner,
    GovernanceOwner,
    BusinessOwner,
}

/// Every importable column: the field, its canonical header, and the other
/// headers accepted for it (compared after [`normalise_header`]).
pub const COLUMNS: &[(Field, &str, &[&str])] = &[
    (
        Field::Name,
        "name",
        &[
            "pilot",
            "pilot name",
            "use case",
            "use case name",
            "project",
            "project name",
            "initiative",
        ],
    ),
    (
        Field::BusinessUnit,
        "business unit",
        &["unit", "bu", "department", "division"],
    ),
    (Field::Sector, "sector", &["industry"]),
    (
        Field::BusinessCase,
        "business case",
        &["case", "description", "summary"],
    ),
    (Field::DataSources, "data sources", &["data source", "data", "datasets"]),
    (Field::ModelClass, "model class", &["model", "model type"]),
    (
        Field::IntegrationFootprint,
        "integration footprint",
        &["integration", "integrations", "systems"],
    ),
    (
        Field::GovernancePosture,
        "governance posture",
        &["governance", "compliance"],
    ),
    (Field::Status, "status", &["lifecycle", "lifecycle status"]),
    (Field::ProductOwner, "product owner", &[]),
    (Field::PlatformOwner, "platform owner", &[]),
    (Field::GovernanceOwner, "governance owner", &[]),
    (Field::BusinessOwner, "business owner", &["owner of record"]),
];

impl Field {
    /// The canonical column header.
    pub fn header(self) -> &'static str {
        COLUMNS.iter().find(|(f, ..)| *f == self).map_or("", |(_, h, _)| h)
    }

    /// The owner role this column names, if it is an owner column.
    pub fn role(self) -> Option<Role> {
        match self {
            Field::ProductOwner => Some(Role::Product),
            Field::PlatformOwner => Some(Role::Platform),
            Field::GovernanceOwner => Some(Role::Governance),
            Field::BusinessOwner => Some(Role::Business),
            _ => None,
        }
    }

    pub(super) fn text_index(self) -> Option<usize> {
        TEXT_FIELDS.iter().position(|f| *f == self)
    }
}

/// The free-text inventory fields, in [`PilotFields`](crate::domain::model::PilotFields) order.
pub(super) const TEXT_FIELDS: [Field; 6] = [
    Field::BusinessUnit,
    Field::BusinessCase,
    Field::DataSources,
    Field::ModelClass,
    Field::IntegrationFootprint,
    Field::GovernancePosture,
];

/// Lower-case, with every run of non-alphanumeric characters made one space.
pub fn normalise_header(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    for c in h.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// The field a header names, if any.
pub fn field_for_header(h: &str) -> Option<Field> {
    let n = normalise_header(h);
    COLUMNS
        .iter()
        .find(|(_, canon, aliases)| *canon == n || aliases.contains(&n.as_str()))
        .map(|(f, ..)| *f)
}

/// Parse a sector from its key or its name in the playbook, or a common
/// alias of a built-in one ("public sector", "banking", "tech").
pub fn parse_sector(playbook: &crate::playbook::Playbook, s: &str) -> Result<Sector> {
    let n = normalise_header(s);
    let found = playbook
        .sectors
        .iter()
        .find(|d| n == normalise_header(&d.key) || n == normalise_header(&d.name))
        .map(|d| Sector::new(&d.key));
    let alias = match n.as_str() {
        "gov" | "public sector" | "public" => Some("government"),
        "health" | "health care" => Some("healthcare"),
        "finance" | "banking" | "financial service" | "fs" => Some("financial"),
        "enterprise technology" | "technology" | "tech" => Some("enterprise"),
        _ => None,
    };
    found
        .or_else(|| alias.and_then(|k| playbook.sector_key(k).ok()))
        .ok_or_else(|| {
            Error::invalid(format!(
                "unknown sector '{}': use one of {}",
                sanitize(s.trim()),
                playbook
                    .sectors
                    .iter()
                    .map(|d| d.name.to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// Parse a status from its key, its label or a common alias.
pub fn parse_status(s: &str) -> Result<Status> {
    let n = normalise_header(s);
    let found = Status::ALL
        .iter()
        .copied()
        .find(|v| n == v.key() || n == normalise_header(v.label()));
    found
        .or(match n.as_str() {
            "live" => Some(Status::Production),
            "on hold" => Some(Status::Paused),
            "cancelled" | "canceled" => Some(Status::Stopped),
            _ => None,
        })
        .ok_or_else(|| {
            Error::invalid(format!(
                "unknown status '{}': use proposed, active, paused, in production or stopped",
                sanitize(s.trim())
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_case_and_punctuation_insensitively() {
        assert_eq!(field_for_header(" Pilot Name "), Some(Field::Name));
        assert_eq!(field_for_header("BUSINESS_UNIT"), Some(Field::BusinessUnit));
        assert_eq!(field_for_header("Business-Unit"), Some(Field::BusinessUnit));
        assert_eq!(field_for_header("Owner of record"), Some(Field::BusinessOwner));
        assert_eq!(field_for_header("Budget"), None);
        assert_eq!(normalise_header("  Data  sources (main) "), "data sources main");
    }

    #[test]
    fn sectors_and_statuses_accept_keys_labels_and_aliases() {
        let pb = crate::playbook::Playbook::builtin();
        assert_eq!(
            parse_sector(&pb, "Financial services").unwrap(),
            Sector::new("financial")
        );
        assert_eq!(parse_sector(&pb, "FINANCIAL").unwrap(), Sector::new("financial"));
        assert_eq!(parse_sector(&pb, "enterprise-tech").unwrap(), Sector::new("enterprise"));
        assert_eq!(parse_sector(&pb, "Public sector").unwrap(), Sector::new("government"));
        assert!(parse_sector(&pb, "retail")
            .unwrap_err()
            .to_string()
            .contains("unknown sector 'retail'"));
        assert_eq!(parse_status("In production").unwrap(), Status::Production);
        assert_eq!(parse_status("on hold").unwrap(), Status::Paused);
        assert!(parse_status("dormant").is_err());
    }
}
