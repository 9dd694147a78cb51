//! The decision log and the steering-committee pack, exported by the real
//! binary and read back with real parsers: the csv crate, serde_json,
//! pulldown-cmark (tables enabled) and scraper (an HTML5 parser).

mod support;

use lastmile::export::{self, Format};
use lastmile::store::{DecisionFilter, GENESIS};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use scraper::{Html, Selector};
use support::env::{Env, TODAY};

impl Env {
    fn head(&self) -> (String, u64) {
        self.store().decision_chain_head().unwrap()
    }
}

/// Every GFM table in a Markdown document: tables, rows, cells. A cell's
/// text joins its text and code spans; `<br>` becomes a newline; any other
/// HTML is kept as `<HTML ...>` so a test can see it leaked through.
fn md_tables(src: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let (mut rows, mut row, mut cell): (Vec<Vec<String>>, Vec<String>, Option<String>) = (vec![], vec![], None);
    for ev in Parser::new_ext(src, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::Table(_)) => rows = Vec::new(),
            Event::End(TagEnd::Table) => tables.push(std::mem::take(&mut rows)),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => row = Vec::new(),
            Event::End(TagEnd::TableHead) | Event::End(TagEnd::TableRow) => rows.push(std::mem::take(&mut row)),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                if let Some(c) = cell.as_mut() {
                    if &*h == "<br>" {
                        c.push('\n');
                    } else {
                        c.push_str(&format!("<HTML {h}>"));
                    }
                }
            }
            _ => {}
        }
    }
    tables
}

/// HTML (block or inline) anywhere in a Markdown document, other than `<br>`.
fn md_html(src: &str) -> Vec<String> {
    Parser::new_ext(src, Options::ENABLE_TABLES)
        .filter_map(|ev| match ev {
            Event::InlineHtml(h) | Event::Html(h) if &*h != "<br>" => Some(h.to_string()),
            _ => None,
        })
        .collect()
}

/// Parse HTML, insisting on no parse errors, no scripts and no external
/// resources.
fn html_doc(src: &str) -> Html {
    let doc = Html::parse_document(src);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    assert!(src.starts_with("<!DOCTYPE html>"), "no doctype");
    for bad in [
        "script",
        "link",
        "img",
        "iframe",
        "object",
        "embed",
        "[src]",
        "[href^=http]",
        "[onload]",
        "[onclick]",
    ] {
        let sel = Selector::parse(bad).unwrap();
        assert_eq!(doc.select(&sel).count(), 0, "found {bad}");
    }
    assert!(!src.contains("http://") || !src.contains("url("), "external resource");
    doc
}

fn texts(doc: &Html, sel: &str) -> Vec<String> {
    let s = Selector::parse(sel).unwrap();
    doc.select(&s).map(|e| e.text().collect::<String>()).collect()
}

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(
        bytes.starts_with(b"\xef\xbb\xbf"),
        "CSV starts with a UTF-8 byte-order mark"
    );
    let mut r = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
    let headers = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (headers, rows)
}

/// One row of the decision_log view: id, pilot, outcome, decided_by,
/// decided_on, communicated, superseded_by, hash.
type ViewRow = (i64, String, String, String, String, bool, Option<i64>, String);

/// The decision_log view, read with plain SQL.
fn view_rows(e: &Env) -> Vec<ViewRow> {
    let c = rusqlite::Connection::open(&e.db).unwrap();
    let mut s = c
        .prepare("SELECT id, pilot, outcome, decided_by, decided_on, communicated, superseded_by, hash FROM decision_log ORDER BY id")
        .unwrap();
    s.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn csv_log_parses_back_to_the_decision_log() {
    let e = Env::demo();
    let out = e.path("log.csv");
    let said = e.ok(&["export", "decisions", "--format", "csv", "--out", out.to_str().unwrap()]);
    let (head, entries) = e.head();
    assert!(said.contains("Wrote 16 decisions to"), "{said}");
    assert!(said.contains(&format!("lastmile verify --anchor {head}")), "{said}");
    let bytes = std::fs::read(&out).unwrap();
    // RFC 4180: CRLF after every record, including inside no cell.
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.ends_with("\r\n"));
    let (headers, rows) = csv_rows(&bytes);
    assert_eq!(headers, export::decisions::CSV_COLUMNS);
    let view = view_rows(&e);
    assert_eq!(rows.len(), view.len());
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    for (row, v) in rows.iter().zip(&view) {
        assert_eq!(row[col("id")], v.0.to_string());
        assert_eq!(row[col("pilot")], v.1);
        assert_eq!(row[col("outcome")], v.2);
        assert_eq!(row[col("decided_by")], v.3);
        assert_eq!(row[col("decided_on")], v.4);
        assert_eq!(row[col("communicated")], if v.5 { "yes" } else { "no" });
        assert_eq!(
            row[col("superseded_by")],
            v.6.map(|s| s.to_string()).unwrap_or_default()
        );
        assert_eq!(row[col("hash")], v.7);
        assert_eq!(row[col("chain_head")], head);
        assert_eq!(row[col("chain_entries")], entries.to_string());
        assert!(!row[col("exported_at")].is_empty());
    }
    // The card-fraud pivot at the production gate: its five criteria,
    // computed (one met), then the three typed ones (one met), one a line.
    let first = rows.iter().find(|r| r[col("outcome")] == "pivot").unwrap();
    let cell = &first[col("criteria")];
    assert!(
        cell.starts_with("Not met (must): Gating items of every phase met with evidence, the twelve"),
        "{cell}"
    );
    assert!(cell.ends_with("\nNot met: Catch rate at target on live traffic\nNot met: Independent validation complete\nMet: Latency within budget"), "{cell}");
    assert_eq!(first[col("gate")], "hardening");
    assert_eq!(first[col("pivot_to")], "assessment");
    // Six gate criteria (decision rights met: the demo assigned them) and
    // three typed ones.
    assert_eq!(first[col("criteria_met")], "3");
    assert_eq!(first[col("criteria_total")], "9");
    // The last row's hash is the chain head.
    assert_eq!(rows.last().unwrap()[col("hash")], head);
}

