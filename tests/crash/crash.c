/*
 * The crash campaign (docs/reliability.md).  Writers (child processes
 * linked with the core) add, update and batch-add events as fast as they
 * can on one store; the harness sends SIGKILL at random moments to one or
 * both of them.  A writer reports each change through a pipe only after
 * the call returned success.  After each kill the store is opened again
 * (it must open) and checked: every acknowledged change is there (an id at
 * its acknowledged revision or later), no event twice, and at most the
 * changes in flight at the kill beyond the acknowledged ones.  The store
 * lives on across rounds, so compactions (every 4096 records) are killed
 * too; the harness counts the kills that left a compaction's files.
 *
 *   crash_campaign [ROUNDS]      (default 60; `make test-crash` runs 1000)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "store.h"

#define BATCH 5
#define MAXIDS 2000000

typedef struct ack { int64_t id, rev; } ack;

static int64_t *acked_rev; /* by id: the highest acknowledged revision, 0 = none */
static int64_t *round_ids, maxid; /* ids acknowledged in this round */
static size_t nround;
static unsigned long long rng = 0x2545F4914F6CDD1Dull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static int add_one(att_store *st, const char *key, int64_t *id) {
  char j[256];
  att_event ev;
  int rc;
  snprintf(j, sizeof j, "{\"title\":\"crash %s\",\"when\":\"2024-05\",\"key\":\"%s\",\"actors\":[\"KHM\"]}", key, key);
  if ((rc = att_event_from_json(j, strlen(j), 0, &ev)) != 0) return rc;
  rc = att_store_add(st, &ev);
  *id = ev.id;
  att_event_free(&ev);
  return rc;
}

static void report(int fd, int64_t id, int64_t rev) {
  ack a = {id, rev};
  if (write(fd, &a, sizeof a) != (ssize_t)sizeof a) _exit(4);
}

/* A writer: never returns. */
static void writer(const char *dir, int fd, int who, int round) {
  att_store_opts o = {0};
  att_store *st;
  int64_t mine[4096];
  int nmine = 0;
  o.flags = ATT_OPEN_WRITE;
  if (att_store_open(dir, &o, &st) != 0) {
    fprintf(stderr, "writer: %s\n", att_errmsg());
    _exit(2);
  }
  rng ^= (unsigned long long)(who * 7919 + round) * 0x9E3779B97F4A7C15ull;
  for (long i = 0;; i++) {
    char key[64];
    int64_t id;
    unsigned what = rnd(10);
    if (what < 5 || nmine == 0) {
      snprintf(key, sizeof key, "r%d-w%d-%ld", round, who, i);
      if (add_one(st, key, &id) != 0) _exit(3);
      report(fd, id, 1);
      if (nmine < 4096) mine[nmine++] = id;
    } else if (what < 9) { /* many updates: the journal fills, compactions come */
      att_event ev;
      id = mine[rnd((unsigned)nmine)];
      if (att_store_get(st, id, &ev) != 0) _exit(5);
      if (att_store_update(st, &ev) != 0) _exit(6);
      report(fd, id, ev.rev);
      att_event_free(&ev);
    } else {
      int64_t ids[BATCH];
      if (att_store_begin(st) != 0) _exit(7);
      for (int k = 0; k < BATCH; k++) {
        snprintf(key, sizeof key, "r%d-w%d-%ld-b%d", round, who, i, k);
        if (add_one(st, key, &ids[k]) != 0) _exit(8);
      }
      if (att_store_commit(st) != 0) _exit(9);
      for (int k = 0; k < BATCH; k++) report(fd, ids[k], 1);
    }
  }
}

