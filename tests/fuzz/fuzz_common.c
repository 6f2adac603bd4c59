/* fuzz_common.c: the scratch book and set-up shared by the fuzz targets (see fuzz_common.h). */
#include "fuzz_common.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static char *root;

static const char base_yaml[] = "title: A Tiny Book\n"
                                "author: Test Author\n"
                                "lang: en\n"
                                "identifier: urn:uuid:0b9f3c2e-6a43-4d1e-9f1a-2f5c7e8d9a10\n"
                                "date: 2026-01-15\n";

static const char base_toc[] = "# A Tiny Book\n\n"
                               "## 1. First Steps\n\n"
                               "- 1.1. Getting Started\n"
                               "- 1.2. Built\u2011in Names\n\n"
                               "---\n\n"
                               "## 2. Second Thoughts\n\n"
                               "### Group One\n\n- Alpha item\n\n"
                               "### Group Two\n\n- Beta item\n";

static const char base_chapter[] = "# 1. First Steps\n\n"
                                   "## 1.1. Getting Started\n\nOne paragraph.\n\nAnother one.\n\n"
                                   "## 1.2. Built\u2011in Names\n\nOne paragraph.\n\nAnother.\n\n"
                                   "## Key Takeaways\n\n- It works.\n";

void fuzz_init(void) {
  static gboolean done;
  if (done)
    return;
  done = TRUE;
  book_init();
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

static void remove_tree(const char *path) {
  g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
  if (dir) {
    const char *name;
    while ((name = g_dir_read_name(dir))) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
        remove_tree(child);
      else
        g_unlink(child);
    }
  }
  g_rmdir(path);
}

static void cleanup(void) {
  if (root)
    remove_tree(root);
  g_clear_pointer(&root, g_free);
}

static void put(const char *rel, const char *text, size_t size) {
  g_autofree char *path = g_build_filename(root, "manuscript", rel, NULL);
  if (!g_file_set_contents(path, text, (gssize)size, NULL))
    abort();
}

const char *fuzz_book_root(void) {
  if (root)
    return root;
  const char *shm = g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir();
  root = g_build_filename(shm, "bookbuild-fuzz-XXXXXX", NULL);
  if (!g_mkdtemp(root))
    abort();
  g_autofree char *chapters = g_build_filename(root, "manuscript", "chapters", NULL);
  if (g_mkdir_with_parents(chapters, 0755) != 0)
    abort();
  put("book.yaml", base_yaml, strlen(base_yaml));
  put("toc.md", base_toc, strlen(base_toc));
  put("chapters/01-first.md", base_chapter, strlen(base_chapter));
  atexit(cleanup);
  return root;
}

void fuzz_write(const char *rel, const uint8_t *data, size_t size) {
  fuzz_book_root();
  const char *file = rel ? rel : "chapters/01-first.md";
  if (data) {
    put(file, (const char *)data, size);
    return;
  }
  if (strcmp(file, "book.yaml") == 0)
    put(file, base_yaml, strlen(base_yaml));
  else if (strcmp(file, "toc.md") == 0)
    put(file, base_toc, strlen(base_toc));
  else
    put(file, base_chapter, strlen(base_chapter));
}

void fuzz_split(const uint8_t *data, size_t size, const uint8_t **head, size_t *head_size,
                const uint8_t **tail, size_t *tail_size) {
  static const char sep[] = "\n-----8<-----\n";
  const size_t n = sizeof sep - 1;
  *head = NULL;
  *head_size = 0;
  *tail = data;
  *tail_size = size;
  for (size_t i = 0; size >= n && i <= size - n; i++) {
    if (memcmp(data + i, sep, n) == 0) {
      *head = data;
      *head_size = i + 1; /* keep the newline */
      *tail = data + i + n;
      *tail_size = size - i - n;
      return;
    }
  }
}

gboolean fuzz_writer_guarded(const Book *book) {
  static const char *const guards[] = {"limit-",      "encoding",   "image-",      "path-outside",
                                       "link-target", "meta-cover", "file-missing"};
  g_autoptr(GPtrArray) sorted = diags_sorted(book->diags);
  for (guint i = 0; i < sorted->len; i++) {
    const Diag *d = sorted->pdata[i];
    for (gsize k = 0; d->severity == DIAG_ERROR && k < G_N_ELEMENTS(guards); k++)
      if (g_str_has_prefix(d->rule, guards[k]))
        return TRUE;
  }
  return FALSE;
}

Resources *fuzz_resources(void) {
  static Resources *res;
  if (res)
    return res;
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(fuzz_book_root(), &err);
  if (!book)
    g_error("fuzz: %s", err->message);
  res = resources_load(book);
  if (diags_errors(book->diags) || !resources_fonts(res, &err))
    g_error("fuzz: the shipped style or fonts do not load");
  return res;
}
