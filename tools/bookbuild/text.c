/* text.c: plain text, slugs, UTF-8 repair and near-miss comparison (see text.h).
 * Holds no Markdown parsing of its own: it reads cmark-gfm nodes that load.c produced. */
#include "text.h"

#include <string.h>

static void plain_append(GString *out, cmark_node *node) {
  for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
    switch (cmark_node_get_type(c)) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
      g_string_append(out, cmark_node_get_literal(c));
      break;
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
      g_string_append_c(out, ' ');
      break;
    case CMARK_NODE_HTML_INLINE:
    case CMARK_NODE_FOOTNOTE_REFERENCE:
      break;
    default:
      plain_append(out, c);
      break;
    }
  }
}

char *text_plain(cmark_node *node) {
  GString *out = g_string_new(NULL);
  plain_append(out, node);
  return g_strstrip(g_string_free(out, FALSE));
}

char *text_slug(const char *text) {
  g_autofree char *lower = g_utf8_strdown(text, -1);
  GString *out = g_string_new(NULL);
  for (const char *p = lower; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c == ' ') {
      g_string_append_c(out, '-');
      continue;
    }
    switch (g_unichar_type(c)) {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
    case G_UNICODE_CONNECT_PUNCTUATION:
      g_string_append_unichar(out, c);
      break;
    default:
      if (c == '-')
        g_string_append_c(out, '-');
      break;
    }
  }
  return g_string_free(out, FALSE);
}

char *text_repair_utf8(const char *src, gsize len, gsize *out_len, TextBadByteFunc report,
                       gpointer data) {
  GString *out = g_string_sized_new(len + 1);
  const char *p = src, *end = src + len, *line_start = src;
  int line = 1;
  while (p < end) {
    const char *bad = NULL;
    gboolean ok = g_utf8_validate(p, end - p, &bad);
    const char *stop = ok ? end : bad;
    for (const char *q = p; q < stop; q++)
      if (*q == '\n') {
        line++;
        line_start = q + 1;
      }
    g_string_append_len(out, p, stop - p);
    if (ok)
      break;
    guint8 byte = (guint8)*bad;
    if (report)
      report(line, (int)(bad - line_start) + 1, byte, byte == 0, data);
    g_string_append(out, "\xEF\xBF\xBD");
    p = bad + 1;
  }
  *out_len = out->len;
  return g_string_free(out, FALSE);
}

static gboolean is_dash(gunichar c) {
  return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 || c == 0xFF0D;
}

static gboolean is_quote(gunichar c) {
  return c == '\'' || c == '"' || c == '`' || c == 0xB4 || (c >= 0x2018 && c <= 0x201F) ||
         c == 0x2032 || c == 0x2033;
}

/* Folds case, dashes, quotes, spacing and leading numbering ("3.4. ") for near-miss tests. */
static char *fold_loose(const char *s) {
  while (g_ascii_isdigit(*s) || *s == '.')
    s++;
  g_autofree char *lower = g_utf8_casefold(s, -1);
  GString *out = g_string_new(NULL);
  gboolean space = FALSE;
  for (const char *p = lower; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_isspace(c) || c == 0xA0 || c == 0x202F) {
      space = out->len > 0;
      continue;
    }
    if (space)
      g_string_append_c(out, ' ');
    space = FALSE;
    if (is_dash(c))
      g_string_append_c(out, '-');
    else if (is_quote(c))
      g_string_append_c(out, '\'');
    else
      g_string_append_unichar(out, c);
  }
  return g_string_free(out, FALSE);
}

