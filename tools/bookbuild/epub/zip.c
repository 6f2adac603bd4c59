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

/* An archive made by epub_zip(), opened read-only over its bytes. */
static zip_t *open_packed(GBytes *bytes, zip_error_t *ze) {
  gsize len = 0;
  const void *data = g_bytes_get_data(bytes, &len);
  zip_source_t *src = zip_source_buffer_create(data, len, 0, ze);
  if (!src)
    return NULL;
  zip_t *za = zip_open_from_source(src, ZIP_RDONLY, ze);
  if (!za)
    zip_source_free(src);
  return za;
}

GHashTable *epub_zip_names(GBytes *zip) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_t *za = open_packed(zip, &ze);
  zip_error_fini(&ze);
  if (!za)
    return NULL;
  GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  zip_int64_t n = zip_get_num_entries(za, 0);
  for (zip_int64_t i = 0; i < n; i++) {
    const char *name = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
    if (name)
      g_hash_table_insert(names, g_strdup(name), GUINT_TO_POINTER((guint)i + 1));
  }
  zip_discard(za);
  return names;
}

/* The source of one entry: its bytes, or its compressed data in a packed archive (opened once
 * per archive and kept in `opened` until the output is closed). */
static zip_source_t *entry_source(zip_t *za, const ZipEntry *en, GHashTable *opened,
                                  GError **error) {
  if (!en->packed) {
    gsize len = 0;
    const void *data = g_bytes_get_data(en->data, &len);
    zip_source_t *src = zip_source_buffer(za, data, len, 0);
    if (!src)
      fail(error, en->name, zip_get_error(za));
    return src;
  }
  zip_t *from = g_hash_table_lookup(opened, en->packed);
  if (!from) {
    zip_error_t ze;
    zip_error_init(&ze);
    from = open_packed(en->packed, &ze);
    if (!from) {
      fail(error, en->name, &ze);
      zip_error_fini(&ze);
      return NULL;
    }
    g_hash_table_insert(opened, en->packed, from);
  }
  zip_source_t *src = zip_source_zip(za, from, en->packed_index, ZIP_FL_COMPRESSED, 0, -1);
  if (!src)
    fail(error, en->name, zip_get_error(za));
  return src;
}

static gboolean add_entries(zip_t *za, const GArray *entries, time_t mtime, GHashTable *opened,
                            GError **error) {
  for (guint i = 0; i < entries->len; i++) {
    const ZipEntry *en = &g_array_index(entries, ZipEntry, i);
    zip_source_t *src = entry_source(za, en, opened, error);
    if (!src)
      return FALSE;
    zip_int64_t idx = zip_file_add(za, en->name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(src);
      return fail(error, en->name, zip_get_error(za));
    }
    if ((!en->packed &&
         zip_set_file_compression(za, (zip_uint64_t)idx, en->level ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                  (zip_uint32_t)en->level) < 0) ||
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
  g_autoptr(GHashTable) opened =
      g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)zip_discard);
  if (!za) {
    fail(error, "open", &ze);
  } else if (!add_entries(za, entries, (time_t)mtime, opened, error)) {
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
