/* output.h: the build's outputs, written atomically (DESIGN.md section 3): a temporary file
 * beside the target, renamed over it once complete, removed when the build fails or is
 * interrupted (SIGINT, SIGTERM, SIGHUP), so the previous output stays untouched and no partial
 * or temporary file is left behind. Used by both writers; it does not know their formats. */
#ifndef BOOKBUILD_OUTPUT_H
#define BOOKBUILD_OUTPUT_H

#include <glib.h>

typedef struct {
  char *target; /* the output's path, as given */
  char *temp;   /* the temporary file beside it: "DIR/.NAME.XXXXXX" */
} OutputFile;

/* Creates the (empty) temporary file beside `target` and registers it for removal on SIGINT,
 * SIGTERM and SIGHUP. FALSE with `error` (G_FILE_ERROR) when the folder is missing or cannot be
 * written. Write to out->temp, then output_commit() or output_abort(). */
gboolean output_open(OutputFile *out, const char *target, GError **error);

/* Renames the temporary file over the target (mode 0644). FALSE with `error` when the rename
 * fails, and the temporary file is removed. Either way `out` is cleared. */
gboolean output_commit(OutputFile *out, GError **error);

/* Removes the temporary file (a failed build); the target is untouched. `out` is cleared. */
void output_abort(OutputFile *out);

/* Writes `len` bytes to `target` atomically, as above. */
gboolean output_write(const char *target, const void *data, gsize len, GError **error);

#endif
