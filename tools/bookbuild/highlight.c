/* highlight.c: a small lexer per language family (Python, pycon, shell, C, data formats,
 * Dockerfile). It colours; it does not parse: a wrong guess only changes a colour. */
#include "highlight.h"

#include <string.h>

typedef struct {
  const char *s;
  gsize len;
  GArray *out;
} Lexer;

static const char *const class_names[HL_CLASS_COUNT] = {
    [HL_PLAIN] = "",    [HL_KEYWORD] = "kw", [HL_BUILTIN] = "bi", [HL_STRING] = "st",
    [HL_NUMBER] = "nu", [HL_COMMENT] = "co", [HL_NAME] = "nm",    [HL_DECORATOR] = "de",
    [HL_PROMPT] = "pr", [HL_OUTPUT] = "go",
};

const char *highlight_class_name(HighlightClass cls) { return class_names[cls]; }

static void emit(Lexer *lx, gsize start, gsize end, HighlightClass cls) {
  if (end <= start)
    return;
  if (lx->out->len) {
    HighlightToken *last = &g_array_index(lx->out, HighlightToken, lx->out->len - 1);
    if (last->cls == cls && last->start + last->len == start) {
      last->len += (guint)(end - start);
      return;
    }
  }
  HighlightToken t = {(guint)start, (guint)(end - start), cls};
  g_array_append_val(lx->out, t);
}

/* Whether the n bytes at `w` are one of `list`'s words (its first byte compared first: this
 * runs for every identifier of every listing). */
static gboolean word_in(const char *w, gsize n, const char *const *list) {
  for (; *list; list++)
    if ((*list)[0] == w[0] && strncmp(*list, w, n) == 0 && (*list)[n] == '\0')
      return TRUE;
  return FALSE;
}

static gboolean is_ident_start(char c) { return g_ascii_isalpha(c) || c == '_' || (c & 0x80); }
static gboolean is_ident(char c) { return g_ascii_isalnum(c) || c == '_' || (c & 0x80); }

static const char *const py_keywords[] = {
    "False",   "None",     "True",     "and",    "as",   "assert", "async",  "await",
    "break",   "class",    "continue", "def",    "del",  "elif",   "else",   "except",
    "finally", "for",      "from",     "global", "if",   "import", "in",     "is",
    "lambda",  "nonlocal", "not",      "or",     "pass", "raise",  "return", "try",
    "while",   "with",     "yield",    "match",  "case", "type",   "lazy",   NULL};
static const char *const py_builtins[] = {
    "print",        "len",         "range",    "type",
    "object",       "int",         "str",      "float",
    "bool",         "list",        "dict",     "set",
    "tuple",        "frozenset",   "bytes",    "isinstance",
    "issubclass",   "id",          "super",    "property",
    "staticmethod", "classmethod", "getattr",  "setattr",
    "hasattr",      "delattr",     "iter",     "next",
    "open",         "repr",        "sorted",   "reversed",
    "enumerate",    "zip",         "map",      "filter",
    "sum",          "min",         "max",      "abs",
    "any",          "all",         "vars",     "dir",
    "globals",      "locals",      "callable", "hash",
    "self",         "cls",         "__name__", "NotImplemented",
    "Ellipsis",     "compile",     "exec",     "eval",
    "memoryview",   "bytearray",   "divmod",   "round",
    "pow",          "format",      "chr",      "ord",
    "hex",          "bin",         "oct",      NULL};

/* A Python string at i (after an optional prefix); returns its end. */
static gsize py_string_end(const char *s, gsize len, gsize i) {
  char q = s[i];
  gboolean triple = i + 2 < len && s[i + 1] == q && s[i + 2] == q;
  gsize j = i + (triple ? 3 : 1);
  while (j < len) {
    if (s[j] == '\\') {
      j += 2;
      continue;
    }
    if (!triple && s[j] == '\n')
      return j;
    if (s[j] == q && (!triple || (j + 2 < len && s[j + 1] == q && s[j + 2] == q)))
      return j + (triple ? 3 : 1);
    j++;
  }
  return len;
}

/* The end of the quoted string opening at s[i] (its closing quote included), on one line;
 * with `backslash`, a backslash escapes the next character. */
static gsize quoted_end(const char *s, gsize len, gsize i, gboolean backslash) {
  char quote = s[i++];
  while (i < len && s[i] != quote && s[i] != '\n')
    i += backslash && s[i] == '\\' ? 2 : 1;
  return MIN(i + 1, len);
}

