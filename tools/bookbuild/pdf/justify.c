/* justify.c: a paragraph's text set as a PangoLayout (see layoutint.h): justified text broken
 * into lines by total fit (Knuth-Plass) over Pango's shaping, its spaces and font expansion set
 * line by line, punctuation hung into the margins (as microtype does), its texture noted for
 * pdf --verbose; ragged text broken by Pango, soft hyphens it did not use removed; overfull
 * lines warned about, lines measured into an Item. Drawing the expanded glyphs is render.c's. */
#include "pdf/layoutint.h"

#include <math.h>
#include <string.h>

#define SOFT_HYPHEN "\xC2\xAD"
#define OVERFULL_SLACK 1.5 /* points of ink past the measure before a line warns as overfull: */
                           /* glyph side bearings may poke out a little (an italic capital */
                           /* ending a line filled to the measure: 1.1 pt at 10 pt) */

/* Missing glyphs and lines wider than the measure, reported at the block's source line. A
 * glyph hung into the margin on purpose (LineBox.hang) is not overfull. */
static void check_layout(Ctx *c, const Item *it, double width, int source_line) {
  PangoLayout *layout = it->layout;
  layout_check_glyphs(c, layout, "block", source_line);
  /* Ink, not logical extents: a line's logical width includes the space it broke at. */
  PangoLayoutIter *iter = pango_layout_get_iter(layout);
  guint k = 0;
  do {
    PangoRectangle ink;
    pango_layout_iter_get_line_extents(iter, &ink, NULL);
    double hang = k < it->lines->len ? g_array_index(it->lines, LineBox, k).hang : 0;
    k++;
    double over = (ink.x + ink.width) / (double)PANGO_SCALE - width - hang;
    if (over > OVERFULL_SLACK) {
      layout_warn(c, source_line, "overfull", "a line is %.1f pt wider than the measure", over);
      break;
    }
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
}

static gboolean soft_hyphen_at(const GString *text, int i) {
  return i >= 0 && (gsize)i + 2 <= text->len && memcmp(text->str + i, SOFT_HYPHEN, 2) == 0;
}

/* ---- total-fit line breaking (Knuth and Plass, "Breaking paragraphs into lines", 1981) ----
 *
 * The paragraph is shaped once on one unbroken line (per hard break); its break opportunities
 * come from Pango's log attributes (spaces, soft hyphens libhyphen put in, explicit hyphens,
 * the zero-width spaces inline.c puts in code spans and URLs). A word space is glue: its
 * natural width, stretch 1/2 and shrink 1/3 of it, as TeX models it; the glyphs of
 * proportional faces add 2% of their width to both (font expansion, pdfTeX's model), and a
 * line's measure grows by what its first and last characters may hang into the margins
 * (justify_protrusion). The breaks with the fewest total demerits are chosen, then Pango sets
 * the text with line breaks allowed only there, and each line's glyphs and spaces are set to
 * fill the measure (set_spaces). Every break is
 * feasible unless overfull, but badness grows with the cube of the stretch, so a loose line is
 * chosen only when nothing tighter exists; the active nodes are those less than a line behind,
 * so the work is linear in the paragraph's length. A paragraph is also set, where it can be
 * within TeX's tolerance, one line longer and one line shorter (TeX's \looseness), for the page
 * breaker to choose where a page would otherwise end short (layout_variant()). */
#define LINE_PENALTY 10.0    /* TeX's \linepenalty */
#define HYPHEN_PENALTY 100.0 /* TeX's 50 ended 8% of the book's lines in a hyphen; 100: 5% */
#define CODE_PENALTY 100.0   /* a break inside a code span or URL */
#define CAMEL_PENALTY 1000.0 /* one inside a name, before its capital (`Recursion|Error`): */
                             /* its 1e6 demerits are more than any line with spaces within */
                             /* MAX_SPACE costs, less than one that stops short */
#define ADJ_DEMERITS 10000.0
#define DOUBLE_HYPHEN_DEMERITS 10000.0
#define FINAL_HYPHEN_DEMERITS 5000.0
#define STRETCH 0.5        /* of a space's natural width */
#define SHRINK (1.0 / 3.0) /* of a space's natural width */
#define MAX_SPACE 2.0      /* set_spaces: no space wider than this many natural ones */
#define OVERFULL_DEMERITS 1e12
#define SHORT_DEMERITS 1e8   /* a line that stops short: a hundred lines with spaces at MAX_SPACE */
#define SHORT_SCALE 30.0     /* points short that cost one SHORT_DEMERITS more */
#define EXPAND 0.02          /* font expansion: a line's glyphs widened or narrowed by up to 2% */
#define EXPAND_STEP 0.005    /* in steps of 0.5% (microtype's default step) */
#define FONT_SHARE 2.0       /* the glyphs' weight against the spaces' when a line is set */
#define VARIANT_LINES 3      /* paragraphs of this many lines or more get a variant one line */
                             /* longer, and of more lines one line shorter, */
#define VARIANT_MAX_LINES 24 /* up to this many (a variant's work grows with the square of the */
                             /* lines: their count is told apart at every break), */
#define VARIANT_STRETCH 1.26 /* their lines stretched no more than TeX's tolerance (200), */
#define VARIANT_SHRINK (-1.0) /* shrunk no more than TeX's glue shrinks, */
#define VARIANT_LAST 0.2      /* and their last line filling this share of the measure at least; */
#define VARIANT_FULL 0.8      /* a line of one holds no less natural width than this share of */
#define VARIANT_OVER 1.1      /* the measure and no more than this (a bound to prune by) */

typedef struct {
  int pos;          /* byte index the next line starts at */
  int end;          /* byte index this line's content ends at (trailing spaces left out) */
  double penalty;   /* G_MAXDOUBLE: forced (a paragraph's end) */
  gboolean flagged; /* ends in a hyphen */
  int extra;        /* width added when broken here (the drawn hyphen), Pango units */
  int hang;         /* how far the line's last character hangs into the margin, Pango units */
  int lead;         /* how far the next line's first character hangs into the left margin */
} Break;

typedef struct {
  int brk;     /* index into the breaks */
  int fitness; /* 0 tight, 1 decent, 2 loose, 3 very loose */
  int hyphens; /* hyphenated lines in a row ending here */
  double total;
  int prev;  /* node index, -1 at the start */
  int lines; /* lines up to here */
} Node;

/* What total fit and the baseline grid need of a layout's face, measured once per face (a
 * book has one or two justified faces; measuring them per paragraph cost 20 us each). */
typedef struct {
  PangoFontDescription *desc;
  int hyphen;         /* width of "-" */
  int ascent, height; /* ascent, ascent + descent */
} Face;

static const Face *face_of(PangoLayout *layout) {
  static Face faces[4];
  static guint used;
  const PangoFontDescription *desc = pango_layout_get_font_description(layout);
  for (guint i = 0; i < used; i++)
    if (pango_font_description_equal(faces[i].desc, desc))
      return &faces[i];
  Face *f = &faces[used < G_N_ELEMENTS(faces) ? used++ : G_N_ELEMENTS(faces) - 1];
  if (f->desc)
    pango_font_description_free(f->desc);
  f->desc = pango_font_description_copy(desc);
  PangoLayout *dash = pango_layout_new(pango_layout_get_context(layout));
  pango_layout_set_font_description(dash, desc);
  pango_layout_set_text(dash, "-", 1);
  pango_layout_get_size(dash, &f->hyphen, NULL);
  g_object_unref(dash);
  PangoFontMetrics *m = pango_context_get_metrics(pango_layout_get_context(layout), desc, NULL);
  f->ascent = pango_font_metrics_get_ascent(m);
  f->height = f->ascent + pango_font_metrics_get_descent(m);
  pango_font_metrics_unref(m);
  return f;
}

static gboolean trailing_space(gunichar ch) {
  return ch == ' ' || ch == 0x2002 || ch == 0x200B || ch == '\n' || ch == 0x2028;
}

static gboolean stretchable(const char *text, int idx) {
  return text[idx] == ' ' || ((guchar)text[idx] == 0xC2 && (guchar)text[idx + 1] == 0xA0);
}

/* Margin kerning (protrusion): the share of a character's width that hangs into the right
 * (`right`) or left margin at a justified line's end or start; microtype's defaults for
 * hyphens, dashes, light punctuation and quotes, 0 for the rest. */
double justify_protrusion(gunichar ch, gboolean right) {
  if (!right)
    return ch == 0x2018 ? 0.7 : ch == 0x201C ? 0.5 : 0;
  switch (ch) {
  case '-':
  case 0x2010:
  case '.':
  case ',':
  case 0x2019:
    return 0.7;
  case ';':
  case ':':
  case 0x201D:
    return 0.5;
  case 0x2013:
    return 0.2;
  case 0x2014:
    return 0.15;
  default:
    return 0;
  }
}

/* A line's font expansion for `diff` (Pango units) more width than its natural one (less when
 * negative), out of `spaces` of stretchable space and `glyphs` of expandable glyph width: the
 * glyphs take their share of the stretch (or shrink), as pdfTeX shares it, rounded to a step
 * of EXPAND_STEP, no more than EXPAND either way; the spaces take the rest. A line without
 * spaces rounds down (narrower), as nothing else could give back a step too many. Returns the
 * scale minus one (0.01: 1% wider). */
double justify_expansion(int diff, int spaces, int glyphs) {
  if (glyphs <= 0 || diff == 0)
    return 0;
  double room = glyphs * EXPAND + spaces * (diff > 0 ? STRETCH : SHRINK);
  double steps = CLAMP(diff / room, -1.0, 1.0) * EXPAND / EXPAND_STEP;
  steps = spaces > 0 ? round(steps) : floor(steps + 1e-9);
  return CLAMP(steps * EXPAND_STEP, -EXPAND, EXPAND);
}

/* Glyphs of proportional faces expand; a monospace face (code spans) keeps its advances, which
 * are its point: a code span reads as the code blocks around it, one column per character. */
gboolean justify_font_expands(PangoFont *font) {
  if (!font)
    return FALSE;
  /* Asked per glyph run: the answer is kept on the font (1 no, 2 yes). */
  GQuark key = g_quark_from_static_string("bookbuild-expands");
  int known = GPOINTER_TO_INT(g_object_get_qdata(G_OBJECT(font), key));
  if (known)
    return known == 2;
  PangoFontFace *face = pango_font_get_face(font);
  gboolean expands = face && !pango_font_family_is_monospace(pango_font_face_get_family(face));
  g_object_set_qdata(G_OBJECT(font), key, GINT_TO_POINTER(expands ? 2 : 1));
  return expands;
}

/* Per byte: x of its cluster's left edge on the unbroken line, the natural width of the
 * stretchable spaces before it, and that of the expandable glyphs (justify_font_expands, not
 * spaces) before it (all reset at each hard break). */
static void measure_unbroken(PangoLayout *layout, int len, int *x_at, int *sp_at, int *ex_at) {
  const char *text = pango_layout_get_text(layout);
  int last_x = 0, last_sp = 0, last_ex = 0, filled = 0;
  for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    PangoLayoutLine *line = l->data;
    int pen = 0, sp = 0, ex = 0;
    for (; filled < line->start_index; filled++) { /* a hard break between lines */
      x_at[filled] = last_x;
      sp_at[filled] = last_sp;
      ex_at[filled] = last_ex;
    }
    for (GSList *r = line->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      PangoGlyphString *gs = run->glyphs;
      gboolean expands = justify_font_expands(run->item->analysis.font);
      for (int g = 0, h; g < gs->num_glyphs; g = h) {
        int width = 0;
        for (h = g; h < gs->num_glyphs && gs->log_clusters[h] == gs->log_clusters[g]; h++)
          width += gs->glyphs[h].geometry.width;
        int from = run->item->offset + gs->log_clusters[g];
        int to = h < gs->num_glyphs ? run->item->offset + gs->log_clusters[h]
                                    : run->item->offset + run->item->length;
        for (int b = MAX(from, filled); b < to; b++) {
          x_at[b] = pen;
          sp_at[b] = sp;
          ex_at[b] = ex;
        }
        filled = MAX(filled, to);
        pen += width;
        if (stretchable(text, from))
          sp += width;
        else if (expands && !trailing_space(g_utf8_get_char(text + from)))
          ex += width;
      }
    }
    for (; filled < line->start_index + line->length; filled++) {
      x_at[filled] = pen;
      sp_at[filled] = sp;
      ex_at[filled] = ex;
    }
    last_x = pen;
    last_sp = sp;
    last_ex = ex;
  }
  for (; filled <= len; filled++) {
    x_at[filled] = last_x;
    sp_at[filled] = last_sp;
    ex_at[filled] = last_ex;
  }
}

