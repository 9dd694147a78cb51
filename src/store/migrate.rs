//! Schema creation and migration by `PRAGMA user_version`. A new file gets
//! `schema.sql` whole; an older file runs each later step in order. All of it
//! happens in one `BEGIN IMMEDIATE` transaction, and the version is read
//! again inside it, so two processes opening an old file at once cannot
//! both migrate.

use super::{map_sql, APPLICATION_ID, SCHEMA_SQL, SCHEMA_VERSION};
use crate::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// One step from version `to - 1` to version `to`.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub to: i64,
    pub sql: &'static str,
    /// Work SQL alone cannot do, run after `sql` in the same transaction.
    pub then: Option<AfterStep>,
}

/// Rust run after a step's SQL: (connection, clock, who upgrades).
pub type AfterStep = fn(&Connection, &crate::clock::Clock, &str) -> rusqlite::Result<()>;

/// Steps after version 1, in order. A new file gets `schema.sql`, which is
/// already at [`SCHEMA_VERSION`].
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        to: 2,
        sql: MIGRATE_TO_2,
        then: None,
    },
    Migration {
        to: 3,
        sql: MIGRATE_TO_3,
        then: Some(after_3),
    },
    Migration {
        to: 4,
        sql: MIGRATE_TO_4,
        then: None,
    },
    Migration {
        to: 5,
        sql: MIGRATE_TO_5,
        then: None,
    },
    Migration {
        to: 6,
        sql: MIGRATE_TO_6,
        then: Some(after_6),
    },
    Migration {
        to: 7,
        sql: MIGRATE_TO_7,
        then: None,
    },
    Migration {
        to: 8,
        sql: MIGRATE_TO_8,
        then: None,
    },
];

/// Version 8: two indexes of the checklist's rows go. Open items by due
/// day are found through `pilot_stats.open_due` (which pilots have any),
/// and a pilot's next item through its 40-odd rows on (pilot, position);
/// each index cost a b-tree write per item added (the one on due day, in
/// random order, more than the rows themselves). The readiness trigger
/// finds the oldest current rating again only when the answer replaced
/// held it. No row changes.
// The trigger repeats schema.sql's on purpose (see MIGRATE_TO_2).
const MIGRATE_TO_8: &str = "
    DROP INDEX IF EXISTS checklist_open_due;
    DROP INDEX IF EXISTS checklist_next;
    DROP TRIGGER pilot_stats_dims;
    CREATE TRIGGER pilot_stats_dims AFTER INSERT ON scores WHEN NEW.rubric = 'readiness'
    BEGIN
        UPDATE pilot_stats
        SET dims = CASE NEW.question
                WHEN 'data' THEN upper(substr(NEW.answer, 1, 1)) || substr(dims, 2)
                WHEN 'governance' THEN substr(dims, 1, 1) || upper(substr(NEW.answer, 1, 1)) || substr(dims, 3)
                WHEN 'integration' THEN substr(dims, 1, 2) || upper(substr(NEW.answer, 1, 1)) || substr(dims, 4)
                WHEN 'ownership' THEN substr(dims, 1, 3) || upper(substr(NEW.answer, 1, 1))
                ELSE dims END,
            dims_oldest = CASE
                WHEN coalesce((SELECT scored_at FROM scores WHERE pilot_id = NEW.pilot_id AND rubric = 'readiness'
                               AND question = NEW.question AND id < NEW.id ORDER BY id DESC LIMIT 1), '~')
                     > coalesce(dims_oldest, '~')
                THEN min(dims_oldest, NEW.scored_at)
                ELSE (SELECT MIN(s.scored_at) FROM scores s
                      WHERE s.pilot_id = NEW.pilot_id AND s.rubric = 'readiness'
                        AND s.id = (SELECT MAX(t.id) FROM scores t WHERE t.pilot_id = s.pilot_id
                                    AND t.rubric = 'readiness' AND t.question = s.question))
                END
        WHERE pilot_id = NEW.pilot_id;
    END;
";

