/* callout.h: recognising `> [!KIND] title` block quotes (GitHub alerts, plus DIAGRAM and OUTLINE).
 */
#ifndef BOOKBUILD_CALLOUT_H
#define BOOKBUILD_CALLOUT_H

#include "book.h"

typedef enum {
  CALLOUT_NOT_A_CALLOUT, /* an ordinary block quote */
  CALLOUT_FOUND,         /* *out filled in */
  CALLOUT_UNKNOWN_KIND,  /* `[!SOMETHING]` with an unknown kind; *unknown set (caller frees) */
} CalloutMatch;

/* Recognises a block quote. On CALLOUT_FOUND fills `out` (title owned by it). */
CalloutMatch callout_match(cmark_node *block_quote, Callout *out, char **unknown);

/* The known kind a misspelt one was meant to be ("NOTEE" gives "NOTE"), or NULL; a static
 * string. */
const char *callout_closest_kind(const char *unknown);

/* "NOTE", "DIAGRAM", ... (a static string) */
const char *callout_kind_name(CalloutKind kind);
/* The label readers see: "Note", "Diagram", ... (a static string) */
const char *callout_kind_label(CalloutKind kind);

#endif
