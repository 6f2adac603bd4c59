/* Unit tests for the loaded Book: ids, the anchor index and link resolution, over the good-book
 * fixture (run from the repository root, as `make check` does). */
#include "book.h"
#include "path.h"
#include "pdf/layout.h"
#include "text.h"
#include "typo.h"

#include <glib/gstdio.h>
#include <string.h>

static Book *load_good(void) {
  g_autoptr(GError) err = NULL;
  Book *book = book_load("tests/fixtures/good-book", &err);
  g_assert_no_error(err);
  book_validate(book);
  g_assert_cmpuint(diags_errors(book->diags), ==, 0);
  return book;
}

static void test_order_and_ids(void) {
  g_autoptr(Book) book = load_good();
  g_assert_cmpuint(book->chapters->len, ==, 3);
  Chapter *markup = book->chapters->pdata[1];
  g_assert_cmpstr(markup->path, ==, "chapters/01-markup.md");
  g_assert_cmpstr(markup->toc->title, ==, "1. Inline and Block Markup");
  g_assert_nonnull(g_hash_table_lookup(markup->ids, "13-builtin-quotes--and-dashes"));
  g_assert_nonnull(g_hash_table_lookup(markup->ids, "repeat"));
  g_assert_nonnull(g_hash_table_lookup(markup->ids, "repeat-1"));
  Chapter *code = book->chapters->pdata[2];
  g_assert_cmpuint(code->callouts->len, ==, 7);
  g_assert_cmpuint(code->code_blocks->len, ==, 7);
  CodeBlock *raises = code->code_blocks->pdata[1];
  g_assert_cmpstr(raises->raises, ==, "ZeroDivisionError");
  g_assert_true(g_hash_table_lookup(code->code_by_node, raises->node) == raises);
  g_assert_cmpint(raises->first_code_line, ==, raises->line + 1);
  g_assert_cmpint(book->meta.rules.paragraphs_max, ==, 4);
  g_assert_cmpuint(book->meta.authors->len, ==, 2);
}

static void test_resolve(void) {
  g_autoptr(Book) book = load_good();
  Chapter *preface = book->chapters->pdata[0];
  Chapter *target;
  Heading *heading;
  g_assert_true(book_resolve_link(book, preface, "01-markup.md#12-lists-tables-and-quotes", &target,
                                  &heading));
  g_assert_cmpstr(target->path, ==, "chapters/01-markup.md");
  g_assert_cmpstr(heading->text, ==, "1.2. Lists, tables, and quotes");
  g_assert_true(book_resolve_link(book, preface, "01-markup.md", &target, &heading));
  g_assert_null(heading);
  g_assert_true(book_resolve_link(book, preface, "#why-this-book", &target, &heading));
  g_assert_true(target == preface);
  g_assert_true(book_resolve_link(book, preface, "../chapters/02-code.md#flags-on-fences", &target,
                                  &heading));
  g_assert_false(book_resolve_link(book, preface, "01-markup.md#nope", &target, &heading));
  g_assert_nonnull(target);
  g_assert_false(book_resolve_link(book, preface, "99-none.md", &target, &heading));
  g_assert_null(target);
}

static void test_normalize(void) {
  g_autofree char *a = path_normalize("chapters", "../images/x.png");
  g_assert_cmpstr(a, ==, "images/x.png");
  g_autofree char *b = path_normalize("chapters", "../../x.png");
  g_assert_null(b);
  g_autofree char *c = path_normalize("", "./chapters//01.md");
  g_assert_cmpstr(c, ==, "chapters/01.md");
}

/* The path a "did you mean" offers: from the chapter's folder to a file of manuscript/. */
static void test_relative(void) {
  g_autofree char *a = path_relative("chapters", "images/dot.png");
  g_assert_cmpstr(a, ==, "../images/dot.png");
  g_autofree char *b = path_relative("chapters", "chapters/02-second.md");
  g_assert_cmpstr(b, ==, "02-second.md");
  g_autofree char *c = path_relative("parts/one", "parts/two/x.md");
  g_assert_cmpstr(c, ==, "../two/x.md");
  g_autofree char *d = path_relative("chapters", "chapters");
  g_assert_cmpstr(d, ==, "../chapters");
}

/* A book written to a temporary folder: three authors, and two headings whose slugs map to one
 * XML name (review B7, B11). Returns the root; caller removes it. */
