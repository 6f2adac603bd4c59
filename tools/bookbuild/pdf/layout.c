/* layout.c: a chapter's cmark-gfm tree into Items measured with Pango (see layout.h): headings,
 * code blocks highlighted and wrapped, lists, block quotes, callouts, images, raw HTML blocks,
 * footnotes and the chapter opening; paragraphs, inline text and tables are set by justify.c,
 * inline.c and table.c. Knows nothing of pages. */
#include "pdf/layoutint.h"

#include "callout.h"
#include "diagram.h"
#include "highlight.h"
#include "link.h"
#include "path.h"
#include "rawhtml.h"
#include "text.h"
#include "typo.h"

#include <cmark-gfm-core-extensions.h>
#include <libxml/HTMLparser.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Constants of measuring, not design values. */
#define NORMAL_LEADING 1.2f /* see layout_measure_lines() */

Item *item_new(ItemKind kind) {
  Item *it = g_new0(Item, 1);
  it->kind = kind;
  it->lines = g_array_new(FALSE, TRUE, sizeof(LineBox));
  it->links = g_array_new(FALSE, TRUE, sizeof(LinkSpan));
  it->dests = g_ptr_array_new_with_free_func(g_free);
  return it;
}

static void link_spans_free(GArray *links) {
  if (!links)
    return;
  for (guint i = 0; i < links->len; i++) {
    LinkSpan *l = &g_array_index(links, LinkSpan, i);
    g_free(l->dest);
    g_free(l->uri);
  }
  g_array_unref(links);
}

void item_free(gpointer p) {
  Item *it = p;
  if (!it)
    return;
  item_free(it->longer);
  item_free(it->shorter);
  justify_plan_free(it);
  g_clear_object(&it->layout);
  g_clear_object(&it->marker);
  for (guint i = 0; i < it->lines->len; i++) {
    LineBox *lb = &g_array_index(it->lines, LineBox, i);
    if (lb->notes)
      g_ptr_array_unref(lb->notes);
  }
  g_array_unref(it->lines);
  if (it->anchors)
    g_array_unref(it->anchors);
  if (it->uncounted)
    g_array_unref(it->uncounted);
  link_spans_free(it->links);
  g_ptr_array_unref(it->dests);
  if (it->cells) {
    for (guint i = 0; i < it->cells->len; i++) {
      Cell *c = it->cells->pdata[i];
      g_object_unref(c->layout);
      link_spans_free(c->links);
      g_free(c);
    }
    g_ptr_array_unref(it->cells);
  }
  if (it->image)
    cairo_surface_destroy(it->image);
  g_free(it->outline_title);
  g_free(it->outline_dest);
  g_free(it);
}

static void footnote_free(gpointer p) {
  Footnote *f = p;
  g_clear_object(&f->layout);
  link_spans_free(f->links);
  g_free(f->dest);
  g_free(f);
}

void chapter_layout_free(ChapterLayout *cl) {
  if (!cl)
    return;
  g_ptr_array_unref(cl->items);
  g_array_unref(cl->containers);
  g_ptr_array_unref(cl->footnotes);
  g_free(cl->dest);
  g_free(cl);
}

double item_height(const Item *it) {
  double h = it->pad_top + it->pad_bottom;
  if (it->lines->len) {
    const LineBox *last = &g_array_index(it->lines, LineBox, it->lines->len - 1);
    h += last->top + last->height;
  }
  return h;
}

char *layout_dest_name(const Chapter *chapter, const Heading *heading) {
  g_autofree char *file = g_path_get_basename(chapter->path);
  char *dot = strrchr(file, '.');
  if (dot)
    *dot = '\0';
  /* The file's name, percent-encoded to letters, digits and ._- (cairo writes a destination's
   * name raw into a PDF string, where a parenthesis would end it); anchors are XML names. */
  GString *name = g_string_new(NULL);
  for (const guchar *p = (const guchar *)file; *p; p++)
    if (g_ascii_isalnum(*p) || strchr("._-", *p))
      g_string_append_c(name, (char)*p);
    else
      g_string_append_printf(name, "%%%02X", *p);
  if (heading)
    g_string_append_printf(name, "/%s", heading->anchor);
  return g_string_free(name, FALSE);
}

/* Line boxes stack exactly: each is as tall as the distance to the next line's top, the last
 * one as tall as the line pitch, so a page can be filled line by line. */
