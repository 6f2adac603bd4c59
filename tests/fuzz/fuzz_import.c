/* fuzz_import.c: libFuzzer target for `bookbuild import`: the seed's raw response format into a
 * clean chapter. Like main.c, only valid UTF-8 reaches import_convert(). */
#include "fuzz_common.h"
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT || !g_utf8_validate((const char *)data, (gssize)size, NULL))
    return 0;
  fuzz_init();
  g_autoptr(Diags) diags = diags_new();
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *raw = g_strndup((const char *)data, size); /* NUL-terminated, as read */
  g_autofree char *chapter = import_convert(raw, size, "raw.txt", diags, changes);
  if (chapter && !g_utf8_validate(chapter, -1, NULL))
    abort(); /* the chapter is written as UTF-8 text */
  return 0;
}
