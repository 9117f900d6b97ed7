/*
 * Hashes and secrets of the HTTP API (tokens, sessions, calendar tags):
 * SHA-256, comparison in constant time, wiping.  From Nettle (libnettle),
 * whose loading costs a command nothing measurable, where OpenSSL's
 * libcrypto cost every command about 2.5 ms of relocations at start.
 */
#ifndef ATT_SECRET_H
#define ATT_SECRET_H

#include <stddef.h>

/* The SHA-256 of data[0..len) into out. */
void att_sha256(const void *data, size_t len, unsigned char out[32]);
/* 1 if a[0..n) and b[0..n) are equal, else 0, in a time that does not
 * depend on where they differ. */
int att_secret_eq(const void *a, const void *b, size_t n);
/* Zero p[0..n) in a way the compiler does not drop. */
void att_wipe(void *p, size_t n);

#endif
