/* pdf.c: the PDF writer's pipeline: chapters laid out with the shared style and fonts, pages
 * broken (pdf_typeset), then the front matter (pdf/front.c) and the body drawn into a Cairo PDF
 * stream (pdf_render), written atomically (pdf_write). Handouts are one chapter with its own
 * title block. */
#include "pdf/pdf.h"

#include "diagram.h"
#include "output.h"
#include "pdf/pdfint.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

/* ---- layout ---- */

/* The body face's ascent at the body size: a body line's baseline below its top (justify.c's
 * keep_grid() sets every body line so). */
static double body_ascent(PdfDoc *doc) {
  PangoContext *ctx = fonts_context(doc->fonts);
  PangoFontDescription *desc = pango_font_description_from_string(doc->style->font_body);
  pango_font_description_set_size(desc, (int)(doc->paper->body_size * PANGO_SCALE));
  PangoFontMetrics *m = pango_context_get_metrics(ctx, desc, NULL);
  double ascent = pango_font_metrics_get_ascent(m) / (double)PANGO_SCALE;
  pango_font_metrics_unref(m);
  pango_font_description_free(desc);
  g_object_unref(ctx);
  return ascent;
}

static void paginate(PdfDoc *doc) {
  double line = style_line_pitch(doc->style, doc->paper->body_size, doc->paper->body_size);
  PageFrame frame = {
      doc->text_height,          doc->o->chapter == 0,    line, line, body_ascent(doc),
      doc->style->block_stretch, doc->style->block_shrink};
  for (guint i = 0; i < doc->layouts->len; i++)
    paginate_chapter(doc->layouts->pdata[i], &frame, doc->pages);
}

/* Chapters are laid out one after another on one thread: with Pango 1.50 and cairo 1.16,
 * chapters laid out concurrently (each thread with its own font map, even its own fontconfig
 * set) now and then got glyph widths differing in the last bits, so justified lines, and the
 * PDF's bytes, differed between two builds. Reproducible output wins over the ~25% it saved.
 * Then they are broken into pages, while the layout's environment lives. */
static void layout_chapters(PdfDoc *doc) {
  PangoContext *ctx = fonts_context(doc->fonts);
  const Chapter *only = doc->o->chapter ? book_chapter_by_number(doc->book, doc->o->chapter) : NULL;
  LayoutEnv env = {doc->book,      doc->style,       doc->paper,    ctx,  doc->hyphenator,
                   doc->measure,   doc->text_height, doc->o->draft, only, doc->book->diags,
                   doc->o->texture};
  for (guint i = 0; i < doc->book->chapters->len; i++) {
    const Chapter *ch = doc->book->chapters->pdata[i];
    if (!ch->toc || !ch->readable || (only && ch != only))
      continue;
    g_ptr_array_add(doc->layouts, chapter_layout_new(&env, ch));
    if (doc->o->progress)
      doc->o->progress("laying out chapters", i + 1, doc->book->chapters->len);
  }
  paginate(doc); /* while `env` lives: paragraph variants are set as the breaker asks */
  for (guint i = 0; i < doc->layouts->len; i++)
    chapter_layout_drop_plans(doc->layouts->pdata[i]);
  g_object_unref(ctx);
}

/* ---- the body ---- */

static const char *running_head(PdfDoc *doc, const Page *page, gboolean recto) {
  if (!page->chapter || page->opening || page->blank)
    return NULL;
  return recto ? page->chapter->title : doc->book->meta.title;
}

static void body_pages(PdfDoc *doc, Renderer *r) {
  for (guint i = 0; i < doc->pages->len; i++) {
    const Page *page = doc->pages->pdata[i];
    int number = (int)i + 1;
    gboolean recto = doc->o->chapter ? TRUE : number % 2 == 1;
    g_autofree char *label = g_strdup_printf("%d", number);
    PageDecor decor = {label, page->blank ? NULL : label, running_head(doc, page, recto), recto,
                       page->opening};
    if (doc->o->chapter && i == 0)
      front_handout_block(doc, r);
    g_autofree char *dest = g_strdup_printf("page-%d", number);
    render_dest(r, dest, render_text_left(r, recto), doc->paper->top);
    render_page(r, page, &decor);
    if (doc->o->progress)
      doc->o->progress("drawing pages", i + 1, doc->pages->len);
  }
}

/* ---- output ---- */

