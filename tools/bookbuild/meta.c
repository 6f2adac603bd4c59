/* meta.c: book.yaml, read with libyaml's document API. Knows the metadata vocabulary (pandoc's
 * plus `rules`, `credits`, `version`, `epub-embed-fonts`); does not interpret the values further
 * than their type and shape. Read through safeyaml.c, so a YAML bomb cannot expand. */
#include "meta.h"

#include "fence.h"
#include "safeyaml.h"

#include <string.h>
#include <yaml.h>

typedef struct {
  yaml_document_t *doc;
  const char *path;
  int file_id;
  Diags *diags;
} MetaCtx;

static void meta_diag(MetaCtx *m, DiagSeverity sev, yaml_node_t *node, const char *rule,
                      const char *msg) {
  int line = node ? (int)node->start_mark.line + 1 : 1;
  int col = node ? (int)node->start_mark.column + 1 : 1;
  diags_add(m->diags, sev, m->path, m->file_id, line, col, rule, "%s", msg);
}

void meta_init(BookMeta *meta) {
  memset(meta, 0, sizeof *meta);
  meta->authors = g_ptr_array_new_with_free_func(g_free);
  meta->subjects = g_ptr_array_new_with_free_func(g_free);
  meta->credits = g_ptr_array_new_with_free_func(g_free);
  meta->pythons = g_ptr_array_new_with_free_func(g_free);
  meta->authors_line = g_strdup("");
  meta->epub_embed_fonts = TRUE;
  meta->rules.section_paragraphs = TRUE;
  meta->rules.paragraphs_min = 2;
  meta->rules.paragraphs_max = 4;
  meta->rules.key_takeaways = TRUE;
  meta->rules.code_language = TRUE;
  meta->rules.missing_chapters = RULE_ERROR;
}

void meta_clear(BookMeta *meta) {
  char **strings[] = {&meta->title,       &meta->subtitle, &meta->lang,        &meta->identifier,
                      &meta->publisher,   &meta->date,     &meta->rights,      &meta->description,
                      &meta->cover_image, &meta->version,  &meta->conforms_to, &meta->certified_by};
  for (gsize i = 0; i < G_N_ELEMENTS(strings); i++)
    g_clear_pointer(strings[i], g_free);
  g_clear_pointer(&meta->authors, g_ptr_array_unref);
  g_clear_pointer(&meta->subjects, g_ptr_array_unref);
  g_clear_pointer(&meta->credits, g_ptr_array_unref);
  g_clear_pointer(&meta->pythons, g_ptr_array_unref);
  g_clear_pointer(&meta->authors_line, g_free);
}

/* "A", "A and B", "A, B, and C". */
static char *authors_line(const GPtrArray *authors) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < authors->len; i++) {
    if (i)
      g_string_append(s, i + 1 == authors->len ? (i > 1 ? ", and " : " and ") : ", ");
    g_string_append(s, authors->pdata[i]);
  }
  return g_string_free(s, FALSE);
}

