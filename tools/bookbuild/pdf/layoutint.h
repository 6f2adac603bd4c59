/* layoutint.h: what the files of the PDF layout share (internal to pdf/): the state of a chapter
 * being laid out, inline text being collected for one PangoLayout, and the functions one file
 * calls in another. layout.c lays the blocks out, inline.c turns inline nodes into text with
 * attributes, justify.c breaks and justifies a paragraph, table.c sets tables. */
#ifndef BOOKBUILD_PDF_LAYOUTINT_H
#define BOOKBUILD_PDF_LAYOUTINT_H

#include "fonts.h"
#include "pdf/layout.h"

typedef struct {
  const LayoutEnv *env;
  const Chapter *ch;
  ChapterLayout *cl;
  double body;          /* body size */
  double line;          /* body line height */
  int depth;            /* container nesting */
  gboolean indent_next; /* first-line indent for the next paragraph */
  cmark_node *block;    /* the block being laid out: the items pushed get it (Item.block) */
  cmark_node *from;     /* and its first inline set, when not its first child */
} Ctx;

typedef struct {
  double x, width;
  gboolean tight; /* inside a list item: no paragraph spacing or indent */
  int list_level;
} Frame;

typedef struct {
  Ctx *c;
  GString *text;
  PangoAttrList *attrs;
  GArray *links; /* LinkSpan */
  GArray *notes; /* footnote refs: {byte index, number} as pairs of ints */
  gunichar prev; /* for typographic quotes */
  gboolean hyphenate;
  gboolean hard_break; /* holds a hard line break */
  double size;         /* font size of the run */
  const char *mono;
  int code_spans;       /* code spans seen */
  gboolean code_breaks; /* let long code spans break at . _ / (a loose paragraph's retry) */
  int unbroken;         /* characters since the text's last break opportunity */
  gboolean items_split; /* split_long_items has marked the text */
  GArray *anchors;      /* index places in the text: {byte index, place number} as int pairs */
  GArray *uncounted;    /* {start, end} byte ranges as int pairs: footnote marks and image alt
                         * texts, which the manuscript's block text (pagelist.h) counts nothing for */
} Inline;

typedef struct {
  const char *family;
  double size;
  PangoWeight weight;
  PangoStyle slant;
  PangoAlignment align;
  gboolean justify;
  double indent;
  double leading; /* multiple of the face's height (Pango's line spacing), when `line` is 0 */
  double line;    /* baseline to baseline, points, on every line (the body's grid); 0: none */
} TextLook;

/* ---- layout.c ---- */

/* A layout warning at the block's source line (rule `rule`). */
void layout_warn(Ctx *c, int line, const char *rule, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Warns [font-glyph] when `layout` has characters the shipped fonts lack (`what`: "paragraph",
 * "table cell", ...). */
void layout_check_glyphs(Ctx *c, PangoLayout *layout, const char *what, int source_line);

/* Appends an item to the chapter's list, which takes it. */
void layout_push(Ctx *c, Item *it);

/* ---- inline.c ---- */

void inline_init(Inline *in, Ctx *c, double size, gboolean hyphenate);
void inline_clear(Inline *in);

/* Makes `to` a copy of `from` (its own text, attributes, links and marks); clear both. */
void inline_copy(Inline *to, const Inline *from);

/* Adds `a` over bytes [start, end) of the text; the list takes it. */
void inline_attr(Inline *in, PangoAttribute *a, gsize start, gsize end);

/* Appends text, made typographic unless `raw`. */
void inline_append(Inline *in, const char *s, gboolean raw);

/* The inline content of `node` (its children), or one inline node, appended to `in`. */
void inline_children(Inline *in, cmark_node *node);
void inline_node(Inline *in, cmark_node *n);

/* Warns that a raw-HTML image at `line` prints as its alt text only. */
void inline_raw_img_unprinted(Ctx *c, int line, const char *src);

/* ---- justify.c ---- */

/* Sets `layout`'s line spacing so that lines of its own face stand `pitch` points apart, baseline
 * to baseline (Pango's line spacing multiplies the face's height, not its size). */
void justify_set_pitch(PangoLayout *layout, double pitch);

/* The body text's look, with or without a first-line indent. */
TextLook justify_body_look(Ctx *c, gboolean indent);

/* An item for the collected text `in` set with `look` in frame `f`, its lines measured and
 * checked. The item takes the text's links and notes. */
Item *justify_text_item(Ctx *c, const Frame *f, Inline *in, const TextLook *look, int source_line);

/* The share of `ch`'s width that hangs into the right (`right`) or left margin at a justified
 * line's end or start (margin kerning), 0 for characters that do not hang. */
double justify_protrusion(gunichar ch, gboolean right);

/* The font expansion (scale minus one, a multiple of 0.5%, within 2% either way) for a line
 * needing `diff` more width (less when negative) with `spaces` of word spaces and `glyphs` of
 * expandable glyph width (Pango units). */
double justify_expansion(int diff, int spaces, int glyphs);

/* Total fit's demerits for a line before its break's penalty: `ratio` is its stretch (or
 * shrink) over what its spaces and glyphs give, `gap` the width it must grow by to fill the
 * measure, with `spaces` of word spaces and `glyphs` of expandable glyph width (Pango units). A
 * line that stops short (spaces wider than twice natural would not fill it) costs far more than
 * any line that fills the measure, and more the further short it stops. */
double justify_line_demerits(double ratio, int gap, int spaces, int glyphs);

/* Frees the item's plan for its variants (Item.plan), if it has one. */
void justify_plan_free(Item *it);

/* A paragraph (from inline node `from` on, or all of it when NULL) as a justified item. */
void justify_paragraph(Ctx *c, const Frame *f, cmark_node *node, cmark_node *from);

/* ---- table.c ---- */

/* A GFM table: rows as items, the header repeated after page breaks. */
void table_layout(Ctx *c, const Frame *f, cmark_node *node);

#endif
