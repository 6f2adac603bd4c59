#!/usr/bin/env python3
"""readers.py: the EPUB as real reading systems other than Chromium show it (`make check-readers`).

MuPDF (`mutool draw -F txt`, which lays the EPUB out as MuPDF's reader does):
  - code keeps its lines and indentation: indented lines of the book's <pre> blocks come out as
    lines of their own, leading spaces included (a white-space value MuPDF does not know once
    turned every program into one paragraph);
  - table header words come out whole;
  - no landmarks list ("Start of content") shows up as text.
calibre (`ebook-convert` to AZW3 and MOBI, as Kindle users make them, read back with
`ebook-meta` and by converting back to EPUB):
  - the title is the book's title and subtitle (calibre's form, "Title: Subtitle"), and an ISBN
    identifier is kept (calibre replaces UUIDs with its own, by design);
  - one cover page, not calibre's plus the book's;
  - code keeps its lines and indentation;
  - every text colour of the converted stylesheet reads on a white page (4.5:1): calibre once
    applied the dark-mode palette to every page;
  - the MOBI's contents page is not a list (MOBI numbers lists, and the entries carry numbers).

usage: readers.py BOOK.epub [--no-calibre]   Ends with 'N passed, N failed'."""
import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

from csscontrast import MINIMUM, contrast  # the same WCAG arithmetic as the stylesheet test
passed = failed = 0


def ok(what):
    global passed
    passed += 1
    print("ok: " + what)


def fail(what, detail=""):
    global failed
    failed += 1
    print("FAIL: " + what)
    for line in detail.splitlines()[:12]:
        print("    " + line)


def check(cond, what, detail=""):
    (ok if cond else lambda w: fail(w, detail))(what)


def run(argv, env=None):
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=900)


def opf_of(z):
    container = z.read("META-INF/container.xml").decode()
    path = re.search(r'full-path="([^"]+)"', container).group(1)
    return path, z.read(path).decode()


def spine_documents(z):
    """(name, text) of the spine's documents, in reading order."""
    path, opf = opf_of(z)
    base = os.path.dirname(path)
    hrefs = {m.group(1): m.group(2) for m in
             re.finditer(r'<item\b[^>]*\bid="([^"]+)"[^>]*\bhref="([^"]+)"', opf)}
    hrefs.update({m.group(2): m.group(1) for m in
                  re.finditer(r'<item\b[^>]*\bhref="([^"]+)"[^>]*\bid="([^"]+)"', opf)})
    for idref in re.findall(r'<itemref\b[^>]*\bidref="([^"]+)"', opf):
        name = os.path.normpath(os.path.join(base, html.unescape(hrefs[idref])))
        yield name, z.read(name).decode("utf-8", "replace")


def pre_texts(doc):
    """The text of each <pre> of an (X)HTML document, tags removed."""
    for m in re.finditer(r"<pre\b[^>]*>(.*?)</pre>", doc, re.S):
        yield html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))


def sample_code_lines(z, limit=150):
    """Short, plain lines of the book's code, indented ones included: each must survive as a line
    of its own, with its leading spaces."""
    seen = []
    for _, doc in spine_documents(z):
        for text in pre_texts(doc):
            for line in text.split("\n"):
                if (re.match(r"^ *\S", line) and 6 <= len(line) <= 50 and line.isascii()
                        and "  " not in line.strip() and line not in seen):
                    seen.append(line.rstrip())
    step = max(1, len(seen) // limit)
    return seen[::step][:limit]


# Characters of a MuPDF page's line (its default page, the book's body font): a table whose
# columns' longest words add up to more cannot keep them whole on any page, and MuPDF does not
# scroll, so only tables that fit are held to whole header words.
PAGE_CHARS = 60


def header_words(z):
    """Words of the header cells of the tables that can fit a page; and how many tables could not."""
    words, too_wide = set(), 0
    for _, doc in spine_documents(z):
        for table in re.findall(r"<table\b.*?</table>", doc, re.S):
            longest = {}
            for row in re.findall(r"<tr\b.*?</tr>", table, re.S):
                for col, cell in enumerate(re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S)):
                    text = html.unescape(re.sub(r"<[^>]+>", "", cell))
                    longest[col] = max([longest.get(col, 0)] + [len(w) for w in text.split()])
            if sum(n + 2 for n in longest.values()) > PAGE_CHARS:
                too_wide += 1
                continue
            for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", table, re.S):
                text = html.unescape(re.sub(r"<[^>]+>", "", cell))
                words.update(re.findall(r"[^\s/\u2010-\u2014-]{2,16}", text))
    return sorted(words), too_wide


def on_white(colour):
    return contrast(colour, "#ffffff")


def missing_lines(lines, text):
    have = set(l.rstrip() for l in text.split("\n"))
    return [l for l in lines if l not in have]


