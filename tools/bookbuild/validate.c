/* validate.c: the manuscript rules of DESIGN.md section 2, run over a loaded Book: chapters
 * against the TOC, headings, sections and their order, Key Takeaways, paragraph counts, code
 * languages, links, images and raw HTML. Each rule has an id (README lists them). Reads the model
 * only; never re-parses Markdown. */
#include "book.h"
#include "index.h"

#include "callout.h"
#include "fence.h"
#include "image.h"
#include "link.h"
#include "path.h"
#include "rawhtml.h"
#include "text.h"

#include <cmark-gfm-core-extensions.h>
#include <libxml/HTMLparser.h>
#include <string.h>

#define KEY_TAKEAWAYS "Key Takeaways"

typedef struct {
  Book *book;
  Chapter *ch;
} Ctx;

static void err_at(Ctx *v, DiagSeverity sev, int line, int col, const char *rule, const char *fmt,
                   ...) G_GNUC_PRINTF(6, 7);
static void err_at(Ctx *v, DiagSeverity sev, int line, int col, const char *rule, const char *fmt,
                   ...) {
  va_list ap;
  va_start(ap, fmt);
  diags_vadd(v->book->diags, sev, v->ch->display_path, v->ch->file_id, line, col, rule, fmt, ap);
  va_end(ap);
}

/* ---- chapters against the TOC ---- */

static void check_missing_chapters(Book *book) {
  RuleLevel level = book->meta.rules.missing_chapters;
  for (guint i = 0; i < book->missing->len; i++) {
    const TocChapter *tc = book->missing->pdata[i];
    DiagSeverity sev = level == RULE_ERROR ? DIAG_ERROR : DIAG_WARNING;
    if (tc->link)
      diags_add(book->diags, DIAG_ERROR, book->toc_display, DIAG_FILE_TOC, tc->line, tc->col,
                "chapter-missing", "chapter '%s' links to '%s', which does not exist", tc->title,
                tc->link);
    else
      diags_add(book->diags, sev, book->toc_display, DIAG_FILE_TOC, tc->line, tc->col,
                "chapter-missing", "chapter '%s' has no file in manuscript/chapters/", tc->title);
  }
}

static void check_title(Ctx *v) {
  Chapter *ch = v->ch;
  if (!ch->title_heading) {
    err_at(v, DIAG_ERROR, 1, 1, "chapter-title", "chapter file has no heading for its title");
    return;
  }
  if (!ch->toc) {
    if (v->book->toc.chapters->len == 0)
      return; /* no usable toc.md: already reported */
    err_at(v, DIAG_ERROR, ch->title_heading->line, ch->title_heading->col, "chapter-unlisted",
           "chapter '%s' is not in the table of contents", ch->title);
    return;
  }
  if (strcmp(ch->title, ch->toc->title) != 0) {
    g_autofree char *why = text_explain_difference(ch->toc->title, ch->title);
    err_at(v, DIAG_ERROR, ch->title_heading->line, ch->title_heading->col, "heading-text",
           "chapter title differs from the table of contents: expected '%s' (%s)", ch->toc->title,
           why);
  }
}

static void check_chapter_order(Book *book) {
  const Chapter *prev = NULL;
  for (guint i = 0; i < book->chapters->len; i++) {
    const Chapter *ch = book->chapters->pdata[i];
    if (!ch->toc)
      break;
    if (prev && strcmp(prev->path, ch->path) > 0)
      diags_add(book->diags, DIAG_ERROR, ch->display_path, ch->file_id, 1, 1, "chapter-order",
                "chapter '%s' comes after '%s' in the table of contents, but its file sorts "
                "before '%s'",
                ch->toc->title, prev->toc->title, prev->path);
    prev = ch;
  }
}

/* ---- sections ---- */

typedef struct {
  int level;
  const char *text;
  const TocItem *item; /* NULL for Key Takeaways */
  Heading *found;
} Expected;

