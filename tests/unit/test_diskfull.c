/*
 * A full disk as the kernel gives it.  RLIMIT_FSIZE makes a write that
 * would take a file past a size come out short, and the next fail (EFBIG),
 * while writes within the file, ftruncate and fsync go on working: unlike
 * the fault hook of test_faults.c, whose ENOSPC also fails the overwrites
 * that a full disk allows.  That difference hid a bug: a batch that filled
 * the disk had its abort record written over its own partly written
 * records, and the store no longer opened (found from outside, with a
 * 256 KB tmpfs).
 *
 * For each operation (an add, a batch that writes part of itself before
 * its commit, a small and a large import, a compaction) and a limit at
 * many points of what it writes: the operation fails with a message that
 * names the cause, and with the limit lifted the store opens, holds
 * every acknowledged change and nothing of the failed one, passes its
 * check, and takes a write.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "store.h"
#include "tap.h"
#include "testutil.h"

static char root[PATH_MAX];
static struct rlimit lifted;

static void copy_store(const char *src, const char *dst) {
  char cmd[3 * PATH_MAX];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -a '%s' '%s'", dst, src, dst);
  if (system(cmd) != 0) printf("# cannot copy %s\n", src);
}

static off_t file_size(const char *dir, const char *name) {
  char p[PATH_MAX + 32];
  struct stat sb;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return stat(p, &sb) == 0 ? sb.st_size : 0;
}

/* An event with notes of `notes` bytes. */
static int make_event(att_event *ev, const char *key, size_t notes) {
  size_t cap = notes + 200;
  char *j = malloc(cap);
  int n, rc;
  if (!j) return ATT_ENOMEM;
  n = snprintf(j, cap, "{\"title\":\"event %s\",\"when\":\"2024-05\",\"key\":\"%s\",\"notes\":\"", key, key);
  memset(j + n, 'n', notes);
  snprintf(j + n + notes, cap - (size_t)n - notes, "x\"}");
  rc = att_event_from_json(j, strlen(j), 0, ev);
  free(j);
  return rc;
}

static int add_one(att_store *st, const char *key, size_t notes) {
  att_event ev;
  int rc = make_event(&ev, key, notes);
  if (rc == 0) rc = att_store_add(st, &ev);
  att_event_free(&ev);
  return rc;
}

/* The operations: 0, or the failure; *added: events they add. */
static int op_add(att_store *st, int *added) {
  *added = 1;
  return add_one(st, "one", 3000);
}

static int op_batch(att_store *st, int *added) {
  int rc = att_store_begin(st);
  char k[16];
  *added = 30;
  for (int i = 0; i < 30 && rc == 0; i++) {
    snprintf(k, sizeof k, "b%d", i);
    rc = add_one(st, k, 40000);
  }
  if (rc != 0) {
    att_store_rollback(st);
    return rc;
  }
  return att_store_commit(st);
}

static int import_n(att_store *st, int n, size_t notes) {
  int rc = att_store_import_begin(st, (uint64_t)n);
  char k[16];
  for (int i = 0; i < n && rc == 0; i++) {
    att_event ev;
    snprintf(k, sizeof k, "i%d", i);
    if ((rc = make_event(&ev, k, notes)) == 0) rc = att_store_import_add(st, &ev);
    att_event_free(&ev);
  }
  if (rc != 0) {
    att_store_import_abort(st);
    return rc;
  }
  return att_store_import_commit(st);
}

static int op_import_small(att_store *st, int *added) {
  *added = 40;
  return import_n(st, 40, 30000);
}

static int op_import_large(att_store *st, int *added) {
  *added = 5000;
  return import_n(st, 5000, 200);
}

static int op_compact(att_store *st, int *added) {
  *added = 0;
  return att_store_compact(st);
}

typedef int (*op_fn)(att_store *, int *);

/* The message of a write that met the limit names it. */
static int names_cause(const char *msg) {
  return strstr(msg, strerror(EFBIG)) != NULL || strstr(msg, strerror(ENOSPC)) != NULL;
}

/* The limit is the size of `file` (the one the operation grows: the
 * journal, or the snapshot it replaces) plus each of extra[]. */