#[test]
fn json_log_has_a_versioned_documented_shape() {
    let e = Env::demo();
    let out = e.ok(&["export", "decisions", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["kind"], "lastmile.decision-log");
    assert_eq!(v["programme"], "Enterprise AI pilots to production");
    assert_eq!(v["exported_by"], "tester");
    let (head, entries) = e.head();
    assert_eq!(v["chain"]["head"], head.as_str());
    assert_eq!(v["chain"]["entries"], entries);
    assert_eq!(v["count"], 16);
    assert_eq!(v["filter"]["since"], serde_json::Value::Null);
    let ds = v["decisions"].as_array().unwrap();
    let view = view_rows(&e);
    for (d, row) in ds.iter().zip(&view) {
        assert_eq!(d["id"], row.0);
        assert_eq!(d["pilot"], row.1.as_str());
        assert_eq!(d["outcome"], row.2.as_str());
        assert_eq!(d["decided_by"], row.3.as_str());
        assert_eq!(d["decided_on"], row.4.as_str());
        assert_eq!(d["communicated"], row.5);
        assert_eq!(d["superseded_by"], serde_json::json!(row.6));
        assert_eq!(d["hash"], row.7.as_str());
        for key in [
            "pilot_id",
            "outcome_label",
            "criteria",
            "criteria_met",
            "rationale",
            "stop_conditions",
            "recorded_at",
            "recorded_by",
        ] {
            assert!(d.get(key).is_some(), "missing {key}");
        }
    }
    // The deferred service-desk decision was superseded by the go.
    let defer = ds
        .iter()
        .find(|d| d["outcome"] == "defer" && d["pilot"] == "IT service desk copilot")
        .unwrap();
    let go = ds
        .iter()
        .find(|d| d["outcome"] == "go" && d["pilot"] == "IT service desk copilot" && d["gate"] == "hardening")
        .unwrap();
    assert_eq!(defer["superseded_by"], go["id"]);
    assert_eq!(
        go["override"], "",
        "the service desk passed the production gate on its evidence"
    );
    let typed: Vec<_> = defer["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["need"].is_null())
        .collect();
    assert_eq!(
        typed[2],
        &serde_json::json!({"criterion": "Four owners named", "met": true, "need": null})
    );
    assert_eq!(defer["gate"], "hardening");
    assert!(defer["review_on"].is_string(), "a defer carries its review date");
    // A go past unmet must-meet criteria is marked as an override.
    let over = ds.iter().find(|d| d["override"] != "").unwrap();
    assert_eq!(over["outcome"], "go");
    assert!(over["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["need"] == "must" && c["met"] == false));
    assert_eq!(go["criteria"][0]["need"], "must");
}

#[test]
fn markdown_log_renders_as_a_table_with_every_field() {
    let e = Env::demo();
    let out = e.ok(&["export", "decisions"]);
    let (head, _) = e.head();
    assert!(
        out.contains(&format!("`lastmile verify --anchor {head} --anchor ")),
        "{out}"
    );
    assert!(md_html(&out).is_empty(), "{:?}", md_html(&out));
    let tables = md_tables(&out);
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_eq!(
        t[0],
        [
            "#",
            "Pilot",
            "Gate",
            "Outcome",
            "Decided on",
            "Decided by",
            "Criteria",
            "Rationale",
            "Stop conditions",
            "Communicated",
            "Superseded by",
            "Hash"
        ]
    );
    assert_eq!(t.len(), 17);
    assert!(t.iter().all(|r| r.len() == 12), "{t:?}");
    let card = t.iter().find(|r| r[3].starts_with("Pivot")).unwrap();
    assert_eq!(card[1], "Card fraud detection");
    assert_eq!(card[2], "Hardening & decision gate");
    assert_eq!(card[3], "Pivot, back to Assessment");
    assert_eq!(card[4], "2026-11-18");
    assert_eq!(card[5], "Dev Patel (one of the pilot's owners)");
    assert!(
        card[6].ends_with("Not met: Catch rate at target on live traffic\nNot met: Independent validation complete\nMet: Latency within budget"),
        "{}",
        card[6]
    );
    assert!(card[7].starts_with("Shadow mode shows drift"), "{}", card[7]);
    assert_eq!(card[9], "no");
    let defer = t
        .iter()
        .find(|r| r[3].starts_with("Defer, review on") && r[1] == "IT service desk copilot")
        .unwrap();
    let go = t
        .iter()
        .find(|r| r[3] == "Go" && r[1] == "IT service desk copilot" && r[2] == "Hardening & decision gate")
        .unwrap();
    assert!(t
        .iter()
        .any(|r| r[3].starts_with("Go — OVERRIDE of unmet must-meet criteria")));
    assert_eq!(defer[10], format!("#{}", go[0]));
    assert_eq!(go[10], "—");
}

#[test]
fn html_log_is_valid_self_contained_and_complete() {
    let e = Env::demo();
    let out = e.path("log.html");
    e.ok(&[
        "export",
        "decisions",
        "--format",
        "html",
        "--out",
        out.to_str().unwrap(),
    ]);
    let src = std::fs::read_to_string(&out).unwrap();
    let doc = html_doc(&src);
    assert_eq!(texts(&doc, "table.log tbody tr").len(), 16);
    let pilots = texts(&doc, "table.log tbody tr td:nth-child(2)");
    assert_eq!(pilots[0], "Clinical documentation assistant", "oldest first");
    assert!(
        src.contains("OVERRIDE</strong> of unmet must-meet criteria"),
        "the go's override is marked"
    );
    let (head, _) = e.head();
    assert!(texts(&doc, ".anchor code").contains(&head));
    assert!(src.contains("@page { size: A4 landscape"));
    let pivot = e.count("SELECT id FROM decisions WHERE outcome = 'pivot'");
    let crit = texts(&doc, &format!("table.log tbody tr#d{pivot} li"));
    assert_eq!(crit.len(), 9, "six gate criteria, then three typed ones");
    assert!(
        crit[0].contains("Not met (must): Gating items of every phase"),
        "{crit:?}"
    );
    assert!(
        crit[5].contains("Met (should): Every decision right has a named person"),
        "{crit:?}"
    );
    assert!(crit[8].contains("Met: Latency within budget"), "{crit:?}");
}

#[test]
fn filters_select_by_date_and_pilot() {
    let e = Env::demo();
    let count = |args: &[&str]| -> usize {
        let mut all = vec!["export", "decisions", "--format", "json"];
        all.extend_from_slice(args);
        let v: serde_json::Value = serde_json::from_str(&e.ok(&all)).unwrap();
        v["decisions"].as_array().unwrap().len()
    };
    assert_eq!(count(&[]), 16);
    assert_eq!(count(&["--since", "2026-11-15"]), 3);
    assert_eq!(count(&["--pilot", "IT service"]), 4);
    assert_eq!(count(&["--pilot", "IT service", "--pilot", "aml"]), 7);
    assert_eq!(count(&["--pilot", "IT service", "--since", "2026-11-20"]), 1);
    let v: serde_json::Value =
        serde_json::from_str(&e.ok(&["export", "decisions", "--format", "json", "--pilot", "aml"])).unwrap();
    assert_eq!(v["filter"]["pilots"][0], "AML alert triage");
    // The anchor still states the whole chain.
    assert_eq!(v["chain"]["entries"], 16);
    let err = e.fails(&["export", "decisions", "--since", "23/11/2026"], 2);
    assert!(err.contains("is not a date"), "{err}");
    let err = e.fails(&["export", "decisions", "--pilot", "nonesuch"], 1);
    assert!(err.contains("no pilot named 'nonesuch'"), "{err}");
    let err = e.fails(&["export", "decisions", "--format", "xlsx"], 2);
    assert!(err.contains("xlsx"), "{err}");
}

/// Pilots, people and text built to break each format.
fn hostile() -> Env {
    let e = Env::new();
    e.ok(&["init"]);
    for name in [
        "=HYPERLINK(\"http://x\")",
        "<script>alert(1)</script>",
        "a|b",
        "-2+3 pilot",
        "@SUM(A1)",
    ] {
        e.ok(&["pilots", "add", "--unit", "+cmd|' /C calc'!A0", "--", name]);
    }
    e.ok(&["people", "add", "=cmd()", "--title", "<b>boss</b>"]);
    e.ok(&[
        "decide",
        "=HYPERLINK",
        "go",
        "--by",
        "=cmd()",
        "--why",
        "line one | with pipe\n# not a heading\n- not a list\n<img src=x onerror=alert(1)>",
        "--criterion",
        "=1+1 | *bold* [link](http://x)=met",
        "--criterion",
        "@risk <i>=unmet",
        "--stop",
        "\t=cmd() & <stop>",
        "--date",
        "2026-11-20",
        "--override",
        "=override() <b>| reason",
    ]);
    e.ok(&[
        "decide",
        "<script>",
        "no-go",
        "--by",
        "=cmd()",
        "--why",
        "+danger",
        "--date",
        "2026-11-21",
    ]);
    e.ok(&[
        "decide",
        "a|b",
        "pivot",
        "--by",
        "=cmd()",
        "--why",
        "|||",
        "--date",
        "2026-11-22",
    ]);
    e
}

#[test]
fn csv_neutralises_formula_injection() {
    let e = hostile();
    let out = e.ok(&["export", "decisions", "--format", "csv"]);
    let (headers, rows) = csv_rows(out.as_bytes());
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][col("pilot")], "'=HYPERLINK(\"http://x\")");
    assert_eq!(rows[0][col("decided_by")], "'=cmd()");
    assert_eq!(
        rows[0][col("stop_conditions")],
        "' =cmd() & <stop>",
        "the tab became a space, then was neutralised"
    );
    assert_eq!(rows[1][col("pilot")], "<script>alert(1)</script>");
    assert_eq!(rows[1][col("rationale")], "'+danger");
    assert_eq!(rows[2][col("pilot")], "a|b");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "live formula cell {cell:?}"
            );
        }
    }
}

