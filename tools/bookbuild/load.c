/* load.c: building the Book from a book's root: book.yaml, toc.md and
 * manuscript/chapters/NN-slug.md, each read once, checked for encoding, parsed with cmark-gfm, and
 * indexed (headings and their ids, callouts, code blocks); chapters matched to the TOC. Rules that
 * judge the result live in validate.c. */
#include "book.h"

#include "callout.h"
#include "fence.h"
#include "markdown.h"
#include "meta.h"
#include "path.h"
#include "text.h"
#include "toc.h"
#include "typo.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the model's destructors, given to the arrays load_chapter() and book_load() make ---- */

static void heading_free(gpointer p) {
  Heading *h = p;
  g_free(h->text);
  g_free(h->id);
  g_free(h->anchor);
  g_free(h);
}

static void callout_free(gpointer p) {
  Callout *c = p;
  g_free(c->title);
  if (c->svg)
    g_bytes_unref(c->svg);
  g_free(c);
}

static void code_block_free(gpointer p) {
  CodeBlock *b = p;
  g_free(b->lang);
  g_free(b->raises);
  if (b->requires)
    g_ptr_array_unref(b->requires);
  g_free(b);
}

static void chapter_free(gpointer p) {
  Chapter *c = p;
  g_free(c->path);
  g_free(c->display_path);
  g_free(c->source);
  g_free(c->title);
  if (c->line_starts)
    g_ptr_array_unref(c->line_starts);
  if (c->doc)
    cmark_node_free(c->doc);
  g_ptr_array_unref(c->headings);
  g_ptr_array_unref(c->callouts);
  g_ptr_array_unref(c->code_blocks);
  g_ptr_array_unref(c->notes);
  g_hash_table_unref(c->callout_by_node);
  g_hash_table_unref(c->code_by_node);
  g_hash_table_unref(c->heading_by_node);
  g_hash_table_unref(c->ids);
  g_free(c);
}

void book_init(void) { markdown_init(); }

/* How a path under the root is shown in diagnostics: relative to the current directory when the
 * root is, as given otherwise. */
static char *display_path(const Book *book, const char *rel_to_manuscript) {
  if (strcmp(book->root, ".") == 0)
    return g_build_filename("manuscript", rel_to_manuscript, NULL);
  return g_build_filename(book->root, "manuscript", rel_to_manuscript, NULL);
}

/* Reads a file of the manuscript, refusing oversized files and files whose real path leaves
 * manuscript/ (a symlink pointing outside). Problems are diagnostics; returns NULL on failure. */
static char *read_manuscript_file(Book *book, const char *rel, const char *display, int file_id,
                                  gsize *len) {
  g_autofree char *path = g_build_filename(book->manuscript_dir, rel, NULL);
  if (!path_is_inside(book->manuscript_dir, path)) {
    diags_add(book->diags, DIAG_ERROR, display, file_id, 0, 0, "path-outside",
              "file resolves outside manuscript/ (a symbolic link?); refused");
    return NULL;
  }
  GStatBuf st;
  if (g_stat(path, &st) != 0) {
    diags_add(book->diags, DIAG_ERROR, display, file_id, 0, 0, "file-missing", "cannot read: %s",
              g_strerror(errno));
    return NULL;
  }
  if (!S_ISREG(st.st_mode)) { /* a FIFO or a device would block the read, or never end */
    diags_add(book->diags, DIAG_ERROR, display, file_id, 0, 0, "file-missing",
              "cannot read: not a regular file");
    return NULL;
  }
  book->newest_mtime = MAX(book->newest_mtime, (gint64)st.st_mtime);
  if ((guint64)st.st_size > BOOK_MAX_FILE_BYTES) {
    diags_add(book->diags, DIAG_ERROR, display, file_id, 0, 0, "limit-file-size",
              "file is %" G_GUINT64_FORMAT " bytes, more than the limit of %u", (guint64)st.st_size,
              BOOK_MAX_FILE_BYTES);
    return NULL;
  }
  g_autoptr(GError) err = NULL;
  char *text = NULL;
  if (!g_file_get_contents(path, &text, len, &err)) {
    diags_add(book->diags, DIAG_ERROR, display, file_id, 0, 0, "file-missing", "cannot read: %s",
              err->message);
    return NULL;
  }
  return text;
}

