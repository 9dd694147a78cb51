//! A deterministic synthetic portfolio of any size, for scale tests and
//! benchmarks: the same `(n, seed)` always gives the same pilots, scores,
//! owners, checklist states, metrics and decisions (only the timestamps
//! of the load itself differ).

use super::{backdate, demo_start, ensure_empty, DemoSummary};
use crate::domain::model::{
    Criterion, ItemState, MetricCategory, MetricFields, NewDecision, Outcome, Phase, PilotFields, Rag, Role, Sector,
    Status,
};
use crate::playbook::{Playbook, READINESS_RUBRIC, SELECTION_QUESTIONS, SELECTION_RUBRIC};
use crate::store::Store;
use crate::Result;
use chrono::NaiveDate;

/// SplitMix64: small, fast, and stable across platforms and versions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Ada", "Bea", "Cai", "Dana", "Eli", "Femi", "Gus", "Hana", "Ivo", "Jia", "Kit", "Lena", "Malo", "Nia", "Omar",
    "Pia", "Quin", "Rui", "Sana", "Theo",
];
const LAST: &[&str] = &[
    "Abe", "Brandt", "Costa", "Dube", "Ekström", "Fox", "Gill", "Hale", "Ito", "Jovic",
];
const TOPICS: &[&str] = &[
    "claims",
    "invoice",
    "contract",
    "ticket",
    "fraud",
    "churn",
    "demand",
    "triage",
    "summary",
    "search",
    "coding",
    "onboarding",
    "pricing",
    "routing",
    "forecast",
    "review",
];
const KINDS: &[&str] = &[
    "assistant",
    "classifier",
    "copilot",
    "agent",
    "extractor",
    "scorer",
    "recommender",
    "summariser",
];
const UNITS: &[&str] = &[
    "Operations",
    "Finance",
    "Legal",
    "HR",
    "Sales",
    "Risk",
    "IT",
    "Customer Care",
    "Supply Chain",
];
const OUTCOMES: &[Outcome] = &[Outcome::Go, Outcome::NoGo, Outcome::Pivot, Outcome::Defer];