static GArray *expected_sections(const Chapter *ch, int base, gboolean takeaways) {
  GArray *exp = g_array_new(FALSE, TRUE, sizeof(Expected));
  for (guint i = 0; i < ch->toc->items->len; i++) {
    const TocItem *it = ch->toc->items->pdata[i];
    Expected e = {base + 1, it->text, it, NULL};
    g_array_append_val(exp, e);
    for (guint j = 0; it->items && j < it->items->len; j++) {
      const TocItem *sub = it->items->pdata[j];
      Expected s = {base + 2, sub->text, sub, NULL};
      g_array_append_val(exp, s);
    }
  }
  if (takeaways) {
    Expected kt = {base + 1, KEY_TAKEAWAYS, NULL, NULL};
    g_array_append_val(exp, kt);
  }
  return exp;
}

static gboolean chapter_has_groups(const TocChapter *tc) {
  for (guint i = 0; i < tc->items->len; i++)
    if (((TocItem *)tc->items->pdata[i])->kind == TOC_GROUP)
      return TRUE;
  return FALSE;
}

/* Finds the expected entry a heading stands for: exact text first, then a near miss. */
/* TRUE when a heading after `h` in its chapter reads `text` at `level`. */
static gboolean later_heading(const Ctx *v, const Heading *h, const char *text, int level) {
  gboolean after = FALSE;
  for (guint i = 0; i < v->ch->headings->len; i++) {
    const Heading *other = v->ch->headings->pdata[i];
    if (after && other->level == level && strcmp(other->text, text) == 0)
      return TRUE;
    after |= other == h;
  }
  return FALSE;
}

static int match_heading(Ctx *v, GArray *exp, Heading *h, gboolean exact_only) {
  for (guint i = 0; i < exp->len; i++) {
    Expected *e = &g_array_index(exp, Expected, i);
    if (!e->found && strcmp(e->text, h->text) == 0) {
      /* A subdivision that shares its text with a section the chapter holds later, at the
       * right level, is a subdivision, not that section misplaced. */
      if (exact_only && e->level != h->level && later_heading(v, h, e->text, e->level))
        return -1;
      if (e->level != h->level)
        err_at(v, DIAG_ERROR, h->line, h->col, "heading-level",
               "'%s' must be a level-%d heading ('%.*s'), not level %d", h->text, e->level,
               e->level, "######", h->level);
      return (int)i;
    }
  }
  if (exact_only)
    return -1;
  for (guint i = 0; i < exp->len; i++) {
    Expected *e = &g_array_index(exp, Expected, i);
    if (!e->found && text_near_miss(e->text, h->text)) {
      g_autofree char *why = text_explain_difference(e->text, h->text);
      err_at(v, DIAG_ERROR, h->line, h->col, "heading-text",
             "heading differs from the table of contents: expected '%s' (%s)", e->text, why);
      return (int)i;
    }
  }
  return -1;
}

/* Indices (into `seq`) of a longest increasing subsequence: the headings in a consistent order. */
static GHashTable *in_order_set(const int *seq, guint n) {
  g_autofree int *len = g_new0(int, n);
  g_autofree int *prev = g_new0(int, n);
  int best = -1;
  for (guint i = 0; i < n; i++) {
    len[i] = 1;
    prev[i] = -1;
    for (guint j = 0; j < i; j++)
      if (seq[j] < seq[i] && len[j] + 1 > len[i]) {
        len[i] = len[j] + 1;
        prev[i] = (int)j;
      }
    if (best < 0 || len[i] > len[best])
      best = (int)i;
  }
  GHashTable *set = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (int i = best; i >= 0; i = prev[i])
    g_hash_table_add(set, GINT_TO_POINTER(i));
  return set;
}

/* Where a missing section should have been: before the next section that is present. */
static void missing_position(const Chapter *ch, GArray *exp, guint idx, int *line, int *col) {
  for (guint i = idx + 1; i < exp->len; i++) {
    Expected *e = &g_array_index(exp, Expected, i);
    if (e->found) {
      *line = e->found->line;
      *col = e->found->col;
      return;
    }
  }
  *line = (int)ch->line_starts->len;
  *col = 1;
}

/* A heading no entry took that is a near miss of `text` (a subdivision one level too deep
 * that was meant to be the section), or NULL. */
static const Heading *near_unmatched(GPtrArray *unmatched, const char *text) {
  for (guint i = 0; i < unmatched->len; i++) {
    const Heading *h = unmatched->pdata[i];
    if (text_near_miss(text, h->text))
      return h;
  }
  return NULL;
}

