/* package.c: the EPUB package documents: container.xml, the OPF (metadata, manifest, spine),
 * nav.xhtml (contents and landmarks) and toc.ncx for EPUB 2 readers, all built as libxml2
 * trees; plus the XHTML skeleton every content document starts from. */
#include "epub/package.h"

#include "index.h"

#include "typo.h"

#include <string.h>

#define OPF_NS "http://www.idpf.org/2007/opf"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define NCX_NS "http://www.daisy.org/z3986/2005/ncx/"

EpubItem *epub_add_item(Epub *e, const char *id, const char *href, const char *media_type,
                        GBytes *data) {
  EpubItem *item = g_new0(EpubItem, 1);
  item->id = g_strdup(id);
  item->href = g_strdup(href);
  item->media_type = g_strdup(media_type);
  item->data = data;
  item->level = EPUB_DEFLATE_TEXT;
  item->linear = TRUE;
  item->packed_index = -1;
  g_ptr_array_add(e->items, item);
  return item;
}

const char *epub_image_type(const char *name) {
  static const struct {
    const char *suffix, *type;
  } types[] = {{".png", "image/png"}, {".jpg", "image/jpeg"},    {".jpeg", "image/jpeg"},
               {".gif", "image/gif"}, {".svg", "image/svg+xml"}, {".webp", "image/webp"}};
  g_autofree char *lower = g_ascii_strdown(name, -1);
  for (gsize i = 0; i < G_N_ELEMENTS(types); i++)
    if (g_str_has_suffix(lower, types[i].suffix))
      return types[i].type;
  return NULL;
}

const char *epub_heading_id(const Epub *e, const Chapter *chapter, const Heading *heading) {
  return g_hash_table_contains(e->chapter_by_chapter, chapter) ? heading->anchor : NULL;
}

static void free_xml(gpointer p) { xmlFree(p); }

GBytes *epub_serialize(xmlDocPtr doc) {
  xmlChar *buf = NULL;
  int len = 0;
  xmlDocDumpMemoryEnc(doc, &buf, &len, "UTF-8");
  return g_bytes_new_with_free_func(buf, (gsize)len, free_xml, buf); /* not copied */
}

char *epub_nav_text(const char *plain) {
  gunichar prev = 0;
  return typo_smarten(plain, &prev);
}

xmlDocPtr epub_xhtml_new(const Epub *e, const char *title, const char *css_href, xmlNodePtr *body,
                         xmlNsPtr *epub_ns) {
  xmlDocPtr doc = xmlNewDoc(X("1.0"));
  xmlCreateIntSubset(doc, X("html"), NULL, NULL);
  xmlNodePtr html = xmlNewDocNode(doc, NULL, X("html"), NULL);
  xmlDocSetRootElement(doc, html);
  xmlSetNs(html, xmlNewNs(html, X(EPUB_XHTML_NS), NULL));
  *epub_ns = xmlNewNs(html, X(EPUB_OPS_NS), X("epub"));
  const char *lang = e->book->meta.lang ? e->book->meta.lang : "en";
  epub_set(html, "lang", lang);
  xmlSetNsProp(html, xmlSearchNsByHref(doc, html, X("http://www.w3.org/XML/1998/namespace")),
               X("lang"), X(lang));
  epub_newline(html);
  xmlNodePtr head = epub_el(html, "head");
  epub_newline(head);
  epub_set(epub_el(head, "meta"), "charset", "utf-8");
  epub_newline(head);
  epub_el_text(head, "title", title && *title ? title : e->book->meta.title);
  epub_newline(head);
  xmlNodePtr link = epub_el(head, "link");
  epub_set(link, "rel", "stylesheet");
  epub_set(link, "type", "text/css");
  epub_set(link, "href", css_href);
  epub_newline(head);
  epub_newline(html);
  *body = epub_el(html, "body");
  epub_newline(*body);
  epub_newline(html);
  return doc;
}

