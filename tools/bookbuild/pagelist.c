/* pagelist.c: the print edition's page list (see pagelist.h). */
#include "pagelist.h"

static void print_page_free(gpointer p) {
  PrintPage *page = p;
  g_free(page->label);
  g_free(page);
}

GPtrArray *print_pages_new(void) { return g_ptr_array_new_with_free_func(print_page_free); }

PrintPage *print_page_add(GPtrArray *pages, const char *label, PrintPart part) {
  PrintPage *p = g_new0(PrintPage, 1);
  p->label = g_strdup(label);
  p->part = part;
  g_ptr_array_add(pages, p);
  return p;
}

static void append_inline(GString *out, cmark_node *n) {
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_TEXT:
  case CMARK_NODE_CODE: {
    const char *s = cmark_node_get_literal(n);
    g_string_append(out, s ? s : "");
    break;
  }
  case CMARK_NODE_SOFTBREAK:
    g_string_append_c(out, ' ');
    break;
  case CMARK_NODE_LINEBREAK:
    g_string_append_c(out, '\n');
    break;
  case CMARK_NODE_IMAGE:
  case CMARK_NODE_FOOTNOTE_REFERENCE:
  case CMARK_NODE_HTML_INLINE:
    break;
  default:
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
      append_inline(out, c);
    break;
  }
}

glong pagelist_inline_chars(cmark_node *node) {
  g_autoptr(GString) s = g_string_new(NULL);
  append_inline(s, node);
  return g_utf8_strlen(s->str, (gssize)s->len);
}

char *pagelist_block_text(cmark_node *block, cmark_node *from) {
  GString *s = g_string_new(NULL);
  if (cmark_node_get_type(block) == CMARK_NODE_CODE_BLOCK) {
    const char *code = cmark_node_get_literal(block);
    g_string_append(s, code ? code : "");
  } else {
    for (cmark_node *n = from ? from : cmark_node_first_child(block); n; n = cmark_node_next(n))
      append_inline(s, n);
  }
  return g_string_free(s, FALSE);
}

gboolean pagelist_ignored(gunichar ch) {
  return ch == 0x200B || ch == 0xAD || ch == 0x2060 || ch == 0x2028;
}

glong pagelist_word_offset(const char *text, guint word) {
  glong offset = 0;
  guint words = 0;
  gboolean in_word = FALSE;
  for (const char *p = text; *p; p = g_utf8_next_char(p), offset++) {
    gunichar ch = g_utf8_get_char(p);
    if (pagelist_ignored(ch))
      continue;
    gboolean space = g_unichar_isspace(ch);
    if (!space && !in_word) {
      if (words == word)
        return offset;
      words++;
    }
    in_word = !space;
  }
  return offset;
}
