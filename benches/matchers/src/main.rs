//! The portfolio filter and sort, measured apart from the terminal: what a
//! keystroke in the fuzzy filter and a sort key cost at 10,000 and 100,000
//! pilots with fuzzy-matcher (as `src/ui/data.rs` uses it) and with
//! nucleo-matcher, on the same haystacks (`lastmile::ui::data::haystack`),
//! and whether both select the same pilots.
//!
//! Usage: `lastmile-matchers FIXTURE.db [FIXTURE.db ...]` (scripts/bench.sh
//! passes the benchmark fixtures). Prints Markdown tables of medians.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use lastmile::playbook::Playbook;
use lastmile::store::{OpenMode, PilotRow, Store};
use lastmile::ui::data::haystack;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The query typed one letter at a time.
const QUERY: &str = "fraudagent";

/// Median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 1.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{:.0} µs", ms * 1e3)
    }
}

fn prefixes() -> Vec<&'static str> {
    (1..=QUERY.len()).map(|i| &QUERY[..i]).collect()
}

fn atom(q: &str) -> Atom {
    // One atom, spaces literal: the same question fuzzy-matcher answers
    // (nucleo's `Pattern` would split the query into words matched in any
    // order, a behaviour change).
    Atom::new(q, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy, false)
}

/// Whether `q` (lowercase) is a subsequence of `h` (lowercase): the
/// membership test both matchers reduce to, without scoring.
fn subsequence(h: &str, q: &str) -> bool {
    let mut hs = h.chars();
    q.chars().all(|c| hs.any(|x| x == c))
}

/// Rows among `among` (all when `None`) that match, with their scores.
type Hits = Vec<(usize, i64)>;

fn candidates(n: usize, among: Option<&Hits>) -> Vec<usize> {
    match among {
        Some(h) => h.iter().map(|&(i, _)| i).collect(),
        None => (0..n).collect(),
    }
}

fn skim_hits(m: &SkimMatcherV2, hay: &[String], among: Option<&Hits>, q: &str) -> Hits {
    candidates(hay.len(), among)
        .into_iter()
        .filter_map(|i| m.fuzzy_match(&hay[i], q).map(|s| (i, s)))
        .collect()
}

fn nucleo_hits(m: &mut Matcher, hay: &[Utf32String], among: Option<&Hits>, q: &str) -> Hits {
    let a = atom(q);
    candidates(hay.len(), among)
        .into_iter()
        .filter_map(|i| a.score(hay[i].slice(..), m).map(|s| (i, i64::from(s))))
        .collect()
}

fn plain_hits(lower: &[String], among: Option<&Hits>, q: &str) -> Hits {
    let q = q.to_lowercase();
    candidates(lower.len(), among)
        .into_iter()
        .filter(|&i| subsequence(&lower[i], &q))
        .map(|i| (i, 0))
        .collect()
}

fn same_rows(a: &Hits, b: &Hits) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0)
}

/// Mean and worst time per keystroke over the prefixes of [`QUERY`];
/// `run(q, prev)` handles `q` given the previous keystroke's hits.
fn per_keystroke(runs: usize, mut run: impl FnMut(&str, Option<&Hits>) -> Hits) -> (Duration, Duration) {
    let mut total = Duration::ZERO;
    let mut worst = Duration::ZERO;
    let mut prev: Option<Hits> = None;
    for q in prefixes() {
        let d = median(runs, || {
            black_box(run(q, prev.as_ref()));
        });
        prev = Some(run(q, prev.as_ref()));
        total += d;
        worst = worst.max(d);
    }
    (total / QUERY.len() as u32, worst)
}

fn pair(a: (Duration, Duration)) -> String {
    format!("{} / {}", ms(a.0), ms(a.1))
}

fn rag_rank(r: &PilotRow, d: usize) -> u8 {
    r.dimensions[d].map_or(0, |x| x as u8 + 1)
}