guint text_distance(const char *a, const char *b, guint cap) {
  glong na = 0, nb = 0;
  g_autofree gunichar *ua = g_utf8_to_ucs4_fast(a, -1, &na);
  g_autofree gunichar *ub = g_utf8_to_ucs4_fast(b, -1, &nb);
  if ((guint)ABS(na - nb) > cap)
    return cap + 1;
  g_autofree guint *prev = g_new(guint, nb + 1);
  g_autofree guint *cur = g_new(guint, nb + 1);
  for (glong j = 0; j <= nb; j++)
    prev[j] = (guint)j;
  for (glong i = 1; i <= na; i++) {
    cur[0] = (guint)i;
    guint row_min = cur[0];
    for (glong j = 1; j <= nb; j++) {
      guint sub = prev[j - 1] + (ua[i - 1] != ub[j - 1]);
      guint del = prev[j] + 1, ins = cur[j - 1] + 1;
      cur[j] = MIN(sub, MIN(del, ins));
      row_min = MIN(row_min, cur[j]);
    }
    if (row_min > cap)
      return cap + 1;
    guint *t = prev;
    prev = cur;
    cur = t;
  }
  return MIN(prev[nb], cap + 1);
}

const char *text_closest(const char *word, const char *const *candidates, gsize n) {
  g_autofree char *w = g_ascii_strup(word, -1);
  guint cap = g_utf8_strlen(w, -1) <= 4 ? 1 : 2, best_d = cap + 1;
  const char *best = NULL;
  for (gsize i = 0; i < n; i++) {
    g_autofree char *c = g_ascii_strup(candidates[i], -1);
    guint d = text_distance(w, c, cap);
    if (d == 0)
      return NULL;
    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  return best;
}

gboolean text_near_miss(const char *expected, const char *found) {
  g_autofree char *e = fold_loose(expected);
  g_autofree char *f = fold_loose(found);
  if (strcmp(e, f) == 0)
    return TRUE;
  glong len = g_utf8_strlen(e, -1);
  guint cap = len < 12 ? 1 : (guint)MIN(len / 8, 6);
  return text_distance(e, f, cap) <= cap;
}

static const struct {
  gunichar c;
  const char *name;
} char_names[] = {
    {0x2010, "hyphen"},
    {0x2011, "non-breaking hyphen"},
    {0x2012, "figure dash"},
    {0x2013, "en dash"},
    {0x2014, "em dash"},
    {0x2212, "minus sign"},
    {0x2018, "left single quotation mark"},
    {0x2019, "right single quotation mark"},
    {0x201C, "left double quotation mark"},
    {0x201D, "right double quotation mark"},
    {0x00A0, "no-break space"},
    {0x2192, "rightwards arrow"},
};

/* "'-'" for printable ASCII, else "non-breaking hyphen U+2011". */
static char *describe_char(gunichar c) {
  if (c == 0)
    return g_strdup("end of text");
  if (c >= 0x21 && c < 0x7F)
    return g_strdup_printf("'%c'", (char)c);
  if (c == ' ')
    return g_strdup("a space");
  for (gsize i = 0; i < G_N_ELEMENTS(char_names); i++)
    if (char_names[i].c == c)
      return g_strdup_printf("%s U+%04X", char_names[i].name, c);
  char buf[8] = {0};
  g_unichar_to_utf8(c, buf);
  return g_strdup_printf("'%s' U+%04X", buf, c);
}

char *text_explain_difference(const char *expected, const char *found) {
  const char *e = expected, *f = found;
  while (*e && *f && g_utf8_get_char(e) == g_utf8_get_char(f)) {
    e = g_utf8_next_char(e);
    f = g_utf8_next_char(f);
  }
  gunichar ce = *e ? g_utf8_get_char(e) : 0, cf = *f ? g_utf8_get_char(f) : 0;
  glong col = g_utf8_pointer_to_offset(found, f) + 1;
  if (ce && cf && g_unichar_tolower(ce) == g_unichar_tolower(cf))
    return g_strdup_printf("letter case differs at character %ld", col);
  g_autofree char *de = describe_char(ce);
  g_autofree char *df = describe_char(cf);
  return g_strdup_printf("%s expected, found %s at character %ld", de, df, col);
}

char *text_abbrev(const char *s, glong max_chars) {
  if (g_utf8_strlen(s, -1) <= max_chars)
    return g_strdup(s);
  const char *cut = g_utf8_offset_to_pointer(s, max_chars);
  g_autofree char *head = g_strndup(s, cut - s);
  return g_strconcat(head, "…", NULL);
}
