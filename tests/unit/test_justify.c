/* test_justify.c: the justifier's margin kerning shares (which characters hang into the margin,
 * and how far) and its font expansion (a line's glyphs' share of its stretch or shrink, in 0.5%
 * steps, never beyond 2%, rounded so that a line without spaces is never overfull). */
#include "pdf/layoutint.h"

#include <math.h>

static void test_protrusion_right(void) {
  g_assert_cmpfloat(justify_protrusion('-', TRUE), ==, 0.7);
  g_assert_cmpfloat(justify_protrusion(0x2010, TRUE), ==, 0.7); /* hyphen */
  g_assert_cmpfloat(justify_protrusion('.', TRUE), ==, 0.7);
  g_assert_cmpfloat(justify_protrusion(',', TRUE), ==, 0.7);
  g_assert_cmpfloat(justify_protrusion(0x2019, TRUE), ==, 0.7); /* ’ */
  g_assert_cmpfloat(justify_protrusion(';', TRUE), ==, 0.5);
  g_assert_cmpfloat(justify_protrusion(':', TRUE), ==, 0.5);
  g_assert_cmpfloat(justify_protrusion(0x201D, TRUE), ==, 0.5);  /* ” */
  g_assert_cmpfloat(justify_protrusion(0x2013, TRUE), ==, 0.2);  /* en dash */
  g_assert_cmpfloat(justify_protrusion(0x2014, TRUE), ==, 0.15); /* em dash */
  g_assert_cmpfloat(justify_protrusion('e', TRUE), ==, 0);
  g_assert_cmpfloat(justify_protrusion(')', TRUE), ==, 0);
  g_assert_cmpfloat(justify_protrusion(0x201C, TRUE), ==, 0); /* an opening quote, at the end */
}

static void test_protrusion_left(void) {
  g_assert_cmpfloat(justify_protrusion(0x2018, FALSE), ==, 0.7); /* ‘ */
  g_assert_cmpfloat(justify_protrusion(0x201C, FALSE), ==, 0.5); /* “ */
  g_assert_cmpfloat(justify_protrusion('-', FALSE), ==, 0);
  g_assert_cmpfloat(justify_protrusion('.', FALSE), ==, 0);
  g_assert_cmpfloat(justify_protrusion('T', FALSE), ==, 0);
}

#define EPS 1e-9

static void test_expansion_share(void) {
  /* 1000 of spaces (stretch 500, shrink 333), 10000 of glyphs (2%: 200). */
  g_assert_cmpfloat(justify_expansion(0, 1000, 10000), ==, 0);
  g_assert_cmpfloat(justify_expansion(350, 1000, 0), ==, 0); /* nothing to expand */
  g_assert_cmpfloat_with_epsilon(justify_expansion(700, 1000, 10000), 0.02, EPS);  /* all */
  g_assert_cmpfloat_with_epsilon(justify_expansion(350, 1000, 10000), 0.01, EPS);  /* half */
  g_assert_cmpfloat_with_epsilon(justify_expansion(5000, 1000, 10000), 0.02, EPS); /* capped */
  g_assert_cmpfloat_with_epsilon(justify_expansion(-533, 1000, 10000), -0.02, EPS);
  g_assert_cmpfloat_with_epsilon(justify_expansion(-5000, 1000, 10000), -0.02, EPS);
}

static void test_expansion_steps(void) {
  /* 300 of 700: 0.857% rounds to the nearest step, 1%; the spaces give the difference back. */
  g_assert_cmpfloat_with_epsilon(justify_expansion(300, 1000, 10000), 0.01, EPS);
  /* 100 of 700: 0.29% rounds to 0.5%. */
  g_assert_cmpfloat_with_epsilon(justify_expansion(100, 1000, 10000), 0.005, EPS);
  /* 30 of 700: 0.086% rounds to nothing. */
  g_assert_cmpfloat(justify_expansion(30, 1000, 10000), ==, 0);
  for (int diff = -600; diff <= 800; diff += 7) {
    double e = justify_expansion(diff, 1000, 10000);
    g_assert_cmpfloat(fabs(e), <=, 0.02 + EPS);
    g_assert_cmpfloat(fabs(e / 0.005 - round(e / 0.005)), <, EPS);
    g_assert_true(e * diff >= 0); /* never against the line's need */
  }
}

static void test_expansion_without_spaces(void) {
  /* A line of one word: 1.8% needed rounds down to 1.5% (2% would overfill it)... */
  g_assert_cmpfloat_with_epsilon(justify_expansion(180, 0, 10000), 0.015, EPS);
  /* ...and a line to narrow by 1.8% narrows by 2%: short, not overfull. */
  g_assert_cmpfloat_with_epsilon(justify_expansion(-180, 0, 10000), -0.02, EPS);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/justify/protrusion-right", test_protrusion_right);
  g_test_add_func("/justify/protrusion-left", test_protrusion_left);
  g_test_add_func("/justify/expansion-share", test_expansion_share);
  g_test_add_func("/justify/expansion-steps", test_expansion_steps);
  g_test_add_func("/justify/expansion-without-spaces", test_expansion_without_spaces);
  return g_test_run();
}
