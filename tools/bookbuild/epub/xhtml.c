/* xhtml.c: a chapter's cmark-gfm tree turned into an XHTML tree with libxml2 (well-formed by
 * construction), and the front matter pages. Raw HTML from the manuscript is parsed with
 * libxml2's HTML parser and grafted in, sanitised. Does not write files or know the zip. */
#include "epub/xhtml.h"

#include "callout.h"
#include "highlight.h"
#include "index.h"
#include "rawhtml.h"
#include "link.h"
#include "pagelist.h"
#include "path.h"
#include "text.h"
#include "typo.h"

#include <cmark-gfm-core-extensions.h>
#include <libxml/HTMLparser.h>
#include <string.h>

typedef struct {
  Epub *e;
  const EpubChapter *ec;
  const Chapter *ch;
  xmlDocPtr doc;
  xmlNsPtr epub_ns;
  GHashTable *ids;        /* ids used in this document (owned keys) */
  GHashTable *note_ids;   /* footnote number -> its id (owned) */
  GHashTable *ref_counts; /* footnote number -> references so far */
  int link_depth;         /* > 0 inside <a>: no link may open there */
  const char *skip_until; /* inside a dropped inline element: its name, until it closes */
  int callouts;           /* label ids */
  int tables;             /* tables so far: each region's name is unique in its document */
  gunichar prev;          /* the character before the next text, for quotes */
  /* print pages (pagelist.h): the chapter's, by block (cmark_node* -> GPtrArray of PrintPage*,
   * in order), those marked already, and the block whose inlines are being written: its pages,
   * the next one to mark and the characters of its text written so far */
  GHashTable *pages, *marked;
  GPtrArray *pending;
  guint next;
  glong offset;
} Xh;

/* ---- print page markers ---- */

static void mark_page(Xh *x, xmlNodePtr parent, const PrintPage *p) {
  if (g_hash_table_contains(x->marked, p))
    return;
  g_hash_table_add(x->marked, (gpointer)p);
  epub_pagebreak(parent, x->epub_ns, p->label);
}

/* Every page that begins in block `n`, marked before it (blocks with no inline text). */
static void pages_before(Xh *x, xmlNodePtr parent, cmark_node *n) {
  GPtrArray *pages = n ? g_hash_table_lookup(x->pages, n) : NULL;
  for (guint i = 0; pages && i < pages->len; i++)
    mark_page(x, parent, pages->pdata[i]);
}

/* The inlines of block `n` are written next: its pages are marked as its text passes them. */
static void pages_begin(Xh *x, cmark_node *n) {
  x->pending = g_hash_table_lookup(x->pages, n);
  x->next = 0;
  x->offset = 0;
}

/* The block's pages not marked yet, marked at its end. */
static void pages_end(Xh *x, xmlNodePtr parent) {
  for (; x->pending && x->next < x->pending->len; x->next++)
    mark_page(x, parent, x->pending->pdata[x->next]);
  x->pending = NULL;
}

/* Text that counts `len` characters of the block's text (a text node's literal, smartened,
 * or a code span's, as is), with the markers of the pages that begin inside it. */
static void text_with_pages(Xh *x, xmlNodePtr parent, const char *lit, const guint8 *keep,
                            gboolean smart) {
  glong len = g_utf8_strlen(lit, -1);
  const char *done = lit;
  while (x->pending && x->next < x->pending->len) {
    const PrintPage *p = x->pending->pdata[x->next];
    if (p->offset >= x->offset + len)
      break;
    const char *cut = g_utf8_offset_to_pointer(lit, MAX(p->offset - x->offset, 0));
    if (cut > done) {
      g_autofree char *piece = g_strndup(done, (gsize)(cut - done));
      g_autofree char *out =
          smart ? typo_smarten_keeping(piece, keep ? keep + (done - lit) : NULL, &x->prev)
                : g_strdup(piece);
      epub_text(parent, out);
      done = cut;
    }
    mark_page(x, parent, p);
    x->next++;
  }
  g_autofree char *out =
      smart ? typo_smarten_keeping(done, keep ? keep + (done - lit) : NULL, &x->prev)
            : g_strdup(done);
  epub_text(parent, out);
  x->offset += len;
}

/* ---- small tree helpers ---- */

static void add_smart_text(Xh *x, xmlNodePtr parent, const char *s) {
  g_autofree char *smart = typo_smarten(s ? s : "", &x->prev);
  epub_text(parent, smart);
}

/* Indentation (in spaces) up to which a wrapped code line hangs under its own indentation;
 * deeper lines hang two characters in, as unindented ones do. */
#define CODE_MAX_HANG 40

/* `base`, or `base-2`, `base-3`..., whichever is not yet an id of this document. */
static const char *unique_id(Xh *x, const char *base) {
  g_autofree char *id = g_strdup(base);
  for (int n = 2; g_hash_table_contains(x->ids, id); n++) {
    g_free(id);
    id = g_strdup_printf("%s-%d", base, n);
  }
  char *owned = g_steal_pointer(&id);
  g_hash_table_add(x->ids, owned);
  return owned;
}

