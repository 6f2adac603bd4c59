/* pdf.c: the PDF writer's pipeline: style and fonts, chapters laid out, pages
 * broken, then front matter (title, copyright, contents with the now known page numbers) and
 * body drawn into a Cairo PDF surface written atomically. Handouts are one chapter with its own
 * title block. */
#include "pdf/pdf.h"

#include "pdf/fonts.h"
#include "pdf/hyphen.h"
#include "pdf/layout.h"
#include "pdf/paginate.h"
#include "pdf/render.h"
#include "output.h"
#include "typo.h"

#include <errno.h>
#include <math.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BOOKBUILD_CREATOR "bookbuild " BOOKBUILD_VERSION

typedef struct {
  Book *book;
  const PdfOptions *o;
  PrintStyle style;
  const Paper *paper;
  PdfFonts *fonts;
  Hyphenator *hyphenator;
  double measure, text_height;
  GPtrArray *layouts; /* ChapterLayout*, in book order */
  GPtrArray *pages;   /* Page*: the body */
} Job;

/* ---- layout ---- */

/* Chapters are laid out one after another on one thread: with Pango 1.50 and cairo 1.16,
 * chapters laid out concurrently (each thread with its own font map, even its own fontconfig
 * set) now and then got glyph widths differing in the last bits, so justified lines, and the
 * PDF's bytes, differed between two builds. Reproducible output wins over the ~25% it saved. */
static void layout_chapters(Job *job) {
  PangoContext *ctx = pdf_fonts_context(job->fonts);
  const Chapter *only = job->o->chapter ? book_chapter_by_number(job->book, job->o->chapter) : NULL;
  LayoutEnv env = {job->book,    &job->style,      job->paper,    ctx,  job->hyphenator,
                   job->measure, job->text_height, job->o->draft, only, job->book->diags};
  for (guint i = 0; i < job->book->chapters->len; i++) {
    const Chapter *ch = job->book->chapters->pdata[i];
    if (!ch->toc || !ch->readable || (only && ch != only))
      continue;
    g_ptr_array_add(job->layouts, chapter_layout_new(&env, ch));
    if (job->o->progress)
      job->o->progress("laying out chapters", i + 1, job->book->chapters->len);
  }
  g_object_unref(ctx);
}

static void paginate(Job *job) {
  PageFrame frame = {job->text_height, job->o->chapter == 0,
                     job->paper->body_size * job->style.leading};
  for (guint i = 0; i < job->layouts->len; i++)
    paginate_chapter(job->layouts->pdata[i], &frame, job->pages);
}

/* ---- front matter ---- */

