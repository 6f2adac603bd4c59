/* codecheck.c: the example runner (see codecheck.h). Selects runnable blocks from the Book (the
 * fence flags were recognised when it was loaded), runs them on a thread pool, and judges each
 * result. A python block passes when it exits 0, or ends with its `raises=` exception; a pycon
 * block is handed to Python's own doctest module (ELLIPSIS on), the reference for doctest rules.
 * Hostile examples are contained: own process group (killed on timeout and after exit), capped
 * output, a private temporary directory removed afterwards, no stdin, an empty environment. */
#define _XOPEN_SOURCE 700
#include "codecheck.h"

#include "fence.h"

#include <errno.h>
#include <ftw.h>
#include <gio/gio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Feeds a pycon block to doctest; exits 1 on any failure, printing doctest's report. */
static const char doctest_driver[] =
    "import doctest, sys\n"
    "src = open(sys.argv[1], encoding='utf-8').read()\n"
    "test = doctest.DocTestParser().get_doctest(src, {'__name__': '__main__'}, 'example',\n"
    "                                           sys.argv[1], 0)\n"
    "runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)\n"
    "runner.run(test, out=sys.stdout.write)\n"
    "sys.exit(1 if runner.failures else 0)\n";

typedef enum { RESULT_PASS, RESULT_FAIL, RESULT_SKIP, RESULT_IGNORED } ResultKind;

typedef struct {
  Chapter *chapter;
  CodeBlock *block;
  const char *python; /* the interpreter's real path */
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

/* Reads both pipes while the example runs; returns once it has exited (its children are then
 * killed and the pipes drained) or the deadline passes (FALSE). */
static gboolean supervise(GPid pid, int fds_in[2], RunOutput *r, gint64 deadline) {
  struct pollfd fds[2] = {{fds_in[0], POLLIN, 0}, {fds_in[1], POLLIN, 0}};
  Capture *dest[2] = {&r->out, &r->err};
  gboolean exited = FALSE;
  int status = 0;
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    if (now_ms() >= deadline)
      return FALSE;
    if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
      exited = TRUE;
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
    while (waitpid(pid, &status, WNOHANG) != pid) {
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
static gboolean run_process(const char *const *argv, const char *dir, int timeout_s,
                            RunOutput *r, GError **error) {
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
    waitpid(pid, NULL, 0);
  close(fds[0]);
  close(fds[1]);
  g_spawn_close_pid(pid);
  return TRUE;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
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

static void run_job(gpointer data, gpointer user_data) {
  Job *j = data;
  (void)user_data;
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
  const char *py_argv[] = {j->python, "-I", name, NULL};
  const char *doc_argv[] = {j->python, "-I", "-c", doctest_driver, name, NULL};
  int timeout = b->timeout_s ? b->timeout_s : CODECHECK_DEFAULT_TIMEOUT_S;
  if (!run_process(pycon ? doc_argv : py_argv, dir, timeout, &r, &err)) {
    j->reason = g_strdup_printf("cannot run %s: %s", j->python, err->message);
    goto out;
  }
  if (r.timed_out) {
    j->reason = g_strdup_printf("timed out after %d s", timeout);
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
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  capture_clear(&r.out);
  capture_clear(&r.err);
}

/* The interpreter's real path (not a pyenv shim, which needs the environment examples do not
 * get) and its major and minor version. */
static gboolean python_version(const char *python, char **executable, int *major, int *minor,
                               GError **error) {
  const char *argv[] = {python, "-I", "-c",
                        "import sys; print(*sys.version_info[:2], sys.executable)", NULL};
  g_autoptr(GSubprocess) proc =
      g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                        error);
  g_autofree char *out = NULL;
  if (!proc || !g_subprocess_communicate_utf8(proc, NULL, NULL, &out, NULL, error))
    return FALSE;
  int used = 0;
  if (!out || sscanf(out, "%d %d %n", major, minor, &used) != 2 || !out[used]) {
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "'%s' did not report its version",
                python);
    return FALSE;
  }
  *executable = g_strdup(g_strstrip(out + used));
  return TRUE;
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

static void progress(const CodeOptions *o, guint done, guint total) {
  if (o->progress)
    fprintf(stderr, "\rrunning examples: %u/%u", done, total);
}

gboolean codecheck_run(Book *book, const CodeOptions *o, CodeSummary *summary, GPtrArray *reports,
                       GError **error) {
  memset(summary, 0, sizeof *summary);
  g_autofree char *python = NULL;
  if (!python_version(o->python, &python, &summary->python_major, &summary->python_minor, error))
    return FALSE;
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func(job_free);
  GThreadPool *pool = g_thread_pool_new(run_job, NULL, MAX(o->jobs, 1), TRUE, NULL);
  for (guint i = 0; i < book->chapters->len; i++) {
    Chapter *ch = book->chapters->pdata[i];
    for (guint k = 0; k < ch->code_blocks->len; k++) {
      CodeBlock *b = ch->code_blocks->pdata[k];
      if (!selected(ch, b, o))
        continue;
      Job *j = g_new0(Job, 1);
      j->chapter = ch;
      j->block = b;
      j->python = python;
      g_ptr_array_add(jobs, j);
      gboolean too_old = b->min_major > summary->python_major ||
                         (b->min_major == summary->python_major &&
                          b->min_minor > summary->python_minor);
      if (b->ignore)
        j->result = RESULT_IGNORED;
      else if (too_old)
        j->result = RESULT_SKIP;
      else
        g_thread_pool_push(pool, j, NULL);
    }
  }
  guint total = g_thread_pool_unprocessed(pool) + g_thread_pool_get_num_threads(pool);
  while (o->progress && g_thread_pool_unprocessed(pool) + g_thread_pool_get_num_threads(pool)) {
    progress(o, total - g_thread_pool_unprocessed(pool) - g_thread_pool_get_num_threads(pool),
             total);
    g_usleep(100000);
  }
  g_thread_pool_free(pool, FALSE, TRUE);
  if (o->progress)
    fprintf(stderr, "\r\033[K");
  for (guint i = 0; i < jobs->len; i++) {
    Job *j = jobs->pdata[i];
    switch (j->result) {
    case RESULT_PASS:
      summary->passed++;
      break;
    case RESULT_SKIP:
      summary->skipped++;
      break;
    case RESULT_IGNORED:
      summary->ignored++;
      break;
    case RESULT_FAIL:
      summary->failed++;
      diags_add(book->diags, DIAG_ERROR, j->chapter->display_path, j->chapter->file_id,
                j->block->line, 1, "example", "example failed: %s", j->reason);
      g_ptr_array_add(reports, g_strdup(j->output ? j->output : ""));
      break;
    }
  }
  return TRUE;
}
