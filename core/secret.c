/*
 * Hashes and secrets of the HTTP API (secret.h), over Nettle.
 */
#include "secret.h"

#include <string.h>

#include <nettle/memops.h>
#include <nettle/sha2.h>

void att_sha256(const void *data, size_t len, unsigned char out[32]) {
  struct sha256_ctx c;
  sha256_init(&c);
  sha256_update(&c, len, data);
  sha256_digest(&c, SHA256_DIGEST_SIZE, out);
  att_wipe(&c, sizeof c);
}

int att_secret_eq(const void *a, const void *b, size_t n) { return memeql_sec(a, b, n) != 0; }

void att_wipe(void *p, size_t n) { explicit_bzero(p, n); }
