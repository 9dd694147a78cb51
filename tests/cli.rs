//! End-to-end tests of every subcommand of the foundation, driving the real
//! binary and checking the database afterwards.

mod support;

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;
use support::env::{count, Env};

#[test]
fn init_is_idempotent_and_sets_the_programme() {
    let e = Env::new();
    let out = e.ok(&["init", "--name", "Group AI", "--start", "2026-10-01"]);
    assert!(out.contains("Day 54 of 90"), "{out}");
    e.ok(&["init"]);
    let p = e.store().programme().unwrap();
    assert_eq!(p.name, "Group AI");
    assert_eq!(p.start_date.to_string(), "2026-10-01");
    assert_eq!(
        count(&e.db, "SELECT count(*) FROM audit_events WHERE entity = 'programme'"),
        3,
        "created, then the name and the start date set"
    );
    let err = e.fails(&["init", "--start", "2026-02-30"], 2);
    assert!(err.contains("is not a date"), "{err}");
}

/// One clock: a new programme starts on the pinned today as day 1, and a
/// decision made without a date is dated that day, whatever the system
/// clock says (CI runs this suite a second time with the clock moved).
#[test]
fn a_new_programme_starts_today_and_decisions_take_the_same_clock() {
    let e = Env::new();
    let out = e.ok(&["init"]);
    assert!(out.contains("day 1 = 2026-11-23"), "{out}");
    assert!(out.contains("Day 1 of 90"), "{out}");
    assert_eq!(
        e.store().programme().unwrap().start_date.to_string(),
        support::env::TODAY
    );
    let stamped = e.count("SELECT count(*) FROM audit_events WHERE at NOT LIKE '2026-11-23T%'");
    assert_eq!(stamped, 0, "changes are stamped on the pinned date");
    let err = e
        .cmd()
        .env("LASTMILE_TODAY", "someday")
        .arg("status")
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("LASTMILE_TODAY 'someday' is not a date"), "{err}");
}

#[test]
fn demo_then_status_shows_a_believable_portfolio() {
    let e = Env::new();
    let out = e.ok(&["demo"]);
    assert!(out.contains("Day 45 of 90"), "{out}");
    let status = e.ok(&["status"]);
    for want in [
        "Assessment",
        "Scaffolding",
        "Hardening & decision",
        "Top assessment candidates",
        "Blockers",
    ] {
        assert!(status.contains(want), "missing {want}: {status}");
    }
    let json: serde_json::Value = serde_json::from_str(&e.ok(&["status", "--json"])).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["programme"]["day"], 45);
    let n = json["pilots"].as_u64().unwrap();
    assert!((8..=12).contains(&n));
    let phases = json["by_phase"].as_object().unwrap();
    assert!(
        phases.values().all(|v| v.as_u64().unwrap() > 0),
        "every board has pilots: {phases:?}"
    );
    // A second demo on the same file is refused, nothing changes.
    let before = count(&e.db, "SELECT count(*) FROM audit_events");
    let err = e.fails(&["demo"], 1);
    assert!(err.contains("already has pilots"), "{err}");
    assert_eq!(count(&e.db, "SELECT count(*) FROM audit_events"), before);
}

#[test]
fn synthetic_demo_is_deterministic() {
    let a = Env::new();
    let b = Env::new();
    a.ok(&["demo", "--pilots", "40", "--seed", "9"]);
    b.ok(&["demo", "--pilots", "40", "--seed", "9"]);
    let la = a.ok(&["pilots", "list"]);
    assert_eq!(la, b.ok(&["pilots", "list"]));
    assert_eq!(la.lines().count(), 41);
}