/// Version 7: an import stages its rows (see `store::staging`).
const MIGRATE_TO_7: &str = "
    CREATE TABLE staging_runs (
        id          INTEGER PRIMARY KEY,
        pid         INTEGER NOT NULL,
        actor       TEXT    NOT NULL,
        what        TEXT    NOT NULL,
        started_at  TEXT    NOT NULL
    );
    CREATE TABLE staged_pilots (
        pilot_id    INTEGER PRIMARY KEY REFERENCES pilots (id) ON DELETE CASCADE,
        run_id      INTEGER NOT NULL REFERENCES staging_runs (id)
    );
    CREATE TABLE staged_people (
        person_id   INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
        run_id      INTEGER NOT NULL REFERENCES staging_runs (id)
    );
";

/// The fixed lists earlier schemas checked (table, column, the check),
/// and what version 6 checks instead: sectors and metric categories come
/// from the playbook.
const FIXED_CHECKS_5: [(&str, &str, &str, &str); 2] = [
    (
        "pilots",
        "sector",
        "CHECK (sector IN ('government', 'healthcare', 'financial', 'enterprise')),",
        "CHECK (sector <> '') /* a key of the playbook's sectors (v6: was four fixed ones) */,",
    ),
    (
        "metrics",
        "category",
        "CHECK (category IN ('performance', 'business', 'user', 'operational')),",
        "CHECK (category <> '') /* a key of the playbook's metric categories (v6: was four fixed ones) */,",
    ),
];

/// Version 6, after its tables: sectors and metric categories come from
/// the playbook, so the fixed lists of four go. SQLite cannot drop a
/// CHECK in place; rebuilding the tables would touch every table that
/// refers to them, so this edits the stored definitions, the procedure
/// SQLite documents for removing a CHECK constraint (every stored row
/// meets the new one).
fn after_6(c: &Connection, _: &crate::clock::Clock, _: &str) -> rusqlite::Result<()> {
    let mut edits = Vec::new();
    for (table, column, old, new) in FIXED_CHECKS_5 {
        let sql: String = c.query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        if sql.contains(old) {
            edits.push((table, column, sql.replace(old, new)));
        } else if sql.contains(&format!("{column} IN (")) {
            // A fixed list lastmile did not write: stop rather than leave
            // a file that refuses the playbook's values later.
            return Err(rusqlite::Error::ToSqlConversionFailure(
                format!("the {table} table holds a {column} check lastmile did not write: restore the file from a backup, or remove the check by hand").into(),
            ));
        }
    }
    if edits.is_empty() {
        return Ok(());
    }
    let version: i64 = c.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    c.execute_batch("PRAGMA writable_schema = ON")?;
    for (table, _, sql) in &edits {
        c.execute(
            "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = ?2",
            [sql.as_str(), table],
        )?;
    }
    c.execute_batch(&format!(
        "PRAGMA schema_version = {}; PRAGMA writable_schema = OFF",
        version + 1
    ))?;
    // The edited definitions must still be read as tables.
    for (table, column, _) in &edits {
        c.prepare(&format!("SELECT {column} FROM {table} LIMIT 0"))?;
    }
    Ok(())
}

