/* style.c: print.yaml read into PrintStyle through one table of keys (name, type, field,
 * default). The table is the single source of the defaults; styles/print.yaml repeats them for
 * authors to copy and change. Unknown keys are errors, so a typo never passes silently. */
#include "style.h"

#include "safeyaml.h"

#include <stddef.h>
#include <string.h>
#include <yaml.h>

typedef enum { KEY_NUM, KEY_RGB, KEY_BOOL, KEY_STR, KEY_LEADING } KeyType;

typedef struct {
  const char *key;
  KeyType type;
  size_t offset;
  const char *value; /* the default */
} StyleKey;

#define NUM(k, f, v)                                                                               \
  { k, KEY_NUM, offsetof(PrintStyle, f), v }
#define RGB(k, f, v)                                                                               \
  { k, KEY_RGB, offsetof(PrintStyle, f), v }
#define BOOL(k, f, v)                                                                              \
  { k, KEY_BOOL, offsetof(PrintStyle, f), v }
#define STR(k, f, v)                                                                               \
  { k, KEY_STR, offsetof(PrintStyle, f), v }
#define LEADING(k, f, v)                                                                           \
  { k, KEY_LEADING, offsetof(PrintStyle, f), v }
#define PAPER(name, id, w_, h_, in_, out_, top_, bot_, body_)                                      \
  NUM("papers." name ".width", papers[id].width, w_),                                              \
      NUM("papers." name ".height", papers[id].height, h_),                                        \
      NUM("papers." name ".inner", papers[id].inner, in_),                                         \
      NUM("papers." name ".outer", papers[id].outer, out_),                                        \
      NUM("papers." name ".top", papers[id].top, top_),                                            \
      NUM("papers." name ".bottom", papers[id].bottom, bot_),                                      \
      NUM("papers." name ".body-size", papers[id].body_size, body_)
#define INK(name, id, colour_, bold_, italic_)                                                     \
  RGB("highlight." name ".colour", ink[id].colour, colour_),                                       \
      BOOL("highlight." name ".bold", ink[id].bold, bold_),                                        \
      BOOL("highlight." name ".italic", ink[id].italic, italic_)
#define CALLOUT(name, id, accent_, tint_)                                                          \
  RGB("callouts." name ".accent", callouts[id].accent, accent_),                                   \
      RGB("callouts." name ".tint", callouts[id].tint, tint_)

