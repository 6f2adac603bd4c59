/* fuzz_layout.c: libFuzzer target for the PDF layout of a chapter: the input becomes chapter 1
 * of a small book (as in fuzz_chapter.c), which is loaded and validated, laid out with the
 * shipped style and fonts and broken into pages (pdf_typeset), then drawn, front matter and
 * all, into a Cairo PDF stream that writes nowhere (pdf_render). As `bookbuild pdf` only lays out
 * books that validate, inputs with an error that guards the writers (limits, encoding, images,
 * paths) are not laid out. */
#include "fuzz_common.h"

#include "pdf/pdf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cairo_status_t discard(void *closure, const unsigned char *bytes, unsigned int len) {
  (void)closure, (void)bytes, (void)len;
  return CAIRO_STATUS_SUCCESS;
}

/* The fonts and Pango's caches are set up before the first input, so that libFuzzer's leak
 * check (allocations during one input that outlive it) sees only per-input work. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fuzz_init();
  PangoContext *ctx = fonts_context(fuzz_resources()->fonts);
  g_autoptr(PangoLayout) warm = pango_layout_new(ctx);
  pango_layout_set_text(warm, "warm up \u2014 caf\u00e9 `code`", -1);
  int w, h;
  pango_layout_get_size(warm, &w, &h);
  g_object_unref(ctx);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT / 4)
    return 0;
  fuzz_init();
  Resources *res = fuzz_resources();
  fuzz_write(NULL, data, size);
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(fuzz_book_root(), &err);
  if (!book)
    abort();
  book_validate(book);
  if (fuzz_writer_guarded(book))
    return 0;
  PdfOptions options = {"unused.pdf", "6x9", 0, size % 2 == 1, NULL, NULL};
  g_autoptr(PdfDoc) doc = pdf_typeset(book, res, &options, &err);
  if (!doc || !pdf_render(doc, discard, NULL, &err))
    g_error("fuzz_layout: %s", err->message);
  return 0;
}
