/*
 * Fuzz harness for journal recovery: opening a store whose journal holds
 * arbitrary bytes.
 *
 * Set-up (once): a store in a temporary directory (under /dev/shm when
 * there is one, for speed) holding three events in its snapshot.  Each
 * input then replaces the journal, in one of three ways chosen by its
 * first byte (mod 3):
 *   0  a valid header of the snapshot's generation, then the bytes;
 *   1  the bytes as the whole journal;
 *   2  a header of generation g-1, g or g+1 (second byte), then records
 *      built from the bytes with valid checksums: per record a type byte,
 *      a flags byte, a 16-bit length and the payload (a type or flags byte
 *      >= 0xF0 is written as it is, to reach the invalid values).
 * Properties: the store either opens, and then every event it lists reads
 * back, validates, and equals what its stored JSON reads as, and their
 * number is att_store_count; or it is refused with
 * ATT_ECORRUPT and a message.  att_store_verify answers 0 or ATT_ECORRUPT,
 * and never passes a store that opening refuses.  Notices are non-empty.
 * Never a crash or a leak (libFuzzer's leak check, ASan in ctest).
 */
#include "fuzz.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "error.h"
#include "event.h"
#include "store.h"
#include "store_int.h"

/* Sized so that each path provably fits the next. */
static char base[PATH_MAX / 2], dir[PATH_MAX / 2 + 16], jpath[PATH_MAX];
static uint64_t gen;

static att_time fixed_now(void *ud) {
  (void)ud;
  return 1700000000;
}

static void on_notice(void *ud, const char *msg) {
  (void)ud;
  FUZZ_CHECK(msg != NULL && msg[0] != '\0', "an empty notice");
}

static void cleanup(void) {
  static const char *const files[] = {"lock", "snapshot", "journal",
                                      "snapshot.tmp", "journal.tmp", NULL};
  char p[PATH_MAX + 32];
  int i;
  for (i = 0; files[i]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, files[i]);
    unlink(p);
  }
  rmdir(dir);
  rmdir(base);
}

static void setup_fail(const char *what, int rc) {
  fprintf(stderr, "fuzz_journal: set-up: %s: %s (%s)\n", what, att_errmsg(),
          att_err_name(rc));
  exit(1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  static const char *const evs[] = {
      ("{\"title\":\"State visit\",\"when\":\"2023-12-17\",\"key\":\"visit\","
       "\"actors\":[\"FR\",\"DE\"],\"tags\":[\"summit\"],\"kind\":\"visit\"}"),
      "{\"title\":\"Treaty signed\",\"when\":\"1919-06-28\",\"status\":\"done\"}",
      "{\"title\":\"Talks\",\"when\":\"2024-33\",\"recur\":\"FREQ=YEARLY\"}",
  };
  att_store_opts o;
  att_store *st;
  unsigned char h[ATT__JHDR];
  int fd, rc, i;
  (void)argc;
  (void)argv;
  fuzz_scratch_dir(base, sizeof base, "fuzz_journal");
  snprintf(dir, sizeof dir, "%s/store", base);
  snprintf(jpath, sizeof jpath, "%s/journal", dir);
  atexit(cleanup);
  if ((rc = att_store_init(dir)) != 0) setup_fail("init", rc);
  memset(&o, 0, sizeof o);
  o.flags = ATT_OPEN_WRITE;
  o.now = fixed_now;
  if ((rc = att_store_open(dir, &o, &st)) != 0) setup_fail("open", rc);
  for (i = 0; i < 3; i++) {
    att_event ev;
    if ((rc = att_event_from_json(evs[i], strlen(evs[i]), 0, &ev)) != 0)
      setup_fail("event", rc);
    if ((rc = att_store_add(st, &ev)) != 0) setup_fail("add", rc);
    att_event_free(&ev);
  }
  if ((rc = att_store_compact(st)) != 0) setup_fail("compact", rc);
  att_store_close(st);
  fd = open(jpath, O_RDONLY);
  if (fd < 0 || read(fd, h, sizeof h) != (ssize_t)sizeof h ||
      att__jhdr_decode(h, sizeof h, &gen) != 1) {
    fprintf(stderr, "fuzz_journal: set-up: cannot read the journal header\n");
    exit(1);
  }
  close(fd);
  return 0;
}

/* Append n bytes to a growing buffer. */
typedef struct buf {
  unsigned char *p;
  size_t n, cap;
} buf;

static void put(buf *b, const void *p, size_t n) {
  if (b->n + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n) cap *= 2;
    if ((b->p = realloc(b->p, cap)) == NULL) abort();
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->n, p, n);
  b->n += n;
}