#[test]
fn markdown_keeps_hostile_text_inert_and_inside_its_cell() {
    let e = hostile();
    let out = e.ok(&["export", "decisions", "--format", "md"]);
    assert!(md_html(&out).is_empty(), "HTML leaked: {:?}", md_html(&out));
    let t = &md_tables(&out)[0];
    assert_eq!(t.len(), 4);
    assert!(t.iter().all(|r| r.len() == 12), "a cell split the table: {t:?}");
    assert_eq!(t[1][1], "=HYPERLINK(\"http://x\")");
    assert_eq!(
        t[1][3],
        "Go — OVERRIDE of unmet must-meet criteria: =override() <b>| reason"
    );
    assert_eq!(t[1][5], "=cmd()");
    assert!(
        t[1][6].ends_with("\nMet: =1+1 | *bold* [link](http://x)\nNot met: @risk <i>"),
        "{}",
        t[1][6]
    );
    assert_eq!(
        t[1][7],
        "line one | with pipe\n# not a heading\n- not a list\n<img src=x onerror=alert(1)>"
    );
    assert_eq!(t[1][8], "=cmd() & <stop>");
    assert_eq!(t[2][1], "<script>alert(1)</script>");
    assert_eq!(t[3][1], "a|b");
    assert_eq!(t[3][7], "|||");
    // Nothing rendered as emphasis, links or headings.
    let marks = Parser::new_ext(&out, Options::ENABLE_TABLES)
        .filter(|ev| {
            matches!(
                ev,
                Event::Start(Tag::Emphasis | Tag::Strong | Tag::Link { .. } | Tag::Image { .. })
            )
        })
        .count();
    assert_eq!(marks, 0);
    let headings = Parser::new_ext(&out, Options::ENABLE_TABLES)
        .filter(|ev| matches!(ev, Event::Start(Tag::Heading { .. })))
        .count();
    assert_eq!(headings, 1, "only the title");
}

