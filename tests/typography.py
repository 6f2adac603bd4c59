#!/usr/bin/env python3
"""tests/typography.py: the texture of a bookbuild PDF's body text, measured from the PDF alone.

Usage: typography.py BOOK.pdf [--manuscript DIR] [--max NAME=VALUE ...] [--json]

Reads every glyph's position, font and advance box from `mutool draw -F stext` (nothing is
rendered, and nothing of the layout's own state is used), then measures what issue 20's table
and docs/../reviews/typography.md measure:

- Body lines: lines of the body face (Libertine at the body size, 9.8-10.11 pt: mutool gives a
  glyph expanded or narrowed by up to 2% the size 10 pt times the root of its scale) that start at the
  text block's left edge or one paragraph indent in (full-measure paragraphs; lists, callouts,
  headings, code blocks, running heads and the front matter before "Introduction" are left out).
  The text block's edges are measured per page side: the most common start and end of body lines.
  An opening quote that starts a line may hang into the left margin by up to 70% of its width.
- A body line is *justified* when the paragraph goes on after it: the next body line is one
  leading below and not indented, or (at a page's last line) the next page's first body line sits
  at the top of its text block and is not indented.
- Word spaces: the gap from one glyph's advance box to the next where the PDF has a space or the
  gap is wider than 0.12 em, except between two monospaced glyphs (inside a code span); divided by
  the body face's natural space, 0.25 em of the nominal 10 pt (2.5 bp). A line's figure is the
  median of its spaces.
- Hyphens: a justified line ending in "-" after a letter. A compound's own hyphen (the two halves
  spelt with a hyphen in the manuscript, when --manuscript is given) is not a hyphenation.
  "Short" hyphenations leave 2 letters or fewer before the hyphen or on the next line (a
  ligature glyph counts as its letters).
- Short: a justified line whose last glyph ends more than 1 bp before the right edge.
- Uneven baselines: two consecutive body lines (a line of only code spans counts) more than
  0.5 bp (and less than 3) off the measured leading.
- Overfull: any line of the text block whose last letter or digit ends more than 1 bp past it.
- Widow: a page's first body line ends a paragraph that began on the page before.
  Orphan: a page's last line of text, a body line, starts a paragraph (indented, or no body line one leading
  above) that goes on overleaf.
- Bottoms: a page's last baseline of text (the folio and footnotes left out) against the foot,
  the 95th percentile of those baselines over the judged pages (where a full page ends).
  "Pages short of the foot" end more than one leading above it. Not judged: pages before
  "Introduction"; a chapter's last page (the next page is blank, opens a chapter, the index or
  another part, or there is none), which ends where its text does; pages with footnotes, whose
  text ends at the notes, not at the foot; and the index's pages (from the one headed "Index"
  on), whose columns the back matter sets, not the page breaker. "Facing pages uneven": an even page and the odd page after it,
  both judged, whose last baselines are more than 0.5 bp apart.

--max NAME=VALUE fails (exit 1) when metric NAME is above VALUE; the names are those printed.
A failed short lines, widows, orphans, overfull lines or short hyphenations lists where (the
PDF page and the line's start; `bookbuild pdf --verbose` names the Markdown line).
"""
import argparse
import html
import json
import re
import statistics
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

CHAR = re.compile(r'<char quad="([^"]+)" x="([^"]+)" y="([^"]+)"[^>]* c="((?:[^"]|&quot;)*)"/>')
FONT = re.compile(r'<font name="([^"]+)" size="([^"]+)">')
NATURAL = 2.5  # Libertine's space, 0.25 em of 10 pt
LEADING_SLACK = 1.0


def unescape(s):
    return html.unescape(s)