static gsize number_end(const char *s, gsize len, gsize i) {
  gsize j = i;
  while (j < len &&
         (g_ascii_isalnum(s[j]) || s[j] == '_' || s[j] == '.' ||
          ((s[j] == '+' || s[j] == '-') && j > i && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
    j++;
  return j;
}

static void lex_python(Lexer *lx, gsize from, gsize to) {
  const char *s = lx->s;
  gsize i = from;
  gboolean name_next = FALSE;
  while (i < to) {
    char c = s[i];
    gsize start = i;
    if (c == '#') {
      while (i < to && s[i] != '\n')
        i++;
      emit(lx, start, i, HL_COMMENT);
    } else if (c == '"' || c == '\'') {
      i = MIN(py_string_end(s, to, i), to);
      emit(lx, start, i, HL_STRING);
    } else if (g_ascii_isdigit(c) || (c == '.' && i + 1 < to && g_ascii_isdigit(s[i + 1]))) {
      i = number_end(s, to, i);
      emit(lx, start, i, HL_NUMBER);
    } else if (c == '@' && (i == from || s[i - 1] == '\n' || s[i - 1] == ' ') && i + 1 < to &&
               is_ident_start(s[i + 1])) {
      i++;
      while (i < to && (is_ident(s[i]) || s[i] == '.'))
        i++;
      emit(lx, start, i, HL_DECORATOR);
    } else if (is_ident_start(c)) {
      while (i < to && is_ident(s[i]))
        i++;
      gsize n = i - start;
      /* A string prefix: r"...", f'...', rb"..." */
      if (i < to && (s[i] == '"' || s[i] == '\'') && n <= 2 &&
          strspn(s + start, "rRbBfFuUtT") >= n) {
        i = MIN(py_string_end(s, to, i), to);
        emit(lx, start, i, HL_STRING);
        continue;
      }
      HighlightClass cls = HL_PLAIN;
      if (name_next)
        cls = HL_NAME;
      else if (word_in(s + start, n, py_keywords))
        cls = HL_KEYWORD;
      else if (word_in(s + start, n, py_builtins))
        cls = HL_BUILTIN;
      name_next = cls == HL_KEYWORD && ((n == 3 && !strncmp(s + start, "def", 3)) ||
                                        (n == 5 && !strncmp(s + start, "class", 5)));
      emit(lx, start, i, cls);
    } else {
      i++;
      emit(lx, start, i, HL_PLAIN);
    }
  }
}

static gsize line_end(const char *s, gsize len, gsize i) {
  while (i < len && s[i] != '\n')
    i++;
  return i < len ? i + 1 : len;
}

/* >>> and ... lines are Python after the prompt; other lines are output. */
static void lex_pycon(Lexer *lx) {
  gsize i = 0;
  while (i < lx->len) {
    gsize end = line_end(lx->s, lx->len, i);
    gboolean prompt = (end - i >= 3) &&
                      (!strncmp(lx->s + i, ">>>", 3) || !strncmp(lx->s + i, "...", 3)) &&
                      (end - i == 3 || lx->s[i + 3] == ' ' || lx->s[i + 3] == '\n');
    if (prompt) {
      gsize p = i + MIN((gsize)4, end - i);
      emit(lx, i, p, HL_PROMPT);
      lex_python(lx, p, end);
    } else {
      emit(lx, i, end, HL_OUTPUT);
    }
    i = end;
  }
}

static const char *const sh_keywords[] = {"if",       "then",   "else",   "elif",  "fi",   "for",
                                          "while",    "do",     "done",   "case",  "esac", "in",
                                          "function", "return", "export", "local", "set",  "unset",
                                          "source",   "cd",     "echo",   "exit",  "sudo", NULL};

static void lex_shell_line(Lexer *lx, gsize from, gsize to) {
  const char *s = lx->s;
  gsize i = from;
  while (i < to) {
    gsize start = i;
    char c = s[i];
    if (c == '#' && (i == from || s[i - 1] == ' ')) {
      i = to;
      while (i > start && s[i - 1] == '\n')
        i--;
      emit(lx, start, i, HL_COMMENT);
    } else if (c == '"' || c == '\'') {
      i = quoted_end(s, to, i, c == '"'); /* the shell escapes only in double quotes */
      emit(lx, start, i, HL_STRING);
    } else if (c == '$' && i + 1 < to && (is_ident_start(s[i + 1]) || s[i + 1] == '{')) {
      i++;
      while (i < to && (is_ident(s[i]) || s[i] == '{' || s[i] == '}'))
        i++;
      emit(lx, start, i, HL_BUILTIN);
    } else if (is_ident_start(c) || c == '-') {
      while (i < to && (is_ident(s[i]) || s[i] == '-' || s[i] == '.' || s[i] == '/'))
        i++;
      gboolean kw = word_in(s + start, i - start, sh_keywords);
      emit(lx, start, i, kw ? HL_KEYWORD : HL_PLAIN);
    } else {
      i++;
      emit(lx, start, i, HL_PLAIN);
    }
  }
}

/* console: "$ " or "# " prompts, the command after them, output otherwise. bash: all code. */
static void lex_shell(Lexer *lx, gboolean console) {
  gsize i = 0;
  gboolean continued = FALSE;
  while (i < lx->len) {
    gsize end = line_end(lx->s, lx->len, i);
    gboolean prompt =
        console && end - i >= 2 && (lx->s[i] == '$' || lx->s[i] == '>') && lx->s[i + 1] == ' ';
    if (!console || prompt || continued) {
      gsize p = prompt ? i + 2 : i;
      emit(lx, i, p, HL_PROMPT);
      lex_shell_line(lx, p, end);
      gsize last = end;
      while (last > i && (lx->s[last - 1] == '\n' || lx->s[last - 1] == ' '))
        last--;
      continued = console && last > i && lx->s[last - 1] == '\\';
    } else {
      emit(lx, i, end, HL_OUTPUT);
    }
    i = end;
  }
}

static const char *const c_keywords[] = {
    "auto",     "break",  "case",   "char",     "const",    "continue", "default",  "do",
    "double",   "else",   "enum",   "extern",   "float",    "for",      "goto",     "if",
    "inline",   "int",    "long",   "register", "restrict", "return",   "short",    "signed",
    "sizeof",   "static", "struct", "switch",   "typedef",  "union",    "unsigned", "void",
    "volatile", "while",  "bool",   "NULL",     "true",     "false",    NULL};

static void lex_c(Lexer *lx) {
  const char *s = lx->s;
  gsize i = 0, len = lx->len;
  while (i < len) {
    gsize start = i;
    char c = s[i];
    if (c == '/' && i + 1 < len && s[i + 1] == '/') {
      while (i < len && s[i] != '\n')
        i++;
      emit(lx, start, i, HL_COMMENT);
    } else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
      const char *end = g_strstr_len(s + i + 2, (gssize)(len - i - 2), "*/");
      i = end ? (gsize)(end - s) + 2 : len;
      emit(lx, start, i, HL_COMMENT);
    } else if (c == '#' && (i == 0 || s[i - 1] == '\n')) {
      while (i < len && s[i] != '\n')
        i++;
      emit(lx, start, i, HL_DECORATOR);
    } else if (c == '"' || c == '\'') {
      i = quoted_end(s, len, i, TRUE);
      emit(lx, start, i, HL_STRING);
    } else if (g_ascii_isdigit(c)) {
      i = number_end(s, len, i);
      emit(lx, start, i, HL_NUMBER);
    } else if (is_ident_start(c)) {
      while (i < len && is_ident(s[i]))
        i++;
      emit(lx, start, i, word_in(s + start, i - start, c_keywords) ? HL_KEYWORD : HL_PLAIN);
    } else {
      i++;
      emit(lx, start, i, HL_PLAIN);
    }
  }
}

/* toml, ini, yaml, json, cfg: comments, [sections], keys, strings, numbers, literals. */
static const char *const data_literals[] = {"true", "false", "null", "True", "False", "yes",
                                            "no",   "on",    "off",  "~",    NULL};

static void lex_data(Lexer *lx, gboolean json) {
  const char *s = lx->s;
  gsize i = 0, len = lx->len;
  gboolean line_start = TRUE;
  while (i < len) {
    gsize start = i;
    char c = s[i];
    if (!json && (c == '#' || (c == ';' && line_start))) {
      while (i < len && s[i] != '\n')
        i++;
      emit(lx, start, i, HL_COMMENT);
    } else if (!json && c == '[' && line_start) {
      while (i < len && s[i] != '\n' && s[i] != ']')
        i++;
      i = MIN(i + 1, len);
      emit(lx, start, i, HL_DECORATOR);
    } else if (c == '"' || c == '\'') {
      i = quoted_end(s, len, i, TRUE);
      gsize k = i;
      while (k < len && s[k] == ' ')
        k++;
      gboolean key = k < len && (s[k] == ':' || s[k] == '=');
      emit(lx, start, i, key ? HL_NAME : HL_STRING);
    } else if (g_ascii_isdigit(c) || (c == '-' && i + 1 < len && g_ascii_isdigit(s[i + 1]))) {
      i = number_end(s, len, i + 1);
      emit(lx, start, i, HL_NUMBER);
    } else if (is_ident_start(c)) {
      while (i < len && (is_ident(s[i]) || s[i] == '-' || s[i] == '.'))
        i++;
      gsize k = i;
      while (k < len && s[k] == ' ')
        k++;
      gboolean key = line_start && k < len && (s[k] == ':' || s[k] == '=');
      HighlightClass cls =
          key ? HL_NAME : (word_in(s + start, i - start, data_literals) ? HL_BUILTIN : HL_PLAIN);
      emit(lx, start, i, cls);
    } else {
      i++;
      emit(lx, start, i, HL_PLAIN);
    }
    if (c == '\n')
      line_start = TRUE;
    else if (c != ' ' && c != '\t' && c != '-')
      line_start = FALSE;
  }
}

static void lex_dockerfile(Lexer *lx) {
  gsize i = 0;
  while (i < lx->len) {
    gsize end = line_end(lx->s, lx->len, i);
    if (lx->s[i] == '#') {
      emit(lx, i, end, HL_COMMENT);
    } else {
      gsize w = i;
      while (w < end && g_ascii_isupper(lx->s[w]))
        w++;
      emit(lx, i, w, w > i + 1 ? HL_KEYWORD : HL_PLAIN);
      lex_shell_line(lx, w, end);
    }
    i = end;
  }
}

static void lex_python_all(Lexer *lx) { lex_python(lx, 0, lx->len); }
static void lex_console(Lexer *lx) { lex_shell(lx, TRUE); }
static void lex_script(Lexer *lx) { lex_shell(lx, FALSE); }
static void lex_json(Lexer *lx) { lex_data(lx, TRUE); }
static void lex_config(Lexer *lx) { lex_data(lx, FALSE); }

/* Every language a code fence may name: the lexer that highlights it, or NULL for one shown
 * plain. The validator's `code-language` check asks this table too. */
static const struct {
  const char *name;
  void (*lex)(Lexer *lx);
} languages[] = {
    {"python", lex_python_all},
    {"py", lex_python_all},
    {"pycon", lex_pycon},
    {"console", lex_console},
    {"bash", lex_script},
    {"sh", lex_script},
    {"shell", lex_script},
    {"c", lex_c},
    {"cpp", lex_c},
    {"json", lex_json},
    {"toml", lex_config},
    {"ini", lex_config},
    {"yaml", lex_config},
    {"cfg", lex_config},
    {"dockerfile", lex_dockerfile},
    {"text", NULL},
    {"diff", NULL},
    {"html", NULL},
    {"xml", NULL},
    {"css", NULL},
    {"javascript", NULL},
    {"js", NULL},
    {"sql", NULL},
    {"make", NULL},
    {"makefile", NULL},
    {"markdown", NULL},
    {"md", NULL},
    {"rust", NULL},
    {"go", NULL},
    {"pytb", NULL},
    {"csv", NULL},
    {"powershell", NULL},
    {"bat", NULL},
    {"nginx", NULL},
    {"jinja", NULL},
    {"ebnf", NULL},
    {"peg", NULL},
};

/* The table's entry for `lang`, or -1. */
static int language_index(const char *lang) {
  for (gsize i = 0; lang && i < G_N_ELEMENTS(languages); i++)
    if (strcmp(lang, languages[i].name) == 0)
      return (int)i;
  return -1;
}

gboolean highlight_knows_language(const char *lang) { return language_index(lang) >= 0; }

GArray *highlight_tokens(const char *lang, const char *code, gsize len) {
  Lexer lx = {code, len, g_array_new(FALSE, FALSE, sizeof(HighlightToken))};
  int k = language_index(lang);
  if (k >= 0 && languages[k].lex)
    languages[k].lex(&lx);
  else
    emit(&lx, 0, len, HL_PLAIN);
  return lx.out;
}
