/* backindex.c: the PDF's index at the back of the book (index.h gathers it): where each indexed
 * place fell in the body, then the entries set in two columns with their page numbers (runs of
 * pages merged into ranges, each a link to its page). */
#include "index.h"
#include "pdf/pdfint.h"

#include <string.h>

#define EN_DASH "\xE2\x80\x93"

/* ---- where the places fell ---- */

/* The body page (1-based) of each index place, by place number; 0 when it was not placed. */
/* The byte where the word of a place at `index` begins: a marker written after a space sits
 * before it, and when the line breaks at that space the word, as the EPUB's anchor, is on the
 * next line (and maybe the next page). */
static int place_word(PangoLayout *layout, int index) {
  const char *text = pango_layout_get_text(layout);
  int len = (int)strlen(text);
  while (index < len) {
    gunichar ch = g_utf8_get_char(text + index);
    if (!g_unichar_isspace(ch) && ch != 0x200B)
      break;
    index = (int)(g_utf8_next_char(text + index) - text);
  }
  return index;
}

static void place_pages(PdfDoc *doc) {
  const BookIndex *ix = doc->book->index;
  doc->place_page = g_array_new(FALSE, TRUE, sizeof(int));
  g_array_set_size(doc->place_page, ix->places->len + 1);
  g_autoptr(GHashTable) block_page = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (guint i = 0; i < doc->pages->len; i++) {
    const Page *page = doc->pages->pdata[i];
    for (guint k = 0; k < page->placements->len; k++) {
      const Placement *pl = &g_array_index(page->placements, Placement, k);
      const Item *it = pl->item;
      if (pl->repeated)
        continue;
      if (it->block && !g_hash_table_contains(block_page, it->block))
        g_hash_table_insert(block_page, it->block, GINT_TO_POINTER((int)i + 1));
      for (guint a = 0; it->anchors && a + 1 < it->anchors->len; a += 2) {
        int index = g_array_index(it->anchors, int, a),
            number = g_array_index(it->anchors, int, a + 1);
        int line = 0, x = 0;
        if (it->layout)
          pango_layout_index_to_line_x(it->layout, place_word(it->layout, index), FALSE, &line, &x);
        if (line >= (int)pl->first && line <= (int)pl->last && number > 0 &&
            number < (int)doc->place_page->len && !g_array_index(doc->place_page, int, number))
          g_array_index(doc->place_page, int, number) = (int)i + 1;
      }
    }
  }
  /* places not in a text line (a table cell): the page their block begins on */
  for (guint i = 0; i < ix->places->len; i++) {
    const IndexPlace *p = ix->places->pdata[i];
    int *page = &g_array_index(doc->place_page, int, p->number);
    if (!*page && p->block)
      *page = GPOINTER_TO_INT(g_hash_table_lookup(block_page, p->block));
  }
}

/* ---- setting the entries ---- */

typedef struct {
  PangoLayout *layout;
  double indent, height, space_before;
  gboolean heading;
  GArray *links; /* LinkSpan over the page numbers */
  int page;      /* index page (0-based) */
  int column;
  double y;
} IndexLine;

static void index_line_free(gpointer p) {
  IndexLine *l = p;
  g_clear_object(&l->layout);
  for (guint i = 0; l->links && i < l->links->len; i++)
    g_free(g_array_index(l->links, LinkSpan, i).dest);
  if (l->links)
    g_array_unref(l->links);
  g_free(l);
}

/* The pages of an entry's places, as "3, 7–9" appended to `text`, with links. */
static void append_pages(PdfDoc *doc, const IndexEntry *e, GString *text, GArray *links) {
  g_autoptr(GArray) pages = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < e->places->len; i++) {
    const IndexPlace *p = e->places->pdata[i];
    int page = g_array_index(doc->place_page, int, p->number);
    if (page > 0)
      g_array_append_val(pages, page);
  }
  g_autoptr(GArray) ranges = index_page_ranges(pages);
  for (guint i = 0; i + 1 < ranges->len; i += 2) {
    int first = g_array_index(ranges, int, i), last = g_array_index(ranges, int, i + 1);
    g_string_append(text, ", ");
    LinkSpan span = {(int)text->len, 0, g_strdup_printf("page-%d", first), NULL};
    if (first == last)
      g_string_append_printf(text, "%d", first);
    else
      g_string_append_printf(text, "%d" EN_DASH "%d", first, last);
    span.end = (int)text->len;
    g_array_append_val(links, span);
  }
}

