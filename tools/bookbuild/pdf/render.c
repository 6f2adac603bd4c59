/* render.c: Cairo drawing of paginated pages (see render.h). Positions come from the page
 * breaker; sizes and colours from the print style. Nothing here decides where things go. */
#include "render.h"

#include "diagram.h"
#include "fonts.h"

#include <string.h>

/* Corrections, not design values, so not style keys. A folio beside a running head of another
 * size is raised by ASCENT_SHARE of the size difference, so that their baselines nearly meet
 * (exactly would take the faces' ascent, 0.89 em in the shipped ones: about 0.1 pt apart). A
 * continuation mark pushed left by a deep hang stops MARK_CLEARANCE inside the code box, clear
 * of its frame line. */
#define ASCENT_SHARE 0.7
#define MARK_CLEARANCE 0.8

static void set_rgb(cairo_t *cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

double render_text_left(const Renderer *r, gboolean recto) {
  return recto ? r->paper->inner : r->paper->outer;
}

/* Escapes a string for a cairo attribute value in single quotes. */
static char *attr_escape(const char *s) {
  GString *out = g_string_new(NULL);
  for (; *s; s++) {
    if (*s == '\'' || *s == '\\')
      g_string_append_c(out, '\\');
    g_string_append_c(out, *s);
  }
  return g_string_free(out, FALSE);
}

void render_dest(Renderer *r, const char *name, double x, double y) {
  g_autofree char *esc = attr_escape(name);
  g_autofree char *attrs = g_strdup_printf("name='%s' x=%.2f y=%.2f", esc, x, y);
  cairo_tag_begin(r->cr, CAIRO_TAG_DEST, attrs);
  cairo_tag_end(r->cr, CAIRO_TAG_DEST);
}

void render_link(Renderer *r, const char *dest, const char *uri, double x, double y, double w,
                 double h) {
  g_autofree char *esc = attr_escape(dest ? dest : uri);
  g_autofree char *attrs =
      g_strdup_printf("%s='%s' rect=[%.2f %.2f %.2f %.2f]", dest ? "dest" : "uri", esc, x, y, w, h);
  cairo_tag_begin(r->cr, CAIRO_TAG_LINK, attrs);
  cairo_tag_end(r->cr, CAIRO_TAG_LINK);
}

void render_outline(Renderer *r, int level, const char *title, const char *dest) {
  level = CLAMP(level, 1, 3);
  g_autofree char *esc = attr_escape(dest);
  g_autofree char *attrs = g_strdup_printf("dest='%s'", esc);
  int id = cairo_pdf_surface_add_outline(r->surface, r->outline[level - 1], title, attrs,
                                         level == 1 ? CAIRO_PDF_OUTLINE_FLAG_BOLD : 0);
  r->outline[level] = id;
  for (int l = level + 1; l < 4; l++)
    r->outline[l] = id;
}

void render_layout(Renderer *r, PangoLayout *layout, double x, double y, Rgb colour) {
  set_rgb(r->cr, colour);
  cairo_move_to(r->cr, x, y);
  pango_cairo_show_layout(r->cr, layout);
}

static PangoLayout *small_text(Renderer *r, const char *text, const char *family, double size,
                               gboolean caps) {
  PangoLayout *l = fonts_layout(r->context, family, size, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
  if (caps) {
    PangoAttrList *attrs = pango_attr_list_new();
    pango_attr_list_insert(
        attrs, pango_attr_letter_spacing_new((int)(size * r->style->head_tracking * PANGO_SCALE)));
    pango_layout_set_attributes(l, attrs);
    pango_attr_list_unref(attrs);
  }
  pango_layout_set_text(l, text, -1);
  return l;
}

static double layout_width(PangoLayout *l) {
  int w, h;
  pango_layout_get_size(l, &w, &h);
  return w / (double)PANGO_SCALE;
}

void render_decor(Renderer *r, const PageDecor *d) {
  const PrintStyle *st = r->style;
  if (d->label)
    cairo_pdf_surface_set_page_label(r->surface, d->label);
  double left = render_text_left(r, d->recto);
  double head_y = r->paper->top - st->head_size * st->head_raise;
  if (d->head && !d->folio_at_foot) {
    g_autofree char *upper = g_utf8_strup(d->head, -1);
    g_autoptr(PangoLayout) head = small_text(r, upper, st->font_heading, st->head_size, TRUE);
    pango_layout_set_width(head, (int)((r->measure - st->head_clearance) * PANGO_SCALE));
    pango_layout_set_ellipsize(head, PANGO_ELLIPSIZE_END);
    double w = layout_width(head);
    double x = d->recto ? left + r->measure - w - st->head_inset : left + st->head_inset;
    render_layout(r, head, x, head_y, st->text);
  }
  if (!d->folio)
    return;
  g_autoptr(PangoLayout) folio = small_text(r, d->folio, st->font_body, st->folio_size, FALSE);
  double w = layout_width(folio);
  if (d->folio_at_foot) {
    double y = r->paper->top + r->text_height + r->paper->bottom * st->folio_drop;
    render_layout(r, folio, left + (r->measure - w) / 2, y, st->text);
  } else {
    double x = d->recto ? left + r->measure - w : left;
    render_layout(r, folio, x, head_y - (st->folio_size - st->head_size) * ASCENT_SHARE, st->text);
  }
}

/* ---- items ---- */

typedef struct {
  Renderer *r;
  double x0, y0; /* text block origin */
} PageCtx;

static double shown_top(const Placement *p) {
  const LineBox *l = &g_array_index(p->item->lines, LineBox, p->first);
  return p->y + (p->first == 0 ? p->item->pad_top : 0) - l->top;
}

/* ---- text lines ---- */

#define SHY_BYTES 2 /* U+00AD in UTF-8 */

static gboolean is_shy(const char *s) { return (guchar)s[0] == 0xC2 && (guchar)s[1] == 0xAD; }

/* The run's colour, rise and strikethrough from its attributes. */
static void run_style(const PangoItem *item, Rgb fallback, Rgb *colour, int *rise,
                      gboolean *strike) {
  *colour = fallback;
  *rise = 0;
  *strike = FALSE;
  for (GSList *a = item->analysis.extra_attrs; a; a = a->next) {
    const PangoAttribute *attr = a->data;
    if (attr->klass->type == PANGO_ATTR_FOREGROUND) {
      const PangoColor *c = &((const PangoAttrColor *)attr)->color;
      *colour = (Rgb){c->red / 65535.0, c->green / 65535.0, c->blue / 65535.0};
    } else if (attr->klass->type == PANGO_ATTR_RISE) {
      *rise = ((const PangoAttrInt *)attr)->value;
    } else if (attr->klass->type == PANGO_ATTR_STRIKETHROUGH) {
      *strike = ((const PangoAttrInt *)attr)->value != 0;
    }
  }
}

static gboolean is_drawn(const PangoGlyphInfo *gi) {
  return gi->glyph != PANGO_GLYPH_EMPTY && !(gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG);
}

/* One run's glyphs with their text, leaving out the soft hyphens the line did not break at
 * (Pango gives them empty glyphs), so text taken from the PDF has whole words. The layouts
 * keep their soft hyphens: taking them out would cost a second shaping of every paragraph,
 * and this is the only place they would show. Left-to-right runs only. */
static void show_run(cairo_t *cr, const char *text, const PangoGlyphItem *run, double x, double y) {
  const PangoGlyphString *gs = run->glyphs;
  const PangoItem *item = run->item;
  g_autofree cairo_glyph_t *glyphs = g_new(cairo_glyph_t, gs->num_glyphs);
  g_autofree cairo_text_cluster_t *clusters = g_new(cairo_text_cluster_t, gs->num_glyphs);
  g_autoptr(GString) utf8 = g_string_sized_new((gsize)item->length);
  int n_glyphs = 0, n_clusters = 0;
  double pen = x;
  for (int g = 0, h; g < gs->num_glyphs; g = h) {
    int drawn = 0, empty = 0;
    for (h = g; h < gs->num_glyphs && gs->log_clusters[h] == gs->log_clusters[g]; h++) {
      const PangoGlyphInfo *gi = &gs->glyphs[h];
      if (is_drawn(gi)) {
        glyphs[n_glyphs].index = gi->glyph;
        glyphs[n_glyphs].x = pen + gi->geometry.x_offset / (double)PANGO_SCALE;
        glyphs[n_glyphs].y = y + gi->geometry.y_offset / (double)PANGO_SCALE;
        n_glyphs++;
        drawn++;
      } else {
        empty++;
      }
      pen += gi->geometry.width / (double)PANGO_SCALE;
    }
    int from = item->offset + gs->log_clusters[g];
    int to = h < gs->num_glyphs ? item->offset + gs->log_clusters[h] : item->offset + item->length;
    gsize before = utf8->len;
    for (int b = from; b < to; b++) {
      if (empty && b + SHY_BYTES <= to && is_shy(text + b)) {
        b += SHY_BYTES - 1; /* unused: its glyph is empty */
        continue;
      }
      g_string_append_c(utf8, text[b]);
    }
    int bytes = (int)(utf8->len - before);
    if (bytes || drawn)
      clusters[n_clusters++] = (cairo_text_cluster_t){bytes, drawn};
  }
  if (n_glyphs)
    cairo_show_text_glyphs(cr, utf8->str, (int)utf8->len, glyphs, n_glyphs, clusters, n_clusters,
                           0);
}

/* A layout line drawn run by run with show_run(), at its baseline's left end (x, y), the glyphs
 * of faces that expand (justify_font_expands) scaled horizontally by 1 + `expand`, as the
 * line's advances already are (justify.c). */
static void show_line(cairo_t *cr, PangoLayoutLine *line, double x, double y, Rgb fallback,
                      double expand) {
  const char *text = pango_layout_get_text(line->layout);
  for (GSList *l = line->runs; l; l = l->next) {
    PangoGlyphItem *run = l->data;
    Rgb colour;
    int rise;
    gboolean strike;
    run_style(run->item, fallback, &colour, &rise, &strike);
    double width = pango_glyph_string_get_width(run->glyphs) / (double)PANGO_SCALE;
    double base = y - (run->y_offset ? run->y_offset : rise) / (double)PANGO_SCALE;
    PangoFont *font = run->item->analysis.font;
    set_rgb(cr, colour);
    cairo_set_scaled_font(cr, pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font)));
    if (expand != 0 && justify_font_expands(font)) {
      cairo_matrix_t m;
      cairo_get_font_matrix(cr, &m);
      m.xx *= 1 + expand;
      cairo_set_font_matrix(cr, &m);
    }
    show_run(cr, text, run, x, base);
    if (strike) {
      PangoFontMetrics *m = pango_font_get_metrics(font, NULL);
      double pos = pango_font_metrics_get_strikethrough_position(m) / (double)PANGO_SCALE;
      double thick = pango_font_metrics_get_strikethrough_thickness(m) / (double)PANGO_SCALE;
      pango_font_metrics_unref(m);
      cairo_rectangle(cr, x, base - pos, width, thick);
      cairo_fill(cr);
    }
    x += width;
  }
}