void layout_measure_lines(Item *it) {
  g_array_set_size(it->lines, 0);
  PangoLayoutIter *iter = pango_layout_get_iter(it->layout);
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, NULL, &logical);
    LineBox lb = {0};
    lb.top = logical.y / (double)PANGO_SCALE;
    lb.height = logical.height / (double)PANGO_SCALE;
    lb.baseline = pango_layout_iter_get_baseline(iter) / (double)PANGO_SCALE - lb.top;
    lb.x = logical.x / (double)PANGO_SCALE;
    lb.blank = pango_layout_iter_get_line_readonly(iter)->length == 0;
    g_array_append_val(it->lines, lb);
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  guint n = it->lines->len;
  for (guint i = 0; i + 1 < n; i++) {
    LineBox *a = &g_array_index(it->lines, LineBox, i);
    a->height = g_array_index(it->lines, LineBox, i + 1).top - a->top;
  }
  /* A lone line has no next line to measure its pitch from: its natural height is scaled by
   * its line spacing over NORMAL_LEADING, the spacing at which it keeps that height. This is
   * the measuring model, not a design value, so it is no style key. */
  float factor = pango_layout_get_line_spacing(it->layout);
  LineBox *last = &g_array_index(it->lines, LineBox, n - 1);
  if (n >= 2)
    last->height = MAX(last->height, g_array_index(it->lines, LineBox, n - 2).height);
  else if (factor > 1)
    last->height *= factor / NORMAL_LEADING;
}

/* ---- diagnostics from layout ---- */

void layout_warn(Ctx *c, int line, const char *rule, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diags_vadd(c->env->diags, DIAG_WARNING, c->ch->display_path, c->ch->file_id, line, 1, rule, fmt,
             ap);
  va_end(ap);
}

/* Characters the shipped fonts have no glyph for, reported at the block's source line. */
void layout_check_glyphs(Ctx *c, PangoLayout *layout, const char *what, int source_line) {
  int unknown = pango_layout_get_unknown_glyphs_count(layout);
  if (unknown > 0)
    layout_warn(c, source_line, "font-glyph",
                "%d character%s in this %s %s no glyph in the shipped fonts", unknown,
                unknown == 1 ? "" : "s", what, unknown == 1 ? "has" : "have");
}

void layout_push(Ctx *c, Item *it) {
  if (!it->block) {
    it->block = c->block;
    it->from = c->from;
  }
  g_ptr_array_add(c->cl->items, it);
}

/* ---- headings ---- */

static double heading_size(const PrintStyle *st, int level) {
  return level <= 2 ? st->h2_size : level == 3 ? st->h3_size : st->h4_size;
}

static void heading(Ctx *c, const Frame *f, cmark_node *node) {
  const PrintStyle *st = c->env->style;
  Heading *h = g_hash_table_lookup(c->ch->heading_by_node, node);
  if (h && h == c->ch->title_heading)
    return; /* the chapter opening is drawn from the title; see chapter_opening() */
  int base = c->ch->title_heading ? c->ch->title_heading->level : 1;
  int level = cmark_node_get_heading_level(node) - base + 1; /* 2 for a section */
  Inline in;
  double size = heading_size(st, level);
  inline_init(&in, c, size, FALSE);
  inline_children(&in, node);
  TextLook look = {.family = st->font_heading,
                   .size = size,
                   .weight = PANGO_WEIGHT_BOLD,
                   .slant = PANGO_STYLE_NORMAL,
                   .align = PANGO_ALIGN_LEFT,
                   .leading = st->heading_leading};
  Item *it = justify_text_item(c, f, &in, &look, cmark_node_get_start_line(node));
  it->space_before = c->line * st->heading_space_before * (level <= 2 ? 1.0 : st->minor_space);
  it->space_after = c->line * st->heading_space_after;
  it->keep_with_next = TRUE;
  if (h) {
    char *dest = layout_dest_name(c->ch, h);
    g_ptr_array_add(it->dests, dest);
    /* Sections (and sub-groups' sections) go into the outline and the contents. */
    if (level <= 3 && c->depth == 0) {
      it->heading_level = level;
      it->outline_title = g_strdup(h->text);
      it->outline_dest = g_strdup(dest);
    }
  }
  layout_push(c, it);
  c->indent_next = FALSE;
  inline_clear(&in);
}

/* ---- code ---- */

