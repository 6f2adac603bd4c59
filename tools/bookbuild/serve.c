/* serve.c: the preview server (see serve.h): the EPUB read into memory, its spine for the index,
 * the requests, the banner and reload script put into each page, and the /events stream. */
#include "serve.h"
#include "lazy.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>
#include <zip.h>

/* libsoup, opened by serve_new() (lazy.h). */
static const SoupApi *soup;

typedef struct {
  char *name;  /* the entry's name in the archive: its path on the server */
  char *title; /* the page's <title>, or its name */
} SpineItem;

/* One good build's EPUB, as served. */
typedef struct {
  GHashTable *files; /* entry name -> GBytes* */
  GHashTable *types; /* entry name -> media type, from the package's manifest */
  GPtrArray *spine;  /* SpineItem*, in reading order */
  char *title;       /* dc:title, or NULL */
} Served;

struct Serve {
  SoupServer *server;
  char *url;
  char *epub;
  Served *book;      /* the last good build's, or NULL before there is one */
  GPtrArray *events; /* SoupServerMessage* of the open /events streams (not owned) */
  guint generation;  /* builds finished: an open page reloads when it differs from its own */
  char *report;      /* the last build's line, or NULL before the first ends */
  char *log;         /* its diagnostics */
  gboolean failed;   /* the last build failed: pages show the last good book */
};

static void spine_item_free(SpineItem *item) {
  g_free(item->name);
  g_free(item->title);
  g_free(item);
}

static void served_free(Served *book) {
  if (!book)
    return;
  g_hash_table_destroy(book->files);
  g_hash_table_destroy(book->types);
  g_ptr_array_unref(book->spine);
  g_free(book->title);
  g_free(book);
}

/* ---- reading the EPUB ---- */

/* Every file of the archive at `path` (entry name -> GBytes*); NULL with `error`. */
static GHashTable *read_archive(const char *path, GError **error) {
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &data, &len, error))
    return NULL;
  if (len > SERVE_MAX_EPUB_BYTES) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "'%s' is larger than the preview reads",
                path);
    return NULL;
  }
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
  zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
  if (!za) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "'%s' is not a readable EPUB: %s", path,
                zip_error_strerror(&ze));
    zip_source_free(src);
    zip_error_fini(&ze);
    return NULL;
  }
  GHashTable *files =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
  gboolean ok = TRUE;
  for (zip_int64_t i = 0; ok && i < zip_get_num_entries(za, 0); i++) {
    zip_stat_t st;
    if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        g_str_has_suffix(st.name, "/"))
      continue;
    /* Each size is bounded: the entries together inflate to what this binary wrote. */
    zip_file_t *f =
        st.size <= SERVE_MAX_EPUB_BYTES ? zip_fopen_index(za, (zip_uint64_t)i, 0) : NULL;
    char *buf = g_malloc(st.size ? st.size : 1);
    ok = f && zip_fread(f, buf, st.size) == (zip_int64_t)st.size;
    if (f)
      zip_fclose(f);
    if (ok)
      g_hash_table_insert(files, g_strdup(st.name), g_bytes_new_take(buf, st.size));
    else
      g_free(buf);
  }
  zip_discard(za);
  if (!ok) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "'%s' has a damaged entry", path);
    g_hash_table_destroy(files);
    return NULL;
  }
  return files;
}

