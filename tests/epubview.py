#!/usr/bin/env python3
"""epubview.py: opens every XHTML page of an EPUB in headless Chromium and checks, in the page,
that nothing is wider than the viewport: document.documentElement.scrollWidth against
window.innerWidth, and no element's box past the right edge (table wrappers, which scroll, are
the exception); and what went wrong in real reading systems (READING below). Viewports are emulated exactly through the DevTools protocol (a headless window
is never narrower than 500 px). With --shots DIR it also saves screenshots, light and in a
reading system's dark mode, for a person to look at.

usage: epubview.py BOOK.epub [--widths 400,1000] [--shots DIR] [--pages a,b]
Prints one line per failure and ends with 'N passed, N failed'; exit 1 on any failure."""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

MEASURE = """(() => {
  const d = document.documentElement;
  let worst = '';
  for (const el of document.body.getElementsByTagName('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 0.5 && !el.closest('.table-wrap')) {
      worst = el.tagName.toLowerCase() + '.' + el.className + ' ends at ' + Math.round(r.right) +
              ' px: ' + (el.textContent || '').replace(/\\s+/g, ' ').slice(0, 60);
      break;
    }
  }
  return {scroll: d.scrollWidth, inner: window.innerWidth, worst: worst};
})()"""

# What readers saw go wrong in real reading systems (issue: Foliate, calibre, MuPDF), checked in
# the page: a word of a table cell broken across lines (a column narrower than its longest
# word); a code block whose lines are not each a span.line, or a wrapped code line whose
# continuation does not start right of the line's start (it would read as a new line);
# justified body text; a title page not centred; a hyphenated identifier in a callout.
READING = """(() => {
  const problems = [];
  const say = (what, el) => problems.push(what + ': ' +
      (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 50));
  for (const cell of document.querySelectorAll('th, td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      for (const m of node.data.matchAll(/[^\\s\\/\\u2010-\\u2014-]{2,16}/g)) {
        const r = document.createRange();
        r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].filter(x => x.width > 0)
                                                   .map(x => Math.round(x.top)));
        if (tops.size > 1) { say('table word broken across lines "' + m[0] + '"', cell); break; }
      }
    }
  }
  for (const code of document.querySelectorAll('pre > code')) {
    const lines = code.querySelectorAll(':scope > span.line');
    const want = code.textContent.replace(/\\n$/, '').split('\\n').length;
    if (lines.length !== want) { say('code lines not one span.line each (' + lines.length +
                                     ' of ' + want + ')', code); continue; }
    for (const line of lines) {
      const r = document.createRange();
      r.selectNodeContents(line);
      const rects = [...r.getClientRects()].filter(x => x.width > 0);
      if (!rects.length) continue;
      const top0 = Math.min(...rects.map(x => x.top));
      const first = Math.min(...rects.filter(x => Math.abs(x.top - top0) < 2).map(x => x.left));
      const later = rects.filter(x => x.top - top0 >= 2);
      if (later.length && Math.min(...later.map(x => x.left)) <= first + 1) {
        say('wrapped code line continues at its start', line); break;
      }
    }
  }
  for (const p of document.querySelectorAll('body p')) {
    const align = getComputedStyle(p).textAlign;
    if (align === 'justify') { say('justified paragraph', p); break; }
  }
  for (const el of document.querySelectorAll('.title-page .book-title, .title-page .book-author')) {
    if (getComputedStyle(el).textAlign !== 'center') say('title page not centred', el);
  }
  for (const el of document.querySelectorAll('.callout strong, .callout code')) {
    const cs = getComputedStyle(el);
    if ((cs.hyphens || cs.webkitHyphens) !== 'none') { say('hyphenated identifier', el); break; }
  }
  return problems;
})()"""

# A reading system's dark mode: it sets the page colours and asks for the dark scheme.
DARK = """(() => { const s = document.createElement('style');
  s.textContent = ':root { color-scheme: dark } html, body { background: #111 !important; ' +
                  'color: #ddd !important }';
  document.head.appendChild(s); })()"""


class Browser:
    """Headless Chromium driven over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, path):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.profile = tempfile.mkdtemp(prefix="epubview-profile.")
        self.proc = subprocess.Popen(
            [path, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--disable-extensions", "--allow-file-access-from-files",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile, "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)

    def send(self, method, params, session):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium exited")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=False, timeout=60):
        wanted = self.send(method, params or {}, session)
        deadline = time.time() + timeout
        while True:
            msg = self.read(deadline)
            if msg.get("id") == wanted:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg["method"])

    def wait_event(self, name, timeout=60):
        deadline = time.time() + timeout
        while name not in self.events:
            msg = self.read(deadline)
            if "method" in msg:
                self.events.append(msg["method"])

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True}, session=True)
        return r.get("result", {}).get("value")

    def open(self, url, width, height, dark=False):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  session=True)
        self.call("Emulation.setEmulatedMedia",
                  {"features": [{"name": "prefers-color-scheme",
                                 "value": "dark" if dark else "light"}]}, session=True)
        self.events = []
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_event("Page.loadEventFired")
        self.evaluate("document.fonts.ready.then(() => true)")
        if dark:
            self.evaluate(DARK)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("epubview: chromium is not installed (Debian package 'chromium')")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("epub")
    ap.add_argument("--widths", default="400,1000")
    ap.add_argument("--shots")
    ap.add_argument("--pages", help="comma-separated page names (default: every page)")
    a = ap.parse_args()
    widths = [int(w) for w in a.widths.split(",")]
    tmp = tempfile.mkdtemp(prefix="epubview.")
    passed = failed = 0
    browser = None
    try:
        with zipfile.ZipFile(a.epub) as z:
            z.extractall(tmp)
        oebps = os.path.join(tmp, "OEBPS")
        text = os.path.join(oebps, "text")
        pages = [os.path.join(oebps, "nav.xhtml")]
        pages += [os.path.join(text, n) for n in sorted(os.listdir(text)) if n.endswith(".xhtml")]
        if a.pages:
            keep = a.pages.split(",")
            pages = [p for p in pages if os.path.basename(p).rsplit(".", 1)[0] in keep]
        browser = Browser(chromium())
        for page in pages:
            name = os.path.basename(page)
            for w in widths:
                browser.open("file://" + page, w, 900)
                m = browser.evaluate(MEASURE)
                if not m:
                    print("epubview: %s at %d px: page did not load" % (name, w))
                    failed += 1
                elif m["scroll"] > m["inner"] or m["worst"]:
                    print("epubview: %s at %d px: %d px wide in a %d px viewport; %s"
                          % (name, w, m["scroll"], m["inner"], m["worst"]))
                    failed += 1
                else:
                    passed += 1
                problems = browser.evaluate(READING) if m else None
                for problem in problems or []:
                    print("epubview: %s at %d px: %s" % (name, w, problem))
                if problems is None or problems:
                    failed += 1
                else:
                    passed += 1
                if a.shots:
                    os.makedirs(a.shots, exist_ok=True)
                    stem = name.rsplit(".", 1)[0]
                    browser.screenshot(os.path.join(a.shots, "%s-%d-light.png" % (stem, w)))
                    browser.open("file://" + page, w, 1800, dark=True)
                    browser.screenshot(os.path.join(a.shots, "%s-%d-dark.png" % (stem, w)))
    finally:
        if browser:
            browser.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
