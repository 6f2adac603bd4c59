/* zip.h: the EPUB's OCF container: entries in a fixed order with a fixed time, `mimetype`
 * first and stored, written with libzip into memory. */
#ifndef BOOKBUILD_EPUB_ZIP_H
#define BOOKBUILD_EPUB_ZIP_H

#include <glib.h>

typedef struct {
  const char *name;  /* path inside the zip */
  GBytes *data;      /* not owned */
  int level;         /* deflate level 1-9, or 0: stored */
} ZipEntry;

/* The zip of `entries` (ZipEntry, in order), every entry dated `mtime` (Unix seconds, UTC).
 * NULL with `error` when libzip fails. */
GBytes *epub_zip(const GArray *entries, gint64 mtime, GError **error);

#endif
