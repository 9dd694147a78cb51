//! `lastmile import pilots`, driven through the real binary: spreadsheets
//! saved in different ways, row rejections with exact reports, files that
//! are not usable CSV, and the database checked afterwards.

mod support;

use lastmile::domain::model::{Role, Sector, Status};
use lastmile::import::pilots::{import_csv, MAX_FILE_BYTES};
use lastmile::playbook::Playbook;
use lastmile::store::Store;
use std::path::{Path, PathBuf};
use support::env::Env;

impl Env {
    fn import(&self, file: &Path, extra: &[&str]) -> String {
        let mut args = vec!["import", "pilots", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.ok(&args)
    }

    /// Import expecting a refusal: exit 1, the error on stderr, nothing on
    /// stdout, and the database untouched.
    fn refused(&self, file: &Path) -> String {
        let before = self.fingerprint();
        let (out, err) = self.exits(&["import", "pilots", file.to_str().unwrap()], 1);
        assert!(out.is_empty());
        assert_eq!(self.fingerprint(), before, "a refused import changed the database");
        err
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Pilots, people, owners and audit events, as counts and the newest hash.
    fn fingerprint(&self) -> (i64, i64, i64, i64, String) {
        let c = rusqlite::Connection::open(&self.db).unwrap();
        let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
        let head: String = c
            .query_row(
                "SELECT coalesce(max(hash), '') FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (
            n("SELECT count(*) FROM pilots"),
            n("SELECT count(*) FROM people"),
            n("SELECT count(*) FROM owners"),
            n("SELECT count(*) FROM audit_events"),
            head,
        )
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

#[test]
fn a_comma_file_adds_every_field_owners_and_audit_events() {
    let e = Env::init();
    let out = e.import(&fixture("inventory.csv"), &[]);
    assert_eq!(
        out,
        "Imported inventory.csv (comma-separated, 3 rows): 3 added, 0 updated, 0 unchanged, 0 rejected.\n\
         \x20 row 2     added     Claims triage\n\
         \x20 row 3     added     Invoice matching\n\
         \x20 row 4     added     Permit assistant\n\
         People added (named as owners): Dana Reyes, Sam Ortiz.\n"
    );
    let s = e.store();
    let claims = s.find_pilot("Claims triage").unwrap();
    assert_eq!(claims.business_unit, "Claims Operations");
    assert_eq!(claims.sector, Sector::new("healthcare"));
    assert_eq!(claims.business_case, "Routes claims to the right queue, faster");
    assert_eq!(claims.data_sources, "Claims history; policy admin");
    assert_eq!(claims.integration_footprint, "Claims platform, CRM");
    let invoice = s.find_pilot("Invoice matching").unwrap();
    assert_eq!(invoice.sector, Sector::new("financial"));
    assert_eq!(invoice.status, Status::Proposed);
    assert_eq!(
        invoice.business_case,
        "Matches invoices to purchase orders\nacross three ERPs"
    );
    let permit = s.find_pilot("Permit assistant").unwrap();
    assert_eq!(permit.status, Status::Production);
    assert_eq!(permit.integration_footprint, "");
    let owners = s.owners(claims.id).unwrap();
    assert_eq!(owners.len(), 2);
    assert_eq!(
        (owners[0].role, owners[0].person.as_str()),
        (Role::Product, "Dana Reyes")
    );
    assert_eq!(
        (owners[1].role, owners[1].person.as_str()),
        (Role::Business, "Sam Ortiz")
    );
    // Each pilot got its checklist, and every change names the actor.
    assert_eq!(
        e.count("SELECT count(DISTINCT pilot_id) FROM checklist_items"),
        3,
        "checklists instantiated from the playbook"
    );
    assert_eq!(e.count("SELECT count(*) FROM audit_events WHERE actor <> 'tester'"), 0);
    assert_eq!(
        e.count("SELECT count(*) FROM audit_events WHERE entity = 'pilot' AND field = 'created'"),
        3
    );
    assert_eq!(e.count("SELECT count(*) FROM audit_events WHERE entity = 'owner'"), 3);
    assert_eq!(
        e.count("SELECT count(*) FROM audit_events WHERE entity = 'import' AND new_value = 'inventory.csv: 3 added, 0 updated, 0 unchanged, 0 rejected'"),
        1
    );
    e.ok(&["verify"]);
}

#[test]
fn a_semicolon_file_with_bom_crlf_aliases_and_quoted_newlines() {
    let e = Env::init();
    let out = e.import(&fixture("inventory_semicolon.csv"), &[]);
    assert_eq!(
        out,
        "Imported inventory_semicolon.csv (semicolon-separated, 3 rows): 3 added, 0 updated, 0 unchanged, 0 rejected.\n\
         \x20 row 2     added     Fraud scoring\n\
         \x20 row 3     added     Contract review\n\
         \x20 row 4     added     Patient letters\n\
         Ignored columns (not inventory fields): 'Budget (k€)', 'Notes'. The columns lastmile reads: name, business unit, \
         sector, business case, data sources, model class, integration footprint, governance posture, status, product \
         owner, platform owner, governance owner, business owner.\n"
    );
    let s = e.store();
    let fraud = s.find_pilot("Fraud scoring").unwrap();
    assert_eq!(fraud.business_unit, "Payments");
    assert_eq!(fraud.sector, Sector::new("financial"));
    assert_eq!(fraud.business_case, "Scores card payments; flags the riskiest");
    assert_eq!(fraud.data_sources, "Card auths; chargebacks");
    assert_eq!(fraud.model_class, "Gradient boosting");
    assert_eq!(fraud.integration_footprint, "Fraud hub; case tool");
    assert_eq!(fraud.governance_posture, "SR 11-7");
    let contract = s.find_pilot("Contract review").unwrap();
    assert_eq!(contract.sector, Sector::new("enterprise"));
    assert_eq!(contract.status, Status::Paused);
    assert_eq!(
        contract.business_case, "Finds risky clauses\nin supplier contracts",
        "CR of the CRLF dropped"
    );
    let letters = s.find_pilot("Patient letters").unwrap();
    assert_eq!(letters.sector, Sector::new("healthcare"));
    assert_eq!(letters.business_case, "Drafts \"plain English\" letters");
    assert!(!s.pilot_names().unwrap().iter().any(|(_, n)| n.starts_with('\u{feff}')));
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    let e = Env::init();
    e.import(&fixture("inventory.csv"), &[]);
    let before = e.fingerprint();
    let revisions = e.count("SELECT sum(revision) FROM pilots");
    let out = e.import(&fixture("inventory.csv"), &[]);
    assert_eq!(
        out,
        "Imported inventory.csv (comma-separated, 3 rows): 0 added, 0 updated, 3 unchanged, 0 rejected.\n"
    );
    assert_eq!(e.fingerprint(), before);
    assert_eq!(e.count("SELECT sum(revision) FROM pilots"), revisions);
    let out = e.import(&fixture("inventory_semicolon.csv"), &[]);
    assert!(out.contains("3 added"), "{out}");
    let out = e.import(&fixture("inventory_semicolon.csv"), &[]);
    assert!(out.contains("0 added, 0 updated, 3 unchanged"), "{out}");
}

#[test]
fn existing_pilots_get_only_present_non_empty_cells() {
    let e = Env::init();
    e.ok(&[
        "pilots",
        "add",
        "Claims Triage",
        "--sector",
        "government",
        "--unit",
        "Old unit",
        "--case",
        "Keep this case",
        "--model",
        "Old model",
    ]);
    let f = e.file(
        "update.csv",
        b"name,business unit,sector,business case,model class\nclaims triage,New unit,healthcare,,\n",
    );
    let out = e.import(&f, &[]);
    assert_eq!(
        out,
        "Imported update.csv (comma-separated, 1 row): 0 added, 1 updated, 0 unchanged, 0 rejected.\n\
         \x20 row 2     updated   Claims Triage (business unit, sector)\n"
    );
    let p = e.store().find_pilot("claims triage").unwrap();
    assert_eq!(p.name, "Claims Triage", "the stored spelling is kept");
    assert_eq!(p.business_unit, "New unit");
    assert_eq!(p.sector, Sector::new("healthcare"));
    assert_eq!(p.business_case, "Keep this case", "an empty cell erases nothing");
    assert_eq!(p.model_class, "Old model", "an empty cell erases nothing");
    let c = rusqlite::Connection::open(&e.db).unwrap();
    let ev: Vec<(String, String, String, String)> = c
        .prepare("SELECT actor, field, old_value, new_value FROM audit_events WHERE entity = 'pilot' AND field <> 'created' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        ev,
        [
            (
                "tester".into(),
                "business_unit".into(),
                "Old unit".into(),
                "New unit".into()
            ),
            (
                "tester".into(),
                "sector".into(),
                "government".into(),
                "healthcare".into()
            ),
        ]
    );
}

#[test]
fn rejected_rows_are_listed_with_row_number_and_reason() {
    let e = Env::init();
    let out = e.import(&fixture("rejections.csv"), &[]);
    assert_eq!(
        out,
        "Imported rejections.csv (comma-separated, 8 rows): 2 added, 0 updated, 0 unchanged, 6 rejected.\n\
         \x20 row 2     added     Good pilot\n\
         \x20 row 9     added     Trailing cells are fine\n\
         \x20 row 3     rejected  the pilot name is empty: fill in the name column\n\
         \x20 row 4     rejected  unknown sector 'retail': use one of government, healthcare, financial services, enterprise tech\n\
         \x20 row 5     rejected  unknown status 'dormant': use proposed, active, paused, in production or stopped\n\
         \x20 row 6     rejected  pilot 'GOOD PILOT' is already on row 2: keep one row per pilot\n\
         \x20 row 7     rejected  the row has 6 cells but the header has 4: put quotes around cells that contain the separator\n\
         \x20 row 8     rejected  the pilot name is 130 characters long: shorten it to at most 120\n"
    );
    assert_eq!(e.count("SELECT count(*) FROM pilots"), 2);
}

#[test]
fn a_dry_run_reports_and_changes_nothing() {
    let e = Env::init();
    let before = e.fingerprint();
    let out = e.import(&fixture("inventory.csv"), &["--dry-run"]);
    assert_eq!(
        out,
        "Dry run of inventory.csv (comma-separated, 3 rows): 3 added, 0 updated, 0 unchanged, 0 rejected. Nothing was changed.\n\
         \x20 row 2     added     Claims triage\n\
         \x20 row 3     added     Invoice matching\n\
         \x20 row 4     added     Permit assistant\n\
         People added (named as owners): Dana Reyes, Sam Ortiz.\n"
    );
    assert_eq!(e.fingerprint(), before);
    // The dry run predicts the real import exactly.
    let real = e.import(&fixture("inventory.csv"), &[]);
    assert_eq!(
        real.replace("Imported", "Dry run of")
            .lines()
            .skip(1)
            .collect::<Vec<_>>(),
        out.lines().skip(1).collect::<Vec<_>>()
    );
}

#[test]
fn files_that_are_not_usable_csv_are_refused_with_a_clear_answer() {
    let e = Env::init();
    e.import(&fixture("inventory.csv"), &[]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", vec![], "empty.csv is empty: it needs a header row with a 'name' column and one row per pilot"),
        ("bom.csv", b"\xef\xbb\xbf\r\n\r\n".to_vec(), "bom.csv is empty"),
        ("blank.csv", b",,,\n , ,\n".to_vec(), "blank.csv is empty"),
        (
            "logo.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00".to_vec(),
            "logo.png is a binary file, not CSV text: in your spreadsheet, save it as 'CSV UTF-8' and import that file",
        ),
        ("book.xlsx", b"PK\x03\x04\x14\x00\x06\x00".to_vec(), "book.xlsx is a ZIP archive (probably an Excel or OpenDocument workbook), not CSV"),
        ("wide.csv", b"\xff\xfen\x00a\x00m\x00e\x00".to_vec(), "wide.csv is UTF-16 text, not UTF-8"),
        ("latin1.csv", b"name,business unit\nCaf\xe9 bot,Ops\n".to_vec(), "latin1.csv is not UTF-8 text (the first bad byte is on line 2)"),
        (
            "noname.csv",
            b"title,sector\nClaims triage,healthcare\n".to_vec(),
            "noname.csv has no pilot name column (its header row has 'title', 'sector'): add a column headed 'name' (or 'pilot')",
        ),
        (
            "prose.txt",
            b"Dear committee, here are our pilots.\nThanks\n".to_vec(),
            "prose.txt has no pilot name column (its header row has 'Dear committee', 'here are our pilots.')",
        ),
        (
            "quote.csv",
            b"name,business case\nNew pilot,fine\nOther,\"never closed\nstill open\n".to_vec(),
            "quote.csv has a quoted cell that starts on line 3 and is never closed: add the closing quote (\") and import again",
        ),
        (
            "twice.csv",
            b"Name,Pilot\nA,B\n".to_vec(),
            "twice.csv has two columns for the name: 'Name' (column 1) and 'Pilot' (column 2): keep one of them",
        ),
    ];
    for (name, bytes, want) in cases {
        let f = e.file(name, &bytes);
        let err = e.refused(&f);
        assert!(err.contains(want), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: one sentence: {err}");
    }
    let err = e.refused(&e.dir.path().join("missing.csv"));
    assert!(
        err.contains("missing.csv does not exist: check the file name and path"),
        "{err}"
    );
    let err = e.refused(e.dir.path());
    assert!(err.contains("is a folder"), "{err}");
}

#[test]
fn a_50_mb_file_is_refused_by_size_before_reading() {
    let e = Env::init();
    let path = e.dir.path().join("huge.csv");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap(); // sparse: no 50 MB written to disk
    let err = e.refused(&path);
    assert!(
        err.contains(
            "huge.csv is 50.0 MB, over the 20 MB import limit: split the inventory into smaller files and import each"
        ),
        "{err}"
    );
    assert_eq!(MAX_FILE_BYTES, 20 * 1024 * 1024);
}

#[test]
fn a_header_only_file_imports_nothing_and_says_so() {
    let e = Env::init();
    let f = e.file("header.csv", b"name,sector\r\n");
    let out = e.import(&f, &[]);
    assert_eq!(
        out,
        "Imported header.csv (comma-separated, 0 rows): 0 added, 0 updated, 0 unchanged, 0 rejected.\nThe file has a header but no pilot rows.\n"
    );
}

#[test]
fn tab_separated_files_and_the_excel_sep_line_are_read() {
    let e = Env::init();
    let f = e.file(
        "tabs.tsv",
        b"name\tsector\nTab pilot\tgovernance\nOther tab pilot\tgovernment\n",
    );
    let out = e.import(&f, &[]);
    assert!(
        out.starts_with("Imported tabs.tsv (tab-separated, 2 rows): 1 added"),
        "{out}"
    );
    assert!(out.contains("row 2     rejected  unknown sector 'governance'"), "{out}");
    let f = e.file("sep.csv", b"sep=;\nname;business unit\n\"Semi, colon\";Ops, West\n");
    let out = e.import(&f, &[]);
    assert!(
        out.starts_with("Imported sep.csv (semicolon-separated, 1 row): 1 added"),
        "{out}"
    );
    assert!(out.contains("row 3     added     Semi, colon"), "{out}");
    assert_eq!(e.store().find_pilot("Semi, colon").unwrap().business_unit, "Ops, West");
}

#[test]
fn owner_columns_reassign_owners_and_add_people_once() {
    let e = Env::init();
    e.import(&fixture("inventory.csv"), &[]);
    let f = e.file(
        "owners.csv",
        b"name,product owner,platform owner\nClaims triage,dana reyes,Kim Lee\nPermit assistant,Kim Lee,\n",
    );
    let out = e.import(&f, &[]);
    assert_eq!(
        out,
        "Imported owners.csv (comma-separated, 2 rows): 0 added, 2 updated, 0 unchanged, 0 rejected.\n\
         \x20 row 2     updated   Claims triage (platform owner)\n\
         \x20 row 3     updated   Permit assistant (product owner)\n\
         People added (named as owners): Kim Lee.\n"
    );
    let s = e.store();
    let permit = s.find_pilot("Permit assistant").unwrap();
    let owners = s.owners(permit.id).unwrap();
    assert_eq!(owners[0].person, "Kim Lee");
    assert_eq!(e.count("SELECT count(*) FROM people WHERE name = 'Kim Lee'"), 1);
    let c = rusqlite::Connection::open(&e.db).unwrap();
    let (old, new): (String, String) = c
        .query_row(
            "SELECT old_value, new_value FROM audit_events WHERE entity = 'owner' AND pilot_id = ?1 AND field = 'product' ORDER BY id DESC LIMIT 1",
            [permit.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((old.as_str(), new.as_str()), ("Dana Reyes", "Kim Lee"));
    let again = e.import(&f, &[]);
    assert!(again.contains("0 updated, 2 unchanged"), "{again}");
}

#[test]
fn a_failure_while_writing_rolls_the_whole_file_back() {
    let e = Env::init();
    // Make the database refuse one pilot, as a constraint or a full disk
    // would, after the rows before it were written.
    e.sql("CREATE TRIGGER poison BEFORE INSERT ON pilots WHEN NEW.name = 'Poison' BEGIN SELECT RAISE(ABORT, 'refused by test'); END;");
    let f = e.file("poison.csv", b"name\nFirst\nSecond\nThird\nPoison\nFifth\n");
    let err = e.refused(&f);
    assert!(err.contains("row 5 could not be imported"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(e.count("SELECT count(*) FROM pilots"), 0);
    assert_eq!(e.count("SELECT count(*) FROM checklist_items"), 0);
}

#[test]
fn the_library_call_the_workbench_uses() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_memory("workbench").unwrap();
    let pb = Playbook::builtin();
    let path = dir.path().join("inv.csv");
    std::fs::write(&path, "Pilot name;Sector\nA;Healthcare\nB;Financial services\n").unwrap();
    let dry = import_csv(&mut store, &pb, &path, true).unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.added.len(), 2);
    assert!(store.pilot_names().unwrap().is_empty());
    let real = import_csv(&mut store, &pb, &path, false).unwrap();
    assert_eq!(real.added.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(real.delimiter, ';');
    assert_eq!(store.pilot_names().unwrap().len(), 2);
    let again = import_csv(&mut store, &pb, &path, false).unwrap();
    assert!(!again.changes());
    assert_eq!(again.unchanged.len(), 2);
}

#[test]
fn a_large_inventory_imports_in_one_go() {
    let e = Env::init();
    let mut csv = String::from("name,business unit,sector,status\n");
    for i in 0..2000 {
        csv.push_str(&format!(
            "Pilot {i:04},Unit {},{},active\n",
            i % 7,
            ["government", "healthcare"][i % 2]
        ));
    }
    let f = e.file("big.csv", csv.as_bytes());
    let started = std::time::Instant::now();
    let out = e.import(&f, &[]);
    assert!(
        out.starts_with("Imported big.csv (comma-separated, 2000 rows): 2000 added"),
        "{out}"
    );
    assert!(out.contains("… and 1950 more added"), "{out}");
    assert_eq!(e.count("SELECT count(*) FROM pilots"), 2000);
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
    let again = e.import(&f, &[]);
    assert!(again.contains("2000 unchanged"), "{again}");
}
