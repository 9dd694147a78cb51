//! `lastmile verify`: the file's integrity, the two hash chains, the
//! decision log against the audit trail, and anchors from earlier exports.
//! Tampering is done as an attacker would: plain SQL on the file, after
//! dropping the append-only triggers.

mod support;

use lastmile::store::GENESIS;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use support::env::Env;

impl Env {
    /// The head hash an export states.
    fn exported_head(&self) -> String {
        let v: serde_json::Value =
            serde_json::from_str(&self.ok(&["export", "decisions", "--format", "json"])).unwrap();
        v["chain"]["head"].as_str().unwrap().to_string()
    }
}

#[test]
fn an_untouched_file_verifies() {
    let e = Env::demo();
    let out = e.ok(&["verify"]);
    assert!(out.contains("ok   file integrity (SQLite integrity_check)"), "{out}");
    assert!(out.contains("ok   decision chain: 16 entries, head "), "{out}");
    assert!(out.contains("ok   audit event chain: "), "{out}");
    assert!(out.contains("ok   decisions match the audit trail"), "{out}");
    assert!(out.contains("ok   every table matches the audit trail"), "{out}");
    // The closing line says what was proven, and what cannot be.
    let last = out.trim_end().lines().last().unwrap();
    assert!(
        last.contains("verifies. Proven: the file is whole, no row of the 16 decisions or")
            && last.contains("every table holds what the audit trail says")
            && last
                .contains("Not provable without an anchor: a chain rebuilt from scratch, or entries cut from its end"),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["verify", "--json"])).unwrap();
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["state"], serde_json::json!([]));
    assert_eq!(v["ok"], true);
    assert_eq!(v["chains"][0]["name"], "decision");
    assert_eq!(v["chains"][0]["entries"], 16);
    assert_eq!(v["problems"], serde_json::json!([]));
}

#[test]
fn a_decision_edited_with_plain_sql_fails_verification() {
    let e = Env::demo();
    e.sql("DROP TRIGGER decisions_append_only_update; UPDATE decisions SET rationale = 'Approved all along' WHERE id = 2;");
    let (out, err) = e.run(&["verify"], 1);
    assert!(
        out.contains("FAIL decision chain: 16 entries; decision row 2 was changed after it was written"),
        "{out}"
    );
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.contains("does not verify: decision row 2 was changed after it was written"),
        "{err}"
    );
    let (json, _) = e.run(&["verify", "--json"], 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["chains"][0]["broken_at"], 2);
}

#[test]
fn a_criterion_flipped_to_met_fails_verification() {
    let e = Env::demo();
    e.sql("DROP TRIGGER criteria_append_only_update; UPDATE decision_criteria SET met = 1 - met WHERE decision_id = 1 AND position = 0;");
    let (_, err) = e.run(&["verify"], 1);
    assert!(err.contains("decision row 1 was changed after it was written"), "{err}");
}

#[test]
fn an_audit_event_edited_with_plain_sql_fails_verification() {
    let e = Env::demo();
    e.sql("DROP TRIGGER audit_append_only_update; UPDATE audit_events SET actor = 'someone else' WHERE id = 10;");
    let (out, err) = e.run(&["verify"], 1);
    assert!(out.contains("FAIL audit event chain"), "{out}");
    assert!(
        err.contains("audit event row 10 was changed after it was written"),
        "{err}"
    );
}

#[test]
fn a_decision_deleted_from_the_middle_breaks_the_chain() {
    let e = Env::demo();
    e.sql(
        "DROP TRIGGER criteria_append_only_delete; DROP TRIGGER decisions_append_only_delete;
         DELETE FROM decision_criteria WHERE decision_id = 3; DELETE FROM decision_notices WHERE decision_id = 3;
         DELETE FROM decisions WHERE id = 3;",
    );
    let (out, err) = e.run(&["verify"], 1);
    assert!(
        err.contains("decision row 4 does not follow the row before it (a row was removed or reordered)"),
        "{err}"
    );
    assert!(
        out.contains("decision 3 is in the audit trail but missing from the decision log (it was deleted)"),
        "{out}"
    );
}

