/* package.h: the package documents made from the writer's state once every content file is in
 * the manifest: container.xml, the OPF, nav.xhtml, toc.ncx, and the contents page. */
#ifndef BOOKBUILD_EPUB_PACKAGE_H
#define BOOKBUILD_EPUB_PACKAGE_H

#include "epub/epubint.h"

/* The package documents, once every content file is in e->items; each a new GBytes (caller
 * unrefs) or, for the contents page, a new document (caller frees). */
GBytes *epub_container_xml(void);
GBytes *epub_opf(const Epub *e);
GBytes *epub_nav(const Epub *e, const char *contents_title);

/* The contents page readers page through (text/contents.xhtml): the nav's entries as paragraphs,
 * not lists, since engines that drop list-style-type (calibre's MOBI) would number the already
 * numbered entries again ("6. 5. Classes"). nav.xhtml stays the reading systems' menu, outside
 * the spine. */
xmlDocPtr epub_contents_page(const Epub *e, const char *contents_title);
GBytes *epub_ncx(const Epub *e);

#endif
