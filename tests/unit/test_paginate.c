/* Unit tests for the PDF's page breaker (pdf/paginate.c) and table column widths, on items built
 * by hand: lines of known heights on a text block of known height, no fonts involved. */
#include "pdf/paginate.h"

/* A text block 100 points high; every line is 10 points, so a page holds 10 lines, each with
 * its baseline 8 points below its top. */
#define BLOCK 100.0
#define LINE 10.0
#define ASCENT 8.0

static Item *item_lines(ItemKind kind, guint n) {
  Item *it = item_new(kind);
  for (guint i = 0; i < n; i++) {
    LineBox lb = {0};
    lb.top = i * LINE;
    lb.height = LINE;
    lb.baseline = ASCENT;
    g_array_append_val(it->lines, lb);
  }
  return it;
}

static ChapterLayout *chapter_new(void) {
  ChapterLayout *cl = g_new0(ChapterLayout, 1);
  cl->items = g_ptr_array_new_with_free_func(item_free);
  cl->containers = g_array_new(FALSE, TRUE, sizeof(Container));
  cl->footnotes = g_ptr_array_new();
  return cl;
}

static Item *add(ChapterLayout *cl, ItemKind kind, guint lines) {
  Item *it = item_lines(kind, lines);
  g_ptr_array_add(cl->items, it);
  return it;
}

/* Pages of `cl` on the 100-point block (a book: chapters open on rectos). */
static GPtrArray *paginate(const ChapterLayout *cl, GPtrArray *pages) {
  PageFrame frame = {BLOCK, TRUE, 5, LINE, ASCENT, 0, 0};
  if (!pages)
    pages = g_ptr_array_new_with_free_func(page_free);
  paginate_chapter(cl, &frame, pages);
  return pages;
}

static const Placement *placement(const GPtrArray *pages, guint page, guint k) {
  const Page *p = pages->pdata[page];
  g_assert_cmpuint(k, <, p->placements->len);
  return &g_array_index(p->placements, Placement, k);
}

static guint placements(const GPtrArray *pages, guint page) {
  return ((const Page *)pages->pdata[page])->placements->len;
}

static void chapter_free(ChapterLayout *cl) {
  g_ptr_array_unref(cl->items);
  g_array_unref(cl->containers);
  g_ptr_array_unref(cl->footnotes);
  g_free(cl);
}

/* A 25-line paragraph fills two pages and puts its last 5 lines on a third. */
static void test_fills_pages(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 25);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(pages->len, ==, 3);
  g_assert_cmpuint(placement(pages, 0, 0)->first, ==, 0);
  g_assert_cmpuint(placement(pages, 0, 0)->last, ==, 9);
  g_assert_cmpuint(placement(pages, 1, 0)->first, ==, 10);
  g_assert_cmpuint(placement(pages, 2, 0)->last, ==, 24);
  g_assert_true(((Page *)pages->pdata[0])->opening);
  g_assert_false(((Page *)pages->pdata[1])->opening);
  chapter_free(cl);
}

/* One line of a paragraph would be left alone at the foot of a page: the whole paragraph moves. */
static void test_no_orphan(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 9);
  add(cl, ITEM_TEXT, 5);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(pages->len, ==, 2);
  g_assert_cmpuint(placements(pages, 0), ==, 1);
  g_assert_cmpuint(placement(pages, 1, 0)->index, ==, 1);
  g_assert_cmpuint(placement(pages, 1, 0)->first, ==, 0);
  g_assert_cmpfloat(placement(pages, 1, 0)->y, ==, 0);
  chapter_free(cl);
}

/* Three lines fit but one would be left alone at the top of the next page: two go over. */
static void test_no_widow(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 7);
  add(cl, ITEM_TEXT, 4);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(pages->len, ==, 2);
  g_assert_cmpuint(placement(pages, 0, 1)->first, ==, 0);
  g_assert_cmpuint(placement(pages, 0, 1)->last, ==, 1);
  g_assert_cmpuint(placement(pages, 1, 0)->first, ==, 2);
  g_assert_cmpuint(placement(pages, 1, 0)->last, ==, 3);
  chapter_free(cl);
}

/* A heading that fits at the foot of a page, followed by a paragraph of which only one line
 * would fit, goes to the next page with it. */
