/* image.c: image headers (see image.h). Reads a few bytes at a time with seeks, so a large or
 * hostile file costs no more memory than a small one; nothing here decodes pixels. */
#include "image.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define IMAGE_MAX_CHUNKS 1000000 /* PNG chunks or JPEG segments walked before giving up */

ImageFormat image_format_from_name(const char *path) {
  static const struct {
    const char *ext;
    ImageFormat format;
  } names[] = {{".png", IMAGE_PNG}, {".jpg", IMAGE_JPEG},  {".jpeg", IMAGE_JPEG},
               {".gif", IMAGE_GIF}, {".webp", IMAGE_WEBP}, {".svg", IMAGE_SVG}};
  g_autofree char *lower = g_ascii_strdown(path, -1);
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
    if (g_str_has_suffix(lower, names[i].ext))
      return names[i].format;
  return IMAGE_UNKNOWN;
}

const char *image_format_name(ImageFormat format) {
  static const char *const names[] = {"not an image", "PNG", "JPEG", "GIF", "WebP", "SVG"};
  return names[format];
}

static guint32 be32(const guchar *p) {
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static guint32 be16(const guchar *p) { return (guint32)p[0] << 8 | p[1]; }

static guint32 le16(const guchar *p) { return (guint32)p[1] << 8 | p[0]; }

static guint32 le24(const guchar *p) { return (guint32)p[2] << 16 | (guint32)p[1] << 8 | p[0]; }

/* Walks the chunks after the signature up to IEND. */
static void sniff_png(FILE *f, const guchar *head, gsize n, ImageInfo *info) {
  if (n < 24 || memcmp(head + 12, "IHDR", 4) != 0) {
    info->damaged = TRUE;
    return;
  }
  info->width = be32(head + 16);
  info->height = be32(head + 20);
  long pos = 8;
  for (int i = 0; i < IMAGE_MAX_CHUNKS; i++) {
    guchar chunk[8];
    if (fseek(f, pos, SEEK_SET) != 0 || fread(chunk, 1, 8, f) != 8)
      break;
    if (memcmp(chunk + 4, "IEND", 4) == 0)
      return;
    guint32 len = be32(chunk);
    if (len > 0x7fffffffu)
      break;
    pos += 12 + (long)len; /* length, type, data, CRC */
  }
  info->damaged = TRUE;
}

/* Walks the marker segments up to a frame header (SOF), which holds the size. */
static void sniff_jpeg(FILE *f, ImageInfo *info) {
  long pos = 2;
  for (int i = 0; i < IMAGE_MAX_CHUNKS; i++) {
    guchar seg[9];
    if (fseek(f, pos, SEEK_SET) != 0 || fread(seg, 1, 4, f) != 4 || seg[0] != 0xFF)
      break;
    guchar m = seg[1];
    if (m == 0xFF) { /* fill byte */
      pos++;
      continue;
    }
    if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
      pos += 2;
      continue;
    }
    if (m == 0xD9 || m == 0xDA) /* end of image, or a scan before any frame header */
      break;
    guint32 len = be16(seg + 2);
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      if (len < 7 || fread(seg + 4, 1, 5, f) != 5)
        break;
      info->height = be16(seg + 5);
      info->width = be16(seg + 7);
      return;
    }
    if (len < 2)
      break;
    pos += 2 + (long)len;
  }
  info->damaged = TRUE;
}

static void sniff_webp(const guchar *h, gsize n, ImageInfo *info) {
  if (n >= 30 && memcmp(h + 12, "VP8X", 4) == 0) {
    info->width = le24(h + 24) + 1;
    info->height = le24(h + 27) + 1;
  } else if (n >= 25 && memcmp(h + 12, "VP8L", 4) == 0 && h[20] == 0x2f) {
    guint32 bits =
        (guint32)h[21] | (guint32)h[22] << 8 | (guint32)h[23] << 16 | (guint32)h[24] << 24;
    info->width = (bits & 0x3fff) + 1;
    info->height = ((bits >> 14) & 0x3fff) + 1;
  } else if (n >= 30 && memcmp(h + 12, "VP8 ", 4) == 0) {
    info->width = le16(h + 26) & 0x3fff;
    info->height = le16(h + 28) & 0x3fff;
  }
}

/* SVG is text: optional BOM and space, then markup with an <svg element early on. */
static gboolean looks_like_svg(const guchar *h, gsize n) {
  gsize i = n >= 3 && memcmp(h, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  while (i < n && g_ascii_isspace(h[i]))
    i++;
  return i < n && h[i] == '<' && g_strstr_len((const char *)h, (gssize)n, "<svg");
}

gboolean image_sniff(const char *path, ImageInfo *info) {
  memset(info, 0, sizeof *info);
  FILE *f = g_fopen(path, "rb");
  if (!f)
    return FALSE;
  guchar head[4096];
  gsize n = fread(head, 1, sizeof head, f);
  if (n >= 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0) {
    info->format = IMAGE_PNG;
    sniff_png(f, head, n, info);
  } else if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) {
    info->format = IMAGE_JPEG;
    sniff_jpeg(f, info);
  } else if (n >= 10 && (memcmp(head, "GIF87a", 6) == 0 || memcmp(head, "GIF89a", 6) == 0)) {
    info->format = IMAGE_GIF;
    info->width = le16(head + 6);
    info->height = le16(head + 8);
  } else if (n >= 16 && memcmp(head, "RIFF", 4) == 0 && memcmp(head + 8, "WEBP", 4) == 0) {
    info->format = IMAGE_WEBP;
    sniff_webp(head, n, info);
  } else if (looks_like_svg(head, n)) {
    info->format = IMAGE_SVG;
  }
  fclose(f);
  gboolean sized =
      info->format == IMAGE_PNG || info->format == IMAGE_JPEG || info->format == IMAGE_GIF;
  if (sized && (!info->width || !info->height))
    info->damaged = TRUE;
  return TRUE;
}

ImageCheck image_check(const char *path, ImageFormat named, guint64 max_pixels, guint32 max_side,
                       ImageInfo *info) {
  if (!image_sniff(path, info))
    return IMAGE_CHECK_UNREADABLE;
  if (info->format != named)
    return IMAGE_CHECK_WRONG_TYPE;
  if (info->damaged)
    return IMAGE_CHECK_DAMAGED;
  if ((guint64)info->width * info->height > max_pixels || info->width > max_side ||
      info->height > max_side)
    return IMAGE_CHECK_TOO_LARGE;
  return IMAGE_CHECK_OK;
}
