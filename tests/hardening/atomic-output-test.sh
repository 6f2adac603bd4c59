#!/usr/bin/env bash
# tests/hardening/atomic-output-test.sh: outputs are written atomically (DESIGN.md section 3).
# Builds the PDF of a large generated book (tests/bench/make-book.py) and interrupts it with
# SIGINT and SIGTERM, once while chapters are laid out and once while the PDF is being written
# (its temporary file exists); then makes a build fail (a manuscript error, an unwritable
# folder). Each time the previous output must be byte for byte untouched and no temporary file
# may be left beside it. Usage: BOOKBUILD=path tests/hardening/atomic-output-test.sh
# Ends with one line: N passed, N failed.
set -u
set -m # job control: a background build does not ignore SIGINT, as it would in a script
root=$(cd "$(dirname "$0")/../.." && pwd)
bb=${BOOKBUILD:-$root/tools/bookbuild/bookbuild}
words=${ATOMIC_WORDS:-200000}
work=$(mktemp -d "${TMPDIR:-/tmp}/bookbuild-atomic.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/    /'; }

python3 "$root/tests/bench/make-book.py" "$work/book" "$words" >/dev/null
out_dir=$work/out
mkdir -p "$out_dir"
previous=$work/previous.pdf
printf '%%PDF-1.5\n%% the previous build, which must survive\n' >"$previous"

untouched() { # name: the output equals the previous one, and nothing else is in its folder
  local others
  others=$(cd "$out_dir" && ls -A | grep -v -x 'book.pdf')
  if ! cmp -s "$previous" "$out_dir/book.pdf"; then
    fail "$1: the previous output was changed"
  elif [ -n "$others" ]; then
    fail "$1: left behind" "$others"
  else
    pass "$1: previous output untouched, no temporary file"
  fi
  find "$out_dir" -mindepth 1 -maxdepth 1 ! -name book.pdf -exec rm -rf {} + # next test afresh
}

# wait_for WHAT PID: returns once the build is at that stage (still running), 1 if it ended.
wait_for() {
  local what=$1 pid=$2 i
  for ((i = 0; i < 1200; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    case $what in
      layout) [ "$i" -ge 10 ] && return 0 ;; # one second in: loading and laying out
      render) compgen -G "$out_dir/.book.pdf.*" >/dev/null && return 0 ;;
    esac
    sleep 0.1
  done
  return 1
}

for sig in INT TERM; do
  for when in layout render; do
    cp "$previous" "$out_dir/book.pdf"
    SOURCE_DATE_EPOCH=1700000000 "$bb" pdf -C "$work/book" -o "$out_dir/book.pdf" 2>"$work/err" &
    pid=$!
    pids+=("$pid")
    if ! wait_for "$when" "$pid"; then
      { wait "$pid"; } 2>/dev/null
      fail "SIG$sig while ${when}ing: the build ended before it could be interrupted (exit $?)" \
        "$(cat "$work/err")"
      continue
    fi
    kill -"$sig" "$pid"
    { wait "$pid"; } 2>/dev/null
    code=$?
    if [ "$code" = 0 ]; then
      fail "SIG$sig while ${when}ing: the build went on and succeeded"
    else
      pass "SIG$sig while ${when}ing: stopped (exit $code)"
    fi
    untouched "SIG$sig while ${when}ing"
  done
done

# A build that fails on a manuscript error writes nothing.
# The EPUB is built in memory and written at the end, too fast to aim a signal at one phase:
# signalled after various delays, it either stopped (the previous EPUB untouched) or finished
# (a whole new one); no temporary file is left either way.
prev_epub=$work/previous.epub
printf 'PK the previous EPUB, which must survive\n' >"$prev_epub"
for delay in 0.05 0.1 0.15 0.2 0.3 0.5; do
  cp "$prev_epub" "$out_dir/book.epub"
  SOURCE_DATE_EPOCH=1700000000 "$bb" epub -C "$work/book" -o "$out_dir/book.epub" 2>/dev/null &
  pid=$!
  pids+=("$pid")
  sleep "$delay"
  kill -TERM "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null
  code=$?
  others=$(cd "$out_dir" && ls -A | grep -v -x -e 'book.pdf' -e 'book.epub')
  if [ -n "$others" ]; then
    fail "epub SIGTERM after ${delay}s: left behind" "$others"
  elif ! cmp -s "$prev_epub" "$out_dir/book.epub" && unzip -tq "$out_dir/book.epub" >/dev/null 2>&1; then
    # Finished first; or signalled between the rename and the exit (exit 143): either way the
    # new EPUB is whole.
    pass "epub SIGTERM after ${delay}s: finished first (exit $code), whole new EPUB"
  elif [ "$code" != 0 ] && cmp -s "$prev_epub" "$out_dir/book.epub"; then
    pass "epub SIGTERM after ${delay}s: stopped (exit $code), previous EPUB untouched"
  else
    fail "epub SIGTERM after ${delay}s: exit $code and a changed or broken EPUB"
  fi
done
rm -f "$out_dir/book.epub"

cp "$previous" "$out_dir/book.pdf"
cp -R "$work/book" "$work/bad"
first=$(ls "$work/bad/manuscript/chapters" | head -n 1)
printf '\n## A section the table of contents does not list\n\nText.\n' \
  >>"$work/bad/manuscript/chapters/$first"
"$bb" pdf -C "$work/bad" -o "$out_dir/book.pdf" 2>/dev/null
code=$?
[ "$code" = 1 ] && pass "manuscript error: exit 1" || fail "manuscript error: exit $code, expected 1"
untouched "manuscript error"
cp "$prev_epub" "$out_dir/book.epub"
"$bb" epub -C "$work/bad" -o "$out_dir/book.epub" 2>/dev/null
code=$?
if [ "$code" = 1 ] && cmp -s "$prev_epub" "$out_dir/book.epub"; then
  pass "epub manuscript error: exit 1, previous EPUB untouched"
else
  fail "epub manuscript error: exit $code"
fi
rm -f "$out_dir/book.epub"

# A build whose output cannot be written (its folder is a file) fails cleanly.
"$bb" pdf -C "$work/book" -o "$out_dir/book.pdf/inside.pdf" 2>/dev/null
code=$?
[ "$code" = 2 ] && pass "unwritable output: exit 2" || fail "unwritable output: exit $code, expected 2"
untouched "unwritable output"

# Finally a build that completes replaces the output, with the usual mode.
SOURCE_DATE_EPOCH=1700000000 "$bb" pdf -C "$work/book" -o "$out_dir/book.pdf" 2>/dev/null
if cmp -s "$previous" "$out_dir/book.pdf" || [ "$(head -c 5 "$out_dir/book.pdf")" != "%PDF-" ]; then
  fail "complete build: the output was not replaced"
elif [ "$(stat -c %a "$out_dir/book.pdf")" != 644 ] || [ -n "$(cd "$out_dir" && ls -A | grep -v -x book.pdf)" ]; then
  fail "complete build: mode $(stat -c %a "$out_dir/book.pdf") or files left" "$(ls -A "$out_dir")"
else
  pass "complete build: output replaced (mode 644), nothing left"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