static xmlDoc *parse_entry(GHashTable *files, const char *name) {
  GBytes *bytes = g_hash_table_lookup(files, name);
  if (!bytes)
    return NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data(bytes, &len);
  return xmlReadMemory(data, (int)len, name, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* The first element named `local` (any namespace) at or under `node`, in document order. */
static xmlNode *find_element(xmlNode *node, const char *local) {
  for (; node; node = node->next) {
    if (node->type != XML_ELEMENT_NODE)
      continue;
    if (strcmp((const char *)node->name, local) == 0)
      return node;
    xmlNode *found = find_element(node->children, local);
    if (found)
      return found;
  }
  return NULL;
}

static char *attribute(xmlNode *node, const char *name) {
  xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
  char *copy = v ? g_strdup((const char *)v) : NULL;
  xmlFree(v);
  return copy;
}

static char *element_text(xmlNode *node) {
  xmlChar *v = node ? xmlNodeGetContent(node) : NULL;
  char *copy = v ? g_strstrip(g_strdup((const char *)v)) : NULL;
  xmlFree(v);
  return copy;
}

/* The entry a manifest href names: relative to the package's folder, percent-decoded. */
static char *entry_of(const char *package_dir, const char *href) {
  g_autofree char *plain = g_uri_unescape_string(href, NULL);
  if (!plain)
    return NULL;
  return *package_dir ? g_strconcat(package_dir, "/", plain, NULL) : g_steal_pointer(&plain);
}

static char *page_title(GHashTable *files, const char *name) {
  xmlDoc *doc = parse_entry(files, name);
  char *title = doc ? element_text(find_element(xmlDocGetRootElement(doc), "title")) : NULL;
  xmlFreeDoc(doc);
  return title && *title ? title : (g_free(title), g_strdup(name));
}

/* The manifest's media types and the spine, from the package document container.xml names. */
static void read_package(Served *book) {
  xmlDoc *container = parse_entry(book->files, "META-INF/container.xml");
  xmlNode *rootfile = container ? find_element(xmlDocGetRootElement(container), "rootfile") : NULL;
  g_autofree char *opf = rootfile ? attribute(rootfile, "full-path") : NULL;
  xmlFreeDoc(container);
  xmlDoc *doc = opf ? parse_entry(book->files, opf) : NULL;
  if (!doc)
    return;
  g_autofree char *dir = g_path_get_dirname(opf);
  const char *package_dir = strcmp(dir, ".") == 0 ? "" : dir;
  xmlNode *root = xmlDocGetRootElement(doc);
  book->title = element_text(find_element(root, "title"));
  g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  xmlNode *manifest = find_element(root, "manifest");
  for (xmlNode *n = manifest ? manifest->children : NULL; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "item") != 0)
      continue;
    g_autofree char *id = attribute(n, "id"), *href = attribute(n, "href");
    g_autofree char *type = attribute(n, "media-type");
    char *name = id && href ? entry_of(package_dir, href) : NULL;
    if (!name)
      continue;
    if (type)
      g_hash_table_replace(book->types, g_strdup(name), g_steal_pointer(&type));
    g_hash_table_replace(ids, g_steal_pointer(&id), name);
  }
  xmlNode *spine = find_element(root, "spine");
  for (xmlNode *n = spine ? spine->children : NULL; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "itemref") != 0)
      continue;
    g_autofree char *idref = attribute(n, "idref");
    const char *name = idref ? g_hash_table_lookup(ids, idref) : NULL;
    if (!name)
      continue;
    SpineItem *item = g_new0(SpineItem, 1);
    item->name = g_strdup(name);
    item->title = page_title(book->files, name);
    g_ptr_array_add(book->spine, item);
  }
  xmlFreeDoc(doc);
}

static Served *served_read(const char *path, GError **error) {
  GHashTable *files = read_archive(path, error);
  if (!files)
    return NULL;
  Served *book = g_new0(Served, 1);
  book->files = files;
  book->types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  book->spine = g_ptr_array_new_with_free_func((GDestroyNotify)spine_item_free);
  read_package(book);
  return book;
}

/* ---- pages ---- */

/* Reloads the page when a build later than the one it shows has finished. In CDATA, so the
 * same text is a script in the XHTML pages and in the HTML index. */
#define RELOAD_SCRIPT                                                                              \
  "<script>//<![CDATA[\n"                                                                          \
  "(function () {\n"                                                                               \
  "  var shown = %u;\n"                                                                            \
  "  var events = new EventSource('/events');\n"                                                   \
  "  events.onmessage = function (e) {\n"                                                          \
  "    if (Number(e.data) !== shown) { events.close(); location.reload(); }\n"                     \
  "  };\n"                                                                                         \
  "})();\n"                                                                                        \
  "//]]></script>\n"

/* The box at the top of every page: the last build's line and its diagnostics (escaped), and
 * the reload script. Well-formed XHTML, so it goes into the book's pages as they are. */
static char *banner(const Serve *s) {
  GString *out = g_string_new(NULL);
  const char *colour = s->failed ? "#fde8e8" : "#e8f4ea";
  g_string_append_printf(out,
                         "<div id=\"bookbuild-serve\" style=\"all: initial; display: block; "
                         "font: 14px/1.4 sans-serif; color: #000; background: %s; "
                         "border-bottom: 1px solid #888; padding: 0.5em 1em; margin: 0 0 1em\">",
                         colour);
  g_autofree char *report = g_markup_escape_text(s->report ? s->report : "building...", -1);
  g_string_append_printf(out,
                         "<strong id=\"bookbuild-report\" style=\"all: initial; font: bold "
                         "14px/1.4 sans-serif\">%s</strong> <a href=\"/\" "
                         "style=\"color: #00c\">contents</a>",
                         report);
  if (s->failed)
    g_string_append(out, " <em>(showing the last good build)</em>");
  if (s->log && *s->log) {
    g_autofree char *log = g_markup_escape_text(s->log, -1);
    g_string_append_printf(
        out,
        "<pre id=\"bookbuild-log\" style=\"all: initial; display: block; white-space: "
        "pre-wrap; margin: 0.5em 0 0; font: 13px/1.3 monospace\">%s</pre>",
        log);
  }
  g_string_append_printf(out, RELOAD_SCRIPT, s->generation);
  g_string_append(out, "</div>\n");
  return g_string_free(out, FALSE);
}

