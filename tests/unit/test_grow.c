/*
 * att__grow (core/grow.h): an array doubled from nothing to 64 MiB keeps
 * every byte, across the step from malloc to a mapping of its own; once
 * large, a doubling copies nothing (its page faults are counted, beside
 * a copy into fresh memory as realloc makes one on the heap); a size the
 * machine cannot give is NULL with the array intact; both kinds free.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "grow.h"
#include "tap.h"
#include "testutil.h"

static long faults(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return r.ru_minflt;
}

/* Byte i of the pattern. */
static unsigned char pat(size_t i) { return (unsigned char)(i * 2654435761u >> 13); }

static void test_keeps(void) {
  unsigned char *p = NULL;
  size_t size = 0, bad = 0, steps = 0, crossed = 0;
  for (size_t want = 64; want <= ((size_t)64 << 20); want *= 2) {
    unsigned char *q = att__grow(p, size, want);
    if (!q) {
      ok(0, "grow to %zu bytes", want);
      att__grow_free(p, size);
      return;
    }
    for (size_t i = 0; i < size; i++) bad += q[i] != pat(i);
    for (size_t i = size; i < want; i++) q[i] = pat(i);
    crossed += size < ATT__GROW_MAP && want >= ATT__GROW_MAP;
    p = q, size = want, steps++;
  }
  is_int((long long)bad, 0, "%zu doublings to %zu MiB: every byte kept", steps, size >> 20);
  is_int((long long)crossed, 1, "one of them from malloc into a mapping");
  att__grow_free(p, size);
  p = att__grow(NULL, 0, 100);
  ok(p != NULL, "a small array");
  att__grow_free(p, 100); /* from malloc: valgrind and ASan see it freed */
  att__grow_free(NULL, 0);
}

static void test_no_copy(int vg) {
  const size_t big = (size_t)8 << 20;
  unsigned char *p, *q;
  long f0, grow_faults, copy_faults;
  if (vg) {
    printf("# under valgrind: mremap and page faults are valgrind's own\n");
    return;
  }
  p = att__grow(NULL, 0, big);
  memset(p, 1, big); /* every page present */
  f0 = faults();
  q = att__grow(p, big, 2 * big);
  grow_faults = faults() - f0;
  ok(q && q[big - 1] == 1 && q[0] == 1, "8 MiB doubled, its bytes kept");
  /* The peer: what realloc does on the heap, a copy into fresh memory
   * (a fault per 4 KiB page, as the heap's are). */
  p = mmap(NULL, 2 * big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    ok(0, "mmap: %s", strerror(errno));
    att__grow_free(q, 2 * big);
    return;
  }
  madvise(p, 2 * big, MADV_NOHUGEPAGE);
  f0 = faults();
  memcpy(p, q, big);
  copy_faults = faults() - f0;
  munmap(p, 2 * big);
  ok(grow_faults * 20 < copy_faults,
     "doubling 8 MiB: %ld page faults; a copy into fresh memory: %ld", grow_faults, copy_faults);
  att__grow_free(q, 2 * big);
}

static void test_too_big(void) {
  unsigned char *p = att__grow(NULL, 0, (size_t)1 << 20), *q;
  memset(p, 7, (size_t)1 << 20);
  q = att__grow(p, (size_t)1 << 20, SIZE_MAX / 2);
  ok(q == NULL, "a size the machine cannot map: NULL");
  ok(p[0] == 7 && p[((size_t)1 << 20) - 1] == 7, "... and the array is intact, to be freed");
  att__grow_free(p, (size_t)1 << 20);
}

int main(void) {
  int vg = tu_light();
  test_keeps();
  test_no_copy(vg);
  test_too_big();
  return done_testing();
}
