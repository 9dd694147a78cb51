//! Commands for the inventory: init, demo, pilots, people, owners, checklist.

use super::args::{
    AssignArgs, CheckArgs, DemoArgs, InitArgs, MoveTo, PeopleCmd, PilotsCmd, ShortlistArgs, ShortlistCmd,
};
use super::output::{chips, print_json, Table};
use super::output::{out, outln};
use super::{CliError, CliResult, Ctx};
use crate::domain::calendar::{describe_day, parse_date};
use crate::domain::model::{ItemState, Phase, PilotFields, Role};
use crate::text::sanitize;
use crate::Error;

pub fn init(ctx: &mut Ctx, a: InitArgs) -> CliResult {
    let prog = ctx.store.programme()?;
    if a.name.is_some() || a.start.is_some() {
        let name = a.name.unwrap_or(prog.name.clone());
        let start = match a.start {
            Some(s) => parse_date("start date (--start)", &s).map_err(|e| CliError::Usage(e.to_string()))?,
            None => prog.start_date,
        };
        ctx.store.write(|tx| tx.set_programme(&name, start, prog.revision))?;
    }
    let prog = ctx.store.programme()?;
    outln!(
        "{} is ready: {} (day 1 = {}, today is {}).",
        sanitize(&ctx.store.path().display().to_string()),
        sanitize(&prog.name),
        prog.start_date,
        describe_day(ctx.day()?)
    );
    Ok(())
}

pub fn demo(ctx: &mut Ctx, a: DemoArgs) -> CliResult {
    let started = std::time::Instant::now();
    let what = match a.pilots {
        Some(n) => format!("a demo build of {n} pilots"),
        None => "a demo build".to_string(),
    };
    let note = ctx.store.announce(&what)?;
    let sum = match a.pilots {
        Some(n) => crate::demo::load_synthetic(&mut ctx.store, &ctx.playbook, ctx.today, n as usize, a.seed)?,
        None => crate::demo::load_realistic(&mut ctx.store, &ctx.playbook, ctx.today)?,
    };
    drop(note);
    outln!(
        "Loaded {} pilots, {} people and {} decisions into {} in {:.1}s; day 1 is {} so today is {}.",
        sum.pilots,
        sum.people,
        sum.decisions,
        sanitize(&ctx.store.path().display().to_string()),
        started.elapsed().as_secs_f64(),
        sum.start_date,
        describe_day(ctx.day()?)
    );
    outln!("Next: 'lastmile status', or 'lastmile' to open the workbench.");
    Ok(())
}

pub fn pilots(ctx: &mut Ctx, c: PilotsCmd) -> CliResult {
    match c {
        PilotsCmd::List(f) => {
            let rows = ctx.store.portfolio(&ctx.playbook, ctx.day()?)?;
            if f.json {
                return Ok(print_json(&rows)?);
            }
            if rows.is_empty() {
                outln!(
                    "No pilots yet: add one with 'lastmile pilots add NAME', or load the demo with 'lastmile demo'."
                );
                return Ok(());
            }
            let mut t = Table::new(
                &["PILOT", "SECTOR", "PHASE", "D G I O", "READINESS", "OWNERS", "DONE"],
                &[36, 18, 20, 7, 11, 6, 9],
            );
            for r in &rows {
                t.row(vec![
                    r.name.clone(),
                    sanitize(&ctx.playbook.sector_label(&r.sector)),
                    r.phase.label().into(),
                    chips(&r.dimensions),
                    {
                        let (mark, label) = crate::domain::readiness::shown(r.verdict, r.status);
                        format!("{mark} {label}")
                    },
                    format!("{}/4", r.owner_count()),
                    format!("{}/{}", r.items_done, r.items_total),
                ]);
            }
            out!("{}", t.render());
            Ok(())
        }
        PilotsCmd::Add(a) => {
            let fields = PilotFields {
                name: a.name,
                business_unit: a.unit,
                sector: Some(match &a.sector {
                    Some(s) => ctx.playbook.sector_key(s)?,
                    None => ctx.playbook.default_sector(),
                }),
                business_case: a.business_case,
                data_sources: a.data,
                model_class: a.model,
                integration_footprint: a.integration,
                governance_posture: a.governance,
                status: Some(a.status.into()),
            };
            let items = ctx.playbook.items();
            let programme = ctx.playbook.programme_items();
            let id = ctx.store.write(|tx| {
                tx.ensure_programme_items(&programme)?;
                tx.add_pilot(&fields, &items)
            })?;
            let p = ctx.store.pilot(id)?;
            outln!(
                "Added pilot '{}' ({}, {}) with {} checklist items.",
                sanitize(&p.name),
                sanitize(&ctx.playbook.sector_label(&p.sector)),
                p.phase.label(),
                items.len()
            );
            Ok(())
        }
        PilotsCmd::Show(a) => show(ctx, &a.pilot, a.json),
        PilotsCmd::Move(a) => {
            let p = ctx.store.find_pilot(&a.pilot)?;
            let to = match a.to {
                MoveTo::Next => p.phase.next().ok_or_else(|| {
                    Error::invalid(format!(
                        "'{}' is already in the last phase (Hardening & decision)",
                        sanitize(&p.name)
                    ))
                })?,
                MoveTo::Prev => p.phase.prev().ok_or_else(|| {
                    Error::invalid(format!(
                        "'{}' is already in the first phase (Assessment)",
                        sanitize(&p.name)
                    ))
                })?,
                MoveTo::Assessment => Phase::Assessment,
                MoveTo::Scaffolding => Phase::Scaffolding,
                MoveTo::Hardening => Phase::Hardening,
            };
            ctx.store.write(|tx| tx.set_phase(p.id, p.revision, to))?;
            outln!(
                "Moved '{}' from {} to {} by hand, without a gate decision; pilots normally move on with 'lastmile decide PILOT go'.",
                sanitize(&p.name),
                p.phase.label(),
                to.label()
            );
            Ok(())
        }
        PilotsCmd::Shortlist(a) => shortlist_set(ctx, &a.pilot, !a.off, a.reason.as_deref()),
    }
}