static const StyleKey keys[] = {
    STR("paper", default_paper, "6x9"),
    PAPER("a4", PAPER_A4, "595.28", "841.89", "90", "105", "72", "84", "11"),
    PAPER("letter", PAPER_LETTER, "612", "792", "98", "114", "68", "78", "11"),
    PAPER("6x9", PAPER_6X9, "432", "648", "54", "45", "52", "58", "10"),
    PAPER("7x9.25", PAPER_7X925, "504", "666", "60", "54", "54", "62", "10"),
    STR("fonts.body", font_body, "Linux Libertine O"),
    STR("fonts.heading", font_heading, "Linux Biolinum O"),
    STR("fonts.mono", font_mono, "DejaVu Sans Mono"),
    STR("fonts.fallback", font_fallback, "DejaVu Sans"),
    LEADING("text.leading", leading, "1.3"),
    NUM("text.paragraph-indent", paragraph_indent, "1.2"),
    BOOL("text.justify", justify, "true"),
    BOOL("text.hyphenate", hyphenate, "true"),
    NUM("text.hyphen-min-word", hyphen_min_word, "5"),
    NUM("text.max-hyphen-lines", max_hyphen_lines, "2"),
    STR("text.hyphen-language", hyphen_language, "auto"),
    STR("text.hyphen-exceptions", hyphen_exceptions, "name-space"),
    NUM("text.block-space", block_space, "0.6"),
    NUM("text.block-stretch", block_stretch, "2"),
    NUM("text.block-shrink", block_shrink, "0.25"),
    NUM("text.paragraph-space", paragraph_space, "0.35"),
    NUM("text.rule-width", rule_width, "0.6"),
    RGB("text.colour", text, "#1a1a1a"),
    RGB("text.rule", rule, "#8c8c8c"),
    RGB("text.link", link, "#1a1a1a"),
    NUM("headings.chapter-size", chapter_size, "22"),
    NUM("headings.chapter-number-size", chapter_number_size, "11"),
    NUM("headings.h2-size", h2_size, "13"),
    NUM("headings.h3-size", h3_size, "11"),
    NUM("headings.h4-size", h4_size, "10"),
    NUM("headings.space-before", heading_space_before, "1.4"),
    NUM("headings.space-after", heading_space_after, "0.5"),
    NUM("headings.leading", heading_leading, "1.2"),
    NUM("headings.minor-space", minor_space, "0.75"),
    NUM("headings.chapter-drop", chapter_drop, "0.14"),
    NUM("headings.chapter-number-tracking", chapter_number_tracking, "0.16"),
    NUM("headings.chapter-number-space", chapter_number_space, "0.6"),
    NUM("headings.chapter-leading", chapter_leading, "1.15"),
    NUM("headings.chapter-rule-gap", chapter_rule_gap, "0.4"),
    NUM("headings.chapter-space-after", chapter_space_after, "1.6"),
    RGB("headings.colour", heading, "#1a1a1a"),
    NUM("code.size", code_size, "0.8"),
    NUM("code.leading", code_leading, "1.3"),
    NUM("code.padding", code_padding, "6"),
    NUM("code.vertical-padding", code_vpadding, "0.8"),
    NUM("code.span-size", code_span_size, "0.86"),
    NUM("code.frame-width", code_frame_width, "0.5"),
    RGB("code.background", code_background, "#f2f0eb"),
    RGB("code.frame", code_frame, "#d9d5cc"),
    RGB("code.continuation-mark", code_mark, "#8c8c8c"),
    NUM("code.continuation-indent", code_hang, "2"),
    NUM("code.continuation-gap", code_mark_gap, "0.3"),
    BOOL("code.line-numbers", line_numbers, "false"),
    NUM("code.number-size", code_number_size, "0.85"),
    NUM("code.number-gap", code_number_gap, "0.8"),
    NUM("code.number-gutter", code_gutter, "4"),
    INK("plain", HL_PLAIN, "#1a1a1a", "false", "false"),
    INK("keyword", HL_KEYWORD, "#1f3f8f", "true", "false"),
    INK("builtin", HL_BUILTIN, "#6a2c8a", "false", "false"),
    INK("string", HL_STRING, "#2f6a1f", "false", "false"),
    INK("number", HL_NUMBER, "#8a4a00", "false", "false"),
    INK("comment", HL_COMMENT, "#6b6b6b", "false", "true"),
    INK("name", HL_NAME, "#1a1a1a", "true", "false"),
    INK("decorator", HL_DECORATOR, "#8a2f2f", "false", "false"),
    INK("prompt", HL_PROMPT, "#7a7a7a", "true", "false"),
    INK("output", HL_OUTPUT, "#4a4a4a", "false", "false"),
    NUM("callouts.padding", callout_padding, "7"),
    NUM("callouts.rule", callout_rule, "2.5"),
    NUM("callouts.inset", callout_inset, "1.4"),
    NUM("callouts.label-size", label_size, "0.86"),
    NUM("callouts.label-tracking", label_tracking, "0.05"),
    NUM("callouts.label-leading", label_leading, "1.25"),
    NUM("callouts.label-space", label_space, "0.2"),
    CALLOUT("note", CALLOUT_NOTE, "#3b6ea8", "#eef3f9"),
    CALLOUT("tip", CALLOUT_TIP, "#3b8a4a", "#eef6ef"),
    CALLOUT("important", CALLOUT_IMPORTANT, "#6a4aa8", "#f2eff9"),
    CALLOUT("warning", CALLOUT_WARNING, "#b07a10", "#fbf5e6"),
    CALLOUT("caution", CALLOUT_CAUTION, "#b03a2e", "#fbeeec"),
    CALLOUT("diagram", CALLOUT_DIAGRAM, "#4a5a6a", "#f1f3f5"),
    CALLOUT("outline", CALLOUT_OUTLINE, "#8c8c8c", "#f4f4f4"),
    NUM("blocks.quote-indent", quote_indent, "14"),
    NUM("blocks.quote-rule", quote_rule, "1.2"),
    NUM("blocks.quote-rule-inset", quote_rule_inset, "1"),
    NUM("blocks.list-indent", list_indent, "15"),
    NUM("blocks.number-indent", number_indent, "1.25"),
    NUM("blocks.marker-gap", marker_gap, "0.45"),
    NUM("blocks.item-space", item_space, "0.3"),
    NUM("blocks.list-space", list_space, "0.6"),
    NUM("blocks.break-space", break_space, "0.3"),
    NUM("blocks.break-length", break_length, "0.24"),
    NUM("tables.size", table_size, "0.88"),
    NUM("tables.padding", table_padding, "4"),
    NUM("tables.leading", table_leading, "1.2"),
    BOOL("tables.zebra", table_zebra, "true"),
    RGB("tables.zebra-tint", table_zebra_tint, "#f5f4f0"),
    RGB("tables.rule", table_rule, "#5a5a5a"),
    NUM("tables.rule-width", table_rule_width, "0.8"),
    NUM("tables.top-rule-width", table_top_rule, "1"),
    NUM("footnotes.size", footnote_size, "0.82"),
    NUM("footnotes.rule", footnote_rule, "72"),
    NUM("footnotes.rule-width", footnote_rule_width, "0.5"),
    NUM("footnotes.rule-gap", footnote_rule_gap, "5"),
    NUM("footnotes.text-drop", note_drop, "1"),
    NUM("footnotes.space", note_space, "0.3"),
    NUM("footnotes.mark-size", mark_size, "0.62"),
    NUM("footnotes.mark-rise", mark_rise, "0.35"),
    NUM("pages.head-size", head_size, "8.5"),
    NUM("pages.head-raise", head_raise, "2.6"),
    NUM("pages.head-tracking", head_tracking, "0.04"),
    NUM("pages.head-inset", head_inset, "28"),
    NUM("pages.head-clearance", head_clearance, "40"),
    NUM("pages.folio-size", folio_size, "9"),
    NUM("pages.folio-drop", folio_drop, "0.45"),
    NUM("images.max-height", image_max_height, "0.6"),
    NUM("images.max-scale", image_max_scale, "1.5"),
    NUM("images.caption-size", caption_size, "0.88"),
    NUM("images.caption-space", caption_space, "0.25"),
    STR("diagrams.font", diagram_font, "Linux Biolinum O"),
    NUM("diagrams.size", diagram_size, "9"),
    NUM("diagrams.line-width", diagram_line_width, "0.8"),
    RGB("diagrams.ink", diagram_ink, "#1a1a1a"),
    RGB("diagrams.panel", diagram_panel, "#fbfbfa"),
    RGB("diagrams.shade", diagram_shade, "#dfe2e6"),
    NUM("diagrams.min-scale", diagram_min_scale, "0.75"),
    NUM("diagrams.max-height", diagram_max_height, "0.7"),
    NUM("title-page.leading", title_leading, "1.15"),
    NUM("title-page.title-drop", title_drop, "0.22"),
    NUM("title-page.title-scale", title_scale, "1.45"),
    NUM("title-page.title-space", title_space, "0.6"),
    NUM("title-page.subtitle-scale", subtitle_scale, "0.68"),
    NUM("title-page.rule-gap", title_rule_gap, "18"),
    NUM("title-page.rule-length", title_rule_length, "0.3"),
    NUM("title-page.author-gap", author_gap, "34"),
    NUM("title-page.author-scale", author_scale, "0.62"),
    NUM("title-page.publisher-scale", publisher_scale, "1.1"),
    NUM("title-page.copyright-size", copyright_size, "0.85"),
    NUM("title-page.handout-scale", handout_scale, "1.15"),
    NUM("title-page.handout-gap", handout_gap, "2"),
    NUM("contents.leading", toc_leading, "1.15"),
    NUM("contents.title-drop", toc_title_drop, "0.08"),
    NUM("contents.title-space", toc_title_space, "2"),
    NUM("contents.chapter-size", toc_chapter_size, "1.02"),
    NUM("contents.section-size", toc_section_size, "0.95"),
    NUM("contents.indent", toc_indent, "1.6"),
    NUM("contents.number-width", toc_number_width, "3"),
    NUM("contents.chapter-space", toc_chapter_space, "0.9"),
    NUM("contents.section-space", toc_section_space, "0.12"),
    NUM("contents.leader-step", leader_step, "4.5"),
    NUM("contents.leader-dot", leader_dot, "0.9"),
    NUM("contents.leader-raise", leader_raise, "1.6"),
    NUM("contents.leader-gap", leader_gap, "4"),
    RGB("cover.background", cover_background, "#1e2a38"),
    RGB("cover.field", cover_field, "#2c3e50"),
    NUM("cover.field-top", cover_field_top, "520"),
    NUM("cover.field-height", cover_field_height, "1180"),
    RGB("cover.accent", cover_accent, "#e0a43b"),
    NUM("cover.rule-top", cover_rule_top, "640"),
    NUM("cover.rule-length", cover_rule_length, "260"),
    NUM("cover.rule-width", cover_rule_width, "18"),
    NUM("cover.margin", cover_margin, "170"),
    NUM("cover.leading", cover_leading, "1.05"),
    RGB("cover.text-colour", cover_text, "#ffffff"),
    NUM("cover.title-top", cover_title_top, "740"),
    NUM("cover.title-size", cover_title_size, "168"),
    RGB("cover.subtitle-colour", cover_subtitle, "#d5dee8"),
    NUM("cover.subtitle-gap", cover_subtitle_gap, "70"),
    NUM("cover.subtitle-size", cover_subtitle_size, "72"),
    NUM("cover.author-top", cover_author_top, "2060"),
    NUM("cover.author-size", cover_author_size, "64"),
    NUM("cover.publisher-top", cover_publisher_top, "2300"),
    NUM("cover.publisher-size", cover_publisher_size, "44"),
};