/* How far the character at byte `at` (the next at `next`) hangs into the margin at a line's
 * start or (`right`) end: its protrusion share of its width, when its face expands. */
static int hang_of(const char *text, int at, int next, const int *x_at, const int *ex_at,
                   gboolean right) {
  if (next <= at || ex_at[next] == ex_at[at])
    return 0;
  return (int)(justify_protrusion(g_utf8_get_char(text + at), right) * (x_at[next] - x_at[at]));
}

/* How far the character a line starting at byte `pos` opens with hangs into the left margin. */
static int lead_at(const char *text, int len, int pos, const int *x_at, const int *ex_at) {
  if (pos >= len)
    return 0;
  return hang_of(text, pos, (int)(g_utf8_next_char(text + pos) - text), x_at, ex_at, FALSE);
}

/* The break opportunities of `text`, the paragraph's end last. */
static GArray *find_breaks(PangoLayout *layout, int hyphen_width, const int *x_at,
                           const int *ex_at) {
  const char *text = pango_layout_get_text(layout);
  int len = (int)strlen(text), n_attrs = 0;
  const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(layout, &n_attrs);
  GArray *breaks = g_array_new(FALSE, TRUE, sizeof(Break));
  const char *p = text;
  gunichar before = 0, before2 = 0;
  for (int i = 0; i < n_attrs; i++) {
    int pos = (int)(p - text);
    /* Unicode lets a line break after any hyphen, but one inside an arrow (`f()->int`) would
     * read as a hyphenated word; inline.c offers the break before the arrow instead. */
    gboolean in_arrow = before == '-' && *p == '>';
    if (i > 0 && !in_arrow && (attrs[i].is_line_break || i == n_attrs - 1)) {
      Break b = {pos, pos, 0, FALSE, 0, 0, lead_at(text, len, pos, x_at, ex_at)};
      const char *e = p;
      while (e > text) {
        const char *q = g_utf8_prev_char(e);
        if (!trailing_space(g_utf8_get_char(q)))
          break;
        e = q;
      }
      b.end = (int)(e - text);
      if (attrs[i].is_mandatory_break || i == n_attrs - 1)
        b.penalty = G_MAXDOUBLE;
      else if (before == 0xAD) {
        b.penalty = HYPHEN_PENALTY;
        b.flagged = TRUE;
        b.extra = hyphen_width;
      } else if (before == '-' || before == 0x2010) {
        b.penalty = HYPHEN_PENALTY;
        b.flagged = TRUE;
      } else if (before == 0x200B && before2 != 0x2002 && !g_unichar_isspace(before2))
        b.penalty = g_unichar_islower(before2) && g_unichar_isupper(g_utf8_get_char(p))
                        ? CAMEL_PENALTY
                        : CODE_PENALTY;
      if (b.extra)
        b.hang = (int)(justify_protrusion('-', TRUE) * b.extra);
      else if (b.end > 0 && b.penalty != G_MAXDOUBLE)
        b.hang =
            hang_of(text, (int)(g_utf8_prev_char(text + b.end) - text), b.end, x_at, ex_at, TRUE);
      if (b.end > 0 || b.penalty == G_MAXDOUBLE)
        g_array_append_val(breaks, b);
    }
    if (pos >= len)
      break;
    before2 = before;
    before = g_utf8_get_char(p);
    p = g_utf8_next_char(p);
  }
  return breaks;
}

