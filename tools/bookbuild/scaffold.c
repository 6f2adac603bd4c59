/* scaffold.c: new files from the table of contents (see scaffold.h): a missing chapter's
 * headings, and the three files of a new book. Not the rules those files must pass: validate.c
 * judges them like any other. */
#include "scaffold.h"

#include "path.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define SLUG_MAX_BYTES 40

/* The title's slug for a file name: runs of "-" made one ("sets--maps", where the slug dropped
 * an "&", gives "sets-maps"), cut to SLUG_MAX_BYTES at a word boundary, never empty. */
static char *short_slug(const char *title) {
  g_autofree char *github = text_slug(title);
  g_autoptr(GString) squeezed = g_string_new(NULL);
  for (const char *p = github; *p; p++)
    if (*p != '-' || (squeezed->len && squeezed->str[squeezed->len - 1] != '-'))
      g_string_append_c(squeezed, *p);
  g_autofree char *slug = g_strdup(squeezed->str);
  if (strlen(slug) > SLUG_MAX_BYTES) {
    char *cut = slug + SLUG_MAX_BYTES;
    while (cut > slug && *cut != '-')
      cut--;
    if (cut == slug) { /* one long word: cut at a character boundary */
      cut = g_utf8_find_prev_char(slug, slug + SLUG_MAX_BYTES + 1);
    }
    *cut = '\0';
  }
  gsize n = strlen(slug);
  while (n && slug[n - 1] == '-')
    slug[--n] = '\0';
  return *slug ? g_steal_pointer(&slug) : g_strdup("chapter");
}

char *scaffold_chapter_path(const TocChapter *tc) {
  if (tc->link)
    return path_normalize("", tc->link);
  guint64 n = 0;
  if (!tc->label || !g_ascii_string_to_unsigned(tc->label, 10, 0, 999, &n, NULL))
    n = (guint64)tc->number;
  g_autofree char *slug = short_slug(tc->bare_title ? tc->bare_title : tc->title);
  return g_strdup_printf("chapters/%02u-%s.md", (guint)n, slug);
}

/* Heading text that Markdown reads back as `text`: what could be markup is escaped. */
static void append_heading(GString *out, int level, const char *text) {
  g_string_append_printf(out, "%.*s ", level, "######");
  for (const char *p = text; *p; p++) {
    if (strchr("\\`*_[]<>~&#", *p))
      g_string_append_c(out, '\\');
    g_string_append_c(out, *p);
  }
  g_string_append(out, "\n\n");
}

char *scaffold_chapter_text(const TocChapter *tc) {
  GString *out = g_string_new(NULL);
  append_heading(out, 1, tc->title);
  for (guint i = 0; i < tc->items->len; i++) {
    const TocItem *it = tc->items->pdata[i];
    append_heading(out, 2, it->text);
    for (guint j = 0; it->items && j < it->items->len; j++)
      append_heading(out, 3, ((TocItem *)it->items->pdata[j])->text);
  }
  append_heading(out, 2, "Key Takeaways");
  g_string_append(out, "- TODO: what the reader takes away from this chapter\n");
  return g_string_free(out, FALSE);
}

/* Writes `text` to a file that must not exist yet (O_EXCL: a file that appears meanwhile is not
 * overwritten either). Returns 1 when written, 0 when the file exists, -1 with `error` set. */
static int create_new_file(const char *path, const char *text, GError **error) {
  int fd = g_open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    int e = errno;
    if (e == EEXIST)
      return 0;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot create '%s': %s", path,
                g_strerror(e));
    return -1;
  }
  gsize len = strlen(text), done = 0;
  while (done < len) {
    ssize_t n = write(fd, text + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int e = errno;
      close(fd);
      g_unlink(path);
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot write '%s': %s", path,
                  g_strerror(e));
      return -1;
    }
    done += (gsize)n;
  }
  if (close(fd) != 0) {
    int e = errno;
    g_unlink(path);
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot write '%s': %s", path,
                g_strerror(e));
    return -1;
  }
  return 1;
}

/* How a file under root/manuscript is shown: "manuscript/x" for the current directory. */
static char *shown_path(const char *root, const char *rel) {
  if (strcmp(root, ".") == 0)
    return g_build_filename("manuscript", rel, NULL);
  return g_build_filename(root, "manuscript", rel, NULL);
}

/* Creates one missing chapter's file; its folders too, as long as they stay inside
 * manuscript/. */