static void report_missing(Ctx *v, GArray *exp, GPtrArray *unmatched) {
  for (guint i = 0; i < exp->len; i++) {
    Expected *e = &g_array_index(exp, Expected, i);
    if (e->found)
      continue;
    int line, col;
    missing_position(v->ch, exp, i, &line, &col);
    const char *what = e->item && e->item->kind == TOC_GROUP ? "sub-group" : "section";
    const Heading *near = e->item ? near_unmatched(unmatched, e->text) : NULL;
    if (!e->item)
      err_at(v, DIAG_ERROR, line, col, "key-takeaways",
             "chapter has no '" KEY_TAKEAWAYS "' section");
    else if (near)
      err_at(v, DIAG_ERROR, line, col, "section-missing",
             "%s '%s' is missing; did you mean the level-%d heading '%s' at line %d?", what,
             e->text, near->level, near->text, near->line);
    else
      err_at(v, DIAG_ERROR, line, col, "section-missing", "%s '%s' is missing", what, e->text);
  }
}

/* A heading that is in no TOC entry; "did you mean" when it nearly repeats one already found. */
static void report_extra(Ctx *v, GArray *exp, const Heading *h) {
  g_autofree char *shown = text_abbrev(h->text, 100);
  if (!*shown) {
    err_at(v, DIAG_ERROR, h->line, h->col, "section-extra",
           "an empty heading is not a section of the table of contents");
    return;
  }
  for (guint i = 0; i < exp->len; i++) {
    const Expected *e = &g_array_index(exp, Expected, i);
    if (e->found && text_near_miss(e->text, h->text)) {
      err_at(v, DIAG_ERROR, h->line, h->col, "section-extra",
             "section '%s' is not in the table of contents; did you mean '%s' (already at line "
             "%d)?",
             shown, e->text, e->found->line);
      return;
    }
  }
  err_at(v, DIAG_ERROR, h->line, h->col, "section-extra",
         "section '%s' is not in the table of contents", shown);
}

static void report_order(Ctx *v, GArray *exp, GPtrArray *matched, GArray *indices) {
  /* Key Takeaways is judged on its own (it must be last); the rest by a longest run in order. */
  g_autoptr(GArray) seq = g_array_new(FALSE, FALSE, sizeof(int));
  g_autoptr(GArray) pos = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < matched->len; i++) {
    int idx = g_array_index(indices, int, i);
    if (!g_array_index(exp, Expected, idx).item) {
      if (i + 1 < matched->len) {
        Heading *h = matched->pdata[i];
        err_at(v, DIAG_ERROR, h->line, h->col, "key-takeaways",
               "'" KEY_TAKEAWAYS "' must be the chapter's last section");
      }
      continue;
    }
    g_array_append_val(seq, idx);
    g_array_append_val(pos, i);
  }
  g_autoptr(GHashTable) ok = in_order_set((int *)(void *)seq->data, seq->len);
  for (guint k = 0; k < seq->len; k++) {
    if (g_hash_table_contains(ok, GINT_TO_POINTER(k)))
      continue;
    Heading *h = matched->pdata[g_array_index(pos, guint, k)];
    int idx = g_array_index(seq, int, k);
    const char *text = g_array_index(exp, Expected, idx).text;
    if (idx == 0)
      err_at(v, DIAG_ERROR, h->line, h->col, "section-order",
             "section '%s' is out of order: the table of contents puts it first", text);
    else
      err_at(v, DIAG_ERROR, h->line, h->col, "section-order",
             "section '%s' is out of order: the table of contents puts it after '%s'", text,
             g_array_index(exp, Expected, idx - 1).text);
  }
}

/* The top-level blocks from a heading up to the next heading of its level or above. */
static gboolean section_next(cmark_node **node, int level) {
  *node = cmark_node_next(*node);
  if (!*node)
    return FALSE;
  if (cmark_node_get_type(*node) == CMARK_NODE_HEADING &&
      cmark_node_get_heading_level(*node) <= level)
    return FALSE;
  return TRUE;
}

static gboolean is_narrative(cmark_node *para) {
  cmark_node *c = cmark_node_first_child(para);
  /* A paragraph that is only an image is a figure, not narrative. */
  if (c && !cmark_node_next(c) && cmark_node_get_type(c) == CMARK_NODE_IMAGE)
    return FALSE;
  return c != NULL;
}

