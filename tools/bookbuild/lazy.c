/* lazy.c: libsoup and librsvg, opened when first used (see lazy.h). */
#include "lazy.h"

#include <gmodule.h>

/* The libraries by their sonames, the names the loader would have used. */
#define SOUP_SONAME "libsoup-3.0.so.0"
#define RSVG_SONAME "librsvg-2.so.2"

typedef struct {
  const char *name;
  gsize offset; /* of the member the symbol goes in */
} Symbol;

/* Opens `soname` and fills `table` with its `symbols`; FALSE with `error` when one is missing. */
static gboolean load(const char *soname, const Symbol *symbols, gsize n, void *table,
                     GError **error) {
  GModule *module = g_module_open(soname, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (!module) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "cannot open %s: %s", soname,
                g_module_error());
    return FALSE;
  }
  for (gsize i = 0; i < n; i++) {
    gpointer *slot = (gpointer *)((char *)table + symbols[i].offset);
    if (!g_module_symbol(module, symbols[i].name, slot) || !*slot) {
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s has no %s", soname, symbols[i].name);
      g_module_close(module);
      return FALSE;
    }
  }
  g_module_make_resident(module); /* its types are registered with GObject for good */
  return TRUE;
}

#define SOUP(member, symbol)                                                                       \
  { #symbol, G_STRUCT_OFFSET(SoupApi, member) }
static const Symbol soup_symbols[] = {
    SOUP(server_get_type, soup_server_get_type),
    SOUP(server_listen, soup_server_listen),
    SOUP(server_get_uris, soup_server_get_uris),
    SOUP(server_add_handler, soup_server_add_handler),
    SOUP(server_disconnect, soup_server_disconnect),
    SOUP(message_set_status, soup_server_message_set_status),
    SOUP(message_get_response_headers, soup_server_message_get_response_headers),
    SOUP(message_get_response_body, soup_server_message_get_response_body),
    SOUP(message_set_response, soup_server_message_set_response),
    SOUP(message_get_method, soup_server_message_get_method),
    SOUP(message_unpause, soup_server_message_unpause),
    SOUP(headers_replace, soup_message_headers_replace),
    SOUP(headers_set_content_type, soup_message_headers_set_content_type),
    SOUP(headers_set_encoding, soup_message_headers_set_encoding),
    SOUP(body_append, soup_message_body_append),
    SOUP(get_major_version, soup_get_major_version),
    SOUP(get_minor_version, soup_get_minor_version),
    SOUP(get_micro_version, soup_get_micro_version),
};

#define RSVG(member, symbol)                                                                       \
  { #symbol, G_STRUCT_OFFSET(RsvgApi, member) }
static const Symbol rsvg_symbols[] = {
    RSVG(handle_new_from_data, rsvg_handle_new_from_data),
    RSVG(handle_render_document, rsvg_handle_render_document),
    RSVG(major_version, rsvg_major_version),
    RSVG(minor_version, rsvg_minor_version),
    RSVG(micro_version, rsvg_micro_version),
};

const SoupApi *lazy_soup(GError **error) {
  static SoupApi api;
  static gboolean loaded;
  if (!loaded)
    loaded = load(SOUP_SONAME, soup_symbols, G_N_ELEMENTS(soup_symbols), &api, error);
  return loaded ? &api : NULL;
}

const RsvgApi *lazy_rsvg(GError **error) {
  static RsvgApi api;
  static gboolean loaded;
  if (!loaded)
    loaded = load(RSVG_SONAME, rsvg_symbols, G_N_ELEMENTS(rsvg_symbols), &api, error);
  return loaded ? &api : NULL;
}
