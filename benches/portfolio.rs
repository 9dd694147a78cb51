//! Portfolio-scale benchmarks (issue "Fast at portfolio scale").
//!
//! Run with `cargo bench --bench portfolio` (or `scripts/bench.sh`, which
//! adds the CLI comparisons, peak memory and the machine). Every benchmark
//! runs on deterministic synthetic portfolios of 1,000 and 10,000 pilots
//! (`lastmile demo --pilots N --seed 1`); `LASTMILE_BENCH_100K=1` adds
//! 100,000, and `LASTMILE_BENCH_SIZES=10000,100000` picks the sizes exactly.
//!
//! The fixture files are built once into `target/bench-data/` and reused
//! while their programme name still says the same N and seed. Benchmarks
//! that write (toggling a checklist item) work on a scratch copy, so the
//! fixtures never change.
//!
//! What is timed:
//! * `first_frame`: open the file, `App::new` (reads the portfolio), and
//!   draw the portfolio screen once on a 200x50 `TestBackend`;
//! * `key/*`: one key press through `App::handle_key` and the next frame
//!   drawn on the same terminal (what the event loop does per key);
//! * `export/*`: the decision log in every format and the pack as HTML,
//!   rendered into memory from an open store;
//! * `cli/status_json`: the `lastmile status --json` process, start to exit.
//!
//! After the run the binary prints one table of medians (from criterion's
//! `target/criterion/**/new/estimates.json`) with the targets.

use chrono::NaiveDate;
use criterion::{black_box, BenchmarkId, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lastmile::export::{self, Format};
use lastmile::playbook::Playbook;
use lastmile::store::{DecisionFilter, OpenMode, Store};
use lastmile::ui::{App, Config};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

const SEED: u64 = 1;
const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;

/// The day the fixtures are built and opened on (programme day 45).
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
}

fn sizes() -> Vec<usize> {
    if let Ok(list) = std::env::var("LASTMILE_BENCH_SIZES") {
        let parsed: Vec<usize> = list
            .split([',', ' '])
            .filter_map(|s| s.trim().replace('_', "").parse().ok())
            .collect();
        if !parsed.is_empty() {
            return parsed;
        }
    }
    let mut out = vec![1_000, 10_000];
    if std::env::var("LASTMILE_BENCH_100K").is_ok_and(|v| v == "1") {
        out.push(100_000);
    }
    out
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn data_dir() -> PathBuf {
    let dir = target_dir().join("bench-data");
    std::fs::create_dir_all(&dir).expect("create target/bench-data");
    dir
}

fn programme_name(n: usize) -> String {
    format!("Synthetic portfolio ({n} pilots, seed {SEED})")
}

/// The fixture file for `n` pilots: built on first use, then reused while
/// it holds the same portfolio in the same schema.
fn fixture(n: usize) -> PathBuf {
    let path = data_dir().join(format!("pilots-{n}-seed-{SEED}.db"));
    if path.exists() {
        let current = schema(&Store::open_in_memory("bench").expect("in-memory store"));
        let ok = Store::open(&path, OpenMode::Existing, "bench")
            .and_then(|s| {
                Ok(s.programme()?.name == programme_name(n) && s.pilot_names()?.len() == n && schema(&s) == current)
            })
            .unwrap_or(false);
        if ok {
            return path;
        }
        remove_db(&path);
    }
    let tmp = path.with_extension(format!("building-{}", std::process::id()));
    remove_db(&tmp);
    let started = Instant::now();
    eprintln!("building the {n}-pilot fixture {} ...", path.display());
    {
        let mut store = Store::open(&tmp, OpenMode::Create, "bench").expect("create fixture");
        lastmile::demo::load_synthetic(&mut store, &Playbook::builtin(), today(), n, SEED).expect("load synthetic");
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint");
    }
    std::fs::rename(&tmp, &path).expect("move fixture into place");
    remove_db(&tmp);
    eprintln!("built in {:.1} s", started.elapsed().as_secs_f64());
    path
}

/// The schema of a file, to rebuild fixtures made by an older build.
fn schema(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare("SELECT coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
        .expect("read schema");
    let rows = stmt.query_map([], |r| r.get(0)).expect("read schema");
    rows.collect::<Result<_, _>>().expect("read schema")
}

/// A writable copy of the fixture for benchmarks that change it.
fn scratch_copy(n: usize) -> PathBuf {
    let from = fixture(n);
    let to = data_dir().join(format!("scratch-{n}.db"));
    remove_db(&to);
    std::fs::copy(&from, &to).expect("copy fixture");
    to
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), mods)
}