static void warn(Xh *x, int line, const char *rule, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void warn(Xh *x, int line, const char *rule, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diags_vadd(x->e->book->diags, DIAG_WARNING, x->ch->display_path, x->ch->file_id, line, 1, rule,
             fmt, ap);
  va_end(ap);
}

/* ---- links and images ---- */

/* The XHTML href of a link inside the book, or NULL when it leads to nothing the EPUB has. */
static char *internal_href(Xh *x, const char *url) {
  Chapter *target = NULL;
  Heading *heading = NULL;
  book_resolve_link(x->e->book, x->ch, url, &target, &heading);
  const EpubChapter *tec = target ? g_hash_table_lookup(x->e->chapter_by_chapter, target) : NULL;
  if (!tec)
    return NULL;
  g_autofree char *file = g_path_get_basename(tec->href);
  const char *id = heading ? epub_heading_id(x->e, target, heading) : NULL;
  if (!id)
    return g_steal_pointer(&file);
  return g_strconcat(tec == x->ec ? "" : file, "#", id, NULL);
}

/* The href for `url` as written in the manuscript; NULL when the link must become text. */
static char *link_href(Xh *x, const char *url, int line) {
  if (!url || !*url || link_is_unsafe(url))
    return NULL; /* the validator warned [link-scheme] */
  if (link_is_external(url))
    /* A scheme epubcheck does not know, or a host it cannot parse, costs the book a warning
     * in every checker and a dead link in readers: the validator warned [link-url]. */
    return link_url_problem(url) ? NULL : link_external_uri(url, LINK_URI_IRI);
  char *href = internal_href(x, url);
  if (!href)
    warn(x, line, "link-target",
         "link '%s' leads to no chapter of the EPUB; its text is kept without the link", url);
  return href;
}

/* A file name any reading system takes: letters, digits, '.', '-', '_' and '/'. */
static char *safe_name(const char *path) {
  GString *s = g_string_new(NULL);
  for (const char *p = path; *p; p++)
    g_string_append_c(s, g_ascii_isalnum(*p) || strchr("._-/", *p) ? *p : '_');
  return g_string_free(s, FALSE);
}

/* The manifest item of an image written as `url` in this chapter, added on first use; NULL
 * when it is not a local image file inside manuscript/. */
static EpubItem *image_item(Xh *x, const char *url) {
  g_auto(ImageRef) ref = {0};
  if (!url || book_resolve_image(x->e->book, x->ch, url, &ref) != IMAGE_REF_FILE)
    return NULL;
  const char *norm = ref.path, *full = ref.full;
  EpubItem *item = g_hash_table_lookup(x->e->images, norm);
  if (item)
    return item;
  const char *type = epub_image_type(norm);
  if (!type)
    return NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents(full, &data, &len, NULL))
    return NULL;
  g_autofree char *safe = safe_name(norm);
  g_autofree char *href = g_strconcat("media/", safe, NULL);
  g_autofree char *id = g_strdup_printf("img-%u", g_hash_table_size(x->e->images) + 1);
  for (guint i = 0; i < x->e->items->len; i++) /* two paths that sanitise alike */
    if (strcmp(((EpubItem *)x->e->items->pdata[i])->href, href) == 0) {
      g_free(href);
      href = g_strdup_printf("media/%s-%s", id, safe);
    }
  item = epub_add_item(x->e, id, href, type, g_bytes_new_take(g_steal_pointer(&data), len));
  item->level = strcmp(type, "image/svg+xml") == 0 ? EPUB_DEFLATE_TEXT : 0;
  g_hash_table_insert(x->e->images, g_strdup(norm), item);
  return item;
}

static xmlNodePtr image_element(Xh *x, xmlNodePtr parent, const char *url, const char *alt,
                                const char *title) {
  EpubItem *item = image_item(x, url);
  if (!item) {
    epub_text(parent, alt);
    return NULL;
  }
  xmlNodePtr img = epub_el(parent, "img");
  g_autofree char *src = g_strconcat("../", item->href, NULL);
  epub_set(img, "src", src);
  epub_set(img, "alt", alt ? alt : "");
  if (title && *title)
    epub_set(img, "title", title);
  if (alt && *alt)
    x->e->images_with_alt = TRUE;
  else
    x->e->images_without_alt = TRUE;
  return img;
}

/* ---- raw HTML ---- */

static gboolean in_list(const char *name, const char *const *list, gsize n) {
  for (gsize i = 0; i < n; i++)
    if (strcmp(name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static const char *const phrasing_elements[] = {
    "a",     "abbr", "b",      "bdi", "bdo", "br",   "cite", "code", "data", "del",
    "dfn",   "em",   "i",      "img", "ins", "kbd",  "mark", "q",    "s",    "samp",
    "small", "span", "strong", "sub", "sup", "time", "u",    "var",  "wbr"};

static const char *const flow_elements[] = {
    "address", "article", "aside", "blockquote", "caption",    "col",    "colgroup", "dd",
    "details", "div",     "dl",    "dt",         "figcaption", "figure", "footer",   "h1",
    "h2",      "h3",      "h4",    "h5",         "h6",         "header", "hr",       "li",
    "ol",      "p",       "pre",   "section",    "summary",    "table",  "tbody",    "td",
    "tfoot",   "th",      "thead", "tr",         "ul"};

static const char *const void_elements[] = {"br", "hr", "img", "wbr", "col"};

static gboolean attr_allowed(const char *element, const char *name) {
  static const char *const global[] = {"id", "class", "title", "lang", "dir", "role"};
  if (in_list(name, global, G_N_ELEMENTS(global)) || g_str_has_prefix(name, "aria-") ||
      g_str_has_prefix(name, "data-"))
    return TRUE;
  static const struct {
    const char *element, *attr;
  } specific[] = {
      {"a", "href"},       {"a", "hreflang"}, {"img", "src"},         {"img", "alt"},
      {"img", "width"},    {"img", "height"}, {"td", "colspan"},      {"td", "rowspan"},
      {"th", "colspan"},   {"th", "rowspan"}, {"th", "scope"},        {"ol", "start"},
      {"ol", "reversed"},  {"ol", "type"},    {"li", "value"},        {"time", "datetime"},
      {"data", "value"},   {"q", "cite"},     {"blockquote", "cite"}, {"del", "datetime"},
      {"ins", "datetime"}, {"col", "span"},   {"colgroup", "span"},   {"details", "open"}};
  for (gsize i = 0; i < G_N_ELEMENTS(specific); i++)
    if (strcmp(element, specific[i].element) == 0 && strcmp(name, specific[i].attr) == 0)
      return TRUE;
  return FALSE;
}

static gboolean all_digits(const char *s) {
  if (!*s)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit(*s))
      return FALSE;
  return TRUE;
}

/* An id the document can take: an XML name not used yet. */
static gboolean id_usable(Xh *x, const char *id) {
  if (!*id || !(g_ascii_isalpha(*id) || *id == '_'))
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!(g_ascii_isalnum(*p) || strchr("-_.", *p)))
      return FALSE;
  return !g_hash_table_contains(x->ids, id);
}

/* Copies the attributes of a parsed HTML element that XHTML and reading systems accept. */
static void copy_attributes(Xh *x, xmlNodePtr from, xmlNodePtr to, int line) {
  const char *element = (const char *)to->name;
  for (xmlAttrPtr a = from->properties; a; a = a->next) {
    g_autofree char *name = g_ascii_strdown((const char *)a->name, -1);
    xmlChar *raw = xmlNodeListGetString(from->doc, a->children, 1);
    g_autofree char *value = g_strdup(raw ? (const char *)raw : "");
    xmlFree(raw);
    if (g_str_has_prefix(name, "on")) {
      warn(x, line, "raw-html", "raw HTML event attribute '%s' is dropped from the EPUB", name);
      continue;
    }
    if (!attr_allowed(element, name))
      continue;
    if (strcmp(name, "href") == 0 || strcmp(name, "src") == 0 || strcmp(name, "cite") == 0) {
      if (link_is_unsafe(value)) {
        warn(x, line, "raw-html", "raw HTML '%s' with an unsafe URL is dropped from the EPUB",
             name);
        continue;
      }
    }
    if (strcmp(name, "href") == 0) {
      g_autofree char *href = link_href(x, value, line);
      if (href)
        epub_set(to, "href", href);
      continue;
    }
    if (strcmp(name, "src") == 0)
      continue; /* images: see raw_element() */
    if (strcmp(name, "id") == 0) {
      if (id_usable(x, value))
        unique_id(x, value);
      else
        continue;
    }
    if ((strcmp(name, "width") == 0 || strcmp(name, "height") == 0 ||
         strcmp(name, "colspan") == 0 || strcmp(name, "rowspan") == 0 ||
         strcmp(name, "start") == 0 || strcmp(name, "span") == 0) &&
        !all_digits(value))
      continue;
    epub_set(to, name, value);
  }
}

/* Text from the HTML parser, with HTML5 named references it did not know decoded by cmark's
 * entity table (the HTML parser knows HTML 4's). */
static char *decode_entities(const char *s) {
  if (!strchr(s, '&'))
    return g_strdup(s);
  GString *out = g_string_new(NULL);
  for (const char *p = s; *p;) {
    const char *semi = *p == '&' ? strchr(p, ';') : NULL;
    if (semi && semi - p > 1 && semi - p < 40) {
      gboolean name = TRUE;
      for (const char *q = p + 1; q < semi; q++)
        name = name && g_ascii_isalnum(*q);
      if (name) {
        cmark_node *doc = cmark_parse_document(p, semi - p + 1, CMARK_OPT_DEFAULT);
        g_autofree char *plain = text_plain(cmark_node_first_child(doc));
        cmark_node_free(doc);
        g_string_append(out, plain);
        p = semi + 1;
        continue;
      }
    }
    g_string_append_c(out, *p++);
  }
  return g_string_free(out, FALSE);
}

static void raw_children(Xh *x, xmlNodePtr from, xmlNodePtr to, gboolean phrasing, int line);

/* One parsed HTML node grafted under `to` as XHTML. `phrasing`: only phrasing content may go
 * there (inside a paragraph). */
static void raw_node(Xh *x, xmlNodePtr n, xmlNodePtr to, gboolean phrasing, int line) {
  int at = line + (n->line > 1 ? (int)n->line - 1 : 0);
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    g_autofree char *text = decode_entities((const char *)n->content);
    epub_text(to, text);
    return;
  }
  if (n->type != XML_ELEMENT_NODE)
    return; /* comments, processing instructions */
  g_autofree char *name = g_ascii_strdown((const char *)n->name, -1);
  if (rawhtml_dropped(name)) {
    warn(x, at, "raw-html", "raw HTML element <%s> is dropped from the EPUB", name);
    return;
  }
  gboolean known = in_list(name, phrasing_elements, G_N_ELEMENTS(phrasing_elements)) ||
                   (!phrasing && in_list(name, flow_elements, G_N_ELEMENTS(flow_elements)));
  if (!known || (strcmp(name, "a") == 0 && x->link_depth > 0)) {
    raw_children(x, n, to, phrasing, line); /* unknown or misplaced: its content only */
    return;
  }
  if (strcmp(name, "img") == 0) {
    xmlChar *src = xmlGetProp(n, X("src")), *alt = xmlGetProp(n, X("alt"));
    xmlNodePtr img =
        image_element(x, to, src ? (const char *)src : NULL, alt ? (const char *)alt : "", NULL);
    if (img) /* else check refused the book (its src is checked as a Markdown image's) */
      copy_attributes(x, n, img, at);
    xmlFree(src);
    xmlFree(alt);
    return;
  }
  xmlNodePtr out = epub_el(to, name);
  copy_attributes(x, n, out, at);
  if (in_list(name, void_elements, G_N_ELEMENTS(void_elements)))
    return;
  gboolean is_link = strcmp(name, "a") == 0;
  x->link_depth += is_link;
  gboolean inner_phrasing = phrasing ||
                            in_list(name, phrasing_elements, G_N_ELEMENTS(phrasing_elements)) ||
                            strcmp(name, "p") == 0 || name[0] == 'h';
  raw_children(x, n, out, inner_phrasing, line);
  x->link_depth -= is_link;
}