static char *write_small_book(const char *more) {
  g_autoptr(GError) err = NULL;
  char *root = g_dir_make_tmp("bookbuild-test-XXXXXX", &err);
  g_assert_no_error(err);
  g_autofree char *chapters = g_build_filename(root, "manuscript", "chapters", NULL);
  g_assert_cmpint(g_mkdir_with_parents(chapters, 0700), ==, 0);
  const char *files[][2] = {
      {"manuscript/book.yaml", "title: T\nauthor: [Ada, Bob, Cy]\nlang: en\n"},
      {"manuscript/toc.md", "# T\n\n## 1. One\n\n- 11 Unicode\n- H 11 Unicode\n"},
      {"manuscript/chapters/01-one.md", "# 1. One\n\n## 11 Unicode\n\n## H 11 Unicode\n"},
  };
  g_autofree char *chapter = g_strconcat(files[2][1], more, NULL);
  files[2][1] = chapter;
  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *path = g_build_filename(root, files[i][0], NULL);
    g_assert_true(g_file_set_contents(path, files[i][1], -1, NULL));
  }
  return root;
}

static void remove_small_book(const char *root) {
  const char *files[] = {
      "manuscript/chapters/01-one.md", "manuscript/chapters", "manuscript/toc.md",
      "manuscript/book.yaml",          "manuscript",          ""};
  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *path = g_build_filename(root, files[i], NULL);
    g_remove(path);
  }
}

/* The model decides, the writers render: one author line, one anchor per heading, and PDF
 * destinations as unique as the EPUB's ids. */
static void test_model_decides(void) {
  g_autofree char *root = write_small_book("");
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(root, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(book->meta.authors_line, ==, "Ada, Bob, and Cy");
  Chapter *one = book->chapters->pdata[0];
  g_assert_cmpuint(one->headings->len, ==, 3);
  Heading *a = one->headings->pdata[1], *b = one->headings->pdata[2];
  g_assert_cmpstr(a->id, ==, "11-unicode");
  g_assert_cmpstr(b->id, ==, "h-11-unicode");
  g_assert_cmpstr(a->anchor, ==, "h-11-unicode");
  g_assert_cmpstr(b->anchor, ==, "h-11-unicode-2");
  g_autofree char *dest_a = layout_dest_name(one, a);
  g_autofree char *dest_b = layout_dest_name(one, b);
  g_assert_cmpstr(dest_a, !=, dest_b);
  remove_small_book(root);
}

/* The quotes an author escaped stay straight, though cmark-gfm merges an escape's text into the
 * text around it (GFM spec review, finding 15: s308 `\"` came out curled). */
static void test_kept_quotes(void) {
  g_autofree char *root =
      write_small_book("\nSay \\\"hi\\\" &quot;x&quot; \\'s, \"curled\" 'too'.\n"
                       "> In a quote: *stressed* \\\"kept\\\" and `\"code\"` then \"curled\".\n");
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(root, &err);
  g_assert_no_error(err);
  Chapter *one = book->chapters->pdata[0];
  const char *want[] = {"Say \"hi\" \"x\" 's, \u201Ccurled\u201D \u2018too\u2019.",
                        "In a quote: ", " \"kept\" and ", " then \u201Ccurled\u201D."};
  gsize found = 0;
  cmark_iter *iter = cmark_iter_new(one->doc);
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    cmark_node *n = cmark_iter_get_node(iter);
    if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_TEXT)
      continue;
    g_autofree guint8 *keep = chapter_kept_quotes(one, n);
    gunichar prev = ' ';
    g_autofree char *smart = typo_smarten_keeping(cmark_node_get_literal(n), keep, &prev);
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++)
      if (strcmp(smart, want[i]) == 0)
        found |= 1u << i;
  }
  cmark_iter_free(iter);
  g_assert_cmpuint(found, ==, (1u << G_N_ELEMENTS(want)) - 1);
  remove_small_book(root);
}

/* Footnotes are numbered once, in the model, in the order of their first reference (not of their
 * definitions), with their references counted; a definition never referenced is no note. */
