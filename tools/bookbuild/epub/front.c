/* front.c: the front matter pages (cover, title, copyright) rendered from the model's metadata
 * (see front.h). */
#include "epub/front.h"

#include "typo.h"

static xmlNodePtr section_of(xmlNodePtr body, xmlNsPtr ns, const char *type, const char *cls) {
  xmlNodePtr s = epub_el(body, "section");
  xmlNewNsProp(s, ns, X("type"), X(type));
  epub_set(s, "class", cls);
  epub_newline(s);
  return s;
}

static void para(xmlNodePtr parent, const char *cls, const char *text) {
  if (!text || !*text)
    return;
  gunichar prev = 0;
  g_autofree char *smart = typo_smarten(text, &prev);
  xmlNodePtr p = epub_el(parent, "p");
  epub_set(p, "class", cls);
  epub_text(p, smart);
  epub_newline(parent);
}

xmlDocPtr front_cover_page(const Epub *e, const char *image_href) {
  xmlNodePtr body;
  xmlNsPtr ns;
  xmlDocPtr doc = epub_xhtml_new(e, "Cover", "../css/book.css", &body, &ns);
  epub_set(body, "class", "cover-page");
  xmlNodePtr s = section_of(body, ns, "cover", "cover");
  xmlNodePtr img = epub_el(s, "img");
  g_autofree char *src = g_strconcat("../", image_href, NULL);
  epub_set(img, "src", src);
  const char *authors = e->book->meta.authors_line;
  g_autofree char *alt = g_strdup_printf("Cover: %s, by %s", e->book->meta.title, authors);
  epub_set(img, "alt", alt);
  epub_newline(s);
  return doc;
}

xmlDocPtr front_title_page(const Epub *e) {
  const BookMeta *m = &e->book->meta;
  xmlNodePtr body;
  xmlNsPtr ns;
  xmlDocPtr doc = epub_xhtml_new(e, m->title, "../css/book.css", &body, &ns);
  xmlNodePtr s = section_of(body, ns, "titlepage", "title-page");
  epub_front_pagebreaks(e, s, ns, PRINT_TITLE);
  gunichar prev = 0;
  g_autofree char *title = typo_smarten(m->title, &prev);
  xmlNodePtr h1 = epub_el(s, "h1");
  epub_set(h1, "class", "book-title");
  epub_text(h1, title);
  epub_newline(s);
  para(s, "book-subtitle", m->subtitle);
  para(s, "book-author", m->authors_line);
  para(s, "book-publisher", m->publisher);
  return doc;
}

xmlDocPtr front_copyright_page(const Epub *e) {
  const BookMeta *m = &e->book->meta;
  xmlNodePtr body;
  xmlNsPtr ns;
  xmlDocPtr doc = epub_xhtml_new(e, "Copyright", "../css/book.css", &body, &ns);
  xmlNodePtr s = section_of(body, ns, "copyright-page", "copyright-page");
  epub_set(s, "aria-label", "Copyright");
  epub_front_pagebreaks(e, s, ns, PRINT_COPYRIGHT);
  gunichar prev = 0;
  g_autofree char *title = typo_smarten(m->title, &prev);
  xmlNodePtr p = epub_el(s, "p");
  epub_set(p, "class", "copyright-title");
  epub_text(epub_el(p, "em"), title);
  if (m->subtitle) {
    prev = 0;
    g_autofree char *sub = typo_smarten(m->subtitle, &prev);
    epub_text(p, ": ");
    epub_text(epub_el(p, "em"), sub);
  }
  epub_newline(s);
  para(s, "copyright-rights", m->rights);
  for (guint i = 0; i < m->credits->len; i++)
    para(s, "copyright-credit", m->credits->pdata[i]);
  g_autofree char *version = m->version ? g_strdup_printf("Version %s", m->version) : NULL;
  para(s, "copyright-line", version);
  g_autofree char *date = m->date ? g_strdup_printf("Published %s", m->date) : NULL;
  para(s, "copyright-line", date);
  g_autofree char *publisher = m->publisher ? g_strdup_printf("Publisher: %s", m->publisher) : NULL;
  para(s, "copyright-line", publisher);
  g_autofree char *identifier = g_strdup_printf("Identifier: %s", e->identifier);
  para(s, "copyright-line", identifier);
  return doc;
}