/// Version 6: the programme checklist, and each pilot's vendor with the
/// asks before signing. New tables only; no row changes. The playbook's
/// programme items are added by `playbook sync`, which also closes the
/// per-pilot copies older files carry.
// The tables repeat schema.sql's on purpose (see MIGRATE_TO_2).
const MIGRATE_TO_6: &str = "
    CREATE TABLE scorecards (
        pilot_id    INTEGER PRIMARY KEY REFERENCES pilots (id) ON DELETE CASCADE,
        metric_id   INTEGER NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
        revision    INTEGER NOT NULL DEFAULT 1,
        updated_at  TEXT    NOT NULL,
        updated_by  TEXT    NOT NULL
    );
    CREATE TABLE pilot_vendors (
        pilot_id        INTEGER PRIMARY KEY REFERENCES pilots (id) ON DELETE CASCADE,
        vendor          TEXT    NOT NULL DEFAULT '',
        in_house_reason TEXT    NOT NULL DEFAULT '',
        revision        INTEGER NOT NULL DEFAULT 1,
        updated_at      TEXT    NOT NULL,
        updated_by      TEXT    NOT NULL,
        CHECK ((trim(vendor) <> '') <> (trim(in_house_reason) <> ''))
    );

    CREATE TABLE vendor_asks (
        pilot_id    INTEGER NOT NULL REFERENCES pilots (id) ON DELETE CASCADE,
        ask_key     TEXT    NOT NULL CHECK (ask_key <> ''),
        evidence    TEXT    NOT NULL CHECK (trim(evidence) <> ''),
        revision    INTEGER NOT NULL DEFAULT 1,
        updated_at  TEXT    NOT NULL,
        updated_by  TEXT    NOT NULL,
        PRIMARY KEY (pilot_id, ask_key)
    ) WITHOUT ROWID;
    CREATE TABLE programme_items (
        id          INTEGER PRIMARY KEY,
        item_key    TEXT    NOT NULL UNIQUE,
        phase       TEXT    NOT NULL
            CHECK (phase IN ('assessment', 'scaffolding', 'hardening')),
        section     TEXT    NOT NULL,
        text        TEXT    NOT NULL,
        position    INTEGER NOT NULL,
        state       TEXT    NOT NULL DEFAULT 'todo'
            CHECK (state IN ('todo', 'doing', 'done', 'na', 'blocked')),
        owner_id    INTEGER REFERENCES people (id),
        due_day     INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 90),
        note        TEXT    NOT NULL DEFAULT '',
        revision    INTEGER NOT NULL DEFAULT 1,
        updated_at  TEXT    NOT NULL,
        updated_by  TEXT    NOT NULL
    );
";

/// Version 5: decision rights per pilot (a person and a threshold for each
/// right the playbook lists). A new table only; no row changes.
// The table repeats schema.sql's on purpose (see MIGRATE_TO_2).
const MIGRATE_TO_5: &str = "
    CREATE TABLE decision_rights (
        pilot_id    INTEGER NOT NULL REFERENCES pilots (id) ON DELETE CASCADE,
        right_key   TEXT    NOT NULL CHECK (right_key <> ''),
        person_id   INTEGER NOT NULL REFERENCES people (id),
        threshold   TEXT    NOT NULL CHECK (trim(threshold) <> ''),
        revision    INTEGER NOT NULL DEFAULT 1,
        updated_at  TEXT    NOT NULL,
        updated_by  TEXT    NOT NULL,
        PRIMARY KEY (pilot_id, right_key)
    ) WITHOUT ROWID;
    CREATE INDEX decision_rights_person ON decision_rights (person_id);
";

