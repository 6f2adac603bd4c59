/* Unit tests for the print style: the built-in defaults equal the shipped styles/print.yaml,
 * and bad keys are reported. */
#include "style.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static void test_defaults_equal_shipped(void) {
  PrintStyle builtin, shipped;
  style_defaults(&builtin);
  style_defaults(&shipped);
  /* Start the shipped one from zeros where it matters: every number changed by the file must
   * come back equal, so perturb first. */
  shipped.leading.times = -1;
  shipped.papers[PAPER_A4].width = -1;
  shipped.callouts[CALLOUT_TIP].tint.r = -1;
  shipped.ink[HL_KEYWORD].bold = FALSE;
  g_autoptr(Diags) diags = diags_new();
  guint set = style_load(&shipped, "styles/print.yaml", "styles/print.yaml", diags);
  g_assert_cmpuint(diags_errors(diags) + diags_warnings(diags), ==, 0);
  g_assert_cmpuint(set, ==, style_key_count()); /* the shipped file names every key */
  g_assert_cmpfloat(shipped.leading.times, ==, builtin.leading.times);
  g_assert_cmpfloat(shipped.papers[PAPER_A4].width, ==, builtin.papers[PAPER_A4].width);
  g_assert_cmpfloat(shipped.callouts[CALLOUT_TIP].tint.r, ==, builtin.callouts[CALLOUT_TIP].tint.r);
  g_assert_true(shipped.ink[HL_KEYWORD].bold);
  /* Every field: strings compared by value, the rest byte for byte. */
  g_assert_cmpstr(shipped.default_paper, ==, builtin.default_paper);
  g_assert_cmpstr(shipped.font_body, ==, builtin.font_body);
  g_assert_cmpstr(shipped.hyphen_language, ==, builtin.hyphen_language);
  char *strs_b[] = {builtin.default_paper, builtin.font_body,        builtin.font_heading,
                    builtin.font_mono,     builtin.font_fallback,    builtin.hyphen_language,
                    builtin.diagram_font,  builtin.hyphen_exceptions};
  char *strs_s[] = {shipped.default_paper, shipped.font_body,        shipped.font_heading,
                    shipped.font_mono,     shipped.font_fallback,    shipped.hyphen_language,
                    shipped.diagram_font,  shipped.hyphen_exceptions};
  PrintStyle a = builtin, b = shipped;
  a.default_paper = b.default_paper = NULL;
  a.font_body = b.font_body = a.font_heading = b.font_heading = NULL;
  a.font_mono = b.font_mono = a.font_fallback = b.font_fallback = NULL;
  a.hyphen_language = b.hyphen_language = a.hyphen_exceptions = b.hyphen_exceptions = NULL;
  a.diagram_font = b.diagram_font = NULL;
  g_assert_cmpint(memcmp(&a, &b, sizeof a), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS(strs_b); i++)
    g_assert_cmpstr(strs_b[i], ==, strs_s[i]);
  style_clear(&builtin);
  style_clear(&shipped);
}

/* A number outside 0 to 10000 is refused, and so is one that is no number (g_ascii_strtod()
 * reads "nan", which no comparison with a limit refuses). */
static void test_numbers_in_range(void) {
  static const char *const bad[] = {"-1", "10001", "inf", "nan", "NaN",   "1e9",  "12px",
                                    "",   "0",     "bp",  "0bp", "13 bp", "13bpx"};
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *yaml = g_strdup_printf("text:\n  leading: \"%s\"\n", bad[i]);
    g_autofree char *path = NULL;
    int fd = g_file_open_tmp("test-style-XXXXXX.yaml", &path, NULL);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_true(g_file_set_contents(path, yaml, -1, NULL));
    PrintStyle style;
    style_defaults(&style);
    g_autoptr(Diags) diags = diags_new();
    style_load(&style, path, "print.yaml", diags);
    g_unlink(path);
    if (diags_errors(diags) != 1)
      g_error("leading: \"%s\" gave %u errors, not 1", bad[i], diags_errors(diags));
    g_assert_cmpfloat(style.leading.times, ==, 1.3); /* the default stands */
    g_assert_cmpfloat(style.leading.bp, ==, 0);
    style_clear(&style);
  }
}

