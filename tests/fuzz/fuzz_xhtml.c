/* fuzz_xhtml.c: libFuzzer target for the EPUB writer's XHTML of a chapter: the input becomes
 * chapter 1 of a small book (as in fuzz_chapter.c) that does not embed fonts, which is loaded,
 * validated and written with epub_write() into the scratch folder (a tmpfs where there is
 * one). As `bookbuild epub` only writes books that validate, inputs with an error that guards
 * the writers (limits, encoding, images, paths) are not written. */
#include "fuzz_common.h"

#include "epub/epub.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char book_yaml[] = "title: A Tiny Book\n"
                                "author: Test Author\n"
                                "lang: en\n"
                                "identifier: urn:uuid:0b9f3c2e-6a43-4d1e-9f1a-2f5c7e8d9a10\n"
                                "date: 2026-01-15\n"
                                "epub-embed-fonts: false\n";

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fuzz_init();
  fuzz_write("book.yaml", (const uint8_t *)book_yaml, strlen(book_yaml));
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT / 4)
    return 0;
  fuzz_write(NULL, data, size);
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(fuzz_book_root(), &err);
  if (!book)
    abort();
  book_validate(book);
  if (fuzz_writer_guarded(book))
    return 0;
  g_autofree char *out = g_build_filename(fuzz_book_root(), "out.epub", NULL);
  EpubOptions o = {out, size % 2 == 1};
  g_autoptr(GError) werr = NULL;
  /* Resources of its own, as each `bookbuild epub` has: a font map kept across inputs makes
   * Pango's caches drop fontsets that LeakSanitizer then reports. */
  g_autoptr(Resources) res = resources_load(book);
  if (!epub_write(book, res, &o, &werr) && werr)
    g_error("fuzz_xhtml: environment error: %s", werr->message); /* styles, fonts: set-up bug */
  return 0;
}