static void check_paragraphs(Ctx *v, Heading *h) {
  const BookRules *r = &v->book->meta.rules;
  if (!r->section_paragraphs || cmark_node_parent(h->node) != v->ch->doc)
    return;
  int count = 0;
  for (cmark_node *n = h->node; section_next(&n, h->level);)
    if (cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH && is_narrative(n))
      count++;
  if (count < r->paragraphs_min)
    err_at(v, DIAG_ERROR, h->line, h->col, "section-paragraphs",
           "section '%s' has %d narrative paragraph%s, at least %d expected", h->text, count,
           count == 1 ? "" : "s", r->paragraphs_min);
  else if (count > r->paragraphs_max)
    err_at(v, DIAG_WARNING, h->line, h->col, "section-paragraphs",
           "section '%s' has %d narrative paragraphs, at most %d expected", h->text, count,
           r->paragraphs_max);
}

static void check_takeaways_list(Ctx *v, Heading *h) {
  if (cmark_node_parent(h->node) != v->ch->doc)
    return;
  for (cmark_node *n = h->node; section_next(&n, h->level);)
    if (cmark_node_get_type(n) == CMARK_NODE_LIST)
      return;
  err_at(v, DIAG_ERROR, h->line, h->col, "key-takeaways",
         "'" KEY_TAKEAWAYS "' holds no bullet list");
}

static void check_sections(Ctx *v) {
  Chapter *ch = v->ch;
  if (!ch->toc || !ch->title_heading)
    return;
  int base = ch->title_heading->level;
  gboolean takeaways = v->book->meta.rules.key_takeaways;
  gboolean groups = chapter_has_groups(ch->toc);
  g_autoptr(GArray) exp = expected_sections(ch, base, takeaways);
  g_autoptr(GPtrArray) matched = g_ptr_array_new();
  g_autoptr(GPtrArray) unmatched = g_ptr_array_new();
  g_autoptr(GArray) indices = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < ch->headings->len; i++) {
    Heading *h = ch->headings->pdata[i];
    if (h == ch->title_heading || h->level <= base || h->level > base + 2)
      continue;
    if (!takeaways && strcmp(h->text, KEY_TAKEAWAYS) == 0)
      continue;
    /* Without sub-groups, deeper headings are the author's own subdivisions; only one that
     * carries a TOC section's exact text is taken for that section (at the wrong level). */
    gboolean subdivision = !groups && h->level == base + 2;
    int idx = match_heading(v, exp, h, subdivision);
    if (idx < 0 && subdivision) {
      g_ptr_array_add(unmatched, h);
      continue;
    }
    if (idx < 0) {
      report_extra(v, exp, h);
      g_ptr_array_add(unmatched, h);
      continue;
    }
    Expected *e = &g_array_index(exp, Expected, idx);
    e->found = h;
    g_ptr_array_add(matched, h);
    g_array_append_val(indices, idx);
    if (!e->item)
      check_takeaways_list(v, h);
    else if (e->item->kind == TOC_SECTION)
      check_paragraphs(v, h);
  }
  report_missing(v, exp, unmatched);
  report_order(v, exp, matched, indices);
}

/* ---- code blocks ---- */

/* A block's `min=`/`max=` bounds must admit at least one of the versions book.yaml lists (an
 * example that runs nowhere is not checked by anything). */
static void check_code_bounds(Ctx *v, const CodeBlock *b, int col) {
  const GPtrArray *pythons = v->book->meta.pythons;
  if (!pythons->len || !(b->min_major || b->max_major))
    return;
  if (b->min_major && b->max_major &&
      fence_version_cmp(b->min_major, b->min_minor, b->max_major, b->max_minor) > 0)
    return; /* reported as reversed bounds when the fence was read */
  for (guint i = 0; i < pythons->len; i++) {
    int major, minor;
    if (fence_parse_version(pythons->pdata[i], &major, &minor) && fence_holds_for(b, major, minor))
      return;
  }
  g_autoptr(GString) listed = g_string_new(NULL);
  for (guint i = 0; i < pythons->len; i++)
    g_string_append_printf(listed, "%s%s", i ? ", " : "", (char *)pythons->pdata[i]);
  err_at(v, DIAG_ERROR, b->line, col, "code-flag",
         "no Python version that book.yaml lists (%s) is within this block's bounds", listed->str);
}