/* A compaction file written since `since` (left by the writer just killed). */
static int fresh(const char *dir, const char *name, const struct timespec *since) {
  char p[PATH_MAX + 32];
  struct stat sb;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  if (stat(p, &sb) != 0) return 0;
  return sb.st_mtim.tv_sec > since->tv_sec ||
         (sb.st_mtim.tv_sec == since->tv_sec && sb.st_mtim.tv_nsec >= since->tv_nsec);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 60;
  char root[64], dir[PATH_MAX];
  long kills = 0, in_compaction = 0, compactions_seen = 0, lost = 0, dup = 0, extra_bad = 0,
       opened = 0, acks = 0, changes_checked = 0;
  uint64_t known = 0; /* events counted at the last check */
  unsigned long long gen_before = 0;
  int failed = 0;
  if (rounds <= 0) rounds = 60;
  if (!(acked_rev = calloc(MAXIDS, sizeof *acked_rev)) || !(round_ids = malloc(MAXIDS * sizeof *round_ids)))
    return 1;
  snprintf(root, sizeof root, "%s/att-crash-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
  if (!mkdtemp(root)) return 1;
  snprintf(dir, sizeof dir, "%s/store", root);
  if (att_store_init(dir) != 0) return 1;
  rng ^= (unsigned long long)time(NULL);
  signal(SIGPIPE, SIG_IGN);
  for (int r = 0; r < rounds; r++) {
    int fds[2], nw = 1 + (int)rnd(2);
    pid_t pid[2];
    long round_acks = 0, new_adds = 0;
    struct timespec started;
    att_store *st;
    att_store_opts o = {0};
    nround = 0;
    clock_gettime(CLOCK_REALTIME, &started);
    if (pipe(fds) != 0) return 1;
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    for (int w = 0; w < nw; w++) {
      pid[w] = fork();
      if (pid[w] == 0) {
        close(fds[0]);
        writer(dir, fds[1], w, r);
      }
    }
    close(fds[1]);
    /* Let them run a random while, reading acknowledgements, then kill
     * one (the other runs on a little) and the other. */
    {
      struct timespec t0, t;
      long want_us = 2000 + (long)rnd(r % 10 == 0 ? 300000 : 40000);
      int killed = 0;
      clock_gettime(CLOCK_MONOTONIC, &t0);
      for (;;) {
        ack a;
        ssize_t k = read(fds[0], &a, sizeof a);
        long us;
        if (k == (ssize_t)sizeof a) {
          if (a.id > 0 && a.id < MAXIDS) {
            if (a.rev == 1 && acked_rev[a.id] == 0) new_adds++;
            if (a.rev > acked_rev[a.id]) acked_rev[a.id] = a.rev;
            if (nround < MAXIDS) round_ids[nround++] = a.id;
            if (a.id > maxid) maxid = a.id;
          }
          round_acks++;
          continue;
        }
        if (k == 0) break; /* every writer is gone */
        clock_gettime(CLOCK_MONOTONIC, &t);
        us = (t.tv_sec - t0.tv_sec) * 1000000L + (t.tv_nsec - t0.tv_nsec) / 1000;
        if (killed < nw && us >= want_us * (killed + 1)) {
          kill(pid[killed], SIGKILL);
          killed++;
          kills++;
          if (fresh(dir, "snapshot.tmp", &started) || fresh(dir, "journal.tmp", &started)) in_compaction++;
          clock_gettime(CLOCK_REALTIME, &started); /* the next kill: only what is newer */
          continue;
        }
        if (k < 0) usleep(100);
      }
      for (int w = 0; w < nw; w++) {
        int status;
        waitpid(pid[w], &status, 0);
        if (!WIFSIGNALED(status)) {
          printf("# round %d: writer %d ended by itself (status %d)\n", r, w, WEXITSTATUS(status));
          failed = 1;
        }
      }
      close(fds[0]);
    }
    acks += round_acks;
    (void)0;
    /* The check. */
    o.flags = ATT_OPEN_READ;
    if (att_store_open(dir, &o, &st) != 0) {
      printf("# round %d: the store does not open: %s\n", r, att_errmsg());
      failed = 1;
      break;
    }
    opened++;
    {
      att_query q;
      int64_t *ids;
      size_t n;
      uint64_t count = att_store_count(st);
      att_query_init(&q);
      q.sort = ATT_SORT_ID;
      if (att_store_query(st, &q, &ids, &n) != 0) {
        printf("# round %d: query: %s\n", r, att_errmsg());
        failed = 1;
        n = 0;
        ids = NULL;
      }
      for (size_t i = 1; i < n; i++)
        if (ids[i] <= ids[i - 1]) dup++;
      if (n != count) dup++;
      free(ids);
      /* This round's changes, and a sample of the earlier ones. */
      for (size_t i = 0; i < nround + 300; i++) {
        att_event ev;
        int64_t id = i < nround ? round_ids[i] : 1 + (int64_t)rnd((unsigned)maxid);
        if (!acked_rev[id]) continue;
        changes_checked++;
        if (att_store_get(st, id, &ev) != 0) {
          if (lost++ < 5) printf("# round %d: acknowledged event %lld is missing\n", r, (long long)id);
          continue;
        }
        if (ev.rev < acked_rev[id] && lost++ < 5)
          printf("# round %d: event %lld at revision %lld, revision %lld was acknowledged\n", r,
                 (long long)id, (long long)ev.rev, (long long)acked_rev[id]);
        att_event_free(&ev);
      }
      /* Beyond the acknowledged adds: at most what was in flight (one
       * batch per writer). */
      if (count < known + (uint64_t)new_adds || count > known + (uint64_t)new_adds + (uint64_t)(nw * BATCH)) {
        if (extra_bad++ < 5)
          printf("# round %d: %llu events, expected %llu acknowledged + at most %d in flight\n", r,
                 (unsigned long long)count, (unsigned long long)(known + (uint64_t)new_adds), nw * BATCH);
      }
      known = count;
    }
    {
      /* Count compactions: the snapshot's generation moves. */
      FILE *f;
      char p[PATH_MAX + 16];
      unsigned long long g = 0;
      snprintf(p, sizeof p, "%s/snapshot", dir);
      if ((f = fopen(p, "rb")) != NULL) {
        unsigned char h[24];
        if (fread(h, 1, sizeof h, f) == sizeof h) memcpy(&g, h + 16, 8);
        fclose(f);
      }
      if (g != gen_before) compactions_seen += gen_before ? (long)(g - gen_before) : 0;
      gen_before = g;
    }
    att_store_close(st);
    /* Every tenth round: fsck must find the store intact. */
    if (r % 10 == 9 && att_store_verify(dir, &(att_store_opts){0}) != 0) {
      printf("# round %d: verify: %s\n", r, att_errmsg());
      failed = 1;
    }
  }
  printf("# crash campaign: %d rounds, %ld kill points (%ld while a compaction's files were out, "
         "%ld compactions completed), %ld changes acknowledged, store opened %ld times, "
         "%ld acknowledged changes checked: %ld lost, %ld duplicated, %ld unexplained counts\n",
         rounds, kills, in_compaction, compactions_seen, acks, opened, changes_checked, lost, dup, extra_bad);
  {
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0) printf("# could not remove %s\n", root);
  }
  free(acked_rev);
  free(round_ids);
  if (failed || lost || dup || extra_bad || opened != rounds) {
    printf("not ok 1 - crash campaign\n1..1\n");
    return 1;
  }
  printf("ok 1 - crash campaign: %ld kill points, nothing acknowledged lost or duplicated\n1..1\n", kills);
  return 0;
}
