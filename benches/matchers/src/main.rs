//! The portfolio filter and sort, measured apart from the terminal: what a
//! keystroke in the fuzzy filter and a sort key cost at 10,000 and 100,000
//! pilots with fuzzy-matcher (as `src/ui/data.rs` uses it) and with
//! nucleo-matcher, on the same haystacks (`lastmile::ui::data::haystack`),
//! and whether both select the same pilots.
//!
//! Usage: `lastmile-matchers FIXTURE.db [FIXTURE.db ...]` (scripts/bench.sh
//! passes the benchmark fixtures). Prints one Markdown table of medians.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use lastmile::playbook::Playbook;
use lastmile::store::{OpenMode, PilotRow, Store};
use lastmile::ui::data::haystack;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32String};
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

fn skim_filter(m: &SkimMatcherV2, hay: &[String], among: Option<&[usize]>, q: &str) -> Vec<usize> {
    match among {
        Some(ids) => ids
            .iter()
            .copied()
            .filter(|&i| m.fuzzy_match(&hay[i], q).is_some())
            .collect(),
        None => (0..hay.len())
            .filter(|&i| m.fuzzy_match(&hay[i], q).is_some())
            .collect(),
    }
}

fn nucleo_filter(m: &mut Matcher, hay: &[Utf32String], among: Option<&[usize]>, q: &str) -> Vec<usize> {
    let p = Atom::new(q, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy, false);
    let mut hit = |i: usize| p.score(hay[i].slice(..), m).is_some();
    match among {
        Some(ids) => ids.iter().copied().filter(|&i| hit(i)).collect(),
        None => (0..hay.len()).filter(|&i| hit(i)).collect(),
    }
}

/// Whether `q` (lowercase) is a subsequence of `h` (lowercase): the
/// membership test both matchers reduce to, without scoring.
fn subsequence(h: &str, q: &str) -> bool {
    let mut hs = h.chars();
    q.chars().all(|c| hs.any(|x| x == c))
}

fn plain_filter(hay: &[String], among: Option<&[usize]>, q: &str) -> Vec<usize> {
    let q = q.to_lowercase();
    match among {
        Some(ids) => ids.iter().copied().filter(|&i| subsequence(&hay[i], &q)).collect(),
        None => (0..hay.len()).filter(|&i| subsequence(&hay[i], &q)).collect(),
    }
}

/// Mean time per keystroke over the prefixes of [`QUERY`]; `run(q, prev)`
/// filters for `q` given the previous keystroke's matches.
fn per_keystroke(runs: usize, mut run: impl FnMut(&str, Option<&[usize]>) -> Vec<usize>) -> (Duration, Duration) {
    let mut total = Duration::ZERO;
    let mut worst = Duration::ZERO;
    let mut prev: Option<Vec<usize>> = None;
    for q in prefixes() {
        let d = median(runs, || {
            black_box(run(q, prev.as_deref()));
        });
        prev = Some(run(q, prev.as_deref()));
        total += d;
        worst = worst.max(d);
    }
    (total / QUERY.len() as u32, worst)
}

