//! Property tests.
//!
//! * Random sequences of domain operations through the store (score,
//!   assign and unassign owners, set item states, record decisions, move
//!   phases, some against stale revisions): after every step the readiness
//!   verdict the store reports (`pilot_row().verdict`, the portfolio row,
//!   `assess(store.facts())` and `verdict(facts)`) equals the documented
//!   rule recomputed here from raw table reads; a revision never goes
//!   backwards and never names two different contents; refused edits change
//!   nothing; the audit and decision hash chains always verify, and every
//!   table matches the audit trail.
//! * Untrusted text: `sanitize`, `truncate`, `validate_name` and
//!   `clean_text` never panic and never let a control character through.
//! * Bounded fuzzing on the stable toolchain: arbitrary and mutated input
//!   for the playbook parser and the CSV importer, the same bodies the
//!   cargo-fuzz targets in `fuzz/` run (`scripts/fuzz.sh`).

#[path = "support/fuzz_bodies.rs"]
mod fuzz_bodies;

use lastmile::domain::model::{Criterion, Dimension, ItemState, NewDecision, Outcome, Phase, PilotFields, Rag, Role};
use lastmile::domain::readiness::Verdict;
use lastmile::playbook::{Playbook, DEFAULT_PLAYBOOK, READINESS_RUBRIC};
use lastmile::store::{verify_chains, Store};
use lastmile::text::{clean_text, sanitize, truncate, validate_name, width};
use lastmile::Error;
use proptest::prelude::*;
use std::collections::HashMap;

/// Cases per property: the default given, or `PROPTEST_CASES` for a
/// longer run (`PROPTEST_CASES=20000 cargo test --release --test properties`).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const PILOTS: usize = 2;
const PEOPLE: usize = 3;

#[derive(Debug, Clone)]
enum Op {
    Score {
        pilot: usize,
        dim: usize,
        rag: usize,
    },
    Assign {
        pilot: usize,
        role: usize,
        person: usize,
        stale: bool,
    },
    Unassign {
        pilot: usize,
        role: usize,
        stale: bool,
    },
    SetItem {
        pilot: usize,
        item: usize,
        gate: bool,
        state: usize,
        stale: bool,
    },
    CloseGates {
        pilot: usize,
        na: bool,
    },
    Due {
        pilot: usize,
        item: usize,
        day: i64,
    },
    Decide {
        pilot: usize,
        outcome: usize,
        person: usize,
    },
    Move {
        pilot: usize,
        phase: usize,
        stale: bool,
    },
    Day(i64),
}

fn op() -> impl Strategy<Value = Op> {
    let p = 0..PILOTS;
    prop_oneof![
        4 => (p.clone(), 0..4usize, prop_oneof![1 => 0..2usize, 3 => Just(2usize)])
            .prop_map(|(pilot, dim, rag)| Op::Score { pilot, dim, rag }),
        3 => (p.clone(), 0..4usize, 0..PEOPLE, prop::bool::weighted(0.2))
            .prop_map(|(pilot, role, person, stale)| Op::Assign { pilot, role, person, stale }),
        1 => (p.clone(), 0..4usize, prop::bool::weighted(0.2))
            .prop_map(|(pilot, role, stale)| Op::Unassign { pilot, role, stale }),
        4 => (p.clone(), 0..64usize, any::<bool>(), 0..5usize, prop::bool::weighted(0.15))
            .prop_map(|(pilot, item, gate, state, stale)| Op::SetItem { pilot, item, gate, state, stale }),
        1 => (p.clone(), any::<bool>()).prop_map(|(pilot, na)| Op::CloseGates { pilot, na }),
        2 => (p.clone(), 0..64usize, 1..=90i64).prop_map(|(pilot, item, day)| Op::Due { pilot, item, day }),
        1 => (p.clone(), 0..4usize, 0..PEOPLE).prop_map(|(pilot, outcome, person)| Op::Decide { pilot, outcome, person }),
        2 => (p.clone(), 0..3usize, prop::bool::weighted(0.2)).prop_map(|(pilot, phase, stale)| Op::Move { pilot, phase, stale }),
        1 => (1..=95i64).prop_map(Op::Day),
    ]
}

