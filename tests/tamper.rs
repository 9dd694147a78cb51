//! Tampering with plain SQL, table by table (issue 10, part 1): whatever an
//! attacker with the sqlite3 shell changes behind lastmile's back, in any
//! table and by any kind of edit, `lastmile verify` names the row that
//! differs from the audit trail; a chain rebuilt consistently, or cut back
//! at its end, is caught against an anchor an export stated.

mod support;

use lastmile::store::GENESIS;
use sha2::{Digest, Sha256};
use support::env::Env;

impl Env {
    /// Both head hashes an export states (decision chain, audit chain).
    fn heads(&self) -> (String, String) {
        let v: serde_json::Value =
            serde_json::from_str(&self.ok(&["export", "decisions", "--format", "json"])).unwrap();
        (
            v["chain"]["head"].as_str().unwrap().to_string(),
            v["chain"]["audit_head"].as_str().unwrap().to_string(),
        )
    }

    /// `verify` fails; returns every problem it lists (JSON).
    fn problems(&self) -> Vec<String> {
        let (json, _) = self.run(&["verify", "--json"], 1);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["ok"], false);
        v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect()
    }

    fn one(&self, sql: &str) -> i64 {
        support::env::count(&self.db, sql)
    }
}

/// Assert some problem contains every one of `parts`.
#[track_caller]
fn named(problems: &[String], parts: &[&str]) {
    assert!(
        problems.iter().any(|p| parts.iter().all(|part| p.contains(part))),
        "no problem names {parts:?}: {problems:#?}"
    );
}

#[test]
fn renaming_a_person_is_caught_and_the_log_keeps_the_name_as_decided() {
    let e = Env::demo();
    let kofi = e.one("SELECT id FROM people WHERE name = 'Kofi Mensah'");
    e.sql("UPDATE people SET name = 'Someone Else' WHERE name = 'Kofi Mensah'");
    named(
        &e.problems(),
        &[
            &format!("person {kofi} ('Someone Else')"),
            "differs from what the audit trail recorded",
        ],
    );
    // Who decided is what was recorded then, in every export.
    let csv = e.ok(&["export", "decisions", "--format", "csv"]);
    assert!(csv.contains("Kofi Mensah") && !csv.contains("Someone Else"), "{csv}");
}

#[test]
fn renaming_a_pilot_is_caught() {
    let e = Env::demo();
    let id = e.one("SELECT id FROM pilots WHERE name = 'Card fraud detection'");
    e.sql("UPDATE pilots SET name = 'Card fraud (approved)' WHERE id = (SELECT id FROM pilots WHERE name = 'Card fraud detection')");
    named(&e.problems(), &[&format!("pilot {id} ('Card fraud (approved)')")]);
}

#[test]
fn a_recorded_name_edited_in_the_log_breaks_the_decision_chain() {
    let e = Env::demo();
    e.sql("DROP TRIGGER decisions_append_only_update; UPDATE decisions SET decided_by_name = 'Someone Else' WHERE id = 16");
    named(&e.problems(), &["decision row 16 was changed after it was written"]);
}

#[test]
fn a_checklist_item_marked_done_with_evidence_is_caught() {
    let e = Env::demo();
    // An open item nobody has touched since the pilot was created...
    let untouched = e.one(
        "SELECT min(c.id) FROM checklist_items c WHERE c.state = 'todo'
         AND NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity = 'item' AND a.entity_id = c.id)",
    );
    let pilot = e.one(&format!("SELECT pilot_id FROM checklist_items WHERE id = {untouched}"));
    e.sql(&format!(
        "UPDATE checklist_rows SET state = 'done', note = 'https://evidence.example/forged' WHERE id = {untouched}"
    ));
    named(
        &e.problems(),
        &[
            &format!("the checklist of pilot {pilot} ("),
            "differs from what the audit trail recorded",
        ],
    );
    // ...and one that was changed through lastmile since.
    let e = Env::demo();
    let touched = e.one("SELECT max(entity_id) FROM audit_events WHERE entity = 'item' AND field = 'state'");
    e.sql(&format!(
        "UPDATE checklist_rows SET state = CASE state WHEN 'blocked' THEN 'todo' ELSE 'blocked' END WHERE id = {touched}"
    ));
    named(
        &e.problems(),
        &[
            &format!("checklist item {touched} ("),
            "its state is '",
            "but the audit trail's last change of it",
        ],
    );
}