typedef struct {
  Diags *diags;
  const char *display;
  int file_id;
} BadByteCtx;

static void report_bad_byte(int line, int col, guint8 byte, gboolean is_nul, gpointer data) {
  BadByteCtx *ctx = data;
  if (is_nul)
    diags_add(ctx->diags, DIAG_ERROR, ctx->display, ctx->file_id, line, col, "encoding",
              "NUL byte in text");
  else
    diags_add(ctx->diags, DIAG_ERROR, ctx->display, ctx->file_id, line, col, "encoding",
              "invalid UTF-8 byte 0x%02X", byte);
}

/* Reads, repairs and returns a file's text (valid UTF-8) or NULL. */
static char *load_text(Book *book, const char *rel, const char *display, int file_id, gsize *len) {
  gsize raw_len = 0;
  g_autofree char *raw = read_manuscript_file(book, rel, display, file_id, &raw_len);
  if (!raw)
    return NULL;
  BadByteCtx ctx = {book->diags, display, file_id};
  return text_repair_utf8(raw, raw_len, len, report_bad_byte, &ctx);
}

/* GitHub's repeat rule: "x", "x-1", "x-2", ... */
static char *unique_id(GHashTable *counts, const char *base) {
  char *id = g_strdup(base);
  while (g_hash_table_contains(counts, id)) {
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(counts, base)) + 1;
    g_hash_table_replace(counts, g_strdup(base), GUINT_TO_POINTER(n));
    g_free(id);
    id = g_strdup_printf("%s-%u", base, n);
  }
  g_hash_table_insert(counts, g_strdup(id), GUINT_TO_POINTER(0));
  return id;
}

static void index_heading(Book *book, Chapter *ch, cmark_node *node, GHashTable *counts) {
  Heading *h = g_new0(Heading, 1);
  h->level = cmark_node_get_heading_level(node);
  h->text = text_plain(node);
  h->node = node;
  h->line = cmark_node_get_start_line(node);
  h->col = cmark_node_get_start_column(node);
  if (strlen(h->text) > BOOK_MAX_HEADING_BYTES) {
    diags_add(book->diags, DIAG_ERROR, ch->display_path, ch->file_id, h->line, h->col,
              "limit-heading", "heading is %zu bytes long, more than the limit of %d",
              strlen(h->text), BOOK_MAX_HEADING_BYTES);
    h->text[BOOK_MAX_HEADING_BYTES] = '\0';
    while (!g_utf8_validate(h->text, -1, NULL))
      h->text[strlen(h->text) - 1] = '\0';
  }
  g_autofree char *slug = text_slug(h->text);
  h->id = unique_id(counts, slug);
  g_ptr_array_add(ch->headings, h);
  g_hash_table_insert(ch->heading_by_node, node, h);
  g_hash_table_insert(ch->ids, h->id, h);
  if (!ch->title_heading) {
    ch->title_heading = h;
    ch->title = g_strdup(h->text);
  }
}

static void index_callout(Book *book, Chapter *ch, cmark_node *node) {
  Callout found;
  g_autofree char *unknown = NULL;
  switch (callout_match(node, &found, &unknown)) {
  case CALLOUT_FOUND: {
    Callout *c = g_memdup2(&found, sizeof found);
    g_ptr_array_add(ch->callouts, c);
    g_hash_table_insert(ch->callout_by_node, node, c);
    gboolean empty = !c->first_content && !cmark_node_next(c->marker);
    if (empty)
      diags_add(book->diags, DIAG_WARNING, ch->display_path, ch->file_id, c->line, c->col,
                "callout-empty", "%s callout has no content", callout_kind_name(c->kind));
    break;
  }
  case CALLOUT_UNKNOWN_KIND: {
    const char *meant = callout_closest_kind(unknown);
    if (meant)
      diags_add(book->diags, DIAG_ERROR, ch->display_path, ch->file_id,
                cmark_node_get_start_line(node), cmark_node_get_start_column(node), "callout-kind",
                "unknown callout kind '%s'; did you mean '%s'?", unknown, meant);
    else
      diags_add(book->diags, DIAG_ERROR, ch->display_path, ch->file_id,
                cmark_node_get_start_line(node), cmark_node_get_start_column(node), "callout-kind",
                "unknown callout kind '%s' (known: NOTE, TIP, IMPORTANT, WARNING, CAUTION, "
                "DIAGRAM, OUTLINE)",
                unknown);
    break;
  }
  case CALLOUT_NOT_A_CALLOUT:
    break;
  }
}

