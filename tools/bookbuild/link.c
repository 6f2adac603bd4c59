/* link.c: classifying link URLs (see link.h). Resolution inside the book is book_resolve_link(). */
#include "link.h"

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
