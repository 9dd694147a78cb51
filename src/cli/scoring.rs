//! Commands for judgement: scores, rubric answers, decisions, blockers.

use super::args::{DecideArgs, RubricArgs, ScoreArgs, WhyArgs};
use super::output::outln;
use super::output::print_json;
use super::{CliError, CliResult, Ctx};
use crate::domain::gates::{Gap, GateResult, ItemGap, Standing};
use crate::domain::model::{Criterion, Dimension, NewDecision, Rag};
use crate::playbook::READINESS_RUBRIC;
use crate::text::sanitize;

pub fn score(ctx: &mut Ctx, a: ScoreArgs) -> CliResult {
    let p = ctx.store.find_pilot(&a.pilot)?;
    if let (Some(dim), Some(rating)) = (a.dimension, a.rating) {
        let why = a.why.unwrap_or_default();
        if why.trim().is_empty() {
            return Err(CliError::Usage(
                "give a rationale with --why \"...\" (what evidence supports this rating)".into(),
            ));
        }
        let (dim, rating): (Dimension, Rag) = (dim.into(), rating.into());
        let rubric = ctx.playbook.find_rubric(READINESS_RUBRIC)?.clone();
        let scale = ctx.playbook.scale_of(&rubric).clone();
        ctx.store
            .write(|tx| tx.add_score(p.id, &rubric, &scale, dim.key(), rating.key(), &why))?;
        let j = ctx.store.judge(&ctx.playbook, p.id)?;
        let (mark, label) = crate::domain::readiness::shown(j.verdict(), p.status);
        outln!(
            "Scored {} of '{}' {} ({}). Readiness is now {mark} {label}.",
            dim.label(),
            sanitize(&p.name),
            rating.label().to_lowercase(),
            rating.letter(),
        );
        return Ok(());
    }
    let results = ctx.store.rubric_results(&ctx.playbook, p.id)?;
    if a.json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            pilot: &'a str,
            rubrics: &'a [crate::playbook::rubric::RubricResult],
        }
        return Ok(print_json(&Out {
            pilot: &p.name,
            rubrics: &results,
        })?);
    }
    outln!("{}", sanitize(&p.name));
    for r in &results {
        let rubric = ctx.playbook.rubric(&r.rubric).expect("results come from the playbook");
        let answers = ctx.store.current_answers(p.id, &r.rubric)?;
        outln!("  {} — {}", sanitize(&r.name), r.summary());
        for q in rubric.questions() {
            let a = answers
                .get(&q.key)
                .map(|s| sanitize(&s.answer))
                .unwrap_or_else(|| "—".into());
            outln!("    {:<28} {a}", sanitize(&q.text));
        }
        for hit in &r.rules {
            outln!("    * {}", sanitize(&hit.label));
        }
    }
    Ok(())
}

pub fn rubric(ctx: &mut Ctx, a: RubricArgs) -> CliResult {
    let p = ctx.store.find_pilot(&a.pilot)?;
    let rubric = ctx.playbook.find_rubric(&a.rubric)?.clone();
    let scale = ctx.playbook.scale_of(&rubric).clone();
    ctx.store
        .write(|tx| tx.add_score(p.id, &rubric, &scale, &a.question, &a.answer, &a.why))?;
    let result = ctx
        .store
        .rubric_results(&ctx.playbook, p.id)?
        .into_iter()
        .find(|r| r.rubric == rubric.key)
        .expect("the rubric is in the playbook");
    outln!(
        "Recorded. {} for '{}': {}.",
        sanitize(&rubric.name),
        sanitize(&p.name),
        result.summary()
    );
    Ok(())
}