static void set_ink(PangoAttrList *attrs, const InkStyle *ink, guint start, guint end) {
  PangoAttribute *a =
      pango_attr_foreground_new((guint16)(ink->colour.r * 65535), (guint16)(ink->colour.g * 65535),
                                (guint16)(ink->colour.b * 65535));
  a->start_index = start;
  a->end_index = end;
  pango_attr_list_insert(attrs, a);
  if (ink->bold) {
    a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
    a->start_index = start;
    a->end_index = end;
    pango_attr_list_insert(attrs, a);
  }
  if (ink->italic) {
    a = pango_attr_style_new(PANGO_STYLE_OBLIQUE);
    a->start_index = start;
    a->end_index = end;
    pango_attr_list_insert(attrs, a);
  }
}

/* The advance of a character in `layout`'s font (the code face, monospaced), measured: the
 * face is a style key, so no one face's width may be assumed. A laid-out digit, because
 * pango_font_metrics_get_approximate_digit_width() comes back in whole points here (5 for the
 * 4.82 of DejaVu Sans Mono at 8 pt). */
static double mono_advance(PangoLayout *layout) {
  g_autoptr(PangoLayout) probe = pango_layout_copy(layout);
  pango_layout_set_text(probe, "0", 1);
  int w, h;
  pango_layout_get_size(probe, &w, &h);
  return w / (double)PANGO_SCALE;
}

