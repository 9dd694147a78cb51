-- lastmile schema, version 8.
--
-- This file is the canonical schema: lastmile embeds it and applies it to a
-- new database file, then sets PRAGMA user_version. Later versions add
-- migration steps in src/store/migrate.rs; each runs in one transaction.
--
-- Conventions
--   * Every mutable row carries `revision` (starts at 1, +1 on each change):
--     an edit names the revision it was made against, so two terminals can
--     never silently overwrite each other.
--   * Times are UTC RFC 3339 text; calendar dates are YYYY-MM-DD text.
--   * `scores`, `decisions`, `decision_criteria`, `decision_notices` and
--     `audit_events` are append-only (triggers refuse UPDATE and DELETE).
--   * `decisions` and `audit_events` are hash-chained: `hash` is SHA-256 over
--     the row's content and the previous row's hash (`lastmile verify`).
--   * v3: every row's content is pinned by the audit chain: the event that
--     creates a row carries a digest of it, and every later change is an
--     event with the old and new value, so `verify` can replay the trail
--     and name the first row that differs from it.
--   * v4: a checklist item's wording is stored once per distinct wording
--     (`checklist_texts`), not once per pilot; `checklist_items` is a view
--     with the same columns as before, over `checklist_rows`.
--   * v7: a long import adds its pilots in short transactions, staged
--     (`staged_pilots`, `staged_people`): every reader leaves staged rows
--     out until the import publishes them all in one short transaction, or
--     removes them all if it fails (all or nothing, without holding the
--     write lock for the whole import).
--   * v8: the checklist's rows have one index besides their ids, (pilot,
--     position): the lists of open items by due day come from the
--     trigger-kept summary (`pilot_stats.open_due`), which names the
--     pilots to read, so adding a pilot writes two b-trees per item, not
--     four.

CREATE TABLE programme (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT    NOT NULL,
    start_date  TEXT    NOT NULL,            -- day 1 of the 90 days
    revision    INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL
);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    title       TEXT    NOT NULL DEFAULT '',
    revision    INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL
);

-- The capability inventory.
CREATE TABLE pilots (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    business_unit         TEXT    NOT NULL DEFAULT '',
    sector                TEXT    NOT NULL
        CHECK (sector <> '') /* a key of the playbook's sectors (v6: was four fixed ones) */,
    business_case         TEXT    NOT NULL DEFAULT '',
    data_sources          TEXT    NOT NULL DEFAULT '',
    model_class           TEXT    NOT NULL DEFAULT '',
    integration_footprint TEXT    NOT NULL DEFAULT '',
    governance_posture    TEXT    NOT NULL DEFAULT '',
    status                TEXT    NOT NULL DEFAULT 'active'
        CHECK (status IN ('proposed', 'active', 'paused', 'production', 'stopped')),
    phase                 TEXT    NOT NULL DEFAULT 'assessment'
        CHECK (phase IN ('assessment', 'scaffolding', 'hardening')),
    revision              INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    updated_by            TEXT    NOT NULL,
    -- on the programme's shortlist (a criterion of the Assessment gate); v2
    shortlisted           INTEGER NOT NULL DEFAULT 0 CHECK (shortlisted IN (0, 1))
);
CREATE INDEX pilots_phase ON pilots (phase);

-- The four named operational owners of a pilot.
CREATE TABLE owners (
    pilot_id    INTEGER NOT NULL REFERENCES pilots (id) ON DELETE CASCADE,
    role        TEXT    NOT NULL
        CHECK (role IN ('product', 'platform', 'governance', 'business')),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    revision    INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL,
    PRIMARY KEY (pilot_id, role)
) WITHOUT ROWID;
CREATE INDEX owners_person ON owners (person_id);

-- Decision rights (000, 004): for each right the playbook lists, the one
-- person who holds it for this pilot and the threshold or condition under
-- which they use it. Changes are audit events (entity 'right').
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

-- The one-number scorecard of a pilot (v6, seed 001): which of its
-- metrics it is. Changes are audit events (entity 'scorecard') whose
-- digest pins the metric.
CREATE TABLE scorecards (
    pilot_id    INTEGER PRIMARY KEY REFERENCES pilots (id) ON DELETE CASCADE,
    metric_id   INTEGER NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL
);

