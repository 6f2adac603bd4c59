/* justify.c: a paragraph's text set as a justified, hyphenated PangoLayout (see layoutint.h):
 * soft hyphens Pango did not use removed, a loose paragraph tried again slightly tighter,
 * overfull lines warned about, lines measured into an Item. */
#include "pdf/layoutint.h"

#include <math.h>
#include <string.h>

#define SOFT_HYPHEN "\xC2\xAD"
/* The retry of a loose paragraph (paragraph_item): tolerances of the line breaking rather than
 * the look of the page, so not style keys. */
#define LOOSE_SPACE 0.62   /* a justified space wider than this many ems makes a line loose */
#define TIGHTER 0.985      /* text size of a loose paragraph's second try, of the body size */
#define LOOSE_GAIN 0.01    /* ems the retry must narrow the widest space by to be kept */
#define OVERFULL_SLACK 1.0 /* points of ink past the measure before a line warns as overfull: */
                           /* glyph side bearings may poke out a little */

/* Missing glyphs and lines wider than the measure, reported at the block's source line. */
static void check_layout(Ctx *c, PangoLayout *layout, double width, int source_line) {
  layout_check_glyphs(c, layout, "block", source_line);
  /* Ink, not logical extents: a line's logical width includes the space it broke at. */
  PangoLayoutIter *iter = pango_layout_get_iter(layout);
  do {
    PangoRectangle ink;
    pango_layout_iter_get_line_extents(iter, &ink, NULL);
    double over = (ink.x + ink.width) / (double)PANGO_SCALE - width;
    if (over > OVERFULL_SLACK) {
      layout_warn(c, source_line, "overfull", "a line is %.1f pt wider than the measure", over);
      break;
    }
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
}

/* Pango 1.50 justifies a line that breaks at a soft hyphen without counting the hyphen it
 * then draws, so such lines stick out by a hyphen's width (and a few lines with mixed fonts by
 * a point or two). Take the excess back out of the line's stretched spaces. */
static void fix_justified_overflow(PangoLayout *layout, double width) {
  const char *text = pango_layout_get_text(layout);
  int w = (int)(width * PANGO_SCALE);
  PangoLayoutIter *iter = pango_layout_get_iter(layout);
  do {
    PangoLayoutLine *line = pango_layout_iter_get_line(iter);
    int end = line->start_index + line->length;
    while (end > line->start_index && text[end - 1] == ' ')
      end--; /* the space a line breaks at is not stretched */
    /* Ink, not logical width: the logical width counts the space the line broke at. */
    PangoRectangle ink;
    pango_layout_iter_get_line_extents(iter, &ink, NULL);
    int over = ink.x + ink.width - w;
    if (over <= 0)
      continue;
    int spaces = 0;
    for (int pass = 0; pass < 2; pass++) {
      int done = 0;
      for (GSList *r = line->runs; r; r = r->next) {
        PangoGlyphItem *run = r->data;
        for (int g = 0; g < run->glyphs->num_glyphs; g++) {
          int idx = run->item->offset + run->glyphs->log_clusters[g];
          if (text[idx] != ' ' || idx + 1 >= end)
            continue;
          if (pass == 0)
            spaces++;
          else {
            int share = over / spaces + (done < over % spaces ? 1 : 0);
            run->glyphs->glyphs[g].geometry.width -= share;
            done++;
          }
        }
      }
      if (spaces == 0)
        break;
    }
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
}

/* ---- items ---- */

/* Moves link spans and footnote refs into the finished item (lines already measured). */
static void attach_inline(Ctx *c, Item *it, Inline *in) {
  if (in->anchors && in->anchors->len) {
    it->anchors = in->anchors;
    in->anchors = NULL;
  }
  g_array_append_vals(it->links, in->links->data, in->links->len);
  g_array_set_size(in->links, 0);
  for (guint i = 0; i + 1 < in->notes->len; i += 2) {
    int index = g_array_index(in->notes, int, i), number = g_array_index(in->notes, int, i + 1);
    if (number < 1 || number > (int)c->cl->footnotes->len)
      continue;
    Footnote *f = c->cl->footnotes->pdata[number - 1];
    int line = 0, x = 0;
    pango_layout_index_to_line_x(it->layout, index, FALSE, &line, &x);
    if (line < 0 || line >= (int)it->lines->len)
      continue;
    LineBox *lb = &g_array_index(it->lines, LineBox, line);
    if (!lb->notes)
      lb->notes = g_ptr_array_new();
    if (!g_ptr_array_find(lb->notes, f, NULL))
      g_ptr_array_add(lb->notes, f);
    LinkSpan span = {index, index + (number > 9 ? 2 : 1), g_strdup(f->dest), NULL};
    g_array_append_val(it->links, span);
  }
}

/* Deletes the soft hyphens at the byte offsets in `drop`, moving attributes, links and
 * footnote marks to match. */
static void delete_soft_hyphens(Inline *in, GHashTable *drop) {
  GString *text = in->text;
  g_autofree int *map = g_new(int, text->len + 1);
  GString *out = g_string_sized_new(text->len);
  for (gsize i = 0; i <= text->len; i++) {
    map[i] = (int)out->len;
    if (i == text->len)
      break;
    if (g_hash_table_contains(drop, GINT_TO_POINTER((int)i))) {
      map[++i] = (int)out->len;
      continue;
    }
    g_string_append_c(out, text->str[i]);
  }
  PangoAttrList *moved = pango_attr_list_new();
  GSList *all = pango_attr_list_get_attributes(in->attrs);
  for (GSList *a = all; a; a = a->next) {
    PangoAttribute *attr = a->data;
    attr->start_index =
        attr->start_index >= text->len ? (guint)out->len : (guint)map[attr->start_index];
    attr->end_index = attr->end_index >= text->len ? (guint)out->len : (guint)map[attr->end_index];
    pango_attr_list_insert(moved, attr);
  }
  g_slist_free(all);
  pango_attr_list_unref(in->attrs);
  in->attrs = moved;
  for (guint i = 0; i < in->links->len; i++) {
    LinkSpan *span = &g_array_index(in->links, LinkSpan, i);
    span->start = map[MIN((gsize)span->start, text->len)];
    span->end = map[MIN((gsize)span->end, text->len)];
  }
  for (guint i = 0; i < in->notes->len; i += 2) {
    int *index = &g_array_index(in->notes, int, i);
    *index = map[MIN((gsize)*index, text->len)];
  }
  for (guint i = 0; in->anchors && i < in->anchors->len; i += 2) {
    int *index = &g_array_index(in->anchors, int, i);
    *index = map[MIN((gsize)*index, text->len)];
  }
  g_string_assign(text, out->str);
  g_string_free(out, TRUE);
}

static gboolean soft_hyphen_at(const GString *text, int i) {
  return i >= 0 && (gsize)i + 2 <= text->len && memcmp(text->str + i, SOFT_HYPHEN, 2) == 0;
}

/* After layout: the soft hyphens to delete so that no more than `max` hyphenated lines come
 * in a row (the later hyphens go, and the next layout breaks elsewhere). */
static GHashTable *hyphens_to_delete(PangoLayout *layout, const GString *text, int max) {
  GHashTable *drop = g_hash_table_new(g_direct_hash, g_direct_equal);
  int run = 0;
  for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    PangoLayoutLine *line = l->data;
    int at = line->start_index + line->length - 2;
    gboolean hyphenated = soft_hyphen_at(text, at);
    run = hyphenated ? run + 1 : 0;
    if (hyphenated && run > max) {
      g_hash_table_add(drop, GINT_TO_POINTER(at));
      run = 0;
    }
  }
  return drop;
}

/* The widest justified word space of the layout's lines (not a paragraph's last), in ems. */
static double widest_space(PangoLayout *layout, double size) {
  const char *text = pango_layout_get_text(layout);
  double worst = 0;
  for (GSList *l = pango_layout_get_lines_readonly(layout); l && l->next; l = l->next) {
    PangoLayoutLine *line = l->data;
    if (((PangoLayoutLine *)l->next->data)->is_paragraph_start)
      continue;
    int end = line->start_index + line->length, width = 0, spaces = 0;
    while (end > line->start_index && text[end - 1] == ' ')
      end--;
    for (GSList *r = line->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      for (int g = 0; g < run->glyphs->num_glyphs; g++) {
        int idx = run->item->offset + run->glyphs->log_clusters[g];
        if (text[idx] == ' ' && idx + 1 < end) {
          width += run->glyphs->glyphs[g].geometry.width;
          spaces++;
        }
      }
    }
    if (spaces > 0)
      worst = MAX(worst, width / (double)spaces / (size * PANGO_SCALE));
  }
  return worst;
}

/* Pango 1.50 reshapes the rest of an item each time it ends a line inside it, so a paragraph
 * that is one long item costs time quadratic in its length (100 KB of `[ a_`: 6 s). Item
 * boundaries come where attributes change: a zero letter spacing (which draws nothing
 * different) over every other stretch of some ITEM_SPLIT bytes, each ending at a space, cuts a
 * long paragraph into items of that size. */
#define ITEM_SPLIT 2048
static void split_long_items(Inline *in) {
  if (in->items_split || in->text->len <= 2 * ITEM_SPLIT)
    return;
  in->items_split = TRUE;
  gboolean mark = FALSE;
  gsize start = 0;
  while (start < in->text->len) {
    gsize end = MIN(start + ITEM_SPLIT, in->text->len);
    while (end < in->text->len && in->text->str[end] != ' ')
      end++;
    if (mark)
      inline_attr(in, pango_attr_letter_spacing_new(0), start, end);
    mark = !mark;
    start = end;
  }
}

/* A measured text item from inline content, without its warnings (see text_item). With
 * `loose`, the widest justified word space in ems, from the first layout; with `give_up`
 * too, NULL (and `in` untouched) when that is wider than LOOSE_SPACE, before any more work. */
static Item *text_item_build(Ctx *c, const Frame *f, Inline *in, const TextLook *look,
                             int source_line, double *loose, gboolean give_up) {
  Item *it = item_new(ITEM_TEXT);
  it->x = f->x;
  it->width = f->width;
  it->source_line = source_line;
  it->layout = fonts_layout(c->env->context, look->family, look->size, look->weight, look->slant);
  pango_layout_set_width(it->layout, (int)(f->width * PANGO_SCALE));
  pango_layout_set_wrap(it->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(it->layout, look->align);
  pango_layout_set_justify(it->layout, look->justify);
  pango_layout_set_indent(it->layout, (int)(look->indent * PANGO_SCALE));
  pango_layout_set_line_spacing(it->layout, (float)look->leading);
  split_long_items(in);
  pango_layout_set_attributes(it->layout, in->attrs);
  pango_layout_set_text(it->layout, in->text->str, (int)in->text->len);
  if (loose) {
    *loose = look->justify ? widest_space(it->layout, look->size) : 0;
    if (give_up && *loose > LOOSE_SPACE) {
      item_free(it);
      return NULL;
    }
  }
  int max = (int)c->env->style->max_hyphen_lines;
  /* Unused soft hyphens stay (render.c leaves them out of the PDF's text). */
  for (int pass = 0; pass < 4 && strstr(in->text->str, SOFT_HYPHEN); pass++) {
    g_autoptr(GHashTable) drop = hyphens_to_delete(it->layout, in->text, max);
    if (g_hash_table_size(drop) == 0)
      break;
    delete_soft_hyphens(in, drop);
    pango_layout_set_attributes(it->layout, in->attrs);
    pango_layout_set_text(it->layout, in->text->str, (int)in->text->len);
  }
  if (look->justify)
    fix_justified_overflow(it->layout, f->width);
  layout_measure_lines(it);
  attach_inline(c, it, in);
  return it;
}

/* A measured text item; missing glyphs and overfull lines become warnings. */
Item *justify_text_item(Ctx *c, const Frame *f, Inline *in, const TextLook *look, int source_line) {
  Item *it = text_item_build(c, f, in, look, source_line, NULL, FALSE);
  check_layout(c, it->layout, f->width, source_line);
  return it;
}

TextLook justify_body_look(Ctx *c, gboolean indent) {
  const PrintStyle *st = c->env->style;
  TextLook look = {st->font_body,
                   c->body,
                   PANGO_WEIGHT_NORMAL,
                   PANGO_STYLE_NORMAL,
                   PANGO_ALIGN_LEFT,
                   st->justify,
                   indent ? st->paragraph_indent * c->body : 0,
                   st->leading};
  return look;
}

/* A paragraph's inline content (from `from` on, or all of `node`'s). FALSE when empty. */
static gboolean paragraph_inline(Inline *in, Ctx *c, cmark_node *node, cmark_node *from,
                                 gboolean code_breaks) {
  inline_init(in, c, c->body, TRUE);
  in->code_breaks = code_breaks;
  if (from)
    for (cmark_node *n = from; n; n = cmark_node_next(n))
      inline_node(in, n);
  else
    inline_children(in, node);
  g_strchug(in->text->str);
  in->text->len = strlen(in->text->str);
  return in->text->len > 0;
}

/* The text a hair smaller (as a compositor scales type 98-99% to save a loose paragraph),
 * for a loose paragraph's second try: more words fit a line, so fewer lines are left gappy.
 * One attribute over the whole text keeps Pango's runs, ligatures and kerning as they were
 * (letter spacing would turn ligatures off); the leading is scaled back up to match. */
static void tighten(Inline *in, TextLook *look) {
  inline_attr(in, pango_attr_size_new_absolute((int)(look->size * TIGHTER * PANGO_SCALE)), 0,
              in->text->len);
  look->leading /= TIGHTER;
}

/* Greedy line breaking leaves a gappy line where a long word or code span does not fit.
 * Such a paragraph is set again, with break points in long code spans and the text a hair
 * smaller (tighten), and the try with the narrower widest space is kept. */
static Item *paragraph_item(Ctx *c, const Frame *f, cmark_node *node, cmark_node *from, Inline *in,
                            const TextLook *look) {
  int line = cmark_node_get_start_line(node);
  double loose = 0, again = 0;
  Item *it = text_item_build(c, f, in, look, line, &loose, TRUE);
  if (!it) {
    Inline retry;
    TextLook tight = *look;
    paragraph_inline(&retry, c, node, from, TRUE);
    tighten(&retry, &tight);
    it = text_item_build(c, f, &retry, &tight, line, &again, FALSE);
    inline_clear(&retry);
    if (again > loose - LOOSE_GAIN) { /* no better: the first setting after all */
      item_free(it);
      it = text_item_build(c, f, in, look, line, NULL, FALSE);
    }
  }
  check_layout(c, it->layout, f->width, line);
  return it;
}

void justify_paragraph(Ctx *c, const Frame *f, cmark_node *node, cmark_node *from) {
  Inline in;
  if (!paragraph_inline(&in, c, node, from, FALSE)) {
    inline_clear(&in);
    return;
  }
  /* Pango indents every paragraph of a layout: no indent where a hard break splits it. */
  TextLook look = justify_body_look(c, c->indent_next && !f->tight && !in.hard_break);
  Item *it = paragraph_item(c, f, node, from, &in, &look);
  it->space_before = f->tight || c->indent_next ? 0 : c->line * c->env->style->paragraph_space;
  it->block = node;
  it->from = from;
  layout_push(c, it);
  c->indent_next = TRUE;
  inline_clear(&in);
}
