/* diagram.c: drawn diagrams (see diagram.h): which ```dot block is which DIAGRAM's drawing, the
 * checks a drawing must pass before Graphviz sees it, its layout with the style's defaults, and
 * its SVG. Graphviz reports errors through one process-wide callback and measures text through
 * fontconfig's current configuration: both are global by Graphviz's design, set here only. */
#include "diagram.h"

#include "cache.h"
#include "callout.h"
#include "lazy.h"

#include <fontconfig/fontconfig.h>
#include <graphviz_version.h>
#include <gvc.h>
#include <gvplugin.h>
#include <pango/pangocairo.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  Book *book;
  Chapter *ch;
  const PrintStyle *style;
  GVC_t *gvc;
  PangoContext *pango; /* measures labels with the fonts Graphviz measured them with */
  const char *fonts_dir;
  char *fonts_id; /* the identity of fonts_dir's files, for cache keys (see drawing_key()) */
  char *style_id; /* a SHA-256 of the print style's values, for cache keys */
} Ctx;

/* Graphviz's plugins, linked in rather than found through the plugin folder's config6 file, which
 * Debian writes only when a package trigger runs `dot -c` (without it every layout fails
 * silently): dot's layout, the core SVG renderer, and Pango's text measurement. */
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
extern gvplugin_library_t gvplugin_pango_LTX_library;
static const lt_symlist_t plugins[] = {
    {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
    {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
    {"gvplugin_pango_LTX_library", &gvplugin_pango_LTX_library},
    {NULL, NULL},
};

/* ---- reading a drawing with names numbered in order ----
 * cgraph's default discipline makes a named node's id the address of its interned name, and
 * dot orders clusters and ties by id: the same drawing came out a few points different as the
 * heap's history changed (another folder, another chapter before it). Ids here are the order
 * of first appearance, so the same source gives the same layout everywhere. */

typedef struct {
  GHashTable *ids;  /* name -> id (GUINT_TO_POINTER) */
  GPtrArray *names; /* name of the named id 2(k+1) at k (owned) */
  IDTYPE anonymous; /* anonymous objects so far */
} IdState;

static void *id_open(Agraph_t *g, Agdisc_t *disc) {
  (void)g, (void)disc;
  IdState *st = g_new0(IdState, 1);
  st->ids = g_hash_table_new(g_str_hash, g_str_equal);
  st->names = g_ptr_array_new_with_free_func(g_free);
  return st;
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag) {
  (void)objtype;
  IdState *st = state;
  if (!str) {
    *id = st->anonymous++ * 2 + 1; /* odd: anonymous, as cgraph's own */
    return TRUE;
  }
  gpointer found = g_hash_table_lookup(st->ids, str);
  if (!found && !createflag)
    return FALSE;
  if (!found) {
    char *name = g_strdup(str);
    g_ptr_array_add(st->names, name);
    found = GUINT_TO_POINTER(st->names->len * 2); /* even: named */
    g_hash_table_insert(st->ids, name, found);
  }
  *id = GPOINTER_TO_UINT(found);
  return TRUE;
}

static long id_alloc(void *state, int objtype, IDTYPE request) {
  (void)state, (void)objtype, (void)request;
  return FALSE; /* as cgraph's own: no id is chosen by the caller */
}

static void id_free(void *state, int objtype, IDTYPE id) {
  (void)state, (void)objtype, (void)id; /* the names live as long as the graph */
}

static char *id_print(void *state, int objtype, IDTYPE id) {
  (void)objtype;
  IdState *st = state;
  if (id % 2 != 0 || id == 0 || id / 2 > st->names->len)
    return NULL;
  return st->names->pdata[id / 2 - 1];
}

static void id_close(void *state) {
  IdState *st = state;
  g_hash_table_unref(st->ids);
  g_ptr_array_unref(st->names);
  g_free(st);
}

static void id_register(void *state, int objtype, void *obj) {
  (void)state, (void)objtype, (void)obj;
}

static Agiddisc_t ordered_ids = {id_open,  id_map,   id_alloc,   id_free,
                                 id_print, id_close, id_register};

typedef struct {
  const char *text;
  gsize pos, len;
} Source;

/* A line at a time, as cgraph's own readers give it to the scanner. */
static int source_read(void *chan, char *buf, int bufsize) {
  Source *src = chan;
  if (src->pos >= src->len || bufsize < 2)
    return 0;
  gsize n = 0;
  while (src->pos < src->len && n < (gsize)bufsize - 1) {
    char ch = src->text[src->pos++];
    buf[n++] = ch;
    if (ch == '\n')
      break;
  }
  buf[n] = '\0';
  return (int)n;
}

static Agraph_t *read_graph(const char *code) {
  /* A node's label is its name unless the graph says otherwise: gvContext() declares that
   * default for every graph read after it, and a graph read before any context (a build whose
   * other drawings were all kept) would declare it "" as soon as one node had a label of its
   * own, leaving every other node blank. Declared here, as gvContext() does. */
  agattr(NULL, AGNODE, "label", "\\N");
  Agiodisc_t io = {source_read, AgIoDisc.putstr, AgIoDisc.flush};
  Agdisc_t disc = {&AgMemDisc, &ordered_ids, &io};
  Source src = {code, 0, strlen(code)};
  return agread(&src, &disc);
}

/* ---- which block is which diagram's drawing ---- */

static gboolean is_dot(const Chapter *ch, cmark_node *n, CodeBlock **block) {
  if (cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK)
    return FALSE;
  *block = g_hash_table_lookup(ch->code_by_node, n);
  return *block && strcmp((*block)->lang, "dot") == 0;
}

static void find_drawing(Ctx *c, Callout *co) {
  gboolean prose = co->first_content != NULL;
  for (cmark_node *n = cmark_node_next(co->marker); n; n = cmark_node_next(n)) {
    CodeBlock *b = NULL;
    if (!is_dot(c->ch, n, &b)) {
      prose = TRUE;
      continue;
    }
    if (co->drawing) {
      diags_add(c->book->diags, DIAG_ERROR, c->ch->display_path, c->ch->file_id, b->line,
                cmark_node_get_start_column(n), "diagram",
                "a DIAGRAM holds one drawing; this is its second ```dot block: make it a DIAGRAM "
                "of its own");
      continue;
    }
    co->drawing = b;
    b->drawn = TRUE;
  }
  if (co->drawing && !prose)
    diags_add(c->book->diags, DIAG_ERROR, c->ch->display_path, c->ch->file_id, co->line, co->col,
              "diagram",
              "DIAGRAM '%s' has a drawing but no description: describe in words what it shows "
              "(readers who cannot see the picture read the words)",
              co->title ? co->title : "");
}

/* A ```dot block must be a DIAGRAM's drawing: only the callout ties a picture to the words that
 * describe it, and a bare one would be printed as source the author meant as a picture. */
static void check_stray_blocks(Ctx *c) {
  for (guint i = 0; i < c->ch->code_blocks->len; i++) {
    CodeBlock *b = c->ch->code_blocks->pdata[i];
    if (strcmp(b->lang, "dot") == 0 && !b->drawn)
      diags_add(c->book->diags, DIAG_ERROR, c->ch->display_path, c->ch->file_id, b->line,
                cmark_node_get_start_column(b->node), "diagram",
                "a ```dot drawing belongs in a '> [!DIAGRAM] Title' callout, with its description; "
                "to show Graphviz source as code, fence it as ```text");
  }
}

/* ---- places: a line of the drawing to its line and column in the Markdown ---- */

/* The column where a line's text starts inside its block quotes ("> ```" starts at 3). */
static int content_col(const Chapter *ch, int line) {
  if (line < 1 || (guint)line > ch->line_starts->len)
    return 1;
  const char *s = ch->source + GPOINTER_TO_SIZE(ch->line_starts->pdata[line - 1]);
  int col = 0;
  for (int i = 0; s[i] && s[i] != '\n'; i++)
    if (s[i] == '>')
      col = i + 1 + (s[i + 1] == ' ');
    else if (s[i] != ' ')
      break;
  return col + 1;
}

typedef struct {
  int line, col;
} Place;

/* The Markdown place of byte `offset` of the drawing's code. */
static Place place_of_offset(const Ctx *c, const CodeBlock *b, gsize offset) {
  const char *code = cmark_node_get_literal(b->node);
  int line = 0;
  gsize line_start = 0;
  for (gsize i = 0; i < offset && code[i]; i++)
    if (code[i] == '\n') {
      line++;
      line_start = i + 1;
    }
  Place p = {b->first_code_line + line, 0};
  p.col = content_col(c->ch, p.line) + (int)(offset - line_start);
  return p;
}

/* The place of Graphviz's "line N" (1-based in the drawing), at `token` on it when found. */
static Place place_of_line(const Ctx *c, const CodeBlock *b, int n, const char *token) {
  const char *code = cmark_node_get_literal(b->node);
  gsize offset = 0;
  for (int line = 1; line < n && code[offset]; offset++)
    if (code[offset] == '\n')
      line++;
  if (token && *token) {
    const char *eol = strchr(code + offset, '\n');
    /* the last on the line: Graphviz stops at the token after the one that was fine */
    const char *hit = g_strrstr_len(code + offset, eol ? eol - (code + offset) : -1, token);
    if (hit)
      offset = (gsize)(hit - code);
  }
  return place_of_offset(c, b, offset);
}

static void drawing_error(const Ctx *c, Place p, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void drawing_error(const Ctx *c, Place p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diags_vadd(c->book->diags, DIAG_ERROR, c->ch->display_path, c->ch->file_id, p.line, p.col,
             "diagram", fmt, ap);
  va_end(ap);
}

/* ---- Graphviz's messages ---- */

static GString *gv_messages; /* what Graphviz said since the last take_messages() */

static int collect_message(char *text) {
  g_string_append(gv_messages, text);
  return 0;
}

/* Graphviz's messages, one line each without "Error: " or "Warning: "; caller frees. */
static char **take_messages(void) {
  char **lines = g_strsplit(gv_messages->str, "\n", -1);
  g_string_truncate(gv_messages, 0);
  GPtrArray *out = g_ptr_array_new();
  for (char **l = lines; *l; l++) {
    char *s = g_strstrip(*l);
    if (!*s)
      continue;
    if (g_str_has_prefix(s, "Error: "))
      s += 7;
    else if (g_str_has_prefix(s, "Warning: "))
      s += 9;
    g_ptr_array_add(out, g_strdup(s));
  }
  g_strfreev(lines);
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

/* Each message Graphviz gave as an error at its place: "syntax error in line 3 near '->'" at
 * that line, the rest at the drawing's first line. Returns how many there were. */
static guint report_messages(const Ctx *c, const CodeBlock *b) {
  g_auto(GStrv) msgs = take_messages();
  guint n = 0;
  for (; msgs[n]; n++) {
    const char *m = msgs[n], *at = strstr(m, " in line ");
    Place p = {b->first_code_line, content_col(c->ch, b->first_code_line)};
    if (at) {
      int line = atoi(at + 9);
      const char *near = strstr(at, "near '");
      g_autofree char *token = near ? g_strdup(near + 6) : NULL;
      char *q = token ? strrchr(token, '\'') : NULL;
      if (q)
        *q = '\0';
      p = place_of_line(c, b, line, token);
      g_autofree char *what = g_strndup(m, at - m);
      drawing_error(c, p, "drawing: %s%s%s", what, near ? " near " : "", near ? near + 5 : "");
    } else {
      drawing_error(c, p, "drawing: %s", m);
    }
  }
  return n;
}

/* ---- the attributes an author may set ---- */

typedef struct {
  const char *name;
  double min, max; /* a number's bounds; max 0: not a number */
} Attr;

/* Fonts, colours and line weights are the style's (diagram.h), files and links are never read
 * or written, and every number is bounded: a large minlen or ranksep would make Graphviz build
 * ranks by the million. */
static const Attr graph_attrs[] = {
    {"label", 0, 0},   {"labelloc", 0, 0}, {"labeljust", 0, 0}, {"rankdir", 0, 0},
    {"ranksep", 0, 3}, {"nodesep", 0, 3},  {"splines", 0, 0},   {"compound", 0, 0},
    {"newrank", 0, 0}, {"ordering", 0, 0}, {"rank", 0, 0},      {"style", 0, 0},
    {NULL, 0, 0},
};
static const Attr node_attrs[] = {
    {"label", 0, 0},  {"shape", 0, 0},     {"style", 0, 0},    {"width", 0, 6},
    {"height", 0, 6}, {"fixedsize", 0, 0}, {"margin", 0, 1},   {"peripheries", 0, 3},
    {"group", 0, 0},  {"xlabel", 0, 0},    {"ordering", 0, 0}, {NULL, 0, 0},
};
static const Attr edge_attrs[] = {
    {"label", 0, 0},     {"style", 0, 0},      {"dir", 0, 0},      {"arrowhead", 0, 0},
    {"arrowtail", 0, 0}, {"constraint", 0, 0}, {"minlen", 0, 10},  {"weight", 0, 100},
    {"headlabel", 0, 0}, {"taillabel", 0, 0},  {"xlabel", 0, 0},   {"lhead", 0, 0},
    {"ltail", 0, 0},     {"headport", 0, 0},   {"tailport", 0, 0}, {"samehead", 0, 0},
    {"sametail", 0, 0},  {NULL, 0, 0},
};
static const char *const styles_allowed[] = {"filled", "dashed", "dotted",    "bold", "rounded",
                                             "solid",  "invis",  "diagonals", NULL};

static const Attr *attr_table(int kind) {
  return kind == AGRAPH ? graph_attrs : kind == AGNODE ? node_attrs : edge_attrs;
}

static const Attr *find_attr(int kind, const char *name) {
  for (const Attr *a = attr_table(kind); a->name; a++)
    if (strcmp(a->name, name) == 0)
      return a;
  return NULL;
}

/* Where `name = ` first appears in the drawing, for pointing at it. */
static Place place_of_attr(const Ctx *c, const CodeBlock *b, const char *name) {
  const char *code = cmark_node_get_literal(b->node);
  for (const char *p = strstr(code, name); p; p = strstr(p + 1, name)) {
    const char *q = p + strlen(name);
    while (*q == ' ' || *q == '\t')
      q++;
    gboolean word_start = p == code || !(g_ascii_isalnum(p[-1]) || p[-1] == '_');
    if (word_start && *q == '=')
      return place_of_offset(c, b, (gsize)(p - code));
  }
  return place_of_offset(c, b, 0);
}

static gboolean check_declared(const Ctx *c, const CodeBlock *b, Agraph_t *g) {
  static const struct {
    int kind;
    const char *name;
  } kinds[] = {{AGRAPH, "graph"}, {AGNODE, "node"}, {AGEDGE, "edge"}};
  for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++) {
    int k = kinds[i].kind;
    for (Agsym_t *sym = agnxtattr(g, k, NULL); sym; sym = agnxtattr(g, k, sym)) {
      if (find_attr(k, sym->name))
        continue;
      g_autoptr(GString) known = g_string_new(NULL);
      for (const Attr *a = attr_table(k); a->name; a++)
        g_string_append_printf(known, "%s%s", known->len ? ", " : "", a->name);
      drawing_error(c, place_of_attr(c, b, sym->name),
                    "drawing: %s attribute '%s' is not allowed (fonts, colours and lines come "
                    "from the style's diagrams: keys; allowed: %s)",
                    kinds[i].name, sym->name, known->str);
      return FALSE;
    }
  }
  return TRUE;
}

/* A value the attribute may take: a number within its bounds, a style from the list, never an
 * HTML-like label (which could name image files). */
static const char *value_problem(const Attr *a, Agobj_t *obj, const char *value) {
  if (!value || !*value)
    return NULL;
  if (aghtmlstr((char *)value) && obj)
    return "HTML-like labels are not allowed; use a plain or record label";
  if (a->max > 0) {
    char *end = NULL;
    double v = g_ascii_strtod(value, &end);
    if (end == value || !isfinite(v) || v < a->min || v > a->max)
      return "out of bounds";
  }
  if (strcmp(a->name, "style") == 0) {
    g_auto(GStrv) parts = g_strsplit(value, ",", -1);
    for (char **p = parts; *p; p++)
      if (!g_strv_contains(styles_allowed, g_strstrip(*p)))
        return "not a style a drawing may use (filled, dashed, dotted, bold, rounded, solid, "
               "invis, diagonals)";
  }
  return NULL;
}

static gboolean check_values_of(const Ctx *c, const CodeBlock *b, Agraph_t *root, void *obj,
                                int kind) {
  for (Agsym_t *sym = agnxtattr(root, kind, NULL); sym; sym = agnxtattr(root, kind, sym)) {
    const Attr *a = find_attr(kind, sym->name);
    const char *value = agxget(obj, sym);
    const char *problem = a ? value_problem(a, obj, value) : NULL;
    if (!problem)
      continue;
    if (strcmp(problem, "out of bounds") == 0)
      drawing_error(c, place_of_attr(c, b, sym->name), "drawing: %s=%s is out of bounds (%g to %g)",
                    sym->name, value, a->min, a->max);
    else
      drawing_error(c, place_of_attr(c, b, sym->name), "drawing: %s=%s: %s", sym->name, value,
                    problem);
    return FALSE;
  }
  return TRUE;
}

static gboolean check_graph_values(const Ctx *c, const CodeBlock *b, Agraph_t *root, Agraph_t *g,
                                   int *subgraphs) {
  if (!check_values_of(c, b, root, g, AGRAPH))
    return FALSE;
  for (Agraph_t *s = agfstsubg(g); s; s = agnxtsubg(s)) {
    if (++*subgraphs > DIAGRAM_MAX_SUBGRAPHS)
      return TRUE; /* counted and reported by the caller */
    if (!check_graph_values(c, b, root, s, subgraphs))
      return FALSE;
  }
  return TRUE;
}

/* Sizes, then values; FALSE after reporting the first problem of each kind. */
static gboolean check_graph(const Ctx *c, const CodeBlock *b, Agraph_t *g) {
  Place first = {b->first_code_line, content_col(c->ch, b->first_code_line)};
  if (agnnodes(g) > DIAGRAM_MAX_NODES || agnedges(g) > DIAGRAM_MAX_EDGES) {
    drawing_error(c, first,
                  "drawing: %d nodes and %d edges, more than a page holds (at most %d nodes and "
                  "%d edges): split it",
                  agnnodes(g), agnedges(g), DIAGRAM_MAX_NODES, DIAGRAM_MAX_EDGES);
    return FALSE;
  }
  if (!check_declared(c, b, g))
    return FALSE;
  int subgraphs = 0;
  if (!check_graph_values(c, b, g, g, &subgraphs))
    return FALSE;
  if (subgraphs > DIAGRAM_MAX_SUBGRAPHS) {
    drawing_error(c, first, "drawing: more than %d subgraphs: split it", DIAGRAM_MAX_SUBGRAPHS);
    return FALSE;
  }
  for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
    if (!check_values_of(c, b, g, n, AGNODE))
      return FALSE;
    for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e))
      if (!check_values_of(c, b, g, e, AGEDGE))
        return FALSE;
  }
  return TRUE;
}

