/* paginate.h: filling pages with laid-out chapters: line by line, keeping headings with what
 * follows, no single line left at a page's top or bottom, table headers repeated, footnotes at
 * the foot of the page that references them, chapters opening on a recto page. */
#ifndef BOOKBUILD_PDF_PAGINATE_H
#define BOOKBUILD_PDF_PAGINATE_H

#include "layout.h"

typedef struct {
  const Item *item;
  guint index;       /* the item's place in its chapter's items (a repeated table header:
                      * the place of the row it heads on this page) */
  guint first, last; /* line range shown, inclusive */
  double y;          /* top of the shown part (its padding included), from the text block top */
  gboolean repeated; /* a table header repeated after a break */
} Placement;

typedef struct {
  GArray *placements;           /* Placement */
  GPtrArray *notes;             /* Footnote* at the foot */
  const ChapterLayout *chapter; /* NULL for blank pages */
  gboolean opening;             /* the chapter's first page: no running head */
  gboolean blank;
} Page;

typedef struct {
  double height;           /* text block height */
  gboolean recto_openings; /* chapters start on odd pages (books); handouts don't */
  double note_gap;         /* space between text and the footnote rule */
} PageFrame;

/* Appends the pages of one chapter to `pages` (Page*, freed by page_free). */
void paginate_chapter(const ChapterLayout *cl, const PageFrame *frame, GPtrArray *pages);
void page_free(gpointer page);

#endif