static const char *scalar(yaml_node_t *node) {
  return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

static char *want_string(MetaCtx *m, const char *key, yaml_node_t *value) {
  const char *s = scalar(value);
  if (!s) {
    g_autofree char *msg = g_strdup_printf("'%s' must be a string", key);
    meta_diag(m, DIAG_ERROR, value, "meta-type", msg);
    return NULL;
  }
  return g_strstrip(g_strdup(s));
}

/* A string or a list of strings, appended to `list`. */
static void want_strings(MetaCtx *m, const char *key, yaml_node_t *value, GPtrArray *list) {
  if (value->type == YAML_SEQUENCE_NODE) {
    for (yaml_node_item_t *it = value->data.sequence.items.start;
         it < value->data.sequence.items.top; it++) {
      char *s = want_string(m, key, yaml_document_get_node(m->doc, *it));
      if (s)
        g_ptr_array_add(list, s);
    }
    return;
  }
  if (value->type == YAML_MAPPING_NODE) {
    /* pandoc allows `author: {name: ...}`; take the name. */
    for (yaml_node_pair_t *p = value->data.mapping.pairs.start; p < value->data.mapping.pairs.top;
         p++) {
      const char *k = scalar(yaml_document_get_node(m->doc, p->key));
      if (k && strcmp(k, "name") == 0) {
        char *s = want_string(m, key, yaml_document_get_node(m->doc, p->value));
        if (s)
          g_ptr_array_add(list, s);
        return;
      }
    }
    g_autofree char *msg = g_strdup_printf("'%s' must be a string or a list of strings", key);
    meta_diag(m, DIAG_ERROR, value, "meta-type", msg);
    return;
  }
  char *s = want_string(m, key, value);
  if (s)
    g_ptr_array_add(list, s);
}

static gboolean parse_bool(const char *s, gboolean *out) {
  static const char *yes[] = {"true", "yes", "on"}, *no[] = {"false", "no", "off"};
  for (gsize i = 0; i < G_N_ELEMENTS(yes); i++) {
    if (g_ascii_strcasecmp(s, yes[i]) == 0)
      return (*out = TRUE), TRUE;
    if (g_ascii_strcasecmp(s, no[i]) == 0)
      return (*out = FALSE), TRUE;
  }
  return FALSE;
}

static gboolean parse_small_int(const char *s, int *out) {
  guint64 v = 0;
  if (!s || !g_ascii_string_to_unsigned(s, 10, 0, 1000, &v, NULL))
    return FALSE;
  *out = (int)v;
  return TRUE;
}

static void rule_section_paragraphs(MetaCtx *m, BookRules *r, yaml_node_t *value) {
  const char *s = scalar(value);
  if (s && strcmp(s, "off") == 0) {
    r->section_paragraphs = FALSE;
    return;
  }
  if (value->type == YAML_SEQUENCE_NODE &&
      value->data.sequence.items.top - value->data.sequence.items.start == 2) {
    yaml_node_item_t *it = value->data.sequence.items.start;
    int lo, hi;
    if (parse_small_int(scalar(yaml_document_get_node(m->doc, it[0])), &lo) &&
        parse_small_int(scalar(yaml_document_get_node(m->doc, it[1])), &hi) && lo <= hi) {
      r->section_paragraphs = TRUE;
      r->paragraphs_min = lo;
      r->paragraphs_max = hi;
      return;
    }
  }
  meta_diag(m, DIAG_ERROR, value, "meta-type",
            "'section-paragraphs' must be [min, max] (0 <= min <= max) or off");
}

static void rule_switch(MetaCtx *m, const char *key, yaml_node_t *value, const char *on,
                        gboolean *out) {
  const char *s = scalar(value);
  if (s && strcmp(s, on) == 0)
    *out = TRUE;
  else if (s && strcmp(s, "off") == 0)
    *out = FALSE;
  else {
    g_autofree char *msg = g_strdup_printf("'%s' must be %s or off", key, on);
    meta_diag(m, DIAG_ERROR, value, "meta-type", msg);
  }
}

static void parse_rules(MetaCtx *m, BookRules *r, yaml_node_t *node) {
  if (node->type != YAML_MAPPING_NODE) {
    meta_diag(m, DIAG_ERROR, node, "meta-type", "'rules' must be a mapping");
    return;
  }
  for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
       p++) {
    yaml_node_t *kn = yaml_document_get_node(m->doc, p->key);
    yaml_node_t *value = yaml_document_get_node(m->doc, p->value);
    const char *key = scalar(kn);
    if (!key) {
      meta_diag(m, DIAG_ERROR, kn, "meta-type", "rule names must be strings");
    } else if (strcmp(key, "section-paragraphs") == 0) {
      rule_section_paragraphs(m, r, value);
    } else if (strcmp(key, "key-takeaways") == 0) {
      rule_switch(m, key, value, "required", &r->key_takeaways);
    } else if (strcmp(key, "code-language") == 0) {
      rule_switch(m, key, value, "required", &r->code_language);
    } else if (strcmp(key, "missing-chapters") == 0) {
      const char *s = scalar(value);
      if (s && strcmp(s, "error") == 0)
        r->missing_chapters = RULE_ERROR;
      else if (s && strcmp(s, "warning") == 0)
        r->missing_chapters = RULE_WARNING;
      else
        meta_diag(m, DIAG_ERROR, value, "meta-type", "'missing-chapters' must be error or warning");
    } else {
      g_autofree char *msg = g_strdup_printf("unknown rule '%s'", key);
      meta_diag(m, DIAG_WARNING, kn, "meta-unknown", msg);
    }
  }
}