/* ---- style, layout, SVG ---- */

static void rgb_hex(Rgb c, char out[8]) {
  g_snprintf(out, 8, "#%02x%02x%02x", (int)lround(c.r * 255), (int)lround(c.g * 255),
             (int)lround(c.b * 255));
}

/* The style's defaults, declared after the author's attributes were checked (so none of these
 * names can have come from the drawing). */
static void apply_style(const PrintStyle *st, Agraph_t *g) {
  char ink[8], panel[8], shade[8];
  rgb_hex(st->diagram_ink, ink);
  rgb_hex(st->diagram_panel, panel);
  rgb_hex(st->diagram_shade, shade);
  g_autofree char *size = g_strdup_printf("%g", st->diagram_size);
  g_autofree char *small = g_strdup_printf("%g", st->diagram_size * 0.9);
  g_autofree char *pen = g_strdup_printf("%g", st->diagram_line_width);
  const struct {
    int kind;
    const char *name, *value;
  } defaults[] = {
      {AGRAPH, "fontname", st->diagram_font},
      {AGRAPH, "fontsize", size},
      {AGRAPH, "fontcolor", ink},
      {AGRAPH, "bgcolor", panel},
      {AGRAPH, "color", ink},
      {AGRAPH, "fillcolor", shade},
      {AGRAPH, "penwidth", pen},
      {AGRAPH, "pad", "0.12"},
      {AGNODE, "fontname", st->diagram_font},
      {AGNODE, "fontsize", size},
      {AGNODE, "fontcolor", ink},
      {AGNODE, "color", ink},
      {AGNODE, "fillcolor", shade},
      {AGNODE, "penwidth", pen},
      {AGEDGE, "fontname", st->diagram_font},
      {AGEDGE, "fontsize", small},
      {AGEDGE, "fontcolor", ink},
      {AGEDGE, "color", ink},
      {AGEDGE, "penwidth", pen},
      {AGEDGE, "arrowsize", "0.7"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(defaults); i++)
    agattr(g, defaults[i].kind, (char *)defaults[i].name, (char *)defaults[i].value);
  /* Bounded work for the ranking and ordering passes, whatever the graph. */
  agattr(g, AGRAPH, "nslimit", "20");
  agattr(g, AGRAPH, "nslimit1", "20");
  agattr(g, AGRAPH, "mclimit", "0.5");
  agattr(g, AGRAPH, "searchsize", "30");
}

/* A label's text from SVG character data (Graphviz escapes &, <, >, quotes and some spaces). */
static char *svg_unescape(const char *from, const char *to) {
  GString *out = g_string_new(NULL);
  for (const char *p = from; p < to; p++) {
    const char *semi = *p == '&' ? memchr(p, ';', (gsize)(to - p)) : NULL;
    if (!semi) {
      g_string_append_c(out, *p);
      continue;
    }
    g_autofree char *name = g_strndup(p + 1, (gsize)(semi - p - 1));
    gunichar ch = 0;
    if (name[0] == '#')
      ch = (gunichar)(name[1] == 'x' ? g_ascii_strtoull(name + 2, NULL, 16)
                                     : g_ascii_strtoull(name + 1, NULL, 10));
    else
      ch = strcmp(name, "amp") == 0    ? '&'
           : strcmp(name, "lt") == 0   ? '<'
           : strcmp(name, "gt") == 0   ? '>'
           : strcmp(name, "quot") == 0 ? '"'
           : strcmp(name, "apos") == 0 ? '\''
                                       : 0;
    if (ch && g_unichar_validate(ch)) {
      g_string_append_unichar(out, ch);
      p = semi;
    } else {
      g_string_append_c(out, *p);
    }
  }
  return g_string_free(out, FALSE);
}

/* The width `text` takes in the drawing's font at `size` points, as Graphviz measured it. */
static double text_width(PangoContext *pc, const char *font, double size, const char *text) {
  PangoLayout *l = pango_layout_new(pc);
  PangoFontDescription *d = pango_font_description_from_string(font);
  pango_font_description_set_family(d, font);
  pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
  pango_layout_set_font_description(l, d);
  pango_layout_set_text(l, text, -1);
  PangoRectangle logical;
  pango_layout_get_extents(l, NULL, &logical);
  pango_font_description_free(d);
  g_object_unref(l);
  return logical.width / (double)PANGO_SCALE;
}

/* A <text> start tag with the label's width in the book's font as its textLength: a reading
 * system draws an image's text in a font of its own (an SVG image cannot use the book's), and
 * textLength fits that font to the width Graphviz laid the label out for, so no label runs out
 * of its shape. Returns where the tag ends (after '>'), or NULL. */
static const char *text_tag(GString *s, const char *p, const char *end, PangoContext *pc,
                            const char *font) {
  const char *tag_end = memchr(p, '>', (gsize)(end - p));
  const char *close = tag_end ? g_strstr_len(tag_end, end - tag_end, "</text>") : NULL;
  const char *size_at = tag_end ? g_strstr_len(p, tag_end - p, " font-size=\"") : NULL;
  if (!close || !size_at)
    return NULL;
  double size = g_ascii_strtod(size_at + 12, NULL);
  g_autofree char *text = svg_unescape(tag_end + 1, close);
  double width = text_width(pc, font, size, text);
  g_string_append_printf(s, "<text textLength=\"%.2f\" lengthAdjust=\"spacingAndGlyphs\"", width);
  return p + strlen("<text");
}

/* Graphviz's SVG made one file both outputs use: no DOCTYPE (an external DTD readers would
 * fetch), no comments or <title>s (node names, not words for readers), a generic family after
 * the book's, and each label's width (text_tag()). */
static GBytes *clean_svg(const char *data, gsize len, const char *font, PangoContext *pc) {
  const char *start = g_strstr_len(data, (gssize)len, "<svg");
  if (!start)
    return NULL;
  GString *s = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  const char *end = data + len;
  g_autofree char *family = g_strdup_printf("font-family=\"%s\"", font);
  for (const char *p = start; p < end;) {
    const char *skip_to = NULL;
    if (g_str_has_prefix(p, "<!--"))
      skip_to = g_strstr_len(p, end - p, "-->"), skip_to = skip_to ? skip_to + 3 : end;
    else if (g_str_has_prefix(p, "<title>"))
      skip_to = g_strstr_len(p, end - p, "</title>"), skip_to = skip_to ? skip_to + 8 : end;
    if (skip_to) {
      p = skip_to;
      while (p < end && *p == '\n')
        p++;
      continue;
    }
    const char *after = g_str_has_prefix(p, "<text ") ? text_tag(s, p, end, pc, font) : NULL;
    if (after) {
      p = after;
      continue;
    }
    if (g_str_has_prefix(p, family)) {
      g_string_append_printf(s, "font-family=\"%s, sans-serif\"", font);
      p += strlen(family);
      continue;
    }
    g_string_append_c(s, *p++);
  }
  return g_string_free_to_bytes(s);
}

static PangoContext *measuring_context(void) {
  PangoFontMap *map = pango_cairo_font_map_new(); /* on fontconfig's current configuration */
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);
  PangoContext *pc = pango_font_map_create_context(map);
  pango_context_set_round_glyph_positions(pc, FALSE);
  cairo_font_options_t *options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(pc, options);
  cairo_font_options_destroy(options);
  g_object_unref(map);
  return pc;
}

