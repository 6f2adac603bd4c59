/* cover.h: the cover drawn from the metadata (title, subtitle, authors) when book.yaml names
 * no cover-image: a 1600x2560 PNG, drawn with Pango and Cairo in the book's own fonts. */
#ifndef BOOKBUILD_EPUB_COVER_H
#define BOOKBUILD_EPUB_COVER_H

#include "book.h"
#include "fonts.h"

#define COVER_WIDTH 1600
#define COVER_HEIGHT 2560

/* The PNG's bytes (caller unrefs), drawn in the style's families from `fonts`; NULL with
 * `error` when it cannot be encoded. */
GBytes *cover_draw(const BookMeta *meta, const PrintStyle *style, Fonts *fonts, GError **error);

/* What the drawn cover shows, as a SHA-256 in hex (caller frees): the metadata it prints, the
 * style's families and cover keys, the font files (name, size, modification time), the size, and
 * the versions of bookbuild, Pango and cairo that draw it. Equal keys, equal PNGs: epub.c keeps
 * the PNG under build/cache/ by it and draws it again only when the key changes. */
char *cover_key(const BookMeta *meta, const PrintStyle *style, const GPtrArray *faces);

#endif
