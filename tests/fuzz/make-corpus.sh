#!/usr/bin/env bash
# tests/fuzz/make-corpus.sh: (re)builds the seed corpus tests/fuzz/corpus/<target>/ from the
# fixtures, the import round trips and the real manuscript (the xhtml target uses layout's).
# Run from the repository root; the output is committed, so rerun it when fixtures are added.
set -eu
out=tests/fuzz/corpus
rm -rf "$out"
mkdir -p "$out"/{meta,toc,chapter,import,layout}
name() { # path -> a readable seed name
  echo "$1" | sed -e 's|^tests/fixtures/||' -e 's|^tests/||' -e 's|/manuscript/|-|' -e 's|/|-|g'
}
seed() { # target max-bytes file
  local size
  size=$(stat -c %s "$3")
  [ "$size" -le "$2" ] && cp "$3" "$out/$1/$(name "$3")"
  return 0
}
while IFS= read -r f; do seed meta 65536 "$f"; done < <(find tests/fixtures manuscript -name book.yaml | sort)
while IFS= read -r f; do seed toc 65536 "$f"; done < <(find tests/fixtures manuscript -name toc.md | sort)
while IFS= read -r f; do
  seed chapter 65536 "$f"
  seed layout 16384 "$f"
  seed import 65536 "$f"
done < <(find tests/fixtures manuscript -path '*chapters/*.md' -type f | sort)
for f in tests/import/*; do seed import 65536 "$f"; done
# The chapter target takes "TOC -----8<----- CHAPTER" too: a few whole small books.
for d in tests/fixtures/good-book tests/fixtures/_base; do
  for c in "$d"/manuscript/chapters/*.md; do
    { cat "$d/manuscript/toc.md"; printf '\n-----8<-----\n'; cat "$c"; } \
      >"$out/chapter/book-$(basename "$d")-$(basename "$c")"
  done
done
for t in meta toc chapter import layout; do echo "$t: $(ls "$out/$t" | wc -l) seeds"; done
