/* blocks.c: a chapter's cmark-gfm tree into Items measured with Pango (see layout.h): one
 * PangoLayout per paragraph with attributes for inline markup, code blocks highlighted and
 * wrapped, lists, block quotes, callouts, tables, images, footnotes. Knows nothing of pages. */
#include "layout.h"

#include "callout.h"
#include "highlight.h"
#include "link.h"
#include "path.h"
#include "text.h"
#include "rawhtml.h"
#include "typo.h"

#include <cmark-gfm-core-extensions.h>
#include <libxml/HTMLparser.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SOFT_HYPHEN "\xC2\xAD"
#define ZERO_WIDTH_SPACE "\xE2\x80\x8B"
#define CODE_BREAK_MIN 10 /* code spans shorter than this never break inside */
/* The retry of a loose paragraph (paragraph_item): tolerances of the line breaking rather than
 * the look of the page, so not style keys. */
#define LOOSE_SPACE 0.62 /* a justified space wider than this many ems makes a line loose */
#define TIGHTER 0.985    /* text size of a loose paragraph's second try, of the body size */
#define LOOSE_GAIN 0.01  /* ems the retry must narrow the widest space by to be kept */
/* Constants of measuring, not design values. */
#define NORMAL_LEADING 1.2f /* see layout_measure_lines() */
#define OVERFULL_SLACK 1.0  /* points of ink past the measure before a line warns as overfull: */
                            /* glyph side bearings may poke out a little */

typedef struct {
  const LayoutEnv *env;
  const Chapter *ch;
  ChapterLayout *cl;
  double body;          /* body size */
  double line;          /* body line height */
  int depth;            /* container nesting */
  gboolean indent_next; /* first-line indent for the next paragraph */
} Ctx;

typedef struct {
  double x, width;
  gboolean tight; /* inside a list item: no paragraph spacing or indent */
  int list_level;
} Frame;

Item *item_new(ItemKind kind) {
  Item *it = g_new0(Item, 1);
  it->kind = kind;
  it->lines = g_array_new(FALSE, TRUE, sizeof(LineBox));
  it->links = g_array_new(FALSE, TRUE, sizeof(LinkSpan));
  it->dests = g_ptr_array_new_with_free_func(g_free);
  return it;
}

static void link_spans_free(GArray *links) {
  if (!links)
    return;
  for (guint i = 0; i < links->len; i++) {
    LinkSpan *l = &g_array_index(links, LinkSpan, i);
    g_free(l->dest);
    g_free(l->uri);
  }
  g_array_unref(links);
}

void item_free(gpointer p) {
  Item *it = p;
  if (!it)
    return;
  g_clear_object(&it->layout);
  g_clear_object(&it->marker);
  for (guint i = 0; i < it->lines->len; i++) {
    LineBox *lb = &g_array_index(it->lines, LineBox, i);
    if (lb->notes)
      g_ptr_array_unref(lb->notes);
  }
  g_array_unref(it->lines);
  link_spans_free(it->links);
  g_ptr_array_unref(it->dests);
  if (it->cells) {
    for (guint i = 0; i < it->cells->len; i++) {
      Cell *c = it->cells->pdata[i];
      g_object_unref(c->layout);
      link_spans_free(c->links);
      g_free(c);
    }
    g_ptr_array_unref(it->cells);
  }
  if (it->image)
    cairo_surface_destroy(it->image);
  g_free(it->outline_title);
  g_free(it->outline_dest);
  g_free(it);
}

static void footnote_free(gpointer p) {
  Footnote *f = p;
  g_clear_object(&f->layout);
  link_spans_free(f->links);
  g_free(f->dest);
  g_free(f);
}

void chapter_layout_free(ChapterLayout *cl) {
  if (!cl)
    return;
  g_ptr_array_unref(cl->items);
  g_array_unref(cl->containers);
  g_ptr_array_unref(cl->footnotes);
  g_free(cl->dest);
  g_free(cl);
}

double item_height(const Item *it) {
  double h = it->pad_top + it->pad_bottom;
  if (it->lines->len) {
    const LineBox *last = &g_array_index(it->lines, LineBox, it->lines->len - 1);
    h += last->top + last->height;
  }
  return h;
}

char *layout_dest_name(const Chapter *chapter, const Heading *heading) {
  g_autofree char *file = g_path_get_basename(chapter->path);
  char *dot = strrchr(file, '.');
  if (dot)
    *dot = '\0';
  /* The file's name, percent-encoded to letters, digits and ._- (cairo writes a destination's
   * name raw into a PDF string, where a parenthesis would end it); anchors are XML names. */
  GString *name = g_string_new(NULL);
  for (const guchar *p = (const guchar *)file; *p; p++)
    if (g_ascii_isalnum(*p) || strchr("._-", *p))
      g_string_append_c(name, (char)*p);
    else
      g_string_append_printf(name, "%%%02X", *p);
  if (heading)
    g_string_append_printf(name, "/%s", heading->anchor);
  return g_string_free(name, FALSE);
}

PangoFontDescription *layout_font(const PrintStyle *style, const char *family, double size,
                                  PangoWeight weight, PangoStyle slant) {
  (void)style;
  PangoFontDescription *d = pango_font_description_new();
  pango_font_description_set_family(d, family);
  pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
  pango_font_description_set_weight(d, weight);
  pango_font_description_set_style(d, slant);
  return d;
}

/* Line boxes stack exactly: each is as tall as the distance to the next line's top, the last
 * one as tall as the line pitch, so a page can be filled line by line. */
void layout_measure_lines(Item *it) {
  g_array_set_size(it->lines, 0);
  PangoLayoutIter *iter = pango_layout_get_iter(it->layout);
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, NULL, &logical);
    LineBox lb = {0};
    lb.top = logical.y / (double)PANGO_SCALE;
    lb.height = logical.height / (double)PANGO_SCALE;
    lb.baseline = pango_layout_iter_get_baseline(iter) / (double)PANGO_SCALE - lb.top;
    lb.x = logical.x / (double)PANGO_SCALE;
    g_array_append_val(it->lines, lb);
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  guint n = it->lines->len;
  for (guint i = 0; i + 1 < n; i++) {
    LineBox *a = &g_array_index(it->lines, LineBox, i);
    a->height = g_array_index(it->lines, LineBox, i + 1).top - a->top;
  }
  /* A lone line has no next line to measure its pitch from: its natural height is scaled by
   * its line spacing over NORMAL_LEADING, the spacing at which it keeps that height. This is
   * the measuring model, not a design value, so it is no style key. */
  float factor = pango_layout_get_line_spacing(it->layout);
  LineBox *last = &g_array_index(it->lines, LineBox, n - 1);
  if (n >= 2)
    last->height = MAX(last->height, g_array_index(it->lines, LineBox, n - 2).height);
  else if (factor > 1)
    last->height *= factor / NORMAL_LEADING;
}

/* ---- diagnostics from layout ---- */