/// Version 4: an item's wording once per distinct wording. The rows keep
/// their ids, states, owners, notes and revisions; `checklist_items`
/// becomes a view with the same columns (plus `text_id`), so every digest
/// the audit trail holds still matches. The pilots' checklists are keyed
/// by position (integers, one index fewer than the playbook key was).
// The tables, view, indexes and triggers repeat schema.sql's on purpose
// (see MIGRATE_TO_2).
const MIGRATE_TO_4: &str = "
    CREATE TABLE checklist_texts (
        id          INTEGER PRIMARY KEY,
        item_key    TEXT    NOT NULL,
        phase       TEXT    NOT NULL
            CHECK (phase IN ('assessment', 'scaffolding', 'hardening')),
        section     TEXT    NOT NULL,
        text        TEXT    NOT NULL,
        gate        INTEGER NOT NULL DEFAULT 0 CHECK (gate IN (0, 1)),
        UNIQUE (item_key, phase, section, text, gate)
    );
    INSERT INTO checklist_texts (item_key, phase, section, text, gate)
        SELECT item_key, phase, section, text, gate FROM checklist_items
        GROUP BY item_key, phase, section, text, gate ORDER BY min(id);
    CREATE TABLE checklist_rows (
        id          INTEGER PRIMARY KEY,
        pilot_id    INTEGER NOT NULL REFERENCES pilots (id) ON DELETE CASCADE,
        text_id     INTEGER NOT NULL REFERENCES checklist_texts (id),
        position    INTEGER NOT NULL,
        state       TEXT    NOT NULL DEFAULT 'todo'
            CHECK (state IN ('todo', 'doing', 'done', 'na', 'blocked')),
        owner_id    INTEGER REFERENCES people (id),
        due_day     INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 90),
        note        TEXT    NOT NULL DEFAULT '',
        revision    INTEGER NOT NULL DEFAULT 1,
        updated_at  TEXT    NOT NULL,
        updated_by  TEXT    NOT NULL,
        UNIQUE (pilot_id, position)
    );
    INSERT INTO checklist_rows (id, pilot_id, text_id, position, state, owner_id, due_day, note, revision,
                                updated_at, updated_by)
        SELECT c.id, c.pilot_id, t.id, c.position, c.state, c.owner_id, c.due_day, c.note, c.revision,
               c.updated_at, c.updated_by
        FROM checklist_items c
        JOIN checklist_texts t ON t.item_key = c.item_key AND t.phase = c.phase AND t.section = c.section
                              AND t.text = c.text AND t.gate = c.gate
        ORDER BY c.id;
    DROP TABLE checklist_items;
    CREATE INDEX checklist_open_due ON checklist_rows (due_day) WHERE state IN ('todo', 'doing', 'blocked');
    CREATE INDEX checklist_next ON checklist_rows (pilot_id, due_day, position)
        WHERE state IN ('todo', 'doing', 'blocked');
    CREATE VIEW checklist_items AS
    SELECT r.id, r.pilot_id, t.item_key, t.phase, t.section, r.position, t.text, t.gate, r.state,
           r.owner_id, r.due_day, r.note, r.revision, r.updated_at, r.updated_by, r.text_id
    FROM checklist_rows r JOIN checklist_texts t ON t.id = r.text_id;
    CREATE TRIGGER pilot_stats_items AFTER UPDATE OF state, due_day ON checklist_rows
        WHEN OLD.state IS NOT NEW.state OR OLD.due_day IS NOT NEW.due_day
    BEGIN
        UPDATE pilot_stats
        SET items_done = items_done + (NEW.state = 'done') - (OLD.state = 'done'),
            open_gates = open_gates + (g.gate = 1 AND NEW.state IN ('todo', 'doing', 'blocked'))
                                    - (g.gate = 1 AND OLD.state IN ('todo', 'doing', 'blocked'))
        FROM (SELECT gate FROM checklist_texts WHERE id = NEW.text_id) AS g
        WHERE pilot_id = NEW.pilot_id;
        UPDATE pilot_stats
        SET open_due = substr(open_due, 1, OLD.due_day - 1) || char(unicode(substr(open_due, OLD.due_day, 1)) - 1)
                       || substr(open_due, OLD.due_day + 1)
        WHERE pilot_id = NEW.pilot_id AND OLD.state IN ('todo', 'doing', 'blocked');
        UPDATE pilot_stats
        SET open_due = substr(open_due, 1, NEW.due_day - 1) || char(unicode(substr(open_due, NEW.due_day, 1)) + 1)
                       || substr(open_due, NEW.due_day + 1)
        WHERE pilot_id = NEW.pilot_id AND NEW.state IN ('todo', 'doing', 'blocked');
        UPDATE pilot_stats
        SET (next_item_id, next_due_day, next_text) =
                (SELECT r.id, r.due_day, t.text FROM checklist_rows r JOIN checklist_texts t ON t.id = r.text_id
                 WHERE r.pilot_id = NEW.pilot_id AND r.state IN ('todo', 'doing', 'blocked')
                 ORDER BY r.due_day, r.position LIMIT 1)
        WHERE pilot_id = NEW.pilot_id
          AND (next_item_id IS NULL OR next_item_id = NEW.id OR NEW.state IN ('todo', 'doing', 'blocked'));
    END;
    CREATE TRIGGER pilot_stats_gates AFTER UPDATE OF state, note ON checklist_rows
        WHEN OLD.state IS NOT NEW.state OR OLD.note IS NOT NEW.note
    BEGIN
        UPDATE pilot_stats
        SET gates_unmet = substr(gates_unmet, 1, g.p - 1)
                          || char(unicode(substr(gates_unmet, g.p, 1))
                                  + (g.gate = 1 AND NOT (NEW.state IN ('done', 'na') AND NEW.note <> ''))
                                  - (g.gate = 1 AND NOT (OLD.state IN ('done', 'na') AND OLD.note <> '')))
                          || substr(gates_unmet, g.p + 1)
        FROM (SELECT gate, CASE phase WHEN 'assessment' THEN 1 WHEN 'scaffolding' THEN 2 ELSE 3 END AS p
              FROM checklist_texts WHERE id = NEW.text_id) AS g
        WHERE pilot_id = NEW.pilot_id;
    END;