static void raw_children(Xh *x, xmlNodePtr from, xmlNodePtr to, gboolean phrasing, int line) {
  for (xmlNodePtr c = from->children; c; c = c->next)
    raw_node(x, c, to, phrasing, line);
}

static htmlDocPtr parse_html(const char *html) {
  return htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
                        HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
}

static xmlNodePtr find_element(xmlNodePtr n, const char *name) {
  for (; n; n = n->next) {
    if (n->type == XML_ELEMENT_NODE && g_ascii_strcasecmp((const char *)n->name, name) == 0)
      return n;
    xmlNodePtr in = find_element(n->children, name);
    if (in)
      return in;
  }
  return NULL;
}

static void html_block(Xh *x, xmlNodePtr parent, cmark_node *node) {
  g_autofree char *cdata = rawhtml_cdata_text(cmark_node_get_literal(node));
  if (cdata) {
    if (*cdata)
      epub_text(epub_el(parent, "p"), cdata);
    epub_newline(parent);
    return;
  }
  htmlDocPtr doc = parse_html(cmark_node_get_literal(node));
  if (!doc)
    return;
  int line = cmark_node_get_start_line(node);
  /* What the parser put in <head> (a leading <script>, <style>, <meta>) is all dropped, but
   * visited so that each is warned about. */
  xmlNodePtr head = find_element(xmlDocGetRootElement(doc), "head");
  if (head)
    raw_children(x, head, parent, FALSE, line);
  xmlNodePtr body = find_element(xmlDocGetRootElement(doc), "body");
  if (body)
    raw_children(x, body, parent, FALSE, line);
  xmlFreeDoc(doc);
  epub_newline(parent);
}

/* The first element the HTML parser made of a tag that is not one it implies (html, head,
 * body): a lone <script> lands in <head>, a <span> in <body>. */
static xmlNodePtr first_tag(xmlNodePtr n) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    const char *name = (const char *)n->name;
    if (g_ascii_strcasecmp(name, "html") && g_ascii_strcasecmp(name, "head") &&
        g_ascii_strcasecmp(name, "body"))
      return n;
    xmlNodePtr in = first_tag(n->children);
    if (in)
      return in;
  }
  return NULL;
}

static gboolean html_self_closed(const char *html) {
  gsize len = strlen(html);
  return len >= 2 && html[len - 2] == '/';
}

/* The element an inline tag such as `<span class="x">` opens, with its attributes; NULL for a
 * closing tag, a comment or an element that is dropped (warned). */
