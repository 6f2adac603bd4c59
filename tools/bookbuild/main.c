/* main.c: the command line. Parses options, loads and validates the book, runs the command, and
 * turns diagnostics and GErrors into messages and exit codes (DESIGN.md section 3). The only file
 * that prints or exits. */
#include "book.h"
#include "diagram.h"
#include "codecheck.h"
#include "epub/epub.h"
#include "import.h"
#include "pdf/pdf.h"
#include "scaffold.h"
#include "serve.h"
#include "text.h"
#include "version.h"
#include "watch.h"

#include <glib-unix.h>
#include <locale.h>
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

enum { EXIT_OK = 0, EXIT_MANUSCRIPT = 1, EXIT_USAGE = 2 };

typedef struct {
  const char *name;
  const char *synopsis;
  const char *summary;
  int (*run)(int argc, char **argv);
} Command;

static int usage_error(GOptionContext *ctx, const char *msg) {
  fprintf(stderr, "bookbuild: %s\n", msg);
  if (ctx) {
    g_autofree char *help = g_option_context_get_help(ctx, TRUE, NULL);
    fprintf(stderr, "%s", help);
  }
  return EXIT_USAGE;
}

/* Parses options; returns FALSE (after printing) on a usage error. */
static gboolean parse_options(GOptionContext *ctx, int *argc, char ***argv) {
  g_autoptr(GError) err = NULL;
  if (g_option_context_parse(ctx, argc, argv, &err))
    return TRUE;
  fprintf(stderr, "bookbuild: %s (see '%s --help')\n", err->message, g_get_prgname());
  return FALSE;
}

/* The -C option of every command that reads a book. */
#define DIRECTORY_ENTRY(var)                                                                       \
  {                                                                                                \
    "directory", 'C', 0, G_OPTION_ARG_FILENAME, &(var), "The book's root (holds manuscript/)",     \
        "DIR"                                                                                      \
  }

/* A command's options parsed into `entries`' variables; the command takes no other argument.
 * Returns the context (for later usage errors; caller frees), or NULL after printing the usage
 * error. */
static GOptionContext *parse_command(const char *name, const char *summary,
                                     const GOptionEntry *entries, int *argc, char ***argv) {
  GOptionContext *ctx = g_option_context_new(summary);
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!parse_options(ctx, argc, argv)) {
    g_option_context_free(ctx);
    return NULL;
  }
  if (*argc > 1) {
    g_autofree char *msg = g_strdup_printf("%s takes no arguments", name);
    usage_error(ctx, msg);
    g_option_context_free(ctx);
    return NULL;
  }
  return ctx;
}

/* Loads and validates the book, and loads its print style (resources.h), whose problems are the
 * book's too. Returns the exit code, and the book in *out and its resources in *res when the
 * build may go on. Diagnostics are printed here when the build stops, or when there is no book to
 * hand on (`out` NULL); otherwise the caller prints them once, with what its writer adds. */
static int load_and_validate(const char *root, gboolean werror, Book **out, Resources **res) {
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(root, &err);
  if (!book) {
    fprintf(stderr, "bookbuild: error: %s\n", err->message);
    return EXIT_USAGE;
  }
  book_validate(book);
  g_autoptr(Resources) resources = resources_load(book);
  diagram_draw_all(book, &resources->style, resources->fonts_dir);
  gboolean failed = diags_errors(book->diags) > 0 || (werror && diags_warnings(book->diags) > 0);
  if (failed || !out)
    diags_print(book->diags, stderr);
  if (out && !failed) {
    *out = g_steal_pointer(&book);
    if (res)
      *res = g_steal_pointer(&resources);
  }
  return failed ? EXIT_MANUSCRIPT : EXIT_OK;
}

/* check --fix: creates the chapter files the TOC lists and the manuscript lacks, and says
 * which it created and which names it found taken. Returns FALSE after printing an error. */
static gboolean fix_missing_chapters(const char *root) {
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(root, &err);
  if (!book) {
    fprintf(stderr, "bookbuild: error: %s\n", err->message);
    return FALSE;
  }
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = scaffold_missing_chapters(book, created, kept, &err);
  for (guint i = 0; i < created->len; i++)
    fprintf(stderr, "created %s\n", (char *)created->pdata[i]);
  for (guint i = 0; i < kept->len; i++)
    fprintf(stderr, "not created: %s exists and is kept as it is\n", (char *)kept->pdata[i]);
  if (!ok)
    fprintf(stderr, "bookbuild: error: %s\n", err->message); // NOLINT(*NullDereference)
  return ok;
}

