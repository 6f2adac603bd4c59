/* codecheck.c: the example runner (see codecheck.h). Selects runnable blocks from the Book (the
 * fence flags were recognised when it was loaded), pairs each with every interpreter whose version
 * its bounds admit and that has the modules it requires, runs the pairs on a thread pool, and
 * judges each result. A python block passes when it exits 0, or ends with its `raises=` exception;
 * a pycon block is handed to Python's own doctest module (ELLIPSIS on), the reference for doctest
 * rules. Hostile examples are contained: own process group (killed on timeout and after exit),
 * capped output, a private temporary directory removed afterwards, no stdin, an empty environment;
 * a descendant that escapes its group (setsid) is reparented to bookbuild, which is made a child
 * subreaper, and is killed when the run ends. */
#include "codecheck.h"

#include "fence.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* Feeds a pycon block to doctest; exits 1 on any failure, printing doctest's report. */
static const char doctest_driver[] =
    "import doctest, sys\n"
    "src = open(sys.argv[1], encoding='utf-8').read()\n"
    "test = doctest.DocTestParser().get_doctest(src, {'__name__': '__main__'}, 'example',\n"
    "                                           sys.argv[1], 0)\n"
    "runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)\n"
    "runner.run(test, out=sys.stdout.write)\n"
    "sys.exit(1 if runner.failures else 0)\n";

/* Prints each module named on its command line that the interpreter cannot import: the
 * `requires=` probe, run once per interpreter. */
/* Prints each module named on its command line that the interpreter cannot import: the
 * `requires=` probe, run once per interpreter. It imports them, since a package can be found yet
 * not load (NumPy-based packages built for another Python version). */
static const char requires_probe[] = "import importlib, sys\n"
                                     "for name in sys.argv[1:]:\n"
                                     "    try:\n"
                                     "        importlib.import_module(name)\n"
                                     "    except Exception:\n"
                                     "        print(name, flush=True)\n";

/* How long the `requires=` probe may take: importing a large library can take seconds. */
#define REQUIRES_PROBE_TIMEOUT_S 60

typedef enum {
  RESULT_PASS,
  RESULT_FAIL,
  RESULT_SKIP_VERSION,
  RESULT_SKIP_LIBRARY,
  RESULT_IGNORED
} ResultKind;

typedef struct {
  Chapter *chapter;
  CodeBlock *block;
  CodeRun *run; /* the interpreter it runs on */
  ResultKind result;
  char *reason; /* why it failed */
  char *output; /* the relevant output of a failure */
} Job;

/* One output stream, capped: the first half of the cap and the latest half are kept, so a
 * traceback after megabytes of output is still shown. */
typedef struct {
  GString *head, *tail;
  guint64 dropped;
} Capture;

typedef struct {
  Capture out, err;
  int exit_status; /* -1 when killed */
  gboolean timed_out;
  struct rusage usage; /* the example's own CPU time (not its descendants') */
} RunOutput;

static void job_free(gpointer p) {
  Job *j = p;
  g_free(j->reason);
  g_free(j->output);
  g_free(j);
}

static void child_setup(gpointer data) {
  (void)data;
  setsid(); /* its own process group, so the whole tree can be killed */
}

static gint64 now_ms(void) { return g_get_monotonic_time() / 1000; }

static void capture_init(Capture *c) {
  c->head = g_string_new(NULL);
  c->tail = g_string_new(NULL);
  c->dropped = 0;
}

static void capture_append(Capture *c, const char *buf, gsize n) {
  const gsize half = CODECHECK_OUTPUT_CAP / 2;
  gsize to_head = c->head->len < half ? MIN(n, half - c->head->len) : 0;
  g_string_append_len(c->head, buf, (gssize)to_head);
  g_string_append_len(c->tail, buf + to_head, (gssize)(n - to_head));
  if (c->tail->len > half) {
    gsize cut = c->tail->len - half;
    c->dropped += cut;
    g_string_erase(c->tail, 0, (gssize)cut);
  }
}

