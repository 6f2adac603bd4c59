/* book.c: the Book once loaded: freeing it, finding chapters (by path, by number, by link),
 * placing a node's text on its source line, the build's timestamp, and the resource folders
 * (the book's own styles/ and fonts/, else the source tree's, else the installed ones). */
#include "book.h"
#include "cache.h"
#include "index.h"
#include "link.h"

#include "meta.h"
#include "path.h"
#include "toc.h"

#include <stdlib.h>
#include <string.h>

void book_free(Book *book) {
  if (!book)
    return;
  g_free(book->root);
  g_free(book->manuscript_dir);
  g_free(book->meta_display);
  g_free(book->toc_display);
  meta_clear(&book->meta);
  index_free(book->index);
  toc_clear(&book->toc);
  if (book->chapters)
    g_ptr_array_unref(book->chapters);
  if (book->missing)
    g_ptr_array_unref(book->missing);
  if (book->chapter_by_path)
    g_hash_table_unref(book->chapter_by_path);
  diags_free(book->diags);
  g_free(book);
}

const Note *chapter_note_of_ref(const Chapter *ch, cmark_node *ref) {
  const char *literal = cmark_node_get_literal(ref);
  int number = literal ? atoi(literal) : 0;
  return number >= 1 && number <= (int)ch->notes->len ? ch->notes->pdata[number - 1] : NULL;
}

Chapter *book_chapter(const Book *book, const char *path) {
  return g_hash_table_lookup(book->chapter_by_path, path);
}

gboolean book_resolve_link(const Book *book, const Chapter *from, const char *url,
                           Chapter **chapter, Heading **heading) {
  const char *hash = strchr(url, '#');
  g_autofree char *file = hash ? g_strndup(url, hash - url) : g_strdup(url);
  Chapter *target = (Chapter *)from;
  if (*file) {
    g_autofree char *dir = g_path_get_dirname(from->path);
    g_autofree char *unescaped = g_uri_unescape_string(file, NULL);
    g_autofree char *norm = unescaped ? path_normalize(dir, unescaped) : NULL;
    target = norm ? book_chapter(book, norm) : NULL;
  }
  *chapter = target;
  *heading = NULL;
  if (!target)
    return FALSE;
  if (!hash || !hash[1])
    return TRUE;
  g_autofree char *id = g_uri_unescape_string(hash + 1, NULL);
  *heading = id ? g_hash_table_lookup(target->ids, id) : NULL;
  return *heading != NULL;
}

ImageRefKind book_resolve_image(const Book *book, const Chapter *from, const char *url,
                                ImageRef *ref) {
  memset(ref, 0, sizeof *ref);
  if (link_has_scheme(url) || g_str_has_prefix(url, "//"))
    return ref->kind = IMAGE_REF_REMOTE;
  g_autofree char *dir = g_path_get_dirname(from->path);
  g_autofree char *unescaped = g_uri_unescape_string(url, NULL);
  ref->path = unescaped && !g_path_is_absolute(unescaped) ? path_normalize(dir, unescaped) : NULL;
  if (!ref->path)
    return ref->kind = IMAGE_REF_LEAVES;
  ref->full = g_build_filename(book->manuscript_dir, ref->path, NULL);
  if (!g_file_test(ref->full, G_FILE_TEST_IS_REGULAR))
    return ref->kind = IMAGE_REF_MISSING;
  if (!path_is_inside(book->manuscript_dir, ref->full))
    return ref->kind = IMAGE_REF_ESCAPES;
  ref->format = image_format_from_name(ref->path);
  return ref->kind = ref->format == IMAGE_UNKNOWN ? IMAGE_REF_NOT_IMAGE : IMAGE_REF_FILE;
}

void image_ref_clear(ImageRef *ref) {
  g_clear_pointer(&ref->path, g_free);
  g_clear_pointer(&ref->full, g_free);
}

/* How far around a node's reported position its text is searched for. cmark-gfm's inline lines
 * are right but a column can be off (after a hard line break, commonmark/cmark#296); a bounded
 * window keeps a block with thousands of links linear instead of quadratic. */
#define LOCATE_SLACK_BYTES 512

