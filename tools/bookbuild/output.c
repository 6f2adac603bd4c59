/* output.c: atomic outputs (see output.h). The one place with process-wide state: a signal
 * handler can only reach the temporary files it must remove through static storage, so the
 * pending paths live in a small fixed table written before the handler may look at it. */
#include "output.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define OUTPUT_MAX_PENDING 8 /* temporary files open at once (a build writes one or two) */

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};

typedef struct {
  volatile sig_atomic_t used;
  char path[PATH_MAX];
} Pending;

static Pending pending[OUTPUT_MAX_PENDING];

/* Async-signal-safe: unlink(), signal() and raise() only. The signal is raised again with its
 * default action, so the process ends as an interrupted one (the shell sees 130 or 143). */
static void on_signal(int sig) {
  for (int i = 0; i < OUTPUT_MAX_PENDING; i++)
    if (pending[i].used)
      unlink(pending[i].path);
  signal(sig, SIG_DFL);
  raise(sig);
}

static void install_handlers(void) {
  static gsize installed;
  if (!g_once_init_enter(&installed))
    return;
  for (gsize i = 0; i < G_N_ELEMENTS(caught); i++) {
    struct sigaction old;
    /* A signal the caller ignores (nohup, a background job's SIGINT) stays ignored. */
    if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
      continue;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (gsize k = 0; k < G_N_ELEMENTS(caught); k++)
      sigaddset(&sa.sa_mask, caught[k]);
    sigaction(caught[i], &sa, NULL);
  }
  g_once_init_leave(&installed, 1);
}

/* Blocks the caught signals while the table changes, so the handler never sees half a path. */
static void block_signals(gboolean block, sigset_t *saved) {
  sigset_t set;
  sigemptyset(&set);
  for (gsize i = 0; i < G_N_ELEMENTS(caught); i++)
    sigaddset(&set, caught[i]);
  if (block)
    pthread_sigmask(SIG_BLOCK, &set, saved);
  else
    pthread_sigmask(SIG_SETMASK, saved, NULL);
}

/* Called with the caught signals blocked. */
static gboolean register_temp(const char *path) {
  if (strlen(path) >= PATH_MAX)
    return FALSE;
  for (int i = 0; i < OUTPUT_MAX_PENDING; i++) {
    if (pending[i].used)
      continue;
    g_strlcpy(pending[i].path, path, sizeof pending[i].path);
    pending[i].used = 1;
    return TRUE;
  }
  return FALSE;
}

static void unregister_temp(const char *path) {
  sigset_t saved;
  block_signals(TRUE, &saved);
  for (int i = 0; i < OUTPUT_MAX_PENDING; i++)
    if (pending[i].used && strcmp(pending[i].path, path) == 0)
      pending[i].used = 0;
  block_signals(FALSE, &saved);
}

static void output_clear(OutputFile *out) {
  g_clear_pointer(&out->target, g_free);
  g_clear_pointer(&out->temp, g_free);
}

gboolean output_open(OutputFile *out, const char *target, GError **error) {
  memset(out, 0, sizeof *out);
  g_autofree char *dir = g_path_get_dirname(target);
  g_autofree char *base = g_path_get_basename(target);
  g_autofree char *temp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
  install_handlers();
  /* Created and registered with the signals blocked: an interruption in between would leave
   * a temporary file the handler does not know. */
  sigset_t saved;
  block_signals(TRUE, &saved);
  int fd = g_mkstemp(temp);
  int e = errno;
  gboolean registered = fd >= 0 && register_temp(temp);
  if (fd >= 0) {
    close(fd);
    if (!registered)
      g_unlink(temp);
  }
  block_signals(FALSE, &saved);
  if (fd < 0) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot write in '%s': %s", dir,
                g_strerror(e));
    return FALSE;
  }
  if (!registered) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NAMETOOLONG,
                "cannot write '%s': path too long, or too many outputs at once", target);
    return FALSE;
  }
  out->target = g_strdup(target);
  out->temp = g_steal_pointer(&temp);
  return TRUE;
}

gboolean output_commit(OutputFile *out, GError **error) {
  gboolean ok = g_chmod(out->temp, 0644) == 0 && g_rename(out->temp, out->target) == 0;
  if (!ok) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot write '%s': %s",
                out->target, g_strerror(e));
    g_unlink(out->temp);
  }
  unregister_temp(out->temp);
  output_clear(out);
  return ok;
}

void output_abort(OutputFile *out) {
  if (out->temp) {
    g_unlink(out->temp);
    unregister_temp(out->temp);
  }
  output_clear(out);
}

gboolean output_write(const char *target, const void *data, gsize len, GError **error) {
  OutputFile out;
  if (!output_open(&out, target, error))
    return FALSE;
  FILE *f = g_fopen(out.temp, "wb");
  gboolean ok = f && fwrite(data, 1, len, f) == len;
  int e = errno;
  if (f && fclose(f) != 0 && ok) {
    ok = FALSE;
    e = errno;
  }
  if (!ok) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot write '%s': %s", target,
                g_strerror(e));
    output_abort(&out);
    return FALSE;
  }
  return output_commit(&out, error);
}
