/* fuzz_toc.c: libFuzzer target for toc.md: the Markdown TOC into the expected structure (Toc).
 * The input goes through the loader's UTF-8 repair first, as book_load() does. */
#include "fuzz_common.h"
#include "text.h"
#include "toc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT)
    return 0;
  fuzz_init();
  gsize len = 0;
  g_autofree char *text = text_repair_utf8((const char *)data, size, &len, NULL, NULL);
  g_autoptr(Diags) diags = diags_new();
  Toc toc = {0};
  toc_parse(&toc, text, len, "manuscript/toc.md", 1, diags);
  g_free(diags_summary(diags));
  toc_clear(&toc);
  return 0;
}