/* The captured text; caller frees. */
static char *capture_text(const Capture *c) {
  if (!c->dropped)
    return g_strconcat(c->head->str, c->tail->str, NULL);
  return g_strdup_printf("%s\n[... %" G_GUINT64_FORMAT " bytes of output dropped ...]\n%s",
                         c->head->str, c->dropped, c->tail->str);
}

static void capture_clear(Capture *c) {
  g_string_free(c->head, TRUE);
  g_string_free(c->tail, TRUE);
}

static gboolean read_some(int fd, Capture *c) {
  char buf[8192];
  ssize_t got = read(fd, buf, sizeof buf);
  if (got > 0) {
    capture_append(c, buf, (gsize)got);
    return TRUE;
  }
  return got < 0 && errno == EINTR;
}

/* How long the pipes are still read after the example exited and its group was killed: longer
 * only when a descendant that left the group holds them open (it is killed when the run ends). */
#define DRAIN_GRACE_MS 200

/* Reads both pipes while the example runs; returns once it has exited (its children are then
 * killed and the pipes drained) or the deadline passes (FALSE). */
static gboolean supervise(GPid pid, int fds_in[2], RunOutput *r, gint64 deadline) {
  struct pollfd fds[2] = {{fds_in[0], POLLIN, 0}, {fds_in[1], POLLIN, 0}};
  Capture *dest[2] = {&r->out, &r->err};
  gboolean exited = FALSE;
  gint64 exited_at = 0;
  int status = 0;
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    if (now_ms() >= deadline)
      return FALSE;
    if (exited && now_ms() >= exited_at + DRAIN_GRACE_MS)
      return TRUE;
    if (!exited && wait4(pid, &status, WNOHANG, &r->usage) == pid) {
      exited = TRUE;
      exited_at = now_ms();
      r->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      kill(-pid, SIGKILL); /* children it left behind hold the pipes open */
    }
    int n = poll(fds, 2, 50);
    for (int i = 0; i < 2 && n > 0; i++)
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
          !read_some(fds[i].fd, dest[i]))
        fds[i].fd = -1;
  }
  if (!exited) {
    /* Both pipes closed: the example is finishing; wait for it within the deadline. */
    while (wait4(pid, &status, WNOHANG, &r->usage) != pid) {
      if (now_ms() >= deadline)
        return FALSE;
      g_usleep(10000);
    }
    r->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return TRUE;
}

/* Runs argv in `dir` in its own process group; fills `r`. FALSE with `error` when it could not
 * be started. The group is killed when the example ends or times out. */
static gboolean run_process(const char *const *argv, const char *dir, int timeout_s, RunOutput *r,
                            GError **error) {
  g_autofree char *home = g_strconcat("HOME=", dir, NULL);
  g_autofree char *tmp = g_strconcat("TMPDIR=", dir, NULL);
  const char *env[] = {home, tmp, NULL};
  GPid pid;
  int fds[2];
  if (!g_spawn_async_with_pipes(dir, (char **)argv, (char **)env,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                child_setup, NULL, &pid, NULL, &fds[0], &fds[1], error))
    return FALSE;
  gboolean done = supervise(pid, fds, r, now_ms() + (gint64)timeout_s * 1000);
  r->timed_out = !done;
  kill(-pid, SIGKILL);
  if (!done)
    wait4(pid, NULL, 0, &r->usage);
  close(fds[0]);
  close(fds[1]);
  g_spawn_close_pid(pid);
  return TRUE;
}

/* ---- removing an example's directory, however the example left it ----
 * A tree deeper than PATH_MAX can name, or directories without permissions, defeat nftw() and
 * `rm -rf`; so the walk holds one directory descriptor at a time, goes back up through "..",
 * and gives each directory back its owner's permissions before reading it. */

typedef struct {
  char *name;         /* this directory's name in its parent; NULL for the top */
  GPtrArray *pending; /* names of subdirectories still to remove */
} RemoveFrame;