static void index_code_block(Book *book, Chapter *ch, cmark_node *node) {
  CodeBlock *b = g_new0(CodeBlock, 1);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
  b->node = node;
  b->line = cmark_node_get_start_line(node);
  int fence_len = 0, fence_offset = 0;
  char fence_char = 0;
  gboolean fenced = cmark_node_get_fenced(node, &fence_len, &fence_offset, &fence_char);
  b->first_code_line = b->line + (fenced ? 1 : 0);
  fence_parse(cmark_node_get_fence_info(node), b, problems);
  for (guint i = 0; i < problems->len; i++)
    diags_add(book->diags, DIAG_ERROR, ch->display_path, ch->file_id, b->line,
              cmark_node_get_start_column(node), "code-flag", "%s", (char *)problems->pdata[i]);
  g_ptr_array_add(ch->code_blocks, b);
  g_hash_table_insert(ch->code_by_node, node, b);
}

static gboolean is_nesting_block(cmark_node *node) {
  cmark_node_type t = cmark_node_get_type(node);
  return t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_LIST;
}

/* Bytes of source from a block's first line to the end of its last. */
static gsize block_bytes(const Chapter *ch, cmark_node *node) {
  int first = cmark_node_get_start_line(node), last = cmark_node_get_end_line(node);
  guint n = ch->line_starts->len;
  if (first < 1 || last < first || (guint)first > n)
    return 0;
  gsize from = GPOINTER_TO_SIZE(ch->line_starts->pdata[first - 1]);
  gsize to = (guint)last < n ? GPOINTER_TO_SIZE(ch->line_starts->pdata[last]) : ch->source_len;
  return to - from;
}

/* A paragraph's own bytes: its text, code, raw HTML and link destinations. Its source lines
 * are no measure: cmark's position of a paragraph includes the link reference definitions
 * before it (a 34-byte paragraph once counted 120,186 bytes). */
static gsize paragraph_bytes(cmark_node *node) {
  gsize bytes = 0;
  cmark_iter *iter = cmark_iter_new(node);
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    cmark_node *n = cmark_iter_get_node(iter);
    if (ev != CMARK_EVENT_ENTER)
      continue;
    const char *literal = cmark_node_get_literal(n);
    const char *url = cmark_node_get_url(n);
    bytes += (literal ? strlen(literal) : 0) + (url ? strlen(url) : 0);
  }
  cmark_iter_free(iter);
  return bytes;
}

static void check_block_size(Book *book, Chapter *ch, cmark_node *node) {
  cmark_node_type t = cmark_node_get_type(node);
  if (t == CMARK_NODE_TABLE) {
    int rows = 0;
    for (cmark_node *r = cmark_node_first_child(node); r; r = cmark_node_next(r))
      rows++;
    if (rows > BOOK_MAX_TABLE_ROWS)
      diags_add(book->diags, DIAG_ERROR, ch->display_path, ch->file_id,
                cmark_node_get_start_line(node), cmark_node_get_start_column(node),
                "limit-table-rows", "table has %d rows, more than the limit of %d: split it", rows,
                BOOK_MAX_TABLE_ROWS);
    return;
  }
  const char *what = t == CMARK_NODE_PARAGRAPH    ? "paragraph"
                     : t == CMARK_NODE_CODE_BLOCK ? "code block"
                     : t == CMARK_NODE_TABLE_ROW  ? "table row"
                                                  : NULL;
  if (!what)
    return;
  gsize bytes = t == CMARK_NODE_PARAGRAPH ? paragraph_bytes(node) : block_bytes(ch, node);
  if (bytes > BOOK_MAX_PARAGRAPH_BYTES)
    diags_add(book->diags, DIAG_ERROR, ch->display_path, ch->file_id,
              cmark_node_get_start_line(node), cmark_node_get_start_column(node), "limit-paragraph",
              "%s is %zu bytes long, more than the limit of %d", what, bytes,
              BOOK_MAX_PARAGRAPH_BYTES);
}

