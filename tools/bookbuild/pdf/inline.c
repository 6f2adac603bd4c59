/* inline.c: a block's inline nodes (text, emphasis, code spans, links, footnote marks, raw HTML)
 * into one string with Pango attributes, links and note positions (see layoutint.h). Long
 * unbreakable runs get break opportunities; quotes become typographic. */
#include "pdf/layoutint.h"

#include "callout.h"
#include "index.h"
#include "link.h"
#include "rawhtml.h"
#include "text.h"
#include "typo.h"

#include <cmark-gfm-core-extensions.h>
#include <string.h>

#define ZERO_WIDTH_SPACE "\xE2\x80\x8B"
#define CODE_BREAK_MIN 10 /* code spans shorter than this never break inside */

void inline_attr(Inline *in, PangoAttribute *a, gsize start, gsize end) {
  a->start_index = (guint)start;
  a->end_index = (guint)end;
  pango_attr_list_insert(in->attrs, a);
}

/* Pango 1.50 reshapes the rest of a word each time it breaks one that is wider than the line,
 * so a 99,000-character word took 13 s: every UNBROKEN_MAX characters without a break
 * opportunity, the text appended since `from` gets a zero-width space (which, like the others,
 * does not reach the PDF's text). Linear, and no real word is that long. */
#define UNBROKEN_MAX 64
static void break_long_runs(Inline *in, gsize from) {
  const char *p = in->text->str + from, *end = in->text->str + in->text->len;
  GString *out = NULL;
  const char *copied = p;
  for (; p < end; p = g_utf8_next_char(p)) {
    gunichar ch = g_utf8_get_char(p);
    gboolean opportunity = g_unichar_isspace(ch) || ch == 0x200B || ch == 0xAD || ch == '-';
    in->unbroken = opportunity ? 0 : in->unbroken + 1;
    if (in->unbroken > UNBROKEN_MAX) {
      if (!out)
        out = g_string_new(NULL);
      g_string_append_len(out, copied, p - copied);
      g_string_append(out, ZERO_WIDTH_SPACE);
      copied = p;
      in->unbroken = 1;
    }
  }
  if (!out)
    return;
  g_string_append_len(out, copied, end - copied);
  g_string_truncate(in->text, from);
  g_string_append_len(in->text, out->str, (gssize)out->len);
  g_string_free(out, TRUE);
}

static void append_text_keeping(Inline *in, const char *s, const guint8 *keep);

void inline_append(Inline *in, const char *s, gboolean raw) {
  if (!raw) {
    append_text_keeping(in, s, NULL);
    return;
  }
  gsize from = in->text->len;
  g_string_append(in->text, s);
  break_long_runs(in, from);
}

/* Text with smart punctuation, except at the bytes `keep` marks (typo_smarten_keeping()). */
static void append_text_keeping(Inline *in, const char *s, const guint8 *keep) {
  gsize from = in->text->len;
  g_autofree char *smart = typo_smarten_keeping(s, keep, &in->prev);
  if (in->hyphenate && in->c->env->hyphenator)
    hyphenator_append(in->c->env->hyphenator, in->text, smart);
  else
    g_string_append(in->text, smart);
  break_long_runs(in, from);
}

/* A URL with break opportunities after / . - ? & (zero-width spaces), never hyphenated. */
static void append_url_text(Inline *in, const char *s) {
  gsize from = in->text->len;
  for (const char *p = s; *p; p++) {
    g_string_append_c(in->text, *p);
    gboolean slash_run = *p == '/' && (p[1] == '/' || (p > s && p[-1] == ':'));
    if ((*p == '/' || *p == '.' || *p == '-' || *p == '?' || *p == '&' || *p == '_') && p[1] &&
        !slash_run)
      g_string_append(in->text, ZERO_WIDTH_SPACE);
  }
  in->prev = '/';
  break_long_runs(in, from);
}

/* A character of a name: a letter, a digit or an underscore. */
static gboolean code_word(char ch) { return g_ascii_isalnum(ch) || ch == '_'; }