/// Build `n` pilots from `seed` into an empty database, in one transaction.
pub fn load_synthetic(
    store: &mut Store,
    playbook: &Playbook,
    today: NaiveDate,
    n: usize,
    seed: u64,
) -> Result<DemoSummary> {
    ensure_empty(store)?;
    let start = demo_start(today);
    let items = playbook.items();
    let readiness = playbook.find_rubric(READINESS_RUBRIC)?.clone();
    let rag = playbook.scale_of(&readiness).clone();
    let selection = playbook.find_rubric(SELECTION_RUBRIC)?.clone();
    let sel_scale = playbook.scale_of(&selection).clone();
    let dims: Vec<String> = readiness.questions().map(|q| q.key.clone()).collect();
    let mut rng = Rng(seed);
    let people_n = (n / 20).clamp(8, 400);
    let mut decisions = 0;
    let programme_rev = store.programme()?.revision;
    store.write_bulk(|tx| {
        backdate(tx, today, 50);
        tx.set_programme(
            &format!("Synthetic portfolio ({n} pilots, seed {seed})"),
            start,
            programme_rev,
        )?;
        let mut people = Vec::with_capacity(people_n);
        for i in 0..people_n {
            let name = format!(
                "{} {} {}",
                FIRST[i % FIRST.len()],
                LAST[(i / FIRST.len()) % LAST.len()],
                i + 1
            );
            people.push(tx.add_person(&name, "")?);
        }
        super::programme_work(tx, playbook, today, people[0], n)?;
        // Names are checked against a set built once, not a scan per pilot.
        let mut names = tx.pilot_name_keys()?;
        for i in 0..n {
            backdate(tx, today, 44);
            let phase = *rng.pick(Phase::ALL);
            let sector = Sector::new(&rng.pick(&playbook.sectors).key);
            let name = format!("{} {} {:05}", rng.pick(TOPICS), rng.pick(KINDS), i + 1);
            // Checklist progress: earlier phases mostly closed, the current
            // one partly, later ones open.
            let done_share = rng.below(11);
            let states: Vec<ItemState> = items
                .iter()
                .map(|t| {
                    if t.phase < phase {
                        if rng.below(10) == 0 {
                            ItemState::Todo
                        } else {
                            ItemState::Done
                        }
                    } else if t.phase == phase && rng.below(10) < done_share {
                        ItemState::Done
                    } else if t.phase == phase && rng.below(12) == 0 {
                        ItemState::Blocked
                    } else {
                        ItemState::Todo
                    }
                })
                .collect();
            let id = tx.add_pilot_bulk(
                &PilotFields {
                    name,
                    business_unit: (*rng.pick(UNITS)).into(),
                    sector: Some(sector),
                    business_case: "Synthetic pilot for scale testing".into(),
                    status: Some(if rng.below(10) == 0 {
                        Status::Proposed
                    } else {
                        Status::Active
                    }),
                    ..Default::default()
                },
                &items,
                &states,
                &mut names,
            )?;
            if phase != Phase::Assessment {
                tx.set_phase(id, 1, phase)?;
            }
            backdate(tx, today, 40);
            for q in SELECTION_QUESTIONS {
                tx.add_score(
                    id,
                    &selection,
                    &sel_scale,
                    q,
                    &(1 + rng.below(5)).to_string(),
                    "synthetic",
                )?;
            }
            // A few score changes per dimension.
            for (k, dim) in dims.iter().enumerate() {
                let changes = rng.below(4);
                for c in 0..changes {
                    backdate(tx, today, 40 - (c as i64) * 10 - k as i64);
                    let r = Rag::ALL[rng.below(3) as usize];
                    tx.add_score(id, &readiness, &rag, dim, r.key(), "synthetic")?;
                }
            }
            backdate(tx, today, 20);
            for role in Role::ALL {
                if rng.below(10) < 8 {
                    tx.assign_owner(id, *role, *rng.pick(&people), None)?;
                }
            }
            tx.add_metric(
                id,
                &MetricFields {
                    category: Some(MetricCategory::new(&rng.pick(&playbook.metric_categories).key)),
                    name: "Primary success metric".into(),
                    unit: "%".into(),
                    higher_is_better: true,
                    baseline: Some(50.0),
                    minimum: Some(60.0),
                    target: Some(75.0),
                    stretch: Some(90.0),
                    current: Some(40.0 + rng.below(55) as f64),
                    scorecard: true,
                },
            )?;
            if rng.below(3) == 0 {
                backdate(tx, today, 1 + rng.below(30) as i64);
                super::record(
                    tx,
                    playbook,
                    id,
                    NewDecision {
                        outcome: Some(*rng.pick(OUTCOMES)),
                        criteria: vec![
                            Criterion {
                                criterion: "Primary metric at target".into(),
                                met: rng.below(2) == 0,
                                need: None,
                            },
                            Criterion {
                                criterion: "Four owners named".into(),
                                met: rng.below(2) == 0,
                                need: None,
                            },
                        ],
                        rationale: "Synthetic decision".into(),
                        decided_by: *rng.pick(&people),
                        decided_on: String::new(),
                        stop_conditions: "Stop if the primary metric falls below minimum viable".into(),
                        communicated: rng.below(2) == 0,
                        ..NewDecision::default()
                    },
                )?;
                decisions += 1;
            }
        }
        Ok(())
    })?;
    Ok(DemoSummary {
        pilots: n,
        people: people_n,
        decisions,
        start_date: start.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(s: &Store) -> Vec<String> {
        let pb = Playbook::builtin();
        s.portfolio(&pb, 45)
            .unwrap()
            .into_iter()
            .map(|r| {
                format!(
                    "{} {:?} {:?} {:?} {} {}",
                    r.name,
                    r.phase,
                    r.dimensions,
                    r.selection,
                    r.items_done,
                    r.owner_count()
                )
            })
            .collect()
    }

    #[test]
    fn same_seed_same_portfolio() {
        let pb = Playbook::builtin();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut a = Store::open_in_memory("a").unwrap();
        let mut b = Store::open_in_memory("b").unwrap();
        let mut c = Store::open_in_memory("c").unwrap();
        load_synthetic(&mut a, &pb, today, 30, 7).unwrap();
        load_synthetic(&mut b, &pb, today, 30, 7).unwrap();
        load_synthetic(&mut c, &pb, today, 30, 8).unwrap();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
        assert_eq!(fingerprint(&a).len(), 30);
    }
}