static double badness(double ratio) {
  double r = fabs(ratio);
  return r > 100 ? 1e8 : 100 * r * r * r;
}

/* A line's demerits before its penalty (see layoutint.h). set_spaces() widens spaces to no more
 * than MAX_SPACE and glyphs by no more than EXPAND and leaves the rest of a wider gap at the
 * line's end, where it shows as a ragged line in justified text: such a line costs its
 * badness at that limit plus SHORT_DEMERITS, growing with the square of how far short it
 * stops, whatever its ratio (a line of code has almost no stretch and so an enormous ratio,
 * yet may stop no further short than a line of words). */
double justify_line_demerits(double ratio, int gap, int spaces, int glyphs) {
  double most = spaces * (MAX_SPACE - 1) + glyphs * EXPAND;
  if (gap <= most) {
    double d = LINE_PENALTY + badness(ratio);
    return d * d;
  }
  double stretch = spaces * STRETCH + glyphs * EXPAND;
  double d = LINE_PENALTY + badness(stretch > 0 ? most / stretch : 0);
  double shortfall = (gap - most) / (double)PANGO_SCALE / SHORT_SCALE;
  return d * d + SHORT_DEMERITS * (1 + shortfall * shortfall);
}

static int fitness_of(double ratio) {
  return ratio < -0.5 ? 0 : ratio <= 0.5 ? 1 : ratio <= 1 ? 2 : 3;
}

/* A paragraph measured for total fit: its text shaped on one unbroken line, the widths up to
 * each byte (x_at), of the spaces (sp_at) and of the glyphs that expand (ex_at), its break
 * opportunities, and the measure (Pango units). */
typedef struct {
  int len; /* of the text, bytes */
  int *x_at, *sp_at, *ex_at;
  GArray *breaks;
  int start_lead, width, indent, max_hyphens;
} Fit;

/* Nodes that end at one break, best of each fitness class (and, for a variant, line count). */
typedef struct {
  int fitness, lines;
  double total;
  int from;
} Candidate;