/* Opens directory `name` under `dir_fd`, restoring its permissions when they lock us out. */
static int open_dir_at(int dir_fd, const char *name) {
  int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd = openat(dir_fd, name, flags);
  if (fd < 0 && errno == EACCES && fchmodat(dir_fd, name, 0700, 0) == 0)
    fd = openat(dir_fd, name, flags);
  return fd;
}

/* Removes every non-directory in the directory `fd`; returns the names of its subdirectories. */
static GPtrArray *clear_files(int fd) {
  GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
  fchmod(fd, 0700);
  int list_fd = dup(fd);
  DIR *d = list_fd >= 0 ? fdopendir(list_fd) : NULL;
  if (!d) {
    if (list_fd >= 0)
      close(list_fd);
    return dirs;
  }
  for (struct dirent *e; (e = readdir(d));) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    struct stat st;
    if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
      g_ptr_array_add(dirs, g_strdup(e->d_name));
    else
      unlinkat(fd, e->d_name, 0);
  }
  closedir(d);
  return dirs;
}

/* Removes `path` and everything under it, symbolic links not followed. */
static void remove_tree(const char *path) {
  int fd = open_dir_at(AT_FDCWD, path);
  if (fd < 0) {
    unlink(path);
    return;
  }
  g_autoptr(GArray) stack = g_array_new(FALSE, FALSE, sizeof(RemoveFrame));
  RemoveFrame top = {NULL, clear_files(fd)};
  g_array_append_val(stack, top);
  while (stack->len && fd >= 0) {
    RemoveFrame *f = &g_array_index(stack, RemoveFrame, stack->len - 1);
    if (f->pending->len) {
      g_autofree char *name = g_ptr_array_steal_index(f->pending, f->pending->len - 1);
      int child = open_dir_at(fd, name);
      if (child < 0) {
        unlinkat(fd, name, AT_REMOVEDIR);
        continue;
      }
      close(fd);
      fd = child;
      RemoveFrame next = {g_steal_pointer(&name), clear_files(fd)};
      g_array_append_val(stack, next);
      continue;
    }
    RemoveFrame done = *f;
    g_array_set_size(stack, stack->len - 1);
    g_ptr_array_unref(done.pending);
    if (done.name) {
      int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      close(fd);
      fd = parent;
      if (fd >= 0)
        unlinkat(fd, done.name, AT_REMOVEDIR);
      g_free(done.name);
    }
  }
  for (guint i = 0; i < stack->len; i++) { /* only when a descriptor could not be had */
    RemoveFrame *f = &g_array_index(stack, RemoveFrame, i);
    g_free(f->name);
    g_ptr_array_unref(f->pending);
  }
  if (fd >= 0)
    close(fd);
  rmdir(path);
}

/* The exception named on the last unindented line of a traceback ("pkg.Error: message"). */
static char *raised_name(const char *stderr_text) {
  g_auto(GStrv) lines = g_strsplit(stderr_text, "\n", -1);
  for (int i = (int)g_strv_length(lines) - 1; i >= 0; i--) {
    const char *l = lines[i];
    if (!*l || *l == ' ' || g_str_has_prefix(l, "Traceback"))
      continue;
    const char *p = l;
    while (g_ascii_isalnum(*p) || *p == '_' || *p == '.')
      p++;
    if (p == l || (*p && *p != ':'))
      continue;
    g_autofree char *name = g_strndup(l, p - l);
    const char *dot = strrchr(name, '.');
    return g_strdup(dot ? dot + 1 : name);
  }
  return NULL;
}

static gboolean is_caret_line(const char *line) {
  gboolean marks = FALSE;
  for (const char *p = line; *p; p++) {
    if (*p == '^' || *p == '~')
      marks = TRUE;
    else if (*p != ' ')
      return FALSE;
  }
  return marks;
}

