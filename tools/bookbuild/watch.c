/* watch.c: file monitors, the quiet-time timer and the build child (see watch.h). Does not
 * print, parse the book or write outputs: the child does, and the callback reports. */
#include "watch.h"

#include <signal.h>
#include <string.h>

/* The folders of a book whose changes rebuild it. */
static const char *const watched[] = {"manuscript", "styles", "fonts"};

struct Watch {
  char *self, *output;
  char *given; /* the root as given: the child's -C, so its paths read as the user's */
  char *root;  /* the root's absolute path */
  WatchTarget target;
  WatchFunc func;
  gpointer data;
  GHashTable *monitors; /* folder path -> GFileMonitor*, owned */
  guint timer;          /* the quiet-time source, 0 when none */
  GSubprocess *child;   /* the build running, or NULL */
  GCancellable *cancel; /* cancels the wait for the child's output when the watch ends */
  gboolean again;       /* a change arrived during the build: build once more */
  gint64 started;       /* monotonic µs when the child started */
  guint builds;
};

const char *watch_target_name(WatchTarget target) {
  static const char *const names[] = {"check", "epub", "pdf"};
  return names[target];
}

char *watch_report(const WatchBuild *b) {
  const char *name = watch_target_name(b->target);
  g_autofree char *counts =
      g_strdup_printf("%u error%s, %u warning%s", b->errors, b->errors == 1 ? "" : "s", b->warnings,
                      b->warnings == 1 ? "" : "s");
  if (b->status == 0 && b->output)
    return g_strdup_printf("built %s in %.2f s%s%s%s", b->output, b->seconds,
                           b->warnings ? " (" : "", b->warnings ? counts : "",
                           b->warnings ? ")" : "");
  g_autofree char *what = b->status == -1  ? g_strdup("killed by a signal")
                          : b->status == 2 ? g_strdup("failed")
                                           : g_strdup(counts);
  if (!b->output)
    return g_strdup_printf("%s: %s in %.2f s", name, what, b->seconds);
  if (!g_file_test(b->output, G_FILE_TEST_EXISTS))
    return g_strdup_printf("%s: %s in %.2f s; no %s written", name, what, b->seconds, b->output);
  return g_strdup_printf("%s: %s in %.2f s; %s kept as it was", name, what, b->seconds, b->output);
}

static void start_build(Watch *w);

static gboolean on_quiet(gpointer data) {
  Watch *w = data;
  w->timer = 0;
  if (w->child)
    w->again = TRUE;
  else
    start_build(w);
  return G_SOURCE_REMOVE;
}

/* A change: (re)starts the quiet-time timer. */
static void schedule(Watch *w) {
  if (w->timer)
    g_source_remove(w->timer);
  w->timer = g_timeout_add(WATCH_QUIET_MS, on_quiet, w);
}

static gboolean watch_tree(Watch *w, GFile *dir, GError **error);

