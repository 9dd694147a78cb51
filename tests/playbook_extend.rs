//! An organisation's playbook that extends the built-in one (issue 12,
//! part 6): a file holding only its own rubric, item and settings works;
//! half-open bands are scored exactly; errors still name the file, line
//! and column, and cross-references are checked at load.

mod support;

use support::env::Env;

fn write(e: &Env, src: &str) -> String {
    let path = e.path("org.toml");
    std::fs::write(&path, src).unwrap();
    path.to_str().unwrap().to_string()
}

/// Only what the organisation adds: a rubric whose middle band starts just
/// above 1.5, one checklist item, a bigger shortlist.
const EXTENSION: &str = r#"
extends = "builtin"
name = "Acme playbook"

[gating]
shortlist_size = 5

[[checklist]]
phase = "assessment"
section = "Shortlist"
items = [ { key = "acme-sponsor", text = "Name an executive sponsor", due = 26 } ]

[scales.points]
name = "Points"
values = [ { label = "no", value = 0.0 }, { label = "partly", value = 0.5 }, { label = "yes", value = 1.0 } ]

[[rubrics]]
key = "maturity"
name = "Engineering maturity"
scale = "points"
within = "sum"
across = "minimum"
gates_readiness = true
bands = [
  { min = 0.0, label = "Prototype", level = "block" },
  { min = 1.5, min_inclusive = false, label = "Maturing", level = "warn" },
  { min = 2.0, label = "Production grade", level = "pass" },
]

[[rubrics.sections]]
key = "code"
name = "Code"
questions = [ { key = "tests", text = "Tests" }, { key = "docs", text = "Docs" } ]

[[rubrics.sections]]
key = "ops"
name = "Operations"
questions = [ { key = "cicd", text = "CI/CD" }, { key = "rollback", text = "Rollback" } ]
"#;

#[test]
fn a_file_holding_only_its_additions_extends_the_built_in_playbook() {
    let e = Env::init();
    let p = write(&e, EXTENSION);
    e.ok(&["--playbook", &p, "pilots", "add", "Agent"]);
    // The built-in checklist and the added item.
    let builtin = lastmile::playbook::Playbook::builtin().items().len() as i64;
    assert_eq!(e.count("SELECT count(*) FROM checklist_items"), builtin + 1);
    assert_eq!(
        e.count("SELECT count(*) FROM checklist_items WHERE item_key = 'acme-sponsor'"),
        1
    );
    // The built-in lenses and rubrics are still there.
    let lenses = e.ok(&["--playbook", &p, "playbook", "show", "--json"]);
    assert!(lenses.contains("five-conditions"), "{lenses}");
    for (q, a) in [
        ("tests", "yes"),
        ("docs", "partly"),
        ("cicd", "yes"),
        ("rollback", "yes"),
    ] {
        e.ok(&["--playbook", &p, "rubric", "agent", "maturity", q, a, "--why", "Seen"]);
    }
    let json: serde_json::Value = serde_json::from_str(&e.ok(&["--playbook", &p, "score", "agent", "--json"])).unwrap();
    let rubric = |key: &str| support::env::rubric_result(&json, key);
    assert!(rubric("readiness").is_object(), "the built-in rubrics stay");
    let m = rubric("maturity");
    assert_eq!(m["value"], 1.5);
    assert_eq!(
        m["band"], "Prototype",
        "1.5 is not above the Maturing band's exclusive lower bound"
    );
    // It gates readiness: the production gate names it.
    let why: serde_json::Value = serde_json::from_str(&e.ok(&["--playbook", &p, "why", "agent", "--json"])).unwrap();
    assert!(why.to_string().contains("Engineering maturity rubric passes"), "{why}");
}

#[test]
fn an_extension_of_anything_but_the_built_in_playbook_is_refused_with_the_fix() {
    let e = Env::init();
    let p = write(&e, "extends = \"acme-2025\"\n");
    let err = e.fails(&["--playbook", &p, "status"], 1);
    assert!(
        err.contains("only the built-in playbook can be extended: write extends = \"builtin\""),
        "{err}"
    );
}

#[test]
fn an_extensions_mistakes_name_the_file_line_and_column() {
    let e = Env::init();
    let p = write(&e, "extends = \"builtin\"\n\n[gating]\nshortlist = 5\n");
    let err = e.fails(&["--playbook", &p, "status"], 1);
    assert!(
        err.contains("org.toml, line 4, column 1") && err.contains("shortlist"),
        "{err}"
    );
    // A cross-reference is checked once merged, never left to the database.
    let p = write(
        &e,
        "extends = \"builtin\"\n[[gates]]\nphase = \"hardening\"\nname = \"Production gate\"\ncriteria = [ { kind = \"rubric\", need = \"must\", label = \"X\", rubric = \"nope\" } ]\n",
    );
    let err = e.fails(&["--playbook", &p, "status"], 1);
    assert!(
        err.contains("(extending the built-in playbook)") && err.contains("no rubric 'nope'"),
        "{err}"
    );
    let p = write(
        &e,
        "extends = \"builtin\"\n[[checklist]]\nphase = \"assessment\"\nsection = \"Shortlist\"\nitems = [ { key = \"late\", text = \"Too late\", due = 95 } ]\n",
    );
    let err = e.fails(&["--playbook", &p, "status"], 1);
    assert!(err.contains("late") && err.contains("95"), "{err}");
}

