/* version.c: the libraries' versions for `bookbuild --version` (see version.h): each library's
 * own run-time function beside the header macro it was compiled with, so a report says when a
 * system library was upgraded under the binary. */
#include "version.h"

#include "book.h"
#include "lazy.h"

#include <cairo.h>
#include <cmark-gfm_version.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>
#include <libxml/parser.h>
#include <graphviz_version.h>
#include <gvc.h>
#include <librsvg/rsvg.h>
#include <libsoup/soup.h>
#include <libxml/xmlversion.h>
#include <pango/pango.h>
#include <png.h>
#include <stdlib.h>
#include <xxhash.h>
#include <yaml.h>
#include <zip.h>
#include <zlib.h>

/* libyaml's header has no version macro: the Makefile passes pkg-config's. */
#ifndef BOOKBUILD_YAML_BUILT
#define BOOKBUILD_YAML_BUILT "unknown"
#endif

#define STR_(x) #x
#define STR(x) STR_(x)

/* libxml2's run-time version is a number, 20914 for 2.9.14. */
static char *libxml2_running(void) {
  long v = strtol(xmlParserVersion, NULL, 10);
  return g_strdup_printf("%ld.%ld.%ld", v / 10000, v / 100 % 100, v % 100);
}

static char *freetype_running(void) {
  FT_Library lib;
  FT_Int major = 0, minor = 0, patch = 0;
  if (FT_Init_FreeType(&lib) != 0)
    return g_strdup("unknown");
  FT_Library_Version(lib, &major, &minor, &patch);
  FT_Done_FreeType(lib);
  return g_strdup_printf("%d.%d.%d", major, minor, patch);
}

static char *fontconfig_running(void) {
  int v = FcGetVersion();
  return g_strdup_printf("%d.%d.%d", v / 10000, v / 100 % 100, v % 100);
}

/* xxHash's version is a number too: 801 for 0.8.1. */
static char *xxhash_version(unsigned v) {
  return g_strdup_printf("%u.%u.%u", v / 10000, v / 100 % 100, v % 100);
}

static void add(GString *out, const char *name, const char *running, const char *built) {
  g_string_append_printf(out, "  %-10s %s (built with %s)\n", name, running, built);
}

char *version_report(void) {
  GString *out = g_string_new(NULL);
  g_string_append_printf(out, "bookbuild %s (cmark-gfm %s)\n", BOOKBUILD_VERSION,
                         cmark_version_string());
  g_string_append(out, "libraries:\n");
  add(out, "cmark-gfm", cmark_version_string(), CMARK_GFM_VERSION_STRING);
  g_autofree char *glib =
      g_strdup_printf("%u.%u.%u", glib_major_version, glib_minor_version, glib_micro_version);
  add(out, "GLib", glib,
      STR(GLIB_MAJOR_VERSION) "." STR(GLIB_MINOR_VERSION) "." STR(GLIB_MICRO_VERSION));
  g_autofree char *xml = libxml2_running();
  add(out, "libxml2", xml, LIBXML_DOTTED_VERSION);
  add(out, "libzip", zip_libzip_version(), LIBZIP_VERSION);
  add(out, "libyaml", yaml_get_version_string(), BOOKBUILD_YAML_BUILT);
  add(out, "Pango", pango_version_string(), PANGO_VERSION_STRING);
  add(out, "cairo", cairo_version_string(), CAIRO_VERSION_STRING);
  add(out, "HarfBuzz", hb_version_string(), HB_VERSION_STRING);
  g_autofree char *fc = fontconfig_running();
  add(out, "fontconfig", fc, STR(FC_MAJOR) "." STR(FC_MINOR) "." STR(FC_REVISION));
  g_autofree char *ft = freetype_running();
  add(out, "FreeType", ft, STR(FREETYPE_MAJOR) "." STR(FREETYPE_MINOR) "." STR(FREETYPE_PATCH));
  add(out, "libpng", png_get_libpng_ver(NULL), PNG_LIBPNG_VER_STRING);
  const SoupApi *soup_api = lazy_soup(NULL); /* opened when used: lazy.h */
  g_autofree char *soup =
      soup_api ? g_strdup_printf("%u.%u.%u", soup_api->get_major_version(),
                                 soup_api->get_minor_version(), soup_api->get_micro_version())
               : g_strdup("not found");
  g_autofree char *soup_built = /* libsoup's macros are parenthesised numbers: (3) */
      g_strdup_printf("%d.%d.%d", SOUP_MAJOR_VERSION, SOUP_MINOR_VERSION, SOUP_MICRO_VERSION);
  add(out, "libsoup", soup, soup_built);
  GVC_t *gvc = gvContext(); /* Graphviz says its version only through a context */
  add(out, "Graphviz", gvcVersion(gvc), PACKAGE_VERSION);
  gvFreeContext(gvc);
  const RsvgApi *rsvg_api = lazy_rsvg(NULL);
  g_autofree char *rsvg = rsvg_api
                              ? g_strdup_printf("%u.%u.%u", *rsvg_api->major_version,
                                                *rsvg_api->minor_version, *rsvg_api->micro_version)
                              : g_strdup("not found");
  add(out, "librsvg", rsvg, LIBRSVG_VERSION);
  add(out, "zlib", zlibVersion(), ZLIB_VERSION);
  g_autofree char *xxh = xxhash_version(XXH_versionNumber());
  g_autofree char *xxh_built = xxhash_version(XXH_VERSION_NUMBER);
  add(out, "xxHash", xxh, xxh_built);
  return g_string_free(out, FALSE);
}
