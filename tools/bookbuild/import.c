/* import.c: the raw response format of the seed (an outer ```markdown wrapper, code between
 * `startpython and ``endpython markers, the author's approach as leading bullets) into a clean
 * chapter. Works line by line on the raw text; the result is ordinary Markdown that load.c reads.
 * Importing a clean chapter changes nothing, so import is idempotent. */
#include "import.h"

#include <string.h>

typedef struct {
  char *text;       /* the raw text, its line ends made NULs */
  GPtrArray *lines; /* char* into `text`, without line ends */
  const char *path;
  Diags *diags;
  GPtrArray *changes;
} Import;

static void change(Import *im, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void change(Import *im, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_ptr_array_add(im->changes, g_strdup_vprintf(fmt, ap));
  va_end(ap);
}

static const char *skip_space(const char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  return s;
}

static gboolean is_blank(const char *s) { return *skip_space(s) == '\0'; }

/* "```markdown" / "```md" opening the wrapper. */
static gboolean is_wrapper_open(const char *line) {
  const char *p = skip_space(line);
  int ticks = 0;
  while (*p == '`')
    p++, ticks++;
  if (ticks < 3)
    return FALSE;
  g_autofree char *rest = g_strstrip(g_ascii_strdown(p, -1));
  return strcmp(rest, "markdown") == 0 || strcmp(rest, "md") == 0;
}

static gboolean is_bare_fence(const char *line) {
  const char *p = skip_space(line);
  int ticks = 0;
  while (*p == '`')
    p++, ticks++;
  return ticks >= 3 && is_blank(p);
}

/* "`startpython" (1-3 backticks) -> "python"; NULL otherwise. Same for "end" markers. */
static char *code_marker(const char *line, const char *word) {
  const char *p = skip_space(line);
  int ticks = 0;
  while (*p == '`')
    p++, ticks++;
  gsize wlen = strlen(word);
  if (ticks < 1 || ticks > 3 || strncmp(p, word, wlen) != 0)
    return NULL;
  p += wlen;
  const char *lang = p;
  while (g_ascii_isalnum(*p) || *p == '_' || *p == '+')
    p++;
  if (!is_blank(p) || (p == lang && strcmp(word, "start") == 0))
    return NULL;
  return g_ascii_strdown(lang, p - lang);
}

static gboolean is_heading(const char *line) {
  const char *p = line;
  int n = 0;
  while (*p == '#')
    p++, n++;
  return n >= 1 && n <= 6 && (*p == ' ' || *p == '\t');
}

static gsize indent_of(const char *line) { return (gsize)(skip_space(line) - line); }

/* Emits one startpython block from lines[*i] (the marker) as a ```lang fence. */
static void convert_block(Import *im, guint *i, guint end, GPtrArray *out, const char *lang) {
  guint start = *i, j = start + 1;
  for (; j < end; j++) {
    g_autofree char *end_marker = code_marker(im->lines->pdata[j], "end");
    if (end_marker)
      break;
  }
  if (j == end)
    diags_add(im->diags, DIAG_WARNING, im->path, DIAG_FILE_FIRST_CHAPTER, (int)start + 1, 1,
              "import-marker",
              "'startpython' block is never closed with 'endpython'; closed at the end");
  gsize common = G_MAXSIZE;
  for (guint k = start + 1; k < j; k++)
    if (!is_blank(im->lines->pdata[k]))
      common = MIN(common, indent_of(im->lines->pdata[k]));
  g_ptr_array_add(out, g_strdup_printf("```%s", lang));
  for (guint k = start + 1; k < j; k++) {
    const char *l = im->lines->pdata[k];
    g_ptr_array_add(out, g_strdup(is_blank(l) ? "" : l + common));
  }
  g_ptr_array_add(out, g_strdup("```"));
  *i = j < end ? j + 1 : j;
}

/* The lines, cut in place in one copy of the text: a line costs no allocation of its own (under
 * AddressSanitizer with whole stacks, as check-asan runs, 400,000 allocations took 5 s), and
 * memchr, not g_strsplit, whose strstr per line is quadratic under ASan's interceptor. */
static void split_lines(Import *im, const char *raw, gsize len) {
  im->text = g_strndup(raw, len); /* up to a NUL, as before */
  char *p = im->text, *end = p + strlen(p);
  gboolean crlf = FALSE;
  while (p < end) {
    char *nl = memchr(p, '\n', (gsize)(end - p));
    char *stop = nl ? nl : end;
    if (stop > p && stop[-1] == '\r') {
      stop--;
      crlf |= nl != NULL;
    }
    *stop = '\0';
    g_ptr_array_add(im->lines, p);
    p = nl ? nl + 1 : end;
  }
  if (crlf)
    change(im, "converted CRLF line ends to LF");
}

/* Finds the outer wrapper; sets [*body_start, *body_end) and returns TRUE when there is one. */
static gboolean find_wrapper(Import *im, guint *open, guint *close) {
  for (guint i = 0; i < im->lines->len; i++) {
    if (is_heading(im->lines->pdata[i]))
      return FALSE;
    if (is_wrapper_open(im->lines->pdata[i])) {
      *open = i;
      *close = im->lines->len;
      for (guint j = im->lines->len; j > i + 1; j--)
        if (is_bare_fence(im->lines->pdata[j - 1])) {
          *close = j - 1;
          break;
        }
      return TRUE;
    }
  }
  return FALSE;
}

static void add_outline(GPtrArray *out, GPtrArray *outline) {
  while (outline->len && is_blank(outline->pdata[outline->len - 1]))
    g_ptr_array_remove_index(outline, outline->len - 1);
  guint lead = 0; /* removed in one step: one at a time is quadratic in the blank lines */
  while (lead < outline->len && is_blank(outline->pdata[lead]))
    lead++;
  g_ptr_array_remove_range(outline, 0, lead);
  g_ptr_array_add(out, g_strdup(""));
  g_ptr_array_add(out, g_strdup("> [!OUTLINE]"));
  for (guint i = 0; i < outline->len; i++) {
    const char *l = outline->pdata[i];
    g_ptr_array_add(out, is_blank(l) ? g_strdup(">") : g_strconcat("> ", l, NULL));
  }
}

char *import_convert(const char *raw, gsize len, const char *path, Diags *diags,
                     GPtrArray *changes) {
  Import im = {NULL, g_ptr_array_new(), path, diags, changes};
  g_autoptr(GPtrArray) lines = im.lines;
  split_lines(&im, raw, len);
  g_autofree char *text = im.text;
  guint open = 0, close = lines->len, body = 0, end = lines->len;
  g_autoptr(GPtrArray) outline = g_ptr_array_new(); /* lines of `text`, not owned */
  if (find_wrapper(&im, &open, &close)) {
    for (guint i = 0; i < open; i++)
      g_ptr_array_add(outline, lines->pdata[i]);
    body = open + 1;
    end = close;
    change(&im, "removed the outer ```markdown fence (lines %u and %u)", open + 1,
           close < lines->len ? close + 1 : lines->len);
    guint after = 0;
    for (guint i = close + 1; i < lines->len; i++)
      after += !is_blank(lines->pdata[i]);
    if (after)
      change(&im, "dropped %u line%s after the closing fence", after, after == 1 ? "" : "s");
  }
  guint first_heading = body;
  while (first_heading < end && !is_heading(lines->pdata[first_heading]))
    g_ptr_array_add(outline, lines->pdata[first_heading++]);
  if (first_heading == end) {
    diags_add(diags, DIAG_ERROR, path, DIAG_FILE_FIRST_CHAPTER, 1, 1, "import-heading",
              "no '#' heading found: a chapter starts with its title");
    return NULL;
  }
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(out, g_strdup(lines->pdata[first_heading]));
  guint outline_lines = 0;
  for (guint i = 0; i < outline->len; i++)
    outline_lines += !is_blank(outline->pdata[i]);
  if (outline_lines) {
    add_outline(out, outline);
    change(&im, "moved %u line%s of the author's approach into a > [!OUTLINE] block", outline_lines,
           outline_lines == 1 ? "" : "s");
  }
  guint blocks = 0;
  for (guint i = first_heading + 1; i < end;) {
    g_autofree char *lang = code_marker(lines->pdata[i], "start");
    if (lang) {
      convert_block(&im, &i, end, out, lang);
      blocks++;
    } else {
      g_ptr_array_add(out, g_strdup(lines->pdata[i++]));
    }
  }
  if (blocks)
    change(&im, "turned %u startpython/endpython block%s into ``` fences", blocks,
           blocks == 1 ? "" : "s");
  while (out->len > 1 && is_blank(out->pdata[out->len - 1]))
    g_ptr_array_remove_index(out, out->len - 1);
  g_ptr_array_add(out, NULL);
  g_autofree char *joined = g_strjoinv("\n", (char **)out->pdata);
  return g_strconcat(joined, "\n", NULL);
}
