/* index.c: the back-of-book index gathered from markers and index.yaml (see index.h). */
#include "index.h"

#include "callout.h"
#include "safeyaml.h"

#include <string.h>

#define MARKER_WORD "index:"

typedef struct {
  Book *book;
  BookIndex *ix;
  GHashTable *entries;   /* term -> IndexEntry* (top level, not owning) */
  GHashTable *api;       /* index.yaml term -> line (GINT_TO_POINTER), or NULL */
  GHashTable *api_used;  /* index.yaml terms found in a chapter */
  GPtrArray *see_checks; /* SeeCheck*: targets to resolve once every entry is known */
} Build;

typedef struct {
  char *target;
  const Chapter *chapter;
  int line, col;
} SeeCheck;

static void see_check_free(gpointer p) {
  SeeCheck *s = p;
  g_free(s->target);
  g_free(s);
}

static void entry_free(gpointer p) {
  IndexEntry *e = p;
  if (!e)
    return;
  g_free(e->term);
  g_free(e->key);
  g_ptr_array_unref(e->places);
  g_ptr_array_unref(e->subs);
  g_ptr_array_unref(e->see);
  g_ptr_array_unref(e->see_also);
  g_free(e);
}

void index_free(BookIndex *ix) {
  if (!ix)
    return;
  g_ptr_array_unref(ix->entries);
  g_ptr_array_unref(ix->places);
  g_hash_table_destroy(ix->place_by_node);
  g_free(ix);
}

char *index_sort_key(const char *term) {
  g_autofree char *folded = g_utf8_casefold(term, -1);
  GString *key = g_string_new(NULL);
  for (const char *p = folded; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_isalnum(c))
      g_string_append_unichar(key, c);
  }
  return g_string_free(key, FALSE);
}

char *index_group(const IndexEntry *e) {
  gunichar c = g_utf8_get_char(e->key);
  if (!c || !g_unichar_isalpha(c))
    return g_strdup("Symbols and Numbers");
  char buf[8] = {0};
  g_unichar_to_utf8(g_unichar_toupper(c), buf);
  return g_strdup(buf);
}

static int int_cmp(gconstpointer a, gconstpointer b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

GArray *index_page_ranges(GArray *pages) {
  GArray *ranges = g_array_new(FALSE, FALSE, sizeof(int));
  g_array_sort(pages, int_cmp);
  for (guint i = 0; i < pages->len; i++) {
    int p = g_array_index(pages, int, i);
    if (ranges->len && p <= g_array_index(ranges, int, ranges->len - 1) + 1) {
      g_array_index(ranges, int, ranges->len - 1) =
          MAX(p, g_array_index(ranges, int, ranges->len - 1));
      continue;
    }
    int pair[2] = {p, p};
    g_array_append_vals(ranges, pair, 2);
  }
  return ranges;
}

static IndexEntry *entry_new(const char *term) {
  IndexEntry *e = g_new0(IndexEntry, 1);
  e->term = g_strdup(term);
  e->key = index_sort_key(term);
  e->places = g_ptr_array_new();
  e->subs = g_ptr_array_new_with_free_func(entry_free);
  e->see = g_ptr_array_new_with_free_func(g_free);
  e->see_also = g_ptr_array_new_with_free_func(g_free);
  return e;
}

static IndexEntry *top_entry(Build *b, const char *term) {
  IndexEntry *e = g_hash_table_lookup(b->entries, term);
  if (!e) {
    e = entry_new(term);
    g_hash_table_insert(b->entries, e->term, e);
    g_ptr_array_add(b->ix->entries, e);
  }
  return e;
}

static IndexEntry *sub_entry(IndexEntry *parent, const char *term) {
  for (guint i = 0; i < parent->subs->len; i++) {
    IndexEntry *s = parent->subs->pdata[i];
    if (strcmp(s->term, term) == 0)
      return s;
  }
  IndexEntry *s = entry_new(term);
  g_ptr_array_add(parent->subs, s);
  return s;
}

static void add_place(IndexEntry *e, const IndexPlace *p) {
  if (!g_ptr_array_find(e->places, p, NULL))
    g_ptr_array_add(e->places, (gpointer)p);
}

/* The block an inline node belongs to: its paragraph, heading or table row. */
static cmark_node *block_of(cmark_node *n) {
  for (cmark_node *p = cmark_node_parent(n); p; p = cmark_node_parent(p)) {
    cmark_node_type t = cmark_node_get_type(p);
    if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING || t == CMARK_NODE_TABLE_ROW)
      return p;
  }
  return NULL;
}

static IndexPlace *place_new(Build *b, const Chapter *ch, cmark_node *node) {
  IndexPlace *p = g_hash_table_lookup(b->ix->place_by_node, node);
  if (p)
    return p;
  p = g_new0(IndexPlace, 1);
  p->number = (int)b->ix->places->len + 1;
  p->chapter = ch;
  p->node = node;
  p->block = block_of(node);
  g_ptr_array_add(b->ix->places, p);
  g_hash_table_insert(b->ix->place_by_node, node, p);
  return p;
}