static void test_heading_keeps_with_next(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 8);
  Item *heading = add(cl, ITEM_TEXT, 1);
  heading->keep_with_next = TRUE;
  heading->heading_level = 2;
  add(cl, ITEM_TEXT, 5);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(pages->len, ==, 2);
  g_assert_cmpuint(placements(pages, 0), ==, 1);
  g_assert_true(placement(pages, 1, 0)->item == heading);
  g_assert_cmpuint(placement(pages, 1, 1)->index, ==, 2);
  chapter_free(cl);
}

/* A table longer than a page: its header row is repeated at the top of the next page. */
static void test_table_header_repeats(void) {
  ChapterLayout *cl = chapter_new();
  Item *header = add(cl, ITEM_TABLE_ROW, 1);
  header->is_header = TRUE;
  for (int i = 0; i < 14; i++)
    add(cl, ITEM_TABLE_ROW, 1)->header = header;
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(pages->len, ==, 2);
  g_assert_cmpuint(placements(pages, 0), ==, 10); /* the header and nine rows */
  g_assert_false(placement(pages, 0, 0)->repeated);
  const Placement *top = placement(pages, 1, 0);
  g_assert_true(top->item == header);
  g_assert_true(top->repeated);
  g_assert_cmpuint(top->index, ==, 10); /* the place of the row it heads */
  g_assert_cmpuint(placement(pages, 1, 1)->index, ==, 10);
  g_assert_cmpuint(placements(pages, 1), ==, 6);
  chapter_free(cl);
}

/* A listing of five lines is never split; a longer one is, but not inside a wrapped line. */
static void test_code_splits(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 7);
  add(cl, ITEM_CODE, 5);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(placements(pages, 0), ==, 1);
  g_assert_cmpuint(placement(pages, 1, 0)->last, ==, 4);

  ChapterLayout *cl2 = chapter_new();
  add(cl2, ITEM_TEXT, 6);
  Item *code = add(cl2, ITEM_CODE, 8);
  g_array_index(code->lines, LineBox, 4).continuation = TRUE; /* line 4 continues line 3 */
  g_autoptr(GPtrArray) pages2 = paginate(cl2, NULL);
  g_assert_cmpuint(placement(pages2, 0, 1)->last, ==, 2); /* 4 fit; 3 and 4 stay together */
  g_assert_cmpuint(placement(pages2, 1, 0)->first, ==, 3);
  chapter_free(cl);
  chapter_free(cl2);
}

/* A listing broken across pages drops its empty lines at the break: the page ends on the line
 * before them and the next begins after them. */
static void test_code_blank_dropped(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 6);
  Item *code = add(cl, ITEM_CODE, 9);
  g_array_index(code->lines, LineBox, 3).blank = TRUE; /* lines 0-3 fit under the text */
  g_array_index(code->lines, LineBox, 4).blank = TRUE;
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(placement(pages, 0, 1)->last, ==, 2);
  g_assert_cmpuint(placement(pages, 1, 0)->first, ==, 5);
  g_assert_cmpuint(placement(pages, 1, 0)->last, ==, 8);
  chapter_free(cl);
}

/* A chapter that would open on a verso gets a blank page first; a handout never does. */
static void test_recto_openings(void) {
  ChapterLayout *one = chapter_new(), *two = chapter_new();
  add(one, ITEM_TEXT, 5);
  add(two, ITEM_TEXT, 5);
  g_autoptr(GPtrArray) pages = paginate(one, NULL);
  paginate(two, pages);
  g_assert_cmpuint(pages->len, ==, 3);
  g_assert_true(((Page *)pages->pdata[1])->blank);
  g_assert_null(((Page *)pages->pdata[1])->chapter);
  g_assert_true(((Page *)pages->pdata[2])->opening);

  g_autoptr(GPtrArray) handout = g_ptr_array_new_with_free_func(page_free);
  PageFrame frame = {BLOCK, FALSE, 5, LINE, ASCENT, 0, 0};
  paginate_chapter(one, &frame, handout);
  paginate_chapter(two, &frame, handout);
  g_assert_cmpuint(handout->len, ==, 2);
  chapter_free(one);
  chapter_free(two);
}

/* A footnote is set at the foot of the page that references it, and its height (with the gap
 * above the rule) is taken from the text: the referencing paragraph yields lines to the next
 * page. */
