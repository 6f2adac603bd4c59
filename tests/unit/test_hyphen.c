/* test_hyphen.c: the hyphenator's dictionary choice from the book's language, its exceptions
 * list and its three letters on either side of a break. */
#include "pdf/hyphen.h"

#define SHY "\xC2\xAD"

static char *hyphenate(const char *language, const char *exceptions, const char *text) {
  g_autoptr(GError) error = NULL;
  g_autoptr(Hyphenator) h = hyphenator_new(language, exceptions, 5, &error);
  g_assert_no_error(error);
  GString *out = g_string_new(NULL);
  hyphenator_append(h, out, text);
  return g_string_free(out, FALSE);
}

static void test_language(void) {
  g_assert_cmpstr(hyphen_language("auto", "en-GB"), ==, "en_GB");
  g_assert_cmpstr(hyphen_language("auto", "en-gb-oxendict"), ==, "en_GB");
  g_assert_cmpstr(hyphen_language("auto", "en-US"), ==, "en_US");
  g_assert_cmpstr(hyphen_language("auto", "en"), ==, "en_US");
  g_assert_cmpstr(hyphen_language("auto", NULL), ==, "en_US");
  g_assert_cmpstr(hyphen_language("en_US", "en-GB"), ==, "en_US"); /* named: kept */
}

static void test_exceptions(void) {
  g_autofree char *patterns = hyphenate("en_US", "", "namespace");
  g_assert_cmpstr(patterns, ==, "names" SHY "pace"); /* what libhyphen's patterns say */
  g_autofree char *listed = hyphenate("en_US", "name-space other-word", "Namespace");
  g_assert_cmpstr(listed, ==, "Name" SHY "space");
}

static void test_three_letters(void) {
  /* en_US allows "ab-so-lute" and "clo-sure"; no break leaves fewer than 3 letters. */
  g_autofree char *s = hyphenate("en_US", "", "absolute closure");
  g_assert_null(strstr(s, "ab" SHY));
  g_assert_null(strstr(s, SHY "re "));
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/hyphen/language", test_language);
  g_test_add_func("/hyphen/exceptions", test_exceptions);
  g_test_add_func("/hyphen/three-letters", test_three_letters);
  return g_test_run();
}
