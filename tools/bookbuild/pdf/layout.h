/* layout.h: the PDF writer's intermediate form. A chapter becomes a list of Items (a measured
 * paragraph, code block, table row, image, rule), each split into line boxes the page breaker
 * may break between; Containers (callouts, block quotes) span items and are drawn behind them.
 * Produced by layout.c (with inline.c, justify.c and table.c), placed on pages by paginate.c, drawn
 * by render.c. Units: points. */
#ifndef BOOKBUILD_PDF_LAYOUT_H
#define BOOKBUILD_PDF_LAYOUT_H

#include <pango/pangocairo.h>

#include "book.h"
#include "hyphen.h"
#include "pdf/pdf.h"
#include "style.h"

typedef enum {
  ITEM_TEXT,      /* paragraph, heading, list item text, label */
  ITEM_CODE,      /* code block: shaded, wrapped with continuation marks */
  ITEM_TABLE_ROW, /* one row of a table */
  ITEM_IMAGE,
  ITEM_RULE, /* thematic break */
} ItemKind;

typedef struct {
  double top, height;    /* relative to the item's top; lines stack without gaps */
  double baseline;       /* relative to the line's top */
  double x;              /* the line's offset (indent, alignment) within the layout */
  GPtrArray *notes;      /* Footnote* first referenced on this line, or NULL */
  gboolean continuation; /* code: a wrapped continuation of the previous line */
  gboolean blank;        /* an empty line (code: dropped where a page breaks) */
  int source_line;       /* code: 1-based line within the block, for line numbers */
  double expand;         /* justified text: its glyphs' horizontal scale minus one (0.01: 1% */
                         /* wider), for those justify_font_expands() (the layout's advances */
                         /* already have it; the drawing scales the glyphs to match) */
  double hang;           /* justified text: how far its last glyph hangs past the measure */
} LineBox;

typedef struct {
  int start, end; /* byte range in the layout's text */
  char *dest;     /* named destination, or NULL */
  char *uri;      /* external URI (already escaped for cairo), or NULL */
} LinkSpan;

typedef struct Footnote {
  int number;
  char *dest;          /* its named destination */
  PangoLayout *layout; /* "N  text", set to the measure */
  GArray *links;       /* LinkSpan in the note's text */
  double height;
  gboolean placed;
} Footnote;

typedef struct {
  PangoLayout *layout;
  double x, width; /* cell box within the row */
  double dy;       /* drops the text so first baselines line up across the row */
  GArray *links;   /* LinkSpan in the cell's text */
} Cell;

typedef struct Item {
  ItemKind kind;
  double x, width;                  /* from the text block's left edge */
  double space_before, space_after; /* dropped at page breaks */
  double pad_top, pad_bottom;       /* kept (inside a container or code box) */
  PangoLayout *layout;              /* TEXT, CODE */
  GArray *lines;                    /* LineBox: TEXT and CODE one per line; others a single box */
  GArray *links;                    /* LinkSpan */
  PangoLayout *marker;              /* list bullet or number, drawn left of the first line */
  double marker_x;
  GPtrArray *dests; /* char*: named destinations at the item's top */
  gboolean keep_with_next;
  gboolean no_indent_next; /* (headings) the next paragraph has no first-line indent */
  int heading_level;       /* 0 when not a heading */
  char *outline_title;     /* headings shown in the outline / contents, or NULL */
  char *outline_dest;
  gboolean chapter_title; /* the chapter opening display */
  /* tables */
  GPtrArray *cells;    /* Cell*, TABLE_ROW */
  struct Item *header; /* the table's header row to repeat after a page break, or NULL */
  gboolean is_header, zebra;
  double rule_below; /* width of a rule under the row, 0 for none */
  /* code */
  double char_width; /* the code face's advance, measured (code_block): the line-number gutter */
  /* images */
  cairo_surface_t *image;  /* a picture, or NULL for a drawing */
  const Callout *drawing;  /* a DIAGRAM's drawing (diagram.h), drawn as vectors, or NULL */
  double image_w, image_h; /* as placed, points */
  /* where it came from, for warnings */
  int source_line;
  /* the Markdown block it sets (a table row for a row), and the block's first inline when the
   * item sets only the rest (a callout's text after its marker line): where a page that opens
   * with it begins, for the EPUB's page list (pagelist.h); NULL for none */
  cmark_node *block, *from;
  GArray *anchors;   /* index places (index.h) in the text: {byte index, place number} int pairs,
                      * or NULL */
  GArray *uncounted; /* {start, end} byte ranges of the text the page list counts no words in
                      * (footnote marks, image alt texts), int pairs, or NULL */
  /* a justified paragraph set one line longer and one line shorter, within a tolerance, for the
   * page breaker to choose (TeX's \looseness): built when first asked for (layout_variant), from
   * `plan`, which lives until the chapters are paginated; NULL until then, or for none */
  struct Item *longer, *shorter;
  struct ItemPlan *plan;
} Item;

