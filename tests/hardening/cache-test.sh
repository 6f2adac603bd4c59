#!/usr/bin/env bash
# tests/hardening/cache-test.sh: the cache (build/cache/, cache.h) only saves time. A build
# that reads the drawn cover, the packed fonts, the deflated text files and the laid-out drawings
# from it writes the same bytes as one that makes them (and as one with BOOKBUILD_CACHE=off),
# and so does one that reads what the font files say (their families and styles) or the build
# date git gave for the commit HEAD names; a damaged entry is never used; a build/cache/ that
# is a symbolic link is never written through; one entry of each kind is kept.
# Ends with one line: N passed, N failed.
set -u
export LANG=C LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1700000000
unset BOOKBUILD_CACHE
root=$(cd "$(dirname "$0")/../.." && pwd)
bb=${BOOKBUILD:-$root/tools/bookbuild/bookbuild}
work=$(mktemp -d "${TMPDIR:-/tmp}/bookbuild-cache.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/    /'; }
build() { (cd "$work/book" && "$bb" epub -o "$work/$1" 2>&1 >/dev/null); }
entries() { ls "$work/book/build/cache" 2>/dev/null | sed 's/-.*//' | sort | tr '\n' ' '; }

(cd "$work" && "$bb" init book >/dev/null 2>&1) || { fail "init"; echo "$passed passed, $failed failed"; exit 1; }

build cold.epub >/dev/null
[ "$(entries)" = "cover faces fonts texts " ] && pass "a first build keeps the cover, the font faces, the fonts and the texts" \
  || fail "a first build keeps the cover, the font faces, the fonts and the texts" "$(entries)"
cover=$(ls "$work"/book/build/cache/cover-*)
stamp=$(stat -c %Y.%s "$cover")
build warm.epub >/dev/null
cmp -s "$work/cold.epub" "$work/warm.epub" && pass "a build from the cache writes the same bytes" \
  || fail "a build from the cache writes the same bytes"
[ "$(stat -c %Y.%s "$cover")" = "$stamp" ] && [ "$(ls "$work"/book/build/cache/cover-*)" = "$cover" ] \
  && pass "the second build read the entry and did not rewrite it" \
  || fail "the second build read the entry and did not rewrite it"
BOOKBUILD_CACHE=off build off.epub >/dev/null
cmp -s "$work/cold.epub" "$work/off.epub" && pass "BOOKBUILD_CACHE=off writes the same bytes" \
  || fail "BOOKBUILD_CACHE=off writes the same bytes"

# A damaged entry: one byte of the drawn cover changed (its checksum no longer matches).
printf '\x55' | dd of="$cover" bs=1 seek=5000 conv=notrunc status=none
build damaged.epub >/dev/null
cmp -s "$work/cold.epub" "$work/damaged.epub" && pass "a damaged entry is not used" \
  || fail "a damaged entry is not used"
cmp -s <(unzip -p "$work/cold.epub" OEBPS/media/cover.png) <(head -c -16 "$cover") \
  && pass "a damaged entry is made again" || fail "a damaged entry is made again"

# Another title draws another cover: its entry replaces the old one.
sed -i 's/^title: .*/title: Another Title/' "$work/book/manuscript/book.yaml"
build retitled.epub >/dev/null
if cmp -s "$work/cold.epub" "$work/retitled.epub"; then
  fail "a new title draws a new cover"
elif [ "$(entries)" != "cover faces fonts texts " ] || [ -e "$cover" ]; then
  fail "one entry of each kind is kept" "$(ls "$work/book/build/cache")"
else
  pass "a new title draws a new cover, and its entry replaces the old one"
fi

# The text files (epub.c, pack_texts()): deflated once per content, under its XXH3-128. An
# edited chapter is deflated anew and the rest copied: the same bytes as a build without the
# cache, and the one entry is replaced. A damaged entry is not used.
texts=$(ls "$work"/book/build/cache/texts-*)
chapter=$(ls "$work"/book/manuscript/chapters/*.md | head -1)
sed -i '0,/^[A-Z][a-z]/s/^\([A-Z][a-z]*\)/\1 edited/' "$chapter"
build edited.epub >/dev/null
BOOKBUILD_CACHE=off build edited-off.epub >/dev/null
if cmp -s "$work/retitled.epub" "$work/edited.epub"; then
  fail "an edited chapter changes the EPUB" "$(grep -c edited "$chapter")"
elif ! cmp -s "$work/edited-off.epub" "$work/edited.epub"; then
  fail "an edited chapter: the same bytes as without the cache"
elif [ "$(ls "$work"/book/build/cache/texts-*)" != "$texts" ] || [ "$(entries)" != "cover faces fonts texts " ]; then
  fail "an edited chapter: the one texts entry is rewritten in place" "$(ls "$work/book/build/cache")"
else
  pass "an edited chapter is deflated anew: the same bytes as without the cache"
fi
printf 'X' | dd of="$texts" bs=1 seek=$(($(stat -c %s "$texts") / 2)) conv=notrunc status=none # compressed data
build texts-damaged.epub >/dev/null
cmp -s "$work/edited-off.epub" "$work/texts-damaged.epub" \
  && pass "a damaged texts entry is not used" || fail "a damaged texts entry is not used"
sed -i '0,/ edited/s/ edited//' "$chapter"
build retitled.epub >/dev/null

# The font faces (fonts.c): what FreeType says of each file, kept under the files' identities.
# A damaged record is read again from the files; a font file changed (a new modification time)
# makes a new record, which replaces the old one.
faces=$(ls "$work"/book/build/cache/faces-*)
printf 'X' | dd of="$faces" bs=1 seek=0 conv=notrunc status=none
build faces-damaged.epub >/dev/null
cmp -s "$work/retitled.epub" "$work/faces-damaged.epub" && grep -q $'\tLinux Libertine O\t' "$faces" \
  && pass "a damaged font-faces record is not used, and is made again" \
  || fail "a damaged font-faces record is not used, and is made again" "$(head -c 300 "$faces")"
cp -R "$root/fonts" "$work/book/fonts"
build own-fonts.epub >/dev/null
faces=$(ls "$work"/book/build/cache/faces-*)
touch -d '2001-02-03 04:05:06' "$work/book/fonts/DejaVuSans.ttf"
build touched.epub >/dev/null
if [ -e "$faces" ] || [ "$(entries)" != "cover faces fonts texts " ] ||
   ! cmp -s "$work/own-fonts.epub" "$work/touched.epub"; then
  fail "a changed font file makes a new font-faces record" "$(ls "$work/book/build/cache")"
else
  pass "a changed font file makes a new font-faces record, which replaces the old one"
fi

# The build date (book.c): the time of the last commit that touched manuscript/, which git is
# asked once per commit HEAD names (read from .git as git reads it: a loose ref, packed-refs, a
# worktree's own HEAD). A new commit, a packed ref and a worktree each give the date git gives.
g=$work/git-book
cp -R "$work/book" "$g" && rm -rf "$g/build"
modified() { (cd "$1" && env -u SOURCE_DATE_EPOCH "$bb" epub -o "$work/dated.epub" 2>/dev/null) &&
             unzip -p "$work/dated.epub" OEBPS/content.opf | sed -n 's/.*"dcterms:modified">\(.*\)<.*/\1/p'; }
commit() { (cd "$1" && echo "$2" >>manuscript/chapters/01-*.md && git add -A manuscript &&
            GIT_COMMITTER_DATE="$2" GIT_AUTHOR_DATE="$2" git -c user.name=t -c user.email=t@example.org \
              commit -qm "$2"); }
(cd "$g" && git init -q -b main . && git add -A manuscript && GIT_COMMITTER_DATE=2001-02-03T04:05:06Z \
   git -c user.name=t -c user.email=t@example.org commit -qm one) >/dev/null 2>&1
first=$(modified "$g"); again=$(modified "$g")
commit "$g" 2002-03-04T05:06:07Z >/dev/null 2>&1
second=$(modified "$g")
(cd "$g" && git pack-refs --all --prune) && rm -f "$g"/build/cache/commit-time-*
packed=$(modified "$g"); packed_entry=$(ls "$g"/build/cache/ | grep -c '^commit-time-')
(cd "$g" && git worktree add -q "$work/git-tree" -b other) >/dev/null 2>&1
tree_before=$(modified "$work/git-tree")
commit "$work/git-tree" 2003-04-05T06:07:08Z >/dev/null 2>&1
tree=$(modified "$work/git-tree"); tree_entry=$(ls "$work/git-tree/build/cache/" | grep -c '^commit-time-')
main_again=$(modified "$g")
if [ "$first $again $second $packed $tree_before $tree $main_again" = \
     "2001-02-03T04:05:06Z 2001-02-03T04:05:06Z 2002-03-04T05:06:07Z 2002-03-04T05:06:07Z 2002-03-04T05:06:07Z 2003-04-05T06:07:08Z 2002-03-04T05:06:07Z" ] &&
   [ "$packed_entry" = 1 ] && [ "$tree_entry" = 1 ]; then
  pass "the build date is the last commit's, kept per HEAD (a new commit, packed refs, a worktree)"
else
  fail "the build date is the last commit's, kept per HEAD" \
    "dates: $first $again $second $packed $tree_before $tree $main_again; entries: packed $packed_entry, worktree $tree_entry"
fi

# build/cache/ a symbolic link: nothing is written through it, and the output is the same.
rm -rf "$work/book/build/cache"
mkdir "$work/elsewhere"
ln -s "$work/elsewhere" "$work/book/build/cache"
build linked.epub >/dev/null
cmp -s "$work/retitled.epub" "$work/linked.epub" && [ -z "$(ls -A "$work/elsewhere")" ] \
  && pass "a symbolic link for build/cache/ is not written through" \
  || fail "a symbolic link for build/cache/ is not written through" "$(ls -A "$work/elsewhere")"

# Drawings (diagram.c): each laid out once, then read back; EPUB and PDF as without the cache.
cp -R "$root/tests/fixtures/diagrams-book" "$work/drawn"
drawn() { (cd "$work/drawn" && "$bb" "$1" -o "$work/$2" 2>&1 >/dev/null); }
BOOKBUILD_CACHE=off drawn epub drawn-off.epub >/dev/null
BOOKBUILD_CACHE=off drawn pdf drawn-off.pdf >/dev/null
drawn epub drawn-cold.epub >/dev/null
kept=$(ls "$work/drawn/build/cache" | grep -c '^drawing-')
listing() { (cd "$work/drawn/build/cache" && stat -c '%n %Y.%y' drawing-*); }
before=$(listing)
drawn epub drawn-warm.epub >/dev/null
drawn pdf drawn-warm.pdf >/dev/null
if [ "$kept" -lt 2 ]; then
  fail "drawings are kept" "$(ls "$work/drawn/build/cache")"
elif [ "$(listing)" != "$before" ]; then
  fail "the EPUB and the PDF read the kept drawings (none made again)" "$(diff <(echo "$before") <(listing))"
elif cmp -s "$work/drawn-off.epub" "$work/drawn-cold.epub" && cmp -s "$work/drawn-off.epub" "$work/drawn-warm.epub" &&
     cmp -s "$work/drawn-off.pdf" "$work/drawn-warm.pdf"; then
  pass "$kept drawings kept; EPUB and PDF from them are the same bytes"
else
  fail "EPUB and PDF from kept drawings are the same bytes"
fi
for f in "$work"/drawn/build/cache/drawing-*; do printf 'x' | dd of="$f" bs=1 seek=3 conv=notrunc status=none; done
drawn pdf drawn-damaged.pdf >/dev/null
cmp -s "$work/drawn-off.pdf" "$work/drawn-damaged.pdf" && pass "damaged drawings are laid out again" \
  || fail "damaged drawings are laid out again"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
