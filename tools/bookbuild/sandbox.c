/* sandbox.c: running one program contained (see sandbox.h): its own process group, killed on
 * timeout and after exit; capped output; no stdin; an empty environment; its directory removed
 * however it left it; descendants that escape their group reparented to us and killed. Every
 * platform-specific call of the example runner lives here. */
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static void child_setup(gpointer data) {
  (void)data;
  setsid(); /* its own process group, so the whole tree can be killed */
}

static gint64 now_ms(void) { return g_get_monotonic_time() / 1000; }

/* ---- output ---- */

void sandbox_capture_init(SandboxCapture *c, gsize cap) {
  c->cap = cap;
  c->head = g_string_new(NULL);
  c->tail = g_string_new(NULL);
  c->dropped = 0;
}

static void capture_append(SandboxCapture *c, const char *buf, gsize n) {
  const gsize half = c->cap / 2;
  gsize to_head = c->head->len < half ? MIN(n, half - c->head->len) : 0;
  g_string_append_len(c->head, buf, (gssize)to_head);
  g_string_append_len(c->tail, buf + to_head, (gssize)(n - to_head));
  if (c->tail->len > half) {
    gsize cut = c->tail->len - half;
    c->dropped += cut;
    g_string_erase(c->tail, 0, (gssize)cut);
  }
}

char *sandbox_capture_text(const SandboxCapture *c) {
  if (!c->dropped)
    return g_strconcat(c->head->str, c->tail->str, NULL);
  return g_strdup_printf("%s\n[... %" G_GUINT64_FORMAT " bytes of output dropped ...]\n%s",
                         c->head->str, c->dropped, c->tail->str);
}

void sandbox_capture_clear(SandboxCapture *c) {
  g_string_free(c->head, TRUE);
  g_string_free(c->tail, TRUE);
}

/* ---- one process ---- */

static gboolean read_some(int fd, SandboxCapture *c) {
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
static gboolean supervise(GPid pid, int fds_in[2], SandboxRun *r, gint64 deadline) {
  struct pollfd fds[2] = {{fds_in[0], POLLIN, 0}, {fds_in[1], POLLIN, 0}};
  SandboxCapture *dest[2] = {&r->out, &r->err};
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

gboolean sandbox_run(const char *const *argv, const char *dir, int timeout_s, SandboxRun *r,
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

void sandbox_remove_tree(const char *path) {
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

/* ---- strays ---- */

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

void sandbox_adopt_orphans(gboolean on) {
#ifdef __linux__
  prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0);
#else
  (void)on;
#endif
}

/* Killing a stray may orphan its own children, who then become ours; so repeat until none is
 * left. */
void sandbox_end_strays(void) {
  for (int round = 0; round < 1000 && kill_strays() > 0; round++)
    ;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
  sandbox_adopt_orphans(FALSE);
}
