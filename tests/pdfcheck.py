#!/usr/bin/env python3
"""pdfcheck.py PDF BOOK_ROOT [--only CHAPTER.md]: checks a PDF that `bookbuild pdf` wrote, with the real tools.

- qpdf --check passes;
- pdffonts: every font embedded and subset, none of Type 3;
- the outline (read back with qpdf --json) has one entry per chapter title and per heading of
  levels 2 and 3 outside block quotes (plus "Contents", and "Index" when the book indexes, in a
  whole book), each on a page whose
  text (pdftotext) holds its title;
- every internal link's named destination exists and lands on a page, and a link to a chapter
  or heading lands on the page that shows it;
- pdftotext of the whole PDF holds the outline titles in reading order, the opening words of
  every paragraph of the manuscript, every table header cell and callout label, with words
  intact (no U+FFFD, no ligature code points).
Prints one line per failed check and exits 1 if any failed."""
import json
import os
import re
import subprocess
import sys

pdf, root = sys.argv[1], sys.argv[2]
only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
handout = only is not None
failures = []


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def norm(s):
    s = s.replace("\u00ad\n", "").replace("\u00ad", "").replace("\u2002", " ")
    s = re.sub(r"[\u2018\u2019]", "'", s)
    s = re.sub(r"[\u201c\u201d]", '"', s)
    s = re.sub(r"/\s+(?=\w)", "/", s)  # a line broken after a slash ("CI/" / "CD") is one word
    return re.sub(r"\s+", " ", s).strip()


def plain_md(s):
    s = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\[\^[^\]]*\]", "", s)
    s = re.sub(r"<[^>]+>", "", s)
    return s.replace("`", "").replace("*", "").replace("~~", "").replace("\\", "")


# qpdf --check
r = run("qpdf", "--check", pdf)
if r.returncode != 0:
    failures.append("qpdf --check: " + (r.stdout + r.stderr).strip().splitlines()[-1])

# fonts
r = run("pdffonts", pdf)
for line in r.stdout.splitlines()[2:]:
    cols = line.split()
    emb, sub = cols[-5], cols[-4]
    if emb != "yes" or sub != "yes" or "Type 3" in line:
        failures.append("pdffonts: not embedded and subset, or Type 3: " + line.strip())

# the structure: outline, pages, named destinations
info = json.loads(run("qpdf", "--json=1", "--json-key=objects", "--json-key=pages", pdf).stdout)
objs = info["objects"]
page_no = {p["object"]: p["pageposfrom1"] for p in info["pages"]}
outline = []
for p in info["pages"]:
    for o in sorted(p.get("outlines", []), key=lambda o: -o["dest"][3]):
        outline.append((p["pageposfrom1"], o["title"]))
root_obj = objs[objs["trailer"]["/Root"]]
dests = {}


def walk_names(ref):
    node = objs[ref] if isinstance(ref, str) else ref
    names = node.get("/Names", [])
    for i in range(0, len(names), 2):
        target = names[i + 1]
        target = objs[target] if isinstance(target, str) and target in objs else target
        dests[names[i].lstrip("u:")] = target
    for kid in node.get("/Kids", []):
        walk_names(kid)


names_root = root_obj.get("/Names")
if names_root:
    d = objs[names_root] if isinstance(names_root, str) else names_root
    if "/Dests" in d:
        walk_names(d["/Dests"])
text_pages = [norm(run("pdftotext", "-f", str(i), "-l", str(i), pdf, "-").stdout)
              for i in range(1, len(info["pages"]) + 1)]

links = 0
link_targets = []  # (page of the link, destination name, page of the target)
for p in info["pages"]:
    annots = objs[p["object"]].get("/Annots", [])
    for a in annots:
        ann = objs[a] if isinstance(a, str) else a
        name = ann.get("/Dest")
        if name is None:
            continue
        links += 1
        name = name.lstrip("u:")
        target = dests.get(name)
        if not target or target[0] not in page_no:
            failures.append(f"link on page {p['pageposfrom1']} to '{name}' goes nowhere")
        else:
            link_targets.append((p["pageposfrom1"], name, page_no[target[0]]))

def shown(title):
    """Chapter openings show "CHAPTER 3" above the title without its number."""
    return norm(re.sub(r"^\d+\. ", "", title))


for page, title in outline:
    if shown(title) not in text_pages[page - 1] and title != "Contents":
        failures.append(f"outline entry '{title}' points at page {page}, which does not show it")