/* Each heading's anchor, the id the writers give it: its slug as an XML name, a repeat taking
 * "-2", "-3" ("11 Unicode" and "H 11 Unicode" both become h-11-unicode). */
static void assign_anchors(Chapter *ch) {
  g_autoptr(GHashTable) used = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < ch->headings->len; i++) {
    Heading *h = ch->headings->pdata[i];
    g_autofree char *base = typo_output_id(*h->id ? h->id : "section");
    h->anchor = g_strdup(base);
    for (int n = 2; g_hash_table_contains(used, h->anchor); n++) {
      g_free(h->anchor);
      h->anchor = g_strdup_printf("%s-%d", base, n);
    }
    g_hash_table_add(used, h->anchor);
  }
}

/* One walk over the tree indexes headings, callouts and code blocks, and enforces nesting and
 * the size of paragraphs. */
/* Numbers the footnote definitions in document order (cmark-gfm's numbering, see Note) and
 * counts the references to each. */
/* Numbers the chapter's notes in the order of their definitions and counts each note's
 * references (`refs`, the nodes of its CMARK_NODE_FOOTNOTE_REFERENCEs), through the one query
 * the writers use, chapter_note_of_ref(). */
static void index_notes(Chapter *ch, GPtrArray *refs) {
  for (cmark_node *n = cmark_node_first_child(ch->doc); n; n = cmark_node_next(n)) {
    if (cmark_node_get_type(n) != CMARK_NODE_FOOTNOTE_DEFINITION)
      continue;
    Note *note = g_new0(Note, 1);
    note->number = (int)ch->notes->len + 1;
    note->def = n;
    g_ptr_array_add(ch->notes, note);
  }
  for (guint i = 0; i < refs->len; i++) {
    Note *note = (Note *)chapter_note_of_ref(ch, refs->pdata[i]);
    if (note)
      note->refs++;
  }
}

static void index_chapter(Book *book, Chapter *ch) {
  g_autoptr(GHashTable) counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) refs = g_ptr_array_new();
  cmark_iter *iter = cmark_iter_new(ch->doc);
  cmark_event_type ev;
  int depth = 0;
  gboolean too_deep = FALSE;
  while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
    cmark_node *node = cmark_iter_get_node(iter);
    if (is_nesting_block(node))
      depth += ev == CMARK_EVENT_ENTER ? 1 : -1;
    if (ev != CMARK_EVENT_ENTER)
      continue;
    if (depth > BOOK_MAX_NESTING && !too_deep) {
      too_deep = TRUE;
      diags_add(book->diags, DIAG_ERROR, ch->display_path, ch->file_id,
                cmark_node_get_start_line(node), cmark_node_get_start_column(node), "limit-nesting",
                "lists and block quotes nest more than %d deep", BOOK_MAX_NESTING);
    }
    check_block_size(book, ch, node);
    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_HEADING:
      index_heading(book, ch, node, counts);
      break;
    case CMARK_NODE_BLOCK_QUOTE:
      index_callout(book, ch, node);
      break;
    case CMARK_NODE_CODE_BLOCK:
      index_code_block(book, ch, node);
      break;
    case CMARK_NODE_FOOTNOTE_REFERENCE:
      g_ptr_array_add(refs, node);
      break;
    default:
      break;
    }
  }
  cmark_iter_free(iter);
  index_notes(ch, refs);
  assign_anchors(ch);
}