GBytes *epub_container_xml(void) {
  xmlDocPtr doc = xmlNewDoc(X("1.0"));
  xmlNodePtr root = xmlNewDocNode(doc, NULL, X("container"), NULL);
  xmlDocSetRootElement(doc, root);
  xmlSetNs(root, xmlNewNs(root, X("urn:oasis:names:tc:opendocument:xmlns:container"), NULL));
  epub_set(root, "version", "1.0");
  xmlNodePtr rootfile = epub_el(epub_el(root, "rootfiles"), "rootfile");
  epub_set(rootfile, "full-path", "OEBPS/content.opf");
  epub_set(rootfile, "media-type", "application/oebps-package+xml");
  GBytes *out = epub_serialize(doc);
  xmlFreeDoc(doc);
  return out;
}

/* ---- print pages ---- */

char *epub_page_id(const char *label) { return g_strconcat("page-", label, NULL); }

void epub_pagebreak(xmlNodePtr parent, xmlNsPtr epub_ns, const char *label) {
  xmlNodePtr span = epub_el(parent, "span");
  xmlNewNsProp(span, epub_ns, X("type"), X("pagebreak"));
  epub_set(span, "role", "doc-pagebreak");
  g_autofree char *id = epub_page_id(label);
  epub_set(span, "id", id);
  epub_set(span, "aria-label", label);
}

void epub_front_pagebreaks(const Epub *e, xmlNodePtr parent, xmlNsPtr epub_ns, PrintPart part) {
  for (guint i = 0; e->o->pages && i < e->o->pages->len; i++) {
    const PrintPage *p = e->o->pages->pdata[i];
    if (p->part == part)
      epub_pagebreak(parent, epub_ns, p->label);
  }
}

/* Where print page `p`'s marker is, from nav.xhtml. Caller frees. */
static char *page_href(const Epub *e, const PrintPage *p) {
  g_autofree char *id = epub_page_id(p->label);
  const char *file = p->part == PRINT_TITLE       ? "text/title.xhtml"
                     : p->part == PRINT_COPYRIGHT ? "text/copyright.xhtml"
                     : p->part == PRINT_CONTENTS  ? "text/contents.xhtml"
                     : p->part == PRINT_INDEX     ? "text/index.xhtml"
                                                  : NULL;
  if (!file) {
    const EpubChapter *ec = g_hash_table_lookup(e->chapter_by_chapter, p->chapter);
    file = ec ? ec->href : NULL;
  }
  return file ? g_strconcat(file, "#", id, NULL) : NULL;
}

/* ---- OPF ---- */

static xmlNodePtr meta_property(xmlNodePtr metadata, const char *property, const char *value) {
  xmlNodePtr m = epub_el_text(metadata, "meta", value);
  epub_set(m, "property", property);
  epub_newline(metadata);
  return m;
}

static xmlNodePtr dc(xmlNodePtr metadata, xmlNsPtr ns, const char *name, const char *value) {
  if (!value || !*value)
    return NULL;
  xmlNodePtr n = xmlNewChild(metadata, ns, X(name), NULL);
  xmlAddChild(n, xmlNewDocText(metadata->doc, X(value)));
  epub_newline(metadata);
  return n;
}