";

/// Version 3: the audit chain pins every row. Creation events carry a
/// digest of what they create; decisions keep the names as recorded; the
/// file has an identity of its own.
// The view repeats schema.sql's on purpose (see MIGRATE_TO_2).
const MIGRATE_TO_3: &str = "
    ALTER TABLE decisions ADD COLUMN pilot_name TEXT;
    ALTER TABLE decisions ADD COLUMN decided_by_name TEXT;
    ALTER TABLE audit_events ADD COLUMN digest TEXT;
    CREATE TABLE file_meta (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        file_uuid   TEXT    NOT NULL
    );
    DROP VIEW decision_log;
    CREATE VIEW decision_log AS
    SELECT d.id, coalesce(d.pilot_name, p.name) AS pilot, d.gate, d.outcome, d.rationale,
           coalesce(d.decided_by_name, pe.name) AS decided_by,
           d.decided_on, d.stop_conditions,
           (d.communicated OR n.decision_id IS NOT NULL) AS communicated,
           (SELECT MIN(l.id) FROM decisions l
            WHERE l.pilot_id = d.pilot_id AND l.id > d.id AND (d.gate IS NULL OR l.gate IS d.gate)) AS superseded_by,
           d.override, d.pivot_to, d.review_on, d.maker_is_owner,
           d.recorded_at, d.recorded_by, d.hash
    FROM decisions d
    JOIN pilots p ON p.id = d.pilot_id
    JOIN people pe ON pe.id = d.decided_by
    LEFT JOIN decision_notices n ON n.decision_id = d.id;
";

/// Version 3, continued: the file's identity, and a baseline event per row
/// pinning its content as it is at the upgrade (earlier events recorded
/// changes but not whole rows).
fn after_3(c: &Connection, clock: &crate::clock::Clock, actor: &str) -> rusqlite::Result<()> {
    super::state::set_file_uuid(c)?;
    super::state::write_baseline(c, &clock.now_utc(), actor)
}

