/* epub.c: the EPUB writer's pipeline: the stylesheet with @font-face rules for the fonts it
 * names, the cover, the front matter, one XHTML file per chapter, the package documents, then
 * the zip, written atomically. Byte-reproducible: every date comes from book_timestamp().
 * The two slow jobs that need nothing of the chapters, drawing the cover and deflating the
 * fonts, run on worker threads while the chapters are built; their bytes do not depend on
 * the timing, so the output stays the same. */
#include "epub/epub.h"

#include "epub/cover.h"
#include "epub/front.h"
#include "epub/package.h"
#include "epub/xhtml.h"
#include "epub/zip.h"
#include "output.h"

#include <fontconfig/fontconfig.h>
#include <inttypes.h>
#include <xxhash.h>
#include <zip.h>
#include <zlib.h>

#include <string.h>

static void item_free(gpointer p) {
  EpubItem *it = p;
  g_free(it->id);
  g_free(it->href);
  g_free(it->media_type);
  g_free(it->properties);
  g_free(it->path);
  g_bytes_unref(it->data);
  g_free(it);
}

static void chapter_free(gpointer p) {
  EpubChapter *ec = p;
  g_free(ec->id);
  g_free(ec->href);
  g_free(ec);
}

/* ---- identity ---- */

/* dc:identifier: the book's URN, an ISBN as urn:isbn:, or (with none, which the validator
 * warns about) a name-based UUID from the title and authors, stable across builds. */
static char *package_identifier(const BookMeta *m) {
  if (m->identifier && g_str_has_prefix(m->identifier, "urn:"))
    return g_strdup(m->identifier);
  if (m->identifier) {
    GString *isbn = g_string_new("urn:isbn:");
    for (const char *p = m->identifier; *p; p++)
      if (g_ascii_isdigit(*p) || *p == 'X' || *p == 'x')
        g_string_append_c(isbn, g_ascii_toupper(*p));
    return g_string_free(isbn, FALSE);
  }
  g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA1);
  g_checksum_update(sum, (const guchar *)(m->title ? m->title : ""), -1);
  for (guint i = 0; i < m->authors->len; i++)
    g_checksum_update(sum, m->authors->pdata[i], -1);
  guint8 d[20];
  gsize len = sizeof d;
  g_checksum_get_digest(sum, d, &len);
  d[6] = (guint8)((d[6] & 0x0F) | 0x50); /* version 5 */
  d[8] = (guint8)((d[8] & 0x3F) | 0x80); /* RFC 4122 variant */
  return g_strdup_printf("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                         "%02x%02x%02x%02x%02x%02x",
                         d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11],
                         d[12], d[13], d[14], d[15]);
}

static char *iso_time(gint64 t) {
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);
  return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* ---- chapters and their ids ---- */

