/* paginate.c: the page breaker (see paginate.h). Greedy, line by line, with look-ahead only
 * where a rule needs it (keep-with-next, widows, a figure that floats), counting on the spaces
 * between blocks to shrink a little; a chapter's pages are then filled down by stretching (or
 * shrinking) those spaces, TeX's vertical glue, and where a spread still cannot end level its
 * fuller page is set again, shorter, and the chapter broken anew from there. Where a page still
 * ends short, or a spread uneven, a paragraph near it is tried one line shorter or longer
 * (layout_variant(), TeX's \looseness) and the chapter set again. Pages store placements;
 * nothing is drawn. */
#include "paginate.h"

#include <math.h>

#define MIN_LINES 2      /* orphans and widows */
#define MIN_CODE_SPLIT 5 /* code blocks of up to this many lines are never split */
#define LEVEL_LINES 8    /* a page is set again to end level with its facing page up to */
                         /* this many lines above the foot, */
#define LEVEL_SLACK 2.5  /* and this many above where the spread first could end */
#define MAX_PASSES 400   /* times a chapter is set again to level its spreads, */
#define PASS_PAGES 20000 /* and pages set again in all, so a huge chapter costs a few passes */
#define MIN_DRAWING_SCALE 0.85 /* a diagram's drawing may be set this much smaller to fit */
#define PAST_HEADING 10 /* lines a page would end short for a figure to float past a heading */
#define SHORT_PAGE 1.04 /* a page ending more than this many lines above the foot is short */
#define VARIANT_TRIES 8 /* paragraph variants tried to bring one short page down, */
#define TRY_PAGES 40    /* and pages set for such tries, in all, per page of the chapter */

typedef struct {
  const ChapterLayout *cl;
  const PageFrame *frame;
  GPtrArray *pages;
  Page *page;
  double y;           /* bottom of what is placed */
  double notes;       /* height of the page's footnotes (with the rule gap) */
  double last_after;  /* space_after of the last placed item */
  double gaps;        /* the spaces on the page that may shrink (see stretchable_gap) */
  guint body;         /* the chapter's first item after its opening display */
  guint *unit_end;    /* per item from `body`: the last item of what it starts (a box, a figure),
                       * or itself */
  guint8 *flow;       /* per item: how it moves around a floating figure (Flow) */
  guint first_page;   /* the chapter's first page in `pages` */
  GArray *limits;     /* double per page of the chapter: how far down it may fill (0: the foot) */
  const Item *scaled; /* a drawing set smaller than its own size, by `scale`, or NULL */
  double scale;
  gint8 *choice;   /* per item, or NULL: 1 where its longer variant is set (Item.longer), -1 its
                    * shorter, 0 itself */
  gsize pages_set; /* pages set so far, in all passes */
} Breaker;

void page_free(gpointer p) {
  Page *page = p;
  g_array_unref(page->placements);
  g_ptr_array_unref(page->notes);
  g_free(page);
}

static Page *page_new(const ChapterLayout *cl) {
  Page *p = g_new0(Page, 1);
  p->placements = g_array_new(FALSE, FALSE, sizeof(Placement));
  p->notes = g_ptr_array_new();
  p->chapter = cl;
  return p;
}

/* How far down the current page may fill: the foot, or less on a page set again to end level
 * with the page facing it (see fill_pages). */
static double page_height(const Breaker *b) {
  guint k = b->pages->len - 1 - b->first_page;
  double limit = k < b->limits->len ? g_array_index(b->limits, double, k) : 0;
  return limit > 0 ? limit : b->frame->height;
}

static void new_page(Breaker *b) {
  b->page = page_new(b->cl);
  g_ptr_array_add(b->pages, b->page);
  b->y = 0;
  b->notes = 0;
  b->last_after = 0;
  b->gaps = 0;
}

/* Item `i` as this breaker sets it: a paragraph perhaps one line longer or shorter. */
static const Item *item_at(const Breaker *b, guint i) {
  const Item *it = b->cl->items->pdata[i];
  const Item *v = b->choice && b->choice[i] ? layout_variant(it, b->choice[i]) : NULL;
  return v ? v : it;
}

static double line_top(const Item *it, guint k) { return g_array_index(it->lines, LineBox, k).top; }

/* Height of lines [first, last] with the paddings that belong to that part. */
static double part_height(const Item *it, guint first, guint last) {
  const LineBox *l = &g_array_index(it->lines, LineBox, last);
  double h = l->top + l->height - line_top(it, first);
  if (first == 0)
    h += it->pad_top;
  if (last + 1 == it->lines->len)
    h += it->pad_bottom;
  return h;
}

