/* cover.h: the cover drawn from the metadata (title, subtitle, authors) when book.yaml names
 * no cover-image: a 1600x2560 PNG, drawn with Pango and Cairo in the book's own fonts. */
#ifndef BOOKBUILD_EPUB_COVER_H
#define BOOKBUILD_EPUB_COVER_H

#include "book.h"
#include "cache.h"
#include "fonts.h"

#define COVER_WIDTH 1600
#define COVER_HEIGHT 2560

/* The cache key of the cover these inputs draw (see cache.h): the metadata it shows, the
 * style's cover and font keys, the font files in `faces` (FontFace*), and the versions of the
 * libraries that draw and encode it. NULL when nothing is cached. Caller frees. */
CacheKey *cover_cache_key(const char *root, const BookMeta *meta, const PrintStyle *style,
                          const GPtrArray *faces);

/* The PNG's bytes (caller unrefs), drawn in the style's families from `fonts`; NULL with
 * `error` when it cannot be encoded. */
GBytes *cover_draw(const BookMeta *meta, const PrintStyle *style, Fonts *fonts, GError **error);

#endif