static void code_block(Ctx *c, const Frame *f, cmark_node *node) {
  const PrintStyle *st = c->env->style;
  const CodeBlock *b = g_hash_table_lookup(c->ch->code_by_node, node);
  const char *code = cmark_node_get_literal(node);
  gsize len = code ? strlen(code) : 0;
  while (len && code[len - 1] == '\n')
    len--;
  double size = c->body * st->code_size;
  Item *it = item_new(ITEM_CODE);
  it->x = f->x;
  it->width = f->width;
  it->source_line = cmark_node_get_start_line(node);
  it->space_before = it->space_after = c->line * st->block_space;
  it->pad_top = it->pad_bottom = st->code_padding * st->code_vpadding;
  it->layout =
      fonts_layout(c->env->context, st->font_mono, size, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
  double char_w = it->char_width = mono_advance(it->layout);
  double gutter = st->line_numbers ? char_w * st->code_gutter : 0;
  pango_layout_set_width(it->layout,
                         (int)((f->width - 2 * st->code_padding - gutter) * PANGO_SCALE));
  pango_layout_set_wrap(it->layout, PANGO_WRAP_WORD_CHAR);
  /* A hanging indent: continuations start further in, the ↪ drawn in front of them. */
  pango_layout_set_indent(it->layout, -(int)(char_w * st->code_hang * PANGO_SCALE));
  pango_layout_set_line_spacing(it->layout, (float)st->code_leading);
  PangoAttrList *attrs = pango_attr_list_new();
  PangoAttribute *nohy = pango_attr_insert_hyphens_new(FALSE);
  pango_attr_list_insert(attrs, nohy);
  pango_attr_list_insert(attrs, pango_attr_font_features_new("liga 0, calt 0, kern 0"));
  g_autoptr(GArray) toks = highlight_tokens(b ? b->lang : "", code ? code : "", len);
  for (guint i = 0; i < toks->len; i++) {
    HighlightToken *t = &g_array_index(toks, HighlightToken, i);
    set_ink(attrs, &st->ink[t->cls], t->start, t->start + t->len);
  }
  pango_layout_set_attributes(it->layout, attrs);
  pango_attr_list_unref(attrs);
  pango_layout_set_text(it->layout, code ? code : "", (int)len);
  layout_measure_lines(it);
  /* Mark continuation lines (a wrap inside one source line) and number source lines. */
  GSList *lines = pango_layout_get_lines_readonly(it->layout);
  int source_line = 0;
  guint k = 0;
  for (GSList *l = lines; l && k < it->lines->len; l = l->next, k++) {
    PangoLayoutLine *line = l->data;
    LineBox *lb = &g_array_index(it->lines, LineBox, k);
    lb->continuation = !line->is_paragraph_start;
    if (line->is_paragraph_start)
      source_line++;
    lb->source_line = source_line;
  }
  layout_check_glyphs(c, it->layout, "code block", it->source_line);
  layout_push(c, it);
  c->indent_next = FALSE;
}

/* ---- lists ---- */

static void blocks(Ctx *c, const Frame *f, cmark_node *first);

static PangoLayout *marker_layout(Ctx *c, const char *text, double size, const char *family) {
  PangoLayout *l =
      fonts_layout(c->env->context, family, size, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
  pango_layout_set_text(l, text, -1);
  return l;
}

static void list(Ctx *c, const Frame *f, cmark_node *node) {
  const PrintStyle *st = c->env->style;
  gboolean ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
  gboolean tight = cmark_node_get_list_tight(node);
  int number = cmark_node_get_list_start(node);
  static const char *const bullets[] = {"•", "◦", "–"};
  Frame inner = *f;
  double indent = st->list_indent * (ordered ? st->number_indent : 1.0);
  inner.x = f->x + indent;
  inner.width = f->width - indent;
  inner.tight = TRUE;
  inner.list_level = f->list_level + 1;
  guint before = c->cl->items->len;
  for (cmark_node *item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
    guint first = c->cl->items->len;
    c->indent_next = FALSE;
    blocks(c, &inner, cmark_node_first_child(item));
    if (c->cl->items->len == first)
      continue;
    Item *head = c->cl->items->pdata[first];
    g_autofree char *mark = NULL;
    const char *family = st->font_body;
    const char *type = cmark_node_get_type_string(item);
    if (type && strcmp(type, "tasklist") == 0) {
      gboolean checked = cmark_gfm_extensions_get_tasklist_item_checked(item);
      mark = g_strdup(checked ? "☑" : "☐");
      family = st->font_fallback;
    } else if (ordered) {
      mark = g_strdup_printf("%d.", number++);
    } else {
      mark = g_strdup(bullets[f->list_level % 3]);
    }
    head->marker = marker_layout(c, mark, c->body, family);
    PangoRectangle ink;
    pango_layout_get_extents(head->marker, NULL, &ink);
    head->marker_x = inner.x - ink.width / (double)PANGO_SCALE - c->body * st->marker_gap;
    if (!tight && first > before)
      head->space_before = MAX(head->space_before, c->line * st->item_space);
  }
  if (c->cl->items->len > before) {
    Item *first = c->cl->items->pdata[before];
    Item *last = c->cl->items->pdata[c->cl->items->len - 1];
    if (f->list_level == 0) {
      first->space_before = MAX(first->space_before, c->line * st->block_space * st->list_space);
      last->space_after = MAX(last->space_after, c->line * st->block_space * st->list_space);
    }
  }
  c->indent_next = FALSE;
}

/* ---- containers: block quotes and callouts ---- */

static void label_item(Ctx *c, const Frame *f, const Callout *co) {
  const PrintStyle *st = c->env->style;
  Inline in;
  double size = c->body * st->label_size;
  inline_init(&in, c, size, FALSE);
  g_autofree char *label = g_ascii_strup(callout_kind_label(co->kind), -1);
  g_string_append(in.text, label);
  gsize label_end = in.text->len;
  if (co->title) {
    g_string_append(in.text, co->kind == CALLOUT_DIAGRAM ? "  ◇  " : "  ·  ");
    inline_append(&in, co->title, FALSE);
  }
  Rgb a = st->callouts[co->kind].accent;
  inline_attr(&in,
              pango_attr_foreground_new((guint16)(a.r * 65535), (guint16)(a.g * 65535),
                                        (guint16)(a.b * 65535)),
              0, label_end);
  inline_attr(&in, pango_attr_letter_spacing_new((int)(st->label_tracking * size * PANGO_SCALE)), 0,
              label_end);
  TextLook look = {.family = st->font_heading,
                   .size = size,
                   .weight = PANGO_WEIGHT_BOLD,
                   .slant = PANGO_STYLE_NORMAL,
                   .align = PANGO_ALIGN_LEFT,
                   .leading = st->label_leading};
  Item *it = justify_text_item(c, f, &in, &look, co->line);
  it->keep_with_next = TRUE;
  it->space_after = c->line * st->label_space;
  layout_push(c, it);
  inline_clear(&in);
}

/* A DIAGRAM's drawing (diagram.h): the SVG drawn as vectors at its own size, smaller only when
 * the callout is narrower; one line box, so it never splits, kept with the label above and the
 * description's first lines below. */
static void drawing_item(Ctx *c, const Frame *f, const Callout *co) {
  Item *it = item_new(ITEM_IMAGE);
  double scale = MIN(1.0, f->width / co->svg_width);
  it->drawing = co;
  it->image_w = co->svg_width * scale;
  it->image_h = co->svg_height * scale;
  it->x = f->x + (f->width - it->image_w) / 2;
  it->width = it->image_w;
  it->source_line = co->line;
  it->space_after = c->line * c->env->style->caption_space;
  it->keep_with_next = TRUE;
  LineBox lb = {.top = 0, .height = it->image_h, .baseline = it->image_h};
  g_array_append_val(it->lines, lb);
  layout_push(c, it);
}

static void container(Ctx *c, const Frame *f, cmark_node *node, const Callout *co) {
  const PrintStyle *st = c->env->style;
  if (co && co->kind == CALLOUT_OUTLINE && !c->env->draft)
    return;
  Container box = {
      co ? co->kind : CALLOUT_KIND_COUNT, c->cl->items->len, 0, f->x, f->width, c->depth};
  Frame inner = *f;
  double pad = co ? st->callout_padding : 0;
  double left = co ? st->callout_rule + pad * st->callout_inset : st->quote_indent;
  inner.x = f->x + left;
  inner.width = f->width - left - pad;
  inner.tight = FALSE;
  c->depth++;
  c->indent_next = FALSE;
  if (co) {
    label_item(c, &inner, co);
    if (co->svg)
      drawing_item(c, &inner, co);
    if (co->first_content) {
      justify_paragraph(c, &inner, co->marker, co->first_content);
    }
    blocks(c, &inner, cmark_node_next(co->marker));
  } else {
    blocks(c, &inner, cmark_node_first_child(node));
  }
  c->depth--;
  if (c->cl->items->len == box.first)
    return;
  box.last = c->cl->items->len - 1;
  Item *first = c->cl->items->pdata[box.first];
  Item *last = c->cl->items->pdata[box.last];
  first->space_before = c->line * st->block_space;
  last->space_after = MAX(last->space_after, c->line * st->block_space);
  if (co) {
    first->pad_top += pad;
    last->pad_bottom += pad;
  }
  g_array_append_val(c->cl->containers, box);
  c->indent_next = FALSE;
}

/* Outer containers before the inner ones they hold, for drawing under them. */
static gint container_cmp_depth(gconstpointer a, gconstpointer b) {
  const Container *x = a, *y = b;
  return (x->depth > y->depth) - (x->depth < y->depth);
}

/* ---- images ---- */

/* JPEG dimensions from its SOF marker, for embedding the file as is (cairo's mime data). */
static gboolean jpeg_size(const guchar *d, gsize n, int *w, int *h) {
  gsize i = 2;
  while (i + 9 < n) {
    if (d[i] != 0xFF)
      return FALSE;
    guchar m = d[i + 1];
    gsize len = ((gsize)d[i + 2] << 8) | d[i + 3];
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      *h = (d[i + 5] << 8) | d[i + 6];
      *w = (d[i + 7] << 8) | d[i + 8];
      return *w > 0 && *h > 0;
    }
    i += 2 + len;
  }
  return FALSE;
}

static cairo_surface_t *load_image(const char *path) {
  g_autofree char *lower = g_ascii_strdown(path, -1);
  if (g_str_has_suffix(lower, ".png")) {
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS)
      return s;
    cairo_surface_destroy(s);
    return NULL;
  }
  if (g_str_has_suffix(lower, ".jpg") || g_str_has_suffix(lower, ".jpeg")) {
    gchar *data = NULL;
    gsize len = 0;
    int w, h;
    if (!g_file_get_contents(path, &data, &len, NULL))
      return NULL;
    /* `check` holds images to the book's limits (book.h); this writer embeds nothing past them
     * either, whatever its own reading of the header finds. */
    if (!jpeg_size((guchar *)data, len, &w, &h) || w > BOOK_MAX_IMAGE_SIDE ||
        h > BOOK_MAX_IMAGE_SIDE || (guint64)w * (guint64)h > BOOK_MAX_IMAGE_PIXELS) {
      g_free(data);
      return NULL;
    }
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, (guchar *)data, len, g_free, data);
    return s;
  }
  return NULL;
}