/* The height of lines [first, last] as this breaker sets them: a drawing perhaps smaller. */
static double set_height(const Breaker *b, const Item *it, guint first, guint last) {
  double h = part_height(it, first, last);
  return it == b->scaled ? h - (1 - b->scale) * it->image_h : h;
}

/* Footnote height that lines [first, last] add to the page (notes not placed yet). */
static double notes_height(const Breaker *b, const Item *it, guint first, guint last,
                           GPtrArray *pending) {
  double h = 0;
  for (guint k = first; k <= last; k++) {
    GPtrArray *notes = g_array_index(it->lines, LineBox, k).notes;
    for (guint i = 0; notes && i < notes->len; i++) {
      Footnote *f = notes->pdata[i];
      if (g_ptr_array_find(b->page->notes, f, NULL) || g_ptr_array_find(pending, f, NULL))
        continue;
      g_ptr_array_add(pending, f);
      h += f->height;
    }
  }
  if (h > 0 && b->notes == 0)
    h += b->frame->note_gap;
  return h;
}

/* A space placed now may stretch and shrink when it follows something past the opening. */
static gboolean gap_stretches(const Breaker *b) {
  GArray *placed = b->page->placements;
  return placed->len > 0 && g_array_index(placed, Placement, placed->len - 1).index >= b->body;
}

/* The room left on the page below a space `gap` about to be placed, counting on the page's
 * spaces shrinking (fill_pages() shrinks them after). */
static double room_below(const Breaker *b, double gap) {
  double shrink = b->frame->shrink * (b->gaps + (gap_stretches(b) ? gap : 0));
  return page_height(b) + shrink - b->y - b->notes + 0.01;
}

/* Whether lines [first, last] fit below what is placed, the page's spaces shrunk if need be. */
static gboolean fits(Breaker *b, const Item *it, guint first, guint last, double gap) {
  g_autoptr(GPtrArray) pending = g_ptr_array_new();
  double need = gap + set_height(b, it, first, last);
  return need + notes_height(b, it, first, last, pending) <= room_below(b, gap);
}

static void place(Breaker *b, const Item *it, guint index, guint first, guint last, double gap,
                  gboolean repeated) {
  g_autoptr(GPtrArray) pending = g_ptr_array_new();
  double notes = notes_height(b, it, first, last, pending);
  for (guint i = 0; i < pending->len; i++)
    g_ptr_array_add(b->page->notes, pending->pdata[i]);
  b->notes += notes;
  if (gap_stretches(b))
    b->gaps += gap;
  Placement p = {it, index, first, last, b->y + gap, repeated, it == b->scaled ? b->scale : 1};
  g_array_append_val(b->page->placements, p);
  b->y += gap + set_height(b, it, first, last);
  b->last_after = last + 1 == it->lines->len ? it->space_after : 0;
}

static double gap_before(const Breaker *b, const Item *it) {
  return b->y == 0 ? 0 : MAX(b->last_after, it->space_before);
}

/* The lines of `next` that must follow a kept heading on its page. */
static double keep_height(const Breaker *b, guint i) {
  const ChapterLayout *cl = b->cl;
  double h = 0;
  const Item *prev = item_at(b, i);
  for (guint j = i + 1; j < cl->items->len; j++) {
    const Item *next = item_at(b, j);
    guint n = next->lines->len;
    guint take = next->kind == ITEM_TABLE_ROW || next->kind == ITEM_IMAGE ? 1 : MIN(n, MIN_LINES);
    h += MAX(prev->space_after, next->space_before) + set_height(b, next, 0, take - 1);
    if (!next->keep_with_next || take < n)
      break;
    prev = next;
  }
  return h;
}

/* How many lines of `it` from `first` fit on this page, honouring widows and orphans; `head`:
 * the lines open a part of the item (its first, or its rest resumed below a float), so one
 * line alone is an orphan. */
