/* codecheck.c: the example runner (see codecheck.h). Selects runnable blocks from the Book (the
 * fence flags were recognised when it was loaded), pairs each with every interpreter whose version
 * its bounds admit and that has the modules it requires, runs the pairs on a thread pool, each
 * contained by sandbox.c, and judges each result. A python block passes when it exits 0, or ends
 * with its `raises=` exception; a pycon block is handed to Python's own doctest module (ELLIPSIS
 * on), the reference for doctest rules. */
#include "codecheck.h"

#include "fence.h"
#include "sandbox.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void job_free(gpointer p) {
  Job *j = p;
  g_free(j->reason);
  g_free(j->output);
  g_free(j);
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
static char *excerpt(const SandboxCapture *c, const char *dir, guint max_lines, gboolean from_end) {
  g_autofree char *text = sandbox_capture_text(c);
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

static void judge_python(Job *j, SandboxRun *r, const char *dir) {
  const char *want = j->block->raises;
  if (!want) {
    if (r->exit_status == 0)
      return;
    j->reason = g_strdup_printf("exited with status %d", r->exit_status);
    j->output = excerpt(&r->err, dir, 12, TRUE);
    return;
  }
  g_autofree char *err_text = sandbox_capture_text(&r->err);
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

static void judge_pycon(Job *j, SandboxRun *r, const char *dir) {
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
  SandboxRun r = {0};
  sandbox_capture_init(&r.out, CODECHECK_OUTPUT_CAP);
  sandbox_capture_init(&r.err, CODECHECK_OUTPUT_CAP);
  j->result = RESULT_FAIL;
  if (!dir || !g_file_set_contents(file, code ? code : "", -1, &err)) {
    j->reason = g_strdup_printf("cannot prepare the example: %s", err->message);
    goto out;
  }
  const char *python = j->run->python;
  const char *py_argv[] = {python, "-I", name, NULL};
  const char *doc_argv[] = {python, "-I", "-c", doctest_driver, name, NULL};
  int timeout = b->timeout_s ? b->timeout_s : CODECHECK_DEFAULT_TIMEOUT_S;
  if (!sandbox_run(pycon ? doc_argv : py_argv, dir, timeout, &r, &err)) {
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
    sandbox_remove_tree(dir);
  sandbox_capture_clear(&r.out);
  sandbox_capture_clear(&r.err);
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
  SandboxRun r = {0};
  sandbox_capture_init(&r.out, CODECHECK_OUTPUT_CAP);
  sandbox_capture_init(&r.err, CODECHECK_OUTPUT_CAP);
  gboolean ran =
      sandbox_run((const char *const *)argv->pdata, dir, REQUIRES_PROBE_TIMEOUT_S, &r, error);
  sandbox_remove_tree(dir);
  if (ran && (r.timed_out || r.exit_status != 0)) {
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                "%s could not check which `requires=` modules it has (%s)", python,
                r.timed_out ? "timed out" : "it failed");
    ran = FALSE;
  }
  if (ran) {
    g_autofree char *out = sandbox_capture_text(&r.out);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (int i = 0; lines[i]; i++)
      if (*lines[i])
        g_hash_table_add(missing, g_strdup(lines[i]));
  }
  sandbox_capture_clear(&r.out);
  sandbox_capture_clear(&r.err);
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
  sandbox_adopt_orphans(TRUE);
  run_all(queue, o->jobs, o->progress);
  sandbox_end_strays();
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
