/* epub.h: the EPUB writer's entry point (`bookbuild epub`): an EPUB 3 package with one XHTML
 * file per chapter, built as libxml2 trees and zipped with libzip. */
#ifndef BOOKBUILD_EPUB_EPUB_H
#define BOOKBUILD_EPUB_EPUB_H

#include "book.h"
#include "pagelist.h"
#include "resources.h"

typedef struct {
  const char *output; /* the .epub to write (atomically) */
  gboolean draft;     /* show OUTLINE callouts */
  /* The print edition's pages (PrintPage*, pdf_doc_page_list()): page-break markers where each
   * begins, a page-list nav and the metadata naming `print_source`; NULL for none. */
  const GPtrArray *pages;
  const char *print_source; /* the print edition, as dc:source names it */
  /* The print page of each index place (pdf_doc_place_pages()), the index's link texts; NULL:
   * the places are named by their chapters. */
  const GArray *place_pages;
} EpubOptions;

/* Writes the book, with the fonts of `res` (embedded, and drawing a generated cover in the print
 * style's families). Returns FALSE with `error` set for environment problems (the stylesheet,
 * fonts, output); FALSE without an error when the writer added error diagnostics. Warnings
 * (unsafe raw HTML dropped, links the EPUB cannot keep) are added to book->diags. */
gboolean epub_write(Book *book, Resources *res, const EpubOptions *options, GError **error);

#endif
