/*
 * Compaction rebuilds every index from the records it has verified, never
 * from the old indexes: a snapshot whose index sections were changed (here
 * with their checksums made to match, as a hostile hand or a bug in an
 * older writer would leave them) is not laundered into the next one.
 * Issue 11, finding 6: "after attache compact fsck says every record is
 * intact while list --actor JPN returns 0 of 8 events, and a duplicate key
 * is accepted".
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32c.h"
#include "error.h"
#include "store.h"
#include "store_int.h" /* white-box: the snapshot layout, to change it */
#include "tap.h"
#include "testutil.h"

static char tmpl[] = "/tmp/att-compact-XXXXXX";

static size_t count_actor(att_store *st, const char *actor) {
  att_query q;
  int64_t *ids = NULL;
  size_t n = 0;
  att_query_init(&q);
  q.actors = &actor;
  q.nactors = 1;
  if (att_store_query(st, &q, &ids, &n) != 0) {
    printf("# query: %s\n", att_errmsg());
    n = (size_t)-1;
  }
  free(ids);
  return n;
}

/* Change the snapshot in place through fn, then make every checksum
 * agree again. */
static int tamper(const char *dir, void (*fn)(unsigned char *map, att__shdr *h)) {
  char p[PATH_MAX];
  struct stat sb;
  unsigned char *map;
  att__shdr h;
  int fd;
  snprintf(p, sizeof p, "%s/snapshot", dir);
  if ((fd = open(p, O_RDWR)) < 0 || fstat(fd, &sb) != 0) return -1;
  map = mmap(NULL, (size_t)sb.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return -1;
  memcpy(&h, map, sizeof h);
  fn(map, &h);
  for (int i = 0; i < ATT__NSECT; i++) h.sect[i].crc = att_crc32c(0, map + h.sect[i].off, h.sect[i].len);
  h.hdr_crc = 0;
  h.hdr_crc = att_crc32c(0, &h, sizeof h);
  memcpy(map, &h, sizeof h);
  munmap(map, (size_t)sb.st_size);
  return 0;
}

/* Empty the postings of the first actor in the dictionary (JPN). */
static void drop_postings(unsigned char *map, att__shdr *h) {
  att__dictent *d = (att__dictent *)(map + h->sect[ATT__S_DICT].off) + h->dict[ATT__F_ACTOR];
  d->npost = 0;
}

/* Point the first key at another event. */
static void move_key(unsigned char *map, att__shdr *h) {
  att__keyent *k = (att__keyent *)(map + h->sect[ATT__S_KEYS].off);
  k->ord = k->ord == 0 ? 1 : 0;
}

int main(void) {
  char *root = mkdtemp(tmpl), dir[PATH_MAX];
  att_store *st;
  att_event ev;
  if (!root) return 1;
  snprintf(dir, sizeof dir, "%s/s", root);
  att_store_init(dir);
  st = tu_open_write(dir);
  tu_add(st, "{\"title\":\"keyed\",\"when\":\"2024\",\"key\":\"cdc-2024\",\"actors\":[\"KHM\"]}");
  for (int i = 0; i < 8; i++) tu_add(st, "{\"title\":\"m\",\"when\":\"2024-05\",\"actors\":[\"JPN\",\"KHM\"]}");
  is_int(att_store_compact(st), 0, "9 events compacted");
  is_int((long long)count_actor(st, "JPN"), 8, "8 events of JPN");
  att_store_close(st);

  ok(tamper(dir, drop_postings) == 0, "JPN's postings emptied, checksums made to agree");
  st = tu_open_write(dir);
  is_int((long long)count_actor(st, "JPN"), 0, "the changed index answers 0 (it is what the file says)");
  is_int(att_store_compact(st), 0, "compaction");
  is_int((long long)count_actor(st, "JPN"), 8, "rebuilt from the records: 8 events of JPN again");
  att_store_close(st);

  ok(tamper(dir, move_key) == 0, "the key index now points cdc-2024 at another event");
  st = tu_open_write(dir);
  is_int(att_store_compact(st), 0, "compaction");
  is_int(att_store_get_key(st, "cdc-2024", &ev), 0, "the key is found");
  is_str(ev.title, "keyed", "... on the event whose record holds it");
  att_event_free(&ev);
  is_int(tu_add(st, "{\"title\":\"dup\",\"when\":\"2024\",\"key\":\"cdc-2024\"}"), ATT_EEXISTS,
         "a duplicate key is refused");
  {
    att_store_opts o = {0};
    is_int(att_store_verify(dir, &o), 0, "fsck finds the store intact");
  }
  att_store_close(st);
  tu_rmrf(root);
  return done_testing();
}