static void campaign(const char *name, const char *tpl, op_fn op, const char *file, const long *extra,
                     size_t nextra) {
  char dir[PATH_MAX + 16];
  long bad = 0, failed = 0, runs = 0;
  uint64_t n0;
  att_store *st;
  snprintf(dir, sizeof dir, "%s/work", root);
  copy_store(tpl, dir);
  st = tu_open_write(dir);
  n0 = st ? att_store_count(st) : 0;
  if (st) att_store_close(st);
  for (size_t i = 0; i < nextra; i++) {
    struct rlimit lim = lifted;
    char msg[1024];
    int added = 0, rc, open_rc;
    off_t base;
    uint64_t n;
    copy_store(tpl, dir);
    base = file_size(dir, file);
    if (!(st = tu_open_write(dir))) {
      printf("# %s: the template does not open: %s\n", name, att_errmsg());
      bad++;
      break;
    }
    lim.rlim_cur = (rlim_t)(base + extra[i]);
    setrlimit(RLIMIT_FSIZE, &lim);
    rc = op(st, &added);
    setrlimit(RLIMIT_FSIZE, &lifted);
    snprintf(msg, sizeof msg, "%s", rc ? att_errmsg() : "");
    runs++;
    if (rc != 0) {
      failed++;
      if (!names_cause(msg) && bad++ < 10)
        printf("# %s, limit +%ld: the message does not say why: \"%s\"\n", name, extra[i], msg);
    }
    att_store_close(st);
    /* The limit lifted: the store opens, as it was or with the change. */
    if ((open_rc = att_store_open(dir, &(att_store_opts){.flags = ATT_OPEN_WRITE}, &st)) != 0) {
      if (bad++ < 10)
        printf("# %s, limit +%ld: after \"%s\", the store does not open: %s\n", name, extra[i], msg, att_errmsg());
      continue;
    }
    n = att_store_count(st);
    if (n != n0 + (uint64_t)(rc == 0 ? added : 0) && bad++ < 10)
      printf("# %s, limit +%ld: after \"%s\", %llu events, want %llu\n", name, extra[i], msg,
             (unsigned long long)n, (unsigned long long)(n0 + (uint64_t)(rc == 0 ? added : 0)));
    if (add_one(st, "after", 10) != 0 && bad++ < 10)
      printf("# %s, limit +%ld: reopened, an add fails: %s\n", name, extra[i], att_errmsg());
    att_store_close(st);
    if (att_store_verify(dir, &(att_store_opts){.flags = ATT_OPEN_READ}) != 0 && bad++ < 10)
      printf("# %s, limit +%ld: after \"%s\", fsck: %s\n", name, extra[i], msg, att_errmsg());
  }
  ok(failed > 0, "%s: the limit was met in %ld of %ld runs", name, failed, runs);
  is_int(bad, 0, "%s: %ld runs; each failure says why, the store opens as it was, and takes a write", name,
         runs);
}

int main(void) {
  char tpl[PATH_MAX + 16];
  static const long small[] = {0, 1, 40, 100, 1000, 2000, 3000, 3100, 4096, 10000};
  static const long big[] = {0, 1, 100, 4096, 65536, 200000, 500000, 1000000, 1048576, 1048700,
                             1100000, 1200000, 1229000};
  static const long snap[] = {-200000, -100000, -50000, -20000, -5000, -1000, -100, -1, 0, 100, 10000};
  att_store *st;
  const char *shm = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  snprintf(root, sizeof root, "%s/att-full-XXXXXX", shm);
  if (!mkdtemp(root)) return 1;
  signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead */
  getrlimit(RLIMIT_FSIZE, &lifted);
  /* The template: events in a snapshot, and more in the journal. */
  snprintf(tpl, sizeof tpl, "%s/tpl", root);
  att_store_init(tpl);
  st = tu_open_write(tpl);
  for (int i = 0; i < 40; i++) {
    char k[16];
    snprintf(k, sizeof k, "s%d", i);
    add_one(st, k, 5000);
  }
  att_store_compact(st);
  add_one(st, "j1", 100);
  add_one(st, "j2", 100);
  att_store_close(st);

  campaign("add", tpl, op_add, "journal", small, sizeof small / sizeof small[0]);
  campaign("batch written before its commit", tpl, op_batch, "journal", big, sizeof big / sizeof big[0]);
  campaign("import of 40 events", tpl, op_import_small, "journal", big, sizeof big / sizeof big[0]);
  campaign("import of 5,000 events (a new snapshot)", tpl, op_import_large, "snapshot", snap,
           sizeof snap / sizeof snap[0]);
  campaign("compaction", tpl, op_compact, "snapshot", snap, sizeof snap / sizeof snap[0]);
  tu_rmrf(root);
  return done_testing();
}