/* The first or last `max_lines` lines of a capture, with the example's temporary directory
 * removed from paths so reports read the same on every run. Caller frees. */
static char *excerpt(const Capture *c, const char *dir, guint max_lines, gboolean from_end) {
  g_autofree char *text = capture_text(c);
  g_autofree char *prefix = g_strconcat(dir, "/", NULL);
  g_auto(GStrv) parts = g_strsplit(text, prefix, -1);
  g_autofree char *clean = g_strjoinv("", parts);
  g_auto(GStrv) all = g_strsplit(g_strchomp(clean), "\n", -1);
  /* Caret lines under a traceback's source line differ between Python versions; drop them. */
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new();
  for (int i = 0; all[i]; i++)
    if (!is_caret_line(all[i]))
      g_strv_builder_add(kept, all[i]);
  g_auto(GStrv) lines = g_strv_builder_end(kept);
  guint n = g_strv_length(lines);
  if (n <= max_lines)
    return g_strjoinv("\n", lines);
  GString *out = g_string_new(from_end ? "[...]\n" : NULL);
  for (guint i = from_end ? n - max_lines : 0; i < (from_end ? n : max_lines); i++)
    g_string_append_printf(out, "%s\n", lines[i]);
  if (!from_end)
    g_string_append(out, "[...]");
  return g_strchomp(g_string_free(out, FALSE));
}

static void judge_python(Job *j, RunOutput *r, const char *dir) {
  const char *want = j->block->raises;
  if (!want) {
    if (r->exit_status == 0)
      return;
    j->reason = g_strdup_printf("exited with status %d", r->exit_status);
    j->output = excerpt(&r->err, dir, 12, TRUE);
    return;
  }
  g_autofree char *err_text = capture_text(&r->err);
  g_autofree char *got = r->exit_status == 0 ? NULL : raised_name(err_text);
  const char *want_last = strrchr(want, '.') ? strrchr(want, '.') + 1 : want;
  if (got && strcmp(got, want_last) == 0)
    return;
  if (!got)
    j->reason = g_strdup_printf("expected %s, but the example raised nothing", want);
  else
    j->reason = g_strdup_printf("expected %s, got %s", want, got);
  j->output = excerpt(&r->err, dir, 12, TRUE);
}

static void judge_pycon(Job *j, RunOutput *r, const char *dir) {
  if (r->exit_status == 0)
    return;
  j->reason = g_strdup("doctest output differs");
  gboolean has_out = r->out.head->len > 0;
  j->output = has_out ? excerpt(&r->out, dir, 30, FALSE) : excerpt(&r->err, dir, 12, TRUE);
}

static void run_job(Job *j) {
  const CodeBlock *b = j->block;
  g_autoptr(GError) err = NULL;
  g_autofree char *dir = g_dir_make_tmp("bookbuild-example-XXXXXX", &err);
  gboolean pycon = strcmp(b->lang, "pycon") == 0;
  /* Relative names, so tracebacks and doctest reports read the same on every run. */
  const char *name = pycon ? "example.txt" : "example.py";
  g_autofree char *file = dir ? g_build_filename(dir, name, NULL) : NULL;
  const char *code = cmark_node_get_literal(b->node);
  RunOutput r = {0};
  capture_init(&r.out);
  capture_init(&r.err);
  j->result = RESULT_FAIL;
  if (!dir || !g_file_set_contents(file, code ? code : "", -1, &err)) {
    j->reason = g_strdup_printf("cannot prepare the example: %s", err->message);
    goto out;
  }
  const char *python = j->run->python;
  const char *py_argv[] = {python, "-I", name, NULL};
  const char *doc_argv[] = {python, "-I", "-c", doctest_driver, name, NULL};
  int timeout = b->timeout_s ? b->timeout_s : CODECHECK_DEFAULT_TIMEOUT_S;
  if (!run_process(pycon ? doc_argv : py_argv, dir, timeout, &r, &err)) {
    j->reason = g_strdup_printf("cannot run %s: %s", python, err->message);
    goto out;
  }
  if (r.timed_out) {
    /* CPU time far below the limit tells a waiting example (input, a lock, a sleep, or a busy
     * machine) from a computing one. Said in words, not seconds, so a report reads the same on
     * any machine. */
    double cpu = (double)r.usage.ru_utime.tv_sec + (double)r.usage.ru_stime.tv_sec +
                 (double)(r.usage.ru_utime.tv_usec + r.usage.ru_stime.tv_usec) / 1e6;
    j->reason = g_strdup_printf(
        "timed out: still running when its %d s ran out (timeout=N raises the limit), %s", timeout,
        cpu < 0.5 * timeout ? "mostly waiting, not computing"
                            : "computing throughout: a slow example or a busy machine");
    j->output = excerpt(r.err.head->len ? &r.err : &r.out, dir, 12, TRUE);
    goto out;
  }
  if (pycon)
    judge_pycon(j, &r, dir);
  else
    judge_python(j, &r, dir);
  if (!j->reason)
    j->result = RESULT_PASS;
out:
  if (dir)
    remove_tree(dir);
  capture_clear(&r.out);
  capture_clear(&r.err);
}

