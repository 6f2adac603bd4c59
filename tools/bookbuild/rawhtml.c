/* rawhtml.c: the raw HTML elements no output shows (see rawhtml.h). */
#include "rawhtml.h"

#include <string.h>

static const char *const dropped_elements[] = {
    "script",   "style",    "iframe",   "object", "embed", "applet", "form",   "input",
    "button",   "select",   "textarea", "option", "link",  "meta",   "base",   "frame",
    "frameset", "noscript", "template", "svg",    "math",  "canvas", "audio",  "video",
    "source",   "track",    "param",    "head",   "title", "dialog", "portal", "noembed"};

const char *rawhtml_dropped(const char *name) {
  for (gsize i = 0; i < G_N_ELEMENTS(dropped_elements); i++)
    if (strcmp(name, dropped_elements[i]) == 0)
      return dropped_elements[i];
  return NULL;
}

char *rawhtml_cdata_text(const char *html) {
  static const char open[] = "<![CDATA[";
  const char *p = html;
  while (*p == ' ')
    p++;
  if (!g_str_has_prefix(p, open))
    return NULL;
  p += sizeof open - 1;
  const char *end = strstr(p, "]]>");
  g_autofree char *text = end ? g_strndup(p, (gsize)(end - p)) : g_strdup(p);
  return g_strdup(g_strstrip(text));
}