/// Version 2: stage gates. Decisions record the gate they decide and what
/// the outcome did; criteria say whether they were must- or should-meet;
/// pilots can be shortlisted; the summary rows count unmet gating items per
/// phase (kept by a trigger); the review and decision items of the
/// production gate stop being gating items (they stand for the decision
/// itself and close with it) and the rest of the twelve production items
/// (002) become gating items.
// The trigger and view below repeat schema.sql's on purpose: a migration
// step is frozen, so a later change to schema.sql must not change what
// upgrading from schema 1 does.
const MIGRATE_TO_2: &str = "
    ALTER TABLE pilots ADD COLUMN shortlisted INTEGER NOT NULL DEFAULT 0 CHECK (shortlisted IN (0, 1));
    ALTER TABLE decisions ADD COLUMN gate TEXT CHECK (gate IN ('assessment', 'scaffolding', 'hardening'));
    ALTER TABLE decisions ADD COLUMN override TEXT NOT NULL DEFAULT '';
    ALTER TABLE decisions ADD COLUMN pivot_to TEXT CHECK (pivot_to IN ('assessment', 'scaffolding', 'hardening'));
    ALTER TABLE decisions ADD COLUMN review_on TEXT;
    ALTER TABLE decisions ADD COLUMN maker_is_owner INTEGER NOT NULL DEFAULT 0 CHECK (maker_is_owner IN (0, 1));
    ALTER TABLE decision_criteria ADD COLUMN need TEXT NOT NULL DEFAULT '' CHECK (need IN ('', 'must', 'should'));
    ALTER TABLE pilot_stats ADD COLUMN gates_unmet TEXT NOT NULL DEFAULT '000';
    CREATE TRIGGER pilot_stats_gates AFTER UPDATE OF state, note, gate ON checklist_items
        WHEN OLD.state IS NOT NEW.state OR OLD.note IS NOT NEW.note OR OLD.gate IS NOT NEW.gate
    BEGIN
        UPDATE pilot_stats
        SET gates_unmet = substr(gates_unmet, 1, p - 1)
                          || char(unicode(substr(gates_unmet, p, 1))
                                  + (NEW.gate = 1 AND NOT (NEW.state IN ('done', 'na') AND NEW.note <> ''))
                                  - (OLD.gate = 1 AND NOT (OLD.state IN ('done', 'na') AND OLD.note <> '')))
                          || substr(gates_unmet, p + 1)
        FROM (SELECT CASE NEW.phase WHEN 'assessment' THEN 1 WHEN 'scaffolding' THEN 2 ELSE 3 END AS p)
        WHERE pilot_id = NEW.pilot_id;
    END;
    UPDATE pilot_stats SET gates_unmet = (SELECT group_concat(char(48 + n), '') FROM
        (SELECT (SELECT count(*) FROM checklist_items c WHERE c.pilot_id = pilot_stats.pilot_id AND c.gate = 1
                 AND c.phase = ph AND NOT (c.state IN ('done', 'na') AND c.note <> '')) AS n
         FROM (SELECT 1 AS o, 'assessment' AS ph UNION ALL SELECT 2, 'scaffolding' UNION ALL SELECT 3, 'hardening')
         ORDER BY o));
    UPDATE checklist_items SET gate = 0 WHERE item_key IN ('hd-readiness-review', 'hd-decision') AND gate = 1;
    UPDATE checklist_items SET gate = 1 WHERE gate = 0 AND item_key IN ('hd-results-documented',
        'hd-architecture-approved', 'hd-cicd', 'hd-data-pipeline', 'hd-user-training', 'hd-sponsor-briefed',
        'hd-ownership-assigned');
    UPDATE pilot_stats SET open_gates = (SELECT count(*) FROM checklist_items c
        WHERE c.pilot_id = pilot_stats.pilot_id AND c.gate = 1 AND c.state IN ('todo', 'doing', 'blocked'));
    DROP VIEW decision_log;
    CREATE VIEW decision_log AS
    SELECT d.id, p.name AS pilot, d.gate, d.outcome, d.rationale, pe.name AS decided_by,
           d.decided_on, d.stop_conditions,
           (d.communicated OR n.decision_id IS NOT NULL) AS communicated,
           (SELECT MIN(l.id) FROM decisions l
            WHERE l.pilot_id = d.pilot_id AND l.id > d.id AND (d.gate IS NULL OR l.gate IS d.gate)) AS superseded_by,
           d.override, d.pivot_to, d.review_on, d.maker_is_owner,
           d.recorded_at, d.recorded_by, d.hash
    FROM decisions d
    JOIN pilots p ON p.id = d.pilot_id
    JOIN people pe ON pe.id = d.decided_by
    LEFT JOIN decision_notices n ON n.decision_id = d.id;
";

