/* fence.h: code-fence info strings: the language and the flags of DESIGN.md section 2
 * (`python,ignore`, `raises=Name`, `min=3.12`, `timeout=10`). */
#ifndef BOOKBUILD_FENCE_H
#define BOOKBUILD_FENCE_H

#include "book.h"

/* Fills block->lang and the flag fields from `info`. Each problem (unknown flag, bad value) is
 * appended to `problems` as a message (char*, owned by the array). */
void fence_parse(const char *info, CodeBlock *block, GPtrArray *problems);

/* TRUE for the languages the book's tools run (python, pycon). */
gboolean fence_is_runnable(const char *lang);

/* TRUE for languages the highlighter and the validator know. */
gboolean fence_is_known_language(const char *lang);

#endif