static gboolean figure(Ctx *c, const Frame *f, cmark_node *para) {
  cmark_node *img = cmark_node_first_child(para);
  if (!img || cmark_node_next(img) || cmark_node_get_type(img) != CMARK_NODE_IMAGE)
    return FALSE;
  const char *url = cmark_node_get_url(img);
  g_auto(ImageRef) ref = {0};
  cairo_surface_t *surface =
      book_resolve_image(c->env->book, c->ch, url ? url : "", &ref) == IMAGE_REF_FILE
          ? load_image(ref.full)
          : NULL;
  if (!surface) {
    layout_warn(c, cmark_node_get_start_line(para), "image-format",
                "image '%s' is not a PNG or JPEG the PDF writer can embed; its alt text is shown",
                url);
    return FALSE;
  }
  Item *it = item_new(ITEM_IMAGE);
  double w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
  double scale = MIN(f->width / w, c->env->text_height * c->env->style->image_max_height / h);
  scale = MIN(scale, c->env->style->image_max_scale); /* small images are not blown up */
  it->image = surface;
  it->image_w = w * scale;
  it->image_h = h * scale;
  it->x = f->x + (f->width - it->image_w) / 2;
  it->width = it->image_w;
  it->source_line = cmark_node_get_start_line(para);
  it->space_before = it->space_after = c->line * c->env->style->block_space;
  LineBox lb = {.top = 0, .height = it->image_h, .baseline = it->image_h};
  g_array_append_val(it->lines, lb);
  layout_push(c, it);
  const char *title = cmark_node_get_title(img);
  if (title && *title) {
    Inline in;
    inline_init(&in, c, c->body * c->env->style->caption_size, TRUE);
    inline_children(&in, img);
    TextLook look = justify_body_look(c, FALSE);
    look.size = c->body * c->env->style->caption_size;
    look.slant = PANGO_STYLE_ITALIC;
    look.align = PANGO_ALIGN_CENTER;
    look.justify = FALSE;
    look.line = style_line_pitch(c->env->style, look.size, c->body);
    Item *cap = justify_text_item(c, f, &in, &look, it->source_line);
    cap->space_after = c->line * c->env->style->block_space;
    it->keep_with_next = TRUE;
    it->space_after = c->line * c->env->style->caption_space;
    layout_push(c, cap);
    inline_clear(&in);
  }
  c->indent_next = FALSE;
  return TRUE;
}