pub fn decide(ctx: &mut Ctx, a: DecideArgs) -> CliResult {
    let p = ctx.store.find_pilot(&a.pilot)?;
    let by = ctx.store.find_person(&a.by)?;
    let mut criteria = Vec::new();
    for c in &a.criteria {
        let (text, met) = c.rsplit_once('=').ok_or_else(|| {
            CliError::Usage(format!(
                "criterion '{}' needs '=met' or '=unmet' at the end",
                sanitize(c)
            ))
        })?;
        let met = match met.trim().to_lowercase().as_str() {
            "met" | "yes" | "y" | "true" => true,
            "unmet" | "not met" | "no" | "n" | "false" => false,
            other => {
                return Err(CliError::Usage(format!(
                    "criterion '{}' ends in '{}': use =met or =unmet",
                    sanitize(text),
                    sanitize(other)
                )))
            }
        };
        criteria.push(Criterion {
            criterion: text.to_string(),
            met,
            need: None,
        });
    }
    let d = NewDecision {
        outcome: Some(a.outcome.into()),
        criteria,
        rationale: a.why,
        decided_by: by.id,
        decided_on: match a.date {
            Some(d) => crate::domain::calendar::parse_date("decision date (--date)", &d)
                .map_err(|e| CliError::Usage(e.to_string()))?
                .to_string(),
            None => String::new(),
        },
        stop_conditions: a.stop,
        communicated: a.communicated,
        override_reason: a.override_reason.unwrap_or_default(),
        pivot_to: a.to.map(Into::into),
        review_on: match a.review {
            Some(d) => crate::domain::calendar::parse_date("review date (--review)", &d)
                .map_err(|e| CliError::Usage(e.to_string()))?
                .to_string(),
            None => String::new(),
        },
    };
    let pb = ctx.playbook.clone();
    let rec = ctx.store.write(|tx| tx.record_decision(&pb, p.id, &d))?;
    let outcome = d.outcome.expect("set above");
    outln!(
        "Recorded decision #{}: {} at the {} for '{}', decided by {}: {}.{}",
        rec.id,
        outcome.label(),
        sanitize(&pb.gate(rec.gate).name.to_lowercase()),
        sanitize(&p.name),
        sanitize(&by.name),
        rec.effect.describe(),
        if d.communicated { "" } else { " Not yet communicated." }
    );
    if !rec.overridden.is_empty() {
        outln!(
            "Override: {} unmet must-meet criteria passed on the decision-maker's written reason ({}); the log marks it.",
            rec.overridden.len(),
            rec.overridden.iter().map(|c| sanitize(c)).collect::<Vec<_>>().join("; ")
        );
    }
    if rec.maker_is_owner {
        outln!(
            "Warning: {} is one of the pilot's owners, so this review is of their own work; the log records it.",
            sanitize(&by.name)
        );
    }
    Ok(())
}

pub fn why(ctx: &mut Ctx, a: WhyArgs) -> CliResult {
    let p = ctx.store.find_pilot(&a.pilot)?;
    let j = ctx.store.judge(&ctx.playbook, p.id)?;
    if a.json {
        #[derive(serde::Serialize)]
        struct Why<'a> {
            pilot: &'a str,
            phase: crate::domain::model::Phase,
            status: crate::domain::model::Status,
            /// The gate of the phase the pilot is in (null once stopped or
            /// in production).
            current_gate: Option<&'a GateResult>,
            production_gate: &'a GateResult,
        }
        return Ok(print_json(&Why {
            pilot: &p.name,
            phase: p.phase,
            status: p.status,
            current_gate: j.current.as_ref(),
            production_gate: &j.production,
        })?);
    }
    match &j.current {
        Some(g) => {
            outln!(
                "{}: {} {} for the {}",
                sanitize(&p.name),
                g.verdict.mark(),
                g.verdict.label(),
                sanitize(&g.name.to_lowercase())
            );
            print_gate(g);
            if g.phase != j.production.phase {
                let pg = &j.production;
                outln!(
                    "Production gate, now: {} {} ({} of {} must-meet criteria unmet)",
                    pg.verdict.mark(),
                    pg.verdict.label(),
                    pg.blockers().count(),
                    pg.criteria
                        .iter()
                        .filter(|c| c.need == crate::playbook::Need::Must)
                        .count()
                );
                for c in pg.blockers() {
                    outln!("  blocks  {}", sanitize(&c.label));
                }
            }
            if g.verdict == crate::domain::Verdict::Ready {
                outln!("  Nothing blocks it: record the gate decision with 'lastmile decide'.");
            }
        }
        None => outln!(
            "{}: {} — it has left the gates; it stays in the inventory, the log and the exports.",
            sanitize(&p.name),
            p.status.label()
        ),
    }
    Ok(())
}

/// Each criterion of a gate with its standing, and what is missing.
fn print_gate(g: &GateResult) {
    for c in &g.criteria {
        let tag = match c.standing {
            Standing::Met => "met   ",
            Standing::Unmet => "blocks",
            Standing::Warn => "warns ",
        };
        outln!("  {tag}  {}", sanitize(&c.label));
        for gap in &c.gaps {
            print_gap(gap);
        }
    }
    for w in &g.warnings {
        outln!("  warns   {}", sanitize(&w.describe()));
        print_gap(w);
    }
}

fn print_gap(gap: &Gap) {
    match gap {
        Gap::Items { items } => {
            for (i, why) in items.iter().take(8) {
                let what = match why {
                    ItemGap::Open => "open",
                    ItemGap::NoEvidence => "done, no evidence yet: add a note or a link",
                    ItemGap::NoReason => "not applicable, no reason: add one",
                };
                outln!("          - day {:>2}  {} ({what})", i.due_day, sanitize(&i.text));
            }
            if items.len() > 8 {
                outln!("          … and {} more", items.len() - 8);
            }
        }
        Gap::Overdue { items, .. } => {
            for i in items.iter().take(8) {
                outln!("          - day {:>2}  {}", i.due_day, sanitize(&i.text));
            }
        }
        other => outln!("          - {}", sanitize(&other.describe())),
    }
}
