/* lazy.h: libraries that one command needs and the others do not, opened when first used
 * rather than by the loader at every start. libsoup (only `serve`) brings twelve more libraries
 * (Kerberos, SQLite, nghttp2...) and librsvg (only drawings in the PDF) five: at every start of
 * `check` or `epub`, the loader mapped and relocated them, a quarter of its work. Their headers
 * still give the types and constants; the functions come from these tables. */
#ifndef BOOKBUILD_LAZY_H
#define BOOKBUILD_LAZY_H

#include <librsvg/rsvg.h>
#include <libsoup/soup.h>

typedef struct {
  GType (*server_get_type)(void);
  gboolean (*server_listen)(SoupServer *, GSocketAddress *, SoupServerListenOptions, GError **);
  GSList *(*server_get_uris)(SoupServer *);
  void (*server_add_handler)(SoupServer *, const char *, SoupServerCallback, gpointer,
                             GDestroyNotify);
  void (*server_disconnect)(SoupServer *);
  void (*message_set_status)(SoupServerMessage *, guint, const char *);
  SoupMessageHeaders *(*message_get_response_headers)(SoupServerMessage *);
  SoupMessageBody *(*message_get_response_body)(SoupServerMessage *);
  void (*message_set_response)(SoupServerMessage *, const char *, SoupMemoryUse, const char *,
                               gsize);
  const char *(*message_get_method)(SoupServerMessage *);
  void (*message_unpause)(SoupServerMessage *);
  void (*headers_replace)(SoupMessageHeaders *, const char *, const char *);
  void (*headers_set_content_type)(SoupMessageHeaders *, const char *, GHashTable *);
  void (*headers_set_encoding)(SoupMessageHeaders *, SoupEncoding);
  void (*body_append)(SoupMessageBody *, SoupMemoryUse, gconstpointer, gsize);
  guint (*get_major_version)(void);
  guint (*get_minor_version)(void);
  guint (*get_micro_version)(void);
} SoupApi;

typedef struct {
  RsvgHandle *(*handle_new_from_data)(const guint8 *, gsize, GError **);
  gboolean (*handle_render_document)(RsvgHandle *, cairo_t *, const RsvgRectangle *, GError **);
  const guint *major_version, *minor_version, *micro_version;
} RsvgApi;

/* The library's functions, opened on the first call (and kept for the process), or NULL with
 * `error` when it or one of its functions cannot be found. */
const SoupApi *lazy_soup(GError **error);
const RsvgApi *lazy_rsvg(GError **error);

#endif
