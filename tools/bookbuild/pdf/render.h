/* render.h: drawing placed pages with Cairo: text lines, code boxes, containers, tables,
 * images, footnotes, running heads and folios, plus the PDF's links, destinations and outline. */
#ifndef BOOKBUILD_PDF_RENDER_H
#define BOOKBUILD_PDF_RENDER_H

#include <cairo-pdf.h>

#include "paginate.h"

typedef struct {
  cairo_surface_t *surface;
  cairo_t *cr;
  const PrintStyle *style;
  const Paper *paper;
  PangoContext *context; /* for running heads and folios */
  double measure, text_height;
  int outline[4]; /* the last outline id at each level (0 = root) */
} Renderer;

/* What goes around a page's text block. */
typedef struct {
  const char *label;      /* page label ("iii", "12"), set on the PDF page */
  const char *folio;      /* shown page number, or NULL */
  const char *head;       /* running head, or NULL */
  gboolean recto;         /* odd pages: inner margin on the left */
  gboolean folio_at_foot; /* chapter openings and front matter */
} PageDecor;

/* Left edge of the text block on a recto or verso page. */
double render_text_left(const Renderer *r, gboolean recto);

/* Draws one page of body text and ends the page. */
void render_page(Renderer *r, const Page *page, const PageDecor *decor);

/* Sets the page label and draws the running head and folio (for pages render.c does not fill). */
void render_decor(Renderer *r, const PageDecor *decor);

/* A layout drawn with its top-left at (x, y). */
void render_layout(Renderer *r, PangoLayout *layout, double x, double y, Rgb colour);

/* A named destination at (x, y) on the current page. */
void render_dest(Renderer *r, const char *name, double x, double y);

/* A link over the rectangle, to a named destination or a URI (one of them non-NULL). */
void render_link(Renderer *r, const char *dest, const char *uri, double x, double y, double w,
                 double h);

/* Adds an outline entry at `level` (1 = chapter) pointing at `dest`. */
void render_outline(Renderer *r, int level, const char *title, const char *dest);

#endif