static void set_metadata(PdfDoc *doc, cairo_surface_t *surface) {
  const BookMeta *m = &doc->book->meta;
  const char *authors = m->authors_line;
  g_ptr_array_add(m->subjects, NULL);
  g_autofree char *keywords = g_strjoinv(", ", (char **)m->subjects->pdata);
  g_ptr_array_remove_index(m->subjects, m->subjects->len - 1);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(book_timestamp(doc->book));
  g_autofree char *date = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
  const Chapter *only = NULL;
  if (doc->o->chapter && doc->layouts->len)
    only = ((ChapterLayout *)doc->layouts->pdata[0])->chapter;
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

static void draw_document(PdfDoc *doc, Renderer *r) {
  cairo_tag_begin(r->cr, "Document", NULL);
  if (!doc->o->chapter)
    front_matter(doc, r);
  body_pages(doc, r);
  backindex_render(doc, r);
  cairo_tag_end(r->cr, "Document");
}

gboolean pdf_render(PdfDoc *doc, cairo_write_func_t write, void *closure, GError **error) {
  if (!diagram_renderer_ready(doc->book, error))
    return FALSE;
  cairo_surface_t *surface =
      cairo_pdf_surface_create_for_stream(write, closure, doc->paper->width, doc->paper->height);
  cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
  set_metadata(doc, surface);
  cairo_t *cr = cairo_create(surface);
  PangoContext *ctx = fonts_context(doc->fonts);
  pango_cairo_update_context(cr, ctx);
  Renderer r = {surface, cr, doc->style, doc->paper, ctx, doc->measure, doc->text_height, {0}};
  draw_document(doc, &r);
  g_object_unref(ctx);
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot write the PDF: %s",
                cairo_status_to_string(status));
    return FALSE;
  }
  return TRUE;
}

static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int len) {
  return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Draws everything into `path` (a temporary file); FALSE with `error` when it cannot. */
static gboolean render_to(PdfDoc *doc, const char *path, GError **error) {
  FILE *out = g_fopen(path, "wb");
  if (!out) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write '%s': %s", path,
                g_strerror(errno));
    return FALSE;
  }
  gboolean ok = pdf_render(doc, write_stream, out, error);
  if (fclose(out) != 0 && ok) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write the PDF: %s",
                g_strerror(errno));
    ok = FALSE;
  }
  return ok;
}

static void set_paper(PdfDoc *doc) {
  PaperId id = style_paper_id(doc->o->paper ? doc->o->paper : doc->style->default_paper);
  doc->paper = &doc->style->papers[id == PAPER_COUNT ? PAPER_6X9 : id];
  doc->measure = doc->paper->width - doc->paper->inner - doc->paper->outer;
  doc->text_height = doc->paper->height - doc->paper->top - doc->paper->bottom;
}

void pdf_doc_free(PdfDoc *doc) {
  if (!doc)
    return;
  if (doc->pages)
    g_ptr_array_unref(doc->pages);
  if (doc->layouts)
    g_ptr_array_unref(doc->layouts);
  if (doc->place_page)
    g_array_unref(doc->place_page);
  if (doc->index_lines)
    g_ptr_array_unref(doc->index_lines);
  hyphenator_free(doc->hyphenator);
  g_free(doc);
}

PdfDoc *pdf_typeset(Book *book, Resources *res, const PdfOptions *o, GError **error) {
  g_autoptr(PdfDoc) doc = g_new0(PdfDoc, 1);
  doc->book = book;
  doc->o = o;
  doc->style = &res->style;
  doc->fonts = resources_fonts(res, error);
  if (!doc->fonts)
    return NULL;
  set_paper(doc);
  if (doc->style->hyphenate) {
    doc->hyphenator =
        hyphenator_new(hyphen_language(doc->style->hyphen_language, book->meta.lang),
                       doc->style->hyphen_exceptions, (int)doc->style->hyphen_min_word, error);
    if (!doc->hyphenator)
      return NULL;
  }
  doc->layouts = g_ptr_array_new_with_free_func((GDestroyNotify)chapter_layout_free);
  doc->pages = g_ptr_array_new_with_free_func(page_free);
  layout_chapters(doc);
  backindex_typeset(doc);
  return g_steal_pointer(&doc);
}

const GPtrArray *pdf_doc_pages(const PdfDoc *doc) { return doc->pages; }

const GArray *pdf_doc_place_pages(const PdfDoc *doc) {
  return doc->index_lines ? doc->place_page : NULL;
}

/* ---- the page list ---- */

/* Whether byte `at` is in one of `uncounted`'s {start, end} ranges (NULL: none). */
static gboolean is_uncounted(const GArray *uncounted, gsize at) {
  for (guint i = 0; uncounted && i + 1 < uncounted->len; i += 2)
    if ((int)at >= g_array_index(uncounted, int, i) &&
        (int)at < g_array_index(uncounted, int, i + 1))
      return TRUE;
  return FALSE;
}

/* The number of words that start before byte `index` of `text`, the word `index` is in
 * included: the line opens with a word's rest after a hyphen or a break in a code span, and
 * the page then begins with that word. Footnote marks and image alt texts (`uncounted`) make
 * no words, as in the manuscript's block text. */
