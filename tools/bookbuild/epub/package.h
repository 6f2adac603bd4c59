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

/* The index page (text/index.xhtml) of a book with an index, EPUB Indexes 1.0's markup: an
 * index-group per letter, index-entry items with their index-term, index-locator links to the
 * places (the print page as their text; a run of pages one index-locator-range), see and see
 * also as index-xref-preferred and index-xref-related, sub-entries in a nested list. */
xmlDocPtr epub_index_page(const Epub *e);

#endif