static char *safe_stem(const char *path) {
  g_autofree char *base = g_path_get_basename(path);
  if (g_str_has_suffix(base, ".md"))
    base[strlen(base) - 3] = 0;
  for (char *p = base; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
      *p = '_';
  return g_steal_pointer(&base);
}

static void plan_chapters(Epub *e) {
  for (guint i = 0; i < e->book->chapters->len; i++) {
    const Chapter *ch = e->book->chapters->pdata[i];
    if (!ch->toc || !ch->readable)
      continue;
    EpubChapter *ec = g_new0(EpubChapter, 1);
    ec->chapter = ch;
    g_autofree char *stem = safe_stem(ch->path);
    ec->id = g_strconcat("ch-", stem, NULL);
    ec->href = g_strdup_printf("text/%s.xhtml", stem);
    g_ptr_array_add(e->chapters, ec);
    g_hash_table_insert(e->chapter_by_chapter, (gpointer)ch, ec);
  }
}

/* ---- stylesheet and fonts ---- */

/* TRUE when the stylesheet names `family` in quotes, as a font-family value does. */
static gboolean css_names_family(const char *css, const char *family) {
  g_autofree char *dq = g_strdup_printf("\"%s\"", family);
  g_autofree char *sq = g_strdup_printf("'%s'", family);
  return strstr(css, dq) || strstr(css, sq);
}

/* Embeds every font of fonts/ whose family the stylesheet names, and writes its @font-face
 * rule (weight and style from the font itself) into `faces`. */
static gboolean embed_fonts(Epub *e, const char *css, GString *rules, GError **error) {
  const GPtrArray *faces = resources_faces(e->res, error);
  if (!faces)
    return FALSE;
  e->fonts_key = cache_key_new(e->book->root, "fonts");
  cache_key_str(e->fonts_key, "libzip", zip_libzip_version());
  cache_key_str(e->fonts_key, "zlib", zlibVersion());
  cache_key_num(e->fonts_key, "level", EPUB_DEFLATE_FONT);
  for (guint i = 0; i < faces->len; i++) {
    const FontFace *face = faces->pdata[i];
    if (!face->media_type || !css_names_family(css, face->family))
      continue;
    cache_key_str(e->fonts_key, "name", face->name);
    cache_key_file(e->fonts_key, face->path);
    g_string_append_printf(rules,
                           "@font-face {\n  font-family: \"%s\";\n  src: url(\"../fonts/%s\");\n"
                           "  font-weight: %s;\n  font-style: %s;\n}\n",
                           face->family, face->name,
                           face->weight >= FC_WEIGHT_DEMIBOLD ? "bold" : "normal",
                           face->slant == FC_SLANT_ROMAN ? "normal" : "italic");
    g_autofree char *id = g_strdup_printf("font-%u", i + 1);
    g_autofree char *href = g_strconcat("fonts/", face->name, NULL);
    EpubItem *font = epub_add_item(e, id, href, face->media_type, NULL);
    font->path = g_strdup(face->path);
    font->level = EPUB_DEFLATE_FONT;
    e->fonts_embedded = TRUE;
  }
  return TRUE;
}

static gboolean add_stylesheet(Epub *e, GError **error) {
  g_autofree char *path = book_resource_file(e->book, "styles", "epub.css");
  g_autofree char *css = NULL;
  if (!path) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                "no styles/epub.css: neither the book nor bookbuild's installation has one");
    return FALSE;
  }
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &css, NULL, &err)) {
    g_set_error(error, G_FILE_ERROR, err->code, "cannot read the EPUB stylesheet: %s",
                err->message);
    return FALSE;
  }
  GString *sheet = g_string_new(NULL);
  if (e->book->meta.epub_embed_fonts && !embed_fonts(e, css, sheet, error)) {
    g_string_free(sheet, TRUE);
    return FALSE;
  }
  if (sheet->len)
    g_string_append_c(sheet, '\n');
  g_string_append(sheet, css);
  gsize len = sheet->len;
  epub_add_item(e, "css", "css/book.css", "text/css",
                g_bytes_new_take(g_string_free(sheet, FALSE), len));
  return TRUE;
}

/* ---- pages ---- */

static EpubItem *add_page(Epub *e, const char *id, const char *href, xmlDocPtr doc) {
  EpubItem *it = epub_add_item(e, id, href, "application/xhtml+xml", epub_serialize(doc));
  xmlFreeDoc(doc);
  it->in_spine = TRUE;
  return it;
}

typedef struct {
  const BookMeta *meta;
  const PrintStyle *style;
  Fonts *fonts; /* used by this worker alone until it ends */
  GBytes *png;
  GError *error;
} CoverJob;

static gpointer cover_job(gpointer data) {
  CoverJob *job = data;
  job->png = cover_draw(job->meta, job->style, job->fonts, &job->error);
  return job;
}

/* The cover's manifest entry and page, in spine order; a drawn cover's bytes come from a
 * worker (see finish_workers()). */
static gboolean add_cover(Epub *e, GError **error) {
  const char *image = e->book->meta.cover_image;
  GBytes *data = NULL;
  const char *type = "image/png", *href = "media/cover.png";
  if (image) {
    g_autofree char *full = g_build_filename(e->book->manuscript_dir, image, NULL);
    g_autofree char *bytes = NULL;
    gsize len = 0;
    if (!g_file_get_contents(full, &bytes, &len, error))
      return FALSE;
    if (g_strcmp0(epub_image_type(image), "image/jpeg") == 0) {
      type = "image/jpeg";
      href = "media/cover.jpg";
    }
    data = g_bytes_new_take(g_steal_pointer(&bytes), len);
  } else {
    const GPtrArray *faces = resources_faces(e->res, error);
    if (!faces)
      return FALSE;
    e->cover_key = cover_cache_key(e->book->root, &e->book->meta, &e->res->style, faces);
    data = cache_get(e->cover_key);
  }
  if (!image && !data) {
    Fonts *fonts = resources_fonts(e->res, error);
    if (!fonts)
      return FALSE;
    CoverJob *job = g_new0(CoverJob, 1);
    job->meta = &e->book->meta;
    job->style = &e->res->style;
    job->fonts = fonts;
    e->cover_worker = g_thread_new("cover", cover_job, job);
  }
  e->cover = epub_add_item(e, "cover-image", href, type, data);
  e->cover->properties = g_strdup("cover-image");
  e->cover->level = 0;
  add_page(e, "cover", "text/cover.xhtml", front_cover_page(e, href));
  return TRUE;
}

