#!/usr/bin/env python3
"""make-book.py OUT_DIR [WORDS] [DIAGRAMS]: writes a valid book of about WORDS words (default
50,000) for `make bench`: 20 chapters of 6 sections, each with paragraphs, code, a callout, a
table and links, so `bookbuild check` (and later the writers) see every construct at book scale;
DIAGRAMS (default 0) of its callouts are drawn diagrams (a ```dot block and its description)."""
import os
import random
import sys

out = sys.argv[1]
words = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
diagrams = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rng = random.Random(42)
vocab = ("interpreter bytecode frame object reference namespace module closure descriptor "
         "allocator arena generation collector thread lock coroutine event loop import finder "
         "loader specialisation instruction stack value cache dictionary attribute method class "
         "instance protocol annotation generic variance runtime compile evaluate execute").split()
chapters, sections, paras = 20, 6, 3
# Narrative takes what the headings, code, notes, tables and lists do not (about 70 words a
# section); a sentence averages 13 words.
per_para = max(20, (words // (chapters * sections) - 70) // paras)


def sentence():
    n = rng.randint(8, 18)
    return " ".join(rng.choice(vocab) for _ in range(n)).capitalize() + "."


def paragraph():
    return " ".join(sentence() for _ in range(max(1, round(per_para / 13))))


os.makedirs(f"{out}/manuscript/chapters", exist_ok=True)
with open(f"{out}/manuscript/book.yaml", "w") as f:
    f.write("title: Benchmark Book\nauthor: Bench\nlang: en\n"
            "identifier: urn:uuid:5a0c7d1e-1b2c-4d3e-8f90-a1b2c3d4e5f6\n")
toc = ["# Benchmark Book", ""]
for c in range(1, chapters + 1):
    toc += [f"## {c}. Chapter Number {c}", ""]
    toc += [f"- {c}.{s}. Section {s} of chapter {c}" for s in range(1, sections + 1)]
    toc.append("")
    body = [f"# {c}. Chapter Number {c}", "", paragraph(), ""]
    for s in range(1, sections + 1):
        body += [f"## {c}.{s}. Section {s} of chapter {c}", ""]
        other = rng.randint(1, chapters)
        link = (f" See [section 1](../chapters/{other:02d}-chapter.md"
                f"#{other}1-section-1-of-chapter-{other}).")
        for p in range(paras):
            body += [paragraph() + (link if p == paras - 1 else ""), ""]
            if p == 0:
                body += ["```python", "def f(x):", "    return x * 2", "", "print(f(21))", "```", ""]
        if diagrams > 0 and ((c - 1) * sections + s - 1) % (chapters * sections // diagrams) == 0:
            n = (c - 1) * sections + s
            body += [f"> [!DIAGRAM] Pipeline {n}", "> ```dot", "> digraph {", ">   rankdir=LR;",
                     f'>   a [label="source {n}"]; b [label="bytecode"]; c [label="result", style=filled];',
                     '>   a -> b [label="compile"]; b -> c [label="run"];', "> }", "> ```", ">",
                     '> Three boxes in a row: "source", "bytecode" and a shaded "result", joined',
                     '> by arrows labelled "compile" and "run".', ""]
        body += ["> [!NOTE]", "> " + sentence(), "", "| a | b |", "|---|---|", "| 1 | 2 |", ""]
    body += ["## Key Takeaways", "", "- " + sentence(), "- " + sentence(), ""]
    with open(f"{out}/manuscript/chapters/{c:02d}-chapter.md", "w") as f:
        f.write("\n".join(body))
with open(f"{out}/manuscript/toc.md", "w") as f:
    f.write("\n".join(toc))
