/*
 * The fault-injection test hook (fault.h).  Single-threaded use only: the
 * tests that arm it do so around one store operation at a time.
 */
#include "fault.h"

#include <errno.h>

int att__fault_armed;

static long f_k, f_calls, f_injected;
static int f_persist, f_err, f_short_due;
static unsigned f_sites;

static const char *const names[ATT_FAULT_NSITES] = {"write", "sync",     "rename", "open",
                                                     "ftruncate", "mmap", "alloc"};

const char *att_fault_site_name(int site) {
  return site >= 0 && site < ATT_FAULT_NSITES ? names[site] : "?";
}

int att__fault_hit(int site) {
  long n;
  if (!(f_sites & (1u << site))) return 0;
  n = ++f_calls;
  if (n < f_k || (n > f_k && !f_persist)) return 0;
  f_injected++;
  if (f_err == ATT_FAULT_SHORTFAIL) {
    if (n == f_k && site == ATT_FAULT_WRITE) {
      f_short_due = 1;
      return 0;
    }
    errno = ENOSPC;
    return 1;
  }
  if (f_err == ATT_FAULT_SHORT) {
    if (site == ATT_FAULT_WRITE) {
      f_short_due = 1; /* att__fault_len halves the next write */
      return 0;
    }
    errno = EIO; /* a short-write campaign fails the other sites with EIO */
    return 1;
  }
  errno = f_err;
  return 1;
}

size_t att__fault_len_(size_t n) {
  if (!f_short_due) return n;
  f_short_due = 0;
  return n > 1 ? n / 2 : n;
}

void att_fault_arm(long k, int persist, unsigned sites, int err) {
  f_k = k;
  f_persist = persist;
  f_sites = sites;
  f_err = err;
  f_calls = f_injected = 0;
  f_short_due = 0;
  att__fault_armed = 1;
}

long att_fault_off(void) {
  att__fault_armed = 0;
  f_short_due = 0;
  return f_injected;
}

long att_fault_calls(void) { return f_calls; }