/* The interpreter's real path (not a pyenv shim, which needs the environment examples do not
 * get) and its major and minor version. g_spawn_sync, unlike GSubprocess, starts no helper
 * threads that outlive the call. */
static gboolean python_version(const char *python, char **executable, int *major, int *minor,
                               GError **error) {
  const char *argv[] = {python, "-I", "-c",
                        "import sys; print(*sys.version_info[:2], sys.executable)", NULL};
  g_autofree char *out = NULL;
  int status = 0;
  if (!g_spawn_sync(NULL, (char **)argv, NULL,
                    G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_STDIN_FROM_DEV_NULL,
                    NULL, NULL, &out, NULL, &status, error))
    return FALSE;
  int used = 0;
  if (!g_spawn_check_wait_status(status, NULL) || !out ||
      sscanf(out, "%d %d %n", major, minor, &used) != 2 || !out[used]) {
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "'%s' did not report its version",
                python);
    return FALSE;
  }
  *executable = g_strdup(g_strstrip(out + used));
  return TRUE;
}

/* The parent process id of `pid` from /proc/PID/stat, or -1. */
static pid_t parent_of(const char *pid) {
  g_autofree char *path = g_strconcat("/proc/", pid, "/stat", NULL);
  g_autofree char *stat = NULL;
  if (!g_file_get_contents(path, &stat, NULL, NULL))
    return -1;
  const char *end = strrchr(stat, ')'); /* the command name may hold spaces and parentheses */
  char state = 0;
  int ppid = -1;
  if (!end || sscanf(end + 1, " %c %d", &state, &ppid) != 2)
    return -1;
  return (pid_t)ppid;
}

/* Kills and reaps the processes reparented to bookbuild: descendants of examples that left
 * their process group. Returns how many there were. */
static guint kill_strays(void) {
  guint found = 0;
  DIR *proc = opendir("/proc");
  if (!proc)
    return 0;
  for (struct dirent *e; (e = readdir(proc));) {
    if (!g_ascii_isdigit(e->d_name[0]) || parent_of(e->d_name) != getpid())
      continue;
    pid_t pid = (pid_t)atoi(e->d_name);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    found++;
  }
  closedir(proc);
  return found;
}

/* Makes bookbuild the reaper of orphaned descendants, so none can escape kill_strays(). */
static void adopt_orphans(gboolean on) {
#ifdef __linux__
  prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0);
#else
  (void)on;
#endif
}

/* After every example has ended: no descendant of one survives the run. Killing a stray may
 * orphan its own children, who then become ours; so repeat until none is left. */
static void end_strays(void) {
  for (int round = 0; round < 1000 && kill_strays() > 0; round++)
    ;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
  adopt_orphans(FALSE);
}

