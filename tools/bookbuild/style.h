/* style.h: the print style (styles/print.yaml): paper sizes and margins, fonts, sizes, leading,
 * colours and spacing. Every number the PDF layout and the EPUB's generated cover use comes from
 * here, in points (the cover's in pixels) unless a key says otherwise; the built-in defaults
 * equal the shipped file (a unit test holds them equal). */
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

/* The body's baseline-to-baseline distance, as print.yaml's text.leading gives it: a multiple of
 * the body size (1.3) or a length in points (13bp, the same on every paper). One of the two is
 * set, the other 0; style_line_pitch() turns it into points. */
typedef struct {
  double times; /* multiple of the size */
  double bp;    /* points */
} Leading;

typedef struct {
  char *default_paper;
  Paper papers[PAPER_COUNT];
  char *font_body, *font_heading, *font_mono, *font_fallback;
  /* text */
  Leading leading;         /* body text, footnotes, captions: baseline to baseline */
  double paragraph_indent; /* first-line indent, ems */
  gboolean justify, hyphenate;
  double hyphen_min_word;  /* letters */
  double max_hyphen_lines; /* hyphenated lines in a row */
  char *hyphen_language;   /* libhyphen dictionary, e.g. en_US; "auto": from the book's lang */
  char *hyphen_exceptions; /* words hyphenated as written ("name-space"), space-separated */
  double block_space;      /* between blocks (lists, code, callouts), lines */
  double block_stretch;    /* how much a space between blocks may grow, of itself */
  double block_shrink;     /* and shrink, to end level with the facing page */
  double paragraph_space;  /* before a paragraph set without a first-line indent, lines */
  double rule_width;       /* hairlines: chapter and title-page rules, section breaks */
  Rgb text, rule, link;
  /* headings */
  double chapter_size, chapter_number_size, h2_size, h3_size, h4_size;
  double heading_space_before, heading_space_after; /* lines */
  double heading_leading;                           /* sections and the chapter number */
  double minor_space;             /* h3 and h4: this share of heading_space_before */
  double chapter_drop;            /* the opening's top, as a share of the text block's height */
  double chapter_number_tracking; /* ems */
  double chapter_number_space;    /* below the chapter number, of its size */
  double chapter_leading;         /* the chapter title */
  double chapter_rule_gap, chapter_space_after; /* the title to its rule, the rule on; lines */
  Rgb heading;
  /* code */
  double code_size, code_leading, code_padding;
  double code_hang;        /* indent of a wrapped line's continuation, in characters */
  double code_span_size;   /* code in running text, of the text's size */
  double code_vpadding;    /* above and below, of code_padding */
  double code_frame_width; /* the rule down the box's left edge */
  double code_mark_gap;    /* between the continuation mark and its line, ems */
  double code_number_size; /* line numbers, of code_size */
  double code_number_gap;  /* between a line number and its line, ems */
  double code_gutter;      /* room kept for line numbers, in characters */
  Rgb code_background, code_frame, code_mark;
  gboolean line_numbers;
  InkStyle ink[HL_CLASS_COUNT];
  /* callouts, block quotes, lists, tables */
  double callout_padding, callout_rule;
  double callout_inset; /* the text starts this many paddings right of the rule */
  double label_size, label_tracking, label_leading; /* of the body size; ems; line height */
  double label_space;                               /* below the label, lines */
  CalloutStyle callouts[CALLOUT_KIND_COUNT];
  double quote_indent, list_indent;
  double quote_rule, quote_rule_inset; /* a block quote's rule: width, from the left edge */
  double number_indent;                /* numbered lists: this many list_indents */
  double marker_gap;                   /* bullet or number to its text, ems */
  double item_space;                   /* between the items of a loose list, lines */
  double list_space;                   /* around a top-level list, of block_space */
  double break_space, break_length;    /* section break: lines above and below; of the measure */
  double table_size, table_padding;
  double table_leading;
  gboolean table_zebra;
  Rgb table_zebra_tint, table_rule;
  double table_rule_width, table_top_rule; /* under the header and last row; above the header */
  /* footnotes */
  double footnote_size, footnote_rule;
  double mark_size, mark_rise;                   /* the note mark in the text, of the text's size */
  double note_space;                             /* below each note, ems of the note's size */
  double footnote_rule_width, footnote_rule_gap; /* the rule: width, above the notes' top */
  double note_drop;                              /* the notes' text below their top */
  /* running heads and folios */
  double head_size, folio_size; /* running heads and page numbers */
  double head_raise;            /* running heads' top above the text block, in head sizes */
  double head_tracking;         /* ems */
  double head_inset;            /* running heads stand this far in from the folio's side */
  double head_clearance;        /* and end short of the measure's width by this */
  double folio_drop;            /* folios at the foot: this share down the bottom margin */
  /* images */
  double image_max_height;            /* fraction of the text block */
  double image_max_scale;             /* small images are not enlarged past this */
  double caption_size, caption_space; /* of the body size; below the image, lines */
  /* drawn diagrams: Graphviz's defaults for every drawing (diagram.c) */
  char *diagram_font;        /* a family of fonts/ */
  double diagram_size;       /* label size, points (at full size: drawings are never enlarged) */
  double diagram_line_width; /* points */
  Rgb diagram_ink;           /* lines, arrows and labels */
  Rgb diagram_panel;         /* the light panel drawn behind, in both outputs */
  Rgb diagram_shade;         /* style=filled shapes */
  double diagram_min_scale;  /* on the narrowest page: smaller is too wide */
  double diagram_max_height; /* of the shortest text block's height */
  /* the title page, the copyright page after it, and a handout's title block */
  double title_leading;
  double title_drop;                   /* the title's top, as a share of the text block's height */
  double title_scale, title_space;     /* the title and the space below it, of chapter_size */
  double subtitle_scale, author_scale; /* of chapter_size */
  double title_rule_gap, author_gap;   /* from the subtitle down to the rule, to the authors */
  double title_rule_length;            /* of the measure */
  double publisher_scale;              /* of head_size */
  double copyright_size;               /* of the body size */
  double handout_scale, handout_gap;   /* a handout's title: of head_size; above its date line */
  /* contents */
  double toc_leading;
  double toc_title_drop;                       /* "Contents": its top, share of the text block */
  double toc_title_space;                      /* below it, ems */
  double toc_chapter_size, toc_section_size;   /* of the body size */
  double toc_indent;                           /* per level, ems */
  double toc_number_width;                     /* kept for the page number, ems */
  double toc_chapter_space, toc_section_space; /* above a line, ems */
  double leader_step, leader_dot, leader_raise, leader_gap; /* the dotted leaders */
  /* the EPUB's generated cover, in pixels of its COVER_WIDTH x COVER_HEIGHT */
  Rgb cover_background, cover_field, cover_accent, cover_text, cover_subtitle;
  double cover_field_top, cover_field_height; /* the lighter band behind the title */
  double cover_rule_top, cover_rule_length, cover_rule_width;
  double cover_margin; /* left and right */
  double cover_leading;
  double cover_title_top, cover_title_size;
  double cover_subtitle_gap, cover_subtitle_size; /* below the title */
  double cover_author_top, cover_author_size;
  double cover_publisher_top, cover_publisher_size;
} PrintStyle;

/* Fills `style` with the built-in defaults (equal to styles/print.yaml). */
void style_defaults(PrintStyle *style);

/* The baseline-to-baseline distance, in points, of text at `size` set with the body's leading on
 * a paper whose body size is `body_size`: leading × size, or the length given for the body scaled
 * by size / body_size (footnotes and captions keep the body's proportion). */
double style_line_pitch(const PrintStyle *style, double size, double body_size);

/* Loads a print.yaml over the defaults; problems (unknown keys, bad values, YAML errors) become
 * diagnostics against `display`. Returns how many distinct keys the file set. */
guint style_load(PrintStyle *style, const char *path, const char *display, Diags *diags);

/* The values of every key whose name starts with `prefix` ("" for all), one "key=value" line
 * each in the table's order, numbers exact (g_ascii_dtostr): what a derived output such as
 * the cached cover depends on. Caller frees. */
char *style_values(const PrintStyle *style, const char *prefix);

/* How many keys a print style has (the shipped file names every one). */
guint style_key_count(void);

void style_clear(PrintStyle *style);

/* PAPER_COUNT when `name` is not a paper ("a4", "letter", "6x9", "7x9.25"). */
PaperId style_paper_id(const char *name);
const char *style_paper_name(PaperId id);

#endif
