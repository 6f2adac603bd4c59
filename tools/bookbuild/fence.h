/* fence.h: code-fence info strings: the language and the flags of DESIGN.md section 2
 * (`python,ignore`, `raises=Name`, `min=3.12`, `max=3.13`, `requires=numpy`, `timeout=10`). */
#ifndef BOOKBUILD_FENCE_H
#define BOOKBUILD_FENCE_H

#include "book.h"

/* Fills block->lang and the flag fields from `info`. Each problem (unknown flag, bad value) is
 * appended to `problems` as a message (char*, owned by the array). */
void fence_parse(const char *info, CodeBlock *block, GPtrArray *problems);

/* <0, 0 or >0 as version a is older than, equal to or newer than version b. */
int fence_version_cmp(int major_a, int minor_a, int major_b, int minor_b);

/* TRUE when Python major.minor lies within the block's `min=`/`max=` bounds. */
gboolean fence_holds_for(const CodeBlock *block, int major, int minor);

/* Parses "3.12" (major 2-9, minor 0-99); FALSE when it is not such a version. */
gboolean fence_parse_version(const char *s, int *major, int *minor);

/* TRUE for the languages the book's tools run (python, pycon). */
gboolean fence_is_runnable(const char *lang);

/* TRUE for languages the highlighter and the validator know. */
gboolean fence_is_known_language(const char *lang);

#endif
