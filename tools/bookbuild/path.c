/* path.c: paths inside the manuscript (see path.h). */
#include "path.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

gboolean path_is_inside(const char *dir, const char *path) {
  g_autofree char *real_dir = realpath(dir, NULL);
  g_autofree char *real = realpath(path, NULL);
  if (!real_dir || !real)
    return TRUE; /* a missing file is reported by whoever opens it */
  gsize n = strlen(real_dir);
  return strncmp(real, real_dir, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

char *path_normalize(const char *base_dir, const char *rel) {
  g_autofree char *joined = g_build_filename("/", base_dir, rel, NULL);
  g_autofree char *canon = g_canonicalize_filename(joined, "/");
  /* g_canonicalize_filename clamps ".." at the root, so compare segment counts instead. */
  int depth = 0;
  g_autofree char *whole = g_strconcat(base_dir, "/", rel, NULL);
  g_auto(GStrv) parts = g_strsplit(whole, "/", -1);
  for (int i = 0; parts[i]; i++) {
    if (strcmp(parts[i], "..") == 0)
      depth--;
    else if (*parts[i] && strcmp(parts[i], ".") != 0)
      depth++;
    if (depth < 0)
      return NULL;
  }
  return g_strdup(canon + 1);
}

char *path_relative(const char *from_dir, const char *to) {
  g_auto(GStrv) from = g_strsplit(from_dir, "/", -1);
  g_auto(GStrv) dest = g_strsplit(to, "/", -1);
  guint common = 0;
  while (from[common] && dest[common] && dest[common + 1] &&
         strcmp(from[common], dest[common]) == 0)
    common++;
  GString *out = g_string_new(NULL);
  for (guint i = common; from[i]; i++)
    if (*from[i] && strcmp(from[i], ".") != 0)
      g_string_append(out, "../");
  for (guint i = common; dest[i]; i++)
    g_string_append_printf(out, "%s%s", dest[i], dest[i + 1] ? "/" : "");
  return g_string_free(out, FALSE);
}
