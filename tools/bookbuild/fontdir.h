/* fontdir.h: a book's fonts/ folder as both writers see it. Every font file in it (by its
 * extension) is read with fontconfig once; a file fontconfig cannot read (truncated, damaged,
 * not a font) is an environment error, whichever writer asks, so no writer silently drops a
 * face or draws a family in another of its faces. */
#ifndef BOOKBUILD_FONTDIR_H
#define BOOKBUILD_FONTDIR_H

#include <glib.h>

typedef struct {
  char *name;        /* the file's name in the folder */
  char *path;        /* the file's path */
  char *family;      /* its first family name, as fontconfig reads it */
  int weight, slant; /* fontconfig's FC_WEIGHT and FC_SLANT */
} FontFace;

/* The font faces of `dir` (FontFace*, owned by the array), sorted by file name so outputs are
 * reproducible; an empty array when `dir` is NULL or has no font file. NULL with `error` when
 * a font file cannot be read; `shown` names the folder in the message. */
GPtrArray *fontdir_faces(const char *dir, const char *shown, GError **error);

#endif