static void warn(Ctx *c, int line, const char *rule, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void warn(Ctx *c, int line, const char *rule, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diags_vadd(c->env->diags, DIAG_WARNING, c->ch->display_path, c->ch->file_id, line, 1, rule, fmt,
             ap);
  va_end(ap);
}

/* Characters the shipped fonts have no glyph for, reported at the block's source line. */
static void check_glyphs(Ctx *c, PangoLayout *layout, const char *what, int source_line) {
  int unknown = pango_layout_get_unknown_glyphs_count(layout);
  if (unknown > 0)
    warn(c, source_line, "font-glyph", "%d character%s in this %s %s no glyph in the shipped fonts",
         unknown, unknown == 1 ? "" : "s", what, unknown == 1 ? "has" : "have");
}

/* Missing glyphs and lines wider than the measure, reported at the block's source line. */
static void check_layout(Ctx *c, PangoLayout *layout, double width, int source_line) {
  check_glyphs(c, layout, "block", source_line);
  /* Ink, not logical extents: a line's logical width includes the space it broke at. */
  PangoLayoutIter *iter = pango_layout_get_iter(layout);
  do {
    PangoRectangle ink;
    pango_layout_iter_get_line_extents(iter, &ink, NULL);
    double over = (ink.x + ink.width) / (double)PANGO_SCALE - width;
    if (over > OVERFULL_SLACK) {
      warn(c, source_line, "overfull", "a line is %.1f pt wider than the measure", over);
      break;
    }
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
}

/* Pango 1.50 justifies a line that breaks at a soft hyphen without counting the hyphen it
 * then draws, so such lines stick out by a hyphen's width (and a few lines with mixed fonts by
 * a point or two). Take the excess back out of the line's stretched spaces. */
static void fix_justified_overflow(PangoLayout *layout, double width) {
  const char *text = pango_layout_get_text(layout);
  int w = (int)(width * PANGO_SCALE);
  PangoLayoutIter *iter = pango_layout_get_iter(layout);
  do {
    PangoLayoutLine *line = pango_layout_iter_get_line(iter);
    int end = line->start_index + line->length;
    while (end > line->start_index && text[end - 1] == ' ')
      end--; /* the space a line breaks at is not stretched */
    /* Ink, not logical width: the logical width counts the space the line broke at. */
    PangoRectangle ink;
    pango_layout_iter_get_line_extents(iter, &ink, NULL);
    int over = ink.x + ink.width - w;
    if (over <= 0)
      continue;
    int spaces = 0;
    for (int pass = 0; pass < 2; pass++) {
      int done = 0;
      for (GSList *r = line->runs; r; r = r->next) {
        PangoGlyphItem *run = r->data;
        for (int g = 0; g < run->glyphs->num_glyphs; g++) {
          int idx = run->item->offset + run->glyphs->log_clusters[g];
          if (text[idx] != ' ' || idx + 1 >= end)
            continue;
          if (pass == 0)
            spaces++;
          else {
            int share = over / spaces + (done < over % spaces ? 1 : 0);
            run->glyphs->glyphs[g].geometry.width -= share;
            done++;
          }
        }
      }
      if (spaces == 0)
        break;
    }
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
}

/* ---- inline text ---- */

typedef struct {
  Ctx *c;
  GString *text;
  PangoAttrList *attrs;
  GArray *links; /* LinkSpan */
  GArray *notes; /* footnote refs: {byte index, number} as pairs of ints */
  gunichar prev; /* for typographic quotes */
  gboolean hyphenate;
  gboolean hard_break; /* holds a hard line break */
  double size;         /* font size of the run */
  const char *mono;
  int code_spans;       /* code spans seen */
  gboolean code_breaks; /* let long code spans break at . _ / (a loose paragraph's retry) */
  int unbroken;         /* characters since the text's last break opportunity */
  gboolean items_split; /* split_long_items has marked the text */
} Inline;

static void add_attr(Inline *in, PangoAttribute *a, gsize start, gsize end) {
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

static void append_text(Inline *in, const char *s, gboolean raw) {
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

/* A code span's text. Spaces keep their width (justification stretches only U+0020 and
 * U+00A0, so they become en spaces), and a zero-width space after each keeps the line break
 * there that Unicode forbids before a quote (`'a', 'b'`). With `code_breaks`, a long span may
 * also break before a dot and after an underscore or slash between letters, so
 * `sys.implementation.name` need not leave a gappy line behind. Zero-width spaces do not
 * reach the PDF's text. */
static void append_code_text(Inline *in, const char *s) {
  in->code_spans++;
  gsize from = in->text->len;
  gboolean breaks = in->code_breaks && strlen(s) >= CODE_BREAK_MIN;
  for (const char *p = s; *p; p++) {
    gboolean inside = breaks && p > s + 1 && g_ascii_isalnum(p[-1]) && g_ascii_isalnum(p[1]);
    if (inside && *p == '.')
      g_string_append(in->text, ZERO_WIDTH_SPACE);
    if (*p == ' ')
      g_string_append(in->text, "\xE2\x80\x82" ZERO_WIDTH_SPACE);
    else
      g_string_append_c(in->text, *p);
    if (inside && (*p == '_' || *p == '/') && p[2])
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
static void raw_img_unprinted(Ctx *c, int line, const char *src) {
  warn(c, line, "raw-html",
       "raw HTML image '%s' is not drawn in the PDF, only its alt text: write it as a Markdown "
       "image, ![alt](path), in a paragraph of its own",
       src ? src : "");
}

static void inline_children(Inline *in, cmark_node *node);

static void inline_node(Inline *in, cmark_node *n) {
  cmark_node_type t = cmark_node_get_type(n);
  gsize start = in->text->len;
  const PrintStyle *st = in->c->env->style;
  if (t == CMARK_NODE_STRIKETHROUGH) {
    inline_children(in, n);
    add_attr(in, pango_attr_strikethrough_new(TRUE), start, in->text->len);
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
    add_attr(in, pango_attr_family_new(st->font_mono), start, end);
    add_attr(in, pango_attr_size_new_absolute((int)(in->size * st->code_span_size * PANGO_SCALE)),
             start, end);
    add_attr(in, pango_attr_insert_hyphens_new(FALSE), start, end);
    add_attr(in, pango_attr_font_features_new("liga 0, calt 0"), start, end);
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
    add_attr(in, pango_attr_style_new(PANGO_STYLE_ITALIC), start, in->text->len);
    break;
  case CMARK_NODE_STRONG:
    inline_children(in, n);
    add_attr(in, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, in->text->len);
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
      add_attr(in,
               pango_attr_foreground_new((guint16)(l.r * 65535), (guint16)(l.g * 65535),
                                         (guint16)(l.b * 65535)),
               start, in->text->len);
    }
    break;
  }
  case CMARK_NODE_IMAGE: {
    g_autofree char *alt = text_plain(n);
    append_text(in, alt, FALSE);
    add_attr(in, pango_attr_style_new(PANGO_STYLE_ITALIC), start, in->text->len);
    break;
  }
  case CMARK_NODE_FOOTNOTE_REFERENCE: {
    const Note *note = chapter_note_of_ref(in->c->ch, n);
    g_autofree char *num = note ? g_strdup_printf("%d", note->number) : NULL;
    g_string_append(in->text, num ? num : "?");
    gsize end = in->text->len;
    add_attr(in, pango_attr_rise_new((int)(in->size * st->mark_rise * PANGO_SCALE)), start, end);
    add_attr(in, pango_attr_size_new_absolute((int)(in->size * st->mark_size * PANGO_SCALE)), start,
             end);
    int pair[2] = {(int)start, note ? note->number : 0};
    g_array_append_vals(in->notes, pair, 2);
    break;
  }
  case CMARK_NODE_HTML_INLINE: {
    /* A raw <img> prints as a Markdown image inside a paragraph does: its alt text. */
    g_autofree char *src = NULL, *alt = NULL;
    if (rawhtml_img(cmark_node_get_literal(n), &src, &alt)) {
      raw_img_unprinted(in->c, cmark_node_get_start_line(n), src);
      append_text(in, alt ? alt : "", FALSE);
      add_attr(in, pango_attr_style_new(PANGO_STYLE_ITALIC), start, in->text->len);
    }
    break;
  }
  default:
    inline_children(in, n);
    break;
  }
}

static void inline_children(Inline *in, cmark_node *node) {
  for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c))
    inline_node(in, c);
}

/* ---- items ---- */

static void push(Ctx *c, Item *it) { g_ptr_array_add(c->cl->items, it); }

/* Moves link spans and footnote refs into the finished item (lines already measured). */
static void attach_inline(Ctx *c, Item *it, Inline *in) {
  g_array_append_vals(it->links, in->links->data, in->links->len);
  g_array_set_size(in->links, 0);
  for (guint i = 0; i + 1 < in->notes->len; i += 2) {
    int index = g_array_index(in->notes, int, i), number = g_array_index(in->notes, int, i + 1);
    if (number < 1 || number > (int)c->cl->footnotes->len)
      continue;
    Footnote *f = c->cl->footnotes->pdata[number - 1];
    int line = 0, x = 0;
    pango_layout_index_to_line_x(it->layout, index, FALSE, &line, &x);
    if (line < 0 || line >= (int)it->lines->len)
      continue;
    LineBox *lb = &g_array_index(it->lines, LineBox, line);
    if (!lb->notes)
      lb->notes = g_ptr_array_new();
    if (!g_ptr_array_find(lb->notes, f, NULL))
      g_ptr_array_add(lb->notes, f);
    LinkSpan span = {index, index + (number > 9 ? 2 : 1), g_strdup(f->dest), NULL};
    g_array_append_val(it->links, span);
  }
}

typedef struct {
  const char *family;
  double size;
  PangoWeight weight;
  PangoStyle slant;
  PangoAlignment align;
  gboolean justify;
  double indent;
  double leading; /* multiple of size */
} TextLook;

/* Deletes the soft hyphens at the byte offsets in `drop`, moving attributes, links and
 * footnote marks to match. */
static void delete_soft_hyphens(Inline *in, GHashTable *drop) {
  GString *text = in->text;
  g_autofree int *map = g_new(int, text->len + 1);
  GString *out = g_string_sized_new(text->len);
  for (gsize i = 0; i <= text->len; i++) {
    map[i] = (int)out->len;
    if (i == text->len)
      break;
    if (g_hash_table_contains(drop, GINT_TO_POINTER((int)i))) {
      map[++i] = (int)out->len;
      continue;
    }
    g_string_append_c(out, text->str[i]);
  }
  PangoAttrList *moved = pango_attr_list_new();
  GSList *all = pango_attr_list_get_attributes(in->attrs);
  for (GSList *a = all; a; a = a->next) {
    PangoAttribute *attr = a->data;
    attr->start_index =
        attr->start_index >= text->len ? (guint)out->len : (guint)map[attr->start_index];
    attr->end_index = attr->end_index >= text->len ? (guint)out->len : (guint)map[attr->end_index];
    pango_attr_list_insert(moved, attr);
  }
  g_slist_free(all);
  pango_attr_list_unref(in->attrs);
  in->attrs = moved;
  for (guint i = 0; i < in->links->len; i++) {
    LinkSpan *span = &g_array_index(in->links, LinkSpan, i);
    span->start = map[MIN((gsize)span->start, text->len)];
    span->end = map[MIN((gsize)span->end, text->len)];
  }
  for (guint i = 0; i < in->notes->len; i += 2) {
    int *index = &g_array_index(in->notes, int, i);
    *index = map[MIN((gsize)*index, text->len)];
  }
  g_string_assign(text, out->str);
  g_string_free(out, TRUE);
}

static gboolean soft_hyphen_at(const GString *text, int i) {
  return i >= 0 && (gsize)i + 2 <= text->len && memcmp(text->str + i, SOFT_HYPHEN, 2) == 0;
}

/* After layout: the soft hyphens to delete so that no more than `max` hyphenated lines come
 * in a row (the later hyphens go, and the next layout breaks elsewhere). */
static GHashTable *hyphens_to_delete(PangoLayout *layout, const GString *text, int max) {
  GHashTable *drop = g_hash_table_new(g_direct_hash, g_direct_equal);
  int run = 0;
  for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    PangoLayoutLine *line = l->data;
    int at = line->start_index + line->length - 2;
    gboolean hyphenated = soft_hyphen_at(text, at);
    run = hyphenated ? run + 1 : 0;
    if (hyphenated && run > max) {
      g_hash_table_add(drop, GINT_TO_POINTER(at));
      run = 0;
    }
  }
  return drop;
}

/* The widest justified word space of the layout's lines (not a paragraph's last), in ems. */
static double widest_space(PangoLayout *layout, double size) {
  const char *text = pango_layout_get_text(layout);
  double worst = 0;
  for (GSList *l = pango_layout_get_lines_readonly(layout); l && l->next; l = l->next) {
    PangoLayoutLine *line = l->data;
    if (((PangoLayoutLine *)l->next->data)->is_paragraph_start)
      continue;
    int end = line->start_index + line->length, width = 0, spaces = 0;
    while (end > line->start_index && text[end - 1] == ' ')
      end--;
    for (GSList *r = line->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      for (int g = 0; g < run->glyphs->num_glyphs; g++) {
        int idx = run->item->offset + run->glyphs->log_clusters[g];
        if (text[idx] == ' ' && idx + 1 < end) {
          width += run->glyphs->glyphs[g].geometry.width;
          spaces++;
        }
      }
    }
    if (spaces > 0)
      worst = MAX(worst, width / (double)spaces / (size * PANGO_SCALE));
  }
  return worst;
}

/* Pango 1.50 reshapes the rest of an item each time it ends a line inside it, so a paragraph
 * that is one long item costs time quadratic in its length (100 KB of `[ a_`: 6 s). Item
 * boundaries come where attributes change: a zero letter spacing (which draws nothing
 * different) over every other stretch of some ITEM_SPLIT bytes, each ending at a space, cuts a
 * long paragraph into items of that size. */
#define ITEM_SPLIT 2048
static void split_long_items(Inline *in) {
  if (in->items_split || in->text->len <= 2 * ITEM_SPLIT)
    return;
  in->items_split = TRUE;
  gboolean mark = FALSE;
  gsize start = 0;
  while (start < in->text->len) {
    gsize end = MIN(start + ITEM_SPLIT, in->text->len);
    while (end < in->text->len && in->text->str[end] != ' ')
      end++;
    if (mark)
      add_attr(in, pango_attr_letter_spacing_new(0), start, end);
    mark = !mark;
    start = end;
  }
}

/* A measured text item from inline content, without its warnings (see text_item). With
 * `loose`, the widest justified word space in ems, from the first layout; with `give_up`
 * too, NULL (and `in` untouched) when that is wider than LOOSE_SPACE, before any more work. */
static Item *text_item_build(Ctx *c, const Frame *f, Inline *in, const TextLook *look,
                             int source_line, double *loose, gboolean give_up) {
  Item *it = item_new(ITEM_TEXT);
  it->x = f->x;
  it->width = f->width;
  it->source_line = source_line;
  it->layout = pango_layout_new(c->env->context);
  g_autoptr(PangoFontDescription) fd =
      layout_font(c->env->style, look->family, look->size, look->weight, look->slant);
  pango_layout_set_font_description(it->layout, fd);
  pango_layout_set_width(it->layout, (int)(f->width * PANGO_SCALE));
  pango_layout_set_wrap(it->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(it->layout, look->align);
  pango_layout_set_justify(it->layout, look->justify);
  pango_layout_set_indent(it->layout, (int)(look->indent * PANGO_SCALE));
  pango_layout_set_line_spacing(it->layout, (float)look->leading);
  split_long_items(in);
  pango_layout_set_attributes(it->layout, in->attrs);
  pango_layout_set_text(it->layout, in->text->str, (int)in->text->len);
  if (loose) {
    *loose = look->justify ? widest_space(it->layout, look->size) : 0;
    if (give_up && *loose > LOOSE_SPACE) {
      item_free(it);
      return NULL;
    }
  }
  int max = (int)c->env->style->max_hyphen_lines;
  /* Unused soft hyphens stay (render.c leaves them out of the PDF's text). */
  for (int pass = 0; pass < 4 && strstr(in->text->str, SOFT_HYPHEN); pass++) {
    g_autoptr(GHashTable) drop = hyphens_to_delete(it->layout, in->text, max);
    if (g_hash_table_size(drop) == 0)
      break;
    delete_soft_hyphens(in, drop);
    pango_layout_set_attributes(it->layout, in->attrs);
    pango_layout_set_text(it->layout, in->text->str, (int)in->text->len);
  }
  if (look->justify)
    fix_justified_overflow(it->layout, f->width);
  layout_measure_lines(it);
  attach_inline(c, it, in);
  return it;
}

/* A measured text item; missing glyphs and overfull lines become warnings. */
static Item *text_item(Ctx *c, const Frame *f, Inline *in, const TextLook *look, int source_line) {
  Item *it = text_item_build(c, f, in, look, source_line, NULL, FALSE);
  check_layout(c, it->layout, f->width, source_line);
  return it;
}

static void inline_init(Inline *in, Ctx *c, double size, gboolean hyphenate) {
  memset(in, 0, sizeof *in);
  in->c = c;
  in->text = g_string_new(NULL);
  in->attrs = pango_attr_list_new();
  in->links = g_array_new(FALSE, TRUE, sizeof(LinkSpan));
  in->notes = g_array_new(FALSE, FALSE, sizeof(int));
  in->hyphenate = hyphenate && c->env->style->hyphenate;
  in->size = size;
}

static void inline_clear(Inline *in) {
  g_string_free(in->text, TRUE);
  pango_attr_list_unref(in->attrs);
  for (guint i = 0; i < in->links->len; i++) {
    LinkSpan *l = &g_array_index(in->links, LinkSpan, i);
    g_free(l->dest);
    g_free(l->uri);
  }
  g_array_unref(in->links);
  g_array_unref(in->notes);
}

static TextLook body_look(Ctx *c, gboolean indent) {
  const PrintStyle *st = c->env->style;
  TextLook look = {st->font_body,
                   c->body,
                   PANGO_WEIGHT_NORMAL,
                   PANGO_STYLE_NORMAL,
                   PANGO_ALIGN_LEFT,
                   st->justify,
                   indent ? st->paragraph_indent * c->body : 0,
                   st->leading};
  return look;
}

/* A paragraph's inline content (from `from` on, or all of `node`'s). FALSE when empty. */
static gboolean paragraph_inline(Inline *in, Ctx *c, cmark_node *node, cmark_node *from,
                                 gboolean code_breaks) {
  inline_init(in, c, c->body, TRUE);
  in->code_breaks = code_breaks;
  if (from)
    for (cmark_node *n = from; n; n = cmark_node_next(n))
      inline_node(in, n);
  else
    inline_children(in, node);
  g_strchug(in->text->str);
  in->text->len = strlen(in->text->str);
  return in->text->len > 0;
}

/* The text a hair smaller (as a compositor scales type 98-99% to save a loose paragraph),
 * for a loose paragraph's second try: more words fit a line, so fewer lines are left gappy.
 * One attribute over the whole text keeps Pango's runs, ligatures and kerning as they were
 * (letter spacing would turn ligatures off); the leading is scaled back up to match. */
static void tighten(Inline *in, TextLook *look) {
  add_attr(in, pango_attr_size_new_absolute((int)(look->size * TIGHTER * PANGO_SCALE)), 0,
           in->text->len);
  look->leading /= TIGHTER;
}

/* Greedy line breaking leaves a gappy line where a long word or code span does not fit.
 * Such a paragraph is set again, with break points in long code spans and the text a hair
 * smaller (tighten), and the try with the narrower widest space is kept. */
static Item *paragraph_item(Ctx *c, const Frame *f, cmark_node *node, cmark_node *from, Inline *in,
                            const TextLook *look) {
  int line = cmark_node_get_start_line(node);
  double loose = 0, again = 0;
  Item *it = text_item_build(c, f, in, look, line, &loose, TRUE);
  if (!it) {
    Inline retry;
    TextLook tight = *look;
    paragraph_inline(&retry, c, node, from, TRUE);
    tighten(&retry, &tight);
    it = text_item_build(c, f, &retry, &tight, line, &again, FALSE);
    inline_clear(&retry);
    if (again > loose - LOOSE_GAIN) { /* no better: the first setting after all */
      item_free(it);
      it = text_item_build(c, f, in, look, line, NULL, FALSE);
    }
  }
  check_layout(c, it->layout, f->width, line);
  return it;
}

static void paragraph(Ctx *c, const Frame *f, cmark_node *node, cmark_node *from) {
  Inline in;
  if (!paragraph_inline(&in, c, node, from, FALSE)) {
    inline_clear(&in);
    return;
  }
  /* Pango indents every paragraph of a layout: no indent where a hard break splits it. */
  TextLook look = body_look(c, c->indent_next && !f->tight && !in.hard_break);
  Item *it = paragraph_item(c, f, node, from, &in, &look);
  it->space_before = f->tight || c->indent_next ? 0 : c->line * c->env->style->paragraph_space;
  push(c, it);
  c->indent_next = TRUE;
  inline_clear(&in);
}

/* ---- headings ---- */

static double heading_size(const PrintStyle *st, int level) {
  return level <= 2 ? st->h2_size : level == 3 ? st->h3_size : st->h4_size;
}

static void heading(Ctx *c, const Frame *f, cmark_node *node) {
  const PrintStyle *st = c->env->style;
  Heading *h = g_hash_table_lookup(c->ch->heading_by_node, node);
  if (h && h == c->ch->title_heading)
    return; /* the chapter opening is drawn from the title; see chapter_opening() */
  int base = c->ch->title_heading ? c->ch->title_heading->level : 1;
  int level = cmark_node_get_heading_level(node) - base + 1; /* 2 for a section */
  Inline in;
  double size = heading_size(st, level);
  inline_init(&in, c, size, FALSE);
  inline_children(&in, node);
  TextLook look = {.family = st->font_heading,
                   .size = size,
                   .weight = PANGO_WEIGHT_BOLD,
                   .slant = PANGO_STYLE_NORMAL,
                   .align = PANGO_ALIGN_LEFT,
                   .leading = st->heading_leading};
  Item *it = text_item(c, f, &in, &look, cmark_node_get_start_line(node));
  it->space_before = c->line * st->heading_space_before * (level <= 2 ? 1.0 : st->minor_space);
  it->space_after = c->line * st->heading_space_after;
  it->keep_with_next = TRUE;
  if (h) {
    char *dest = layout_dest_name(c->ch, h);
    g_ptr_array_add(it->dests, dest);
    /* Sections (and sub-groups' sections) go into the outline and the contents. */
    if (level <= 3 && c->depth == 0) {
      it->heading_level = level;
      it->outline_title = g_strdup(h->text);
      it->outline_dest = g_strdup(dest);
    }
  }
  push(c, it);
  c->indent_next = FALSE;
  inline_clear(&in);
}

/* ---- code ---- */

static void set_ink(PangoAttrList *attrs, const InkStyle *ink, guint start, guint end) {
  PangoAttribute *a =
      pango_attr_foreground_new((guint16)(ink->colour.r * 65535), (guint16)(ink->colour.g * 65535),
                                (guint16)(ink->colour.b * 65535));
  a->start_index = start;
  a->end_index = end;
  pango_attr_list_insert(attrs, a);
  if (ink->bold) {
    a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
    a->start_index = start;
    a->end_index = end;
    pango_attr_list_insert(attrs, a);
  }
  if (ink->italic) {
    a = pango_attr_style_new(PANGO_STYLE_OBLIQUE);
    a->start_index = start;
    a->end_index = end;
    pango_attr_list_insert(attrs, a);
  }
}

/* The advance of a character in `layout`'s font (the code face, monospaced), measured: the
 * face is a style key, so no one face's width may be assumed. A laid-out digit, because
 * pango_font_metrics_get_approximate_digit_width() comes back in whole points here (5 for the
 * 4.82 of DejaVu Sans Mono at 8 pt). */
static double mono_advance(PangoLayout *layout) {
  g_autoptr(PangoLayout) probe = pango_layout_copy(layout);
  pango_layout_set_text(probe, "0", 1);
  int w, h;
  pango_layout_get_size(probe, &w, &h);
  return w / (double)PANGO_SCALE;
}

static void code_block(Ctx *c, const Frame *f, cmark_node *node) {
  const PrintStyle *st = c->env->style;
  const CodeBlock *b = g_hash_table_lookup(c->ch->code_by_node, node);
  const char *code = cmark_node_get_literal(node);
  gsize len = code ? strlen(code) : 0;
  while (len && code[len - 1] == '\n')
    len--;
  double size = c->body * st->code_size;
  Item *it = item_new(ITEM_CODE);
  it->x = f->x;
  it->width = f->width;
  it->source_line = cmark_node_get_start_line(node);
  it->space_before = it->space_after = c->line * st->block_space;
  it->pad_top = it->pad_bottom = st->code_padding * st->code_vpadding;
  it->layout = pango_layout_new(c->env->context);
  g_autoptr(PangoFontDescription) fd =
      layout_font(st, st->font_mono, size, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
  pango_layout_set_font_description(it->layout, fd);
  double char_w = it->char_width = mono_advance(it->layout);
  double gutter = st->line_numbers ? char_w * st->code_gutter : 0;
  pango_layout_set_width(it->layout,
                         (int)((f->width - 2 * st->code_padding - gutter) * PANGO_SCALE));
  pango_layout_set_wrap(it->layout, PANGO_WRAP_WORD_CHAR);
  /* A hanging indent: continuations start further in, the ↪ drawn in front of them. */
  pango_layout_set_indent(it->layout, -(int)(char_w * st->code_hang * PANGO_SCALE));
  pango_layout_set_line_spacing(it->layout, (float)st->code_leading);
  PangoAttrList *attrs = pango_attr_list_new();
  PangoAttribute *nohy = pango_attr_insert_hyphens_new(FALSE);
  pango_attr_list_insert(attrs, nohy);
  pango_attr_list_insert(attrs, pango_attr_font_features_new("liga 0, calt 0, kern 0"));
  g_autoptr(GArray) toks = highlight_tokens(b ? b->lang : "", code ? code : "", len);
  for (guint i = 0; i < toks->len; i++) {
    HighlightToken *t = &g_array_index(toks, HighlightToken, i);
    set_ink(attrs, &st->ink[t->cls], t->start, t->start + t->len);
  }
  pango_layout_set_attributes(it->layout, attrs);
  pango_attr_list_unref(attrs);
  pango_layout_set_text(it->layout, code ? code : "", (int)len);
  layout_measure_lines(it);
  /* Mark continuation lines (a wrap inside one source line) and number source lines. */
  GSList *lines = pango_layout_get_lines_readonly(it->layout);
  int source_line = 0;
  guint k = 0;
  for (GSList *l = lines; l && k < it->lines->len; l = l->next, k++) {
    PangoLayoutLine *line = l->data;
    LineBox *lb = &g_array_index(it->lines, LineBox, k);
    lb->continuation = !line->is_paragraph_start;
    if (line->is_paragraph_start)
      source_line++;
    lb->source_line = source_line;
  }
  check_glyphs(c, it->layout, "code block", it->source_line);
  push(c, it);
  c->indent_next = FALSE;
}

/* ---- lists ---- */

static void blocks(Ctx *c, const Frame *f, cmark_node *first);

static PangoLayout *marker_layout(Ctx *c, const char *text, double size, const char *family) {
  PangoLayout *l = pango_layout_new(c->env->context);
  g_autoptr(PangoFontDescription) fd =
      layout_font(c->env->style, family, size, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
  pango_layout_set_font_description(l, fd);
  pango_layout_set_text(l, text, -1);
  return l;
}

static void list(Ctx *c, const Frame *f, cmark_node *node) {
  const PrintStyle *st = c->env->style;
  gboolean ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
  gboolean tight = cmark_node_get_list_tight(node);
  int number = cmark_node_get_list_start(node);
  static const char *const bullets[] = {"•", "◦", "–"};
  Frame inner = *f;
  double indent = st->list_indent * (ordered ? st->number_indent : 1.0);
  inner.x = f->x + indent;
  inner.width = f->width - indent;
  inner.tight = TRUE;
  inner.list_level = f->list_level + 1;
  guint before = c->cl->items->len;
  for (cmark_node *item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
    guint first = c->cl->items->len;
    c->indent_next = FALSE;
    blocks(c, &inner, cmark_node_first_child(item));
    if (c->cl->items->len == first)
      continue;
    Item *head = c->cl->items->pdata[first];
    g_autofree char *mark = NULL;
    const char *family = st->font_body;
    const char *type = cmark_node_get_type_string(item);
    if (type && strcmp(type, "tasklist") == 0) {
      gboolean checked = cmark_gfm_extensions_get_tasklist_item_checked(item);
      mark = g_strdup(checked ? "☑" : "☐");
      family = st->font_fallback;
    } else if (ordered) {
      mark = g_strdup_printf("%d.", number++);
    } else {
      mark = g_strdup(bullets[f->list_level % 3]);
    }
    head->marker = marker_layout(c, mark, c->body, family);
    PangoRectangle ink;
    pango_layout_get_extents(head->marker, NULL, &ink);
    head->marker_x = inner.x - ink.width / (double)PANGO_SCALE - c->body * st->marker_gap;
    if (!tight && first > before)
      head->space_before = MAX(head->space_before, c->line * st->item_space);
  }
  if (c->cl->items->len > before) {
    Item *first = c->cl->items->pdata[before];
    Item *last = c->cl->items->pdata[c->cl->items->len - 1];
    if (f->list_level == 0) {
      first->space_before = MAX(first->space_before, c->line * st->block_space * st->list_space);
      last->space_after = MAX(last->space_after, c->line * st->block_space * st->list_space);
    }
  }
  c->indent_next = FALSE;
}

/* ---- containers: block quotes and callouts ---- */

static void label_item(Ctx *c, const Frame *f, const Callout *co) {
  const PrintStyle *st = c->env->style;
  Inline in;
  double size = c->body * st->label_size;
  inline_init(&in, c, size, FALSE);
  g_autofree char *label = g_ascii_strup(callout_kind_label(co->kind), -1);
  g_string_append(in.text, label);
  gsize label_end = in.text->len;
  if (co->title) {
    g_string_append(in.text, co->kind == CALLOUT_DIAGRAM ? "  ◇  " : "  ·  ");
    append_text(&in, co->title, FALSE);
  }
  Rgb a = st->callouts[co->kind].accent;
  add_attr(&in,
           pango_attr_foreground_new((guint16)(a.r * 65535), (guint16)(a.g * 65535),
                                     (guint16)(a.b * 65535)),
           0, label_end);
  add_attr(&in, pango_attr_letter_spacing_new((int)(st->label_tracking * size * PANGO_SCALE)), 0,
           label_end);
  TextLook look = {.family = st->font_heading,
                   .size = size,
                   .weight = PANGO_WEIGHT_BOLD,
                   .slant = PANGO_STYLE_NORMAL,
                   .align = PANGO_ALIGN_LEFT,
                   .leading = st->label_leading};
  Item *it = text_item(c, f, &in, &look, co->line);
  it->keep_with_next = TRUE;
  it->space_after = c->line * st->label_space;
  push(c, it);
  inline_clear(&in);
}

static void container(Ctx *c, const Frame *f, cmark_node *node, const Callout *co) {
  const PrintStyle *st = c->env->style;
  if (co && co->kind == CALLOUT_OUTLINE && !c->env->draft)
    return;
  Container box = {
      co ? co->kind : CALLOUT_KIND_COUNT, c->cl->items->len, 0, f->x, f->width, c->depth};
  Frame inner = *f;
  double pad = co ? st->callout_padding : 0;
  double left = co ? st->callout_rule + pad * st->callout_inset : st->quote_indent;
  inner.x = f->x + left;
  inner.width = f->width - left - pad;
  inner.tight = FALSE;
  c->depth++;
  c->indent_next = FALSE;
  if (co) {
    label_item(c, &inner, co);
    if (co->first_content) {
      paragraph(c, &inner, co->marker, co->first_content);
    }
    blocks(c, &inner, cmark_node_next(co->marker));
  } else {
    blocks(c, &inner, cmark_node_first_child(node));
  }
  c->depth--;
  if (c->cl->items->len == box.first)
    return;
  box.last = c->cl->items->len - 1;
  Item *first = c->cl->items->pdata[box.first];
  Item *last = c->cl->items->pdata[box.last];
  first->space_before = c->line * st->block_space;
  last->space_after = MAX(last->space_after, c->line * st->block_space);
  if (co) {
    first->pad_top += pad;
    last->pad_bottom += pad;
  }
  g_array_append_val(c->cl->containers, box);
  c->indent_next = FALSE;
}

/* Outer containers before the inner ones they hold, for drawing under them. */
static gint container_cmp_depth(gconstpointer a, gconstpointer b) {
  const Container *x = a, *y = b;
  return (x->depth > y->depth) - (x->depth < y->depth);
}

/* ---- tables ---- */

/* A cell's text; its links are moved into `links`. */
static PangoLayout *cell_layout(Ctx *c, cmark_node *cell, gboolean header, double size,
                                GArray *links) {
  const PrintStyle *st = c->env->style;
  Inline in;
  inline_init(&in, c, size, FALSE);
  inline_children(&in, cell);
  PangoLayout *l = pango_layout_new(c->env->context);
  g_autoptr(PangoFontDescription) fd =
      layout_font(st, header ? st->font_heading : st->font_body, size,
                  header ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
  pango_layout_set_font_description(l, fd);
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_line_spacing(l, (float)st->table_leading);
  pango_layout_set_attributes(l, in.attrs);
  pango_layout_set_text(l, in.text->str, (int)in.text->len);
  g_array_append_vals(links, in.links->data, in.links->len);
  g_array_set_size(in.links, 0);
  inline_clear(&in);
  return l;
}

/* The longest word a column must fit whole, in ems of the table's text: longer ones (URLs,
 * long identifiers) may break inside. 12 ems hold an 18-character identifier in the code face,
 * such as `gc.get_threshold()` in a header; at 8 ems it broke before its parentheses. */
#define CELL_WORD_MAX_EM 12

/* Natural widths filling more than this share of the measure are stretched to fill it (see
 * layout_column_widths); a rule of the column balancer, tested as such, not a style key. */
#define STRETCH_FROM 0.7

/* The narrowest a cell can be without breaking inside a word: its longest word. */
static double cell_min_width(PangoLayout *l) {
  int w, h;
  pango_layout_set_wrap(l, PANGO_WRAP_WORD);
  pango_layout_set_width(l, 1);
  pango_layout_get_size(l, &w, &h);
  pango_layout_set_width(l, -1);
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  return w / (double)PANGO_SCALE;
}

double *layout_column_widths(const double *natural, const double *minimal, guint ncols,
                             double measure) {
  double total_nat = 0, total_min = 0;
  for (guint i = 0; i < ncols; i++) {
    total_nat += natural[i];
    total_min += minimal[i];
  }
  double *width = g_new0(double, ncols);
  for (guint i = 0; i < ncols; i++) {
    if (total_nat <= measure)
      width[i] =
          natural[i] +
          (total_nat > measure * STRETCH_FROM ? (measure - total_nat) * natural[i] / total_nat : 0);
    else if (total_min >= measure)
      width[i] = measure * minimal[i] / total_min;
    else
      width[i] = minimal[i] + (measure - total_min) * (natural[i] - minimal[i]) /
                                  MAX(total_nat - total_min, 1e-6);
  }
  return width;
}

/* Sets the row's cells to their column widths, lines up their first baselines and returns
 * the row's text height. */
static double row_cells(Item *it, GPtrArray *layouts, GPtrArray *links, guint row, guint ncols,
                        const double *width, const uint8_t *align, double pad) {
  double x = 0, height = 0, top_base = 0;
  for (guint col = 0; col < ncols; col++) {
    PangoLayout *l = layouts->pdata[row * ncols + col];
    if (l) {
      Cell *cell = g_new0(Cell, 1);
      cell->layout = g_object_ref(l);
      cell->links = g_array_ref(links->pdata[row * ncols + col]);
      cell->x = x;
      cell->width = width[col];
      pango_layout_set_width(l, (int)((width[col] - 2 * pad) * PANGO_SCALE));
      PangoAlignment a = align && align[col] == 'r'   ? PANGO_ALIGN_RIGHT
                         : align && align[col] == 'c' ? PANGO_ALIGN_CENTER
                                                      : PANGO_ALIGN_LEFT;
      pango_layout_set_alignment(l, a);
      top_base = MAX(top_base, pango_layout_get_baseline(l) / (double)PANGO_SCALE);
      g_ptr_array_add(it->cells, cell);
    }
    x += width[col];
  }
  for (guint i = 0; i < it->cells->len; i++) {
    Cell *cell = it->cells->pdata[i];
    int w, h;
    pango_layout_get_size(cell->layout, &w, &h);
    cell->dy = top_base - pango_layout_get_baseline(cell->layout) / (double)PANGO_SCALE;
    height = MAX(height, cell->dy + h / (double)PANGO_SCALE);
  }
  return height;
}

static void table(Ctx *c, const Frame *f, cmark_node *node) {
  const PrintStyle *st = c->env->style;
  double size = c->body * st->table_size, pad = st->table_padding;
  guint ncols = cmark_gfm_extensions_get_table_columns(node);
  if (ncols == 0)
    return;
  uint8_t *align = cmark_gfm_extensions_get_table_alignments(node);
  g_autoptr(GPtrArray) rows = g_ptr_array_new();
  for (cmark_node *r = cmark_node_first_child(node); r; r = cmark_node_next(r))
    g_ptr_array_add(rows, r);
  /* Natural and minimal (longest word) widths per column. */
  g_autofree double *natural = g_new0(double, ncols);
  g_autofree double *minimal = g_new0(double, ncols);
  g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func(g_object_unref);
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
  for (guint r = 0; r < rows->len; r++) {
    gboolean header = cmark_gfm_extensions_get_table_row_is_header(rows->pdata[r]);
    guint col = 0;
    for (cmark_node *cell = cmark_node_first_child(rows->pdata[r]); cell && col < ncols;
         cell = cmark_node_next(cell), col++) {
      GArray *cell_links = g_array_new(FALSE, TRUE, sizeof(LinkSpan));
      PangoLayout *l = cell_layout(c, cell, header, size, cell_links);
      check_glyphs(c, l, "table cell", cmark_node_get_start_line(cell));
      int w, h;
      pango_layout_get_size(l, &w, &h);
      natural[col] = MAX(natural[col], w / (double)PANGO_SCALE + 2 * pad);
      minimal[col] = MAX(minimal[col], MIN(cell_min_width(l), size * CELL_WORD_MAX_EM) + 2 * pad);
      g_ptr_array_add(layouts, l);
      g_ptr_array_add(links, cell_links);
    }
    for (; col < ncols; col++) {
      g_ptr_array_add(layouts, NULL);
      g_ptr_array_add(links, NULL);
    }
  }
  g_autofree double *width = layout_column_widths(natural, minimal, ncols, f->width);
  double table_width = 0;
  for (guint i = 0; i < ncols; i++)
    table_width += width[i];
  Item *header_row = NULL;
  for (guint r = 0; r < rows->len; r++) {
    gboolean is_header = cmark_gfm_extensions_get_table_row_is_header(rows->pdata[r]);
    Item *it = item_new(ITEM_TABLE_ROW);
    it->x = f->x + MAX(f->width - table_width, 0) / 2; /* a narrow table is centred */
    it->width = MIN(table_width, f->width);
    it->source_line = cmark_node_get_start_line(rows->pdata[r]);
    it->cells = g_ptr_array_new();
    it->is_header = is_header;
    it->zebra = st->table_zebra && !is_header && r % 2 == 0;
    it->rule_below = is_header || r + 1 == rows->len ? st->table_rule_width : 0;
    double height = row_cells(it, layouts, links, r, ncols, width, align, pad);
    LineBox lb = {.top = 0, .height = height + 2 * pad, .baseline = pad};
    g_array_append_val(it->lines, lb);
    if (is_header)
      header_row = it;
    else
      it->header = header_row;
    if (r == 0)
      it->space_before = c->line * st->block_space;
    if (r + 1 == rows->len)
      it->space_after = c->line * st->block_space;
    if (r + 1 < rows->len && rows->len <= 4)
      it->keep_with_next = TRUE; /* short tables stay whole */
    push(c, it);
  }
  if (header_row)
    header_row->keep_with_next = TRUE;
  c->indent_next = FALSE;
}

/* ---- images ---- */

/* JPEG dimensions from its SOF marker, for embedding the file as is (cairo's mime data). */
static gboolean jpeg_size(const guchar *d, gsize n, int *w, int *h) {
  gsize i = 2;
  while (i + 9 < n) {
    if (d[i] != 0xFF)
      return FALSE;
    guchar m = d[i + 1];
    gsize len = ((gsize)d[i + 2] << 8) | d[i + 3];
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      *h = (d[i + 5] << 8) | d[i + 6];
      *w = (d[i + 7] << 8) | d[i + 8];
      return *w > 0 && *h > 0;
    }
    i += 2 + len;
  }
  return FALSE;
}

static cairo_surface_t *load_image(const char *path) {
  g_autofree char *lower = g_ascii_strdown(path, -1);
  if (g_str_has_suffix(lower, ".png")) {
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS)
      return s;
    cairo_surface_destroy(s);
    return NULL;
  }
  if (g_str_has_suffix(lower, ".jpg") || g_str_has_suffix(lower, ".jpeg")) {
    gchar *data = NULL;
    gsize len = 0;
    int w, h;
    if (!g_file_get_contents(path, &data, &len, NULL))
      return NULL;
    /* `check` holds images to the book's limits (book.h); this writer embeds nothing past them
     * either, whatever its own reading of the header finds. */
    if (!jpeg_size((guchar *)data, len, &w, &h) || w > BOOK_MAX_IMAGE_SIDE ||
        h > BOOK_MAX_IMAGE_SIDE || (guint64)w * (guint64)h > BOOK_MAX_IMAGE_PIXELS) {
      g_free(data);
      return NULL;
    }
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, (guchar *)data, len, g_free, data);
    return s;
  }
  return NULL;
}

static gboolean figure(Ctx *c, const Frame *f, cmark_node *para) {
  cmark_node *img = cmark_node_first_child(para);
  if (!img || cmark_node_next(img) || cmark_node_get_type(img) != CMARK_NODE_IMAGE)
    return FALSE;
  const char *url = cmark_node_get_url(img);
  g_autofree char *dir = g_path_get_dirname(c->ch->path);
  g_autofree char *unescaped = g_uri_unescape_string(url ? url : "", NULL);
  g_autofree char *norm = unescaped ? path_normalize(dir, unescaped) : NULL;
  g_autofree char *full = norm ? g_build_filename(c->env->book->manuscript_dir, norm, NULL) : NULL;
  cairo_surface_t *surface = full ? load_image(full) : NULL;
  if (!surface) {
    warn(c, cmark_node_get_start_line(para), "image-format",
         "image '%s' is not a PNG or JPEG the PDF writer can embed; its alt text is shown", url);
    return FALSE;
  }
  Item *it = item_new(ITEM_IMAGE);
  double w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
  double scale = MIN(f->width / w, c->env->text_height * c->env->style->image_max_height / h);
  scale = MIN(scale, c->env->style->image_max_scale); /* small images are not blown up */
  it->image = surface;
  it->image_w = w * scale;
  it->image_h = h * scale;
  it->x = f->x + (f->width - it->image_w) / 2;
  it->width = it->image_w;
  it->source_line = cmark_node_get_start_line(para);
  it->space_before = it->space_after = c->line * c->env->style->block_space;
  LineBox lb = {.top = 0, .height = it->image_h, .baseline = it->image_h};
  g_array_append_val(it->lines, lb);
  push(c, it);
  const char *title = cmark_node_get_title(img);
  if (title && *title) {
    Inline in;
    inline_init(&in, c, c->body * c->env->style->caption_size, TRUE);
    inline_children(&in, img);
    TextLook look = body_look(c, FALSE);
    look.size = c->body * c->env->style->caption_size;
    look.slant = PANGO_STYLE_ITALIC;
    look.align = PANGO_ALIGN_CENTER;
    look.justify = FALSE;
    Item *cap = text_item(c, f, &in, &look, it->source_line);
    cap->space_after = c->line * c->env->style->block_space;
    it->keep_with_next = TRUE;
    it->space_after = c->line * c->env->style->caption_space;
    push(c, cap);
    inline_clear(&in);
  }
  c->indent_next = FALSE;
  return TRUE;
}

/* Raw HTML blocks: their text, as a plain paragraph (print has no HTML). */

/* The text a parsed raw HTML node shows, into `out`; elements no output shows (rawhtml.h) are
 * left out, each with a warning. */
static void html_text(Ctx *c, xmlNodePtr n, int line, GString *out) {
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      g_string_append(out, (const char *)n->content);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE)
      continue;
    g_autofree char *name = g_ascii_strdown((const char *)n->name, -1);
    if (rawhtml_dropped(name)) {
      /* The parser puts a leading <style> or <script> into a <head> of its own: name those. */
      gboolean implied_head = strcmp(name, "head") == 0 && n->children;
      for (xmlNodePtr e = implied_head ? n->children : n; e; e = implied_head ? e->next : NULL)
        if (e->type == XML_ELEMENT_NODE)
          warn(c, line + (e->line > 1 ? (int)e->line - 1 : 0), "raw-html",
               "raw HTML element <%s> is not printed in the PDF", (const char *)e->name);
      continue;
    }
    if (strcmp(name, "img") == 0) {
      xmlChar *src = xmlGetProp(n, (const xmlChar *)"src"),
              *alt = xmlGetProp(n, (const xmlChar *)"alt");
      raw_img_unprinted(c, line + (n->line > 1 ? (int)n->line - 1 : 0), (const char *)src);
      if (alt)
        g_string_append(out, (const char *)alt);
      xmlFree(src);
      xmlFree(alt);
      continue;
    }
    html_text(c, n->children, line, out);
  }
}

static void html_block(Ctx *c, const Frame *f, cmark_node *node) {
  const char *html = cmark_node_get_literal(node);
  int line = cmark_node_get_start_line(node);
  g_autoptr(GString) shown = g_string_new(NULL);
  g_autofree char *cdata = rawhtml_cdata_text(html);
  if (cdata) {
    g_string_append(shown, cdata);
  } else {
    htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!doc)
      return;
    html_text(c, xmlDocGetRootElement(doc), line, shown);
    xmlFreeDoc(doc);
  }
  g_strstrip(shown->str);
  if (!*shown->str)
    return;
  Inline in;
  inline_init(&in, c, c->body, TRUE);
  append_text(&in, shown->str, FALSE);
  TextLook look = body_look(c, FALSE);
  Item *it = text_item(c, f, &in, &look, line);
  it->space_before = c->line * c->env->style->paragraph_space;
  push(c, it);
  inline_clear(&in);
}