/// `lastmile shortlist`: list it, or add or remove one pilot.
pub fn shortlist(ctx: &mut Ctx, a: ShortlistArgs) -> CliResult {
    match a.action {
        Some(ShortlistCmd::Add { pilot, reason }) => shortlist_set(ctx, &pilot, true, reason.as_deref()),
        Some(ShortlistCmd::Remove { pilot }) => shortlist_set(ctx, &pilot, false, None),
        None => {
            let day = ctx.day()?;
            let rows = ctx.store.portfolio(&ctx.playbook, day)?;
            let ranked = crate::domain::candidates::rank(&crate::store::candidate_facts(&rows));
            let on: Vec<&crate::store::PilotRow> = rows.iter().filter(|r| r.shortlisted).collect();
            let size = ctx.playbook.gating.shortlist_size;
            if a.json {
                return Ok(print_json(&serde_json::json!({
                    "size": size,
                    "shortlist": on.iter().map(|r| Ok(serde_json::json!({
                        "pilot": r.name, "phase": r.phase, "status": r.status,
                        "takes_seat": crate::domain::candidates::takes_seat(r.phase, r.status),
                        "override": ctx.store.shortlist_override(r.id)?,
                    }))).collect::<crate::Result<Vec<_>>>()?,
                    "candidates": ranked,
                }))?);
            }
            let seated = on
                .iter()
                .filter(|r| crate::domain::candidates::takes_seat(r.phase, r.status))
                .count();
            outln!(
                "Shortlist ({seated} of {size} seats taken){}",
                if on.is_empty() {
                    ": nobody yet: add one with 'lastmile shortlist add PILOT'."
                } else {
                    ":"
                }
            );
            for r in &on {
                let seat = if crate::domain::candidates::takes_seat(r.phase, r.status) {
                    String::new()
                } else {
                    format!(", {}: its seat is free", r.status.label())
                };
                let why = ctx
                    .store
                    .shortlist_override(r.id)?
                    .map(|w| format!(" · joined despite a red flag: {}", sanitize(&w)))
                    .unwrap_or_default();
                outln!("  {} ({}{seat}){why}", sanitize(&r.name), r.phase.label());
            }
            if ranked.is_empty() {
                outln!("No pilot is in Assessment, so there are no candidates to rank.");
                return Ok(());
            }
            let mut t = Table::new(&["#", "CANDIDATE", "SCORE", "SELECTION", "NOTE"], &[4, 40, 6, 10, 40]);
            for (i, c) in ranked.iter().enumerate() {
                let listed = rows.iter().any(|r| r.id == c.pilot_id && r.shortlisted);
                let note = match (listed, c.red_flag, c.strong) {
                    (true, _, _) => "on the shortlist",
                    (false, true, _) => "red flag: a criterion below 3",
                    (false, false, true) => "strong",
                    _ => "",
                };
                t.row(vec![
                    (i + 1).to_string(),
                    sanitize(&c.name),
                    c.score.to_string(),
                    c.selection_total.map_or("-".into(), |s| format!("{s}/25")),
                    note.to_string(),
                ]);
            }
            outln!("Assessment candidates, best first:\n{}", t.render());
            Ok(())
        }
    }
}

