/* front.c: the PDF's front matter (see pdfint.h): title page, copyright page, and the contents
 * with leaders and page numbers, broken over as many pages as they need; a handout's title
 * block. */
#include "pdf/pdfint.h"

#include "typo.h"

#include <math.h>
#include <string.h>

static PangoLayout *text_layout(PangoContext *ctx, const char *family, double size,
                                PangoWeight weight, PangoStyle slant, const char *text,
                                double width, PangoAlignment align, double leading) {
  PangoLayout *l = fonts_layout(ctx, family, size, weight, slant);
  if (width > 0)
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(l, align);
  pango_layout_set_line_spacing(l, (float)leading);
  gunichar prev = 0;
  g_autofree char *smart = typo_smarten(text, &prev);
  pango_layout_set_text(l, smart, -1);
  return l;
}

static double layout_height(PangoLayout *l) {
  int w, h;
  pango_layout_get_size(l, &w, &h);
  return h / (double)PANGO_SCALE;
}

/* Narrows a wrapped display line (a title) to the least width that keeps its number of lines,
 * so "Python Under the / Hood" becomes "Python Under / the Hood". */
static void balance_lines(PangoLayout *l) {
  int lines = pango_layout_get_line_count(l);
  int hi = pango_layout_get_width(l), lo = hi / (lines + 1);
  if (lines < 2 || hi <= 0)
    return;
  while (hi - lo > PANGO_SCALE) {
    int mid = lo + (hi - lo) / 2;
    pango_layout_set_width(l, mid);
    if (pango_layout_get_line_count(l) > lines)
      lo = mid;
    else
      hi = mid;
  }
  pango_layout_set_width(l, hi);
}

/* Wrapped contents lines hang under the title's text, after its number ("1.3. "). */
static void hang_after_number(PangoLayout *l) {
  const char *text = pango_layout_get_text(l);
  const char *p = text;
  while (g_ascii_isdigit(*p) || (*p == '.' && p > text))
    p++;
  if (p == text || *p != ' ' || pango_layout_get_line_count(l) < 2)
    return;
  PangoRectangle pos;
  pango_layout_index_to_pos(l, (int)(p + 1 - text), &pos);
  pango_layout_set_indent(l, -pos.x);
}

static char *join(GPtrArray *list, const char *sep) {
  g_ptr_array_add(list, NULL);
  char *s = g_strjoinv(sep, (char **)list->pdata);
  g_ptr_array_remove_index(list, list->len - 1);
  return s;
}