def slug(text, seen):
    """GitHub's heading id, as the writers name their destinations (typo_output_id)."""
    base = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
    n = seen.get(base, 0)
    seen[base] = n + 1
    s = base if n == 0 else f"{base}-{n}"
    return s if s[:1].isalpha() or (s[:1] and ord(s[0]) > 127) else "h-" + s


# expected outline entries from the manuscript, and the heading behind each destination
expected, paragraphs, heading_of, labels = 0, [], {}, []
chapters_dir = os.path.join(root, "manuscript", "chapters")
for name in sorted(os.listdir(chapters_dir)):
    if not name.endswith(".md") or (only and name != os.path.basename(only)):
        continue
    fence = None
    lines = open(os.path.join(chapters_dir, name), encoding="utf-8").read().split("\n")
    para, seen, base, prev_line = [], {}, name[:-3], ""
    for line in lines:
        m = re.match(r"^(```+|~~~+)", line)
        if m and (fence is None or line.startswith(fence)):
            fence = None if fence else m.group(1)
            continue
        if fence:
            continue
        if re.match(r"^\s*\|?\s*:?-{3,}", line) and prev_line.count("|") >= 1:
            cells = [c.strip() for c in prev_line.strip().strip("|").split("|")]
            labels.extend(norm(plain_md(c)) for c in cells if c.strip())
        m = re.match(r"^> \[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION|DIAGRAM)\]", line)
        if m:
            labels.append(m.group(1))
        prev_line = line
        h = re.match(r"^#{1,6} +(.*?)[ #]*$", line)
        if h:
            parts = h.group(1).split("`")  # code spans keep their * and _
            text = norm("".join(t if i % 2 else plain_md(t) for i, t in enumerate(parts)))
            heading_of[base + "/" + slug(text, seen)] = text
            heading_of.setdefault(base, text)
        if re.match(r"^#{1,3} ", line):
            expected += 1
        if line.strip() and re.match(r"^[A-Za-z“\"(]", line) and not para:
            para = line
            paragraphs.append(line)
        if not line.strip():
            para = []
indexed = os.path.exists(os.path.join(root, "manuscript", "index.yaml")) or any(
    "<!-- index:" in open(os.path.join(chapters_dir, n), encoding="utf-8").read()
    for n in os.listdir(chapters_dir) if n.endswith(".md"))
if not handout:
    expected += 1  # Contents
    expected += indexed  # Index, at the back
    if len(outline) != expected:
        failures.append(f"outline has {len(outline)} entries, the manuscript {expected} headings")

# every internal link to a heading lands on the page that shows the heading
for page, name, target in link_targets:
    text = heading_of.get(name)
    if text and shown(text) not in text_pages[target - 1]:
        failures.append(f"link on page {page} to '{name}' lands on page {target}, "
                        f"which does not show '{text}'")

# reading order (in the body, after the contents) and intact words
whole = norm(run("pdftotext", pdf, "-").stdout)
body_start = min((page for page, title in outline if title != "Contents"), default=1)
body = " ".join(text_pages[body_start - 1:])
pos = 0
for page, title in outline:
    if title == "Contents":
        continue
    i = body.find(shown(title), pos)
    if i < 0:
        failures.append(f"'{title}' is missing from the text or out of order")
    else:
        pos = i
if "\ufffd" in whole or re.search("[\ufb00-\ufb06]", whole):
    failures.append("pdftotext finds replacement characters or ligature code points")
# table header cells and callout labels come out whole (not broken inside a word or spaced
# apart by letter spacing)
words = set(whole.split(" "))
# pdftotext joins a word broken after its hyphen at a line's end without the hyphen
# ("Four-layer" wrapped as "Four-" / "layer" reads "Fourlayer"): that break is typesetting.
def found(w):
    return w in words or ("-" in w and w.replace("-", "") in words)
for label in labels:
    if not all(found(w) for w in label.split(" ")):  # a wrapped cell reads in pieces
        failures.append(f"table header or callout label not found whole in the text: '{label}'")

missing = 0
for line in paragraphs:
    words = norm(plain_md(line)).split(" ")[:7]
    probe = " ".join(words)
    if len(words) >= 4 and probe not in whole:
        missing += 1
        if missing <= 5:
            failures.append(f"paragraph opening not found in the text: '{probe}'")
if missing > 5:
    failures.append(f"... {missing} paragraph openings not found in all")

for f in failures:
    print(f)
print(f"pdfcheck: {len(info['pages'])} pages, {len(outline)} outline entries, {links} internal "
      f"links, {len(paragraphs)} paragraphs probed, {len(failures)} problems")
sys.exit(1 if failures else 0)