static void check_code(Ctx *v) {
  for (guint i = 0; i < v->ch->code_blocks->len; i++) {
    CodeBlock *b = v->ch->code_blocks->pdata[i];
    int col = cmark_node_get_start_column(b->node);
    check_code_bounds(v, b, col);
    if (!v->book->meta.rules.code_language)
      continue;
    if (!*b->lang)
      err_at(v, DIAG_ERROR, b->line, col, "code-language",
             "code block names no language (for example ```python or ```text)");
    else if (!fence_is_known_language(b->lang))
      err_at(v, DIAG_WARNING, b->line, col, "code-language", "unknown code language '%s'", b->lang);
  }
}

/* ---- links and images ---- */

/* The closest id in a chapter, for "did you mean". */
static const char *closest_id(const Chapter *ch, const char *id) {
  const char *best = NULL;
  guint best_d = 4;
  for (guint i = 0; i < ch->headings->len; i++) {
    const Heading *h = ch->headings->pdata[i];
    guint d = text_distance(id, h->id, best_d);
    if (d < best_d) {
      best_d = d;
      best = h->id;
    }
  }
  return best;
}

/* A path that does not exist from the chapter's folder but does from manuscript/ (the author
 * wrote it as seen from the book, not from the chapter): the path that reaches it from the
 * chapter, or NULL. Caller frees. */
static char *path_meant(const Ctx *v, const char *written) {
  g_autofree char *dir = g_path_get_dirname(v->ch->path);
  g_autofree char *unescaped = g_uri_unescape_string(written, NULL);
  if (!unescaped || !*unescaped || g_path_is_absolute(unescaped) || strcmp(dir, ".") == 0)
    return NULL;
  g_autofree char *norm = path_normalize("", unescaped);
  if (!norm)
    return NULL;
  g_autofree char *full = g_build_filename(v->book->manuscript_dir, norm, NULL);
  if (!book_chapter(v->book, norm) && !g_file_test(full, G_FILE_TEST_IS_REGULAR))
    return NULL;
  if (!path_is_inside(v->book->manuscript_dir, full))
    return NULL;
  return path_relative(dir, norm);
}

static void check_link(Ctx *v, cmark_node *node, const char *url) {
  int line, col;
  chapter_locate(v->ch, node, url, &line, &col);
  if (link_has_scheme(url)) {
    const char *problem = link_is_unsafe(url) ? NULL : link_url_problem(url);
    if (link_is_unsafe(url))
      err_at(v, DIAG_WARNING, line, col, "link-scheme",
             "link '%.40s' uses an unsafe scheme; it is dropped from the outputs", url);
    else if (problem)
      err_at(v, DIAG_WARNING, line, col, "link-url",
             "link '%.60s': %s; the EPUB keeps its text without the link", url, problem);
    return;
  }
  if (!*url || g_str_has_prefix(url, "//"))
    return;
  const char *hash = strchr(url, '#');
  g_autofree char *file = hash ? g_strndup(url, hash - url) : g_strdup(url);
  Chapter *target;
  Heading *heading;
  if (book_resolve_link(v->book, v->ch, url, &target, &heading))
    return;
  if (target) {
    const char *guess = closest_id(target, hash + 1);
    if (guess)
      err_at(v, DIAG_ERROR, line, col, "link-anchor",
             "anchor '#%s' does not exist in '%s' (did you mean '#%s'?)", hash + 1, target->path,
             guess);
    else
      err_at(v, DIAG_ERROR, line, col, "link-anchor", "anchor '#%s' does not exist in '%s'",
             hash + 1, target->path);
    return;
  }
  /* A link to a non-chapter file inside manuscript/ (a download) is fine if it exists. */
  g_autofree char *dir = g_path_get_dirname(v->ch->path);
  g_autofree char *norm = path_normalize(dir, file);
  g_autofree char *full = norm ? g_build_filename(v->book->manuscript_dir, norm, NULL) : NULL;
  if (!norm) {
    err_at(v, DIAG_ERROR, line, col, "link-target", "link '%s' leaves manuscript/", url);
    return;
  }
  if (!g_str_has_suffix(file, ".md") && g_file_test(full, G_FILE_TEST_IS_REGULAR))
    return;
  g_autofree char *meant = path_meant(v, file);
  if (meant)
    err_at(v, DIAG_ERROR, line, col, "link-target",
           "link target '%s' does not exist; did you mean '%s%s'?", url, meant, hash ? hash : "");
  else
    err_at(v, DIAG_ERROR, line, col, "link-target", "link target '%s' does not exist", url);
}

