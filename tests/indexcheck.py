#!/usr/bin/env python3
"""tests/indexcheck.py: a book's index, in the EPUB and in the PDF, against the PDF's pages.

Usage: indexcheck.py BOOK.epub BOOK.pdf [--expect-order TERM,TERM,...] [--min-entries N]

Checks that
  - the EPUB's index page (epub:type="index") has index-entry items whose index-locator links
    resolve to an anchor in a chapter, and each link's text is the print page that anchor is on
    (the label of the last page-break marker before it, in reading order, or of the last one
    not at or in a figure or table: text set above a figure that floated to the next page);
  - for every entry, "TERM, PAGES" as the EPUB gives it is in the PDF's index, read with
    pdftotext from the index's pages (so the PDF prints the same numbers, ranges merged);
  - the PDF's own text confirms each page: a code-span term (index.yaml) is on every page its
    entry lists, and for a marker, the word before or after it in the chapter is on that page;
  - with --expect-order, the top-level terms come in that order (a sample, in sequence);
  - with --min-entries, the index has at least N entries (sub-entries counted).
Prints one line per failure and a summary; exits 1 on any failure.
"""
import html
import re
import subprocess
import sys
import zipfile
from xml.etree import ElementTree as ET

XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"


def spine(z):
    opf = ET.fromstring(z.read("OEBPS/content.opf"))
    items = {i.get("id"): i.get("href") for i in opf.iter(OPF + "item")}
    return [items[r.get("idref")] for r in opf.iter(OPF + "itemref")]


def text_of(el):
    return "".join(el.itertext())


PAGES = []


def pdf_text(pdf, first, last=None):
    """The text of PDF pages first..last (1-based), from one pdftotext run over the whole file."""
    if not PAGES:
        out = subprocess.run(["pdftotext", pdf, "-"], check=True, capture_output=True,
                             text=True).stdout
        PAGES.extend(out.split("\f"))
    return "\n".join(PAGES[first - 1:(last or first)])


def drawn_text(pdf, first, last):
    """The text of PDF pages first..last in the order it is drawn (pdftotext -raw): an index
    entry that wraps keeps its continuation line, which the reading order can put after the
    rest of its column."""
    return subprocess.run(["pdftotext", "-raw", "-f", str(first), "-l", str(last), pdf, "-"],
                          check=True, capture_output=True, text=True).stdout


def squash(s):
    return " ".join(s.replace("\u00ad", "").split())


def words_near(raw, ident):
    """The words just before and just after the anchor `ident` in a chapter's XHTML."""
    m = re.search(r'<span id="%s"/>' % re.escape(ident), raw)
    before = html.unescape(re.sub(r"<[^>]+>", " ", raw[max(0, m.start() - 300):m.start()]))
    after = html.unescape(re.sub(r"<[^>]+>", " ", raw[m.end():m.end() + 300]))
    b = before.split()
    a = after.split()
    return (b[-1] if b else ""), (a[0] if a else "")


def at_figure(raw, start, end):
    """Where the page-break marker at raw[start:end] stands: "in" a figure or table (a table
    going on over the page), "at" one (before it, or in its first cell), or None."""
    before = raw[:start]
    in_figure = (before.count("<figure") > before.count("</figure>") and
                 not re.search(r"<figure[^>]*>\s*$", before))
    later_row = re.search(r"</tr>\s*<tr>\s*<t[dh][^>]*>\s*$", before)
    if in_figure or later_row:
        return "in"
    if re.match(r'\s*(</p>\s*)?<(figure|div class="table-wrap")', raw[end:]) or (
            before.count("<table") > before.count("</table>")):
        return "at"
    return None


def norm(w):
    return re.sub(r"[\W_]+", "", w).casefold()


