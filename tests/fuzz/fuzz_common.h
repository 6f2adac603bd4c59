/* fuzz_common.h: what the libFuzzer targets share: one-time set-up (cmark-gfm extensions, GLib
 * criticals made fatal) and a scratch book on a temporary directory whose files an input
 * replaces. Not part of bookbuild; built only by `make fuzz` (tests/hardening.mk). */
#ifndef BOOKBUILD_FUZZ_COMMON_H
#define BOOKBUILD_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "book.h"
#include "resources.h"

/* Inputs larger than this are skipped: the limits fixtures prove the big ones, fuzzing wants
 * many small inputs per second. */
#define FUZZ_MAX_INPUT (64u * 1024u)

/* book_init() once, GLib criticals and warnings fatal (a critical is a bug of ours). */
void fuzz_init(void);

/* The scratch book's root: manuscript/book.yaml, toc.md and chapters/01-first.md as in
 * tests/fixtures/_base, created once and removed at exit. */
const char *fuzz_book_root(void);

/* Replaces manuscript/REL (REL NULL: chapters/01-first.md) with `data`, or restores the base
 * file when `data` is NULL. */
void fuzz_write(const char *rel, const uint8_t *data, size_t size);

/* Splits an input at the first "\n-----8<-----\n": the part before goes to *head (NULL when
 * there is no separator), the rest to *tail. */
void fuzz_split(const uint8_t *data, size_t size, const uint8_t **head, size_t *head_size,
                const uint8_t **tail, size_t *tail_size);

/* The shipped print style and fonts (the scratch book has neither), loaded once, font map
 * included, and kept for the process: per-input work is then only the input's own. */
Resources *fuzz_resources(void);

/* TRUE when validation stopped the book with an error that guards the writers (a limit,
 * bad bytes, an image or path problem): the commands would not run a writer on it either. */
gboolean fuzz_writer_guarded(const Book *book);

#endif
