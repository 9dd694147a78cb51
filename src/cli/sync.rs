//! `lastmile playbook sync [--dry-run] [--json]`: keep pilots' checklists
//! in step with the playbook (the rule is [`crate::domain::sync::plan`]).

use super::output::{outln, print_json};
use super::{CliResult, Ctx};
use crate::domain::sync::{count as plural, plan_all, SyncPlan};
use crate::text::sanitize;

pub fn sync(ctx: &mut Ctx, dry_run: bool, json: bool) -> CliResult {
    let items = ctx.playbook.items();
    let programme = ctx.playbook.programme_items();
    let checked;
    let mut closed = 0;
    let p: SyncPlan = if dry_run {
        let file = ctx.store.checklists_for_sync()?;
        checked = file.pilots.len();
        plan_all(&items, &programme, &file)
    } else {
        let (p, n, c) = ctx.store.write(|tx| {
            let file = tx.checklists_for_sync()?;
            let p = plan_all(&items, &programme, &file);
            tx.apply_sync(&items, &p)?;
            let (_, c) = tx.apply_programme_sync(&programme, &p)?;
            Ok((p, file.pilots.len(), c))
        })?;
        checked = n;
        closed = c;
        p
    };
    if json {
        print_json(&serde_json::json!({
            "dry_run": dry_run,
            "pilots_checked": checked,
            "items_added": if dry_run { 0 } else { p.items_added() },
            "pilots_changed": if dry_run { 0 } else { p.additions.len() },
            "programme_items_added": if dry_run { 0 } else { p.programme_new.len() },
            "copies_closed": closed,
            "plan": p,
        }))?;
        return Ok(());
    }
    outln!("{}", report(&p, checked, dry_run, closed));
    Ok(())
}

/// The sync in words: what is new, what is retired, what was (or would
/// be) written.
fn report(p: &SyncPlan, checked: usize, dry_run: bool, closed: usize) -> String {
    let mut out = Vec::new();
    if p.is_empty() {
        out.push(format!(
            "Every checklist is in step with the playbook ({} checked).",
            plural(checked, "pilot", "pilots")
        ));
        if p.skipped_closed > 0 {
            out.push(skipped(p.skipped_closed));
        }
        return out.join("\n");
    }
    if !p.new_items.is_empty() {
        out.push(format!(
            "New in the playbook: {} that pilots still in the gates lack:",
            plural(p.new_items.len(), "item", "items")
        ));
        for n in &p.new_items {
            out.push(format!(
                "  {}, day {}: \"{}\" ({})",
                n.phase,
                n.due_day,
                sanitize(&n.text),
                plural(n.pilots, "pilot", "pilots")
            ));
        }
    }
    if !p.retired.is_empty() {
        out.push(format!(
            "No longer in the playbook: {} (kept on the pilots that have them, never deleted; mark one n/a with a reason where it no longer applies):",
            plural(p.retired.len(), "item", "items")
        ));
        for r in &p.retired {
            out.push(format!(
                "  {}: \"{}\" ({})",
                sanitize(&r.key),
                sanitize(&r.text),
                plural(r.pilots, "pilot", "pilots")
            ));
        }
    }
    if !p.programme_new.is_empty() {
        out.push(format!(
            "New on the programme checklist (done once for the portfolio): {}:",
            plural(p.programme_new.len(), "item", "items")
        ));
        for n in &p.programme_new {
            out.push(format!("  {}, day {}: \"{}\"", n.phase, n.due_day, sanitize(&n.text)));
        }
    }
    if !p.programme_retired.is_empty() {
        out.push(format!(
            "No longer in the playbook: {} on the programme checklist (kept, never deleted; mark one n/a with a reason where it no longer applies): {}",
            plural(p.programme_retired.len(), "item", "items"),
            p.programme_retired.iter().map(|k| sanitize(k)).collect::<Vec<_>>().join(", ")
        ));
    }
    if !p.moved.is_empty() {
        out.push(format!(
            "Now the programme's: {} that pilots carry a copy of (open copies are closed as not applicable, with a note; done ones stay):",
            plural(p.moved.len(), "item", "items")
        ));
        for m in &p.moved {
            out.push(format!(
                "  {}: \"{}\" ({})",
                sanitize(&m.key),
                sanitize(&m.text),
                plural(m.pilots, "pilot", "pilots")
            ));
        }
    }
    if p.skipped_closed > 0 {
        out.push(skipped(p.skipped_closed));
    }
    if p.skipped_passed > 0 {
        out.push(format!(
            "{} lack new items of phases they have passed: not added (a passed gate is not reopened).",
            plural(p.skipped_passed, "pilot", "pilots")
        ));
    }
    let adds = format!(
        "{} to {}",
        plural(p.items_added(), "checklist item", "checklist items"),
        plural(p.additions.len(), "pilot", "pilots")
    );
    out.push(match (dry_run, p.additions.is_empty()) {
        (_, true) => "Nothing to add to pilots.".to_string(),
        (true, false) => format!("Dry run, nothing written: 'lastmile playbook sync' adds {adds}."),
        (false, false) => format!("Added {adds}, each pilot's with an audit event."),
    });
    if !p.programme_new.is_empty() || !p.moved.is_empty() {
        let programme = plural(p.programme_new.len(), "item", "items");
        out.push(if dry_run {
            format!("Dry run: the sync adds {programme} to the programme checklist and closes the open copies.")
        } else {
            format!(
                "Added {programme} to the programme checklist; closed {} on pilots' checklists (each change audited).",
                plural(closed, "open copy", "open copies")
            )
        });
    }
    out.join("\n")
}

fn skipped(n: usize) -> String {
    format!(
        "{} that left the gates (in production or stopped) get no new items.",
        plural(n, "pilot", "pilots")
    )
}
