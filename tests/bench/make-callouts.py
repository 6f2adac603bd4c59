#!/usr/bin/env python3
"""make-callouts.py DIR N: the tests/fixtures/_base book with N one-line NOTE callouts in its
first chapter, for `make bench` (drawing callouts was once quadratic in their number)."""
import pathlib
import shutil
import sys

out, count = pathlib.Path(sys.argv[1]), int(sys.argv[2])
base = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "_base"
shutil.rmtree(out, ignore_errors=True)
shutil.copytree(base, out)
chapter = out / "manuscript" / "chapters" / "01-first.md"
anchor = "as the rules ask for at least two of them.\n"
text = chapter.read_text()
chapter.write_text(text.replace(anchor, anchor + "\n" + "> [!NOTE]\n> one line.\n\n" * count, 1))