static void accessibility(const Epub *e, xmlNodePtr md) {
  gboolean images = g_hash_table_size(e->images) > 0;
  meta_property(md, "schema:accessMode", "textual");
  if (images)
    meta_property(md, "schema:accessMode", "visual");
  meta_property(md, "schema:accessModeSufficient", "textual");
  meta_property(md, "schema:accessibilityFeature", "structuralNavigation");
  meta_property(md, "schema:accessibilityFeature", "tableOfContents");
  meta_property(md, "schema:accessibilityFeature", "readingOrder");
  if (e->o->pages) {
    meta_property(md, "schema:accessibilityFeature", "pageBreakMarkers");
    meta_property(md, "schema:accessibilityFeature", "pageNavigation");
  }
  if (images && e->images_with_alt && !e->images_without_alt)
    meta_property(md, "schema:accessibilityFeature", "alternativeText");
  meta_property(md, "schema:accessibilityHazard", "none");
  g_autofree char *summary = g_strdup_printf(
      "All content is text, in reading order, with headings for every chapter and section, a "
      "table of contents and landmarks. Code is marked up as text; highlighting also uses "
      "bold and italic, so no meaning rests on colour alone. Diagrams are described in words "
      "in labelled boxes.%s",
      images ? (e->images_without_alt ? " Some images have no text alternative."
                                      : " Every image has a text alternative.")
             : "");
  meta_property(md, "schema:accessibilitySummary", summary);
  const BookMeta *m = &e->book->meta;
  if (m->conforms_to) {
    meta_property(md, "dcterms:conformsTo", m->conforms_to);
    if (m->certified_by)
      meta_property(md, "a11y:certifiedBy", m->certified_by);
  }
}

static void metadata(const Epub *e, xmlNodePtr pkg) {
  const BookMeta *m = &e->book->meta;
  xmlNodePtr md = epub_el(pkg, "metadata");
  xmlNsPtr dcns = xmlNewNs(md, X(DC_NS), X("dc"));
  epub_newline(md);
  epub_set(dc(md, dcns, "identifier", e->identifier), "id", "pub-id");
  xmlNodePtr title = dc(md, dcns, "title", m->title);
  epub_set(title, "id", "title");
  xmlNodePtr tt = meta_property(md, "title-type", "main");
  epub_set(tt, "refines", "#title");
  if (m->subtitle) {
    epub_set(dc(md, dcns, "title", m->subtitle), "id", "subtitle");
    epub_set(meta_property(md, "title-type", "subtitle"), "refines", "#subtitle");
  }
  for (guint i = 0; i < m->authors->len; i++) {
    g_autofree char *id = g_strdup_printf("creator-%u", i + 1);
    g_autofree char *ref = g_strconcat("#", id, NULL);
    epub_set(dc(md, dcns, "creator", m->authors->pdata[i]), "id", id);
    xmlNodePtr role = meta_property(md, "role", "aut");
    epub_set(role, "refines", ref);
    epub_set(role, "scheme", "marc:relators");
  }
  dc(md, dcns, "language", m->lang);
  dc(md, dcns, "publisher", m->publisher);
  dc(md, dcns, "date", m->date);
  dc(md, dcns, "rights", m->rights);
  dc(md, dcns, "description", m->description);
  for (guint i = 0; i < m->subjects->len; i++)
    dc(md, dcns, "subject", m->subjects->pdata[i]);
  /* Where the page numbers come from: EPUB 3.2's dc:source refined as the source of the
   * pagination (EPUB Accessibility 1.1's a11y:pageBreakSource is unknown to epubcheck 4.2.6,
   * which rejects it as an undefined property). */
  xmlNodePtr source = e->o->pages ? dc(md, dcns, "source", e->o->print_source) : NULL;
  if (source) {
    epub_set(source, "id", "print-source");
    epub_set(meta_property(md, "source-of", "pagination"), "refines", "#print-source");
  }
  meta_property(md, "dcterms:modified", e->modified);
  if (m->version)
    meta_property(md, "schema:version", m->version);
  accessibility(e, md);
  if (e->cover) { /* EPUB 2 readers find the cover this way */
    xmlNodePtr c = epub_el(md, "meta");
    epub_set(c, "name", "cover");
    epub_set(c, "content", e->cover->id);
    epub_newline(md);
  }
}

