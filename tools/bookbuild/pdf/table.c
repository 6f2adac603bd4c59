/* table.c: GFM tables (see layoutint.h): cells laid out, column widths shared out between
 * what the cells want and what the measure has, rows as items with the header repeated. */
#include "pdf/layoutint.h"

#include <cmark-gfm-core-extensions.h>
#include <string.h>

/* A cell's text; its links are moved into `links`. */
static PangoLayout *cell_layout(Ctx *c, cmark_node *cell, gboolean header, double size,
                                GArray *links) {
  const PrintStyle *st = c->env->style;
  Inline in;
  inline_init(&in, c, size, FALSE);
  inline_children(&in, cell);
  PangoLayout *l =
      fonts_layout(c->env->context, header ? st->font_heading : st->font_body, size,
                   header ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
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

/* Sets the row's cells to their column widths and lines up their first baselines; returns the
 * row's text height, and in `last_base` its lowest baseline (both without the padding), where
 * a page that ends with the row ends for the page breaker. */
static double row_cells(Item *it, GPtrArray *layouts, GPtrArray *links, guint row, guint ncols,
                        const double *width, const uint8_t *align, double pad, double *last_base) {
  double x = 0, height = 0, top_base = 0;
  *last_base = 0;
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
    PangoLayoutIter *iter = pango_layout_get_iter(cell->layout);
    while (pango_layout_iter_next_line(iter))
      ;
    *last_base =
        MAX(*last_base, cell->dy + pango_layout_iter_get_baseline(iter) / (double)PANGO_SCALE);
    pango_layout_iter_free(iter);
  }
  return height;
}

void table_layout(Ctx *c, const Frame *f, cmark_node *node) {
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
      layout_check_glyphs(c, l, "table cell", cmark_node_get_start_line(cell));
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
    it->block = rows->pdata[r];
    it->cells = g_ptr_array_new();
    it->is_header = is_header;
    it->zebra = st->table_zebra && !is_header && r % 2 == 0;
    it->rule_below = is_header || r + 1 == rows->len ? st->table_rule_width : 0;
    double last_base;
    double height = row_cells(it, layouts, links, r, ncols, width, align, pad, &last_base);
    LineBox lb = {.top = 0, .height = height + 2 * pad, .baseline = pad + last_base};
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
    layout_push(c, it);
  }
  if (header_row)
    header_row->keep_with_next = TRUE;
  c->indent_next = FALSE;
}
