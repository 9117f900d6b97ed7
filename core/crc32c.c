/*
 * CRC-32C: the SSE4.2 instruction where the processor has it (chosen at
 * run time), else software slicing by eight bytes with tables built once on
 * first use.  The polynomial is the reflected Castagnoli 0x82F63B78.
 *
 * The instruction takes three cycles but can start one per cycle, so the
 * hardware path runs three lanes of LANE bytes side by side and joins
 * them: a CRC is linear in its starting value, and the effect of LANE zero
 * bytes on a 32-bit value is four table lookups (shift_tab, built with the
 * instruction itself).  Stored records (a few hundred bytes each) are read
 * at about twice the speed.
 */
#include "crc32c.h"

#include <pthread.h>
#include <string.h>

static uint32_t tab[8][256];
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

static void tab_build(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    tab[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++) tab[t][i] = (tab[t - 1][i] >> 8) ^ tab[0][tab[t - 1][i] & 0xff];
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ATT__HW_CRC 1
#define LANE 64

/* shift_tab[k][b]: the CRC register after LANE zero bytes, from b << 8k. */
static uint32_t shift_tab[4][256];

__attribute__((target("sse4.2"))) static void shift_build(void) {
  for (int k = 0; k < 4; k++)
    for (uint32_t b = 0; b < 256; b++) {
      uint64_t c = (uint64_t)b << (8 * k);
      for (int i = 0; i < LANE / 8; i++) c = __builtin_ia32_crc32di(c, 0);
      shift_tab[k][b] = (uint32_t)c;
    }
}

/* The register c after LANE zero bytes. */
static uint64_t shift(uint64_t c) {
  return shift_tab[0][c & 0xff] ^ shift_tab[1][(c >> 8) & 0xff] ^
         shift_tab[2][(c >> 16) & 0xff] ^ shift_tab[3][(c >> 24) & 0xff];
}

__attribute__((target("sse4.2"))) static uint32_t crc_hw(uint32_t crc, const unsigned char *p,
                                                          size_t n) {
  uint64_t c = ~crc;
  /* Three lanes a, b, c of LANE bytes: crc(c0, a b c) =
   * shift(shift(crc(c0, a)) ^ crc(0, b)) ^ crc(0, c). */
  while (n >= 3 * LANE) {
    uint64_t c1 = 0, c2 = 0;
    for (int i = 0; i < LANE; i += 8) {
      uint64_t v0, v1, v2;
      memcpy(&v0, p + i, 8);
      memcpy(&v1, p + LANE + i, 8);
      memcpy(&v2, p + 2 * LANE + i, 8);
      c = __builtin_ia32_crc32di(c, v0);
      c1 = __builtin_ia32_crc32di(c1, v1);
      c2 = __builtin_ia32_crc32di(c2, v2);
    }
    c = shift(shift(c) ^ c1) ^ c2;
    p += 3 * LANE;
    n -= 3 * LANE;
  }
  while (n >= 8) {
    uint64_t v;
    memcpy(&v, p, 8);
    c = __builtin_ia32_crc32di(c, v);
    p += 8;
    n -= 8;
  }
  while (n--) c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
  return ~(uint32_t)c;
}

static int hw;
static void hw_detect(void) {
  hw = __builtin_cpu_supports("sse4.2");
  if (hw) shift_build();
}
#endif

static uint32_t crc_sw(uint32_t crc, const unsigned char *p, size_t n);

uint32_t att_crc32c(uint32_t crc, const void *buf, size_t n) {
#ifdef ATT__HW_CRC
  static pthread_once_t hw_once = PTHREAD_ONCE_INIT;
  pthread_once(&hw_once, hw_detect);
  if (hw) return crc_hw(crc, buf, n);
#endif
  return crc_sw(crc, buf, n);
}

/* Exposed for the test that compares both ways. */
uint32_t att__crc32c_sw(uint32_t crc, const void *buf, size_t n) { return crc_sw(crc, buf, n); }

static uint32_t crc_sw(uint32_t crc, const unsigned char *p, size_t n) {
  pthread_once(&tab_once, tab_build);
  crc = ~crc;
  while (n >= 8) {
    uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                         (uint32_t)p[3] << 24);
    crc = tab[7][lo & 0xff] ^ tab[6][(lo >> 8) & 0xff] ^ tab[5][(lo >> 16) & 0xff] ^
          tab[4][lo >> 24] ^ tab[3][p[4]] ^ tab[2][p[5]] ^ tab[1][p[6]] ^ tab[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n--) crc = (crc >> 8) ^ tab[0][(crc ^ *p++) & 0xff];
  return ~crc;
}