static void error_at(Build *b, const Chapter *ch, cmark_node *n, const char *needle,
                     const char *fmt, ...) G_GNUC_PRINTF(5, 6);
static void error_at(Build *b, const Chapter *ch, cmark_node *n, const char *needle,
                     const char *fmt, ...) {
  int line = 0, col = 0;
  chapter_locate(ch, n, needle, &line, &col);
  va_list ap;
  va_start(ap, fmt);
  diags_vadd(b->book->diags, DIAG_ERROR, ch->display_path, ch->file_id, line, col, "index", fmt,
             ap);
  va_end(ap);
}

/* The marker's text after "index:", or NULL when the comment is no index marker. */
static char *marker_body(const char *html) {
  if (!html || !g_str_has_prefix(html, "<!--"))
    return NULL;
  const char *p = html + 4;
  while (g_ascii_isspace(*p))
    p++;
  if (!g_str_has_prefix(p, MARKER_WORD))
    return NULL;
  p += strlen(MARKER_WORD);
  const char *end = strstr(p, "-->");
  char *body = end ? g_strndup(p, (gsize)(end - p)) : g_strdup(p);
  return g_strstrip(body);
}

/* "-->" closes the comment and only whitespace follows. */
static gboolean marker_closed(const char *html) {
  const char *end = html ? strstr(html, "-->") : NULL;
  if (!end)
    return FALSE;
  for (end += 3; *end; end++)
    if (!g_ascii_isspace(*end))
      return FALSE;
  return TRUE;
}

static gboolean contains_marker(const char *s) {
  for (const char *p = s ? strstr(s, "<!--") : NULL; p; p = strstr(p + 4, "<!--")) {
    const char *q = p + 4;
    while (g_ascii_isspace(*q))
      q++;
    if (g_str_has_prefix(q, MARKER_WORD))
      return TRUE;
  }
  return FALSE;
}

/* One item of a marker: "TERM", "TERM!SUB", "TERM|see X", "TERM|see also X". */
static void marker_item(Build *b, const Chapter *ch, cmark_node *n, const char *item) {
  g_auto(GStrv) cmd = g_strsplit(item, "|", 2);
  g_autofree char *head = g_strstrip(g_strdup(cmd[0]));
  g_auto(GStrv) parts = g_strsplit(head, "!", -1);
  guint nparts = g_strv_length(parts);
  for (guint i = 0; i < nparts; i++)
    g_strstrip(parts[i]);
  if (nparts > 2) {
    error_at(b, ch, n, "<!--", "index item '%s' has more than one '!': one level of sub-entries",
             item);
    return;
  }
  if (!*parts[0] || (nparts == 2 && !*parts[1])) {
    error_at(b, ch, n, "<!--", "index item '%s' has an empty term", item);
    return;
  }
  const char *target = NULL;
  gboolean also = FALSE;
  g_autofree char *command = cmd[1] ? g_strstrip(g_strdup(cmd[1])) : NULL;
  if (command) {
    if (g_str_has_prefix(command, "see also ") || g_str_has_prefix(command, "see also\t")) {
      also = TRUE;
      target = g_strchug(command + 8);
    } else if (g_str_has_prefix(command, "see ") || g_str_has_prefix(command, "see\t")) {
      target = g_strchug(command + 3);
    }
    if (!target || !*target) {
      error_at(b, ch, n, "<!--", "index item '%s': after '|' comes 'see TERM' or 'see also TERM'",
               item);
      return;
    }
  }
  IndexEntry *e = top_entry(b, parts[0]);
  if (nparts == 2)
    e = sub_entry(e, parts[1]);
  if (target) {
    g_ptr_array_add(also ? e->see_also : e->see, g_strdup(target));
    SeeCheck *s = g_new0(SeeCheck, 1);
    s->target = g_strdup(target);
    s->chapter = ch;
    chapter_locate(ch, n, "<!--", &s->line, &s->col);
    g_ptr_array_add(b->see_checks, s);
    if (!also)
      return; /* "see" marks no place */
  }
  add_place(e, place_new(b, ch, n));
}

static gboolean inside(cmark_node *n, cmark_node_type type) {
  for (cmark_node *p = cmark_node_parent(n); p; p = cmark_node_parent(p))
    if (cmark_node_get_type(p) == type)
      return TRUE;
  return FALSE;
}

/* Inside an OUTLINE callout, which no release build shows, or in a callout's title (its marker
 * line, which both writers print as plain text). */
