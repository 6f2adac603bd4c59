/* serve.h: `bookbuild serve`'s preview server (libsoup): the last good EPUB's files served on
 * 127.0.0.1 as a reading system would see them, an index of its chapters, the last build's
 * diagnostics at the top of every page, and an /events stream (server-sent events) whose
 * message makes every open page reload when a build finishes. Builds come from watch.c; this
 * file neither watches nor builds nor prints.
 *
 * It serves from the built EPUB, read whole into memory after each good build, not from a
 * folder it unpacks: what the browser shows is byte for byte what a reader gets, a failed build
 * leaves the last good book in place by construction, and the served tree is the archive's
 * entry names, so no request can name a file outside it. */
#ifndef BOOKBUILD_SERVE_H
#define BOOKBUILD_SERVE_H

#include "watch.h"

/* The largest EPUB the preview reads (the served copy lives in memory). */
#define SERVE_MAX_EPUB_BYTES (512u * 1024u * 1024u)

typedef struct Serve Serve;

/* Listens on 127.0.0.1:`port` (0: a free port) and serves the EPUB at `epub` (read now when
 * it exists from an earlier build). NULL with `error` when the port cannot be had. */
Serve *serve_new(const char *epub, guint port, GError **error);

/* "http://127.0.0.1:8000/": the index page; owned by `serve`. */
const char *serve_url(const Serve *serve);

/* A build finished: when it succeeded the EPUB is read again (a damaged file keeps the last
 * good one, and says so on the pages); the report line and diagnostics replace the last; open
 * pages are told to reload. */
void serve_build_done(Serve *serve, const WatchBuild *build, const char *report);

void serve_free(Serve *serve);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Serve, serve_free)

#endif