static char *index_page(const Serve *s) {
  GString *out = g_string_new("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/>");
  const char *title = s->book && s->book->title ? s->book->title : "bookbuild preview";
  g_autofree char *t = g_markup_escape_text(title, -1);
  g_string_append_printf(out, "<title>%s</title></head>\n<body>\n", t);
  g_autofree char *top = banner(s);
  g_string_append(out, top);
  g_string_append_printf(out, "<h1>%s</h1>\n", t);
  if (!s->book)
    g_string_append(out, "<p>No EPUB has been built yet.</p>\n");
  else
    g_string_append(out, "<ol id=\"bookbuild-chapters\">\n");
  for (guint i = 0; s->book && i < s->book->spine->len; i++) {
    const SpineItem *item = s->book->spine->pdata[i];
    g_autofree char *href = g_uri_escape_string(item->name, "/", FALSE);
    g_autofree char *text = g_markup_escape_text(item->title, -1);
    g_string_append_printf(out, "<li><a href=\"/%s\">%s</a></li>\n", href, text);
  }
  if (s->book)
    g_string_append(out, "</ol>\n");
  g_string_append(out, "</body></html>\n");
  return g_string_free(out, FALSE);
}

/* The page with the banner after its <body> tag; NULL when it has none (served as it is). */
static char *with_banner(const Serve *s, GBytes *page) {
  gsize len = 0;
  const char *data = g_bytes_get_data(page, &len);
  g_autofree char *text = g_strndup(data, len);
  const char *body = strstr(text, "<body");
  const char *end = body ? strchr(body, '>') : NULL;
  if (!end)
    return NULL;
  g_autofree char *top = banner(s);
  return g_strdup_printf("%.*s\n%s%s", (int)(end + 1 - text), text, top, end + 1);
}

/* ---- requests ---- */

/* The entry a request path names, or NULL when it is not a plain relative path inside the
 * served tree: an empty, "." or ".." segment, a backslash, an encoded "/" or NUL. */
static char *entry_of_request(const char *path) {
  if (!path || path[0] != '/')
    return NULL;
  g_autofree char *plain = g_uri_unescape_string(path + 1, "/");
  if (!plain || !*plain || strchr(plain, '\\'))
    return NULL;
  g_auto(GStrv) segments = g_strsplit(plain, "/", -1);
  for (int i = 0; segments[i]; i++)
    if (!*segments[i] || strcmp(segments[i], ".") == 0 || strcmp(segments[i], "..") == 0)
      return NULL;
  return g_steal_pointer(&plain);
}

static void respond(SoupServerMessage *msg, guint status, const char *type, char *body, gsize len) {
  soup->message_set_status(msg, status, NULL);
  SoupMessageHeaders *h = soup->message_get_response_headers(msg);
  soup->headers_replace(h, "Cache-Control", "no-store");
  soup->headers_replace(h, "X-Content-Type-Options", "nosniff");
  soup->message_set_response(msg, type, SOUP_MEMORY_TAKE, body, len);
}

/* A page, with the banner and its reload script: a page the next build brings (a chapter
 * added) appears by itself. */
static void not_found(const Serve *s, SoupServerMessage *msg) {
  g_autofree char *top = banner(s);
  char *page = g_strdup_printf("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>Not "
                               "found</title></head>\n<body>\n%s<p>The book has no such page.</p>"
                               "\n</body></html>\n",
                               top);
  respond(msg, SOUP_STATUS_NOT_FOUND, "text/html; charset=utf-8", page, strlen(page));
}

static void serve_file(Serve *s, SoupServerMessage *msg, const char *path) {
  g_autofree char *name = entry_of_request(path);
  GBytes *bytes = name && s->book ? g_hash_table_lookup(s->book->files, name) : NULL;
  if (!bytes) {
    not_found(s, msg);
    return;
  }
  const char *type = g_hash_table_lookup(s->book->types, name);
  if (!type)
    type = "application/octet-stream";
  char *page = strcmp(type, "application/xhtml+xml") == 0 ? with_banner(s, bytes) : NULL;
  if (page) {
    respond(msg, SOUP_STATUS_OK, "application/xhtml+xml; charset=utf-8", page, strlen(page));
    return;
  }
  gsize len = 0;
  const void *data = g_bytes_get_data(bytes, &len);
  respond(msg, SOUP_STATUS_OK, type, g_memdup2(data, len), len);
}