/* Raw HTML blocks: their text, as a plain paragraph (print has no HTML). */

/* The text a parsed raw HTML node shows, into `out`; elements no output shows (rawhtml.h) are
 * left out, each with a warning. */
static void html_text(Ctx *c, xmlNodePtr n, int line, GString *out) {
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      g_string_append(out, (const char *)n->content);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE)
      continue;
    g_autofree char *name = g_ascii_strdown((const char *)n->name, -1);
    if (rawhtml_dropped(name)) {
      /* The parser puts a leading <style> or <script> into a <head> of its own: name those. */
      gboolean implied_head = strcmp(name, "head") == 0 && n->children;
      for (xmlNodePtr e = implied_head ? n->children : n; e; e = implied_head ? e->next : NULL)
        if (e->type == XML_ELEMENT_NODE)
          layout_warn(c, line + (e->line > 1 ? (int)e->line - 1 : 0), "raw-html",
                      "raw HTML element <%s> is not printed in the PDF", (const char *)e->name);
      continue;
    }
    if (strcmp(name, "img") == 0) {
      xmlChar *src = xmlGetProp(n, (const xmlChar *)"src"),
              *alt = xmlGetProp(n, (const xmlChar *)"alt");
      inline_raw_img_unprinted(c, line + (n->line > 1 ? (int)n->line - 1 : 0), (const char *)src);
      if (alt)
        g_string_append(out, (const char *)alt);
      xmlFree(src);
      xmlFree(alt);
      continue;
    }
    html_text(c, n->children, line, out);
  }
}

static void html_block(Ctx *c, const Frame *f, cmark_node *node) {
  const char *html = cmark_node_get_literal(node);
  int line = cmark_node_get_start_line(node);
  g_autoptr(GString) shown = g_string_new(NULL);
  g_autofree char *cdata = rawhtml_cdata_text(html);
  if (cdata) {
    g_string_append(shown, cdata);
  } else {
    htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!doc)
      return;
    html_text(c, xmlDocGetRootElement(doc), line, shown);
    xmlFreeDoc(doc);
  }
  g_strstrip(shown->str);
  if (!*shown->str)
    return;
  Inline in;
  inline_init(&in, c, c->body, TRUE);
  inline_append(&in, shown->str, FALSE);
  TextLook look = justify_body_look(c, FALSE);
  Item *it = justify_text_item(c, f, &in, &look, line);
  it->space_before = c->line * c->env->style->paragraph_space;
  layout_push(c, it);
  inline_clear(&in);
}

