//! The decision log: every decision with its pilot, outcome, criteria (and
//! whether each was met), rationale, decision-maker, date, stop conditions,
//! whether it was communicated, and the later decision that superseded it.
//! Decisions are listed in the order they were recorded, which is the order
//! of the hash chain; every format states the chain's [`Anchor`].

use super::escape::{csv_cell, html, md, md_hash, scrub};
use super::{html as frame, to_string, write_error, Anchor, Format, JsonChain, DECISIONS_SCHEMA_VERSION};
use crate::domain::model::{Criterion, Decision};
use crate::store::{DecisionFilter, Store};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Decisions in the export (after the filter).
    pub decisions: usize,
    /// The decision chain as stated in the export.
    pub anchor: Anchor,
}

/// Render the decision log in `format` (for the TUI and tests).
pub fn render(store: &Store, format: Format, filter: &DecisionFilter) -> Result<String> {
    to_string(|w| write(store, format, filter, w).map(|_| ()))
}

/// Write the decision log in `format` to `out` (wrap files in a
/// `BufWriter`, or use [`super::write_file`]).
pub fn write(store: &Store, format: Format, filter: &DecisionFilter, out: &mut dyn Write) -> Result<Summary> {
    let log = Log::load(store, filter)?;
    let target = "the decision log";
    match format {
        Format::Markdown => write_md(&log, out).map_err(|e| write_error(target, e))?,
        Format::Csv => write_csv(&log, out)?,
        Format::Json => write_json(&log, out)?,
        Format::Html => write_html(&log, out).map_err(|e| write_error(target, e))?,
    }
    Ok(Summary {
        decisions: log.decisions.len(),
        anchor: log.anchor,
    })
}

/// Everything one export states.
struct Log {
    programme: String,
    exported_by: String,
    anchor: Anchor,
    since: Option<String>,
    pilots: Vec<String>,
    /// In the order they were recorded (chain order).
    decisions: Vec<Decision>,
}

impl Log {
    fn load(store: &Store, filter: &DecisionFilter) -> Result<Log> {
        let (anchor, mut decisions) = super::anchored(store, || store.decisions(filter))?;
        decisions.reverse();
        let mut pilots = Vec::with_capacity(filter.pilot_ids.len());
        for id in &filter.pilot_ids {
            pilots.push(store.pilot(*id)?.name);
        }
        Ok(Log {
            programme: store.programme()?.name,
            exported_by: store.actor().to_string(),
            anchor,
            since: filter.since.clone(),
            pilots,
            decisions,
        })
    }

    /// "5 decisions" or "2 of 5 decisions (decided on or after ...)".
    fn scope(&self) -> String {
        let n = self.decisions.len();
        let noun = if n == 1 { "decision" } else { "decisions" };
        let mut parts = Vec::new();
        if let Some(s) = &self.since {
            parts.push(format!("decided on or after {s}"));
        }
        if !self.pilots.is_empty() {
            parts.push(format!("for {}", self.pilots.join(", ")));
        }
        if parts.is_empty() {
            format!("{n} {noun}")
        } else {
            format!("{n} {noun} ({})", parts.join("; "))
        }
    }
}

fn criteria_met(c: &[Criterion]) -> usize {
    c.iter().filter(|c| c.met).count()
}

fn met_word(met: bool) -> &'static str {
    if met {
        "Met"
    } else {
        "Not met"
    }
}

/// The gate a decision was taken at ("Assessment gate", or "—" for one
/// recorded before gates existed).
pub(crate) fn gate_name(d: &Decision) -> String {
    d.gate.map_or("—".to_string(), |p| format!("{} gate", p.label()))
}

/// The outcome with what it carried: a go's override, a pivot's phase, a
/// defer's review date.
pub(crate) fn outcome_text(d: &Decision) -> String {
    let mut s = d.outcome.label().to_string();
    if let Some(p) = d.pivot_to {
        s.push_str(&format!(", back to {}", p.label()));
    }
    if let Some(r) = &d.review_on {
        s.push_str(&format!(", review on {r}"));
    }
    if !d.override_reason.is_empty() {
        s.push_str(&format!(
            " — OVERRIDE of unmet must-meet criteria: {}",
            d.override_reason
        ));
    }
    s
}

