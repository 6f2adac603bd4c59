/* codecheck.h: running the book's examples (`bookbuild code`): every python block as its own
 * program, every pycon block as a doctest, each in a fresh temporary directory with a timeout. */
#ifndef BOOKBUILD_CODECHECK_H
#define BOOKBUILD_CODECHECK_H

#include "book.h"

#define CODECHECK_DEFAULT_TIMEOUT_S 5
#define CODECHECK_OUTPUT_CAP (64u * 1024u) /* bytes kept of each stream of an example */

typedef struct {
  const char *python;  /* interpreter to run */
  int jobs;            /* parallel examples, >= 1 */
  int chapter;         /* only chapter N (see book_chapter_by_number), or 0 for all */
  const Chapter *only; /* that chapter */
  const char *filter;  /* only blocks whose code or "path:line" contains this, or NULL */
  gboolean progress;   /* show a progress line on stderr */
} CodeOptions;

typedef struct {
  guint passed, failed, skipped, ignored;
  int python_major, python_minor;
} CodeSummary;

/* Runs the selected examples. Failures become diagnostics (rule `example`) in book->diags, each
 * followed by its output in `reports` (one char* per failure, in diagnostic order, owned by the
 * array). Returns FALSE with `error` set only for environment problems (no interpreter). */
gboolean codecheck_run(Book *book, const CodeOptions *options, CodeSummary *summary,
                       GPtrArray *reports, GError **error);

#endif