static void candidate_add(GArray *cands, int fitness, int lines, double total, int from) {
  for (guint i = 0; i < cands->len; i++) {
    Candidate *c = &g_array_index(cands, Candidate, i);
    if (c->fitness == fitness && c->lines == lines) {
      if (total < c->total) {
        c->total = total;
        c->from = from;
      }
      return;
    }
  }
  Candidate c = {fitness, lines, total, from};
  g_array_append_val(cands, c);
}

static gint candidate_order(gconstpointer a, gconstpointer b) {
  const Candidate *x = a, *y = b;
  return x->lines != y->lines ? x->lines - y->lines : x->fitness - y->fitness;
}

/* Whether what follows break `b` can fill `lines` lines of a variant, near enough: each holds
 * from VARIANT_FULL of the measure up to a little more than all of it, the last at least
 * VARIANT_LAST. Keeps a variant's nodes to the few line counts that can still end right. */
static gboolean lines_can_follow(const Fit *m, const Break *b, int lines) {
  double rest = (m->x_at[m->len] - m->x_at[b->pos]) / (double)m->width;
  return lines >= 1 && rest <= lines * VARIANT_OVER &&
         rest >= (lines - 1) * VARIANT_FULL + VARIANT_LAST;
}

/* The byte indexes the chosen lines start at (0 first). `want` 0: the breaks with the fewest
 * demerits, every break feasible unless overfull. Otherwise a variant of the paragraph in
 * exactly `want` lines, as TeX's \looseness asks for one, every line within VARIANT_STRETCH and
 * VARIANT_SHRINK and the last filling VARIANT_LAST of the measure, or NULL when there is none:
 * nodes are told apart by their line count too, as TeX does when \looseness is not 0. */
static GArray *choose_breaks(const Fit *m, int want) {
  const GArray *breaks = m->breaks;
  const int *x_at = m->x_at, *sp_at = m->sp_at, *ex_at = m->ex_at;
  g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(Node));
  g_autoptr(GArray) active = g_array_new(FALSE, FALSE, sizeof(int));
  g_autoptr(GArray) cands = g_array_new(FALSE, FALSE, sizeof(Candidate));
  Node start = {-1, 1, 0, 0, -1, 0};
  g_array_append_val(nodes, start);
  int zero = 0;
  g_array_append_val(active, zero);
  for (guint bi = 0; bi < breaks->len; bi++) {
    const Break *b = &g_array_index(breaks, Break, bi);
    gboolean forced = b->penalty == G_MAXDOUBLE;
    g_array_set_size(cands, 0);
    int dropped = -1;
    for (guint ai = 0; ai < active->len;) {
      int an = g_array_index(active, int, ai);
      const Node *a = &g_array_index(nodes, Node, an);
      const Break *ab = a->brk < 0 ? NULL : &g_array_index(breaks, Break, a->brk);
      int from = ab ? ab->pos : 0;
      gboolean first = !ab || ab->penalty == G_MAXDOUBLE;
      int target = m->width - (first ? m->indent : 0) + (forced ? 0 : b->hang);
      if (!first || m->indent == 0)
        target += ab ? ab->lead : m->start_lead;
      int natural = x_at[b->end] - x_at[from] + b->extra;
      int spaces = sp_at[b->end] - sp_at[from];
      int glyphs = ex_at[b->end] - ex_at[from];
      double shrink = spaces * SHRINK + glyphs * EXPAND;
      double stretch = spaces * STRETCH + glyphs * EXPAND;
      double ratio;
      if (natural > target)
        ratio = shrink > 0 ? (target - natural) / shrink : -G_MAXDOUBLE;
      else if (forced)
        ratio = 0;
      else
        ratio = stretch > 0 ? (target - natural) / stretch : 1000;
      if (ratio < -1) { /* overfull, and so for every later break: no longer active */
        dropped = an;
        g_array_remove_index(active, ai);
        continue;
      }
      ai++;
      if (b->flagged && a->hyphens >= m->max_hyphens)
        continue;
      if (want && (ratio > VARIANT_STRETCH || ratio < VARIANT_SHRINK ||
                   (forced ? a->lines + 1 != want || natural < VARIANT_LAST * target
                           : !lines_can_follow(m, b, want - a->lines - 1))))
        continue;
      double d = justify_line_demerits(ratio, forced ? 0 : target - natural, spaces, glyphs);
      if (!forced)
        d += b->penalty >= 0 ? b->penalty * b->penalty : -b->penalty * b->penalty;
      if (b->flagged && ab && ab->flagged)
        d += DOUBLE_HYPHEN_DEMERITS;
      if (forced && ab && ab->flagged)
        d += FINAL_HYPHEN_DEMERITS;
      int fit = fitness_of(ratio);
      if (abs(fit - a->fitness) > 1)
        d += ADJ_DEMERITS;
      candidate_add(cands, fit, want ? a->lines + 1 : 0, a->total + d, an);
    }
    if (!want && cands->len == 0 && active->len == 0 && dropped >= 0) /* a word wider than */
      candidate_add(cands, 1, 0, g_array_index(nodes, Node, dropped).total + OVERFULL_DEMERITS,
                    dropped); /* the line */
    if (forced)
      g_array_set_size(active, 0);
    g_array_sort(cands, candidate_order);
    for (guint ci = 0; ci < cands->len; ci++) {
      const Candidate *c = &g_array_index(cands, Candidate, ci);
      const Node *a = &g_array_index(nodes, Node, c->from);
      Node n = {(int)bi,  c->fitness, b->flagged ? a->hyphens + 1 : 0,
                c->total, c->from,    a->lines + 1};
      int index = (int)nodes->len;
      g_array_append_val(nodes, n);
      g_array_append_val(active, index);
    }
  }
  /* The best node at the paragraph's end, and the breaks back from it. */
  int last = -1;
  for (guint i = 0; i < nodes->len; i++) {
    const Node *n = &g_array_index(nodes, Node, i);
    if (n->brk == (int)breaks->len - 1 && (!want || n->lines == want) &&
        (last < 0 || n->total < g_array_index(nodes, Node, last).total))
      last = (int)i;
  }
  if (want && last < 0)
    return NULL;
  GArray *starts = g_array_new(FALSE, FALSE, sizeof(int));
  for (int n = last; n > 0; n = g_array_index(nodes, Node, n).prev) {
    int brk = g_array_index(nodes, Node, n).brk;
    int pos = g_array_index(breaks, Break, brk).pos;
    g_array_prepend_val(starts, pos);
  }
  if (starts->len > 0)
    g_array_remove_index(starts, starts->len - 1); /* the paragraph's end */
  g_array_prepend_val(starts, zero);
  return starts;
}