#[test]
fn html_and_json_carry_hostile_text_as_text() {
    let e = hostile();
    let src = e.ok(&["export", "decisions", "--format", "html"]);
    let doc = html_doc(&src);
    let pilots = texts(&doc, "table.log tbody tr td:nth-child(2)");
    assert_eq!(pilots, ["=HYPERLINK(\"http://x\")", "<script>alert(1)</script>", "a|b"]);
    assert!(src.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let rationale = texts(&doc, "table.log tbody tr:first-child td:nth-child(8)");
    assert_eq!(
        rationale[0],
        "line one | with pipe\n# not a heading\n- not a list\n<img src=x onerror=alert(1)>"
    );
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["export", "decisions", "--format", "json"])).unwrap();
    assert_eq!(v["decisions"][0]["pilot"], "=HYPERLINK(\"http://x\")");
    assert_eq!(v["decisions"][1]["pilot"], "<script>alert(1)</script>");
    assert_eq!(v["decisions"][0]["stop_conditions"], "\t=cmd() & <stop>");
}

#[test]
fn the_pack_is_inert_too() {
    let e = hostile();
    let md = e.ok(&["export", "pack"]);
    assert!(md_html(&md).is_empty(), "HTML leaked: {:?}", md_html(&md));
    for t in md_tables(&md) {
        let width = t[0].len();
        assert!(t.iter().all(|r| r.len() == width), "a cell split a table: {t:?}");
    }
    let heat = md_tables(&md)
        .into_iter()
        .find(|t| t[0][0] == "Pilot" && t[0][1] == "Phase")
        .unwrap();
    let names: Vec<&str> = heat[1..].iter().map(|r| r[0].as_str()).collect();
    // The pilot stopped by its no-go has left the gates: counted, not
    // detailed (and its decision predates the programme's day 1 here).
    for want in ["=HYPERLINK(\"http://x\")", "a|b", "-2+3 pilot", "@SUM(A1)"] {
        assert!(names.contains(&want), "{names:?}");
    }
    let html = e.ok(&["export", "pack", "--format", "html"]);
    assert!(!html.contains("<script>"));
    let doc = html_doc(&html);
    let names = texts(&doc, "table.heatmap tbody th");
    assert!(names.contains(&"a|b".to_string()), "{names:?}");
    assert!(names.contains(&"=HYPERLINK(\"http://x\")".to_string()), "{names:?}");
}

