//! Stage gates end to end through the real binary: evidence rules, the
//! verdict at each pilot's gate, and what each decision outcome does.

mod support;

use lastmile::domain::model::{Phase, Status};
use support::env::Env;

/// A programme with one pilot and two people; day 1 is today.
fn one_pilot() -> Env {
    let e = Env::new();
    e.ok(&["init"]);
    e.ok(&["pilots", "add", "Claims triage", "--sector", "financial"]);
    e.ok(&["people", "add", "Dana Reyes", "--title", "CIO"]);
    e.ok(&["people", "add", "Sam Oduya"]);
    e
}

fn pilot(e: &Env) -> lastmile::domain::model::Pilot {
    e.store().find_pilot("Claims triage").unwrap()
}

fn why_json(e: &Env) -> serde_json::Value {
    serde_json::from_str(&e.ok(&["why", "claims", "--json"])).unwrap()
}

/// The case from the issue: four green scores whose rationale is "x", one
/// person in all four seats, every gating item "not applicable" with no
/// reason (planted with SQL, since lastmile refuses it), nothing done, no
/// selection score, no metrics.
#[test]
fn the_gaming_case_is_not_ready_and_its_go_is_refused() {
    let e = one_pilot();
    for dim in ["data", "governance", "integration", "ownership"] {
        e.ok(&["score", "claims", dim, "green", "--why", "x"]);
    }
    for role in ["product", "platform", "governance", "business"] {
        e.ok(&["assign", "claims", role, "Sam Oduya"]);
    }
    e.sql("UPDATE checklist_rows SET state = 'na' WHERE text_id IN (SELECT id FROM checklist_texts WHERE gate = 1);");
    let j = why_json(&e);
    assert_eq!(j["current_gate"]["phase"], "assessment");
    assert_eq!(j["current_gate"]["verdict"], "not-ready");
    assert_eq!(j["production_gate"]["verdict"], "not-ready");
    let unmet: Vec<&str> = j["production_gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["standing"] == "unmet")
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    for kind in ["items", "owners", "metrics", "scorecard"] {
        assert!(unmet.contains(&kind), "{kind} must be unmet: {unmet:?}");
    }
    let text = e.ok(&["why", "claims"]);
    assert!(text.contains("not applicable, no reason"), "{text}");
    let err = e.fails(
        &["decide", "claims", "go", "--by", "Dana Reyes", "--why", "Looks fine"],
        1,
    );
    assert!(err.contains("a go at the assessment gate is refused"), "{err}");
    assert_eq!(e.count("SELECT count(*) FROM decisions"), 0, "nothing written");
    assert_eq!(pilot(&e).phase, Phase::Assessment);
}

#[test]
fn not_applicable_needs_a_reason_and_done_needs_evidence_to_count() {
    let e = one_pilot();
    let err = e.fails(&["check", "claims", "as-scorecard", "na"], 1);
    assert!(err.contains("can be marked not applicable only with a reason"), "{err}");
    assert_eq!(e.count("SELECT count(*) FROM checklist_items WHERE state = 'na'"), 0);
    // With the reason in the same command, it is taken.
    e.ok(&[
        "check",
        "claims",
        "as-scorecard",
        "na",
        "--note",
        "The programme scorecard covers it",
    ]);
    // The same note again (a trailing space cleaned away) writes nothing,
    // and a state given with it is no conflict.
    e.ok(&[
        "check",
        "claims",
        "as-stop-conditions",
        "--note",
        "Stop if no data owner",
    ]);
    e.ok(&[
        "check",
        "claims",
        "as-stop-conditions",
        "done",
        "--note",
        "Stop if no data owner ",
    ]);
    assert_eq!(
        e.count("SELECT count(*) FROM checklist_items WHERE item_key = 'as-stop-conditions' AND state = 'done'"),
        1
    );
    // The reason cannot then be removed while it is not applicable.
    let err = e.fails(&["check", "claims", "as-scorecard", "--note", ""], 1);
    assert!(err.contains("its note is the reason"), "{err}");
    // Done without evidence is taken, but does not count, and says so.
    let out = e.ok(&["check", "claims", "as-readiness-definition", "done"]);
    assert!(out.contains("counts towards a gate only with evidence"), "{out}");
    let j = why_json(&e);
    let items = &j["current_gate"]["criteria"][0];
    assert_eq!(items["standing"], "unmet");
    let gaps = items["gaps"][0]["items"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "the scorecard item counts now: {gaps:?}");
    assert_eq!(gaps[0][1], "no-evidence");
    e.ok(&[
        "check",
        "claims",
        "as-readiness-definition",
        "--note",
        "https://wiki/claims/ready",
    ]);
    assert_eq!(why_json(&e)["current_gate"]["criteria"][0]["standing"], "met");
}

#[test]
fn every_score_needs_a_rationale() {
    let e = one_pilot();
    let err = e.fails(&["score", "claims", "data", "green"], 2);
    assert!(err.contains("--why"), "{err}");
    let err = e.fails(&["score", "claims", "data", "green", "--why", "  "], 2);
    assert!(err.contains("--why"), "{err}");
    let err = e.fails(&["rubric", "claims", "selection", "impact", "4"], 2);
    assert!(err.contains("--why"), "{err}");
    let err = e.fails(&["rubric", "claims", "selection", "impact", "4", "--why", " "], 1);
    assert!(err.contains("has no rationale"), "{err}");
    assert_eq!(e.count("SELECT count(*) FROM scores"), 0);
}

/// Meet every must-meet criterion of the Assessment gate.
fn ready_for_assessment(e: &Env) {
    for dim in ["data", "governance", "integration", "ownership"] {
        e.ok(&["score", "claims", dim, "yellow", "--why", "Workshop on day 1"]);
    }
    for q in ["impact", "data", "feasibility", "team", "path"] {
        e.ok(&["rubric", "claims", "selection", q, "4", "--why", "Workshop on day 1"]);
    }
    for item in ["as-scorecard", "as-readiness-definition"] {
        e.ok(&[
            "check",
            "claims",
            item,
            "done",
            "--note",
            "Signed off: https://wiki/claims",
        ]);
    }
    e.sql(
        "INSERT INTO metrics (pilot_id, category, name, baseline, minimum, target, updated_at, updated_by)
         SELECT id, 'business', 'Claims handled per hour', 10, 12, 15, '2026-11-23T10:00:00Z', 'tester' FROM pilots;",
    );
}

#[test]
fn go_moves_the_pilot_on_and_closes_its_gate() {
    let e = one_pilot();
    ready_for_assessment(&e);
    let j = why_json(&e);
    // Only the should-meet shortlist is open: at risk, not blocked.
    assert_eq!(j["current_gate"]["verdict"], "at-risk");
    e.ok(&["pilots", "shortlist", "claims"]);
    assert_eq!(why_json(&e)["current_gate"]["verdict"], "ready");
    let out = e.ok(&[
        "decide",
        "claims",
        "go",
        "--by",
        "Dana Reyes",
        "--why",
        "Evidence reviewed",
    ]);
    assert!(out.contains("Go at the assessment gate"), "{out}");
    assert!(out.contains("moved on to Scaffolding"), "{out}");
    assert!(!out.contains("Override"), "{out}");
    let p = pilot(&e);
    assert_eq!((p.phase, p.status), (Phase::Scaffolding, Status::Active));
    let d = &e.store().decisions(&Default::default()).unwrap()[0];
    assert_eq!(d.gate, Some(Phase::Assessment));
    assert!(d.criteria.iter().all(|c| c.need.is_none() || c.met), "{:?}", d.criteria);
    assert_eq!(why_json(&e)["current_gate"]["phase"], "scaffolding");
    // The audit trail has the move, made by the decision.
    assert_eq!(
        e.count("SELECT count(*) FROM audit_events WHERE entity = 'pilot' AND field = 'phase' AND new_value = 'scaffolding'"),
        1
    );
}

#[test]
fn an_override_is_written_and_marked() {
    let e = one_pilot();
    let out = e.ok(&[
        "decide",
        "claims",
        "go",
        "--by",
        "Dana Reyes",
        "--why",
        "Sponsor wants a two-week spike",
        "--override",
        "Spike only; no production data",
    ]);
    assert!(out.contains("Override: 4 unmet must-meet criteria"), "{out}");
    assert_eq!(pilot(&e).phase, Phase::Scaffolding);
    let md = e.ok(&["export", "decisions"]);
    assert!(
        md.contains("OVERRIDE of unmet must-meet criteria: Spike only; no production data"),
        "{md}"
    );
    let err = e.fails(
        &[
            "decide",
            "claims",
            "no-go",
            "--by",
            "Dana Reyes",
            "--why",
            "x",
            "--override",
            "because",
        ],
        1,
    );
    assert!(err.contains("an override is only for a go"), "{err}");
}

#[test]
fn no_go_stops_the_pilot_and_it_leaves_the_counts() {
    let e = one_pilot();
    e.ok(&[
        "decide",
        "claims",
        "no-go",
        "--by",
        "Dana Reyes",
        "--why",
        "No data owner",
        "--communicated",
    ]);
    assert_eq!(pilot(&e).status, Status::Stopped);
    let status: serde_json::Value = serde_json::from_str(&e.ok(&["status", "--json"])).unwrap();
    assert_eq!(status["left_gates"], 1);
    assert_eq!(status["blockers"], serde_json::json!([]));
    let counted: u64 = status["by_readiness"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(counted, 0);
    assert!(why_json(&e)["current_gate"].is_null());
    let err = e.fails(&["decide", "claims", "go", "--by", "Dana Reyes", "--why", "Again"], 1);
    assert!(err.contains("has left the gates"), "{err}");
    // It stays in the inventory and the log.
    assert!(e.ok(&["pilots", "list"]).contains("Stopped"));
    assert!(e.ok(&["export", "decisions"]).contains("No-go"));
}

#[test]
fn pivot_goes_back_and_defer_holds_until_a_review_date() {
    let e = one_pilot();
    e.ok(&["pilots", "move", "claims", "hardening"]);
    let err = e.fails(&["decide", "claims", "defer", "--by", "Dana Reyes", "--why", "Wait"], 1);
    assert!(err.contains("needs a review date"), "{err}");
    let err = e.fails(
        &[
            "decide",
            "claims",
            "defer",
            "--by",
            "Dana Reyes",
            "--why",
            "Wait",
            "--review",
            "2026-11-23",
        ],
        1,
    );
    assert!(err.contains("is not after today"), "{err}");
    let out = e.ok(&[
        "decide",
        "claims",
        "defer",
        "--by",
        "Dana Reyes",
        "--why",
        "Wait",
        "--review",
        "2026-12-07",
    ]);
    assert!(
        out.contains("held in its phase until the review on 2026-12-07"),
        "{out}"
    );
    assert_eq!(pilot(&e).phase, Phase::Hardening);
    let out = e.ok(&[
        "decide",
        "claims",
        "pivot",
        "--by",
        "Dana Reyes",
        "--why",
        "Rescope to motor claims",
        "--to",
        "scaffolding",
    ]);
    assert!(out.contains("back to Scaffolding"), "{out}");
    assert_eq!(pilot(&e).phase, Phase::Scaffolding);
    let err = e.fails(
        &[
            "decide",
            "claims",
            "pivot",
            "--by",
            "Dana Reyes",
            "--why",
            "x",
            "--to",
            "hardening",
        ],
        1,
    );
    assert!(err.contains("a pivot goes back, not forward"), "{err}");
    // The pivot superseded the defer (same gate); the defer shows its date.
    let log = e.store().decisions(&Default::default()).unwrap();
    assert_eq!(log[1].review_on.as_deref(), Some("2026-12-07"));
    assert_eq!(log[1].superseded_by, Some(log[0].id));
    let out = e.ok(&[
        "decide",
        "claims",
        "pivot",
        "--by",
        "Dana Reyes",
        "--why",
        "Start again",
    ]);
    assert!(out.contains("back to Assessment"), "{out}");
}

#[test]
fn a_decision_maker_who_owns_the_pilot_is_told_and_it_is_recorded() {
    let e = one_pilot();
    e.ok(&["assign", "claims", "business", "Dana Reyes"]);
    let out = e.ok(&["decide", "claims", "pivot", "--by", "Dana Reyes", "--why", "Rescope"]);
    assert!(out.contains("is one of the pilot's owners"), "{out}");
    assert!(e.store().decisions(&Default::default()).unwrap()[0].maker_is_owner);
    let csv = e.ok(&["export", "decisions", "--format", "csv"]);
    assert!(csv.contains(",yes,"), "{csv}");
}

#[test]
fn the_production_gate_decision_closes_its_review_items() {
    let e = one_pilot();
    e.ok(&["pilots", "move", "claims", "hardening"]);
    e.ok(&[
        "decide",
        "claims",
        "no-go",
        "--by",
        "Dana Reyes",
        "--why",
        "Costs too high",
    ]);
    let closed = e.count(
        "SELECT count(*) FROM checklist_items WHERE item_key IN ('hd-readiness-review', 'hd-decision')
         AND state = 'done' AND note LIKE '%Decision #1 (No-go) recorded%'",
    );
    assert_eq!(closed, 2);
}

#[test]
fn the_shortlist_holds_at_most_the_playbooks_number() {
    let e = one_pilot();
    for n in ["B", "C", "D"] {
        e.ok(&["pilots", "add", &format!("Pilot {n}")]);
    }
    for n in ["claims", "Pilot B", "Pilot C"] {
        e.ok(&["pilots", "shortlist", n]);
    }
    let err = e.fails(&["pilots", "shortlist", "Pilot D"], 1);
    assert!(err.contains("the shortlist already holds 3 pilots"), "{err}");
    let out = e.ok(&["pilots", "shortlist", "Pilot B", "--off"]);
    assert!(out.contains("Seats taken now (2 of 3)"), "{out}");
    e.ok(&["pilots", "shortlist", "Pilot D"]);
    assert_eq!(e.count("SELECT count(*) FROM pilots WHERE shortlisted = 1"), 3);
    assert_eq!(
        e.count("SELECT count(*) FROM audit_events WHERE field = 'shortlisted'"),
        5,
        "each change audited"
    );
    // A shortlisted pilot that is stopped frees its seat.
    let err = e.fails(&["pilots", "shortlist", "Pilot B"], 1);
    assert!(err.contains("already holds 3"), "{err}");
    e.ok(&[
        "decide",
        "Pilot C",
        "no-go",
        "--by",
        "Dana Reyes",
        "--why",
        "No sponsor",
    ]);
    e.ok(&["pilots", "shortlist", "Pilot B"]);
}