def main():
    args = sys.argv[1:]
    order, min_entries = None, 0
    if "--expect-order" in args:
        k = args.index("--expect-order")
        order = args[k + 1].split(",")
        del args[k:k + 2]
    if "--min-entries" in args:
        k = args.index("--min-entries")
        min_entries = int(args[k + 1])
        del args[k:k + 2]
    epub, pdf = args
    failures = []
    z = zipfile.ZipFile(epub)
    docs = spine(z)
    raw = {d: z.read("OEBPS/" + d).decode("utf-8") for d in docs}
    # the print page of every anchor: the last page-break marker before it, in reading order;
    # or, for text the PDF set above a figure floated to the next page (the figure comes first
    # in the e-book, and the marker of the page it opens with it), the page before that marker
    # when it stands at or in a figure or table (that page may itself open with a figure)
    page_of, text_page_of, label, text_label = {}, {}, None, None
    for d in docs:
        for m in re.finditer(r'<span [^>]*epub:type="pagebreak"[^>]*aria-label="([^"]+)"[^>]*/>|'
                             r'<span id="(ix-\d+)"/>', raw[d]):
            if m.group(1):
                prev, label = label, m.group(1)
                where = at_figure(raw[d], m.start(), m.end())
                if where == "at" and prev is not None:
                    text_label = prev
                elif where is None:
                    text_label = label
            else:
                page_of[(d.split("/")[-1], m.group(2))] = label
                text_page_of[(d.split("/")[-1], m.group(2))] = text_label
    index_doc = next((d for d in docs if d.endswith("index.xhtml")), None)
    if not index_doc:
        print("FAIL: no index page in the EPUB's spine")
        return 1
    root = ET.fromstring(raw[index_doc])
    # the PDF's index pages: those the page list sends to index.xhtml
    nav = ET.fromstring(z.read("OEBPS/nav.xhtml"))
    plist = [n for n in nav.iter(XHTML + "nav") if n.get(OPS + "type") == "page-list"][0]
    entries = [a.get("href") for a in plist.iter(XHTML + "a")]
    pages = [i + 1 for i, h in enumerate(entries) if h.startswith("text/index.xhtml")]
    labels = [a.text for a in plist.iter(XHTML + "a")]
    physical = {l: i + 1 for i, l in enumerate(labels)}
    pdf_index = squash(drawn_text(pdf, pages[0], pages[-1])) if pages else ""
    if not pages:
        failures.append("the page list has no page of the index")
    top_terms, count = [], 0

    def walk(li, depth):
        nonlocal count
        count += 1
        term_el = [s for s in li if s.get(OPS + "type") == "index-term"][0]
        term = squash(text_of(term_el))
        if depth == 0:
            top_terms.append(term)
        locs = [a for a in li if a.tag == XHTML + "a"]
        shown = []
        for a in locs:
            href, text = a.get("href"), a.text
            doc, _, ident = href.partition("#")
            want = page_of.get((doc, ident))
            first = text.split("\u2013")[0]
            if want is None:
                failures.append("%s: locator %s does not resolve" % (term, href))
                continue
            if first not in (want, text_page_of.get((doc, ident))):
                failures.append("%s: locator %s says page %s, its anchor is on page %s" %
                                (term, href, text, want))
                continue
            want = first
            shown.append(text)
            # the PDF's own text on that page
            page_text = pdf_text(pdf, physical[want])
            flat = norm(page_text)
            chapter = raw.get("text/" + doc, "")
            if term_el.find(XHTML + "code") is not None:
                # (a term broken over two lines of a table cell: pdftotext may put the other
                # cells' text between its parts, so its start is what is looked for)
                key = norm(term)
                if key[:max(6, len(key) - 3)] not in flat:
                    failures.append("%s: not on PDF page %s" % (term, want))
            else:
                before, after = words_near(chapter, ident)
                if norm(before) not in flat and norm(after) not in flat:
                    failures.append("%s: neither %r nor %r is on PDF page %s" %
                                    (term, before, after, want))
        if shown:
            line = "%s, %s" % (term, ", ".join(shown))
            if re.sub(r"\s+", "", line) not in re.sub(r"\s+", "", pdf_index):
                failures.append("PDF index lacks %r" % line)
        for ul in li.iter(XHTML + "ul"):
            if ul in list(li):
                for sub in ul:
                    walk(sub, depth + 1)

    for group in root.iter(XHTML + "section"):
        if group.get(OPS + "type") != "index-group":
            continue
        for ul in group.findall(XHTML + "ul"):
            for li in ul:
                walk(li, 0)
    if order:
        at = 0
        for t in top_terms:
            if at < len(order) and t == order[at]:
                at += 1
        if at < len(order):
            failures.append("terms out of order: expected %s in sequence, the index has %s" %
                            (order, top_terms))
    if count < min_entries:
        failures.append("%d entries, at least %d expected" % (count, min_entries))
    for f in failures:
        print("FAIL: " + f)
    print("%d index entries (%d top-level), %d failures" % (count, len(top_terms), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
