#!/usr/bin/env python3
"""tests/pagelist.py: the EPUB's print page list against the PDF it was built with.

Usage: pagelist.py BOOK.epub BOOK.pdf [--sample N] [--all] [--inside N]

Checks that
  - nav.xhtml has a page-list nav with one entry per PDF page, in order, each label the PDF's
    own page label (qpdf --json), each link resolving to a pagebreak marker with that label;
  - the markers come in the EPUB's reading order (spine, then document order) as the list does;
  - the word right after a sample of markers (N spread over the body, default 20; --all: every
    page) is the first word on that PDF page (pdftotext -f P -l P, the running head and folio
    left out). A page that opens with the rest of a hyphenated or broken word matches the
    marker's word by its end.
  - with --inside N: at least N markers stand inside a paragraph, after some of its words
    (pages that turn mid-paragraph, not at a block's start).
Prints one line per failure and a summary; exits 1 on any failure.
"""
import html
import json
import re
import subprocess
import sys
import zipfile
from xml.etree import ElementTree as ET

XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"


def pdf_labels(pdf):
    out = subprocess.run(["qpdf", "--json", "--json-key=pagelabels", "--json-key=pages", pdf],
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    count = len(data["pages"])
    ranges = sorted(data.get("pagelabels", []), key=lambda r: r["index"])
    labels = []
    for i in range(count):
        cur = None
        for r in ranges:
            if r["index"] <= i:
                cur = r
        if cur is None:
            labels.append(str(i + 1))
            continue
        lab = cur["label"]
        prefix = lab.get("/P", "")
        prefix = prefix[2:] if prefix.startswith("u:") else prefix
        style = lab.get("/S")
        num = lab.get("/St", 1) + i - cur["index"]
        labels.append(prefix + (str(num) if style == "/D" else ""))
    return labels


def spine_docs(z):
    container = ET.fromstring(z.read("META-INF/container.xml"))
    opf_path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get(
        "full-path")
    base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
    opf = ET.fromstring(z.read(opf_path))
    items = {i.get("id"): i for i in opf.iter(OPF + "item")}
    nav = next(i.get("href") for i in items.values() if "nav" in (i.get("properties") or ""))
    spine = [items[r.get("idref")].get("href") for r in opf.iter(OPF + "itemref")]
    return base, nav, spine


def words_after(raw, ident):
    """The text after the element with id `ident` in the raw XHTML, tags removed."""
    m = re.search(r'<span [^>]*id="%s"[^>]*/>' % re.escape(ident), raw)
    if not m:
        return None
    rest = raw[m.end():m.end() + 4000]
    rest = re.sub(r"<span [^>]*epub:type=\"pagebreak\"[^>]*/>", "", rest)
    rest = re.sub(r"<br */>", " ", rest)
    rest = re.sub(r"</?(p|h[1-6]|li|td|th|div|pre|section|aside|figure|figcaption)\b[^>]*>", " ",
                  rest)
    rest = html.unescape(re.sub(r"<[^>]+>", "", rest))
    return rest


def first_word(text):
    m = re.search(r"\S+", text or "")
    return m.group(0) if m else ""


def pdf_first_word(pdf, page, heads, label):
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"],
                          check=True, capture_output=True, text=True).stdout
    lines = [l.strip() for l in text.replace("\f", "").splitlines() if l.strip()]
    # the running head and the folio come first in pdftotext's order, when the page has them
    # (an opening page has its folio at the foot, and no running head)
    plain = " ".join(lines[:3]).split()
    top = [l for l in lines[:4] if l != label and head_key(l) not in heads]
    return " ".join((top + lines[4:])[:3]).split(), plain


def head_key(line):
    return re.sub(r"\W+", "", line.casefold())


def is_marker(word):
    return word in ("•", "◦", "–", "☐", "☑") or re.fullmatch(r"\d+\.?", word) is not None


def pdf_first_word_rest(pdf, page):
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"],
                          check=True, capture_output=True, text=True).stdout
    return text.split()[:40]


def norm(word):
    word = word.replace("\u00ad", "").replace("\u200b", "")
    return re.sub(r"[\W_]+", "", word).casefold()