static void test_footnote_space(void) {
  ChapterLayout *cl = chapter_new();
  Footnote note = {.number = 1, .height = 10};
  Item *para = add(cl, ITEM_TEXT, 12);
  LineBox *first = &g_array_index(para->lines, LineBox, 0);
  first->notes = g_ptr_array_new();
  g_ptr_array_add(first->notes, &note);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  const Page *page = pages->pdata[0];
  g_assert_cmpuint(page->notes->len, ==, 1);
  g_assert_true(page->notes->pdata[0] == &note);
  g_assert_cmpuint(placement(pages, 0, 0)->last, ==, 7); /* a ninth line needs 90 + 5 + 10 */
  g_assert_cmpuint(((Page *)pages->pdata[1])->notes->len, ==, 0);
  chapter_free(cl);
}

/* Space between blocks is dropped at the top of a page. */
static void test_space_dropped_at_top(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 10);
  Item *next = add(cl, ITEM_TEXT, 3);
  next->space_before = 6;
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(pages->len, ==, 2);
  g_assert_cmpfloat(placement(pages, 1, 0)->y, ==, 0);
  chapter_free(cl);
}

/* Pages of `cl` with spaces that stretch by half and shrink by `shrink` of themselves, as a
 * book's facing pages or a handout's. */
static GPtrArray *paginate_filled(const ChapterLayout *cl, gboolean book, double shrink) {
  PageFrame frame = {BLOCK, book, 5, LINE, ASCENT, 0.5, shrink};
  GPtrArray *pages = g_ptr_array_new_with_free_func(page_free);
  paginate_chapter(cl, &frame, pages);
  return pages;
}

static Item *add_spaced(ChapterLayout *cl, ItemKind kind, guint lines, double space) {
  Item *it = add(cl, kind, lines);
  it->space_before = space;
  return it;
}

/* A page left short by a listing that goes over: its space stretches by half of itself, as far
 * as the foot; the chapter's last page is left as it ends. */
static void test_stretch_fills_page(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 3);
  add_spaced(cl, ITEM_TEXT, 2, 10); /* ends at 60 */
  add_spaced(cl, ITEM_CODE, 5, 10); /* needs 60 + 10 + 50: over */
  add_spaced(cl, ITEM_TEXT, 2, 10);
  g_autoptr(GPtrArray) pages = paginate_filled(cl, FALSE, 0);
  g_assert_cmpuint(pages->len, ==, 2);
  g_assert_cmpfloat_with_epsilon(placement(pages, 0, 1)->y, 45, 1e-9); /* 40 + 10 / 2 */
  g_assert_cmpfloat(placement(pages, 1, 1)->y, ==, 60);                /* the last page: 50 + 10 */

  ChapterLayout *cl2 = chapter_new();
  add(cl2, ITEM_TEXT, 3);
  add_spaced(cl2, ITEM_TEXT, 3, 30); /* ends at 100 - 10: the space may give 15, the foot 10 */
  add_spaced(cl2, ITEM_CODE, 5, 10);
  g_autoptr(GPtrArray) pages2 = paginate_filled(cl2, FALSE, 0);
  g_assert_cmpfloat_with_epsilon(placement(pages2, 0, 1)->y, 70, 1e-9);
  chapter_free(cl);
  chapter_free(cl2);
}

/* Facing pages end on one baseline: the recto can come down 5 points, so the verso, which could
 * reach the foot, shrinks its space by 5 to meet it. */
static void test_facing_pages_level(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 10);                     /* page 1, the opening recto: full */
  add(cl, ITEM_TEXT, 3);                      /* page 2, verso */
  Item *b = add_spaced(cl, ITEM_TEXT, 4, 20); /* 50 to 90 */
  add_spaced(cl, ITEM_CODE, 5, 10);           /* page 3, recto: 0 to 50 */
  Item *d = add_spaced(cl, ITEM_TEXT, 2, 10); /* 60 to 80: 5 of stretch */
  add_spaced(cl, ITEM_CODE, 5, 10);           /* page 4, the last */
  g_autoptr(GPtrArray) pages = paginate_filled(cl, TRUE, 0.5);
  g_assert_cmpuint(pages->len, ==, 4);
  g_assert_true(placement(pages, 1, 1)->item == b);
  g_assert_true(placement(pages, 2, 1)->item == d);
  g_assert_cmpfloat_with_epsilon(placement(pages, 1, 1)->y, 45, 1e-9);
  g_assert_cmpfloat_with_epsilon(placement(pages, 2, 1)->y, 65, 1e-9);
  /* Both last baselines at 83: 45 + 30 + 8 and 65 + 10 + 8. */
  chapter_free(cl);
}