-- A pilot's vendor (v6, seed 000): the vendor's name, or built in-house
-- with the reason no vendor ask applies (exactly one of the two). Changes
-- are audit events (entity 'vendor') whose digest pins both.
CREATE TABLE pilot_vendors (
    pilot_id        INTEGER PRIMARY KEY REFERENCES pilots (id) ON DELETE CASCADE,
    vendor          TEXT    NOT NULL DEFAULT '',
    in_house_reason TEXT    NOT NULL DEFAULT '',
    revision        INTEGER NOT NULL DEFAULT 1,
    updated_at      TEXT    NOT NULL,
    updated_by      TEXT    NOT NULL,
    CHECK ((trim(vendor) <> '') <> (trim(in_house_reason) <> ''))
);

-- What a pilot's vendor handed over before signing (v6): per ask the
-- playbook lists, the evidence. Changes are audit events (entity
-- 'vendor-ask', field the ask's key) whose digest pins the evidence.
CREATE TABLE vendor_asks (
    pilot_id    INTEGER NOT NULL REFERENCES pilots (id) ON DELETE CASCADE,
    ask_key     TEXT    NOT NULL CHECK (ask_key <> ''),
    evidence    TEXT    NOT NULL CHECK (trim(evidence) <> ''),
    revision    INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL,
    PRIMARY KEY (pilot_id, ask_key)
) WITHOUT ROWID;

-- The programme checklist (v6): the playbook's items with scope =
-- "programme", done once for the whole portfolio ("list every AI pilot",
-- "pick the three"), not once per pilot. Every event on a row (entity
-- 'programme-item') carries a digest of the whole row as it left it.
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

-- Checklist items, instantiated from the playbook when a pilot is created.
-- What the playbook said of an item (its key, phase, section, wording and
-- whether it gates its phase) is kept once per distinct wording, so the
-- record of what each pilot's item said when it was created survives a
-- changed playbook without repeating the text for every pilot.
CREATE TABLE checklist_texts (
    id          INTEGER PRIMARY KEY,
    item_key    TEXT    NOT NULL,            -- the playbook's key for the item
    phase       TEXT    NOT NULL
        CHECK (phase IN ('assessment', 'scaffolding', 'hardening')),
    section     TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    gate        INTEGER NOT NULL DEFAULT 0 CHECK (gate IN (0, 1)),
    UNIQUE (item_key, phase, section, text, gate)
);

-- One row per pilot and item: what changes as the work is done.
CREATE TABLE checklist_rows (
    id          INTEGER PRIMARY KEY,
    pilot_id    INTEGER NOT NULL REFERENCES pilots (id) ON DELETE CASCADE,
    text_id     INTEGER NOT NULL REFERENCES checklist_texts (id),
    position    INTEGER NOT NULL,            -- order within the pilot's checklist
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

-- Checklist items as lastmile reads them (and as they were stored before v4).
CREATE VIEW checklist_items AS
SELECT r.id, r.pilot_id, t.item_key, t.phase, t.section, r.position, t.text, t.gate, r.state,
       r.owner_id, r.due_day, r.note, r.revision, r.updated_at, r.updated_by, r.text_id
FROM checklist_rows r JOIN checklist_texts t ON t.id = r.text_id;

-- Rubric answers, append-only: the latest row per (pilot, rubric, question)
-- is the current answer, earlier rows are the history. The four-dimension
-- readiness rubric is rubric 'readiness' (questions data, governance,
-- integration, ownership; answers red, yellow, green); problem selection is
-- rubric 'selection' (five criteria, answers 1-5). Organisations may declare
-- more rubrics in their playbook file.
CREATE TABLE scores (
    id          INTEGER PRIMARY KEY,
    pilot_id    INTEGER NOT NULL REFERENCES pilots (id),
    rubric      TEXT    NOT NULL,
    question    TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    rationale   TEXT    NOT NULL DEFAULT '',
    scorer      TEXT    NOT NULL,
    scored_at   TEXT    NOT NULL
);
CREATE INDEX scores_current ON scores (pilot_id, rubric, question, id);

-- Evaluation metrics: four categories, three levels, baseline and current.
CREATE TABLE metrics (
    id               INTEGER PRIMARY KEY,
    pilot_id         INTEGER NOT NULL REFERENCES pilots (id) ON DELETE CASCADE,
    category         TEXT    NOT NULL
        CHECK (category <> '') /* a key of the playbook's metric categories (v6: was four fixed ones) */,
    name             TEXT    NOT NULL,
    unit             TEXT    NOT NULL DEFAULT '',
    higher_is_better INTEGER NOT NULL DEFAULT 1 CHECK (higher_is_better IN (0, 1)),
    baseline         REAL,
    minimum          REAL,                  -- minimum viable
    target           REAL,
    stretch          REAL,
    current          REAL,
    revision         INTEGER NOT NULL DEFAULT 1,
    updated_at       TEXT    NOT NULL,
    updated_by       TEXT    NOT NULL,
    UNIQUE (pilot_id, name)
);

-- Decisions, append-only and hash-chained. A decision is superseded by the
-- next decision recorded for the same pilot (see the decision_log view).
CREATE TABLE decisions (
    id              INTEGER PRIMARY KEY,
    pilot_id        INTEGER NOT NULL REFERENCES pilots (id),
    outcome         TEXT    NOT NULL CHECK (outcome IN ('go', 'no-go', 'pivot', 'defer')),
    rationale       TEXT    NOT NULL,
    decided_by      INTEGER NOT NULL REFERENCES people (id),
    decided_on      TEXT    NOT NULL,        -- YYYY-MM-DD
    stop_conditions TEXT    NOT NULL DEFAULT '',
    communicated    INTEGER NOT NULL DEFAULT 0 CHECK (communicated IN (0, 1)),
    recorded_at     TEXT    NOT NULL,
    recorded_by     TEXT    NOT NULL,
    prev_hash       TEXT    NOT NULL,
    hash            TEXT    NOT NULL UNIQUE,
    -- v2: the gate decided (the phase it ends; NULL for decisions recorded
    -- before gates existed), a go's written override of unmet must-meet
    -- criteria, a pivot's phase, a defer's review date, and whether the
    -- decision-maker was one of the pilot's owners.
    gate            TEXT    CHECK (gate IN ('assessment', 'scaffolding', 'hardening')),
    override        TEXT    NOT NULL DEFAULT '',
    pivot_to        TEXT    CHECK (pivot_to IN ('assessment', 'scaffolding', 'hardening')),
    review_on       TEXT,
    maker_is_owner  INTEGER NOT NULL DEFAULT 0 CHECK (maker_is_owner IN (0, 1)),
    -- v3: the pilot's and the decision-maker's names as they were when the
    -- decision was recorded (hashed with it; NULL for older decisions,
    -- which show the names of today)
    pilot_name      TEXT,
    decided_by_name TEXT
);
CREATE INDEX decisions_pilot ON decisions (pilot_id, id);

CREATE TABLE decision_criteria (
    decision_id INTEGER NOT NULL REFERENCES decisions (id),
    position    INTEGER NOT NULL,
    criterion   TEXT    NOT NULL,
    met         INTEGER NOT NULL CHECK (met IN (0, 1)),
    -- v2: 'must' or 'should' for a gate's criterion, '' for one added by hand
    need        TEXT    NOT NULL DEFAULT '' CHECK (need IN ('', 'must', 'should')),
    PRIMARY KEY (decision_id, position)
) WITHOUT ROWID;

-- A decision recorded as not yet communicated is marked communicated later
-- by appending a notice; the decision row itself never changes.
CREATE TABLE decision_notices (
    decision_id     INTEGER PRIMARY KEY REFERENCES decisions (id),
    communicated_at TEXT    NOT NULL,
    communicated_by TEXT    NOT NULL
);

-- Which file this is: a random identity made when the file is created and
-- given anew to every backup and restored copy, so a running lastmile
-- notices when another file is put in place of the one it opened, even
-- over the same inode. Not user data: not audited.
CREATE TABLE file_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    file_uuid   TEXT    NOT NULL
);

-- v7: an import in progress, adding its rows in short transactions.
-- Rows it added are listed below and left out by every reader until the
-- import publishes them (deletes its lists) or fails (deletes its rows).
CREATE TABLE staging_runs (
    id          INTEGER PRIMARY KEY,
    pid         INTEGER NOT NULL,            -- the process importing
    actor       TEXT    NOT NULL,
    what        TEXT    NOT NULL,            -- "an import of 3000 rows from pilots.csv"
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

-- Every change: who, when, what, before and after. Hash-chained.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    entity      TEXT    NOT NULL,            -- pilot, person, owner, item, score, metric, decision, programme
    entity_id   INTEGER NOT NULL,
    pilot_id    INTEGER,                     -- the pilot concerned, when there is one
    field       TEXT    NOT NULL,            -- a column name, or 'created'
    old_value   TEXT,
    new_value   TEXT,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    -- v3: for an event that creates rows, a digest of their content
    digest      TEXT
);
CREATE INDEX audit_pilot ON audit_events (pilot_id, id);

CREATE TRIGGER scores_append_only_update BEFORE UPDATE ON scores
BEGIN SELECT RAISE(ABORT, 'scores are append-only'); END;
CREATE TRIGGER scores_append_only_delete BEFORE DELETE ON scores
BEGIN SELECT RAISE(ABORT, 'scores are append-only'); END;
CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER criteria_append_only_update BEFORE UPDATE ON decision_criteria
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER criteria_append_only_delete BEFORE DELETE ON decision_criteria
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER notices_append_only_update BEFORE UPDATE ON decision_notices
BEGIN SELECT RAISE(ABORT, 'decision notices are append-only'); END;
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

-- Per-pilot progress, kept current by the triggers below so that the
-- portfolio reads one row per pilot instead of scanning every checklist
-- item and score. Derived data only: lastmile rebuilds a pilot's row from
-- checklist_items when the pilot is created. The portfolio joins only
-- pilots, pilot_stats, owners and decisions: the next item due is copied
-- here because looking it up in checklist_items, the largest table, costs
-- one page read per pilot.
CREATE TABLE pilot_stats (
    pilot_id     INTEGER PRIMARY KEY REFERENCES pilots (id) ON DELETE CASCADE,
    items_total  INTEGER NOT NULL DEFAULT 0,
    items_done   INTEGER NOT NULL DEFAULT 0,
    open_gates   INTEGER NOT NULL DEFAULT 0,
    -- 90 characters, one per programme day: char(48 + n) where n is the
    -- number of open items due that day ('0' = none).
    open_due     TEXT    NOT NULL,
    next_item_id INTEGER,                         -- the open item due first,
    next_due_day INTEGER,                         -- its due day
    next_text    TEXT,                            -- and its text (so the portfolio never reads checklist_items)
    dims         TEXT    NOT NULL DEFAULT '----', -- current data/governance/integration/ownership: R, Y, G or -
    dims_oldest  TEXT,                            -- scored_at of the oldest current dimension rating
    selection    TEXT    NOT NULL DEFAULT '-----', -- current impact/data/feasibility/team/path: 1-5 or -
    -- v2: per item phase (assessment, scaffolding, hardening), char(48 + n)
    -- where n gating items are not met (met: done or not applicable, with
    -- a note as the evidence or the reason)
    gates_unmet  TEXT    NOT NULL DEFAULT '000'
);

CREATE TRIGGER pilot_stats_new AFTER INSERT ON pilots
BEGIN INSERT INTO pilot_stats (pilot_id, open_due) VALUES (NEW.id, hex(zeroblob(45))); END;

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

-- The oldest current rating's date: a new answer replaces its question's
-- previous one; unless that one held the oldest date, the oldest is the
-- earlier of it and the new answer's (one lookup), else it is found again
-- from the current answers. ('~' sorts after every stored time.)
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

CREATE TRIGGER pilot_stats_selection AFTER INSERT ON scores WHEN NEW.rubric = 'selection'
BEGIN
    UPDATE pilot_stats
    SET selection = CASE NEW.question
            WHEN 'impact' THEN substr(NEW.answer, 1, 1) || substr(selection, 2)
            WHEN 'data' THEN substr(selection, 1, 1) || substr(NEW.answer, 1, 1) || substr(selection, 3)
            WHEN 'feasibility' THEN substr(selection, 1, 2) || substr(NEW.answer, 1, 1) || substr(selection, 4)
            WHEN 'team' THEN substr(selection, 1, 3) || substr(NEW.answer, 1, 1) || substr(selection, 5)
            WHEN 'path' THEN substr(selection, 1, 4) || substr(NEW.answer, 1, 1)
            ELSE selection END
    WHERE pilot_id = NEW.pilot_id;
END;

-- Views for reading by hand (sqlite3 FILE) and for the exports.
CREATE VIEW current_scores AS
SELECT s.*
FROM scores s
WHERE s.id = (SELECT MAX(id) FROM scores t
              WHERE t.pilot_id = s.pilot_id AND t.rubric = s.rubric AND t.question = s.question);

CREATE VIEW readiness_scores AS
SELECT p.name AS pilot, s.question AS dimension, s.answer AS rating,
       s.rationale, s.scorer, s.scored_at
FROM scores s JOIN pilots p ON p.id = s.pilot_id
WHERE s.rubric = 'readiness';

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