#[test]
fn pack_markdown_has_every_section() {
    let e = Env::demo();
    let md = e.ok(&["export", "pack"]);
    for want in [
        "# Steering-committee pack: Enterprise AI pilots to production",
        "Day 45 of 90 · Scaffolding",
        "## Pilots per phase and readiness",
        "## Readiness heatmap",
        "## Priority pilots",
        "## Decisions of the period",
    ] {
        assert!(md.contains(want), "missing {want}\n{md}");
    }
    let (head, _) = e.head();
    assert!(md.contains(&head));
    let tables = md_tables(&md);
    let counts = &tables[0];
    assert_eq!(
        counts[0],
        [
            "Phase",
            "Pilots",
            "✗ Not ready",
            "! At risk",
            "✓ Ready",
            "Stopped or in production"
        ]
    );
    assert_eq!(counts[1], ["Assessment", "5", "3", "1", "1", "0"]);
    // AML alert triage was stopped by its no-go, the service desk went to
    // production through its gate: both out of the verdict counts.
    assert_eq!(counts[3], ["Hardening & decision", "3", "1", "0", "0", "2"]);
    assert_eq!(counts[4], ["All", "11", "7", "1", "1", "2"]);
    // The heatmap shows the priority pilots (all counted above).
    let heat = &tables[1];
    assert_eq!(heat.len(), 8);
    assert_eq!(
        heat[0][2..6],
        [
            "Data readiness",
            "Governance scaffolding",
            "Integration architecture",
            "Change ownership"
        ]
    );
    // In production, or an assessment pilot that is no top candidate:
    // counted, not detailed.
    assert!(!heat.iter().any(|r| r[0] == "IT service desk copilot"));
    assert!(!heat.iter().any(|r| r[0] == "Permit application summariser"));
    let card = heat.iter().find(|r| r[0] == "Card fraud detection").unwrap();
    assert_eq!(card[1], "Assessment");
    // Priority pilots: every live hardening then scaffolding pilot (AML
    // alert triage was stopped after its no-go, the service desk is in
    // production), then the top three candidates (card fraud is back in
    // Assessment after its pivot), each with owners, blockers and metrics.
    let h3: Vec<String> = md
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .map(str::to_string)
        .collect();
    assert_eq!(h3.len(), 7, "{h3:?}");
    // The shortlist first, then the pilots past Assessment: the latest
    // phase first, those ready for their gate decision first.
    assert_eq!(h3[..2], ["Contract clause review", "KYC document extraction"]);
    assert_eq!(h3[2], "Clinical documentation assistant");
    assert!(!h3.contains(&"AML alert triage".to_string()));
    assert!(!h3.contains(&"IT service desk copilot".to_string()));
    assert_eq!(h3[6], "Card fraud detection");
    assert!(
        md.contains("7: 2 on the shortlist; 4 more in Scaffolding or Hardening & decision"),
        "{md}"
    );
    let card = md
        .split("### Card fraud detection")
        .nth(1)
        .unwrap()
        .split("### ")
        .next()
        .unwrap();
    assert!(card.contains("| Governance owner | Dev Patel |"), "{card}");
    assert!(card.contains("**Blockers at the assessment gate**"), "{card}");
    assert!(card.contains("- warns: not on the programme's shortlist"), "{card}");
    assert!(
        card.contains(
            "| Fraud caught at 1% alert rate | Performance | 55% | 65% | 72% | 80% | 68% | minimum viable reached |"
        ),
        "{card}"
    );
    let decisions = tables.last().unwrap();
    assert_eq!(decisions[0][0], "#");
    assert_eq!(decisions.len(), 17);
}