static guint words_before(const char *text, gsize index, const GArray *uncounted) {
  guint words = 0;
  gboolean in_word = FALSE;
  for (const char *p = text; *p && (gsize)(p - text) < index; p = g_utf8_next_char(p)) {
    gunichar ch = g_utf8_get_char(p);
    if (pagelist_ignored(ch) || is_uncounted(uncounted, (gsize)(p - text)))
      continue;
    gboolean space = g_unichar_isspace(ch);
    words += !space && !in_word;
    in_word = !space;
  }
  return words - (in_word && words > 0);
}

/* Where a page that opens with lines [first...] of `it` begins in the manuscript. */
static void page_start(PrintPage *pp, const Item *it, guint first) {
  pp->block = it->block;
  pp->from = it->from;
  if (!it->block || first == 0)
    return;
  g_autofree char *text = pagelist_block_text(it->block, it->from);
  if (it->kind == ITEM_TEXT && it->layout) {
    PangoLayoutLine *line = pango_layout_get_line_readonly(it->layout, (int)first);
    if (line)
      pp->offset =
          pagelist_word_offset(text, words_before(pango_layout_get_text(it->layout),
                                                  (gsize)line->start_index, it->uncounted));
  } else if (it->kind == ITEM_CODE) {
    int source_line = g_array_index(it->lines, LineBox, first).source_line;
    const char *p = text;
    for (int k = 1; k < source_line && p; k++)
      if ((p = strchr(p, '\n')))
        p++;
    pp->offset = p ? g_utf8_pointer_to_offset(text, p) : 0;
  }
}

GPtrArray *pdf_doc_page_list(PdfDoc *doc) {
  GPtrArray *list = print_pages_new();
  print_page_add(list, "i", PRINT_TITLE);
  print_page_add(list, "ii", PRINT_COPYRIGHT);
  PangoContext *ctx = fonts_context(doc->fonts);
  int contents = front_contents_pages(doc, ctx);
  g_object_unref(ctx);
  for (int k = 0; k < contents; k++) {
    g_autofree char *label = front_roman(3 + k);
    print_page_add(list, label, PRINT_CONTENTS);
  }
  guint blanks = 0; /* blank pages waiting for the next page's place */
  for (guint i = 0; i < doc->pages->len; i++) {
    const Page *page = doc->pages->pdata[i];
    g_autofree char *label = g_strdup_printf("%u", i + 1);
    PrintPage *pp = print_page_add(list, label, PRINT_BODY);
    const Placement *pl = NULL;
    for (guint k = 0; page->placements && k < page->placements->len && !pl; k++)
      if (!g_array_index(page->placements, Placement, k).repeated)
        pl = &g_array_index(page->placements, Placement, k);
    if (page->blank || !pl) {
      blanks++;
      continue;
    }
    pp->chapter = page->chapter->chapter;
    page_start(pp, pl->item, pl->first);
    for (; blanks > 0; blanks--) { /* a blank page stands where the next one begins */
      PrintPage *b = list->pdata[list->len - 1 - blanks];
      b->chapter = pp->chapter;
      b->block = pp->block;
      b->from = pp->from;
      b->offset = pp->offset;
    }
  }
  for (guint k = 0; k < blanks; k++) { /* blank at the end: the last chapter's end */
    PrintPage *b = list->pdata[list->len - 1 - k];
    for (guint j = list->len - 1 - blanks; j > 0 && !b->chapter; j--) {
      const PrintPage *prev = list->pdata[j];
      if (prev->chapter) {
        *b = (PrintPage){b->label, PRINT_BODY, prev->chapter, prev->block, prev->from, G_MAXLONG};
      }
    }
  }
  for (int k = 0; doc->index_lines && k < doc->index_blank + doc->index_pages; k++) {
    g_autofree char *label = g_strdup_printf("%u", doc->pages->len + 1 + (guint)k);
    print_page_add(list, label, PRINT_INDEX);
  }
  return list;
}

/* Typesets, then draws into a temporary file beside the output and renames it over the output
 * (output.h: an interrupted or failed build leaves the previous output and no temporary file). */
gboolean pdf_doc_write(PdfDoc *doc, const char *output, GError **error) {
  OutputFile out;
  if (!output_open(&out, output, error))
    return FALSE;
  if (!render_to(doc, out.temp, error)) {
    output_abort(&out);
    return FALSE;
  }
  return output_commit(&out, error);
}

gboolean pdf_write(Book *book, Resources *res, const PdfOptions *o, GError **error) {
  g_autoptr(PdfDoc) doc = pdf_typeset(book, res, o, error);
  return doc && pdf_doc_write(doc, o->output, error);
}
