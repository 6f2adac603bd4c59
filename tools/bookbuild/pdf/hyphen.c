/* hyphen.c: libhyphen wrapper (see hyphen.h). Words are ASCII-letter runs (with apostrophes
 * kept out); the en_US patterns need nothing more. */
#include "hyphen.h"

#include <hyphen.h>
#include <stdlib.h>
#include <string.h>

struct Hyphenator {
  HyphenDict *dict;
  int min_word;
  GHashTable *exceptions; /* lower-case word without hyphens -> the word as written */
};

const char *hyphen_language(const char *style, const char *lang) {
  if (g_strcmp0(style, "auto") != 0)
    return style;
  static const char *const british[] = {"en-gb", "en-ie", "en-au", "en-nz", "en-za", "en-in"};
  for (gsize i = 0; lang && i < G_N_ELEMENTS(british); i++)
    if (g_ascii_strncasecmp(lang, british[i], 5) == 0 && (lang[5] == '\0' || lang[5] == '-'))
      return "en_GB";
  return "en_US";
}

/* The exceptions list: each word keyed by its letters, lower case, the hyphens left out. */
static GHashTable *exceptions_new(const char *list) {
  GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) words = g_strsplit_set(list ? list : "", " \t\n,", -1);
  for (char **w = words; *w; w++) {
    if (!**w)
      continue;
    GString *key = g_string_new(NULL);
    for (const char *p = *w; *p; p++)
      if (*p != '-')
        g_string_append_c(key, g_ascii_tolower(*p));
    g_hash_table_replace(t, g_string_free(key, FALSE), g_ascii_strdown(*w, -1));
  }
  return t;
}

Hyphenator *hyphenator_new(const char *language, const char *exceptions, int min_word,
                           GError **error) {
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
    h->exceptions = exceptions_new(exceptions);
    return h;
  }
  g_autofree char *package = g_ascii_strdown(language, -1);
  g_strdelimit(package, "_", '-');
  g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
              "no hyphenation dictionary for '%s' (Debian package hyphen-%s)", language, package);
  return NULL;
}

void hyphenator_free(Hyphenator *h) {
  if (!h)
    return;
  hnj_hyphen_free(h->dict);
  g_hash_table_unref(h->exceptions);
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
  const char *written = g_hash_table_lookup(h->exceptions, lower);
  if (written) { /* hyphenated only where the exception has its hyphens */
    for (int i = 0; *written; written++) {
      if (*written == '-') {
        g_string_append(out, "\xC2\xAD");
        continue;
      }
      g_string_append_c(out, w[i++]);
    }
    return;
  }
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
