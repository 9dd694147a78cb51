//! Finding a pilot or person by what someone typed: exact name (by
//! [`crate::text::name_key`]: case and accent encoding ignored) first,
//! then a unique prefix; otherwise an error that suggests the closest
//! names.

use crate::text::{name_key, sanitize};
use crate::{Error, Result};

/// Pick the one entry named by `query` from `(id, name)` pairs.
pub fn resolve<'a>(kind: &str, query: &str, entries: &'a [(i64, String)]) -> Result<&'a (i64, String)> {
    let q = name_key(query.trim());
    if q.is_empty() {
        return Err(Error::invalid(format!("no {kind} name given: type a {kind} name")));
    }
    let keys: Vec<String> = entries.iter().map(|(_, n)| name_key(n)).collect();
    if let Some(i) = keys.iter().position(|k| *k == q) {
        return Ok(&entries[i]);
    }
    let prefixed: Vec<&(i64, String)> = entries
        .iter()
        .zip(&keys)
        .filter(|(_, k)| k.starts_with(&q))
        .map(|(e, _)| e)
        .collect();
    match prefixed.len() {
        1 => Ok(prefixed[0]),
        0 => {
            let near = closest(query, entries.iter().map(|(_, n)| n.as_str()), 3);
            // The command that lists them ("people", "pilots").
            let many = if kind == "person" {
                "people".to_string()
            } else {
                format!("{kind}s")
            };
            let hint = if near.is_empty() {
                if entries.is_empty() {
                    format!("there are no {many} yet")
                } else {
                    format!("list them with 'lastmile {many} list'")
                }
            } else {
                format!(
                    "did you mean {}?",
                    near.iter()
                        .map(|n| format!("'{}'", sanitize(n)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let add = if kind == "person" {
                " (add people with 'lastmile people add NAME')"
            } else {
                ""
            };
            Err(Error::not_found(format!(
                "no {kind} named '{}': {hint}{add}",
                sanitize(query)
            )))
        }
        n => {
            let shown: Vec<String> = prefixed
                .iter()
                .take(5)
                .map(|(_, n)| format!("'{}'", sanitize(n)))
                .collect();
            Err(Error::invalid(format!(
                "'{}' matches {n} {kind}s ({}{}): type more of the name",
                sanitize(query),
                shown.join(", "),
                if n > 5 { ", ..." } else { "" }
            )))
        }
    }
}

/// Names closest to `query` by edit distance (or containing it), best first.
pub fn closest<'a>(query: &str, names: impl Iterator<Item = &'a str>, max: usize) -> Vec<String> {
    let q = query.trim().to_lowercase();
    let mut scored: Vec<(usize, &str)> = names
        .filter_map(|n| {
            let l = n.to_lowercase();
            let d = if l.contains(&q) { 0 } else { levenshtein(&q, &l) };
            let limit = (q.chars().count().max(3)) / 2 + 1;
            (d <= limit).then_some((d, n))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(max).map(|(_, n)| n.to_string()).collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Vec<(i64, String)> {
        vec![
            (1, "Priya Nair".into()),
            (2, "Peter Okafor".into()),
            (3, "Maria Lopez".into()),
        ]
    }

    #[test]
    fn exact_then_prefix() {
        let p = people();
        assert_eq!(resolve("person", "maria lopez", &p).unwrap().0, 3);
        assert_eq!(resolve("person", "pri", &p).unwrap().0, 1);
        let e = resolve("person", "p", &p).unwrap_err().to_string();
        assert!(e.contains("matches 2 persons"), "{e}");
    }

    #[test]
    fn an_unknown_person_points_at_the_command_that_lists_people() {
        let e = resolve("person", "Zed Quux", &people()).unwrap_err().to_string();
        assert!(e.contains("'lastmile people list'") && !e.contains("persons"), "{e}");
    }

    #[test]
    fn unknown_suggests_closest() {
        let p = people();
        let e = resolve("person", "Mario Lopez", &p).unwrap_err().to_string();
        assert!(e.contains("did you mean 'Maria Lopez'"), "{e}");
        assert!(e.contains("lastmile people add"), "{e}");
        let e = resolve("pilot", "zzzzzzzz", &[]).unwrap_err().to_string();
        assert!(e.contains("no pilots yet"), "{e}");
    }

    #[test]
    fn distance() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "ab"), 2);
    }
}
