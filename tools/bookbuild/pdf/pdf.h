/* pdf.h: the PDF writer's entry point: `bookbuild pdf` and the course handouts. */
#ifndef BOOKBUILD_PDF_PDF_H
#define BOOKBUILD_PDF_PDF_H

#include "book.h"
#include "pdf/style.h"

typedef struct {
  const char *output; /* the PDF to write (atomically) */
  const char *paper;  /* a4, letter, 6x9, 7x9.25, or NULL for the style's default */
  int chapter;        /* 0: the whole book; N: a handout of the TOC's chapter N */
  gboolean draft;     /* show OUTLINE callouts */
  /* Called as the long steps advance ("laying out chapters", "drawing pages"), with how many
   * of how many are done; NULL for none. */
  void (*progress)(const char *step, guint done, guint total);
} PdfOptions;

/* Typesets the book. Returns FALSE with `error` set for environment problems (fonts, output);
 * FALSE without an error when the print style or layout added error diagnostics to
 * book->diags. Warnings (missing glyphs, overfull lines) are added to book->diags. */
gboolean pdf_write(Book *book, const PdfOptions *options, GError **error);

#endif
