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
//! * `list/attention_items`: the Attention screen's read of the open items
//!   overdue and due within a week (at most 2,000 each, with the totals);
//! * `cli/status_json`: the `lastmile status --json` process, start to exit.
//!
//! After the run the binary prints one table of medians (from criterion's
//! `target/criterion/**/new/estimates.json`) with the targets.

use chrono::NaiveDate;
use criterion::measurement::WallTime;
use criterion::{black_box, BenchmarkGroup, BenchmarkId, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lastmile::clock::Clock;
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
    // A fixture written at an older schema version is rebuilt, never
    // upgraded in place (an upgraded file keeps the old layout's free pages).
    let version = |p: &Path| -> i64 {
        rusqlite::Connection::open(p)
            .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
            .unwrap_or(0)
    };
    if path.exists() && version(&path) != lastmile::store::SCHEMA_VERSION {
        remove_db(&path);
    }
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
        let mut store =
            Store::open_with_clock(&tmp, OpenMode::Create, "bench", Clock::fixed(today())).expect("create fixture");
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
    let store = Store::open_with_clock(path, OpenMode::Existing, "bench", Clock::fixed(today())).expect("open");
    let app = App::new(store, Playbook::builtin(), Config::default()).expect("app");
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

/// One key-to-frame benchmark on its own workbench, opened (and brought to
/// the screen the benchmark needs by `prelude`) only when criterion runs
/// it, so a filtered `cargo bench` skips the set-up too.
fn key_bench(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    n: usize,
    path: &dyn Fn() -> PathBuf,
    prelude: &[KeyEvent],
    mut next: impl FnMut() -> (KeyEvent, bool),
) {
    let mut ui: Option<(App, Terminal<TestBackend>)> = None;
    g.bench_function(BenchmarkId::new(name, n), |b| {
        let (app, term) = ui.get_or_insert_with(|| {
            let (mut app, mut term) = open_app(&path());
            for k in prelude {
                setup_key(&mut app, &mut term, *k);
            }
            (app, term)
        });
        b.iter_custom(|iters| keys(app, term, iters, &mut next))
    });
}

fn key_to_frame(c: &mut Criterion) {
    let mut g = c.benchmark_group("key");
    g.sample_size(30)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    for n in sizes() {
        let fixture_path = move || fixture(n);
        let path: &dyn Fn() -> PathBuf = &fixture_path;

        // j / k on the portfolio: 200 rows down, 200 up, again.
        let mut i = 0u64;
        key_bench(&mut g, "move_selection", n, path, &[], || {
            i += 1;
            (ch(if (i / 200).is_multiple_of(2) { 'j' } else { 'k' }), true)
        });

        // Page down through the table, back to the top every 50 pages.
        let mut i = 0u64;
        key_bench(&mut g, "page_down", n, path, &[], || {
            i += 1;
            if i.is_multiple_of(51) {
                (ch('g'), false)
            } else {
                (key(KeyCode::PageDown), true)
            }
        });

        // Tab through the six screens (portfolio, three boards, decision
        // log, attention), each drawn once.
        key_bench(&mut g, "switch_screen", n, path, &[], || (key(KeyCode::Tab), true));

        // Open the selected pilot's detail (enter) and go back (esc).
        let mut i = 0u64;
        key_bench(&mut g, "open_detail_and_back", n, path, &[], || {
            i += 1;
            match i % 3 {
                0 => (ch('j'), false),
                1 => (key(KeyCode::Enter), true),
                _ => (key(KeyCode::Esc), true),
            }
        });

        // The fuzzy filter typed one letter at a time: "/" opens it
        // (untimed), each letter is timed, esc clears it (untimed here;
        // timed in filter_clear).
        let query: Vec<char> = "fraudagent".chars().collect();
        let mut pos = 0usize;
        key_bench(&mut g, "filter_keystroke", n, path, &[], || {
            pos += 1;
            match pos {
                1 => (ch('/'), false),
                p if p <= query.len() + 1 => (ch(query[p - 2]), true),
                _ => {
                    pos = 0;
                    (key(KeyCode::Esc), false)
                }
            }
        });

        // esc on a typed filter ("frau"): the whole portfolio comes back.
        let mut pos = 0usize;
        key_bench(&mut g, "filter_clear", n, path, &[], || {
            pos += 1;
            match pos {
                1 => (ch('/'), false),
                2..=5 => (ch(query[pos - 2]), false),
                _ => {
                    pos = 0;
                    (key(KeyCode::Esc), true)
                }
            }
        });

        // Sort by the next column (S), cycling through all of them.
        key_bench(&mut g, "sort_next_column", n, path, &[], || (ch('S'), true));

        // Table / heatmap view (v).
        key_bench(&mut g, "toggle_heatmap", n, path, &[], || (ch('v'), true));

        // Toggle a checklist item done / not done on the Scaffolding board
        // (space): a real write (transaction, audit event, triggers), the
        // pilot's row and detail read again, the frame drawn. On a scratch
        // copy, so the fixture stays as built.
        let copy = move || scratch_copy(n);
        key_bench(
            &mut g,
            "toggle_checklist_item",
            n,
            &copy,
            &[ch('3'), key(KeyCode::Right)],
            || (ch(' '), true),
        );
        remove_db(&data_dir().join(format!("scratch-{n}.db")));
    }
    g.finish();
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

/// Portfolio-wide lists read from the store when their screen is opened
/// (or opened again after a change).
fn lists(c: &mut Criterion) {
    let mut g = c.benchmark_group("list");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    for n in sizes() {
        let store = Store::open(&fixture(n), OpenMode::Existing, "bench").expect("open");
        let day = 45;
        // What the Attention screen reads: the open items overdue and those
        // due in the coming week, at most 2,000 each, with their totals.
        g.bench_function(BenchmarkId::new("attention_items", n), |b| {
            b.iter(|| {
                for (from, before) in [(i64::MIN, day), (day, day + 8)] {
                    black_box(store.open_items_due_between(from, before, 2000).expect("read"));
                }
            })
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
        // The real binary in a 200x50 pseudo-terminal: from spawning the
        // process to the first frame on screen (the first pilot's name
        // shown), then quit. Start-up, config, log file, raw mode and the
        // terminal output included.
        let first_name = Store::open(&path, OpenMode::Existing, "bench")
            .and_then(|s| s.portfolio(&Playbook::builtin(), 45))
            .expect("portfolio")
            .first()
            .map(|r| r.name.clone())
            .unwrap_or_default();
        let home = tempfile::tempdir().expect("temporary home");
        std::fs::write(home.path().join("config.toml"), "# defaults\n").expect("write config");
        g.bench_function(BenchmarkId::new("workbench_first_frame_pty", n), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += pty_first_frame(&path, home.path(), &first_name);
                }
                total
            })
        });
        // The harness's own cost: a plain `echo` of the same marker in the
        // same pseudo-terminal, so the first frame can be read as start-up
        // beyond what any program pays here.
        g.bench_function(BenchmarkId::new("echo_pty_baseline", n), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut cmd = portable_pty::CommandBuilder::new("echo");
                    cmd.arg(&first_name);
                    total += pty_until(cmd, &first_name);
                }
                total
            })
        });
    }
    g.finish();
}