/// The decision-maker, marked when they own the pilot.
pub(crate) fn maker_text(d: &Decision) -> String {
    if d.maker_is_owner {
        format!("{} (one of the pilot's owners)", d.decided_by)
    } else {
        d.decided_by.clone()
    }
}

/// A criterion as exported: "Met (must): ...".
fn criterion_text(c: &Criterion) -> String {
    let need = match c.need {
        Some(crate::playbook::Need::Must) => " (must)",
        Some(crate::playbook::Need::Should) => " (should)",
        None => "",
    };
    format!("{}{need}: {}", met_word(c.met), c.criterion)
}

// ---------------------------------------------------------------- Markdown

fn write_md(log: &Log, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "# Decision log: {}\n", md(&log.programme))?;
    writeln!(
        w,
        "{}, exported {} by {}.\n",
        md(&log.scope()),
        log.anchor.exported_at,
        md(&log.exported_by)
    )?;
    writeln!(w, "{}\n", log.anchor.markdown("this is still the log in the file"))?;
    if log.decisions.is_empty() {
        writeln!(w, "No decisions recorded.")?;
        return Ok(());
    }
    writeln!(
        w,
        "| # | Pilot | Gate | Outcome | Decided on | Decided by | Criteria | Rationale | Stop conditions | Communicated | Superseded by | Hash |"
    )?;
    writeln!(w, "|--:|---|---|---|---|---|---|---|---|---|---|---|")?;
    for d in &log.decisions {
        let criteria = if d.criteria.is_empty() {
            "—".to_string()
        } else {
            d.criteria
                .iter()
                .map(|c| md(&criterion_text(c)))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            d.id,
            md(&d.pilot),
            gate_name(d),
            md(&outcome_text(d)),
            md(&d.decided_on),
            md(&maker_text(d)),
            criteria,
            or_dash(md(&d.rationale)),
            or_dash(md(&d.stop_conditions)),
            if d.communicated { "yes" } else { "no" },
            d.superseded_by.map_or("—".to_string(), |id| format!("#{id}")),
            md_hash(short(&d.hash))
        )?;
    }
    Ok(())
}

fn or_dash(s: String) -> String {
    if s.is_empty() {
        "—".into()
    } else {
        s
    }
}

/// The first 12 characters of a hash (enough to spot an entry).
fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

// ---------------------------------------------------------------- CSV

/// The CSV header, in column order.
pub const CSV_COLUMNS: [&str; 25] = [
    "id",
    "pilot",
    "gate",
    "outcome",
    "decided_on",
    "decided_by",
    "criteria",
    "criteria_met",
    "criteria_total",
    "rationale",
    "stop_conditions",
    "communicated",
    "superseded_by",
    "override",
    "pivot_to",
    "review_on",
    "maker_is_owner",
    "recorded_at",
    "recorded_by",
    "hash",
    "chain_head",
    "chain_entries",
    "audit_head",
    "audit_entries",
    "exported_at",
];

