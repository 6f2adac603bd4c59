/* safeyaml.h: the one way bookbuild reads a YAML file (book.yaml, styles/print.yaml). Aliases are
 * refused before the document is built, so a "billion laughs" cannot expand, and so is nesting
 * deeper than SAFEYAML_MAX_DEPTH, so no reader of the document recurses without bound. (The
 * header is not called yaml.h: that would shadow libyaml's <yaml.h> on the include path.) */
#ifndef BOOKBUILD_SAFEYAML_H
#define BOOKBUILD_SAFEYAML_H

#include "diag.h"

#include <yaml.h>

#define SAFEYAML_MAX_DEPTH 32 /* mappings and sequences inside each other */

/* Parses `text` into `doc`. On success returns TRUE and the caller owns `doc` (free it with
 * yaml_document_delete). On failure returns FALSE after adding a `yaml` diagnostic against
 * `display` (as the user sees the path); `doc` is then untouched. */
gboolean safeyaml_load(yaml_document_t *doc, const char *text, gsize len, const char *display,
                       int file_id, Diags *diags);

#endif
