#!/usr/bin/env bash
# tests/fuzz/run.sh: runs the libFuzzer targets built by `make fuzz-build`, one at a time and
# niced (never two fuzzers at once). Usage, from the repository root:
#   FUZZ_SECONDS=N tests/fuzz/run.sh TARGET...    fuzz each TARGET for N seconds
#   tests/fuzz/run.sh --regress TARGET...         replay tests/fuzz/regressions/TARGET/* once
# The corpus grows in build/fuzz/corpus/TARGET (seeded from tests/fuzz/corpus/TARGET; xhtml
# shares layout's seeds: both take one chapter); a crash
# is saved in build/fuzz/crashes/TARGET/ and its log in build/fuzz/logs/TARGET.log. Copy a
# crashing input into tests/fuzz/regressions/TARGET/ once its fix is in.
set -u
regress=
if [ "${1:-}" = --regress ]; then regress=1; shift; fi
seconds=${FUZZ_SECONDS:-60}
failed=0
# ASAN_OPTIONS per target. The layout target keeps Pango's font map for the whole run, and
# Pango's caches of fontconfig patterns look like leaks to LeakSanitizer, so it runs without leak
# checks (check-asan and check-valgrind check real builds, which free the font map). The xhtml
# target builds and frees everything per input; its leak stacks must be whole (slow unwinding)
# for tests/sanitizer.supp to match the library frames.
asan_for() {
  case "$1" in
    layout) echo "${ASAN_OPTIONS:-}:detect_leaks=0" ;;
    xhtml) echo "${ASAN_OPTIONS:-}:detect_leaks=1:fast_unwind_on_malloc=0" ;;
    *) echo "${ASAN_OPTIONS:-}:detect_leaks=1" ;;
  esac
}
leaks() { case "$1" in layout) echo 0 ;; *) echo 1 ;; esac; }
max_len() { case "$1" in layout | xhtml) echo 16384 ;; *) echo 65536 ;; esac; }
seeds() { case "$1" in xhtml) echo tests/fuzz/corpus/layout ;; *) echo tests/fuzz/corpus/"$1" ;; esac; }
for t in "$@"; do
  bin=build/fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz: $bin is not built (make fuzz-build)" >&2; exit 2; }
  if [ -n "$regress" ]; then
    files=(tests/fuzz/regressions/"$t"/*)
    [ -e "${files[0]}" ] || { echo "fuzz-regress $t: no saved inputs"; continue; }
    if ASAN_OPTIONS="$(asan_for "$t")" "$bin" -runs=1 "${files[@]}" >build/fuzz/regress-"$t".log 2>&1; then
      echo "fuzz-regress $t: ${#files[@]} inputs ok"
    else
      echo "fuzz-regress $t: FAILED (build/fuzz/regress-$t.log)"; failed=1
    fi
    continue
  fi
  mkdir -p build/fuzz/corpus/"$t" build/fuzz/crashes/"$t" build/fuzz/logs
  log=build/fuzz/logs/$t.log
  echo "fuzz $t: $seconds s (log: $log)"
  ASAN_OPTIONS="$(asan_for "$t")" \
  nice -n 10 "$bin" -detect_leaks="$(leaks "$t")" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 \
    -max_len="$(max_len "$t")" -print_final_stats=1 \
    -artifact_prefix=build/fuzz/crashes/"$t"/ \
    build/fuzz/corpus/"$t" "$(seeds "$t")" >"$log" 2>&1
  code=$?
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$log" | tail -n 2
  if [ "$code" != 0 ]; then
    echo "fuzz $t: FAILED (exit $code): $(ls build/fuzz/crashes/"$t" | tr '\n' ' ')"; failed=1
  fi
done
exit "$failed"