static gboolean scaffold_one(const Book *book, const TocChapter *tc, GPtrArray *created,
                             GPtrArray *kept, GError **error) {
  g_autofree char *rel = scaffold_chapter_path(tc);
  if (!rel)
    return TRUE; /* a link that leaves manuscript/: reported as path-outside */
  g_autofree char *full = g_build_filename(book->manuscript_dir, rel, NULL);
  g_autofree char *dir = g_path_get_dirname(full);
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot create '%s': %s", dir,
                g_strerror(e));
    return FALSE;
  }
  if (!path_is_inside(book->manuscript_dir, dir)) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                "'%s' resolves outside manuscript/ (a symbolic link?): nothing written there", dir);
    return FALSE;
  }
  g_autofree char *text = scaffold_chapter_text(tc);
  int made = create_new_file(full, text, error);
  if (made < 0)
    return FALSE;
  g_ptr_array_add(made ? created : kept, shown_path(book->root, rel));
  return TRUE;
}

gboolean scaffold_missing_chapters(const Book *book, GPtrArray *created, GPtrArray *kept,
                                   GError **error) {
  for (guint i = 0; i < book->missing->len; i++)
    if (!scaffold_one(book, book->missing->pdata[i], created, kept, error))
      return FALSE;
  return TRUE;
}

/* ---- a new book ---- */

static const char init_toc[] = "# Untitled Book\n"
                               "\n"
                               "## 1. Getting Started\n"
                               "\n"
                               "- 1.1. What This Book Is About\n"
                               "- 1.2. How the Manuscript Works\n";

static const char init_chapter[] =
    "# 1. Getting Started\n"
    "\n"
    "This chapter was written by `bookbuild init`. Replace its words with your own; keep its\n"
    "shape, which `bookbuild check` holds every chapter to.\n"
    "\n"
    "## 1.1. What This Book Is About\n"
    "\n"
    "Say here who the book is for and what they will be able to do after reading it. Every\n"
    "heading of a chapter must read exactly as its entry in `manuscript/toc.md`.\n"
    "\n"
    "Each section holds two to four narrative paragraphs. Code blocks, lists, tables and\n"
    "callouts do not count, so a section of code alone is reported.\n"
    "\n"
    "```python\n"
    "print(\"Every code block names its language; python blocks run with bookbuild code.\")\n"
    "```\n"
    "\n"
    "## 1.2. How the Manuscript Works\n"
    "\n"
    "The table of contents lists the chapters (`##`) and their sections (bullets). Add a\n"
    "chapter there, then run `bookbuild check --fix`: it creates the chapter's file with its\n"
    "headings, and the check that follows says what each section still needs.\n"
    "\n"
    "The book's title, authors and language live in `manuscript/book.yaml`. Change the\n"
    "placeholders there before the first release.\n"
    "\n"
    "> [!TIP]\n"
    "> `bookbuild epub` and `bookbuild pdf` write the book under `build/`.\n"
    "\n"
    "## Key Takeaways\n"
    "\n"
    "- The table of contents is the contract every chapter follows.\n"
    "- `bookbuild check` says what differs, with the file, line and column.\n";

/* The chapter init_toc lists, where scaffold_chapter_path() puts it. */
#define INIT_CHAPTER_PATH "chapters/01-getting-started.md"

static char *init_meta(void) {
  g_autofree char *uuid = g_uuid_string_random();
  return g_strdup_printf("# The book's metadata (pandoc's names); README.md lists every key.\n"
                         "title: Untitled Book\n"
                         "author: Your Name\n"
                         "lang: en\n"
                         "identifier: urn:uuid:%s\n",
                         uuid);
}

/* Writes one file of the new book; it cannot exist, as manuscript/ was just made. */
static gboolean init_file(const char *dir, const char *rel, const char *text, GPtrArray *created,
                          GError **error) {
  g_autofree char *full = g_build_filename(dir, "manuscript", rel, NULL);
  int made = create_new_file(full, text, error);
  if (made == 0)
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST, "'%s' appeared while init ran", full);
  if (made <= 0)
    return FALSE;
  g_ptr_array_add(created, shown_path(dir, rel));
  return TRUE;
}

gboolean scaffold_new_book(const char *dir, GPtrArray *created, GError **error) {
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot create '%s': %s", dir,
                g_strerror(e));
    return FALSE;
  }
  g_autofree char *manuscript = g_build_filename(dir, "manuscript", NULL);
  /* mkdir, not a test first: a manuscript/ made meanwhile is refused too. */
  if (g_mkdir(manuscript, 0755) != 0) {
    int e = errno;
    if (e == EEXIST)
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                  "'%s' already holds a manuscript/: init starts a new book and overwrites nothing",
                  dir);
    else
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot create '%s': %s",
                  manuscript, g_strerror(e));
    return FALSE;
  }
  g_autofree char *chapters = g_build_filename(manuscript, "chapters", NULL);
  if (g_mkdir(chapters, 0755) != 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot create '%s': %s", chapters,
                g_strerror(e));
    return FALSE;
  }
  g_autofree char *meta = init_meta();
  return init_file(dir, "book.yaml", meta, created, error) &&
         init_file(dir, "toc.md", init_toc, created, error) &&
         init_file(dir, INIT_CHAPTER_PATH, init_chapter, created, error);
}