typedef struct {
  GArray *entries; /* ZipEntry of the fonts (names and bytes owned by the items) */
  GBytes *zip;
  GError *error;
} FontsJob;

static gpointer fonts_job(gpointer data) {
  FontsJob *job = data;
  /* Dated 1980-01-01 (the zip epoch): package() dates each entry anew when it copies it, so the
   * packed zip, and its cache entry, do not depend on the build's date. */
  job->zip = epub_zip(job->entries, 315532800, &job->error);
  return job;
}

/* The fonts' packed zip from the cache, or a worker that packs them: only then are their files
 * read (2.7 MB for the book's, which every rebuild read before). */
static gboolean start_fonts_worker(Epub *e, GError **error) {
  g_autoptr(GPtrArray) fonts = g_ptr_array_new();
  for (guint i = 0; i < e->items->len; i++) {
    EpubItem *it = e->items->pdata[i];
    if (g_str_has_prefix(it->media_type, "font/")) {
      it->packed_index = (int)fonts->len;
      g_ptr_array_add(fonts, it);
    }
  }
  if (!fonts->len || (e->packed = cache_get(e->fonts_key)))
    return TRUE;
  FontsJob *job = g_new0(FontsJob, 1);
  job->entries = g_array_new(FALSE, FALSE, sizeof(ZipEntry));
  for (guint i = 0; i < fonts->len; i++) {
    EpubItem *it = fonts->pdata[i];
    char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(it->path, &data, &len, error)) {
      g_array_unref(job->entries);
      g_free(job);
      return FALSE;
    }
    it->data = g_bytes_new_take(data, len);
    ZipEntry en = {it->href, it->data, it->level, NULL, 0};
    g_array_append_val(job->entries, en);
  }
  e->fonts_worker = g_thread_new("fonts", fonts_job, job);
  return TRUE;
}

/* Waits for both workers; their results go into the manifest. */
static gboolean finish_workers(Epub *e, GError **error) {
  gboolean ok = TRUE;
  if (e->cover_worker) {
    CoverJob *job = g_thread_join(e->cover_worker);
    e->cover_worker = NULL;
    if (job->png) {
      e->cover->data = job->png;
      cache_put(e->cover_key, job->png);
    } else if (ok) {
      g_propagate_error(error, job->error);
      job->error = NULL;
      ok = FALSE;
    }
    g_clear_error(&job->error);
    g_free(job);
  }
  if (e->fonts_worker) {
    FontsJob *job = g_thread_join(e->fonts_worker);
    e->fonts_worker = NULL;
    e->packed = job->zip;
    cache_put(e->fonts_key, job->zip);
    if (!job->zip && ok) {
      g_propagate_error(error, job->error);
      job->error = NULL;
      ok = FALSE;
    }
    g_clear_error(&job->error);
    g_array_unref(job->entries);
    g_free(job);
  }
  return ok;
}

static void add_chapters(Epub *e) {
  for (guint i = 0; i < e->chapters->len; i++) {
    const EpubChapter *ec = e->chapters->pdata[i];
    add_page(e, ec->id, ec->href, xhtml_chapter(e, ec));
  }
}

/* ---- the container ---- */