fn write_csv(log: &Log, w: &mut dyn Write) -> Result<()> {
    let err = |e: csv::Error| Error::Io(format!("writing the decision log as CSV failed ({e}): export again"));
    // A byte-order mark, so spreadsheets read the file as UTF-8.
    w.write_all("\u{feff}".as_bytes())
        .map_err(|e| write_error("the decision log", e))?;
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    out.write_record(CSV_COLUMNS).map_err(err)?;
    let entries = log.anchor.entries.to_string();
    let head = csv_cell(&scrub(&log.anchor.head)).into_owned();
    let audit_entries = log.anchor.audit_entries.to_string();
    let audit_head = csv_cell(&scrub(&log.anchor.audit_head)).into_owned();
    let mut criteria = String::new();
    for d in &log.decisions {
        criteria.clear();
        for (i, c) in d.criteria.iter().enumerate() {
            if i > 0 {
                criteria.push('\n');
            }
            criteria.push_str(&scrub(&criterion_text(c)));
        }
        let id = d.id.to_string();
        let met = criteria_met(&d.criteria).to_string();
        let total = d.criteria.len().to_string();
        let superseded = d.superseded_by.map(|s| s.to_string()).unwrap_or_default();
        let pilot = scrub(&d.pilot);
        let decided_by = scrub(&d.decided_by);
        let rationale = scrub(&d.rationale);
        let stop = scrub(&d.stop_conditions);
        let recorded_by = scrub(&d.recorded_by);
        let over = scrub(&d.override_reason);
        out.write_record([
            id.as_str(),
            &csv_cell(&pilot),
            d.gate.map_or("", |g| g.key()),
            d.outcome.key(),
            &csv_cell(&d.decided_on),
            &csv_cell(&decided_by),
            &csv_cell(&criteria),
            &met,
            &total,
            &csv_cell(&rationale),
            &csv_cell(&stop),
            if d.communicated { "yes" } else { "no" },
            &superseded,
            &csv_cell(&over),
            d.pivot_to.map_or("", |p| p.key()),
            &csv_cell(d.review_on.as_deref().unwrap_or("")),
            if d.maker_is_owner { "yes" } else { "no" },
            &csv_cell(&d.recorded_at),
            &csv_cell(&recorded_by),
            &csv_cell(&scrub(&d.hash)),
            &head,
            &entries,
            &audit_head,
            &audit_entries,
            &log.anchor.exported_at,
        ])
        .map_err(err)?;
    }
    out.flush().map_err(|e| write_error("the decision log", e))
}

// ---------------------------------------------------------------- JSON

#[derive(Serialize)]
struct JsonLog<'a> {
    schema_version: u32,
    kind: &'static str,
    programme: &'a str,
    exported_at: &'a str,
    exported_by: &'a str,
    filter: JsonFilter<'a>,
    chain: JsonChain<'a>,
    count: usize,
    decisions: Vec<JsonDecision<'a>>,
}

#[derive(Serialize)]
struct JsonFilter<'a> {
    since: Option<&'a str>,
    pilots: &'a [String],
}

#[derive(Serialize)]
struct JsonDecision<'a> {
    id: i64,
    pilot_id: i64,
    pilot: &'a str,
    /// The phase whose gate was decided (null before gates existed).
    gate: Option<&'static str>,
    outcome: &'static str,
    outcome_label: &'static str,
    /// A go's written reason for passing unmet must-meet criteria ("" when none).
    #[serde(rename = "override")]
    override_reason: &'a str,
    pivot_to: Option<&'static str>,
    review_on: Option<&'a str>,
    maker_is_owner: bool,
    decided_on: &'a str,
    decided_by: &'a str,
    criteria: &'a [Criterion],
    criteria_met: usize,
    rationale: &'a str,
    stop_conditions: &'a str,
    communicated: bool,
    superseded_by: Option<i64>,
    recorded_at: &'a str,
    recorded_by: &'a str,
    hash: &'a str,
}

fn write_json(log: &Log, w: &mut dyn Write) -> Result<()> {
    let doc = JsonLog {
        schema_version: DECISIONS_SCHEMA_VERSION,
        kind: "lastmile.decision-log",
        programme: &log.programme,
        exported_at: &log.anchor.exported_at,
        exported_by: &log.exported_by,
        filter: JsonFilter {
            since: log.since.as_deref(),
            pilots: &log.pilots,
        },
        chain: JsonChain::of(&log.anchor),
        count: log.decisions.len(),
        decisions: log
            .decisions
            .iter()
            .map(|d| JsonDecision {
                id: d.id,
                pilot_id: d.pilot_id,
                pilot: &d.pilot,
                gate: d.gate.map(|g| g.key()),
                outcome: d.outcome.key(),
                outcome_label: d.outcome.label(),
                override_reason: &d.override_reason,
                pivot_to: d.pivot_to.map(|p| p.key()),
                review_on: d.review_on.as_deref(),
                maker_is_owner: d.maker_is_owner,
                decided_on: &d.decided_on,
                decided_by: &d.decided_by,
                criteria: &d.criteria,
                criteria_met: criteria_met(&d.criteria),
                rationale: &d.rationale,
                stop_conditions: &d.stop_conditions,
                communicated: d.communicated,
                superseded_by: d.superseded_by,
                recorded_at: &d.recorded_at,
                recorded_by: &d.recorded_by,
                hash: &d.hash,
            })
            .collect(),
    };
    super::write_json(w, &doc).map_err(|e| write_error("the decision log", e))
}

