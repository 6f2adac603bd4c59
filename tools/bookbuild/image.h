/* image.h: what an image file is, read from its headers and never decoded: its format by its
 * bytes (not its name), its size in pixels, and whether a PNG's chunks or a JPEG's markers end
 * early. The validator uses it to refuse an image that is not what its name says, a damaged
 * one, or one over the pixel limit, before either writer decodes anything. */
#ifndef BOOKBUILD_IMAGE_H
#define BOOKBUILD_IMAGE_H

#include <glib.h>

typedef enum {
  IMAGE_UNKNOWN = 0, /* none of the formats below (text, a zip, ...) */
  IMAGE_PNG,
  IMAGE_JPEG,
  IMAGE_GIF,
  IMAGE_WEBP,
  IMAGE_SVG,
} ImageFormat;

typedef struct {
  ImageFormat format;
  guint32 width, height; /* pixels; 0 when the header does not say (SVG) */
  gboolean damaged;      /* PNG: no IHDR, or the file ends before IEND; JPEG: no frame header */
} ImageInfo;

/* The format an image's name promises (by its extension), IMAGE_UNKNOWN for none. */
ImageFormat image_format_from_name(const char *path);

/* "PNG", "JPEG", "GIF", "WebP", "SVG", or "not an image" for IMAGE_UNKNOWN (a static string). */
const char *image_format_name(ImageFormat format);

/* Reads the headers of the file at `path` into `info`. FALSE when it cannot be read. */
gboolean image_sniff(const char *path, ImageInfo *info);

/* What is wrong with an image file's contents, first problem first. */
typedef enum {
  IMAGE_CHECK_OK = 0,
  IMAGE_CHECK_UNREADABLE, /* the file cannot be read */
  IMAGE_CHECK_WRONG_TYPE, /* its bytes are not the format its name says */
  IMAGE_CHECK_DAMAGED,    /* truncated, or without its header (ImageInfo.damaged) */
  IMAGE_CHECK_TOO_LARGE,  /* more than `max_pixels`, or a side over `max_side` */
} ImageCheck;

/* Sniffs the file at `path` (into `info`) and checks it is a whole `named` image of at most
 * `max_pixels` pixels and `max_side` a side: the one check both the images of chapters and the
 * book's cover get. */
ImageCheck image_check(const char *path, ImageFormat named, guint64 max_pixels, guint32 max_side,
                       ImageInfo *info);

#endif