static xmlNodePtr inline_open_tag(Xh *x, xmlNodePtr parent, const char *html, int line,
                                  gboolean *is_void) {
  *is_void = FALSE;
  if (html[0] != '<' || html[1] == '/' || html[1] == '!' || html[1] == '?')
    return NULL;
  htmlDocPtr doc = parse_html(html);
  xmlNodePtr n = doc ? first_tag(xmlDocGetRootElement(doc)) : NULL;
  xmlNodePtr out = NULL;
  if (n) {
    g_autofree char *name = g_ascii_strdown((const char *)n->name, -1);
    *is_void = in_list(name, void_elements, G_N_ELEMENTS(void_elements));
    const char *dropped = rawhtml_dropped(name);
    if (dropped) {
      warn(x, line, "raw-html", "raw HTML element <%s> is dropped from the EPUB", name);
      if (!html_self_closed(html))
        x->skip_until = dropped; /* its content goes too */
      *is_void = TRUE;
    } else if (strcmp(name, "img") == 0) {
      raw_node(x, n, parent, TRUE, line);
      *is_void = TRUE;
    } else if (in_list(name, phrasing_elements, G_N_ELEMENTS(phrasing_elements)) &&
               !(strcmp(name, "a") == 0 && x->link_depth > 0)) {
      out = epub_el(parent, name);
      copy_attributes(x, n, out, line);
    }
  }
  if (doc)
    xmlFreeDoc(doc);
  return out;
}

/* "span" for "</span>", else NULL. */
static char *closing_tag(const char *html) {
  if (!g_str_has_prefix(html, "</"))
    return NULL;
  const char *p = html + 2, *start = p;
  while (g_ascii_isalnum(*p))
    p++;
  return p > start ? g_ascii_strdown(start, p - start) : NULL;
}

/* ---- inlines ---- */

static void inlines(Xh *x, xmlNodePtr parent, cmark_node *first);

static void footnote_ref(Xh *x, xmlNodePtr parent, cmark_node *n);

static void link_inline(Xh *x, xmlNodePtr parent, cmark_node *n) {
  int line = cmark_node_get_start_line(cmark_node_parent(n));
  g_autofree char *href = x->link_depth ? NULL : link_href(x, cmark_node_get_url(n), line);
  if (!href) {
    inlines(x, parent, cmark_node_first_child(n));
    return;
  }
  xmlNodePtr a = epub_el(parent, "a");
  epub_set(a, "href", href);
  const char *title = cmark_node_get_title(n);
  if (title && *title)
    epub_set(a, "title", title);
  g_autofree char *plain = text_plain(n);
  if (link_text_is_url(plain))
    epub_set(a, "class", "url");
  x->link_depth++;
  inlines(x, a, cmark_node_first_child(n));
  x->link_depth--;
}

/* Appends one inline node to the top of `open` (the elements raw inline HTML has opened). */
static void inline_node(Xh *x, GPtrArray *open, cmark_node *n) {
  xmlNodePtr parent = open->pdata[open->len - 1];
  cmark_node_type t = cmark_node_get_type(n);
  if (x->skip_until) {
    x->offset += pagelist_inline_chars(n);
    g_autofree char *closing =
        t == CMARK_NODE_HTML_INLINE ? closing_tag(cmark_node_get_literal(n)) : NULL;
    if (closing && strcmp(closing, x->skip_until) == 0)
      x->skip_until = NULL;
    return;
  }
  if (t == CMARK_NODE_STRIKETHROUGH) {
    inlines(x, epub_el(parent, "del"), cmark_node_first_child(n));
    return;
  }
  const IndexPlace *place =
      x->e->book->index && (t == CMARK_NODE_HTML_INLINE || t == CMARK_NODE_CODE)
          ? g_hash_table_lookup(x->e->book->index->place_by_node, n)
          : NULL;
  if (place) { /* where the index links to, after the page breaks that come before it */
    for (; x->pending && x->next < x->pending->len &&
           ((const PrintPage *)x->pending->pdata[x->next])->offset <= x->offset;
         x->next++)
      mark_page(x, parent, x->pending->pdata[x->next]);
    g_autofree char *id = g_strdup_printf("ix-%d", place->number);
    epub_set(epub_el(parent, "span"), "id", id);
  }
  switch (t) {
  case CMARK_NODE_TEXT: {
    g_autofree guint8 *keep = chapter_kept_quotes(x->ch, n);
    const char *lit = cmark_node_get_literal(n);
    text_with_pages(x, parent, lit ? lit : "", keep, TRUE);
    break;
  }
  case CMARK_NODE_CODE: {
    const char *lit = cmark_node_get_literal(n);
    text_with_pages(x, epub_el(parent, "code"), lit ? lit : "", NULL, FALSE);
    x->prev = 'x';
    break;
  }
  case CMARK_NODE_SOFTBREAK:
    epub_text(parent, "\n");
    x->prev = ' ';
    x->offset++;
    break;
  case CMARK_NODE_LINEBREAK:
    x->offset++;
    epub_el(parent, "br");
    epub_text(parent, "\n");
    x->prev = ' ';
    break;
  case CMARK_NODE_EMPH:
    inlines(x, epub_el(parent, "em"), cmark_node_first_child(n));
    break;
  case CMARK_NODE_STRONG:
    inlines(x, epub_el(parent, "strong"), cmark_node_first_child(n));
    break;
  case CMARK_NODE_LINK:
    link_inline(x, parent, n);
    break;
  case CMARK_NODE_IMAGE: {
    g_autofree char *alt = text_plain(n);
    image_element(x, parent, cmark_node_get_url(n), alt, cmark_node_get_title(n));
    break;
  }
  case CMARK_NODE_FOOTNOTE_REFERENCE:
    footnote_ref(x, parent, n);
    break;
  case CMARK_NODE_HTML_INLINE: {
    const char *html = cmark_node_get_literal(n);
    g_autofree char *closing = closing_tag(html);
    if (closing) {
      if (open->len > 1 && strcmp((const char *)parent->name, closing) == 0) {
        x->link_depth -= strcmp(closing, "a") == 0;
        g_ptr_array_remove_index(open, open->len - 1);
      }
      break;
    }
    gboolean is_void;
    int line = cmark_node_get_start_line(cmark_node_parent(n));
    xmlNodePtr opened = inline_open_tag(x, parent, html, line, &is_void);
    if (opened && !is_void) {
      x->link_depth += strcmp((const char *)opened->name, "a") == 0;
      g_ptr_array_add(open, opened);
    }
    break;
  }
  default:
    inlines(x, parent, cmark_node_first_child(n));
    break;
  }
}

static void inlines(Xh *x, xmlNodePtr parent, cmark_node *first) {
  g_autoptr(GPtrArray) open = g_ptr_array_new();
  g_ptr_array_add(open, parent);
  for (cmark_node *n = first; n; n = cmark_node_next(n))
    inline_node(x, open, n);
  for (guint i = 1; i < open->len; i++) /* raw <a> left open at the end of its paragraph */
    x->link_depth -= strcmp((const char *)((xmlNodePtr)open->pdata[i])->name, "a") == 0;
}

/* ---- footnotes ---- */

static const char *note_id(Xh *x, int number) {
  const char *id = g_hash_table_lookup(x->note_ids, GINT_TO_POINTER(number));
  if (!id) {
    g_autofree char *base = g_strdup_printf("fn-%d", number);
    id = unique_id(x, base);
    g_hash_table_insert(x->note_ids, GINT_TO_POINTER(number), g_strdup(id));
  }
  return id;
}

