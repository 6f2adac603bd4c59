/* fonts.h: the PDF's fonts, from fonts/ only: a private fontconfig configuration (no system
 * fonts), a Pango font map at 72 dpi, contexts with unhinted metrics. */
#ifndef BOOKBUILD_PDF_FONTS_H
#define BOOKBUILD_PDF_FONTS_H

#include <pango/pangocairo.h>

#include "style.h"

typedef struct PdfFonts PdfFonts;

/* Loads every font in `dir` and checks that the style's families are among them.
 * NULL with `error` (an environment error) when the folder has no usable font or a family is
 * missing. */
PdfFonts *pdf_fonts_new(const char *dir, const PrintStyle *style, GError **error);
void pdf_fonts_free(PdfFonts *fonts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdfFonts, pdf_fonts_free)

/* A new context for layout and drawing; caller unrefs. */
PangoContext *pdf_fonts_context(PdfFonts *fonts);

#endif
