//! `lastmile rights`: a pilot's decision rights (who may promote, deploy,
//! roll back...) and the threshold under which each is used.

use super::args::RightsArgs;
use super::output::{outln, print_json, Table};
use super::{CliError, CliResult, Ctx};
use crate::domain::rights::{coverage, matrix, RightRow};
use crate::text::sanitize;

/// The playbook's right keys, in order.
fn keys(ctx: &Ctx) -> Vec<&str> {
    ctx.playbook.rights.iter().map(|r| r.key.as_str()).collect()
}

pub fn rights(ctx: &mut Ctx, a: RightsArgs) -> CliResult {
    let p = ctx.store.find_pilot(&a.pilot)?;
    let Some(right) = a.right else {
        if a.person.is_some() || a.threshold.is_some() || a.clear {
            return Err(CliError::Usage(
                "name the right to change (its key, from 'lastmile rights PILOT')".into(),
            ));
        }
        let rows = matrix(&ctx.playbook, &ctx.store.rights(p.id, &keys(ctx))?);
        if a.json {
            let (assigned, total) = coverage(&rows);
            return Ok(print_json(&serde_json::json!({
                "pilot": p.name,
                "assigned": assigned,
                "total": total,
                "rights": rows,
            }))?);
        }
        outln!("{}", list(&p.name, &rows));
        return Ok(());
    };
    if ctx.playbook.rights.is_empty() {
        return Err(CliError::Usage(
            "the playbook lists no decision rights: add [[rights]] entries to it first".into(),
        ));
    }
    let def = ctx.playbook.find_right(&right)?.clone();
    let seen = ctx.store.rights(p.id, &[])?.into_iter().find(|r| r.key == def.key);
    if a.clear {
        let Some(held) = seen else {
            outln!(
                "Nobody holds the right to {} for '{}': nothing to clear.",
                sanitize(&def.name).to_lowercase(),
                sanitize(&p.name)
            );
            return Ok(());
        };
        ctx.store
            .write(|tx| tx.clear_right(p.id, &def.key, &def.name, held.revision))?;
        outln!(
            "{} no longer holds the right to {} for '{}'.",
            sanitize(&held.person),
            sanitize(&def.name).to_lowercase(),
            sanitize(&p.name)
        );
        return Ok(());
    }
    let (Some(person), Some(threshold)) = (a.person, a.threshold) else {
        return Err(CliError::Usage(format!(
            "give the person and the threshold: lastmile rights '{}' {} PERSON --threshold TEXT{}",
            sanitize(&p.name),
            def.key,
            if def.hint.is_empty() {
                String::new()
            } else {
                format!(" ({})", sanitize(&def.hint))
            }
        )));
    };
    let person = ctx.store.find_person(&person)?;
    ctx.store.write(|tx| {
        tx.assign_right(
            p.id,
            &def.key,
            &def.name,
            person.id,
            &threshold,
            seen.as_ref().map(|s| s.revision),
        )
    })?;
    outln!(
        "{} now holds the right to {} for '{}' (threshold: {}).",
        sanitize(&person.name),
        sanitize(&def.name).to_lowercase(),
        sanitize(&p.name),
        sanitize(threshold.trim())
    );
    Ok(())
}

/// The matrix as a table, with how many rights are assigned.
fn list(pilot: &str, rows: &[RightRow]) -> String {
    let mut t = Table::new(&["KEY", "RIGHT", "HELD BY", "THRESHOLD"], &[20, 40, 24, 60]);
    for r in rows {
        let (who, threshold) = match &r.holder {
            Some(h) => (sanitize(&h.person), sanitize(&h.threshold)),
            None => ("-".to_string(), "not assigned".to_string()),
        };
        let name = if r.retired {
            format!("{} (no longer in the playbook)", sanitize(&r.name))
        } else {
            sanitize(&r.name)
        };
        t.row(vec![sanitize(&r.key), name, who, threshold]);
    }
    let (assigned, total) = coverage(rows);
    format!(
        "Decision rights of '{}': {assigned} of {total} assigned.\n{}",
        sanitize(pilot),
        t.render()
    )
}