#[test]
fn pilots_people_assign_score_decide() {
    let e = Env::new();
    e.ok(&[
        "pilots",
        "add",
        "Claims triage",
        "--sector",
        "healthcare",
        "--unit",
        "Claims",
    ]);
    e.ok(&["people", "add", "Priya Nair", "--title", "Head of data"]);
    e.ok(&["people", "add", "Dana Reyes"]);
    let out = e.ok(&["assign", "claims", "platform", "priya"]);
    assert!(out.contains("Priya Nair is now the platform owner"), "{out}");
    let out = e.ok(&[
        "score",
        "CLAIMS TRIAGE",
        "data",
        "yellow",
        "--why",
        "Feeds exist, quality unknown",
    ]);
    assert!(out.contains("Not ready"), "{out}");
    e.ok(&["rubric", "claims", "selection", "impact", "4", "--why", "Saves 2 FTE"]);
    let out = e.ok(&[
        "decide",
        "claims",
        "defer",
        "--by",
        "dana",
        "--why",
        "Evidence missing",
        "--criterion",
        "Owners named=unmet",
        "--stop",
        "Stop if no owner by day 60",
        "--review",
        "2026-12-07",
    ]);
    assert!(out.contains("Defer"), "{out}");
    assert!(
        out.contains("held in its phase until the review on 2026-12-07"),
        "{out}"
    );
    let s = e.store();
    let p = s.find_pilot("claims").unwrap();
    assert_eq!(p.business_unit, "Claims");
    assert_eq!(s.owners(p.id).unwrap()[0].person, "Priya Nair");
    assert_eq!(
        s.current_answers(p.id, "readiness").unwrap()["data"].rationale,
        "Feeds exist, quality unknown"
    );
    let d = &s.decisions(&Default::default()).unwrap()[0];
    // The gate's criteria, computed, then the typed one.
    let gate = lastmile::playbook::Playbook::builtin()
        .gate(lastmile::domain::Phase::Assessment)
        .clone();
    assert_eq!(d.criteria.len(), gate.criteria.len() + 1);
    assert_eq!(d.criteria[0].criterion, gate.criteria[0].label);
    assert_eq!(d.criteria.last().unwrap().criterion, "Owners named");
    assert!(!d.criteria.last().unwrap().met);
    assert_eq!(d.review_on.as_deref(), Some("2026-12-07"));
    assert_eq!(d.decided_by, "Dana Reyes");
    assert_eq!(d.decided_on, "2026-11-23");
    let actors = count(&e.db, "SELECT count(*) FROM audit_events WHERE actor <> 'tester'");
    assert_eq!(actors, 0, "every change is recorded with the acting person");
    let fields = count(&e.db, "SELECT count(DISTINCT entity) FROM audit_events");
    assert!(fields >= 5, "pilot, person, owner, score, decision audited");
    let json: serde_json::Value = serde_json::from_str(&e.ok(&["people", "list", "--json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    let json: serde_json::Value = serde_json::from_str(&e.ok(&["score", "claims", "--json"])).unwrap();
    assert_eq!(json["rubrics"][0]["rubric"], "readiness");
}

#[test]
fn checklist_items_move_and_why() {
    let e = Env::new();
    e.ok(&["pilots", "add", "Fraud scoring", "--sector", "financial"]);
    e.ok(&["people", "add", "Ben Hartley"]);
    let list = e.ok(&["check", "fraud", "--phase", "assessment"]);
    assert!(list.contains("as-"), "{list}");
    let key = list
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .nth(2)
        .unwrap()
        .to_string();
    let out = e.ok(&["check", "fraud", &key, "done", "--owner", "ben", "--note", "See wiki"]);
    assert!(out.contains("[x]") && out.contains("Ben Hartley"), "{out}");
    let s = e.store();
    let p = s.find_pilot("fraud").unwrap();
    let item = s
        .checklist(p.id)
        .unwrap()
        .into_iter()
        .find(|i| i.item_key == key)
        .unwrap();
    assert_eq!(item.note, "See wiki");
    assert_eq!(item.revision, 4);
    e.ok(&["pilots", "move", "fraud", "next"]);
    assert_eq!(
        e.store().find_pilot("fraud").unwrap().phase,
        lastmile::domain::Phase::Scaffolding
    );
    e.ok(&["pilots", "move", "fraud", "prev"]);
    let err = e.fails(&["pilots", "move", "fraud", "prev"], 1);
    assert!(err.contains("already in the first phase"), "{err}");
    let why = e.ok(&["why", "fraud"]);
    assert!(why.contains("Not ready") && why.contains("not scored yet"), "{why}");
    let json: serde_json::Value = serde_json::from_str(&e.ok(&["why", "fraud", "--json"])).unwrap();
    assert_eq!(json["current_gate"]["verdict"], "not-ready");
    assert_eq!(json["current_gate"]["phase"], "assessment");
    assert_eq!(json["production_gate"]["verdict"], "not-ready");
    let show = e.ok(&["pilots", "show", "fraud"]);
    assert!(show.contains("— missing"), "{show}");
}

#[test]
fn unknown_names_list_the_valid_ones() {
    let e = Env::new();
    e.ok(&["pilots", "add", "Fraud scoring"]);
    e.ok(&["people", "add", "Maria Lopez"]);
    let err = e.fails(&["assign", "fraud", "product", "Mario Lopez"], 1);
    assert!(
        err.contains("no person named 'Mario Lopez'") && err.contains("did you mean 'Maria Lopez'"),
        "{err}"
    );
    let err = e.fails(&["assign", "fraud", "chef", "maria"], 2);
    assert!(err.contains("product") && err.contains("business"), "{err}");
    let err = e.fails(&["score", "fraud", "vibes", "red", "--why", "x"], 2);
    assert!(err.contains("data") && err.contains("ownership"), "{err}");
    let err = e.fails(&["score", "fraud", "data", "purple", "--why", "x"], 2);
    assert!(err.contains("yellow"), "{err}");
    let err = e.fails(&["score", "nopilot", "data", "red", "--why", "x"], 1);
    assert!(err.contains("no pilot named 'nopilot'"), "{err}");
    let err = e.fails(&["score", "fraud", "data", "red"], 2);
    assert!(err.contains("--why"), "{err}");
    let err = e.fails(&["rubric", "fraud", "nope", "q", "a", "--why", "because"], 1);
    assert!(err.contains("readiness, selection"), "{err}");
}

#[test]
fn bad_names_are_refused_with_reasons() {
    let e = Env::new();
    let err = e.fails(&["pilots", "add", "   "], 1);
    assert!(err.contains("name is empty"), "{err}");
    let long = "x".repeat(10_000);
    let err = e.fails(&["pilots", "add", &long], 1);
    assert!(err.contains("10000 characters"), "{err}");
    assert!(err.lines().count() == 1, "one line: {err}");
    let err = e.fails(&["people", "add", "evil\u{1b}[2Jname"], 1);
    assert!(err.contains("control character") && !err.contains('\u{1b}'), "{err}");
    e.ok(&["pilots", "add", "Fraud"]);
    let err = e.fails(&["pilots", "add", "fraud"], 1);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(count(&e.db, "SELECT count(*) FROM pilots"), 1);
}

#[test]
fn malformed_playbook_names_file_line_and_column() {
    let e = Env::new();
    let pb = e.db.with_file_name("pb.toml");
    std::fs::write(&pb, "name = \"x\"\nversion = \"one\"\n").unwrap();
    let err = e.fails(&["--playbook", pb.to_str().unwrap(), "status"], 1);
    assert!(err.contains("pb.toml, line 2, column"), "{err}");
}

#[test]
fn custom_playbook_rubric_is_scored() {
    let e = Env::new();
    let pb = e.db.with_file_name("org.toml");
    let extra = include_str!("fixtures/maturity_rubric.toml");
    std::fs::write(&pb, format!("{}\n{extra}", lastmile::playbook::DEFAULT_PLAYBOOK)).unwrap();
    let p = pb.to_str().unwrap();
    e.ok(&["--playbook", p, "pilots", "add", "Agent"]);
    for (q, a) in [
        ("tests", "yes"),
        ("docs", "partly"),
        ("cicd", "yes"),
        ("rollback", "yes"),
    ] {
        e.ok(&[
            "--playbook",
            p,
            "rubric",
            "agent",
            "maturity",
            q,
            a,
            "--why",
            "Seen in the repository",
        ]);
    }
    let json: serde_json::Value = serde_json::from_str(&e.ok(&["--playbook", p, "score", "agent", "--json"])).unwrap();
    let m = json["rubrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rubric"] == "maturity")
        .unwrap()
        .clone();
    assert_eq!(m["value"], 1.5);
    assert_eq!(m["band"], "Maturing");
    // A rubric declared `gates_readiness` is a must-meet criterion of the
    // production gate: a band that warns passes it, one that blocks fails.
    let criterion = |e: &Env| -> serde_json::Value {
        let j: serde_json::Value = serde_json::from_str(&e.ok(&["--playbook", p, "why", "agent", "--json"])).unwrap();
        j["production_gate"]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["label"] == "Engineering maturity rubric passes")
            .unwrap()
            .clone()
    };
    assert_eq!(criterion(&e)["standing"], "met");
    for q in ["tests", "docs"] {
        e.ok(&[
            "--playbook",
            p,
            "rubric",
            "agent",
            "maturity",
            q,
            "no",
            "--why",
            "Not started",
        ]);
    }
    let c = criterion(&e);
    assert_eq!(c["standing"], "unmet", "{c}");
    assert!(c["gaps"][0]["result"].as_str().unwrap().contains("Prototype"), "{c}");
    let err = e.fails(
        &[
            "--playbook",
            p,
            "rubric",
            "agent",
            "maturity",
            "tests",
            "maybe",
            "--why",
            "x",
        ],
        1,
    );
    assert!(err.contains("no, partly, yes"), "{err}");
}

#[test]
fn schema_in_the_file_matches_schema_sql() {
    let e = Env::new();
    e.ok(&["init"]);
    let c = rusqlite::Connection::open(&e.db).unwrap();
    let mut stmt = c
        .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        .unwrap();
    let in_file: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|r| norm(&strip_comments(&r.unwrap())))
        .collect();
    let schema = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.sql")).unwrap();
    let schema = norm(&strip_comments(&schema));
    for stmt in &in_file {
        assert!(schema.contains(stmt.as_str()), "statement not in schema.sql: {stmt}");
    }
    let creates = schema.matches("CREATE ").count();
    assert_eq!(creates, in_file.len(), "every CREATE in schema.sql is in the file");
}

