/* markdown.c: cmark-gfm set-up and parsing (see markdown.h). */
#include "markdown.h"

#include <cmark-gfm-core-extensions.h>

static const char *const extension_names[] = {"table", "strikethrough", "autolink", "tasklist"};

void markdown_init(void) { cmark_gfm_core_extensions_ensure_registered(); }

cmark_node *markdown_parse(const char *text, gsize len) {
  cmark_parser *parser = cmark_parser_new(MARKDOWN_OPTIONS);
  for (gsize i = 0; i < G_N_ELEMENTS(extension_names); i++) {
    cmark_syntax_extension *ext = cmark_find_syntax_extension(extension_names[i]);
    g_assert(ext);
    cmark_parser_attach_syntax_extension(parser, ext);
  }
  cmark_parser_feed(parser, text, len);
  cmark_node *doc = cmark_parser_finish(parser);
  cmark_parser_free(parser);
  return doc;
}
