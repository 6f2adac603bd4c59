/* hyphen.c: libhyphen wrapper (see hyphen.h). Words are ASCII-letter runs (with apostrophes
 * kept out); the en_US patterns need nothing more. */
#include "hyphen.h"

#include <hyphen.h>
#include <stdlib.h>
#include <string.h>

struct Hyphenator {
  HyphenDict *dict;
  int min_word;
};

Hyphenator *hyphenator_new(const char *language, int min_word, GError **error) {
  static const char *const dirs[] = {"/usr/share/hyphen", "/usr/local/share/hyphen"};
  for (gsize i = 0; i < G_N_ELEMENTS(dirs); i++) {
    g_autofree char *name = g_strdup_printf("hyph_%s.dic", language);
    g_autofree char *path = g_build_filename(dirs[i], name, NULL);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
      continue;
    HyphenDict *dict = hnj_hyphen_load(path);
    if (!dict)
      continue;
    Hyphenator *h = g_new0(Hyphenator, 1);
    h->dict = dict;
    h->min_word = min_word;
    return h;
  }
  g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
              "no hyphenation dictionary for '%s' (Debian package hyphen-en-us)", language);
  return NULL;
}

void hyphenator_free(Hyphenator *h) {
  if (!h)
    return;
  hnj_hyphen_free(h->dict);
  g_free(h);
}

static void hyphenate_word(const Hyphenator *h, GString *out, const char *w, int n) {
  if (n < h->min_word || n > 60) {
    g_string_append_len(out, w, n);
    return;
  }
  char lower[64], hyphens[70];
  for (int i = 0; i < n; i++)
    lower[i] = g_ascii_tolower(w[i]);
  lower[n] = '\0';
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  memset(hyphens, 0, sizeof hyphens);
  if (hnj_hyphen_hyphenate2(h->dict, lower, n, hyphens, NULL, &rep, &pos, &cut) != 0) {
    g_string_append_len(out, w, n);
    return;
  }
  for (int i = 0; i < n; i++) {
    g_string_append_c(out, w[i]);
    /* Break after i: at least 3 letters on either side. */
    if ((hyphens[i] & 1) && i >= 2 && i < n - 3)
      g_string_append(out, "\xC2\xAD");
  }
  if (rep) {
    for (int i = 0; i < n; i++)
      free(rep[i]);
    free(rep);
    free(pos);
    free(cut);
  }
}

void hyphenator_append(const Hyphenator *h, GString *out, const char *text) {
  const char *p = text;
  while (*p) {
    if (!g_ascii_isalpha(*p)) {
      g_string_append_c(out, *p++);
      continue;
    }
    const char *start = p;
    while (g_ascii_isalpha(*p))
      p++;
    /* Words glued to digits, underscores or non-ASCII letters are names: leave them whole. */
    gboolean name_like =
        (start > text && (g_ascii_isdigit(start[-1]) || start[-1] == '_' || (start[-1] & 0x80))) ||
        g_ascii_isdigit(*p) || *p == '_' || (*p & 0x80);
    if (name_like)
      g_string_append_len(out, start, p - start);
    else
      hyphenate_word(h, out, start, (int)(p - start));
  }
}