/* A spread that no space can level: the recto ends three lines short before a listing that
 * may not split, and the verso, full, has no space to shrink. The verso is set again to end
 * level with it; the lines it gives up fill the recto, which is then set again to end on the
 * same line. */
static void test_spread_set_again(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 10);           /* page 1, the opening recto */
  Item *b = add(cl, ITEM_TEXT, 10); /* page 2, verso: full */
  Item *c = add(cl, ITEM_TEXT, 7);  /* page 3, recto: 70, then the listing does not fit */
  add(cl, ITEM_CODE, 5);
  add(cl, ITEM_TEXT, 20);
  g_autoptr(GPtrArray) pages = paginate_filled(cl, TRUE, 0.5);
  g_assert_true(placement(pages, 1, 0)->item == b);
  g_assert_cmpuint(placement(pages, 1, 0)->last, ==, 6); /* B ends at 70, baseline 68 */
  g_assert_cmpuint(placements(pages, 2), ==, 2);
  g_assert_cmpuint(placement(pages, 2, 0)->first, ==, 7); /* B 7-9 and C 0-3: 70 */
  g_assert_true(placement(pages, 2, 1)->item == c);
  g_assert_cmpuint(placement(pages, 2, 1)->last, ==, 3);
  chapter_free(cl);
}

/* Spaces that may shrink let a paragraph end on the page rather than leave lines over (here
 * the widow rule would send two of its six lines on); the space then shrinks to fit. */
static void test_shrink_fits_more(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 3);
  add_spaced(cl, ITEM_TEXT, 6, 20); /* 30 + 20 + 60 = 110: 10 over, the space may give 10 */
  add(cl, ITEM_TEXT, 3);
  g_autoptr(GPtrArray) pages = paginate_filled(cl, FALSE, 0.5);
  g_assert_cmpuint(placement(pages, 0, 1)->last, ==, 5);
  g_assert_cmpfloat_with_epsilon(placement(pages, 0, 1)->y, 40, 1e-9);
  g_autoptr(GPtrArray) rigid = paginate_filled(cl, FALSE, 0);
  g_assert_cmpuint(placement(rigid, 0, 1)->last, ==, 3);
  chapter_free(cl);
}

/* A page left three lines short before a listing that may not split: the paragraph above it,
 * set one line shorter, lets the listing fit, and the page ends at the foot. The chapter's last
 * page is not judged. */
static void test_variant_shorter_fits_listing(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 3);
  Item *b = add(cl, ITEM_TEXT, 4);
  b->shorter = item_lines(ITEM_TEXT, 3);
  b->longer = item_lines(ITEM_TEXT, 5);
  Item *code = add(cl, ITEM_CODE, 4); /* 70 + 40: over, unless the paragraph gives a line */
  add(cl, ITEM_TEXT, 15);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(placements(pages, 0), ==, 3);
  g_assert_true(placement(pages, 0, 1)->item == b->shorter);
  g_assert_true(placement(pages, 0, 2)->item == code);
  g_assert_cmpfloat(placement(pages, 0, 2)->y, ==, 60);
  chapter_free(cl);
}

/* A page two lines short before a listing that cannot come up even so: the first of its
 * paragraphs set one line longer brings the page to a line of the foot, and the second is left
 * as it is. */
static void test_variant_longer_fills_page(void) {
  ChapterLayout *cl = chapter_new();
  Item *a = add(cl, ITEM_TEXT, 4);
  a->longer = item_lines(ITEM_TEXT, 5);
  Item *b = add(cl, ITEM_TEXT, 4);
  b->longer = item_lines(ITEM_TEXT, 5);
  add(cl, ITEM_CODE, 5); /* 80 + 50: over, with or without a line less */
  add(cl, ITEM_TEXT, 15);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(placements(pages, 0), ==, 2);
  g_assert_true(placement(pages, 0, 0)->item == a->longer);
  g_assert_true(placement(pages, 0, 1)->item == b);
  chapter_free(cl);
}

/* A variant that leaves the page no less short is not taken: the page ends three lines short
 * before a listing that a line less does not let in, and a line more leaves it two short. */
static void test_variant_only_when_better(void) {
  ChapterLayout *cl = chapter_new();
  Item *a = add(cl, ITEM_TEXT, 3);
  a->longer = item_lines(ITEM_TEXT, 4);
  a->shorter = item_lines(ITEM_TEXT, 2);
  add(cl, ITEM_CODE, 4); /* 30 + 40 */
  add(cl, ITEM_CODE, 5); /* 70 + 50: over, and 60 + 50 too */
  add(cl, ITEM_TEXT, 15);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_true(placement(pages, 0, 0)->item == a);
  g_assert_cmpuint(placements(pages, 0), ==, 2);
  chapter_free(cl);
}