/* The byte indexes the chosen lines start at (0 first), for the measure `width` and a first
 * line (and each after a hard break) indented by `indent` (Pango units). With `variants`, also
 * the paragraph set one line longer ([0]) and one line shorter ([1]), where it can be (else
 * NULL), for the page breaker (see Item.longer). */
static GArray *total_fit(PangoLayout *layout, int width, int indent, int max_hyphens,
                         GArray **variants) {
  const char *text = pango_layout_get_text(layout);
  int len = (int)strlen(text);
  g_autofree int *x_at = g_new(int, len + 1);
  g_autofree int *sp_at = g_new(int, len + 1);
  g_autofree int *ex_at = g_new(int, len + 1);
  measure_unbroken(layout, len, x_at, sp_at, ex_at);
  g_autoptr(GArray) breaks = find_breaks(layout, face_of(layout)->hyphen, x_at, ex_at);
  Fit m = {len,   x_at,   sp_at,      ex_at, breaks, lead_at(text, len, 0, x_at, ex_at),
           width, indent, max_hyphens};
  GArray *starts = choose_breaks(&m, 0);
  if (variants) {
    int lines = (int)starts->len;
    gboolean vary = lines <= VARIANT_MAX_LINES;
    variants[0] = vary && lines >= VARIANT_LINES ? choose_breaks(&m, lines + 1) : NULL;
    variants[1] = vary && lines > VARIANT_LINES ? choose_breaks(&m, lines - 1) : NULL;
  }
  return starts;
}

/* Makes `out` the text of `in`, moving everything that points into the old text (attributes,
 * links, footnote marks, index places) by `map` (old byte -> new byte, text->len + 1 entries):
 * the one place that knows what an Inline's positions are. Frees `out`. */
static void replace_text(Inline *in, GString *out, const int *map) {
  GString *text = in->text;
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
  for (guint i = 0; in->anchors && i < in->anchors->len; i += 2) {
    int *index = &g_array_index(in->anchors, int, i);
    *index = map[MIN((gsize)*index, text->len)];
  }
  for (guint i = 0; in->uncounted && i < in->uncounted->len; i++) {
    int *index = &g_array_index(in->uncounted, int, i);
    *index = map[MIN((gsize)*index, text->len)];
  }
  g_string_assign(text, out->str);
  g_string_free(out, TRUE);
}

#define LINE_SEPARATOR "\xE2\x80\xA8"

/* Rewrites the text with a line separator (U+2028) at each of `starts` (but the first and
 * those after a hard break), a soft hyphen before one becoming a hyphen, moving attributes,
 * links and footnote marks to match. */
static void insert_breaks(Inline *in, const GArray *starts) {
  GString *text = in->text;
  g_autofree int *map = g_new(int, text->len + 1);
  GString *out = g_string_sized_new(text->len + 4 * starts->len);
  guint next = 1;
  for (gsize i = 0; i <= text->len; i++) {
    while (next < starts->len && g_array_index(starts, int, next) < (int)i)
      next++;
    if (next < starts->len && g_array_index(starts, int, next) == (int)i && i > 0 &&
        text->str[i - 1] != '\n') {
      if (soft_hyphen_at(text, (int)i - 2)) {
        g_string_truncate(out, out->len - 2);
        g_string_append_c(out, '-');
      }
      g_string_append(out, LINE_SEPARATOR);
    }
    map[i] = (int)out->len;
    if (i < text->len)
      g_string_append_c(out, text->str[i]);
  }
  replace_text(in, out, map);
}

/* How set_spaces() set one line of a justified text. */
typedef struct {
  double expand;      /* its glyphs' horizontal scale minus one (font expansion) */
  double hang;        /* points its last glyph hangs into the right margin (protrusion) */
  double badness;     /* TeX's, of the stretch or shrink it needed; 0 for a paragraph's last */
  gboolean capped;    /* it needed spaces wider than MAX_SPACE and stops short */
  double shortfall;   /* by this many points */
  gboolean justified; /* not a paragraph's last line */
  double space;       /* its word spaces over natural */
} LineSet;

/* The byte index a line's content ends at: its trailing spaces left out. */
static int content_end(const char *text, const PangoLayoutLine *line) {
  int end = line->start_index + line->length;
  while (end > line->start_index) {
    const char *q = g_utf8_prev_char(text + end);
    if (!trailing_space(g_utf8_get_char(q)))
      break;
    end = (int)(q - text);
  }
  return end;
}

/* A line's glyphs before `end`, as set_spaces() measures and adjusts them. */
typedef struct {
  int natural, spaces,
      glyphs; /* Pango units: the whole line, its word spaces, its expandable glyphs */
  PangoGlyphInfo *head, *tail; /* its first glyph when expandable; its last one before `end` */
  int tail_index;
  gboolean tail_expands;
} LineGlyphs;

/* Measures a line, giving back the width of its trailing spaces (drawn at no width). */
static LineGlyphs line_glyphs(const char *text, PangoLayoutLine *line, int end) {
  LineGlyphs lg = {0};
  for (GSList *r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    gboolean expands = justify_font_expands(run->item->analysis.font);
    for (int g = 0; g < run->glyphs->num_glyphs; g++) {
      PangoGlyphInfo *gi = &run->glyphs->glyphs[g];
      int idx = run->item->offset + run->glyphs->log_clusters[g];
      if (idx >= end && idx < line->start_index + line->length &&
          trailing_space(g_utf8_get_char(text + idx)))
        gi->geometry.width = 0;
      lg.natural += gi->geometry.width;
      if (idx >= end)
        continue;
      if (stretchable(text, idx))
        lg.spaces += gi->geometry.width;
      else if (expands)
        lg.glyphs += gi->geometry.width;
      if (idx == line->start_index && expands && !lg.head)
        lg.head = gi;
      lg.tail = gi;
      lg.tail_index = idx;
      lg.tail_expands = expands;
    }
  }
  return lg;
}

