/* fence.c: info-string parsing (see fence.h). Flags are separated by commas or spaces, as in
 * rustdoc and mdBook; words that are not flags after the first are the author's. */
#include "fence.h"

#include "highlight.h"
#include "text.h"

#include <string.h>

/* `dot` is Graphviz's language: a DIAGRAM's drawing (diagram.c), never shown as code. */
gboolean fence_is_known_language(const char *lang) {
  return highlight_knows_language(lang) || strcmp(lang, "dot") == 0;
}

gboolean fence_parse_version(const char *s, int *major, int *minor) {
  guint64 a, b;
  g_auto(GStrv) parts = g_strsplit(s, ".", 3);
  if (!parts[0] || !parts[1] || parts[2] ||
      !g_ascii_string_to_unsigned(parts[0], 10, 2, 9, &a, NULL) ||
      !g_ascii_string_to_unsigned(parts[1], 10, 0, 99, &b, NULL))
    return FALSE;
  *major = (int)a;
  *minor = (int)b;
  return TRUE;
}

int fence_version_cmp(int major_a, int minor_a, int major_b, int minor_b) {
  return major_a != major_b ? (major_a > major_b) - (major_a < major_b)
                            : (minor_a > minor_b) - (minor_a < minor_b);
}

gboolean fence_holds_for(const CodeBlock *block, int major, int minor) {
  if (block->min_major && fence_version_cmp(major, minor, block->min_major, block->min_minor) < 0)
    return FALSE;
  return !block->max_major ||
         fence_version_cmp(major, minor, block->max_major, block->max_minor) <= 0;
}

gboolean fence_is_runnable(const char *lang) {
  return strcmp(lang, "python") == 0 || strcmp(lang, "pycon") == 0;
}

/* A dotted Python name: an exception (`raises=json.JSONDecodeError`) or a module
 * (`requires=numpy.linalg`). */
static gboolean valid_dotted_name(const char *s) {
  if (!*s || *s == '.' || s[strlen(s) - 1] == '.' || strstr(s, ".."))
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!(g_ascii_isalnum(*p) || *p == '_' || *p == '.') ||
        (g_ascii_isdigit(*p) && (p == s || p[-1] == '.')))
      return FALSE;
  return TRUE;
}

static const char *const flag_names[] = {"ignore", "raises", "min", "max", "requires", "timeout"};

/* "unknown code flag 'raise=X'; did you mean 'raises=X'?", or the list of known flags. */
static char *unknown_flag_message(const char *name, const char *value, const char *flag) {
  const char *meant = text_closest(name, flag_names, G_N_ELEMENTS(flag_names));
  if (meant)
    return g_strdup_printf("unknown code flag '%s'; did you mean '%s%s%s'?", flag, meant,
                           value ? "=" : "", value ? value : "");
  return g_strdup_printf("unknown code flag '%s' (known: ignore, raises=Exception, min=3.N, "
                         "max=3.N, requires=module, timeout=SECONDS)",
                         flag);
}

static void parse_flag(const char *flag, CodeBlock *block, GPtrArray *problems) {
  const char *eq = strchr(flag, '=');
  g_autofree char *name = eq ? g_strndup(flag, eq - flag) : g_strdup(flag);
  const char *value = eq ? eq + 1 : NULL;
  guint64 n;
  if (strcmp(name, "ignore") == 0 && !value) {
    block->ignore = TRUE;
  } else if (strcmp(name, "raises") == 0 && value) {
    if (valid_dotted_name(value))
      block->raises = g_strdup(value);
    else
      g_ptr_array_add(problems, g_strdup_printf("'raises=%s' does not name an exception", value));
  } else if ((strcmp(name, "min") == 0 || strcmp(name, "max") == 0) && value) {
    gboolean is_min = name[1] == 'i';
    if (!fence_parse_version(value, is_min ? &block->min_major : &block->max_major,
                             is_min ? &block->min_minor : &block->max_minor))
      g_ptr_array_add(
          problems, g_strdup_printf("'%s=%s' must be a Python version such as 3.12", name, value));
  } else if (strcmp(name, "requires") == 0 && value) {
    if (!valid_dotted_name(value)) {
      g_ptr_array_add(problems,
                      g_strdup_printf("'requires=%s' does not name a Python module", value));
      return;
    }
    if (!block->requires)
    block->requires = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(block->requires, g_strdup(value));
  } else if (strcmp(name, "timeout") == 0 && value) {
    if (g_ascii_string_to_unsigned(value, 10, 1, 600, &n, NULL))
      block->timeout_s = (int)n;
    else
      g_ptr_array_add(problems,
                      g_strdup_printf("'timeout=%s' must be whole seconds from 1 to 600", value));
  } else {
    g_ptr_array_add(problems, unknown_flag_message(name, value, flag));
  }
}

/* TRUE when `word` starts with one of bookbuild's flag names ("ignore", "min=", ...). */
static gboolean is_flag_word(const char *word) {
  gsize len = strcspn(word, "=,");
  for (gsize i = 0; i < G_N_ELEMENTS(flag_names); i++)
    if (len == strlen(flag_names[i]) && strncmp(word, flag_names[i], len) == 0)
      return TRUE;
  return FALSE;
}

void fence_parse(const char *info, CodeBlock *block, GPtrArray *problems) {
  /* The first word is the language, with flags after commas (`python,min=3.12`), all checked.
   * A later word is flags when it starts with a flag's name (`python ignore`); any other word
   * belongs to the author, as CommonMark lets an info string say more (`js title="app.js"`). */
  g_auto(GStrv) words = g_strsplit_set(info ? info : "", " \t", -1);
  gboolean first = TRUE;
  for (int w = 0; words[w]; w++) {
    if (!*words[w] || (!first && !is_flag_word(words[w])))
      continue;
    g_auto(GStrv) parts = g_strsplit(words[w], ",", -1);
    for (int i = 0; parts[i]; i++) {
      if (!*parts[i])
        continue;
      if (first)
        block->lang = g_ascii_strdown(parts[i], -1);
      else
        parse_flag(parts[i], block, problems);
      first = FALSE;
    }
  }
  if (!block->lang)
    block->lang = g_strdup("");
  gboolean has_flags = block->ignore || block->raises || block->min_major || block->max_major ||
                       block->requires || block->timeout_s;
  if (has_flags && !fence_is_runnable(block->lang))
    g_ptr_array_add(problems,
                    g_strdup_printf("code flags apply only to python and pycon blocks, not '%s'",
                                    *block->lang ? block->lang : "(no language)"));
  if (block->min_major && block->max_major &&
      fence_version_cmp(block->min_major, block->min_minor, block->max_major, block->max_minor) > 0)
    g_ptr_array_add(problems, g_strdup_printf("'min=%d.%d' is newer than 'max=%d.%d': no Python "
                                              "can run this block",
                                              block->min_major, block->min_minor, block->max_major,
                                              block->max_minor));
  if (block->raises && strcmp(block->lang, "pycon") == 0)
    g_ptr_array_add(problems, g_strdup("'raises=' applies to python blocks; a pycon block shows "
                                       "its traceback in the output"));
}
