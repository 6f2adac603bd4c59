/* sandbox.h: running one program contained, for the example runner (codecheck.c): its own
 * process group (killed on timeout and when it ends), both output streams captured up to a cap,
 * no stdin, an empty environment (HOME and TMPDIR its own directory); its directory removed
 * however it was left; descendants that escaped the group reaped at the end of the run. */
#ifndef BOOKBUILD_SANDBOX_H
#define BOOKBUILD_SANDBOX_H

#include <glib.h>
#include <sys/resource.h>

/* One output stream, capped: the first half of the cap and the latest half are kept, so a
 * traceback after megabytes of output is still shown. */
typedef struct {
  GString *head, *tail;
  guint64 dropped;
  gsize cap; /* bytes kept in all */
} SandboxCapture;

typedef struct {
  SandboxCapture out, err;
  int exit_status; /* -1 when killed */
  gboolean timed_out;
  struct rusage usage; /* the example's own CPU time (not its descendants') */
} SandboxRun;

void sandbox_capture_init(SandboxCapture *c, gsize cap);
void sandbox_capture_clear(SandboxCapture *c);

/* The captured text (with a "[... N bytes of output dropped ...]" line where the cap cut it);
 * caller frees. */
char *sandbox_capture_text(const SandboxCapture *c);

/* Runs argv in `dir` in its own process group for at most `timeout_s` seconds; fills `r` (its
 * captures initialised by the caller). FALSE with `error` when it could not be started. The
 * group is killed when the program ends or times out. */
gboolean sandbox_run(const char *const *argv, const char *dir, int timeout_s, SandboxRun *r,
                     GError **error);

/* Removes `path` and everything under it, symbolic links not followed, whatever permissions or
 * depth the program left (deeper than PATH_MAX, directories without permissions). */
void sandbox_remove_tree(const char *path);

/* Makes this process the reaper of orphaned descendants (Linux: a child subreaper), so that a
 * program that escapes its group (setsid) is still found by sandbox_end_strays(). */
void sandbox_adopt_orphans(gboolean on);

/* After every program has ended: kills and reaps each descendant reparented to us, then stops
 * adopting orphans. */
void sandbox_end_strays(void);

#endif
