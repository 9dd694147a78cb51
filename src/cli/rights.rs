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
    let held_now = ctx.store.rights(p.id, &[])?;
    let def = match ctx.playbook.find_right(&right) {
        Ok(d) => d.clone(),
        // A right the playbook no longer lists can still be taken away.
        Err(_) if a.clear && held_now.iter().any(|r| r.key == right.trim()) => crate::playbook::RightDef {
            key: right.trim().to_string(),
            name: right.trim().to_string(),
            hint: String::new(),
        },
        Err(_) if ctx.playbook.rights.is_empty() => {
            return Err(CliError::Run(crate::Error::invalid(
                "the playbook lists no decision rights: add [[rights]] entries to it first",
            )))
        }
        Err(e) => return Err(e.into()),
    };
    let seen = held_now.into_iter().find(|r| r.key == def.key);
    let label = sanitize(&def.name).to_lowercase();
    if a.clear {
        let Some(held) = seen else {
            if a.json {
                return Ok(print_json(&change_json(&p.name, &def.key, None, None))?);
            }
            outln!(
                "Nobody holds the right to {label} for '{}': nothing to clear.",
                sanitize(&p.name)
            );
            return Ok(());
        };
        let old = ctx
            .store
            .write(|tx| tx.clear_right(p.id, &def.key, &def.name, held.revision))?;
        if a.json {
            return Ok(print_json(&change_json(&p.name, &def.key, old.as_ref(), None))?);
        }
        outln!(
            "{} no longer holds the right to {label} for '{}'.",
            sanitize(&old.as_ref().unwrap_or(&held).person),
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
    let change = ctx.store.write(|tx| {
        tx.assign_right(
            p.id,
            &def.key,
            &def.name,
            person.id,
            &threshold,
            seen.as_ref().map(|s| s.revision),
        )
    })?;
    if a.json {
        return Ok(print_json(&change_json(
            &p.name,
            &def.key,
            change.old.as_ref(),
            change.new.as_ref(),
        ))?);
    }
    let Some(now) = change.new else {
        return Err(CliError::Run(crate::Error::invalid(
            "the right was not assigned: try again",
        )));
    };
    if change.old.as_ref() == Some(&now) {
        outln!(
            "{} already holds the right to {label} for '{}' with that threshold: nothing changed.",
            sanitize(&now.person),
            sanitize(&p.name)
        );
        return Ok(());
    }
    outln!(
        "{} now holds the right to {label} for '{}' (threshold: {}).",
        sanitize(&now.person),
        sanitize(&p.name),
        sanitize(&now.threshold)
    );
    Ok(())
}

/// A change of one right as JSON: what was held before and what is now.
fn change_json(
    pilot: &str,
    key: &str,
    old: Option<&crate::domain::model::RightAssignment>,
    new: Option<&crate::domain::model::RightAssignment>,
) -> serde_json::Value {
    serde_json::json!({
        "pilot": pilot,
        "right": key,
        "before": old,
        "after": new,
        "changed": old != new,
    })
}

/// The matrix as a table, with how many rights are assigned.
fn list(pilot: &str, rows: &[RightRow]) -> String {
    let mut t = Table::new(
        &["KEY", "RIGHT", "HELD BY", "THRESHOLD"],
        &[20, 40, 24, crate::store::THRESHOLD_MAX],
    );
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
