/* watch.h: `bookbuild watch`'s engine: watches a book's manuscript/, styles/ and fonts/ (new
 * folders too) with GLib's file monitors, and after a quiet spell runs one build as a child
 * process of this same binary, reporting each finished build to a callback. It neither prints
 * nor serves; main.c prints the reports and serve.c shows them in the browser.
 *
 * A build is a child process (`bookbuild check|epub|pdf -C ROOT [-o OUT]`), not a call: the
 * main loop stays free while a PDF typesets (the preview server keeps answering, an interrupt
 * ends the watch at once), the child's output.c removes its temporary file when interrupted,
 * and each build starts from a clean process (no font map or cache carried from the last). */
#ifndef BOOKBUILD_WATCH_H
#define BOOKBUILD_WATCH_H

#include <gio/gio.h>

/* Quiet time after the last change before a build starts: an editor's save (write a temporary
 * file, rename it over the chapter, touch the backup) is one burst, so one build. */
#define WATCH_QUIET_MS 200

typedef enum {
  WATCH_CHECK,
  WATCH_EPUB,
  WATCH_PDF,
} WatchTarget;

/* One finished build, as the callback sees it (owned by the Watch, valid during the call). */
typedef struct {
  guint number; /* 1 for the first build */
  WatchTarget target;
  const char *output;     /* the file an epub or pdf build writes; NULL for check */
  int status;             /* the child's exit status (0 ok, 1 manuscript errors, 2 environment),
                           * or -1 when it died of a signal */
  const char *log;        /* everything the child printed (its diagnostics), UTF-8 */
  guint errors, warnings; /* from the child's summary line ("2 errors, 1 warning"); 0 without */
  double seconds;         /* wall time of the build */
} WatchBuild;

typedef void (*WatchFunc)(const WatchBuild *build, gpointer data);

typedef struct Watch Watch;

/* Starts watching the book at `root` and runs the first build at once; each later change
 * under the watched folders runs another after WATCH_QUIET_MS of quiet (one at a time: a
 * change during a build runs one more when it ends). `self` is this binary's path; `output`
 * (epub, pdf) the file to write. Reports arrive through the thread-default main context.
 * NULL with `error` when a folder cannot be watched. Free with watch_free(). */
Watch *watch_new(const char *self, const char *root, WatchTarget target, const char *output,
                 WatchFunc func, gpointer data, GError **error);

/* Stops watching; a build still running is sent SIGTERM (it removes its temporary file) and
 * waited for. */
void watch_free(Watch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Watch, watch_free)

/* The build's one-line report, without a newline: "built build/x.epub in 0.42 s",
 * "check: 2 errors, 0 warnings in 0.05 s", "epub: 1 error, 0 warnings in 0.05 s; build/x.epub
 * kept as it was". Caller frees. */
char *watch_report(const WatchBuild *build);

/* "check", "epub" or "pdf". */
const char *watch_target_name(WatchTarget target);

#endif