/* A drawing `lines` lines high, which never splits. */
static Item *add_drawing(ChapterLayout *cl, guint lines) {
  Item *it = item_lines(ITEM_IMAGE, 1);
  g_array_index(it->lines, LineBox, 0).height = lines * LINE;
  g_ptr_array_add(cl->items, it);
  return it;
}

static void add_box(ChapterLayout *cl, CalloutKind kind, guint first, guint last) {
  Container box = {kind, first, last, 0, 100, 0};
  g_array_append_val(cl->containers, box);
}

/* A diagram that does not fit below the opening text floats to the next page; the note after
 * it fills the page with its label and as much of its text as fits, and goes on below the
 * diagram. */
static void test_box_goes_on_below_float(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 6);
  Item *figure = add_drawing(cl, 6); /* 60 + 60: over */
  add_box(cl, CALLOUT_DIAGRAM, 1, 1);
  Item *label = add(cl, ITEM_TEXT, 1);
  label->keep_with_next = TRUE;
  Item *note = add(cl, ITEM_TEXT, 6);
  add_box(cl, CALLOUT_NOTE, 2, 3);
  add(cl, ITEM_TEXT, 15);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(placements(pages, 0), ==, 3);
  g_assert_true(placement(pages, 0, 1)->item == label);
  g_assert_true(placement(pages, 0, 2)->item == note);
  g_assert_cmpuint(placement(pages, 0, 2)->last, ==, 2);
  g_assert_true(placement(pages, 1, 0)->item == figure);
  g_assert_true(placement(pages, 1, 1)->item == note);
  g_assert_cmpuint(placement(pages, 1, 1)->first, ==, 3);
  chapter_free(cl);
}

/* A note whose label alone would fit below the text leaves the page to the diagram's float:
 * nothing fills it, and the diagram starts the next page with the note after it. */
static void test_box_label_not_alone(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 8);
  Item *figure = add_drawing(cl, 6);
  add_box(cl, CALLOUT_DIAGRAM, 1, 1);
  Item *label = add(cl, ITEM_TEXT, 1);
  label->keep_with_next = TRUE;
  add(cl, ITEM_TEXT, 6); /* 80 + 10 + 20: over by a line */
  add_box(cl, CALLOUT_NOTE, 2, 3);
  add(cl, ITEM_TEXT, 15);
  g_autoptr(GPtrArray) pages = paginate(cl, NULL);
  g_assert_cmpuint(placements(pages, 0), ==, 1);
  g_assert_true(placement(pages, 1, 0)->item == figure);
  g_assert_true(placement(pages, 1, 1)->item == label);
  chapter_free(cl);
}

/* On a block 20 lines high: pages of `cl`, no space stretching. */
static GPtrArray *paginate_tall(const ChapterLayout *cl) {
  PageFrame frame = {2 * BLOCK, TRUE, 5, LINE, ASCENT, 0, 0};
  GPtrArray *pages = g_ptr_array_new_with_free_func(page_free);
  paginate_chapter(cl, &frame, pages);
  return pages;
}

/* A drawing too tall for what is left of the page, with a heading after it: the page would
 * end 17 lines short, so the heading and the start of its text come first and the drawing tops
 * the next page. With only 9 lines left it stays in its section, and the page ends short. */
