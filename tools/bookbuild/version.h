/* version.h: what `bookbuild --version` prints: the tool's version and, for each library it
 * links, the version it runs with and the one it was built against. */
#ifndef BOOKBUILD_VERSION_H
#define BOOKBUILD_VERSION_H

#include <glib.h>

/* The report, one line per library after the first ("bookbuild 0.1.0 (cmark-gfm ...)"), each
 * ending in a newline. Caller frees. */
char *version_report(void);

#endif