static void ensure_fonts(const char *fonts_dir) {
  static gboolean done;
  if (done || !fonts_dir)
    return;
  done = TRUE;
  FcConfig *config = FcConfigCreate();
  static const char cache_only[] =
      "<?xml version=\"1.0\"?><fontconfig><cachedir prefix=\"xdg\">fontconfig</cachedir>"
      "</fontconfig>";
  FcConfigParseAndLoadFromMemory(config, (const FcChar8 *)cache_only, FcFalse);
  FcConfigAppFontAddDir(config, (const FcChar8 *)fonts_dir);
  FcConfigSetCurrent(config); /* the process's from now on: Graphviz's and librsvg's Pango */
  FcConfigDestroy(config);    /* fontconfig keeps its own reference */
}

static gboolean fits_page(const Ctx *c, const CodeBlock *b, double w, double h) {
  const PrintStyle *st = c->style;
  double max_w = diagram_max_width(st), min_text = G_MAXDOUBLE;
  for (int i = 0; i < PAPER_COUNT; i++)
    min_text = MIN(min_text, st->papers[i].height - st->papers[i].top - st->papers[i].bottom);
  double scale = MIN(1.0, max_w / w), max_h = min_text * st->diagram_max_height;
  Place first = {b->first_code_line, content_col(c->ch, b->first_code_line)};
  if (scale < st->diagram_min_scale) {
    drawing_error(c, first,
                  "drawing: %.0f pt wide, too wide for the page: the narrowest callout holds "
                  "%.0f pt at a scale of %g or more (try rankdir=TB or shorter labels)",
                  w, max_w / st->diagram_min_scale, st->diagram_min_scale);
    return FALSE;
  }
  if (h * scale > max_h) {
    drawing_error(c, first, "drawing: %.0f pt tall, too tall for the page (at most %.0f pt)",
                  h * scale, max_h);
    return FALSE;
  }
  return TRUE;
}