static gboolean in_outline(const Chapter *ch, cmark_node *n) {
  for (cmark_node *p = cmark_node_parent(n); p; p = cmark_node_parent(p)) {
    const Callout *co = g_hash_table_lookup(ch->callout_by_node, p);
    if (co && co->kind == CALLOUT_OUTLINE)
      return TRUE;
    if (co && cmark_node_parent(n) == co->marker && cmark_node_get_start_line(n) == co->line)
      return TRUE;
  }
  return FALSE;
}

static void marker(Build *b, const Chapter *ch, cmark_node *n) {
  const char *html = cmark_node_get_literal(n);
  g_autofree char *body = marker_body(html);
  if (!body)
    return;
  if (inside(n, CMARK_NODE_HEADING)) {
    error_at(b, ch, n, "<!--", "index marker inside a heading: put it in the paragraph below");
    return;
  }
  if (inside(n, CMARK_NODE_FOOTNOTE_DEFINITION) || in_outline(ch, n)) {
    error_at(b, ch, n, "<!--",
             "index marker in a footnote or an OUTLINE callout, which the index cannot point to: "
             "put it in the paragraph it belongs to");
    return;
  }
  if (!marker_closed(html)) {
    error_at(b, ch, n, "<!--", "index marker not closed with '-->'");
    return;
  }
  if (!*body) {
    error_at(b, ch, n, "<!--", "index marker names no term");
    return;
  }
  g_auto(GStrv) items = g_strsplit(body, ";", -1);
  for (guint i = 0; items[i]; i++) {
    g_strstrip(items[i]);
    if (!*items[i]) {
      error_at(b, ch, n, "<!--", "index marker has an empty item (a stray ';')");
      continue;
    }
    marker_item(b, ch, n, items[i]);
  }
}

static void code_span(Build *b, const Chapter *ch, cmark_node *n) {
  const char *lit = cmark_node_get_literal(n);
  if (contains_marker(lit)) {
    error_at(b, ch, n, "<!--",
             "index marker inside code is printed, not read: take it out of "
             "the code span");
    return;
  }
  if (!b->api || !lit || !g_hash_table_contains(b->api, lit) || inside(n, CMARK_NODE_HEADING) ||
      inside(n, CMARK_NODE_FOOTNOTE_DEFINITION) || in_outline(ch, n) || !block_of(n))
    return;
  g_hash_table_add(b->api_used, g_strdup(lit));
  IndexEntry *e = top_entry(b, lit);
  e->code = TRUE;
  add_place(e, place_new(b, ch, n));
}

static void chapter_markers(Build *b, const Chapter *ch) {
  cmark_iter *iter = cmark_iter_new(ch->doc);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER)
      continue;
    cmark_node *n = cmark_iter_get_node(iter);
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_HTML_INLINE:
      marker(b, ch, n);
      break;
    case CMARK_NODE_HTML_BLOCK:
      if (contains_marker(cmark_node_get_literal(n)))
        error_at(b, ch, n, "<!--",
                 "index marker outside a paragraph: put it inside the paragraph it indexes");
      break;
    case CMARK_NODE_CODE:
      code_span(b, ch, n);
      break;
    case CMARK_NODE_TEXT:
      if (contains_marker(cmark_node_get_literal(n)))
        error_at(b, ch, n, "<!--", "index marker not closed with '-->' in its paragraph");
      break;
    case CMARK_NODE_CODE_BLOCK:
      if (contains_marker(cmark_node_get_literal(n)))
        error_at(b, ch, n, "<!--", "index marker inside code is printed, not read");
      break;
    default:
      break;
    }
  }
  cmark_iter_free(iter);
}

