/* Unit tests for scaffold.c: where a missing chapter's file goes, and what it holds. */
#include "markdown.h"
#include "scaffold.h"
#include "text.h"
#include "toc.h"

#include <string.h>

static const char toc_md[] =
    "# Book\n\n"
    "## Introduction\n\n- Purpose\n\n"
    "## [1. One](chapters/../chapters/01-one.md)\n\n- 1.1. `code` item\n\n"
    "## 12. Sets & *Maps*: a_b [draft] C#\n\n- 12.1. Hash <T> \\*\n\n"
    "## 3. Grouped\n\n### Group A\n\n- a1\n- a2\n\n### Group B\n\n- b1\n\n"
    "## 4. A Title So Long That Its Slug Must Be Cut Somewhere Sensible\n\n"
    "- x\n\n"
    "## 5. ***\n\n- y\n";

static Toc parsed(void) {
  Toc toc = {0};
  g_autoptr(Diags) diags = diags_new();
  toc_parse(&toc, toc_md, strlen(toc_md), "toc.md", 1, diags);
  g_assert_cmpuint(diags_errors(diags), ==, 0);
  g_assert_cmpuint(toc.chapters->len, ==, 6);
  return toc;
}

static void test_path(void) {
  Toc toc = parsed();
  static const char *const want[] = {
      "chapters/01-introduction.md", /* no number: its place in the TOC */
      "chapters/01-one.md",          /* a link: the linked path, normalised */
      "chapters/12-sets-maps-a_b-draft-c.md",
      "chapters/03-grouped.md",
      "chapters/04-a-title-so-long-that-its-slug-must-be.md",
      "chapters/05-chapter.md", /* nothing left of the title */
  };
  for (guint i = 0; i < toc.chapters->len; i++) {
    g_autofree char *path = scaffold_chapter_path(toc.chapters->pdata[i]);
    g_assert_cmpstr(path, ==, want[i]);
  }
  toc_clear(&toc);
}

static void test_text(void) {
  Toc toc = parsed();
  g_autofree char *one = scaffold_chapter_text(toc.chapters->pdata[1]);
  g_assert_cmpstr(one, ==,
                  "# 1. One\n\n## 1.1. code item\n\n## Key Takeaways\n\n"
                  "- TODO: what the reader takes away from this chapter\n");
  g_autofree char *sets = scaffold_chapter_text(toc.chapters->pdata[2]);
  g_assert_true(g_str_has_prefix(sets, "# 12. Sets \\& Maps: a\\_b \\[draft\\] C\\#\n\n"));
  g_autofree char *grouped = scaffold_chapter_text(toc.chapters->pdata[3]);
  g_assert_true(g_str_has_prefix(grouped, "# 3. Grouped\n\n## Group A\n\n### a1\n\n### a2\n\n"
                                          "## Group B\n\n### b1\n\n## Key Takeaways\n\n"));
  /* Read back, every heading's plain text is the TOC's. */
  cmark_node *doc = markdown_parse(sets, strlen(sets));
  cmark_node *title = cmark_node_first_child(doc);
  g_autofree char *plain = text_plain(title);
  g_assert_cmpstr(plain, ==, ((TocChapter *)toc.chapters->pdata[2])->title);
  cmark_node *section = cmark_node_next(title);
  g_autofree char *section_plain = text_plain(section);
  g_assert_cmpstr(section_plain, ==,
                  ((TocItem *)((TocChapter *)toc.chapters->pdata[2])->items->pdata[0])->text);
  cmark_node_free(doc);
  toc_clear(&toc);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  markdown_init();
  g_test_add_func("/scaffold/path", test_path);
  g_test_add_func("/scaffold/text", test_text);
  return g_test_run();
}