/* The size Graphviz wrote on the <svg> element, in points. */
static gboolean svg_size(const char *svg, double *w, double *h) {
  const char *ws = strstr(svg, " width=\""), *hs = strstr(svg, " height=\"");
  if (!ws || !hs)
    return FALSE;
  *w = g_ascii_strtod(ws + 8, NULL);
  *h = g_ascii_strtod(hs + 9, NULL);
  return *w > 0 && *h > 0;
}

typedef enum { LAYOUT_OK, LAYOUT_CRASHED, LAYOUT_TIMEOUT } LayoutOutcome;

/* In the child: lays `g` out and writes "S" and the SVG, or "E" and Graphviz's messages. */
static void lay_out_child(GVC_t *gvc, Agraph_t *g, int fd) {
  g_string_truncate(gv_messages, 0);
  char *data = NULL;
  unsigned int len = 0;
  gboolean ok = gvLayout(gvc, g, "dot") == 0 && gv_messages->len == 0 &&
                gvRenderData(gvc, g, "svg", &data, &len) == 0 && gv_messages->len == 0;
  const char *payload = ok ? data : gv_messages->str;
  gsize left = ok ? len : gv_messages->len;
  gboolean sent = write(fd, ok ? "S" : "E", 1) == 1;
  while (sent && left > 0) {
    ssize_t n = write(fd, payload, left);
    sent = n > 0;
    if (sent)
      payload += n, left -= (gsize)n;
  }
  _exit(sent ? 0 : 1);
}