static gboolean valid_lang(const char *s) {
  /* BCP 47 shape: a 2-3 letter primary language, then 1-8 alphanumeric subtags. */
  g_auto(GStrv) parts = g_strsplit(s, "-", -1);
  for (int i = 0; parts[i]; i++) {
    gsize n = strlen(parts[i]);
    if (n == 0 || n > 8 || (i == 0 && (n < 2 || n > 3)))
      return FALSE;
    for (const char *p = parts[i]; *p; p++)
      if (!(i == 0 ? g_ascii_isalpha(*p) : g_ascii_isalnum(*p)))
        return FALSE;
  }
  return TRUE;
}

static gboolean valid_isbn(const char *s) {
  int digits[13], n = 0;
  for (const char *p = s; *p; p++) {
    if (g_ascii_isdigit(*p) || (n == 9 && (*p == 'X' || *p == 'x'))) {
      if (n == 13)
        return FALSE;
      digits[n++] = g_ascii_isdigit(*p) ? *p - '0' : 10;
    } else if (*p != '-' && *p != ' ') {
      return FALSE;
    }
  }
  int sum = 0;
  if (n == 10) {
    for (int i = 0; i < 10; i++)
      sum += (10 - i) * digits[i];
    return sum % 11 == 0;
  }
  if (n == 13) {
    for (int i = 0; i < 13; i++) {
      if (digits[i] == 10)
        return FALSE;
      sum += digits[i] * (i % 2 ? 3 : 1);
    }
    return sum % 10 == 0;
  }
  return FALSE;
}

static gboolean valid_identifier(const char *s) {
  if (g_str_has_prefix(s, "urn:uuid:"))
    return g_uuid_string_is_valid(s + 9);
  if (g_str_has_prefix(s, "urn:isbn:"))
    return valid_isbn(s + 9);
  return valid_isbn(s);
}

static gboolean valid_date(const char *s) {
  int y, mo = 1, d = 1, n = 0;
  gsize len = strlen(s);
  if (len == 4 && sscanf(s, "%4d%n", &y, &n) == 1 && n == 4)
    return TRUE;
  if (len == 7 && sscanf(s, "%4d-%2d%n", &y, &mo, &n) == 2 && n == 7)
    return mo >= 1 && mo <= 12;
  if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10)
    return g_date_valid_dmy((GDateDay)d, (GDateMonth)mo, (GDateYear)y);
  return FALSE;
}

/* `python:` a version or a list of them ("3.13"), each once. */
static void want_versions(MetaCtx *m, yaml_node_t *value, GPtrArray *list) {
  g_autoptr(GPtrArray) given = g_ptr_array_new_with_free_func(g_free);
  want_strings(m, "python", value, given);
  for (guint i = 0; i < given->len; i++) {
    const char *v = given->pdata[i];
    int major, minor;
    if (!fence_parse_version(v, &major, &minor)) {
      g_autofree char *msg =
          g_strdup_printf("'python' lists Python versions such as \"3.13\", not '%s'", v);
      meta_diag(m, DIAG_ERROR, value, "meta-type", msg);
      continue;
    }
    g_autofree char *norm = g_strdup_printf("%d.%d", major, minor);
    if (!g_ptr_array_find_with_equal_func(list, norm, g_str_equal, NULL))
      g_ptr_array_add(list, g_steal_pointer(&norm));
  }
}

typedef enum { KEY_STRING, KEY_LIST, KEY_BOOL, KEY_RULES, KEY_VERSIONS } KeyKind;

