/* fonts.c: the book's fonts (see fonts.h). A missing family is substituted silently by
 * fontconfig, so every family the style names is checked against the loaded set. */
#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <fontconfig/fcfreetype.h> /* after fontconfig.h, which it needs */

#include <pango/pangofc-fontmap.h>
#include <string.h>

#include "cache.h"

/* ---- the folder's files ---- */

/* The font files fontconfig reads, by suffix, with their media type where EPUB 3 has one as a
 * core media type (a collection has none: an EPUB cannot embed it). */
static const struct {
  const char *suffix, *media_type;
} font_types[] = {{".ttf", "font/ttf"}, {".otf", "font/otf"},   {".ttc", NULL},
                  {".otc", NULL},       {".woff", "font/woff"}, {".woff2", "font/woff2"}};

/* The font_types row of `name`, or -1 when it is not a font file. */
static int font_type(const char *name) {
  g_autofree char *lower = g_ascii_strdown(name, -1);
  for (gsize i = 0; i < G_N_ELEMENTS(font_types); i++)
    if (g_str_has_suffix(lower, font_types[i].suffix))
      return (int)i;
  return -1;
}

static void face_free(gpointer p) {
  FontFace *f = p;
  g_free(f->name);
  g_free(f->path);
  g_free(f->family);
  g_free(f);
}

static FontFace *face_new(const char *dir, const char *name, int type, const char *family,
                          int weight, int slant) {
  FontFace *f = g_new0(FontFace, 1);
  f->name = g_strdup(name);
  f->media_type = font_types[type].media_type;
  f->path = g_build_filename(dir, name, NULL);
  f->family = g_strdup(family);
  f->weight = weight;
  f->slant = slant;
  return f;
}

/* The faces as the cache keeps them: a line per file, "name<TAB>family<TAB>weight<TAB>slant". */
static GBytes *faces_record(const GPtrArray *faces) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < faces->len; i++) {
    const FontFace *f = faces->pdata[i];
    g_string_append_printf(s, "%s\t%s\t%d\t%d\n", f->name, f->family, f->weight, f->slant);
  }
  return g_string_free_to_bytes(s);
}

/* The faces of `names` (sorted) from a cache record, or NULL when it does not list exactly
 * those files (a record no build of ours wrote, or a family name with a tab or a newline). */
static GPtrArray *faces_from_record(GBytes *kept, const char *dir, GPtrArray *names) {
  gsize len;
  const char *data = g_bytes_get_data(kept, &len);
  g_autofree char *text = g_strndup(data, len);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  if (g_strv_length(lines) != names->len + 1 || *lines[names->len])
    return NULL;
  g_autoptr(GPtrArray) faces = g_ptr_array_new_with_free_func(face_free);
  for (guint i = 0; i < names->len; i++) {
    g_auto(GStrv) field = g_strsplit(lines[i], "\t", -1);
    gint64 weight, slant;
    if (g_strv_length(field) != 4 || strcmp(field[0], names->pdata[i]) != 0 || !*field[1] ||
        !g_ascii_string_to_signed(field[2], 10, 0, 1000, &weight, NULL) ||
        !g_ascii_string_to_signed(field[3], 10, 0, 1000, &slant, NULL))
      return NULL;
    g_ptr_array_add(
        faces, face_new(dir, field[0], font_type(field[0]), field[1], (int)weight, (int)slant));
  }
  return g_steal_pointer(&faces);
}

static gint name_cmp(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *fonts_read_dir(const char *dir, const char *shown, const char *cache_root,
                          GError **error) {
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GDir) d = dir ? g_dir_open(dir, 0, NULL) : NULL;
  for (const char *name; d && (name = g_dir_read_name(d));)
    if (font_type(name) >= 0)
      g_ptr_array_add(names, g_strdup(name));
  g_ptr_array_sort(names, name_cmp);
  /* Asking FreeType about 17 fonts cost a tenth of an EPUB rebuild: ask once per change. */
  g_autoptr(CacheKey) key = names->len && cache_root ? cache_key_new(cache_root, "faces") : NULL;
  cache_key_num(key, "fontconfig", FcGetVersion());
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *path = g_build_filename(dir, names->pdata[i], NULL);
    cache_key_file(key, path);
  }
  g_autoptr(GBytes) kept = cache_get(key);
  GPtrArray *cached = kept ? faces_from_record(kept, dir, names) : NULL;
  if (cached)
    return cached;
  g_autoptr(GPtrArray) faces = g_ptr_array_new_with_free_func(face_free);
  for (guint i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    int type = font_type(name);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    int count = 0;
    FcPattern *pat = FcFreeTypeQuery((const FcChar8 *)path, 0, NULL, &count);
    FcChar8 *family = NULL;
    if (!pat || FcPatternGetString(pat, FC_FAMILY, 0, &family) != FcResultMatch) {
      if (pat)
        FcPatternDestroy(pat);
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                  "font file '%s/%s' cannot be read (damaged, or not a font)", shown, name);
      return NULL;
    }
    int weight = FC_WEIGHT_REGULAR, slant = FC_SLANT_ROMAN;
    FcPatternGetInteger(pat, FC_WEIGHT, 0, &weight);
    FcPatternGetInteger(pat, FC_SLANT, 0, &slant);
    g_ptr_array_add(faces, face_new(dir, name, type, (const char *)family, weight, slant));
    FcPatternDestroy(pat);
  }
  if (key) {
    g_autoptr(GBytes) record = faces_record(faces);
    cache_put(key, record);
  }
  return g_steal_pointer(&faces);
}