def pages_of(pdf):
    """Yields (page number, [line]) where a line is a list of glyphs (x, x2, baseline, font, size, c)."""
    out = subprocess.run(["mutool", "draw", "-F", "stext", "-o", "-", str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    for number, page in enumerate(out.split("<page ")[1:], 1):
        glyphs = []
        font, size = "", 0.0
        for m in re.finditer(r"<font [^>]+>|<char [^>]+/>", page):
            tag = m.group(0)
            f = FONT.match(tag)
            if f:
                font, size = f.group(1), float(f.group(2))
                continue
            c = CHAR.match(tag)
            if not c:
                continue
            q = [float(v) for v in c.group(1).split()]
            glyphs.append((float(c.group(2)), q[2], round(float(c.group(3)), 1), font, size,
                           unescape(c.group(4))))
        rows = {}
        for g in glyphs:
            key = next((k for k in rows if abs(k - g[2]) < 0.6), g[2])
            rows.setdefault(key, []).append(g)
        yield number, [sorted(rows[k]) for k in sorted(rows)]


def is_body(g):
    return "Libertine" in g[3] and 9.8 <= g[4] <= 10.11


def is_mono(g):
    return "Mono" in g[3]


def letters(text):
    """`text` with ligature glyphs spelt out: the standard ones by NFKC, and Libertine's own
    (private-use code points such as U+E03C for tt) as two letters, so that "Star-" before the
    tt-ligature of "lette" is not a break leaving two letters."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\ue000-\uf8ff]", "xx", text)


def words_of(manuscript):
    text = ""
    if manuscript:
        for p in sorted(Path(manuscript).glob("*.md")):
            text += p.read_text(encoding="utf-8").lower()
    return text


def measure(pdf, manuscript=None, where=None):
    """The metrics; `where`, a dict if given, gets per metric the places that count in it: the
    PDF page and the start of the line."""
    if where is None:
        where = {}

    def found(name, n, ln):
        m[name] += 1
        text = "".join(g[5] for g in ln).strip()
        where.setdefault(name, []).append(f"PDF page {n}: {text[:60]}")

    pages = list(pages_of(pdf))
    start = next((n for n, lines in pages
                  if any("".join(g[5] for g in ln).strip() == "Introduction" and
                         any(g[4] > 14 for g in ln) for ln in lines)), 1)
    # Body lines per page, with the page's side.
    body = {}
    for n, lines in pages:
        if n < start:
            continue
        cand = []
        for ln in lines:
            ink = [g for g in ln if g[5].strip()]
            if not ink or any("Biolinum" in g[3] for g in ln):
                continue
            code_only = all(is_mono(g) and 8.4 <= g[4] <= 8.7 for g in ink)
            if (not code_only and sum(is_body(g) for g in ink) == 0) or \
                    any(is_mono(g) and g[4] < 8.2 for g in ink):
                continue
            cand.append(ln)
        body[n] = cand
    left = {0: Counter(), 1: Counter()}
    right = {0: Counter(), 1: Counter()}
    for n, lines in body.items():
        for ln in lines:
            ink = [g for g in ln if g[5].strip()]
            left[n % 2][round(ink[0][0])] += 1
            right[n % 2][round(ink[-1][1])] += 1
    edge_l = {s: left[s].most_common(1)[0][0] for s in left if left[s]}
    edge_r = {s: right[s].most_common(1)[0][0] for s in right if right[s]}
    indent = 12.0
    # Full-measure lines: starting at the edge or one indent in.
    full = {}
    tops = {}
    lowest = {}  # per page: the lowest baseline of any text but the folio
    for n, lines in pages:
        text = [ln for ln in lines if not is_folio(ln)]
        lowest[n] = max((ln[0][2] for ln in text), default=0)
    for n, lines in body.items():
        L = edge_l[n % 2]
        keep = []
        for ln in lines:
            first = next(g for g in ln if g[5].strip())
            # An opening quote may hang into the margin by up to 70% of its width.
            x = first[0]
            if first[5] in "‘“":
                x += min(0.7 * (first[1] - first[0]), max(0.0, L - first[0]))
            if abs(x - L) < 0.6:
                keep.append((ln, False))
            elif abs(x - L - indent) < 0.9:
                keep.append((ln, True))
        full[n] = keep
        tops[n] = min((ln[0][2] for ln, _ in keep), default=None)
    top_of_block = Counter(round(t) for t in tops.values() if t is not None).most_common(1)
    block_top = top_of_block[0][0] if top_of_block else 0
    # Leading: the most common distance between consecutive full lines.
    gaps = Counter()
    for n, keep in full.items():
        for a, b in zip(keep, keep[1:]):
            gaps[round(b[0][0][2] - a[0][0][2], 1)] += 1
    leading = gaps.most_common(1)[0][0] if gaps else 14.8
    uneven = sum(n for gap, n in gaps.items() if 0.5 < abs(gap - leading) < 3)
    manuscript_text = words_of(manuscript)

    m = Counter()
    spaces, line_medians = [], []
    hyph_run, longest_run = 0, 0
    order = sorted(full)
    for i, n in enumerate(order):
        keep = full[n]
        R = edge_r[n % 2]
        for j, (ln, ind) in enumerate(keep):
            nxt = keep[j + 1] if j + 1 < len(keep) else None
            above = keep[j - 1] if j > 0 else None
            follows = nxt and abs(nxt[0][0][2] - ln[0][2] - leading) < LEADING_SLACK
            preceded = above and abs(ln[0][2] - above[0][0][2] - leading) < LEADING_SLACK
            at_foot = nxt is None and ln[0][2] >= lowest[n] - 0.5
            overleaf = None
            if at_foot and i + 1 < len(order):
                nk = full[order[i + 1]]
                if nk and abs(nk[0][0][0][2] - block_top) < 2:
                    overleaf = nk[0]
            # A line at the indent under another one there is in an indented block (a box's
            # text, a list item): it starts nothing, and goes on overleaf only at the indent.
            boxed = ind and preceded and above[1]
            justified = (follows and not nxt[1]) or (
                overleaf is not None and not overleaf[1] and not boxed)
            m["body lines"] += 1
            starts = (ind and not boxed) or not preceded
            if j == 0 and not starts and i > 0 and abs(ln[0][2] - block_top) < 2:
                # A page's first line continuing a paragraph: a widow if it ends it.
                if not justified:
                    found("widows", n, ln)
            if at_foot and starts and overleaf is not None and not overleaf[1]:
                found("orphans", n, ln)
            if not justified:
                hyph_run = 0
                continue
            m["justified lines"] += 1
            ink = [g for g in ln if g[5].strip()]
            # Spaces.
            gaps_here = []
            prev = None
            saw_space = False
            for g in ln:
                if not g[5].strip():
                    saw_space = True
                    continue
                if prev is not None:
                    gap = g[0] - prev[1]
                    if (saw_space or gap > 1.2) and not (is_mono(prev) and is_mono(g)):
                        gaps_here.append(gap / NATURAL)
                prev = g
                saw_space = False
            if gaps_here:
                spaces.extend(gaps_here)
                med = statistics.median(gaps_here)
                line_medians.append(med)
                if med > 1.5:
                    m["lines > 1.5x"] += 1
                if med > 2.0:
                    m["lines > 2x"] += 1
                if med > 1.63:
                    m["lines over tolerance 200"] += 1
            if ink[-1][1] < R - 1:
                found("short lines", n, ln)
            # Hyphens.
            text = letters("".join(g[5] for g in ln)).rstrip()
            if re.search(r"[A-Za-z][-\u2010]$", text):
                m["hyphen lines"] += 1
                before = re.search(r"([A-Za-z]+)[-\u2010]$", text).group(1)
                nt = letters("".join(g[5] for g in (nxt[0] if follows else overleaf[0])).strip())
                after = re.match(r"[A-Za-z]*", nt).group(0)
                compound = f"{before.lower()}-{after.lower()}" in manuscript_text
                if not compound:
                    m["hyphenations"] += 1
                    if len(before) <= 2 or len(after) <= 2:
                        found("short hyphenations", n, ln)
                hyph_run += 1
                longest_run = max(longest_run, hyph_run)
            else:
                hyph_run = 0
        hyph_run = 0
    # Overfull: every line of the text block, body or not.
    for n, lines in pages:
        if n < start or (n % 2) not in edge_r:
            continue
        R = edge_r[n % 2]
        for ln in lines:
            alnum = [g for g in ln if g[5].isalnum()]
            if alnum and alnum[-1][1] > R + 1 and ln[0][2] > block_top - 20:
                found("overfull lines", n, ln)
    just = max(m["justified lines"], 1)
    result = {
        "body lines": m["body lines"],
        "justified lines": m["justified lines"],
        "leading": leading,
        "uneven baselines": uneven,
        "median space": round(statistics.median(spaces), 3) if spaces else 0,
        "lines > 1.5x %": round(100 * m["lines > 1.5x"] / just, 2),
        "lines > 2x %": round(100 * m["lines > 2x"] / just, 2),
        "lines over tolerance 200 %": round(100 * m["lines over tolerance 200"] / just, 2),
        "hyphen lines %": round(100 * m["hyphen lines"] / just, 2),
        "hyphenations": m["hyphenations"],
        "longest hyphen run": longest_run,
        "short hyphenations": m["short hyphenations"],
        "short lines": m["short lines"],
        "overfull lines": m["overfull lines"],
        "widows": m["widows"],
        "orphans": m["orphans"],
    }
    result.update(bottoms(pages, start, leading))
    return result


def is_folio(ln):
    """A page number: digits alone on their line, not in the code face (a listing's `3` is
    text)."""
    return ("".join(g[5] for g in ln).strip().isdigit() and
            not all(is_mono(g) for g in ln if g[5].strip()))


def is_note(g):
    """A footnote's glyph: Libertine at the note size (0.82 of the body) or code in a note."""
    return ("Libertine" in g[3] and 8.0 <= g[4] <= 8.4) or (is_mono(g) and g[4] < 7.5)


def bottoms(pages, start, leading):
    """Pages ending short of the foot, and facing pages ending at different heights."""
    info = {}
    for n, lines in pages:
        text = [ln for ln in lines if "".join(g[5] for g in ln).strip() and not is_folio(ln)]
        big = ["".join(g[5] for g in ln).strip() for ln in text if any(g[4] > 14 for g in ln)]
        notes = False
        while text and all(is_note(g) for g in text[-1] if g[5].strip()):
            text.pop()
            notes = True
        info[n] = {"blank": not text, "opens": bool(big), "index": "Index" in big,
                   "notes": notes, "last": text[-1][0][2] if text else None}
    judged = {}
    in_index = False
    for n, _ in pages:
        page = info[n]
        in_index = in_index or page["index"]
        nxt = info.get(n + 1)
        ends = nxt is None or nxt["blank"] or nxt["opens"]
        if n < start or page["blank"] or ends or page["notes"] or in_index:
            continue
        judged[n] = page["last"]
    lows = sorted(judged.values())
    foot = lows[min(len(lows) - 1, int(0.95 * len(lows)))] if lows else 0
    short = sum(1 for y in lows if foot - y > leading + 0.5)
    spreads = [n for n in judged if n % 2 == 0 and n + 1 in judged]
    uneven = sum(1 for n in spreads if abs(judged[n] - judged[n + 1]) > 0.5)
    return {"pages judged for bottoms": len(judged), "pages short of the foot": short,
            "pages short of the foot %": round(100 * short / max(len(judged), 1), 2),
            "facing pages judged": len(spreads), "facing pages uneven": uneven,
            "facing pages uneven %": round(100 * uneven / max(len(spreads), 1), 2),
            "bottom shortfall max": round(max((foot - y for y in lows), default=0), 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf")
    ap.add_argument("--manuscript")
    ap.add_argument("--max", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    where = {}
    r = measure(args.pdf, args.manuscript, where)
    if args.json:
        print(json.dumps(r, indent=1))
    else:
        for k, v in r.items():
            print(f"{k:28} {v}")
    bad = 0
    for spec in args.max:
        name, _, value = spec.rpartition("=")
        if name not in r:
            print(f"typography: no metric '{name}'", file=sys.stderr)
            return 2
        if r[name] > float(value):
            print(f"typography: {name} is {r[name]}, above {value}", file=sys.stderr)
            for place in where.get(name, [])[:40]:
                print(f"  {place}", file=sys.stderr)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