static void parse_pair(MetaCtx *m, BookMeta *meta, yaml_node_t *kn, yaml_node_t *value) {
  const struct {
    const char *key;
    KeyKind kind;
    void *field;
  } keys[] = {
      {"title", KEY_STRING, &meta->title},
      {"subtitle", KEY_STRING, &meta->subtitle},
      {"author", KEY_LIST, meta->authors},
      {"lang", KEY_STRING, &meta->lang},
      {"identifier", KEY_STRING, &meta->identifier},
      {"publisher", KEY_STRING, &meta->publisher},
      {"date", KEY_STRING, &meta->date},
      {"rights", KEY_STRING, &meta->rights},
      {"description", KEY_STRING, &meta->description},
      {"subject", KEY_LIST, meta->subjects},
      {"cover-image", KEY_STRING, &meta->cover_image},
      {"version", KEY_STRING, &meta->version},
      {"credits", KEY_LIST, meta->credits},
      {"conforms-to", KEY_STRING, &meta->conforms_to},
      {"certified-by", KEY_STRING, &meta->certified_by},
      {"epub-embed-fonts", KEY_BOOL, &meta->epub_embed_fonts},
      {"rules", KEY_RULES, &meta->rules},
      {"python", KEY_VERSIONS, meta->pythons},
  };
  const char *key = scalar(kn);
  if (!key) {
    meta_diag(m, DIAG_ERROR, kn, "meta-type", "keys must be strings");
    return;
  }
  for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
    if (strcmp(key, keys[i].key) != 0)
      continue;
    switch (keys[i].kind) {
    case KEY_STRING: {
      char **field = keys[i].field;
      g_free(*field);
      *field = want_string(m, key, value);
      break;
    }
    case KEY_LIST:
      want_strings(m, key, value, keys[i].field);
      break;
    case KEY_BOOL: {
      const char *s = scalar(value);
      if (!s || !parse_bool(s, keys[i].field)) {
        g_autofree char *msg = g_strdup_printf("'%s' must be true or false", key);
        meta_diag(m, DIAG_ERROR, value, "meta-type", msg);
      }
      break;
    }
    case KEY_RULES:
      parse_rules(m, keys[i].field, value);
      break;
    case KEY_VERSIONS:
      want_versions(m, value, keys[i].field);
      break;
    }
    return;
  }
  g_autofree char *msg = g_strdup_printf("unknown key '%s'", key);
  meta_diag(m, DIAG_WARNING, kn, "meta-unknown", msg);
}

/* Positions of the values checked after parsing, remembered by key. */
static yaml_node_t *value_of(MetaCtx *m, yaml_node_t *root, const char *key) {
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
       p++) {
    const char *k = scalar(yaml_document_get_node(m->doc, p->key));
    if (k && strcmp(k, key) == 0)
      return yaml_document_get_node(m->doc, p->value);
  }
  return NULL;
}

static gboolean is_empty(yaml_node_t *node) {
  if (node->type == YAML_SCALAR_NODE)
    return node->data.scalar.length == 0;
  if (node->type == YAML_SEQUENCE_NODE)
    return node->data.sequence.items.top == node->data.sequence.items.start;
  return FALSE;
}

/* `conforms-to` claims conformance to EPUB Accessibility 1.1 in the identifier form the
 * specification defines (section 2.2.1), the form Ace by DAISY and epubcheck recognise;
 * `certified-by` names who evaluated the claim (a11y:certifiedBy). A claim is the author's to
 * make: without the key the EPUB declares none. */