/* A new document whose root `name` is in namespace `ns`, with the book's xml:lang. */
static xmlNodePtr package_root(const Epub *e, const char *name, const char *ns) {
  xmlDocPtr doc = xmlNewDoc(X("1.0"));
  xmlNodePtr root = xmlNewDocNode(doc, NULL, X(name), NULL);
  xmlDocSetRootElement(doc, root);
  xmlSetNs(root, xmlNewNs(root, X(ns), NULL));
  const char *lang = e->book->meta.lang ? e->book->meta.lang : "en";
  xmlSetNsProp(root, xmlSearchNsByHref(doc, root, X("http://www.w3.org/XML/1998/namespace")),
               X("lang"), X(lang));
  return root;
}

static void guide_reference(xmlNodePtr guide, const char *type, const char *title,
                            const char *href) {
  xmlNodePtr ref = epub_el(guide, "reference");
  epub_set(ref, "type", type);
  epub_set(ref, "title", title);
  epub_set(ref, "href", href);
  epub_newline(guide);
}

GBytes *epub_opf(const Epub *e) {
  xmlNodePtr pkg = package_root(e, "package", OPF_NS);
  xmlDocPtr doc = pkg->doc;
  epub_set(pkg, "version", "3.0");
  epub_set(pkg, "unique-identifier", "pub-id");
  epub_newline(pkg);
  metadata(e, pkg);
  epub_newline(pkg);
  xmlNodePtr manifest = epub_el(pkg, "manifest");
  epub_newline(manifest);
  for (guint i = 0; i < e->items->len; i++) {
    const EpubItem *it = e->items->pdata[i];
    xmlNodePtr item = epub_el(manifest, "item");
    epub_set(item, "id", it->id);
    epub_set(item, "href", it->href);
    epub_set(item, "media-type", it->media_type);
    if (it->properties)
      epub_set(item, "properties", it->properties);
    epub_newline(manifest);
  }
  epub_newline(pkg);
  xmlNodePtr spine = epub_el(pkg, "spine");
  epub_set(spine, "toc", "ncx");
  epub_newline(spine);
  for (guint i = 0; i < e->items->len; i++) {
    const EpubItem *it = e->items->pdata[i];
    if (!it->in_spine)
      continue;
    xmlNodePtr ref = epub_el(spine, "itemref");
    epub_set(ref, "idref", it->id);
    if (!it->linear)
      epub_set(ref, "linear", "no");
    epub_newline(spine);
  }
  epub_newline(pkg);
  /* EPUB 2's guide, which EPUB 3 keeps for older readers: calibre's Kindle conversions take the
   * cover page from it instead of adding a second one of their own. */
  xmlNodePtr guide = epub_el(pkg, "guide");
  epub_newline(guide);
  if (e->cover)
    guide_reference(guide, "cover", "Cover", "text/cover.xhtml");
  guide_reference(guide, "toc", BOOK_CONTENTS_TITLE, "text/contents.xhtml");
  if (e->chapters->len)
    guide_reference(guide, "text", "Start", ((const EpubChapter *)e->chapters->pdata[0])->href);
  epub_newline(pkg);
  GBytes *out = epub_serialize(doc);
  xmlFreeDoc(doc);
  return out;
}

/* ---- navigation ---- */

/* The headings a reader navigates by: the chapter's sections and sub-groups (levels below the
 * title, up to two more), in order. */
typedef void (*NavEntryFunc)(gpointer ctx, int depth, const char *text, const char *href);

static void walk_chapter(const Epub *e, const EpubChapter *ec, int max_depth, NavEntryFunc fn,
                         gpointer ctx) {
  const Chapter *ch = ec->chapter;
  int base = ch->title_heading ? ch->title_heading->level : 1;
  g_autofree char *title = epub_nav_text(ch->toc ? ch->toc->title : ch->title ? ch->title : "");
  g_autofree char *file = g_path_get_basename(ec->href);
  fn(ctx, 0, title, file);
  for (guint i = 0; i < ch->headings->len; i++) {
    const Heading *h = ch->headings->pdata[i];
    int depth = h->level - base;
    if (h == ch->title_heading || depth < 1 || depth > max_depth)
      continue;
    g_autofree char *text = epub_nav_text(h->text);
    g_autofree char *href = g_strconcat(file, "#", epub_heading_id(e, ch, h), NULL);
    fn(ctx, depth, text, href);
  }
}