fn strip_comments(s: &str) -> String {
    s.lines()
        .map(|l| l.split("--").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn help_exists_for_every_subcommand() {
    let e = Env::new();
    for sub in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["demo", "--help"],
        vec!["pilots", "add", "--help"],
        vec!["people", "list", "--help"],
        vec!["assign", "--help"],
        vec!["check", "--help"],
        vec!["score", "--help"],
        vec!["rubric", "--help"],
        vec!["decide", "--help"],
        vec!["why", "--help"],
        vec!["status", "--help"],
        vec!["export", "decisions", "--help"],
        vec!["import", "pilots", "--help"],
        vec!["verify", "--help"],
        vec!["backup", "--help"],
    ] {
        e.cmd()
            .args(&sub)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: lastmile"));
    }
    e.cmd().arg("frobnicate").assert().code(2);
}

#[test]
fn no_subcommand_without_a_terminal_is_a_usage_error() {
    let e = Env::new();
    let err = e.fails(&[], 2);
    assert!(err.contains("needs a terminal"), "{err}");
}

#[test]
fn read_only_commands_never_create_a_database() {
    let e = Env::new();
    for args in [vec!["verify"], vec!["export", "decisions"], vec!["backup", "copy.db"]] {
        let err = e.fails(&args, 1);
        assert!(
            err.contains("does not exist") && err.contains("lastmile init"),
            "{args:?}: {err}"
        );
        assert!(!e.db.exists(), "{args:?} created the file");
    }
}

#[test]
fn env_var_selects_the_database() {
    let e = Env::new();
    let mut c = Command::cargo_bin("lastmile").unwrap();
    c.env("LASTMILE_DB", &e.db)
        .args(["--as", "env", "pilots", "add", "Via env"])
        .assert()
        .success();
    assert_eq!(e.store().find_pilot("via").unwrap().updated_by, "env");
}

#[test]
fn keys_prints_the_keymap_and_the_docs_hold_its_markdown() {
    let e = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[keys.portfolio]\nsort = \"z\"\n").unwrap();
    let out = e.cmd().env("LASTMILE_CONFIG", &cfg).arg("keys").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // The user's own binding is what is printed.
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("z ") && l.contains("sort by the next column")),
        "{text}"
    );
    // Without a config, the Markdown is docs/keys.md's generated part.
    std::fs::write(&cfg, "").unwrap();
    let out = e
        .cmd()
        .env("LASTMILE_CONFIG", &cfg)
        .args(["keys", "--markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/keys.md")).unwrap();
    assert!(docs.ends_with(&md), "docs/keys.md ends with `lastmile keys --markdown`");
    // A broken config is a one-line error, exit 1.
    std::fs::write(&cfg, "[keys.nowhere]\n").unwrap();
    let out = e.cmd().env("LASTMILE_CONFIG", &cfg).arg("keys").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn the_config_files_name_is_who_acts_without_as() {
    let e = Env::new();
    e.ok(&["init"]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "name = \"Zoe Kim\"\n").unwrap();
    let mut c = Command::cargo_bin("lastmile").unwrap();
    c.arg("--db")
        .arg(&e.db)
        .args(["people", "add", "Ian Wu"])
        .env("LASTMILE_TODAY", support::env::TODAY)
        .env("LASTMILE_CONFIG", &cfg)
        .env_remove("USER")
        .env_remove("USERNAME");
    c.assert().success();
    let actor: String = rusqlite::Connection::open(&e.db)
        .unwrap()
        .query_row("SELECT actor FROM audit_events ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(actor, "Zoe Kim");
    // A name that is not a valid name is refused with the file and line.
    std::fs::write(&cfg, "mouse = true\nname = \"\"\n").unwrap();
    let out = e.cmd().env("LASTMILE_CONFIG", &cfg).arg("keys").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_and_the_man_page_come_from_the_same_definitions_as_help() {
    use clap::CommandFactory;
    let e = Env::new();
    let names: Vec<String> = lastmile::cli::args::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert!(names.contains(&"verify".to_string()) && names.contains(&"man".to_string()));
    for shell in ["bash", "zsh", "fish"] {
        let out = e.ok(&["completions", shell]);
        for n in &names {
            assert!(out.contains(n.as_str()), "{shell} completion lacks {n}");
        }
    }
    let man = e.ok(&["man"]);
    assert!(man.contains(".TH lastmile 1"), "{man}");
    for n in &names {
        assert!(man.contains(n.as_str()), "the man page lacks {n}");
    }
    let err = e.fails(&["completions", "tcsh"], 2);
    assert!(err.contains("possible values"), "{err}");
}

#[test]
fn metrics_from_the_command_line_follow_the_forms_rules() {
    let e = Env::new();
    e.ok(&["demo"]);
    let out = e.ok(&["metric", "Agentic"]);
    assert!(
        out.contains("Requests resolved without hand-off") && out.contains("below minimum viable"),
        "{out}"
    );
    e.ok(&[
        "metric",
        "Agentic",
        "add",
        "Cost per ticket",
        "--category",
        "business",
        "--unit",
        "EUR",
        "--baseline",
        "4.2",
        "--min",
        "3",
        "--target",
        "2",
        "--stretch",
        "1.5",
        "--lower-is-better",
    ]);
    let out = e.ok(&["metric", "Agentic", "set", "cost per t", "2.4"]);
    assert!(out.contains("at minimum viable"), "{out}");
    let json = e.ok(&["metric", "Agentic", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let m = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"]["name"] == "Cost per ticket")
        .unwrap();
    assert_eq!(m["metric"]["current"], 2.4);
    assert_eq!(m["standing"], "minimum");
    // The form's rules: levels the metric's way, numbers, known categories.
    let err = e.fails(
        &[
            "metric",
            "Agentic",
            "add",
            "Bad",
            "--category",
            "business",
            "--min",
            "3",
            "--target",
            "2",
        ],
        1,
    );
    assert!(
        err.contains("--target") && err.contains("below the minimum viable"),
        "{err}"
    );
    let err = e.fails(&["metric", "Agentic", "add", "Bad", "--category", "nope"], 2);
    assert!(
        err.contains("use one of performance, business, user, operational"),
        "{err}"
    );
    let err = e.fails(
        &["metric", "Agentic", "add", "Bad", "--category", "user", "--min", "lots"],
        2,
    );
    assert!(err.contains("'lots' is not a number"), "{err}");
    let err = e.fails(&["metric", "Agentic", "set", "cost", "3"], 1);
    assert!(err.contains("matches 2 metrics"), "{err}");
    let err = e.fails(
        &["metric", "Agentic", "add", "Cost per ticket", "--category", "user"],
        1,
    );
    assert!(err.contains("already has a metric"), "{err}");
    // Nothing was written by the refused commands; the audit trail has the rest.
    assert_eq!(count(&e.db, "SELECT count(*) FROM metrics WHERE name = 'Bad'"), 0);
    assert_eq!(
        count(
            &e.db,
            "SELECT count(*) FROM audit_events WHERE entity = 'metric' AND actor = 'tester'"
        ),
        2,
        "added and set"
    );
    // Negative values are values; a decimal comma is refused, not read as 25.
    e.ok(&["metric", "Agentic", "set", "Cost per ticket", "-0.5"]);
    let err = e.fails(&["metric", "Agentic", "set", "Cost per ticket", "0,25"], 2);
    assert!(err.contains("a comma only between thousands"), "{err}");
    e.ok(&["metric", "Agentic", "set", "Cost per ticket", "-"]);
    assert!(e.ok(&["metric", "Agentic"]).contains("no value yet"));
}

#[test]
fn playbook_show_prints_the_lenses() {
    let e = Env::new();
    let all = e.ok(&["playbook", "show"]);
    let pb = lastmile::playbook::Playbook::builtin();
    for l in &pb.lenses {
        assert!(all.contains(&l.name), "{} missing:\n{all}", l.name);
    }
    let one = e.ok(&["playbook", "show", "--lens", "five-conditions"]);
    assert!(
        one.contains("Five production conditions") && one.contains("   5. End-user adoption"),
        "{one}"
    );
    assert!(!one.contains("Readiness gaps"));
    let json: serde_json::Value = serde_json::from_str(&e.ok(&["playbook", "show", "--json"])).unwrap();
    assert_eq!(json["lenses"].as_array().unwrap().len(), pb.lenses.len());
    let err = e.fails(&["playbook", "show", "--lens", "nope"], 2);
    assert!(err.contains("use one of five-conditions"), "{err}");
}

#[test]
fn the_five_production_conditions_and_vendor_capability_are_scored_rubrics() {
    let e = Env::init();
    e.ok(&["pilots", "add", "Agent"]);
    for q in ["integration", "volume", "monitoring", "ownership"] {
        e.ok(&[
            "rubric",
            "agent",
            "production-conditions",
            q,
            "green",
            "--why",
            "Seen live",
        ]);
    }
    e.ok(&[
        "rubric",
        "agent",
        "production-conditions",
        "adoption",
        "yellow",
        "--why",
        "Training half done",
    ]);
    e.ok(&[
        "rubric",
        "agent",
        "vendor-capability",
        "performance",
        "red",
        "--why",
        "Only pilot accuracy quoted",
    ]);
    let json: serde_json::Value = serde_json::from_str(&e.ok(&["score", "agent", "--json"])).unwrap();
    let r = |key: &str| support::env::rubric_result(&json, key);
    let pc = r("production-conditions");
    assert_eq!(pc["band"], "Yellow", "the weakest condition sets the result: {pc}");
    let v = r("vendor-capability");
    assert_eq!(v["answered"], 1, "{v}");
    // The guide is the seeds' weak-versus-ready wording, in the playbook.
    let pb = lastmile::playbook::Playbook::builtin();
    let q = pb.rubric("vendor-capability").unwrap().question("performance").unwrap();
    assert!(q.guide["red"].contains("accuracy of the pilot") && q.guide["green"].contains("drift thresholds"));
}

#[test]
fn decision_rights_are_listed_assigned_and_cleared_from_the_command_line() {
    let e = Env::demo();
    let out = e.ok(&["rights", "KYC"]);
    assert!(
        out.contains("0 of 7 assigned") && out.contains("Trigger a rollback"),
        "{out}"
    );
    let out = e.ok(&[
        "rights",
        "KYC",
        "roll",
        "Ben Hartley",
        "--threshold",
        "at once when the error rate doubles",
    ]);
    assert!(
        out.contains("Ben Hartley now holds the right to trigger a rollback"),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["rights", "KYC", "--json"])).unwrap();
    assert_eq!(v["assigned"], 1);
    let rollback = v["rights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "rollback")
        .unwrap();
    assert_eq!(rollback["holder"]["person"], "Ben Hartley");
    assert_eq!(rollback["holder"]["threshold"], "at once when the error rate doubles");
    // Each change is an audit event naming the person and the threshold.
    assert_eq!(
        e.count("SELECT count(*) FROM audit_events WHERE entity = 'right' AND field = 'rollback' AND new_value LIKE 'Ben Hartley%doubles)'"),
        1
    );
    // Bad input: a threshold is required, the right and the person must exist.
    let err = e.fails(&["rights", "KYC", "rollback", "Ben Hartley", "--threshold", "  "], 1);
    assert!(err.contains("needs a threshold"), "{err}");
    let err = e.fails(&["rights", "KYC", "rollback", "Ben Hartley"], 2);
    assert!(err.contains("--threshold TEXT"), "{err}");
    let err = e.fails(&["rights", "KYC", "nope", "Ben Hartley", "--threshold", "x"], 1);
    assert!(
        err.contains("'nope' is not a decision right") && err.contains("rollback"),
        "{err}"
    );
    let err = e.fails(&["rights", "KYC", "rollback", "Nobody Here", "--threshold", "x"], 1);
    assert!(err.contains("Nobody Here"), "{err}");
    let out = e.ok(&["rights", "KYC", "rollback", "--clear"]);
    assert!(out.contains("no longer holds the right"), "{out}");
    assert!(e.ok(&["rights", "KYC"]).contains("0 of 7 assigned"));
    e.ok(&["verify"]);
}

#[test]
fn rights_changes_answer_in_json_store_one_clean_line_and_outlive_the_playbook() {
    let e = Env::demo();
    // A pasted threshold is one line; one with nothing visible is refused.
    let err = e.fails(
        &[
            "rights",
            "KYC",
            "rollback",
            "Ben Hartley",
            "--threshold",
            "\u{200b}\u{feff}",
        ],
        1,
    );
    assert!(err.contains("needs a threshold"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&e.ok(&[
        "rights",
        "KYC",
        "rollback",
        "Ben Hartley",
        "--threshold",
        "when errors\n   double",
        "--json",
    ]))
    .unwrap();
    assert_eq!(v["after"]["threshold"], "when errors double", "{v}");
    assert_eq!(v["before"], serde_json::Value::Null, "{v}");
    assert_eq!(v["changed"], true, "{v}");
    let long = "x".repeat(301);
    let err = e.fails(&["rights", "KYC", "rollback", "Ben Hartley", "--threshold", &long], 1);
    assert!(err.contains("longer than 300 characters"), "{err}");
    // The same again changes nothing, and says so.
    let out = e.ok(&["rights", "KYC", "rollback", "Ben", "--threshold", "when errors double"]);
    assert!(out.contains("nothing changed"), "{out}");
    // A listing shows a long threshold whole.
    let whole = format!("after review {}", "y".repeat(150));
    e.ok(&["rights", "KYC", "promote", "Ben Hartley", "--threshold", &whole]);
    assert!(e.ok(&["rights", "KYC"]).contains(&whole));
    // A playbook without the rollback right: it can still be taken away.
    let pb = e.db.with_file_name("no-rollback.toml");
    let block = "[[rights]]\nkey = \"rollback\"\nname = \"Trigger a rollback\"\nhint = \"e.g. at once when the error rate doubles or a harmful output is confirmed\"\n";
    assert!(lastmile::playbook::DEFAULT_PLAYBOOK.contains(block));
    std::fs::write(&pb, lastmile::playbook::DEFAULT_PLAYBOOK.replace(block, "")).unwrap();
    let p = pb.to_str().unwrap();
    assert!(e
        .ok(&["--playbook", p, "rights", "KYC"])
        .contains("no longer in the playbook"));
    let v: serde_json::Value =
        serde_json::from_str(&e.ok(&["--playbook", p, "rights", "KYC", "rollback", "--clear", "--json"])).unwrap();
    assert_eq!(v["before"]["person"], "Ben Hartley", "{v}");
    assert_eq!(v["after"], serde_json::Value::Null, "{v}");
    // A playbook with no rights at all: a plain error, not a usage one.
    let none = e.db.with_file_name("no-rights.toml");
    let mut text = lastmile::playbook::DEFAULT_PLAYBOOK.to_string();
    while let Some(at) = text.find("[[rights]]\n") {
        let end = text[at..].find("\n\n").map_or(text.len(), |n| at + n + 2);
        text.replace_range(at..end, "");
    }
    std::fs::write(&none, text).unwrap();
    let err = e.fails(
        &[
            "--playbook",
            none.to_str().unwrap(),
            "rights",
            "KYC",
            "promote",
            "Ben",
            "--threshold",
            "x",
        ],
        1,
    );
    assert!(err.contains("lists no decision rights"), "{err}");
    e.ok(&["verify"]);
}

#[test]
fn the_gates_warn_until_every_decision_right_is_assigned() {
    let e = Env::demo();
    let unmet = |e: &Env| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&e.ok(&["why", "Agentic", "--json"])).unwrap();
        let crit = v["current_gate"]["criteria"].as_array().unwrap();
        crit.iter()
            .filter(|c| c["kind"] == "rights")
            .flat_map(|c| c["gaps"].as_array().unwrap().iter().map(|g| g.to_string()))
            .collect()
    };
    let gaps = unmet(&e);
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert!(gaps[0].contains("\"of\":7"), "{gaps:?}");
    let rights = lastmile::playbook::Playbook::builtin().rights;
    for r in &rights {
        e.ok(&["rights", "Agentic", &r.key, "Ben Hartley", "--threshold", "as agreed"]);
    }
    assert!(unmet(&e).is_empty(), "{:?}", unmet(&e));
    let out = e.ok(&["why", "Agentic"]);
    assert!(
        !out.contains("decision rights is assigned") && !out.contains("decision rights unassigned"),
        "{out}"
    );
}

#[test]
fn the_shortlist_refuses_a_red_flag_without_a_reason_and_holds_its_cap() {
    let e = Env::demo();
    let out = e.ok(&["shortlist"]);
    assert!(
        out.contains("Shortlist (2 of 3 seats taken)") && out.contains("red flag: a criterion below 3"),
        "{out}"
    );
    let err = e.fails(&["shortlist", "add", "Benefits"], 1);
    assert!(
        err.contains("red flag in problem selection (team readiness 2)") && err.contains("--override"),
        "{err}"
    );
    e.ok(&["shortlist", "add", "Benefits", "--override", "the minister asked"]);
    assert_eq!(
        e.count("SELECT count(*) FROM audit_events WHERE field = 'shortlisted' AND new_value = 'yes (override: the minister asked)'"),
        1
    );
    // The listing shows why a red-flagged pilot is on it.
    let out = e.ok(&["shortlist"]);
    assert!(out.contains("joined despite a red flag: the minister asked"), "{out}");
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["shortlist", "--json"])).unwrap();
    let benefits = v["shortlist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["pilot"].as_str().unwrap().starts_with("Benefits"))
        .cloned();
    assert_eq!(benefits.unwrap()["override"], "the minister asked");
    // Full: refused, and the cap is named before any red flag.
    let err = e.fails(&["shortlist", "add", "Card"], 1);
    assert!(err.contains("already holds 3"), "{err}");
    e.ok(&["shortlist", "remove", "Benefits"]);
    e.ok(&["shortlist", "add", "Card"]);
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["shortlist", "--json"])).unwrap();
    assert_eq!(v["shortlist"].as_array().unwrap().len(), 3);
    e.ok(&["verify"]);
}

