/* index.h: the back-of-book index: terms marked in the chapters and terms listed in
 * manuscript/index.yaml, gathered once (index_build(), by book_validate()) for both writers.
 *
 * A marker is an HTML comment inside the paragraph it indexes, invisible wherever Markdown is
 * shown: `<!-- index: TERM; TERM!SUB; TERM|see OTHER; TERM|see also OTHER -->`. Items are
 * separated by `;`; `!` makes a sub-entry (one level); `|see OTHER` sends the reader to another
 * entry (and marks no place), `|see also OTHER` adds a related entry. index.yaml holds
 * `terms:`, a list of code spans (`sys._getframe`) indexed wherever a chapter has exactly that
 * code span, shown in the code face. */
#ifndef BOOKBUILD_INDEX_H
#define BOOKBUILD_INDEX_H

#include "book.h"

/* A place the index points to: a marker or an indexed code span. Its anchor, "ix-N", names it
 * in both outputs. */
typedef struct {
  int number; /* N of "ix-N", 1-based in book order */
  const Chapter *chapter;
  cmark_node *node;  /* the marker (HTML_INLINE) or the code span (CODE) */
  cmark_node *block; /* the paragraph (or other block) it is in */
} IndexPlace;

typedef struct IndexEntry {
  char *term;          /* as shown */
  char *key;           /* its sort key: case folded, symbols and underscores dropped */
  gboolean code;       /* an API name from index.yaml: shown in the code face */
  GPtrArray *places;   /* const IndexPlace*, book order, no repeats */
  GPtrArray *subs;     /* IndexEntry* (sub-entries), sorted */
  GPtrArray *see;      /* char*: "see" targets */
  GPtrArray *see_also; /* char*: "see also" targets */
} IndexEntry;

typedef struct BookIndex {
  GPtrArray *entries;        /* IndexEntry*, sorted by key (then term) */
  GPtrArray *places;         /* IndexPlace*, book order */
  GHashTable *place_by_node; /* cmark_node* -> IndexPlace* (not owning) */
} BookIndex;

/* Gathers the book's index, adding diagnostics [index] for malformed markers, markers in
 * headings or code, markers outside a paragraph, "see" targets that are no entry, and
 * index.yaml terms no chapter has. Sets book->index (NULL when the book indexes nothing). */
void index_build(Book *book);
void index_free(BookIndex *index);

/* The sort key of a term: case folded, everything but letters and digits dropped (`__init__`
 * sorts as "init"). Caller frees. */
char *index_sort_key(const char *term);

/* The group heading an entry sorts under: its key's first letter upper-cased, or "Symbols and
 * Numbers". Caller frees. */
char *index_group(const IndexEntry *entry);

/* Pages as the index prints them: sorted, repeats dropped, runs of consecutive numbers merged
 * ("3, 7–9, 12"). `pages` holds ints. Returns the ranges as pairs of ints (first, last). */
GArray *index_page_ranges(GArray *pages);

#endif
