/* epubint.h: the EPUB writer's shared state (the manifest being filled, each chapter's file name
 * and ids) and what its files share to build XHTML trees with libxml2. Internal to epub/. */
#ifndef BOOKBUILD_EPUB_EPUBINT_H
#define BOOKBUILD_EPUB_EPUBINT_H

#include <libxml/tree.h>

#include "book.h"
#include "cache.h"
#include "epub/epub.h"

#define EPUB_INDEX_TITLE "Index"
#define EPUB_XHTML_NS "http://www.w3.org/1999/xhtml"
#define EPUB_OPS_NS "http://www.idpf.org/2007/ops"

/* Deflate levels. Text at 6 (zlib's default): a text file is deflated once per content
 * (epub.c, pack_texts()), so a rebuild deflates only what changed, and the book's EPUB is 94 KB
 * (4%) smaller than at 2; a build without the cache takes 2% longer (1.15 s against 1.17 s of
 * CPU for the book's EPUB). Fonts gain little past level 1 and would cost most of the build's
 * time at 9 (libzip's default); they are packed once (cache.h) anyway. */
#define EPUB_DEFLATE_TEXT 6
#define EPUB_DEFLATE_FONT 1

/* One file of the package (everything under OEBPS/ but the OPF itself). */
typedef struct {
  char *id;   /* manifest id */
  char *href; /* relative to OEBPS/ */
  char *media_type;
  char *properties; /* "nav", "cover-image", or NULL */
  GBytes *data;
  int level; /* deflate level (EPUB_DEFLATE_*), 0 for data already compressed */
  gboolean in_spine;
  gboolean linear;
  int packed_index; /* >= 0: the entry of Epub.packed that holds it, deflated on a worker */
  char *path;       /* a font's file, read only when the fonts are packed anew (`data` NULL) */
} EpubItem;

/* A chapter of the spine (its headings' ids are their Heading.anchor). */
typedef struct {
  const Chapter *chapter;
  char *id;   /* manifest id: "ch-01-landscape" */
  char *href; /* "text/01-landscape.xhtml", relative to OEBPS/ */
} EpubChapter;

typedef struct {
  Book *book;
  Resources *res; /* the fonts it embeds and draws the cover with */
  const EpubOptions *o;
  char *identifier;               /* dc:identifier: urn:uuid:..., urn:isbn:... */
  char *modified;                 /* dcterms:modified, CCYY-MM-DDThh:mm:ssZ */
  gint64 timestamp;               /* the build's time (zip entries) */
  GPtrArray *chapters;            /* EpubChapter*, spine order */
  GHashTable *chapter_by_chapter; /* const Chapter* -> EpubChapter* (not owning) */
  GPtrArray *items;   /* EpubItem*, manifest order (chapters added as they are written) */
  GHashTable *images; /* manuscript-relative path -> EpubItem* (not owning) */
  EpubItem *cover;    /* the cover image */
  gboolean images_with_alt, images_without_alt;
  gboolean fonts_embedded;
  GBytes *packed; /* the fonts, deflated into a zip of their own on a worker thread */
  GThread *cover_worker, *fonts_worker;
  CacheKey *cover_key, *fonts_key; /* where a worker's bytes are kept (cache.h); may be NULL */
} Epub;

/* Adds a file to the manifest; `href` relative to OEBPS/. Takes `data`. Returns the item, owned
 * by the manifest. */
EpubItem *epub_add_item(Epub *e, const char *id, const char *href, const char *media_type,
                        GBytes *data);

/* The media type of an image the package may hold, from its name's suffix, a static string;
 * NULL when it is not one of EPUB's core image types. (Fonts carry theirs: FontFace.) */
const char *epub_image_type(const char *name);

/* The XHTML id of a heading (a letter-initial form of its GitHub slug, unique in its file),
 * owned by the heading. */
const char *epub_heading_id(const Epub *e, const Chapter *chapter, const Heading *heading);

/* A page-break marker for the print page `label` (its id is epub_page_id()), appended to
 * `parent`. */
void epub_pagebreak(xmlNodePtr parent, xmlNsPtr epub_ns, const char *label);

/* The id of print page `label`'s marker: "page-12", "page-iii". Caller frees. */
char *epub_page_id(const char *label);

/* The markers of the front matter pages of `part` (their print pages), appended to `parent`. */
void epub_front_pagebreaks(const Epub *e, xmlNodePtr parent, xmlNsPtr epub_ns, PrintPart part);

/* Serialises a document as UTF-8 with its XML declaration; caller unrefs. */
GBytes *epub_serialize(xmlDocPtr doc);

/* A new XHTML document with head (title, stylesheet) and an empty body; *body is set.
 * `css_href` is relative to the document. Caller frees the document. */
xmlDocPtr epub_xhtml_new(const Epub *e, const char *title, const char *css_href, xmlNodePtr *body,
                         xmlNsPtr *epub_ns);

/* Plain text of a heading for navigation: typographic quotes, no markup or footnote marks.
 * Caller frees. */
char *epub_nav_text(const char *plain);

/* ---- tree helpers ---- */

#define X(s) ((const xmlChar *)(s))

/* A new child element `name` of `parent`. */
static inline xmlNodePtr epub_el(xmlNodePtr parent, const char *name) {
  return xmlNewChild(parent, NULL, X(name), NULL);
}

/* Appends text `s` (nothing when it is NULL or empty). */
static inline void epub_text(xmlNodePtr parent, const char *s) {
  if (s && *s)
    xmlAddChild(parent, xmlNewDocText(parent->doc, X(s)));
}

/* A new child element holding `text`. */
static inline xmlNodePtr epub_el_text(xmlNodePtr parent, const char *name, const char *text) {
  xmlNodePtr n = epub_el(parent, name);
  epub_text(n, text);
  return n;
}

static inline void epub_set(xmlNodePtr node, const char *name, const char *value) {
  xmlSetProp(node, X(name), X(value));
}

/* A line break between blocks keeps the source readable; never inside <pre>. */
static inline void epub_newline(xmlNodePtr parent) { epub_text(parent, "\n"); }

#endif
