/*
 * Differential fuzz harness for the store's write paths: whatever any
 * write acknowledges opens again, and is what a simple model says.
 *
 * Each input is a program of operations on a fresh store, decoded from its
 * bytes: add (with a key, and links by id or by key to any id, live,
 * removed, never given or the event's own), update (title, key, links),
 * remove, forced remove, a batch of such changes that commits or rolls
 * back, an import of a few events (as a batch, or written straight into a
 * new snapshot) whose links may point forward inside it, a compaction.
 * A model (the live events: title, key, links; the ids handed out) says
 * what each operation must do: succeed or fail, and with which id.
 *
 * Snapshots are written with a 256-byte memory budget, so that every one
 * goes through the writer's temporary files.
 *
 * After every step the store is closed and opened again, and:
 *   - it opens, and att_store_verify finds it intact;
 *   - it holds exactly the model's events, with their titles, keys and
 *     links (every link to a live, other event);
 *   - the outcome of the step (success, failure) was the model's;
 *   - an id once handed out (an add that returned it, in a batch that
 *     later rolled back, too) is never handed out again.
 */
#include "fuzz.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "event.h"
#include "spill.h"
#include "store.h"

#define MAXEV 96   /* ids the model tracks */
#define MAXLINK 3
#define MAXOPS 24

typedef struct mlink {
  char rel[12];
  int64_t id;
} mlink;

typedef struct mev {
  int live;
  char title[16];
  int key; /* 0: none, else the key "k<key>" */
  mlink links[MAXLINK];
  int nlinks;
} mev;

typedef struct model {
  mev ev[MAXEV + 8];
  int64_t next;    /* the next id the store should give */
  int64_t handed;  /* the highest id ever handed out */
} model;

static char base[PATH_MAX / 2], dir[PATH_MAX / 2 + 16];
static const char *const rels[] = {"follows", "part-of", "supersedes", "related"};

typedef struct input {
  const uint8_t *d;
  size_t n, i;
} input;

static unsigned next_byte(input *in) { return in->i < in->n ? in->d[in->i++] : 0; }

static att_time fixed_now(void *ud) {
  (void)ud;
  return 1700000000;
}

/* Every file of the store (its history segments included), then it. */
static void cleanup(void) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char p[PATH_MAX];
  while (d && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  if (d) closedir(d);
  rmdir(dir);
}

