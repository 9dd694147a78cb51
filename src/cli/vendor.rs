//! `lastmile vendor`: who builds a pilot (a vendor, or in-house with the
//! reason) and the asks before signing, each with the evidence received.

use super::args::{VendorArgs, VendorCmd};
use super::output::{outln, print_json, Table};
use super::{CliResult, Ctx};
use crate::domain::model::VendorChoice;
use crate::domain::vendors::{ask_rows, coverage, describe};
use crate::text::sanitize;

pub fn vendor(ctx: &mut Ctx, a: VendorArgs) -> CliResult {
    let p = ctx.store.find_pilot(&a.pilot)?;
    let name = sanitize(&p.name);
    match a.action {
        None => {
            let record = ctx.store.vendor(p.id)?;
            let rows = ask_rows(&ctx.playbook, &ctx.store.vendor_asks(p.id)?);
            let (with, of) = coverage(&rows);
            if a.json {
                return Ok(print_json(&serde_json::json!({
                    "pilot": p.name,
                    "vendor": record,
                    "asks_with_evidence": with,
                    "asks": rows,
                }))?);
            }
            outln!(
                "Vendor of '{name}': {}.",
                sanitize(&describe(record.as_ref().map(|r| &r.choice)))
            );
            if record.is_none() {
                outln!(
                    "Say it with 'lastmile vendor PILOT set NAME' or 'lastmile vendor PILOT in-house --reason TEXT'."
                );
            }
            if matches!(record.as_ref().map(|r| &r.choice), Some(VendorChoice::InHouse { .. })) {
                outln!("In-house: the vendor asks do not apply.");
                return Ok(());
            }
            let mut t = Table::new(&["KEY", "ASK", "EVIDENCE"], &[26, 40, crate::store::VENDOR_TEXT_MAX]);
            for r in &rows {
                let ask = if r.retired {
                    format!("{} (no longer in the playbook)", sanitize(&r.name))
                } else {
                    sanitize(&r.name)
                };
                let ev = r
                    .evidence
                    .as_ref()
                    .map_or_else(|| "none yet".to_string(), |e| sanitize(&e.evidence));
                t.row(vec![sanitize(&r.key), ask, ev]);
            }
            outln!("Asks before signing: {with} of {of} with evidence.\n{}", t.render());
            Ok(())
        }
        Some(VendorCmd::Set { name: vendor }) => set(ctx, &p, VendorChoice::Vendor { name: vendor }, a.json),
        Some(VendorCmd::InHouse { reason }) => set(ctx, &p, VendorChoice::InHouse { reason }, a.json),
        Some(VendorCmd::Clear) => {
            let Some(now) = ctx.store.vendor(p.id)? else {
                outln!("Nothing is recorded about the vendor of '{name}': nothing to clear.");
                return Ok(());
            };
            let old = ctx.store.write(|tx| tx.clear_vendor(p.id, now.revision))?;
            if a.json {
                return Ok(print_json(
                    &serde_json::json!({ "pilot": p.name, "before": old, "after": null }),
                )?);
            }
            outln!("'{name}' no longer says who builds it (the asks' evidence is kept).");
            Ok(())
        }
        Some(VendorCmd::Ask { ask, evidence, clear }) => {
            let records = ctx.store.vendor_asks(p.id)?;
            // A retired ask can still be taken back, not given.
            let (key, label) = match ctx.playbook.find_vendor_ask(&ask) {
                Ok(d) => (d.key.clone(), d.name.clone()),
                Err(_) if clear && records.iter().any(|r| r.key == ask.trim()) => {
                    (ask.trim().to_string(), ask.trim().to_string())
                }
                Err(e) => return Err(e.into()),
            };
            let seen = records.iter().find(|r| r.key == key).map(|r| r.revision);
            let label_l = sanitize(&label).to_lowercase();
            if clear {
                let Some(rev) = seen else {
                    outln!("'{name}' has no evidence of {label_l}: nothing to take back.");
                    return Ok(());
                };
                let old = ctx.store.write(|tx| tx.clear_vendor_ask(p.id, &key, &label, rev))?;
                if a.json {
                    return Ok(print_json(&serde_json::json!({
                        "pilot": p.name, "ask": key, "before": old, "after": null,
                    }))?);
                }
                outln!("Took back the evidence of {label_l} for '{name}'.");
                return Ok(());
            }
            let evidence = evidence.unwrap_or_default();
            let old = ctx
                .store
                .write(|tx| tx.set_vendor_ask(p.id, &key, &label, &evidence, seen))?;
            let now = ctx.store.vendor_asks(p.id)?.into_iter().find(|r| r.key == key);
            if a.json {
                return Ok(print_json(&serde_json::json!({
                    "pilot": p.name, "ask": key, "before": old, "after": now,
                }))?);
            }
            let shown = now.map(|n| sanitize(&n.evidence)).unwrap_or_default();
            outln!("{} for '{name}': {shown}.", sanitize(&label));
            if !matches!(
                ctx.store.vendor(p.id)?.map(|v| v.choice),
                Some(VendorChoice::Vendor { .. })
            ) {
                outln!("Note: no vendor is named for '{name}' yet: name it with 'lastmile vendor PILOT set NAME'.");
            }
            Ok(())
        }
    }
}

fn set(ctx: &mut Ctx, p: &crate::domain::model::Pilot, choice: VendorChoice, json: bool) -> CliResult {
    let seen = ctx.store.vendor(p.id)?.map(|v| v.revision);
    let old = ctx.store.write(|tx| tx.set_vendor(p.id, &choice, seen))?;
    let now = ctx.store.vendor(p.id)?;
    if json {
        return Ok(print_json(
            &serde_json::json!({ "pilot": p.name, "before": old, "after": now }),
        )?);
    }
    outln!(
        "'{}' is {}.",
        sanitize(&p.name),
        match now.as_ref().map(|n| &n.choice) {
            Some(VendorChoice::Vendor { name }) => format!("built with {}", sanitize(name)),
            Some(VendorChoice::InHouse { reason }) => format!("built in-house ({})", sanitize(reason)),
            None => "not recorded".into(),
        }
    );
    Ok(())
}