/// An item's wording is stored once for every pilot that has it: changing
/// it changes what every such checklist says, and each is named.
#[test]
fn a_checklist_wording_changed_behind_lastmiles_back_is_caught() {
    let e = Env::demo();
    let first = e.one("SELECT min(pilot_id) FROM checklist_rows");
    e.sql(
        "UPDATE checklist_texts SET text = 'Nothing to do here'
         WHERE id = (SELECT text_id FROM checklist_rows ORDER BY id LIMIT 1)",
    );
    named(
        &e.problems(),
        &[
            &format!("the checklist of pilot {first} ("),
            "differs from what the audit trail recorded",
        ],
    );
}

#[test]
fn a_forged_green_score_is_caught() {
    let e = Env::demo();
    e.sql(
        "INSERT INTO scores (pilot_id, rubric, question, answer, rationale, scorer, scored_at)
         VALUES (1, 'readiness', 'governance', 'green', 'All fine', 'Elena Petrova', '2026-11-20T10:00:00Z')",
    );
    let forged = e.one("SELECT max(id) FROM scores");
    named(
        &e.problems(),
        &[&format!("score {forged} ('governance') is not in the audit trail")],
    );
}

#[test]
fn an_edited_or_deleted_score_is_caught() {
    let e = Env::demo();
    let id = e.one("SELECT max(id) FROM scores WHERE rubric = 'readiness'");
    e.sql(&format!(
        "DROP TRIGGER scores_append_only_update; UPDATE scores SET answer = 'green' WHERE id = {id}"
    ));
    named(
        &e.problems(),
        &[&format!("score {id} ("), "differs from what the audit trail recorded"],
    );
    let e = Env::demo();
    e.sql(&format!(
        "DROP TRIGGER scores_append_only_delete; DELETE FROM scores WHERE id = {id}"
    ));
    let problems = e.problems();
    named(
        &problems,
        &[&format!("score {id} is in the audit trail but not in the file")],
    );
}

#[test]
fn an_edited_metric_is_caught() {
    let e = Env::demo();
    e.sql("UPDATE metrics SET current = 99.5 WHERE id = 1");
    let problems = e.problems();
    assert!(problems.iter().any(|p| p.starts_with("metric 1 (")), "{problems:#?}");
}

#[test]
fn a_changed_or_removed_owner_is_caught() {
    let e = Env::demo();
    e.sql("UPDATE owners SET person_id = 2 WHERE pilot_id = 1 AND role = 'business'");
    named(
        &e.problems(),
        &["the business owner of pilot 1 is 'Ben Hartley' but the audit trail's last change of it set"],
    );
    let e = Env::demo();
    e.sql("DELETE FROM owners WHERE pilot_id = 1 AND role = 'business'");
    named(
        &e.problems(),
        &["the business owner of pilot 1 is in the audit trail but not in the file"],
    );
}

#[test]
fn a_forged_pilot_is_caught() {
    let e = Env::demo();
    e.sql(
        "INSERT INTO pilots (name, sector, created_at, updated_at, updated_by)
         VALUES ('Ghost pilot', 'enterprise', '2026-11-01', '2026-11-01', 'mallory')",
    );
    let id = e.one("SELECT id FROM pilots WHERE name = 'Ghost pilot'");
    named(
        &e.problems(),
        &[&format!("pilot {id} ('Ghost pilot') is not in the audit trail")],
    );
}

#[test]
fn a_moved_programme_start_is_caught() {
    let e = Env::demo();
    e.sql("UPDATE programme SET start_date = '2026-09-01'");
    named(&e.problems(), &["programme 1 (", "its start date is '2026-09-01'"]);
}

#[test]
fn an_edited_summary_row_is_caught() {
    let e = Env::demo();
    e.sql("UPDATE pilot_stats SET items_done = items_done + 3, dims = 'GGGG' WHERE pilot_id = 2");
    named(
        &e.problems(),
        &["the summary row of pilot 2 does not match its checklist and scores (items_done, dims"],
    );
}