/* A block quote or callout. A chapter's containers are sorted outermost first (by depth, and
 * in closing order within a depth), the order they are drawn in. */
typedef struct {
  CalloutKind kind;  /* CALLOUT_KIND_COUNT for a block quote */
  guint first, last; /* item indices, inclusive */
  double x, width;
  int depth; /* 0 for a container in no other */
} Container;

/* A chapter laid out: items, containers and footnotes. */
typedef struct {
  const Chapter *chapter;
  const char *number;   /* "3" for "3. Variables, ...", or NULL (the TOC's label) */
  const char *title;    /* the title without its number (the TOC's bare title) */
  char *dest;           /* the chapter's named destination */
  GPtrArray *items;     /* Item*, owned */
  GArray *containers;   /* Container */
  GPtrArray *footnotes; /* Footnote*, owned */
} ChapterLayout;

/* What layout.c needs to lay a chapter out. */
typedef struct {
  const Book *book;
  const PrintStyle *style;
  const Paper *paper;
  PangoContext *context;
  const Hyphenator *hyphenator; /* NULL: no hyphenation */
  double measure;               /* text block width */
  double text_height;           /* text block height */
  gboolean draft;
  const Chapter *only; /* a handout's chapter: links elsewhere are left as text */
  Diags *diags;        /* font and overfull warnings */
  PdfTexture *texture; /* NULL, or the justified text's texture to add to, lines noted */
} LayoutEnv;

/* Lays one chapter out. Caller frees with chapter_layout_free(). */
ChapterLayout *chapter_layout_new(const LayoutEnv *env, const Chapter *chapter);
void chapter_layout_free(ChapterLayout *cl);

/* Named destination of a chapter (`heading` NULL) or a heading. Caller frees. */
char *layout_dest_name(const Chapter *chapter, const Heading *heading);

/* A table's column widths for columns whose cells want `natural` widths (unbroken) and need
 * at least `minimal` (their longest word): the natural widths when they fit (stretched to the
 * measure when they nearly fill it); otherwise each column's longest word plus a share of the
 * rest in proportion to what it still wants, scaled down when even the words do not fit.
 * Returns `ncols` widths; caller frees. */
double *layout_column_widths(const double *natural, const double *minimal, guint ncols,
                             double measure);

/* Item `it`, a justified paragraph, set one line longer (`dir` 1) or one line shorter (-1)
 * within TeX's tolerance, its lines and spaces otherwise as `it` has them: built the first time
 * it is asked for, and `it`'s from then on (freed with it). NULL when the paragraph has no such
 * variant. Only while the LayoutEnv the chapter was laid out with lives. */
Item *layout_variant(const Item *it, int dir);

/* Whether layout_variant(it, dir) gives a variant. */
gboolean layout_has_variant(const Item *it, int dir);

/* Forgets how to set the chapter's paragraph variants (its LayoutEnv is about to go); those
 * built stay. */
void chapter_layout_drop_plans(ChapterLayout *cl);

/* Fills item->lines from item->layout. */
void layout_measure_lines(Item *item);

/* An empty item of `kind`; caller frees with item_free() (or gives it to a ChapterLayout). */
Item *item_new(ItemKind kind);
void item_free(gpointer item);

/* Total height of an item's lines plus padding. */
double item_height(const Item *item);

/* Whether glyphs of `font` take part in a justified line's font expansion (justify.c): those of
 * proportional faces do, monospace ones do not. */
gboolean justify_font_expands(PangoFont *font);

#endif