static void check_accessibility(MetaCtx *m, BookMeta *meta, yaml_node_t *root) {
  if (meta->conforms_to) {
    static const char *const wcag[] = {"2.0", "2.1", "2.2"}, *const levels[] = {"A", "AA", "AAA"};
    gboolean known = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(wcag) && !known; i++)
      for (gsize j = 0; j < G_N_ELEMENTS(levels) && !known; j++) {
        g_autofree char *id =
            g_strdup_printf("EPUB Accessibility 1.1 - WCAG %s Level %s", wcag[i], levels[j]);
        known = strcmp(meta->conforms_to, id) == 0;
      }
    if (!known) {
      g_autofree char *msg = g_strdup_printf(
          "'conforms-to' must be an EPUB Accessibility 1.1 claim such as 'EPUB Accessibility 1.1 "
          "- WCAG 2.2 Level AA', not '%s'",
          meta->conforms_to);
      meta_diag(m, DIAG_ERROR, value_of(m, root, "conforms-to"), "meta-accessibility", msg);
      g_clear_pointer(&meta->conforms_to, g_free);
    } else if (!meta->certified_by) {
      meta_diag(m, DIAG_WARNING, value_of(m, root, "conforms-to"), "meta-accessibility",
                "a conformance claim names who evaluated it: add 'certified-by'");
    }
  }
  if (meta->certified_by && !meta->conforms_to && !value_of(m, root, "conforms-to"))
    meta_diag(m, DIAG_WARNING, value_of(m, root, "certified-by"), "meta-accessibility",
              "'certified-by' without 'conforms-to' certifies nothing: add the claim");
}

static void check_values(MetaCtx *m, BookMeta *meta, yaml_node_t *root) {
  static const char *required[] = {"title", "author", "lang"};
  for (gsize i = 0; i < G_N_ELEMENTS(required); i++) {
    yaml_node_t *value = value_of(m, root, required[i]);
    if (!value) {
      g_autofree char *msg = g_strdup_printf("required key '%s' is missing", required[i]);
      diags_add(m->diags, DIAG_ERROR, m->path, m->file_id, 1, 1, "meta-required", "%s", msg);
    } else if (is_empty(value)) {
      g_autofree char *msg = g_strdup_printf("required key '%s' is empty", required[i]);
      meta_diag(m, DIAG_ERROR, value, "meta-required", msg);
    }
  }
  if (meta->lang && *meta->lang && !valid_lang(meta->lang)) {
    g_autofree char *msg = g_strdup_printf(
        "'lang' must be a BCP 47 language tag such as 'en' or 'en-US', not '%s'", meta->lang);
    meta_diag(m, DIAG_ERROR, value_of(m, root, "lang"), "meta-lang", msg);
  }
  if (!meta->identifier)
    diags_add(m->diags, DIAG_WARNING, m->path, m->file_id, 1, 1, "meta-identifier",
              "no 'identifier': releases need a stable one (urn:uuid:... or an ISBN)");
  else if (!valid_identifier(meta->identifier)) {
    g_autofree char *msg = g_strdup_printf(
        "'identifier' must be urn:uuid:<uuid>, urn:isbn:<isbn> or an ISBN, not '%s'",
        meta->identifier);
    meta_diag(m, DIAG_ERROR, value_of(m, root, "identifier"), "meta-identifier", msg);
  }
  check_accessibility(m, meta, root);
  if (meta->date && !valid_date(meta->date)) {
    g_autofree char *msg =
        g_strdup_printf("'date' must be YYYY, YYYY-MM or YYYY-MM-DD, not '%s'", meta->date);
    meta_diag(m, DIAG_ERROR, value_of(m, root, "date"), "meta-date", msg);
  }
}

void meta_parse(BookMeta *meta, const char *text, gsize len, const char *path, int file_id,
                Diags *diags) {
  yaml_document_t doc;
  MetaCtx m = {&doc, path, file_id, diags};
  if (!safeyaml_load(&doc, text, len, path, file_id, diags))
    return;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root || root->type != YAML_MAPPING_NODE) {
    meta_diag(&m, DIAG_ERROR, root, "yaml", "book.yaml must be a mapping of keys to values");
  } else {
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++)
      parse_pair(&m, meta, yaml_document_get_node(&doc, p->key),
                 yaml_document_get_node(&doc, p->value));
    check_values(&m, meta, root);
    g_free(meta->authors_line);
    meta->authors_line = authors_line(meta->authors);
    yaml_node_t *cover = value_of(&m, root, "cover-image");
    meta->cover_line = cover ? (int)cover->start_mark.line + 1 : 1;
  }
  yaml_document_delete(&doc);
}
