/* style.h: the print style (styles/print.yaml): paper sizes and margins, fonts, sizes, leading,
 * colours and spacing. Every number the PDF layout uses comes from here, in points unless a key
 * says otherwise; the built-in defaults equal the shipped file (a unit test holds them equal). */
#ifndef BOOKBUILD_PDF_STYLE_H
#define BOOKBUILD_PDF_STYLE_H

#include "diag.h"
#include "highlight.h"
#include "callout.h"

typedef struct {
  double r, g, b;
} Rgb;

typedef enum { PAPER_A4, PAPER_LETTER, PAPER_6X9, PAPER_7X925, PAPER_COUNT } PaperId;

typedef struct {
  double width, height;             /* the page */
  double inner, outer, top, bottom; /* margins; inner is the binding side */
  double body_size;                 /* body text size for this paper */
} Paper;

typedef struct {
  Rgb colour;
  gboolean bold, italic;
} InkStyle;

typedef struct {
  Rgb accent; /* the left rule and the label */
  Rgb tint;   /* the background */
} CalloutStyle;

typedef struct {
  char *default_paper;
  Paper papers[PAPER_COUNT];
  char *font_body, *font_heading, *font_mono, *font_fallback;
  /* text */
  double leading;          /* line height as a multiple of the size */
  double paragraph_indent; /* first-line indent, ems */
  gboolean justify, hyphenate;
  double hyphen_min_word;  /* letters */
  double max_hyphen_lines; /* hyphenated lines in a row */
  char *hyphen_language;   /* libhyphen dictionary, e.g. en_US */
  double block_space;      /* between blocks (lists, code, callouts), lines */
  Rgb text, rule, link;
  /* headings */
  double chapter_size, chapter_number_size, h2_size, h3_size, h4_size;
  double heading_space_before, heading_space_after; /* lines */
  Rgb heading;
  /* code */
  double code_size, code_leading, code_padding;
  double code_hang; /* indent of a wrapped line's continuation, in characters */
  Rgb code_background, code_frame, code_mark;
  gboolean line_numbers;
  InkStyle ink[HL_CLASS_COUNT];
  /* callouts, block quotes, lists, tables, footnotes, images */
  double callout_padding, callout_rule;
  CalloutStyle callouts[CALLOUT_KIND_COUNT];
  double quote_indent, list_indent;
  double table_size, table_padding;
  gboolean table_zebra;
  Rgb table_zebra_tint, table_rule;
  double footnote_size, footnote_rule;
  double head_size, folio_size; /* running heads and page numbers */
  double image_max_height;      /* fraction of the text block */
} PrintStyle;

/* Fills `style` with the built-in defaults (equal to styles/print.yaml). */
void style_defaults(PrintStyle *style);

/* Loads a print.yaml over the defaults; problems (unknown keys, bad values, YAML errors) become
 * diagnostics against `display`. Returns how many distinct keys the file set. */
guint style_load(PrintStyle *style, const char *path, const char *display, Diags *diags);

/* How many keys a print style has (the shipped file names every one). */
guint style_key_count(void);

void style_clear(PrintStyle *style);

/* PAPER_COUNT when `name` is not a paper ("a4", "letter", "6x9", "7x9.25"). */
PaperId style_paper_id(const char *name);
const char *style_paper_name(PaperId id);

#endif