/// Put a pilot on the shortlist or take it off, and say who is on it.
fn shortlist_set(ctx: &mut Ctx, pilot: &str, on: bool, reason: Option<&str>) -> CliResult {
    let p = ctx.store.find_pilot(pilot)?;
    let pb = ctx.playbook.clone();
    ctx.store
        .write(|tx| tx.set_shortlisted(&pb, p.id, p.revision, on, reason))?;
    let listed: Vec<String> = ctx
        .store
        .pilots()?
        .into_iter()
        .filter(|x| x.shortlisted && crate::domain::candidates::takes_seat(x.phase, x.status))
        .map(|x| sanitize(&x.name))
        .collect();
    outln!(
        "'{}' is {} the shortlist. Seats taken now ({} of {}): {}.",
        sanitize(&p.name),
        if on { "on" } else { "off" },
        listed.len(),
        pb.gating.shortlist_size,
        if listed.is_empty() {
            "nobody".to_string()
        } else {
            listed.join(", ")
        }
    );
    Ok(())
}

fn show(ctx: &mut Ctx, query: &str, json: bool) -> CliResult {
    let p = ctx.store.find_pilot(query)?;
    let day = ctx.day()?;
    let row = ctx.store.pilot_row(&ctx.playbook, day, p.id)?;
    let owners = ctx.store.owners(p.id)?;
    let mut metrics = ctx.store.metrics(p.id)?;
    crate::domain::metrics::in_playbook_order(&ctx.playbook, &mut metrics);
    let readiness = ctx.store.judge(&ctx.playbook, p.id)?;
    if json {
        #[derive(serde::Serialize)]
        struct Show<'a> {
            pilot: &'a crate::domain::Pilot,
            owners: &'a [crate::domain::Owner],
            metrics: &'a [crate::domain::Metric],
            summary: &'a crate::store::PilotRow,
            readiness: &'a crate::domain::Judgement,
        }
        return Ok(print_json(&Show {
            pilot: &p,
            owners: &owners,
            metrics: &metrics,
            summary: &row,
            readiness: &readiness,
        })?);
    }
    outln!("{}", sanitize(&p.name));
    let fields = [
        ("Business unit", &p.business_unit),
        ("Business case", &p.business_case),
        ("Data sources", &p.data_sources),
        ("Model class", &p.model_class),
        ("Integration", &p.integration_footprint),
        ("Governance", &p.governance_posture),
    ];
    outln!(
        "  {:<14} {} · {} · {}",
        "Sector/phase",
        sanitize(&ctx.playbook.sector_label(&p.sector)),
        p.phase.label(),
        p.status.label()
    );
    for (k, v) in fields {
        if !v.is_empty() {
            outln!("  {k:<14} {}", sanitize(v));
        }
    }
    outln!(
        "  {:<14} {}  (data, governance, integration, ownership)",
        "Dimensions",
        chips(&row.dimensions)
    );
    let (mark, label) = crate::domain::readiness::shown(readiness.verdict(), p.status);
    let gate = match &readiness.current {
        Some(g) => format!(" for the {}", sanitize(&g.name.to_lowercase())),
        None => String::new(),
    };
    outln!("  {:<14} {mark} {label}{gate}", "Readiness");
    outln!(
        "  {:<14} {} {}",
        "Production",
        readiness.production.verdict.mark(),
        readiness.production.verdict.label()
    );
    for role in Role::ALL {
        let who = owners
            .iter()
            .find(|o| o.role == *role)
            .map(|o| sanitize(&o.person))
            .unwrap_or_else(|| "— missing".into());
        outln!("  {:<14} {who}", role.label());
    }
    outln!(
        "  {:<14} {}/{} done, {} overdue",
        "Checklist",
        row.items_done,
        row.items_total,
        row.overdue
    );
    Ok(())
}

pub fn people(ctx: &mut Ctx, c: PeopleCmd) -> CliResult {
    match c {
        PeopleCmd::List(f) => {
            let people = ctx.store.people()?;
            if f.json {
                return Ok(print_json(&people)?);
            }
            if people.is_empty() {
                outln!("No people yet: add one with 'lastmile people add NAME --title TITLE'.");
                return Ok(());
            }
            let mut t = Table::new(&["NAME", "TITLE"], &[40, 50]);
            for p in people {
                t.row(vec![p.name, p.title]);
            }
            out!("{}", t.render());
            Ok(())
        }
        PeopleCmd::Add(a) => {
            ctx.store.write(|tx| tx.add_person(&a.name, &a.title))?;
            outln!("Added {}.", sanitize(a.name.trim()));
            Ok(())
        }
    }
}

pub fn assign(ctx: &mut Ctx, a: AssignArgs) -> CliResult {
    let p = ctx.store.find_pilot(&a.pilot)?;
    let person = ctx.store.find_person(&a.person)?;
    let role: Role = a.role.into();
    let seen = ctx
        .store
        .owners(p.id)?
        .into_iter()
        .find(|o| o.role == role)
        .map(|o| o.revision);
    ctx.store.write(|tx| tx.assign_owner(p.id, role, person.id, seen))?;
    outln!(
        "{} is now the {} of '{}'.",
        sanitize(&person.name),
        role.label().to_lowercase(),
        sanitize(&p.name)
    );
    Ok(())
}

