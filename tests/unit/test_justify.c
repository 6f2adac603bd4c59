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

/* A line of words: 10 spaces of 2.5 pt and 300 pt of glyphs (Pango units); spaces at twice
 * natural and 2% wider glyphs give it 31.1 pt more. */
#define SPACES (25 * PANGO_SCALE)
#define GLYPHS (300 * PANGO_SCALE)
#define MOST (SPACES + GLYPHS / 50)

static double words_short_by(double points) {
  int gap = MOST + (int)(points * PANGO_SCALE);
  return justify_line_demerits(gap / (SPACES * 0.5 + GLYPHS * 0.02), gap, SPACES, GLYPHS);
}

static void test_short_line_demerits(void) {
  double filled =
      justify_line_demerits(MOST / (SPACES * 0.5 + GLYPHS * 0.02), MOST, SPACES, GLYPHS);
  double natural = justify_line_demerits(0, 0, SPACES, GLYPHS);
  g_assert_cmpfloat(natural, ==, 100); /* TeX's: (line penalty + badness) squared */
  g_assert_cmpfloat(filled, <, 1e6);
  /* Stopping short costs more than a hundred lines that fill the measure at their loosest. */
  g_assert_cmpfloat(words_short_by(1), >, 100 * filled);
  /* And more the further short: one line 60 pt short is worse than two 10 pt short. */
  g_assert_cmpfloat(words_short_by(10), >, words_short_by(1));
  g_assert_cmpfloat(words_short_by(60), >, 2 * words_short_by(10));
  /* A line of code, no stretch at all (ratio 1000), 5 pt short is no worse than a line of
   * words 5 pt short, and far better than one 60 pt short (TeX's badness made it 1e16). */
  double code = justify_line_demerits(1000, 5 * PANGO_SCALE, 0, 0);
  g_assert_cmpfloat(code, <=, words_short_by(5));
  g_assert_cmpfloat(code, <, words_short_by(60) / 4);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/justify/protrusion-right", test_protrusion_right);
  g_test_add_func("/justify/protrusion-left", test_protrusion_left);
  g_test_add_func("/justify/expansion-share", test_expansion_share);
  g_test_add_func("/justify/expansion-steps", test_expansion_steps);
  g_test_add_func("/justify/expansion-without-spaces", test_expansion_without_spaces);
  g_test_add_func("/justify/short-line-demerits", test_short_line_demerits);
  return g_test_run();
}