static PangoLayout *text_layout(PangoContext *ctx, const PrintStyle *st, const char *family,
                                double size, PangoWeight weight, PangoStyle slant, const char *text,
                                double width, PangoAlignment align) {
  PangoLayout *l = pango_layout_new(ctx);
  g_autoptr(PangoFontDescription) fd = layout_font(st, family, size, weight, slant);
  pango_layout_set_font_description(l, fd);
  if (width > 0)
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(l, align);
  pango_layout_set_line_spacing(l, 1.15f);
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

static void title_page(Job *job, Renderer *r) {
  const PrintStyle *st = &job->style;
  const BookMeta *m = &job->book->meta;
  double x = render_text_left(r, TRUE), y = job->paper->top + job->text_height * 0.22;
  PageDecor decor = {"i", NULL, NULL, TRUE, TRUE};
  render_decor(r, &decor);
  render_dest(r, "title-page", x, job->paper->top);
  g_autoptr(PangoLayout) title =
      text_layout(r->context, st, st->font_heading, st->chapter_size * 1.45, PANGO_WEIGHT_BOLD,
                  PANGO_STYLE_NORMAL, m->title ? m->title : "", job->measure, PANGO_ALIGN_LEFT);
  balance_lines(title);
  render_layout(r, title, x, y, st->heading);
  y += layout_height(title) + st->chapter_size * 0.6;
  if (m->subtitle) {
    g_autoptr(PangoLayout) sub =
        text_layout(r->context, st, st->font_body, st->chapter_size * 0.68, PANGO_WEIGHT_NORMAL,
                    PANGO_STYLE_ITALIC, m->subtitle, job->measure, PANGO_ALIGN_LEFT);
    balance_lines(sub);
    render_layout(r, sub, x, y, st->text);
    y += layout_height(sub);
  }
  cairo_set_source_rgb(r->cr, st->rule.r, st->rule.g, st->rule.b);
  cairo_set_line_width(r->cr, 0.6);
  cairo_move_to(r->cr, x, y + 18);
  cairo_line_to(r->cr, x + job->measure * 0.3, y + 18);
  cairo_stroke(r->cr);
  const char *authors = m->authors_line;
  g_autoptr(PangoLayout) by =
      text_layout(r->context, st, st->font_heading, st->chapter_size * 0.62, PANGO_WEIGHT_NORMAL,
                  PANGO_STYLE_NORMAL, authors, job->measure, PANGO_ALIGN_LEFT);
  render_layout(r, by, x, y + 34, st->text);
  if (m->publisher) {
    g_autoptr(PangoLayout) pub =
        text_layout(r->context, st, st->font_heading, st->head_size * 1.1, PANGO_WEIGHT_NORMAL,
                    PANGO_STYLE_NORMAL, m->publisher, job->measure, PANGO_ALIGN_LEFT);
    render_layout(r, pub, x, job->paper->top + job->text_height - layout_height(pub), st->text);
  }
  cairo_show_page(r->cr);
}

static void copyright_page(Job *job, Renderer *r) {
  const PrintStyle *st = &job->style;
  const BookMeta *m = &job->book->meta;
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
  g_autoptr(PangoLayout) l =
      text_layout(r->context, st, st->font_body, job->paper->body_size * 0.85, PANGO_WEIGHT_NORMAL,
                  PANGO_STYLE_NORMAL, text, job->measure, PANGO_ALIGN_LEFT);
  double x = render_text_left(r, FALSE);
  render_layout(r, l, x, job->paper->top + job->text_height - layout_height(l), st->text);
  cairo_show_page(r->cr);
}

/* ---- contents ---- */

typedef struct {
  int level;
  const char *title, *dest;
  int page;
} TocEntry;

static GArray *toc_entries(Job *job) {
  GArray *entries = g_array_new(FALSE, FALSE, sizeof(TocEntry));
  for (guint i = 0; i < job->pages->len; i++) {
    const Page *p = job->pages->pdata[i];
    for (guint k = 0; k < p->placements->len; k++) {
      const Placement *pl = &g_array_index(p->placements, Placement, k);
      if (pl->first != 0 || pl->repeated || !pl->item->outline_title)
        continue;
      TocEntry e = {pl->item->heading_level, pl->item->outline_title, pl->item->outline_dest,
                    (int)i + 1};
      g_array_append_val(entries, e);
    }
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

static GArray *toc_lines(Job *job, PangoContext *ctx, GArray *entries) {
  const PrintStyle *st = &job->style;
  double body = job->paper->body_size, num_w = body * 3;
  GArray *lines = g_array_new(FALSE, TRUE, sizeof(TocLine));
  g_array_set_clear_func(lines, toc_line_clear);
  for (guint i = 0; i < entries->len; i++) {
    const TocEntry *e = &g_array_index(entries, TocEntry, i);
    TocLine t = {0};
    t.entry = e;
    t.indent = e->level <= 1 ? 0 : (e->level - 1) * body * 1.6;
    gboolean chapter = e->level <= 1;
    t.title = text_layout(ctx, st, chapter ? st->font_heading : st->font_body,
                          chapter ? body * 1.02 : body * 0.95,
                          chapter ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL,
                          e->title, job->measure - t.indent - num_w - body, PANGO_ALIGN_LEFT);
    hang_after_number(t.title);
    g_autofree char *num = g_strdup_printf("%d", e->page);
    t.number = text_layout(ctx, st, chapter ? st->font_heading : st->font_body,
                           chapter ? body * 1.02 : body * 0.95,
                           chapter ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL,
                           num, -1, PANGO_ALIGN_LEFT);
    t.space_before = chapter && i > 0 ? body * 0.9 : body * 0.12;
    t.height = layout_height(t.title);
    g_array_append_val(lines, t);
  }
  return lines;
}

/* Dotted leaders from the end of the title's last line to the page number. */
static void leaders(Renderer *r, PangoLayout *title, double x, double y, double to_x) {
  PangoLayoutIter *it = pango_layout_get_iter(title);
  while (!pango_layout_iter_at_last_line(it))
    pango_layout_iter_next_line(it);
  PangoRectangle logical;
  pango_layout_iter_get_line_extents(it, NULL, &logical);
  double base = y + pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE;
  pango_layout_iter_free(it);
  double from = x + (logical.x + logical.width) / (double)PANGO_SCALE + 4;
  const double step = 4.5;
  double first = ceil(from / step) * step, last = first;
  while (last + step < to_x - 4)
    last += step;
  if (last < first + step)
    return;
  /* One stroke of zero-length round-capped dashes: dots on a grid shared by every line. */
  const double dash[] = {0, step};
  cairo_save(r->cr);
  cairo_set_source_rgb(r->cr, r->style->rule.r, r->style->rule.g, r->style->rule.b);
  cairo_set_line_width(r->cr, 0.9);
  cairo_set_line_cap(r->cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_dash(r->cr, dash, 2, 0);
  cairo_move_to(r->cr, first, base - 1.6);
  cairo_line_to(r->cr, last + 0.01, base - 1.6);
  cairo_stroke(r->cr);
  cairo_restore(r->cr);
}

/* Pages of the contents: returns the index of the first line of each page. */
static GArray *toc_pages(Job *job, GArray *lines, double first_page_top) {
  GArray *starts = g_array_new(FALSE, FALSE, sizeof(guint));
  double y = first_page_top;
  guint zero = 0;
  g_array_append_val(starts, zero);
  for (guint i = 0; i < lines->len; i++) {
    TocLine *t = &g_array_index(lines, TocLine, i);
    double need = (y > 0 ? t->space_before : 0) + t->height;
    /* A chapter line keeps its first section with it, and a group's last line is not left
     * alone at the top of a page. */
    gboolean next_ends_group =
        i + 1 < lines->len && g_array_index(lines, TocLine, i + 1).entry->level > 1 &&
        (i + 2 >= lines->len || g_array_index(lines, TocLine, i + 2).entry->level <= 1);
    if ((t->entry->level <= 1 || next_ends_group) && i + 1 < lines->len)
      need += g_array_index(lines, TocLine, i + 1).space_before +
              g_array_index(lines, TocLine, i + 1).height;
    if (y + need > job->text_height && y > 0) {
      g_array_append_val(starts, i);
      y = 0;
    }
    y += (y > 0 ? t->space_before : 0) + t->height;
  }
  return starts;
}

static void contents_pages(Job *job, Renderer *r, GArray *lines, GArray *starts, int first_page) {
  const PrintStyle *st = &job->style;
  double body = job->paper->body_size;
  for (guint p = 0; p < starts->len; p++) {
    int number = first_page + (int)p;
    gboolean recto = number % 2 == 1;
    g_autofree char *label = roman(number);
    PageDecor decor = {label, label, NULL, recto, TRUE};
    render_decor(r, &decor);
    double x = render_text_left(r, recto), y = job->paper->top;
    if (p == 0) {
      g_autoptr(PangoLayout) head =
          text_layout(r->context, st, st->font_heading, st->chapter_size, PANGO_WEIGHT_BOLD,
                      PANGO_STYLE_NORMAL, BOOK_CONTENTS_TITLE, -1, PANGO_ALIGN_LEFT);
      render_dest(r, "contents", x, y);
      render_outline(r, 1, BOOK_CONTENTS_TITLE, "contents");
      render_layout(r, head, x, y + job->text_height * 0.08, st->heading);
      y += job->text_height * 0.08 + layout_height(head) + body * 2;
    }
    guint end = p + 1 < starts->len ? g_array_index(starts, guint, p + 1) : lines->len;
    for (guint i = g_array_index(starts, guint, p); i < end; i++) {
      TocLine *t = &g_array_index(lines, TocLine, i);
      if (i > g_array_index(starts, guint, p))
        y += t->space_before;
      int nw, nh;
      pango_layout_get_size(t->number, &nw, &nh);
      double num_x = x + job->measure - nw / (double)PANGO_SCALE;
      render_layout(r, t->title, x + t->indent, y, st->text);
      PangoLayoutIter *it = pango_layout_get_iter(t->title);
      while (!pango_layout_iter_at_last_line(it))
        pango_layout_iter_next_line(it);
      double base = pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE;
      pango_layout_iter_free(it);
      double nbase = pango_layout_get_baseline(t->number) / (double)PANGO_SCALE;
      render_layout(r, t->number, num_x, y + base - nbase, st->text);
      leaders(r, t->title, x + t->indent, y, num_x);
      render_link(r, t->entry->dest, NULL, x + t->indent, y, job->measure - t->indent, t->height);
      y += t->height;
    }
    cairo_show_page(r->cr);
  }
}

/* ---- the body ---- */

static const char *running_head(Job *job, const Page *page, gboolean recto) {
  if (!page->chapter || page->opening || page->blank)
    return NULL;
  return recto ? page->chapter->title : job->book->meta.title;
}

static void handout_block(Job *job, Renderer *r) {
  const PrintStyle *st = &job->style;
  const BookMeta *m = &job->book->meta;
  g_autofree char *date = NULL;
  if (m->date)
    date = g_strdup(m->date);
  else {
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(book_timestamp(job->book));
    date = g_date_time_format(dt, "%Y-%m-%d");
  }
  g_autofree char *upper = g_utf8_strup(m->title ? m->title : "", -1);
  g_autofree char *line = g_strdup_printf("%s%s%s", date, m->version ? " · version " : "",
                                          m->version ? m->version : "");
  g_autoptr(PangoLayout) t =
      text_layout(r->context, st, st->font_heading, st->head_size * 1.15, PANGO_WEIGHT_BOLD,
                  PANGO_STYLE_NORMAL, upper, job->measure, PANGO_ALIGN_LEFT);
  g_autoptr(PangoLayout) d =
      text_layout(r->context, st, st->font_heading, st->head_size, PANGO_WEIGHT_NORMAL,
                  PANGO_STYLE_NORMAL, line, job->measure, PANGO_ALIGN_LEFT);
  double x = render_text_left(r, TRUE), y = job->paper->top;
  render_layout(r, t, x, y, st->text);
  render_layout(r, d, x, y + layout_height(t) + 2, st->text);
}

static void body_pages(Job *job, Renderer *r) {
  for (guint i = 0; i < job->pages->len; i++) {
    const Page *page = job->pages->pdata[i];
    int number = (int)i + 1;
    gboolean recto = job->o->chapter ? TRUE : number % 2 == 1;
    g_autofree char *label = g_strdup_printf("%d", number);
    PageDecor decor = {label, page->blank ? NULL : label, running_head(job, page, recto), recto,
                       page->opening};
    if (job->o->chapter && i == 0)
      handout_block(job, r);
    render_page(r, page, &decor);
    if (job->o->progress)
      job->o->progress("drawing pages", i + 1, job->pages->len);
  }
}

/* ---- output ---- */

static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int len) {
  return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void set_metadata(Job *job, cairo_surface_t *surface) {
  const BookMeta *m = &job->book->meta;
  const char *authors = m->authors_line;
  g_autofree char *keywords = join(m->subjects, ", ");
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(book_timestamp(job->book));
  g_autofree char *date = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
  const Chapter *only = NULL;
  if (job->o->chapter && job->layouts->len)
    only = ((ChapterLayout *)job->layouts->pdata[0])->chapter;
  g_autofree char *title =
      only ? g_strdup_printf("%s: %s", m->title ? m->title : "", only->toc->title)
           : g_strdup(m->title ? m->title : "");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, authors);
  if (m->description)
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, m->description);
  if (*keywords)
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, keywords);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, BOOKBUILD_CREATOR);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

static void draw_document(Job *job, Renderer *r) {
  cairo_tag_begin(r->cr, "Document", NULL);
  if (!job->o->chapter) {
    g_autoptr(GArray) entries = toc_entries(job);
    g_autoptr(GArray) lines = toc_lines(job, r->context, entries);
    g_autoptr(GArray) starts = toc_pages(job, lines,
                                         job->text_height * 0.08 + job->style.chapter_size * 1.3 +
                                             job->paper->body_size * 2);
    title_page(job, r);
    copyright_page(job, r);
    contents_pages(job, r, lines, starts, 3);
    if ((2 + starts->len) % 2 == 1) {
      g_autofree char *label = roman(3 + (int)starts->len);
      PageDecor decor = {label, NULL, NULL, FALSE, TRUE};
      render_decor(r, &decor);
      cairo_show_page(r->cr);
    }
  }
  body_pages(job, r);
  cairo_tag_end(r->cr, "Document");
}

/* Draws everything into `path` (a temporary file); FALSE with `error` on a Cairo failure. */
static gboolean render_to(Job *job, const char *path, GError **error) {
  FILE *out = g_fopen(path, "wb");
  if (!out) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write '%s': %s", path,
                g_strerror(errno));
    return FALSE;
  }
  cairo_surface_t *surface =
      cairo_pdf_surface_create_for_stream(write_stream, out, job->paper->width, job->paper->height);
  cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
  set_metadata(job, surface);
  cairo_t *cr = cairo_create(surface);
  PangoContext *ctx = pdf_fonts_context(job->fonts);
  pango_cairo_update_context(cr, ctx);
  Renderer r = {surface, cr, &job->style, job->paper, ctx, job->measure, job->text_height, {0}};
  draw_document(job, &r);
  g_object_unref(ctx);
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  gboolean closed = fclose(out) == 0;
  if (status != CAIRO_STATUS_SUCCESS || !closed) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot write the PDF: %s",
                status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(status)
                                               : g_strerror(errno));
    return FALSE;
  }
  return TRUE;
}