static guint lines_that_fit(Breaker *b, const Item *it, guint first, double gap, gboolean head) {
  guint n = it->lines->len, fit = 0;
  while (first + fit < n && fits(b, it, first, first + fit, gap))
    fit++;
  if (fit == 0 || first + fit == n || it->kind == ITEM_TABLE_ROW || it->kind == ITEM_IMAGE)
    return fit;
  if (head && fit < MIN_LINES)
    return 0; /* an orphan */
  if (it->kind == ITEM_CODE && first == 0 && n <= MIN_CODE_SPLIT)
    return 0; /* a short listing stays whole */
  guint left = n - (first + fit);
  if (left < MIN_LINES) {
    guint give = MIN_LINES - left;
    fit = fit > give ? fit - give : 0;
  }
  /* A wrapped code line stays together with its continuations. */
  while (it->kind == ITEM_CODE && fit > 0 &&
         g_array_index(it->lines, LineBox, first + fit).continuation)
    fit--;
  if (head && fit < MIN_LINES)
    fit = 0;
  return fit;
}

static void place_header_if_continued(Breaker *b, const Item *it, guint index) {
  if (it->kind != ITEM_TABLE_ROW || !it->header || b->y != 0)
    return;
  place(b, it->header, index, 0, 0, 0, TRUE);
}

static gboolean blank_line(const Item *it, guint k) {
  return it->kind == ITEM_CODE && g_array_index(it->lines, LineBox, k).blank;
}

/* Places lines [first, last] of item `index`; returns the line to go on from. A listing broken
 * across pages drops its empty lines at the break, as TeX drops glue, so that neither page
 * ends or begins with one. */
static guint place_part(Breaker *b, guint index, guint first, guint last, double gap) {
  const Item *it = item_at(b, index);
  guint next = last + 1, n = it->lines->len;
  if (next < n) {
    while (last > first && blank_line(it, last))
      last--;
    while (next < n && blank_line(it, next))
      next++;
  }
  place(b, it, index, first, last, gap, FALSE);
  return next;
}

/* Places item `index` from line `first` on, across as many pages as it takes. The space above
 * it comes first even when `first` is not 0: the rest of a paragraph resumed below a float. */
static void place_item(Breaker *b, guint index, guint first) {
  const Item *it = item_at(b, index);
  guint n = it->lines->len;
  if (it->keep_with_next && b->y > 0) {
    double gap = gap_before(b, it);
    if (gap + set_height(b, it, 0, n - 1) + keep_height(b, index) > room_below(b, gap))
      new_page(b);
  }
  gboolean resumed = first > 0 && b->y > 0;
  while (first < n) {
    place_header_if_continued(b, it, index);
    double gap = gap_before(b, it);
    guint fit = lines_that_fit(b, it, first, gap, first == 0 || resumed);
    resumed = FALSE;
    if (fit == 0 && b->y > 0) {
      new_page(b);
      continue;
    }
    if (fit == 0) /* the rules cannot be kept on an empty page: fill it, at least one line */
      while (fit == 0 || (first + fit < n && fits(b, it, first, first + fit, gap)))
        fit++;
    first = place_part(b, index, first, first + fit - 1, gap);
    if (first < n)
      new_page(b);
  }
}

/* ---- floats ---- */

/* Figures float, as in LaTeX: a diagram callout, a table or a picture with its caption that
 * would leave the page more than a line short goes to the top of the next page, and what comes
 * after it fills the page instead: paragraphs, list items and code (the last of them may break
 * there and go on below the figure), boxes (notes, quotes; the last of them, too, may go on
 * below the figure, its label never left alone), and further figures, which wait with the
 * first and keep their order. A figure stays in its section, unless the page would otherwise
 * end more than PAST_HEADING lines short: then the next heading comes first, with at least the
 * start of the text after it, as LaTeX's floats do (a chapter's opening page would otherwise
 * hold its introduction alone). */
typedef enum { FLOW_NO, FLOW_TEXT, FLOW_BOX, FLOW_FIGURE } Flow;

static void find_floats(Breaker *b) {
  const ChapterLayout *cl = b->cl;
  guint n = cl->items->len;
  b->unit_end = g_new0(guint, n);
  b->flow = g_new0(guint8, n);
  g_autofree gboolean *boxed = g_new0(gboolean, n);
  for (guint c = 0; c < cl->containers->len; c++) {
    const Container *box = &g_array_index(cl->containers, Container, c);
    for (guint i = box->first; i <= box->last; i++)
      boxed[i] = TRUE;
    if (box->depth == 0 && box->first >= b->body) {
      b->unit_end[box->first] = box->last;
      b->flow[box->first] = box->kind == CALLOUT_DIAGRAM ? FLOW_FIGURE : FLOW_BOX;
    }
  }
  for (guint i = b->body; i < n; i++) {
    const Item *it = cl->items->pdata[i];
    if (boxed[i])
      continue;
    b->unit_end[i] = i;
    if (it->kind == ITEM_TABLE_ROW && it->is_header) {
      while (b->unit_end[i] + 1 < n &&
             ((const Item *)cl->items->pdata[b->unit_end[i] + 1])->header == it)
        b->unit_end[i]++;
      b->flow[i] = FLOW_FIGURE;
    } else if (it->kind == ITEM_IMAGE && it->image) {
      b->unit_end[i] = it->keep_with_next && i + 1 < n ? i + 1 : i;
      b->flow[i] = FLOW_FIGURE;
    } else if ((it->kind == ITEM_TEXT || it->kind == ITEM_CODE) && !it->keep_with_next &&
               !it->heading_level && !it->chapter_title) {
      b->flow[i] = FLOW_TEXT;
    }
  }
}