// ---------------------------------------------------------------- HTML

fn write_html(log: &Log, w: &mut dyn Write) -> std::io::Result<()> {
    frame::open(w, &format!("Decision log: {}", log.programme), "A4 landscape")?;
    writeln!(w, "<header>\n<h1>Decision log: {}</h1>", html(&log.programme))?;
    writeln!(
        w,
        "<p class=\"sub\">{}, exported {} by {}.</p>\n</header>",
        html(&log.scope()),
        html(&log.anchor.exported_at),
        html(&log.exported_by)
    )?;
    frame::anchor(w, &log.anchor)?;
    if log.decisions.is_empty() {
        writeln!(w, "<p>No decisions recorded.</p>")?;
        return frame::close(w, &log.exported_by, &log.anchor.exported_at);
    }
    let present: HashSet<i64> = log.decisions.iter().map(|d| d.id).collect();
    writeln!(
        w,
        "<table class=\"log\">\n<thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">Pilot</th>\
         <th scope=\"col\">Gate</th><th scope=\"col\">Outcome</th><th scope=\"col\">Decided on</th><th scope=\"col\">Decided by</th>\
         <th scope=\"col\">Criteria</th><th scope=\"col\">Rationale</th><th scope=\"col\">Stop conditions</th>\
         <th scope=\"col\">Communicated</th><th scope=\"col\">Superseded by</th><th scope=\"col\">Hash</th></tr></thead>\n<tbody>"
    )?;
    for d in &log.decisions {
        write!(
            w,
            "<tr id=\"d{}\"><td class=\"num\">{}</td><td>{}</td><td>{}</td><td><span class=\"o o-{}\">{}</span>{}</td>\
             <td class=\"nowrap\">{}</td><td>{}</td><td>",
            d.id,
            d.id,
            html(&d.pilot),
            html(&gate_name(d)),
            d.outcome.key(),
            d.outcome.label(),
            {
                let mut extra = String::new();
                if let Some(p) = d.pivot_to {
                    extra.push_str(&format!(", back to {}", html(p.label())));
                }
                if let Some(r) = &d.review_on {
                    extra.push_str(&format!(", review on {}", html(r)));
                }
                if !d.override_reason.is_empty() {
                    extra.push_str(&format!(
                        " <strong class=\"unmet\">OVERRIDE</strong> of unmet must-meet criteria: {}",
                        html(&d.override_reason)
                    ));
                }
                extra
            },
            html(&d.decided_on),
            html(&maker_text(d))
        )?;
        if d.criteria.is_empty() {
            write!(w, "—")?;
        } else {
            write!(w, "<ul class=\"crit\">")?;
            for c in &d.criteria {
                let (class, mark) = if c.met { ("met", "✓") } else { ("unmet", "✗") };
                write!(w, "<li class=\"{class}\">{mark} {}</li>", html(&criterion_text(c)))?;
            }
            write!(w, "</ul>")?;
        }
        let superseded = match d.superseded_by {
            Some(id) if present.contains(&id) => format!("<a href=\"#d{id}\">#{id}</a>"),
            Some(id) => format!("#{id}"),
            None => "—".into(),
        };
        writeln!(
            w,
            "</td><td>{}</td><td>{}</td><td>{}</td><td>{superseded}</td><td><code title=\"{}\">{}</code></td></tr>",
            html(&d.rationale),
            if d.stop_conditions.is_empty() {
                "—".into()
            } else {
                html(&d.stop_conditions)
            },
            if d.communicated { "yes" } else { "no" },
            html(&d.hash),
            html(short(&d.hash))
        )?;
    }
    writeln!(w, "</tbody>\n</table>")?;
    frame::close(w, &log.exported_by, &log.anchor.exported_at)
}