static void on_events_gone(SoupServerMessage *msg, gpointer data) {
  Serve *s = data;
  g_signal_handlers_disconnect_by_data(msg, s);
  g_ptr_array_remove(s->events, msg);
}

static void send_generation(const Serve *s, SoupServerMessage *msg) {
  g_autofree char *event = g_strdup_printf("data: %u\n\n", s->generation);
  SoupMessageBody *body = soup->message_get_response_body(msg);
  soup->body_append(body, SOUP_MEMORY_COPY, event, strlen(event));
}

/* An event stream (held, with a reference, until its client goes): the generation now (a build that
 * ended while the page loaded reloads it at once), then one message per finished build. */
static void open_events(Serve *s, SoupServerMessage *msg) {
  soup->message_set_status(msg, SOUP_STATUS_OK, NULL);
  SoupMessageHeaders *h = soup->message_get_response_headers(msg);
  soup->headers_set_content_type(h, "text/event-stream", NULL);
  soup->headers_set_encoding(h, SOUP_ENCODING_CHUNKED);
  soup->headers_replace(h, "Cache-Control", "no-store");
  send_generation(s, msg);
  g_signal_connect(msg, "finished", G_CALLBACK(on_events_gone), s);
  g_signal_connect(msg, "disconnected", G_CALLBACK(on_events_gone), s);
  g_ptr_array_add(s->events, g_object_ref(msg));
}

static void on_request(SoupServer *server, SoupServerMessage *msg, const char *path,
                       GHashTable *query, gpointer data) {
  Serve *s = data;
  (void)server, (void)query;
  const char *method = soup->message_get_method(msg);
  if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
    char *text = g_strdup("only GET and HEAD\n");
    respond(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", text, strlen(text));
    return;
  }
  if (strcmp(path, "/") == 0) {
    char *page = index_page(s);
    respond(msg, SOUP_STATUS_OK, "text/html; charset=utf-8", page, strlen(page));
  } else if (strcmp(path, "/events") == 0) {
    open_events(s, msg);
  } else {
    serve_file(s, msg, path);
  }
}

/* ---- the server ---- */

Serve *serve_new(const char *epub, guint port, GError **error) {
  soup = lazy_soup(error);
  if (!soup)
    return NULL;
  g_autoptr(SoupServer) server =
      g_object_new(soup->server_get_type(), "server-header", "bookbuild ", NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, (guint16)port);
  if (!soup->server_listen(server, address, 0, error))
    return NULL;
  GSList *uris = soup->server_get_uris(server);
  int bound = uris ? g_uri_get_port(uris->data) : (int)port;
  g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
  Serve *s = g_new0(Serve, 1);
  s->server = g_steal_pointer(&server);
  s->url = g_strdup_printf("http://127.0.0.1:%d/", bound);
  s->epub = g_strdup(epub);
  s->events = g_ptr_array_new_with_free_func(g_object_unref);
  if (g_file_test(epub, G_FILE_TEST_IS_REGULAR))
    s->book = served_read(epub, NULL); /* an earlier build's; the first build replaces it */
  soup->server_add_handler(s->server, NULL, on_request, s, NULL);
  return s;
}

const char *serve_url(const Serve *s) { return s->url; }

void serve_build_done(Serve *s, const WatchBuild *b, const char *report) {
  g_free(s->report);
  g_free(s->log);
  s->report = g_strdup(report);
  s->log = g_strdup(b->log);
  s->failed = b->status != 0;
  if (!s->failed) {
    g_autoptr(GError) err = NULL;
    Served *book = served_read(s->epub, &err);
    if (book) {
      served_free(s->book);
      s->book = book;
    } else {
      s->failed = TRUE;
      g_free(s->log);
      s->log = g_strdup_printf("%sbookbuild: error: %s\n", b->log, err->message);
    }
  }
  s->generation = b->number;
  for (guint i = 0; i < s->events->len; i++) {
    SoupServerMessage *msg = s->events->pdata[i];
    send_generation(s, msg);
    soup->message_unpause(msg);
  }
}

void serve_free(Serve *s) {
  if (!s)
    return;
  for (guint i = 0; i < s->events->len; i++)
    g_signal_handlers_disconnect_by_data(s->events->pdata[i], s);
  g_ptr_array_unref(s->events);
  soup->server_disconnect(s->server);
  g_object_unref(s->server);
  served_free(s->book);
  g_free(s->url);
  g_free(s->epub);
  g_free(s->report);
  g_free(s->log);
  g_free(s);
}
