/* book.h: the in-memory model of a book, built once by book_load() and read by every command.
 * Holds metadata, the expected table of contents, the parsed chapters and the anchor index.
 * Does not hold output concerns (pages, XHTML): writers derive those from this model.
 *
 * Ownership: a Book owns everything reachable from it; book_free() releases it all. Pointers into
 * the model (a Heading*, a CodeBlock*) stay valid for the Book's lifetime. Lines and columns are
 * 1-based; columns count bytes, as gcc and editors' error parsers do. */
#ifndef BOOKBUILD_BOOK_H
#define BOOKBUILD_BOOK_H

#include <cmark-gfm.h>
#include <glib.h>

#include "diag.h"
#include "image.h"

#define BOOKBUILD_VERSION "0.1.0"

/* The title of the contents, as every output prints it. */
#define BOOK_CONTENTS_TITLE "Contents"

/* Resource limits (see README "Limits"); each is enforced with a diagnostic, never a crash. */
#define BOOK_MAX_FILE_BYTES (64u * 1024u * 1024u) /* one Markdown or YAML file */
#define BOOK_MAX_CHAPTERS 1000                    /* chapter files in manuscript/chapters */
#define BOOK_MAX_NESTING 100                      /* block quotes and lists inside each other */
#define BOOK_MAX_HEADING_BYTES 1000               /* a heading's plain text */
/* A paragraph's, code block's or table row's source: Pango lays each out whole, gives up on a
 * paragraph of some 300 KB, and takes 8 s over a 400 KB code block. */
#define BOOK_MAX_PARAGRAPH_BYTES 100000
/* Rows of one table: the PDF of cmark's "tables" input (90,000 rows) runs to 3,200 pages. */
#define BOOK_MAX_TABLE_ROWS 5000
#define BOOK_MAX_IMAGE_PIXELS (50u * 1000u * 1000u) /* an image's width times height */
#define BOOK_MAX_IMAGE_SIDE 32767                   /* pixels a side (Cairo's largest image) */

/* GFM extension node types are assigned when the extensions register (see STYLE.md), so they are
 * variables, not enum constants; book_init() registers the extensions. */
extern cmark_node_type CMARK_NODE_TABLE;
extern cmark_node_type CMARK_NODE_TABLE_ROW;
extern cmark_node_type CMARK_NODE_TABLE_CELL;
extern cmark_node_type CMARK_NODE_STRIKETHROUGH;

typedef enum {
  RULE_OFF = 0,
  RULE_WARNING,
  RULE_ERROR,
} RuleLevel;

/* The manuscript rules of book.yaml `rules:`; defaults are those of DESIGN.md section 2. */
typedef struct {
  gboolean section_paragraphs; /* FALSE when `section-paragraphs: off` */
  int paragraphs_min;          /* fewer is an error */
  int paragraphs_max;          /* more is a warning */
  gboolean key_takeaways;      /* `key-takeaways: required` */
  gboolean code_language;      /* `code-language: required` */
  RuleLevel missing_chapters;  /* `missing-chapters: error|warning` */
} BookRules;

/* book.yaml. Every string is UTF-8, owned, NULL when absent. */
typedef struct {
  char *title;
  char *subtitle;
  GPtrArray *authors; /* of char*; never NULL, may be empty */
  char *lang;         /* BCP 47 tag */
  char *identifier;   /* urn:uuid:..., urn:isbn:..., or an ISBN */
  char *publisher;
  char *date; /* YYYY, YYYY-MM or YYYY-MM-DD */
  char *rights;
  char *description;
  GPtrArray *subjects; /* of char*; never NULL */
  char *cover_image;   /* path relative to manuscript/ */
  int cover_line;      /* its line in book.yaml, for diagnostics */
  char *version;
  char *conforms_to;         /* an EPUB Accessibility 1.1 conformance claim, or NULL */
  char *certified_by;        /* who evaluated the claim */
  GPtrArray *credits;        /* of char*: lines for the copyright page; never NULL */
  char *authors_line;        /* "A", "A and B", "A, B, and C": the one line both writers
                              * print; never NULL */
  gboolean epub_embed_fonts; /* default TRUE */
  GPtrArray *pythons;        /* of char*: `python:`, the versions ("3.13") the examples must run on,
                              * in the order given; never NULL, may be empty */
  BookRules rules;
} BookMeta;