static void rule(Ctx *c, const Frame *f) {
  Item *it = item_new(ITEM_RULE);
  it->x = f->x;
  it->width = f->width;
  LineBox lb = {.top = 0, .height = c->line, .baseline = c->line / 2};
  g_array_append_val(it->lines, lb);
  it->space_before = it->space_after = c->line * c->env->style->break_space;
  layout_push(c, it);
  c->indent_next = FALSE;
}

static void block(Ctx *c, const Frame *f, cmark_node *n) {
  cmark_node_type t = cmark_node_get_type(n);
  c->block = n;
  c->from = NULL;
  if (t == CMARK_NODE_TABLE) {
    table_layout(c, f, n);
    return;
  }
  switch (t) {
  case CMARK_NODE_PARAGRAPH:
    if (!figure(c, f, n))
      justify_paragraph(c, f, n, NULL);
    break;
  case CMARK_NODE_HEADING:
    heading(c, f, n);
    break;
  case CMARK_NODE_CODE_BLOCK: {
    const CodeBlock *cb = g_hash_table_lookup(c->ch->code_by_node, n);
    if (!cb || !cb->drawn) /* a drawing is drawn as its picture (drawing_item) */
      code_block(c, f, n);
    break;
  }
  case CMARK_NODE_LIST:
    list(c, f, n);
    break;
  case CMARK_NODE_BLOCK_QUOTE:
    container(c, f, n, g_hash_table_lookup(c->ch->callout_by_node, n));
    break;
  case CMARK_NODE_THEMATIC_BREAK:
    rule(c, f);
    break;
  case CMARK_NODE_HTML_BLOCK:
    html_block(c, f, n);
    break;
  default: /* footnote definitions are laid out with their page; others have no print form */
    break;
  }
}

static void blocks(Ctx *c, const Frame *f, cmark_node *first) {
  for (cmark_node *n = first; n; n = cmark_node_next(n))
    block(c, f, n);
}

/* ---- footnotes ---- */

