/*
 * Token buckets by key (ratelimit.h).  The buckets sit in an array
 * searched linearly: a desk has tens of users, and max_keys bounds the
 * search; the least recently used one makes way for a new key.
 */
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

typedef struct bucket {
  char *key;
  double tokens;
  int64_t last_ms; /* when it was last filled and used */
} bucket;

struct att_ratelimit {
  double rate, burst; /* per millisecond, and the most it holds */
  bucket *v;
  size_t n, max;
};

att_ratelimit *att_ratelimit_new(double rate, double burst, size_t max_keys) {
  att_ratelimit *r;
  if (!(rate > 0) || !(burst >= 1) || max_keys == 0) {
    att__err(ATT_EINVAL, "a rate limit needs a rate above 0 per second and a burst of at least 1");
    return NULL;
  }
  if (!(r = calloc(1, sizeof *r)) || !(r->v = calloc(max_keys, sizeof *r->v))) {
    free(r);
    att__err(ATT_ENOMEM, "out of memory");
    return NULL;
  }
  r->rate = rate / 1000.0;
  r->burst = burst;
  r->max = max_keys;
  return r;
}

void att_ratelimit_free(att_ratelimit *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n; i++) free(r->v[i].key);
  free(r->v);
  free(r);
}

size_t att_ratelimit_keys(const att_ratelimit *r) { return r->n; }

static void fill(const att_ratelimit *r, bucket *b, int64_t now) {
  if (now > b->last_ms) {
    b->tokens += (double)(now - b->last_ms) * r->rate;
    if (b->tokens > r->burst) b->tokens = r->burst;
    b->last_ms = now;
  }
}

int att_ratelimit_take(att_ratelimit *r, const char *key, int64_t now_ms, int64_t *retry_ms) {
  bucket *b = NULL;
  *retry_ms = 0;
  for (size_t i = 0; i < r->n && !b; i++)
    if (!strcmp(r->v[i].key, key)) b = &r->v[i];
  if (!b) {
    char *k = strdup(key);
    if (!k) return 1; /* no memory to count: let it through rather than refuse everyone */
    if (r->n < r->max) {
      b = &r->v[r->n++];
    } else { /* the one idle longest makes way */
      b = &r->v[0];
      for (size_t i = 1; i < r->n; i++)
        if (r->v[i].last_ms < b->last_ms) b = &r->v[i];
      free(b->key);
    }
    b->key = k;
    b->tokens = r->burst;
    b->last_ms = now_ms;
  }
  fill(r, b, now_ms);
  if (b->tokens >= 1) {
    b->tokens -= 1;
    return 1;
  }
  *retry_ms = (int64_t)((1 - b->tokens) / r->rate) + 1;
  return 0;
}

int att_ratelimit_has(att_ratelimit *r, const char *key, int64_t now_ms) {
  for (size_t i = 0; i < r->n; i++)
    if (!strcmp(r->v[i].key, key)) {
      fill(r, &r->v[i], now_ms);
      return r->v[i].tokens >= 1;
    }
  return 1;
}
