/* markdown.h: the one place that configures cmark-gfm (extensions, options), so toc.md and the
 * chapters are parsed alike. */
#ifndef BOOKBUILD_MARKDOWN_H
#define BOOKBUILD_MARKDOWN_H

#include <cmark-gfm.h>
#include <glib.h>

/* cmark-gfm options used for every parse: source positions, footnotes, raw HTML kept. */
#define MARKDOWN_OPTIONS (CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES | CMARK_OPT_UNSAFE)

void markdown_init(void);

/* Parses UTF-8 text with the GFM extensions table, strikethrough, autolink and tasklist.
 * Caller frees with cmark_node_free(). */
cmark_node *markdown_parse(const char *text, gsize len);

#endif