static GPtrArray *line_starts(const char *text, gsize len) {
  GPtrArray *starts = g_ptr_array_new();
  g_ptr_array_add(starts, GSIZE_TO_POINTER(0));
  for (gsize i = 0; i < len; i++)
    if (text[i] == '\n')
      g_ptr_array_add(starts, GSIZE_TO_POINTER(i + 1));
  return starts;
}

static Chapter *load_chapter(Book *book, const char *rel, int file_id) {
  Chapter *ch = g_new0(Chapter, 1);
  ch->path = g_strdup(rel);
  ch->display_path = display_path(book, rel);
  ch->file_id = file_id;
  ch->headings = g_ptr_array_new_with_free_func(heading_free);
  ch->callouts = g_ptr_array_new_with_free_func(callout_free);
  ch->code_blocks = g_ptr_array_new_with_free_func(code_block_free);
  ch->notes = g_ptr_array_new_with_free_func(g_free);
  ch->callout_by_node = g_hash_table_new(g_direct_hash, g_direct_equal);
  ch->code_by_node = g_hash_table_new(g_direct_hash, g_direct_equal);
  ch->heading_by_node = g_hash_table_new(g_direct_hash, g_direct_equal);
  ch->ids = g_hash_table_new(g_str_hash, g_str_equal);
  ch->source = load_text(book, rel, ch->display_path, file_id, &ch->source_len);
  ch->readable = ch->source != NULL;
  if (!ch->source)
    ch->source = g_strdup("");
  ch->line_starts = line_starts(ch->source, ch->source_len);
  ch->doc = markdown_parse(ch->source, ch->source_len);
  index_chapter(book, ch);
  return ch;
}