/// What `--owner` asks for an item: `None` leaves it, `Some(None)` clears
/// it (an empty name or "-"), `Some(Some(id))` names that person.
pub(super) fn owner_change(ctx: &Ctx, owner: Option<&str>) -> crate::Result<Option<Option<i64>>> {
    Ok(match owner {
        Some(name) if name.trim().is_empty() || name == "-" => Some(None),
        Some(name) => Some(Some(ctx.store.find_person(name)?.id)),
        None => None,
    })
}

pub fn check(ctx: &mut Ctx, a: CheckArgs) -> CliResult {
    let Some(pilot) = a.pilot.as_deref() else {
        return Err(CliError::Usage("name the pilot, or use --programme".into()));
    };
    let p = ctx.store.find_pilot(pilot)?;
    let items = ctx.store.checklist(p.id)?;
    let Some(key) = a.item else {
        if a.state.is_some() || a.owner.is_some() || a.note.is_some() {
            return Err(CliError::Usage(
                "name the checklist item to change (its key, from 'lastmile check PILOT')".into(),
            ));
        }
        let day = ctx.day()?;
        let shown: Vec<_> = items
            .iter()
            .filter(|i| a.phase.is_none_or(|ph| i.phase == Phase::from(ph)))
            .collect();
        if a.json {
            return Ok(print_json(&shown)?);
        }
        let mut t = Table::new(&["", "KEY", "ITEM", "DUE", "OWNER"], &[3, 26, 60, 8, 24]);
        for i in shown {
            let due = if i.state.is_open() && i.due_day < day {
                format!("{}!", i.due_day)
            } else {
                i.due_day.to_string()
            };
            let gate = if i.gate { " ◆" } else { "" };
            t.row(vec![
                i.state.mark().into(),
                i.item_key.clone(),
                format!("{}{gate}", i.text),
                due,
                i.owner.clone().unwrap_or_default(),
            ]);
        }
        out!("{}", t.render());
        outln!("◆ gating item · ! overdue (today is {})", describe_day(day));
        return Ok(());
    };
    let k = key.trim().to_lowercase();
    let matches: Vec<_> = items
        .iter()
        .filter(|i| i.item_key == k)
        .chain(items.iter().filter(|i| i.item_key != k && i.item_key.starts_with(&k)))
        .collect();
    let item = match matches.as_slice() {
        [] => {
            return Err(Error::not_found(format!(
                "'{}' has no checklist item '{}': list the keys with 'lastmile check \"{}\"'",
                sanitize(&p.name),
                sanitize(&key),
                sanitize(&p.name)
            ))
            .into())
        }
        [one, ..] if one.item_key == k || matches.len() == 1 => (*one).clone(),
        _ => {
            return Err(Error::invalid(format!(
                "'{}' matches {} items ({}): type more of the key",
                sanitize(&key),
                matches.len(),
                matches
                    .iter()
                    .take(4)
                    .map(|i| i.item_key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .into())
        }
    };
    if a.state.is_none() && a.owner.is_none() && a.note.is_none() {
        return Err(CliError::Usage(
            "give a state (todo, doing, done, na, blocked), --owner or --note".into(),
        ));
    }
    let owner = owner_change(ctx, a.owner.as_deref())?;
    ctx.store.write(|tx| {
        let mut rev = item.revision;
        // The note first: it is the reason a "not applicable" needs.
        if let Some(n) = &a.note {
            tx.set_item_note(item.id, rev, n)?;
            // Unchanged once cleaned (e.g. trailing spaces): no new revision.
            rev = tx.item_revision(item.id)?;
        }
        if let Some(s) = a.state {
            let s: ItemState = s.into();
            if s != item.state {
                tx.set_item_state(item.id, rev, s)?;
                rev += 1;
            }
        }
        if let Some(o) = owner {
            if o != item.owner_id {
                tx.set_item_owner(item.id, rev, o)?;
            }
        }
        Ok(())
    })?;
    let now = ctx.store.item(item.id)?;
    outln!(
        "{} {} — {}{}",
        now.state.mark(),
        sanitize(&now.text),
        now.state.label(),
        now.owner
            .map(|o| format!(", owner {}", sanitize(&o)))
            .unwrap_or_default()
    );
    if now.state == ItemState::Done && now.note.trim().is_empty() {
        outln!(
            "Note: a done item counts towards a gate only with evidence: add it with --note \"a link, or who checked\"."
        );
    }
    Ok(())
}
