//! The full inventory: one row per pilot, with its phase, status, verdict,
//! readiness, selection answers, owners, checklist progress, next item,
//! last decision and unmet criteria, as CSV or JSON. The pack summarises;
//! this lists everything, row by row, straight to the file or pipe (at
//! 100,000 pilots it is tens of megabytes, never held as one string).

use super::escape::{csv_cell, scrub};
use super::{anchored, write_error, Anchor, Format, JsonChain};
use crate::domain::calendar::programme_day;
use crate::domain::model::{Dimension, Role};
use crate::playbook::Playbook;
use crate::store::{PilotRow, Store};
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::Serialize;
use std::io::Write;
use std::sync::Arc;

/// The version of the JSON inventory shape (`schema_version`).
pub const PILOTS_SCHEMA_VERSION: u32 = 1;

/// The CSV header, in column order.
pub const CSV_COLUMNS: [&str; 32] = [
    "id",
    "name",
    "business_unit",
    "sector",
    "phase",
    "status",
    "verdict",
    "production_verdict",
    "data_readiness",
    "governance_scaffolding",
    "integration_architecture",
    "change_ownership",
    "selection",
    "product_owner",
    "platform_owner",
    "governance_owner",
    "business_owner",
    "items_done",
    "items_total",
    "open_gates",
    "overdue",
    "due_soon",
    "next_due_day",
    "next_item",
    "last_decision",
    "last_decision_on",
    "shortlisted",
    "unmet",
    "chain_head",
    "chain_entries",
    "audit_head",
    "audit_entries",
];

/// What an inventory export contained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub pilots: usize,
    pub anchor: Anchor,
}

/// Write every pilot in `format` (CSV or JSON) to `out`, ordered by name.
pub fn write(
    store: &Store,
    playbook: &Playbook,
    today: NaiveDate,
    format: Format,
    out: &mut dyn Write,
) -> Result<Summary> {
    if !matches!(format, Format::Csv | Format::Json) {
        return Err(Error::invalid(format!(
            "the pilot inventory is written as CSV or JSON, not {}: use csv or json (the pack is the summary for people)",
            format.label()
        )));
    }
    let day = programme_day(store.programme()?.start_date, today);
    let (anchor, rows) = anchored(store, || store.portfolio(playbook, day))?;
    match format {
        Format::Csv => write_csv(&rows, &anchor, out)?,
        _ => write_json(store, day, &rows, &anchor, out)?,
    }
    Ok(Summary {
        pilots: rows.len(),
        anchor,
    })
}

fn rag_key(r: Option<crate::domain::Rag>) -> &'static str {
    r.map_or("", |r| r.key())
}

fn selection_text(r: &PilotRow) -> String {
    r.selection
        .iter()
        .map(|s| s.map_or('-', |d| char::from(b'0' + d)))
        .collect()
}

/// One label per line (labels hold semicolons of their own).
fn joined(labels: &[Arc<str>]) -> String {
    labels.iter().map(|l| &**l).collect::<Vec<_>>().join("\n")
}

fn write_csv(rows: &[PilotRow], anchor: &Anchor, w: &mut dyn Write) -> Result<()> {
    let target = "the pilot inventory";
    let err = |e: csv::Error| Error::Io(format!("writing {target} as CSV failed ({e}): export again"));
    w.write_all("\u{feff}".as_bytes()).map_err(|e| write_error(target, e))?;
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    out.write_record(CSV_COLUMNS).map_err(err)?;
    let head = csv_cell(&scrub(&anchor.head)).into_owned();
    let audit_head = csv_cell(&scrub(&anchor.audit_head)).into_owned();
    let (entries, audit_entries) = (anchor.entries.to_string(), anchor.audit_entries.to_string());
    let cell = |s: &str| csv_cell(&scrub(s)).into_owned();
    for r in rows {
        let owner = |role: Role| r.owners[role.index()].as_deref().map(cell).unwrap_or_default();
        let (next_day, next_text) = match &r.next_due {
            Some((d, t)) => (d.to_string(), cell(t)),
            None => (String::new(), String::new()),
        };
        let (last, last_on) = match &r.last_decision {
            Some((o, on)) => (o.key(), cell(on)),
            None => ("", String::new()),
        };
        let d = |dim: Dimension| rag_key(r.dimensions[dim.index()]);
        out.write_record([
            r.id.to_string().as_str(),
            &cell(&r.name),
            &cell(&r.business_unit),
            // A playbook names its sectors: escaped like any text.
            &cell(r.sector.key()),
            r.phase.key(),
            r.status.key(),
            r.verdict.map_or("", |v| v.key()),
            r.production.key(),
            d(Dimension::Data),
            d(Dimension::Governance),
            d(Dimension::Integration),
            d(Dimension::Ownership),
            &selection_text(r),
            &owner(Role::Product),
            &owner(Role::Platform),
            &owner(Role::Governance),
            &owner(Role::Business),
            &r.items_done.to_string(),
            &r.items_total.to_string(),
            &r.open_gates.to_string(),
            &r.overdue.to_string(),
            &r.due_soon.to_string(),
            &next_day,
            &next_text,
            last,
            &last_on,
            if r.shortlisted { "yes" } else { "no" },
            &cell(&joined(&r.unmet)),
            &head,
            &entries,
            &audit_head,
            &audit_entries,
        ])
        .map_err(err)?;
    }
    out.flush().map_err(|e| write_error(target, e))
}