/* nav.xhtml's nested lists: an <ol> per level, opened and closed as the depth changes. */
typedef struct {
  GPtrArray *lists; /* xmlNodePtr <ol> per open depth */
  xmlNodePtr last_li;
  const char *prefix; /* "text/" from nav.xhtml to the chapters */
} NavBuild;

static void nav_entry(gpointer data, int depth, const char *text, const char *href) {
  NavBuild *nb = data;
  /* a level skipped (a ### right after the title) nests one step, under the last entry */
  depth = MIN(depth, (int)nb->lists->len);
  while ((int)nb->lists->len > depth + 1)
    g_ptr_array_remove_index(nb->lists, nb->lists->len - 1);
  if ((int)nb->lists->len == depth)
    g_ptr_array_add(nb->lists, epub_el(nb->last_li, "ol"));
  xmlNodePtr li = epub_el(nb->lists->pdata[depth], "li");
  xmlNodePtr a = epub_el_text(li, "a", text);
  g_autofree char *full = g_strconcat(nb->prefix, href, NULL);
  epub_set(a, "href", full);
  nb->last_li = li;
}

static void landmark(xmlNodePtr ol, xmlNsPtr ns, const char *type, const char *href,
                     const char *text) {
  xmlNodePtr a = epub_el_text(epub_el(ol, "li"), "a", text);
  xmlNewNsProp(a, ns, X("type"), X(type));
  epub_set(a, "href", href);
  epub_newline(ol);
}

/* The contents page's entries: a paragraph per entry, its level a class. */
static void contents_entry(gpointer data, int depth, const char *text, const char *href) {
  xmlNodePtr list = data;
  xmlNodePtr p = epub_el(list, "p");
  g_autofree char *cls = g_strdup_printf("toc-%d", depth);
  epub_set(p, "class", cls);
  epub_set(epub_el_text(p, "a", text), "href", href);
  epub_newline(list);
}

xmlDocPtr epub_contents_page(const Epub *e, const char *contents_title) {
  xmlNodePtr body;
  xmlNsPtr ns;
  xmlDocPtr doc = epub_xhtml_new(e, contents_title, "../css/book.css", &body, &ns);
  xmlNodePtr section = epub_el(body, "section");
  epub_set(section, "class", "contents-page");
  epub_set(section, "aria-labelledby", "contents-title");
  epub_newline(section);
  epub_front_pagebreaks(e, section, ns, PRINT_CONTENTS);
  epub_set(epub_el_text(section, "h1", contents_title), "id", "contents-title");
  epub_newline(section);
  xmlNodePtr list = epub_el(section, "div");
  epub_set(list, "class", "contents");
  epub_newline(list);
  for (guint i = 0; i < e->chapters->len; i++)
    walk_chapter(e, e->chapters->pdata[i], 2, contents_entry, list);
  if (e->book->index) /* as in nav.xhtml and the PDF's contents */
    contents_entry(list, 0, EPUB_INDEX_TITLE, "index.xhtml");
  epub_newline(body);
  return doc;
}

/* The print edition's pages in order, each linking to its marker (hidden: reading systems
 * offer it as "go to page"). */
static void page_list(const Epub *e, xmlNodePtr body, xmlNsPtr ns) {
  if (!e->o->pages)
    return;
  xmlNodePtr nav = epub_el(body, "nav");
  xmlNewNsProp(nav, ns, X("type"), X("page-list"));
  epub_set(nav, "hidden", "");
  epub_set(nav, "aria-label", "Print pages");
  xmlNodePtr ol = epub_el(nav, "ol");
  epub_newline(ol);
  for (guint i = 0; i < e->o->pages->len; i++) {
    const PrintPage *p = e->o->pages->pdata[i];
    g_autofree char *href = page_href(e, p);
    if (!href)
      continue;
    epub_set(epub_el_text(epub_el(ol, "li"), "a", p->label), "href", href);
    epub_newline(ol);
  }
  epub_newline(body);
}