/* Whether item `index`, a figure's first, cannot start on this page with what it keeps, and
 * would leave more than a line and a half empty. */
static gboolean float_waits(const Breaker *b, guint index) {
  const Item *it = item_at(b, index);
  if (b->y == 0)
    return FALSE;
  double gap = gap_before(b, it);
  double need = gap + set_height(b, it, 0, it->lines->len - 1);
  if (it->keep_with_next)
    need += keep_height(b, index);
  double room = room_below(b, gap);
  return need > room && room > 1.5 * b->frame->line;
}

/* Sets what of item `index` from line `first` fits on this page; returns the line after it. */
static guint place_here(Breaker *b, guint index, guint first) {
  const Item *it = item_at(b, index);
  double gap = gap_before(b, it);
  guint fit = lines_that_fit(b, it, first, gap, TRUE);
  return fit > 0 ? place_part(b, index, first, first + fit - 1, gap) : first;
}

/* What is set on the current page so far, for rollback() to take the page back to. */
typedef struct {
  Breaker state;
  guint placed, notes;
} Mark;

static Mark mark(const Breaker *b) {
  return (Mark){*b, b->page->placements->len, b->page->notes->len};
}

static void rollback(Breaker *b, const Mark *m) {
  g_array_set_size(b->page->placements, m->placed);
  g_ptr_array_set_size(b->page->notes, m->notes);
  *b = m->state;
}

/* Sets box [first, last] on this page if all of it fits; otherwise sets nothing. */
static gboolean place_box_here(Breaker *b, guint first, guint last) {
  Mark start = mark(b);
  for (guint i = first; i <= last; i++) {
    const Item *it = item_at(b, i);
    if (place_here(b, i, 0) < it->lines->len) {
      rollback(b, &start);
      return FALSE;
    }
  }
  return TRUE;
}

/* Sets heading `k` before a figure that waits, when without it the page would end more than
 * PAST_HEADING lines short, with the headings under it and what fits of the text after them
 * (at least its first lines: else nothing is set). Returns that text's item, or `k` when
 * nothing was set; *at: its lines set. */
static guint place_heading_here(Breaker *b, guint k, guint *at) {
  const Item *it = item_at(b, k);
  guint n = b->cl->items->len;
  *at = 0;
  if (!it->heading_level || it->chapter_title)
    return k;
  double gap = gap_before(b, it);
  double room = room_below(b, gap);
  if (room <= PAST_HEADING * b->frame->line ||
      gap + set_height(b, it, 0, it->lines->len - 1) + keep_height(b, k) > room)
    return k;
  Mark start = mark(b);
  guint j = k;
  while (j + 1 < n && item_at(b, j)->heading_level && place_here(b, j, 0) > 0)
    j++;
  if (!item_at(b, j)->heading_level && b->flow[j] == FLOW_TEXT)
    *at = place_here(b, j, 0);
  if (*at > 0)
    return j;
  rollback(b, &start);
  return k;
}

/* Sets what of box [first, last] fits on this page, item by item, but never an item that keeps
 * with the next (a callout's label) as the last: FALSE, having set nothing, when nothing of it
 * fits so; otherwise the item and the line to go on from in *next and *line. */
static gboolean place_box_part(Breaker *b, guint first, guint last, guint *next, guint *line) {
  Mark kept = mark(b);
  gboolean any = FALSE;
  for (guint i = first; i <= last; i++) {
    const Item *it = item_at(b, i);
    guint at = place_here(b, i, 0);
    gboolean whole = at == it->lines->len;
    if (at > 0 && !(whole && it->keep_with_next)) {
      kept = mark(b);
      *next = whole ? i + 1 : i;
      *line = whole ? 0 : at;
      any = TRUE;
    }
    if (!whole)
      break;
  }
  rollback(b, &kept);
  return any;
}

