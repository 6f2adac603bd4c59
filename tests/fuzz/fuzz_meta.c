/* fuzz_meta.c: libFuzzer target for book.yaml: libyaml events into BookMeta with diagnostics.
 * The input goes through the loader's UTF-8 repair first, as book_load() does. */
#include "fuzz_common.h"
#include "meta.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT)
    return 0;
  fuzz_init();
  gsize len = 0;
  g_autofree char *text = text_repair_utf8((const char *)data, size, &len, NULL, NULL);
  g_autoptr(Diags) diags = diags_new();
  BookMeta meta;
  meta_init(&meta);
  meta_parse(&meta, text, len, "manuscript/book.yaml", 0, diags);
  g_free(diags_summary(diags));
  meta_clear(&meta);
  return 0;
}
