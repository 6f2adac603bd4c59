/* diag.c: collecting, ordering and printing diagnostics (see diag.h). */
#include "diag.h"

#include <stdarg.h>

struct Diags {
  GPtrArray *items; /* Diag*, owned */
  GHashTable *seen; /* every diagnostic's text (severity, place, rule, message): no repeats */
  Diag *last;       /* the one added last; NULL when it repeated an earlier one */
  guint errors, warnings;
};

static void diag_free(gpointer p) {
  Diag *d = p;
  g_free(d->path);
  g_free(d->message);
  g_free(d->rule);
  g_free(d->detail);
  g_free(d);
}

Diags *diags_new(void) {
  Diags *diags = g_new0(Diags, 1);
  diags->items = g_ptr_array_new_with_free_func(diag_free);
  diags->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  return diags;
}

void diags_free(Diags *diags) {
  if (!diags)
    return;
  g_ptr_array_unref(diags->items);
  g_hash_table_destroy(diags->seen);
  g_free(diags);
}

void diags_vadd(Diags *diags, DiagSeverity severity, const char *path, int file_id, int line,
                int col, const char *rule, const char *fmt, va_list ap) {
  g_autofree char *message = g_strdup_vprintf(fmt, ap);
  g_autofree char *key =
      g_strdup_printf("%d\x1f%s\x1f%d\x1f%d\x1f%s\x1f%s", severity, path, line, col, rule, message);
  if (!g_hash_table_add(diags->seen, g_steal_pointer(&key))) { /* the set owns the key */
    diags->last = NULL;
    return;
  }
  Diag *d = g_new0(Diag, 1);
  d->message = g_steal_pointer(&message);
  d->severity = severity;
  d->path = g_strdup(path);
  d->file_id = file_id;
  d->line = line;
  d->col = col;
  d->rule = g_strdup(rule);
  d->seq = diags->items->len;
  g_ptr_array_add(diags->items, d);
  diags->last = d;
  if (severity == DIAG_ERROR)
    diags->errors++;
  else if (severity == DIAG_WARNING)
    diags->warnings++;
}

void diags_add(Diags *diags, DiagSeverity severity, const char *path, int file_id, int line,
               int col, const char *rule, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diags_vadd(diags, severity, path, file_id, line, col, rule, fmt, ap);
  va_end(ap);
}

void diags_add_detail(Diags *diags, const char *detail) {
  if (!diags->last)
    return;
  g_free(diags->last->detail);
  diags->last->detail = g_strdup(detail);
}

guint diags_errors(const Diags *diags) { return diags->errors; }
guint diags_warnings(const Diags *diags) { return diags->warnings; }

static int cmp_int(int a, int b) { return (a > b) - (a < b); }

static gint diag_cmp(gconstpointer pa, gconstpointer pb) {
  const Diag *a = *(const Diag *const *)pa;
  const Diag *b = *(const Diag *const *)pb;
  int c = cmp_int(a->file_id, b->file_id);
  if (!c)
    c = cmp_int(a->line, b->line);
  if (!c)
    c = cmp_int(a->col, b->col);
  if (!c)
    c = cmp_int((int)a->seq, (int)b->seq);
  return c;
}

GPtrArray *diags_sorted(const Diags *diags) {
  GPtrArray *sorted = g_ptr_array_sized_new(diags->items->len);
  for (guint i = 0; i < diags->items->len; i++)
    g_ptr_array_add(sorted, diags->items->pdata[i]);
  g_ptr_array_sort(sorted, diag_cmp);
  return sorted;
}

char *diags_summary(const Diags *diags) {
  return g_strdup_printf("%u error%s, %u warning%s", diags->errors, diags->errors == 1 ? "" : "s",
                         diags->warnings, diags->warnings == 1 ? "" : "s");
}

static void diag_print(const Diag *d, FILE *out) {
  const char *sev = d->severity == DIAG_ERROR  ? "error"
                    : d->severity == DIAG_NOTE ? "note"
                                               : "warning";
  if (d->line > 0)
    fprintf(out, "%s:%d:%d: %s: %s [%s]\n", d->path, d->line, d->col > 0 ? d->col : 1, sev,
            d->message, d->rule);
  else
    fprintf(out, "%s: %s: %s [%s]\n", d->path, sev, d->message, d->rule);
  if (!d->detail)
    return;
  g_auto(GStrv) lines = g_strsplit(d->detail, "\n", -1);
  for (int k = 0; lines[k]; k++)
    if (*lines[k] || lines[k + 1]) /* not the empty piece after a final newline */
      fprintf(out, "    %s\n", lines[k]);
}

void diags_print_list(const Diags *diags, FILE *out) {
  g_autoptr(GPtrArray) sorted = diags_sorted(diags);
  for (guint i = 0; i < sorted->len; i++)
    diag_print(sorted->pdata[i], out);
}

void diags_print(const Diags *diags, FILE *out) {
  diags_print_list(diags, out);
  g_autofree char *summary = diags_summary(diags);
  fprintf(out, "%s\n", summary);
}
