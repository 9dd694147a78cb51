//! A database in a temporary folder and the real `lastmile` binary run on
//! it, for the end-to-end tests (cli, export, import, verify). A test file
//! adds its own methods with an `impl Env` block of its own.

use assert_cmd::Command;
use lastmile::store::{OpenMode, Store};
use std::path::{Path, PathBuf};

/// The date `LASTMILE_TODAY` pins for commands run through [`Env::cmd`].
pub const TODAY: &str = "2026-11-23";

/// A temporary folder holding the database file `t.db`; both go when the
/// value is dropped.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Env {
    /// A fresh folder; the database file does not exist yet.
    pub fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        Env { dir, db }
    }

    /// After `lastmile init`.
    pub fn init() -> Env {
        let e = Env::new();
        e.ok(&["init"]);
        e
    }

    /// After `lastmile demo`.
    pub fn demo() -> Env {
        let e = Env::new();
        e.ok(&["demo"]);
        e
    }

    /// A path in the folder, next to the database.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `lastmile --db DB --as tester` with today pinned to [`TODAY`] and no
    /// database or playbook taken from the environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("lastmile").unwrap();
        c.arg("--db").arg(&self.db).arg("--as").arg("tester");
        c.env("LASTMILE_TODAY", TODAY)
            .env("TZ", "UTC")
            .env_remove("LASTMILE_DB")
            .env_remove("LASTMILE_PLAYBOOK");
        c
    }

    /// Run and expect success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    /// Run and expect exit code `code` and no panic on stderr; returns
    /// stdout as bytes and stderr.
    pub fn exits(&self, args: &[&str], code: i32) -> (Vec<u8>, String) {
        let out = self.cmd().args(args).assert().code(code);
        let o = out.get_output();
        let err = String::from_utf8(o.stderr.clone()).unwrap();
        assert!(!err.contains("panicked"), "{err}");
        (o.stdout.clone(), err)
    }

    /// Run and expect exit code `code` and no panic; returns (stdout, stderr).
    pub fn run(&self, args: &[&str], code: i32) -> (String, String) {
        let (out, err) = self.exits(args, code);
        (String::from_utf8(out).unwrap(), err)
    }

    /// Run and expect exit code `code` and no panic; returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        self.exits(args, code).1
    }

    /// The database opened through the library, as another user.
    pub fn store(&self) -> Store {
        Store::open(&self.db, OpenMode::Existing, "checker").unwrap()
    }

    /// A number read with plain SQL (see [`count`]).
    pub fn count(&self, sql: &str) -> i64 {
        count(&self.db, sql)
    }

    /// Plain SQL on the file, as with the sqlite3 shell.
    pub fn sql(&self, batch: &str) {
        rusqlite::Connection::open(&self.db)
            .unwrap()
            .execute_batch(batch)
            .unwrap();
    }
}

/// The first column of the first row `sql` returns from the database at `db`.
pub fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// One rubric's result from `lastmile score PILOT --json`, by key.
pub fn rubric_result(score_json: &serde_json::Value, key: &str) -> serde_json::Value {
    score_json["rubrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rubric"] == key)
        .cloned()
        .unwrap_or_else(|| panic!("no rubric {key}: {score_json}"))
}
