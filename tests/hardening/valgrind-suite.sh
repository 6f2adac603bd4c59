#!/usr/bin/env bash
# tests/hardening/valgrind-suite.sh: `make check-valgrind`. Runs the whole tests/run suite with
# every run of bookbuild (fixtures, import round trips, the manuscript, the PDF builds) and every
# unit test under valgrind's memcheck: an invalid read or write, a use of uninitialised memory
# or a definite leak makes that run exit 99, which fails its test. Usage (from the repository
# root): BOOKBUILD_REAL=path/to/bookbuild tests/hardening/valgrind-suite.sh [unit-tests...]
# Prints the suite's own report, then a summary of the valgrind logs.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
real=${BOOKBUILD_REAL:?set BOOKBUILD_REAL to the bookbuild binary}
command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/bookbuild-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/logs" "$work/bin"
# --fair-sched=yes: valgrind runs one thread at a time, and with its default scheduler Pango's
# font threads interleave with the layout differently from run to run, so two PDF builds of the
# same book differed (line-end hyphens drawn from another font; see issue 8's notes). With the
# fair scheduler the PDFs equal the native build's, and tests/run's reproducibility checks hold.
wrap() { # name binary: a script running `binary` under memcheck
  cat >"$work/bin/$1" <<SH
#!/bin/sh
exec valgrind -q --fair-sched=yes --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \\
  --errors-for-leak-kinds=definite --track-origins=yes --num-callers=30 \\
  --suppressions="$root/tests/hardening/valgrind.supp" \\
  --log-file="$work/logs/$1.%p.log" "$2" "\$@"
SH
  chmod +x "$work/bin/$1"
}
wrap bookbuild "$real"
units=()
for t in "$@"; do
  wrap "$(basename "$t")" "$root/$t"
  units+=("$work/bin/$(basename "$t")")
done
start=$(date +%s)
BOOKBUILD=$work/bin/bookbuild bash "$root/tests/run" "${units[@]}"
code=$?
runs=$(find "$work/logs" -name '*.log' | wc -l)
bad=$(find "$work/logs" -name '*.log' -size +0 | sort)
echo "valgrind: $runs runs in $(( $(date +%s) - start )) s, $(echo "$bad" | grep -c . ) with errors"
for f in $bad; do
  echo "--- $(basename "$f")"
  head -n 60 "$f"
done
[ "$code" = 0 ] && [ -z "$bad" ]
