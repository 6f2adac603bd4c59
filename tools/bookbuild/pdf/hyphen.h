/* hyphen.h: hyphenation with libhyphen: soft hyphens (U+00AD) inserted before layout, so Pango
 * breaks there and draws the hyphen. */
#ifndef BOOKBUILD_PDF_HYPHEN_H
#define BOOKBUILD_PDF_HYPHEN_H

#include <glib.h>

typedef struct Hyphenator Hyphenator;

/* Loads the dictionary for `language` (e.g. en_US) from the system's hyphen dictionaries.
 * NULL with `error` when there is none. Thread-safe to use once loaded. Caller frees with
 * hyphenator_free(). */
Hyphenator *hyphenator_new(const char *language, const char *exceptions, int min_word,
                           GError **error);

/* The libhyphen dictionary for style key `style` ("auto": from BCP 47 tag `lang`, British
 * English for en-GB and the like, American for other English). */
const char *hyphen_language(const char *style, const char *lang);
void hyphenator_free(Hyphenator *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Hyphenator, hyphenator_free)

/* Appends `text` to `out` with soft hyphens inside words of at least min_word letters (never
 * in words with digits, or after the first two or before the last three letters). */
void hyphenator_append(const Hyphenator *h, GString *out, const char *text);

#endif