/* A whole layout drawn line by line with show_line(), its top-left at (x, y). */
static void show_layout(cairo_t *cr, PangoLayout *layout, double x, double y, Rgb colour) {
  PangoLayoutIter *iter = pango_layout_get_iter(layout);
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, NULL, &logical);
    double base = pango_layout_iter_get_baseline(iter) / (double)PANGO_SCALE;
    show_line(cr, pango_layout_iter_get_line_readonly(iter), x + logical.x / (double)PANGO_SCALE,
              y + base, colour, 0);
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
}

static void draw_lines(PageCtx *pc, const Placement *p, double x, Rgb colour) {
  cairo_t *cr = pc->r->cr;
  double top = shown_top(p);
  for (guint k = p->first; k <= p->last; k++) {
    const LineBox *lb = &g_array_index(p->item->lines, LineBox, k);
    PangoLayoutLine *line = pango_layout_get_line_readonly(p->item->layout, (int)k);
    show_line(cr, line, x + lb->x, pc->y0 + top + lb->top + lb->baseline, colour, lb->expand);
  }
}

/* Clickable rectangles of the item's links on the shown lines. */
static void draw_links(PageCtx *pc, const Placement *p, double x) {
  const Item *it = p->item;
  double top = shown_top(p);
  for (guint i = 0; i < it->links->len; i++) {
    const LinkSpan *span = &g_array_index(it->links, LinkSpan, i);
    if (!span->dest && !span->uri)
      continue;
    for (guint k = p->first; k <= p->last; k++) {
      PangoLayoutLine *line = pango_layout_get_line_readonly(it->layout, (int)k);
      int ls = line->start_index, le = line->start_index + line->length;
      if (span->end <= ls || span->start >= le)
        continue;
      int *ranges = NULL, n = 0;
      pango_layout_line_get_x_ranges(line, MAX(span->start, ls), MIN(span->end, le), &ranges, &n);
      const LineBox *lb = &g_array_index(it->lines, LineBox, k);
      for (int j = 0; j < n; j++) {
        double rx = x + ranges[2 * j] / (double)PANGO_SCALE;
        double rw = (ranges[2 * j + 1] - ranges[2 * j]) / (double)PANGO_SCALE;
        if (rw > 0.5)
          render_link(pc->r, span->dest, span->uri, rx, pc->y0 + top + lb->top, rw, lb->height);
      }
      g_free(ranges);
    }
  }
}

