/* fontdir.c: the fonts/ folder, read once per writer (see fontdir.h). */
#include "fontdir.h"

#include <fontconfig/fontconfig.h>
#include <fontconfig/fcfreetype.h> /* after fontconfig.h, which it needs */
#include <string.h>

static gboolean is_font_file(const char *name) {
  static const char *const exts[] = {".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"};
  g_autofree char *lower = g_ascii_strdown(name, -1);
  for (gsize i = 0; i < G_N_ELEMENTS(exts); i++)
    if (g_str_has_suffix(lower, exts[i]))
      return TRUE;
  return FALSE;
}

static void face_free(gpointer p) {
  FontFace *f = p;
  g_free(f->name);
  g_free(f->path);
  g_free(f->family);
  g_free(f);
}

static gint face_cmp(gconstpointer a, gconstpointer b) {
  return strcmp((*(const FontFace *const *)a)->name, (*(const FontFace *const *)b)->name);
}

GPtrArray *fontdir_faces(const char *dir, const char *shown, GError **error) {
  g_autoptr(GPtrArray) faces = g_ptr_array_new_with_free_func(face_free);
  g_autoptr(GDir) d = dir ? g_dir_open(dir, 0, NULL) : NULL;
  for (const char *name; d && (name = g_dir_read_name(d));) {
    if (!is_font_file(name))
      continue;
    g_autofree char *path = g_build_filename(dir, name, NULL);
    int count = 0;
    FcPattern *pat = FcFreeTypeQuery((const FcChar8 *)path, 0, NULL, &count);
    FcChar8 *family = NULL;
    if (!pat || FcPatternGetString(pat, FC_FAMILY, 0, &family) != FcResultMatch) {
      if (pat)
        FcPatternDestroy(pat);
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                  "font file '%s/%s' cannot be read (damaged, or not a font)", shown, name);
      return NULL;
    }
    FontFace *f = g_new0(FontFace, 1);
    f->name = g_strdup(name);
    f->path = g_steal_pointer(&path);
    f->family = g_strdup((const char *)family);
    f->weight = FC_WEIGHT_REGULAR;
    f->slant = FC_SLANT_ROMAN;
    FcPatternGetInteger(pat, FC_WEIGHT, 0, &f->weight);
    FcPatternGetInteger(pat, FC_SLANT, 0, &f->slant);
    FcPatternDestroy(pat);
    g_ptr_array_add(faces, f);
  }
  g_ptr_array_sort(faces, face_cmp);
  return g_steal_pointer(&faces);
}
