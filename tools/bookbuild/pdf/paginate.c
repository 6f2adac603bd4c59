/* paginate.c: the page breaker (see paginate.h). Greedy, line by line, with look-ahead only
 * where a rule needs it (keep-with-next, widows), counting on the spaces between blocks to
 * shrink a little; a chapter's pages are then filled down by stretching (or shrinking) those
 * spaces, TeX's vertical glue. Pages store placements; nothing is drawn. */
#include "paginate.h"

#define MIN_LINES 2      /* orphans and widows */
#define MIN_CODE_SPLIT 5 /* code blocks of up to this many lines are never split */

typedef struct {
  const ChapterLayout *cl;
  const PageFrame *frame;
  GPtrArray *pages;
  Page *page;
  double y;          /* bottom of what is placed */
  double notes;      /* height of the page's footnotes (with the rule gap) */
  double last_after; /* space_after of the last placed item */
  double gaps;       /* the spaces on the page that may shrink (see stretchable_gap) */
  guint body;        /* the chapter's first item after its opening display */
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

static void new_page(Breaker *b) {
  b->page = page_new(b->cl);
  g_ptr_array_add(b->pages, b->page);
  b->y = 0;
  b->notes = 0;
  b->last_after = 0;
  b->gaps = 0;
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

/* Whether lines [first, last] fit below what is placed, the page's spaces shrunk if need be
 * (fill_pages() shrinks them after). */
static gboolean fits(Breaker *b, const Item *it, guint first, guint last, double gap) {
  g_autoptr(GPtrArray) pending = g_ptr_array_new();
  double need = gap + part_height(it, first, last);
  double notes = notes_height(b, it, first, last, pending);
  double shrink = b->frame->shrink * (b->gaps + (gap_stretches(b) ? gap : 0));
  return b->y + need + b->notes + notes <= b->frame->height + shrink + 0.01;
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
  Placement p = {it, index, first, last, b->y + gap, repeated};
  g_array_append_val(b->page->placements, p);
  b->y += gap + part_height(it, first, last);
  b->last_after = last + 1 == it->lines->len ? it->space_after : 0;
}

static double gap_before(const Breaker *b, const Item *it) {
  return b->y == 0 ? 0 : MAX(b->last_after, it->space_before);
}

/* The lines of `next` that must follow a kept heading on its page. */
static double keep_height(const ChapterLayout *cl, guint i) {
  double h = 0;
  const Item *prev = cl->items->pdata[i];
  for (guint j = i + 1; j < cl->items->len; j++) {
    const Item *next = cl->items->pdata[j];
    guint n = next->lines->len;
    guint take = next->kind == ITEM_TABLE_ROW || next->kind == ITEM_IMAGE ? 1 : MIN(n, MIN_LINES);
    h += MAX(prev->space_after, next->space_before) + part_height(next, 0, take - 1);
    if (!next->keep_with_next || take < n)
      break;
    prev = next;
  }
  return h;
}

/* How many lines of `it` from `first` fit on this page, honouring widows and orphans. */
static guint lines_that_fit(Breaker *b, const Item *it, guint first, double gap) {
  guint n = it->lines->len, fit = 0;
  while (first + fit < n && fits(b, it, first, first + fit, gap))
    fit++;
  if (fit == 0 || first + fit == n || it->kind == ITEM_TABLE_ROW || it->kind == ITEM_IMAGE)
    return fit;
  if (first == 0 && fit < MIN_LINES)
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
  if (first == 0 && fit < MIN_LINES)
    fit = 0;
  return fit;
}

static void place_header_if_continued(Breaker *b, const Item *it, guint index) {
  if (it->kind != ITEM_TABLE_ROW || !it->header || b->y != 0)
    return;
  place(b, it->header, index, 0, 0, 0, TRUE);
}

static void place_item(Breaker *b, guint index) {
  const Item *it = b->cl->items->pdata[index];
  guint n = it->lines->len, first = 0;
  if (it->keep_with_next && b->y > 0) {
    double need = gap_before(b, it) + part_height(it, 0, n - 1) + keep_height(b->cl, index);
    if (b->y + need + b->notes > b->frame->height)
      new_page(b);
  }
  while (first < n) {
    place_header_if_continued(b, it, index);
    double gap = gap_before(b, it);
    guint fit = lines_that_fit(b, it, first, gap);
    if (fit == 0 && b->y > 0) {
      new_page(b);
      continue;
    }
    if (fit == 0) /* the rules cannot be kept on an empty page: fill it, at least one line */
      while (fit == 0 || (first + fit < n && fits(b, it, first, first + fit, gap)))
        fit++;
    place(b, it, index, first, first + fit - 1, first == 0 ? gap : 0, FALSE);
    first += fit;
    if (first < n)
      new_page(b);
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

static double placement_height(const Placement *p) {
  return part_height(p->item, p->first, p->last);
}

/* The baseline of the placement's last line (an image's or a rule's foot), from the top. */
static double placement_baseline(const Placement *p) {
  const LineBox *l = &g_array_index(p->item->lines, LineBox, p->last);
  double top = p->y + (p->first == 0 ? p->item->pad_top : 0) - line_top(p->item, p->first);
  return top + l->top + l->baseline;
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

/* The chapter's pages from `first` on. Its last page ends where its text does (its spaces
 * shrunk only as far as the breaker counted on). Before it, facing pages (a verso, odd index,
 * and the recto after it) end on one baseline, as low as both can reach, the fuller one's spaces
 * shrunk if it must; a page whose partner cannot meet it, or that faces none, goes as low as it
 * can. */
static void fill_pages(GPtrArray *pages, guint first, const PageFrame *frame, guint body) {
  guint end = pages->len - 1;
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
    }
    stretch_page(page, &f, body, fill_reach(&f));
  }
}

/* The index of the chapter's first item after its opening display. */
static guint body_start(const ChapterLayout *cl) {
  for (guint i = 0; i < cl->items->len; i++)
    if (((const Item *)cl->items->pdata[i])->chapter_title)
      return i + 1;
  return 0;
}

void paginate_chapter(const ChapterLayout *cl, const PageFrame *frame, GPtrArray *pages) {
  Breaker b = {cl, frame, pages, NULL, 0, 0, 0, 0, body_start(cl)};
  if (frame->recto_openings && pages->len % 2 == 1) {
    Page *blank = page_new(NULL);
    blank->blank = TRUE;
    g_ptr_array_add(pages, blank);
  }
  guint first = pages->len;
  new_page(&b);
  b.page->opening = TRUE;
  for (guint i = 0; i < cl->items->len; i++)
    place_item(&b, i);
  if (frame->stretch > 0 || frame->shrink > 0)
    fill_pages(pages, first, frame, body_start(cl));
}