/// Every open item due in `from..before` on an active pilot, in the
/// Attention screen's order, read row by row from the checklist.
fn open_items_from_raw_reads(s: &Store, from: i64, before: i64) -> Vec<i64> {
    s.conn()
        .prepare(
            "SELECT r.id FROM checklist_rows r JOIN pilots p ON p.id = r.pilot_id
             WHERE r.state IN ('todo', 'doing', 'blocked') AND r.due_day >= ?1 AND r.due_day < ?2
               AND p.status NOT IN ('stopped', 'production')
             ORDER BY r.due_day, p.name COLLATE NOCASE, r.position",
        )
        .unwrap()
        .query_map([from, before], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The readiness rule as documented (README; `domain/readiness.rs`),
/// recomputed from raw table reads, for a playbook whose only gating
/// rubric is the four-dimension readiness rubric.
/// The default playbook's gates recomputed here from raw table reads,
/// apart from the domain code: the verdict at the pilot's current gate
/// (`None` once stopped or in production).
fn rule_from_raw_reads(s: &Store, pilot: i64, day: i64) -> Option<Verdict> {
    let c = s.conn();
    let n = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> i64 { c.query_row(sql, p, |r| r.get(0)).unwrap() };
    let (phase, status, shortlisted): (String, String, bool) = c
        .query_row(
            "SELECT phase, status, shortlisted FROM pilots WHERE id = ?1",
            [pilot],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    if status == "stopped" || status == "production" {
        return None;
    }
    let gate = ["assessment", "scaffolding", "hardening"]
        .iter()
        .position(|p| *p == phase)
        .unwrap() as i64;
    let today = s.today();
    let fresh_after = (today - chrono::Duration::days(30)).to_string();
    let rank = "CASE answer WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'green' THEN 2 END";
    // Dimensions scored, at least `min` (0 red, 1 yellow, 2 green), within 30 days.
    let dims_ok = |min: i64| {
        n(
            &format!(
                "SELECT count(*) FROM scores s WHERE pilot_id = ?1 AND rubric = 'readiness'
                 AND id = (SELECT MAX(id) FROM scores t WHERE t.pilot_id = s.pilot_id AND t.rubric = 'readiness' AND t.question = s.question)
                 AND {rank} >= ?2 AND substr(scored_at, 1, 10) >= ?3"
            ),
            &[&pilot, &min, &fresh_after],
        ) == 4
    };
    let met = "state IN ('done', 'na') AND note <> ''";
    let items_ok = n(
        &format!(
            "SELECT count(*) FROM checklist_items WHERE pilot_id = ?1 AND gate = 1 AND NOT ({met})
             AND (CASE phase WHEN 'assessment' THEN 0 WHEN 'scaffolding' THEN 1 ELSE 2 END) <= ?2"
        ),
        &[&pilot, &gate],
    ) == 0;
    let owners_ok = n("SELECT count(DISTINCT role) FROM owners WHERE pilot_id = ?1", &[&pilot]) == 4
        && n(
            "SELECT count(DISTINCT person_id) FROM owners WHERE pilot_id = ?1",
            &[&pilot],
        ) == 4;
    let scorecard = n(
        "SELECT count(*) FROM metrics WHERE pilot_id = ?1 AND baseline IS NOT NULL AND target IS NOT NULL",
        &[&pilot],
    ) > 0;
    let metrics_ok = n(
        "SELECT count(DISTINCT category) FROM metrics WHERE pilot_id = ?1",
        &[&pilot],
    ) == 4
        && n(
            "SELECT count(*) FROM metrics WHERE pilot_id = ?1 AND (current IS NULL OR minimum IS NULL
             OR (higher_is_better = 1 AND current < minimum) OR (higher_is_better = 0 AND current > minimum))",
            &[&pilot],
        ) == 0;
    let selection_ok = n(
        "SELECT count(*) FROM scores s WHERE pilot_id = ?1 AND rubric = 'selection'
         AND id = (SELECT MAX(id) FROM scores t WHERE t.pilot_id = s.pilot_id AND t.rubric = 'selection' AND t.question = s.question)
         AND CAST(answer AS INTEGER) >= 3",
        &[&pilot],
    ) == 5;
    // Overdue: open items due during the current phase's days (1-30,
    // 31-60, 61-90) before today.
    let (first, last) = [(1, 30), (31, 60), (61, 90)][gate as usize];
    let overdue = n(
        "SELECT count(*) FROM checklist_items WHERE pilot_id = ?1 AND due_day BETWEEN ?2 AND ?3 AND due_day < ?4
         AND state IN ('todo', 'doing', 'blocked')",
        &[&pilot, &first, &last, &day],
    ) > 0;
    let (must, should) = match gate {
        0 => (items_ok && dims_ok(0) && selection_ok && scorecard, shortlisted),
        1 => (items_ok && dims_ok(1) && owners_ok, dims_ok(2) && metrics_ok),
        _ => (items_ok && dims_ok(2) && owners_ok && metrics_ok && scorecard, true),
    };
    Some(if !must {
        Verdict::NotReady
    } else if !should || overdue {
        Verdict::AtRisk
    } else {
        Verdict::Ready
    })
}

/// What a revision was seen to name, per row.
#[derive(Default)]
struct Revisions(HashMap<String, (i64, String)>);

impl Revisions {
    /// A row at `rev` holding `content`: revisions never go back, and one
    /// revision never names two different contents (else an edit made
    /// against it could silently overwrite a change its author never saw).
    fn observe(&mut self, key: String, rev: i64, content: String) {
        if let Some((old_rev, old_content)) = self.0.get(&key) {
            assert!(rev >= *old_rev, "{key}: revision went back from {old_rev} to {rev}");
            assert!(
                rev > *old_rev || content == *old_content,
                "{key}: revision {rev} named '{old_content}' and now names '{content}'"
            );
        }
        self.0.insert(key, (rev, content));
    }
}

struct World {
    store: Store,
    playbook: Playbook,
    pilots: Vec<i64>,
    people: Vec<i64>,
    day: i64,
    revisions: Revisions,
}

impl World {
    fn new() -> World {
        let playbook = Playbook::builtin();
        assert!(
            playbook
                .rubrics
                .iter()
                .all(|r| !r.gates_readiness || r.key == READINESS_RUBRIC),
            "rule_from_raw_reads assumes readiness is the only gating rubric"
        );
        let mut store = Store::open_in_memory("prop").unwrap();
        let items = playbook.items();
        let (pilots, people) = store
            .write(|tx| {
                let pilots = (0..PILOTS)
                    .map(|i| {
                        tx.add_pilot(
                            &PilotFields {
                                name: format!("Pilot {i}"),
                                ..Default::default()
                            },
                            &items,
                        )
                    })
                    .collect::<lastmile::Result<Vec<_>>>()?;
                let people = (0..PEOPLE)
                    .map(|i| tx.add_person(&format!("Person {i}"), ""))
                    .collect::<lastmile::Result<Vec<_>>>()?;
                Ok((pilots, people))
            })
            .unwrap();
        World {
            store,
            playbook,
            pilots,
            people,
            day: 1,
            revisions: Revisions::default(),
        }
    }

    fn audit_count(&self) -> i64 {
        self.store
            .conn()
            .query_row("SELECT count(*) FROM audit_events", [], |r| r.get(0))
            .unwrap()
    }

    fn apply(&mut self, op: &Op) {
        let before = self.audit_count();
        let stale_expected;
        let result: lastmile::Result<()> = match *op {
            Op::Score { pilot, dim, rag } => {
                stale_expected = false;
                let r = self.playbook.rubric(READINESS_RUBRIC).unwrap().clone();
                let sc = self.playbook.scale_of(&r).clone();
                let pid = self.pilots[pilot];
                let (d, g) = (Dimension::ALL[dim].key(), Rag::ALL[rag].key());
                self.store
                    .write(|tx| tx.add_score(pid, &r, &sc, d, g, "because").map(|_| ()))
            }
            Op::Assign {
                pilot,
                role,
                person,
                stale,
            } => {
                let pid = self.pilots[pilot];
                let role = Role::ALL[role];
                let current = self.store.owners(pid).unwrap().into_iter().find(|o| o.role == role);
                let seen = match (&current, stale) {
                    (c, false) => c.as_ref().map(|o| o.revision),
                    (Some(o), true) => Some(o.revision + 1),
                    (None, true) => Some(1),
                };
                stale_expected = stale;
                let person = self.people[person];
                self.store.write(|tx| tx.assign_owner(pid, role, person, seen))
            }
            Op::Unassign { pilot, role, stale } => {
                let pid = self.pilots[pilot];
                let role = Role::ALL[role];
                let rev = self
                    .store
                    .owners(pid)
                    .unwrap()
                    .into_iter()
                    .find(|o| o.role == role)
                    .map_or(1, |o| o.revision);
                stale_expected = stale;
                self.store
                    .write(|tx| tx.unassign_owner(pid, role, if stale { rev + 1 } else { rev }))
            }
            Op::SetItem {
                pilot,
                item,
                gate,
                state,
                stale,
            } => {
                let items: Vec<_> = self
                    .store
                    .checklist(self.pilots[pilot])
                    .unwrap()
                    .into_iter()
                    .filter(|i| !gate || i.gate)
                    .collect();
                let it = &items[item % items.len()];
                stale_expected = stale;
                let rev = if stale { it.revision - 1 } else { it.revision };
                let (id, st) = (it.id, ItemState::ALL[state]);
                self.store.write(|tx| tx.set_item_state(id, rev, st))
            }
            Op::Due { pilot, item, day } => {
                stale_expected = false;
                let items = self.store.checklist(self.pilots[pilot]).unwrap();
                let it = &items[item % items.len()];
                let (id, rev) = (it.id, it.revision);
                self.store.write(|tx| tx.set_item_due(id, rev, day))
            }
            Op::CloseGates { pilot, na } => {
                stale_expected = false;
                let gates: Vec<_> = self
                    .store
                    .checklist(self.pilots[pilot])
                    .unwrap()
                    .into_iter()
                    .filter(|i| i.gate)
                    .collect();
                let st = if na { ItemState::Na } else { ItemState::Done };
                self.store.write(|tx| {
                    for g in &gates {
                        // Evidence (or the reason) first, for some of them.
                        let mut rev = g.revision;
                        if g.note.is_empty() && g.id % 3 != 0 {
                            tx.set_item_note(g.id, rev, "checked")?;
                            rev += 1;
                        }
                        if g.state == ItemState::Na || (st == ItemState::Na && g.note.is_empty() && g.id % 3 == 0) {
                            continue;
                        }
                        tx.set_item_state(g.id, rev, st)?;
                    }
                    Ok(())
                })
            }
            Op::Decide { pilot, outcome, person } => {
                stale_expected = false;
                let d = NewDecision {
                    outcome: Some(Outcome::ALL[outcome]),
                    criteria: vec![Criterion {
                        criterion: "Evidence".into(),
                        met: outcome == 0,
                        need: None,
                    }],
                    rationale: "Reviewed".into(),
                    decided_by: self.people[person],
                    decided_on: "2026-03-02".into(),
                    review_on: if Outcome::ALL[outcome] == Outcome::Defer {
                        (self.store.today() + chrono::Duration::days(7)).to_string()
                    } else {
                        String::new()
                    },
                    ..Default::default()
                };
                let pid = self.pilots[pilot];
                let pb = self.playbook.clone();
                self.store.write(|tx| tx.record_decision(&pb, pid, &d).map(|_| ()))
            }
            Op::Move { pilot, phase, stale } => {
                let p = self.store.pilot(self.pilots[pilot]).unwrap();
                stale_expected = stale;
                let rev = if stale { p.revision - 1 } else { p.revision };
                self.store.write(|tx| tx.set_phase(p.id, rev, Phase::ALL[phase]))
            }
            Op::Day(d) => {
                stale_expected = false;
                self.day = d;
                // One clock: the store's today is programme day `d`.
                let start = self.store.programme().unwrap().start_date;
                self.store
                    .set_clock(lastmile::clock::Clock::fixed(start + chrono::Duration::days(d - 1)));
                Ok(())
            }
        };
        match result {
            Ok(()) => {}
            Err(Error::Conflict(c)) => {
                assert!(
                    stale_expected,
                    "{op:?}: refused although made against the current revision: {c:?}"
                );
                assert_eq!(self.audit_count(), before, "{op:?}: a refused edit changed something");
            }
            // The rules refuse some edits outright: "not applicable" with
            // no reason, a go past unmet must-meet criteria, a decision on
            // a pilot that has left the gates. Refused, nothing changes.
            Err(e @ Error::Invalid(_)) => {
                let m = e.to_string();
                assert!(
                    m.contains("only with a reason") || m.contains("is refused") || m.contains("left the gates"),
                    "{op:?}: {m}"
                );
                assert_eq!(self.audit_count(), before, "{op:?}: a refused edit changed something");
            }
            Err(e) => panic!("{op:?}: {e}"),
        }
    }

    fn check(&mut self) {
        let rows = self.store.portfolio(&self.playbook, self.day).unwrap();
        for (i, pid) in self.pilots.iter().copied().enumerate() {
            let expected = rule_from_raw_reads(&self.store, pid, self.day);
            let row = self.store.pilot_row(&self.playbook, self.day, pid).unwrap();
            assert_eq!(row.verdict, expected, "pilot_row verdict, day {}", self.day);
            assert_eq!(
                rows.iter().find(|r| r.id == pid).unwrap().verdict,
                expected,
                "portfolio verdict"
            );
            let j = self.store.judge(&self.playbook, pid).unwrap();
            assert_eq!(j.verdict(), expected, "judge()");
            assert_eq!(
                row.production, j.production.verdict,
                "production verdict, row and judge()"
            );

            let p = self.store.pilot(pid).unwrap();
            self.revisions
                .observe(format!("pilot {i}"), p.revision, p.phase.key().into());
            for it in self.store.checklist(pid).unwrap() {
                self.revisions
                    .observe(format!("item {}", it.id), it.revision, it.state.key().into());
            }
            for o in self.store.owners(pid).unwrap() {
                self.revisions.observe(
                    format!("pilot {i} {} owner", o.role.key()),
                    o.revision,
                    o.person.clone(),
                );
            }
        }
        // The open items by due day (the Attention screen) agree with a
        // plain read of every row, whatever the window and the limit.
        for (from, before) in [(i64::MIN, self.day), (self.day, self.day + 8), (1, 91)] {
            let want = open_items_from_raw_reads(&self.store, from, before);
            for limit in [0, 1, 7, 2000] {
                let (items, total) = self.store.open_items_due_between(from, before, limit).unwrap();
                assert_eq!(total, want.len() as u64, "total due in {from}..{before}");
                let got: Vec<i64> = items.iter().map(|(it, _)| it.id).collect();
                assert_eq!(
                    got,
                    want[..limit.min(want.len())],
                    "due in {from}..{before}, limit {limit}"
                );
            }
        }
        for chain in verify_chains(&self.store).unwrap() {
            assert!(chain.broken_at.is_none(), "{chain:?}");
        }
        // Whatever lastmile itself did, every table still holds what the
        // audit trail says: verify never cries wolf.
        assert_eq!(
            lastmile::store::check_state(&self.store, 5).unwrap(),
            Vec::<String>::new()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(48), max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn verdict_revisions_and_chains_hold_under_random_operations(ops in prop::collection::vec(op(), 1..60)) {
        let mut w = World::new();
        w.check();
        for op in &ops {
            w.apply(op);
            w.check();
        }
    }
}

/// The case that once broke "a revision names one content": an owner
/// removed and then re-assigned to someone else started again at revision
/// 1, so an edit made against the first owner's revision 1 went through
/// and silently replaced the second owner.
#[test]
fn owner_revision_is_not_reused_after_unassign() {
    let mut w = World::new();
    let (pid, role) = (w.pilots[0], Role::Product);
    let (a, b, c) = (w.people[0], w.people[1], w.people[2]);
    w.store.write(|tx| tx.assign_owner(pid, role, a, None)).unwrap();
    let seen_by_other_terminal = w.store.owners(pid).unwrap()[0].revision;
    w.store
        .write(|tx| tx.unassign_owner(pid, role, seen_by_other_terminal))
        .unwrap();
    w.store.write(|tx| tx.assign_owner(pid, role, b, None)).unwrap();
    let e = w
        .store
        .write(|tx| tx.assign_owner(pid, role, c, Some(seen_by_other_terminal)))
        .unwrap_err();
    assert!(matches!(e, Error::Conflict(_)), "{e}");
    assert!(e.to_string().contains("Person 1"), "{e}");
    assert_eq!(w.store.owners(pid).unwrap()[0].person_id, b);
}

// ---------------------------------------------------------------- text ---

/// Strings rich in what terminals and layouts trip over.
fn hostile_string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\u{1b}[2J".to_string()),
        Just("\u{1b}]0;title\u{7}".to_string()),
        Just("\u{9b}31m".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{2067}".to_string()),
        Just("e\u{301}".to_string()),
        Just("\u{301}".to_string()),
        Just("詐欺".to_string()),
        Just("🚀".to_string()),
        Just("👩‍💻".to_string()),
        Just("مرحبا".to_string()),
        Just("\r\n\t".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{7f}".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{200c}".to_string()),
        Just("\u{fe0f}".to_string()),
        Just("\u{a0}\u{2003} ".to_string()),
        Just("A\u{308}".to_string()),
        "[a-z ]{0,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn no_controls(s: &str, allow_newline: bool) -> bool {
    !s.chars().any(|c| {
        (c.is_control() && !(allow_newline && (c == '\n' || c == '\t')))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), ..ProptestConfig::default() })]

    #[test]
    fn sanitize_lets_no_control_through(s in hostile_string()) {
        prop_assert!(no_controls(&sanitize(&s), false));
        let kept = lastmile::text::sanitize_with(&s, true);
        prop_assert!(no_controls(&kept, true));
        prop_assert!(!kept.contains('\t'));
    }

    #[test]
    fn truncate_fits_and_keeps_a_prefix(s in hostile_string(), max in 0usize..40) {
        let clean = sanitize(&s);
        let t = truncate(&clean, max);
        prop_assert!(width(&t) <= max, "{t:?} is wider than {max}");
        let body = t.strip_suffix('…').unwrap_or(&t);
        prop_assert!(clean.starts_with(body));
        if width(&clean) <= max {
            prop_assert_eq!(t, clean);
        }
    }

    #[test]
    fn validated_names_and_cleaned_text_hold_no_controls(s in hostile_string()) {
        match validate_name("pilot", &s) {
            Ok(n) => {
                prop_assert!(no_controls(&n, false));
                prop_assert!(n.chars().count() <= lastmile::text::MAX_NAME_CHARS);
                prop_assert!(!n.is_empty() && n.trim() == n);
                // Cleaned once is clean: spaces collapsed, accents composed.
                prop_assert!(!n.contains("  "));
                prop_assert_eq!(validate_name("pilot", &n).unwrap(), n.clone());
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(!msg.contains('\n') && no_controls(&msg, false), "{msg:?}");
            }
        }
        let t = clean_text("note", &s).unwrap();
        prop_assert!(no_controls(&t, true));
    }
}

// ----------------------------------------------------- bounded fuzzing ---

/// An edit to the built-in playbook text: (where, how much to cut, what to
/// put there). Mutating a valid file reaches the validation rules, which
/// random text never gets past the TOML parser to.
fn mutation() -> impl Strategy<Value = (prop::sample::Index, usize, String)> {
    let insert = prop_oneof![
        Just(String::new()),
        Just("\n[[rubrics]]\nkey = \"readiness\"\n".to_string()),
        Just("\n[[phases]]\nkey = \"assessment\"\n".to_string()),
        Just("nan".to_string()),
        Just("-inf".to_string()),
        Just("1e308".to_string()),
        Just("-9223372036854775808".to_string()),
        Just("\"\"".to_string()),
        Just("[]".to_string()),
        Just("é".to_string()),
        "[ -~]{0,12}",
        any::<String>(),
    ];
    (any::<prop::sample::Index>(), 0usize..200, insert)
}

fn mutate(base: &str, edits: &[(prop::sample::Index, usize, String)]) -> Vec<u8> {
    let mut bytes = base.as_bytes().to_vec();
    for (at, cut, insert) in edits {
        let start = at.index(bytes.len() + 1);
        let end = (start + cut).min(bytes.len());
        bytes.splice(start..end, insert.bytes());
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn playbook_parser_survives_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..512)) {
        fuzz_bodies::playbook(&data);
    }

    #[test]
    fn playbook_parser_survives_arbitrary_text(s in "\\PC{0,300}") {
        fuzz_bodies::playbook(s.as_bytes());
    }

    #[test]
    fn playbook_parser_survives_mutated_builtin(edits in prop::collection::vec(mutation(), 1..4)) {
        fuzz_bodies::playbook(&mutate(DEFAULT_PLAYBOOK, &edits));
    }
}

#[test]
fn the_builtin_playbook_passes_the_fuzz_body() {
    fuzz_bodies::playbook(DEFAULT_PLAYBOOK.as_bytes());
}

/// Seed files for the CSV importer: the import tests' fixtures.
fn csv_seeds() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| std::fs::read(e.ok()?.path()).ok()).collect())
        .unwrap_or_default();
    seeds.push(b"name,sector\nClaims triage,healthcare\n\"Quoted, name\",enterprise\n".to_vec());
    seeds.sort();
    seeds
}

#[test]
fn csv_import_seeds_pass_the_fuzz_body() {
    for seed in csv_seeds() {
        fuzz_bodies::csv_import(&seed);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(128), ..ProptestConfig::default() })]

    #[test]
    fn csv_import_survives_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..400)) {
        fuzz_bodies::csv_import(&data);
    }

    #[test]
    fn csv_import_survives_hostile_cells(rows in prop::collection::vec(prop::collection::vec(hostile_string(), 1..5), 0..6)) {
        let mut text = String::from("name,sector,business unit,business case\n");
        for r in rows {
            let cells: Vec<String> = r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        fuzz_bodies::csv_import(text.as_bytes());
    }

    #[test]
    fn csv_import_survives_mutated_fixtures(pick in any::<prop::sample::Index>(), edits in prop::collection::vec(mutation(), 1..4)) {
        let seeds = csv_seeds();
        let base = String::from_utf8_lossy(&seeds[pick.index(seeds.len())]).into_owned();
        fuzz_bodies::csv_import(&mutate(&base, &edits));
    }
}