static void check_image(Ctx *v, cmark_node *node, const char *url) {
  int line, col;
  chapter_locate(v->ch, node, url, &line, &col);
  g_auto(ImageRef) ref = {0};
  switch (book_resolve_image(v->book, v->ch, url, &ref)) {
  case IMAGE_REF_REMOTE:
    err_at(v, DIAG_ERROR, line, col, "image-remote",
           "image '%s' is not a file in manuscript/ (remote images are not embedded)", url);
    return;
  case IMAGE_REF_LEAVES:
    err_at(v, DIAG_ERROR, line, col, "image-outside", "image path '%s' leaves manuscript/", url);
    return;
  case IMAGE_REF_MISSING: {
    g_autofree char *meant = path_meant(v, url);
    if (meant)
      err_at(v, DIAG_ERROR, line, col, "image-missing",
             "image '%s' does not exist; did you mean '%s'?", url, meant);
    else
      err_at(v, DIAG_ERROR, line, col, "image-missing", "image '%s' does not exist", url);
    return;
  }
  case IMAGE_REF_ESCAPES:
    err_at(v, DIAG_ERROR, line, col, "image-outside",
           "image '%s' resolves outside manuscript/ (a symbolic link?)", url);
    return;
  case IMAGE_REF_NOT_IMAGE:
    err_at(v, DIAG_ERROR, line, col, "image-type", "image '%s' is not PNG, JPEG, GIF, SVG or WebP",
           url);
    return;
  case IMAGE_REF_FILE:
    break;
  }
  /* Its bytes must be what its name says, whole, and within the pixel limits, so that no writer
   * decodes a damaged or oversized image (image.h reads headers only). */
  ImageInfo info;
  const char *format = image_format_name(ref.format);
  switch (image_check(ref.full, ref.format, BOOK_MAX_IMAGE_PIXELS, BOOK_MAX_IMAGE_SIDE, &info)) {
  case IMAGE_CHECK_UNREADABLE:
    err_at(v, DIAG_ERROR, line, col, "image-missing", "image '%s' cannot be read", url);
    break;
  case IMAGE_CHECK_WRONG_TYPE:
    err_at(v, DIAG_ERROR, line, col, "image-type",
           "image '%s' is not the %s file its name says (its contents are %s)", url, format,
           image_format_name(info.format));
    break;
  case IMAGE_CHECK_DAMAGED:
    err_at(v, DIAG_ERROR, line, col, "image-data",
           "image '%s' is a damaged %s file (truncated, or without its header)", url, format);
    break;
  case IMAGE_CHECK_TOO_LARGE:
    err_at(v, DIAG_ERROR, line, col, "limit-image",
           "image '%s' is %u x %u pixels, more than the limit of %u pixels (%d a side)", url,
           info.width, info.height, BOOK_MAX_IMAGE_PIXELS, BOOK_MAX_IMAGE_SIDE);
    break;
  case IMAGE_CHECK_OK:
    break;
  }
}

/* ---- raw HTML ---- */

typedef struct {
  Ctx *v;
  int base_line;
  int reported;
} HtmlErrCtx;

static void html_error(void *data, xmlErrorPtr err) {
  HtmlErrCtx *h = data;
  /* libxml2's HTML parser knows HTML 4: an HTML5 element (<details>, <mark>) is not an error,
   * and the EPUB writer keeps the ones it knows. */
  if (err->level < XML_ERR_ERROR || err->code == XML_HTML_UNKNOWN_TAG || h->reported++)
    return;
  g_autofree char *msg = g_strstrip(g_strdup(err->message ? err->message : "malformed HTML"));
  err_at(h->v, DIAG_ERROR, h->base_line + MAX(err->line, 1) - 1, MAX(err->int2, 1), "raw-html",
         "raw HTML cannot become well-formed XHTML: %s", msg);
}

