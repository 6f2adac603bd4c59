/* resources.h: what the outputs need beside the Book, loaded and checked once per command and
 * shared: the print style (styles/print.yaml over the built-in defaults) and the book's fonts
 * (fonts/). The PDF typesets with both; the EPUB embeds the font files and draws its generated
 * cover with the print style's families; `check` reports the style's problems too, so a book
 * that `check` accepts never fails an output on them. */
#ifndef BOOKBUILD_RESOURCES_H
#define BOOKBUILD_RESOURCES_H

#include "book.h"
#include "fonts.h"
#include "style.h"

typedef struct {
  PrintStyle style; /* the defaults, overlaid by the book's or the installed print.yaml */
  char *fonts_dir;  /* the fonts/ folder in use (the book's or the installed); NULL: none */
  char *root;       /* the book's root, whose build/cache/ keeps what the font files say */
  GPtrArray *faces; /* FontFace*: its font files, once resources_faces() read them */
  Fonts *fonts;     /* the font map, once resources_fonts() made it */
} Resources;

/* The print style, loaded over the defaults; its problems (YAML errors, unknown keys, bad
 * values) are added to book->diags against the file's path. Always returns the resources (the
 * caller frees them with resources_free()); the caller tells errors by book->diags. */
Resources *resources_load(Book *book);

/* The font files of fonts/ (FontFace*, owned by `res`), read on the first call. NULL with
 * `error` when one of them is damaged. */
const GPtrArray *resources_faces(Resources *res, GError **error);

/* The font map over fonts/ (owned by `res`), made on the first call after the files were read
 * and checked. NULL with `error` when a file is damaged, the folder has no usable font, or a
 * family the style names is not there. */
Fonts *resources_fonts(Resources *res, GError **error);

void resources_free(Resources *res);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Resources, resources_free)

#endif