/* Scales the advances of a line's expandable glyphs before `end` by 1 + `e`; returns the width
 * added. */
static int expand_glyphs(const char *text, PangoLayoutLine *line, int end, double e) {
  int added = 0;
  for (GSList *r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    if (!justify_font_expands(run->item->analysis.font))
      continue;
    for (int g = 0; g < run->glyphs->num_glyphs; g++) {
      PangoGlyphInfo *gi = &run->glyphs->glyphs[g];
      int idx = run->item->offset + run->glyphs->log_clusters[g];
      if (idx >= end || stretchable(text, idx))
        continue;
      int grown = (int)lround(gi->geometry.width * e);
      gi->geometry.width += grown;
      gi->geometry.x_offset = (int)lround(gi->geometry.x_offset * (1 + e));
      added += grown;
    }
  }
  return added;
}

/* Widens a line's word spaces before `end` by `add` in all, in proportion to their widths. */
static void widen_spaces(const char *text, PangoLayoutLine *line, int end, int spaces, int add) {
  int done = 0, seen = 0;
  for (GSList *r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    for (int g = 0; g < run->glyphs->num_glyphs; g++) {
      PangoGlyphInfo *gi = &run->glyphs->glyphs[g];
      int idx = run->item->offset + run->glyphs->log_clusters[g];
      if (idx >= end || !stretchable(text, idx))
        continue;
      seen += gi->geometry.width;
      int share = (int)((gint64)add * seen / spaces) - done;
      done += share;
      gi->geometry.width += share;
    }
  }
}

/* Each line of a justified text set to fill the measure `width` (Pango units; a paragraph's
 * first line is `indent` shorter), as total_fit() modelled it: an opening quote at a line's
 * start (but after an indent) and a hyphen, dash, light punctuation or closing quote at a
 * justified line's end hang into the margin (justify_protrusion); the glyphs are expanded or
 * narrowed in steps (justify_expansion) and the word spaces take the rest, stretched to at
 * most MAX_SPACE times natural (a line that would need more is left short: ragged, never a
 * hole) and shrunk by at most half. Spaces, en spaces and zero-width spaces at a line's end are
 * given back (drawn at no width), so a line before a code span does not stop short. The
 * paragraphs' last lines keep natural spaces and glyphs. Returns a LineSet per line. */
static GArray *set_spaces(PangoLayout *layout, int width, int indent) {
  const char *text = pango_layout_get_text(layout);
  GArray *sets = g_array_new(FALSE, TRUE, sizeof(LineSet));
  for (GSList *l = pango_layout_get_lines(layout); l; l = l->next) {
    PangoLayoutLine *line = l->data;
    LineSet set = {0};
    gboolean last = !l->next || ((PangoLayoutLine *)l->next->data)->is_paragraph_start;
    set.justified = !last;
    set.space = 1;
    int end = content_end(text, line);
    int measure = width - (line->is_paragraph_start ? indent : 0);
    LineGlyphs lg = line_glyphs(text, line, end);
    if (lg.head && measure == width) {
      int hang = (int)(justify_protrusion(g_utf8_get_char(text + line->start_index), FALSE) *
                       lg.head->geometry.width);
      lg.head->geometry.x_offset -= hang;
      lg.head->geometry.width -= hang;
      lg.natural -= hang;
    }
    if (!last && lg.tail && lg.tail_expands) {
      int hang = (int)(justify_protrusion(g_utf8_get_char(text + lg.tail_index), TRUE) *
                       lg.tail->geometry.width);
      lg.tail->geometry.width -= hang;
      lg.natural -= hang;
      set.hang = hang / (double)PANGO_SCALE;
    }
    int diff = measure - lg.natural;
    if ((last && diff >= 0) || lg.spaces + lg.glyphs == 0) {
      g_array_append_val(sets, set);
      continue;
    }
    double room = lg.spaces * (diff > 0 ? STRETCH : SHRINK) + lg.glyphs * EXPAND;
    set.badness = badness(diff / room);
    set.expand = justify_expansion(diff, lg.spaces, lg.glyphs);
    if (set.expand != 0)
      diff -= expand_glyphs(text, line, end, set.expand);
    if (lg.spaces > 0) {
      int add =
          diff > 0 ? MIN(diff, (int)(lg.spaces * (MAX_SPACE - 1))) : MAX(diff, -lg.spaces / 2);
      set.capped = diff > add;
      set.shortfall = (diff - add) / (double)PANGO_SCALE;
      set.space = 1 + add / (double)lg.spaces;
      widen_spaces(text, line, end, lg.spaces, add);
    }
    g_array_append_val(sets, set);
  }
  return sets;
}

/* A justified text's lines chosen by total_fit(), or starting at `starts` when not NULL, and
 * set by set_spaces(); returns their LineSets. `variants`: see total_fit(). */
static GArray *set_total_fit(Ctx *c, PangoLayout *layout, Inline *in, const TextLook *look,
                             double width, const GArray *starts, GArray **variants) {
  int w = (int)(width * PANGO_SCALE), indent = (int)(look->indent * PANGO_SCALE);
  pango_layout_set_width(layout, -1);
  pango_layout_set_indent(layout, indent); /* the unbroken lines' x is measured from their start */
  pango_layout_set_justify(layout, FALSE);
  pango_layout_set_attributes(layout, in->attrs);
  pango_layout_set_text(layout, in->text->str, (int)in->text->len);
  g_autoptr(GArray) chosen =
      starts ? NULL : total_fit(layout, w, indent, (int)c->env->style->max_hyphen_lines, variants);
  if (!starts)
    starts = chosen;
  gboolean breaks = FALSE;
  for (guint i = 1; i < starts->len; i++)
    breaks = breaks || in->text->str[g_array_index(starts, int, i) - 1] != '\n';
  if (breaks) { /* else the unbroken layout is the one (a paragraph of one line) */
    insert_breaks(in, starts);
    pango_layout_set_attributes(layout, in->attrs);
    pango_layout_set_text(layout, in->text->str, (int)in->text->len);
  }
  return set_spaces(layout, w, indent);
}

