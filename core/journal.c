/*
 * The journal's byte layout: the file header and the records, each with a
 * CRC-32C over its header and payload.  Reading and replaying the journal
 * is in store.c; this file only encodes and decodes.
 */
#include <string.h>

#include "crc32c.h"
#include "error.h"
#include "store_int.h"

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static uint64_t get64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

void att__jhdr_encode(unsigned char h[ATT__JHDR], uint64_t gen) {
  memset(h, 0, ATT__JHDR);
  memcpy(h, ATT__JMAGIC, 8);
  put64(h + 8, gen);
  put32(h + 16, 1);
  put32(h + 24, att_crc32c(0, h, 24));
}

int att__jhdr_decode(const unsigned char *h, size_t n, uint64_t *gen) {
  if (n < ATT__JHDR) return 0;
  if (memcmp(h, ATT__JMAGIC, 8) != 0 || get32(h + 24) != att_crc32c(0, h, 24) ||
      get32(h + 16) != 1)
    return -1;
  *gen = get64(h + 8);
  return 1;
}

void att__rhdr_encode(unsigned char h[ATT__RHDR], int type, int flags,
                      const void *p, uint32_t len) {
  uint32_t crc;
  put32(h + 4, len);
  h[8] = (unsigned char)type;
  h[9] = (unsigned char)flags;
  h[10] = ATT__RMAGIC & 0xff;
  h[11] = ATT__RMAGIC >> 8;
  put32(h + 12, 0);
  crc = att_crc32c(0, h + 4, ATT__RHDR - 4);
  crc = att_crc32c(crc, p, len);
  put32(h, crc);
}

int att__rec_decode(const unsigned char *buf, size_t n, att__rec *r, size_t *used) {
  uint32_t len, crc;
  if (n < ATT__RHDR) {
    /* Judge what we have: a wrong magic is invalid even when short. */
    if (n >= 12 && (buf[10] != (ATT__RMAGIC & 0xff) || buf[11] != (ATT__RMAGIC >> 8)))
      return -1;
    return 0;
  }
  if (buf[10] != (ATT__RMAGIC & 0xff) || buf[11] != (ATT__RMAGIC >> 8) ||
      get32(buf + 12) != 0 || buf[8] < ATT__R_PUT || buf[8] > ATT__R_META ||
      (buf[9] & ~ATT__RF_END) != 0)
    return -1;
  len = get32(buf + 4);
  if (len > ATT__RMAX) return -1;
  if (n - ATT__RHDR < len) return 0;
  crc = att_crc32c(0, buf + 4, ATT__RHDR - 4);
  crc = att_crc32c(crc, buf + ATT__RHDR, len);
  if (crc != get32(buf)) return -1;
  r->type = buf[8];
  r->flags = buf[9];
  r->payload = (const char *)buf + ATT__RHDR;
  r->len = len;
  *used = ATT__RHDR + (size_t)len;
  return 1;
}
