/* rawhtml.c: the raw HTML elements no output shows (see rawhtml.h). */
#include "rawhtml.h"

#include <libxml/HTMLparser.h>
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

gboolean rawhtml_img(const char *html, char **src, char **alt) {
  *src = *alt = NULL;
  const char *p = html;
  while (*p == ' ')
    p++;
  if (g_ascii_strncasecmp(p, "<img", 4) != 0 ||
      !(p[4] == '/' || p[4] == '>' || g_ascii_isspace(p[4])))
    return FALSE;
  htmlDocPtr doc = htmlReadMemory(p, (int)strlen(p), NULL, "UTF-8",
                                  HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                      HTML_PARSE_NOIMPLIED);
  xmlNodePtr n = doc ? xmlDocGetRootElement(doc) : NULL;
  gboolean img =
      n && n->type == XML_ELEMENT_NODE && g_ascii_strcasecmp((const char *)n->name, "img") == 0;
  if (img) {
    xmlChar *s = xmlGetProp(n, (const xmlChar *)"src"), *a = xmlGetProp(n, (const xmlChar *)"alt");
    *src = s ? g_strdup((const char *)s) : NULL;
    *alt = a ? g_strdup((const char *)a) : NULL;
    xmlFree(s);
    xmlFree(a);
  }
  if (doc)
    xmlFreeDoc(doc);
  return img;
}
