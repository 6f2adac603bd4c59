/* safeyaml.c: hardened YAML loading (see safeyaml.h). One pass over libyaml's events checks
 * aliases and depth; only a document that passes is built. */
#include "safeyaml.h"

#define YAML_DIAG(mark, ...)                                                                       \
  diags_add(diags, DIAG_ERROR, display, file_id, (int)(mark).line + 1, (int)(mark).column + 1,     \
            "yaml", __VA_ARGS__)

/* FALSE (after a diagnostic) when the stream holds an alias or nests too deep. Syntax errors are
 * left to the loader, which reports them with their context. */
static gboolean events_safe(const char *text, gsize len, const char *display, int file_id,
                            Diags *diags) {
  yaml_parser_t parser;
  yaml_event_t event;
  gboolean safe = TRUE;
  int depth = 0;
  g_autofree char *name = g_path_get_basename(display);
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  while (safe && yaml_parser_parse(&parser, &event)) {
    gboolean done = event.type == YAML_STREAM_END_EVENT;
    if (event.type == YAML_ALIAS_EVENT) {
      YAML_DIAG(event.start_mark, "aliases are not allowed in %s", name);
      safe = FALSE;
    } else if (event.type == YAML_MAPPING_START_EVENT || event.type == YAML_SEQUENCE_START_EVENT) {
      if (++depth > SAFEYAML_MAX_DEPTH) {
        YAML_DIAG(event.start_mark, "mappings and lists nest deeper than %d levels",
                  SAFEYAML_MAX_DEPTH);
        safe = FALSE;
      }
    } else if (event.type == YAML_MAPPING_END_EVENT || event.type == YAML_SEQUENCE_END_EVENT) {
      depth--;
    }
    yaml_event_delete(&event);
    if (done)
      break;
  }
  yaml_parser_delete(&parser);
  return safe;
}

gboolean safeyaml_load(yaml_document_t *doc, const char *text, gsize len, const char *display,
                       int file_id, Diags *diags) {
  if (!events_safe(text, len, display, file_id, diags))
    return FALSE;
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  gboolean ok = yaml_parser_load(&parser, doc);
  if (!ok)
    YAML_DIAG(parser.problem_mark, "%s%s%s", parser.problem ? parser.problem : "invalid YAML",
              parser.context ? " " : "", parser.context ? parser.context : "");
  yaml_parser_delete(&parser);
  return ok;
}
