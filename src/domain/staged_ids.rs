//! The ids an import's staging events list, written compactly: "pilots
//! 3-7,9; people 4" (see `store::staging`). Pure text, read by `verify`
//! and by the screens that describe those events.

use std::collections::HashSet;

/// A batch staged these pilots and people ("pilots 3-7; people 4").
pub const STAGED: &str = "staged";
/// A run that staged rows ended: published, or removed. Run ids can be
/// used again once a run's row is gone, so what a run staged counts only
/// until its run ends.
pub const PUBLISHED: &str = "published";
pub const CLOSED: &str = "closed";

/// What a staging run has staged, from its events replayed in order: the
/// one reading both the removal of a failed run and `verify` rely on, so
/// what one deletes the other excuses.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StagedSoFar {
    pub pilots: HashSet<i64>,
    pub people: HashSet<i64>,
}

impl StagedSoFar {
    /// Take the run's next event (its field and value): a staged batch
    /// adds its ids, the run's end forgets them all.
    pub fn apply(&mut self, field: &str, value: Option<&str>) {
        match field {
            STAGED => {
                let (pilots, people) = parse_ids(value.unwrap_or(""));
                self.pilots.extend(pilots);
                self.people.extend(people);
            }
            PUBLISHED | CLOSED => *self = StagedSoFar::default(),
            _ => {}
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pilots.is_empty() && self.people.is_empty()
    }
}

/// Ids as compact ranges: "3-7,9".
pub fn ranges(ids: &[i64]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < ids.len() {
        let start = ids[i];
        let mut end = start;
        while i + 1 < ids.len() && ids[i + 1] == end + 1 {
            i += 1;
            end = ids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
        i += 1;
    }
    out
}

/// The ids [`ranges`] wrote (malformed parts are skipped).
pub fn parse_ranges(s: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                if let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) {
                    out.extend(a..=b.min(a.saturating_add(10_000_000)));
                }
            }
            None => out.extend(part.parse::<i64>().ok()),
        }
    }
    out
}

/// A run event's value: "pilots 3-7,9; people 4".
pub fn ids_value(pilots: &[i64], people: &[i64]) -> String {
    format!("pilots {}; people {}", ranges(pilots), ranges(people))
}

/// The pilot and person ids a run event lists.
pub fn parse_ids(v: &str) -> (Vec<i64>, Vec<i64>) {
    let mut pilots = Vec::new();
    let mut people = Vec::new();
    for part in v.split(';').map(str::trim) {
        if let Some(r) = part.strip_prefix("pilots ") {
            pilots = parse_ranges(r);
        } else if let Some(r) = part.strip_prefix("people ") {
            people = parse_ranges(r);
        }
    }
    (pilots, people)
}

/// "200 new pilots and 3 people" for an event's value.
pub fn describe(v: &str) -> String {
    let (pilots, people) = parse_ids(v);
    let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    match (pilots.len(), people.len()) {
        (p, 0) => n(p, "pilot", "pilots"),
        (0, q) => n(q, "person", "people"),
        (p, q) => format!("{} and {}", n(p, "pilot", "pilots"), n(q, "person", "people")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_ranges() {
        let ids = vec![1, 2, 3, 7, 9, 10];
        assert_eq!(ranges(&ids), "1-3,7,9-10");
        assert_eq!(parse_ranges(&ranges(&ids)), ids);
        assert_eq!(parse_ids(&ids_value(&ids, &[4])), (ids.clone(), vec![4]));
        assert_eq!(parse_ids(&ids_value(&[], &[])), (vec![], vec![]));
        assert_eq!(describe(&ids_value(&ids, &[4])), "6 pilots and 1 person");
        assert_eq!(describe(&ids_value(&[5], &[])), "1 pilot");
    }

    #[test]
    fn what_a_run_staged_counts_until_the_run_ends() {
        let mut run = StagedSoFar::default();
        run.apply(STAGED, Some("pilots 1-2; people 7"));
        run.apply(STAGED, Some("pilots 5; people "));
        run.apply("removed", Some("pilots 1; people "));
        assert_eq!(run.pilots, HashSet::from([1, 2, 5]));
        assert_eq!(run.people, HashSet::from([7]));
        run.apply(PUBLISHED, None);
        assert!(run.is_empty());
        run.apply(STAGED, Some("pilots 9; people "));
        run.apply(CLOSED, None);
        assert!(run.is_empty());
    }
}
