/* fonts.h: the book's fonts, from its fonts/ folder only, never the system's. Every font file
 * is read with fontconfig once per command; a file fontconfig cannot read (truncated, damaged,
 * not a font) is an environment error whichever output asks, so no output silently drops a face
 * or draws a family in another of its faces. The Pango font map over them (a private fontconfig
 * configuration, 72 dpi, unhinted metrics) lays out the PDF and draws the EPUB's cover. */
#ifndef BOOKBUILD_FONTS_H
#define BOOKBUILD_FONTS_H

#include <pango/pangocairo.h>

#include "style.h"

typedef struct {
  char *name;             /* the file's name in the folder */
  char *path;             /* the file's path */
  char *family;           /* its first family name, as fontconfig reads it */
  int weight, slant;      /* fontconfig's FC_WEIGHT and FC_SLANT */
  const char *media_type; /* "font/otf", ... (static); NULL for a collection an EPUB cannot hold */
} FontFace;

/* The font faces of `dir` (FontFace*, owned by the array; the caller unrefs it), sorted by file
 * name so outputs are reproducible; an empty array when `dir` is NULL or has no font file. NULL
 * with `error` when a font file cannot be read; `shown` names the folder in the message. What
 * the files say is kept in `cache_root`'s build cache (cache.h; NULL: none) under their
 * identities, so an unchanged folder is not read again. */
GPtrArray *fonts_read_dir(const char *dir, const char *shown, const char *cache_root,
                          GError **error);

typedef struct Fonts Fonts;

/* A font map over the fonts of `dir` (call fonts_read_dir() first: it refuses a damaged file,
 * which fontconfig would skip), checking that the style's four families are among them. NULL
 * with `error` (an environment error) when the folder has no usable font or a family is missing.
 * The caller frees it with fonts_free(). */
Fonts *fonts_new(const char *dir, const PrintStyle *style, GError **error);
void fonts_free(Fonts *fonts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Fonts, fonts_free)

/* A new layout on `ctx` in `family` at `size` points (an absolute size), `weight` and `slant`:
 * the one place the writers and the cover make a font description. Caller unrefs. */
PangoLayout *fonts_layout(PangoContext *ctx, const char *family, double size, PangoWeight weight,
                          PangoStyle slant);

/* A new context for layout and drawing on the font map; the caller unrefs it. */
PangoContext *fonts_context(Fonts *fonts);

#endif