/// Bring the database to `target`. `steps` are applied to files already at
/// version 1 or later; a version-0 (new) file gets `schema.sql`, which is at
/// [`SCHEMA_VERSION`], and then any steps past that.
/// `actor` is who is recorded for the rows the schema itself creates.
pub fn migrate(
    conn: &mut Connection,
    steps: &[Migration],
    target: i64,
    clock: &crate::clock::Clock,
    actor: &str,
) -> Result<()> {
    let p = Path::new("database");
    let e = |err| map_sql(p, err);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(e)?;
    let mut version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(e)?;
    if version >= target {
        return Ok(()); // someone else migrated while we waited
    }
    if version == 0 {
        tx.execute_batch(SCHEMA_SQL)
            .map_err(|err| Error::Storage(format!("creating the schema failed: {err}")))?;
        tx.execute(
            "INSERT INTO programme (id, name, start_date, updated_at, updated_by) VALUES (1, ?1, ?2, ?3, 'lastmile')",
            rusqlite::params!["AI pilot programme", clock.today().to_string(), clock.now_utc()],
        )
        .map_err(e)?;
        tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID};"))
            .map_err(e)?;
        super::state::set_file_uuid(&tx).map_err(e)?;
        super::state::record_programme_created(&tx, &clock.now_utc(), actor).map_err(e)?;
        version = SCHEMA_VERSION;
    }
    let start = version;
    for step in steps.iter().filter(|s| s.to > start && s.to <= target) {
        if step.to != version + 1 {
            return Err(Error::Storage(format!(
                "no migration step from schema {version} to {}",
                version + 1
            )));
        }
        let fail = |err: rusqlite::Error| {
            Error::Storage(format!(
                "migration to schema {} failed ({err}); nothing was changed",
                step.to
            ))
        };
        tx.execute_batch(step.sql).map_err(fail)?;
        if let Some(then) = step.then {
            then(&tx, clock, actor).map_err(fail)?;
        }
        version = step.to;
    }
    if version != target {
        return Err(Error::Storage(format!(
            "no migration path to schema {target} (stopped at {version})"
        )));
    }
    tx.execute_batch(&format!("PRAGMA user_version = {version};"))
        .map_err(e)?;
    tx.commit().map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(c: &Connection) -> i64 {
        c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    }

    fn v1() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, MIGRATIONS, SCHEMA_VERSION, &crate::clock::Clock::system(), "t").unwrap();
        c
    }

    #[test]
    fn new_file_gets_schema_and_programme() {
        let c = v1();
        assert_eq!(version(&c), SCHEMA_VERSION);
        let n: i64 = c.query_row("SELECT count(*) FROM programme", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
        let app: i64 = c.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
        assert_eq!(app, APPLICATION_ID);
    }

    #[test]
    fn steps_run_in_order() {
        let mut c = v1();
        let steps = [
            Migration {
                to: SCHEMA_VERSION + 1,
                sql: "ALTER TABLE people ADD COLUMN email TEXT NOT NULL DEFAULT '';",
                then: None,
            },
            Migration {
                to: SCHEMA_VERSION + 2,
                sql: "CREATE INDEX people_email ON people (email);",
                then: None,
            },
        ];
        migrate(&mut c, &steps, SCHEMA_VERSION + 2, &crate::clock::Clock::system(), "t").unwrap();
        assert_eq!(version(&c), SCHEMA_VERSION + 2);
        c.execute(
            "INSERT INTO people (name, email, created_at, updated_at, updated_by) VALUES ('a', 'a@x', '', '', '')",
            [],
        )
        .unwrap();
        // Running again is a no-op.
        migrate(&mut c, &steps, SCHEMA_VERSION + 2, &crate::clock::Clock::system(), "t").unwrap();
    }

    #[test]
    fn failing_step_changes_nothing() {
        let mut c = v1();
        let steps = [
            Migration {
                to: SCHEMA_VERSION + 1,
                sql: "ALTER TABLE people ADD COLUMN email TEXT;",
                then: None,
            },
            Migration {
                to: SCHEMA_VERSION + 2,
                sql: "THIS IS NOT SQL;",
                then: None,
            },
        ];
        let e = migrate(&mut c, &steps, SCHEMA_VERSION + 2, &crate::clock::Clock::system(), "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("nothing was changed"), "{e}");
        assert_eq!(version(&c), SCHEMA_VERSION);
        let cols: i64 = c
            .query_row(
                "SELECT count(*) FROM pragma_table_info('people') WHERE name = 'email'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(cols, 0, "the first step must have been rolled back");
    }

    #[test]
    fn missing_step_is_an_error() {
        let mut c = v1();
        let e = migrate(&mut c, &[], SCHEMA_VERSION + 1, &crate::clock::Clock::system(), "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no migration path"), "{e}");
        assert_eq!(version(&c), SCHEMA_VERSION);
    }
}