/* Where a long code span may break, as a careful typesetter breaks code in running text: at
 * punctuation that ends a part, never inside a name or a number, never with a hyphen added.
 * Before the character at `p` of span `s`: a dot that opens an attribute or a module
 * (`sys.implementation`, `typing._ProtocolMeta`, `f().name`) but not one inside a number
 * (`3.14`), an arrow written without a space before it (`handler()->Awaitable`), and, as a
 * last resort (justify.c's CAMEL_PENALTY), a capital that starts a word of a name written in
 * camel case (`Recursion|Error`, `_Py|Interpreter|Frame`): after two letters, the last one
 * lower case, and before a lower-case letter, so `macOS`, `ABCMeta` and `x2Y` stay whole. */
static gboolean code_break_before(const char *s, const char *p) {
  if (p < s + 2 || !p[1])
    return FALSE;
  if (*p == '.')
    return (g_ascii_isalnum(p[-1]) || p[-1] == ')' || p[-1] == ']') && code_word(p[1]) &&
           !(g_ascii_isdigit(p[-1]) && g_ascii_isdigit(p[1]));
  if (g_ascii_isupper(*p))
    return g_ascii_islower(p[-1]) && g_ascii_isalpha(p[-2]) && g_ascii_islower(p[1]);
  return *p == '-' && p[1] == '>' && p[-1] != ' ';
}

/* After the character at `p`: an underscore or slash between letters (`_PyEval_|EvalFrame`,
 * `Python/|ceval.c`), the `(` of a call with arguments (`signature(|func`), the `=` of
 * `key=value` (`eval_str=|True`, not `==` or `>=`), a comma with no space after it, `::`. */
static gboolean code_break_after(const char *s, const char *p) {
  if (p < s + 2 || !p[1] || !p[2])
    return FALSE;
  switch (*p) {
  case '_':
  case '/':
    return g_ascii_isalnum(p[-1]) && g_ascii_isalnum(p[1]);
  case '(':
    return code_word(p[-1]) && p[1] != ')' && p[1] != ' ';
  case '=':
    return code_word(p[-1]) && p[1] != '=' && p[1] != ' ';
  case ',':
    return p[1] != ' ';
  case ':':
    return p[-1] == ':' && p[1] != ':' && p[1] != ' ';
  default:
    return FALSE;
  }
}

/* A code span's text. Spaces keep their width (justification stretches only U+0020 and
 * U+00A0, so they become en spaces), and a zero-width space after each keeps the line break
 * there that Unicode forbids before a quote (`'a', 'b'`). With `code_breaks`, a long span may
 * also break where code_break_before() and code_break_after() say, so `sys.implementation.name`
 * need not leave a gappy line behind. Zero-width spaces do not reach the PDF's text. */
static void append_code_text(Inline *in, const char *s) {
  in->code_spans++;
  gsize from = in->text->len;
  gboolean breaks = in->code_breaks && strlen(s) >= CODE_BREAK_MIN;
  for (const char *p = s; *p; p++) {
    if (breaks && code_break_before(s, p))
      g_string_append(in->text, ZERO_WIDTH_SPACE);
    if (*p == ' ')
      g_string_append(in->text, "\xE2\x80\x82" ZERO_WIDTH_SPACE);
    else
      g_string_append_c(in->text, *p);
    if (breaks && code_break_after(s, p))
      g_string_append(in->text, ZERO_WIDTH_SPACE);
  }
  break_long_runs(in, from);
}

static void link_target(Inline *in, const char *url, LinkSpan *span) {
  if (link_is_unsafe(url))
    return;
  if (link_is_external(url)) {
    span->uri = link_external_uri(url, LINK_URI_PDF);
    return;
  }
  Chapter *target = NULL;
  Heading *heading = NULL;
  book_resolve_link(in->c->env->book, in->c->ch, url, &target, &heading);
  if (target && (!in->c->env->only || target == in->c->env->only))
    span->dest = layout_dest_name(target, heading);
}

