/* Unit tests for index.c and pagelist.c: sort keys, groups, page ranges, word offsets. */
#include "index.h"
#include "pagelist.h"

static void test_sort_key(void) {
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"__init__", "init"},
      {"_private", "private"},
      {"sys._getframe", "sysgetframe"},
      {"Global Interpreter Lock", "globalinterpreterlock"},
      {"3.14", "314"},
      {"PEP 703", "pep703"},
      {"É", "é"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *key = index_sort_key(cases[i].in);
    g_assert_cmpstr(key, ==, cases[i].out);
  }
  IndexEntry e = {.key = (char *)"init"};
  g_autofree char *g = index_group(&e);
  g_assert_cmpstr(g, ==, "I");
  IndexEntry n = {.key = (char *)"314"};
  g_autofree char *gn = index_group(&n);
  g_assert_cmpstr(gn, ==, "Symbols and Numbers");
}

static void test_ranges(void) {
  int in[] = {12, 3, 8, 7, 9, 3, 14, 13};
  g_autoptr(GArray) pages = g_array_new(FALSE, FALSE, sizeof(int));
  g_array_append_vals(pages, in, G_N_ELEMENTS(in));
  g_autoptr(GArray) r = index_page_ranges(pages);
  int want[] = {3, 3, 7, 9, 12, 14};
  g_assert_cmpuint(r->len, ==, G_N_ELEMENTS(want));
  for (guint i = 0; i < r->len; i++)
    g_assert_cmpint(g_array_index(r, int, i), ==, want[i]);
}

static void test_word_offset(void) {
  const char *text = "one  two\nthree\xE2\x80\x8B"
                     "four five";
  g_assert_cmpint(pagelist_word_offset(text, 0), ==, 0);
  g_assert_cmpint(pagelist_word_offset(text, 1), ==, 5);
  g_assert_cmpint(pagelist_word_offset(text, 2), ==, 9);
  g_assert_cmpint(pagelist_word_offset(text, 3), ==, 20); /* the zero-width space joins */
  g_assert_cmpint(pagelist_word_offset(text, 9), ==, 24);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/index/sort-key", test_sort_key);
  g_test_add_func("/index/ranges", test_ranges);
  g_test_add_func("/pagelist/word-offset", test_word_offset);
  return g_test_run();
}
