/* meta.h: reading book.yaml (libyaml) into BookMeta, with every problem as a diagnostic. */
#ifndef BOOKBUILD_META_H
#define BOOKBUILD_META_H

#include "book.h"

/* Sets the defaults of DESIGN.md section 2 (rules) and empty lists. */
void meta_init(BookMeta *meta);
void meta_clear(BookMeta *meta);

/* Parses `text` (the contents of book.yaml) into `meta`; `path` and `file_id` are for diagnostics.
 */
void meta_parse(BookMeta *meta, const char *text, gsize len, const char *path, int file_id,
                Diags *diags);

#endif
