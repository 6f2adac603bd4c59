/* pdfint.h: the PDF writer's document as its files share it (internal to pdf/). */
#ifndef BOOKBUILD_PDF_PDFINT_H
#define BOOKBUILD_PDF_PDFINT_H

#include "fonts.h"
#include "pdf/hyphen.h"
#include "pdf/layout.h"
#include "pdf/paginate.h"
#include "pdf/pdf.h"
#include "pdf/render.h"

/* The Creator the PDF names, also on its copyright page. */
#define BOOKBUILD_CREATOR "bookbuild " BOOKBUILD_VERSION

struct PdfDoc {
  Book *book;
  const PdfOptions *o;
  const PrintStyle *style;
  const Paper *paper;
  Fonts *fonts;
  Hyphenator *hyphenator;
  double measure, text_height;
  GPtrArray *layouts; /* ChapterLayout*, in book order */
  GPtrArray *pages;   /* Page*: the body */
  /* the index at the back (pdf/backindex.c), when the book has one and this is no handout */
  GArray *place_page;     /* int: the body page of each index place, by its number (0: none) */
  GPtrArray *index_lines; /* its lines, each with its page and column; NULL: no index */
  int index_pages;        /* pages it fills */
  gboolean index_blank;   /* a blank verso before it */
};

#define INDEX_TITLE "Index" /* the back-of-book index's heading, outline and contents entry */

/* pdf/backindex.c: where the index's places fell and the index set in two columns, after the
 * body is paginated (nothing for a handout or a book without an index). */
void backindex_typeset(PdfDoc *doc);

/* pdf/backindex.c: the index's pages (and the blank before them), after the body. */
void backindex_render(PdfDoc *doc, Renderer *r);

/* pdf/backindex.c: the number of the index's first page (its folio). */
int backindex_first_page(const PdfDoc *doc);

/* pdf/front.c: the book's front matter, drawn before the body: the title page, the copyright
 * page, the contents with the body's page numbers (roman folios), and a blank verso when the
 * contents end on a recto. */
void front_matter(PdfDoc *doc, Renderer *r);

/* pdf/front.c: how many pages front_matter() gives the contents, with the blank verso after
 * them when there is one (laid out with `ctx`, as drawn). */
int front_contents_pages(PdfDoc *doc, PangoContext *ctx);

/* pdf/front.c: `n` in lower-case roman numerals, the front matter's folios. Caller frees. */
char *front_roman(int n);

/* pdf/front.c: a handout's title block (the book's title, the date and version) above its first
 * page's text. */
void front_handout_block(PdfDoc *doc, Renderer *r);

#endif