/// Start `lastmile --db path` in a pseudo-terminal and time until `marker`
/// is on its screen; then end it.
fn pty_first_frame(path: &Path, home: &Path, marker: &str) -> Duration {
    let mut cmd = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_lastmile"));
    cmd.arg("--db");
    cmd.arg(path);
    cmd.env("LASTMILE_TODAY", today().to_string());
    cmd.env("LASTMILE_CONFIG", home.join("config.toml"));
    cmd.env("HOME", home);
    cmd.env("XDG_STATE_HOME", home.join("state"));
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("TERM", "xterm-256color");
    pty_until(cmd, marker)
}

/// Spawn `cmd` in a 200x50 pseudo-terminal and time until `marker` is on
/// its screen; then end it.
fn pty_until(cmd: portable_pty::CommandBuilder, marker: &str) -> Duration {
    use portable_pty::{native_pty_system, PtySize};
    use std::io::Read;
    let size = PtySize {
        rows: HEIGHT,
        cols: WIDTH,
        pixel_width: 0,
        pixel_height: 0,
    };
    let pair = native_pty_system().openpty(size).expect("pty");
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let started = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).expect("spawn lastmile");
    drop(pair.slave);
    let mut screen = vt100::Parser::new(HEIGHT, WIDTH, 0);
    let mut buf = [0u8; 1 << 16];
    let took = loop {
        let n = reader.read(&mut buf).unwrap_or(0);
        assert!(
            n > 0,
            "the program exited before drawing:\n{}",
            screen.screen().contents()
        );
        screen.process(&buf[..n]);
        if screen.screen().contents().contains(marker) {
            break started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no first frame after 30 s");
    };
    let _ = child.kill();
    let _ = child.wait();
    took
}

