/* callout.c: callout recognition (see callout.h). The only code that reads the `[!KIND]` syntax;
 * writers use the Callout records that load.c stores in the Book. */
#include "callout.h"

#include "text.h"

#include <string.h>

static const struct {
  const char *name, *label;
} kinds[CALLOUT_KIND_COUNT] = {
    [CALLOUT_NOTE] = {"NOTE", "Note"},
    [CALLOUT_TIP] = {"TIP", "Tip"},
    [CALLOUT_IMPORTANT] = {"IMPORTANT", "Important"},
    [CALLOUT_WARNING] = {"WARNING", "Warning"},
    [CALLOUT_CAUTION] = {"CAUTION", "Caution"},
    [CALLOUT_DIAGRAM] = {"DIAGRAM", "Diagram"},
    [CALLOUT_OUTLINE] = {"OUTLINE", "Outline"},
};

const char *callout_kind_name(CalloutKind kind) { return kinds[kind].name; }

const char *callout_closest_kind(const char *unknown) {
  const char *names[CALLOUT_KIND_COUNT];
  for (int k = 0; k < CALLOUT_KIND_COUNT; k++)
    names[k] = kinds[k].name;
  return text_closest(unknown, names, CALLOUT_KIND_COUNT);
}
const char *callout_kind_label(CalloutKind kind) { return kinds[kind].label; }

/* The text of the paragraph's first line (text and code spans), and the node after its break. */
static char *first_line(cmark_node *para, cmark_node **after) {
  GString *s = g_string_new(NULL);
  cmark_node *c = cmark_node_first_child(para);
  for (; c; c = cmark_node_next(c)) {
    cmark_node_type t = cmark_node_get_type(c);
    if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      c = cmark_node_next(c);
      break;
    }
    if (t == CMARK_NODE_TEXT)
      g_string_append(s, cmark_node_get_literal(c));
    else if (t == CMARK_NODE_CODE)
      g_string_append(s, cmark_node_get_literal(c));
    else if (s->len < 2) /* the marker itself is plain text */
      break;
    else {
      cmark_node *child = cmark_node_first_child(c);
      if (child && cmark_node_get_type(child) == CMARK_NODE_TEXT)
        g_string_append(s, cmark_node_get_literal(child));
    }
  }
  *after = c;
  return g_string_free(s, FALSE);
}

CalloutMatch callout_match(cmark_node *block_quote, Callout *out, char **unknown) {
  cmark_node *para = cmark_node_first_child(block_quote);
  if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
    return CALLOUT_NOT_A_CALLOUT;
  cmark_node *after = NULL;
  g_autofree char *line = first_line(para, &after);
  if (!g_str_has_prefix(line, "[!"))
    return CALLOUT_NOT_A_CALLOUT;
  const char *end = strchr(line, ']');
  if (!end || end == line + 2)
    return CALLOUT_NOT_A_CALLOUT;
  g_autofree char *name = g_ascii_strup(line + 2, end - (line + 2));
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalpha(*p))
      return CALLOUT_NOT_A_CALLOUT;
  for (int k = 0; k < CALLOUT_KIND_COUNT; k++) {
    if (strcmp(name, kinds[k].name) != 0)
      continue;
    memset(out, 0, sizeof *out);
    out->kind = (CalloutKind)k;
    g_autofree char *title = g_strstrip(g_strdup(end + 1));
    out->title = *title ? g_steal_pointer(&title) : NULL;
    out->node = block_quote;
    out->marker = para;
    out->first_content = after;
    out->line = cmark_node_get_start_line(block_quote);
    out->col = cmark_node_get_start_column(block_quote);
    return CALLOUT_FOUND;
  }
  *unknown = g_steal_pointer(&name);
  return CALLOUT_UNKNOWN_KIND;
}