/// The programme checklist (issue 12, part 1): programme-wide items are
/// done once, not copied onto every pilot.
#[test]
fn the_programme_checklist_is_kept_once_for_the_portfolio() {
    let e = Env::demo();
    // No pilot carries a copy.
    assert_eq!(
        e.count("SELECT count(*) FROM checklist_items WHERE item_key IN ('as-inventory-all', 'as-pick-three')"),
        0
    );
    let out = e.ok(&["check", "--programme"]);
    assert!(
        out.contains("as-inventory-all") && out.contains("as-pick-three") && out.contains("25!"),
        "the open pick is overdue on day 45: {out}"
    );
    // A prefix names the item; the state comes after it.
    let out = e.ok(&[
        "check",
        "--programme",
        "as-pick",
        "done",
        "--note",
        "three seats filled",
    ]);
    assert!(out.contains("Pick the three pilots") && out.contains("Done"), "{out}");
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["check", "--programme", "--json"])).unwrap();
    let pick = v
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item_key"] == "as-pick-three")
        .unwrap()
        .clone();
    assert_eq!(pick["state"], "done");
    assert_eq!(pick["note"], "three seats filled");
    // Not applicable needs its reason; bad input is one line.
    e.ok(&["check", "--programme", "as-inv", "--note", ""]);
    let err = e.fails(&["check", "--programme", "as-inv", "na"], 1);
    assert!(err.contains("only with a reason"), "{err}");
    let err = e.fails(&["check", "--programme", "nope", "done"], 1);
    assert!(err.contains("no item 'nope'"), "{err}");
    let err = e.fails(&["check", "--programme", "as-pick", "finished"], 2);
    assert!(err.contains("'finished' is not a state"), "{err}");
    e.fails(&["check"], 2);
    assert_eq!(
        e.count("SELECT count(*) FROM audit_events WHERE entity = 'programme-item' AND field = 'state' AND new_value = 'done'"),
        2,
        "the demo's inventory and this pick"
    );
    e.ok(&["verify"]);
}

