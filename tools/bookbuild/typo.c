/* typo.c: typographic substitutions and output ids (see typo.h). */
#include "typo.h"

#include <string.h>

/* A quote opens after a space, an opening bracket, a dash, a slash or another opening quote;
 * and after other punctuation that cannot end a word (a literal `*` or `_`, `a*"foo"*`) when a
 * letter or digit follows it (`next`; 0 for single quotes, where that reads an apostrophe). */
static gboolean opens_quote(gunichar prev, gunichar next) {
  if (prev == 0 || g_unichar_isspace(prev) || prev == '(' || prev == '[' || prev == '{' ||
      prev == 0x2014 || prev == 0x2013 || prev == '-' || prev == '/' || prev == 0x201C ||
      prev == 0x2018)
    return TRUE;
  return prev < 0x80 && g_ascii_ispunct((char)prev) && !strchr(".,;:!?)]}'\"%", (char)prev) &&
         g_unichar_isalnum(next);
}

char *typo_smarten(const char *text, gunichar *prev) {
  return typo_smarten_keeping(text, NULL, prev);
}

char *typo_smarten_keeping(const char *text, const guint8 *keep, gunichar *prev) {
  GString *out = g_string_sized_new(strlen(text) + 8);
  gunichar last = *prev;
  for (const char *p = text; *p;) {
    if ((guchar)*p < 0x80 && *p != '"' && *p != '\'' && *p != '-' && *p != '.') {
      /* most characters: copied as they are */
      g_string_append_c(out, *p);
      last = (guchar)*p++;
      continue;
    }
    gunichar c = g_utf8_get_char(p);
    const char *next = g_utf8_next_char(p);
    if (c >= 0x80) {
      g_string_append_len(out, p, next - p);
      last = c;
      p = next;
      continue;
    }
    gunichar emitted = c;
    gunichar after = *next ? g_utf8_get_char(next) : 0;
    if (keep && keep[p - text]) {
      /* as typed */
    } else if (c == '"') {
      emitted = opens_quote(last, after) ? 0x201C : 0x201D;
    } else if (c == '\'') {
      emitted = opens_quote(last, 0) ? 0x2018 : 0x2019; /* `__init__`'s is an apostrophe */
    } else if (c == '-' && next[0] == '-' && next[1] == '-') {
      emitted = 0x2014;
      next += 2;
    } else if (c == '-' && next[0] == '-') {
      emitted = 0x2013;
      next += 1;
    } else if (c == '.' && next[0] == '.' && next[1] == '.') {
      emitted = 0x2026;
      next += 2;
    }
    g_string_append_unichar(out, emitted);
    last = emitted;
    p = next;
  }
  *prev = last;
  return g_string_free(out, FALSE);
}

char *typo_output_id(const char *slug) {
  if (g_ascii_isalpha(slug[0]) || (slug[0] & 0x80))
    return g_strdup(slug);
  return g_strconcat("h-", slug, NULL);
}
