#!/usr/bin/env bash
# tests/bench/rebuild.sh BOOKBUILD BOOK_DIR NAME: issue 22's yardstick for `make bench`: a
# rebuild of the EPUB (the build cache warm, no page list, as an author's edit loop runs it)
# against pandoc making an EPUB of the same chapters (`-f gfm`), each timed with hyperfine,
# and the ratio of their mean times. Skipped, with a note, when pandoc is missing.
set -eu
bb=$1 book=$2 name=$3
if ! command -v pandoc >/dev/null; then
  echo "$name: pandoc comparison skipped: pandoc is not installed (apt-get install pandoc)"
  exit 0
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/bookbuild-rebuild.XXXXXX")
trap 'rm -rf "$out"' EXIT
words=$(cat "$book"/manuscript/chapters/*.md | wc -w)
"$bb" epub --no-page-list -C "$book" -o "$out/warm.epub" >/dev/null 2>&1 # fills build/cache
hyperfine -N --warmup 3 --export-json "$out/bb.json" \
  "$bb epub --no-page-list -C $book -o $out/book.epub"
hyperfine -N --warmup 1 -r 5 --export-json "$out/pandoc.json" \
  "pandoc -f gfm --metadata title=Bench -o $out/pandoc.epub $(ls "$book"/manuscript/chapters/*.md | tr '\n' ' ')"
python3 - "$out/bb.json" "$out/pandoc.json" "$name" "$words" <<'PY'
import json, sys
bb, pd = (json.load(open(p))["results"][0] for p in sys.argv[1:3])
print(f"{sys.argv[3]} ({sys.argv[4]} words): EPUB rebuild {bb['mean'] * 1000:.0f} ms "
      f"(user+sys {(bb['user'] + bb['system']) * 1000:.0f} ms), pandoc {pd['mean'] * 1000:.0f} ms "
      f"(user+sys {(pd['user'] + pd['system']) * 1000:.0f} ms): 1/{pd['mean'] / bb['mean']:.1f} of "
      f"pandoc's time, 1/{(pd['user'] + pd['system']) / (bb['user'] + bb['system']):.1f} of its CPU")
PY