/* Fills the page below where figure `index` would not start, with what follows it; then sets
 * the figures that waited at the top of the next page. Returns FALSE, having set nothing, when
 * nothing could fill the page; otherwise where to go on: item *next from line *line. */
static gboolean float_figure(Breaker *b, guint index, guint *next, guint *line) {
  guint n = b->cl->items->len;
  g_autoptr(GArray) waiting = g_array_new(FALSE, FALSE, sizeof(guint));
  g_array_append_val(waiting, index);
  guint k = b->unit_end[index] + 1, at = 0, filled = 0;
  while (k < n) {
    const Item *it = item_at(b, k);
    if (b->flow[k] == FLOW_FIGURE) {
      g_array_append_val(waiting, k);
    } else if (b->flow[k] == FLOW_BOX) {
      if (!place_box_here(b, k, b->unit_end[k])) {
        guint from = k;
        filled += place_box_part(b, from, b->unit_end[from], &k, &at);
        break;
      }
      filled++;
    } else if (b->flow[k] == FLOW_TEXT) {
      at = place_here(b, k, 0);
      filled += at > 0;
      if (at < it->lines->len)
        break;
      at = 0;
    } else {
      guint text = place_heading_here(b, k, &at);
      if (at == 0)
        break;
      filled++;
      k = text;
      if (at < item_at(b, k)->lines->len)
        break;
      at = 0;
    }
    k = b->unit_end[k] + 1;
  }
  if (filled == 0)
    return FALSE; /* (nothing was placed: the figures set below start where they stood) */
  new_page(b);
  for (guint w = 0; w < waiting->len; w++) {
    guint f = g_array_index(waiting, guint, w);
    for (guint i = f; i <= b->unit_end[f]; i++)
      place_item(b, i, 0);
  }
  *next = k;
  *line = at;
  return TRUE;
}

/* Whether figure `index` starts on this page once its drawing is set smaller, down to
 * MIN_DRAWING_SCALE of its own size; if so, sets it. */
static gboolean fit_drawing(Breaker *b, guint index) {
  const Item *drawing = NULL;
  for (guint i = index; i <= b->unit_end[index]; i++) {
    const Item *it = item_at(b, i);
    if (it->kind == ITEM_IMAGE && it->drawing)
      drawing = it;
  }
  if (!drawing)
    return FALSE;
  const Item *it = item_at(b, index);
  double gap = gap_before(b, it);
  double need = gap + part_height(it, 0, it->lines->len - 1);
  if (it->keep_with_next)
    need += keep_height(b, index);
  double scale = 1 - (need - room_below(b, gap)) / drawing->image_h - 0.001;
  if (scale < MIN_DRAWING_SCALE)
    return FALSE;
  b->scaled = drawing;
  b->scale = scale;
  for (guint i = index; i <= b->unit_end[index]; i++)
    place_item(b, i, 0);
  b->scaled = NULL;
  return TRUE;
}

/* Places the chapter's items, figures floated where they would leave a page short. */
static void place_items(Breaker *b) {
  guint n = b->cl->items->len;
  guint i = 0, first = 0;
  while (i < n) {
    guint next, line;
    if (first == 0 && b->flow[i] == FLOW_FIGURE && float_waits(b, i)) {
      if (fit_drawing(b, i)) {
        i = b->unit_end[i] + 1;
        continue;
      }
      if (float_figure(b, i, &next, &line)) {
        i = next;
        first = line;
        continue;
      }
    }
    place_item(b, i, first);
    i++;
    first = 0;
  }
}

/* ---- vertical fill ---- */

/* A page's shape for filling it: where its last baseline and its content end, how far it may
 * go down and how much its spaces may stretch. */
typedef struct {
  double baseline, bottom;
  double foot; /* the text block's foot, above the notes: nothing goes past it */
  double last; /* the baseline of a body line ending at the foot: stretched pages end on it */
  double gaps; /* the spaces that may stretch or shrink */
  double stretch, shrink; /* by how much in all */
} Fill;

double placement_height(const Placement *p) {
  return part_height(p->item, p->first, p->last) - (1 - p->scale) * p->item->image_h;
}

