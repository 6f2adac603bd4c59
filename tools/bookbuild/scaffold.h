/* scaffold.h: writing the files an author would otherwise type by hand: the chapter files the
 * table of contents lists and the manuscript lacks (`check --fix`), and a whole new book that
 * checks clean (`init`). Never overwrites or renames a file; prints nothing. */
#ifndef BOOKBUILD_SCAFFOLD_H
#define BOOKBUILD_SCAFFOLD_H

#include "book.h"

/* Where a TOC chapter's file goes, relative to manuscript/: the path its TOC entry links to, else
 * chapters/NN-slug.md (NN its number, or its place in the TOC; the slug of its title without
 * the number, at most 40 bytes). NULL for a link that leaves manuscript/. Caller frees. */
char *scaffold_chapter_path(const TocChapter *tc);

/* A chapter file's text: the `#` title as in the TOC, one `##` per section (a sub-group `##`
 * with its sections `###`), in TOC order, then `## Key Takeaways` with a placeholder bullet.
 * Caller frees. */
char *scaffold_chapter_text(const TocChapter *tc);

/* Creates the file of each chapter in book->missing. Each file created is appended to `created`
 * and each one that exists already (not a chapter of its TOC entry, so not matched) to `kept`,
 * as diagnostics show paths (char*, owned by the arrays). FALSE with `error` set when a file
 * cannot be written. */
gboolean scaffold_missing_chapters(const Book *book, GPtrArray *created, GPtrArray *kept,
                                   GError **error);

/* A new book under `dir` (created when missing): manuscript/book.yaml (a fresh urn:uuid
 * identifier, placeholder title and author), toc.md with one chapter, and that chapter, which
 * `bookbuild check` passes. Styles and fonts are not copied: the installed ones serve. FALSE
 * with `error` set when dir/manuscript exists or a file cannot be written. Each file created is
 * appended to `created` (char*, owned by the array). */
gboolean scaffold_new_book(const char *dir, GPtrArray *created, GError **error);

#endif