static gboolean parse_rgb(const char *s, Rgb *out) {
  unsigned v;
  if (!s || s[0] != '#' || strlen(s) != 7 || sscanf(s + 1, "%6x", &v) != 1)
    return FALSE;
  out->r = ((v >> 16) & 0xff) / 255.0;
  out->g = ((v >> 8) & 0xff) / 255.0;
  out->b = (v & 0xff) / 255.0;
  return TRUE;
}

/* A number from 0 to 10000 (NaN refused); `end` is where it stops. */
static gboolean parse_number(const char *s, double *out, char **end) {
  double v = g_ascii_strtod(s, end);
  if (!*s || *end == s || !(v >= 0 && v <= 10000)) /* written so, NaN fails it too */
    return FALSE;
  *out = v;
  return TRUE;
}

/* "1.3" (a multiple of the size) or "13bp" / "13pt" (points; a PostScript point, as everywhere
 * in the style), greater than 0. */
static gboolean parse_leading(const char *s, Leading *out) {
  char *end = NULL;
  double v;
  if (!parse_number(s, &v, &end) || v <= 0)
    return FALSE;
  if (!*end) {
    *out = (Leading){v, 0};
    return TRUE;
  }
  if (strcmp(end, "bp") && strcmp(end, "pt"))
    return FALSE;
  *out = (Leading){0, v};
  return TRUE;
}

