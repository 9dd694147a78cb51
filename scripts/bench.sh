#!/usr/bin/env bash
# lastmile at portfolio scale: run the benchmarks and print one report.
#
#   scripts/bench.sh             1,000 and 10,000 pilots (about 6-8 minutes)
#   scripts/bench.sh --full      also 100,000 pilots, and the matcher comparison
#   scripts/bench.sh --matchers  add fuzzy-matcher vs nucleo-matcher (benches/matchers)
#   scripts/bench.sh --no-criterion  only the command-line figures (reuses fixtures)
#
# What it runs:
#   * `cargo bench --bench portfolio` (benches/portfolio.rs): first frame, key
#     to frame, exports, status --json; medians in one table;
#   * with hyperfine, each against its peer in the same run where there is
#     one: `lastmile export decisions --format csv` against the sqlite3
#     shell printing the same rows and columns as CSV (the query is in
#     target/bench-data/decision-log.sql); `lastmile verify` against
#     `PRAGMA integrity_check`; `status --json`, `export pack`, `export
#     pilots`; building the synthetic portfolio (`lastmile demo --pilots N`)
#     and importing an N-row CSV (`lastmile import pilots`);
#   * peak memory (max RSS) of `status --json`, `export pack`, `export
#     pilots --format json`, `verify`, the demo build, and of the workbench
#     itself driven through tmux for a few seconds;
#   * the terminal baseline is in the criterion table: the workbench's
#     first frame in a pseudo-terminal next to a plain `echo` there.
# Needs: cargo; for the command-line part hyperfine, sqlite3, tmux and
# /usr/bin/time (Debian: apt-get install -y hyperfine sqlite3 tmux time).
# The fixtures live in target/bench-data/ and are reused.
# The report is printed and written to target/bench-data/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."

full=0
matchers=0
criterion=1
for a in "$@"; do
  case "$a" in
    --full) full=1; matchers=1 ;;
    --matchers) matchers=1 ;;
    --no-criterion) criterion=0 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $a (see --help)" >&2; exit 2 ;;
  esac
done

sizes=(1000 10000)
if [ "$full" = 1 ]; then
  sizes+=(100000)
  export LASTMILE_BENCH_100K=1
fi
export LASTMILE_TODAY=2026-11-23
target_dir="${CARGO_TARGET_DIR:-target}"
data="$target_dir/bench-data"
mkdir -p "$data"
report="$data/report.md"
bin="$target_dir/release/lastmile"
have() { command -v "$1" >/dev/null 2>&1; }
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }

machine() {
  echo "## Machine"
  echo
  echo "- cores: $(nproc)"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "- memory: $(free -h | awk '/^Mem:/ {print $2}')"
  echo "- $(rustc --version)"
  echo "- $(uname -sr); $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- load average at the start: $(load)"
  echo
}

{
  echo "# lastmile benchmarks"
  echo
  machine
} | tee "$report"

echo "building the release binary ..." >&2
cargo build --release --quiet

if [ "$criterion" = 1 ]; then
  echo "running cargo bench (criterion) ..." >&2
  rm -f "$data/table.md"
  cargo bench --bench portfolio 2>&1 | grep -E '(^building|^built|time:)' >&2 || true
  {
    echo "## In-process benchmarks (cargo bench --bench portfolio)"
    echo
    if [ -f "$data/table.md" ]; then cat "$data/table.md"; else echo "(no results: did cargo bench fail?)"; fi
    echo
  } | tee -a "$report"
fi

fixture() { echo "$data/pilots-$1-seed-1.db"; }
for n in "${sizes[@]}"; do
  if [ ! -f "$(fixture "$n")" ]; then
    echo "building the $n-pilot fixture with lastmile demo ..." >&2
    tmp="$(fixture "$n").building-$$"
    rm -f "$tmp" "$tmp-wal" "$tmp-shm"
    "$bin" --db "$tmp" demo --pilots "$n" --seed 1 >/dev/null
    mv "$tmp" "$(fixture "$n")"
    rm -f "$tmp-wal" "$tmp-shm"
  fi
done

# The same rows and columns as `lastmile export decisions --format csv`
# (less the anchor columns it repeats on every row), from the shell.
dlog_sql="$data/decision-log.sql"
cat > "$dlog_sql" <<'SQL'
SELECT d.id, coalesce(d.pilot_name, p.name) AS pilot, d.gate, d.outcome, d.decided_on,
  coalesce(d.decided_by_name, pe.name) AS decided_by,
  (SELECT group_concat(CASE c.met WHEN 1 THEN 'Met: ' ELSE 'Not met: ' END || c.criterion, char(10))
     FROM decision_criteria c WHERE c.decision_id = d.id) AS criteria,
  (SELECT count(*) FROM decision_criteria c WHERE c.decision_id = d.id AND c.met) AS criteria_met,
  (SELECT count(*) FROM decision_criteria c WHERE c.decision_id = d.id) AS criteria_total,
  d.rationale, d.stop_conditions,
  CASE WHEN d.communicated OR n.decision_id IS NOT NULL THEN 'yes' ELSE 'no' END AS communicated,
  (SELECT min(l.id) FROM decisions l
    WHERE l.pilot_id = d.pilot_id AND l.id > d.id AND (d.gate IS NULL OR l.gate IS d.gate)) AS superseded_by,
  d.override, d.pivot_to, d.review_on, CASE WHEN d.maker_is_owner THEN 'yes' ELSE 'no' END AS maker_is_owner,
  d.recorded_at, d.recorded_by, d.hash