/* The Markdown line a layout line of a paragraph starting at `block_line` comes from: where its
 * first word is in the chapter's source, searched from `*at` (a byte offset, 0 at first; moved
 * on, so that the lines of one paragraph are found in order). Inline markup and typography
 * change the text, so only the letters and digits of the first word are looked for. */
static int markdown_line(const Chapter *ch, int block_line, const char *text,
                         const PangoLayoutLine *line, gsize *at) {
  if (!ch->source)
    return block_line;
  if (*at == 0)
    for (int n = 1; n < block_line && *at < ch->source_len; (*at)++)
      n += ch->source[*at] == '\n';
  char word[48];
  gsize w = 0;
  for (const char *p = text + line->start_index;
       p < text + line->start_index + line->length && w + 6 < sizeof word;
       p = g_utf8_next_char(p)) {
    gunichar u = g_utf8_get_char(p);
    if (u == 0xAD || u == 0x200B)
      continue;
    if (!g_unichar_isalnum(u))
      break;
    w += (gsize)g_unichar_to_utf8(u, word + w);
  }
  word[w] = '\0';
  const char *found = w >= 2 ? strstr(ch->source + *at, word) : NULL;
  if (found)
    *at = (gsize)(found - ch->source);
  int n = 1;
  for (gsize i = 0; i < *at; i++)
    n += ch->source[i] == '\n';
  return n;
}

/* Adds a justified text's lines to the book's texture (pdf --verbose) and notes each loose
 * line (badness above TeX's tolerance, 200) and each line left short (spaces capped at
 * MAX_SPACE) at its Markdown line. */
#define TOLERANCE 200.0
static void note_texture(Ctx *c, const Item *it, const GArray *sets, int source_line) {
  PdfTexture *t = c->env->texture;
  const char *text = pango_layout_get_text(it->layout);
  gsize at = 0;
  guint k = 0;
  for (GSList *l = pango_layout_get_lines_readonly(it->layout); l && k < sets->len;
       l = l->next, k++) {
    const LineSet *set = &g_array_index(sets, LineSet, k);
    if (!set->justified)
      continue;
    PangoLayoutLine *line = l->data;
    int end = content_end(text, line);
    t->lines++;
    g_array_append_val(t->spaces, set->space);
    t->hyphenated += end > line->start_index && text[end - 1] == '-';
    gboolean loose = set->badness > TOLERANCE;
    t->loose += loose;
    t->short_lines += set->capped;
    if (!loose && !set->capped)
      continue;
    int md = markdown_line(c->ch, source_line, text, line, &at);
    if (set->capped)
      diags_add(c->env->diags, DIAG_NOTE, c->ch->display_path, c->ch->file_id, md, 1, "short-line",
                "a line stops %.1f pt short of the measure (spaces capped at %gx)", set->shortfall,
                MAX_SPACE);
    else
      diags_add(c->env->diags, DIAG_NOTE, c->ch->display_path, c->ch->file_id, md, 1, "loose-line",
                "loose line (badness %.0f, spaces %.2fx natural)", set->badness, set->space);
  }
}

void justify_set_pitch(PangoLayout *layout, double pitch) {
  pango_layout_set_line_spacing(layout, (float)(pitch * PANGO_SCALE / face_of(layout)->height));
}

/* One baseline distance for every line of a text, whatever its fonts: print.yaml's leading
 * (look->line), where Pango's line spacing would multiply each line's own font height (a line
 * of only code came out tighter than the rest). The baseline stands the face's ascent below the
 * line's top, as Pango sets a line of body text. */
static void keep_grid(Item *it, const TextLook *look) {
  const Face *face = face_of(it->layout);
  double ascent = face->ascent / (double)PANGO_SCALE;
  double line = look->line;
  if (it->lines->len == 0 || line <= 0)
    return;
  double top = g_array_index(it->lines, LineBox, 0).top;
  for (guint i = 0; i < it->lines->len; i++) {
    LineBox *lb = &g_array_index(it->lines, LineBox, i);
    lb->top = top + i * line;
    lb->height = line;
    lb->baseline = ascent;
  }
}

/* ---- items ---- */

/* Moves link spans and footnote refs into the finished item (lines already measured). */
static void attach_inline(Ctx *c, Item *it, Inline *in) {
  if (in->anchors && in->anchors->len) {
    it->anchors = in->anchors;
    in->anchors = NULL;
  }
  if (in->uncounted && in->uncounted->len) {
    it->uncounted = in->uncounted;
    in->uncounted = NULL;
  }
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
  replace_text(in, out, map);
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
      inline_attr(in, pango_attr_letter_spacing_new(0), start, end);
    mark = !mark;
    start = end;
  }
}

/* A measured text item from inline content, without its warnings (see justify_text_item):
 * justified text broken into lines by total fit (or at `starts`, a variant that is not noted in
 * the texture; `variants`: see total_fit()), other text by Pango. */
