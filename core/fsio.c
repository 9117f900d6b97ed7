/*
 * Small file-system helpers of the store: paths, complete writes, the
 * directory sync that makes a create or rename durable, and the atomic
 * replacement of a small file (settings.json, actors.json, users.json).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int att__file_replace(const char *dir, const char *name, const char *tmpname, const char *text,
                      int *placed) {
  char p[4096], q[4096];
  int fd, rc;
  if (placed) *placed = 0;
  if ((rc = att__path(p, sizeof p, dir, tmpname)) != 0 || (rc = att__path(q, sizeof q, dir, name)) != 0)
    return rc;
  if ((fd = att__create_tmp(p, O_WRONLY, 0600)) < 0) return fd;
  rc = att__write_all(fd, text, strlen(text));
  if (rc == 0) rc = att__write_all(fd, "\n", 1);
  if (rc == 0 && (att__fault(ATT_FAULT_SYNC) || fsync(fd) != 0))
    rc = att__err(ATT_EIO, "cannot sync \"%s\": %s", p, strerror(errno));
  if (close(fd) != 0 && rc == 0) rc = att__err(ATT_EIO, "cannot write \"%s\": %s", p, strerror(errno));
  if (rc == 0 && (att__fault(ATT_FAULT_RENAME) || rename(p, q) != 0))
    rc = att__err(ATT_EIO, "cannot rename \"%s\" to \"%s\": %s", p, q, strerror(errno));
  if (rc != 0) {
    unlink(p);
    return rc;
  }
  if (placed) *placed = 1;
  return att__fsync_dir(dir);
}

int att__file_read(const char *dir, const char *name, char *path, size_t cap, char **text, size_t *len) {
  struct stat sb;
  ssize_t got;
  int fd, rc;
  *text = NULL;
  *len = 0;
  if ((rc = att__path(path, cap, dir, name)) != 0) return rc;
  if ((fd = att__open(path, O_RDONLY, 0)) < 0) return errno == ENOENT ? 0 : att__open_err(path, "open");
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > ATT__SMALL_FILE_MAX) {
    close(fd);
    return ATT_ERANGE;
  }
  if ((*text = malloc((size_t)sb.st_size + 1)) == NULL) {
    close(fd);
    return att__err(ATT_ENOMEM, "out of memory reading \"%s\"", path);
  }
  while (*len < (size_t)sb.st_size && (got = read(fd, *text + *len, (size_t)sb.st_size - *len)) > 0)
    *len += (size_t)got;
  close(fd);
  (*text)[*len] = '\0';
  return 0;
}

int att__file_load(const char *dir, const char *name, int (*bad)(const char *path, const char *why),
                   int (*parse)(const char *path, const char *text, size_t len, void *out), void *out) {
  char p[4096], *text;
  size_t len;
  int rc;
  if ((rc = att__file_read(dir, name, p, sizeof p, &text, &len)) == ATT_ERANGE)
    return bad(p, "not a regular file of at most 8 MiB");
  if (rc != 0 || text == NULL) return rc;
  rc = parse(p, text, len, out);
  free(text);
  return rc;
}

int att__say_damage(int rc, void (*say)(void *, const char *), void *ud) {
  char msg[1200];
  if (rc == 0) return 0;
  snprintf(msg, sizeof msg, "%s", att_errmsg());
  if (say) say(ud, msg);
  return ATT_ECORRUPT;
}