GBytes *epub_nav(const Epub *e, const char *contents_title) {
  xmlNodePtr body;
  xmlNsPtr ns;
  xmlDocPtr doc = epub_xhtml_new(e, contents_title, "css/book.css", &body, &ns);
  xmlNodePtr nav = epub_el(body, "nav");
  xmlNewNsProp(nav, ns, X("type"), X("toc"));
  epub_set(nav, "id", "toc");
  epub_set(nav, "role", "doc-toc");
  epub_set(nav, "aria-labelledby", "toc-title");
  epub_newline(nav);
  xmlNodePtr h1 = epub_el_text(nav, "h1", contents_title);
  epub_set(h1, "id", "toc-title");
  epub_newline(nav);
  xmlNodePtr top = epub_el(nav, "ol");
  epub_set(top, "class", "contents");
  NavBuild nb = {g_ptr_array_new(), NULL, "text/"};
  for (guint i = 0; i < e->chapters->len; i++) {
    g_ptr_array_set_size(nb.lists, 0);
    g_ptr_array_add(nb.lists, top);
    walk_chapter(e, e->chapters->pdata[i], 2, nav_entry, &nb);
    epub_newline(top);
  }
  if (e->book->index) {
    epub_set(epub_el_text(epub_el(top, "li"), "a", EPUB_INDEX_TITLE), "href", "text/index.xhtml");
    epub_newline(top);
  }
  g_ptr_array_free(nb.lists, TRUE);
  epub_newline(body);
  page_list(e, body, ns);
  xmlNodePtr marks = epub_el(body, "nav");
  xmlNewNsProp(marks, ns, X("type"), X("landmarks"));
  epub_set(marks, "hidden", "hidden");
  epub_set(marks, "class", "landmarks"); /* display: none for engines that ignore `hidden` */
  epub_set(marks, "style", "display: none");
  epub_set(marks, "aria-label", "Landmarks");
  xmlNodePtr ol = epub_el(marks, "ol");
  epub_newline(ol);
  if (e->cover)
    landmark(ol, ns, "cover", "text/cover.xhtml", "Cover");
  landmark(ol, ns, "toc", "text/contents.xhtml", contents_title);
  if (e->chapters->len) {
    const EpubChapter *first = e->chapters->pdata[0];
    landmark(ol, ns, "bodymatter", first->href, "Start of content");
  }
  if (e->book->index)
    landmark(ol, ns, "index", "text/index.xhtml", EPUB_INDEX_TITLE);
  epub_newline(body);
  GBytes *out = epub_serialize(doc);
  xmlFreeDoc(doc);
  return out;
}

/* toc.ncx: chapters and their sections (two levels: what Kindle shows). */
typedef struct {
  xmlNodePtr map, chapter_point;
  int order;
} NcxBuild;

static void ncx_entry(gpointer data, int depth, const char *text, const char *href) {
  NcxBuild *nb = data;
  xmlNodePtr parent = depth == 0 ? nb->map : nb->chapter_point;
  xmlNodePtr point = epub_el(parent, "navPoint");
  g_autofree char *id = g_strdup_printf("nav-%d", ++nb->order);
  g_autofree char *order = g_strdup_printf("%d", nb->order);
  epub_set(point, "id", id);
  epub_set(point, "playOrder", order);
  epub_el_text(epub_el(point, "navLabel"), "text", text);
  g_autofree char *src = g_strconcat("text/", href, NULL);
  epub_set(epub_el(point, "content"), "src", src);
  if (depth == 0)
    nb->chapter_point = point;
}