/// Vendors (issue 12, part 4): who builds a pilot, the three asks before
/// signing with their evidence, in-house with a reason; a gate criterion.
#[test]
fn a_pilots_vendor_and_its_asks_are_recorded_and_judged() {
    let e = Env::demo();
    let vendor_gaps = |e: &Env, pilot: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&e.ok(&["why", pilot, "--json"])).unwrap();
        v["current_gate"]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "vendor")
            .flat_map(|c| c["gaps"].as_array().unwrap().iter().map(|g| g.to_string()))
            .collect()
    };
    // Federal records review: nobody has said.
    let out = e.ok(&["vendor", "Federal"]);
    assert!(
        out.contains("not said yet") && out.contains("in-house --reason"),
        "{out}"
    );
    assert!(
        vendor_gaps(&e, "Federal")[0].contains("vendor-unknown"),
        "{:?}",
        vendor_gaps(&e, "Federal")
    );
    // A vendor: each ask needs its evidence.
    let out = e.ok(&["vendor", "Federal", "set", "Archivum\u{1b}[31m Inc"]);
    assert!(
        out.contains("built with Archivum[31m Inc"),
        "control characters are dropped: {out}"
    );
    let gaps = vendor_gaps(&e, "Federal");
    assert!(gaps[0].contains("\"of\":3"), "{gaps:?}");
    for (ask, ev) in [
        ("reference", "call with a state archive, 3 Mar"),
        ("integration", "design mapped to our records system"),
        ("production-sla", "SLA with an accuracy threshold"),
    ] {
        e.ok(&["vendor", "Federal", "ask", ask, "--evidence", ev]);
    }
    assert!(
        vendor_gaps(&e, "Federal").is_empty(),
        "{:?}",
        vendor_gaps(&e, "Federal")
    );
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["vendor", "Federal", "--json"])).unwrap();
    assert_eq!(v["asks_with_evidence"], 3, "{v}");
    // Taken back: the gap comes back.
    e.ok(&["vendor", "Federal", "ask", "production", "--clear"]);
    assert_eq!(vendor_gaps(&e, "Federal").len(), 1);
    // In-house with a reason meets it; without one is a usage error; an
    // empty reason, an unknown ask or empty evidence is refused.
    e.ok(&[
        "vendor",
        "Federal",
        "in-house",
        "--reason",
        "the records team builds it",
    ]);
    assert!(vendor_gaps(&e, "Federal").is_empty());
    e.fails(&["vendor", "Federal", "in-house"], 2);
    let err = e.fails(&["vendor", "Federal", "in-house", "--reason", " \u{200b} "], 1);
    assert!(err.contains("is empty"), "{err}");
    let err = e.fails(&["vendor", "Federal", "ask", "nope", "--evidence", "x"], 1);
    assert!(err.contains("'nope' is not a vendor ask"), "{err}");
    e.fails(&["vendor", "Federal", "ask", "reference"], 2);
    assert_eq!(
        e.count("SELECT count(*) FROM audit_events WHERE entity IN ('vendor', 'vendor-ask') AND pilot_id = (SELECT id FROM pilots WHERE name LIKE 'Federal%')"),
        6,
        "each change audited"
    );
    e.ok(&["verify"]);
}

