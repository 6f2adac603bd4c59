/* resources.c: the print style and the fonts, each loaded once per command (see resources.h). */
#include "resources.h"

Resources *resources_load(Book *book) {
  Resources *res = g_new0(Resources, 1);
  style_defaults(&res->style);
  g_autofree char *path = book_resource_file(book, "styles", "print.yaml");
  if (path) {
    const char *display = g_str_has_prefix(path, "./") ? path + 2 : path;
    style_load(&res->style, path, display, book->diags);
  }
  res->fonts_dir = book_resource_dir(book, "fonts");
  res->root = g_strdup(book->root);
  return res;
}

const GPtrArray *resources_faces(Resources *res, GError **error) {
  if (!res->faces) {
    const char *dir = res->fonts_dir;
    const char *shown = dir && g_str_has_prefix(dir, "./") ? dir + 2 : dir;
    res->faces = fonts_read_dir(dir, shown, res->root, error);
  }
  return res->faces;
}

Fonts *resources_fonts(Resources *res, GError **error) {
  if (!res->fonts && resources_faces(res, error))
    res->fonts = fonts_new(res->fonts_dir, &res->style, error);
  return res->fonts;
}

void resources_free(Resources *res) {
  if (!res)
    return;
  fonts_free(res->fonts);
  if (res->faces)
    g_ptr_array_unref(res->faces);
  g_free(res->fonts_dir);
  g_free(res->root);
  style_clear(&res->style);
  g_free(res);
}