static int cmd_check(int argc, char **argv) {
  g_autofree char *root = NULL;
  gboolean werror = FALSE, fix = FALSE;
  GOptionEntry entries[] = {
      DIRECTORY_ENTRY(root),
      {"werror", 0, 0, G_OPTION_ARG_NONE, &werror, "Treat warnings as errors", NULL},
      {"fix", 0, 0, G_OPTION_ARG_NONE, &fix,
       "First create each chapter file the table of contents lists and the manuscript lacks", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) ctx =
      parse_command("check", "- validate the manuscript", entries, &argc, &argv);
  if (!ctx)
    return EXIT_USAGE;
  if (fix && !fix_missing_chapters(root ? root : "."))
    return EXIT_USAGE;
  return load_and_validate(root ? root : ".", werror, NULL, NULL);
}

static int cmd_init(int argc, char **argv) {
  GOptionEntry entries[] = {{NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("[DIR] - start a new book in DIR (default: the current directory)");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!parse_options(ctx, &argc, &argv))
    return EXIT_USAGE;
  if (argc > 2)
    return usage_error(ctx, "init takes at most one DIR");
  const char *dir = argc == 2 ? argv[1] : ".";
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GError) err = NULL;
  gboolean ok = scaffold_new_book(dir, created, &err);
  for (guint i = 0; i < created->len; i++)
    fprintf(stderr, "created %s\n", (char *)created->pdata[i]);
  if (!ok) {
    fprintf(stderr, "bookbuild: error: %s\n", err->message); // NOLINT(*NullDereference)
    return EXIT_USAGE;
  }
  if (strcmp(dir, ".") == 0)
    fprintf(stderr, "next: edit manuscript/book.yaml, then run 'bookbuild check'\n");
  else
    fprintf(stderr, "next: edit %s/manuscript/book.yaml, then run 'bookbuild check -C %s'\n", dir,
            dir);
  return EXIT_OK;
}

static int cmd_import(int argc, char **argv) {
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the chapter to FILE", "FILE"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("RAW - turn a raw assistant response into a clean chapter");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!parse_options(ctx, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2)
    return usage_error(ctx, "import takes one RAW file");
  g_autofree char *raw = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(argv[1], &raw, &len, &err)) {
    fprintf(stderr, "bookbuild: error: %s\n", err->message);
    return EXIT_USAGE;
  }
  if (!g_utf8_validate(raw, (gssize)len, NULL)) {
    fprintf(stderr, "%s: error: not valid UTF-8 [encoding]\n", argv[1]);
    return EXIT_MANUSCRIPT;
  }
  g_autoptr(Diags) diags = diags_new();
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *chapter = import_convert(raw, len, argv[1], diags, changes);
  if (diags_errors(diags) || diags_warnings(diags))
    diags_print(diags, stderr);
  if (!chapter)
    return EXIT_MANUSCRIPT;
  for (guint i = 0; i < changes->len; i++)
    fprintf(stderr, "import: %s\n", (char *)changes->pdata[i]);
  if (!changes->len)
    fprintf(stderr, "import: no changes: already a clean chapter\n");
  if (!output) {
    fputs(chapter, stdout);
    return EXIT_OK;
  }
  if (!g_file_set_contents(output, chapter, -1, &err)) {
    fprintf(stderr, "bookbuild: error: %s\n", err->message);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* The interpreters `code` runs: every --python given; else each version book.yaml lists, found
 * by codecheck_find_python (a listed version not found is an environment error that says how
 * to get it); else $PYTHON; else python3. NULL after printing the error. */
static GPtrArray *pick_pythons(const Book *book, char **given) {
  GPtrArray *pythons = g_ptr_array_new_with_free_func(g_free);
  for (int i = 0; given && given[i]; i++)
    g_ptr_array_add(pythons, g_strdup(given[i]));
  const GPtrArray *listed = book->meta.pythons;
  for (guint i = 0; !(given && *given) && i < listed->len; i++) {
    const char *version = listed->pdata[i];
    char *path = codecheck_find_python(book->root, version);
    if (!path) {
      fprintf(stderr,
              "bookbuild: error: Python %s, which book.yaml lists, was not found (looked for "
              "python%s on PATH, in pyenv and in build/pythons/%s/); install it, run "
              "'tools/fetch-python %s', or name an interpreter with --python\n",
              version, version, version, version);
      g_ptr_array_unref(pythons);
      return NULL;
    }
    g_ptr_array_add(pythons, path);
  }
  if (!pythons->len) {
    const char *env = g_getenv("PYTHON");
    g_ptr_array_add(pythons, g_strdup(env && *env ? env : "python3"));
  }
  return pythons;
}

/* "12 passed, 0 failed, 2 skipped (version bounds), 1 skipped (missing library: numpy),
 * 1 ignored"; caller frees. */
static char *run_counts(guint passed, guint failed, guint skipped_version, guint skipped_library,
                        const char *missing, guint ignored) {
  return g_strdup_printf("%u passed, %u failed, %u skipped (version bounds), %u skipped (missing "
                         "library%s%s), %u ignored",
                         passed, failed, skipped_version, skipped_library, missing ? ": " : "",
                         missing ? missing : "", ignored);
}

/* One line per interpreter, the listed versions that did not run, and the totals. Returns the
 * number of failures. */
static guint print_runs(const Book *book, const GPtrArray *runs, gboolean show_paths) {
  guint p = 0, f = 0, sv = 0, sl = 0, ig = 0;
  g_autoptr(GPtrArray) ran = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < runs->len; i++) {
    const CodeRun *r = runs->pdata[i];
    g_autofree char *counts = run_counts(r->passed, r->failed, r->skipped_version,
                                         r->skipped_library, r->missing, r->ignored);
    if (show_paths)
      fprintf(stderr, "Python %d.%d (%s): %s\n", r->major, r->minor, r->python, counts);
    else
      fprintf(stderr, "Python %d.%d: %s\n", r->major, r->minor, counts);
    p += r->passed, f += r->failed, sv += r->skipped_version, sl += r->skipped_library;
    ig += r->ignored;
    g_ptr_array_add(ran, g_strdup_printf("%d.%d", r->major, r->minor));
  }
  for (guint i = 0; i < book->meta.pythons->len; i++) {
    const char *v = book->meta.pythons->pdata[i];
    if (!g_ptr_array_find_with_equal_func(ran, v, g_str_equal, NULL))
      fprintf(stderr, "not run on Python %s, which book.yaml lists\n", v);
  }
  if (runs->len > 1) {
    g_autofree char *counts = run_counts(p, f, sv, sl, NULL, ig);
    fprintf(stderr, "all %u interpreters: %s\n", runs->len, counts);
  }
  return f;
}

/* One line on a terminal that a long step rewrites: "[120/285] drawing pages". */
static void show_progress(const char *step, guint done, guint total) {
  if (done < total)
    fprintf(stderr, "\r[%u/%u] %s\033[K", done, total, step);
  else
    fprintf(stderr, "\r\033[K");
  fflush(stderr);
}

static int cmd_code(int argc, char **argv) {
  g_autofree char *root = NULL, *filter = NULL;
  g_auto(GStrv) given = NULL;
  int jobs = (int)g_get_num_processors(), chapter = 0;
  GOptionEntry entries[] = {
      DIRECTORY_ENTRY(root),
      {"python", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &given,
       "Interpreter to run; repeat for several (default: the versions book.yaml lists, else "
       "$PYTHON, else python3)",
       "PATH"},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Examples run in parallel (default: cores)", "N"},
      {"chapter", 0, 0, G_OPTION_ARG_INT, &chapter, "Only chapter N (its place in the TOC)", "N"},
      {"filter", 0, 0, G_OPTION_ARG_STRING, &filter,
       "Only blocks whose code or path:line contains TEXT", "TEXT"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) ctx =
      parse_command("code", "- run the book's examples", entries, &argc, &argv);
  if (!ctx)
    return EXIT_USAGE;
  if (jobs < 1 || jobs > 256 || chapter < 0)
    return usage_error(ctx, "-j takes 1 to 256 and --chapter a chapter's number");
  g_autoptr(Book) book = NULL;
  int code = load_and_validate(root ? root : ".", FALSE, &book, NULL);
  if (code != EXIT_OK)
    return code;
  const Chapter *only = chapter ? book_chapter_by_number(book, chapter) : NULL;
  if (chapter && !only)
    return usage_error(NULL, "--chapter: no written chapter has that number");
  g_autoptr(GPtrArray) pythons = pick_pythons(book, given);
  if (!pythons)
    return EXIT_USAGE;
  gboolean terminal = isatty(STDERR_FILENO);
  CodeOptions options = {pythons, jobs, chapter, only, filter, terminal ? show_progress : NULL};
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func((GDestroyNotify)code_run_free);
  g_autoptr(GError) err = NULL;
  if (!codecheck_run(book, &options, runs, &err)) {
    fprintf(stderr, "bookbuild: error: %s\n", err->message);
    return EXIT_USAGE;
  }
  diags_print_list(book->diags, stderr);
  return print_runs(book, runs, terminal) ? EXIT_MANUSCRIPT : EXIT_OK;
}

/* build/<slug-of-title><suffix> under the book's root, the folder created. Caller frees. */
static char *default_output(const Book *book, const char *suffix, GError **error) {
  g_autofree char *slug = text_slug(book->meta.title ? book->meta.title : "book");
  g_autofree char *dir = g_build_filename(book->root, "build", NULL);
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create '%s'", dir);
    return NULL;
  }
  g_autofree char *name = g_strconcat(*slug ? slug : "book", suffix, NULL);
  return g_build_filename(dir, name, NULL);
}

/* After a writer ran: its diagnostics with the validator's, then the exit code (an environment
 * error is 2, a manuscript error the writer found 1). */
static int writer_result(const Book *book, gboolean ok, const GError *err) {
  diags_print(book->diags, stderr);
  if (err) {
    fprintf(stderr, "bookbuild: error: %s\n", err->message);
    return EXIT_USAGE;
  }
  return ok ? EXIT_OK : EXIT_MANUSCRIPT;
}

/* The print edition's name as the EPUB's dc:source gives it. Caller frees. */
static char *print_source(const Book *book, const Resources *res) {
  return g_strdup_printf("%s, print edition (PDF, %s)", book->meta.title ? book->meta.title : "",
                         res->style.default_paper);
}

static int cmd_epub(int argc, char **argv) {
  g_autofree char *root = NULL, *output = NULL;
  gboolean draft = FALSE, no_page_list = FALSE;
  GOptionEntry entries[] = {
      DIRECTORY_ENTRY(root),
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
       "The EPUB to write (default: build/<title>.epub)", "FILE"},
      {"draft", 0, 0, G_OPTION_ARG_NONE, &draft, "Show the authors' OUTLINE callouts", NULL},
      {"no-page-list", 0, 0, G_OPTION_ARG_NONE, &no_page_list,
       "Leave out the print edition's page numbers (no print layout)", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) ctx =
      parse_command("epub", "- write the book as an EPUB 3", entries, &argc, &argv);
  if (!ctx)
    return EXIT_USAGE;
  g_autoptr(Book) book = NULL;
  g_autoptr(Resources) res = NULL;
  int code = load_and_validate(root ? root : ".", FALSE, &book, &res);
  if (code != EXIT_OK)
    return code;
  g_autoptr(GError) err = NULL;
  if (!output && !(output = default_output(book, ".epub", &err))) {
    /* default_output() sets err whenever it returns NULL */
    fprintf(stderr, "bookbuild: error: %s\n", err->message); // NOLINT(*NullDereference)
    return EXIT_USAGE;
  }
  /* The page list needs the print layout (not drawn). What only the PDF would show (a glyph
   * the print fonts lack, raw HTML print drops) is the PDF's to report, not the EPUB's. */
  PdfOptions print = {NULL, NULL, 0, draft, NULL, NULL};
  g_autoptr(PdfDoc) doc = NULL;
  if (!no_page_list) {
    Diags *own = book->diags;
    book->diags = diags_new();
    doc = pdf_typeset(book, res, &print, &err);
    diags_free(book->diags);
    book->diags = own;
    if (!doc)
      return writer_result(book, FALSE, err);
  }
  g_autoptr(GPtrArray) pages = doc ? pdf_doc_page_list(doc) : NULL;
  g_autofree char *source = print_source(book, res);
  EpubOptions options = {output, draft, pages, source, doc ? pdf_doc_place_pages(doc) : NULL};
  gboolean ok = epub_write(book, res, &options, &err);
  return writer_result(book, ok, err);
}

/* build: one load, one validation, one print layout, then the PDF and the EPUB (whose page
 * list comes from that layout). */
static void print_texture(const PdfTexture *t);

static int cmd_build(int argc, char **argv) {
  g_autofree char *root = NULL, *epub = NULL, *pdf = NULL;
  gboolean draft = FALSE, verbose = FALSE;
  GOptionEntry entries[] = {
      DIRECTORY_ENTRY(root),
      {"epub", 0, 0, G_OPTION_ARG_FILENAME, &epub,
       "The EPUB to write (default: build/<title>.epub)", "FILE"},
      {"pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, "The PDF to write (default: build/<title>.pdf)",
       "FILE"},
      {"draft", 0, 0, G_OPTION_ARG_NONE, &draft, "Show the authors' OUTLINE callouts", NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
       "Note each loose or short justified line of the PDF, and sum up the text's texture", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) ctx =
      parse_command("build", "- write the book as a PDF and an EPUB 3 with its page numbers",
                    entries, &argc, &argv);
  if (!ctx)
    return EXIT_USAGE;
  g_autoptr(Book) book = NULL;
  g_autoptr(Resources) res = NULL;
  int code = load_and_validate(root ? root : ".", FALSE, &book, &res);
  if (code != EXIT_OK)
    return code;
  g_autoptr(GError) err = NULL;
  if ((!epub && !(epub = default_output(book, ".epub", &err))) ||
      (!pdf && !(pdf = default_output(book, ".pdf", &err)))) {
    fprintf(stderr, "bookbuild: error: %s\n", err->message); // NOLINT(*NullDereference)
    return EXIT_USAGE;
  }
  g_autoptr(GArray) spaces = g_array_new(FALSE, FALSE, sizeof(double));
  PdfTexture texture = {0, 0, 0, 0, spaces};
  PdfOptions print = {
      pdf, NULL, 0, draft, isatty(STDERR_FILENO) ? show_progress : NULL, verbose ? &texture : NULL};
  g_autoptr(PdfDoc) doc = pdf_typeset(book, res, &print, &err);
  if (!doc || !pdf_doc_write(doc, pdf, &err))
    return writer_result(book, FALSE, err);
  g_autoptr(GPtrArray) pages = pdf_doc_page_list(doc);
  g_autofree char *source = print_source(book, res);
  EpubOptions options = {epub, draft, pages, source, pdf_doc_place_pages(doc)};
  gboolean ok = epub_write(book, res, &options, &err);
  code = writer_result(book, ok, err);
  if (verbose && ok)
    print_texture(&texture);
  return code;
}

static gint cmp_double(gconstpointer a, gconstpointer b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The texture of the justified text (pdf --verbose), after the diagnostics: how many lines are
 * loose or short, how often a line ends in a hyphen, the typical word space. */
static void print_texture(const PdfTexture *t) {
  double median = 0;
  if (t->spaces->len > 0) {
    g_array_sort(t->spaces, cmp_double);
    median = g_array_index(t->spaces, double, t->spaces->len / 2);
  }
  double share = t->lines ? 100.0 / t->lines : 0;
  fprintf(stderr,
          "justified lines: %u; loose (badness above 200): %u (%.1f%%); short of the measure: "
          "%u; ending in a hyphen: %u (%.1f%%); median word space: %.2fx natural\n",
          t->lines, t->loose, t->loose * share, t->short_lines, t->hyphenated,
          t->hyphenated * share, median);
}

static int cmd_pdf(int argc, char **argv) {
  g_autofree char *root = NULL, *output = NULL, *paper = NULL;
  int chapter = 0;
  gboolean draft = FALSE, verbose = FALSE;
  GOptionEntry entries[] = {
      DIRECTORY_ENTRY(root),
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
       "The PDF to write (default: build/<title>.pdf)", "FILE"},
      {"paper", 0, 0, G_OPTION_ARG_STRING, &paper, "a4, letter, 6x9 or 7x9.25", "PAPER"},
      {"chapter", 0, 0, G_OPTION_ARG_INT, &chapter, "A handout of chapter N only", "N"},
      {"draft", 0, 0, G_OPTION_ARG_NONE, &draft, "Show the authors' OUTLINE callouts", NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
       "Note each loose or short justified line, and sum up the text's texture", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) ctx =
      parse_command("pdf", "- typeset the book as a PDF", entries, &argc, &argv);
  if (!ctx)
    return EXIT_USAGE;
  if (paper && style_paper_id(paper) == PAPER_COUNT)
    return usage_error(ctx, "--paper must be a4, letter, 6x9 or 7x9.25");
  g_autoptr(Book) book = NULL;
  g_autoptr(Resources) res = NULL;
  int code = load_and_validate(root ? root : ".", FALSE, &book, &res);
  if (code != EXIT_OK)
    return code;
  if (chapter < 0 || (chapter && !book_chapter_by_number(book, chapter)))
    return usage_error(NULL, "--chapter: no written chapter has that number");
  g_autoptr(GError) err = NULL;
  if (!output) {
    g_autofree char *suffix =
        chapter ? g_strdup_printf("-ch%02d-%s.pdf", chapter, paper ? paper : "default")
                : g_strdup(".pdf");
    output = default_output(book, suffix, &err);
    if (!output) { /* default_output() sets err whenever it returns NULL */
      fprintf(stderr, "bookbuild: error: %s\n", err->message); // NOLINT(*NullDereference)
      return EXIT_USAGE;
    }
  }
  PdfTexture texture = {0, 0, 0, 0, g_array_new(FALSE, FALSE, sizeof(double))};
  PdfOptions options = {output,
                        paper,
                        chapter,
                        draft,
                        isatty(STDERR_FILENO) ? show_progress : NULL,
                        verbose ? &texture : NULL};
  gboolean ok = pdf_write(book, res, &options, &err);
  code = writer_result(book, ok, err);
  if (verbose && ok)
    print_texture(&texture);
  g_array_unref(texture.spaces);
  return code;
}

/* This binary, which watch and serve run for each build (Linux's /proc); NULL when unknown. */
static char *self_path(void) { return g_file_read_link("/proc/self/exe", NULL); }

typedef struct {
  Serve *serve; /* serve's preview, or NULL (watch) */
} WatchRun;

/* Each finished build: its diagnostics, then its one line; and the preview's pages. */
static void on_build(const WatchBuild *build, gpointer data) {
  const WatchRun *run = data;
  g_autofree char *report = watch_report(build);
  fputs(build->log, stderr);
  fprintf(stderr, "%s\n", report);
  fflush(stderr);
  if (run->serve)
    serve_build_done(run->serve, build, report);
}

static gboolean on_stop_signal(gpointer loop) {
  g_main_loop_quit(loop);
  return G_SOURCE_CONTINUE;
}

/* The file a watched epub or pdf build writes: `given`, else build/<title>.<suffix>. NULL after
 * printing the error (no book at `root`). */
static char *watched_output(const char *root, const char *given, const char *suffix) {
  g_autoptr(GError) err = NULL;
  g_autoptr(Book) book = book_load(root, &err);
  if (!book) {
    fprintf(stderr, "bookbuild: error: %s\n", err->message);
    return NULL;
  }
  if (!suffix)
    return g_strdup("");
  if (given)
    return g_strdup(given);
  g_autofree char *output = default_output(book, suffix, &err);
  if (!output) { /* default_output() sets err whenever it returns NULL */
    fprintf(stderr, "bookbuild: error: %s\n", err->message); // NOLINT(*NullDereference)
    return NULL;
  }
  return g_strdup(g_str_has_prefix(output, "./") ? output + 2 : output);
}

/* Builds now and after every change until SIGINT or SIGTERM; with `serve`, shows each build. */
static int run_watch(const char *root, WatchTarget target, const char *output, Serve *serve) {
  g_autofree char *self = self_path();
  if (!self) {
    fprintf(stderr, "bookbuild: error: cannot find the bookbuild binary to run the builds\n");
    return EXIT_USAGE;
  }
  g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
  WatchRun run = {serve};
  g_autoptr(GError) err = NULL;
  g_autoptr(Watch) watch = watch_new(self, root, target, output, on_build, &run, &err);
  if (!watch) {
    fprintf(stderr, "bookbuild: error: cannot watch '%s': %s\n", root, err->message);
    return EXIT_USAGE;
  }
  guint sigint = g_unix_signal_add(SIGINT, on_stop_signal, loop);
  guint sigterm = g_unix_signal_add(SIGTERM, on_stop_signal, loop);
  g_main_loop_run(loop);
  g_source_remove(sigint);
  g_source_remove(sigterm);
  fprintf(stderr, "stopped watching\n");
  return EXIT_OK;
}

static int cmd_watch(int argc, char **argv) {
  g_autofree char *root = NULL, *output = NULL;
  GOptionEntry entries[] = {DIRECTORY_ENTRY(root),
                            {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
                             "The EPUB or PDF to write (default: build/<title>.epub or .pdf)",
                             "FILE"},
                            {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) ctx = g_option_context_new(
      "[epub|pdf|check] - build (default: check), then build again whenever manuscript/, styles/ "
      "or fonts/ change");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!parse_options(ctx, &argc, &argv))
    return EXIT_USAGE;
  if (argc > 2)
    return usage_error(ctx, "watch takes at most one of epub, pdf or check");
  const char *what = argc == 2 ? argv[1] : "check";
  WatchTarget target = WATCH_CHECK;
  if (strcmp(what, "epub") == 0)
    target = WATCH_EPUB;
  else if (strcmp(what, "pdf") == 0)
    target = WATCH_PDF;
  else if (strcmp(what, "check") != 0) {
    g_autofree char *msg = g_strdup_printf("watch builds epub, pdf or check, not '%s'", what);
    return usage_error(ctx, msg);
  }
  if (target == WATCH_CHECK && output)
    return usage_error(ctx, "-o needs epub or pdf");
  const char *suffix = target == WATCH_EPUB ? ".epub" : target == WATCH_PDF ? ".pdf" : NULL;
  g_autofree char *out = watched_output(root ? root : ".", output, suffix);
  if (!out)
    return EXIT_USAGE;
  return run_watch(root ? root : ".", target, *out ? out : NULL, NULL);
}

static int cmd_serve(int argc, char **argv) {
  g_autofree char *root = NULL;
  int port = 8000;
  GOptionEntry entries[] = {DIRECTORY_ENTRY(root),
                            {"port", 'p', 0, G_OPTION_ARG_INT, &port,
                             "The port on 127.0.0.1 (default 8000; 0: a free one)", "N"},
                            {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) ctx =
      parse_command("serve", "- preview the EPUB in a browser, rebuilt and reloaded as you edit",
                    entries, &argc, &argv);
  if (!ctx)
    return EXIT_USAGE;
  if (port < 0 || port > 65535)
    return usage_error(ctx, "--port takes 0 to 65535");
  g_autofree char *out = watched_output(root ? root : ".", NULL, ".epub");
  if (!out)
    return EXIT_USAGE;
  g_autoptr(GError) err = NULL;
  g_autoptr(Serve) serve = serve_new(out, (guint)port, &err);
  if (!serve) {
    fprintf(stderr,
            "bookbuild: error: cannot serve on 127.0.0.1:%d: %s (--port 0 picks a free "
            "port)\n",
            port, err->message);
    return EXIT_USAGE;
  }
  fprintf(stderr, "serving the preview at %s (Ctrl-C stops)\n", serve_url(serve));
  fflush(stderr);
  return run_watch(root ? root : ".", WATCH_EPUB, out, serve);
}

static const Command commands[] = {
    {"init", "init [DIR]", "start a new book that builds at once", cmd_init},
    {"check", "check [-C DIR] [--werror] [--fix]",
     "validate the manuscript against its table of contents (--fix: first create the chapter "
     "files it lacks)",
     cmd_check},
    {"code", "code [-C DIR] [--python PATH] [-j N] [--chapter N] [--filter TEXT]",
     "run the book's examples", cmd_code},
    {"build", "build [-C DIR] [--epub FILE] [--pdf FILE] [--draft] [--verbose]",
     "typeset the book once and write both the PDF and the EPUB 3 (with the print page list)",
     cmd_build},
    {"epub", "epub [-C DIR] [-o FILE] [--draft] [--no-page-list]",
     "write the book as an EPUB 3 e-book", cmd_epub},
    {"pdf",
     "pdf [-C DIR] [-o FILE] [--paper a4|letter|6x9|7x9.25] [--chapter N] [--draft] [--verbose]",
     "typeset the book (or one chapter's handout) as a PDF", cmd_pdf},
    {"watch", "watch [epub|pdf|check] [-C DIR] [-o FILE]",
     "build (default: check), then again whenever manuscript/, styles/ or fonts/ change",
     cmd_watch},
    {"serve", "serve [-C DIR] [--port N]",
     "preview the EPUB in a browser on 127.0.0.1, rebuilt and reloaded as you edit", cmd_serve},
    {"import", "import RAW [-o FILE]", "turn a raw assistant response into a clean chapter",
     cmd_import},
};

static void print_usage(FILE *out) {
  fprintf(out, "usage: bookbuild COMMAND [OPTIONS]\n\ncommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  bookbuild %s\n      %s\n", commands[i].synopsis, commands[i].summary);
  fprintf(out, "\n'bookbuild COMMAND --help' describes a command's options.\n"
               "exit status: 0 ok, 1 manuscript errors, 2 usage or environment errors\n");
}

/* The heap, set for how a build uses memory: a few hundred thousand small blocks and some large
 * buffers, most held until the build ends. Page faults were most of a rebuild's time, each about
 * 10 us in a virtual machine (5,000 fresh pages cost 55 ms here): an EPUB rebuild of a
 * 47,000-word book took 4,600 of them, the book's PDF 28,000 to 66,000. So large buffers come
 * from the heap and stay in it when freed (glibc otherwise maps and unmaps each one, and its
 * pages fault in anew), the heap grows 256 MB at the first allocation, and that span is offered
 * to the kernel for 2 MB pages (transparent huge pages, which Debian's "madvise" setting gives
 * only to memory that asks). glibc's tunables mmap_threshold, trim_threshold, top_pad and
 * hugetlb=1 do the same, but only from the environment before the program starts. The span is
 * address space, not memory: pages are backed when used. With a limit on address space or
 * data (ulimit -v, -d), or a heap that cannot grow so far, glibc's defaults stay. Under
 * AddressSanitizer, whose allocator ignores all this, the heap does not grow. */
static void tune_heap(void) {
  enum {
    MB = 1 << 20,
    PAD = 256 * MB,
    DEFAULT_PAD = 128 * 1024,
    DEFAULT_MMAP = 128 * 1024,
    DEFAULT_TRIM = 128 * 1024
  };
  struct rlimit as, data;
  if (getrlimit(RLIMIT_AS, &as) != 0 || as.rlim_cur != RLIM_INFINITY ||
      getrlimit(RLIMIT_DATA, &data) != 0 || data.rlim_cur != RLIM_INFINITY)
    return;
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t start = ((uintptr_t)sbrk(0) + page - 1) & ~(page - 1);
  mallopt(M_TOP_PAD, PAD);
  mallopt(M_MMAP_THRESHOLD, 32 * MB);
  mallopt(M_TRIM_THRESHOLD, 2 * PAD);
  void *volatile grow = malloc(MB); /* grows the heap by the pad now, for the advice to cover */
  free(grow);                       /* (volatile, or the compiler drops the pair) */
  uintptr_t end = (uintptr_t)sbrk(0) & ~(page - 1);
  if (end < start + PAD) {
    mallopt(M_TOP_PAD, DEFAULT_PAD);
    mallopt(M_MMAP_THRESHOLD, DEFAULT_MMAP);
    mallopt(M_TRIM_THRESHOLD, DEFAULT_TRIM);
    return;
  }
  madvise((void *)start, end - start, MADV_HUGEPAGE);
}

int main(int argc, char **argv) {
  tune_heap();
  setlocale(LC_ALL, "");
  if (argc < 2) {
    print_usage(stderr);
    return EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    print_usage(stdout);
    return EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0) {
    g_autofree char *report = version_report();
    fputs(report, stdout);
    return EXIT_OK;
  }
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
    if (strcmp(argv[1], commands[i].name) != 0)
      continue;
    g_autofree char *prgname = g_strconcat("bookbuild ", commands[i].name, NULL);
    g_set_prgname(prgname);
    book_init();
    return commands[i].run(argc - 1, argv + 1);
  }
  fprintf(stderr, "bookbuild: '%s' is not a command\n", argv[1]);
  print_usage(stderr);
  return EXIT_USAGE;
}