/// Open a file as the workbench does and draw the first frame.
fn open_app(path: &Path) -> (App, Terminal<TestBackend>) {
    let store = Store::open(path, OpenMode::Existing, "bench").expect("open");
    let app = App::new(store, Playbook::builtin(), today(), Config::default()).expect("app");
    let mut term = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal");
    term.draw(|f| app.draw(f)).expect("draw");
    (app, term)
}

/// Press one key and draw the next frame; returns the time both took.
fn press(app: &mut App, term: &mut Terminal<TestBackend>, k: KeyEvent) -> Duration {
    let t = Instant::now();
    app.handle_key(k);
    term.draw(|f| app.draw(f)).expect("draw");
    t.elapsed()
}

/// Press a key and draw, untimed (setting up the next timed key).
fn setup_key(app: &mut App, term: &mut Terminal<TestBackend>, k: KeyEvent) {
    press(app, term, k);
}

fn first_frame(c: &mut Criterion) {
    let mut g = c.benchmark_group("first_frame");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    for n in sizes() {
        let path = fixture(n);
        if n >= 100_000 {
            g.sample_size(10).measurement_time(Duration::from_secs(10));
        }
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = Instant::now();
                    let opened = open_app(&path);
                    total += t.elapsed();
                    // Closing the file is not part of the first frame.
                    drop(black_box(opened));
                }
                total
            })
        });
    }
    g.finish();
}

/// Time `iters` key presses; `next(i)` gives the i-th key and whether it is
/// timed (untimed keys set up the next timed one).
fn keys(
    app: &mut App,
    term: &mut Terminal<TestBackend>,
    iters: u64,
    next: &mut dyn FnMut() -> (KeyEvent, bool),
) -> Duration {
    let mut total = Duration::ZERO;
    let mut done = 0;
    while done < iters {
        let (k, timed) = next();
        if timed {
            total += press(app, term, k);
            done += 1;
        } else {
            setup_key(app, term, k);
        }
    }
    total
}