static void append_refs(GString *text, PangoAttrList *attrs, const char *word, GPtrArray *targets) {
  if (!targets->len)
    return;
  g_string_append(text, text->len ? ". " : "");
  guint start = (guint)text->len;
  g_string_append(text, word);
  PangoAttribute *a = pango_attr_style_new(PANGO_STYLE_ITALIC);
  a->start_index = start;
  a->end_index = (guint)text->len;
  pango_attr_list_insert(attrs, a);
  for (guint i = 0; i < targets->len; i++)
    g_string_append_printf(text, "%s%s", i ? "; " : " ", (const char *)targets->pdata[i]);
}

static IndexLine *entry_line(PdfDoc *doc, PangoContext *ctx, const IndexEntry *e, int level,
                             double width) {
  const PrintStyle *st = doc->style;
  double size = doc->paper->body_size * st->toc_section_size, em = size;
  IndexLine *l = g_new0(IndexLine, 1);
  l->links = g_array_new(FALSE, TRUE, sizeof(LinkSpan));
  l->indent = level * em;
  g_autoptr(GString) text = g_string_new(e->term);
  PangoAttrList *attrs = pango_attr_list_new();
  if (e->code) {
    PangoAttribute *a = pango_attr_family_new(st->font_mono);
    a->start_index = 0;
    a->end_index = (guint)text->len;
    pango_attr_list_insert(attrs, a);
    a = pango_attr_size_new_absolute((int)(size * st->code_span_size * PANGO_SCALE));
    a->start_index = 0;
    a->end_index = (guint)text->len;
    pango_attr_list_insert(attrs, a);
  }
  append_pages(doc, e, text, l->links);
  append_refs(text, attrs, e->places->len || !e->see->len ? "See also" : "See", e->see_also);
  append_refs(text, attrs, "See", e->see);
  l->layout = fonts_layout(ctx, st->font_body, size, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
  pango_layout_set_width(l->layout, (int)((width - l->indent) * PANGO_SCALE));
  pango_layout_set_wrap(l->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_indent(l->layout, (int)(-2 * em * PANGO_SCALE)); /* wrapped lines hang */
  pango_layout_set_attributes(l->layout, attrs);
  pango_layout_set_text(l->layout, text->str, (int)text->len);
  pango_attr_list_unref(attrs);
  int w, h;
  pango_layout_get_size(l->layout, &w, &h);
  l->height = h / (double)PANGO_SCALE;
  return l;
}

static void entry_lines(PdfDoc *doc, PangoContext *ctx, GPtrArray *lines, const IndexEntry *e,
                        int level, double width) {
  g_ptr_array_add(lines, entry_line(doc, ctx, e, level, width));
  for (guint i = 0; i < e->subs->len; i++)
    entry_lines(doc, ctx, lines, e->subs->pdata[i], level + 1, width);
}

static IndexLine *group_line(PdfDoc *doc, PangoContext *ctx, const char *group) {
  const PrintStyle *st = doc->style;
  double size = doc->paper->body_size * st->toc_chapter_size;
  IndexLine *l = g_new0(IndexLine, 1);
  l->heading = TRUE;
  l->layout = fonts_layout(ctx, st->font_heading, size, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL);
  pango_layout_set_text(l->layout, group, -1);
  int w, h;
  pango_layout_get_size(l->layout, &w, &h);
  l->height = h / (double)PANGO_SCALE;
  l->space_before = doc->paper->body_size * st->toc_chapter_space;
  return l;
}

static double title_height(PdfDoc *doc) {
  return doc->text_height * doc->style->toc_title_drop +
         doc->style->chapter_size * doc->style->toc_leading +
         doc->paper->body_size * doc->style->toc_title_space;
}

/* Fills the columns: each line gets its page, column and y. */
static int flow(PdfDoc *doc, GPtrArray *lines) {
  int page = 0, column = 0;
  double y = title_height(doc);
  for (guint i = 0; i < lines->len; i++) {
    IndexLine *l = lines->pdata[i];
    double above = y > 0 && !(page > 0 && y == 0) ? l->space_before : 0;
    double need = above + l->height;
    if (l->heading && i + 1 < lines->len) /* a group's letter stays with its first entry */
      need += ((IndexLine *)lines->pdata[i + 1])->height;
    if (y + need > doc->text_height && y > 0) {
      if (column == 0)
        column = 1;
      else
        column = 0, page++;
      y = page == 0 ? title_height(doc) : 0;
      above = 0;
    }
    l->page = page;
    l->column = column;
    l->y = y + above;
    y += above + l->height;
  }
  return page + 1;
}

void backindex_typeset(PdfDoc *doc) {
  if (doc->o->chapter || !doc->book->index)
    return;
  place_pages(doc);
  PangoContext *ctx = fonts_context(doc->fonts);
  double width = (doc->measure - doc->paper->body_size * 1.5) / 2;
  doc->index_lines = g_ptr_array_new_with_free_func(index_line_free);
  g_autofree char *group = NULL;
  const GPtrArray *entries = doc->book->index->entries;
  for (guint i = 0; i < entries->len; i++) {
    const IndexEntry *e = entries->pdata[i];
    g_autofree char *g = index_group(e);
    if (!group || strcmp(g, group) != 0) {
      g_ptr_array_add(doc->index_lines, group_line(doc, ctx, g));
      g_free(group);
      group = g_strdup(g);
    }
    entry_lines(doc, ctx, doc->index_lines, e, 0, width);
  }
  doc->index_pages = flow(doc, doc->index_lines);
  /* the index opens on a recto: a blank verso before it when the body ends on a recto */
  doc->index_blank = doc->pages->len % 2 == 1;
  g_object_unref(ctx);
}

int backindex_first_page(const PdfDoc *doc) { return (int)doc->pages->len + doc->index_blank + 1; }

void backindex_render(PdfDoc *doc, Renderer *r) {
  if (!doc->index_lines)
    return;
  const PrintStyle *st = doc->style;
  if (doc->index_blank) {
    g_autofree char *label = g_strdup_printf("%u", doc->pages->len + 1);
    PageDecor decor = {label, NULL, NULL, FALSE, FALSE};
    render_decor(r, &decor);
    cairo_show_page(r->cr);
  }
  double width = (doc->measure - doc->paper->body_size * 1.5) / 2;
  guint next = 0;
  for (int p = 0; p < doc->index_pages; p++) {
    int number = backindex_first_page(doc) + p;
    gboolean recto = number % 2 == 1;
    g_autofree char *label = g_strdup_printf("%d", number);
    PageDecor decor = {label, label, p ? INDEX_TITLE : NULL, recto, p == 0};
    render_decor(r, &decor);
    double x0 = render_text_left(r, recto), y0 = doc->paper->top;
    if (p == 0) {
      render_dest(r, "index", x0, y0);
      render_outline(r, 1, INDEX_TITLE, "index");
      g_autoptr(PangoLayout) head = fonts_layout(r->context, st->font_heading, st->chapter_size,
                                                 PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL);
      pango_layout_set_text(head, INDEX_TITLE, -1);
      render_layout(r, head, x0, y0 + doc->text_height * st->toc_title_drop, st->heading);
    }
    for (; next < doc->index_lines->len; next++) {
      const IndexLine *l = doc->index_lines->pdata[next];
      if (l->page != p)
        break;
      double x = x0 + l->column * (width + doc->paper->body_size * 1.5) + l->indent;
      double y = y0 + l->y;
      render_layout(r, l->layout, x, y, l->heading ? st->heading : st->text);
      for (guint k = 0; l->links && k < l->links->len; k++) {
        const LinkSpan *s = &g_array_index(l->links, LinkSpan, k);
        PangoRectangle a, b;
        pango_layout_index_to_pos(l->layout, s->start, &a);
        pango_layout_index_to_pos(l->layout, s->end, &b);
        if (b.y != a.y) /* a range broken over two lines: its first line's part */
          b.x = pango_layout_get_width(l->layout);
        render_link(r, s->dest, NULL, x + a.x / (double)PANGO_SCALE, y + a.y / (double)PANGO_SCALE,
                    (b.x - a.x) / (double)PANGO_SCALE, a.height / (double)PANGO_SCALE);
      }
    }
    cairo_show_page(r->cr);
  }
}
