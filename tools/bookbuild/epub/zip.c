/* zip.c: writes the OCF zip with libzip, in memory (the caller writes the file atomically).
 * Entries keep the given order (never torrentzip, which sorts them); sources have known sizes,
 * so libzip adds no ZIP64 extra field, which epubcheck rejects on `mimetype`. */
#include "epub/zip.h"

#include <zip.h>

static gboolean fail(GError **error, const char *what, zip_error_t *ze) {
  g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot write the EPUB (%s): %s", what,
              zip_error_strerror(ze));
  return FALSE;
}

static gboolean add_entries(zip_t *za, const GArray *entries, time_t mtime, GError **error) {
  for (guint i = 0; i < entries->len; i++) {
    const ZipEntry *en = &g_array_index(entries, ZipEntry, i);
    gsize len = 0;
    const void *data = g_bytes_get_data(en->data, &len);
    zip_source_t *src = zip_source_buffer(za, data, len, 0);
    if (!src)
      return fail(error, en->name, zip_get_error(za));
    zip_int64_t idx = zip_file_add(za, en->name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(src);
      return fail(error, en->name, zip_get_error(za));
    }
    if (zip_set_file_compression(za, (zip_uint64_t)idx, en->level ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                 (zip_uint32_t)en->level) < 0 ||
        zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) < 0)
      return fail(error, en->name, zip_get_error(za));
  }
  return TRUE;
}

/* Reads the whole of a (closed) buffer source. */
static GBytes *source_bytes(zip_source_t *src, GError **error) {
  zip_stat_t st;
  if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0) {
    fail(error, "reading back", zip_source_error(src));
    return NULL;
  }
  guint8 *buf = g_malloc(st.size ? st.size : 1);
  zip_int64_t n = zip_source_read(src, buf, st.size);
  zip_source_close(src);
  if (n < 0 || (zip_uint64_t)n != st.size) {
    g_free(buf);
    fail(error, "reading back", zip_source_error(src));
    return NULL;
  }
  return g_bytes_new_take(buf, st.size);
}

GBytes *epub_zip(const GArray *entries, gint64 mtime, GError **error) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *out = zip_source_buffer_create(NULL, 0, 0, &ze);
  if (!out) {
    fail(error, "buffer", &ze);
    zip_error_fini(&ze);
    return NULL;
  }
  zip_source_keep(out); /* zip_close() releases it once; we read it afterwards */
  zip_t *za = zip_open_from_source(out, ZIP_TRUNCATE, &ze);
  GBytes *result = NULL;
  if (!za) {
    fail(error, "open", &ze);
  } else if (!add_entries(za, entries, (time_t)mtime, error)) {
    zip_discard(za);
  } else if (zip_close(za) < 0) {
    fail(error, "close", zip_get_error(za));
    zip_discard(za);
  } else {
    result = source_bytes(out, error);
  }
  zip_source_free(out);
  zip_error_fini(&ze);
  return result;
}