static Item *text_item_build(Ctx *c, const Frame *f, Inline *in, const TextLook *look,
                             int source_line, const GArray *starts, GArray **variants) {
  Item *it = item_new(ITEM_TEXT);
  it->x = f->x;
  it->width = f->width;
  it->source_line = source_line;
  it->layout = fonts_layout(c->env->context, look->family, look->size, look->weight, look->slant);
  pango_layout_set_width(it->layout, (int)(f->width * PANGO_SCALE));
  pango_layout_set_wrap(it->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(it->layout, look->align);
  pango_layout_set_justify(it->layout, look->justify);
  pango_layout_set_indent(it->layout, (int)(look->indent * PANGO_SCALE));
  if (look->line > 0)
    justify_set_pitch(it->layout, look->line);
  else
    pango_layout_set_line_spacing(it->layout, (float)look->leading);
  split_long_items(in);
  pango_layout_set_attributes(it->layout, in->attrs);
  if (look->justify) {
    g_autoptr(GArray) sets = set_total_fit(c, it->layout, in, look, f->width, starts, variants);
    layout_measure_lines(it);
    for (guint i = 0; i < it->lines->len && i < sets->len; i++) {
      LineBox *lb = &g_array_index(it->lines, LineBox, i);
      const LineSet *set = &g_array_index(sets, LineSet, i);
      lb->expand = set->expand;
      lb->hang = set->hang;
    }
    if (c->env->texture && !starts)
      note_texture(c, it, sets, source_line);
    keep_grid(it, look);
    attach_inline(c, it, in);
    return it;
  }
  pango_layout_set_text(it->layout, in->text->str, (int)in->text->len);
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
  layout_measure_lines(it);
  keep_grid(it, look);
  attach_inline(c, it, in);
  return it;
}

/* A measured text item; missing glyphs and overfull lines become warnings. */
Item *justify_text_item(Ctx *c, const Frame *f, Inline *in, const TextLook *look, int source_line) {
  Item *it = text_item_build(c, f, in, look, source_line, NULL, NULL);
  check_layout(c, it, f->width, source_line);
  return it;
}

TextLook justify_body_look(Ctx *c, gboolean indent) {
  const PrintStyle *st = c->env->style;
  TextLook look = {st->font_body,
                   c->body,
                   PANGO_WEIGHT_NORMAL,
                   PANGO_STYLE_NORMAL,
                   PANGO_ALIGN_LEFT,
                   st->justify,
                   indent ? st->paragraph_indent * c->body : 0,
                   0,
                   c->line};
  return look;
}

/* A paragraph's inline content (from `from` on, or all of `node`'s). FALSE when empty. */
static gboolean paragraph_inline(Inline *in, Ctx *c, cmark_node *node, cmark_node *from) {
  inline_init(in, c, c->body, TRUE);
  in->code_breaks = TRUE;
  if (from)
    for (cmark_node *n = from; n; n = cmark_node_next(n))
      inline_node(in, n);
  else
    inline_children(in, node);
  g_strchug(in->text->str);
  in->text->len = strlen(in->text->str);
  return in->text->len > 0;
}

/* How to set a paragraph's variants (Item.longer) when the page breaker asks for one. */
typedef struct ItemPlan {
  Ctx c; /* a copy of the chapter's layout context: its env must still live */
  Frame f;
  TextLook look;
  Inline in;         /* the paragraph's text before it was broken into lines */
  GArray *starts[2]; /* where the lines of the longer and of the shorter variant start, or NULL */
  int line;
} ItemPlan;

void justify_plan_free(Item *it) {
  ItemPlan *p = it->plan;
  if (!p)
    return;
  inline_clear(&p->in);
  for (int k = 0; k < 2; k++)
    if (p->starts[k])
      g_array_unref(p->starts[k]);
  g_free(p);
  it->plan = NULL;
}

gboolean layout_has_variant(const Item *it, int dir) {
  return (dir > 0 ? it->longer : it->shorter) || (it->plan && it->plan->starts[dir < 0]);
}

Item *layout_variant(const Item *cit, int dir) {
  Item *it = (Item *)cit; /* its variants are what it could be, set once, on demand */
  Item **slot = dir > 0 ? &it->longer : &it->shorter;
  ItemPlan *p = it->plan;
  if (*slot || !p || !p->starts[dir < 0])
    return *slot;
  Inline text;
  inline_copy(&text, &p->in);
  text.c = &p->c;
  Item *v = *slot =
      text_item_build(&p->c, &p->f, &text, &p->look, p->line, p->starts[dir < 0], NULL);
  inline_clear(&text);
  /* What was decided about the paragraph after it was set: the spaces around it, its keeps,
   * its list marker and its destinations. */
  v->space_before = it->space_before;
  v->space_after = it->space_after;
  v->pad_top = it->pad_top;
  v->pad_bottom = it->pad_bottom;
  v->keep_with_next = it->keep_with_next;
  v->no_indent_next = it->no_indent_next;
  v->block = it->block;
  v->from = it->from;
  if (it->marker)
    v->marker = g_object_ref(it->marker);
  v->marker_x = it->marker_x;
  g_ptr_array_unref(v->dests);
  v->dests = g_ptr_array_ref(it->dests);
  return v;
}

/* A paragraph set by total fit (text_item_build), checked, with a plan for its variants one
 * line longer and one line shorter where it has them (Item.plan). */
static Item *paragraph_item(Ctx *c, const Frame *f, Inline *in, const TextLook *look, int line) {
  gboolean vary = look->justify && !in->hard_break;
  Inline copy;
  if (vary)
    inline_copy(&copy, in);
  GArray *variants[2] = {NULL, NULL};
  Item *it = text_item_build(c, f, in, look, line, NULL, vary ? variants : NULL);
  check_layout(c, it, f->width, line);
  if (variants[0] || variants[1]) {
    ItemPlan *p = it->plan = g_new0(ItemPlan, 1);
    p->c = *c;
    p->f = *f;
    p->look = *look;
    p->in = copy;
    p->in.c = &p->c;
    p->starts[0] = variants[0];
    p->starts[1] = variants[1];
    p->line = line;
  } else if (vary) {
    inline_clear(&copy);
  }
  return it;
}

void justify_paragraph(Ctx *c, const Frame *f, cmark_node *node, cmark_node *from) {
  Inline in;
  if (!paragraph_inline(&in, c, node, from)) {
    inline_clear(&in);
    return;
  }
  /* Pango indents every paragraph of a layout: no indent where a hard break splits it. */
  TextLook look = justify_body_look(c, c->indent_next && !f->tight && !in.hard_break);
  Item *it = paragraph_item(c, f, &in, &look, cmark_node_get_start_line(node));
  it->space_before = f->tight || c->indent_next ? 0 : c->line * c->env->style->paragraph_space;
  it->block = node;
  it->from = from;
  layout_push(c, it);
  c->indent_next = TRUE;
  inline_clear(&in);
}
