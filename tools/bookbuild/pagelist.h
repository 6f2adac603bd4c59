/* pagelist.h: the print edition's pages as the EPUB needs them (its page list and page-break
 * markers): for every page of the PDF, its label (the folio, roman in the front matter) and
 * where in the manuscript it begins: a chapter, a Markdown block and a character offset in the
 * block's text, the start of the word that opens the page.
 *
 * "The block's text", the same for both writers: the literals of its text nodes and code spans
 * and one character for each soft or hard line break, in document order (inside emphasis,
 * links and the like), from the block's first inline (or from `from`, a callout's first
 * content after its marker line); images, footnote marks and raw HTML count nothing. */
#ifndef BOOKBUILD_PAGELIST_H
#define BOOKBUILD_PAGELIST_H

#include "book.h"

/* Where a front matter page belongs in the EPUB. */
typedef enum {
  PRINT_BODY = 0,
  PRINT_TITLE,     /* the title page */
  PRINT_COPYRIGHT, /* the copyright page */
  PRINT_CONTENTS,  /* the contents, and a blank verso after them */
  PRINT_INDEX,     /* the index at the back, and a blank verso before it */
} PrintPart;

typedef struct {
  char *label; /* the folio: "iii", "12" */
  PrintPart part;
  const Chapter *chapter; /* body pages; NULL for the front matter */
  cmark_node *block;      /* the block the page begins in; NULL: the chapter's start */
  cmark_node *from;       /* the block's first counted inline when not its first child */
  glong offset;           /* characters into the block's text; for a code block, the start of
                           * the line that opens the page */
} PrintPage;

/* A page list: PrintPage*, freed with the array. */
GPtrArray *print_pages_new(void);
PrintPage *print_page_add(GPtrArray *pages, const char *label, PrintPart part);

/* The characters an inline node counts for (see above); containers count their children. */
glong pagelist_inline_chars(cmark_node *node);

/* The block's text (see above), from `from` (a child of `block`) when not NULL. Caller frees. */
char *pagelist_block_text(cmark_node *block, cmark_node *from);

/* Characters that neither part words nor make them (zero-width space, soft hyphen, word
 * joiner, and the line separator the PDF's line breaker puts where it ends a line, after the
 * space of a break between words, or inside a word it hyphenates or a code span it breaks):
 * the PDF's text has them where the source has none. */
gboolean pagelist_ignored(gunichar ch);

/* The character offset of the word numbered `word` (0-based; words are separated by white
 * space, pagelist_ignored() characters skipped) in `text`; past the last word, the text's length.
 */
glong pagelist_word_offset(const char *text, guint word);

#endif
