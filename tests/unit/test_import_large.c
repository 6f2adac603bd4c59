/* Unit tests for import.c on large raw input: work stays linear in the number of lines. */
#include "import.h"

#include <string.h>
#include <sys/time.h>

/* A CPU-time budget (SIGPROF ends the test): wall time would measure the machine, and under
 * AddressSanitizer on a loaded machine the linear work once took more than 10 s of it. */
static void cpu_budget(int seconds) {
  struct itimerval budget = {{0, 0}, {seconds, 0}};
  setitimer(ITIMER_PROF, &budget, NULL);
}

/* 400,000 blank lines before the author's approach: removing them one at a time from the front
 * (each a memmove of the rest) took 18 s; linear work takes well under one. A hang is a failure,
 * as a fixture's is under tests/run's timeout: the test ends after 10 s of CPU time. */
static void test_many_leading_blank_lines(void) {
  cpu_budget(10);
  GString *raw = g_string_new(NULL);
  for (int i = 0; i < 400000; i++)
    g_string_append_c(raw, '\n');
  g_string_append(raw, "- plan\n# T\n\ntext\n");
  g_autoptr(Diags) diags = diags_new();
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *out = import_convert(raw->str, raw->len, "raw.txt", diags, changes);
  g_string_free(raw, TRUE);
  g_assert_cmpstr(out, ==, "# T\n\n> [!OUTLINE]\n> - plan\n\ntext\n");
  g_assert_cmpuint(diags_errors(diags), ==, 0);
  cpu_budget(0);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/import/many-leading-blank-lines", test_many_leading_blank_lines);
  return g_test_run();
}
