//! `lastmile playbook sync` (issue 12, part 7): an item added to the
//! playbook reaches existing pilots, one removed from it is reported and
//! kept, each change is an audit event, and `verify` still proves the file.

mod support;

use support::env::Env;

/// The built-in playbook with one item added to the shortlist section and
/// the stop-conditions item removed.
fn changed_playbook(e: &Env) -> String {
    let pb = lastmile::playbook::DEFAULT_PLAYBOOK;
    let removed = pb
        .lines()
        .filter(|l| !l.contains("key = \"as-stop-conditions\""))
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(removed.len(), pb.len(), "the item to remove is in the playbook");
    let marker = "  { key = \"as-pick-three\"";
    assert!(removed.contains(marker));
    let added = removed.replacen(
        marker,
        "  { key = \"as-sponsor\", text = \"Name an executive sponsor for each shortlisted pilot\", due = 26, gate = false, hint = \"Someone with budget.\" },\n  { key = \"as-pick-three\"",
        1,
    );
    let path = e.path("org.toml");
    std::fs::write(&path, added).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn sync_adds_new_items_reports_retired_ones_and_verify_still_proves_the_file() {
    let e = Env::init();
    e.ok(&["pilots", "add", "Alpha"]);
    e.ok(&["pilots", "add", "Beta"]);
    let pb = changed_playbook(&e);
    let rows = e.count("SELECT count(*) FROM checklist_rows");

    let dry = e.ok(&["--playbook", &pb, "playbook", "sync", "--dry-run"]);
    assert!(
        dry.contains("\"Name an executive sponsor for each shortlisted pilot\" (2 pilots)"),
        "{dry}"
    );
    assert!(dry.contains("as-stop-conditions"), "retired items are named: {dry}");
    assert!(dry.contains("never deleted"), "{dry}");
    assert!(dry.contains("adds 2 checklist items to 2 pilots"), "{dry}");
    assert_eq!(
        e.count("SELECT count(*) FROM checklist_rows"),
        rows,
        "a dry run writes nothing"
    );

    let done = e.ok(&["--playbook", &pb, "playbook", "sync"]);
    assert!(done.contains("Added 2 checklist items to 2 pilots"), "{done}");
    assert_eq!(e.count("SELECT count(*) FROM checklist_rows"), rows + 2);
    assert_eq!(
        e.count("SELECT count(*) FROM audit_events WHERE entity = 'checklist' AND field = 'synced'"),
        2,
        "one audit event per pilot"
    );
    // The new item is to do, due on its day, in its playbook place (just
    // before the item that follows it in the playbook, so its section stays
    // together on the board); the retired item is still there.
    assert_eq!(
        e.count(
            "SELECT count(*) FROM checklist_items n JOIN checklist_items f ON f.pilot_id = n.pilot_id
             WHERE n.item_key = 'as-sponsor' AND n.state = 'todo' AND n.due_day = 26
               AND f.item_key = 'sc-governance-posture' AND f.position = n.position + 1"
        ),
        2
    );
    assert_eq!(
        e.count(
            "SELECT count(*) FROM (SELECT pilot_id, position FROM checklist_rows GROUP BY pilot_id
             HAVING min(position) = 0 AND max(position) = count(*) - 1)"
        ),
        2,
        "positions run 0..n without gaps"
    );
    assert_eq!(
        e.count("SELECT count(*) FROM checklist_items WHERE item_key = 'as-stop-conditions'"),
        2
    );
    let (out, err) = e.run(&["verify"], 0);
    assert!(
        out.contains("ok   every table matches the audit trail") && out.contains("verifies."),
        "{out}{err}"
    );

    // Again: nothing to add; the retired item is still reported.
    let again = e.ok(&["--playbook", &pb, "playbook", "sync"]);
    assert!(again.contains("Nothing to add to pilots."), "{again}");
    assert!(again.contains("as-stop-conditions"), "{again}");
    assert_eq!(e.count("SELECT count(*) FROM checklist_rows"), rows + 2);
}

#[test]
fn an_item_slipped_in_behind_lastmiles_back_after_a_sync_is_still_caught() {
    let e = Env::init();
    e.ok(&["pilots", "add", "Alpha"]);
    let pb = changed_playbook(&e);
    e.ok(&["--playbook", &pb, "playbook", "sync"]);
    e.sql(
        "INSERT INTO checklist_rows (pilot_id, text_id, position, due_day, updated_at, updated_by)
         SELECT pilot_id, text_id, 999, due_day, updated_at, updated_by FROM checklist_rows LIMIT 1",
    );
    let (out, err) = e.run(&["verify"], 1);
    assert!(format!("{out}{err}").contains("checklist of pilot"), "{out}{err}");
}

#[test]
fn the_built_in_playbook_is_in_step_with_a_new_file() {
    let e = Env::init();
    e.ok(&["pilots", "add", "Alpha"]);
    let out = e.ok(&["playbook", "sync", "--dry-run"]);
    assert!(
        out.contains("Every checklist is in step with the playbook (1 pilot checked)."),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&e.ok(&["playbook", "sync", "--json"])).unwrap();
    assert_eq!(json["items_added"], 0);
    assert_eq!(json["pilots_checked"], 1);
}

#[test]
fn on_the_demo_a_new_item_reaches_the_pilots_in_the_gates_only() {
    let e = Env::demo();
    let pb = changed_playbook(&e);
    // An Assessment item: only pilots still in Assessment get it; a passed
    // gate is not reopened.
    let in_gates =
        e.count("SELECT count(*) FROM pilots WHERE status NOT IN ('production', 'stopped') AND phase = 'assessment'");
    let passed =
        e.count("SELECT count(*) FROM pilots WHERE status NOT IN ('production', 'stopped') AND phase <> 'assessment'");
    let closed = e.count("SELECT count(*) FROM pilots WHERE status IN ('production', 'stopped')");
    assert!(in_gates > 0 && passed > 0 && closed > 0, "the demo has all three");
    let out = e.ok(&["--playbook", &pb, "playbook", "sync"]);
    assert!(
        out.contains(&format!("Added {in_gates} checklist items to {in_gates} pilots")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{closed} pilot")) && out.contains("get no new items"),
        "{out}"
    );
    assert_eq!(
        e.count("SELECT count(*) FROM checklist_items WHERE item_key = 'as-sponsor'"),
        in_gates
    );
    e.run(&["verify"], 0);
}

/// A programme item the playbook drops is reported and kept (issue 12).
#[test]
fn a_programme_item_the_playbook_drops_is_reported_and_kept() {
    let e = Env::demo();
    let pb = lastmile::playbook::DEFAULT_PLAYBOOK
        .lines()
        .filter(|l| !l.contains("key = \"as-pick-three\""))
        .collect::<Vec<_>>()
        .join("\n");
    let path = e.path("org.toml");
    std::fs::write(&path, pb).unwrap();
    let p = path.to_str().unwrap();
    let out = e.ok(&["--playbook", p, "playbook", "sync"]);
    assert!(
        out.contains("1 item on the programme checklist") && out.contains("as-pick-three"),
        "{out}"
    );
    assert_eq!(
        e.count("SELECT count(*) FROM programme_items WHERE item_key = 'as-pick-three'"),
        1
    );
    e.ok(&["verify"]);
}