GBytes *epub_ncx(const Epub *e) {
  xmlNodePtr ncx = package_root(e, "ncx", NCX_NS);
  xmlDocPtr doc = ncx->doc;
  epub_set(ncx, "version", "2005-1");
  xmlNodePtr head = epub_el(ncx, "head");
  const char *metas[][2] = {{"dtb:uid", e->identifier},
                            {"dtb:depth", "2"},
                            {"dtb:totalPageCount", "0"},
                            {"dtb:maxPageNumber", "0"}};
  for (gsize i = 0; i < G_N_ELEMENTS(metas); i++) {
    xmlNodePtr m = epub_el(head, "meta");
    epub_set(m, "name", metas[i][0]);
    epub_set(m, "content", metas[i][1]);
  }
  epub_el_text(epub_el(ncx, "docTitle"), "text", e->book->meta.title);
  NcxBuild nb = {epub_el(ncx, "navMap"), NULL, 0};
  for (guint i = 0; i < e->chapters->len; i++)
    walk_chapter(e, e->chapters->pdata[i], 1, ncx_entry, &nb);
  GBytes *out = epub_serialize(doc);
  xmlFreeDoc(doc);
  return out;
}

/* ---- the index ---- */

/* A place's link text: its print page, or, without print pages, its chapter's number or
 * title. Caller frees. */
static char *place_text(const Epub *e, const IndexPlace *p) {
  const GArray *pages = e->o->place_pages;
  if (pages && p->number < (int)pages->len && g_array_index(pages, int, p->number) > 0)
    return g_strdup_printf("%d", g_array_index(pages, int, p->number));
  const TocChapter *tc = p->chapter->toc;
  if (tc && tc->label)
    return g_strdup_printf("ch. %s", tc->label);
  return g_strdup(tc ? tc->bare_title : p->chapter->title ? p->chapter->title : "");
}

static char *place_href(const Epub *e, const IndexPlace *p) {
  const EpubChapter *ec = g_hash_table_lookup(e->chapter_by_chapter, p->chapter);
  g_autofree char *file = ec ? g_path_get_basename(ec->href) : NULL;
  return file ? g_strdup_printf("%s#ix-%d", file, p->number) : NULL;
}

/* The locators of an entry: one link per print page, or per run of pages ("12-14", to the
 * first place), in page order. */
/* Places by their print page (`data`: the pages), then book order. */
static int place_page_cmp(gconstpointer a, gconstpointer b, gpointer data) {
  const GArray *sort_pages = data;
  const IndexPlace *x = *(const IndexPlace *const *)a, *y = *(const IndexPlace *const *)b;
  int px = sort_pages && x->number < (int)sort_pages->len
               ? g_array_index(sort_pages, int, x->number)
               : 0;
  int py = sort_pages && y->number < (int)sort_pages->len
               ? g_array_index(sort_pages, int, y->number)
               : 0;
  return px != py ? (px > py) - (px < py) : (x->number > y->number) - (x->number < y->number);
}

static void locators(const Epub *e, xmlNodePtr li, xmlNsPtr ns, const IndexEntry *entry) {
  const GArray *pages = e->o->place_pages;
  int run_first = 0, run_last = 0;
  xmlNodePtr run = NULL;
  g_autoptr(GPtrArray) places = g_ptr_array_copy(entry->places, NULL, NULL);
  g_ptr_array_sort_with_data(places, place_page_cmp, (gpointer)pages);
  for (guint i = 0; i < places->len; i++) {
    const IndexPlace *p = places->pdata[i];
    int page = pages && p->number < (int)pages->len ? g_array_index(pages, int, p->number) : 0;
    if (page > 0 && run && page >= run_first && page <= run_last + 1) {
      if (page > run_last) { /* extends the run: "12–13" */
        run_last = page;
        g_autofree char *text = g_strdup_printf("%d\u2013%d", run_first, run_last);
        xmlNodeSetContent(run, X(text));
        xmlSetNsProp(run, ns, X("type"), X("index-locator-range"));
      }
      continue;
    }
    g_autofree char *href = place_href(e, p);
    g_autofree char *text = place_text(e, p);
    if (!href)
      continue;
    epub_text(li, ", ");
    run = epub_el_text(li, "a", text);
    epub_set(run, "href", href);
    xmlNewNsProp(run, ns, X("type"), X("index-locator"));
    run_first = run_last = page;
  }
}

