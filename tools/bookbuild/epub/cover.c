/* cover.c: draws the generated cover (see cover.h) as the print style's cover keys place it.
 * Sizes are in pixels; the font map works at 72 dpi, so a font size in points is one in pixels. */
#include "epub/cover.h"

#include "typo.h"

#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <png.h>
#include <zlib.h>

typedef struct {
  cairo_t *cr;
  PangoContext *ctx;
  const PrintStyle *style;
} Painter;

static void rgb(cairo_t *cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

/* Draws `text` wrapped to `width` with its top at y; returns the height used. */
static double text_block(Painter *p, const char *text, const char *family, double size,
                         PangoWeight weight, PangoStyle slant, double x, double y, double width,
                         Rgb colour) {
  PangoLayout *layout = fonts_layout(p->ctx, family, size, weight, slant);
  pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
  pango_layout_set_line_spacing(layout, (float)p->style->cover_leading);
  gunichar prev = 0;
  g_autofree char *smart = typo_smarten(text, &prev);
  pango_layout_set_text(layout, smart, -1);
  rgb(p->cr, colour);
  cairo_move_to(p->cr, x, y);
  pango_cairo_show_layout(p->cr, layout);
  int w, h;
  pango_layout_get_size(layout, &w, &h);
  g_object_unref(layout);
  return h / (double)PANGO_SCALE;
}

static void paint(Painter *p, const BookMeta *m) {
  cairo_t *cr = p->cr;
  const PrintStyle *st = p->style;
  const double margin = st->cover_margin, width = COVER_WIDTH - 2 * margin;
  rgb(cr, st->cover_background);
  cairo_paint(cr);
  rgb(cr, st->cover_field);
  cairo_rectangle(cr, 0, st->cover_field_top, COVER_WIDTH, st->cover_field_height);
  cairo_fill(cr);
  rgb(cr, st->cover_accent);
  cairo_rectangle(cr, margin, st->cover_rule_top, st->cover_rule_length, st->cover_rule_width);
  cairo_fill(cr);
  double y = st->cover_title_top;
  y += text_block(p, m->title, st->font_heading, st->cover_title_size, PANGO_WEIGHT_BOLD,
                  PANGO_STYLE_NORMAL, margin, y, width, st->cover_text);
  if (m->subtitle)
    text_block(p, m->subtitle, st->font_body, st->cover_subtitle_size, PANGO_WEIGHT_NORMAL,
               PANGO_STYLE_ITALIC, margin, y + st->cover_subtitle_gap, width, st->cover_subtitle);
  const char *authors = m->authors_line;
  text_block(p, authors, st->font_heading, st->cover_author_size, PANGO_WEIGHT_NORMAL,
             PANGO_STYLE_NORMAL, margin, st->cover_author_top, width, st->cover_text);
  if (m->publisher)
    text_block(p, m->publisher, st->font_heading, st->cover_publisher_size, PANGO_WEIGHT_NORMAL,
               PANGO_STYLE_NORMAL, margin, st->cover_publisher_top, width, st->cover_accent);
}

static void png_write_bytes(png_structp png, png_bytep data, png_size_t len) {
  g_byte_array_append(png_get_io_ptr(png), data, (guint)len);
}

static void png_flush_nothing(png_structp png) { (void)png; }

/* The surface as an RGB PNG. cairo's own writer deflates at zlib's default level, which costs
 * a cover most of an EPUB build; a cover is mostly flat colour, which run-length deflate after
 * the Sub filter packs as tightly in a fraction of the time. */
static GBytes *encode_png(cairo_surface_t *surface) {
  int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
  int stride = cairo_image_surface_get_stride(surface);
  const guint8 *pixels = cairo_image_surface_get_data(surface);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  GByteArray *out = g_byte_array_new();
  g_autofree guint8 *row = g_malloc((gsize)w * 3);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    g_byte_array_unref(out);
    return NULL;
  }
  png_set_write_fn(png, out, png_write_bytes, png_flush_nothing);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
  png_set_compression_strategy(png, Z_RLE);
  png_write_info(png, info);
  for (int y = 0; y < h; y++) {
    const guint32 *src = (const guint32 *)(pixels + (gsize)y * stride);
    for (int x = 0; x < w; x++) { /* CAIRO_FORMAT_RGB24: 0x00RRGGBB in native order */
      row[3 * x] = (guint8)(src[x] >> 16);
      row[3 * x + 1] = (guint8)(src[x] >> 8);
      row[3 * x + 2] = (guint8)src[x];
    }
    png_write_row(png, row);
  }
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return g_byte_array_free_to_bytes(out);
}

GBytes *cover_draw(const BookMeta *meta, const PrintStyle *style, Fonts *fonts, GError **error) {
  cairo_surface_t *surface =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, COVER_WIDTH, COVER_HEIGHT);
  cairo_t *cr = cairo_create(surface);
  PangoContext *ctx = fonts_context(fonts);
  pango_cairo_update_context(cr, ctx);
  Painter p = {cr, ctx, style};
  paint(&p, meta);
  g_object_unref(ctx);
  cairo_destroy(cr);
  cairo_surface_flush(surface);
  GBytes *png = encode_png(surface);
  cairo_surface_destroy(surface);
  if (!png)
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot encode the cover as PNG");
  return png;
}

static void key_rgb(GString *k, const char *name, Rgb c) {
  g_string_append_printf(k, "%s=%a,%a,%a\n", name, c.r, c.g, c.b);
}

char *cover_key(const BookMeta *m, const PrintStyle *st, const GPtrArray *faces) {
  g_autoptr(GString) k = g_string_new(NULL);
  g_string_append_printf(k, "bookbuild %s pango %s cairo %s %dx%d\n", BOOKBUILD_VERSION,
                         pango_version_string(), cairo_version_string(), COVER_WIDTH, COVER_HEIGHT);
  const char *texts[] = {m->title,     m->subtitle,      m->authors_line,
                         m->publisher, st->font_heading, st->font_body};
  for (gsize i = 0; i < G_N_ELEMENTS(texts); i++)
    g_string_append_printf(k, "%zu:%s\n", texts[i] ? strlen(texts[i]) : 0,
                           texts[i] ? texts[i] : "");
  key_rgb(k, "background", st->cover_background);
  key_rgb(k, "field", st->cover_field);
  key_rgb(k, "accent", st->cover_accent);
  key_rgb(k, "text", st->cover_text);
  key_rgb(k, "subtitle", st->cover_subtitle);
  const double numbers[] = {
      st->cover_field_top,    st->cover_field_height,  st->cover_rule_top,
      st->cover_rule_length,  st->cover_rule_width,    st->cover_margin,
      st->cover_leading,      st->cover_title_top,     st->cover_title_size,
      st->cover_subtitle_gap, st->cover_subtitle_size, st->cover_author_top,
      st->cover_author_size,  st->cover_publisher_top, st->cover_publisher_size};
  for (gsize i = 0; i < G_N_ELEMENTS(numbers); i++)
    g_string_append_printf(k, "%a\n", numbers[i]);
  for (guint i = 0; faces && i < faces->len; i++) {
    const FontFace *f = faces->pdata[i];
    GStatBuf sb;
    if (g_stat(f->path, &sb) != 0)
      memset(&sb, 0, sizeof sb);
    g_string_append_printf(k, "font %s %lld %lld\n", f->name, (long long)sb.st_size,
                           (long long)sb.st_mtime);
  }
  return g_compute_checksum_for_string(G_CHECKSUM_SHA256, k->str, (gssize)k->len);
}