FROM decisions d JOIN pilots p ON p.id = d.pilot_id JOIN people pe ON pe.id = d.decided_by
LEFT JOIN decision_notices n ON n.decision_id = d.id
ORDER BY d.id;
SQL

# An N-row inventory to import (names, units, sectors, cases).
import_csv() {
  local n="$1" f="$data/import-$1.csv"
  if [ ! -f "$f" ]; then
    python3 - "$n" "$f" <<'PY'
import csv, sys
n, path = int(sys.argv[1]), sys.argv[2]
sectors = ["enterprise", "financial", "healthcare", "public"]
with open(path, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "business_unit", "sector", "business_case"])
    for i in range(n):
        w.writerow([f"Imported pilot {i:06}", f"Unit {i % 40}", sectors[i % 4], "A case to check"])
PY
  fi
  echo "$f"
}

# median seconds of one hyperfine command in a JSON export
hf_median() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[int(sys.argv[2])]["median"])' "$1" "$2"
}
ms() { python3 -c 'import sys; v=float(sys.argv[1])*1000; print(f"{v:.0f} ms" if v >= 100 else f"{v:.1f} ms")' "$1"; }
maxrss() { # KB of max RSS of a command (stdout discarded)
  /usr/bin/time -f '%M' -o "$data/rss.txt" "$@" >/dev/null 2>"$data/rss.err" && tail -1 "$data/rss.txt"
}
mb() { python3 -c 'import sys; print(f"{int(sys.argv[1])/1024:.0f} MB")' "$1"; }

# Peak memory of the workbench itself: open it in tmux, move, filter, switch
# screens, toggle an item, quit; read VmHWM before it exits.
tui_rss() {
  local db="$1" copy="$data/tui-rss.db" s="lastmile-bench-$$" pid hwm
  cp "$db" "$copy"
  tmux new-session -d -s "$s" -x 200 -y 50 "exec env LASTMILE_TODAY=$LASTMILE_TODAY $bin --db $copy"
  sleep 2
  pid=$(tmux display -p -t "$s" '#{pane_pid}')
  for k in j j j j j G g Tab Tab Tab Tab Tab Tab / f r a u d Escape S S S v v Enter Escape 3 Right Space Space 5 6 1; do
    tmux send-keys -t "$s" "$k"
    sleep 0.15
  done
  sleep 1
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  tmux send-keys -t "$s" q
  sleep 0.5
  tmux kill-session -t "$s" 2>/dev/null || true
  rm -f "$copy" "$copy-wal" "$copy-shm"
  echo "$hwm"
}

ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1])/float(sys.argv[2]):.2f}x")' "$1" "$2"; }

