/* import.h: turning the seed's raw response format into a clean chapter (`bookbuild import`). */
#ifndef BOOKBUILD_IMPORT_H
#define BOOKBUILD_IMPORT_H

#include <glib.h>

#include "diag.h"

/* Converts `raw` (UTF-8) into a chapter: the outer ```markdown fence removed, `startpython` /
 * `endpython` markers turned into ```python fences, the leading approach bullets moved into a
 * `> [!OUTLINE]` block after the title. Each change is appended to `changes` as a sentence
 * (char*, owned by the array). Problems become diagnostics against `path`; returns the chapter
 * text, or NULL when there is no chapter to import. Caller frees. */
char *import_convert(const char *raw, gsize len, const char *path, Diags *diags,
                     GPtrArray *changes);

#endif