#[test]
fn pack_html_is_valid_self_contained_and_printable() {
    let e = Env::demo();
    let out = e.path("pack.html");
    let said = e.ok(&["export", "pack", "--format", "html", "--out", out.to_str().unwrap()]);
    assert!(
        said.contains("11 pilots, 7 priority, 16 decisions of the period"),
        "{said}"
    );
    let src = std::fs::read_to_string(&out).unwrap();
    let doc = html_doc(&src);
    assert!(src.contains("@page { size: A4;"));
    assert!(src.contains("@media print"));
    assert!(texts(&doc, "svg title")
        .iter()
        .any(|t| t == "Pilots per phase by readiness verdict"));
    assert_eq!(texts(&doc, "table.heatmap tbody tr").len(), 7);
    let cells = Selector::parse("table.heatmap td.rag").unwrap();
    assert_eq!(doc.select(&cells).count(), 28);
    assert_eq!(texts(&doc, "article.pilot").len(), 7);
    assert_eq!(texts(&doc, "table.log tbody tr").len(), 16);
    assert!(texts(&doc, "table.metrics").len() >= 3);
    let bullets = texts(&doc, "table.metrics svg title");
    assert!(
        bullets.contains(&"Fraud caught at 1% alert rate: current 68%, target 72%".to_string()),
        "{bullets:?}"
    );
}

#[test]
fn an_empty_log_states_the_genesis_anchor() {
    let e = Env::new();
    e.ok(&["init"]);
    let md = e.ok(&["export", "decisions"]);
    assert!(md.contains("No decisions recorded."), "{md}");
    assert!(md.contains(GENESIS));
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["export", "decisions", "--format", "json"])).unwrap();
    assert_eq!(v["chain"]["entries"], 0);
    assert_eq!(v["decisions"], serde_json::json!([]));
    let html = e.ok(&["export", "pack", "--format", "html"]);
    html_doc(&html);
    e.ok(&["verify", "--anchor", GENESIS]);
}

