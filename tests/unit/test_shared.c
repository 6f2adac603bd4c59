/* Unit tests for what both writers share: the highlighter, typographic text, diagnostics. */
#include "diag.h"
#include "highlight.h"
#include "typo.h"

#include <string.h>

/* "kw:def nm:f" style rendering of the non-plain tokens, for compact assertions. */
static char *render(const char *lang, const char *code) {
  g_autoptr(GArray) toks = highlight_tokens(lang, code, strlen(code));
  GString *s = g_string_new(NULL);
  guint covered = 0;
  for (guint i = 0; i < toks->len; i++) {
    HighlightToken *t = &g_array_index(toks, HighlightToken, i);
    g_assert_cmpuint(t->start, ==, covered);
    covered += t->len;
    if (t->cls == HL_PLAIN)
      continue;
    g_string_append_printf(s, "%s%s:%.*s", s->len ? " " : "", highlight_class_name(t->cls),
                           (int)t->len, code + t->start);
  }
  g_assert_cmpuint(covered, ==, strlen(code));
  return g_string_free(s, FALSE);
}

static void test_python(void) {
  g_autofree char *a =
      render("python", "@cache\ndef f(x=1.5):  # hi\n    return f'{x}' + \"\"\"a\nb\"\"\"\n");
  g_assert_cmpstr(a, ==,
                  "de:@cache kw:def nm:f nu:1.5 co:# hi kw:return st:f'{x}' st:\"\"\"a\nb\"\"\"");
  g_autofree char *b = render("python", "class C(object): print(len(None))");
  g_assert_cmpstr(b, ==, "kw:class nm:C bi:object bi:print bi:len kw:None");
}

static void test_pycon_console(void) {
  g_autofree char *a = render("pycon", ">>> x = 1\n>>> x\n1\n");
  g_assert_cmpstr(a, ==, "pr:>>>  nu:1 pr:>>>  go:1\n");
  g_autofree char *b = render("console", "$ echo \"$HOME\" # c\nhello\n");
  g_assert_cmpstr(b, ==, "pr:$  kw:echo st:\"$HOME\" co:# c go:hello\n");
}

static void test_data(void) {
  g_autofree char *a = render("toml", "[project]\nname = \"x\"\nversion = 2\n");
  g_assert_cmpstr(a, ==, "de:[project] nm:name st:\"x\" nm:version nu:2");
  g_autofree char *b = render("json", "{\"a\": true, \"b\": \"c\"}");
  g_assert_cmpstr(b, ==, "nm:\"a\" bi:true nm:\"b\" st:\"c\"");
  g_autofree char *c = render("c", "#include <x.h>\nint f(void) { return 0; } /* c */");
  g_assert_cmpstr(c, ==, "de:#include <x.h> kw:int kw:void kw:return nu:0 co:/* c */");
  g_autofree char *d = render("text", "def f(): pass");
  g_assert_cmpstr(d, ==, "");
}

static void test_smarten(void) {
  gunichar prev = 0;
  g_autofree char *a = typo_smarten("\"It's\" -- a test --- really...", &prev);
  g_assert_cmpstr(a, ==, "“It’s” – a test — really…");
  /* A double quote after a literal * opens (GFM spec review, finding 15); an apostrophe after
   * an identifier's _ stays one. */
  prev = 0;
  g_autofree char *star = typo_smarten("a*\"foo\"*", &prev);
  g_assert_cmpstr(star, ==, "a*\u201Cfoo\u201D*");
  prev = '_';
  g_autofree char *apos = typo_smarten("'s", &prev);
  g_assert_cmpstr(apos, ==, "\u2019s");
  /* A quote opened in one node and closed in the next. */
  prev = 0;
  g_autofree char *b = typo_smarten("say \"", &prev);
  g_autofree char *c = typo_smarten("hi\"", &prev);
  g_assert_cmpstr(b, ==, "say “");
  g_assert_cmpstr(c, ==, "hi”");
}

static void test_output_id(void) {
  g_autofree char *a = typo_output_id("11-unicode");
  g_assert_cmpstr(a, ==, "h-11-unicode");
  g_autofree char *b = typo_output_id("key-takeaways");
  g_assert_cmpstr(b, ==, "key-takeaways");
}

/* A diagnostic equal to an earlier one is dropped, and so is a detail meant for it; sorting
 * follows the file order (book.yaml, toc.md, print.yaml, chapters), then line and column. */
static void test_diags(void) {
  g_autoptr(Diags) d = diags_new();
  diags_add(d, DIAG_WARNING, "chapters/01.md", DIAG_FILE_FIRST_CHAPTER, 3, 1, "r", "x %d", 1);
  diags_add_detail(d, "first");
  diags_add(d, DIAG_WARNING, "chapters/01.md", DIAG_FILE_FIRST_CHAPTER, 3, 1, "r", "x %d", 1);
  diags_add_detail(d, "second");
  diags_add(d, DIAG_ERROR, "chapters/01.md", DIAG_FILE_FIRST_CHAPTER, 3, 1, "r", "x %d", 1);
  diags_add(d, DIAG_WARNING, "chapters/01.md", DIAG_FILE_FIRST_CHAPTER, 3, 2, "r", "x %d", 1);
  diags_add(d, DIAG_ERROR, "styles/print.yaml", DIAG_FILE_STYLE, 9, 1, "style-key", "y");
  diags_add(d, DIAG_ERROR, "manuscript/toc.md", DIAG_FILE_TOC, 20, 1, "toc-structure", "z");
  g_assert_cmpuint(diags_warnings(d), ==, 2);
  g_assert_cmpuint(diags_errors(d), ==, 3);
  g_autoptr(GPtrArray) sorted = diags_sorted(d);
  g_assert_cmpuint(sorted->len, ==, 5);
  g_assert_cmpstr(((Diag *)sorted->pdata[0])->path, ==, "manuscript/toc.md");
  g_assert_cmpstr(((Diag *)sorted->pdata[1])->path, ==, "styles/print.yaml");
  g_assert_cmpstr(((Diag *)sorted->pdata[2])->detail, ==, "first");
  g_assert_null(((Diag *)sorted->pdata[3])->detail);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/highlight/python", test_python);
  g_test_add_func("/highlight/pycon-console", test_pycon_console);
  g_test_add_func("/highlight/data-c-text", test_data);
  g_test_add_func("/typo/smarten", test_smarten);
  g_test_add_func("/diag/repeats-and-order", test_diags);
  g_test_add_func("/typo/output-id", test_output_id);
  return g_test_run();
}