static void draw_text(PageCtx *pc, const Placement *p) {
  const Item *it = p->item;
  double x = pc->x0 + it->x;
  draw_lines(pc, p, x, pc->r->style->text);
  if (it->marker && p->first == 0) {
    const LineBox *lb = &g_array_index(it->lines, LineBox, 0);
    double base = pango_layout_get_baseline(it->marker) / (double)PANGO_SCALE;
    render_layout(pc->r, it->marker, pc->x0 + it->marker_x,
                  pc->y0 + shown_top(p) + lb->top + lb->baseline - base, pc->r->style->text);
  }
  if (it->chapter_title && p->last + 1 == it->lines->len) {
    cairo_t *cr = pc->r->cr;
    double y = pc->y0 + p->y + placement_height(p);
    set_rgb(cr, pc->r->style->rule);
    cairo_set_line_width(cr, pc->r->style->rule_width);
    cairo_move_to(cr, pc->x0, y);
    cairo_line_to(cr, pc->x0 + pc->r->measure, y);
    cairo_stroke(cr);
  }
  draw_links(pc, p, x);
}

static void draw_code(PageCtx *pc, const Placement *p) {
  const Item *it = p->item;
  const PrintStyle *st = pc->r->style;
  cairo_t *cr = pc->r->cr;
  double h = placement_height(p);
  double bx = pc->x0 + it->x, by = pc->y0 + p->y;
  set_rgb(cr, st->code_background);
  cairo_rectangle(cr, bx, by, it->width, h);
  cairo_fill(cr);
  set_rgb(cr, st->code_frame);
  cairo_set_line_width(cr, st->code_frame_width);
  cairo_move_to(cr, bx, by);
  cairo_line_to(cr, bx, by + h);
  cairo_stroke(cr);
  PangoFontDescription *fd = (PangoFontDescription *)pango_layout_get_font_description(it->layout);
  double size = pango_font_description_get_size(fd) / (double)PANGO_SCALE;
  double gutter = st->line_numbers ? it->char_width * st->code_gutter : 0;
  double x = bx + st->code_padding + gutter;
  double top = shown_top(p);
  for (guint k = p->first; k <= p->last; k++) {
    const LineBox *lb = &g_array_index(it->lines, LineBox, k);
    PangoLayoutLine *line = pango_layout_get_line_readonly(it->layout, (int)k);
    double base = pc->y0 + top + lb->top + lb->baseline;
    cairo_move_to(cr, x + lb->x, base);
    set_rgb(cr, st->text);
    pango_cairo_show_layout_line(cr, line);
    if (lb->continuation) {
      g_autoptr(PangoLayout) mark = small_text(pc->r, "↪", st->font_mono, size, FALSE);
      double mb = pango_layout_get_baseline(mark) / (double)PANGO_SCALE;
      double mx = x + lb->x - layout_width(mark) - size * st->code_mark_gap;
      render_layout(pc->r, mark, MAX(mx, bx + MARK_CLEARANCE), base - mb, st->code_mark);
    } else if (st->line_numbers) {
      g_autofree char *num = g_strdup_printf("%d", lb->source_line);
      g_autoptr(PangoLayout) nl =
          small_text(pc->r, num, st->font_mono, size * st->code_number_size, FALSE);
      double mb = pango_layout_get_baseline(nl) / (double)PANGO_SCALE;
      render_layout(pc->r, nl, x - layout_width(nl) - size * st->code_number_gap, base - mb,
                    st->code_mark);
    }
  }
}