#[test]
fn export_to_a_bad_path_is_refused_cleanly() {
    let e = Env::demo();
    let err = e.fails(&["export", "decisions", "--out", e.dir.path().to_str().unwrap()], 1);
    assert!(err.contains("is a directory"), "{err}");
    let missing = e.path("no/such/dir/log.md");
    let err = e.fails(&["export", "decisions", "--out", missing.to_str().unwrap()], 1);
    assert!(err.contains("does not exist"), "{err}");
    // Never over the database itself (which would destroy it).
    let err = e.fails(&["export", "decisions", "--out", e.db.to_str().unwrap()], 2);
    assert!(err.contains("is the database itself"), "{err}");
    let err = e.fails(&["export", "pack", "--out", e.db.to_str().unwrap()], 2);
    assert!(err.contains("is the database itself"), "{err}");
    e.ok(&["verify"]);
    // Nothing half-written anywhere.
    let names: Vec<String> = std::fs::read_dir(e.dir.path())
        .unwrap()
        .map(|d| d.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
}

#[test]
fn library_render_matches_the_command_line() {
    let e = Env::demo();
    let store = e.store();
    for format in Format::ALL {
        let s = export::decisions::render(&store, format, &DecisionFilter::default()).unwrap();
        assert!(s.contains(&e.head().0), "{format}");
    }
    let pb = lastmile::playbook::Playbook::builtin();
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let err = export::pack::render(&store, &pb, today, Format::Csv)
        .unwrap_err()
        .to_string();
    assert!(err.contains("Markdown or HTML"), "{err}");
    assert!(export::pack::render(&store, &pb, today, Format::Html)
        .unwrap()
        .contains("<svg"));
}

#[test]
fn a_synthetic_portfolio_exports_every_decision() {
    let e = Env::new();
    e.ok(&["demo", "--pilots", "300", "--seed", "3"]);
    let n = e.count("SELECT count(*) FROM decisions");
    let out = e.ok(&["export", "decisions", "--format", "csv"]);
    let (_, rows) = csv_rows(out.as_bytes());
    assert_eq!(rows.len() as i64, n);
    // The pack stays a read for people: every pilot counted, a bounded
    // number detailed, the newest decisions listed and all of them counted.
    let md = e.ok(&["export", "pack"]);
    let tables = md_tables(&md);
    assert_eq!(tables[0][4][1], "300", "{:?}", tables[0]);
    let detailed = md.lines().filter(|l| l.starts_with("### ")).count();
    assert!(detailed <= 3 + 20 + 3, "{detailed} pilots detailed");
    assert_eq!(tables[1].len(), detailed + 1);
    assert!(
        md.contains(&format!(
            "Decisions made from day 1 (2026-10-10) to today ({TODAY}): {n} ("
        )),
        "{md}"
    );
    assert_eq!(tables.last().unwrap().len(), 31);
    assert!(md.contains("The newest 30 are listed"));
}

#[test]
fn a_hash_column_edited_by_hand_cannot_break_an_export() {
    let e = Env::demo();
    e.sql(
        "DROP TRIGGER decisions_append_only_update;
         UPDATE decisions SET hash = '=HYPERLINK(\"x\")`|<b>' WHERE id = (SELECT max(id) FROM decisions);",
    );
    let md = e.ok(&["export", "decisions"]);
    assert!(md_html(&md).is_empty(), "{:?}", md_html(&md));
    let t = &md_tables(&md)[0];
    assert!(t.iter().all(|r| r.len() == 12), "{t:?}");
    let out = e.ok(&["export", "decisions", "--format", "csv"]);
    let (headers, rows) = csv_rows(out.as_bytes());
    let head = headers.iter().position(|h| h == "chain_head").unwrap();
    assert_eq!(rows[0][head], "'=HYPERLINK(\"x\")`|<b>");
    html_doc(&e.ok(&["export", "decisions", "--format", "html"]));
    let err = e.fails(&["verify"], 1);
    assert!(
        err.contains("decision row 16 was changed after it was written"),
        "{err}"
    );
}

#[test]
fn control_characters_planted_in_the_file_never_reach_an_export() {
    let e = Env::demo();
    // Names are validated on entry; a hand-edited file can hold anything.
    let planted = "Card fraud \u{1b}[2J\u{9b}31m\u{202e}gnp.exe\u{7f}";
    let c = rusqlite::Connection::open(&e.db).unwrap();
    c.execute(
        "UPDATE pilots SET name = ?1 WHERE name = 'Card fraud detection'",
        [planted],
    )
    .unwrap();
    // Decisions keep the name as recorded: plant it there too.
    c.execute_batch("DROP TRIGGER decisions_append_only_update").unwrap();
    c.execute(
        "UPDATE decisions SET pilot_name = ?1 WHERE pilot_name = 'Card fraud detection'",
        [planted],
    )
    .unwrap();
    drop(c);
    let is_bad = |c: char| (c.is_control() && c != '\n' && c != '\r') || ('\u{202a}'..='\u{202e}').contains(&c);
    for format in ["md", "csv", "json", "html"] {
        let out = e.ok(&["export", "decisions", "--format", format]);
        assert!(!out.chars().any(is_bad), "{format}: {out:?}");
    }
    for format in ["md", "html"] {
        let out = e.ok(&["export", "pack", "--format", format]);
        assert!(!out.chars().any(is_bad), "pack {format}");
    }
    // JSON keeps the exact value, escaped.
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["export", "decisions", "--format", "json"])).unwrap();
    assert!(v["decisions"].as_array().unwrap().iter().any(|d| d["pilot"] == planted));
    // The others show visible escapes.
    let md = e.ok(&["export", "decisions"]);
    let row = md_tables(&md)[0]
        .iter()
        .find(|r| r[1].starts_with("Card fraud"))
        .unwrap()
        .clone();
    assert_eq!(row[1], "Card fraud \\u{1b}[2J\\u{9b}31m\\u{202e}gnp.exe\\u{7f}");
}