/* Writes to a temporary file beside the output, then renames it over the output (output.h:
 * an interrupted or failed build leaves the previous output and no temporary file). */
static gboolean write_atomically(Job *job, GError **error) {
  OutputFile out;
  if (!output_open(&out, job->o->output, error))
    return FALSE;
  if (!render_to(job, out.temp, error)) {
    output_abort(&out);
    return FALSE;
  }
  return output_commit(&out, error);
}

static gboolean load_style(Job *job) {
  style_defaults(&job->style);
  g_autofree char *dir = book_resource_dir(job->book, "styles");
  g_autofree char *path = dir ? g_build_filename(dir, "print.yaml", NULL) : NULL;
  if (path && g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    guint before = diags_errors(job->book->diags);
    const char *display = g_str_has_prefix(path, "./") ? path + 2 : path;
    style_load(&job->style, path, display, job->book->diags);
    if (diags_errors(job->book->diags) > before)
      return FALSE;
  }
  PaperId id = style_paper_id(job->o->paper ? job->o->paper : job->style.default_paper);
  job->paper = &job->style.papers[id == PAPER_COUNT ? PAPER_6X9 : id];
  job->measure = job->paper->width - job->paper->inner - job->paper->outer;
  job->text_height = job->paper->height - job->paper->top - job->paper->bottom;
  return TRUE;
}

gboolean pdf_write(Book *book, const PdfOptions *o, GError **error) {
  Job job = {0};
  job.book = book;
  job.o = o;
  gboolean ok = FALSE;
  g_autofree char *fonts_dir = book_resource_dir(book, "fonts");
  if (!load_style(&job))
    goto out;
  job.fonts = pdf_fonts_new(fonts_dir, &job.style, error);
  if (!job.fonts)
    goto out;
  if (job.style.hyphenate) {
    job.hyphenator =
        hyphenator_new(job.style.hyphen_language, (int)job.style.hyphen_min_word, error);
    if (!job.hyphenator)
      goto out;
  }
  job.layouts = g_ptr_array_new_with_free_func((GDestroyNotify)chapter_layout_free);
  job.pages = g_ptr_array_new_with_free_func(page_free);
  layout_chapters(&job);
  paginate(&job);
  ok = write_atomically(&job, error);
out:
  if (job.pages)
    g_ptr_array_unref(job.pages);
  if (job.layouts)
    g_ptr_array_unref(job.layouts);
  hyphenator_free(job.hyphenator);
  pdf_fonts_free(job.fonts);
  style_clear(&job.style);
  return ok;
}