static cmark_node *enclosing_block(cmark_node *node) {
  while (node && (cmark_node_get_type(node) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE)
    node = cmark_node_parent(node);
  return node;
}

static gsize line_offset(const Chapter *ch, int line) {
  return GPOINTER_TO_SIZE(ch->line_starts->pdata[line - 1]);
}

void chapter_locate(const Chapter *ch, cmark_node *node, const char *needle, int *line, int *col) {
  cmark_node *block = enclosing_block(node);
  int start = block ? cmark_node_get_start_line(block) : 1;
  int end = block ? cmark_node_get_end_line(block) : start;
  int nlines = (int)ch->line_starts->len;
  *line = start;
  *col = block ? cmark_node_get_start_column(block) : 1;
  if (start < 1 || start > nlines)
    return;
  end = CLAMP(end, start, nlines);
  int at_line = cmark_node_get_start_line(node), at_col = cmark_node_get_start_column(node);
  if (at_line < start || at_line > end || at_col < 1) {
    at_line = start;
    at_col = MAX(*col, 1);
  }
  gsize line_from = line_offset(ch, at_line);
  gsize block_to = end < nlines ? line_offset(ch, end + 1) : ch->source_len;
  gsize at = MIN(line_from + (gsize)at_col - 1, block_to);
  *line = at_line;
  *col = (int)(at - line_from) + 1;
  if (!needle || !*needle)
    return;
  gsize from = at > line_from + LOCATE_SLACK_BYTES ? at - LOCATE_SLACK_BYTES : line_from;
  gsize to = MIN(block_to, at + LOCATE_SLACK_BYTES + strlen(needle));
  const char *hit = memmem(ch->source + from, to - from, needle, strlen(needle));
  if (!hit)
    return;
  gsize off = (gsize)(hit - ch->source);
  while (at_line < nlines && line_offset(ch, at_line + 1) <= off)
    at_line++;
  *line = at_line;
  *col = (int)(off - line_offset(ch, at_line)) + 1;
}

/* Matches `lit` against source text from `src` on: escapes and entities stand for what they
 * decode to. Marks the quotes they give in `marks`; FALSE when the source is not this text. */
static gboolean match_literal(const char *src, gsize len, const char *lit, guint8 *marks) {
  gsize j = 0;
  for (gsize i = 0; lit[i];) {
    if (j >= len)
      return FALSE;
    char c = src[j];
    gboolean quote = lit[i] == '"' || lit[i] == '\'';
    if (c == '\\' && j + 1 < len && g_ascii_ispunct(src[j + 1]) && lit[i] == src[j + 1]) {
      marks[i++] = quote;
      j += 2;
    } else if (c == lit[i]) {
      i++, j++;
    } else if (c == '&') {
      const char *semi = memchr(src + j, ';', MIN(len - j, 40));
      if (!semi)
        return FALSE;
      marks[i] = quote;
      i += (gsize)g_utf8_skip[(guchar)lit[i]];
      j = (gsize)(semi - src) + 1;
    } else {
      return FALSE;
    }
  }
  return TRUE;
}

/* Whether `s` (`len` bytes) holds a backslash-escaped quote, \" or \'. */
static gboolean escaped_quote(const char *s, gsize len) {
  for (const char *p = s, *end = s + len; p < end && (p = memchr(p, '\\', (gsize)(end - p))); p++)
    if (p + 1 < end && (p[1] == '"' || p[1] == '\''))
      return TRUE;
  return FALSE;
}

guint8 *chapter_kept_quotes(const Chapter *ch, cmark_node *text) {
  const char *lit = cmark_node_get_literal(text);
  int line = cmark_node_get_start_line(text);
  if (!lit || !strpbrk(lit, "\"'") || line < 1 || line > (int)ch->line_starts->len)
    return NULL;
  gsize from = line_offset(ch, line);
  gsize to = line < (int)ch->line_starts->len ? line_offset(ch, line + 1) : ch->source_len;
  const char *src = ch->source + from;
  gsize len = to - from;
  if (!memchr(src, '&', len) && !escaped_quote(src, len))
    return NULL;
  gsize n = strlen(lit);
  guint8 *marks = g_malloc0(n);
  /* cmark-gfm's column for an inline node can be off: its own first, then the starts near it
   * (bounded, so a long line of many text nodes costs linear time). */
  int col = cmark_node_get_start_column(text);
  gsize first = col >= 1 && (gsize)col <= len ? (gsize)col - 1 : 0;
  gsize lo = first > LOCATE_SLACK_BYTES ? first - LOCATE_SLACK_BYTES : 0;
  gsize hi = MIN(len, first + LOCATE_SLACK_BYTES);
  for (gsize k = lo; k <= hi + 1; k++) {
    gsize at = k == lo ? first : k - 1;
    if (k > lo && at == first)
      continue;
    memset(marks, 0, n);
    if (match_literal(src + at, len - at, lit, marks)) {
      for (gsize i = 0; i < n; i++)
        if (marks[i])
          return marks;
      break;
    }
  }
  g_free(marks);
  return NULL;
}

/* The first line of file `dir`/`name`, or NULL. */
static char *first_line(const char *dir, const char *name) {
  g_autofree char *path = g_build_filename(dir, name, NULL);
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return NULL;
  text[strcspn(text, "\r\n")] = '\0';
  return text;
}

static gboolean is_object_name(const char *s) {
  gsize n = strspn(s, "0123456789abcdef");
  return (n == 40 || n == 64) && !s[n];
}

/* The repository folder that git would use for `root`: the first .git, a folder or a
 * "gitdir:" file (a worktree, a submodule), in `root` or above it; NULL for none. */
static char *git_dir_of(const char *root) {
  g_autofree char *dir = g_canonicalize_filename(root, NULL);
  for (;;) {
    g_autofree char *dot = g_build_filename(dir, ".git", NULL);
    if (g_file_test(dot, G_FILE_TEST_IS_DIR))
      return g_steal_pointer(&dot);
    g_autofree char *link = first_line(dir, ".git");
    if (link && g_str_has_prefix(link, "gitdir: "))
      return g_canonicalize_filename(link + 8, dir);
    g_autofree char *up = g_path_get_dirname(dir);
    if (strcmp(up, dir) == 0)
      return NULL;
    g_free(dir);
    dir = g_steal_pointer(&up);
  }
}

/* The object name of the commit HEAD stands for in repository folder `git`, read as git reads
 * it (HEAD, loose refs, packed-refs, a worktree's common folder), or NULL when it cannot be
 * told without git itself. */
static char *git_head(const char *git) {
  g_autofree char *common_link = first_line(git, "commondir");
  g_autofree char *common = common_link ? g_canonicalize_filename(common_link, git) : g_strdup(git);
  g_autofree char *ref = first_line(git, "HEAD");
  for (int depth = 0; ref && depth < 5; depth++) {
    if (is_object_name(ref))
      return g_steal_pointer(&ref);
    if (!g_str_has_prefix(ref, "ref: refs/"))
      return NULL;
    g_autofree char *name = g_strdup(ref + 5);
    g_free(ref);
    ref = first_line(git, name);
    if (!ref)
      ref = first_line(common, name);
    if (ref)
      continue;
    g_autofree char *packed_path = g_build_filename(common, "packed-refs", NULL);
    g_autofree char *packed = NULL;
    if (!g_file_get_contents(packed_path, &packed, NULL, NULL))
      return NULL;
    g_auto(GStrv) lines = g_strsplit(packed, "\n", -1);
    for (char **l = lines; *l && !ref; l++) {
      char *space = strchr(*l, ' ');
      if (space && strcmp(space + 1, name) == 0) {
        *space = '\0';
        ref = g_strdup(*l);
      }
    }
  }
  return ref && is_object_name(ref) ? g_steal_pointer(&ref) : NULL;
}

/* The time of the last git commit that touched the book's manuscript/, or -1 when git is
 * missing, the book is in no repository, or no commit touches it. A clone's files carry the
 * time of the checkout; the commit's time is the same in every clone. Asking git cost a
 * rebuild of the EPUB a fifth of its time, and the answer only changes with the commit HEAD
 * names: it is kept in the build cache under that name. */
static gint64 git_manuscript_time(const Book *book) {
  gboolean environment = g_getenv("GIT_DIR") || g_getenv("GIT_COMMON_DIR");
  g_autofree char *git = environment ? NULL : git_dir_of(book->root);
  if (!environment && !git)
    return -1; /* in no repository: git would say no more */
  g_autofree char *head = git ? git_head(git) : NULL;
  g_autoptr(CacheKey) key = head ? cache_key_new(book->root, "commit-time") : NULL;
  cache_key_str(key, "head", head);
  g_autoptr(GBytes) kept = cache_get(key);
  gint64 v = -1;
  if (kept) {
    g_autofree char *text = g_strndup(g_bytes_get_data(kept, NULL), g_bytes_get_size(kept));
    if (g_ascii_string_to_signed(text, 10, -1, G_MAXINT64, &v, NULL))
      return v;
  }
  const char *argv[] = {"git",          "-C", book->root,   "log", "-1",
                        "--format=%ct", "--", "manuscript", NULL};
  g_autofree char *out = NULL;
  gint status = 0;
  if (!g_spawn_sync(NULL, (char **)argv, NULL,
                    G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_STDIN_FROM_DEV_NULL,
                    NULL, NULL, &out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status(status, NULL) || !out)
    return -1; /* no git, or it refused: asked again next time */
  guint64 u;
  if (g_ascii_string_to_unsigned(g_strstrip(out), 10, 0, G_MAXINT64, &u, NULL))
    v = (gint64)u; /* else no commit touches manuscript/ */
  if (key) {
    g_autofree char *text = g_strdup_printf("%" G_GINT64_FORMAT, v);
    g_autoptr(GBytes) bytes = g_bytes_new(text, strlen(text));
    cache_put(key, bytes);
  }
  return v;
}

gint64 book_timestamp(const Book *book) {
  const char *sde = g_getenv("SOURCE_DATE_EPOCH");
  guint64 v;
  if (sde && g_ascii_string_to_unsigned(sde, 10, 0, G_MAXINT64, &v, NULL))
    return (gint64)v;
  gint64 committed = git_manuscript_time(book);
  return committed >= 0 ? committed : book->newest_mtime;
}

#ifndef BOOKBUILD_DATADIR
#define BOOKBUILD_DATADIR "/usr/local/share/bookbuild"
#endif

/* Where resource folder `name` may be, in order of preference: the book's own, the source
 * tree's when bookbuild runs from it, the installed one. */
static GPtrArray *resource_candidates(const Book *book, const char *name) {
  GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(dirs, g_build_filename(book->root, name, NULL));
  /* Run from the source tree: the binary is tools/bookbuild/bookbuild. */
  g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
  if (exe) {
    g_autofree char *dir = g_path_get_dirname(exe);
    g_autofree char *tree = g_build_filename(dir, "..", "..", name, NULL);
    g_autofree char *marker =
        g_build_filename(dir, "..", "..", "tools", "bookbuild", "book.h", NULL);
    if (g_file_test(marker, G_FILE_TEST_EXISTS))
      g_ptr_array_add(dirs, g_canonicalize_filename(tree, NULL));
  }
  g_ptr_array_add(dirs, g_build_filename(BOOKBUILD_DATADIR, name, NULL));
  return dirs;
}

char *book_resource_dir(const Book *book, const char *name) {
  g_autoptr(GPtrArray) dirs = resource_candidates(book, name);
  for (guint i = 0; i < dirs->len; i++)
    if (g_file_test(dirs->pdata[i], G_FILE_TEST_IS_DIR))
      return g_strdup(dirs->pdata[i]);
  return NULL;
}

char *book_resource_file(const Book *book, const char *name, const char *file) {
  g_autoptr(GPtrArray) dirs = resource_candidates(book, name);
  for (guint i = 0; i < dirs->len; i++) {
    char *path = g_build_filename(dirs->pdata[i], file, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
      return path;
    g_free(path);
  }
  return NULL;
}

Chapter *book_chapter_by_number(const Book *book, int n) {
  gboolean numbered = FALSE;
  for (guint i = 0; i < book->toc.chapters->len; i++)
    numbered |= ((TocChapter *)book->toc.chapters->pdata[i])->label != NULL;
  g_autofree char *label = g_strdup_printf("%d", n);
  for (guint i = 0; i < book->chapters->len; i++) {
    Chapter *ch = book->chapters->pdata[i];
    if (ch->toc && (numbered ? g_strcmp0(ch->toc->label, label) == 0 : ch->toc->number == n))
      return ch;
  }
  return NULL;
}
