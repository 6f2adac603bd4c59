#!/usr/bin/env bash
# tests/hardening/reproducible-clones-test.sh: two clones of a book's git repository, checked out
# at different times (their files' modification times differ), build byte-identical EPUBs and
# PDFs without SOURCE_DATE_EPOCH: the build date is the last commit of manuscript/ (issue 23).
# Outside a repository the date is still the newest input's time.
# Ends with one line: N passed, N failed.
set -u
export LANG=C LC_ALL=C TZ=UTC
unset SOURCE_DATE_EPOCH
root=$(cd "$(dirname "$0")/../.." && pwd)
bb=${BOOKBUILD:-$root/tools/bookbuild/bookbuild}
work=$(mktemp -d "${TMPDIR:-/tmp}/bookbuild-clones.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/    /'; }
git() { command git -c user.name=bookbuild -c user.email=bookbuild@example.com \
  -c init.defaultBranch=main -c advice.detachedHead=false "$@"; }

if ! command -v git >/dev/null; then
  echo "git is not installed: nothing to test"
  echo "0 passed, 0 failed"
  exit 0
fi

origin=$work/origin
mkdir -p "$origin"
cp -R "$root/tests/fixtures/good-book/manuscript" "$origin/"
git -C "$origin" init -q
git -C "$origin" add manuscript
GIT_AUTHOR_DATE='2024-03-01T12:00:00Z' GIT_COMMITTER_DATE='2024-03-01T12:00:00Z' \
  git -C "$origin" commit -q -m "the book"
git clone -q "$origin" "$work/a"
git clone -q "$origin" "$work/b"
find "$work/a/manuscript" -type f -exec touch -d '2025-01-01 10:00:00' {} +
find "$work/b/manuscript" -type f -exec touch -d '2026-06-30 23:59:59' {} +

for kind in epub pdf; do
  "$bb" "$kind" -C "$work/a" -o "$work/a.$kind" >/dev/null 2>&1
  "$bb" "$kind" -C "$work/b" -o "$work/b.$kind" >/dev/null 2>&1
  if [ ! -s "$work/a.$kind" ] || [ ! -s "$work/b.$kind" ]; then
    fail "$kind: the clones do not build"
  elif cmp -s "$work/a.$kind" "$work/b.$kind"; then
    pass "$kind: two clones checked out at different times build identical bytes"
  else
    fail "$kind: two clones build different bytes"
  fi
done
# The date is the commit's: the same as SOURCE_DATE_EPOCH set to it.
SOURCE_DATE_EPOCH=$(date -d '2024-03-01T12:00:00Z' +%s) "$bb" epub -C "$work/a" \
  -o "$work/sde.epub" >/dev/null 2>&1
if cmp -s "$work/a.epub" "$work/sde.epub"; then
  pass "epub: the build date is the last commit of manuscript/"
else
  fail "epub: the build date is not the commit's"
fi

# Not a repository: the newest input's modification time, as before.
plain=$work/plain
mkdir -p "$plain" && cp -R "$work/a/manuscript" "$plain/"
find "$plain/manuscript" -type f -exec touch -d '2025-05-05 05:05:05' {} +
"$bb" epub -C "$plain" -o "$work/plain.epub" >/dev/null 2>&1
SOURCE_DATE_EPOCH=$(date -d '2025-05-05 05:05:05' +%s) "$bb" epub -C "$plain" \
  -o "$work/plain-sde.epub" >/dev/null 2>&1
if [ -s "$work/plain.epub" ] && cmp -s "$work/plain.epub" "$work/plain-sde.epub"; then
  pass "epub outside a repository: the build date is the newest input's time"
else
  fail "epub outside a repository: the build date is not the newest input's time"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
