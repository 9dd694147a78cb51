//! The session's history of changes: each entry names its pilot, says what
//! it changed and what undoing it restores, and holds the inverse steps.
//! `u` acts on the pilot in view ([`History::next_for`]); the history view
//! lists the entries next to other people's changes from the audit trail.

use crate::domain::model::{ItemState, Phase, PilotFields, Role};

/// How many changes the session keeps.
pub const KEPT: usize = 200;

/// The inverse of one part of a change.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    ItemState {
        item_id: i64,
        rev: i64,
        old: ItemState,
    },
    ItemOwner {
        item_id: i64,
        rev: i64,
        old: Option<i64>,
    },
    ItemNote {
        item_id: i64,
        rev: i64,
        old: String,
    },
    Phase {
        pilot_id: i64,
        rev: i64,
        old: Phase,
    },
    Pilot {
        pilot_id: i64,
        rev: i64,
        old: PilotFields,
    },
    /// Put back `old` as the owner in `role`; `seen` is the owner row's
    /// revision the change left (none when it removed the owner), so a
    /// change by someone else since is a conflict.
    Role {
        pilot_id: i64,
        role: Role,
        old: Option<i64>,
        seen: Option<i64>,
    },
    /// Answer `question` with `old` again, if it still reads `new` (scores
    /// carry no revision: the answer itself is compared).
    Score {
        pilot_id: i64,
        rubric: String,
        question: String,
        old: String,
        new: String,
    },
    MetricCurrent {
        metric_id: i64,
        rev: i64,
        old: Option<f64>,
    },
    /// Put the pilot back on the shortlist (`old` true) or off it; back
    /// on, with the written reason it was on under (a red flag needs one).
    Shortlist {
        pilot_id: i64,
        rev: i64,
        old: bool,
        reason: Option<String>,
    },
    /// Put back `old` (person, threshold) as the holder of a decision
    /// right, or take it away when `old` is none; `seen` as for `Role`.
    Right {
        pilot_id: i64,
        key: String,
        name: String,
        old: Option<(i64, String)>,
        seen: Option<i64>,
    },
    /// Put back who builds a pilot (`old`), or clear it when nobody had
    /// said; `seen` as for `Role`.
    Vendor {
        pilot_id: i64,
        old: Option<crate::domain::model::VendorChoice>,
        seen: Option<i64>,
    },
    /// Put back an ask's evidence, or take it back when there was none.
    VendorAsk {
        pilot_id: i64,
        key: String,
        name: String,
        old: Option<String>,
        seen: Option<i64>,
    },
    /// Put a programme item back as it was (state, note, owner).
    Programme {
        id: i64,
        rev: i64,
        state: crate::domain::model::ItemState,
        note: String,
        owner: Option<i64>,
    },
}

/// A decision right's key as a number, so a row key stays `Copy`.
pub fn right_key_id(key: &str) -> u64 {
    // FNV-1a: stable, and enough to tell a pilot's few rights apart.
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// A row a change wrote, for optimistic concurrency across undo steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKey {
    Item(i64),
    Pilot(i64),
    Metric(i64),
    Owner(i64, Role),
    /// A pilot's decision right, by [`right_key_id`].
    Right(i64, u64),
    /// An item of the programme checklist.
    Programme(i64),
    /// A pilot's vendor row, and one of its asks (by [`right_key_id`]).
    Vendor(i64),
    VendorAsk(i64, u64),
}