/* Graphviz lays a drawing out in a child process: some graphs crash it (dot 2.43 writes freed
 * memory on a record beside plain nodes on one rank), and a hostile one may run long; the child
 * ends on SIGPROF when it has used DIAGRAM_LAYOUT_MS of CPU time, and a child that stops making
 * progress without using any is killed after LAYOUT_WALL_MS. The parent made the context and
 * loaded the fonts, so the child starts warm. The child's output is appended to `out`. */
#define LAYOUT_WALL_MS (30 * DIAGRAM_LAYOUT_MS)
static LayoutOutcome lay_out_apart(GVC_t *gvc, Agraph_t *g, GByteArray *out) {
  int fds[2];
  if (pipe(fds) != 0)
    return LAYOUT_CRASHED;
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return LAYOUT_CRASHED;
  }
  if (pid == 0) {
    close(fds[0]);
    /* The child reports through the pipe; what a crashing Graphviz (or a sanitizer watching it
     * crash) writes to stderr is not the author's business: the crash is a diagnostic. */
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0)
      dup2(null, STDERR_FILENO);
    signal(SIGPROF, SIG_DFL);
    struct itimerval budget = {{0, 0}, {DIAGRAM_LAYOUT_MS / 1000, DIAGRAM_LAYOUT_MS % 1000 * 1000}};
    setitimer(ITIMER_PROF, &budget, NULL);
    lay_out_child(gvc, g, fds[1]);
  }
  close(fds[1]);
  gint64 deadline = g_get_monotonic_time() + (gint64)LAYOUT_WALL_MS * 1000;
  gboolean timed_out = FALSE;
  for (;;) {
    gint64 left_ms = (deadline - g_get_monotonic_time()) / 1000;
    struct pollfd pfd = {fds[0], POLLIN, 0};
    if (left_ms <= 0 || poll(&pfd, 1, (int)left_ms) == 0) {
      timed_out = TRUE;
      break;
    }
    guint8 buf[8192];
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    g_byte_array_append(out, buf, (guint)n);
  }
  close(fds[0]);
  if (timed_out)
    kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (timed_out || (WIFSIGNALED(status) && WTERMSIG(status) == SIGPROF))
    return LAYOUT_TIMEOUT;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? LAYOUT_OK : LAYOUT_CRASHED;
}

