/* link.h: what kind of target a Markdown link's URL names, decided once for the validator and
 * both writers: external (a scheme, `//` or `www.`), unsafe (javascript:, data:, vbscript:,
 * dropped with a warning), or inside the book (resolved with book_resolve_link()). */
#ifndef BOOKBUILD_LINK_H
#define BOOKBUILD_LINK_H

#include <glib.h>

/* TRUE when `url` starts with a URI scheme ("https:", "mailto:"). */
gboolean link_has_scheme(const char *url);

/* TRUE for schemes that run code or embed content (javascript:, data:, vbscript:). */
gboolean link_is_unsafe(const char *url);

/* TRUE when the link leaves the book: a scheme, a network path ("//host") or "www.". */
gboolean link_is_external(const char *url);

/* NULL when `url` (with a scheme) is a URL reading systems accept; else why not, as epubcheck
 * warns: a scheme not in IANA's permanent registry (HTM-025), or a host that cannot be parsed
 * (RSC-023). The reason is a static string. */
const char *link_url_problem(const char *url);

/* How an external link's URI is written out. */
typedef enum {
  LINK_URI_IRI, /* an XHTML href: non-ASCII stays (an IRI) */
  LINK_URI_PDF, /* a PDF URI string: 7-bit ASCII, and no parenthesis or backslash, which would
                 * end or escape the string (cairo 1.16 writes it raw) */
} LinkUriForm;

/* The URI an external link's `url` is written as: "www." gains "http://", and what the form may
 * not hold raw is percent-encoded (what is already %XX stays; brackets, a bare %, a second #
 * become escapes, as epubcheck requires). Caller frees. */
char *link_external_uri(const char *url, LinkUriForm form);

/* TRUE when a link's visible text is itself a URL (it may break anywhere, never hyphenated). */
gboolean link_text_is_url(const char *text);

#endif
