//! `lastmile playbook sync [--dry-run] [--json]`: keep pilots' checklists
//! in step with the playbook (the rule is [`crate::domain::sync::plan`]).

use super::output::{outln, print_json};
use super::{CliResult, Ctx};
use crate::domain::sync::{count as plural, plan, SyncPlan};
use crate::text::sanitize;

pub fn sync(ctx: &mut Ctx, dry_run: bool, json: bool) -> CliResult {
    let items = ctx.playbook.items();
    let checked;
    let p: SyncPlan = if dry_run {
        let pilots = ctx.store.checklists_for_sync()?;
        checked = pilots.len();
        plan(&items, &pilots)
    } else {
        let (p, n) = ctx.store.write(|tx| {
            let pilots = tx.checklists_for_sync()?;
            let p = plan(&items, &pilots);
            tx.apply_sync(&items, &p)?;
            Ok((p, pilots.len()))
        })?;
        checked = n;
        p
    };
    if json {
        print_json(&serde_json::json!({
            "dry_run": dry_run,
            "pilots_checked": checked,
            "items_added": if dry_run { 0 } else { p.items_added() },
            "pilots_changed": if dry_run { 0 } else { p.additions.len() },
            "plan": p,
        }))?;
        return Ok(());
    }
    outln!("{}", report(&p, checked, dry_run));
    Ok(())
}

/// The sync in words: what is new, what is retired, what was (or would
/// be) written.
fn report(p: &SyncPlan, checked: usize, dry_run: bool) -> String {
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
        (_, true) => "Nothing to add.".to_string(),
        (true, false) => format!("Dry run, nothing written: 'lastmile playbook sync' adds {adds}."),
        (false, false) => format!("Added {adds}, each pilot's with an audit event."),
    });
    out.join("\n")
}

fn skipped(n: usize) -> String {
    format!(
        "{} that left the gates (in production or stopped) get no new items.",
        plural(n, "pilot", "pilots")
    )
}