/// The target for a benchmark: its wording and the limit in
/// milliseconds at each portfolio size it applies to.
fn target_of(group: &str, name: &str) -> Option<(&'static str, &'static [(usize, f64)])> {
    match (group, name) {
        ("first_frame", _) => Some((
            "< 50 ms at 10,000; < 300 ms at 100,000",
            &[(10_000, 50.0), (100_000, 300.0)],
        )),
        ("key", _) => Some((
            "< 4 ms at 10,000; < 16 ms at 100,000",
            &[(10_000, 4.0), (100_000, 16.0)],
        )),
        _ => None,
    }
}

fn shown(ns: f64) -> String {
    let ms = ns / 1e6;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{:.0} µs", ns / 1e3)
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

/// Print the medians measured by this run as one table (a column per
/// portfolio size) and keep a copy in `target/bench-data/table.md` for
/// scripts/bench.sh.
fn print_table(started: SystemTime) {
    let results = results_since(started);
    if results.is_empty() {
        return;
    }
    let mut sizes: Vec<usize> = results.iter().map(|r| r.2).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut names: Vec<(String, String)> = results.iter().map(|r| (r.0.clone(), r.1.clone())).collect();
    let rank = |g: &str| {
        ["first_frame", "key", "export", "list", "cli"]
            .iter()
            .position(|x| *x == g)
            .unwrap_or(9)
    };
    names.sort_by(|a, b| (rank(&a.0), &a.1).cmp(&(rank(&b.0), &b.1)));
    names.dedup();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let mut out = String::new();
    out.push_str(&format!(
        "Criterion medians, load average {} when the run ended.\n\n",
        load.join(" ")
    ));
    out.push_str("| benchmark |");
    for n in &sizes {
        out.push_str(&format!(" {n} pilots |"));
    }
    out.push_str(" target | |\n|---|");
    for _ in &sizes {
        out.push_str("--:|");
    }
    out.push_str("---|---|\n");
    for (group, name) in names {
        let label = if name.is_empty() {
            group.clone()
        } else {
            format!("{group}/{name}")
        };
        out.push_str(&format!("| {label} |"));
        let median = |n: usize| {
            results
                .iter()
                .find(|r| r.0 == group && r.1 == name && r.2 == n)
                .map(|r| r.3)
        };
        for &n in &sizes {
            out.push_str(&format!(" {} |", median(n).map(shown).unwrap_or_default()));
        }
        let baseline = |n: usize| {
            results
                .iter()
                .find(|r| r.0 == "cli" && r.1 == "echo_pty_baseline" && r.2 == n)
                .map(|r| r.3)
        };
        let (text, verdict) = match target_of(&group, &name) {
            // Within 50 ms of the harness's `echo` at 10,000 pilots.
            None if group == "cli" && name == "workbench_first_frame_pty" => {
                let v = match (median(10_000), baseline(10_000)) {
                    (Some(ours), Some(echo)) => {
                        let over = (ours - echo) / 1e6;
                        format!(
                            "{} at 10000: {over:.0} ms over the echo baseline",
                            if over < 50.0 { "met" } else { "MISSED" }
                        )
                    }
                    _ => String::new(),
                };
                ("< echo baseline + 50 ms at 10,000", v)
            }
            Some((text, limits)) => {
                let v: Vec<String> = limits
                    .iter()
                    .filter_map(|&(n, limit)| {
                        let ms = median(n)? / 1e6;
                        Some(if ms < limit {
                            format!("met at {n}")
                        } else {
                            format!("MISSED at {n} by {:.0}%", (ms / limit - 1.0) * 100.0)
                        })
                    })
                    .collect();
                (text, v.join("; "))
            }
            None => ("", String::new()),
        };
        out.push_str(&format!(" {text} | {verdict} |\n"));
    }
    println!("\n{out}");
    let _ = std::fs::write(data_dir().join("table.md"), out);
}

fn main() {
    let started = SystemTime::now() - Duration::from_secs(1);
    let mut c = Criterion::default().configure_from_args();
    first_frame(&mut c);
    key_to_frame(&mut c);
    exports(&mut c);
    lists(&mut c);
    cli(&mut c);
    c.final_summary();
    print_table(started);
}