static void cleanup_all(void) {
  cleanup();
  rmdir(base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  /* Every snapshot written goes through its temporary files (core/spill.c),
   * whose output must be the same as in memory. */
  att__spill_budget = 256;
  fuzz_scratch_dir(base, sizeof base, "fuzz_store");
  snprintf(dir, sizeof dir, "%s/store", base);
  atexit(cleanup_all);
  return 0;
}

static att_store *open_store(void) {
  att_store_opts o;
  att_store *st = NULL;
  int rc;
  memset(&o, 0, sizeof o);
  o.flags = ATT_OPEN_WRITE;
  o.now = fixed_now;
  rc = att_store_open(dir, &o, &st);
  FUZZ_CHECK(rc == 0, "the store does not open again: %s", att_errmsg());
  return st;
}

/* ---- the model's rules ------------------------------------------------ */

static int m_live(const model *m, int64_t id) { return id > 0 && id <= MAXEV && m->ev[id].live; }

static int64_t m_key(const model *m, int key) {
  for (int64_t id = 1; id <= MAXEV; id++)
    if (m->ev[id].live && m->ev[id].key == key) return id;
  return 0;
}

static int m_linked(const model *m, int64_t id) {
  for (int64_t i = 1; i <= MAXEV; i++)
    for (int k = 0; m->ev[i].live && k < m->ev[i].nlinks; k++)
      if (m->ev[i].links[k].id == id) return 1;
  return 0;
}

/* The links of a changed event are whole in state m. */
static int m_links_ok(const model *m, int64_t id) {
  const mev *e = &m->ev[id];
  for (int k = 0; k < e->nlinks; k++)
    if (e->links[k].id == id || !m_live(m, e->links[k].id)) return 0;
  return 1;
}

/* ---- building a change from the input ---------------------------------- */

typedef struct change {
  char title[16];
  int key;
  int nlinks;
  struct {
    int rel;
    int64_t id; /* by id, or 0 */
    int key;    /* by key */
  } l[MAXLINK];
} change;

static void read_change(input *in, const model *m, change *c) {
  unsigned b = next_byte(in);
  snprintf(c->title, sizeof c->title, "t%u", next_byte(in));
  c->key = b & 1 ? (int)(next_byte(in) % 6) + 1 : 0;
  c->nlinks = (int)((b >> 1) % (MAXLINK + 1));
  for (int k = 0; k < c->nlinks; k++) {
    unsigned x = next_byte(in);
    c->l[k].rel = (int)(x % 4);
    c->l[k].key = 0;
    if (x & 0x80) {
      c->l[k].id = 0;
      c->l[k].key = (int)((x >> 2) % 6) + 1;
      /* A link to the event's own key is refused by the event's own
       * validation (tests/unit/test_event.c), before the store sees it. */
      if (c->l[k].key == c->key) c->l[k].key = c->key % 6 + 1;
    } else {
      /* Mostly live ids, sometimes anything near the end. */
      int64_t span = m->next + 2;
      c->l[k].id = (int64_t)(next_byte(in) % (unsigned)span) + 1;
    }
  }
  /* Two links with the same rel and target are a validation error the
   * event model already covers; keep the programs about the store. */
  for (int k = 1; k < c->nlinks; k++)
    for (int j = 0; j < k; j++)
      if (c->l[k].rel == c->l[j].rel && c->l[k].id == c->l[j].id && c->l[k].key == c->l[j].key) {
        c->nlinks = k;
        break;
      }
}

static int tracing = -1;

static void to_event(const change *c, att_event *ev) {
  char j[512];
  size_t o = 0;
  int rc;
  o += (size_t)snprintf(j + o, sizeof j - o, "{\"title\":\"%s\",\"when\":\"2024-05\"", c->title);
  if (c->key) o += (size_t)snprintf(j + o, sizeof j - o, ",\"key\":\"k%d\"", c->key);
  if (c->nlinks) {
    o += (size_t)snprintf(j + o, sizeof j - o, ",\"links\":[");
    for (int k = 0; k < c->nlinks; k++) {
      if (c->l[k].key)
        o += (size_t)snprintf(j + o, sizeof j - o, "%s{\"rel\":\"%s\",\"key\":\"k%d\"}", k ? "," : "",
                              rels[c->l[k].rel], c->l[k].key);
      else
        o += (size_t)snprintf(j + o, sizeof j - o, "%s{\"rel\":\"%s\",\"id\":%lld}", k ? "," : "",
                              rels[c->l[k].rel], (long long)c->l[k].id);
    }
    o += (size_t)snprintf(j + o, sizeof j - o, "]");
  }
  snprintf(j + o, sizeof j - o, "}");
  if (tracing < 0) tracing = getenv("FUZZ_TRACE") != NULL;
  if (tracing) fprintf(stderr, "  event %s\n", j);
  rc = att_event_from_json(j, strlen(j), 0, ev);
  FUZZ_CHECK(rc == 0, "the harness built an invalid event %s: %s", j, att_errmsg());
}

/* Apply c to id in m as the store would; 0 if the store must refuse it at
 * once (a key in use, a link key naming no event or the event itself). */
static int m_put(model *m, int64_t id, const change *c) {
  mev e;
  int64_t holder;
  memset(&e, 0, sizeof e);
  if (c->key && (holder = m_key(m, c->key)) != 0 && holder != id) return 0;
  snprintf(e.title, sizeof e.title, "%s", c->title);
  e.key = c->key;
  e.live = 1;
  for (int k = 0; k < c->nlinks; k++) {
    int64_t t = c->l[k].id;
    if (c->l[k].key) {
      if (c->l[k].key == c->key) return 0;
      if (!(t = m_key(m, c->l[k].key))) return 0;
    }
    /* A record that links to itself does not read back: refused at once. */
    if (t == id) return 0;
    snprintf(e.links[k].rel, sizeof e.links[k].rel, "%s", rels[c->l[k].rel]);
    e.links[k].id = t;
  }
  e.nlinks = c->nlinks;
  /* Links that name the same target twice after key resolution are a
   * validation error of the event itself: the store refuses them too. */
  for (int k = 1; k < e.nlinks; k++)
    for (int j = 0; j < k; j++)
      if (e.links[k].id == e.links[j].id && strcmp(e.links[k].rel, e.links[j].rel) == 0) return 0;
  m->ev[id] = e;
  return 1;
}

/* ---- checking the store against the model ------------------------------- */

static void check(const model *m, const char *after) {
  att_store *st = open_store();
  att_store_opts o;
  uint64_t n = 0;
  memset(&o, 0, sizeof o);
  FUZZ_CHECK(att_store_verify(dir, &o) == 0, "after %s: fsck: %s", after, att_errmsg());
  for (int64_t id = 1; id <= MAXEV + 4; id++) {
    att_event ev;
    int rc = att_store_get(st, id, &ev);
    if (!m_live(m, id)) {
      FUZZ_CHECK(rc == ATT_ENOTFOUND, "after %s: event %lld is there, the model has none", after,
                 (long long)id);
      continue;
    }
    FUZZ_CHECK(rc == 0, "after %s: event %lld is missing: %s", after, (long long)id, att_errmsg());
    n++;
    FUZZ_CHECK(strcmp(ev.title, m->ev[id].title) == 0, "after %s: event %lld is \"%s\", not \"%s\"",
               after, (long long)id, ev.title, m->ev[id].title);
    if (m->ev[id].key) {
      char k[8];
      snprintf(k, sizeof k, "k%d", m->ev[id].key);
      FUZZ_CHECK(ev.key && strcmp(ev.key, k) == 0, "after %s: event %lld has the wrong key", after,
                 (long long)id);
    } else {
      FUZZ_CHECK(ev.key == NULL, "after %s: event %lld has a key", after, (long long)id);
    }
    FUZZ_CHECK((int)ev.nlinks == m->ev[id].nlinks, "after %s: event %lld has %zu links, not %d", after,
               (long long)id, ev.nlinks, m->ev[id].nlinks);
    for (size_t k = 0; k < ev.nlinks; k++) {
      FUZZ_CHECK(ev.links[k].id == m->ev[id].links[k].id && !ev.links[k].key &&
                     strcmp(ev.links[k].rel, m->ev[id].links[k].rel) == 0,
                 "after %s: event %lld, link %zu differs", after, (long long)id, k);
      FUZZ_CHECK(ev.links[k].id != id && m_live(m, ev.links[k].id),
                 "after %s: event %lld links to %lld, which is not a live other event", after,
                 (long long)id, (long long)ev.links[k].id);
    }
    att_event_free(&ev);
  }
  FUZZ_CHECK(att_store_count(st) == n, "after %s: count %llu, model %llu", after,
             (unsigned long long)att_store_count(st), (unsigned long long)n);
  att_store_close(st);
}

/* An id the store just handed out: the model's next, and new. */
static void handed(model *m, int64_t id, const char *what) {
  FUZZ_CHECK(id == m->next, "%s got id %lld, the model expected %lld", what, (long long)id,
             (long long)m->next);
  FUZZ_CHECK(id > m->handed, "%s got id %lld, handed out before (up to %lld)", what, (long long)id,
             (long long)m->handed);
  m->handed = id;
  m->next = id + 1;
}

/* ---- operations ---------------------------------------------------------- */

/* One change on st, in or out of a batch; updates m as the store must. */
static void op_change(input *in, att_store *st, model *m, unsigned kind, int in_batch) {
  change c;
  att_event ev;
  int rc, want;
  int64_t id;
  if (m->next > MAXEV) kind = kind % 2 ? 2 : 1; /* room for no more adds */
  switch (kind % 4) {
  case 0: { /* add */
    model t = *m;
    read_change(in, m, &c);
    to_event(&c, &ev);
    id = m->next;
    want = m_put(&t, id, &c) && (in_batch || m_links_ok(&t, id));
    rc = att_store_add(st, &ev);
    FUZZ_CHECK((rc == 0) == want, "add of \"%s\": the store says %d (%s), the model %d", c.title, rc,
               att_errmsg(), want);
    if (rc == 0) {
      handed(m, ev.id, "an add");
      *m = t;
      m->next = ev.id + 1;
      m->handed = ev.id;
    }
    att_event_free(&ev);
    break;
  }
  case 1: { /* update */
    model t = *m;
    id = (int64_t)(next_byte(in) % (unsigned)(m->next + 1)) + 1;
    read_change(in, m, &c);
    to_event(&c, &ev);
    ev.id = id;
    want = m_live(m, id) && m_put(&t, id, &c) && (in_batch || m_links_ok(&t, id));
    rc = att_store_update(st, &ev);
    FUZZ_CHECK((rc == 0) == want, "update of %lld: the store says %d (%s), the model %d", (long long)id,
               rc, att_errmsg(), want);
    if (rc == 0) *m = t;
    att_event_free(&ev);
    break;
  }
  default: { /* remove, plain or forced */
    int force = kind % 4 == 3;
    id = (int64_t)(next_byte(in) % (unsigned)(m->next + 1)) + 1;
    want = m_live(m, id) && (force || in_batch || !m_linked(m, id));
    rc = force ? att_store_remove_force(st, id) : att_store_remove(st, id);
    if (tracing > 0) fprintf(stderr, "  %sremove %lld: %d\n", force ? "forced " : "", (long long)id, rc);
    FUZZ_CHECK((rc == 0) == want, "%sremove of %lld: the store says %d (%s), the model %d",
               force ? "forced " : "", (long long)id, rc, att_errmsg(), want);
    if (rc == 0) {
      if (force)
        for (int64_t i = 1; i <= MAXEV; i++) {
          mev *e = &m->ev[i];
          int k2 = 0;
          for (int k = 0; e->live && k < e->nlinks; k++)
            if (e->links[k].id != id) e->links[k2++] = e->links[k];
          if (e->live) e->nlinks = k2;
        }
      m->ev[id].live = 0;
    }
    break;
  }
  }
}

/* At a commit: every changed event's links are whole, no removed event
 * is linked.  The model checks the whole state: equivalent here, since
 * every earlier state already held. */
static int m_whole(const model *m) {
  for (int64_t id = 1; id <= MAXEV; id++)
    if (m->ev[id].live && !m_links_ok(m, id)) return 0;
  return 1;
}

static void op_batch(input *in, att_store *st, model *m) {
  model before = *m;
  unsigned n = next_byte(in) % 5 + 1, end = next_byte(in);
  int rc;
  FUZZ_CHECK(att_store_begin(st) == 0, "begin: %s", att_errmsg());
  for (unsigned i = 0; i < n; i++) op_change(in, st, m, next_byte(in), 1);
  if (end % 3 == 0) {
    att_store_rollback(st);
    before.next = m->next;
    before.handed = m->handed;
    *m = before;
    return;
  }
  {
    int want = m_whole(m);
    rc = att_store_commit(st);
    FUZZ_CHECK((rc == 0) == want, "commit: the store says %d (%s), the model %d", rc, att_errmsg(), want);
    if (rc != 0) {
      before.next = m->next;
      before.handed = m->handed;
      *m = before;
    }
  }
}

static void op_import(input *in, att_store *st, model *m) {
  model t = *m;
  unsigned n = next_byte(in) % 4 + 1, mode = next_byte(in);
  int64_t first = m->next, last;
  int failed = 0, rc, twice = 0;
  /* Against a store this small, a hint of 5000 makes it a large import
   * (straight into a new snapshot), a few events a batch. */
  int bulk = mode & 1;
  unsigned got = 0;
  if (m->next + n > MAXEV) return;
  rc = att_store_import_begin(st, bulk ? 5000 : n);
  FUZZ_CHECK(rc == 0, "import_begin: %s", att_errmsg());
  for (unsigned i = 0; i < n && !failed; i++) {
    change c;
    att_event ev;
    int64_t id = first + i;
    read_change(in, &t, &c);
    /* Links point anywhere up to the end of this import, forward too,
     * by id only. A key the store holds is refused at once; one given
     * earlier in this import is refused at once by a batch, and by the
     * commit of a large import (which holds no set of its keys). */
    int held, again;
    for (int k = 0; k < c.nlinks; k++) {
      c.l[k].key = 0;
      c.l[k].id = (int64_t)(next_byte(in) % (unsigned)(first + n)) + 1;
    }
    for (int k = 1; k < c.nlinks; k++)
      for (int j = 0; j < k; j++)
        if (c.l[k].rel == c.l[j].rel && c.l[k].id == c.l[j].id) c.nlinks = k;
    held = c.key && m_key(m, c.key) != 0;
    again = c.key && !held && m_key(&t, c.key) != 0;
    to_event(&c, &ev);
    rc = att_store_import_add(st, &ev);
    if (held || (again && !bulk))
      FUZZ_CHECK(rc == ATT_EEXISTS || (c.nlinks && rc == ATT_EINVAL),
                 "import_add of a key %s: the store says %d (%s)",
                 held ? "the store holds" : "given earlier in a small import", rc, att_errmsg());
    else
      FUZZ_CHECK(rc == 0 || (c.nlinks && rc == ATT_EINVAL), "import_add: %s", att_errmsg());
    if (rc == 0) {
      FUZZ_CHECK(ev.id == id, "an import's event got id %lld, expected %lld", (long long)ev.id, (long long)id);
      if (again) twice = 1;
      else m_put(&t, id, &c);
      if (id > m->handed) m->handed = id;
      got++;
    } else {
      failed = 1;
    }
    att_event_free(&ev);
  }
  last = first + (int64_t)n;
  if (failed) {
    att_store_import_abort(st);
    m->next = first + got;
    return;
  }
  t.next = last;
  t.handed = last - 1;
  {
    int want = m_whole(&t) && !twice;
    rc = att_store_import_commit(st);
    FUZZ_CHECK((rc == 0) == want, "import commit: the store says %d (%s), the model %d", rc,
               att_errmsg(), want);
    /* (Or a link the import's links check refuses first, perhaps of the
     * event that gave the key again, which the model left out.) */
    FUZZ_CHECK(!twice || rc == ATT_EEXISTS || rc == ATT_EINVAL, "import commit of a key given twice: %d (%s)",
               rc, att_errmsg());
    if (rc == 0) *m = t;
    else m->next = last;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  input in = {data, size, 0};
  model m;
  int rc;
  cleanup();
  rc = att_store_init(dir);
  FUZZ_CHECK(rc == 0, "init: %s", att_errmsg());
  memset(&m, 0, sizeof m);
  m.next = 1;
  for (int step = 0; step < MAXOPS && in.i < in.n; step++) {
    att_store *st = open_store();
    unsigned op = next_byte(&in);
    const char *what;
    switch (op % 8) {
    case 0: case 1: case 2: case 3:
      what = "a change";
      op_change(&in, st, &m, op / 8, 0);
      break;
    case 4: case 5:
      what = "a batch";
      op_batch(&in, st, &m);
      break;
    case 6:
      what = "an import";
      op_import(&in, st, &m);
      break;
    default:
      what = "a compaction";
      FUZZ_CHECK(att_store_compact(st) == 0, "compact: %s", att_errmsg());
      break;
    }
    att_store_close(st);
    check(&m, what);
  }
  /* The next id after everything: never one handed out before. */
  {
    att_store *st = open_store();
    att_event ev;
    to_event(&(change){.title = "last"}, &ev);
    if (m.next <= MAXEV + 4) {
      FUZZ_CHECK(att_store_add(st, &ev) == 0, "the last add: %s", att_errmsg());
      FUZZ_CHECK(ev.id > m.handed, "the last add got id %lld, handed out before (up to %lld)",
                 (long long)ev.id, (long long)m.handed);
    }
    att_event_free(&ev);
    att_store_close(st);
  }
  return 0;
}