def mupdf(book, z, work):
    out = os.path.join(work, "mupdf.txt")
    r = run(["mutool", "draw", "-q", "-F", "txt", "-o", out, book])
    if r.returncode != 0:
        fail("mupdf: mutool draw", r.stderr)
        return
    text = open(out, encoding="utf-8", errors="replace").read()
    lines = sample_code_lines(z)
    lost = missing_lines(lines, text)
    check(lines and not lost, "mupdf: %d code lines kept whole, indentation too" % len(lines),
          "\n".join(repr(l) for l in lost[:8]))
    words, too_wide = header_words(z)
    tokens = set(re.findall(r"\S+", text))
    broken = [w for w in words if w not in tokens and not any(w in t for t in tokens)]
    check(not broken, "mupdf: %d table header words whole (%d tables too wide for any page)"
          % (len(words), too_wide), " ".join(broken[:20]))
    check("Start of content" not in text, "mupdf: no landmarks list in the text")


def calibre(book, z, work):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=work, CALIBRE_CONFIG_DIRECTORY=os.path.join(work, "calibre"))
    azw3 = os.path.join(work, "book.azw3")
    r = run(["ebook-convert", book, azw3], env)
    if r.returncode != 0:
        fail("calibre: ebook-convert to AZW3", r.stdout[-2000:] + r.stderr[-2000:])
        return
    _, opf = opf_of(z)
    title = html.unescape(re.search(r'<dc:title id="title">([^<]*)<', opf).group(1))
    sub = re.search(r'<dc:title id="subtitle">([^<]*)<', opf)
    want = title + (": " + html.unescape(sub.group(1)) if sub else "")
    meta = run(["ebook-meta", azw3], env).stdout
    got = re.search(r"^Title\s*:\s*(.*)$", meta, re.M)
    check(got and got.group(1).strip() == want, "calibre: AZW3 title is %r" % want, meta)
    ident = re.search(r"<dc:identifier[^>]*>([^<]*)<", opf).group(1)
    isbn = re.sub(r"^urn:isbn:", "", ident).replace("-", "")
    if re.fullmatch(r"\d{9}[\dX]|\d{13}", isbn):
        check("isbn:" + isbn in meta, "calibre: AZW3 keeps the ISBN " + isbn, meta)
    else:
        print("note: calibre replaces a UUID identifier with its own; no identifier to check")
    back = os.path.join(work, "azw3-back.epub")
    r = run(["ebook-convert", azw3, back], env)
    if r.returncode != 0:
        fail("calibre: AZW3 back to EPUB", r.stderr[-2000:])
        return
    with zipfile.ZipFile(back) as bz:
        docs = list(spine_documents(bz))
        covers = [n for n, d in docs if re.search(r"<(img|svg|image)\b", d)
                  and not re.sub(r"\s+|&nbsp;|&#160;", "", re.sub(r"<[^>]+>", "", re.sub(
                      r"<head.*?</head>", "", d, flags=re.S)))]
        check(len(covers) == 1, "calibre: AZW3 has one cover page", " ".join(covers))
        text = "\n".join(t for _, d in docs for t in pre_texts(d))
        lines = sample_code_lines(z)
        lost = missing_lines(lines, text)
        check(lines and not lost, "calibre: AZW3 keeps %d code lines, indentation too" % len(lines),
              "\n".join(repr(l) for l in lost[:8]))
        css = "\n".join(bz.read(n).decode("utf-8", "replace") for n in bz.namelist()
                        if n.endswith(".css"))
        colours = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", css))
        pale = sorted(c for c in colours if on_white(c) < MINIMUM)
        check(colours and not pale, "calibre: AZW3's %d text colours read on white" % len(colours),
              " ".join(pale))
    mobi = os.path.join(work, "book.mobi")
    mobi_back = os.path.join(work, "mobi-back.epub")
    r = run(["ebook-convert", book, mobi], env)
    r2 = run(["ebook-convert", mobi, mobi_back], env) if r.returncode == 0 else r
    if r2.returncode != 0:
        fail("calibre: MOBI and back", r.stderr[-1000:] + r2.stderr[-1000:])
        return
    entries = [html.unescape(re.sub(r"<[^>]+>", "", e)).strip() for e in re.findall(
        r'<p class="toc-\d"[^>]*>(.*?)</p>|<li\b[^>]*>\s*<a[^>]*>(.*?)</a>',
        "\n".join(d for _, d in spine_documents(z)), re.S) for e in e if e]
    with zipfile.ZipFile(mobi_back) as mz:
        pages = [html.unescape(d) for _, d in spine_documents(mz)]
    # The contents page: the one holding most of the entries (the book's own lists aside).
    contents = max(pages, key=lambda d: sum(e in d for e in entries[:40]))
    check(entries and not re.search(r"<li\b", contents),
          "calibre: the MOBI's contents page is not a numbered list")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("epub")
    ap.add_argument("--no-calibre", action="store_true")
    a = ap.parse_args()
    for tool in ["mutool"] + ([] if a.no_calibre else ["ebook-convert", "ebook-meta"]):
        if not shutil.which(tool):
            sys.exit("readers: %s is not installed (tools/install-deps readers)" % tool)
    work = tempfile.mkdtemp(prefix="readers.")
    try:
        with zipfile.ZipFile(a.epub) as z:
            mupdf(a.epub, z, work)
            if not a.no_calibre:
                calibre(a.epub, z, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
