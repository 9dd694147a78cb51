//! `lastmile check --programme [ITEM [STATE]]`: the programme checklist,
//! the work done once for the whole portfolio (the playbook's items with
//! `scope = "programme"`).

use super::args::{CheckArgs, StateArg};
use super::output::{out, outln, print_json, Table};
use super::{CliError, CliResult, Ctx};
use crate::domain::calendar::describe_day;
use crate::domain::model::{ItemState, ProgrammeItem};
use crate::text::sanitize;
use crate::Error;
use clap::ValueEnum;

pub fn check(ctx: &mut Ctx, a: CheckArgs) -> CliResult {
    // With --programme the positionals are ITEM and STATE.
    let (item, state) = (a.pilot, a.item);
    if a.state.is_some() {
        return Err(CliError::Usage(
            "with --programme give the item and then its state: lastmile check --programme ITEM STATE".into(),
        ));
    }
    let state = match state {
        None => None,
        Some(s) => Some(ItemState::from(StateArg::from_str(&s, true).map_err(|_| {
            CliError::Usage(format!(
                "'{}' is not a state: use todo, doing, done, na or blocked",
                sanitize(&s)
            ))
        })?)),
    };
    let Some(key) = item else {
        if a.owner.is_some() || a.note.is_some() {
            return Err(CliError::Usage(
                "name the programme item to change (its key, from 'lastmile check --programme')".into(),
            ));
        }
        return list(ctx, &a.phase.map(Into::into), a.json);
    };
    if state.is_none() && a.owner.is_none() && a.note.is_none() {
        // `check --programme done`: the state came without its item.
        if StateArg::from_str(key.trim(), true).is_ok() {
            return Err(CliError::Usage(format!(
                "name the item before its state: lastmile check --programme ITEM {} (the keys: lastmile check --programme)",
                sanitize(key.trim())
            )));
        }
        return Err(CliError::Usage(
            "give a state (todo, doing, done, na, blocked), --owner or --note".into(),
        ));
    }
    if a.phase.is_some() {
        return Err(CliError::Usage(
            "--phase narrows the listing only: drop it to change an item".into(),
        ));
    }
    let owner = super::pilots::owner_change(ctx, a.owner.as_deref())?;
    let programme = ctx.playbook.programme_items();
    let id = ctx.store.write(|tx| {
        tx.ensure_programme_items(&programme)?;
        let items = tx.programme_items()?;
        let item = find(&items, &key)?.clone();
        let mut rev = item.revision;
        // The note first: it is the reason a "not applicable" needs.
        if let Some(n) = &a.note {
            tx.set_programme_item_note(item.id, rev, n)?;
            rev = current(tx, item.id)?;
        }
        if let Some(s) = state {
            tx.set_programme_item_state(item.id, rev, s)?;
            rev = current(tx, item.id)?;
        }
        if let Some(o) = owner {
            tx.set_programme_item_owner(item.id, rev, o)?;
        }
        Ok(item.id)
    })?;
    let now = ctx
        .store
        .programme_items()?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| Error::not_found("the programme item is gone"))?;
    if a.json {
        return Ok(print_json(&now)?);
    }
    outln!(
        "{} {} (programme) — {}{}",
        now.state.mark(),
        sanitize(&now.text),
        now.state.label(),
        now.owner
            .as_ref()
            .map(|o| format!(", owner {}", sanitize(o)))
            .unwrap_or_default()
    );
    Ok(())
}

/// An item's revision now, inside the transaction.
fn current(tx: &crate::store::Tx<'_>, id: i64) -> crate::Result<i64> {
    tx.programme_items()?
        .into_iter()
        .find(|i| i.id == id)
        .map(|i| i.revision)
        .ok_or_else(|| Error::not_found("the programme item is gone"))
}

/// The item a key (or a unique prefix of one) names.
fn find<'a>(items: &'a [ProgrammeItem], key: &str) -> crate::Result<&'a ProgrammeItem> {
    let k = key.trim().to_lowercase();
    if let Some(i) = items.iter().find(|i| i.item_key == k) {
        return Ok(i);
    }
    let hits: Vec<&ProgrammeItem> = items.iter().filter(|i| i.item_key.starts_with(&k)).collect();
    match hits.as_slice() {
        [one] if !k.is_empty() => Ok(one),
        [] | [_] => Err(Error::not_found(format!(
            "the programme checklist has no item '{}': list the keys with 'lastmile check --programme'",
            sanitize(key)
        ))),
        _ => Err(Error::invalid(format!(
            "'{}' matches {} programme items ({}): type more of the key",
            sanitize(key),
            hits.len(),
            hits.iter().map(|i| i.item_key.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

fn list(ctx: &mut Ctx, phase: &Option<crate::domain::model::Phase>, json: bool) -> CliResult {
    let all = ctx.store.programme_items()?;
    let items: Vec<&ProgrammeItem> = all.iter().filter(|i| phase.is_none_or(|p| i.phase == p)).collect();
    if json {
        return Ok(print_json(&items)?);
    }
    let missing = {
        ctx.playbook
            .programme_items()
            .iter()
            .filter(|t| phase.is_none_or(|p| t.phase == p) && !all.iter().any(|i| i.item_key == t.key))
            .count()
    };
    if items.is_empty() && missing == 0 {
        outln!(
            "The playbook has no programme-wide items{}.",
            if phase.is_some() { " in that phase" } else { "" }
        );
        return Ok(());
    }
    let day = ctx.day()?;
    let late = items.iter().any(|i| i.state.is_open() && i.due_day < day);
    let mut t = Table::new(&["", "KEY", "ITEM", "DUE", "OWNER"], &[3, 26, 80, 8, 24]);
    for i in &items {
        let due = if i.state.is_open() && i.due_day < day {
            format!("{}!", i.due_day)
        } else {
            i.due_day.to_string()
        };
        t.row(vec![
            i.state.mark().into(),
            sanitize(&i.item_key),
            sanitize(&i.text),
            due,
            i.owner.as_deref().map(sanitize).unwrap_or_default(),
        ]);
    }
    outln!("Programme checklist (done once for the whole portfolio):");
    out!("{}", t.render());
    if late {
        outln!("! overdue (today is {})", describe_day(day));
    }
    if missing > 0 {
        outln!(
            "The playbook has {missing} more programme item(s) this file lacks: 'lastmile playbook sync' adds them."
        );
    }
    Ok(())
}