/* An <img> written in raw HTML is not drawn in print; the author hears of it. */
void inline_raw_img_unprinted(Ctx *c, int line, const char *src) {
  layout_warn(
      c, line, "raw-html",
      "raw HTML image '%s' is not drawn in the PDF, only its alt text: write it as a Markdown "
      "image, ![alt](path), in a paragraph of its own",
      src ? src : "");
}

/* Text from byte `start` to the end that the page list counts no words in (layoutint.h). */
static void uncounted(Inline *in, gsize start) {
  int pair[2] = {(int)start, (int)in->text->len};
  g_array_append_vals(in->uncounted, pair, 2);
}

/* An index place (index.h) at the text's end, when `n` is one. */
static void index_anchor(Inline *in, cmark_node *n) {
  const BookIndex *ix = in->c->env->book->index;
  const IndexPlace *p = ix ? g_hash_table_lookup(ix->place_by_node, n) : NULL;
  if (!p)
    return;
  int pair[2] = {(int)in->text->len, p->number};
  g_array_append_vals(in->anchors, pair, 2);
}

void inline_node(Inline *in, cmark_node *n) {
  cmark_node_type t = cmark_node_get_type(n);
  gsize start = in->text->len;
  if (t == CMARK_NODE_HTML_INLINE || t == CMARK_NODE_CODE)
    index_anchor(in, n);
  const PrintStyle *st = in->c->env->style;
  if (t == CMARK_NODE_STRIKETHROUGH) {
    inline_children(in, n);
    inline_attr(in, pango_attr_strikethrough_new(TRUE), start, in->text->len);
    return;
  }
  switch (t) {
  case CMARK_NODE_TEXT: {
    g_autofree guint8 *keep = chapter_kept_quotes(in->c->ch, n);
    append_text_keeping(in, cmark_node_get_literal(n), keep);
    break;
  }
  case CMARK_NODE_CODE: {
    append_code_text(in, cmark_node_get_literal(n));
    in->prev = 'x';
    gsize end = in->text->len;
    inline_attr(in, pango_attr_family_new(st->font_mono), start, end);
    inline_attr(in,
                pango_attr_size_new_absolute((int)(in->size * st->code_span_size * PANGO_SCALE)),
                start, end);
    inline_attr(in, pango_attr_insert_hyphens_new(FALSE), start, end);
    inline_attr(in, pango_attr_font_features_new("liga 0, calt 0"), start, end);
    break;
  }
  case CMARK_NODE_SOFTBREAK:
    g_string_append_c(in->text, ' ');
    in->prev = ' ';
    break;
  case CMARK_NODE_LINEBREAK:
    /* A new Pango paragraph, so the broken line is not stretched by justification. */
    g_string_append_c(in->text, '\n');
    in->prev = ' ';
    in->hard_break = TRUE;
    break;
  case CMARK_NODE_EMPH:
    inline_children(in, n);
    inline_attr(in, pango_attr_style_new(PANGO_STYLE_ITALIC), start, in->text->len);
    break;
  case CMARK_NODE_STRONG:
    inline_children(in, n);
    inline_attr(in, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, in->text->len);
    break;
  case CMARK_NODE_LINK: {
    const char *url = cmark_node_get_url(n);
    g_autofree char *plain = text_plain(n);
    gboolean url_text = link_text_is_url(plain);
    gboolean saved = in->hyphenate;
    if (url_text)
      append_url_text(in, plain);
    else {
      in->hyphenate = FALSE;
      inline_children(in, n);
      in->hyphenate = saved;
    }
    LinkSpan span = {(int)start, (int)in->text->len, NULL, NULL};
    link_target(in, url ? url : "", &span);
    if (span.dest || span.uri) {
      g_array_append_val(in->links, span);
      Rgb l = st->link;
      inline_attr(in,
                  pango_attr_foreground_new((guint16)(l.r * 65535), (guint16)(l.g * 65535),
                                            (guint16)(l.b * 65535)),
                  start, in->text->len);
    }
    break;
  }
  case CMARK_NODE_IMAGE: {
    g_autofree char *alt = text_plain(n);
    inline_append(in, alt, FALSE);
    inline_attr(in, pango_attr_style_new(PANGO_STYLE_ITALIC), start, in->text->len);
    uncounted(in, start);
    break;
  }
  case CMARK_NODE_FOOTNOTE_REFERENCE: {
    const Note *note = chapter_note_of_ref(in->c->ch, n);
    g_autofree char *num = note ? g_strdup_printf("%d", note->number) : NULL;
    g_string_append(in->text, num ? num : "?");
    gsize end = in->text->len;
    inline_attr(in, pango_attr_rise_new((int)(in->size * st->mark_rise * PANGO_SCALE)), start, end);
    inline_attr(in, pango_attr_size_new_absolute((int)(in->size * st->mark_size * PANGO_SCALE)),
                start, end);
    int pair[2] = {(int)start, note ? note->number : 0};
    g_array_append_vals(in->notes, pair, 2);
    uncounted(in, start);
    break;
  }
  case CMARK_NODE_HTML_INLINE: {
    /* A raw <img> prints as a Markdown image inside a paragraph does: its alt text. */
    g_autofree char *src = NULL, *alt = NULL;
    if (rawhtml_img(cmark_node_get_literal(n), &src, &alt)) {
      inline_raw_img_unprinted(in->c, cmark_node_get_start_line(n), src);
      inline_append(in, alt ? alt : "", FALSE);
      inline_attr(in, pango_attr_style_new(PANGO_STYLE_ITALIC), start, in->text->len);
      uncounted(in, start);
    }
    break;
  }
  default:
    inline_children(in, n);
    break;
  }
}