static void test_notes(void) {
  g_autofree char *root = write_small_book("\nFirst[^b], then[^a] and again[^a].\n\n"
                                           "[^a]: Note A.\n[^b]: Note B.\n[^c]: Never used.\n");
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(root, &err);
  g_assert_no_error(err);
  Chapter *one = book->chapters->pdata[0];
  g_assert_cmpuint(one->notes->len, ==, 2);
  const Note *first = one->notes->pdata[0], *second = one->notes->pdata[1];
  g_assert_cmpint(first->number, ==, 1);
  g_assert_cmpint(first->refs, ==, 1);
  g_autofree char *b = text_plain(first->def);
  g_assert_cmpstr(b, ==, "Note B.");
  g_assert_cmpint(second->number, ==, 2);
  g_assert_cmpint(second->refs, ==, 2);
  cmark_iter *iter = cmark_iter_new(one->doc);
  guint refs = 0;
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    cmark_node *n = cmark_iter_get_node(iter);
    if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_REFERENCE)
      g_assert_true(chapter_note_of_ref(one, n) == (refs++ == 0 ? first : second));
  }
  cmark_iter_free(iter);
  g_assert_cmpuint(refs, ==, 3);
  remove_small_book(root);
}

/* One resolver for the validator and both writers: each kind of image URL, then each problem
 * image_check() finds in a file's contents. */
static void test_images(void) {
  g_autoptr(Book) book = load_good();
  Chapter *markup = book->chapters->pdata[1];
  static const struct {
    const char *url;
    ImageRefKind kind;
    const char *path;
  } cases[] = {
      {"../images/dot.png", IMAGE_REF_FILE, "images/dot.png"},
      {"../images/./x/../dot.png", IMAGE_REF_FILE, "images/dot.png"},
      {"../images/d%6Ft.png", IMAGE_REF_FILE, "images/dot.png"},
      {"https://example.com/dot.png", IMAGE_REF_REMOTE, NULL},
      {"//example.com/dot.png", IMAGE_REF_REMOTE, NULL},
      {"/etc/passwd", IMAGE_REF_LEAVES, NULL},
      {"../../../dot.png", IMAGE_REF_LEAVES, NULL},
      {"../images/none.png", IMAGE_REF_MISSING, "images/none.png"},
      {"../toc.md", IMAGE_REF_NOT_IMAGE, "toc.md"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_auto(ImageRef) ref = {0};
    g_assert_cmpint(book_resolve_image(book, markup, cases[i].url, &ref), ==, cases[i].kind);
    g_assert_cmpint(ref.kind, ==, cases[i].kind);
    g_assert_cmpstr(ref.path, ==, cases[i].path);
    g_assert_true((ref.full != NULL) == (cases[i].path != NULL));
  }
  g_auto(ImageRef) dot = {0};
  book_resolve_image(book, markup, "../images/dot.png", &dot);
  g_assert_cmpint(dot.format, ==, IMAGE_PNG);
  ImageInfo info;
  g_assert_cmpint(image_check(dot.full, IMAGE_PNG, 100, 100, &info), ==, IMAGE_CHECK_OK);
  g_assert_cmpint(image_check(dot.full, IMAGE_JPEG, 100, 100, &info), ==, IMAGE_CHECK_WRONG_TYPE);
  g_assert_cmpint(image_check(dot.full, IMAGE_PNG, info.width * info.height - 1, 100, &info), ==,
                  IMAGE_CHECK_TOO_LARGE);
  g_assert_cmpint(image_check(dot.full, IMAGE_PNG, 100, info.width - 1, &info), ==,
                  IMAGE_CHECK_TOO_LARGE);
  g_assert_cmpint(image_check("tests/no-such.png", IMAGE_PNG, 100, 100, &info), ==,
                  IMAGE_CHECK_UNREADABLE);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true(g_file_get_contents(dot.full, &bytes, &len, NULL));
  g_autofree char *cut = g_build_filename(g_get_tmp_dir(), "bookbuild-test-cut.png", NULL);
  g_assert_true(g_file_set_contents(cut, bytes, (gssize)len - 8, NULL)); /* IEND lost */
  g_assert_cmpint(image_check(cut, IMAGE_PNG, 100, 100, &info), ==, IMAGE_CHECK_DAMAGED);
  g_remove(cut);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  book_init();
  g_test_add_func("/book/order-and-ids", test_order_and_ids);
  g_test_add_func("/book/resolve", test_resolve);
  g_test_add_func("/book/normalize", test_normalize);
  g_test_add_func("/book/relative", test_relative);
  g_test_add_func("/book/model-decides", test_model_decides);
  g_test_add_func("/book/kept-quotes", test_kept_quotes);
  g_test_add_func("/book/notes", test_notes);
  g_test_add_func("/book/images", test_images);
  return g_test_run();
}