/* The id of the k-th reference to footnote `number`: "fnref-1", then "fnref-1-2", ... */
static char *ref_id(int number, int k) {
  return k == 1 ? g_strdup_printf("fnref-%d", number) : g_strdup_printf("fnref-%d-%d", number, k);
}

static void footnote_ref(Xh *x, xmlNodePtr parent, cmark_node *n) {
  const Note *note = chapter_note_of_ref(x->ch, n);
  int number = note ? note->number : 0;
  int k = GPOINTER_TO_INT(g_hash_table_lookup(x->ref_counts, GINT_TO_POINTER(number))) + 1;
  g_hash_table_insert(x->ref_counts, GINT_TO_POINTER(number), GINT_TO_POINTER(k));
  g_autofree char *rid = ref_id(number, k);
  xmlNodePtr sup = epub_el(parent, "sup");
  epub_set(sup, "class", "noteref");
  g_autofree char *label = g_strdup_printf("%d", number);
  if (x->link_depth) { /* a note mark inside a link's text: no <a> in <a> */
    epub_set(sup, "id", unique_id(x, rid));
    epub_text(sup, label);
    return;
  }
  xmlNodePtr a = epub_el(sup, "a");
  g_autofree char *href = g_strconcat("#", note_id(x, number), NULL);
  epub_set(a, "href", href);
  epub_set(a, "id", unique_id(x, rid));
  xmlNewNsProp(a, x->epub_ns, X("type"), X("noteref"));
  epub_set(a, "role", "doc-noteref");
  epub_text(a, label);
  x->prev = 'x';
}

static void blocks(Xh *x, xmlNodePtr parent, cmark_node *first);
static void block(Xh *x, xmlNodePtr parent, cmark_node *n);

static void footnotes(Xh *x, xmlNodePtr parent) {
  xmlNodePtr section = NULL;
  for (guint i = 0; i < x->ch->notes->len; i++) {
    const Note *note = x->ch->notes->pdata[i];
    int number = note->number;
    /* the references written (a mark in an image's alt text is not one): a way back to each */
    int refs = GPOINTER_TO_INT(g_hash_table_lookup(x->ref_counts, GINT_TO_POINTER(number)));
    if (!refs)
      continue;
    if (!section) {
      epub_el(parent, "hr");
      epub_set(parent->last, "class", "footnotes-rule");
      section = epub_el(parent, "section");
      epub_set(section, "class", "footnotes");
      xmlNewNsProp(section, x->epub_ns, X("type"), X("footnotes"));
      epub_set(section, "aria-label", "Notes");
      epub_newline(section);
    }
    xmlNodePtr aside = epub_el(section, "aside");
    epub_set(aside, "id", note_id(x, number));
    epub_set(aside, "class", "footnote");
    xmlNewNsProp(aside, x->epub_ns, X("type"), X("footnote"));
    epub_set(aside, "role", "doc-footnote");
    x->prev = 0;
    blocks(x, aside, cmark_node_first_child(note->def));
    xmlNodePtr first = aside->children;
    while (first && first->type != XML_ELEMENT_NODE)
      first = first->next;
    if (!first || strcmp((const char *)first->name, "p") != 0) {
      xmlNodePtr p = xmlNewDocNode(x->doc, NULL, X("p"), NULL);
      first = first ? xmlAddPrevSibling(first, p) : xmlAddChild(aside, p);
    }
    xmlNodePtr back = xmlNewDocNode(x->doc, NULL, X("a"), NULL);
    g_autofree char *rid = ref_id(number, 1);
    g_autofree char *href = g_strconcat("#", rid, NULL);
    epub_set(back, "href", href);
    epub_set(back, "class", "footnote-back");
    epub_set(back, "role", "doc-backlink");
    g_autofree char *label = g_strdup_printf("%d.", number);
    epub_text(back, label);
    if (first->children) {
      xmlAddPrevSibling(first->children, back);
      xmlAddNextSibling(back, xmlNewDocText(x->doc, X(" ")));
    } else { /* a note that starts with another block: its number in a paragraph of its own */
      xmlAddChild(first, back);
    }
    for (int k = 2; k <= refs; k++) { /* a note referenced again: a way back to each place */
      epub_text(first, " ");
      xmlNodePtr again = epub_el(first, "a");
      g_autofree char *rk = ref_id(number, k);
      g_autofree char *hk = g_strconcat("#", rk, NULL);
      g_autofree char *lk = g_strdup_printf("\xE2\x86\xA9\xEF\xB8\x8E%d", k); /* ↩︎ */
      epub_set(again, "href", hk);
      epub_set(again, "class", "footnote-back");
      epub_set(again, "role", "doc-backlink");
      g_autofree char *aria = g_strdup_printf("back to reference %d", k);
      epub_set(again, "aria-label", aria);
      epub_text(again, lk);
    }
    epub_newline(section);
  }
}

/* ---- blocks ---- */

/* Right-to-left text (Hebrew, Arabic) gets dir="rtl" where it starts a block, as the Unicode
 * bidi rules would decide from its first strong character. */
static gboolean starts_right_to_left(const char *text) {
  for (const char *p = text; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (!g_unichar_isalpha(c))
      continue;
    switch (g_unichar_get_script(c)) {
    case G_UNICODE_SCRIPT_ARABIC:
    case G_UNICODE_SCRIPT_HEBREW:
    case G_UNICODE_SCRIPT_SYRIAC:
    case G_UNICODE_SCRIPT_THAANA:
    case G_UNICODE_SCRIPT_NKO:
    case G_UNICODE_SCRIPT_SAMARITAN:
    case G_UNICODE_SCRIPT_MANDAIC:
      return TRUE;
    default:
      return FALSE;
    }
  }
  return FALSE;
}

static void set_direction(xmlNodePtr node, cmark_node *block) {
  g_autofree char *plain = text_plain(block);
  if (starts_right_to_left(plain))
    epub_set(node, "dir", "rtl");
}

static void paragraph(Xh *x, xmlNodePtr parent, cmark_node *n, cmark_node *from) {
  x->prev = 0;
  xmlNodePtr p = epub_el(parent, "p");
  set_direction(p, n);
  pages_begin(x, n);
  inlines(x, p, from ? from : cmark_node_first_child(n));
  pages_end(x, p);
  if (!p->children) {
    xmlUnlinkNode(p);
    xmlFreeNode(p);
    return;
  }
  epub_newline(parent);
}

/* A paragraph that holds one image and nothing else: written as a figure when the image is
 * one the package can hold. */