/* manuscript/index.yaml: `terms:`, a list of strings. */
static void load_api_terms(Build *b) {
  g_autofree char *path = g_build_filename(b->book->manuscript_dir, "index.yaml", NULL);
  g_autofree char *display = strcmp(b->book->root, ".") == 0
                                 ? g_strdup("manuscript/index.yaml")
                                 : g_build_filename(b->book->root, "manuscript/index.yaml", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) || !g_file_get_contents(path, &text, &len, NULL))
    return;
  Diags *d = b->book->diags;
  if (len > BOOK_MAX_FILE_BYTES || !g_utf8_validate(text, (gssize)len, NULL)) {
    diags_add(d, DIAG_ERROR, display, DIAG_FILE_INDEX, 0, 0, "index",
              "not a UTF-8 file within the size limit");
    return;
  }
  yaml_document_t doc;
  if (!safeyaml_load(&doc, text, len, display, DIAG_FILE_INDEX, d))
    return;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  yaml_node_t *list = NULL;
  if (root && root->type == YAML_MAPPING_NODE)
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
      yaml_node_t *k = yaml_document_get_node(&doc, p->key);
      if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, "terms") == 0)
        list = yaml_document_get_node(&doc, p->value);
      else if (k)
        diags_add(d, DIAG_WARNING, display, DIAG_FILE_INDEX, (int)k->start_mark.line + 1,
                  (int)k->start_mark.column + 1, "index", "unknown key (expected 'terms')");
    }
  if (!list || list->type != YAML_SEQUENCE_NODE) {
    int line = root ? (int)root->start_mark.line + 1 : 1;
    diags_add(d, DIAG_ERROR, display, DIAG_FILE_INDEX, line, 1, "index",
              "expected 'terms:' with a list of code spans to index");
    yaml_document_delete(&doc);
    return;
  }
  b->api = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top;
       it++) {
    yaml_node_t *v = yaml_document_get_node(&doc, *it);
    int line = v ? (int)v->start_mark.line + 1 : 0, col = v ? (int)v->start_mark.column + 1 : 0;
    if (!v || v->type != YAML_SCALAR_NODE || !*(char *)v->data.scalar.value) {
      diags_add(d, DIAG_ERROR, display, DIAG_FILE_INDEX, line, col, "index",
                "a term is a code span's text, a non-empty string");
      continue;
    }
    const char *term = (const char *)v->data.scalar.value;
    if (g_hash_table_contains(b->api, term))
      diags_add(d, DIAG_WARNING, display, DIAG_FILE_INDEX, line, col, "index",
                "'%s' is listed twice", term);
    g_hash_table_insert(b->api, g_strdup(term), GINT_TO_POINTER(line * 10000 + col));
  }
  yaml_document_delete(&doc);
}

static int entry_cmp(gconstpointer a, gconstpointer b) {
  const IndexEntry *x = *(IndexEntry *const *)a, *y = *(IndexEntry *const *)b;
  int c = strcmp(x->key, y->key);
  if (c)
    return c;
  g_autofree char *fx = g_utf8_casefold(x->term, -1), *fy = g_utf8_casefold(y->term, -1);
  c = strcmp(fx, fy);
  return c ? c : strcmp(x->term, y->term);
}

static void sort_entries(GPtrArray *entries) {
  g_ptr_array_sort(entries, entry_cmp);
  for (guint i = 0; i < entries->len; i++)
    sort_entries(((IndexEntry *)entries->pdata[i])->subs);
}

static gboolean resolves(Build *b, const char *target) {
  g_auto(GStrv) parts = g_strsplit(target, "!", 2);
  g_strstrip(parts[0]);
  IndexEntry *e = g_hash_table_lookup(b->entries, parts[0]);
  if (!e || !parts[1])
    return e != NULL;
  g_strstrip(parts[1]);
  for (guint i = 0; i < e->subs->len; i++)
    if (strcmp(((IndexEntry *)e->subs->pdata[i])->term, parts[1]) == 0)
      return TRUE;
  return FALSE;
}

void index_build(Book *book) {
  BookIndex *ix = g_new0(BookIndex, 1);
  ix->entries = g_ptr_array_new_with_free_func(entry_free);
  ix->places = g_ptr_array_new_with_free_func(g_free);
  ix->place_by_node = g_hash_table_new(g_direct_hash, g_direct_equal);
  Build b = {book,
             ix,
             g_hash_table_new(g_str_hash, g_str_equal),
             NULL,
             g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
             g_ptr_array_new_with_free_func(see_check_free)};
  load_api_terms(&b);
  for (guint i = 0; i < book->chapters->len; i++) {
    const Chapter *ch = book->chapters->pdata[i];
    if (ch->readable && ch->doc)
      chapter_markers(&b, ch);
  }
  for (guint i = 0; i < b.see_checks->len; i++) {
    const SeeCheck *s = b.see_checks->pdata[i];
    if (!resolves(&b, s->target))
      diags_add(book->diags, DIAG_ERROR, s->chapter->display_path, s->chapter->file_id, s->line,
                s->col, "index", "'see %s' points to no index entry", s->target);
  }
  if (b.api) {
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, b.api);
    while (g_hash_table_iter_next(&it, &key, &value)) {
      if (g_hash_table_contains(b.api_used, key))
        continue;
      int at = GPOINTER_TO_INT(value);
      g_autofree char *display = strcmp(book->root, ".") == 0
                                     ? g_strdup("manuscript/index.yaml")
                                     : g_build_filename(book->root, "manuscript/index.yaml", NULL);
      diags_add(book->diags, DIAG_WARNING, display, DIAG_FILE_INDEX, at / 10000, at % 10000,
                "index", "'%s' is never a code span in the chapters: nothing to index",
                (const char *)key);
    }
  }
  sort_entries(ix->entries);
  g_hash_table_destroy(b.entries);
  if (b.api)
    g_hash_table_destroy(b.api);
  g_hash_table_destroy(b.api_used);
  g_ptr_array_unref(b.see_checks);
  if (!ix->entries->len) {
    index_free(ix);
    ix = NULL;
  }
  book->index = ix;
}