/// The one-number scorecard (issue 12, part 8): `metric add --scorecard`
/// marks it; the production gate's scorecard criterion then asks that
/// metric, not any, for its baseline and target; `metric PILOT scorecard`
/// moves the mark.
#[test]
fn the_scorecard_is_one_marked_metric() {
    let e = Env::demo();
    let scorecard_met = |e: &Env| -> bool {
        let v: serde_json::Value = serde_json::from_str(&e.ok(&["why", "Clinical", "--json"])).unwrap();
        v["production_gate"]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "scorecard")
            .map(|c| c["standing"] == "met")
            .unwrap()
    };
    assert!(
        scorecard_met(&e),
        "unmarked: any metric with a baseline and a target counts"
    );
    let out = e.ok(&[
        "metric",
        "Clinical",
        "add",
        "Notes signed the same day",
        "--category",
        "business",
        "--unit",
        "%",
        "--min",
        "60",
        "--target",
        "80",
        "--scorecard",
    ]);
    assert!(out.contains("as its one-number scorecard"), "{out}");
    assert!(!scorecard_met(&e), "the marked metric has no baseline yet");
    assert!(e
        .ok(&["metric", "Clinical"])
        .contains("Notes signed the same day · scorecard"));
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["metric", "Clinical", "--json"])).unwrap();
    let marked: Vec<&serde_json::Value> = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["scorecard"] == true)
        .collect();
    assert_eq!(marked.len(), 1, "{v}");
    // Moving the mark to a metric with a baseline and a target meets it.
    let first = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| !m["metric"]["baseline"].is_null() && !m["metric"]["target"].is_null())
        .unwrap()["metric"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let out = e.ok(&["metric", "Clinical", "scorecard", &first]);
    assert!(out.contains("(was 'Notes signed the same day')"), "{out}");
    assert!(scorecard_met(&e));
    e.fails(&["metric", "Clinical", "scorecard", "no such metric"], 1);
    e.ok(&["verify"]);
    // Tampering: the mark moved behind lastmile's back is caught.
    e.sql("UPDATE scorecards SET metric_id = (SELECT max(id) FROM metrics)");
    let (out, _) = e.run(&["verify"], 1);
    assert!(out.contains("the scorecard of pilot"), "{out}");
}
