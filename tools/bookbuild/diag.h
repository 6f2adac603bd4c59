/* diag.h: manuscript diagnostics: collected with a source position and a rule id, printed gcc
 * style once a command has run every check. Environment failures are GErrors, not diagnostics. */
#ifndef BOOKBUILD_DIAG_H
#define BOOKBUILD_DIAG_H

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>

typedef enum {
  DIAG_WARNING,
  DIAG_ERROR,
  DIAG_NOTE, /* information asked for (pdf --verbose): counted as neither */
} DiagSeverity;

typedef struct {
  DiagSeverity severity;
  char *path;    /* as shown to the user */
  int file_id;   /* order of files in the report */
  int line, col; /* 1-based; 0 when the diagnostic is about the whole file */
  char *message;
  char *rule;   /* rule id, shown in brackets */
  char *detail; /* lines printed under it, indented (an example's output), or NULL */
  guint seq;    /* order of arrival, the tie-breaker */
} Diag;

/* A diagnostic's file_id: the order of files in a report. */
enum {
  DIAG_FILE_META,          /* manuscript/book.yaml */
  DIAG_FILE_TOC,           /* manuscript/toc.md */
  DIAG_FILE_STYLE,         /* styles/print.yaml */
  DIAG_FILE_INDEX,         /* manuscript/index.yaml */
  DIAG_FILE_FIRST_CHAPTER, /* the chapters, in file-name order from here */
};

typedef struct Diags Diags;

/* An empty collection; caller frees with diags_free(). */
Diags *diags_new(void);
void diags_free(Diags *diags);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Diags, diags_free)

/* Adds a diagnostic; `fmt` is the message (lower-case, no full stop). A diagnostic equal to an
 * earlier one (severity, place, rule and message) is not added again: a writer that meets the
 * same problem twice, or after the validator, reports it once. */
void diags_add(Diags *diags, DiagSeverity severity, const char *path, int file_id, int line,
               int col, const char *rule, const char *fmt, ...) G_GNUC_PRINTF(8, 9);

/* diags_add() for wrappers that bind a file and take their own arguments. */
void diags_vadd(Diags *diags, DiagSeverity severity, const char *path, int file_id, int line,
                int col, const char *rule, const char *fmt, va_list ap) G_GNUC_PRINTF(8, 0);

/* Attaches `detail` (copied; lines printed indented under the diagnostic) to the diagnostic
 * added last; nothing when that one repeated an earlier one. */
void diags_add_detail(Diags *diags, const char *detail);

guint diags_errors(const Diags *diags);
guint diags_warnings(const Diags *diags);

/* Sorted copy of the diagnostics (by file, line, column, arrival); the array does not own them. */
GPtrArray *diags_sorted(const Diags *diags);

/* Prints every diagnostic, sorted, each followed by its detail. */
void diags_print_list(const Diags *diags, FILE *out);

/* diags_print_list(), then the summary line ("3 errors, 1 warning"). */
void diags_print(const Diags *diags, FILE *out);

/* "3 errors, 1 warning"; caller frees. */
char *diags_summary(const Diags *diags);

#endif