#[test]
fn the_newest_decision_deleted_is_caught_by_the_audit_trail_and_the_anchor() {
    let e = Env::demo();
    let head = e.exported_head();
    e.sql(
        "DROP TRIGGER criteria_append_only_delete; DROP TRIGGER decisions_append_only_delete;
         DELETE FROM decision_criteria WHERE decision_id = 16; DELETE FROM decision_notices WHERE decision_id = 16;
         DELETE FROM decisions WHERE id = 16;",
    );
    // The remaining chain is intact: only the cross-check sees the gap.
    let (out, err) = e.run(&["verify"], 1);
    assert!(out.contains("ok   decision chain: 15 entries"), "{out}");
    assert!(
        err.contains("decision 16 is in the audit trail but missing from the decision log (it was deleted)"),
        "{err}"
    );
    let (out, _) = e.run(&["verify", "--anchor", &head], 1);
    assert!(
        out.contains(&format!("FAIL anchor {head} is in neither chain")),
        "{out}"
    );
}

/// SHA-256 over the previous hash and length-prefixed fields, as lastmile
/// chains decisions (an attacker can read the source too).
fn chain_hash(prev: &str, fields: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    for f in fields {
        h.update([1u8]);
        h.update((f.len() as u64).to_le_bytes());
        h.update(f.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Rewrite every decision hash so the edited chain is consistent again.
fn rebuild_decision_chain(db: &std::path::Path) {
    let c = Connection::open(db).unwrap();
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, Vec<String>, Option<Vec<String>>)> = c
        .prepare(
            "SELECT id, pilot_id, outcome, rationale, decided_by, decided_on, stop_conditions, communicated, recorded_at, recorded_by,
                    gate, override, pivot_to, review_on, maker_is_owner, pilot_name, decided_by_name
             FROM decisions ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| {
            let f: Vec<String> = vec![
                r.get::<_, i64>(1)?.to_string(),
                r.get(2)?,
                r.get(3)?,
                r.get::<_, i64>(4)?.to_string(),
                r.get(5)?,
                r.get(6)?,
                r.get::<_, i64>(7)?.to_string(),
                r.get(8)?,
                r.get(9)?,
            ];
            // Gate decisions (schema 2) hash five more fields after the criteria.
            let gate: Option<String> = r.get(10)?;
            // Schema 3 decisions hash the names as recorded last.
            let names: Option<(String, String)> = match (r.get(15)?, r.get(16)?) {
                (Some(p), Some(m)) => Some((p, m)),
                _ => None,
            };
            let extra = gate.map(|g| {
                let mut v = vec![
                    g,
                    r.get::<_, String>(11).unwrap(),
                    r.get::<_, Option<String>>(12).unwrap().unwrap_or_default(),
                    r.get::<_, Option<String>>(13).unwrap().unwrap_or_default(),
                    r.get::<_, i64>(14).unwrap().to_string(),
                ];
                if let Some((p, m)) = names {
                    v.extend([p, m]);
                }
                v
            });
            Ok((r.get(0)?, f, extra))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev = GENESIS.to_string();
    for (id, mut fields, extra) in rows {
        let crit: Vec<String> = c
            .prepare("SELECT met, criterion, need FROM decision_criteria WHERE decision_id = ?1 ORDER BY position")
            .unwrap()
            .query_map([id], |r| {
                let (met, text, need) = (r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?);
                Ok(if extra.is_some() {
                    format!("{met}\u{1f}{need}\u{1f}{text}")
                } else {
                    format!("{met}\u{1f}{text}")
                })
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        fields.push(crit.join("\u{1e}"));
        fields.extend(extra.unwrap_or_default());
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        let hash = chain_hash(&prev, &refs);
        c.execute(
            "UPDATE decisions SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
            rusqlite::params![prev, hash, id],
        )
        .unwrap();
        prev = hash;
    }
}

#[test]
fn a_chain_rebuilt_from_scratch_is_caught_by_an_earlier_anchor() {
    let e = Env::demo();
    let anchor = e.exported_head();
    e.sql("DROP TRIGGER decisions_append_only_update; UPDATE decisions SET outcome = 'go', rationale = 'Approved' WHERE id = 4;");
    e.run(&["verify"], 1);
    rebuild_decision_chain(&e.db);
    // The rewritten chain is consistent in itself, but the audit trail
    // recorded each decision's hash when it was made...
    let (out, err) = e.run(&["verify"], 1);
    assert!(out.contains("ok   decision chain: 16 entries"), "{out}");
    assert!(
        err.contains("decision 4 is not the one the audit trail recorded (its hash differs)"),
        "{err}"
    );
    // ...and the committee's anchor is no longer part of it.
    let (out, _) = e.run(&["verify", "--anchor", &anchor], 1);
    assert!(
        out.contains(&format!("FAIL anchor {anchor} is in neither chain")),
        "{out}"
    );
    let (json, _) = e.run(&["verify", "--json", "--anchor", &anchor], 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let said = format!(
        "the anchor {anchor} is in neither chain: the log or the trail was cut back or rewritten since the export that stated it, or the anchor comes from another file"
    );
    assert!(
        v["problems"].as_array().unwrap().iter().any(|p| p == said.as_str()),
        "{v}"
    );
}

#[test]
fn an_anchor_stays_valid_as_decisions_are_added() {
    let e = Env::demo();
    let anchor = e.exported_head();
    let out = e.ok(&["verify", "--anchor", &anchor]);
    assert!(
        out.contains(&format!(
            "ok   anchor {anchor} is decision 16 of the decision chain (0 recorded since)"
        )),
        "{out}"
    );
    e.ok(&[
        "decide",
        "Clinical documentation",
        "defer",
        "--by",
        "Kofi Mensah",
        "--why",
        "Validation study still running",
        "--review",
        "2026-12-07",
    ]);
    e.ok(&[
        "decide",
        "Card fraud",
        "go",
        "--by",
        "Dev Patel",
        "--why",
        "Retrained model meets target",
    ]);
    let out = e.ok(&["verify", "--anchor", &anchor.to_uppercase()]);
    assert!(
        out.contains("is decision 16 of the decision chain (2 recorded since)"),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["verify", "--json", "--anchor", &anchor])).unwrap();
    assert_eq!(v["anchors"][0]["found"], true);
    assert_eq!(v["anchors"][0]["chain"], "decision");
    assert_eq!(v["anchors"][0]["position"], 16);
    assert_eq!(v["anchors"][0]["recorded_since"], 2);
}

#[test]
fn bad_and_unknown_anchors() {
    let e = Env::demo();
    let (_, err) = e.run(&["verify", "--anchor", "d6b5d385"], 2);
    assert!(
        err.contains("the anchor 'd6b5d385' is not a chain hash: give the 64 hexadecimal characters"),
        "{err}"
    );
    let unknown = "ab".repeat(32);
    let (_, err) = e.run(&["verify", "--anchor", &unknown], 1);
    assert!(
        err.contains(&format!("the anchor {unknown} is in neither chain")),
        "{err}"
    );
    let out = e.ok(&["verify", "--anchor", GENESIS]);
    assert!(out.contains("is the empty chain's hash"), "{out}");
}

#[test]
fn a_forged_communication_notice_fails_verification() {
    let e = Env::demo();
    e.sql("INSERT INTO decision_notices (decision_id, communicated_at, communicated_by) VALUES (1, '2026-11-19T09:00:00Z', 'tester');");
    let (_, err) = e.run(&["verify"], 1);
    assert!(
        err.contains("decision 1 is marked communicated without an audit event"),
        "{err}"
    );
}

#[test]
fn a_damaged_index_fails_the_integrity_check() {
    let e = Env::demo();
    // Point an index at another column behind SQLite's back.
    e.sql(
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_master SET sql = 'CREATE INDEX pilots_phase ON pilots (name)' WHERE name = 'pilots_phase';
         PRAGMA writable_schema = OFF;",
    );
    let (out, err) = e.run(&["verify"], 1);
    assert!(out.contains("FAIL file integrity (SQLite integrity_check)"), "{out}");
    assert!(err.contains("SQLite's integrity check failed"), "{err}");
}
