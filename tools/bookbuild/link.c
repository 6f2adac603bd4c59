/* link.c: classifying link URLs (see link.h). Resolution inside the book is book_resolve_link(). */
#include "link.h"

#include <string.h>

gboolean link_has_scheme(const char *url) {
  const char *p = url;
  if (!g_ascii_isalpha(*p))
    return FALSE;
  while (g_ascii_isalnum(*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  return *p == ':';
}

gboolean link_is_unsafe(const char *url) {
  while (g_ascii_isspace(*url))
    url++;
  return g_ascii_strncasecmp(url, "javascript:", 11) == 0 ||
         g_ascii_strncasecmp(url, "data:", 5) == 0 || g_ascii_strncasecmp(url, "vbscript:", 9) == 0;
}

gboolean link_is_external(const char *url) {
  return link_has_scheme(url) || g_str_has_prefix(url, "//") || g_str_has_prefix(url, "www.");
}

gboolean link_text_is_url(const char *s) {
  return g_str_has_prefix(s, "http://") || g_str_has_prefix(s, "https://") ||
         g_str_has_prefix(s, "www.") || g_str_has_prefix(s, "mailto:");
}

/* IANA's permanent URI schemes (and irc, which epubcheck 4.2.6 also accepts). */
static const char *const registered_schemes[] = {"aaa",
                                                 "aaas",
                                                 "about",
                                                 "acap",
                                                 "acct",
                                                 "cap",
                                                 "cid",
                                                 "coap",
                                                 "coaps",
                                                 "crid",
                                                 "data",
                                                 "dav",
                                                 "dict",
                                                 "dns",
                                                 "example",
                                                 "file",
                                                 "ftp",
                                                 "geo",
                                                 "go",
                                                 "gopher",
                                                 "h323",
                                                 "http",
                                                 "https",
                                                 "iax",
                                                 "icap",
                                                 "im",
                                                 "imap",
                                                 "info",
                                                 "ipp",
                                                 "ipps",
                                                 "irc",
                                                 "ircs",
                                                 "iris",
                                                 "jabber",
                                                 "ldap",
                                                 "mailto",
                                                 "mid",
                                                 "msrp",
                                                 "msrps",
                                                 "mtqp",
                                                 "mupdate",
                                                 "news",
                                                 "nfs",
                                                 "ni",
                                                 "nih",
                                                 "nntp",
                                                 "opaquelocktoken",
                                                 "pkcs11",
                                                 "pop",
                                                 "pres",
                                                 "reload",
                                                 "rtsp",
                                                 "rtsps",
                                                 "rtspu",
                                                 "service",
                                                 "session",
                                                 "shttp",
                                                 "sieve",
                                                 "sip",
                                                 "sips",
                                                 "sms",
                                                 "snmp",
                                                 "stun",
                                                 "stuns",
                                                 "tag",
                                                 "tel",
                                                 "telnet",
                                                 "tftp",
                                                 "thismessage",
                                                 "tip",
                                                 "tn3270",
                                                 "turn",
                                                 "turns",
                                                 "tv",
                                                 "urn",
                                                 "vemmi",
                                                 "vnc",
                                                 "ws",
                                                 "wss",
                                                 "xcon",
                                                 "xmpp",
                                                 "z39.50r",
                                                 "z39.50s"};

const char *link_url_problem(const char *url) {
  gsize len = strcspn(url, ":");
  g_autofree char *scheme = g_ascii_strdown(url, (gssize)len);
  gboolean known = FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS(registered_schemes) && !known; i++)
    known = strcmp(scheme, registered_schemes[i]) == 0;
  if (!known)
    return "its scheme is not a registered one (reading systems may not open it)";
  const char *rest = url + len + 1;
  if (!g_str_has_prefix(rest, "//") || strcmp(scheme, "file") == 0)
    return NULL;
  /* The host: dot-separated labels of letters, digits and hyphens (or an [IPv6] literal). */
  const char *host = rest + 2, *at = NULL;
  gsize host_len = strcspn(host, "/?#");
  for (const char *p = host; p < host + host_len; p++)
    if (*p == '@')
      at = p;
  if (at) {
    host_len -= (gsize)(at + 1 - host);
    host = at + 1;
  }
  if (*host == '[')
    return NULL;
  host_len = MIN(host_len, strcspn(host, ":/?#"));
  gsize label = 0;
  for (gsize i = 0; i <= host_len; i++) {
    if (i == host_len || host[i] == '.') {
      if (label == 0 && !(i == host_len && i > 0)) /* an empty label; a final dot is fine */
        return "its host cannot be parsed";
      label = 0;
    } else if (g_ascii_isalnum(host[i]) || host[i] == '-') {
      label++;
    } else {
      return "its host cannot be parsed";
    }
  }
  return NULL;
}

char *link_external_uri(const char *url, LinkUriForm form) {
  GString *s = g_string_new(g_str_has_prefix(url, "www.") ? "http://" : NULL);
  gboolean fragment = FALSE;
  for (const guchar *p = (const guchar *)url; *p; p++) {
    /* Not allowed raw anywhere (brackets belong only to IPv6 hosts, which books do not link),
     * a % that starts no escape, and a second #, which epubcheck rejects (RSC-020). */
    gboolean encode = *p <= 0x20 || *p == 0x7F || strchr("\"<>\\^`{|}[]", *p) ||
                      (*p == '%' && !(g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2]))) ||
                      (*p == '#' && fragment) ||
                      (form == LINK_URI_PDF && (*p >= 0x80 || strchr("()'", *p)));
    fragment |= *p == '#';
    if (encode)
      g_string_append_printf(s, "%%%02X", *p);
    else
      g_string_append_c(s, (char)*p);
  }
  return g_string_free(s, FALSE);
}