static gint str_cmp(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The .md files of manuscript/chapters, sorted by name. */
static GPtrArray *list_chapter_files(Book *book) {
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *dir_path = g_build_filename(book->manuscript_dir, "chapters", NULL);
  g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
  if (!dir)
    return files;
  const char *name;
  while ((name = g_dir_read_name(dir)))
    if (g_str_has_suffix(name, ".md") && name[0] != '.')
      g_ptr_array_add(files, g_build_filename("chapters", name, NULL));
  g_ptr_array_sort(files, str_cmp);
  return files;
}

static Chapter *take_unmatched(GPtrArray *pool, const char *title, gboolean near) {
  for (guint i = 0; i < pool->len; i++) {
    Chapter *ch = pool->pdata[i];
    if (!ch->title)
      continue;
    if (near ? text_near_miss(title, ch->title) : strcmp(title, ch->title) == 0)
      return g_ptr_array_steal_index(pool, i);
  }
  return NULL;
}

static Chapter *take_by_path(GPtrArray *pool, const char *path) {
  for (guint i = 0; i < pool->len; i++)
    if (strcmp(((Chapter *)pool->pdata[i])->path, path) == 0)
      return g_ptr_array_steal_index(pool, i);
  return NULL;
}

/* Orders chapters as the TOC does: linked files first, then exact titles, then near misses. */
static void match_chapters(Book *book, GPtrArray *pool) {
  guint n = book->toc.chapters->len;
  g_autofree Chapter **slot = g_new0(Chapter *, n);
  for (guint pass = 0; pass < 3; pass++) {
    for (guint i = 0; i < n; i++) {
      TocChapter *tc = book->toc.chapters->pdata[i];
      if (slot[i] || (pass == 0) != (tc->link != NULL))
        continue;
      if (pass == 0) {
        g_autofree char *norm = path_normalize("", tc->link);
        slot[i] = norm ? take_by_path(pool, norm) : NULL;
      } else {
        slot[i] = take_unmatched(pool, tc->title, pass == 2);
      }
      if (slot[i])
        slot[i]->toc = tc;
    }
  }
  for (guint i = 0; i < n; i++) {
    if (slot[i])
      g_ptr_array_add(book->chapters, slot[i]);
    else
      g_ptr_array_add(book->missing, book->toc.chapters->pdata[i]);
  }
  while (pool->len)
    g_ptr_array_add(book->chapters, g_ptr_array_steal_index(pool, 0));
}

static void load_meta(Book *book) {
  gsize len = 0;
  g_autofree char *text = load_text(book, "book.yaml", book->meta_display, DIAG_FILE_META, &len);
  if (text)
    meta_parse(&book->meta, text, len, book->meta_display, DIAG_FILE_META, book->diags);
}

static void load_toc(Book *book) {
  gsize len = 0;
  g_autofree char *text = load_text(book, "toc.md", book->toc_display, DIAG_FILE_TOC, &len);
  if (text)
    toc_parse(&book->toc, text, len, book->toc_display, DIAG_FILE_TOC, book->diags);
  else
    book->toc.chapters = g_ptr_array_new();
}

/* Files linked from toc.md outside chapters/ are loaded too. */
static void add_linked_files(Book *book, GPtrArray *files) {
  for (guint i = 0; i < book->toc.chapters->len; i++) {
    TocChapter *tc = book->toc.chapters->pdata[i];
    if (!tc->link)
      continue;
    g_autofree char *norm = path_normalize("", tc->link);
    if (!norm) {
      diags_add(book->diags, DIAG_ERROR, book->toc_display, DIAG_FILE_TOC, tc->line, tc->col,
                "path-outside", "chapter link '%s' leaves manuscript/", tc->link);
      continue;
    }
    gboolean listed = FALSE;
    for (guint j = 0; j < files->len && !listed; j++)
      listed = strcmp(files->pdata[j], norm) == 0;
    g_autofree char *full = g_build_filename(book->manuscript_dir, norm, NULL);
    if (!listed && g_file_test(full, G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add(files, g_steal_pointer(&norm));
  }
}

/* The folder above a root, as the author would type it: "." gives "..", "book" gives ".",
 * "a/b/" gives "a". Caller frees. */
static char *parent_root(const char *root) {
  g_autofree char *trimmed = g_strdup(root);
  gsize n = strlen(trimmed);
  while (n > 1 && trimmed[n - 1] == '/')
    trimmed[--n] = '\0';
  g_autofree char *base = g_path_get_basename(trimmed);
  if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    return strcmp(trimmed, ".") == 0 ? g_strdup("..") : g_build_filename(trimmed, "..", NULL);
  return g_path_get_dirname(trimmed);
}

Book *book_load(const char *root, GError **error) {
  g_autoptr(Book) book = g_new0(Book, 1);
  book->root = g_strdup(root && *root ? root : ".");
  book->manuscript_dir = g_build_filename(book->root, "manuscript", NULL);
  book->diags = diags_new();
  book->meta_display = display_path(book, "book.yaml");
  book->toc_display = display_path(book, "toc.md");
  meta_init(&book->meta);
  book->chapters = g_ptr_array_new_with_free_func(chapter_free);
  book->missing = g_ptr_array_new();
  book->chapter_by_path = g_hash_table_new(g_str_hash, g_str_equal);
  if (!g_file_test(book->manuscript_dir, G_FILE_TEST_IS_DIR)) {
    g_autofree char *parent = parent_root(book->root);
    g_autofree char *up = g_build_filename(parent, "manuscript", NULL);
    if (g_file_test(up, G_FILE_TEST_IS_DIR))
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                  "no manuscript/ directory in '%s'; did you mean -C %s?", book->root, parent);
    else
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                  "no manuscript/ directory in '%s' (use -C to name the book's root)", book->root);
    return NULL;
  }
  load_meta(book);
  load_toc(book);
  g_autoptr(GPtrArray) files = list_chapter_files(book);
  add_linked_files(book, files);
  if (files->len > BOOK_MAX_CHAPTERS) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                "%u chapter files, more than the limit of %d", files->len, BOOK_MAX_CHAPTERS);
    return NULL;
  }
  g_autoptr(GPtrArray) pool = g_ptr_array_new();
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add(pool, load_chapter(book, files->pdata[i], DIAG_FILE_FIRST_CHAPTER + (int)i));
  match_chapters(book, pool);
  for (guint i = 0; i < book->chapters->len; i++) {
    Chapter *ch = book->chapters->pdata[i];
    g_hash_table_insert(book->chapter_by_path, ch->path, ch);
  }
  return g_steal_pointer(&book);
}
