/* zip.h: the EPUB's OCF container: entries in a fixed order with a fixed time, `mimetype`
 * first and stored, written with libzip into memory. */
#ifndef BOOKBUILD_EPUB_ZIP_H
#define BOOKBUILD_EPUB_ZIP_H

#include <glib.h>

typedef struct {
  const char *name; /* path inside the zip */
  GBytes *data;     /* not owned; NULL when `packed` holds the entry */
  int level;        /* deflate level 1-9, or 0: stored */
  GBytes *packed;   /* not owned: a zip from epub_zip() whose entry `packed_index` is this
                     * one, compressed already (copied as it is, not deflated again) */
  guint packed_index;
} ZipEntry;

/* The zip of `entries` (ZipEntry, in order), every entry dated `mtime` (Unix seconds, UTC).
 * Caller unrefs. NULL with `error` when libzip fails. */
GBytes *epub_zip(const GArray *entries, gint64 mtime, GError **error);

/* The entries of a zip made by epub_zip(), by name: name (owned by the table) -> its index,
 * stored as GUINT_TO_POINTER(index + 1). NULL when the bytes are not a readable zip. */
GHashTable *epub_zip_names(GBytes *zip);

#endif
