/* xhtml.h: content documents: a chapter's cmark-gfm tree as an XHTML tree (libxml2). */
#ifndef BOOKBUILD_EPUB_XHTML_H
#define BOOKBUILD_EPUB_XHTML_H

#include "epub/epubint.h"

/* The chapter's XHTML document. Images it shows are added to e's manifest; warnings (unsafe
 * raw HTML, links the EPUB cannot keep) go to the book's diagnostics. Caller frees. */
xmlDocPtr xhtml_chapter(Epub *e, const EpubChapter *ec);

#endif
