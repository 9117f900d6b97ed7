/*
 * Small file-system helpers of the store: paths, complete writes, and the
 * directory sync that makes a create or rename durable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fault.h"
#include "store_int.h"

int att__path(char *buf, size_t cap, const char *dir, const char *name) {
  int n = snprintf(buf, cap, "%s/%s", dir, name);
  if (n < 0 || (size_t)n >= cap)
    return att__err(ATT_EINVAL, "store path \"%s/%s\" is too long", dir, name);
  return 0;
}

int att__write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = att__fault(ATT_FAULT_WRITE) ? -1 : write(fd, c, att__fault_len(n));
    if (w < 0) {
      if (errno == EINTR) continue;
      return att__err(ATT_EIO, "write failed: %s", strerror(errno));
    }
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

int att__fsync_dir(const char *dir) {
  int fd = att__fault(ATT_FAULT_OPEN) ? -1 : open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return att__err(ATT_EIO, "cannot open store directory \"%s\": %s", dir, strerror(errno));
  if (att__fault(ATT_FAULT_SYNC) || fsync(fd) != 0) {
    int e = errno;
    close(fd);
    return att__err(ATT_EIO, "cannot sync store directory \"%s\": %s", dir, strerror(e));
  }
  close(fd);
  return 0;
}