/* The baseline of the placement's last line (an image's or a rule's foot), from the top. */
static double placement_baseline(const Placement *p) {
  const LineBox *l = &g_array_index(p->item->lines, LineBox, p->last);
  double top = p->y + (p->first == 0 ? p->item->pad_top : 0) - line_top(p->item, p->first);
  return top + l->top + l->baseline - (1 - p->scale) * p->item->image_h;
}

/* The space above placement `k` that may stretch: none at the top of the page or next to the
 * chapter's opening display (`body` is the index of its first item after it). */
static double stretchable_gap(const Page *page, guint k, guint body) {
  if (k == 0)
    return 0;
  const Placement *p = &g_array_index(page->placements, Placement, k);
  const Placement *prev = &g_array_index(page->placements, Placement, k - 1);
  if (prev->index < body)
    return 0;
  return MAX(0, p->y - (prev->y + placement_height(prev)));
}

static Fill page_fill(const Page *page, const PageFrame *frame, guint body) {
  Fill f = {0, 0, frame->height, 0, 0, 0, 0};
  guint n = page->placements->len;
  for (guint i = 0; i < page->notes->len; i++)
    f.foot -= ((const Footnote *)page->notes->pdata[i])->height;
  if (page->notes->len)
    f.foot -= frame->note_gap;
  f.last = f.foot - (frame->line - frame->ascent);
  if (n == 0)
    return f;
  const Placement *last = &g_array_index(page->placements, Placement, n - 1);
  f.baseline = placement_baseline(last);
  f.bottom = last->y + placement_height(last);
  for (guint k = 1; k < n; k++)
    f.gaps += stretchable_gap(page, k, body);
  f.stretch = f.gaps * frame->stretch;
  f.shrink = f.gaps * frame->shrink;
  return f;
}

/* How far the page's last baseline can move down: its stretch, down to the foot's baseline,
 * its content within the foot (negative: how far it must come up, when the breaker counted on
 * its spaces shrinking). */
static double fill_reach(const Fill *f) {
  if (f->bottom > f->foot)
    return f->foot - f->bottom;
  return MAX(0, MIN(f->stretch, MIN(f->last - f->baseline, f->foot - f->bottom)));
}

/* Moves the page's last baseline down by `by` (up when negative), each space growing (or
 * shrinking) in proportion to itself. */
static void stretch_page(Page *page, const Fill *f, guint body, double by) {
  if (by == 0 || f->gaps <= 0)
    return;
  guint n = page->placements->len;
  g_autofree double *gaps = g_new0(double, n); /* measured before any moves */
  for (guint k = 1; k < n; k++)
    gaps[k] = stretchable_gap(page, k, body);
  double moved = 0;
  for (guint k = 1; k < n; k++) {
    moved += gaps[k] * by / f->gaps;
    g_array_index(page->placements, Placement, k).y += moved;
  }
}

/* A page to set again, brought up so that it ends level with the page facing it: its place in
 * the chapter's pages, and how far down it may fill; or (`undo`) a spread, by its verso's
 * place, whose pages are to be set as they first were, because setting them again only took
 * both further up. */
typedef struct {
  guint page;
  double height;
  gboolean undo;
} Cut;

/* A spread of the chapter the first time it was found uneven: how low both pages could then
 * end, and whether levelling it was given up. */
typedef struct {
  double level;
  gboolean undone;
} Spread;

/* For the chapter's first spread that cannot end level (its verso at `v`; `level`: as low as
 * both its pages can end; `f` and `g`: the verso's and the recto's shapes), whether to set its
 * fuller page again or to undo what was done to it (see fill_pages), and which. */
static gboolean level_spread(guint v, double level, const Fill *f, const Fill *g,
                             const PageFrame *frame, const GArray *limits, GArray *spreads,
                             Cut *cut) {
  if (v >= spreads->len)
    g_array_set_size(spreads, v + 1);
  Spread *sp = &g_array_index(spreads, Spread, v);
  if (sp->undone)
    return FALSE;
  if (sp->level == 0)
    sp->level = level;
  gboolean up_verso = level < f->baseline - f->shrink;
  const Fill *p = up_verso ? f : g;
  guint k = v + !up_verso;
  double was = k < limits->len ? g_array_index(limits, double, k) : 0;
  double height = level + (frame->line - frame->ascent) + (frame->height - p->foot);
  if (p->last - level <= LEVEL_LINES * frame->line &&
      level >= sp->level - LEVEL_SLACK * frame->line && (was == 0 || height < was - 0.5)) {
    *cut = (Cut){k, height, FALSE};
    return TRUE;
  }
  for (guint j = v; j < v + 2 && j < limits->len; j++)
    if (g_array_index(limits, double, j) > 0) {
      *cut = (Cut){v, 0, TRUE};
      return TRUE;
    }
  return FALSE;
}