static GBytes *apple_display_options(void) {
  static const char xml[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<display_options>\n"
      "<platform name=\"*\">\n<option name=\"specified-fonts\">true</option>\n</platform>\n"
      "</display_options>\n";
  return g_bytes_new_static(xml, sizeof xml - 1);
}

static void add_entry(GArray *entries, const char *name, GBytes *data, int level) {
  ZipEntry en = {name, data, level, NULL, 0};
  g_array_append_val(entries, en);
}

/* libzip writes DOS times in local time: shift so that the zip shows the build's UTC time on
 * every machine, whatever its time zone. */
static gint64 zip_time(gint64 t) {
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local(t);
  return local ? t - g_date_time_get_utc_offset(local) / G_USEC_PER_SEC : t;
}

/* ---- text files, deflated once per content ---- */

/* The name of `data` in the packed texts: the XXH3-128 of its bytes, in hex. */
static void content_name(GBytes *data, char out[33]) {
  gsize len = 0;
  const void *bytes = g_bytes_get_data(data, &len);
  XXH128_hash_t h = XXH3_128bits(bytes, len);
  g_snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, (guint64)h.high64, (guint64)h.low64);
}

/* Replaces the entries to deflate (bytes and a level) by copies of their compressed data in a
 * packed zip whose entries are named by their content (content_name()), kept in build/cache.
 * Deflating every XHTML, SVG and CSS file was a fifth of a rebuild's CPU time; now a rebuild
 * deflates only files whose bytes changed (an edited chapter and what shows it: the contents,
 * the index) and copies the others' compressed bytes. The EPUB is the same either way: every
 * text entry is copied from a packed zip, made now or by an earlier build. Returns the packed
 * zip (caller unrefs once `entries` are written), or NULL with `error`. */
static GBytes *pack_texts(Epub *e, GArray *entries, GError **error) {
  g_autoptr(CacheKey) key = cache_key_new(e->book->root, "texts");
  cache_key_str(key, "libzip", zip_libzip_version());
  cache_key_str(key, "zlib", zlibVersion());
  cache_key_num(key, "level", EPUB_DEFLATE_TEXT);
  GBytes *old = cache_get(key);
  g_autoptr(GHashTable) old_names = old ? epub_zip_names(old) : NULL;
  g_autoptr(GArray) pack = g_array_new(FALSE, FALSE, sizeof(ZipEntry));
  g_autoptr(GArray) old_index = g_array_new(FALSE, FALSE, sizeof(guint)); /* per pack entry */
  g_autoptr(GHashTable) placed = /* name (owned) -> its pack index + 1 */
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autofree guint *slot = g_new(guint, entries->len + 1); /* entry -> pack index, or G_MAXUINT */
  guint misses = 0;
  for (guint i = 0; i < entries->len; i++) {
    const ZipEntry *en = &g_array_index(entries, ZipEntry, i);
    slot[i] = G_MAXUINT;
    if (!en->data || !en->level)
      continue;
    char name[33];
    content_name(en->data, name);
    guint at = GPOINTER_TO_UINT(g_hash_table_lookup(placed, name));
    if (at) {
      slot[i] = at - 1;
      continue;
    }
    char *kept = g_strdup(name);
    guint was = old_names ? GPOINTER_TO_UINT(g_hash_table_lookup(old_names, name)) : 0;
    ZipEntry p = {kept, was ? NULL : en->data, was ? 0 : en->level, was ? old : NULL,
                  was ? was - 1 : 0};
    misses += !was;
    slot[i] = pack->len;
    g_array_append_val(pack, p);
    g_array_append_val(old_index, was);
    g_hash_table_insert(placed, kept, GUINT_TO_POINTER(pack->len));
  }
  GBytes *packed = NULL;
  if (!misses && old) { /* all there: the old zip as it is (entries no longer used stay in it
                         * until the next change writes it anew) */
    packed = old;
    old = NULL;
    for (guint i = 0; i < entries->len; i++)
      if (slot[i] != G_MAXUINT)
        slot[i] = g_array_index(old_index, guint, slot[i]) - 1;
  } else {
    /* Dated 1980-01-01, as the fonts are: each entry is dated anew when it is copied. */
    packed = epub_zip(pack, 315532800, error);
    if (packed)
      cache_put(key, packed);
  }
  if (old)
    g_bytes_unref(old);
  if (!packed)
    return NULL;
  for (guint i = 0; i < entries->len; i++) {
    ZipEntry *en = &g_array_index(entries, ZipEntry, i);
    if (slot[i] != G_MAXUINT)
      *en = (ZipEntry){en->name, NULL, 0, packed, slot[i]};
  }
  return packed;
}