/* A first layout in this process, of a graph of its own, so that each child finds Graphviz's
 * plugins and Pango's fonts loaded. */
static void warm_up(GVC_t *gvc, const PrintStyle *style);

/* Graphviz's context, made on the first drawing no kept entry holds. */
static void start_graphviz(Ctx *c) {
  if (c->gvc)
    return;
  c->gvc = gvContextPlugins(plugins, 0);
  c->pango = measuring_context();
  warm_up(c->gvc, c->style);
}

static void warm_up(GVC_t *gvc, const PrintStyle *style) {
  Agraph_t *g = read_graph("digraph { a [label=\"Ag\"]; }");
  if (!g)
    return;
  apply_style(style, g);
  char *data = NULL;
  unsigned int len = 0;
  if (gvLayout(gvc, g, "dot") == 0) {
    if (gvRenderData(gvc, g, "svg", &data, &len) == 0)
      gvFreeRenderData(data);
    gvFreeLayout(gvc, g);
  }
  agclose(g);
  g_string_truncate(gv_messages, 0);
}

/* ---- drawings kept between runs (cache.h) ----
 * A laid-out drawing depends on its source, the print style (its defaults and the page it must
 * fit), the fonts its labels were measured with, and Graphviz's and Pango's versions; only a
 * drawing that passed every check is kept. Each has its own entry kind (chapter and callout),
 * so an edit replaces the drawing's old entry and no other. */