fn key_to_frame(c: &mut Criterion) {
    let mut g = c.benchmark_group("key");
    g.sample_size(30)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    for n in sizes() {
        let path = fixture(n);
        let (mut app, mut term) = open_app(&path);

        // j / k on the portfolio: 200 rows down, 200 up, again.
        let mut i = 0u64;
        g.bench_function(BenchmarkId::new("move_selection", n), |b| {
            b.iter_custom(|iters| {
                keys(&mut app, &mut term, iters, &mut || {
                    i += 1;
                    let k = if (i / 200) % 2 == 0 { 'j' } else { 'k' };
                    (ch(k), true)
                })
            })
        });

        // Page down through the table, back to the top every 50 pages.
        let mut i = 0u64;
        g.bench_function(BenchmarkId::new("page_down", n), |b| {
            b.iter_custom(|iters| {
                keys(&mut app, &mut term, iters, &mut || {
                    i += 1;
                    if i % 51 == 0 {
                        (ch('g'), false)
                    } else {
                        (key(KeyCode::PageDown), true)
                    }
                })
            })
        });

        // Tab through the six screens (portfolio, three boards, decision
        // log, attention), each drawn once.
        g.bench_function(BenchmarkId::new("switch_screen", n), |b| {
            b.iter_custom(|iters| keys(&mut app, &mut term, iters, &mut || (key(KeyCode::Tab), true)))
        });
        setup_key(&mut app, &mut term, ch('1'));

        // Open the selected pilot's detail and go back.
        let mut i = 0u64;
        g.bench_function(BenchmarkId::new("open_detail_and_back", n), |b| {
            b.iter_custom(|iters| {
                keys(&mut app, &mut term, iters, &mut || {
                    i += 1;
                    match i % 3 {
                        0 => (ch('j'), false),
                        1 => (key(KeyCode::Enter), true),
                        _ => (key(KeyCode::Esc), true),
                    }
                })
            })
        });
        setup_key(&mut app, &mut term, ch('1'));
        setup_key(&mut app, &mut term, ch('g'));

        // The fuzzy filter, typed one letter at a time: "/" opens it
        // (untimed), each letter is timed, esc clears it (untimed; see
        // filter_clear).
        let query: Vec<char> = "fraudagent".chars().collect();
        let mut pos = 0usize;
        g.bench_function(BenchmarkId::new("filter_keystroke", n), |b| {
            b.iter_custom(|iters| {
                keys(&mut app, &mut term, iters, &mut || {
                    pos += 1;
                    match pos {
                        1 => (ch('/'), false),
                        p if p <= query.len() + 1 => (ch(query[p - 2]), true),
                        _ => {
                            pos = 0;
                            (key(KeyCode::Esc), false)
                        }
                    }
                })
            })
        });
        // esc on a typed filter: the whole portfolio comes back.
        let mut pos = 0usize;
        g.bench_function(BenchmarkId::new("filter_clear", n), |b| {
            b.iter_custom(|iters| {
                keys(&mut app, &mut term, iters, &mut || {
                    pos += 1;
                    match pos {
                        1 => (ch('/'), false),
                        2..=5 => (ch(query[pos - 2]), false),
                        _ => {
                            pos = 0;
                            (key(KeyCode::Esc), true)
                        }
                    }
                })
            })
        });

        // Sort by the next column (S), cycling through all of them.
        g.bench_function(BenchmarkId::new("sort_next_column", n), |b| {
            b.iter_custom(|iters| keys(&mut app, &mut term, iters, &mut || (ch('S'), true)))
        });
        for _ in 0..20 {
            if !sorted_by_name(&mut app, &mut term) {
                break;
            }
        }

        // Table / heatmap view.
        g.bench_function(BenchmarkId::new("toggle_heatmap", n), |b| {
            b.iter_custom(|iters| keys(&mut app, &mut term, iters, &mut || (ch('v'), true)))
        });
        drop(app);

        // Toggle a checklist item done / not done on the Scaffolding board:
        // a real write (transaction, audit event, triggers), the pilot's row
        // and detail read again, the frame drawn.
        let scratch = scratch_copy(n);
        let (mut app, mut term) = open_app(&scratch);
        for k in [ch('3'), key(KeyCode::Right)] {
            setup_key(&mut app, &mut term, k);
        }
        g.bench_function(BenchmarkId::new("toggle_checklist_item", n), |b| {
            b.iter_custom(|iters| keys(&mut app, &mut term, iters, &mut || (ch(' '), true)))
        });
        drop(app);
        remove_db(&scratch);
    }
    g.finish();
}

/// Press S until the portfolio is sorted by name again (the default);
/// returns true while it is not.
fn sorted_by_name(app: &mut App, term: &mut Terminal<TestBackend>) -> bool {
    let screen = term
        .backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.symbol())
        .collect::<String>();
    if screen.contains("sorted by name ▲") {
        return false;
    }
    setup_key(app, term, ch('S'));
    true
}

fn exports(c: &mut Criterion) {
    let mut g = c.benchmark_group("export");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    for n in sizes() {
        let path = fixture(n);
        let store = Store::open(&path, OpenMode::Existing, "bench").expect("open");
        let pb = Playbook::builtin();
        for f in Format::ALL {
            g.bench_function(BenchmarkId::new(format!("decisions_{}", f.key()), n), |b| {
                b.iter(|| export::decisions::render(&store, f, &DecisionFilter::default()).expect("render"))
            });
        }
        if n >= 100_000 {
            g.sample_size(10).measurement_time(Duration::from_secs(10));
        }
        g.bench_function(BenchmarkId::new("pack_html", n), |b| {
            b.iter(|| export::pack::render(&store, &pb, today(), Format::Html).expect("render"))
        });
    }
    g.finish();
}

