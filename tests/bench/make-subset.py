#!/usr/bin/env python3
"""tests/bench/make-subset.py OUT WORDS: a smaller real book for `make bench`, cut from this
book: its first chapters, whole, until they hold WORDS words (issue 22 measures an EPUB rebuild
against pandoc on a 47,000-word technical book, and the bench book's generated prose is not one:
no code, no tables, no notes). The table of contents keeps those chapters; links into the
chapters left out become their text, index markers and index.yaml are dropped (a "see" may name
an entry only the rest defines), and the book must check clean."""
import pathlib
import re
import shutil
import sys

root = pathlib.Path(__file__).resolve().parents[2] / "manuscript"
out, words = pathlib.Path(sys.argv[1]) / "manuscript", int(sys.argv[2])
if out.parent.exists():
    shutil.rmtree(out.parent)
(out / "chapters").mkdir(parents=True)
for name in ("book.yaml",):
    shutil.copy(root / name, out / name)
if (root / "images").exists():
    shutil.copytree(root / "images", out / "images")

kept, total = [], 0
for path in sorted((root / "chapters").glob("*.md")):
    if total >= words:
        break
    kept.append(path.name)
    total += len(path.read_text(encoding="utf-8").split())

link = re.compile(r"\[([^\]]*)\]\((\d\d-[^)#]*\.md)(#[^)]*)?\)")
marker = re.compile(r" ?<!-- index:.*?-->")
for name in kept:
    text = (root / "chapters" / name).read_text(encoding="utf-8")
    text = link.sub(lambda m: m.group(0) if m.group(2) in kept else m.group(1), text)
    text = marker.sub("", text)
    (out / "chapters" / name).write_text(text, encoding="utf-8")

# The table of contents: its title, then one block per chapter, separated by "---" lines.
toc = (root / "toc.md").read_text(encoding="utf-8")
blocks = re.split(r"\n---\n", toc)
(out / "toc.md").write_text("\n---\n".join(blocks[:len(kept)]).rstrip("\n") + "\n", encoding="utf-8")
print(f"{out.parent}: chapters {kept[0]} to {kept[-1]}, {total} words")
