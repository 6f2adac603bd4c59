/* Unit tests for import.c: the seed's raw format becomes a clean chapter; clean input is kept. */
#include "import.h"

#include <string.h>

static char *convert(const char *raw, guint *nchanges, guint *nerrors) {
  g_autoptr(Diags) diags = diags_new();
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func(g_free);
  char *out = import_convert(raw, strlen(raw), "raw.txt", diags, changes);
  *nchanges = changes->len;
  *nerrors = diags_errors(diags);
  return out;
}

static void test_raw(void) {
  guint n, e;
  g_autofree char *out = convert("- plan\n```markdown\n# T\n\ntext\n\n`startpython\n    x = 1\n"
                                 "    if x:\n        pass\n``endpython\n```\n",
                                 &n, &e);
  g_assert_cmpstr(
      out, ==, "# T\n\n> [!OUTLINE]\n> - plan\n\ntext\n\n```python\nx = 1\nif x:\n    pass\n```\n");
  g_assert_cmpuint(n, ==, 3);
  g_assert_cmpuint(e, ==, 0);
}

static void test_clean_is_kept(void) {
  const char *clean = "# T\n\n> [!OUTLINE]\n> - plan\n\n```python\nx = 1\n```\n";
  guint n, e;
  g_autofree char *out = convert(clean, &n, &e);
  g_assert_cmpstr(out, ==, clean);
  g_assert_cmpuint(n, ==, 0);
}

static void test_unclosed_and_headless(void) {
  guint n, e;
  g_autofree char *out = convert("# T\n`startpython\nx = 1\n", &n, &e);
  g_assert_cmpstr(out, ==, "# T\n```python\nx = 1\n```\n");
  g_autofree char *none = convert("just text\n", &n, &e);
  g_assert_null(none);
  g_assert_cmpuint(e, ==, 1);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/import/raw", test_raw);
  g_test_add_func("/import/clean", test_clean_is_kept);
  g_test_add_func("/import/unclosed-and-headless", test_unclosed_and_headless);
  return g_test_run();
}