/* Clickable rectangles of the links in a layout drawn at (x, y) (a table cell, a footnote),
 * line by line. */
static void draw_layout_links(Renderer *r, PangoLayout *layout, const GArray *links, double x,
                              double y) {
  for (guint i = 0; links && i < links->len; i++) {
    const LinkSpan *span = &g_array_index(links, LinkSpan, i);
    if (!span->dest && !span->uri)
      continue;
    PangoLayoutIter *iter = pango_layout_get_iter(layout);
    do {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly(iter);
      int ls = line->start_index, le = line->start_index + line->length;
      if (span->end <= ls || span->start >= le)
        continue;
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter, NULL, &logical);
      int *ranges = NULL, n = 0;
      pango_layout_line_get_x_ranges(line, MAX(span->start, ls), MIN(span->end, le), &ranges, &n);
      for (int j = 0; j < n; j++) {
        double rx = x + (logical.x + ranges[2 * j]) / (double)PANGO_SCALE;
        double rw = (ranges[2 * j + 1] - ranges[2 * j]) / (double)PANGO_SCALE;
        if (rw > 0.5)
          render_link(r, span->dest, span->uri, rx, y + logical.y / (double)PANGO_SCALE, rw,
                      logical.height / (double)PANGO_SCALE);
      }
      g_free(ranges);
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
  }
}

