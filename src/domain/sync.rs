//! Keeping pilots' checklists in step with the playbook: which items each
//! pilot still in the gates lacks, and which items pilots carry that the
//! playbook no longer has (kept and reported as retired, never deleted).
//! A pilot's existing items keep the wording they were created with.

use super::model::{Phase, Status};
use crate::playbook::ItemTemplate;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// One pilot's checklist as the file holds it: its items' keys and texts.
#[derive(Debug, Clone, PartialEq)]
pub struct PilotChecklist {
    pub pilot_id: i64,
    pub name: String,
    pub status: Status,
    /// The phase the pilot is in: items of phases it has passed are not
    /// added (their gate is behind it).
    pub phase: Phase,
    pub items: Vec<(String, String)>,
}

/// Items to add to one pilot, as indexes into the playbook's items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Addition {
    pub pilot_id: i64,
    pub pilot: String,
    #[serde(skip)]
    pub items: Vec<usize>,
    /// The playbook keys of `items`.
    pub keys: Vec<String>,
}

/// A playbook item some pilots lack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewItem {
    pub key: String,
    pub text: String,
    pub phase: String,
    pub due_day: i64,
    /// Pilots still in the gates that will get it.
    pub pilots: usize,
}

/// An item key pilots carry that the playbook no longer has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retired {
    pub key: String,
    /// The wording pilots hold (the first one found).
    pub text: String,
    pub pilots: usize,
}

/// A programme item pilots still carry an open copy of (files from before
/// the programme checklist): the sync closes those copies as not
/// applicable, with a note saying where the work went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    pub key: String,
    pub text: String,
    /// Pilots with an open copy.
    pub pilots: usize,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SyncPlan {
    pub additions: Vec<Addition>,
    pub new_items: Vec<NewItem>,
    pub retired: Vec<Retired>,
    /// Programme items the file's programme checklist lacks (`pilots` 0).
    pub programme_new: Vec<NewItem>,
    /// Programme items pilots carry a copy of.
    pub moved: Vec<Moved>,
    /// Keys on the programme checklist the playbook no longer has (kept).
    pub programme_retired: Vec<String>,
    /// Pilots that left the gates (in production, stopped): never given new
    /// work.
    pub skipped_closed: usize,
    /// New items of phases a pilot has already passed, not added (pilot
    /// count): a passed gate is not reopened by a playbook change.
    pub skipped_passed: usize,
}

