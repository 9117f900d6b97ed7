/*
 * Rate limits by key (a user of the API): a token bucket per key, filled
 * at `rate` per second up to `burst`, one token taken per request.  The
 * table holds at most `max_keys` buckets: a new key takes the place of
 * the one idle longest (whose bucket has refilled by then, or nearly),
 * so memory stays bounded whatever the number of keys.  Time is given by
 * the caller (the engine's clock, simulated in tests), in milliseconds.
 */
#ifndef ATT_RATELIMIT_H
#define ATT_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct att_ratelimit att_ratelimit;

/* rate > 0 per second, burst >= 1; NULL with ATT_EINVAL or ATT_ENOMEM. */
att_ratelimit *att_ratelimit_new(double rate, double burst, size_t max_keys);
void att_ratelimit_free(att_ratelimit *r);
/* Take a token for key at time now_ms: 1 if there was one, else 0 with
 * *retry_ms, the wait until there is. */
int att_ratelimit_take(att_ratelimit *r, const char *key, int64_t now_ms, int64_t *retry_ms);
/* Would a take succeed now (without taking)?  1 or 0; a key it does not
 * hold: 1. */
int att_ratelimit_has(att_ratelimit *r, const char *key, int64_t now_ms);
/* How many keys it holds now (for the tests). */
size_t att_ratelimit_keys(const att_ratelimit *r);

#endif
