/* codecheck.h: running the book's examples (`bookbuild code`): every python block as its own
 * program, every pycon block as a doctest, each in a fresh temporary directory with a timeout,
 * on each interpreter asked for. */
#ifndef BOOKBUILD_CODECHECK_H
#define BOOKBUILD_CODECHECK_H

#include "book.h"

/* Wall-clock seconds an example may run unless its `timeout=` says otherwise: room for a loaded
 * 2-core machine (the book's examples need well under a second of CPU each). */
#define CODECHECK_DEFAULT_TIMEOUT_S 10
#define CODECHECK_OUTPUT_CAP (64u * 1024u) /* bytes kept of each stream of an example */

typedef struct {
  const GPtrArray *pythons;  /* const char*: the interpreters to run every example on, >= 1 */
  int jobs;                  /* parallel examples, >= 1 */
  int chapter;               /* only chapter N (see book_chapter_by_number), or 0 for all */
  const Chapter *only;       /* that chapter */
  const char *filter;        /* only blocks whose code or "path:line" contains this, or NULL */
  BookProgressFunc progress; /* told which example started last, or NULL */
} CodeOptions;

/* The results on one interpreter. */
typedef struct {
  char *python;     /* the interpreter's real path */
  int major, minor; /* its version */
  guint passed, failed, skipped_version, skipped_library, ignored;
  char *missing; /* the `requires=` modules it lacks, "numpy, pandas", or NULL */
} CodeRun;

void code_run_free(CodeRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CodeRun, code_run_free)

/* Finds an interpreter for Python `version` ("3.14"): pyenv's newest 3.14.x, else python3.14 on
 * PATH (not a pyenv shim), else the one tools/fetch-python puts under the book's build/pythons/.
 * Returns its path (caller frees), or NULL. */
char *codecheck_find_python(const char *book_root, const char *version);

/* Runs the selected examples on every interpreter of `options`. Failures become diagnostics (rule
 * `example`, "example failed on 3.14: ...") in book->diags, each with the block's first line and
 * the relevant output attached as detail. `runs` receives one CodeRun* per interpreter, in order
 * (the array must free its items with code_run_free). Returns FALSE with `error` set only for
 * environment problems (an interpreter that does not run). */
gboolean codecheck_run(Book *book, const CodeOptions *options, GPtrArray *runs, GError **error);

#endif