static void build(buf *b, const uint8_t *d, size_t n) {
  unsigned char h[ATT__JHDR > ATT__RHDR ? ATT__JHDR : ATT__RHDR];
  int mode = n ? d[0] % 3 : 1;
  if (n) {
    d++;
    n--;
  }
  if (mode == 1) {
    put(b, d, n);
    return;
  }
  if (mode == 0) {
    att__jhdr_encode(h, gen);
    put(b, h, ATT__JHDR);
    put(b, d, n);
    return;
  }
  att__jhdr_encode(h, n ? gen - 1 + d[0] % 3 : gen);
  put(b, h, ATT__JHDR);
  if (n) {
    d++;
    n--;
  }
  while (n >= 4) {
    int type = d[0] >= 0xF0 ? d[0] : 1 + d[0] % 3;
    int flags = d[1] >= 0xF0 ? d[1] : d[1] & ATT__RF_END;
    size_t len = (size_t)d[2] | (size_t)d[3] << 8;
    d += 4;
    n -= 4;
    if (len > n) len = n;
    att__rhdr_encode(h, type, flags, d, (uint32_t)len);
    put(b, h, ATT__RHDR);
    put(b, d, len);
    d += len;
    n -= len;
  }
}

static void check_open_store(att_store *st) {
  att_query q;
  int64_t *ids = NULL;
  size_t n = 0, i;
  int rc;
  att_query_init(&q);
  rc = att_store_query(st, &q, &ids, &n);
  FUZZ_CHECK(rc == 0, "an opened store cannot be listed: %s", att_errmsg());
  FUZZ_CHECK(n == att_store_count(st), "%zu events listed, count says %llu", n,
             (unsigned long long)att_store_count(st));
  for (i = 0; i < n; i++) {
    att_event ev, again;
    const char *json;
    size_t len;
    rc = att_store_get(st, ids[i], &ev);
    FUZZ_CHECK(rc == 0, "event %lld is listed but does not read back: %s",
               (long long)ids[i], att_errmsg());
    FUZZ_CHECK(ev.id == ids[i], "event %lld reads back as %lld", (long long)ids[i],
               (long long)ev.id);
    rc = att_event_validate(&ev);
    FUZZ_CHECK(rc == 0, "event %lld does not validate: %s", (long long)ids[i],
               att_errmsg());
    rc = att_store_json(st, ids[i], &json, &len);
    FUZZ_CHECK(rc == 0, "stored JSON of event %lld: %s", (long long)ids[i],
               att_errmsg());
    rc = att_event_from_json(json, len, ATT_EV_STORED, &again);
    FUZZ_CHECK(rc == 0 && att_event_equal(&again, &ev), "event %lld: its stored "
               "JSON reads as another event: %.*s", (long long)ids[i], (int)len, json);
    att_event_free(&again);
    att_event_free(&ev);
  }
  free(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  buf b = {NULL, 0, 0};
  att_store_opts o;
  att_store *st = NULL;
  int fd, rc, vrc, newer;
  uint64_t jgen = 0;

  build(&b, data, size);
  newer = att__jhdr_decode(b.p, b.n, &jgen) == 1 && jgen > gen;
  fd = open(jpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || (b.n && write(fd, b.p, b.n) != (ssize_t)b.n)) abort();
  close(fd);
  free(b.p);

  memset(&o, 0, sizeof o);
  o.flags = ATT_OPEN_READ;
  o.notice = on_notice;
  rc = att_store_open(dir, &o, &st);
  if (rc == 0) {
    FUZZ_CHECK(st != NULL, "opened, but no store");
    check_open_store(st);
    att_store_close(st);
  } else {
    FUZZ_CHECK(st == NULL, "refused, yet a store was returned");
    FUZZ_CHECK(rc == ATT_ECORRUPT, "refused with %s: %s", att_err_name(rc),
               att_errmsg());
    FUZZ_CHECK(att_errmsg()[0] != '\0', "refused without a message");
  }
  vrc = att_store_verify(dir, &o);
  FUZZ_CHECK(vrc == 0 || vrc == ATT_ECORRUPT, "verify: %s: %s", att_err_name(vrc),
             att_errmsg());
  /* Known and reported (docs/fuzzing.md): a journal of a newer generation
   * than the snapshot is refused by opening and passed by verify. */
  FUZZ_CHECK(rc == 0 || vrc != 0 || newer, "opening refuses the store, verify "
             "passes it");
  return 0;
}
