#!/usr/bin/env bash
# Fuzz lastmile's untrusted-input parsers: the playbook file and the CSV
# pilot import.
#
#   scripts/fuzz.sh [TARGET] [SECONDS]      TARGET: playbook | csv_import | all (default)
#
# With a nightly toolchain and cargo-fuzz (`rustup toolchain install nightly;
# cargo install cargo-fuzz`), this runs libFuzzer on the targets in fuzz/
# for SECONDS each (default 300), seeded with the built-in playbook and the
# import test fixtures. Crashes land in fuzz/artifacts/TARGET/; reproduce one
# with `cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-...`.
#
# Without nightly it falls back to the same fuzz bodies on the stable
# toolchain, through proptest in tests/properties.rs, with many more cases
# than CI runs (PROPTEST_CASES, default 20000). That is bounded random
# testing rather than coverage-guided fuzzing, but needs nothing extra.
set -euo pipefail

cd "$(dirname "$0")/.."
target="${1:-all}"
seconds="${2:-300}"

case "$target" in
  playbook | csv_import) targets=("$target") ;;
  all) targets=(playbook csv_import) ;;
  *) echo "usage: scripts/fuzz.sh [playbook|csv_import|all] [SECONDS]" >&2; exit 2 ;;
esac

seed_corpus() {
  mkdir -p fuzz/corpus/playbook fuzz/corpus/csv_import
  cp assets/playbook.toml fuzz/corpus/playbook/builtin.toml
  cp tests/fixtures/import/*.csv fuzz/corpus/csv_import/ 2>/dev/null || true
}

if cargo +nightly --version >/dev/null 2>&1 && cargo +nightly fuzz --version >/dev/null 2>&1; then
  seed_corpus
  for t in "${targets[@]}"; do
    echo "== cargo fuzz: $t for ${seconds}s"
    (cd fuzz && cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=65536)
  done
else
  cases="${PROPTEST_CASES:-20000}"
  echo "nightly or cargo-fuzz not found: running the fuzz bodies on stable with proptest ($cases cases each)" >&2
  filters=()
  for t in "${targets[@]}"; do
    case "$t" in
      playbook) filters+=(playbook_parser) ;;
      csv_import) filters+=(csv_import) ;;
    esac
  done
  for f in "${filters[@]}"; do
    PROPTEST_CASES="$cases" cargo test --release --test properties "$f"
  done
fi