static void footnotes(Ctx *c) {
  const PrintStyle *st = c->env->style;
  double size = c->body * st->footnote_size;
  for (guint i = 0; i < c->ch->notes->len; i++) {
    const Note *note = c->ch->notes->pdata[i];
    cmark_node *n = note->def;
    Footnote *fn = g_new0(Footnote, 1);
    fn->number = note->number;
    g_autofree char *base = layout_dest_name(c->ch, NULL);
    fn->dest = g_strdup_printf("%s/fn-%d", base, fn->number);
    Inline in;
    inline_init(&in, c, size, TRUE);
    g_string_append_printf(in.text, "%d\xE2\x80\x82", fn->number); /* en space */
    inline_attr(&in, pango_attr_weight_new(PANGO_WEIGHT_BOLD), 0, in.text->len);
    /* The note's blocks, each on a line of its own: paragraphs with their markup, code in the
     * code face with its line breaks, other blocks as their plain text. */
    gboolean first = TRUE;
    for (cmark_node *p = cmark_node_first_child(n); p; p = cmark_node_next(p)) {
      if (!first)
        g_string_append_c(in.text, '\n');
      first = FALSE;
      cmark_node_type type = cmark_node_get_type(p);
      if (type == CMARK_NODE_PARAGRAPH) {
        inline_children(&in, p);
      } else if (type == CMARK_NODE_CODE_BLOCK) {
        const char *code = cmark_node_get_literal(p);
        gsize start = in.text->len;
        g_string_append(in.text, code ? code : "");
        while (in.text->len > start && in.text->str[in.text->len - 1] == '\n')
          g_string_truncate(in.text, in.text->len - 1);
        inline_attr(&in, pango_attr_family_new(st->font_mono), start, in.text->len);
      } else {
        g_autofree char *plain = text_plain(p);
        inline_append(&in, plain, FALSE);
      }
    }
    fn->layout =
        fonts_layout(c->env->context, st->font_body, size, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
    pango_layout_set_width(fn->layout, (int)(c->env->measure * PANGO_SCALE));
    pango_layout_set_wrap(fn->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_justify(fn->layout, st->justify);
    justify_set_pitch(fn->layout, style_line_pitch(st, size, c->body));
    pango_layout_set_attributes(fn->layout, in.attrs);
    pango_layout_set_text(fn->layout, in.text->str, (int)in.text->len);
    layout_check_glyphs(c, fn->layout, "footnote", cmark_node_get_start_line(n));
    int w, h;
    pango_layout_get_size(fn->layout, &w, &h);
    fn->height = h / (double)PANGO_SCALE + size * st->note_space;
    fn->links = g_array_new(FALSE, TRUE, sizeof(LinkSpan));
    g_array_append_vals(fn->links, in.links->data, in.links->len);
    g_array_set_size(in.links, 0);
    g_ptr_array_add(c->cl->footnotes, fn);
    inline_clear(&in);
  }
}

/* The opening display: a dropped "CHAPTER 3" label and the title, with the chapter's
 * destinations and its outline entry. */
static void chapter_opening(Ctx *c, const Frame *f) {
  const PrintStyle *st = c->env->style;
  ChapterLayout *cl = c->cl;
  double drop = c->env->text_height * st->chapter_drop;
  if (cl->number) {
    Inline in;
    inline_init(&in, c, st->chapter_number_size, FALSE);
    g_string_append_printf(in.text, "CHAPTER %s", cl->number);
    inline_attr(&in,
                pango_attr_letter_spacing_new(
                    (int)(st->chapter_number_tracking * st->chapter_number_size * PANGO_SCALE)),
                0, in.text->len);
    TextLook look = {st->font_heading,
                     st->chapter_number_size,
                     PANGO_WEIGHT_NORMAL,
                     PANGO_STYLE_NORMAL,
                     PANGO_ALIGN_LEFT,
                     FALSE,
                     0,
                     st->heading_leading,
                     0};
    Item *label = justify_text_item(c, f, &in, &look, 1);
    label->pad_top = drop;
    label->keep_with_next = TRUE;
    label->space_after = st->chapter_number_size * st->chapter_number_space;
    layout_push(c, label);
    inline_clear(&in);
    drop = 0;
  }
  Inline in;
  inline_init(&in, c, st->chapter_size, FALSE);
  inline_append(&in, cl->title, FALSE);
  TextLook look = {st->font_heading,
                   st->chapter_size,
                   PANGO_WEIGHT_BOLD,
                   PANGO_STYLE_NORMAL,
                   PANGO_ALIGN_LEFT,
                   FALSE,
                   0,
                   st->chapter_leading,
                   0};
  Item *title =
      justify_text_item(c, f, &in, &look, c->ch->title_heading ? c->ch->title_heading->line : 1);
  title->pad_top = drop;
  title->pad_bottom = c->line * st->chapter_rule_gap;
  title->space_after = c->line * st->chapter_space_after;
  title->chapter_title = TRUE;
  title->keep_with_next = TRUE;
  title->heading_level = 1;
  g_ptr_array_add(title->dests, g_strdup(cl->dest));
  if (c->ch->title_heading)
    g_ptr_array_add(title->dests, layout_dest_name(c->ch, c->ch->title_heading));
  title->outline_title = g_strdup(c->ch->toc ? c->ch->toc->title : cl->title);
  title->outline_dest = g_strdup(cl->dest);
  layout_push(c, title);
  inline_clear(&in);
  c->indent_next = FALSE;
}

void chapter_layout_drop_plans(ChapterLayout *cl) {
  for (guint i = 0; i < cl->items->len; i++)
    justify_plan_free(cl->items->pdata[i]);
}

ChapterLayout *chapter_layout_new(const LayoutEnv *env, const Chapter *chapter) {
  ChapterLayout *cl = g_new0(ChapterLayout, 1);
  cl->chapter = chapter;
  cl->items = g_ptr_array_new_with_free_func(item_free);
  cl->containers = g_array_new(FALSE, TRUE, sizeof(Container));
  cl->footnotes = g_ptr_array_new_with_free_func(footnote_free);
  cl->dest = layout_dest_name(chapter, NULL);
  cl->number = chapter->toc ? chapter->toc->label : NULL;
  cl->title = chapter->toc ? chapter->toc->bare_title : chapter->title ? chapter->title : "";
  Ctx c = {env, chapter, cl, env->paper->body_size, 0, 0, FALSE, NULL, NULL};
  c.line = style_line_pitch(env->style, c.body, c.body);
  Frame f = {0, env->measure, FALSE, 0};
  footnotes(&c);
  c.block = chapter->title_heading ? chapter->title_heading->node : NULL;
  chapter_opening(&c, &f);
  blocks(&c, &f, cmark_node_first_child(chapter->doc));
  g_array_sort(cl->containers, container_cmp_depth); /* stable: closing order within a depth */
  return cl;
}
