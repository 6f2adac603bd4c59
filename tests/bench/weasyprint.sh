#!/usr/bin/env bash
# tests/bench/weasyprint.sh BOOK_DIR OUT_DIR: the comparison for `make bench`: the same book's
# chapters through `pandoc -s` to one HTML file, then WeasyPrint (Debian `weasyprint`) timed on
# it with hyperfine, and its peak memory. Skipped, with a note, when either tool is missing.
set -eu
book=$1 out=$2
for tool in pandoc weasyprint; do
  if ! command -v "$tool" >/dev/null; then
    echo "weasyprint comparison skipped: $tool is not installed (apt-get install $tool)"
    exit 0
  fi
done
mkdir -p "$out"
pandoc -s -f gfm -t html5 --metadata title="bench" "$book"/manuscript/chapters/*.md \
  -o "$out/book.html"
hyperfine -N --warmup 1 --runs 3 "weasyprint $out/book.html $out/weasyprint.pdf"
/usr/bin/time -f "weasyprint peak memory: %M kB" weasyprint "$out/book.html" "$out/weasyprint.pdf"
echo "weasyprint pages: $(pdfinfo "$out/weasyprint.pdf" | sed -n 's/^Pages: *//p')"