#[test]
fn the_last_audit_events_removed_are_caught_against_the_audit_anchor() {
    let e = Env::demo();
    let c = rusqlite::Connection::open(&e.db).unwrap();
    let keys: Vec<String> = c
        .prepare(
            "SELECT item_key FROM checklist_items WHERE state = 'todo'
             AND pilot_id = (SELECT id FROM pilots WHERE name LIKE 'KYC%') ORDER BY position LIMIT 2",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(c);
    e.ok(&["check", "kyc", &keys[0], "doing"]);
    let (decision_head, audit_head) = e.heads();
    // Another change after the export, then both removed from the trail.
    e.ok(&["check", "kyc", &keys[1], "doing"]);
    e.sql(
        "DROP TRIGGER audit_append_only_delete;
         DELETE FROM audit_events WHERE id > (SELECT max(id) - 2 FROM audit_events);",
    );
    let (out, _) = e.run(&["verify", "--anchor", &decision_head, "--anchor", &audit_head], 1);
    assert!(
        out.contains(&format!("ok   anchor {decision_head} is decision")),
        "{out}"
    );
    assert!(
        out.contains(&format!("FAIL anchor {audit_head} is in neither chain")),
        "{out}"
    );
}

/// SHA-256 over the previous hash and the fields, as lastmile chains audit
/// events (an attacker can read the source too).
fn hash(prev: &str, fields: &[Option<String>]) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    for f in fields {
        match f {
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            None => h.update([0u8]),
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Rewrite every audit hash so an edited trail is consistent again.
fn rebuild_audit_chain(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch("DROP TRIGGER IF EXISTS audit_append_only_update")
        .unwrap();
    let rows: Vec<(i64, Vec<Option<String>>)> = c
        .prepare(
            "SELECT id, at, actor, entity, CAST(entity_id AS TEXT), CAST(pilot_id AS TEXT), field, old_value, new_value, digest
             FROM audit_events ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| {
            let mut f: Vec<Option<String>> = (1..9).map(|i| r.get(i).unwrap()).collect();
            let digest: Option<String> = r.get(9)?;
            if digest.is_some() {
                f.push(digest);
            }
            Ok((r.get(0)?, f))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev = GENESIS.to_string();
    for (id, fields) in rows {
        let h = hash(&prev, &fields);
        c.execute(
            "UPDATE audit_events SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
            rusqlite::params![prev, h, id],
        )
        .unwrap();
        prev = h;
    }
}

#[test]
fn a_trail_rewritten_consistently_is_caught_against_the_audit_anchor() {
    let e = Env::demo();
    let (_, audit_head) = e.heads();
    // Rename a person everywhere: the row and the event that created it.
    e.sql(
        "DROP TRIGGER audit_append_only_update;
         UPDATE people SET name = 'Someone Else' WHERE name = 'Kofi Mensah';
         UPDATE audit_events SET new_value = 'Someone Else' WHERE new_value = 'Kofi Mensah';
         UPDATE audit_events SET old_value = 'Someone Else' WHERE old_value = 'Kofi Mensah';",
    );
    // The digest of the created row no longer matches: caught without an
    // anchor...
    named(
        &e.problems(),
        &["('Someone Else') differs from what the audit trail recorded"],
    );
    // ...and an attacker who also fixes the digests and rebuilds the chain
    // is caught by the anchor an export stated.
    let c = rusqlite::Connection::open(&e.db).unwrap();
    let (id, digest_now): (i64, String) = {
        let id: i64 = c
            .query_row("SELECT id FROM people WHERE name = 'Someone Else'", [], |r| r.get(0))
            .unwrap();
        let row: (String, String) = c
            .query_row("SELECT name, title FROM people WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        (id, hash("person", &[Some(row.0), Some(row.1)]))
    };
    c.execute(
        "UPDATE audit_events SET digest = ?1 WHERE entity = 'person' AND entity_id = ?2 AND digest IS NOT NULL",
        rusqlite::params![digest_now, id],
    )
    .unwrap();
    drop(c);
    rebuild_audit_chain(&e.db);
    let out = e.ok(&["verify"]);
    assert!(out.contains("Not provable without an anchor"), "{out}");
    let (out, _) = e.run(&["verify", "--anchor", &audit_head], 1);
    assert!(
        out.contains(&format!("FAIL anchor {audit_head} is in neither chain")),
        "{out}"
    );
}

#[test]
fn every_export_states_both_heads_and_counts() {
    let e = Env::demo();
    let (d, a) = e.heads();
    let events = e.one("SELECT count(*) FROM audit_events");
    for (args, what) in [
        (&["export", "decisions"][..], "md"),
        (&["export", "decisions", "--format", "html"], "html"),
        (&["export", "pack"], "pack md"),
        (&["export", "pack", "--format", "html"], "pack html"),
        (&["export", "decisions", "--format", "csv"], "csv"),
    ] {
        let out = e.ok(args);
        assert!(out.contains(&d) && out.contains(&a), "{what}: heads missing");
        assert!(out.contains(&events.to_string()), "{what}: audit count missing");
    }
    e.ok(&["verify", "--anchor", &d, "--anchor", &a]);
}

#[test]
fn a_changed_or_removed_decision_right_is_caught() {
    let assigned = || {
        let e = Env::demo();
        e.ok(&[
            "rights",
            "KYC",
            "rollback",
            "Ben Hartley",
            "--threshold",
            "when errors double",
        ]);
        e.ok(&["verify"]);
        e
    };
    let e = assigned();
    e.sql("UPDATE decision_rights SET threshold = 'never' WHERE right_key = 'rollback'");
    named(
        &e.problems(),
        &[
            "the decision right 'rollback' of pilot",
            "changed behind lastmile's back",
        ],
    );
    let e = assigned();
    e.sql("UPDATE decision_rights SET person_id = person_id + 1 WHERE right_key = 'rollback'");
    named(
        &e.problems(),
        &["the decision right 'rollback' of pilot", "another person or threshold"],
    );
    let e = assigned();
    e.sql("DELETE FROM decision_rights");
    named(
        &e.problems(),
        &[
            "the decision right 'rollback'",
            "in the audit trail but not in the file",
        ],
    );
    let e = Env::demo();
    e.sql(
        "INSERT INTO decision_rights (pilot_id, right_key, person_id, threshold, updated_at, updated_by)
         SELECT id, 'promote', 1, 'any time', '', '' FROM pilots
         WHERE id NOT IN (SELECT pilot_id FROM decision_rights) LIMIT 1",
    );
    named(
        &e.problems(),
        &["the decision right 'promote' of pilot", "no assignment"],
    );
}

/// The programme checklist (issue 12, part 1): a state, note or owner
/// edited, a row deleted or one forged is named by `verify`.
#[test]
fn a_changed_removed_or_forged_programme_item_is_caught() {
    let e = Env::demo();
    e.ok(&["verify"]);
    e.sql("UPDATE programme_items SET state = 'done' WHERE item_key = 'as-pick-three'");
    named(
        &e.problems(),
        &["programme item", "'as-pick-three'", "changed behind lastmile's back"],
    );
    let e = Env::demo();
    e.sql("UPDATE programme_items SET owner_id = NULL");
    named(&e.problems(), &["'as-inventory-all'", "changed behind lastmile's back"]);
    let e = Env::demo();
    e.sql("DELETE FROM programme_items WHERE item_key = 'as-pick-three'");
    named(
        &e.problems(),
        &["programme item", "in the audit trail but not in the file"],
    );
    let e = Env::demo();
    e.sql(
        "INSERT INTO programme_items (item_key, phase, section, text, position, due_day, updated_at, updated_by)
         VALUES ('forged', 'assessment', 'S', 'Forged', 9, 10, '2026-01-01T00:00:00Z', 'x')",
    );
    named(&e.problems(), &["'forged'", "no event created it"]);
}

/// Vendors (issue 12, part 4): an edited, removed or forged vendor row or
/// ask evidence is named by `verify`.
#[test]
fn a_changed_or_removed_vendor_or_ask_is_caught() {
    let e = Env::demo();
    e.ok(&["verify"]);
    e.sql("UPDATE pilot_vendors SET vendor = 'Someone Else' WHERE vendor <> ''");
    named(
        &e.problems(),
        &["the vendor of pilot", "changed behind lastmile's back"],
    );
    let e = Env::demo();
    e.sql("UPDATE vendor_asks SET evidence = 'forged' WHERE ask_key = 'production-sla'");
    named(
        &e.problems(),
        &["vendor ask 'production-sla'", "changed behind lastmile's back"],
    );
    let e = Env::demo();
    e.sql("DELETE FROM vendor_asks");
    named(&e.problems(), &["vendor ask", "in the audit trail but not in the file"]);
    let e = Env::demo();
    e.sql("DELETE FROM pilot_vendors");
    named(
        &e.problems(),
        &["the vendor of pilot", "in the audit trail but not in the file"],
    );
    let e = Env::demo();
    e.sql(
        "INSERT INTO vendor_asks (pilot_id, ask_key, evidence, updated_at, updated_by)
         VALUES ((SELECT min(id) FROM pilots), 'forged-ask', 'x', '2026-01-01T00:00:00Z', 'x')",
    );
    named(
        &e.problems(),
        &["vendor ask 'forged-ask'", "added behind lastmile's back"],
    );
}
