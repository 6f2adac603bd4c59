/* typo.h: typographic text shared by the writers: curly quotes, dashes and ellipses where the
 * author typed straight ones (never applied to code), and the ids writers give headings. */
#ifndef BOOKBUILD_TYPO_H
#define BOOKBUILD_TYPO_H

#include <glib.h>

/* Returns `text` with ' and " turned into ‘’ “”, -- and --- into – and —, ... into …
 * `prev` is the character before `text` (0 at a block's start) and is updated to the last
 * character, so quotes split across inline nodes come out right. Caller frees. */
char *typo_smarten(const char *text, gunichar *prev);

/* typo_smarten() keeping each byte of `text` whose mark in `keep` is non-zero as it is: the
 * quotes an author escaped (`\"`, `&quot;`). `keep` NULL keeps nothing. Caller frees. */
char *typo_smarten_keeping(const char *text, const guint8 *keep, gunichar *prev);

/* An id that is a valid XML name everywhere: GitHub slugs that start with a digit or '-'
 * ("11-unicode") get the prefix "h-"; others are kept. Caller frees. */
char *typo_output_id(const char *slug);

#endif
