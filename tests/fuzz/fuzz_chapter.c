/* fuzz_chapter.c: libFuzzer target for loading and validating a chapter: the input becomes
 * manuscript/chapters/01-first.md of a small book (and, when it holds a "-----8<-----" line,
 * the part before it becomes toc.md), then book_load(), book_validate() and the diagnostics'
 * printing run as `bookbuild check` runs them. */
#include "fuzz_common.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT)
    return 0;
  fuzz_init();
  const uint8_t *toc, *chapter;
  size_t toc_size, chapter_size;
  fuzz_split(data, size, &toc, &toc_size, &chapter, &chapter_size);
  fuzz_write("toc.md", toc, toc_size);
  fuzz_write(NULL, chapter, chapter_size);
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(fuzz_book_root(), &err);
  if (!book)
    abort();
  book_validate(book);
  static FILE *devnull;
  if (!devnull)
    devnull = fopen("/dev/null", "w");
  diags_print(book->diags, devnull);
  for (guint i = 0; i < book->chapters->len; i++) {
    Chapter *ch = book->chapters->pdata[i];
    for (guint k = 0; k < ch->headings->len; k++) {
      Chapter *target;
      Heading *heading;
      g_autofree char *url = g_strconcat("#", ((Heading *)ch->headings->pdata[k])->id, NULL);
      if (!book_resolve_link(book, ch, url, &target, &heading))
        abort(); /* every heading's id resolves in its own chapter */
    }
  }
  return 0;
}