fn cli(c: &mut Criterion) {
    let mut g = c.benchmark_group("cli");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    for n in sizes() {
        let path = fixture(n);
        if n >= 100_000 {
            g.sample_size(10).measurement_time(Duration::from_secs(10));
        }
        g.bench_function(BenchmarkId::new("status_json", n), |b| {
            b.iter(|| {
                let st = std::process::Command::new(env!("CARGO_BIN_EXE_lastmile"))
                    .arg("--db")
                    .arg(&path)
                    .args(["status", "--json"])
                    .env("LASTMILE_TODAY", today().to_string())
                    .stdout(std::process::Stdio::null())
                    .status()
                    .expect("run lastmile");
                assert!(st.success());
            })
        });
    }
    g.finish();
}

/// The target for a benchmark, in milliseconds, and its wording.
fn target_of(group: &str, name: &str, n: usize) -> Option<(f64, &'static str)> {
    match (group, name) {
        ("first_frame", _) if n == 10_000 => Some((50.0, "< 50 ms")),
        ("first_frame", _) if n == 100_000 => Some((300.0, "< 300 ms")),
        ("key", _) if n <= 10_000 => Some((4.0, "< 4 ms")),
        _ => None,
    }
}

/// One row per benchmark measured by this run: `(group, name, n, median ns)`.
fn results_since(started: SystemTime) -> Vec<(String, String, usize, f64)> {
    let root = target_dir().join("criterion");
    let mut out = Vec::new();
    let Ok(groups) = std::fs::read_dir(&root) else {
        return out;
    };
    for g in groups.flatten() {
        let group = g.file_name().to_string_lossy().to_string();
        let mut dirs = vec![(g.path(), Vec::<String>::new())];
        while let Some((dir, parts)) = dirs.pop() {
            let est = dir.join("new").join("estimates.json");
            let fresh = std::fs::metadata(&est)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= started);
            if fresh {
                let v: serde_json::Value = match std::fs::read_to_string(&est).map(|s| serde_json::from_str(&s)) {
                    Ok(Ok(v)) => v,
                    _ => continue,
                };
                let median = v["median"]["point_estimate"].as_f64().unwrap_or(f64::NAN);
                let n = parts.last().and_then(|p| p.parse().ok()).unwrap_or(0);
                let name = parts[..parts.len().saturating_sub(1)].join("/");
                out.push((group.clone(), name, n, median));
            }
            if let Ok(sub) = std::fs::read_dir(&dir) {
                for s in sub.flatten() {
                    let fname = s.file_name().to_string_lossy().to_string();
                    if s.path().is_dir() && fname != "new" && fname != "base" && fname != "change" && fname != "report"
                    {
                        let mut p = parts.clone();
                        p.push(fname);
                        dirs.push((s.path(), p));
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    out
}

fn print_table(started: SystemTime) {
    let rows = results_since(started);
    if rows.is_empty() {
        return;
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "\n## lastmile benchmarks (medians; load average {} at the end)\n",
        load.join(" ")
    );
    println!("| benchmark | pilots | median | target | |");
    println!("|---|--:|--:|---|---|");
    for (group, name, n, ns) in rows {
        let ms = ns / 1e6;
        let label = if name.is_empty() {
            group.clone()
        } else {
            format!("{group}/{name}")
        };
        let (target, verdict) = match target_of(&group, &name, n) {
            Some((limit, text)) => (text, if ms < limit { "met" } else { "MISSED" }),
            None => ("", ""),
        };
        let shown = if ms >= 100.0 {
            format!("{ms:.0} ms")
        } else if ms >= 1.0 {
            format!("{ms:.2} ms")
        } else {
            format!("{:.0} µs", ns / 1e3)
        };
        println!("| {label} | {n} | {shown} | {target} | {verdict} |");
    }
}

fn main() {
    let started = SystemTime::now() - Duration::from_secs(1);
    let mut c = Criterion::default().configure_from_args();
    first_frame(&mut c);
    key_to_frame(&mut c);
    exports(&mut c);
    cli(&mut c);
    c.final_summary();
    print_table(started);
}