static void rule(Ctx *c, const Frame *f) {
  Item *it = item_new(ITEM_RULE);
  it->x = f->x;
  it->width = f->width;
  LineBox lb = {.top = 0, .height = c->line, .baseline = c->line / 2};
  g_array_append_val(it->lines, lb);
  it->space_before = it->space_after = c->line * c->env->style->break_space;
  push(c, it);
  c->indent_next = FALSE;
}

static void block(Ctx *c, const Frame *f, cmark_node *n) {
  cmark_node_type t = cmark_node_get_type(n);
  if (t == CMARK_NODE_TABLE) {
    table(c, f, n);
    return;
  }
  switch (t) {
  case CMARK_NODE_PARAGRAPH:
    if (!figure(c, f, n))
      paragraph(c, f, n, NULL);
    break;
  case CMARK_NODE_HEADING:
    heading(c, f, n);
    break;
  case CMARK_NODE_CODE_BLOCK:
    code_block(c, f, n);
    break;
  case CMARK_NODE_LIST:
    list(c, f, n);
    break;
  case CMARK_NODE_BLOCK_QUOTE:
    container(c, f, n, g_hash_table_lookup(c->ch->callout_by_node, n));
    break;
  case CMARK_NODE_THEMATIC_BREAK:
    rule(c, f);
    break;
  case CMARK_NODE_HTML_BLOCK:
    html_block(c, f, n);
    break;
  default: /* footnote definitions are laid out with their page; others have no print form */
    break;
  }
}