/* ---- the font map ---- */

struct Fonts {
  FcConfig *config;
  PangoFontMap *map;
  cairo_font_options_t *options;
};

void fonts_free(Fonts *fonts) {
  if (!fonts)
    return;
  if (fonts->map) {
    /* The font map's fonts keep it alive past our last reference (Pango 1.50), and with it its
     * caches and its reference to the fontconfig configuration: shut it down (which empties the
     * caches; set_config() alone refills them from the default configuration, a list that was
     * then never freed), then give the configuration back. */
    pango_fc_font_map_shutdown(PANGO_FC_FONT_MAP(fonts->map));
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fonts->map), NULL);
    g_object_unref(fonts->map);
  }
  if (fonts->config)
    FcConfigDestroy(fonts->config);
  if (fonts->options)
    cairo_font_options_destroy(fonts->options);
  g_free(fonts);
}

static gboolean has_family(FcConfig *config, const char *family) {
  FcFontSet *set = FcConfigGetFonts(config, FcSetApplication);
  for (int i = 0; set && i < set->nfont; i++) {
    FcChar8 *name = NULL;
    for (int k = 0; FcPatternGetString(set->fonts[i], FC_FAMILY, k, &name) == FcResultMatch; k++)
      if (strcmp((const char *)name, family) == 0)
        return TRUE;
  }
  return FALSE;
}

static PangoFontMap *new_map(FcConfig *config) {
  PangoFontMap *map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
  pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), config);
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);
  return map;
}

Fonts *fonts_new(const char *dir, const PrintStyle *style, GError **error) {
  g_autoptr(Fonts) fonts = g_new0(Fonts, 1);
  fonts->config = FcConfigCreate();
  /* Only a cache location: fontconfig complains without one, and no system font is added. */
  static const char cache_only[] =
      "<?xml version=\"1.0\"?><fontconfig><cachedir prefix=\"xdg\">fontconfig</cachedir>"
      "</fontconfig>";
  FcConfigParseAndLoadFromMemory(fonts->config, (const FcChar8 *)cache_only, FcFalse);
  if (!dir || !FcConfigAppFontAddDir(fonts->config, (const FcChar8 *)dir)) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "cannot read fonts from '%s'",
                dir ? dir : "(no fonts/ directory)");
    return NULL;
  }
  const char *shown = g_str_has_prefix(dir, "./") ? dir + 2 : dir;
  FcFontSet *set = FcConfigGetFonts(fonts->config, FcSetApplication);
  if (!set || set->nfont == 0) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no usable font in '%s'", shown);
    return NULL;
  }
  const char *families[] = {style->font_body, style->font_heading, style->font_mono,
                            style->font_fallback, style->diagram_font};
  for (gsize i = 0; i < G_N_ELEMENTS(families); i++)
    if (!has_family(fonts->config, families[i])) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                  "font family '%s' named by the print style is not in '%s'", families[i], shown);
      return NULL;
    }
  fonts->map = new_map(fonts->config);
  fonts->options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fonts->options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fonts->options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(fonts->options, CAIRO_ANTIALIAS_GRAY);
  return g_steal_pointer(&fonts);
}

static PangoContext *context_on(Fonts *fonts, PangoFontMap *map) {
  PangoContext *ctx = pango_font_map_create_context(map);
  pango_context_set_round_glyph_positions(ctx, FALSE);
  pango_cairo_context_set_font_options(ctx, fonts->options);
  return ctx;
}

PangoContext *fonts_context(Fonts *fonts) { return context_on(fonts, fonts->map); }

PangoLayout *fonts_layout(PangoContext *ctx, const char *family, double size, PangoWeight weight,
                          PangoStyle slant) {
  PangoLayout *l = pango_layout_new(ctx);
  PangoFontDescription *d = pango_font_description_new();
  pango_font_description_set_family(d, family);
  pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
  pango_font_description_set_weight(d, weight);
  pango_font_description_set_style(d, slant);
  pango_layout_set_font_description(l, d);
  pango_font_description_free(d);
  return l;
}
