/* paginate.h: filling pages with laid-out chapters: line by line, keeping headings with what
 * follows, no single line left at a page's top or bottom, table headers repeated, footnotes at
 * the foot of the page that references them, figures floated to the next page's top (or a
 * drawing set smaller) where they would leave a page short, chapters opening on a recto page;
 * then the spaces between blocks stretched so that facing pages end level, at the foot where
 * they can. */
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
  double scale;      /* a drawing's size, of its own: below 1 where it was set smaller to fit */
} Placement;

/* The height of the placed part, its paddings included. */
double placement_height(const Placement *p);

typedef struct {
  GArray *placements;           /* Placement */
  GPtrArray *notes;             /* Footnote* at the foot */
  const ChapterLayout *chapter; /* NULL for blank pages */
  gboolean opening;             /* the chapter's first page: no running head */
  gboolean blank;
} Page;

typedef struct {
  double height;           /* text block height */
  gboolean recto_openings; /* a book: chapters start on odd pages, pages face each other;
                            * a handout's pages do neither */
  double note_gap;         /* space between text and the footnote rule */
  double line;             /* the body's baseline pitch, and a body line's baseline below its */
  double ascent;           /* top: stretched pages end on the baseline of a line at the foot */
  double stretch;          /* the share of itself by which a space between blocks may grow */
  double shrink;           /* and shrink, to end level with the facing page */
} PageFrame;

/* Appends the pages of one chapter to `pages` (Page*, freed by page_free). A placement may set
 * a paragraph's variant (layout_variant()) rather than the chapter's item: only while the
 * LayoutEnv the chapter was laid out with lives. */
void paginate_chapter(const ChapterLayout *cl, const PageFrame *frame, GPtrArray *pages);
void page_free(gpointer page);

#endif