static gboolean selected(const Chapter *ch, const CodeBlock *b, const CodeOptions *o) {
  if (!fence_is_runnable(b->lang))
    return FALSE;
  if (o->chapter && ch != o->only)
    return FALSE;
  if (!o->filter)
    return TRUE;
  g_autofree char *where = g_strdup_printf("%s:%d", ch->display_path, b->line);
  const char *code = cmark_node_get_literal(b->node);
  return strstr(where, o->filter) || (code && strstr(code, o->filter));
}

/* What follows a failure's diagnostic: the block's first line of code, as gcc shows a source
 * line ("12 | import sys"), so the reader sees which block it is, then its relevant output.
 * Caller frees. */
static char *failure_report(const Job *j) {
  const char *code = cmark_node_get_literal(j->block->node);
  const char *eol = code ? strchr(code, '\n') : NULL;
  g_autofree char *first = code ? g_strndup(code, eol ? (gsize)(eol - code) : strlen(code)) : NULL;
  GString *out = g_string_new(NULL);
  if (first && first[strspn(first, " \t")] && g_utf8_validate(first, -1, NULL)) {
    g_autofree char *shown = text_abbrev(first, 160);
    g_string_append_printf(out, "%d | %s\n", j->block->first_code_line, shown);
  }
  g_string_append(out, j->output ? j->output : "");
  return g_string_free(out, FALSE);
}

/* The examples to run, shared by the worker threads: each takes the next one. */
typedef struct {
  GPtrArray *queue; /* Job*, not owning */
  gint next;        /* index of the next job to take (atomic) */
  gint done;        /* jobs finished (atomic) */
} Work;

static gpointer worker(gpointer data) {
  Work *w = data;
  for (gint i; (i = g_atomic_int_add(&w->next, 1)) < (gint)w->queue->len;) {
    run_job(w->queue->pdata[i]);
    g_atomic_int_inc(&w->done);
  }
  return NULL;
}

/* "03-scope.md:137 on 3.15": the example started last, with how many are done. */
static void report_progress(const Work *w, BookProgressFunc progress) {
  gint done = g_atomic_int_get(&w->done);
  gint started = MIN(g_atomic_int_get(&w->next), (gint)w->queue->len);
  const Job *j = started > 0 ? w->queue->pdata[started - 1] : NULL;
  if (!j)
    return;
  g_autofree char *file = g_path_get_basename(j->chapter->display_path);
  g_autofree char *step =
      g_strdup_printf("%s:%d on %d.%d", file, j->block->line, j->run->major, j->run->minor);
  progress(step, (guint)done, w->queue->len);
}

/* Runs the queue on `n` threads, joined before it returns (no thread outlives the run). */
static void run_all(GPtrArray *queue, int n, BookProgressFunc progress) {
  Work w = {queue, 0, 0};
  n = CLAMP(n, 1, MAX((int)queue->len, 1));
  g_autoptr(GPtrArray) threads = g_ptr_array_new();
  for (int i = 0; i < n; i++)
    g_ptr_array_add(threads, g_thread_new("example", worker, &w));
  while (progress && g_atomic_int_get(&w.done) < (gint)queue->len) {
    report_progress(&w, progress);
    g_usleep(100000);
  }
  for (guint i = 0; i < threads->len; i++)
    g_thread_join(threads->pdata[i]);
  if (progress)
    progress("examples", queue->len, queue->len);
}

void code_run_free(CodeRun *run) {
  if (!run)
    return;
  g_free(run->python);
  g_free(run->missing);
  g_free(run);
}

/* The modules of `wanted` (a set of names) that `python` cannot import; FALSE with `error` when
 * the probe does not run. */
