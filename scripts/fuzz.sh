#!/usr/bin/env bash
# Fuzz lastmile's untrusted-input parsers: the playbook file and the CSV
# pilot import (targets in fuzz/, bodies in tests/support/fuzz_bodies.rs).
#
#   scripts/fuzz.sh [TARGET] [SECONDS]      TARGET: playbook | csv_import | all (default)
#   FUZZ_MODE=proptest scripts/fuzz.sh ...  bounded random testing instead
#
# Modes, picked automatically:
#   cargo-fuzz  nightly toolchain and cargo-fuzz installed
#               (rustup toolchain install nightly; cargo install cargo-fuzz):
#               `cargo +nightly fuzz run`, with AddressSanitizer.
#   libfuzzer   otherwise, on stable: builds the same targets with
#               SanitizerCoverage instrumentation (stable -C flags) and runs
#               the libFuzzer binaries directly. Coverage-guided, no ASan
#               (safe Rust needs little of it).
#   proptest    FUZZ_MODE=proptest: the fuzz bodies through proptest in
#               tests/properties.rs with PROPTEST_CASES (default 20000).
#
# Each target runs SECONDS (default 300), seeded with the built-in playbook
# and the import test fixtures. Crashes land in fuzz/artifacts/TARGET/;
# reproduce one by running the target on the file, e.g.
#   fuzz/target/stable-fuzz/x86_64-unknown-linux-gnu/release/csv_import fuzz/artifacts/csv_import/crash-...
set -euo pipefail

cd "$(dirname "$0")/.."
target="${1:-all}"
seconds="${2:-300}"

case "$target" in
  playbook | csv_import) targets=("$target") ;;
  all) targets=(playbook csv_import) ;;
  *) echo "usage: scripts/fuzz.sh [playbook|csv_import|all] [SECONDS]" >&2; exit 2 ;;
esac

mode="${FUZZ_MODE:-}"
if [[ -z "$mode" ]]; then
  if cargo +nightly fuzz --version >/dev/null 2>&1; then mode=cargo-fuzz; else mode=libfuzzer; fi
fi

seed_corpus() {
  mkdir -p fuzz/corpus/playbook fuzz/corpus/csv_import fuzz/artifacts/playbook fuzz/artifacts/csv_import
  cp assets/playbook.toml fuzz/corpus/playbook/builtin.toml
  cp tests/fixtures/import/*.csv fuzz/corpus/csv_import/ 2>/dev/null || true
}

case "$mode" in
  cargo-fuzz)
    seed_corpus
    for t in "${targets[@]}"; do
      echo "== cargo fuzz: $t for ${seconds}s"
      (cd fuzz && cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=65536)
    done
    ;;
  libfuzzer)
    seed_corpus
    host="$(rustc -vV | sed -n 's/^host: //p')"
    # --target keeps the instrumentation off build scripts and proc macros.
    RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks" \
      cargo build --manifest-path fuzz/Cargo.toml --release --target "$host" --target-dir fuzz/target/stable-fuzz --bins
    for t in "${targets[@]}"; do
      echo "== libFuzzer (stable): $t for ${seconds}s"
      "fuzz/target/stable-fuzz/$host/release/$t" "fuzz/corpus/$t" \
        -max_total_time="$seconds" -max_len=65536 -artifact_prefix="fuzz/artifacts/$t/"
    done
    ;;
  proptest)
    cases="${PROPTEST_CASES:-20000}"
    for t in "${targets[@]}"; do
      case "$t" in
        playbook) filter=playbook_parser ;;
        csv_import) filter=csv_import ;;
      esac
      PROPTEST_CASES="$cases" cargo test --release --test properties "$filter"
    done
    ;;
  *) echo "unknown FUZZ_MODE '$mode': use cargo-fuzz, libfuzzer or proptest" >&2; exit 2 ;;
esac
