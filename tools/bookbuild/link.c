/* link.c: classifying link URLs (see link.h). Resolution inside the book is book_resolve_link(). */
#include "link.h"

#include <string.h>

gboolean link_has_scheme(const char *url) {
  const char *p = url;
  if (!g_ascii_isalpha(*p))
    return FALSE;
  while (g_ascii_isalnum(*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  return *p == ':';
}

gboolean link_is_unsafe(const char *url) {
  while (g_ascii_isspace(*url))
    url++;
  return g_ascii_strncasecmp(url, "javascript:", 11) == 0 ||
         g_ascii_strncasecmp(url, "data:", 5) == 0 || g_ascii_strncasecmp(url, "vbscript:", 9) == 0;
}

gboolean link_is_external(const char *url) {
  return link_has_scheme(url) || g_str_has_prefix(url, "//") || g_str_has_prefix(url, "www.");
}

gboolean link_text_is_url(const char *s) {
  return g_str_has_prefix(s, "http://") || g_str_has_prefix(s, "https://") ||
         g_str_has_prefix(s, "www.") || g_str_has_prefix(s, "mailto:");
}

char *link_external_uri(const char *url, LinkUriForm form) {
  GString *s = g_string_new(g_str_has_prefix(url, "www.") ? "http://" : NULL);
  gboolean fragment = FALSE;
  for (const guchar *p = (const guchar *)url; *p; p++) {
    /* Not allowed raw anywhere (brackets belong only to IPv6 hosts, which books do not link),
     * a % that starts no escape, and a second #, which epubcheck rejects (RSC-020). */
    gboolean encode = *p <= 0x20 || *p == 0x7F || strchr("\"<>\\^`{|}[]", *p) ||
                      (*p == '%' && !(g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2]))) ||
                      (*p == '#' && fragment) ||
                      (form == LINK_URI_PDF && (*p >= 0x80 || strchr("()'", *p)));
    fragment |= *p == '#';
    if (encode)
      g_string_append_printf(s, "%%%02X", *p);
    else
      g_string_append_c(s, (char)*p);
  }
  return g_string_free(s, FALSE);
}