impl SyncPlan {
    /// How many checklist items the sync adds.
    pub fn items_added(&self) -> usize {
        self.additions.iter().map(|a| a.items.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.additions.is_empty()
            && self.retired.is_empty()
            && self.programme_new.is_empty()
            && self.moved.is_empty()
            && self.programme_retired.is_empty()
    }
}

/// What the workbench says when the loaded playbook and the file's
/// checklists differ; `None` when they are in step.
pub fn notice(p: &SyncPlan, command: &str) -> Option<String> {
    let mut parts = Vec::new();
    if !p.additions.is_empty() {
        parts.push(format!(
            "the playbook has {} that {} still in the gates lack",
            count(p.new_items.len(), "new item", "new items"),
            count(p.additions.len(), "pilot", "pilots")
        ));
    }
    if !p.retired.is_empty() {
        parts.push(format!(
            "{} on pilots' checklists {} no longer in it",
            count(p.retired.len(), "item", "items"),
            if p.retired.len() == 1 { "is" } else { "are" }
        ));
    }
    if !p.programme_new.is_empty() {
        parts.push(format!(
            "the programme checklist lacks {} of the playbook",
            count(p.programme_new.len(), "item", "items")
        ));
    }
    if !p.programme_retired.is_empty() {
        parts.push(format!(
            "{} on the programme checklist {} no longer in it",
            count(p.programme_retired.len(), "item", "items"),
            if p.programme_retired.len() == 1 { "is" } else { "are" }
        ));
    }
    if !p.moved.is_empty() {
        parts.push(format!(
            "{} on pilots' checklists {} the programme's, done once",
            count(p.moved.len(), "item", "items"),
            if p.moved.len() == 1 { "is" } else { "are" }
        ));
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!(
        "{}: '{command}' shows what a sync would change",
        parts.join("; ")
    ))
}

/// `1 pilot`, `2 pilots`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Whether a pilot with this status still takes new checklist work.
pub fn takes_new_items(s: Status) -> bool {
    !matches!(s, Status::Production | Status::Stopped)
}

/// Compare every pilot's checklist with the playbook's items.
pub fn plan(items: &[ItemTemplate], pilots: &[PilotChecklist]) -> SyncPlan {
    let mut out = SyncPlan::default();
    let known: HashSet<&str> = items.iter().map(|i| i.key.as_str()).collect();
    let mut lacking = vec![0usize; items.len()];
    let mut retired: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    for p in pilots {
        let has: HashSet<&str> = p.items.iter().map(|(k, _)| k.as_str()).collect();
        for (k, text) in &p.items {
            if !known.contains(k.as_str()) {
                retired.entry(k.as_str()).or_insert((text.as_str(), 0)).1 += 1;
            }
        }
        let missing: Vec<usize> = (0..items.len())
            .filter(|i| !has.contains(items[*i].key.as_str()))
            .collect();
        if missing.is_empty() {
            continue;
        }
        if !takes_new_items(p.status) {
            out.skipped_closed += 1;
            continue;
        }
        let (missing, passed): (Vec<usize>, Vec<usize>) = missing.into_iter().partition(|i| items[*i].phase >= p.phase);
        if !passed.is_empty() {
            out.skipped_passed += 1;
        }
        if missing.is_empty() {
            continue;
        }
        for i in &missing {
            lacking[*i] += 1;
        }
        out.additions.push(Addition {
            pilot_id: p.pilot_id,
            pilot: p.name.clone(),
            keys: missing.iter().map(|i| items[*i].key.clone()).collect(),
            items: missing,
        });
    }
    out.new_items = items
        .iter()
        .zip(&lacking)
        .filter(|(_, n)| **n > 0)
        .map(|(t, n)| NewItem {
            key: t.key.clone(),
            text: t.text.clone(),
            phase: t.phase.label().to_string(),
            due_day: t.due_day,
            pilots: *n,
        })
        .collect();
    out.retired = retired
        .into_iter()
        .map(|(k, (text, n))| Retired {
            key: k.to_string(),
            text: text.to_string(),
            pilots: n,
        })
        .collect();
    out
}

/// What a sync reads of a file: every pilot's checklist, the programme
/// checklist's keys, and how many open items pilots hold per key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileChecklists {
    pub pilots: Vec<PilotChecklist>,
    pub programme: Vec<String>,
    pub open: std::collections::HashMap<String, usize>,
}

/// The whole sync plan: pilots' checklists ([`plan`]) and the programme
/// checklist ([`with_programme`]).
pub fn plan_all(items: &[ItemTemplate], programme: &[ItemTemplate], file: &FileChecklists) -> SyncPlan {
    with_programme(plan(items, &file.pilots), programme, &file.programme, &file.open)
}

