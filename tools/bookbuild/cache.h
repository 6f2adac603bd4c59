/* cache.h: bytes a build derives from its inputs and keeps between runs, under the book's
 * build/cache/, each named by a SHA-256 of everything that made it: the inputs the caller feeds
 * and this binary's build ID, so that a rebuilt bookbuild never reuses an older one's bytes.
 * A cache only saves time: a miss, a folder that cannot be written or a damaged entry means the
 * bytes are made again, and the output is the same either way. BOOKBUILD_CACHE=off turns it off.
 */
#ifndef BOOKBUILD_CACHE_H
#define BOOKBUILD_CACHE_H

#include <glib.h>

/* A key for an entry of `kind` ("cover", "fonts") under book root `root`, to feed with
 * cache_key_*(); NULL when nothing can be cached (no build ID, or turned off). Free it with
 * cache_key_free(). */
typedef struct CacheKey CacheKey;
CacheKey *cache_key_new(const char *root, const char *kind);
void cache_key_free(CacheKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CacheKey, cache_key_free)

/* Feeds a named value ("name=value\n"; NULL is fed as absent). No-op on a NULL key. */
void cache_key_str(CacheKey *key, const char *name, const char *value);
void cache_key_num(CacheKey *key, const char *name, double value);

/* Feeds a file's identity, as make judges it: its path, size and modification time. */
void cache_key_file(CacheKey *key, const char *path);

/* The bytes kept under `key` (caller unrefs), or NULL: a miss, a NULL key, or an entry whose
 * own checksum does not match (a damaged file is never used). */
GBytes *cache_get(CacheKey *key);

/* Keeps `data` under `key`, atomically; any failure is silent (the next build makes it again).
 * Refuses a build/ or build/cache/ that is a symbolic link. */
void cache_put(CacheKey *key, GBytes *data);

/* This binary's GNU build ID in hex (a static string), or NULL when it has none. */
const char *cache_build_id(void);

#endif
