#!/usr/bin/env python3
"""csscontrast.py: every colour the EPUB stylesheet gives text (the highlight classes and the
rest) keeps WCAG AA contrast, 4.5:1, against the page: white in the light rules and, inside
@media (prefers-color-scheme: dark), the near-black of a reading system's dark mode.

usage: csscontrast.py styles/epub.css   Ends with 'N passed, N failed'."""
import re
import sys

LIGHT_BG, DARK_BG, MINIMUM = "#ffffff", "#111111", 4.5


def luminance(hex_colour):
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    def channel(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(h[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colours(css):
    """(selector, colour) of every `color:` declaration (not border or background colours)."""
    for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css):
        for c in re.finditer(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", m.group(2)):
            yield m.group(1).strip().splitlines()[-1].strip(), c.group(1)


def main():
    css = re.sub(r"/\*.*?\*/", "", open(sys.argv[1], encoding="utf-8").read(), flags=re.S)
    dark_at = css.find("prefers-color-scheme: dark")
    light, dark = (css, "") if dark_at < 0 else (css[:dark_at], css[dark_at:])
    passed = failed = 0
    for part, bg in ((light, LIGHT_BG), (dark, DARK_BG)):
        for selector, colour in text_colours(part):
            ratio = contrast(colour, bg)
            if ratio < MINIMUM:
                print("csscontrast: %s %s on %s is %.2f:1, below %.1f:1" % (selector, colour, bg, ratio, MINIMUM))
                failed += 1
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
