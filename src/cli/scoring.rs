//! Commands for judgement: scores, rubric answers, decisions, blockers.

use super::args::{DecideArgs, RubricArgs, ScoreArgs, WhyArgs};
use super::output::print_json;
use super::{CliError, CliResult, Ctx};
use crate::domain::model::{Criterion, Dimension, NewDecision, Rag};
use crate::domain::readiness::{assess, Blocker, Severity};
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
        let verdict = crate::domain::readiness::verdict(&ctx.store.facts(&ctx.playbook, p.id, ctx.day()?)?);
        println!(
            "Scored {} of '{}' {} ({}). Readiness is now {} {}.",
            dim.label(),
            sanitize(&p.name),
            rating.label().to_lowercase(),
            rating.letter(),
            verdict.mark(),
            verdict.label()
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
    println!("{}", sanitize(&p.name));
    for r in &results {
        let rubric = ctx.playbook.rubric(&r.rubric).expect("results come from the playbook");
        let answers = ctx.store.current_answers(p.id, &r.rubric)?;
        println!("  {} — {}", sanitize(&r.name), r.summary());
        for q in rubric.questions() {
            let a = answers
                .get(&q.key)
                .map(|s| sanitize(&s.answer))
                .unwrap_or_else(|| "—".into());
            println!("    {:<28} {a}", sanitize(&q.text));
        }
        for hit in &r.rules {
            println!("    * {}", sanitize(&hit.label));
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
    println!(
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
    };
    let id = ctx.store.write(|tx| tx.record_decision(p.id, &d))?;
    let outcome = d.outcome.expect("set above");
    println!(
        "Recorded decision #{id}: {} for '{}', decided by {}.{}",
        outcome.label(),
        sanitize(&p.name),
        sanitize(&by.name),
        if d.communicated { "" } else { " Not yet communicated." }
    );
    Ok(())
}

pub fn why(ctx: &mut Ctx, a: WhyArgs) -> CliResult {
    let p = ctx.store.find_pilot(&a.pilot)?;
    let r = assess(&ctx.store.facts(&ctx.playbook, p.id, ctx.day()?)?);
    if a.json {
        return Ok(print_json(&r)?);
    }
    println!("{}: {} {}", sanitize(&p.name), r.verdict.mark(), r.verdict.label());
    for b in &r.blockers {
        let tag = match b.severity() {
            Severity::Block => "blocks",
            Severity::Warn => "warns ",
        };
        println!("  {tag}  {}", sanitize(&b.describe()));
        if let Blocker::OpenGates { items, .. } | Blocker::Overdue { items, .. } = b {
            for i in items.iter().take(8) {
                println!("          - day {:>2}  {}", i.due_day, sanitize(&i.text));
            }
            if items.len() > 8 {
                println!("          … and {} more", items.len() - 8);
            }
        }
    }
    if r.blockers.is_empty() {
        println!("  Nothing blocks it: record a decision with 'lastmile decide'.");
    }
    Ok(())
}