static void xrefs(xmlNodePtr li, xmlNsPtr ns, const char *word, const char *type,
                  const GPtrArray *targets) {
  if (!targets->len)
    return;
  epub_text(li, ". ");
  xmlNodePtr span = epub_el(li, "span");
  xmlNewNsProp(span, ns, X("type"), X(type));
  epub_text(epub_el(span, "em"), word);
  for (guint i = 0; i < targets->len; i++) {
    epub_text(span, i ? "; " : " ");
    epub_text(span, targets->pdata[i]);
  }
}

static void index_entry(const Epub *e, xmlNodePtr list, xmlNsPtr ns, const IndexEntry *entry) {
  xmlNodePtr li = epub_el(list, "li");
  xmlNewNsProp(li, ns, X("type"), X("index-entry"));
  xmlNodePtr term = epub_el(li, "span");
  xmlNewNsProp(term, ns, X("type"), X("index-term"));
  if (entry->code)
    epub_text(epub_el(term, "code"), entry->term);
  else
    epub_text(term, entry->term);
  locators(e, li, ns, entry);
  xrefs(li, ns, entry->places->len || !entry->see->len ? "See also" : "See", "index-xref-related",
        entry->see_also);
  xrefs(li, ns, "See", "index-xref-preferred", entry->see);
  if (entry->subs->len) {
    xmlNodePtr sub = epub_el(li, "ul");
    xmlNewNsProp(sub, ns, X("type"), X("index-entry-list"));
    for (guint i = 0; i < entry->subs->len; i++)
      index_entry(e, sub, ns, entry->subs->pdata[i]);
  }
  epub_newline(list);
}

xmlDocPtr epub_index_page(const Epub *e) {
  xmlNodePtr body;
  xmlNsPtr ns;
  xmlDocPtr doc = epub_xhtml_new(e, EPUB_INDEX_TITLE, "../css/book.css", &body, &ns);
  xmlNodePtr section = epub_el(body, "section");
  xmlNewNsProp(section, ns, X("type"), X("index"));
  epub_set(section, "role", "doc-index");
  epub_set(section, "class", "index");
  epub_set(section, "aria-labelledby", "index-title");
  epub_newline(section);
  epub_front_pagebreaks(e, section, ns, PRINT_INDEX);
  epub_set(epub_el_text(section, "h1", EPUB_INDEX_TITLE), "id", "index-title");
  epub_newline(section);
  const GPtrArray *entries = e->book->index->entries;
  g_autofree char *current = NULL;
  xmlNodePtr list = NULL;
  for (guint i = 0; i < entries->len; i++) {
    const IndexEntry *entry = entries->pdata[i];
    g_autofree char *group = index_group(entry);
    if (!current || strcmp(group, current) != 0) {
      xmlNodePtr g = epub_el(section, "section");
      xmlNewNsProp(g, ns, X("type"), X("index-group"));
      epub_newline(g);
      epub_el_text(g, "h2", group);
      epub_newline(g);
      list = epub_el(g, "ul");
      xmlNewNsProp(list, ns, X("type"), X("index-entry-list"));
      epub_newline(list);
      epub_newline(section);
      g_free(current);
      current = g_strdup(group);
    }
    index_entry(e, list, ns, entry);
  }
  epub_newline(body);
  return doc;
}
