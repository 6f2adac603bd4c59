/* Unit tests for text.c: slugs, plain text, UTF-8 repair, near misses. */
#include "markdown.h"
#include "text.h"

#include <string.h>

static void test_slug(void) {
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"3.3. The LEGB Rule: Local, Enclosing, Global, Built‑in",
       "33-the-legb-rule-local-enclosing-global-builtin"},
      {"2.4. Python’s Import System: Module resolution, import hooks, sys.path, importlib",
       "24-pythons-import-system-module-resolution-import-hooks-syspath-importlib"},
      {"Key Takeaways", "key-takeaways"},
      {"Libraries That Matter – Quick Overview", "libraries-that-matter--quick-overview"},
      {"snake_case stays", "snake_case-stays"},
      {"Ünïcode Wörds", "ünïcode-wörds"},
      {"C++ & C#", "c--c"},
      {"", ""},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *slug = text_slug(cases[i].in);
    g_assert_cmpstr(slug, ==, cases[i].out);
  }
}

static void test_plain(void) {
  const char *md = "# The *`dis`* **module** [link](x.md)[^1] <b>x</b>\n\n[^1]: note\n";
  cmark_node *doc = markdown_parse(md, strlen(md));
  g_autofree char *plain = text_plain(cmark_node_first_child(doc));
  g_assert_cmpstr(plain, ==, "The dis module link x");
  cmark_node_free(doc);
}

typedef struct {
  int count, line, col;
  gboolean nul;
} BadBytes;

static void on_bad(int line, int col, guint8 byte, gboolean is_nul, gpointer data) {
  BadBytes *b = data;
  (void)byte;
  if (b->count++ == 0) {
    b->line = line;
    b->col = col;
  }
  b->nul |= is_nul;
}

static void test_repair(void) {
  const char src[] = "ok\nab\xff"
                     "c\x00"
                     "d\n";
  BadBytes b = {0};
  gsize len = 0;
  g_autofree char *out = text_repair_utf8(src, sizeof src - 1, &len, on_bad, &b);
  g_assert_cmpint(b.count, ==, 2);
  g_assert_cmpint(b.line, ==, 2);
  g_assert_cmpint(b.col, ==, 3);
  g_assert_true(b.nul);
  g_assert_true(g_utf8_validate(out, (gssize)len, NULL));
  g_assert_cmpstr(out, ==,
                  "ok\nab\xEF\xBF\xBD"
                  "c\xEF\xBF\xBD"
                  "d\n");
}

static void test_near_miss(void) {
  g_assert_true(text_near_miss("3.3. Built‑in", "3.3. Built-in"));
  g_assert_true(text_near_miss("1.1. Getting Started", "1.1 getting started"));
  g_assert_true(text_near_miss("1.1. Getting Started", "1.2. Getting Started"));
  g_assert_true(text_near_miss("What you’ll gain", "What you'll gain"));
  g_assert_true(text_near_miss("Purpose of this guide", "Purpose of this guid"));
  g_assert_false(text_near_miss("Purpose of this guide", "Target audience"));
  g_assert_false(text_near_miss("Key Takeaways", "Summary"));
}

static void test_explain(void) {
  g_autofree char *hyphen = text_explain_difference("Built‑in", "Built-in");
  g_assert_cmpstr(hyphen, ==, "non-breaking hyphen U+2011 expected, found '-' at character 6");
  g_autofree char *cas = text_explain_difference("First Steps", "First steps");
  g_assert_cmpstr(cas, ==, "letter case differs at character 7");
  g_autofree char *shorter = text_explain_difference("abc", "ab");
  g_assert_cmpstr(shorter, ==, "'c' expected, found end of text at character 3");
}

static void test_distance(void) {
  g_assert_cmpuint(text_distance("kitten", "sitting", 10), ==, 3);
  g_assert_cmpuint(text_distance("same", "same", 0), ==, 0);
  g_assert_cmpuint(text_distance("short", "a much longer string", 2), ==, 3);
  g_assert_cmpuint(text_distance("‑", "-", 5), ==, 1);
}

static void test_abbrev(void) {
  g_autofree char *cut = text_abbrev("äbcdef", 3);
  g_assert_cmpstr(cut, ==, "äbc…");
  g_autofree char *whole = text_abbrev("abc", 3);
  g_assert_cmpstr(whole, ==, "abc");
}

/* "did you mean": the closest candidate within a few edits, none for an exact word. */
static void test_closest(void) {
  static const char *const kinds[] = {"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"};
  g_assert_cmpstr(text_closest("NOTEE", kinds, G_N_ELEMENTS(kinds)), ==, "NOTE");
  g_assert_cmpstr(text_closest("warnign", kinds, G_N_ELEMENTS(kinds)), ==, "WARNING");
  g_assert_cmpstr(text_closest("TPI", kinds, G_N_ELEMENTS(kinds)), ==, NULL);
  g_assert_null(text_closest("TIP", kinds, G_N_ELEMENTS(kinds)));
  g_assert_null(text_closest("SIDEBAR", kinds, G_N_ELEMENTS(kinds)));
  static const char *const flags[] = {"ignore", "raises", "min", "max"};
  g_assert_cmpstr(text_closest("raise", flags, G_N_ELEMENTS(flags)), ==, "raises");
  g_assert_cmpstr(text_closest("mix", flags, G_N_ELEMENTS(flags)), ==, "min");
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  markdown_init();
  g_test_add_func("/text/slug", test_slug);
  g_test_add_func("/text/plain", test_plain);
  g_test_add_func("/text/repair-utf8", test_repair);
  g_test_add_func("/text/near-miss", test_near_miss);
  g_test_add_func("/text/explain", test_explain);
  g_test_add_func("/text/distance", test_distance);
  g_test_add_func("/text/abbrev", test_abbrev);
  g_test_add_func("/text/closest", test_closest);
  return g_test_run();
}