double style_line_pitch(const PrintStyle *style, double size, double body_size) {
  const Leading *l = &style->leading;
  return l->bp > 0 ? l->bp * size / body_size : l->times * size;
}

/* Sets a key from its text; FALSE with a reason when the value does not fit. */
static gboolean set_value(PrintStyle *style, const StyleKey *k, const char *value,
                          const char **why) {
  void *field = (char *)style + k->offset; /* the member the key names */
  switch (k->type) {
  case KEY_NUM: {
    char *end = NULL;
    double v;
    if (!parse_number(value, &v, &end) || *end) {
      *why = "a number from 0 to 10000";
      return FALSE;
    }
    *(double *)field = v;
    return TRUE;
  }
  case KEY_LEADING:
    *why = "a multiple of the size (1.3) or a length in points (13bp)";
    return parse_leading(value, (Leading *)field);
  case KEY_RGB:
    *why = "a colour written #rrggbb";
    return parse_rgb(value, (Rgb *)field);
  case KEY_BOOL:
    if (strcmp(value, "true") && strcmp(value, "false")) {
      *why = "true or false";
      return FALSE;
    }
    *(gboolean *)field = strcmp(value, "true") == 0;
    return TRUE;
  case KEY_STR:
    if (!*value) {
      *why = "a non-empty string";
      return FALSE;
    }
    g_free(*(char **)field);
    *(char **)field = g_strdup(value);
    return TRUE;
  }
  return FALSE;
}

void style_defaults(PrintStyle *style) {
  memset(style, 0, sizeof *style);
  for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
    const char *why = NULL;
    gboolean ok = set_value(style, &keys[i], keys[i].value, &why);
    g_assert(ok);
  }
}