static gint compare_names(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *fonts_identity(Ctx *c) {
  if (!c->fonts_id) {
    GString *id = g_string_new(c->fonts_dir ? c->fonts_dir : "");
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = c->fonts_dir ? g_dir_open(c->fonts_dir, 0, NULL) : NULL;
    for (const char *name; d && (name = g_dir_read_name(d));)
      g_ptr_array_add(names, g_strdup(name));
    if (d)
      g_dir_close(d);
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
      g_autofree char *path = g_build_filename(c->fonts_dir, names->pdata[i], NULL);
      GStatBuf st;
      if (g_stat(path, &st) == 0)
        g_string_append_printf(id, "\n%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT ".%09ld",
                               (const char *)names->pdata[i], (gint64)st.st_size,
                               (gint64)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    }
    c->fonts_id = g_string_free(id, FALSE);
  }
  return c->fonts_id;
}

/* The print style's values, as a SHA-256: written out once, not once per drawing (a megabyte
 * of instructions each). */
static const char *style_identity(Ctx *c) {
  if (!c->style_id) {
    g_autofree char *values = style_values(c->style, "");
    c->style_id = g_compute_checksum_for_string(G_CHECKSUM_SHA256, values, -1);
  }
  return c->style_id;
}

static CacheKey *drawing_key(Ctx *c, guint index, const char *code) {
  g_autofree char *base = g_path_get_basename(c->ch->path);
  char *dot = strrchr(base, '.');
  if (dot)
    *dot = '\0';
  g_autofree char *kind = g_strdup_printf("drawing-%s-%u", base, index);
  CacheKey *key = cache_key_new(c->book->root, kind);
  cache_key_str(key, "source", code);
  cache_key_str(key, "style", style_identity(c));
  cache_key_str(key, "fonts", fonts_identity(c));
  cache_key_str(key, "graphviz", PACKAGE_VERSION);
  cache_key_str(key, "pango", pango_version_string());
  return key;
}

/* A kept drawing: "WIDTH HEIGHT\n" and the SVG. */
static gboolean drawing_from_cache(CacheKey *key, Callout *co) {
  g_autoptr(GBytes) kept = cache_get(key);
  gsize len = 0;
  const char *data = kept ? g_bytes_get_data(kept, &len) : NULL;
  const char *nl = data ? memchr(data, '\n', len) : NULL;
  if (!nl)
    return FALSE;
  char *end = NULL;
  double w = g_ascii_strtod(data, &end), h = end ? g_ascii_strtod(end, NULL) : 0;
  if (!(w > 0 && h > 0))
    return FALSE;
  co->svg = g_bytes_new_from_bytes(kept, (gsize)(nl + 1 - data), len - (gsize)(nl + 1 - data));
  co->svg_width = w;
  co->svg_height = h;
  return TRUE;
}

static void drawing_keep(CacheKey *key, const Callout *co) {
  char w[G_ASCII_DTOSTR_BUF_SIZE], h[G_ASCII_DTOSTR_BUF_SIZE];
  gsize len = 0;
  const char *svg = g_bytes_get_data(co->svg, &len);
  GString *entry = g_string_new(NULL);
  g_string_append_printf(entry, "%s %s\n", g_ascii_dtostr(w, sizeof w, co->svg_width),
                         g_ascii_dtostr(h, sizeof h, co->svg_height));
  g_string_append_len(entry, svg, (gssize)len);
  gsize n = entry->len;
  g_autoptr(GBytes) bytes = g_bytes_new_take(g_string_free(entry, FALSE), n);
  cache_put(key, bytes);
}

static void lay_out(Ctx *c, Callout *co, guint index) {
  const CodeBlock *b = co->drawing;
  const char *code = cmark_node_get_literal(b->node);
  Place first = {b->first_code_line, content_col(c->ch, b->first_code_line)};
  if (!code || !*code) {
    drawing_error(c, first, "drawing: the ```dot block is empty");
    return;
  }
  if (strlen(code) > DIAGRAM_MAX_SOURCE_BYTES) {
    drawing_error(c, first, "drawing: %zu bytes of source, more than the limit of %d: split it",
                  strlen(code), DIAGRAM_MAX_SOURCE_BYTES);
    return;
  }
  g_string_truncate(gv_messages, 0);
  Agraph_t *g = read_graph(code);
  guint said = report_messages(c, b);
  if (!g || said > 0) {
    if (g)
      agclose(g);
    else if (said == 0)
      drawing_error(c, first, "drawing: Graphviz could not read it");
    return;
  }
  if (!check_graph(c, b, g)) {
    agclose(g);
    return;
  }
  apply_style(c->style, g);
  g_autoptr(CacheKey) key = drawing_key(c, index, code);
  if (drawing_from_cache(key, co)) {
    agclose(g);
    return;
  }
  start_graphviz(c);
  g_autoptr(GByteArray) out = g_byte_array_new();
  switch (lay_out_apart(c->gvc, g, out)) {
  case LAYOUT_OK: {
    /* "E" and Graphviz's messages, or "S" and the SVG */
    gboolean svg = out->len > 0 && out->data[0] == 'S';
    if (!svg) {
      g_string_append_len(gv_messages, (const char *)out->data + MIN(out->len, 1),
                          out->len - MIN(out->len, 1));
      if (report_messages(c, b) == 0)
        drawing_error(c, first, "drawing: Graphviz could not lay it out");
      break;
    }
    g_byte_array_append(out, (const guint8 *)"", 1);
    const char *data = (const char *)out->data + 1;
    double w = 0, h = 0;
    if (svg_size(data, &w, &h) && fits_page(c, b, w, h)) {
      co->svg = clean_svg(data, out->len - 2, c->style->diagram_font, c->pango);
      co->svg_width = w;
      co->svg_height = h;
      drawing_keep(key, co);
    }
    break;
  }
  case LAYOUT_CRASHED:
    drawing_error(c, first,
                  "drawing: Graphviz crashed laying it out (records beside plain nodes on one "
                  "rank are a known cause): simplify it");
    break;
  case LAYOUT_TIMEOUT:
    drawing_error(c, first,
                  "drawing: Graphviz used more than %d ms of CPU time laying it out: simplify it",
                  DIAGRAM_LAYOUT_MS);
    break;
  }
  agclose(g);
}

double diagram_max_width(const PrintStyle *st) {
  double measure = G_MAXDOUBLE;
  for (int i = 0; i < PAPER_COUNT; i++)
    measure = MIN(measure, st->papers[i].width - st->papers[i].inner - st->papers[i].outer);
  /* the callout's inner frame (pdf/layout.c container()) */
  return measure - st->callout_rule - st->callout_padding * st->callout_inset - st->callout_padding;
}

void diagram_draw_all(Book *book, const PrintStyle *style, const char *fonts_dir) {
  Ctx c = {book, NULL, style, NULL, NULL, fonts_dir, NULL, NULL};
  for (guint i = 0; i < book->chapters->len; i++) {
    c.ch = book->chapters->pdata[i];
    for (guint k = 0; k < c.ch->callouts->len; k++) {
      Callout *co = c.ch->callouts->pdata[k];
      if (co->kind != CALLOUT_DIAGRAM)
        continue;
      find_drawing(&c, co);
      if (!co->drawing)
        continue;
      ensure_fonts(fonts_dir); /* for librsvg too, kept drawing or not */
      if (!gv_messages)
        gv_messages = g_string_new(NULL);
      agseterrf(collect_message);
      agseterr(AGWARN);
      lay_out(&c, co, k);
    }
    check_stray_blocks(&c);
  }
  if (c.gvc)
    gvFreeContext(c.gvc);
  g_clear_object(&c.pango);
  g_free(c.fonts_id);
  g_free(c.style_id);
}

gboolean diagram_renderer_ready(const Book *book, GError **error) {
  for (guint i = 0; i < book->chapters->len; i++) {
    const Chapter *ch = book->chapters->pdata[i];
    for (guint k = 0; k < ch->callouts->len; k++)
      if (((const Callout *)ch->callouts->pdata[k])->svg)
        return lazy_rsvg(error) != NULL;
  }
  return TRUE;
}

gboolean diagram_render(const Callout *co, cairo_t *cr, double width, double height) {
  if (!co->svg)
    return FALSE;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data(co->svg, &len);
  const RsvgApi *rsvg = lazy_rsvg(NULL);
  RsvgHandle *handle = rsvg ? rsvg->handle_new_from_data(data, len, NULL) : NULL;
  if (!handle)
    return FALSE;
  RsvgRectangle viewport = {0, 0, width, height};
  gboolean ok = rsvg->handle_render_document(handle, cr, &viewport, NULL);
  g_object_unref(handle);
  return ok;
}