static void blocks(Ctx *c, const Frame *f, cmark_node *first) {
  for (cmark_node *n = first; n; n = cmark_node_next(n))
    block(c, f, n);
}

/* ---- footnotes ---- */

static void footnotes(Ctx *c) {
  const PrintStyle *st = c->env->style;
  double size = c->body * st->footnote_size;
  for (guint i = 0; i < c->ch->notes->len; i++) {
    const Note *note = c->ch->notes->pdata[i];
    cmark_node *n = note->def;
    Footnote *fn = g_new0(Footnote, 1);
    fn->number = note->number;
    g_autofree char *base = layout_dest_name(c->ch, NULL);
    fn->dest = g_strdup_printf("%s/fn-%d", base, fn->number);
    Inline in;
    inline_init(&in, c, size, TRUE);
    g_string_append_printf(in.text, "%d\xE2\x80\x82", fn->number); /* en space */
    add_attr(&in, pango_attr_weight_new(PANGO_WEIGHT_BOLD), 0, in.text->len);
    /* The note's blocks, each on a line of its own: paragraphs with their markup, code in the
     * code face with its line breaks, other blocks as their plain text. */
    gboolean first = TRUE;
    for (cmark_node *p = cmark_node_first_child(n); p; p = cmark_node_next(p)) {
      if (!first)
        g_string_append_c(in.text, '\n');
      first = FALSE;
      cmark_node_type type = cmark_node_get_type(p);
      if (type == CMARK_NODE_PARAGRAPH) {
        inline_children(&in, p);
      } else if (type == CMARK_NODE_CODE_BLOCK) {
        const char *code = cmark_node_get_literal(p);
        gsize start = in.text->len;
        g_string_append(in.text, code ? code : "");
        while (in.text->len > start && in.text->str[in.text->len - 1] == '\n')
          g_string_truncate(in.text, in.text->len - 1);
        add_attr(&in, pango_attr_family_new(st->font_mono), start, in.text->len);
      } else {
        g_autofree char *plain = text_plain(p);
        append_text(&in, plain, FALSE);
      }
    }
    fn->layout = pango_layout_new(c->env->context);
    g_autoptr(PangoFontDescription) fd =
        layout_font(st, st->font_body, size, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(fn->layout, fd);
    pango_layout_set_width(fn->layout, (int)(c->env->measure * PANGO_SCALE));
    pango_layout_set_wrap(fn->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_justify(fn->layout, st->justify);
    pango_layout_set_line_spacing(fn->layout, (float)st->leading);
    pango_layout_set_attributes(fn->layout, in.attrs);
    pango_layout_set_text(fn->layout, in.text->str, (int)in.text->len);
    check_glyphs(c, fn->layout, "footnote", cmark_node_get_start_line(n));
    int w, h;
    pango_layout_get_size(fn->layout, &w, &h);
    fn->height = h / (double)PANGO_SCALE + size * st->note_space;
    fn->links = g_array_new(FALSE, TRUE, sizeof(LinkSpan));
    g_array_append_vals(fn->links, in.links->data, in.links->len);
    g_array_set_size(in.links, 0);
    g_ptr_array_add(c->cl->footnotes, fn);
    inline_clear(&in);
  }
}

/* The opening display: a dropped "CHAPTER 3" label and the title, with the chapter's
 * destinations and its outline entry. */
static void chapter_opening(Ctx *c, const Frame *f) {
  const PrintStyle *st = c->env->style;
  ChapterLayout *cl = c->cl;
  double drop = c->env->text_height * st->chapter_drop;
  if (cl->number) {
    Inline in;
    inline_init(&in, c, st->chapter_number_size, FALSE);
    g_string_append_printf(in.text, "CHAPTER %s", cl->number);
    add_attr(&in,
             pango_attr_letter_spacing_new(
                 (int)(st->chapter_number_tracking * st->chapter_number_size * PANGO_SCALE)),
             0, in.text->len);
    TextLook look = {st->font_heading,
                     st->chapter_number_size,
                     PANGO_WEIGHT_NORMAL,
                     PANGO_STYLE_NORMAL,
                     PANGO_ALIGN_LEFT,
                     FALSE,
                     0,
                     st->heading_leading};
    Item *label = text_item(c, f, &in, &look, 1);
    label->pad_top = drop;
    label->keep_with_next = TRUE;
    label->space_after = st->chapter_number_size * st->chapter_number_space;
    push(c, label);
    inline_clear(&in);
    drop = 0;
  }
  Inline in;
  inline_init(&in, c, st->chapter_size, FALSE);
  append_text(&in, cl->title, FALSE);
  TextLook look = {st->font_heading,
                   st->chapter_size,
                   PANGO_WEIGHT_BOLD,
                   PANGO_STYLE_NORMAL,
                   PANGO_ALIGN_LEFT,
                   FALSE,
                   0,
                   st->chapter_leading};
  Item *title = text_item(c, f, &in, &look, c->ch->title_heading ? c->ch->title_heading->line : 1);
  title->pad_top = drop;
  title->pad_bottom = c->line * st->chapter_rule_gap;
  title->space_after = c->line * st->chapter_space_after;
  title->chapter_title = TRUE;
  title->keep_with_next = TRUE;
  title->heading_level = 1;
  g_ptr_array_add(title->dests, g_strdup(cl->dest));
  if (c->ch->title_heading)
    g_ptr_array_add(title->dests, layout_dest_name(c->ch, c->ch->title_heading));
  title->outline_title = g_strdup(c->ch->toc ? c->ch->toc->title : cl->title);
  title->outline_dest = g_strdup(cl->dest);
  push(c, title);
  inline_clear(&in);
  c->indent_next = FALSE;
}

ChapterLayout *chapter_layout_new(const LayoutEnv *env, const Chapter *chapter) {
  ChapterLayout *cl = g_new0(ChapterLayout, 1);
  cl->chapter = chapter;
  cl->items = g_ptr_array_new_with_free_func(item_free);
  cl->containers = g_array_new(FALSE, TRUE, sizeof(Container));
  cl->footnotes = g_ptr_array_new_with_free_func(footnote_free);
  cl->dest = layout_dest_name(chapter, NULL);
  cl->number = chapter->toc ? chapter->toc->label : NULL;
  cl->title = chapter->toc ? chapter->toc->bare_title : chapter->title ? chapter->title : "";
  Ctx c = {env, chapter, cl, env->paper->body_size, 0, 0, FALSE};
  c.line = c.body * env->style->leading;
  Frame f = {0, env->measure, FALSE, 0};
  footnotes(&c);
  chapter_opening(&c, &f);
  blocks(&c, &f, cmark_node_first_child(chapter->doc));
  g_array_sort(cl->containers, container_cmp_depth); /* stable: closing order within a depth */
  return cl;
}
