//! `lastmile status`: the portfolio at a glance.

use super::output::outln;
use super::output::print_json;
use super::{CliResult, Ctx};
use crate::domain::calendar::describe_day;
use crate::domain::candidates::{rank, Candidate};
use crate::domain::model::Phase;
use crate::domain::readiness::Verdict;
use crate::store::candidate_facts;
use crate::text::{pad, sanitize, truncate};
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the `status --json` shape.
pub const STATUS_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct StatusJson<'a> {
    schema_version: u32,
    programme: ProgrammeJson,
    pilots: usize,
    by_phase: BTreeMap<&'static str, usize>,
    by_readiness: BTreeMap<&'static str, usize>,
    phase_readiness: BTreeMap<&'static str, BTreeMap<&'static str, usize>>,
    /// Stopped pilots and pilots in production: out of the verdict counts.
    left_gates: usize,
    candidates: Vec<Candidate>,
    blockers: Vec<PilotBlockers<'a>>,
}

#[derive(Serialize)]
struct ProgrammeJson {
    name: String,
    start_date: String,
    day: i64,
    phase: &'static str,
}

#[derive(Serialize)]
struct PilotBlockers<'a> {
    pilot: &'a str,
    phase: &'static str,
    verdict: Verdict,
    blockers: &'a [std::sync::Arc<str>],
}

pub fn status(ctx: &mut Ctx, json: bool) -> CliResult {
    let prog = ctx.store.programme()?;
    let day = ctx.day()?;
    let rows = ctx.store.portfolio(&ctx.playbook, day)?;
    let mut by_phase = BTreeMap::new();
    let mut by_readiness = BTreeMap::new();
    let mut phase_readiness: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for p in Phase::ALL {
        by_phase.insert(p.key(), 0);
        phase_readiness.insert(p.key(), Verdict::ALL.iter().map(|v| (v.key(), 0)).collect());
    }
    for v in Verdict::ALL {
        by_readiness.insert(v.key(), 0);
    }
    let mut left_gates = 0;
    for r in &rows {
        *by_phase.entry(r.phase.key()).or_default() += 1;
        let Some(v) = r.verdict else {
            left_gates += 1;
            continue;
        };
        *by_readiness.entry(v.key()).or_default() += 1;
        *phase_readiness
            .entry(r.phase.key())
            .or_default()
            .entry(v.key())
            .or_default() += 1;
    }
    let candidates: Vec<Candidate> = rank(&candidate_facts(&rows)).into_iter().take(3).collect();
    let blockers: Vec<PilotBlockers> = rows
        .iter()
        .filter_map(|r| match r.verdict {
            Some(v) if v != Verdict::Ready => Some(PilotBlockers {
                pilot: &r.name,
                phase: r.phase.key(),
                verdict: v,
                blockers: &r.unmet,
            }),
            _ => None,
        })
        .collect();
    if json {
        return Ok(print_json(&StatusJson {
            schema_version: STATUS_SCHEMA_VERSION,
            programme: ProgrammeJson {
                name: prog.name,
                start_date: prog.start_date.to_string(),
                day,
                phase: Phase::of_day(day).key(),
            },
            pilots: rows.len(),
            by_phase,
            by_readiness,
            phase_readiness,
            left_gates,
            candidates,
            blockers,
        })?);
    }
    outln!(
        "{} — {} (day 1 = {})",
        sanitize(&prog.name),
        describe_day(day),
        prog.start_date
    );
    if rows.is_empty() {
        outln!("No pilots yet: add one with 'lastmile pilots add NAME', import a CSV, or load the demo with 'lastmile demo'.");
        return Ok(());
    }
    if left_gates > 0 {
        outln!(
            "{} pilots ({left_gates} stopped or in production, out of the counts)\n",
            rows.len()
        );
    } else {
        outln!("{} pilots\n", rows.len());
    }
    outln!(
        "{:<22} {:>6} {:>11} {:>9} {:>7}",
        "PHASE",
        "PILOTS",
        "✗ NOT READY",
        "! AT RISK",
        "✓ READY"
    );
    for p in Phase::ALL {
        let pr = &phase_readiness[p.key()];
        outln!(
            "{:<22} {:>6} {:>11} {:>9} {:>7}",
            p.label(),
            by_phase[p.key()],
            pr["not-ready"],
            pr["at-risk"],
            pr["ready"]
        );
    }
    outln!(
        "{:<22} {:>6} {:>11} {:>9} {:>7}",
        "All",
        rows.len() - left_gates,
        by_readiness["not-ready"],
        by_readiness["at-risk"],
        by_readiness["ready"]
    );
    if !candidates.is_empty() {
        outln!("\nTop assessment candidates (strong case, actionable gaps)");
        for (i, c) in candidates.iter().enumerate() {
            let total = c.selection_total.map_or("unscored".to_string(), |t| format!("{t}/25"));
            let flags = [(c.strong, "strong"), (c.red_flag, "red flag")]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join(", ");
            outln!(
                "  {}. {} selection {}{flags}",
                i + 1,
                pad(&truncate(&sanitize(&c.name), 36), 36),
                pad(&total, 10)
            );
        }
    }
    outln!("\nBlockers at each pilot's current gate");
    for b in blockers.iter().take(12) {
        let first = b.blockers.first().cloned().unwrap_or_default();
        let more = if b.blockers.len() > 1 {
            format!(" (+{} more)", b.blockers.len() - 1)
        } else {
            String::new()
        };
        outln!(
            "  {} {} {}{more}",
            pad(&truncate(&sanitize(b.pilot), 34), 34),
            b.verdict.mark(),
            sanitize(&first)
        );
    }
    if blockers.len() > 12 {
        outln!(
            "  … and {} more pilots (lastmile status --json lists all)",
            blockers.len() - 12
        );
    }
    Ok(())
}