fn rag_rank(r: &PilotRow, d: usize) -> u8 {
    r.dimensions[d].map_or(0, |x| x as u8 + 1)
}

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: lastmile-matchers FIXTURE.db [FIXTURE.db ...]");
        std::process::exit(2);
    }
    let pb = Playbook::builtin();
    println!("| step | pilots | fuzzy-matcher | nucleo-matcher | subsequence test | same pilots |");
    println!("|---|--:|--:|--:|--:|---|");
    let mut sorts = Vec::new();
    for path in paths {
        let store = Store::open(path.as_ref(), OpenMode::Existing, "bench").expect("open fixture");
        let rows = store.portfolio(&pb, 45).expect("portfolio");
        let n = rows.len();
        let runs = if n > 50_000 { 7 } else { 21 };
        let hay: Vec<String> = rows.iter().map(haystack).collect();
        let lower: Vec<String> = hay.iter().map(|h| h.to_lowercase()).collect();
        let hay32: Vec<Utf32String> = hay.iter().map(|h| Utf32String::from(h.as_str())).collect();
        let skim = SkimMatcherV2::default().ignore_case();
        let mut nucleo = Matcher::new(Config::DEFAULT);

        // Do both select the same pilots for every prefix?
        let mut same = true;
        for q in prefixes()
            .iter()
            .chain(["a", "claims 0001", "Hana Gill", "risk fin"].iter())
        {
            let (a, b) = (
                skim_filter(&skim, &hay, None, q),
                nucleo_filter(&mut nucleo, &hay32, None, q),
            );
            if a != plain_filter(&lower, None, q) {
                same = false;
                eprintln!("{q:?}: the subsequence test differs from fuzzy-matcher");
            }
            if a != b {
                same = false;
                let only_a: Vec<&String> = a.iter().filter(|i| !b.contains(i)).take(3).map(|&i| &hay[i]).collect();
                let only_b: Vec<&String> = b.iter().filter(|i| !a.contains(i)).take(3).map(|&i| &hay[i]).collect();
                eprintln!(
                    "{q:?}: fuzzy-matcher {} / nucleo {}; only fuzzy-matcher {only_a:?}; only nucleo {only_b:?}",
                    a.len(),
                    b.len()
                );
            }
        }
        let same = if same { "yes" } else { "no" };

        // As src/ui/data.rs does it today: the haystack formatted again for
        // every row on every keystroke, every row matched.
        let (now, now_worst) = per_keystroke(runs, |q, _| {
            let m = SkimMatcherV2::default().ignore_case();
            rows.iter()
                .enumerate()
                .filter(|(_, r)| m.fuzzy_match(&haystack(r), q).is_some())
                .map(|(i, _)| i)
                .collect()
        });
        let (nu_fmt, nu_fmt_worst) = per_keystroke(runs, |q, _| {
            let p = Atom::new(q, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy, false);
            let mut buf = Vec::new();
            rows.iter()
                .enumerate()
                .filter(|(_, r)| {
                    let h = haystack(r);
                    p.score(nucleo_matcher::Utf32Str::new(&h, &mut buf), &mut nucleo)
                        .is_some()
                })
                .map(|(i, _)| i)
                .collect()
        });
        println!(
            "| filter keystroke, haystacks formatted per key (mean / worst) | {n} | {} / {} | {} / {} | | {same} |",
            ms(now),
            ms(now_worst),
            ms(nu_fmt),
            ms(nu_fmt_worst)
        );
        // Haystacks built once when rows load, every row matched.
        let (sk, sk_w) = per_keystroke(runs, |q, _| skim_filter(&skim, &hay, None, q));
        let (nu, nu_w) = per_keystroke(runs, |q, _| nucleo_filter(&mut nucleo, &hay32, None, q));
        let (pl, pl_w) = per_keystroke(runs, |q, _| plain_filter(&lower, None, q));
        println!(
            "| filter keystroke, haystacks cached (mean / worst) | {n} | {} / {} | {} / {} | {} / {} | {same} |",
            ms(sk),
            ms(sk_w),
            ms(nu),
            ms(nu_w),
            ms(pl),
            ms(pl_w)
        );
        // Cached, and a letter added to the query only re-checks the
        // pilots the shorter query matched.
        let (ski, ski_w) = per_keystroke(runs, |q, prev| skim_filter(&skim, &hay, prev, q));
        let (nui, nui_w) = per_keystroke(runs, |q, prev| nucleo_filter(&mut nucleo, &hay32, prev, q));
        let (pli, pli_w) = per_keystroke(runs, |q, prev| plain_filter(&lower, prev, q));
        println!(
            "| filter keystroke, cached + narrowing (mean / worst) | {n} | {} / {} | {} / {} | {} / {} | {same} |",
            ms(ski),
            ms(ski_w),
            ms(nui),
            ms(nui_w),
            ms(pli),
            ms(pli_w)
        );
        // Highlighting: match positions for one screen of rows (48).
        let visible: Vec<&String> = hay.iter().take(48).collect();
        let hl_sk = median(runs, || {
            for h in &visible {
                black_box(skim.fuzzy_indices(h, "fraudag"));
            }
        });
        let pat = Atom::new(
            "fraudag",
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
            false,
        );
        let mut idx = Vec::new();
        let hl_nu = median(runs, || {
            for h in hay32.iter().take(48) {
                idx.clear();
                black_box(pat.indices(h.slice(..), &mut nucleo, &mut idx));
            }
        });
        println!(
            "| highlight matched letters, 48 visible rows | {n} | {} | {} | | |",
            ms(hl_sk),
            ms(hl_nu)
        );

        // The sort (not a matcher question): by name as
        // data.rs compares, lowercasing both names in every comparison,
        // against lowercase names computed once per load.
        let view: Vec<usize> = (0..n).collect();
        let sort_now = |key: usize| {
            let mut v = view.clone();
            let name = |i: usize| rows[i].name.to_lowercase();
            v.sort_by(|&a, &b| {
                let ord = match key {
                    0 => std::cmp::Ordering::Equal,
                    _ => rag_rank(&rows[a], 0).cmp(&rag_rank(&rows[b], 0)),
                };
                ord.then_with(|| name(a).cmp(&name(b)))
            });
            v
        };
        let lower_names: Vec<String> = rows.iter().map(|r| r.name.to_lowercase()).collect();
        let sort_cached = |key: usize| {
            let mut v = view.clone();
            v.sort_by(|&a, &b| {
                let ord = match key {
                    0 => std::cmp::Ordering::Equal,
                    _ => rag_rank(&rows[a], 0).cmp(&rag_rank(&rows[b], 0)),
                };
                ord.then_with(|| lower_names[a].cmp(&lower_names[b]))
            });
            v
        };
        assert_eq!(sort_now(1), sort_cached(1));
        let s_now = median(runs, || {
            black_box(sort_now(1));
        });
        let s_cached = median(runs, || {
            black_box(sort_cached(1));
        });
        sorts.push(format!(
            "| readiness column then name | {n} | {} | {} |",
            ms(s_now),
            ms(s_cached)
        ));
    }
    println!("\n| sort | pilots | to_lowercase in every comparison (now) | lowercase names computed once |");
    println!("|---|--:|--:|--:|");
    for s in sorts {
        println!("{s}");
    }
}