typedef enum {
  TOC_SECTION, /* a bullet: a section the chapter must hold */
  TOC_GROUP,   /* a `###` sub-group holding sections */
} TocItemKind;

typedef struct TocItem {
  TocItemKind kind;
  char *text;       /* plain text, as the heading must read */
  int line, col;    /* in toc.md */
  GPtrArray *items; /* TOC_GROUP: its sections (TocItem*); NULL for a section */
} TocItem;

typedef struct {
  char *title;      /* plain text of the `##` entry */
  char *link;       /* the linked file relative to manuscript/, or NULL */
  int line, col;    /* in toc.md */
  int number;       /* 1-based position in the TOC */
  char *label;      /* "3" of "3. Variables, Scope" (the chapter a reader calls 3), or NULL */
  char *bare_title; /* the title without its "N. " ("Variables, Scope") */
  GPtrArray *items; /* TocItem*, in order */
} TocChapter;

typedef struct {
  char *title;         /* the `#` heading */
  GPtrArray *chapters; /* TocChapter* */
} Toc;

typedef enum {
  CALLOUT_NOTE,
  CALLOUT_TIP,
  CALLOUT_IMPORTANT,
  CALLOUT_WARNING,
  CALLOUT_CAUTION,
  CALLOUT_DIAGRAM,
  CALLOUT_OUTLINE, /* the author's plan: validated, shown only in --draft builds */
  CALLOUT_KIND_COUNT,
} CalloutKind;

/* A `> [!KIND] title` block quote. The marker paragraph's first line is not content: writers skip
 * `marker` (a paragraph node) when it holds nothing else, and otherwise start after its first
 * line break (first_content is the first inline node after it). */
typedef struct {
  CalloutKind kind;
  char *title;               /* text after the marker, or NULL */
  cmark_node *node;          /* the block quote */
  cmark_node *marker;        /* the paragraph that holds the marker */
  cmark_node *first_content; /* first inline after the marker line inside `marker`, or NULL */
  int line, col;
  /* DIAGRAM: its drawing (diagram.c), a ```dot block among its blocks, laid out by Graphviz
   * once when the book is validated; NULL when it has none or the drawing failed */
  struct CodeBlock *drawing;
  GBytes *svg;                  /* the drawing as SVG, the same bytes in both outputs */
  double svg_width, svg_height; /* its size, points */
} Callout;

/* A fenced or indented code block with its info string recognised. */
typedef struct CodeBlock {
  char *lang;               /* lower-case language, "" when none */
  gboolean ignore;          /* `ignore`: not run */
  char *raises;             /* `raises=Name`, or NULL */
  int min_major, min_minor; /* `min=3.12`: the oldest Python it holds for; 0.0 when absent */
  int max_major, max_minor; /* `max=3.13`: the newest Python it holds for; 0.0 when absent */
  GPtrArray *requires;      /* `requires=numpy` (repeatable): modules it imports (char*); NULL
                             * when none */
  int timeout_s;            /* `timeout=N`; 0 = the runner's default */
  cmark_node *node;
  int line;            /* line of the opening fence */
  int first_code_line; /* line of the first line of code */
  gboolean drawn;      /* a DIAGRAM's ```dot drawing: writers show its picture, not its source */
} CodeBlock;

