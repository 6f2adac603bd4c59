/* diagram.h: drawn diagrams. A ```dot block inside a `> [!DIAGRAM] Title` callout is the
 * callout's drawing, its prose the drawing's description. Graphviz lays each drawing out once,
 * styled by the print style, into an SVG both writers use (the EPUB as an image, the PDF drawn
 * as vectors by librsvg). Not here: where the writers put it. */
#ifndef BOOKBUILD_DIAGRAM_H
#define BOOKBUILD_DIAGRAM_H

#include <cairo.h>

#include "book.h"
#include "style.h"

/* Limits on a drawing, checked before Graphviz lays it out (a hostile graph is refused at once,
 * never laid out): its source, its nodes and edges, and each numeric attribute's value. */
#define DIAGRAM_MAX_SOURCE_BYTES 8192
#define DIAGRAM_MAX_NODES 40
#define DIAGRAM_MAX_EDGES 80
#define DIAGRAM_MAX_SUBGRAPHS 12
/* Graphviz lays each drawing out in a child process, killed when it has used this much CPU
 * time (not wall time: a drawing that fits on an idle machine fits on a busy one). */
#define DIAGRAM_LAYOUT_MS 1000

/* Finds each DIAGRAM's drawing, checks it (rule `diagram`: a dot block outside a DIAGRAM, two
 * drawings in one, a drawing without a description, a syntax error, an attribute not allowed,
 * a graph too large), and lays the good ones out into Callout.svg. `fonts_dir` is the folder the
 * labels are measured with (Graphviz measures text through fontconfig's current configuration,
 * which this points at that folder, for good: the PDF's librsvg then draws with the same files).
 * Problems are diagnostics in book->diags. */
void diagram_draw_all(Book *book, const PrintStyle *style, const char *fonts_dir);

/* The widest a drawing may be: the callout's inner width on the narrowest paper, points. */
double diagram_max_width(const PrintStyle *style);

/* Whether the book's drawings can be drawn: TRUE when it has none, or librsvg (opened on first
 * use, lazy.h) is there; FALSE with `error` when it cannot be opened. */
gboolean diagram_renderer_ready(const Book *book, GError **error);

/* Draws the drawing with librsvg as vectors onto `cr`, scaled into width x height points at
 * the current point of origin: its text stays text in the book's fonts (fontconfig's current
 * configuration, see diagram_draw_all()). FALSE when librsvg cannot read or draw it. */
gboolean diagram_render(const Callout *co, cairo_t *cr, double width, double height);

#endif