#[derive(Serialize)]
struct JsonInventory<'a> {
    schema_version: u32,
    kind: &'static str,
    programme_day: i64,
    exported_at: &'a str,
    exported_by: &'a str,
    chain: JsonChain<'a>,
    count: usize,
    /// Serialised one row at a time from `rows`.
    pilots: JsonRows<'a>,
}

struct JsonRows<'a>(&'a [PilotRow]);

impl Serialize for JsonRows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(JsonPilot::of))
    }
}

#[derive(Serialize)]
struct JsonPilot<'a> {
    id: i64,
    name: &'a str,
    business_unit: &'a str,
    sector: &'a str,
    phase: &'static str,
    status: &'static str,
    /// At the current gate; null once stopped or in production.
    verdict: Option<&'static str>,
    production_verdict: &'static str,
    /// Data, governance, integration, ownership: red, yellow, green or null.
    readiness: [Option<&'static str>; 4],
    /// The five selection answers (1-5) in the playbook's order, or null.
    selection: [Option<u8>; 5],
    /// Product, platform, governance, business.
    owners: [Option<&'a str>; 4],
    items_done: u32,
    items_total: u32,
    open_gates: u32,
    overdue: u32,
    due_soon: u32,
    next_item: Option<JsonNext<'a>>,
    last_decision: Option<JsonLast<'a>>,
    shortlisted: bool,
    /// The current gate's unmet criteria, must-meet first.
    unmet: &'a [Arc<str>],
}

#[derive(Serialize)]
struct JsonNext<'a> {
    due_day: i64,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonLast<'a> {
    outcome: &'static str,
    decided_on: &'a str,
}

impl<'a> JsonPilot<'a> {
    fn of(r: &'a PilotRow) -> JsonPilot<'a> {
        JsonPilot {
            id: r.id,
            name: &r.name,
            business_unit: &r.business_unit,
            sector: r.sector.key(),
            phase: r.phase.key(),
            status: r.status.key(),
            verdict: r.verdict.map(|v| v.key()),
            production_verdict: r.production.key(),
            readiness: r.dimensions.map(|d| d.map(|d| d.key())),
            selection: r.selection,
            owners: r.owners.each_ref().map(|o| o.as_deref()),
            items_done: r.items_done,
            items_total: r.items_total,
            open_gates: r.open_gates,
            overdue: r.overdue,
            due_soon: r.due_soon,
            next_item: r.next_due.as_ref().map(|(d, t)| JsonNext { due_day: *d, text: t }),
            last_decision: r.last_decision.as_ref().map(|(o, on)| JsonLast {
                outcome: o.key(),
                decided_on: on,
            }),
            shortlisted: r.shortlisted,
            unmet: &r.unmet,
        }
    }
}

fn write_json(store: &Store, day: i64, rows: &[PilotRow], anchor: &Anchor, w: &mut dyn Write) -> Result<()> {
    let doc = JsonInventory {
        schema_version: PILOTS_SCHEMA_VERSION,
        kind: "lastmile.pilots",
        programme_day: day,
        exported_at: &anchor.exported_at,
        exported_by: store.actor(),
        chain: JsonChain::of(anchor),
        count: rows.len(),
        pilots: JsonRows(rows),
    };
    super::write_json(w, &doc).map_err(|e| write_error("the pilot inventory", e))
}