/* The <img> elements of a raw HTML block, checked as Markdown images are. */
static void check_block_imgs(Ctx *v, cmark_node *node, xmlNodePtr n) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (g_ascii_strcasecmp((const char *)n->name, "img") == 0) {
      xmlChar *src = xmlGetProp(n, (const xmlChar *)"src");
      if (src && *src) {
        check_image(v, node, (const char *)src);
      } else {
        int line, col;
        chapter_locate(v->ch, node, "<img", &line, &col);
        err_at(v, DIAG_ERROR, line, col, "raw-html", "raw HTML image has no src attribute");
      }
      xmlFree(src);
    }
    check_block_imgs(v, node, n->children);
  }
}

static void check_html_block(Ctx *v, cmark_node *node) {
  const char *html = cmark_node_get_literal(node);
  g_autofree char *cdata = rawhtml_cdata_text(html);
  if (cdata)
    return; /* text, whatever it holds (a `&&` is no entity there) */
  HtmlErrCtx h = {v, cmark_node_get_start_line(node), 0};
  htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
  if (!ctxt)
    return;
  xmlSetStructuredErrorFunc(&h, html_error);
  htmlDocPtr doc = htmlCtxtReadMemory(ctxt, html, (int)strlen(html), NULL, "UTF-8",
                                      HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
  xmlSetStructuredErrorFunc(NULL, NULL);
  if (doc && !h.reported)
    check_block_imgs(v, node, xmlDocGetRootElement(doc));
  if (doc)
    xmlFreeDoc(doc);
  htmlFreeParserCtxt(ctxt);
}

static gboolean is_void_element(const char *name) {
  static const char *const voids[] = {"area",  "base", "br",   "col",    "embed", "hr", "img",
                                      "input", "link", "meta", "source", "track", "wbr"};
  for (gsize i = 0; i < G_N_ELEMENTS(voids); i++)
    if (g_ascii_strcasecmp(name, voids[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Tag name of an inline HTML node: "b" for "<b ...>", "/b" for "</b>", NULL for comments etc. */
static char *inline_tag(const char *html, gboolean *self_closing) {
  if (html[0] != '<' || html[1] == '!' || html[1] == '?')
    return NULL;
  const char *p = html + 1;
  gboolean closing = *p == '/';
  p += closing;
  const char *start = p;
  while (g_ascii_isalnum(*p) || *p == '-')
    p++;
  gsize len = strlen(html);
  *self_closing = len >= 2 && html[len - 2] == '/';
  g_autofree char *name = g_ascii_strdown(start, p - start);
  return g_strconcat(closing ? "/" : "", name, NULL);
}

/* A raw <img> is embedded as a Markdown image is, so its file passes the same checks. */
static void check_raw_img(Ctx *v, cmark_node *node, const char *html) {
  g_autofree char *src = NULL, *alt = NULL;
  if (!rawhtml_img(html, &src, &alt))
    return;
  if (src && *src) {
    check_image(v, node, src);
    return;
  }
  int line, col;
  chapter_locate(v->ch, node, html, &line, &col);
  err_at(v, DIAG_ERROR, line, col, "raw-html", "raw HTML image has no src attribute");
}

/* Inline HTML tags must open and close within one paragraph, in nesting order. */
static void check_inline_html(Ctx *v, cmark_node *block) {
  g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func(g_free);
  cmark_node *first_open = NULL;
  cmark_iter *iter = cmark_iter_new(block);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
    cmark_node *n = cmark_iter_get_node(iter);
    if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_HTML_INLINE)
      continue;
    check_raw_img(v, n, cmark_node_get_literal(n));
    gboolean self_closing = FALSE;
    g_autofree char *tag = inline_tag(cmark_node_get_literal(n), &self_closing);
    if (!tag || self_closing || is_void_element(tag))
      continue;
    if (tag[0] != '/') {
      if (!open->len)
        first_open = n;
      g_ptr_array_add(open, g_steal_pointer(&tag));
      continue;
    }
    const char *top = open->len ? open->pdata[open->len - 1] : NULL;
    if (top && strcmp(top, tag + 1) == 0) {
      g_ptr_array_remove_index(open, open->len - 1);
      continue;
    }
    int line, col;
    chapter_locate(v->ch, n, cmark_node_get_literal(n), &line, &col);
    err_at(v, DIAG_ERROR, line, col, "raw-html",
           "raw HTML cannot become well-formed XHTML: '<%s>' closes %s", tag,
           top ? "a different element" : "no open element");
    cmark_iter_free(iter);
    return;
  }
  cmark_iter_free(iter);
  if (open->len) {
    int line, col;
    chapter_locate(v->ch, first_open, cmark_node_get_literal(first_open), &line, &col);
    err_at(v, DIAG_ERROR, line, col, "raw-html",
           "raw HTML cannot become well-formed XHTML: '<%s>' is not closed in this paragraph",
           (char *)open->pdata[0]);
  }
}

/* ---- tables ---- */

/* A header cell with no text: screen readers announce the column by its header, and Ace reports
 * the empty one (WCAG 1.3.1). An image with alternative text counts as text. */
static gboolean cell_has_text(cmark_node *cell) {
  g_autofree char *text = text_plain(cell);
  if (*g_strstrip(text))
    return TRUE;
  for (cmark_node *n = cmark_node_first_child(cell); n; n = cmark_node_next(n))
    if (cmark_node_get_type(n) == CMARK_NODE_IMAGE && cmark_node_first_child(n))
      return TRUE;
  return FALSE;
}

static void check_table_header_cell(Ctx *v, cmark_node *cell) {
  cmark_node *row = cmark_node_parent(cell);
  if (!row || !cmark_gfm_extensions_get_table_row_is_header(row) || cell_has_text(cell))
    return;
  int column = 1;
  for (cmark_node *n = cmark_node_previous(cell); n; n = cmark_node_previous(n))
    column++;
  err_at(v, DIAG_WARNING, cmark_node_get_start_line(row), MAX(cmark_node_get_start_column(cell), 1),
         "table-header", "column %d of this table has an empty header cell: give it a heading",
         column);
}

/* ---- the walk ---- */

static void check_inlines_and_html(Ctx *v) {
  cmark_iter *iter = cmark_iter_new(v->ch->doc);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER)
      continue;
    cmark_node *n = cmark_iter_get_node(iter);
    if (cmark_node_get_type(n) == CMARK_NODE_TABLE_CELL) {
      check_table_header_cell(v, n);
      continue;
    }
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_LINK:
      check_link(v, n, cmark_node_get_url(n));
      break;
    case CMARK_NODE_IMAGE:
      check_image(v, n, cmark_node_get_url(n));
      break;
    case CMARK_NODE_HTML_BLOCK:
      check_html_block(v, n);
      break;
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
      check_inline_html(v, n);
      break;
    default:
      break;
    }
  }
  cmark_iter_free(iter);
}