/// The revision of `key` before a change and after it (`None`: no row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRev {
    pub key: RowKey,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl Step {
    /// The row this step writes.
    pub fn key(&self) -> Option<RowKey> {
        Some(match self {
            Step::ItemState { item_id, .. } | Step::ItemOwner { item_id, .. } | Step::ItemNote { item_id, .. } => {
                RowKey::Item(*item_id)
            }
            Step::Phase { pilot_id, .. } | Step::Pilot { pilot_id, .. } | Step::Shortlist { pilot_id, .. } => {
                RowKey::Pilot(*pilot_id)
            }
            Step::MetricCurrent { metric_id, .. } => RowKey::Metric(*metric_id),
            Step::Role { pilot_id, role, .. } => RowKey::Owner(*pilot_id, *role),
            Step::Right { pilot_id, key, .. } => RowKey::Right(*pilot_id, right_key_id(key)),
            Step::Programme { id, .. } => RowKey::Programme(*id),
            Step::Vendor { pilot_id, .. } => RowKey::Vendor(*pilot_id),
            Step::VendorAsk { pilot_id, key, .. } => RowKey::VendorAsk(*pilot_id, right_key_id(key)),
            Step::Score { .. } => return None,
        })
    }

    /// The row's revision moved from `old` to `new` (an undo of a later
    /// change put back what this step expects): expect `new` instead.
    fn rebase(&mut self, old: Option<i64>, new: Option<i64>) {
        let shift = |rev: &mut i64| {
            if let (Some(o), Some(n)) = (old, new) {
                *rev += n - o;
            }
        };
        match self {
            Step::ItemState { rev, .. }
            | Step::ItemOwner { rev, .. }
            | Step::ItemNote { rev, .. }
            | Step::Phase { rev, .. }
            | Step::Pilot { rev, .. }
            | Step::Shortlist { rev, .. }
            | Step::Programme { rev, .. }
            | Step::MetricCurrent { rev, .. } => shift(rev),
            Step::Role { seen, .. }
            | Step::Right { seen, .. }
            | Step::Vendor { seen, .. }
            | Step::VendorAsk { seen, .. } => *seen = new,
            Step::Score { .. } => {}
        }
    }
}

/// How a change can be undone.
#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    /// Apply these steps; `restores` says what comes back ("state back to
    /// To do"); `partly` names a part that stays (with the reason).
    Steps {
        steps: Vec<Step>,
        restores: String,
        partly: Option<String>,
    },
    /// It cannot be undone, for this reason.
    Never(String),
}

/// One change made in this session.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The pilot it changed (none for a new person).
    pub pilot_id: Option<i64>,
    /// The pilot's name when the change was made (sanitised).
    pub pilot: String,
    /// What changed, in words ("Platform owner: Zoe Kim").
    pub what: String,
    pub undo: Undo,
    /// When, as the audit trail stamps it (RFC 3339, UTC).
    pub at: String,
    /// The rows it wrote, with their revisions before and after.
    pub rows: Vec<RowRev>,
}

impl Change {
    /// "what (on pilot)", for messages and the history view.
    pub fn describe(&self) -> String {
        if self.pilot.is_empty() {
            self.what.clone()
        } else {
            format!("{} on {}", self.what, self.pilot)
        }
    }
}

/// Which changes `u` chooses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndoScope {
    /// The pilot in view first, else the newest change of all.
    Here(Option<i64>),
    /// This pilot's changes only.
    Pilot(i64),
    /// The programme checklist's changes only.
    Programme,
}

/// The changes of this session, oldest first.
#[derive(Debug, Default)]
pub struct History {
    changes: Vec<Change>,
}

impl History {
    pub fn push(&mut self, c: Change) {
        self.changes.push(c);
        if self.changes.len() > KEPT {
            self.changes.remove(0);
        }
    }

    /// The change `u` acts on when `pilot` is in view: the newest change to
    /// that pilot, else the newest change of all (on another pilot, which
    /// the caller shows first, or on none, such as a person added).
    pub fn next_for(&self, pilot: Option<i64>) -> Option<usize> {
        pilot
            .and_then(|p| self.changes.iter().rposition(|c| c.pilot_id == Some(p)))
            .or_else(|| self.changes.len().checked_sub(1))
    }

    /// The newest change in a scope: to one pilot only (a pilot's matrix
    /// or record), or to the programme checklist.
    pub fn next_in(&self, scope: UndoScope) -> Option<usize> {
        match scope {
            UndoScope::Here(p) => self.next_for(p),
            UndoScope::Pilot(p) => self.changes.iter().rposition(|c| c.pilot_id == Some(p)),
            UndoScope::Programme => self
                .changes
                .iter()
                .rposition(|c| c.rows.iter().any(|r| matches!(r.key, RowKey::Programme(_)))),
        }
    }

