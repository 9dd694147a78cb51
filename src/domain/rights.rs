//! The decision-rights matrix of one pilot: every right the playbook lists,
//! with who holds it and under what threshold, and any right assigned that
//! the playbook no longer lists. The CLI, the workbench and the pack all
//! show this one list.

use super::model::RightAssignment;
use crate::playbook::Playbook;
use serde::Serialize;

/// One row of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RightRow {
    pub key: String,
    /// The right's name from the playbook (its key when the playbook no
    /// longer lists it).
    pub name: String,
    /// What a good threshold names, from the playbook.
    pub hint: String,
    /// Who holds it now, if anyone.
    pub holder: Option<RightAssignment>,
    /// The playbook no longer lists this right (kept, shown last).
    pub retired: bool,
}

/// The matrix of a pilot from its assignments.
pub fn matrix(pb: &Playbook, assigned: &[RightAssignment]) -> Vec<RightRow> {
    let mut out: Vec<RightRow> = pb
        .rights
        .iter()
        .map(|r| RightRow {
            key: r.key.clone(),
            name: r.name.clone(),
            hint: r.hint.clone(),
            holder: assigned.iter().find(|a| a.key == r.key).cloned(),
            retired: false,
        })
        .collect();
    for a in assigned.iter().filter(|a| pb.right(&a.key).is_none()) {
        out.push(RightRow {
            key: a.key.clone(),
            name: a.key.clone(),
            hint: String::new(),
            holder: Some(a.clone()),
            retired: true,
        });
    }
    out
}

/// How many of the playbook's rights are assigned, of how many.
pub fn coverage(rows: &[RightRow]) -> (usize, usize) {
    let listed = rows.iter().filter(|r| !r.retired);
    let total = listed.clone().count();
    (listed.filter(|r| r.holder.is_some()).count(), total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(key: &str) -> RightAssignment {
        RightAssignment {
            key: key.into(),
            person_id: 1,
            person: "Ana".into(),
            threshold: "above 5%".into(),
            revision: 1,
        }
    }

    #[test]
    fn every_listed_right_is_a_row_and_retired_ones_follow() {
        let pb = Playbook::builtin();
        let rows = matrix(&pb, &[held("rollback"), held("old-right")]);
        assert_eq!(rows.len(), pb.rights.len() + 1);
        assert_eq!(rows[0].key, pb.rights[0].key);
        let rollback = rows.iter().find(|r| r.key == "rollback").unwrap();
        assert_eq!(rollback.holder.as_ref().unwrap().person, "Ana");
        assert!(rows.last().unwrap().retired);
        assert_eq!(coverage(&rows), (1, pb.rights.len()));
    }
}
