/* Unit tests for toc.c: the seed's TOC shape, links, sub-groups, and structure errors. */
#include "markdown.h"
#include "toc.h"

#include <string.h>

static const char toc_md[] = "# Book\n\n"
                             "## Introduction\n\n- Purpose\n- Audience\n\n---\n\n"
                             "## [1. One](chapters/01-one.md)\n\n- 1.1. `code` item\n\n"
                             "## Libraries – Overview\n\n### Group A\n\n- a1\n- a2\n\n"
                             "### Group B\n\n- b1\n";

static void test_shape(void) {
  Toc toc = {0};
  g_autoptr(Diags) diags = diags_new();
  toc_parse(&toc, toc_md, strlen(toc_md), "toc.md", 1, diags);
  g_assert_cmpuint(diags_errors(diags) + diags_warnings(diags), ==, 0);
  g_assert_cmpstr(toc.title, ==, "Book");
  g_assert_cmpuint(toc.chapters->len, ==, 3);
  TocChapter *intro = toc.chapters->pdata[0];
  g_assert_cmpstr(intro->title, ==, "Introduction");
  g_assert_null(intro->label);
  g_assert_cmpstr(intro->bare_title, ==, "Introduction");
  g_assert_null(intro->link);
  g_assert_cmpint(intro->line, ==, 3);
  g_assert_cmpuint(intro->items->len, ==, 2);
  g_assert_cmpstr(((TocItem *)intro->items->pdata[1])->text, ==, "Audience");
  TocChapter *one = toc.chapters->pdata[1];
  g_assert_cmpstr(one->title, ==, "1. One");
  g_assert_cmpstr(one->label, ==, "1");
  g_assert_cmpstr(one->bare_title, ==, "One");
  g_assert_cmpstr(one->link, ==, "chapters/01-one.md");
  g_assert_cmpstr(((TocItem *)one->items->pdata[0])->text, ==, "1.1. code item");
  TocChapter *libs = toc.chapters->pdata[2];
  g_assert_cmpint(libs->number, ==, 3);
  g_assert_cmpuint(libs->items->len, ==, 2);
  TocItem *group = libs->items->pdata[0];
  g_assert_cmpint(group->kind, ==, TOC_GROUP);
  g_assert_cmpstr(group->text, ==, "Group A");
  g_assert_cmpuint(group->items->len, ==, 2);
  g_assert_cmpuint(((TocItem *)libs->items->pdata[1])->items->len, ==, 1);
  toc_clear(&toc);
}

/* "N. Title" is read once, at TOC parse time: only digits, a full stop and a space make a label. */
static void test_labels(void) {
  static const char md[] = "# B\n\n## 12. A. B\n\n- x\n\n## 3.Tight\n\n- x\n\n"
                           "## 2024 in Review\n\n- x\n\n## . Dot\n\n- x\n";
  Toc toc = {0};
  g_autoptr(Diags) diags = diags_new();
  toc_parse(&toc, md, strlen(md), "toc.md", 1, diags);
  g_assert_cmpuint(toc.chapters->len, ==, 4);
  const char *labels[] = {"12", NULL, NULL, NULL};
  const char *bare[] = {"A. B", "3.Tight", "2024 in Review", ". Dot"};
  for (guint i = 0; i < 4; i++) {
    TocChapter *c = toc.chapters->pdata[i];
    g_assert_cmpstr(c->label, ==, labels[i]);
    g_assert_cmpstr(c->bare_title, ==, bare[i]);
  }
  toc_clear(&toc);
}

static void test_errors(void) {
  const char *bad = "- orphan\n\n## Chapter\n\n- a\n  - nested\n";
  Toc toc = {0};
  g_autoptr(Diags) diags = diags_new();
  toc_parse(&toc, bad, strlen(bad), "toc.md", 1, diags);
  /* no title, a list before any chapter, a nested list */
  g_assert_cmpuint(diags_errors(diags), ==, 3);
  toc_clear(&toc);
}

static void test_seed_toc(void) {
  g_autofree char *text = NULL;
  gsize len = 0;
  g_assert_true(g_file_get_contents("manuscript/toc.md", &text, &len, NULL));
  Toc toc = {0};
  g_autoptr(Diags) diags = diags_new();
  toc_parse(&toc, text, len, "toc.md", 1, diags);
  g_assert_cmpuint(diags_errors(diags) + diags_warnings(diags), ==, 0);
  g_assert_cmpstr(toc.title, ==, "Python Under the Hood");
  /* Introduction, 17 chapters, Tools, Libraries, Appendix */
  g_assert_cmpuint(toc.chapters->len, ==, 21);
  TocChapter *three = toc.chapters->pdata[3];
  g_assert_cmpstr(((TocItem *)three->items->pdata[2])->text, ==,
                  "3.3. The LEGB Rule: Local, Enclosing, Global, Built‑in");
  TocChapter *libs = toc.chapters->pdata[19];
  g_assert_cmpuint(libs->items->len, ==, 9);
  toc_clear(&toc);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  markdown_init();
  g_test_add_func("/toc/shape", test_shape);
  g_test_add_func("/toc/labels", test_labels);
  g_test_add_func("/toc/errors", test_errors);
  g_test_add_func("/toc/seed", test_seed_toc);
  return g_test_run();
}
