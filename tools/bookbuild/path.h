/* path.h: paths inside the manuscript: where a relative path leads, and whether a file really
 * lies under a folder once symbolic links are followed. */
#ifndef BOOKBUILD_PATH_H
#define BOOKBUILD_PATH_H

#include <glib.h>

/* TRUE when `path`, symbolic links resolved, lies inside `dir` (or does not exist yet: whoever
 * opens it reports that). */
gboolean path_is_inside(const char *dir, const char *path);

/* Normalises `rel` against `base_dir` (both relative, '/'-separated): "chapters" and
 * "../images/x.png" give "images/x.png". NULL when the result would leave the base. Caller
 * frees. */
char *path_normalize(const char *base_dir, const char *rel);

/* The relative path from folder `from_dir` to `to` (both normalised, relative to one base, '/'
 * separated): "chapters" and "images/x.png" give "../images/x.png". Caller frees. */
char *path_relative(const char *from_dir, const char *to);

#endif
