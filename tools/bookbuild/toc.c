/* toc.c: toc.md in the seed's shape: `#` the book title, `##` a chapter (optionally a link to its
 * file), `###` a sub-group, `- bullet` a required section, `---` ignored. Only reads structure;
 * matching chapters to it is validate.c's job. */
#include "toc.h"

#include "markdown.h"
#include "text.h"

#include <string.h>

static void item_free(gpointer p) {
  TocItem *item = p;
  g_free(item->text);
  if (item->items)
    g_ptr_array_unref(item->items);
  g_free(item);
}

static void chapter_free(gpointer p) {
  TocChapter *c = p;
  g_free(c->title);
  g_free(c->label);
  g_free(c->bare_title);
  g_free(c->link);
  g_ptr_array_unref(c->items);
  g_free(c);
}

void toc_clear(Toc *toc) {
  g_clear_pointer(&toc->title, g_free);
  g_clear_pointer(&toc->chapters, g_ptr_array_unref);
}

typedef struct {
  Toc *toc;
  const char *path;
  int file_id;
  Diags *diags;
  TocChapter *chapter; /* current */
  TocItem *group;      /* current sub-group, or NULL */
} TocCtx;

static void toc_diag(TocCtx *t, DiagSeverity sev, cmark_node *node, const char *rule,
                     const char *msg) {
  diags_add(t->diags, sev, t->path, t->file_id, cmark_node_get_start_line(node),
            cmark_node_get_start_column(node), rule, "%s", msg);
}

/* A chapter heading that is just a link: `## [Title](chapters/01-x.md)`. */
static const char *heading_link(cmark_node *heading) {
  cmark_node *child = cmark_node_first_child(heading);
  if (child && !cmark_node_next(child) && cmark_node_get_type(child) == CMARK_NODE_LINK)
    return cmark_node_get_url(child);
  return NULL;
}

/* The one reading of a numbered title: "3. Variables, Scope" -> label "3", bare title
 * "Variables, Scope"; a title without "N. " has no label. */
static void split_label(TocChapter *c) {
  const char *p = c->title;
  while (g_ascii_isdigit(*p))
    p++;
  gboolean numbered = p > c->title && p[0] == '.' && p[1] == ' ';
  c->label = numbered ? g_strndup(c->title, p - c->title) : NULL;
  c->bare_title = g_strdup(numbered ? p + 2 : c->title);
}

static void add_chapter(TocCtx *t, cmark_node *node) {
  TocChapter *c = g_new0(TocChapter, 1);
  c->title = text_plain(node);
  split_label(c);
  const char *link = heading_link(node);
  c->link = link && *link ? g_strdup(link) : NULL;
  c->line = cmark_node_get_start_line(node);
  c->col = cmark_node_get_start_column(node);
  c->number = (int)t->toc->chapters->len + 1;
  c->items = g_ptr_array_new_with_free_func(item_free);
  g_ptr_array_add(t->toc->chapters, c);
  t->chapter = c;
  t->group = NULL;
}

static TocItem *new_item(TocItemKind kind, cmark_node *node, char *text) {
  TocItem *item = g_new0(TocItem, 1);
  item->kind = kind;
  item->text = text;
  item->line = cmark_node_get_start_line(node);
  item->col = cmark_node_get_start_column(node);
  if (kind == TOC_GROUP)
    item->items = g_ptr_array_new_with_free_func(item_free);
  return item;
}

static void add_heading(TocCtx *t, cmark_node *node) {
  int level = cmark_node_get_heading_level(node);
  if (level == 1) {
    if (t->toc->title)
      toc_diag(t, DIAG_ERROR, node, "toc-structure", "toc.md has more than one '#' title");
    else
      t->toc->title = text_plain(node);
  } else if (level == 2) {
    add_chapter(t, node);
  } else if (level == 3 && t->chapter) {
    TocItem *group = new_item(TOC_GROUP, node, text_plain(node));
    g_ptr_array_add(t->chapter->items, group);
    t->group = group;
  } else {
    toc_diag(t, DIAG_ERROR, node, "toc-structure",
             level == 3 ? "sub-group heading before any '##' chapter"
                        : "toc.md uses '#' for the title, '##' for chapters, '###' for sub-groups");
  }
}

static void add_list(TocCtx *t, cmark_node *list) {
  if (!t->chapter) {
    toc_diag(t, DIAG_ERROR, list, "toc-structure", "section list before any '##' chapter");
    return;
  }
  for (cmark_node *item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
    cmark_node *para = cmark_node_first_child(item);
    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH) {
      toc_diag(t, DIAG_ERROR, item, "toc-structure", "empty section entry");
      continue;
    }
    if (cmark_node_next(para))
      toc_diag(t, DIAG_ERROR, cmark_node_next(para), "toc-structure",
               "nested lists are not sections; use '###' sub-groups");
    TocItem *section = new_item(TOC_SECTION, item, text_plain(para));
    g_ptr_array_add(t->group ? t->group->items : t->chapter->items, section);
  }
}

void toc_parse(Toc *toc, const char *text, gsize len, const char *path, int file_id, Diags *diags) {
  TocCtx t = {toc, path, file_id, diags, NULL, NULL};
  toc->chapters = g_ptr_array_new_with_free_func(chapter_free);
  cmark_node *doc = markdown_parse(text, len);
  for (cmark_node *node = cmark_node_first_child(doc); node; node = cmark_node_next(node)) {
    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_HEADING:
      add_heading(&t, node);
      break;
    case CMARK_NODE_LIST:
      add_list(&t, node);
      break;
    case CMARK_NODE_THEMATIC_BREAK:
      break;
    default:
      toc_diag(&t, DIAG_WARNING, node, "toc-structure",
               "toc.md holds only headings, section lists and '---'; this block is ignored");
      break;
    }
  }
  if (!toc->title)
    diags_add(diags, DIAG_ERROR, path, file_id, 1, 1, "toc-structure",
              "toc.md has no '#' book title");
  if (toc->chapters->len == 0)
    diags_add(diags, DIAG_ERROR, path, file_id, 1, 1, "toc-structure", "toc.md lists no chapters");
  cmark_node_free(doc);
}
