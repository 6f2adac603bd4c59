/* pdf.h: the PDF writer's entry point: `bookbuild pdf` and the course handouts. */
#ifndef BOOKBUILD_PDF_PDF_H
#define BOOKBUILD_PDF_PDF_H

#include "book.h"
#include "pagelist.h"
#include "resources.h"

#include <cairo.h>

/* The texture of the book's justified text, as the line breaker set it (pdf --verbose). */
typedef struct {
  guint lines;       /* justified lines (a paragraph's last line is not one) */
  guint loose;       /* of those, looser than TeX's tolerance (badness above 200) */
  guint short_lines; /* needing spaces over twice natural: left short of the measure */
  guint hyphenated;  /* ending in a hyphen */
  GArray *spaces;    /* double per line: its word spaces over natural; the caller frees it */
} PdfTexture;

typedef struct {
  const char *output; /* the PDF to write (atomically) */
  const char *paper;  /* a4, letter, 6x9, 7x9.25, or NULL for the style's default */
  int chapter;        /* 0: the whole book; N: a handout of the TOC's chapter N */
  gboolean draft;     /* show OUTLINE callouts */
  /* Told as the long steps advance ("laying out chapters", "drawing pages"); NULL for none. */
  BookProgressFunc progress;
  /* When not NULL: filled with the justified text's texture, and each loose or short line is
   * a note (loose-line, short-line) at its Markdown line. */
  PdfTexture *texture;
} PdfOptions;

/* The book laid out and broken into pages, ready to draw. */
typedef struct PdfDoc PdfDoc;

/* Lays out and paginates the book (or the handout `options` asks for) with the style and fonts
 * of `res`; the book, `res` and `options` must outlive the document. NULL with `error` for
 * environment problems (fonts, the hyphenation dictionary). Layout warnings (missing glyphs,
 * overfull lines) are added to book->diags. The caller frees it with pdf_doc_free(). */
PdfDoc *pdf_typeset(Book *book, Resources *res, const PdfOptions *options, GError **error);
void pdf_doc_free(PdfDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdfDoc, pdf_doc_free)

/* The body's pages (Page*, pdf/paginate.h), owned by the document. */
const GPtrArray *pdf_doc_pages(const PdfDoc *doc);

/* Every page of the document as the PDF labels it, front matter first, with where each
 * begins in the manuscript (pagelist.h); the book's, not a handout's. Caller frees. */
GPtrArray *pdf_doc_page_list(PdfDoc *doc);

/* The body page of each index place (index.h), by place number (0: not placed); NULL when the
 * document has no index. Owned by the document. */
const GArray *pdf_doc_place_pages(const PdfDoc *doc);

/* Draws the document (front matter, body, outline, links, metadata) as a PDF into `write`
 * (cairo's stream callback) with `closure`. FALSE with `error` when cairo fails. */
gboolean pdf_render(PdfDoc *doc, cairo_write_func_t write, void *closure, GError **error);

/* pdf_render() into `output`, written atomically. FALSE with `error` when it cannot. */
gboolean pdf_doc_write(PdfDoc *doc, const char *output, GError **error);

/* pdf_typeset(), then pdf_render() into options->output, written atomically. FALSE with
 * `error` for environment problems (fonts, output). */
gboolean pdf_write(Book *book, Resources *res, const PdfOptions *options, GError **error);

#endif