/* The chapter's pages from `first` on. Its last page ends where its text does (its spaces
 * shrunk only as far as the breaker counted on). Before it, facing pages (a verso, odd index,
 * and the recto after it) end on one baseline, as low as both can reach, the fuller one's spaces
 * shrunk if it must; a page whose partner cannot meet it, or that faces none, goes as low as it
 * can. Returns TRUE with the first spread's fuller page in `cut` when the spread can end level
 * only once that page is set again to end higher: no more than LEVEL_LINES above the foot,
 * LEVEL_SLACK lines above where the spread first could, and higher than `limits` (how far down
 * the chapter's pages cut before may fill) let it now; or with the spread to undo when setting
 * its pages again went past those bounds. */
static gboolean fill_pages(GPtrArray *pages, guint first, const PageFrame *frame, guint body,
                           const GArray *limits, GArray *spreads, Cut *cut) {
  guint end = pages->len - 1;
  gboolean found = FALSE;
  Page *last = pages->pdata[end];
  Fill l = page_fill(last, frame, body);
  stretch_page(last, &l, body, MIN(0, fill_reach(&l)));
  for (guint i = first; i < end; i++) {
    Page *page = pages->pdata[i];
    Fill f = page_fill(page, frame, body);
    gboolean verso = frame->recto_openings && i % 2 == 1;
    if (verso && i + 1 < end) {
      Page *recto = pages->pdata[i + 1];
      Fill g = page_fill(recto, frame, body);
      double level = MIN(f.baseline + fill_reach(&f), g.baseline + fill_reach(&g));
      if (level >= f.baseline - f.shrink && level >= g.baseline - g.shrink) {
        stretch_page(page, &f, body, level - f.baseline);
        stretch_page(recto, &g, body, level - g.baseline);
        i++;
        continue;
      }
      if (!found)
        found = level_spread(i - first, level, &f, &g, frame, limits, spreads, cut);
    }
    stretch_page(page, &f, body, fill_reach(&f));
  }
  return found;
}

/* The index of the chapter's first item after its opening display. */
static guint body_start(const ChapterLayout *cl) {
  for (guint i = 0; i < cl->items->len; i++)
    if (((const Item *)cl->items->pdata[i])->chapter_title)
      return i + 1;
  return 0;
}

/* Sets the chapter's pages anew, as the limits and the chosen variants say. */
static void set_pages(Breaker *b) {
  g_ptr_array_set_size(b->pages, b->first_page);
  new_page(b);
  b->page->opening = TRUE;
  place_items(b);
  b->pages_set += b->pages->len - b->first_page;
}

/* Sets the chapter's pages and fills them, setting a page again where its spread cannot end
 * level otherwise (see fill_pages). */
static void set_level(Breaker *b) {
  g_array_set_size(b->limits, 0);
  g_autoptr(GArray) spreads = g_array_new(FALSE, TRUE, sizeof(Spread));
  const PageFrame *frame = b->frame;
  guint passes = MAX_PASSES;
  for (guint pass = 0;; pass++) {
    set_pages(b);
    if (pass == 0)
      passes = MIN(passes, PASS_PAGES / (b->pages->len - b->first_page));
    Cut cut = {0, 0, FALSE};
    if (!(frame->stretch > 0 || frame->shrink > 0) ||
        !fill_pages(b->pages, b->first_page, frame, b->body, b->limits, spreads, &cut) ||
        pass >= passes)
      break;
    if (cut.page + 1 >= b->limits->len)
      g_array_set_size(b->limits, cut.page + 2);
    if (cut.undo) {
      g_array_index(spreads, Spread, cut.page).undone = TRUE;
      g_array_index(b->limits, double, cut.page) = 0;
      g_array_index(b->limits, double, cut.page + 1) = 0;
    } else {
      g_array_index(b->limits, double, cut.page) = cut.height;
    }
  }
}

/* Whether page `p` ends more than SHORT_PAGE lines above the foot. */
static gboolean page_short(const Breaker *b, guint p) {
  Fill f = page_fill(b->pages->pdata[p], b->frame, b->body);
  return f.last - f.baseline > SHORT_PAGE * b->frame->line;
}