static gboolean missing_modules(const char *python, GHashTable *wanted, GHashTable *missing,
                                GError **error) {
  if (!g_hash_table_size(wanted))
    return TRUE;
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer)python);
  g_ptr_array_add(argv, "-I");
  g_ptr_array_add(argv, "-c");
  g_ptr_array_add(argv, (gpointer)requires_probe);
  GHashTableIter it;
  gpointer name;
  g_hash_table_iter_init(&it, wanted);
  while (g_hash_table_iter_next(&it, &name, NULL))
    g_ptr_array_add(argv, name);
  g_ptr_array_add(argv, NULL);
  /* Contained like an example: its own directory, a timeout, its process group killed. */
  g_autofree char *dir = g_dir_make_tmp("bookbuild-example-XXXXXX", error);
  if (!dir)
    return FALSE;
  RunOutput r = {0};
  capture_init(&r.out);
  capture_init(&r.err);
  gboolean ran =
      run_process((const char *const *)argv->pdata, dir, REQUIRES_PROBE_TIMEOUT_S, &r, error);
  remove_tree(dir);
  if (ran && (r.timed_out || r.exit_status != 0)) {
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                "%s could not check which `requires=` modules it has (%s)", python,
                r.timed_out ? "timed out" : "it failed");
    ran = FALSE;
  }
  if (ran) {
    g_autofree char *out = capture_text(&r.out);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (int i = 0; lines[i]; i++)
      if (*lines[i])
        g_hash_table_add(missing, g_strdup(lines[i]));
  }
  capture_clear(&r.out);
  capture_clear(&r.err);
  return ran;
}

/* The first module of the block's `requires=` that is in `missing`, or NULL. */
static const char *first_missing(const CodeBlock *b, GHashTable *missing) {
  for (guint i = 0; b->requires && i < b->requires->len; i++)
    if (g_hash_table_contains(missing, b->requires->pdata[i]))
  return b->requires->pdata[i];
  return NULL;
}

static int cmp_strings(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "numpy, pandas": the set's names, sorted; caller frees. NULL for an empty set. */
static char *join_sorted(GHashTable *set) {
  if (!g_hash_table_size(set))
    return NULL;
  guint n = 0;
  g_autofree gpointer *names = g_hash_table_get_keys_as_array(set, &n);
  qsort(names, n, sizeof *names, cmp_strings);
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf(out, "%s%s", i ? ", " : "", (char *)names[i]);
  return g_string_free(out, FALSE);
}

/* Queues every selected block for one interpreter: `jobs` owns the Job, `queue` lists those that
 * run. Blocks outside the version bounds, or needing a module it lacks, are counted as skipped. */
static gboolean plan_run(Book *book, const CodeOptions *o, CodeRun *run, GPtrArray *jobs,
                         GPtrArray *queue, GError **error) {
  g_autoptr(GHashTable) wanted = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GHashTable) missing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < book->chapters->len; i++) {
    Chapter *ch = book->chapters->pdata[i];
    for (guint k = 0; k < ch->code_blocks->len; k++) {
      CodeBlock *b = ch->code_blocks->pdata[k];
      for (guint m = 0; b->requires && selected(ch, b, o) && m < b->requires->len; m++)
        g_hash_table_add(wanted, b->requires->pdata[m]);
    }
  }
  if (!missing_modules(run->python, wanted, missing, error))
    return FALSE;
  g_autoptr(GHashTable) lacked = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < book->chapters->len; i++) {
    Chapter *ch = book->chapters->pdata[i];
    for (guint k = 0; k < ch->code_blocks->len; k++) {
      CodeBlock *b = ch->code_blocks->pdata[k];
      if (!selected(ch, b, o))
        continue;
      Job *j = g_new0(Job, 1);
      j->chapter = ch;
      j->block = b;
      j->run = run;
      g_ptr_array_add(jobs, j);
      const char *lacks = first_missing(b, missing);
      if (b->ignore)
        j->result = RESULT_IGNORED;
      else if (!fence_holds_for(b, run->major, run->minor))
        j->result = RESULT_SKIP_VERSION;
      else if (lacks) {
        j->result = RESULT_SKIP_LIBRARY;
        g_hash_table_add(lacked, (gpointer)lacks);
      } else
        g_ptr_array_add(queue, j);
    }
  }
  run->missing = join_sorted(lacked);
  return TRUE;
}

