/* cache.c: see cache.h. An entry is the data followed by a trailer: the data's length and its
 * XXH3-64, 8 bytes each, little-endian. Writes are atomic, so the checksum is there for a file
 * damaged afterwards. It is read at every rebuild (1.8 MB for the bench book: its fonts, cover
 * and text), where a CRC-32 took 5% of the instructions and XXH3 takes a fiftieth of that. */
#include "cache.h"

#include <elf.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <xxhash.h>

#define CACHE_FORMAT "bookbuild-cache-2"
#define TRAILER_LEN 16

struct CacheKey {
  char *root; /* the book root; entries go to root/build/cache/ */
  char *kind;
  GChecksum *sum;
};

#if UINTPTR_MAX > 0xffffffffu
typedef Elf64_Phdr Phdr;
typedef Elf64_Nhdr Nhdr;
#else
typedef Elf32_Phdr Phdr;
typedef Elf32_Nhdr Nhdr;
#endif

/* The NT_GNU_BUILD_ID note the linker wrote into the main program (ld --build-id, Debian's
 * default), found through the program headers the kernel passed (AT_PHDR): <link.h>'s
 * dl_iterate_phdr() would do, but our own link.h shadows it. */
static char *read_build_id(void) {
  const Phdr *phdr = (const Phdr *)getauxval(AT_PHDR);
  gsize count = getauxval(AT_PHNUM);
  if (!phdr || !count)
    return NULL;
  uintptr_t base = 0; /* where the program was loaded (position-independent executables) */
  for (gsize i = 0; i < count; i++)
    if (phdr[i].p_type == PT_PHDR)
      base = (uintptr_t)phdr - phdr[i].p_vaddr;
  for (gsize i = 0; i < count; i++) {
    if (phdr[i].p_type != PT_NOTE)
      continue;
    const char *p = (const char *)(base + phdr[i].p_vaddr), *end = p + phdr[i].p_memsz;
    while (p + sizeof(Nhdr) <= end) {
      const Nhdr *n = (const Nhdr *)p;
      const char *name = p + sizeof *n;
      const guint8 *desc = (const guint8 *)(name + ((n->n_namesz + 3) & ~3u));
      if ((const char *)desc + n->n_descsz > end)
        break;
      if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
        GString *hex = g_string_new(NULL);
        for (guint j = 0; j < n->n_descsz; j++)
          g_string_append_printf(hex, "%02x", desc[j]);
        return g_string_free(hex, FALSE);
      }
      p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
    }
  }
  return NULL;
}

const char *cache_build_id(void) {
  static gsize once = 0;
  static char *id = NULL;
  if (g_once_init_enter(&once)) {
    id = read_build_id();
    g_once_init_leave(&once, 1);
  }
  return id;
}

CacheKey *cache_key_new(const char *root, const char *kind) {
  const char *setting = g_getenv("BOOKBUILD_CACHE");
  if ((setting && strcmp(setting, "off") == 0) || !cache_build_id())
    return NULL;
  CacheKey *key = g_new0(CacheKey, 1);
  key->root = g_strdup(root);
  key->kind = g_strdup(kind);
  key->sum = g_checksum_new(G_CHECKSUM_SHA256);
  cache_key_str(key, "format", CACHE_FORMAT);
  cache_key_str(key, "kind", kind);
  cache_key_str(key, "build-id", cache_build_id());
  return key;
}

void cache_key_free(CacheKey *key) {
  if (!key)
    return;
  g_free(key->root);
  g_free(key->kind);
  g_checksum_free(key->sum);
  g_free(key);
}

void cache_key_str(CacheKey *key, const char *name, const char *value) {
  if (!key)
    return;
  g_autofree char *line = value ? g_strdup_printf("%s=%zu:%s\n", name, strlen(value), value)
                                : g_strdup_printf("%s absent\n", name);
  g_checksum_update(key->sum, (const guchar *)line, -1);
}

void cache_key_num(CacheKey *key, const char *name, double value) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  cache_key_str(key, name, g_ascii_dtostr(buf, sizeof buf, value));
}

void cache_key_file(CacheKey *key, const char *path) {
  if (!key)
    return;
  GStatBuf st;
  g_autofree char *id =
      g_stat(path, &st) == 0
          ? g_strdup_printf("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT ".%09ld", path,
                            (gint64)st.st_size, (gint64)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec)
          : g_strdup_printf("%s missing", path);
  cache_key_str(key, "file", id);
}

/* root/build/cache/KIND-HEX; NULL when build/ or build/cache/ is a symbolic link. */
static char *entry_path(CacheKey *key, gboolean create) {
  g_autofree char *build = g_build_filename(key->root, "build", NULL);
  g_autofree char *dir = g_build_filename(build, "cache", NULL);
  if (g_file_test(build, G_FILE_TEST_IS_SYMLINK) || g_file_test(dir, G_FILE_TEST_IS_SYMLINK))
    return NULL;
  if (create && g_mkdir_with_parents(dir, 0755) != 0)
    return NULL;
  g_autofree char *name = g_strdup_printf("%s-%s", key->kind, g_checksum_get_string(key->sum));
  return g_build_filename(dir, name, NULL);
}

static void trailer(const guint8 *data, gsize len, guint8 out[TRAILER_LEN]) {
  guint64 n = len, sum = XXH3_64bits(data, len);
  for (int i = 0; i < 8; i++) {
    out[i] = (guint8)(n >> (8 * i));
    out[8 + i] = (guint8)(sum >> (8 * i));
  }
}

GBytes *cache_get(CacheKey *key) {
  if (!key)
    return NULL;
  g_autofree char *path = entry_path(key, FALSE);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  if (!path || g_file_test(path, G_FILE_TEST_IS_SYMLINK) ||
      !g_file_get_contents(path, &bytes, &len, NULL) || len < TRAILER_LEN)
    return NULL;
  guint8 want[TRAILER_LEN];
  trailer((const guint8 *)bytes, len - TRAILER_LEN, want);
  if (memcmp(want, bytes + len - TRAILER_LEN, TRAILER_LEN) != 0)
    return NULL;
  return g_bytes_new_take(g_steal_pointer(&bytes), len - TRAILER_LEN);
}

void cache_put(CacheKey *key, GBytes *data) {
  if (!key || !data)
    return;
  g_autofree char *path = entry_path(key, TRUE);
  if (!path)
    return;
  gsize len = 0;
  const guint8 *p = g_bytes_get_data(data, &len);
  g_autofree guint8 *entry = g_malloc(len + TRAILER_LEN);
  if (len)
    memcpy(entry, p, len);
  trailer(p, len, entry + len);
  if (!g_file_set_contents(path, (const char *)entry, (gssize)(len + TRAILER_LEN), NULL))
    return;
  /* A book has one cover and one set of fonts at a time: older entries of the kind go. */
  g_autofree char *dir = g_path_get_dirname(path);
  g_autofree char *base = g_path_get_basename(path);
  g_autofree char *prefix = g_strconcat(key->kind, "-", NULL);
  GDir *d = g_dir_open(dir, 0, NULL);
  for (const char *name; d && (name = g_dir_read_name(d));)
    if (g_str_has_prefix(name, prefix) && strcmp(name, base) != 0) {
      g_autofree char *old = g_build_filename(dir, name, NULL);
      g_unlink(old);
    }
  if (d)
    g_dir_close(d);
}