/// Add the programme checklist to a plan: the playbook's programme items
/// the file lacks (`have`: the keys it holds), and the open copies pilots
/// carry of programme items (`open`: open items per key). Copies are taken
/// out of the retired list (they are not gone, they moved); closed ones
/// need nothing.
pub fn with_programme(
    mut p: SyncPlan,
    programme: &[ItemTemplate],
    have: &[String],
    open: &std::collections::HashMap<String, usize>,
) -> SyncPlan {
    let keys: HashSet<&str> = programme.iter().map(|t| t.key.as_str()).collect();
    let (moved, retired): (Vec<Retired>, Vec<Retired>) = std::mem::take(&mut p.retired)
        .into_iter()
        .partition(|r| keys.contains(r.key.as_str()));
    p.retired = retired;
    p.moved = moved
        .into_iter()
        .filter_map(|r| {
            let n = open.get(&r.key).copied().unwrap_or(0);
            (n > 0).then_some(Moved {
                key: r.key,
                text: r.text,
                pilots: n,
            })
        })
        .collect();
    p.programme_retired = have.iter().filter(|k| !keys.contains(k.as_str())).cloned().collect();
    p.programme_new = programme
        .iter()
        .filter(|t| !have.contains(&t.key))
        .map(|t| NewItem {
            key: t.key.clone(),
            text: t.text.clone(),
            phase: t.phase.label().to_string(),
            due_day: t.due_day,
            pilots: 0,
        })
        .collect();
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Phase;

    fn t(key: &str) -> ItemTemplate {
        ItemTemplate {
            key: key.into(),
            phase: Phase::Assessment,
            section: "S".into(),
            text: format!("Do {key}"),
            due_day: 10,
            gate: false,
            review: false,
            scope: crate::playbook::Scope::Pilot,
        }
    }

    fn pilot(id: i64, status: Status, keys: &[&str]) -> PilotChecklist {
        PilotChecklist {
            pilot_id: id,
            name: format!("P{id}"),
            status,
            phase: Phase::Assessment,
            items: keys.iter().map(|k| (k.to_string(), format!("Old {k}"))).collect(),
        }
    }

    #[test]
    fn new_items_go_to_pilots_in_the_gates_and_retired_ones_are_only_reported() {
        let items = [t("a"), t("b"), t("c")];
        let pilots = [
            pilot(1, Status::Active, &["a", "b", "c"]),
            pilot(2, Status::Active, &["a", "old"]),
            pilot(3, Status::Stopped, &["a"]),
            pilot(4, Status::Paused, &["a", "b", "old"]),
        ];
        let p = plan(&items, &pilots);
        let adds: Vec<(i64, Vec<usize>)> = p.additions.iter().map(|a| (a.pilot_id, a.items.clone())).collect();
        assert_eq!(adds, vec![(2, vec![1, 2]), (4, vec![2])]);
        assert_eq!(p.items_added(), 3);
        assert_eq!(p.skipped_closed, 1, "a stopped pilot gets no new work");
        let news: Vec<(&str, usize)> = p.new_items.iter().map(|n| (n.key.as_str(), n.pilots)).collect();
        assert_eq!(news, vec![("b", 1), ("c", 2)]);
        assert_eq!(
            p.retired,
            vec![Retired {
                key: "old".into(),
                text: "Old old".into(),
                pilots: 2
            }]
        );
    }

    #[test]
    fn the_notice_names_new_and_retired_items() {
        let items = [t("a"), t("b")];
        let p = plan(
            &items,
            &[
                pilot(1, Status::Active, &["a", "old"]),
                pilot(2, Status::Active, &["a"]),
            ],
        );
        assert_eq!(
            notice(&p, "lastmile playbook sync --dry-run").unwrap(),
            "the playbook has 1 new item that 2 pilots still in the gates lack; 1 item on pilots' checklists is no longer in it: 'lastmile playbook sync --dry-run' shows what a sync would change"
        );
        assert_eq!(
            notice(&plan(&items, &[pilot(1, Status::Active, &["a", "b"])]), "x"),
            None
        );
    }

    #[test]
    fn programme_items_are_added_once_and_open_pilot_copies_move() {
        let items = [t("a")];
        let mut prog = t("inv");
        prog.scope = crate::playbook::Scope::Programme;
        let pilots = [
            pilot(1, Status::Active, &["a", "inv"]),
            pilot(2, Status::Active, &["a", "inv"]),
        ];
        let mut file = FileChecklists {
            pilots: pilots.to_vec(),
            programme: vec![],
            open: [("inv".to_string(), 1)].into_iter().collect(),
        };
        let p = plan_all(&items, std::slice::from_ref(&prog), &file);
        assert!(p.retired.is_empty(), "a copy of a programme item is not retired");
        assert_eq!(p.programme_new.len(), 1);
        assert_eq!(p.moved.len(), 1);
        assert_eq!(p.moved[0].pilots, 1, "only open copies need moving");
        // Once the file has it and no copy is open: in step.
        file.programme = vec!["inv".into()];
        file.open.clear();
        let p = plan_all(&items, std::slice::from_ref(&prog), &file);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(notice(&p, "x"), None);
        // One the playbook dropped is reported, and kept.
        let p = plan_all(&items, &[], &file);
        assert_eq!(p.programme_retired, vec!["inv".to_string()]);
        assert!(notice(&p, "x")
            .unwrap()
            .contains("1 item on the programme checklist is no longer in it"));
    }

    #[test]
    fn a_passed_phase_gets_no_new_items() {
        let mut late = t("late");
        late.phase = Phase::Hardening;
        let items = [t("a"), t("b"), late];
        let mut p = pilot(1, Status::Active, &["a"]);
        p.phase = Phase::Scaffolding;
        let plan = plan(&items, &[p]);
        assert_eq!(
            plan.additions[0].keys,
            vec!["late".to_string()],
            "only the phase still ahead"
        );
        assert_eq!(plan.skipped_passed, 1);
    }

    #[test]
    fn a_checklist_in_step_needs_nothing() {
        let items = [t("a")];
        let p = plan(&items, &[pilot(1, Status::Active, &["a"])]);
        assert!(p.is_empty());
        assert_eq!(p.items_added(), 0);
    }
}