if have hyperfine && have sqlite3 && have python3; then
  echo "running the command-line comparisons ..." >&2
  {
    echo "## Command line (hyperfine medians; load average $(load) before)"
    echo
    echo "| pilots | \`export decisions --format csv\` | sqlite3 shell, same rows and columns | ratio (target <= 1.2x) | \`verify\` | \`PRAGMA integrity_check\` | ratio (target <= 3x) |"
    echo "|--:|--:|--:|--:|--:|--:|--:|"
  } | tee -a "$report"
  for n in "${sizes[@]}"; do
    db="$(fixture "$n")"
    runs=20; [ "$n" -ge 100000 ] && runs=5
    hyperfine -N -w 3 -r "$runs" --export-json "$data/hf-csv.json" \
      "$bin --db $db export decisions --format csv" \
      "sqlite3 -csv -header $db \".read $dlog_sql\"" >/dev/null 2>&1
    ours=$(hf_median "$data/hf-csv.json" 0)
    shell=$(hf_median "$data/hf-csv.json" 1)
    vruns=5; [ "$n" -ge 100000 ] && vruns=1
    hyperfine -N -w 1 -r "$vruns" --export-json "$data/hf-verify.json" \
      "$bin --db $db verify" \
      "sqlite3 $db \"PRAGMA integrity_check\"" >/dev/null 2>&1
    verify=$(hf_median "$data/hf-verify.json" 0)
    integrity=$(hf_median "$data/hf-verify.json" 1)
    echo "| $n | $(ms "$ours") | $(ms "$shell") | $(ratio "$ours" "$shell") | $(ms "$verify") | $(ms "$integrity") | $(ratio "$verify" "$integrity") |" | tee -a "$report"
  done
  {
    echo
    echo "| pilots | \`status --json\` | \`export pack --format html\` (target < 1 s at 100,000) | \`export pilots --format csv\` | \`demo --pilots N\` (target < 3 s at 10,000) | \`import pilots\` of N rows (target < 3 s at 10,000) |"
    echo "|--:|--:|--:|--:|--:|--:|"
  } | tee -a "$report"
  for n in "${sizes[@]}"; do
    db="$(fixture "$n")"
    runs=10; [ "$n" -ge 100000 ] && runs=3
    hyperfine -N -w 2 -r "$runs" --export-json "$data/hf-other.json" \
      "$bin --db $db status --json" \
      "$bin --db $db export pack --format html" \
      "$bin --db $db export pilots --format csv" >/dev/null 2>&1
    status=$(hf_median "$data/hf-other.json" 0)
    pack=$(hf_median "$data/hf-other.json" 1)
    pilots=$(hf_median "$data/hf-other.json" 2)
    demo_db="$data/demo-timing.db"
    demo_runs=3; [ "$n" -ge 100000 ] && demo_runs=1
    hyperfine -N -w 0 -r "$demo_runs" --export-json "$data/hf-demo.json" \
      --prepare "rm -f $demo_db $demo_db-wal $demo_db-shm $demo_db.checked" \
      "$bin --db $demo_db demo --pilots $n --seed 1" >/dev/null 2>&1
    demo=$(hf_median "$data/hf-demo.json" 0)
    csv="$(import_csv "$n")"
    hyperfine -N -w 0 -r "$demo_runs" --export-json "$data/hf-import.json" \
      --prepare "sh -c 'rm -f $demo_db $demo_db-wal $demo_db-shm $demo_db.checked && $bin --db $demo_db init >/dev/null'" \
      "$bin --db $demo_db import pilots $csv" >/dev/null 2>&1
    import=$(hf_median "$data/hf-import.json" 0)
    rm -f "$demo_db" "$demo_db-wal" "$demo_db-shm" "$demo_db.checked"
    echo "| $n | $(ms "$status") | $(ms "$pack") | $(ms "$pilots") | $(ms "$demo") | $(ms "$import") |" | tee -a "$report"
  done
  {
    echo
    echo "| pilots | file size | bytes per pilot |"
    echo "|--:|--:|--:|"
  } | tee -a "$report"
  for n in "${sizes[@]}"; do
    size=$(stat -c %s "$(fixture "$n")")
    echo "| $n | $(mb "$((size / 1024))") | $((size / n)) |" | tee -a "$report"
  done
  echo | tee -a "$report"
else
  echo "(hyperfine, sqlite3 or python3 missing: command-line comparisons skipped; apt-get install -y hyperfine sqlite3)" | tee -a "$report"
fi

if [ -x /usr/bin/time ] && have python3; then
  echo "measuring peak memory ..." >&2
  {
    echo "## Peak memory (max RSS; target < 100 MB at 10,000 pilots)"
    echo
    echo "| pilots | workbench (tmux session) | \`status --json\` (target < 100 MB) | \`export pack --format html\` | \`export pilots --format json\` (target < 100 MB) | \`verify\` | \`demo --pilots N\` (build) |"
    echo "|--:|--:|--:|--:|--:|--:|--:|"
  } | tee -a "$report"
  for n in "${sizes[@]}"; do
    db="$(fixture "$n")"
    tui="n/a"
    if have tmux; then tui=$(mb "$(tui_rss "$db")"); fi
    st=$(mb "$(maxrss "$bin" --db "$db" status --json)")
    pk=$(mb "$(maxrss "$bin" --db "$db" export pack --format html)")
    pj=$(mb "$(maxrss "$bin" --db "$db" export pilots --format json)")
    vf=$(mb "$(maxrss "$bin" --db "$db" verify)")
    demo_db="$data/demo-rss.db"
    rm -f "$demo_db" "$demo_db-wal" "$demo_db-shm"
    dm=$(mb "$(maxrss "$bin" --db "$demo_db" demo --pilots "$n" --seed 1)")
    rm -f "$demo_db" "$demo_db-wal" "$demo_db-shm"
    echo "| $n | $tui | $st | $pk | $pj | $vf | $dm |" | tee -a "$report"
  done
  echo | tee -a "$report"
fi

if [ "$matchers" = 1 ]; then
  echo "building and running benches/matchers ..." >&2
  fixtures=()
  for n in "${sizes[@]}"; do [ "$n" -ge 10000 ] && fixtures+=("$(fixture "$n")"); done
  CARGO_TARGET_DIR="$target_dir/matchers" cargo build --release --quiet --manifest-path benches/matchers/Cargo.toml
  {
    echo "## Filter and sort: fuzzy-matcher vs nucleo-matcher (benches/matchers; load average $(load) before)"
    echo
    "$target_dir/matchers/release/lastmile-matchers" "${fixtures[@]}"
    echo
  } | tee -a "$report"
fi

echo "load average at the end: $(load)" | tee -a "$report"
echo "report written to $report" >&2
