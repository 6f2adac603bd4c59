#!/usr/bin/env bash
# tests/hardening/output-safety-test.sh: the outputs carry nothing hostile and nothing of the
# build machine (issue 8, item 5). Copies the good-book fixture under a folder with a distinctive
# name, adds raw HTML with script, event handlers, an iframe and javascript:/data: links, builds
# the EPUB (when this bookbuild has `epub`) and the PDF, and checks that
#   - the unzipped EPUB has no <script>, <iframe>, on*= attribute, javascript: or data: URL;
#   - neither the unzipped EPUB nor the uncompressed PDF (qpdf --qdf) names the build folder,
#     the book's absolute path or the user's home.
# Usage: BOOKBUILD=path tests/hardening/output-safety-test.sh. Ends with: N passed, N failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bb=${BOOKBUILD:-$root/tools/bookbuild/bookbuild}
work=$(mktemp -d "${TMPDIR:-/tmp}/bookbuild-safety.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/    /'; }

book=$work/build-dir-marker-8f3a/book
mkdir -p "$(dirname "$book")"
cp -R "$root/tests/fixtures/good-book" "$book"
python3 - "$book/manuscript/chapters/01-markup.md" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding='utf-8').read()
i = s.index('\n\n', s.index('\n## ') + 1)
hostile = ('\n\nHostile: <span onclick="alert(1)">click</span> <img src="../images/dot.png" alt="dot" onerror="alert(2)"> '
           '<a href="javascript:alert(3)">js</a> [link](javascript:alert(4)) '
           '[data](data:text/html;base64,PHNjcmlwdD4=) <iframe src="https://evil.example"></iframe>'
           '\n\n<script>alert(5)</script>\n\n<div onmouseover="alert(6)">div</div>')
open(p, 'w', encoding='utf-8').write(s[:i] + hostile + s[i:])
PY
marker=build-dir-marker-8f3a

leaks() { # name folder: the files under folder that name the build machine
  local hits
  hits=$(grep -rl -a -e "$marker" -e "$work" -e "$root" ${HOME:+-e "$HOME/"} "$2" 2>/dev/null)
  if [ -n "$hits" ]; then fail "$1: names the build machine's paths" "$hits"; else pass "$1: no build paths"; fi
}

if "$bb" epub --help >/dev/null 2>&1; then
  if "$bb" epub -C "$book" -o "$work/book.epub" 2>"$work/epub.err"; then
    pass "epub: builds"
    mkdir -p "$work/epub" && (cd "$work/epub" && python3 -m zipfile -e "$work/book.epub" .)
    bad=$(grep -rl -i -a -E '<script|<iframe|[[:space:]]on[a-z]+=|javascript:|data:text' \
      "$work/epub" --include='*.xhtml' --include='*.html' --include='*.opf' --include='*.ncx')
    [ -z "$bad" ] && pass "epub: no script, iframe, event handler or unsafe URL" ||
      fail "epub: hostile markup survived" "$bad"
    leaks epub "$work/epub"
  else
    fail "epub: build failed" "$(cat "$work/epub.err")"
  fi
else
  echo "skip: this bookbuild has no epub command"
fi

if "$bb" pdf -C "$book" -o "$work/book.pdf" 2>"$work/pdf.err"; then
  pass "pdf: builds"
  mkdir -p "$work/pdf"
  qpdf --qdf --object-streams=disable "$work/book.pdf" "$work/pdf/book-qdf.pdf"
  bad=$(grep -a -c -i -E 'javascript:|/JS[[:space:](]|/JavaScript|data:text' "$work/pdf/book-qdf.pdf")
  [ "$bad" = 0 ] && pass "pdf: no JavaScript or unsafe URL" || fail "pdf: $bad JavaScript or unsafe URLs"
  leaks pdf "$work/pdf"
else
  fail "pdf: build failed" "$(cat "$work/pdf.err")"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