#[test]
fn the_pilot_inventory_lists_every_pilot_in_csv_and_json() {
    let e = Env::demo();
    let (head, entries) = e.head();
    let out = e.ok(&["export", "pilots"]);
    let (headers, rows) = csv_rows(out.as_bytes());
    assert_eq!(headers, export::pilots::CSV_COLUMNS);
    assert_eq!(rows.len() as i64, e.count("SELECT count(*) FROM pilots"));
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let card = rows.iter().find(|r| r[col("name")] == "Card fraud detection").unwrap();
    assert_eq!(card[col("phase")], "assessment");
    assert_eq!(card[col("governance_owner")], "Dev Patel");
    assert_eq!(card[col("chain_head")], head);
    assert_eq!(card[col("chain_entries")], entries.to_string());
    // The same rows, and the same verdicts, as the command-line status.
    let status: serde_json::Value = serde_json::from_str(&e.ok(&["status", "--json"])).unwrap();
    let not_ready = rows.iter().filter(|r| r[col("verdict")] == "not-ready").count();
    assert_eq!(status["by_readiness"]["not-ready"], not_ready);

    let v: serde_json::Value = serde_json::from_str(&e.ok(&["export", "pilots", "--format", "json"])).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["kind"], "lastmile.pilots");
    assert_eq!(v["count"], rows.len());
    assert_eq!(v["pilots"].as_array().unwrap().len(), rows.len());
    assert_eq!(v["chain"]["head"], head);
    let card = v["pilots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Card fraud detection")
        .unwrap();
    assert_eq!(card["owners"][2], "Dev Patel");

    let file = e.path("inventory.csv");
    let said = e.ok(&["export", "pilots", "--out", file.to_str().unwrap()]);
    assert!(said.contains(&format!("Wrote {} pilots to", rows.len())), "{said}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), out);
    let err = e.fails(&["export", "pilots", "--format", "md"], 2);
    assert!(err.contains("possible values: csv, json"), "{err}");
}

#[test]
fn the_pilot_inventory_is_inert() {
    let e = hostile();
    let out = e.ok(&["export", "pilots"]);
    let (headers, rows) = csv_rows(out.as_bytes());
    let name = headers.iter().position(|h| h == "name").unwrap();
    let unit = headers.iter().position(|h| h == "business_unit").unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r[name].as_str()).collect();
    assert!(names.contains(&"'=HYPERLINK(\"http://x\")"), "{names:?}");
    assert!(names.contains(&"'@SUM(A1)"), "{names:?}");
    assert!(rows.iter().all(|r| r[unit] == "'+cmd|' /C calc'!A0"));
    let v: serde_json::Value = serde_json::from_str(&e.ok(&["export", "pilots", "--format", "json"])).unwrap();
    assert!(v["pilots"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "<script>alert(1)</script>"));
}

/// The pack details each priority pilot past Assessment with its decision
/// rights (issue 12, part 3), escaped for the format.
#[test]
fn the_pack_shows_each_priority_pilots_decision_rights() {
    let e = Env::demo();
    e.ok(&[
        "rights",
        "Agentic",
        "rollback",
        "Ben Hartley",
        "--threshold",
        "<b>errors</b> | doubled",
    ]);
    let md = e.ok(&["export", "pack"]);
    assert!(md.contains("**Decision rights** (7 of 7 assigned)"), "{md}");
    assert!(md.contains("**Decision rights** (1 of 7 assigned)"), "{md}");
    assert!(md.contains("| Trigger a rollback | Ben Hartley |"), "{md}");
    assert!(
        !md.contains("<b>errors</b> | doubled") && md.contains(r"\<b\>errors\</b\> \| doubled"),
        "markdown escapes the threshold, and shows it: {md}"
    );
    let out = e.path("pack.html");
    e.ok(&["export", "pack", "--format", "html", "--out", out.to_str().unwrap()]);
    let src = std::fs::read_to_string(&out).unwrap();
    let doc = html_doc(&src);
    let captions = texts(&doc, "table.rights caption");
    assert!(
        captions.iter().any(|c| c == "Decision rights, 1 of 7 assigned"),
        "{captions:?}"
    );
    assert!(texts(&doc, "table.rights td")
        .iter()
        .any(|t| t == "<b>errors</b> | doubled"));
}

/// The pack lists the programme checklist once (issue 12, part 1), each
/// note escaped for its format.
#[test]
fn the_pack_lists_the_programme_checklist() {
    let e = Env::demo();
    e.ok(&["check", "--programme", "as-pick", "--note", "<i>three</i> | picked"]);
    let md = e.ok(&["export", "pack"]);
    assert!(md.contains("## Programme checklist"), "{md}");
    assert!(
        md.contains("| Pick the three pilots with the strongest case and the most fixable gaps | Doing | day 25 (overdue) | Elena Petrova |"),
        "{md}"
    );
    assert!(md.contains(r"\<i\>three\</i\> \| picked"), "{md}");
    let out = e.path("pack.html");
    e.ok(&["export", "pack", "--format", "html", "--out", out.to_str().unwrap()]);
    let doc = html_doc(&std::fs::read_to_string(&out).unwrap());
    let cells = texts(&doc, "table.programme td");
    assert!(cells.iter().any(|t| t == "<i>three</i> | picked"), "{cells:?}");
    assert!(cells.iter().any(|t| t == "Done"), "{cells:?}");
}
