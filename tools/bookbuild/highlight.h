/* highlight.h: the code highlighter shared by the EPUB and PDF writers. Splits a code block
 * into tokens of a few classes; each writer maps a class to its own look (CSS class, print
 * style). Classes are chosen so that meaning survives greyscale: writers pair colour with
 * weight or slant. */
#ifndef BOOKBUILD_HIGHLIGHT_H
#define BOOKBUILD_HIGHLIGHT_H

#include <glib.h>

typedef enum {
  HL_PLAIN,
  HL_KEYWORD, /* def, class, if, return; shell builtins; C keywords; Dockerfile instructions */
  HL_BUILTIN, /* print, len, None, True; json true/false/null */
  HL_STRING,
  HL_NUMBER,
  HL_COMMENT,
  HL_NAME,      /* the name a def/class introduces; keys in json/toml/yaml/ini */
  HL_DECORATOR, /* @decorator; C preprocessor lines; [sections] of toml/ini */
  HL_PROMPT,    /* >>> and ... in pycon, $ in console */
  HL_OUTPUT,    /* interpreter or shell output */
  HL_CLASS_COUNT,
} HighlightClass;

typedef struct {
  guint start, len; /* bytes into the code */
  HighlightClass cls;
} HighlightToken;

/* Tokens covering all of `code` (len bytes) in order, adjacent tokens of one class merged.
 * Unknown languages give one HL_PLAIN token. A new GArray of HighlightToken; caller unrefs. */
GArray *highlight_tokens(const char *lang, const char *code, gsize len);

/* TRUE for a language a code fence may name (highlighted or shown plain). */
gboolean highlight_knows_language(const char *lang);

/* Short stable name of a class, used as the CSS class suffix and the print-style key:
 * "kw", "bi", "st", "nu", "co", "nm", "de", "pr", "go"; "" for HL_PLAIN (a static string). */
const char *highlight_class_name(HighlightClass cls);

#endif
