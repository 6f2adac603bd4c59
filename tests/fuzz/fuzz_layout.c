/* fuzz_layout.c: libFuzzer target for the PDF layout of a chapter: the input becomes chapter 1
 * of a small book (as in fuzz_chapter.c), which is loaded and validated, laid out with the
 * shipped style and fonts (chapter_layout_new), broken into pages and drawn into a Cairo PDF
 * surface that writes nowhere. As `bookbuild pdf` only lays out books that validate, inputs
 * with an error that guards the writers (limits, encoding, images, paths) are not laid out. */
#include "fuzz_common.h"

#include "pdf/fonts.h"
#include "pdf/hyphen.h"
#include "pdf/layout.h"
#include "pdf/paginate.h"
#include "pdf/render.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
  PrintStyle style;
  PdfFonts *fonts;
  Hyphenator *hyphenator;
  const Paper *paper;
} Env;

static Env *env_get(void) {
  static Env env;
  static gboolean ready;
  if (ready)
    return &env;
  ready = TRUE;
  style_defaults(&env.style);
  g_autoptr(GError) err = NULL;
  env.fonts = pdf_fonts_new(BOOKBUILD_DATADIR "/fonts", &env.style, &err);
  if (!env.fonts)
    g_error("fuzz_layout: %s", err->message);
  env.hyphenator = hyphenator_new(env.style.hyphen_language, (int)env.style.hyphen_min_word, &err);
  if (!env.hyphenator)
    g_error("fuzz_layout: %s", err->message);
  env.paper = &env.style.papers[PAPER_6X9];
  return &env;
}

static cairo_status_t discard(void *closure, const unsigned char *bytes, unsigned int len) {
  (void)closure, (void)bytes, (void)len;
  return CAIRO_STATUS_SUCCESS;
}

static void render_pages(Env *env, PangoContext *ctx, GPtrArray *pages, double measure,
                         double text_height) {
  cairo_surface_t *surface =
      cairo_pdf_surface_create_for_stream(discard, NULL, env->paper->width, env->paper->height);
  cairo_t *cr = cairo_create(surface);
  pango_cairo_update_context(cr, ctx);
  Renderer r = {surface, cr, &env->style, env->paper, ctx, measure, text_height, {0}};
  for (guint i = 0; i < pages->len; i++) {
    g_autofree char *label = g_strdup_printf("%u", i + 1);
    PageDecor decor = {label, label, "Head", i % 2 == 0, i == 0};
    render_page(&r, pages->pdata[i], &decor);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
}

/* The fonts, the hyphenator and Pango's caches are set up before the first input, so that
 * libFuzzer's leak check (allocations during one input that outlive it) sees only per-input
 * work. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fuzz_init();
  Env *env = env_get();
  PangoContext *ctx = pdf_fonts_context(env->fonts);
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
  Env *env = env_get();
  fuzz_write(NULL, data, size);
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(fuzz_book_root(), &err);
  if (!book)
    abort();
  book_validate(book);
  if (fuzz_writer_guarded(book))
    return 0;
  double measure = env->paper->width - env->paper->inner - env->paper->outer;
  double text_height = env->paper->height - env->paper->top - env->paper->bottom;
  PangoContext *ctx = pdf_fonts_context(env->fonts);
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func(page_free);
  g_autoptr(GPtrArray) layouts =
      g_ptr_array_new_with_free_func((GDestroyNotify)chapter_layout_free);
  LayoutEnv le = {book,    &env->style, env->paper,    ctx,  env->hyphenator,
                  measure, text_height, size % 2 == 1, NULL, book->diags};
  PageFrame frame = {text_height, TRUE, env->paper->body_size * env->style.leading};
  for (guint i = 0; i < book->chapters->len; i++) {
    const Chapter *ch = book->chapters->pdata[i];
    if (!ch->toc || !ch->readable)
      continue;
    ChapterLayout *cl = chapter_layout_new(&le, ch);
    g_ptr_array_add(layouts, cl);
    paginate_chapter(cl, &frame, pages);
  }
  render_pages(env, ctx, pages, measure, text_height);
  g_object_unref(ctx);
  return 0;
}