static void test_float_past_heading(void) {
  ChapterLayout *cl = chapter_new();
  add(cl, ITEM_TEXT, 3);
  Item *drawing = add_drawing(cl, 18);
  add_box(cl, CALLOUT_DIAGRAM, 1, 1);
  Item *heading = add(cl, ITEM_TEXT, 1);
  heading->heading_level = 2;
  heading->keep_with_next = TRUE;
  Item *text = add(cl, ITEM_TEXT, 30);
  g_autoptr(GPtrArray) pages = paginate_tall(cl);
  g_assert_cmpuint(placements(pages, 0), ==, 3);
  g_assert_true(placement(pages, 0, 1)->item == heading);
  g_assert_true(placement(pages, 0, 2)->item == text);
  g_assert_cmpuint(placement(pages, 0, 2)->last, ==, 15);
  g_assert_true(placement(pages, 1, 0)->item == drawing);
  g_assert_true(placement(pages, 1, 1)->item == text);
  g_assert_cmpuint(placement(pages, 1, 1)->first, ==, 16);

  ChapterLayout *cl2 = chapter_new();
  add(cl2, ITEM_TEXT, 11);
  Item *drawing2 = add_drawing(cl2, 12);
  add_box(cl2, CALLOUT_DIAGRAM, 1, 1);
  Item *heading2 = add(cl2, ITEM_TEXT, 1);
  heading2->heading_level = 2;
  heading2->keep_with_next = TRUE;
  add(cl2, ITEM_TEXT, 30);
  g_autoptr(GPtrArray) pages2 = paginate_tall(cl2);
  g_assert_cmpuint(placements(pages2, 0), ==, 1);
  g_assert_true(placement(pages2, 1, 0)->item == drawing2);
  g_assert_true(placement(pages2, 1, 1)->item == heading2);
  chapter_free(cl);
  chapter_free(cl2);
}

static void test_column_widths(void) {
  /* Natural widths that fit in well under the measure are kept. */
  double nat[] = {20, 30}, min[] = {10, 10};
  g_autofree double *w = layout_column_widths(nat, min, 2, 100);
  g_assert_cmpfloat(w[0], ==, 20);
  g_assert_cmpfloat(w[1], ==, 30);
  /* Nearly filling the measure (over 70%), they are stretched to it, in proportion. */
  double nat2[] = {40, 40};
  g_autofree double *w2 = layout_column_widths(nat2, min, 2, 100);
  g_assert_cmpfloat_with_epsilon(w2[0], 50, 1e-9);
  g_assert_cmpfloat_with_epsilon(w2[0] + w2[1], 100, 1e-9);
  /* Too wide: each column gets its longest word and a share of the rest in proportion to what
   * it still wants (here 90 and 30 more). */
  double nat3[] = {100, 40}, min3[] = {10, 10};
  g_autofree double *w3 = layout_column_widths(nat3, min3, 2, 100);
  g_assert_cmpfloat_with_epsilon(w3[0], 10 + 80 * 90.0 / 120.0, 1e-9);
  g_assert_cmpfloat_with_epsilon(w3[1], 10 + 80 * 30.0 / 120.0, 1e-9);
  /* Even the longest words do not fit: they are scaled to the measure. */
  double nat4[] = {150, 150}, min4[] = {90, 60};
  g_autofree double *w4 = layout_column_widths(nat4, min4, 2, 100);
  g_assert_cmpfloat_with_epsilon(w4[0], 60, 1e-9);
  g_assert_cmpfloat_with_epsilon(w4[1], 40, 1e-9);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/paginate/fills-pages", test_fills_pages);
  g_test_add_func("/paginate/no-orphan", test_no_orphan);
  g_test_add_func("/paginate/no-widow", test_no_widow);
  g_test_add_func("/paginate/heading-keeps-with-next", test_heading_keeps_with_next);
  g_test_add_func("/paginate/table-header-repeats", test_table_header_repeats);
  g_test_add_func("/paginate/code-splits", test_code_splits);
  g_test_add_func("/paginate/code-blank-dropped", test_code_blank_dropped);
  g_test_add_func("/paginate/recto-openings", test_recto_openings);
  g_test_add_func("/paginate/footnote-space", test_footnote_space);
  g_test_add_func("/paginate/space-dropped-at-top", test_space_dropped_at_top);
  g_test_add_func("/paginate/stretch-fills-page", test_stretch_fills_page);
  g_test_add_func("/paginate/facing-pages-level", test_facing_pages_level);
  g_test_add_func("/paginate/shrink-fits-more", test_shrink_fits_more);
  g_test_add_func("/paginate/spread-set-again", test_spread_set_again);
  g_test_add_func("/paginate/variant-shorter-fits-listing", test_variant_shorter_fits_listing);
  g_test_add_func("/paginate/variant-longer-fills-page", test_variant_longer_fills_page);
  g_test_add_func("/paginate/variant-only-when-better", test_variant_only_when_better);
  g_test_add_func("/paginate/box-goes-on-below-float", test_box_goes_on_below_float);
  g_test_add_func("/paginate/box-label-not-alone", test_box_label_not_alone);
  g_test_add_func("/paginate/float-past-heading", test_float_past_heading);
  g_test_add_func("/layout/column-widths", test_column_widths);
  return g_test_run();
}