/* `at_foot`: the page's last placement, so a table broken here gets a closing rule. */
static void draw_row(PageCtx *pc, const Placement *p, gboolean at_foot) {
  const Item *it = p->item;
  const PrintStyle *st = pc->r->style;
  cairo_t *cr = pc->r->cr;
  double x = pc->x0 + it->x, y = pc->y0 + p->y, h = placement_height(p);
  if (it->zebra) {
    set_rgb(cr, st->table_zebra_tint);
    cairo_rectangle(cr, x, y, it->width, h);
    cairo_fill(cr);
  }
  for (guint i = 0; i < it->cells->len; i++) {
    Cell *c = it->cells->pdata[i];
    double cx = x + c->x + st->table_padding, cy = y + st->table_padding + c->dy;
    render_layout(pc->r, c->layout, cx, cy, st->text);
    draw_layout_links(pc->r, c->layout, c->links, cx, cy);
  }
  set_rgb(cr, st->table_rule);
  if (it->is_header) {
    cairo_set_line_width(cr, st->table_top_rule);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + it->width, y);
    cairo_stroke(cr);
  }
  if (it->rule_below > 0 || p->repeated || at_foot) {
    cairo_set_line_width(cr, MAX(it->rule_below, st->rule_width));
    cairo_move_to(cr, x, y + h);
    cairo_line_to(cr, x + it->width, y + h);
    cairo_stroke(cr);
  }
}

/* A drawing goes onto the page as vectors and text (librsvg), inside a Figure of the structure
 * tree; cairo 1.16 writes no alternate text for one, and the words that describe it are printed
 * under it. */
static void draw_drawing(PageCtx *pc, const Placement *p) {
  const Item *it = p->item;
  cairo_t *cr = pc->r->cr;
  cairo_tag_begin(cr, "Figure", NULL);
  cairo_save(cr);
  double w = it->image_w * p->scale; /* centred where the item stands at its own size */
  cairo_translate(cr, pc->x0 + it->x + (it->image_w - w) / 2, pc->y0 + p->y + it->pad_top);
  diagram_render(it->drawing, cr, w, it->image_h * p->scale);
  cairo_restore(cr);
  cairo_tag_end(cr, "Figure");
}