static GBytes *package(Epub *e, GError **error) {
  g_autoptr(GBytes) mimetype = g_bytes_new_static("application/epub+zip", 20);
  g_autoptr(GBytes) container = epub_container_xml();
  g_autoptr(GBytes) apple = apple_display_options();
  g_autoptr(GBytes) opf = epub_opf(e);
  g_autoptr(GBytes) ncx = epub_ncx(e);
  g_autoptr(GArray) entries = g_array_new(FALSE, FALSE, sizeof(ZipEntry));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  add_entry(entries, "mimetype", mimetype, 0);
  add_entry(entries, "META-INF/container.xml", container, EPUB_DEFLATE_TEXT);
  if (e->fonts_embedded)
    add_entry(entries, "META-INF/com.apple.ibooks.display-options.xml", apple, EPUB_DEFLATE_TEXT);
  add_entry(entries, "OEBPS/content.opf", opf, EPUB_DEFLATE_TEXT);
  add_entry(entries, "OEBPS/toc.ncx", ncx, EPUB_DEFLATE_TEXT);
  for (guint i = 0; i < e->items->len; i++) {
    const EpubItem *it = e->items->pdata[i];
    gboolean packed = it->packed_index >= 0 && e->packed;
    if (!it->data && !packed)
      continue; /* toc.ncx, written above */
    char *name = g_strconcat("OEBPS/", it->href, NULL);
    g_ptr_array_add(names, name);
    if (packed) {
      ZipEntry en = {name, NULL, 0, e->packed, (guint)it->packed_index};
      g_array_append_val(entries, en);
    } else {
      add_entry(entries, name, it->data, it->level);
    }
  }
  g_autoptr(GBytes) texts = pack_texts(e, entries, error);
  return texts ? epub_zip(entries, zip_time(e->timestamp), error) : NULL;
}

/* Atomically (output.h): an interrupted or failed write leaves the previous EPUB and no
 * temporary file. */
static gboolean write_file(const char *path, GBytes *data, GError **error) {
  gsize len = 0;
  const char *bytes = g_bytes_get_data(data, &len);
  return output_write(path, bytes, len, error);
}

/* Everything but the file: the manifest filled, the zip made. */
static GBytes *build(Epub *e, GError **error) {
  plan_chapters(e);
  if (!add_stylesheet(e, error) || !add_cover(e, error))
    return NULL;
  if (!start_fonts_worker(e, error))
    return NULL;
  add_page(e, "title-page", "text/title.xhtml", front_title_page(e));
  add_page(e, "copyright", "text/copyright.xhtml", front_copyright_page(e));
  add_page(e, "contents", "text/contents.xhtml", epub_contents_page(e, BOOK_CONTENTS_TITLE));
  EpubItem *nav = epub_add_item(e, "nav", "nav.xhtml", "application/xhtml+xml",
                                epub_nav(e, BOOK_CONTENTS_TITLE));
  nav->properties = g_strdup("nav");
  epub_add_item(e, "ncx", "toc.ncx", "application/x-dtbncx+xml", NULL);
  guint errors_before = diags_errors(e->book->diags);
  add_chapters(e);
  if (e->book->index)
    add_page(e, "index", "text/index.xhtml", epub_index_page(e));
  if (!finish_workers(e, error) || diags_errors(e->book->diags) > errors_before)
    return NULL;
  return package(e, error);
}

gboolean epub_write(Book *book, Resources *res, const EpubOptions *o, GError **error) {
  Epub e = {0};
  e.book = book;
  e.res = res;
  e.o = o;
  e.timestamp = book_timestamp(book);
  e.identifier = package_identifier(&book->meta);
  e.modified = iso_time(e.timestamp);
  e.chapters = g_ptr_array_new_with_free_func(chapter_free);
  e.chapter_by_chapter = g_hash_table_new(g_direct_hash, g_direct_equal);
  e.items = g_ptr_array_new_with_free_func(item_free);
  e.images = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GBytes *zip = build(&e, error);
  finish_workers(&e, NULL); /* when build() stopped early */
  gboolean ok = zip && write_file(o->output, zip, error);
  if (e.packed)
    g_bytes_unref(e.packed);
  cache_key_free(e.cover_key);
  cache_key_free(e.fonts_key);
  if (zip)
    g_bytes_unref(zip);
  g_free(e.identifier);
  g_free(e.modified);
  g_ptr_array_unref(e.items);
  g_ptr_array_unref(e.chapters);
  g_hash_table_destroy(e.chapter_by_chapter);
  g_hash_table_destroy(e.images);
  return ok;
}