/* Whether page `p` is a verso whose spread ends uneven (the chapter's last page faces none). */
static gboolean spread_uneven(const Breaker *b, guint p) {
  if (!b->frame->recto_openings || p % 2 == 0 || p + 2 >= b->pages->len)
    return FALSE;
  Fill f = page_fill(b->pages->pdata[p], b->frame, b->body);
  Fill g = page_fill(b->pages->pdata[p + 1], b->frame, b->body);
  return fabs(f.baseline - g.baseline) > 0.5;
}

/* The chapter's pages that end short and spreads that end uneven, its last page left out. */
static guint page_faults(const Breaker *b) {
  guint n = 0;
  for (guint p = b->first_page; p + 1 < b->pages->len; p++)
    n += page_short(b, p) + spread_uneven(b, p);
  return n;
}

/* Adds the paragraphs of page `p` that have variants, and none chosen, to `tries`: twice an
 * item's index, plus one for its longer variant. */
static void variants_on(const Breaker *b, guint p, GArray *tries) {
  if (p < b->first_page || p >= b->pages->len)
    return;
  const GArray *placed = ((const Page *)b->pages->pdata[p])->placements;
  for (guint k = 0; k < placed->len; k++) {
    guint i = g_array_index(placed, Placement, k).index;
    const Item *it = b->cl->items->pdata[i];
    if (b->choice[i] || (k > 0 && g_array_index(placed, Placement, k - 1).index == i))
      continue;
    for (int dir = -1; dir <= 1; dir += 2)
      if (layout_has_variant(it, dir)) {
        guint t = i * 2 + (dir > 0);
        g_array_append_val(tries, t);
      }
  }
}

/* Sets the chapter's pages, choosing paragraph variants (layout_variant()) that bring short pages
 * down to the foot and uneven spreads level, as an editor asks TeX for \looseness: page by
 * page, the paragraphs on a page that ends short (or a verso uneven with its recto), on the page
 * before it (and on the recto), are tried one line shorter (what waits for the next page may
 * then fit) and one line longer (the page gains a line), and the first that leaves the chapter
 * fewer such pages is kept. Each try sets the chapter again: no more than VARIANT_TRIES per
 * page, and pages set in all up to TRY_PAGES times the chapter's, so the work stays linear. */
static void choose_variants(Breaker *b) {
  const GPtrArray *items = b->cl->items;
  gboolean any = FALSE;
  for (guint i = b->body; i < items->len && !any; i++) {
    const Item *it = items->pdata[i];
    any = layout_has_variant(it, 1) || layout_has_variant(it, -1);
  }
  set_level(b);
  if (!any)
    return;
  b->choice = g_new0(gint8, items->len);
  guint best = page_faults(b);
  gsize budget = b->pages_set + TRY_PAGES * (b->pages->len - b->first_page);
  for (guint p = b->first_page; best > 0 && p + 1 < b->pages->len && b->pages_set < budget; p++) {
    gboolean uneven = spread_uneven(b, p);
    if (!uneven && !page_short(b, p))
      continue;
    g_autoptr(GArray) tries = g_array_new(FALSE, FALSE, sizeof(guint));
    variants_on(b, p, tries);
    variants_on(b, p - 1, tries);
    if (uneven)
      variants_on(b, p + 1, tries);
    gboolean kept = FALSE;
    for (guint t = 0; t < tries->len && t < VARIANT_TRIES && !kept && b->pages_set < budget; t++) {
      guint i = g_array_index(tries, guint, t) / 2;
      b->choice[i] = g_array_index(tries, guint, t) % 2 ? 1 : -1;
      set_level(b);
      guint now = page_faults(b);
      kept = now < best;
      if (kept)
        best = now;
      else
        b->choice[i] = 0;
    }
    if (!kept && tries->len > 0)
      set_level(b);
  }
}

void paginate_chapter(const ChapterLayout *cl, const PageFrame *frame, GPtrArray *pages) {
  Breaker b = {cl,   frame, pages, NULL, 0,    0, 0,    0, body_start(cl),
               NULL, NULL,  0,     NULL, NULL, 1, NULL, 0};
  find_floats(&b);
  if (frame->recto_openings && pages->len % 2 == 1) {
    Page *blank = page_new(NULL);
    blank->blank = TRUE;
    g_ptr_array_add(pages, blank);
  }
  b.first_page = pages->len;
  b.limits = g_array_new(FALSE, TRUE, sizeof(double));
  choose_variants(&b);
  g_array_unref(b.limits);
  g_free(b.unit_end);
  g_free(b.flow);
  g_free(b.choice);
}