static void draw_image(PageCtx *pc, const Placement *p) {
  const Item *it = p->item;
  if (it->drawing) {
    draw_drawing(pc, p);
    return;
  }
  cairo_t *cr = pc->r->cr;
  double w = cairo_image_surface_get_width(it->image);
  cairo_save(cr);
  cairo_translate(cr, pc->x0 + it->x, pc->y0 + p->y + it->pad_top);
  cairo_scale(cr, it->image_w / w, it->image_w / w);
  cairo_set_source_surface(cr, it->image, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
}

static void draw_rule(PageCtx *pc, const Placement *p) {
  cairo_t *cr = pc->r->cr;
  double cx = pc->x0 + p->item->x + p->item->width / 2, y = pc->y0 + p->y + placement_height(p) / 2;
  const PrintStyle *st = pc->r->style;
  set_rgb(cr, st->rule);
  cairo_set_line_width(cr, st->rule_width);
  cairo_move_to(cr, cx - p->item->width * st->break_length / 2, y);
  cairo_line_to(cr, cx + p->item->width * st->break_length / 2, y);
  cairo_stroke(cr);
}

/* Callout tints and rules, block-quote rules: behind the items they hold. */
/* The first of the page's placements whose item comes at or after `index` (placements are in
 * item order), or placements->len. */
static guint first_placement_from(const GArray *placements, guint index) {
  guint lo = 0, hi = placements->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (g_array_index(placements, Placement, mid).index < index)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Block quotes and callouts, under the placements they hold. Containers come outermost first
 * (layout.h), so every outer box lies under its inner ones, at any depth. Each container's span
 * on the page is found by binary search, so the work is the page's placements times the
 * nesting depth, not the chapter's items times its containers. */
static void draw_containers(PageCtx *pc, const Page *page) {
  const ChapterLayout *cl = page->chapter;
  const PrintStyle *st = pc->r->style;
  const GArray *placements = page->placements;
  cairo_t *cr = pc->r->cr;
  if (!placements->len)
    return;
  guint page_first = g_array_index(placements, Placement, 0).index;
  guint page_last = g_array_index(placements, Placement, placements->len - 1).index;
  for (guint c = 0; c < cl->containers->len; c++) {
    const Container *box = &g_array_index(cl->containers, Container, c);
    if (box->last < page_first || box->first > page_last)
      continue;
    double top = G_MAXDOUBLE, bottom = -1;
    for (guint i = first_placement_from(placements, box->first);
         i < placements->len && g_array_index(placements, Placement, i).index <= box->last; i++) {
      const Placement *p = &g_array_index(placements, Placement, i);
      top = MIN(top, p->y);
      bottom = MAX(bottom, p->y + placement_height(p));
    }
    if (bottom < 0)
      continue;
    double x = pc->x0 + box->x, y = pc->y0 + top, h = bottom - top;
    if (box->kind == CALLOUT_KIND_COUNT) {
      set_rgb(cr, st->rule);
      cairo_rectangle(cr, x + st->quote_rule_inset, y, st->quote_rule, h);
      cairo_fill(cr);
      continue;
    }
    set_rgb(cr, st->callouts[box->kind].tint);
    cairo_rectangle(cr, x, y, box->width, h);
    cairo_fill(cr);
    set_rgb(cr, st->callouts[box->kind].accent);
    cairo_rectangle(cr, x, y, st->callout_rule, h);
    cairo_fill(cr);
  }
}

static void draw_dests(PageCtx *pc, const Placement *p) {
  if (p->first != 0 || p->repeated)
    return;
  for (guint i = 0; i < p->item->dests->len; i++)
    render_dest(pc->r, p->item->dests->pdata[i], pc->x0, pc->y0 + p->y);
  if (p->item->outline_title)
    render_outline(pc->r, p->item->heading_level, p->item->outline_title, p->item->outline_dest);
}

static void draw_notes(PageCtx *pc, const Page *page) {
  if (!page->notes->len)
    return;
  const PrintStyle *st = pc->r->style;
  cairo_t *cr = pc->r->cr;
  double h = 0;
  for (guint i = 0; i < page->notes->len; i++)
    h += ((Footnote *)page->notes->pdata[i])->height;
  double y = pc->y0 + pc->r->text_height - h;
  set_rgb(cr, st->rule);
  cairo_set_line_width(cr, st->footnote_rule_width);
  cairo_move_to(cr, pc->x0, y - st->footnote_rule_gap);
  cairo_line_to(cr, pc->x0 + st->footnote_rule, y - st->footnote_rule_gap);
  cairo_stroke(cr);
  for (guint i = 0; i < page->notes->len; i++) {
    Footnote *f = page->notes->pdata[i];
    render_dest(pc->r, f->dest, pc->x0, y);
    show_layout(cr, f->layout, pc->x0, y + st->note_drop, st->text); /* soft hyphens left out */
    draw_layout_links(pc->r, f->layout, f->links, pc->x0, y + st->note_drop);
    y += f->height;
  }
}

void render_page(Renderer *r, const Page *page, const PageDecor *decor) {
  render_decor(r, decor);
  if (page->chapter && !page->blank) {
    PageCtx pc = {r, render_text_left(r, decor->recto), r->paper->top};
    draw_containers(&pc, page);
    for (guint i = 0; i < page->placements->len; i++) {
      const Placement *p = &g_array_index(page->placements, Placement, i);
      draw_dests(&pc, p);
      switch (p->item->kind) {
      case ITEM_TEXT:
        draw_text(&pc, p);
        break;
      case ITEM_CODE:
        draw_code(&pc, p);
        break;
      case ITEM_TABLE_ROW:
        draw_row(&pc, p, i + 1 == page->placements->len);
        break;
      case ITEM_IMAGE:
        draw_image(&pc, p);
        break;
      case ITEM_RULE:
        draw_rule(&pc, p);
        break;
      }
    }
    draw_notes(&pc, page);
  }
  cairo_show_page(r->cr);
}