#[test]
fn playbook_export_prints_the_built_in_playbook_as_a_starting_point() {
    let e = Env::new();
    let out = e.ok(&["playbook", "export"]);
    assert_eq!(out.trim_end(), lastmile::playbook::DEFAULT_PLAYBOOK.trim_end());
    let p = write(&e, &out);
    e.ok(&["--playbook", &p, "init"]);
}

/// Sectors are data (issue 12, part 5): a file that only adds a sector is
/// accepted; pilots take it; its name and frameworks show; an unknown one
/// is refused naming the playbook's.
#[test]
fn a_playbook_that_only_adds_a_sector_is_used() {
    let e = Env::init();
    let p = write(
        &e,
        r#"extends = "builtin"

[[sectors]]
key = "manufacturing"
name = "Manufacturing"
frameworks = ["ISO 9001", "IEC 62443"]
summary = "Quality records for every change to a line; plant networks kept apart from the office."
"#,
    );
    let out = e.ok(&[
        "--playbook",
        &p,
        "pilots",
        "add",
        "Line inspection",
        "--sector",
        "manufacturing",
    ]);
    assert!(out.contains("(Manufacturing, Assessment)"), "{out}");
    let out = e.ok(&["--playbook", &p, "pilots", "list"]);
    assert!(out.contains("Manufacturing"), "{out}");
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["--playbook", &p, "pilots", "list", "--json"])).unwrap();
    assert_eq!(v[0]["sector"], "manufacturing", "{v}");
    // Without the file, the sector is unknown to the built-in playbook.
    let err = e.fails(&["pilots", "add", "Welding", "--sector", "manufacturing"], 1);
    assert!(
        err.contains("unknown sector 'manufacturing'") && err.contains("government"),
        "{err}"
    );
    // Names work too; a pilot of a sector the playbook dropped keeps its key.
    e.ok(&[
        "--playbook",
        &p,
        "pilots",
        "add",
        "Paint shop",
        "--sector",
        "Manufacturing",
    ]);
    assert!(e.ok(&["pilots", "show", "Paint"]).contains("manufacturing"));
    e.ok(&["verify"]);
    // A sector key is a plain word: no spaces, no formula.
    for bad in [" mfg", "=cmd", "Mfg"] {
        let f = write(
            &e,
            &format!(
                "extends = \"builtin\"\n[[sectors]]\nkey = \"{bad}\"\nname = \"X\"\nframeworks = []\nsummary = \"x\"\n"
            ),
        );
        let err = e.fails(&["--playbook", &f, "status"], 1);
        assert!(err.contains("lower-case letters, digits and hyphens"), "{bad}: {err}");
    }
}

/// Metric categories are data too (issue 12, part 5): a file may add one,
/// a metric takes it, and a gate criterion may ask for it.
#[test]
fn a_playbook_may_add_a_metric_category_and_a_gate_may_ask_for_it() {
    let e = Env::init();
    e.ok(&["pilots", "add", "Agent"]);
    let p = write(
        &e,
        r#"extends = "builtin"

[[metric_categories]]
key = "safety"
name = "Safety"
examples = ["Harmful outputs per 10,000"]

[[gates]]
phase = "assessment"
name = "Assessment gate"
summary = "May the pilot move on?"
criteria = [
  { kind = "metrics", need = "must", categories = ["safety"], label = "A safety metric at or above minimum viable" },
]
"#,
    );
    let gaps = |e: &Env| -> String {
        let v: serde_json::Value = serde_json::from_str(&e.ok(&["--playbook", &p, "why", "Agent", "--json"])).unwrap();
        v["current_gate"]["criteria"].to_string()
    };
    assert!(gaps(&e).contains("\"name\":\"Safety\""), "{}", gaps(&e));
    let err = e.fails(
        &[
            "metric",
            "Agent",
            "add",
            "Harm rate",
            "--category",
            "safety",
            "--min",
            "1",
            "--target",
            "0",
        ],
        2,
    );
    assert!(
        err.contains("unknown metric category 'safety'"),
        "the built-in playbook has no such category: {err}"
    );
    e.ok(&[
        "--playbook",
        &p,
        "metric",
        "Agent",
        "add",
        "Harm rate",
        "--category",
        "safety",
        "--lower-is-better",
        "--min",
        "5",
        "--target",
        "1",
        "--current",
        "2",
    ]);
    assert!(!gaps(&e).contains("missing-category"), "{}", gaps(&e));
    assert!(e.ok(&["--playbook", &p, "metric", "Agent"]).contains("Safety"));
    e.ok(&["verify"]);
}