/* Loads `yaml` into the defaults; the errors it gave. */
static guint load_text(PrintStyle *style, const char *yaml) {
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("test-style-XXXXXX.yaml", &path, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_assert_true(g_file_set_contents(path, yaml, -1, NULL));
  style_defaults(style);
  g_autoptr(Diags) diags = diags_new();
  style_load(style, path, "print.yaml", diags);
  g_unlink(path);
  return diags_errors(diags);
}

/* text.leading: a multiple of the size or a length in points, the baseline distance either way
 * (footnotes and captions at their own size keep the body's proportion); a number elsewhere is
 * still only a number. */
static void test_leading(void) {
  PrintStyle style;
  style_defaults(&style);
  g_assert_cmpfloat_with_epsilon(style_line_pitch(&style, 10, 10), 13, 1e-9);
  g_assert_cmpfloat_with_epsilon(style_line_pitch(&style, 8.2, 10), 10.66, 1e-9);
  style_clear(&style);
  g_assert_cmpuint(load_text(&style, "text:\n  leading: 13.5bp\n"), ==, 0);
  g_assert_cmpfloat(style.leading.times, ==, 0);
  g_assert_cmpfloat_with_epsilon(style_line_pitch(&style, 10, 10), 13.5, 1e-9);
  g_assert_cmpfloat_with_epsilon(style_line_pitch(&style, 11, 11), 13.5, 1e-9);
  g_assert_cmpfloat_with_epsilon(style_line_pitch(&style, 5, 10), 6.75, 1e-9);
  g_autofree char *values = style_values(&style, "text.leading");
  g_assert_cmpstr(values, ==, "text.leading=13.5bp\n");
  style_clear(&style);
  g_assert_cmpuint(load_text(&style, "text:\n  leading: 14pt\n"), ==, 0);
  g_assert_cmpfloat(style.leading.bp, ==, 14);
  style_clear(&style);
  g_assert_cmpuint(load_text(&style, "text:\n  leading: 1.25\n"), ==, 0);
  g_assert_cmpfloat_with_epsilon(style_line_pitch(&style, 11, 11), 13.75, 1e-9);
  style_clear(&style);
  g_assert_cmpuint(load_text(&style, "code:\n  leading: 13bp\n"), ==, 1);
  style_clear(&style);
}

static void test_papers(void) {
  g_assert_cmpint(style_paper_id("A4"), ==, PAPER_A4);
  g_assert_cmpint(style_paper_id("7x9.25"), ==, PAPER_7X925);
  g_assert_cmpint(style_paper_id("a5"), ==, PAPER_COUNT);
  g_assert_cmpstr(style_paper_name(PAPER_LETTER), ==, "letter");
}

/* style_values(): one line per key under the prefix, each type written exactly, and any
 * change to one of those keys changes the text (what the cover's cache key relies on). */
static void test_values(void) {
  PrintStyle style;
  style_defaults(&style);
  g_autofree char *cover = style_values(&style, "cover.");
  g_autofree char *all = style_values(&style, "");
  g_auto(GStrv) lines = g_strsplit(cover, "\n", -1);
  g_assert_cmpuint(g_strv_length(lines), ==, 20 + 1); /* 20 cover keys, then "" */
  for (guint i = 0; lines[i][0]; i++)
    g_assert_true(g_str_has_prefix(lines[i], "cover."));
  g_assert_nonnull(strstr(cover, "cover.title-size="));
  g_assert_nonnull(strstr(all, "text.justify=true\n"));
  g_assert_nonnull(strstr(all, "fonts.body=Linux Libertine O\n"));
  g_assert_cmpuint(strlen(all), >, strlen(cover));
  style.cover_title_size += 1e-9;
  g_autofree char *moved = style_values(&style, "cover.");
  g_assert_cmpstr(moved, !=, cover);
  style.leading.times += 1; /* not a cover key */
  g_autofree char *again = style_values(&style, "cover.");
  g_assert_cmpstr(again, ==, moved);
  style_clear(&style);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/style/defaults-equal-shipped", test_defaults_equal_shipped);
  g_test_add_func("/style/numbers-in-range", test_numbers_in_range);
  g_test_add_func("/style/leading", test_leading);
  g_test_add_func("/style/papers", test_papers);
  g_test_add_func("/style/values", test_values);
  return g_test_run();
}