static char *roman(int n) {
  static const struct {
    int v;
    const char *s;
  } table[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
               {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(table); i++)
    for (; n >= table[i].v; n -= table[i].v)
      g_string_append(s, table[i].s);
  return g_string_free(s, FALSE);
}

static void title_page(PdfDoc *doc, Renderer *r) {
  const PrintStyle *st = doc->style;
  const BookMeta *m = &doc->book->meta;
  double x = render_text_left(r, TRUE), y = doc->paper->top + doc->text_height * st->title_drop;
  PageDecor decor = {"i", NULL, NULL, TRUE, TRUE};
  render_decor(r, &decor);
  render_dest(r, "title-page", x, doc->paper->top);
  g_autoptr(PangoLayout) title =
      text_layout(r->context, st->font_heading, st->chapter_size * st->title_scale,
                  PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL, m->title ? m->title : "", doc->measure,
                  PANGO_ALIGN_LEFT, st->title_leading);
  balance_lines(title);
  render_layout(r, title, x, y, st->heading);
  y += layout_height(title) + st->chapter_size * st->title_space;
  if (m->subtitle) {
    g_autoptr(PangoLayout) sub = text_layout(
        r->context, st->font_body, st->chapter_size * st->subtitle_scale, PANGO_WEIGHT_NORMAL,
        PANGO_STYLE_ITALIC, m->subtitle, doc->measure, PANGO_ALIGN_LEFT, st->title_leading);
    balance_lines(sub);
    render_layout(r, sub, x, y, st->text);
    y += layout_height(sub);
  }
  cairo_set_source_rgb(r->cr, st->rule.r, st->rule.g, st->rule.b);
  cairo_set_line_width(r->cr, st->rule_width);
  cairo_move_to(r->cr, x, y + st->title_rule_gap);
  cairo_line_to(r->cr, x + doc->measure * st->title_rule_length, y + st->title_rule_gap);
  cairo_stroke(r->cr);
  const char *authors = m->authors_line;
  g_autoptr(PangoLayout) by = text_layout(
      r->context, st->font_heading, st->chapter_size * st->author_scale, PANGO_WEIGHT_NORMAL,
      PANGO_STYLE_NORMAL, authors, doc->measure, PANGO_ALIGN_LEFT, st->title_leading);
  render_layout(r, by, x, y + st->author_gap, st->text);
  if (m->publisher) {
    g_autoptr(PangoLayout) pub = text_layout(
        r->context, st->font_heading, st->head_size * st->publisher_scale, PANGO_WEIGHT_NORMAL,
        PANGO_STYLE_NORMAL, m->publisher, doc->measure, PANGO_ALIGN_LEFT, st->title_leading);
    render_layout(r, pub, x, doc->paper->top + doc->text_height - layout_height(pub), st->text);
  }
  cairo_show_page(r->cr);
}

static void copyright_page(PdfDoc *doc, Renderer *r) {
  const PrintStyle *st = doc->style;
  const BookMeta *m = &doc->book->meta;
  PageDecor decor = {"ii", NULL, NULL, FALSE, TRUE};
  render_decor(r, &decor);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
  const char *authors = m->authors_line;
  g_ptr_array_add(lines, g_strdup_printf("%s%s%s", m->title ? m->title : "",
                                         m->subtitle ? ": " : "", m->subtitle ? m->subtitle : ""));
  g_ptr_array_add(lines, g_strdup_printf("by %s", authors));
  g_ptr_array_add(lines, g_strdup(""));
  if (m->rights)
    g_ptr_array_add(lines, g_strdup(m->rights));
  for (guint i = 0; i < m->credits->len; i++)
    g_ptr_array_add(lines, g_strdup(m->credits->pdata[i]));
  g_ptr_array_add(lines, g_strdup(""));
  if (m->version || m->date)
    g_ptr_array_add(lines,
                    g_strdup_printf("%s%s%s%s", m->version ? "Version " : "",
                                    m->version ? m->version : "", m->version && m->date ? ", " : "",
                                    m->date ? m->date : ""));
  if (m->identifier)
    g_ptr_array_add(lines, g_strdup_printf("Identifier: %s", m->identifier));
  if (m->publisher)
    g_ptr_array_add(lines, g_strdup_printf("Published by %s", m->publisher));
  g_ptr_array_add(lines, g_strdup(""));
  g_ptr_array_add(lines, g_strdup_printf("Typeset with %s in %s, %s and %s.", BOOKBUILD_CREATOR,
                                         st->font_body, st->font_heading, st->font_mono));
  g_autofree char *text = join(lines, "\n");
  g_autoptr(PangoLayout) l = text_layout(
      r->context, st->font_body, doc->paper->body_size * st->copyright_size, PANGO_WEIGHT_NORMAL,
      PANGO_STYLE_NORMAL, text, doc->measure, PANGO_ALIGN_LEFT, st->title_leading);
  double x = render_text_left(r, FALSE);
  render_layout(r, l, x, doc->paper->top + doc->text_height - layout_height(l), st->text);
  cairo_show_page(r->cr);
}

/* ---- contents ---- */

typedef struct {
  int level;
  const char *title, *dest;
  int page;
} TocEntry;

static GArray *toc_entries(PdfDoc *doc) {
  GArray *entries = g_array_new(FALSE, FALSE, sizeof(TocEntry));
  for (guint i = 0; i < doc->pages->len; i++) {
    const Page *p = doc->pages->pdata[i];
    for (guint k = 0; k < p->placements->len; k++) {
      const Placement *pl = &g_array_index(p->placements, Placement, k);
      if (pl->first != 0 || pl->repeated || !pl->item->outline_title)
        continue;
      TocEntry e = {pl->item->heading_level, pl->item->outline_title, pl->item->outline_dest,
                    (int)i + 1};
      g_array_append_val(entries, e);
    }
  }
  if (doc->index_lines) { /* the index at the back (backindex.c), as the outline lists it */
    TocEntry e = {1, INDEX_TITLE, "index", backindex_first_page(doc)};
    g_array_append_val(entries, e);
  }
  return entries;
}

typedef struct {
  PangoLayout *title, *number;
  double indent, space_before, height;
  const TocEntry *entry;
} TocLine;

static void toc_line_clear(gpointer p) {
  TocLine *t = p;
  g_clear_object(&t->title);
  g_clear_object(&t->number);
}

static GArray *toc_lines(PdfDoc *doc, PangoContext *ctx, GArray *entries) {
  const PrintStyle *st = doc->style;
  double body = doc->paper->body_size, num_w = body * st->toc_number_width;
  GArray *lines = g_array_new(FALSE, TRUE, sizeof(TocLine));
  g_array_set_clear_func(lines, toc_line_clear);
  for (guint i = 0; i < entries->len; i++) {
    const TocEntry *e = &g_array_index(entries, TocEntry, i);
    TocLine t = {0};
    t.entry = e;
    t.indent = e->level <= 1 ? 0 : (e->level - 1) * body * st->toc_indent;
    gboolean chapter = e->level <= 1;
    double size = chapter ? body * st->toc_chapter_size : body * st->toc_section_size;
    t.title =
        text_layout(ctx, chapter ? st->font_heading : st->font_body, size,
                    chapter ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, e->title,
                    doc->measure - t.indent - num_w - body, PANGO_ALIGN_LEFT, st->toc_leading);
    hang_after_number(t.title);
    g_autofree char *num = g_strdup_printf("%d", e->page);
    t.number = text_layout(ctx, chapter ? st->font_heading : st->font_body, size,
                           chapter ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL,
                           num, -1, PANGO_ALIGN_LEFT, st->toc_leading);
    t.space_before = chapter && i > 0 ? body * st->toc_chapter_space : body * st->toc_section_space;
    t.height = layout_height(t.title);
    g_array_append_val(lines, t);
  }
  return lines;
}

/* Dotted leaders from the end of the title's last line to the page number. The stroke runs
 * DOT_REACH past the last dot so that its zero-length dash is drawn (geometry, not a style key). */
#define DOT_REACH 0.01
static void leaders(Renderer *r, PangoLayout *title, double x, double y, double to_x) {
  const PrintStyle *st = r->style;
  const double step = st->leader_step;
  if (step <= 0)
    return; /* no pitch, no dots (and cairo refuses an all-zero dash) */
  PangoLayoutIter *it = pango_layout_get_iter(title);
  while (!pango_layout_iter_at_last_line(it))
    pango_layout_iter_next_line(it);
  PangoRectangle logical;
  pango_layout_iter_get_line_extents(it, NULL, &logical);
  double base = y + pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE;
  pango_layout_iter_free(it);
  double from = x + (logical.x + logical.width) / (double)PANGO_SCALE + st->leader_gap;
  double first = ceil(from / step) * step, last = first;
  while (last + step < to_x - st->leader_gap)
    last += step;
  if (last < first + step)
    return;
  /* One stroke of zero-length round-capped dashes: dots on a grid shared by every line. */
  const double dash[] = {0, step};
  cairo_save(r->cr);
  cairo_set_source_rgb(r->cr, st->rule.r, st->rule.g, st->rule.b);
  cairo_set_line_width(r->cr, st->leader_dot);
  cairo_set_line_cap(r->cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_dash(r->cr, dash, 2, 0);
  cairo_move_to(r->cr, first, base - st->leader_raise);
  cairo_line_to(r->cr, last + DOT_REACH, base - st->leader_raise);
  cairo_stroke(r->cr);
  cairo_restore(r->cr);
}

/* The contents' heading, "Contents", as drawn at the top of its first page. */
static PangoLayout *contents_head(PdfDoc *doc, PangoContext *ctx) {
  const PrintStyle *st = doc->style;
  return text_layout(ctx, st->font_heading, st->chapter_size, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL,
                     BOOK_CONTENTS_TITLE, -1, PANGO_ALIGN_LEFT, st->toc_leading);
}

/* Where the first contents line starts, below the heading, from the text block's top. */
static double contents_top(PdfDoc *doc, PangoLayout *head) {
  const PrintStyle *st = doc->style;
  return doc->text_height * st->toc_title_drop + layout_height(head) +
         doc->paper->body_size * st->toc_title_space;
}

/* Pages of the contents: returns the index of the first line of each page. */
static GArray *toc_pages(PdfDoc *doc, GArray *lines, double first_page_top) {
  GArray *starts = g_array_new(FALSE, FALSE, sizeof(guint));
  double y = first_page_top;
  guint zero = 0;
  g_array_append_val(starts, zero);
  for (guint i = 0; i < lines->len; i++) {
    TocLine *t = &g_array_index(lines, TocLine, i);
    /* As contents_pages() draws them: a page's first line without its space above. */
    double above = i > g_array_index(starts, guint, starts->len - 1) ? t->space_before : 0;
    double need = above + t->height;
    /* A chapter line keeps its first section with it, and a group's last line is not left
     * alone at the top of a page. */
    gboolean next_ends_group =
        i + 1 < lines->len && g_array_index(lines, TocLine, i + 1).entry->level > 1 &&
        (i + 2 >= lines->len || g_array_index(lines, TocLine, i + 2).entry->level <= 1);
    if ((t->entry->level <= 1 || next_ends_group) && i + 1 < lines->len)
      need += g_array_index(lines, TocLine, i + 1).space_before +
              g_array_index(lines, TocLine, i + 1).height;
    if (y + need > doc->text_height && y > 0) {
      g_array_append_val(starts, i);
      y = 0;
      above = 0;
    }
    y += above + t->height;
  }
  return starts;
}

static void contents_pages(PdfDoc *doc, Renderer *r, PangoLayout *head, GArray *lines,
                           GArray *starts, int first_page) {
  const PrintStyle *st = doc->style;
  for (guint p = 0; p < starts->len; p++) {
    int number = first_page + (int)p;
    gboolean recto = number % 2 == 1;
    g_autofree char *label = roman(number);
    PageDecor decor = {label, label, NULL, recto, TRUE};
    render_decor(r, &decor);
    double x = render_text_left(r, recto), y = doc->paper->top;
    if (p == 0) {
      render_dest(r, "contents", x, y);
      render_outline(r, 1, BOOK_CONTENTS_TITLE, "contents");
      render_layout(r, head, x, y + doc->text_height * st->toc_title_drop, st->heading);
      y += contents_top(doc, head);
    }
    guint end = p + 1 < starts->len ? g_array_index(starts, guint, p + 1) : lines->len;
    for (guint i = g_array_index(starts, guint, p); i < end; i++) {
      TocLine *t = &g_array_index(lines, TocLine, i);
      if (i > g_array_index(starts, guint, p))
        y += t->space_before;
      int nw, nh;
      pango_layout_get_size(t->number, &nw, &nh);
      double num_x = x + doc->measure - nw / (double)PANGO_SCALE;
      render_layout(r, t->title, x + t->indent, y, st->text);
      PangoLayoutIter *it = pango_layout_get_iter(t->title);
      while (!pango_layout_iter_at_last_line(it))
        pango_layout_iter_next_line(it);
      double base = pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE;
      pango_layout_iter_free(it);
      double nbase = pango_layout_get_baseline(t->number) / (double)PANGO_SCALE;
      render_layout(r, t->number, num_x, y + base - nbase, st->text);
      leaders(r, t->title, x + t->indent, y, num_x);
      render_link(r, t->entry->dest, NULL, x + t->indent, y, doc->measure - t->indent, t->height);
      y += t->height;
    }
    cairo_show_page(r->cr);
  }
}

void front_handout_block(PdfDoc *doc, Renderer *r) {
  const PrintStyle *st = doc->style;
  const BookMeta *m = &doc->book->meta;
  g_autofree char *date = NULL;
  if (m->date)
    date = g_strdup(m->date);
  else {
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(book_timestamp(doc->book));
    date = g_date_time_format(dt, "%Y-%m-%d");
  }
  g_autofree char *upper = g_utf8_strup(m->title ? m->title : "", -1);
  g_autofree char *line = g_strdup_printf("%s%s%s", date, m->version ? " · version " : "",
                                          m->version ? m->version : "");
  g_autoptr(PangoLayout) t = text_layout(
      r->context, st->font_heading, st->head_size * st->handout_scale, PANGO_WEIGHT_BOLD,
      PANGO_STYLE_NORMAL, upper, doc->measure, PANGO_ALIGN_LEFT, st->title_leading);
  g_autoptr(PangoLayout) d =
      text_layout(r->context, st->font_heading, st->head_size, PANGO_WEIGHT_NORMAL,
                  PANGO_STYLE_NORMAL, line, doc->measure, PANGO_ALIGN_LEFT, st->title_leading);
  double x = render_text_left(r, TRUE), y = doc->paper->top;
  render_layout(r, t, x, y, st->text);
  render_layout(r, d, x, y + layout_height(t) + st->handout_gap, st->text);
}

int front_contents_pages(PdfDoc *doc, PangoContext *ctx) {
  g_autoptr(GArray) entries = toc_entries(doc);
  g_autoptr(GArray) lines = toc_lines(doc, ctx, entries);
  g_autoptr(PangoLayout) head = contents_head(doc, ctx);
  g_autoptr(GArray) starts = toc_pages(doc, lines, contents_top(doc, head));
  return (int)starts->len + ((2 + starts->len) % 2 == 1);
}

char *front_roman(int n) { return roman(n); }

void front_matter(PdfDoc *doc, Renderer *r) {
  g_autoptr(GArray) entries = toc_entries(doc);
  g_autoptr(GArray) lines = toc_lines(doc, r->context, entries);
  g_autoptr(PangoLayout) head = contents_head(doc, r->context);
  g_autoptr(GArray) starts = toc_pages(doc, lines, contents_top(doc, head));
  title_page(doc, r);
  copyright_page(doc, r);
  contents_pages(doc, r, head, lines, starts, 3);
  if ((2 + starts->len) % 2 == 1) {
    g_autofree char *label = roman(3 + (int)starts->len);
    PageDecor decor = {label, NULL, NULL, FALSE, TRUE};
    render_decor(r, &decor);
    cairo_show_page(r->cr);
  }
}
