/* Unit tests for fence.c and callout.c: fence flags and callout kinds are recognised once. */
#include "callout.h"
#include "fence.h"
#include "markdown.h"

#include <string.h>

static void free_block(CodeBlock *b) {
  g_free(b->lang);
  g_free(b->raises);
}

static void test_fence_flags(void) {
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
  CodeBlock b = {0};
  fence_parse("Python,raises=ValueError,min=3.12,timeout=10", &b, problems);
  g_assert_cmpuint(problems->len, ==, 0);
  g_assert_cmpstr(b.lang, ==, "python");
  g_assert_cmpstr(b.raises, ==, "ValueError");
  g_assert_cmpint(b.min_major, ==, 3);
  g_assert_cmpint(b.min_minor, ==, 12);
  g_assert_cmpint(b.timeout_s, ==, 10);
  g_assert_false(b.ignore);
  free_block(&b);

  CodeBlock c = {0};
  fence_parse("python ignore", &c, problems);
  g_assert_true(c.ignore);
  g_assert_cmpuint(problems->len, ==, 0);
  free_block(&c);

  /* CommonMark lets an info string say more after the language: those words are the author's
   * (GFM spec review, finding 11). */
  CodeBlock e = {0};
  fence_parse("js title=\"app.js\" startline=3", &e, problems);
  g_assert_cmpstr(e.lang, ==, "js");
  g_assert_cmpuint(problems->len, ==, 0);
  free_block(&e);

  CodeBlock d = {0};
  fence_parse(NULL, &d, problems);
  g_assert_cmpstr(d.lang, ==, "");
  free_block(&d);
}

static void test_fence_problems(void) {
  static const char *bad[] = {"python,raise=X",       "python,min=3",     "python,min=3.x",
                              "python,timeout=0",     "python,raises=1X", "text,ignore",
                              "pycon,raises=KeyError"};
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    CodeBlock b = {0};
    fence_parse(bad[i], &b, problems);
    g_assert_cmpuint(problems->len, ==, 1);
    free_block(&b);
  }
  g_assert_true(fence_is_runnable("pycon"));
  g_assert_false(fence_is_runnable("console"));
  g_assert_true(fence_is_known_language("dockerfile"));
  g_assert_false(fence_is_known_language("pyhton"));
}

static CalloutMatch match(const char *md, Callout *out, char **unknown) {
  static cmark_node *doc;
  if (doc)
    cmark_node_free(doc);
  doc = markdown_parse(md, strlen(md));
  return callout_match(cmark_node_first_child(doc), out, unknown);
}

static void test_callouts(void) {
  Callout c;
  char *unknown = NULL;
  g_assert_cmpint(match("> [!NOTE]\n> text\n", &c, &unknown), ==, CALLOUT_FOUND);
  g_assert_cmpint(c.kind, ==, CALLOUT_NOTE);
  g_assert_null(c.title);
  g_assert_nonnull(c.first_content);
  g_assert_cmpint(match("> [!diagram] The `dis` pipeline\n>\n> Imagine.\n", &c, &unknown), ==,
                  CALLOUT_FOUND);
  g_assert_cmpint(c.kind, ==, CALLOUT_DIAGRAM);
  g_assert_cmpstr(c.title, ==, "The dis pipeline");
  g_assert_null(c.first_content);
  g_free(c.title);
  g_assert_cmpint(match("> [!OUTLINE]\n> - a\n", &c, &unknown), ==, CALLOUT_FOUND);
  g_assert_cmpint(c.kind, ==, CALLOUT_OUTLINE);
  g_assert_cmpint(match("> [!NOPE]\n> x\n", &c, &unknown), ==, CALLOUT_UNKNOWN_KIND);
  g_assert_cmpstr(unknown, ==, "NOPE");
  g_free(unknown);
  g_assert_cmpint(match("> plain [!NOTE]\n", &c, &unknown), ==, CALLOUT_NOT_A_CALLOUT);
  g_assert_cmpint(match("> [link](x)\n", &c, &unknown), ==, CALLOUT_NOT_A_CALLOUT);
  g_assert_cmpstr(callout_kind_label(CALLOUT_CAUTION), ==, "Caution");
  match("", &c, &unknown);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  markdown_init();
  g_test_add_func("/fence/flags", test_fence_flags);
  g_test_add_func("/fence/problems", test_fence_problems);
  g_test_add_func("/callout/kinds", test_callouts);
  return g_test_run();
}
