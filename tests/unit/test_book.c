/* Unit tests for the loaded Book: ids, the anchor index and link resolution, over the good-book
 * fixture (run from the repository root, as `make check` does). */
#include "book.h"

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
  g_autofree char *a = book_normalize_path("chapters", "../images/x.png");
  g_assert_cmpstr(a, ==, "images/x.png");
  g_autofree char *b = book_normalize_path("chapters", "../../x.png");
  g_assert_null(b);
  g_autofree char *c = book_normalize_path("", "./chapters//01.md");
  g_assert_cmpstr(c, ==, "chapters/01.md");
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  book_init();
  g_test_add_func("/book/order-and-ids", test_order_and_ids);
  g_test_add_func("/book/resolve", test_resolve);
  g_test_add_func("/book/normalize", test_normalize);
  return g_test_run();
}