char *style_values(const PrintStyle *style, const char *prefix) {
  GString *out = g_string_new(NULL);
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE];
  for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
    if (!g_str_has_prefix(keys[i].key, prefix))
      continue;
    const void *field = (const char *)style + keys[i].offset;
    g_string_append_printf(out, "%s=", keys[i].key);
    switch (keys[i].type) {
    case KEY_NUM:
      g_string_append(out, g_ascii_dtostr(a, sizeof a, *(const double *)field));
      break;
    case KEY_RGB: {
      const Rgb *rgb = field;
      g_string_append_printf(out, "%s,%s,%s", g_ascii_dtostr(a, sizeof a, rgb->r),
                             g_ascii_dtostr(b, sizeof b, rgb->g),
                             g_ascii_dtostr(c, sizeof c, rgb->b));
      break;
    }
    case KEY_BOOL:
      g_string_append(out, *(const gboolean *)field ? "true" : "false");
      break;
    case KEY_STR:
      g_string_append(out, *(char *const *)field ? *(char *const *)field : "");
      break;
    case KEY_LEADING: {
      const Leading *l = field;
      g_string_append(out, g_ascii_dtostr(a, sizeof a, l->bp > 0 ? l->bp : l->times));
      if (l->bp > 0)
        g_string_append(out, "bp");
      break;
    }
    }
    g_string_append_c(out, '\n');
  }
  return g_string_free(out, FALSE);
}

void style_clear(PrintStyle *style) {
  for (gsize i = 0; i < G_N_ELEMENTS(keys); i++)
    if (keys[i].type == KEY_STR)
      g_clear_pointer((char **)((char *)style + keys[i].offset), g_free);
}

typedef struct {
  PrintStyle *style;
  yaml_document_t *doc;
  const char *display;
  Diags *diags;
  gboolean seen[G_N_ELEMENTS(keys)]; /* keys the file set */
} StyleCtx;

static void walk(StyleCtx *c, yaml_node_t *node, const char *prefix) {
  if (node->type == YAML_MAPPING_NODE) {
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
         p++) {
      yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
      yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
      const char *k = kn->type == YAML_SCALAR_NODE ? (const char *)kn->data.scalar.value : "?";
      g_autofree char *path = *prefix ? g_strconcat(prefix, ".", k, NULL) : g_strdup(k);
      walk(c, vn, path);
    }
    return;
  }
  const StyleKey *k = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(keys) && !k; i++)
    if (strcmp(keys[i].key, prefix) == 0) {
      k = &keys[i];
      c->seen[i] = TRUE;
    }
  int line = (int)node->start_mark.line + 1, col = (int)node->start_mark.column + 1;
  if (!k) {
    diags_add(c->diags, DIAG_ERROR, c->display, DIAG_FILE_STYLE, line, col, "style-key",
              "unknown print style key '%s'", prefix);
    return;
  }
  const char *why = NULL;
  const char *value = node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
  if (!value || !set_value(c->style, k, value, &why))
    diags_add(c->diags, DIAG_ERROR, c->display, DIAG_FILE_STYLE, line, col, "style-value",
              "'%s' must be %s", prefix, why ? why : "a single value");
}

guint style_key_count(void) { return G_N_ELEMENTS(keys); }

guint style_load(PrintStyle *style, const char *path, const char *display, Diags *diags) {
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &text, &len, NULL)) {
    diags_add(diags, DIAG_ERROR, display, DIAG_FILE_STYLE, 0, 0, "style-key",
              "cannot read the print style");
    return 0;
  }
  yaml_document_t doc;
  if (!safeyaml_load(&doc, text, len, display, DIAG_FILE_STYLE, diags))
    return 0;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  StyleCtx c = {style, &doc, display, diags, {0}};
  if (root && root->type == YAML_MAPPING_NODE)
    walk(&c, root, "");
  else if (root)
    diags_add(diags, DIAG_ERROR, display, DIAG_FILE_STYLE, 1, 1, "yaml",
              "print.yaml must be a mapping");
  if (style_paper_id(style->default_paper) == PAPER_COUNT)
    diags_add(diags, DIAG_ERROR, display, DIAG_FILE_STYLE, 1, 1, "style-value",
              "'paper' must be a4, letter, 6x9 or 7x9.25");
  yaml_document_delete(&doc);
  guint set = 0;
  for (gsize i = 0; i < G_N_ELEMENTS(keys); i++)
    set += c.seen[i];
  return set;
}

static const char *const paper_names[PAPER_COUNT] = {"a4", "letter", "6x9", "7x9.25"};

PaperId style_paper_id(const char *name) {
  for (int i = 0; i < PAPER_COUNT; i++)
    if (name && g_ascii_strcasecmp(name, paper_names[i]) == 0)
      return (PaperId)i;
  return PAPER_COUNT;
}

const char *style_paper_name(PaperId id) { return paper_names[id]; }