def main():
    args = sys.argv[1:]
    sample, every, inside = 20, False, 0
    if "--inside" in args:
        k = args.index("--inside")
        inside = int(args[k + 1])
        del args[k:k + 2]
    if "--all" in args:
        every = True
        args.remove("--all")
    if "--sample" in args:
        k = args.index("--sample")
        sample = int(args[k + 1])
        del args[k:k + 2]
    epub, pdf = args
    failures = []
    labels = pdf_labels(pdf)
    z = zipfile.ZipFile(epub)
    base, nav_href, spine = spine_docs(z)
    nav = ET.fromstring(z.read(base + nav_href))
    navs = [n for n in nav.iter(XHTML + "nav") if n.get(OPS + "type") == "page-list"]
    if len(navs) != 1:
        print("FAIL: %d page-list navs" % len(navs))
        return 1
    entries = [(a.text, a.get("href")) for a in navs[0].iter(XHTML + "a")]
    if [e[0] for e in entries] != labels:
        failures.append("page-list labels differ from the PDF's: %d entries, %d pages; first "
                        "difference: %s" % (len(entries), len(labels), next(
                            ((i, e[0], l) for i, (e, l) in enumerate(zip(entries, labels))
                             if e[0] != l), None)))
    raw = {}
    order = {}  # marker id per document, in document order
    for doc in spine:
        text = z.read(base + doc).decode("utf-8")
        raw[doc] = text
        order[doc] = re.findall(r'<span [^>]*epub:type="pagebreak"[^>]*/>', text)
    reading = []
    for doc in spine:
        for span in order[doc]:
            ident = re.search(r'id="([^"]+)"', span).group(1)
            label = re.search(r'aria-label="([^"]+)"', span).group(1)
            if ident != "page-" + label:
                failures.append("%s: marker %s labelled %s" % (doc, ident, label))
            reading.append((doc, ident))
    targets = []
    for label, href in entries:
        doc, _, ident = href.partition("#")
        if doc not in raw or not re.search(r'id="%s"' % re.escape(ident), raw[doc]):
            failures.append("page %s: %s does not resolve" % (label, href))
        targets.append((doc, ident))
    if targets != reading:
        failures.append("markers in reading order differ from the page-list's order")
    heads = set()  # running heads: the book's title and the chapters'
    toc = [n for n in nav.iter(XHTML + "nav") if n.get(OPS + "type") == "toc"][0]
    for li in toc.find(XHTML + "ol"):
        a = li.find(XHTML + "a")
        if a is not None and a.text:
            heads.add(head_key(re.sub(r"^\d+\.\s*", "", a.text)))
    opf = ET.fromstring(z.read(base + "content.opf"))
    for t in opf.iter("{http://purl.org/dc/elements/1.1/}title"):
        heads.add(head_key(t.text or ""))
    body = [i for i, l in enumerate(labels) if l.isdigit()]
    if every:
        picked = body
    else:
        step = max(1, len(body) // sample)
        picked = body[step // 2::step][:sample]
    checked = 0
    for i in picked:
        label, (doc, ident) = labels[i], targets[i]
        words, plain = pdf_first_word(pdf, i + 1, heads, label)
        after = words_after(raw.get(doc, ""), ident)
        got = first_word(after)
        checked += 1
        if not words:
            continue  # a blank page: its marker stands where the next page begins
        g = norm(got)
        want = words[0]
        matched = False
        # the page's first word with the running head and folio left out, or (an opening page
        # whose title is also its running head) with them kept
        for cand in (words, plain):
            # a list item's bullet or number, or a code line's number in the gutter, may come
            # first
            firsts = cand[:2] if len(cand) > 1 and is_marker(cand[0]) else cand[:1]
            for at, first in enumerate(firsts):
                w = norm(first)
                matched |= w == g or (w != "" and g.endswith(w)) or first == "CHAPTER"
                # a code line wrapped with a continuation mark, read at the end of the word or
                # as the next one (the mark opens the continued line)
                wrapped = first.endswith("\u21aa") or (
                    at + 1 < len(cand) and cand[at + 1].startswith("\u21aa"))
                matched |= wrapped and w != "" and g.startswith(w)
        if matched:
            continue
        # a table row: the page opens with the table's header repeated, then the row
        in_cell = re.search(r'<t[dh][^>]*>\s*<span [^>]*id="%s"' % re.escape(ident),
                            raw.get(doc, ""))
        if in_cell and g in "".join(norm(x) for x in pdf_first_word_rest(pdf, i + 1)):
            continue
        # a code listing: pdftotext may read an indented line's columns out of order
        in_code = re.search(r'<span class="line"[^>]*>\s*<span [^>]*id="%s"' % re.escape(ident),
                            raw.get(doc, ""))
        if in_code and g in [norm(x) for x in words[:8]]:
            continue
        failures.append("page %s (PDF page %d): PDF begins with %r, the EPUB's marker is before "
                        "%r" % (label, i + 1, want, (after or "").strip()[:60]))
    mid = 0
    for doc, ident in reading:
        text = raw[doc]
        at = text.find('id="%s"' % ident)
        start = max(text.rfind("<p>", 0, at), text.rfind("<p ", 0, at))
        if start > max(text.rfind("</p>", 0, at), 0) and re.sub(r"<[^>]+>", "", text[start:at]).strip():
            mid += 1
    if mid < inside:
        failures.append("%d markers inside paragraphs, at least %d expected" % (mid, inside))
    for f in failures:
        print("FAIL: " + f)
    print("%d pages listed, %d markers (%d inside paragraphs), %d checked against the PDF's "
          "text, %d failures" % (len(entries), len(reading), mid, checked, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
