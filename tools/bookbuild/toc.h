/* toc.h: reading toc.md into the expected structure of the book (Toc). */
#ifndef BOOKBUILD_TOC_H
#define BOOKBUILD_TOC_H

#include "book.h"

/* Parses toc.md's text; problems become diagnostics against `path`. */
void toc_parse(Toc *toc, const char *text, gsize len, const char *path, int file_id, Diags *diags);
void toc_clear(Toc *toc);

#endif