    pub fn get(&self, i: usize) -> Option<&Change> {
        self.changes.get(i)
    }

    pub fn take(&mut self, i: usize) -> Option<Change> {
        (i < self.changes.len()).then(|| self.changes.remove(i))
    }

    /// An undo moved `key` from revision `old` (what the undone change had
    /// started from) to `new`: a change that left the row at `old` is the
    /// one it restored, so its steps now expect `new`. Changes that left
    /// the row elsewhere keep expecting that, and conflict.
    pub fn rebase(&mut self, key: RowKey, old: Option<i64>, new: Option<i64>) {
        for c in &mut self.changes {
            let Some(r) = c.rows.iter_mut().find(|r| r.key == key && r.to == old) else {
                continue;
            };
            r.to = new;
            if let Undo::Steps { steps, .. } = &mut c.undo {
                for s in steps.iter_mut().filter(|s| s.key() == Some(key)) {
                    s.rebase(old, new);
                }
            }
        }
    }

    /// Newest first.
    pub fn recent(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().rev()
    }

    pub fn len(&self) -> usize {
        self.changes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(pilot: Option<i64>, what: &str) -> Change {
        Change {
            pilot_id: pilot,
            pilot: pilot.map(|p| format!("P{p}")).unwrap_or_default(),
            what: what.into(),
            undo: Undo::Never("test".into()),
            at: String::new(),
            rows: vec![],
        }
    }

    #[test]
    fn the_pilot_in_view_comes_first_then_the_newest() {
        let mut h = History::default();
        h.push(change(Some(1), "a"));
        h.push(change(Some(2), "b"));
        h.push(change(Some(1), "c"));
        h.push(change(Some(3), "d"));
        assert_eq!(h.get(h.next_for(Some(1)).unwrap()).unwrap().what, "c");
        assert_eq!(h.get(h.next_for(Some(2)).unwrap()).unwrap().what, "b");
        // Nothing on pilot 9: the newest change of all.
        assert_eq!(h.get(h.next_for(Some(9)).unwrap()).unwrap().what, "d");
        assert_eq!(h.get(h.next_for(None).unwrap()).unwrap().what, "d");
        // A change on no pilot is next only when it is the newest.
        h.push(change(None, "person"));
        assert_eq!(h.get(h.next_for(Some(2)).unwrap()).unwrap().what, "b");
        assert_eq!(h.get(h.next_for(Some(9)).unwrap()).unwrap().what, "person");
        assert_eq!(History::default().next_for(Some(1)), None);
    }

    #[test]
    fn only_the_newest_changes_are_kept() {
        let mut h = History::default();
        for i in 0..KEPT + 5 {
            h.push(change(Some(1), &i.to_string()));
        }
        assert_eq!(h.len(), KEPT);
        assert_eq!(h.recent().next().unwrap().what, (KEPT + 4).to_string());
        assert_eq!(h.take(0).unwrap().what, "5");
    }

    #[test]
    fn an_undo_rebases_the_change_it_restored_and_only_that_one() {
        let step = |rev| Step::ItemState {
            item_id: 7,
            rev,
            old: ItemState::Todo,
        };
        let key = RowKey::Item(7);
        let mut h = History::default();
        for (from, to) in [(1, 2), (2, 3)] {
            h.push(Change {
                rows: vec![RowRev {
                    key,
                    from: Some(from),
                    to: Some(to),
                }],
                undo: Undo::Steps {
                    steps: vec![step(to)],
                    restores: String::new(),
                    partly: None,
                },
                ..change(Some(1), "x")
            });
        }
        // The newer change (2 -> 3) is undone: the row is now at 4.
        h.take(1);
        h.rebase(key, Some(2), Some(4));
        match &h.get(0).unwrap().undo {
            Undo::Steps { steps, .. } => assert_eq!(steps[0], step(4)),
            _ => unreachable!(),
        }
        // A change that left the row elsewhere is not touched.
        h.rebase(key, Some(9), Some(10));
        assert_eq!(h.get(0).unwrap().rows[0].to, Some(4));
    }
}