static gboolean is_figure(cmark_node *para) {
  cmark_node *img = cmark_node_first_child(para);
  return img && !cmark_node_next(img) && cmark_node_get_type(img) == CMARK_NODE_IMAGE;
}

/* A paragraph that is only an image is a figure; its title, when given, the caption. */
static gboolean figure(Xh *x, xmlNodePtr parent, cmark_node *para) {
  cmark_node *img = cmark_node_first_child(para);
  if (!img || cmark_node_next(img) || cmark_node_get_type(img) != CMARK_NODE_IMAGE)
    return FALSE;
  if (!image_item(x, cmark_node_get_url(img)))
    return FALSE;
  xmlNodePtr fig = epub_el(parent, "figure");
  epub_set(fig, "class", "figure");
  g_autofree char *alt = text_plain(img);
  image_element(x, fig, cmark_node_get_url(img), alt, NULL);
  const char *title = cmark_node_get_title(img);
  if (title && *title) {
    x->prev = 0;
    add_smart_text(x, epub_el(fig, "figcaption"), title);
  }
  epub_newline(parent);
  return TRUE;
}

static void heading(Xh *x, xmlNodePtr parent, cmark_node *n) {
  Heading *h = g_hash_table_lookup(x->ch->heading_by_node, n);
  char name[3] = {'h', (char)('0' + CLAMP(cmark_node_get_heading_level(n), 1, 6)), 0};
  xmlNodePtr hn = epub_el(parent, name);
  const char *id = h ? epub_heading_id(x->e, x->ch, h) : NULL;
  if (id)
    epub_set(hn, "id", id);
  if (h && h == x->ch->title_heading)
    epub_set(hn, "class", "chapter-title");
  set_direction(hn, n);
  x->prev = 0;
  pages_begin(x, n);
  inlines(x, hn, cmark_node_first_child(n));
  pages_end(x, hn);
  epub_newline(parent);
}

/* The highlighted pieces of tokens[*k...] that fall in code[start, end), appended to `line`;
 * *k moves past the tokens that end within it (a token may run on into the next line). */
static void code_line_tokens(xmlNodePtr line, const char *code, const GArray *tokens, guint *k,
                             gsize start, gsize end) {
  for (; *k < tokens->len; (*k)++) {
    const HighlightToken *t = &g_array_index(tokens, HighlightToken, *k);
    gsize from = MAX(t->start, start), to = MIN(t->start + t->len, end);
    if (to > from) {
      g_autofree char *piece = g_strndup(code + from, to - from);
      if (t->cls == HL_PLAIN) {
        epub_text(line, piece);
      } else {
        xmlNodePtr span = epub_el(line, "span");
        epub_set(span, "class", highlight_class_name(t->cls));
        epub_text(span, piece);
      }
    }
    if (t->start + t->len > end)
      return;
  }
}

/* A code block, one <span class="line"> per source line, each holding its own newline: engines
 * that ignore the stylesheet keep the line breaks, and where a long line wraps, epub.css hangs
 * its continuation two characters inside the line's own indentation (as the PDF's marks do), so
 * it cannot be read as a new line. */
static void code_block(Xh *x, xmlNodePtr parent, cmark_node *n) {
  const CodeBlock *cb = g_hash_table_lookup(x->ch->code_by_node, n);
  const char *lang = cb && cb->lang ? cb->lang : "";
  const char *code = cmark_node_get_literal(n);
  if (!code)
    code = "";
  gsize len = strlen(code);
  if (len && code[len - 1] == '\n')
    len--;
  xmlNodePtr pre = epub_el(parent, "pre");
  g_autofree char *cls = *lang ? g_strdup_printf("code lang-%s", lang) : g_strdup("code");
  epub_set(pre, "class", cls);
  xmlNodePtr out = epub_el(pre, "code");
  g_autoptr(GArray) tokens = highlight_tokens(lang, code, len);
  guint k = 0;
  pages_begin(x, n);
  glong at = 0; /* characters before `start`, counted as the lines go (page markers only) */
  for (gsize start = 0, counted = 0;;) {
    const char *nl = memchr(code + start, '\n', len - start);
    gsize end = nl ? (gsize)(nl - code) : len;
    xmlNodePtr line = epub_el(out, "span");
    epub_set(line, "class", "line");
    if (x->pending) {
      at += g_utf8_pointer_to_offset(code + counted, code + start);
      counted = start;
    }
    for (; x->pending && x->next < x->pending->len &&
           ((const PrintPage *)x->pending->pdata[x->next])->offset <= at;
         x->next++)
      mark_page(x, line, x->pending->pdata[x->next]);
    gsize indent = strspn(code + start, " ");
    if (indent > 0 && indent < end - start && indent <= CODE_MAX_HANG) {
      g_autofree char *hang =
          g_strdup_printf("padding-left: %zuch; text-indent: -%zuch", indent + 2, indent + 2);
      epub_set(line, "style", hang);
    }
    code_line_tokens(line, code, tokens, &k, start, end);
    if (!nl) {
      pages_end(x, line);
      break;
    }
    epub_text(line, "\n");
    start = end + 1;
  }
  epub_newline(parent);
}

static gboolean is_task_item(cmark_node *item) {
  const char *type = cmark_node_get_type_string(item);
  return type && strcmp(type, "tasklist") == 0;
}

static void list(Xh *x, xmlNodePtr parent, cmark_node *n) {
  gboolean ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
  xmlNodePtr list = epub_el(parent, ordered ? "ol" : "ul");
  int start = cmark_node_get_list_start(n);
  if (ordered && start != 1) {
    g_autofree char *s = g_strdup_printf("%d", start);
    epub_set(list, "start", s);
  }
  gboolean tight = cmark_node_get_list_tight(n);
  epub_newline(list);
  for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item)) {
    xmlNodePtr li = epub_el(list, "li");
    if (is_task_item(item)) {
      gboolean done = cmark_gfm_extensions_get_tasklist_item_checked(item);
      epub_set(li, "class", "task");
      xmlNodePtr box = epub_el(li, "span");
      epub_set(box, "class", done ? "task-box done" : "task-box");
      epub_set(box, "role", "img");
      epub_set(box, "aria-label", done ? "done" : "not done");
      epub_text(box, done ? "\xE2\x98\x91" : "\xE2\x98\x90"); /* ☑ ☐ */
      epub_text(li, " ");
    }
    /* In a tight list every paragraph is bare, as cmark-gfm writes it, also one that follows
     * a nested list or code in the same item. */
    for (cmark_node *b = cmark_node_first_child(item); b; b = cmark_node_next(b)) {
      if (tight && cmark_node_get_type(b) == CMARK_NODE_PARAGRAPH) {
        x->prev = 0;
        pages_begin(x, b);
        inlines(x, li, cmark_node_first_child(b));
        pages_end(x, li);
      } else {
        block(x, li, b);
      }
    }
    epub_newline(list);
  }
  epub_newline(parent);
}
/* A callout's label inside `label`: its kind, then its title (after ": " for a diagram, " · "
 * for the others). FALSE when the callout has no title. Shared by the boxes and the drawn
 * diagrams' figcaptions. */
