/* text.h: pure text helpers shared by every stage: plain text of Markdown inlines, GitHub slugs,
 * UTF-8 repair, and the near-miss comparison of headings. No knowledge of the Book. */
#ifndef BOOKBUILD_TEXT_H
#define BOOKBUILD_TEXT_H

#include <cmark-gfm.h>
#include <glib.h>

/* Plain text of a node's inlines: markup removed, code spans kept, breaks as spaces, footnote
 * marks and raw HTML dropped, surrounding white space trimmed. Caller frees. */
char *text_plain(cmark_node *node);

/* GitHub's heading slug: lower-case, everything but letters, marks, digits, '_', '-' and ' '
 * dropped, spaces turned into '-'. Caller frees. */
char *text_slug(const char *text);

/* Copies `len` bytes into valid UTF-8 with NUL bytes and invalid sequences replaced by U+FFFD.
 * For each bad byte sequence `report(line, col, byte, is_nul, data)` is called (1-based, column
 * in bytes). Caller frees; *out_len is set. */
typedef void (*TextBadByteFunc)(int line, int col, guint8 byte, gboolean is_nul, gpointer data);
char *text_repair_utf8(const char *src, gsize len, gsize *out_len, TextBadByteFunc report,
                       gpointer data);

/* TRUE when `found` is a near miss of `expected`: equal once case, dashes, quotes, spacing and
 * numbering are folded, or a few edits apart. */
gboolean text_near_miss(const char *expected, const char *found);

/* What differs between two near-miss strings, for a message: "non-breaking hyphen U+2011
 * expected, found '-'". Caller frees. */
char *text_explain_difference(const char *expected, const char *found);

/* At most `max_chars` characters of `s`, with "…" when cut. Caller frees. */
char *text_abbrev(const char *s, glong max_chars);

/* The candidate closest to `word` (ASCII case ignored) within a few edits (1 for words of up to
 * 4 characters, 2 for longer ones), for a "did you mean"; NULL when none is that close or
 * `word` equals one. Returns one of `candidates` (not a copy). */
const char *text_closest(const char *word, const char *const *candidates, gsize n);

/* Edit distance in code points (Levenshtein), capped at `cap` + 1 for speed. */
guint text_distance(const char *a, const char *b, guint cap);

#endif