/* Counts a finished job in its run; a failure becomes a diagnostic with the block's first line
 * and the relevant output attached. */
static void tally(Book *book, Job *j) {
  CodeRun *run = j->run;
  switch (j->result) {
  case RESULT_PASS:
    run->passed++;
    break;
  case RESULT_SKIP_VERSION:
    run->skipped_version++;
    break;
  case RESULT_SKIP_LIBRARY:
    run->skipped_library++;
    break;
  case RESULT_IGNORED:
    run->ignored++;
    break;
  case RESULT_FAIL: {
    run->failed++;
    diags_add(book->diags, DIAG_ERROR, j->chapter->display_path, j->chapter->file_id,
              j->block->line, 1, "example", "example failed on %d.%d: %s", run->major, run->minor,
              j->reason);
    g_autofree char *detail = failure_report(j);
    diags_add_detail(book->diags, detail);
    break;
  }
  }
}

gboolean codecheck_run(Book *book, const CodeOptions *o, GPtrArray *runs, GError **error) {
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func(job_free);
  g_autoptr(GPtrArray) queue = g_ptr_array_new();
  for (guint i = 0; i < o->pythons->len; i++) {
    g_autoptr(CodeRun) run = g_new0(CodeRun, 1);
    if (!python_version(o->pythons->pdata[i], &run->python, &run->major, &run->minor, error) ||
        !plan_run(book, o, run, jobs, queue, error))
      return FALSE;
    g_ptr_array_add(runs, g_steal_pointer(&run));
  }
  adopt_orphans(TRUE);
  run_all(queue, o->jobs, o->progress);
  end_strays();
  for (guint i = 0; i < jobs->len; i++)
    tally(book, jobs->pdata[i]);
  return TRUE;
}

/* pyenv's newest `version`.x interpreter, or NULL. */
static char *pyenv_python(const char *version) {
  const char *root = g_getenv("PYENV_ROOT");
  g_autofree char *fallback = g_build_filename(g_get_home_dir(), ".pyenv", NULL);
  g_autofree char *versions = g_build_filename(root && *root ? root : fallback, "versions", NULL);
  g_autoptr(GDir) dir = g_dir_open(versions, 0, NULL);
  g_autofree char *prefix = g_strconcat(version, ".", NULL);
  g_autofree char *exe = g_strconcat("python", version, NULL);
  char *best = NULL;
  int best_patch = -1;
  for (const char *name; dir && (name = g_dir_read_name(dir));) {
    guint64 patch;
    if (!g_str_has_prefix(name, prefix) ||
        !g_ascii_string_to_unsigned(name + strlen(prefix), 10, 0, 999, &patch, NULL) ||
        (int)patch <= best_patch)
      continue;
    g_autofree char *path = g_build_filename(versions, name, "bin", exe, NULL);
    if (!g_file_test(path, G_FILE_TEST_IS_EXECUTABLE))
      continue;
    g_free(best);
    best = g_steal_pointer(&path);
    best_patch = (int)patch;
  }
  return best;
}

char *codecheck_find_python(const char *book_root, const char *version) {
  g_autofree char *exe = g_strconcat("python", version, NULL);
  char *found = pyenv_python(version);
  if (!found) {
    /* A pyenv shim on PATH runs only pyenv's selected version: pyenv_python() looked already. */
    found = g_find_program_in_path(exe);
    if (found && strstr(found, "/shims/"))
      g_clear_pointer(&found, g_free);
  }
  if (!found) {
    g_autofree char *fetched =
        g_build_filename(book_root, "build", "pythons", version, "usr", "bin", exe, NULL);
    if (g_file_test(fetched, G_FILE_TEST_IS_EXECUTABLE))
      found = g_steal_pointer(&fetched);
  }
  return found;
}