/// The view as `PortfolioView::recompute` first built it (before commit
/// 4a4a559) for a typed filter in the default order: the haystack formatted for every row, the
/// fuzzy-matcher score kept in a `HashMap`, then a stable sort by score
/// (best first) and name, lowercasing both names in every comparison.
fn recompute_now(rows: &[PilotRow], q: &str) -> Vec<usize> {
    let m = SkimMatcherV2::default().ignore_case();
    let mut scores: HashMap<usize, i64> = HashMap::new();
    let mut view: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let s = m.fuzzy_match(&haystack(r), q)?;
            scores.insert(i, s);
            Some(i)
        })
        .collect();
    let name = |i: usize| rows[i].name.to_lowercase();
    view.sort_by(|&a, &b| scores.get(&b).cmp(&scores.get(&a)).then_with(|| name(a).cmp(&name(b))));
    view
}

/// The same view from hits computed on cached haystacks (narrowed from the
/// previous keystroke), sorted by score and the lowercase names computed
/// once when the rows were loaded.
fn view_from(hits: &Hits, lower_names: &[String]) -> Vec<usize> {
    let mut h = hits.clone();
    h.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| lower_names[a.0].cmp(&lower_names[b.0])));
    h.into_iter().map(|(i, _)| i).collect()
}

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: lastmile-matchers FIXTURE.db [FIXTURE.db ...]");
        std::process::exit(2);
    }
    let pb = Playbook::builtin();
    let mut matching = Vec::new();
    let mut pipeline = Vec::new();
    let mut sorts = Vec::new();
    for path in paths {
        let store = Store::open(path.as_ref(), OpenMode::Existing, "bench").expect("open fixture");
        let rows = store.portfolio(&pb, 45).expect("portfolio");
        let n = rows.len();
        let runs = if n > 50_000 { 7 } else { 21 };
        let hay: Vec<String> = rows.iter().map(haystack).collect();
        let lower: Vec<String> = hay.iter().map(|h| h.to_lowercase()).collect();
        let hay32: Vec<Utf32String> = hay.iter().map(|h| Utf32String::from(h.as_str())).collect();
        let lower_names: Vec<String> = rows.iter().map(|r| r.name.to_lowercase()).collect();
        let skim = SkimMatcherV2::default().ignore_case();
        let mut nucleo = Matcher::new(Config::DEFAULT);

        // Do all three select the same pilots?
        let mut same = true;
        for q in prefixes()
            .iter()
            .chain(["a", "claims 0001", "Hana Gill", "risk fin", "ekström"].iter())
        {
            let a = skim_hits(&skim, &hay, None, q);
            let b = nucleo_hits(&mut nucleo, &hay32, None, q);
            let c = plain_hits(&lower, None, q);
            if !same_rows(&a, &b) || !same_rows(&a, &c) {
                same = false;
                eprintln!(
                    "{q:?}: fuzzy-matcher {} / nucleo-matcher {} / subsequence {} pilots",
                    a.len(),
                    b.len(),
                    c.len()
                );
            }
        }
        let same = if same { "yes" } else { "no" };

        // Matching alone.
        let fmt_skim = per_keystroke(runs, |q, _| {
            rows.iter()
                .enumerate()
                .filter_map(|(i, r)| skim.fuzzy_match(&haystack(r), q).map(|s| (i, s)))
                .collect()
        });
        let fmt_nucleo = per_keystroke(runs, |q, _| {
            let a = atom(q);
            let mut buf = Vec::new();
            rows.iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let h = haystack(r);
                    a.score(Utf32Str::new(&h, &mut buf), &mut nucleo)
                        .map(|s| (i, i64::from(s)))
                })
                .collect()
        });
        matching.push(format!(
            "| haystacks formatted per keystroke | {n} | {} | {} | | {same} |",
            pair(fmt_skim),
            pair(fmt_nucleo)
        ));
        let c_skim = per_keystroke(runs, |q, _| skim_hits(&skim, &hay, None, q));
        let c_nucleo = per_keystroke(runs, |q, _| nucleo_hits(&mut nucleo, &hay32, None, q));
        let c_plain = per_keystroke(runs, |q, _| plain_hits(&lower, None, q));
        matching.push(format!(
            "| haystacks cached | {n} | {} | {} | {} | {same} |",
            pair(c_skim),
            pair(c_nucleo),
            pair(c_plain)
        ));
        let i_skim = per_keystroke(runs, |q, prev| skim_hits(&skim, &hay, prev, q));
        let i_nucleo = per_keystroke(runs, |q, prev| nucleo_hits(&mut nucleo, &hay32, prev, q));
        let i_plain = per_keystroke(runs, |q, prev| plain_hits(&lower, prev, q));
        matching.push(format!(
            "| cached, and a longer query re-checks only the last matches | {n} | {} | {} | {} | {same} |",
            pair(i_skim),
            pair(i_nucleo),
            pair(i_plain)
        ));
        let hl_skim = median(runs, || {
            for h in hay.iter().take(48) {
                black_box(skim.fuzzy_indices(h, "fraudag"));
            }
        });
        let a = atom("fraudag");
        let mut idx = Vec::new();
        let hl_nucleo = median(runs, || {
            for h in hay32.iter().take(48) {
                idx.clear();
                black_box(a.indices(h.slice(..), &mut nucleo, &mut idx));
            }
        });
        matching.push(format!(
            "| matched letters of the 48 visible rows (highlighting) | {n} | {} | {} | | |",
            ms(hl_skim),
            ms(hl_nucleo)
        ));

        // The whole recompute for a typed filter in the default order
        // (best match first, then name).
        let now = per_keystroke(runs, |q, _| {
            black_box(recompute_now(&rows, q));
            Vec::new()
        });
        let p_skim = per_keystroke(runs, |q, prev| {
            let hits = skim_hits(&skim, &hay, prev, q);
            black_box(view_from(&hits, &lower_names));
            hits
        });
        let p_nucleo = per_keystroke(runs, |q, prev| {
            let hits = nucleo_hits(&mut nucleo, &hay32, prev, q);
            black_box(view_from(&hits, &lower_names));
            hits
        });
        pipeline.push(format!(
            "| {n} | {} | {} | {} |",
            pair(now),
            pair(p_skim),
            pair(p_nucleo)
        ));

        // Sorting by a column (S): names lowercased in every comparison,
        // as data.rs first did, against lowercase names computed once.
        let view: Vec<usize> = (0..n).collect();
        let by = |a: usize, b: usize| rag_rank(&rows[a], 0).cmp(&rag_rank(&rows[b], 0));
        let sort_now = || {
            let mut v = view.clone();
            let name = |i: usize| rows[i].name.to_lowercase();
            v.sort_by(|&a, &b| by(a, b).then_with(|| name(a).cmp(&name(b))));
            v
        };
        let sort_cached = || {
            let mut v = view.clone();
            v.sort_by(|&a, &b| by(a, b).then_with(|| lower_names[a].cmp(&lower_names[b])));
            v
        };
        assert_eq!(sort_now(), sort_cached());
        let s_now = median(runs, || {
            black_box(sort_now());
        });
        let s_cached = median(runs, || {
            black_box(sort_cached());
        });
        sorts.push(format!("| {n} | {} | {} |", ms(s_now), ms(s_cached)));
    }
    println!("Matching the filter, per keystroke of \"{QUERY}\" typed letter by letter (mean / worst):\n");
    println!("| how | pilots | fuzzy-matcher | nucleo-matcher | subsequence test (no score) | same pilots |");
    println!("|---|--:|--:|--:|--:|---|");
    for l in matching {
        println!("{l}");
    }
    println!("\nThe portfolio view for a typed filter, match + rank + sort (mean / worst keystroke):\n");
    println!(
        "| pilots | first data.rs: fuzzy-matcher, haystack per key | cached + narrowing, fuzzy-matcher | cached + narrowing, nucleo-matcher (data.rs now) |"
    );
    println!("|--:|--:|--:|--:|");
    for l in pipeline {
        println!("{l}");
    }
    println!("\nSorting by a column then name (S):\n");
    println!("| pilots | to_lowercase in every comparison (first data.rs) | lowercase names computed once |");
    println!("|--:|--:|--:|");
    for l in sorts {
        println!("{l}");
    }
}