static gboolean callout_label(Xh *x, xmlNodePtr label, const Callout *co) {
  xmlNodePtr k = epub_el(label, "span");
  epub_set(k, "class", "callout-kind");
  epub_text(k, callout_kind_label(co->kind));
  if (!co->title)
    return FALSE;
  epub_text(label, co->kind == CALLOUT_DIAGRAM ? ": " : " \xC2\xB7 ");
  xmlNodePtr t = epub_el(label, "span");
  epub_set(t, "class", "callout-title");
  x->prev = 0;
  add_smart_text(x, t, co->title);
  return TRUE;
}

/* A callout: a box with a visible label, in markup reading systems show in the text (never
 * epub:type="footnote", which some turn into a pop-up): <aside> for notes and tips, a <div>
 * for warnings, a figure described in words for diagrams. */
/* A drawn diagram (diagram.h): a figure whose caption is the callout's label, the drawing an
 * SVG image of its own in the package, and the callout's prose, kept visible under it, the
 * image's long description (aria-describedby: epubcheck 4.2.6's schema lacks aria-details). The
 * SVG is drawn on a light panel by design, so it reads on a dark reader as on paper. */
static void drawn_diagram(Xh *x, xmlNodePtr parent, const Callout *co) {
  int n = ++x->callouts;
  g_autofree char *stem = g_path_get_basename(x->ec->href);
  char *dot = strrchr(stem, '.');
  if (dot)
    *dot = '\0';
  g_autofree char *href = g_strdup_printf("media/diagram-%s-%d.svg", stem, n);
  g_autofree char *item_id = g_strdup_printf("diagram-%s-%d", stem, n);
  EpubItem *item = epub_add_item(x->e, item_id, href, "image/svg+xml", g_bytes_ref(co->svg));
  item->level = EPUB_DEFLATE_TEXT;
  g_autofree char *base = g_strdup_printf("diagram-%d", n);
  const char *label_id = unique_id(x, base);
  g_autofree char *desc_base = g_strdup_printf("diagram-%d-description", n);
  const char *desc_id = unique_id(x, desc_base);
  xmlNodePtr fig = epub_el(parent, "figure");
  epub_set(fig, "class", "callout callout-diagram diagram");
  epub_set(fig, "aria-labelledby", label_id);
  epub_newline(fig);
  xmlNodePtr cap = epub_el(fig, "figcaption");
  epub_set(cap, "class", "callout-label");
  epub_set(cap, "id", label_id);
  callout_label(x, cap, co);
  epub_newline(fig);
  xmlNodePtr img = epub_el(fig, "img");
  g_autofree char *src = g_strconcat("../", href, NULL);
  epub_set(img, "src", src);
  epub_set(img, "class", "diagram-drawing");
  epub_set(img, "alt", co->title ? co->title : callout_kind_label(co->kind));
  epub_set(img, "aria-describedby", desc_id);
  x->e->images_with_alt = TRUE;
  epub_newline(fig);
  xmlNodePtr desc = epub_el(fig, "div");
  epub_set(desc, "class", "diagram-description");
  epub_set(desc, "id", desc_id);
  epub_newline(desc);
  if (co->first_content)
    paragraph(x, desc, co->marker, co->first_content);
  blocks(x, desc, cmark_node_next(co->marker));
  epub_newline(fig);
  epub_newline(parent);
}

static void callout(Xh *x, xmlNodePtr parent, const Callout *co) {
  if (co->kind == CALLOUT_OUTLINE && !x->e->o->draft)
    return;
  if (co->svg) {
    drawn_diagram(x, parent, co);
    return;
  }
  static const struct {
    const char *element, *role;
  } markup[CALLOUT_KIND_COUNT] = {
      [CALLOUT_NOTE] = {"aside", "note"},        [CALLOUT_TIP] = {"aside", "doc-tip"},
      [CALLOUT_IMPORTANT] = {"aside", "note"},   [CALLOUT_WARNING] = {"div", "doc-notice"},
      [CALLOUT_CAUTION] = {"div", "doc-notice"}, [CALLOUT_DIAGRAM] = {"div", "figure"},
      [CALLOUT_OUTLINE] = {"aside", "note"},
  };
  g_autofree char *kind = g_ascii_strdown(callout_kind_name(co->kind), -1);
  xmlNodePtr box = epub_el(parent, markup[co->kind].element);
  g_autofree char *cls = g_strdup_printf("callout callout-%s", kind);
  epub_set(box, "class", cls);
  epub_set(box, "role", markup[co->kind].role);
  g_autofree char *base = g_strdup_printf("%s-%d", kind, ++x->callouts);
  const char *label_id = unique_id(x, base);
  epub_set(box, "aria-labelledby", label_id);
  epub_newline(box);
  xmlNodePtr label = epub_el(box, "p");
  epub_set(label, "class", "callout-label");
  epub_set(label, "id", label_id);
  if (!callout_label(x, label, co) && co->kind == CALLOUT_DIAGRAM) {
    epub_text(label, " (described in words)");
  }
  epub_newline(box);
  if (co->first_content)
    paragraph(x, box, co->marker, co->first_content);
  blocks(x, box, cmark_node_next(co->marker));
  epub_newline(parent);
}

/* A table wider than the page scrolls inside its wrapper, and a region that scrolls must be
 * reachable from the keyboard (WCAG 2.1.1; axe's scrollable-region-focusable): the wrapper is a
 * focusable region named after its place in the chapter and its column headers (the number
 * keeps two tables with the same headers apart: axe's landmark-unique). */
static void table_region(xmlNodePtr wrap, int number, xmlNodePtr head) {
  g_autoptr(GString) name = g_string_new(NULL);
  g_string_printf(name, "Table %d", number);
  const char *sep = ": ";
  for (xmlNodePtr tr = head ? head->children : NULL; tr; tr = tr->next)
    for (xmlNodePtr th = tr->children; th; th = th->next) {
      if (th->type != XML_ELEMENT_NODE)
        continue;
      xmlChar *text = xmlNodeGetContent(th);
      if (text && *text) {
        g_string_append_printf(name, "%s%s", sep, (const char *)text);
        sep = ", ";
      }
      xmlFree(text);
    }
  epub_set(wrap, "role", "region");
  epub_set(wrap, "tabindex", "0");
  epub_set(wrap, "aria-label", name->str);
}