static gboolean is_watched_top(const Watch *w, GFile *file) {
  g_autoptr(GFile) parent = g_file_get_parent(file);
  g_autofree char *dir = parent ? g_file_get_path(parent) : NULL;
  if (!dir || strcmp(dir, w->root) != 0)
    return FALSE;
  g_autofree char *name = g_file_get_basename(file);
  for (gsize i = 0; i < G_N_ELEMENTS(watched); i++)
    if (strcmp(name, watched[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A folder that appears under a watched one (or a watched top folder that appears in the
 * root) is watched from then on. */
static void watch_new_folder(Watch *w, GFile *file) {
  if (g_file_query_file_type(file, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    return;
  g_autoptr(GError) err = NULL;
  watch_tree(w, file, &err); /* a folder gone again, or unreadable: nothing to watch */
}

static gboolean is_under(gpointer key, gpointer value, gpointer gone) {
  (void)value;
  const char *path = key;
  gsize n = strlen(gone);
  return strncmp(path, gone, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* A folder deleted or moved away is forgotten with the folders under it, so that one made
 * again at its path gets a new monitor at once (GLib's inotify backend re-arms the old one only
 * when it next polls for missing paths, some seconds later). */
static void forget_folder(Watch *w, GFile *file) {
  g_autofree char *path = g_file_get_path(file);
  if (path && strcmp(path, w->root) != 0)
    g_hash_table_foreach_remove(w->monitors, is_under, path);
}

static void on_changed(GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
                       gpointer data) {
  Watch *w = data;
  (void)other;
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED || event == G_FILE_MONITOR_EVENT_PRE_UNMOUNT)
    return;
  gboolean root = g_object_get_data(G_OBJECT(monitor), "bookbuild-root") != NULL;
  if (root && !is_watched_top(w, file))
    return; /* the root itself: only manuscript/, styles/ and fonts/ matter (never build/) */
  if (event == G_FILE_MONITOR_EVENT_DELETED || event == G_FILE_MONITOR_EVENT_MOVED_OUT ||
      event == G_FILE_MONITOR_EVENT_RENAMED)
    forget_folder(w, file);
  if (event == G_FILE_MONITOR_EVENT_CREATED || event == G_FILE_MONITOR_EVENT_MOVED_IN ||
      event == G_FILE_MONITOR_EVENT_RENAMED)
    watch_new_folder(w, event == G_FILE_MONITOR_EVENT_RENAMED && other ? other : file);
  schedule(w);
}

static GFileMonitor *monitor_folder(Watch *w, GFile *dir, GError **error) {
  GFileMonitor *m = g_file_monitor_directory(dir, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (m)
    g_signal_connect(m, "changed", G_CALLBACK(on_changed), w);
  return m;
}

/* Monitors `dir` and every folder under it not monitored yet. */
static gboolean watch_tree(Watch *w, GFile *dir, GError **error) {
  g_autofree char *path = g_file_get_path(dir);
  if (!path)
    return TRUE;
  if (!g_hash_table_contains(w->monitors, path)) {
    GFileMonitor *m = monitor_folder(w, dir, error);
    if (!m)
      return FALSE;
    g_hash_table_insert(w->monitors, g_steal_pointer(&path), m);
  }
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children(
      dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
      G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, error);
  if (!children)
    return FALSE;
  for (;;) {
    GFileInfo *info = NULL;
    GFile *child = NULL;
    if (!g_file_enumerator_iterate(children, &info, &child, NULL, error))
      return FALSE;
    if (!info)
      return TRUE;
    if (g_file_info_get_file_type(info) == G_FILE_TYPE_DIRECTORY && !watch_tree(w, child, error))
      return FALSE;
  }
}

/* The counts of diags_print's summary line ("2 errors, 1 warning"), which is taken out of the
 * log: the report line says them. Returns the log without it; caller frees. */
static char *take_summary(const char *log, guint *errors, guint *warnings) {
  *errors = *warnings = 0;
  g_autoptr(GRegex) re =
      g_regex_new("^([0-9]+) errors?, ([0-9]+) warnings?\\n", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  for (g_regex_match(re, log, 0, &match); g_match_info_matches(match);
       g_match_info_next(match, NULL)) {
    g_autofree char *e = g_match_info_fetch(match, 1), *wn = g_match_info_fetch(match, 2);
    *errors = (guint)g_ascii_strtoull(e, NULL, 10);
    *warnings = (guint)g_ascii_strtoull(wn, NULL, 10);
  }
  return g_regex_replace_literal(re, log, -1, 0, "", 0, NULL);
}

static void on_build_done(GObject *source, GAsyncResult *result, gpointer data) {
  GSubprocess *child = G_SUBPROCESS(source);
  g_autofree char *log = NULL;
  g_autoptr(GError) err = NULL;
  gboolean read = g_subprocess_communicate_utf8_finish(child, result, &log, NULL, &err);
  if (!read && g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the watch is being freed; it waits for the child itself */
  Watch *w = data;
  WatchBuild b = {0};
  b.number = ++w->builds;
  b.target = w->target;
  b.output = w->output;
  b.seconds = (double)(g_get_monotonic_time() - w->started) / G_USEC_PER_SEC;
  if (!read)
    log = g_strdup_printf("bookbuild: error: reading the build's output: %s\n", err->message);
  if (g_subprocess_get_if_exited(child))
    b.status = g_subprocess_get_exit_status(child);
  else
    b.status = -1;
  g_autofree char *rest = take_summary(log ? log : "", &b.errors, &b.warnings);
  b.log = rest ? rest : "";
  g_clear_object(&w->child);
  w->func(&b, w->data);
  if (w->again) {
    w->again = FALSE;
    start_build(w);
  }
}

static void start_build(Watch *w) {
  const char *argv[] = {w->self, watch_target_name(w->target), "-C", w->given, "-o", w->output,
                        NULL};
  if (w->target == WATCH_CHECK)
    argv[4] = NULL;
  g_autoptr(GError) err = NULL;
  w->started = g_get_monotonic_time();
  w->child = g_subprocess_newv(
      argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &err);
  if (!w->child) {
    g_autofree char *log =
        g_strdup_printf("bookbuild: error: cannot run '%s': %s\n", w->self, err->message);
    WatchBuild b = {++w->builds, w->target, w->output, 2, log, 0, 0, 0.0};
    w->func(&b, w->data);
    return;
  }
  g_subprocess_communicate_utf8_async(w->child, NULL, w->cancel, on_build_done, w);
}

Watch *watch_new(const char *self, const char *root, WatchTarget target, const char *output,
                 WatchFunc func, gpointer data, GError **error) {
  Watch *w = g_new0(Watch, 1);
  w->self = g_strdup(self);
  w->given = g_strdup(root);
  g_autoptr(GFile) top = g_file_new_for_path(root);
  w->root = g_file_get_path(top);
  w->output = g_strdup(output);
  w->target = target;
  w->func = func;
  w->data = data;
  w->monitors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
  w->cancel = g_cancellable_new();
  /* The root itself, for a styles/ or fonts/ folder made later. */
  GFileMonitor *m = monitor_folder(w, top, error);
  if (!m) {
    watch_free(w);
    return NULL;
  }
  g_object_set_data(G_OBJECT(m), "bookbuild-root", w);
  g_hash_table_insert(w->monitors, g_strdup(w->root), m);
  for (gsize i = 0; i < G_N_ELEMENTS(watched); i++) {
    g_autoptr(GFile) dir = g_file_get_child(top, watched[i]);
    if (g_file_query_file_type(dir, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
      continue;
    if (!watch_tree(w, dir, error)) {
      watch_free(w);
      return NULL;
    }
  }
  start_build(w);
  return w;
}

void watch_free(Watch *w) {
  if (!w)
    return;
  if (w->timer)
    g_source_remove(w->timer);
  g_cancellable_cancel(w->cancel);
  if (w->child) {
    g_subprocess_send_signal(w->child, SIGTERM);
    g_subprocess_wait(w->child, NULL, NULL);
    g_object_unref(w->child);
  }
  g_object_unref(w->cancel);
  g_hash_table_destroy(w->monitors);
  g_free(w->self);
  g_free(w->root);
  g_free(w->given);
  g_free(w->output);
  g_free(w);
}
