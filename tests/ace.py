#!/usr/bin/env python3
"""ace.py EPUB [--expect-violations]: check an EPUB with Ace by DAISY, the accessibility checker
of the EPUB world, and print one summary line.

Ace is installed from tests/ace/package-lock.json into build/ace with `npm ci` the first time
(without the browsers its packages would download: it runs Puppeteer on Debian's Chromium).
Exit 0 when Ace's outcome is "pass" with no violations, 1 otherwise (with each violation:
document, rule, impact, element), 2 when Ace cannot run. With --expect-violations the test is
turned around, for the book that must fail: exit 0 only when Ace reports at least one.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PREFIX = os.path.join(ROOT, "build", "ace")
ACE = os.path.join(PREFIX, "node_modules", ".bin", "ace-puppeteer")


def env():
    e = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1", ELECTRON_SKIP_BINARY_DOWNLOAD="1",
             PUPPETEER_EXECUTABLE_PATH=shutil.which("chromium") or "/usr/bin/chromium")
    e.pop("CI", None)  # npm and Ace print progress differently under CI; nothing else changes
    return e


def install():
    """npm ci from the lock file, once: build/ace is kept while the lock file is unchanged."""
    lock = os.path.join(HERE, "ace", "package-lock.json")
    stamp = os.path.join(PREFIX, "package-lock.json")
    if os.path.exists(ACE) and os.path.exists(stamp) and open(stamp).read() == open(lock).read():
        return
    shutil.rmtree(PREFIX, ignore_errors=True)
    os.makedirs(PREFIX)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(os.path.join(HERE, "ace", name), PREFIX)
    r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PREFIX,
                       env=env(), capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(ACE):
        shutil.rmtree(PREFIX, ignore_errors=True)
        sys.exit(f"ace: npm ci failed (exit {r.returncode}):\n{r.stderr[-2000:]}")


def violations(report):
    found = []
    for doc in report.get("assertions", []):
        url = doc.get("earl:testSubject", {}).get("url", "?")
        for a in doc.get("assertions", []):
            if a.get("earl:result", {}).get("earl:outcome") == "fail":
                test = a.get("earl:test", {})
                where = a.get("earl:result", {}).get("earl:pointer", {}).get("css", [""])
                found.append(f"{url}: {test.get('dct:title')} ({test.get('earl:impact')}) "
                             f"at {where[0] if where else '?'}")
    return found


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    epub, expect_fail = sys.argv[1], "--expect-violations" in sys.argv[2:]
    install()
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([ACE, "--silent", "--force", "--outdir", out, epub], env=env(),
                           capture_output=True, text=True, timeout=600)
        path = os.path.join(out, "report.json")
        if not os.path.exists(path):
            print(f"ace: no report (exit {r.returncode}):\n{(r.stderr or r.stdout)[-2000:]}")
            return 2
        report = json.load(open(path))
    outcome = report.get("earl:result", {}).get("earl:outcome")
    found = violations(report)
    version = report.get("earl:assertedBy", {}).get("doap:release", {}).get("doap:revision", "?")
    documents = len(report.get("assertions", []))
    meta = report.get("a11y-metadata", {})
    claim = "declared" if "dcterms:conformsTo" in meta.get("present", []) else "not declared"
    for line in found:
        print(line)
    print(f"Ace {version}: {documents} documents, {len(found)} violations, outcome {outcome}, "
          f"conformance {claim}")
    if expect_fail:
        return 0 if found else 1
    return 0 if outcome == "pass" and not found else 1


if __name__ == "__main__":
    sys.exit(main())