static void table(Xh *x, xmlNodePtr parent, cmark_node *n) {
  guint ncols = cmark_gfm_extensions_get_table_columns(n);
  uint8_t *align = cmark_gfm_extensions_get_table_alignments(n);
  xmlNodePtr wrap = epub_el(parent, "div");
  epub_set(wrap, "class", "table-wrap");
  xmlNodePtr table = epub_el(wrap, "table");
  xmlNodePtr head = NULL, body = NULL;
  for (cmark_node *row = cmark_node_first_child(n); row; row = cmark_node_next(row)) {
    gboolean header = cmark_gfm_extensions_get_table_row_is_header(row);
    xmlNodePtr group = header ? head : body;
    if (!group) {
      group = epub_el(table, header ? "thead" : "tbody");
      if (header)
        head = group;
      else
        body = group;
    }
    xmlNodePtr tr = epub_el(group, "tr");
    guint col = 0;
    for (cmark_node *cell = cmark_node_first_child(row); cell && col < ncols;
         cell = cmark_node_next(cell), col++) {
      xmlNodePtr td = epub_el(tr, header ? "th" : "td");
      if (header)
        epub_set(td, "scope", "col");
      char a = align ? (char)align[col] : 0;
      if (a == 'l' || a == 'c' || a == 'r')
        epub_set(td, "class", a == 'l' ? "left" : a == 'c' ? "center" : "right");
      x->prev = 0;
      if (col == 0)
        pages_before(x, td, row);
      inlines(x, td, cmark_node_first_child(cell));
    }
    epub_newline(group);
  }
  table_region(wrap, ++x->tables, head);
  epub_newline(parent);
}

static void block(Xh *x, xmlNodePtr parent, cmark_node *n) {
  cmark_node_type t = cmark_node_get_type(n);
  x->skip_until = NULL; /* a dropped inline element ends with its paragraph at the latest */
  gboolean inline_text = t == CMARK_NODE_HEADING || t == CMARK_NODE_CODE_BLOCK ||
                         (t == CMARK_NODE_PARAGRAPH && !is_figure(n));
  if (!inline_text)
    pages_before(x, parent, n);
  if (t == CMARK_NODE_TABLE) {
    table(x, parent, n);
    return;
  }
  switch (t) {
  case CMARK_NODE_PARAGRAPH:
    if (!figure(x, parent, n))
      paragraph(x, parent, n, NULL);
    break;
  case CMARK_NODE_HEADING:
    heading(x, parent, n);
    break;
  case CMARK_NODE_CODE_BLOCK: {
    const CodeBlock *cb = g_hash_table_lookup(x->ch->code_by_node, n);
    if (!cb || !cb->drawn) /* a drawing is shown as its picture (drawn_diagram) */
      code_block(x, parent, n);
    break;
  }
  case CMARK_NODE_LIST:
    list(x, parent, n);
    break;
  case CMARK_NODE_BLOCK_QUOTE: {
    const Callout *co = g_hash_table_lookup(x->ch->callout_by_node, n);
    if (co) {
      callout(x, parent, co);
      break;
    }
    xmlNodePtr q = epub_el(parent, "blockquote");
    epub_newline(q);
    blocks(x, q, cmark_node_first_child(n));
    epub_newline(parent);
    break;
  }
  case CMARK_NODE_THEMATIC_BREAK:
    epub_el(parent, "hr");
    epub_newline(parent);
    break;
  case CMARK_NODE_HTML_BLOCK:
    html_block(x, parent, n);
    break;
  default: /* footnote definitions are gathered at the chapter's end */
    break;
  }
}

static void blocks(Xh *x, xmlNodePtr parent, cmark_node *first) {
  for (cmark_node *n = first; n; n = cmark_node_next(n))
    block(x, parent, n);
}

/* epub:type and DPUB-ARIA role of a chapter, from its title: numbered chapters, an
 * introduction, appendices. */
static void chapter_semantics(const Chapter *ch, const char **type, const char **role) {
  const char *title = ch->toc ? ch->toc->title : ch->title ? ch->title : "";
  if (g_ascii_strncasecmp(title, "introduction", 12) == 0) {
    *type = "introduction";
    *role = "doc-introduction";
  } else if (g_ascii_strncasecmp(title, "appendix", 8) == 0) {
    *type = "appendix";
    *role = "doc-appendix";
  } else {
    *type = "chapter";
    *role = "doc-chapter";
  }
}

/* The chapter's print pages by the block each begins in (the chapter's start under the table's
 * own address). */
static void chapter_pages(Xh *x) {
  x->pages =
      g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  x->marked = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (guint i = 0; x->e->o->pages && i < x->e->o->pages->len; i++) {
    PrintPage *p = x->e->o->pages->pdata[i];
    if (p->chapter != x->ch)
      continue;
    gpointer key = p->block ? (gpointer)p->block : (gpointer)x->pages;
    GPtrArray *list = g_hash_table_lookup(x->pages, key);
    if (!list) {
      list = g_ptr_array_new();
      g_hash_table_insert(x->pages, key, list);
    }
    g_ptr_array_add(list, p);
  }
}

xmlDocPtr xhtml_chapter(Epub *e, const EpubChapter *ec) {
  const Chapter *ch = ec->chapter;
  Xh x = {.e = e, .ec = ec, .ch = ch};
  x.ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  x.note_ids = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  x.ref_counts = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (guint i = 0; i < ch->headings->len; i++)
    g_hash_table_add(x.ids, g_strdup(((Heading *)ch->headings->pdata[i])->anchor));
  g_autofree char *title = epub_nav_text(ch->title ? ch->title : "");
  xmlNodePtr body;
  x.doc = epub_xhtml_new(e, title, "../css/book.css", &body, &x.epub_ns);
  const char *type, *role;
  chapter_semantics(ch, &type, &role);
  xmlNodePtr section = epub_el(body, "section");
  xmlNewNsProp(section, x.epub_ns, X("type"), X(type));
  epub_set(section, "role", role);
  epub_set(section, "class", "chapter");
  if (ch->title_heading)
    epub_set(section, "aria-labelledby", epub_heading_id(e, ch, ch->title_heading));
  epub_newline(section);
  chapter_pages(&x);
  GPtrArray *starts = g_hash_table_lookup(x.pages, x.pages); /* the chapter's start */
  for (guint i = 0; starts && i < starts->len; i++)
    mark_page(&x, section, starts->pdata[i]);
  blocks(&x, section, cmark_node_first_child(ch->doc));
  /* pages whose block the EPUB does not show: at the chapter's end, so every page resolves */
  for (guint i = 0; e->o->pages && i < e->o->pages->len; i++) {
    const PrintPage *p = e->o->pages->pdata[i];
    if (p->chapter == ch)
      mark_page(&x, section, p);
  }
  footnotes(&x, section);
  g_hash_table_destroy(x.pages);
  g_hash_table_destroy(x.marked);
  g_hash_table_destroy(x.ids);
  g_hash_table_destroy(x.note_ids);
  g_hash_table_destroy(x.ref_counts);
  return x.doc;
}
