/* diag.h: manuscript diagnostics: collected with a source position and a rule id, printed gcc
 * style once a command has run every check. Environment failures are GErrors, not diagnostics. */
#ifndef BOOKBUILD_DIAG_H
#define BOOKBUILD_DIAG_H

#include <glib.h>
#include <stdio.h>

typedef enum {
  DIAG_WARNING,
  DIAG_ERROR,
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

typedef struct Diags Diags;

Diags *diags_new(void);
void diags_free(Diags *diags);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Diags, diags_free)

/* Adds a diagnostic; `fmt` is the message (lower-case, no full stop). */
void diags_add(Diags *diags, DiagSeverity severity, const char *path, int file_id, int line,
               int col, const char *rule, const char *fmt, ...) G_GNUC_PRINTF(8, 9);

/* Attaches `detail` (copied; lines printed indented under the diagnostic) to the diagnostic
 * added last. */
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
