#!/usr/bin/env bash
# pandoc.sh BOOK OUT: pandoc's time on the same book as `make bench` builds, for comparison
# (benchmark only), and what epubcheck says of its EPUB. Skipped when pandoc is not installed.
set -u
book=$1 out=$2
command -v pandoc >/dev/null || { echo "pandoc: not installed (apt-get install pandoc)"; exit 0; }
title=$(sed -n 's/^title: *//p' "$book/manuscript/book.yaml" | head -n 1)
chapters=$(ls "$book"/manuscript/chapters/*.md | tr '\n' ' ')
hyperfine -N --warmup 1 -r 5 "pandoc -f gfm --metadata title=Bench -o $out $chapters"
if [ -f /usr/bin/epubcheck ]; then
  echo "epubcheck on pandoc's EPUB ($title): $(java -jar /usr/bin/epubcheck "$out" 2>&1 | grep '^Messages')"
fi
