#!/usr/bin/env bash
# tests/hardening/build-flags-test.sh: the build keeps its own flags and its PREFIX (code
# review B3, B4). Builds the tool twice into a private object folder:
#   1. with a packager's `make CFLAGS=-O2`, which must not drop -std=c11 or -D_GNU_SOURCE (it
#      did, and memmem() was then implicitly declared and every link position read 27:1): its
#      diagnostics on the `links` fixture must equal the normal build's;
#   2. `make install PREFIX=P` after a build with the default PREFIX, which must rebuild what
#      embeds the data directory: the installed binary must find its styles (it did not).
# Ends with one line: N passed, N failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bb=${BOOKBUILD:-$root/tools/bookbuild/bookbuild}
work=$(mktemp -d "${TMPDIR:-/tmp}/bookbuild-flags.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/    /'; }
build() { make -C "$root" --no-print-directory -s OBJDIR="$work/obj" BIN="$work/bookbuild" "$@" 2>&1; }

book=$work/links
mkdir -p "$book"
cp -R "$root/tests/fixtures/_base/." "$book/"
cp -R "$root/tests/fixtures/links/." "$book/"
if log=$(build CFLAGS=-O2 "$work/bookbuild"); then
  want=$(cd "$book" && "$bb" check 2>&1)
  got=$(cd "$book" && "$work/bookbuild" check 2>&1)
  if [ "$got" = "$want" ]; then
    pass "make CFLAGS=-O2: the same diagnostics as the normal build"
  else
    fail "make CFLAGS=-O2: diagnostics differ" "$(diff <(echo "$want") <(echo "$got") | head -10)"
  fi
else
  fail "make CFLAGS=-O2 does not build" "$log"
fi

prefix=$work/prefix
good=$work/good
cp -R "$root/tests/fixtures/good-book/." "$good/"
rm -rf "$good/styles" "$good/fonts"
if log=$(build PREFIX="$prefix" install); then
  if msgs=$("$prefix/bin/bookbuild" epub -C "$good" -o "$work/good.epub" 2>&1) && [ -s "$work/good.epub" ]; then
    pass "make install PREFIX=...: the installed binary finds its styles and fonts"
  else
    fail "make install PREFIX=...: the installed binary cannot build" "$msgs"
  fi
else
  fail "make install PREFIX=... does not build" "$log"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