void inline_children(Inline *in, cmark_node *node) {
  for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c))
    inline_node(in, c);
}

void inline_init(Inline *in, Ctx *c, double size, gboolean hyphenate) {
  memset(in, 0, sizeof *in);
  in->c = c;
  in->text = g_string_new(NULL);
  in->attrs = pango_attr_list_new();
  in->links = g_array_new(FALSE, TRUE, sizeof(LinkSpan));
  in->notes = g_array_new(FALSE, FALSE, sizeof(int));
  in->anchors = g_array_new(FALSE, FALSE, sizeof(int));
  in->uncounted = g_array_new(FALSE, FALSE, sizeof(int));
  in->hyphenate = hyphenate && c->env->style->hyphenate;
  in->size = size;
}

static GArray *ints_copy(const GArray *a) {
  if (!a)
    return NULL;
  GArray *b = g_array_sized_new(FALSE, FALSE, sizeof(int), a->len);
  g_array_append_vals(b, a->data, a->len);
  return b;
}

void inline_copy(Inline *to, const Inline *from) {
  *to = *from;
  to->text = g_string_new_len(from->text->str, (gssize)from->text->len);
  to->attrs = pango_attr_list_copy(from->attrs);
  to->links = g_array_sized_new(FALSE, TRUE, sizeof(LinkSpan), from->links->len);
  for (guint i = 0; i < from->links->len; i++) {
    LinkSpan span = g_array_index(from->links, LinkSpan, i);
    span.dest = g_strdup(span.dest);
    span.uri = g_strdup(span.uri);
    g_array_append_val(to->links, span);
  }
  to->notes = ints_copy(from->notes);
  to->anchors = ints_copy(from->anchors);
  to->uncounted = ints_copy(from->uncounted);
}

void inline_clear(Inline *in) {
  g_string_free(in->text, TRUE);
  pango_attr_list_unref(in->attrs);
  for (guint i = 0; i < in->links->len; i++) {
    LinkSpan *l = &g_array_index(in->links, LinkSpan, i);
    g_free(l->dest);
    g_free(l->uri);
  }
  g_array_unref(in->links);
  g_array_unref(in->notes);
  if (in->anchors)
    g_array_unref(in->anchors);
  if (in->uncounted)
    g_array_unref(in->uncounted);
}
