/* rawhtml.h: what becomes of a raw HTML element in the outputs, decided once for both writers. */
#ifndef BOOKBUILD_RAWHTML_H
#define BOOKBUILD_RAWHTML_H

#include <glib.h>

/* For an element (lower-case name) that both writers drop with its content, with a `raw-html`
 * warning (scripts, styles, plug-ins, forms, media and what belongs in <head>: its text is
 * never printed as the book's text), the name as a static string; NULL for any other. */
const char *rawhtml_dropped(const char *name);

/* For a CDATA block (CommonMark's HTML block type 5, `<![CDATA[ ... ]]>`), the text between the
 * markers, which both writers show as text (an HTML parser would take it for a comment); NULL
 * for any other HTML. Caller frees. */
char *rawhtml_cdata_text(const char *html);

/* For raw HTML that is one <img> tag (inline HTML, as cmark-gfm cuts it), TRUE with its src and
 * alt attributes (each NULL when absent; caller frees); FALSE for any other HTML. */
gboolean rawhtml_img(const char *html, char **src, char **alt);

#endif
