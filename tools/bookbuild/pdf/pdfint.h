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
};

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