typedef struct {
  int level;    /* 1..6 */
  char *text;   /* plain text (inline markup removed) */
  char *id;     /* GitHub slug, unique within its chapter file: what Markdown links use */
  char *anchor; /* what both writers name it: `id` made an XML name, unique within the
                 * chapter even where two slugs map to one name ("-2", "-3" after repeats) */
  cmark_node *node;
  int line, col;
} Heading;

/* A footnote. cmark-gfm numbers footnotes in the order of their first reference and moves the
 * referenced definitions to the end of the document in that order; the model records the result
 * once for both writers. */
typedef struct {
  int number;      /* 1-based, as its reference marks print it */
  int refs;        /* references to it in the text */
  cmark_node *def; /* its CMARK_NODE_FOOTNOTE_DEFINITION */
} Note;

typedef struct Chapter {
  char *path;         /* relative to manuscript/, e.g. "chapters/01-landscape.md" */
  char *display_path; /* as diagnostics show it (relative to the current directory) */
  gboolean readable;  /* FALSE when the file could not be read (a diagnostic says why) */
  char *source;       /* the file's text, UTF-8 (invalid bytes replaced by U+FFFD) */
  gsize source_len;
  GPtrArray *line_starts; /* byte offset of each line, as GSIZE_TO_POINTER, index 0 = line 1 */
  cmark_node *doc;
  char *title; /* plain text of the first heading, or NULL */
  Heading *title_heading;
  GPtrArray *headings;         /* Heading*, in document order (the title included) */
  GPtrArray *callouts;         /* Callout* */
  GPtrArray *code_blocks;      /* CodeBlock* */
  GPtrArray *notes;            /* Note*, by number (notes->pdata[n - 1] is note n) */
  GHashTable *callout_by_node; /* cmark_node* -> Callout* (not owning) */
  GHashTable *code_by_node;    /* cmark_node* -> CodeBlock* (not owning) */
  GHashTable *heading_by_node; /* cmark_node* -> Heading* (not owning) */
  GHashTable *ids;             /* id -> Heading* (not owning) */
  const TocChapter *toc;       /* the TOC chapter it is, or NULL */
  int file_id;                 /* index for diagnostics ordering */
} Chapter;

typedef struct {
  char *root;           /* the book's root (the -C directory) */
  char *manuscript_dir; /* root/manuscript */
  char *meta_display;   /* book.yaml's path as diagnostics show it */
  char *toc_display;    /* toc.md's path as diagnostics show it */
  BookMeta meta;
  Toc toc;
  GPtrArray *chapters; /* Chapter*: matched ones in TOC order, then unlisted files by name */
  GPtrArray *missing;  /* const TocChapter*: TOC chapters without a file */
  GHashTable *chapter_by_path; /* path relative to manuscript/ -> Chapter* (not owning) */
  Diags *diags;                /* owned */
  gint64 newest_mtime;         /* newest modification time of the files read (Unix seconds) */
  struct BookIndex *index;     /* the back-of-book index (index.h), once book_validate() ran;
                                * NULL when the book indexes nothing */
} Book;

/* Registers cmark-gfm's extensions; call once before any other function here. */
void book_init(void);

/* Loads root/manuscript into a new Book. Manuscript problems become diagnostics in book->diags
 * (the Book is still returned, as complete as it could be made). Returns NULL and sets error only
 * for environment problems (root or manuscript/ unreadable). Free with book_free(). */
Book *book_load(const char *root, GError **error);
void book_free(Book *book);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Book, book_free)

/* How a long step of a command advances: `done` of `total` finished, `step` naming it ("drawing
 * pages", "03-scope.md:137 on 3.15"); done == total when it ended. main.c shows it on a
 * terminal; the library never prints. */
typedef void (*BookProgressFunc)(const char *step, guint done, guint total);

/* Runs every rule of DESIGN.md section 2 over a loaded book, adding diagnostics. */
void book_validate(Book *book);

/* The build's timestamp (Unix seconds): SOURCE_DATE_EPOCH when set and valid, else the time of
 * the last git commit of manuscript/ when the book is in a git repository (the same in every
 * clone), else the newest manuscript file's modification time, so builds are reproducible. */
