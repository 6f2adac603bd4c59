#!/usr/bin/env python3
"""serve.py: `bookbuild serve` in headless Chromium (driven as tests/epubview.py drives it, over
the DevTools protocol), on a copy of the good-book fixture: a chapter page opens with the last
build's line at its top; an edit of the chapter reloads the page by itself (a mark the test left
in the old page is gone) and it shows the new text; a broken edit reloads it again, showing the
diagnostic over the last good chapter. Every wait polls the page with a generous deadline.

usage: serve.py BOOKBUILD
Prints one line per case ('ok: ...' or 'FAIL: ...'); exit 1 on a failure."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from epubview import Browser, chromium  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CHAPTER = "manuscript/chapters/01-markup.md"
DEADLINE = 90  # seconds for any one wait: a loaded machine is slow, never this slow


def until(what, deadline=DEADLINE):
    """Calls what() every 0.1 s until it returns a true value, which is returned; None on
    timeout."""
    end = time.time() + deadline
    while time.time() < end:
        value = what()
        if value:
            return value
        time.sleep(0.1)
    return None


def page_value(browser, expression):
    """The expression's value in the page, or None while the page is between two documents."""
    try:
        return browser.evaluate(expression)
    except (RuntimeError, TimeoutError):
        return None


def main():
    bookbuild = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="bookbuild-serve.")
    book = os.path.join(work, "book")
    shutil.copytree(os.path.join(HERE, "fixtures", "good-book"), book)
    log_path = os.path.join(work, "serve.log")
    log = open(log_path, "w")
    server = subprocess.Popen([bookbuild, "serve", "--port", "0"], cwd=book, stderr=log,
                              stdout=subprocess.DEVNULL)
    browser = None
    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print(("ok: " if ok else "FAIL: ") + name)
        if not ok and detail:
            print("    " + detail.replace("\n", "\n    "))

    def server_log():
        with open(log_path) as f:
            return f.read()

    try:
        url = until(lambda: re.search(r"^serving the preview at (http://127\.0\.0\.1:\d+/)",
                                      server_log(), re.M))
        built = until(lambda: re.search(r"^built build/\S+\.epub in", server_log(), re.M))
        if not url or not built:
            check("serve: starts and builds", False, server_log())
            return 1
        page = url.group(1) + "OEBPS/text/01-markup.xhtml"
        browser = Browser(chromium())
        browser.open(page, 1000, 900)
        report = page_value(browser, "document.getElementById('bookbuild-report').textContent")
        check("serve: the chapter opens with the build's line at its top",
              bool(report) and report.startswith("built build/") and
              page_value(browser, "document.body.firstElementChild.id") == "bookbuild-serve",
              repr(report))

        page_value(browser, "window.bookbuildMark = 1")
        with open(os.path.join(book, CHAPTER), "a") as f:
            f.write("\nSeen in the browser.\n")
        seen = until(lambda: page_value(
            browser, "!window.bookbuildMark && document.body.textContent.includes("
                     "'Seen in the browser.')"))
        check("serve: an edit reloads the page, which shows the new text", bool(seen),
              server_log())

        page_value(browser, "window.bookbuildMark = 2")
        with open(os.path.join(book, CHAPTER), "a") as f:
            f.write("\nA broken [link](nowhere.md) here.\n")
        diag = until(lambda: page_value(
            browser, "!window.bookbuildMark && (document.getElementById('bookbuild-log') || "
                     "{}).textContent"))
        still = page_value(browser, "document.body.textContent.includes('Seen in the browser.')")
        check("serve: a broken edit reloads the page, which shows the diagnostic over the last "
              "good chapter",
              bool(diag) and "link target 'nowhere.md' does not exist [link-target]" in diag
              and bool(still), repr(diag) + "\n" + server_log())
    finally:
        if browser:
            browser.close()
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            code = None
        log.close()
        check("serve: SIGTERM ends it cleanly", code == 0, server_log())
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
