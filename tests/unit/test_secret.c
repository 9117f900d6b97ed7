/*
 * Unit tests of the API's hashes and secrets (core/secret.h): SHA-256
 * against the FIPS 180-2 examples (empty, "abc", two blocks, a million
 * "a" fed at once), equality in constant time at every position of a
 * difference, and wiping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "tap.h"

static void hex(const unsigned char *h, char *out) {
  for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", h[i]);
}

static void sha_is(const void *data, size_t len, const char *want, const char *what) {
  unsigned char h[32];
  char got[65];
  att_sha256(data, len, h);
  hex(h, got);
  is_str(got, want, "SHA-256 of %s", what);
}

int main(void) {
  char *million = malloc(1000000);
  unsigned char a[64], b[64];
  int bad = 0;
  sha_is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "nothing");
  sha_is("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "\"abc\"");
  sha_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "two blocks");
  memset(million, 'a', 1000000);
  sha_is(million, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
         "a million \"a\"");
  free(million);
  for (int i = 0; i < 64; i++) a[i] = b[i] = (unsigned char)(i * 7);
  ok(att_secret_eq(a, b, 64) == 1, "equal secrets compare equal");
  ok(att_secret_eq(a, b, 0) == 1, "... empty ones too");
  for (int i = 0; i < 64; i++)
    for (int bit = 0; bit < 8; bit++) {
      b[i] ^= (unsigned char)(1 << bit);
      bad += att_secret_eq(a, b, 64) != 0;
      b[i] ^= (unsigned char)(1 << bit);
    }
  is_int(bad, 0, "a difference of one bit at any of the 512 is seen");
  att_wipe(a, sizeof a);
  for (int i = 0; i < 64; i++) bad += a[i] != 0;
  is_int(bad, 0, "a wiped secret is all zeros");
  return done_testing();
}