/* cover-image: a PNG or JPEG file inside manuscript/. */
static void check_cover(Book *book) {
  const char *cover = book->meta.cover_image;
  if (!cover)
    return;
  g_autofree char *norm = g_path_is_absolute(cover) ? NULL : path_normalize("", cover);
  g_autofree char *full = norm ? g_build_filename(book->manuscript_dir, norm, NULL) : NULL;
  g_autofree char *lower = g_ascii_strdown(cover, -1);
  const char *problem = NULL;
  ImageInfo info;
  if (!norm || !path_is_inside(book->manuscript_dir, full))
    problem = "leaves manuscript/";
  else if (!g_file_test(full, G_FILE_TEST_IS_REGULAR))
    problem = "does not exist";
  else if (!g_str_has_suffix(lower, ".png") && !g_str_has_suffix(lower, ".jpg") &&
           !g_str_has_suffix(lower, ".jpeg"))
    problem = "is not a PNG or JPEG file";
  else if (image_check(full, image_format_from_name(full), BOOK_MAX_IMAGE_PIXELS,
                       BOOK_MAX_IMAGE_SIDE, &info) != IMAGE_CHECK_OK)
    problem = "is damaged, too large, or not the PNG or JPEG file its name says";
  if (problem)
    diags_add(book->diags, DIAG_ERROR, book->meta_display, DIAG_FILE_META, book->meta.cover_line, 1,
              "meta-cover", "cover image '%s' %s", cover, problem);
}

void book_validate(Book *book) {
  check_cover(book);
  check_missing_chapters(book);
  check_chapter_order(book);
  for (guint i = 0; i < book->chapters->len; i++) {
    Ctx v = {book, book->chapters->pdata[i]};
    if (!v.ch->readable)
      continue;
    check_title(&v);
    check_sections(&v);
    check_code(&v);
    check_inlines_and_html(&v);
  }
  index_build(book);
}
