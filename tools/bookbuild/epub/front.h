/* front.h: the EPUB's front matter pages, from the book's metadata: the cover page (showing the
 * cover image), the title page and the copyright page. Each returns a new document; caller
 * frees. */
#ifndef BOOKBUILD_EPUB_FRONT_H
#define BOOKBUILD_EPUB_FRONT_H

#include "epub/epubint.h"

xmlDocPtr front_cover_page(const Epub *e, const char *image_href);
xmlDocPtr front_title_page(const Epub *e);
xmlDocPtr front_copyright_page(const Epub *e);

#endif