gint64 book_timestamp(const Book *book);

/* A resource directory, "styles" or "fonts": the book's own (root/NAME) when it has one, else
 * the source tree's when bookbuild runs from it, else the installed one under
 * $PREFIX/share/bookbuild. NULL when none exists. Caller frees. */
char *book_resource_dir(const Book *book, const char *name);

/* One file of a resource folder, looked up folder by folder in the same order, so a book that
 * brings only styles/print.yaml still gets the shipped styles/epub.css. NULL when no folder has
 * it. Caller frees. */
char *book_resource_file(const Book *book, const char *name, const char *file);

/* The chapter a reader calls "chapter N": the one whose TOC title starts with "N. "; in a book
 * whose titles carry no numbers, the N-th chapter of the TOC. NULL when there is none or it
 * has no file. Owned by the book. */
Chapter *book_chapter_by_number(const Book *book, int n);

/* The note a CMARK_NODE_FOOTNOTE_REFERENCE points to, or NULL; owned by the chapter. */
const Note *chapter_note_of_ref(const Chapter *chapter, cmark_node *ref);

/* The chapter at `path` (relative to manuscript/), or NULL. Owned by the book. */
Chapter *book_chapter(const Book *book, const char *path);

/* Resolves a link written in `from` (a chapter) to a heading: `x.md#id`, `x.md`, or `#id`.
 * Returns TRUE when it resolves; *chapter and *heading (heading NULL for a whole file) are set. */
gboolean book_resolve_link(const Book *book, const Chapter *from, const char *url,
                           Chapter **chapter, Heading **heading);

/* Where an image a chapter shows (a Markdown image's or a raw <img>'s URL) is: decided here
 * once, for the validator (which reports each kind but FILE) and both writers. */
typedef enum {
  IMAGE_REF_FILE = 0,  /* a file inside manuscript/ with an image's name (.png, .svg, ...) */
  IMAGE_REF_REMOTE,    /* a URL with a scheme, or starting with "//" */
  IMAGE_REF_LEAVES,    /* an absolute path, or one that leaves manuscript/ */
  IMAGE_REF_MISSING,   /* no regular file at that path */
  IMAGE_REF_ESCAPES,   /* the file resolves outside manuscript/ (a symbolic link) */
  IMAGE_REF_NOT_IMAGE, /* its name is not one of an image format image.h knows */
} ImageRefKind;

typedef struct {
  ImageRefKind kind;
  char *path;         /* normalised, relative to manuscript/; NULL for REMOTE and LEAVES */
  char *full;         /* the file's path on disk; NULL for REMOTE and LEAVES */
  ImageFormat format; /* the format its name promises (IMAGE_UNKNOWN unless FILE) */
} ImageRef;

/* Resolves an image URL written in `from`; fills `ref` (free its strings with image_ref_clear)
 * and returns its kind. The file's contents are not read: see image_check(). */
ImageRefKind book_resolve_image(const Book *book, const Chapter *from, const char *url,
                                ImageRef *ref);
void image_ref_clear(ImageRef *ref);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ImageRef, image_ref_clear)

/* Position of a node's source text; for inline nodes, searched for within 512 bytes of the
 * node's reported position (cmark-gfm's line is right, its column can be off). */
void chapter_locate(const Chapter *chapter, cmark_node *node, const char *needle, int *line,
                    int *col);

/* For a text node, one mark per byte of its literal, non-zero at each quote the author kept
 * straight with a backslash escape or an entity (`\"`, `&#39;`), which the writers must not
 * curl; NULL when there is none. cmark-gfm merges the text of an escape into the text around
 * it, so the marks come from matching the literal against its source line. Caller frees. */
guint8 *chapter_kept_quotes(const Chapter *chapter, cmark_node *text);

#endif
