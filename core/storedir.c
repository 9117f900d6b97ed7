/*
 * The store directory itself: private, and never redirected.
 *
 * A store's files are reached only as themselves: every open carries
 * O_NOFOLLOW, so a symbolic link planted where a store file belongs is
 * refused, naming it, instead of being written through; temporary files
 * are created afresh with O_EXCL after whatever stood at their name is
 * removed.  The directory is the owner's alone (0700, files 0600): init
 * refuses a directory others can write, or one that already holds other
 * files, unless forced (which makes it private), and opening warns about
 * one that became writable by others.  Temporary files an interrupted
 * compaction or import left are removed by the next writer and reported
 * by fsck.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fault.h"
#include "store_int.h"

/* The daemon writes its state through daemon.state.tmp without the store's
 * lock, so that one is not a temporary file the store's writers sweep. */
const char *const att__store_files[] = {"lock",        "journal",      "snapshot",         "alerts",
                                        "daemon.lock", "daemon.state", "daemon.state.tmp",
                                        "settings.json", "actors.json", "users.json", "silences.json",
                                        "outbox", NULL};
const char *const att__store_tmps[] = {"journal.tmp", "snapshot.tmp", "settings.json.tmp",
                                       "actors.json.tmp", "users.json.tmp", "silences.json.tmp", NULL};

/* history.<gen> (a history segment, docs/history.md): 1; its temporary
 * history.<gen>.tmp, or spill.XXXXXX (a snapshot writer's temporary file
 * where the file system has no O_TMPFILE, core/spill.c, which a crash in
 * the moment between its creation and its removal would leave): 2; else
 * 0. */
static int history_name(const char *name) {
  const char *p = name;
  if (strncmp(p, "spill.", 6) == 0 && strlen(p) == 12) return 2;
  if (strncmp(p, "history.", 8) != 0) return 0;
  p += 8;
  if (*p < '0' || *p > '9') return 0;
  while (*p >= '0' && *p <= '9') p++;
  if (*p == '\0') return 1;
  return strcmp(p, ".tmp") == 0 ? 2 : 0;
}

int att__open(const char *path, int flags, int mode) {
  if (att__fault(ATT_FAULT_OPEN)) return -1;
  return open(path, flags | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
}

int att__open_err(const char *path, const char *what) {
  if (errno == ELOOP)
    return att__err(ATT_ECORRUPT,
                    "\"%s\" is a symbolic link; attache never reaches a store's files through "
                    "links, so it was not followed and nothing was changed (remove the link; "
                    "'attache fsck' lists what else is out of place)",
                    path);
  return att__err(ATT_EIO, "cannot %s \"%s\": %s", what, path, strerror(errno));
}

int att_store_dir_holds(const char *dir, const char *path) {
  char sd[PATH_MAX], pd[PATH_MAX], buf[PATH_MAX];
  const char *slash;
  size_t n;
  if (!dir || !path || realpath(dir, sd) == NULL) return 0;
  /* the path itself when it exists, else its directory */
  if (realpath(path, pd) == NULL) {
    slash = strrchr(path, '/');
    if (!slash) snprintf(buf, sizeof buf, ".");
    else if (slash == path) snprintf(buf, sizeof buf, "/");
    else snprintf(buf, sizeof buf, "%.*s", (int)(slash - path), path);
    if (realpath(buf, pd) == NULL) return 0;
  }
  n = strlen(sd);
  return strncmp(pd, sd, n) == 0 && (pd[n] == '\0' || pd[n] == '/');
}

int att_store_file(const char *dir, const char *name, int flags, int mode) {
  char p[4096];
  int rc, fd;
  if ((rc = att__path(p, sizeof p, dir, name)) != 0) return rc;
  if (flags & O_EXCL) return att__create_tmp(p, flags, mode);
  fd = att__open(p, flags, mode);
  return fd >= 0 ? fd : att__open_err(p, "open");
}

int att__create_tmp(const char *path, int flags, int mode) {
  int fd;
  if (unlink(path) != 0 && errno != ENOENT)
    return att__err(ATT_EIO, "cannot remove \"%s\" to write it afresh: %s", path, strerror(errno));
  fd = att__open(path, flags | O_CREAT | O_EXCL, mode);
  if (fd < 0) return att__open_err(path, "create");
  return fd;
}

static int in_list(const char *name, const char *const *list) {
  for (size_t i = 0; list[i]; i++)
    if (strcmp(name, list[i]) == 0) return 1;
  return 0;
}

int att__dir_prepare(const char *dir, int force) {
  struct stat sb;
  DIR *d;
  struct dirent *e;
  char first[256] = "";
  size_t others = 0;
  if (stat(dir, &sb) != 0) return errno == ENOENT ? 1 : att__err(ATT_EIO, "cannot look at \"%s\": %s", dir, strerror(errno));
  if (!S_ISDIR(sb.st_mode)) return att__err(ATT_EINVAL, "\"%s\" exists and is not a directory; a store is a directory", dir);
  if (sb.st_uid != geteuid())
    return att__err(ATT_EINVAL,
                    "\"%s\" belongs to another user (uid %ld); a store lives in a directory of "
                    "its owner's, so that no one else can change it",
                    dir, (long)sb.st_uid);
  if (!(d = opendir(dir))) return att__err(ATT_EIO, "cannot read \"%s\": %s", dir, strerror(errno));
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (strcmp(e->d_name, "snapshot") == 0) {
      closedir(d);
      return att__err(ATT_EEXISTS, "a store already exists in \"%s\"", dir);
    }
    if (!first[0]) snprintf(first, sizeof first, "%s", e->d_name);
    else others++;
  }
  closedir(d);
  if (first[0] && !force) {
    char more[48] = "";
    if (others) snprintf(more, sizeof more, " and %zu other%s", others, others == 1 ? "" : "s");
    return att__err(ATT_EINVAL,
                    "\"%s\" is not empty (it holds \"%s\"%s); a store is created in a new or "
                    "empty directory, so that nothing else lives beside its files (--force "
                    "creates it there anyway)",
                    dir, first, more);
  }
  if ((sb.st_mode & 022) && !force)
    return att__err(ATT_EINVAL,
                    "\"%s\" can be written by other users (mode %04o); a store's directory is "
                    "private (0700), so that no one else can replace or redirect its files "
                    "(--force makes it private and creates the store)",
                    dir, (unsigned)(sb.st_mode & 07777));
  if ((sb.st_mode & 077) && chmod(dir, 0700) != 0)
    return att__err(ATT_EIO, "cannot make \"%s\" private (mode 0700): %s", dir, strerror(errno));
  return 0;
}

int att__tmp_sweep(const char *dir, void (*say)(void *, const char *), void *ud) {
  {
    /* history.<gen>.tmp: a segment an interrupted compaction was writing
     * (or a snapshot writer's spill file) */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
      char p[4096], msg[4600];
      struct stat sb;
      if (history_name(e->d_name) != 2 || att__path(p, sizeof p, dir, e->d_name) != 0 ||
          lstat(p, &sb) != 0)
        continue;
      if (unlink(p) == 0 && say) {
        snprintf(msg, sizeof msg,
                 "removed \"%s\" (%lld bytes), left by a compaction that was interrupted; "
                 "nothing in it was ever acknowledged", p, (long long)sb.st_size);
        say(ud, msg);
      }
    }
    if (d) closedir(d);
  }
  for (size_t i = 0; att__store_tmps[i]; i++) {
    char p[4096], msg[4600];
    struct stat sb;
    if (att__path(p, sizeof p, dir, att__store_tmps[i]) != 0 || lstat(p, &sb) != 0) continue;
    if (unlink(p) != 0) return att__err(ATT_EIO, "cannot remove the stale \"%s\": %s", p, strerror(errno));
    if (say) {
      snprintf(msg, sizeof msg,
               "removed \"%s\" (%lld bytes), left by a compaction or import that was "
               "interrupted; nothing in it was ever acknowledged",
               p, (long long)sb.st_size);
      say(ud, msg);
    }
  }
  return 0;
}

int att__dir_report(const char *dir, void (*say)(void *, const char *), void *ud) {
  struct stat sb;
  char msg[10000], p[4096];
  int bad = 0;
  if (stat(dir, &sb) != 0) return 0;
  if (sb.st_mode & 077) {
    snprintf(msg, sizeof msg,
             "permissions: the store directory \"%s\" has mode %04o; it should be 0700 (others "
             "can %s it): chmod 700 \"%s\"",
             dir, (unsigned)(sb.st_mode & 07777), sb.st_mode & 022 ? "change" : "read", dir);
    say(ud, msg);
    bad = 1;
  }
  for (int pass = 0; pass < 2; pass++) {
    const char *const *list = pass ? att__store_tmps : att__store_files;
    for (size_t i = 0; list[i]; i++) {
      if (att__path(p, sizeof p, dir, list[i]) != 0 || lstat(p, &sb) != 0) continue;
      if (S_ISLNK(sb.st_mode)) {
        snprintf(msg, sizeof msg, "links: \"%s\" is a symbolic link; a store's files are never "
                 "links, and attache refuses to use it: remove it", p);
        bad = 1;
      } else if (!S_ISREG(sb.st_mode)) {
        snprintf(msg, sizeof msg, "files: \"%s\" is not a regular file", p);
        bad = 1;
      } else if (pass) {
        snprintf(msg, sizeof msg,
                 "stale file: \"%s\" (%lld bytes) was left by a compaction or import that was "
                 "interrupted; nothing in it was acknowledged, and the next write removes it",
                 p, (long long)sb.st_size);
      } else if (sb.st_mode & 077) {
        snprintf(msg, sizeof msg, "permissions: \"%s\" has mode %04o; it should be 0600: chmod 600 \"%s\"",
                 p, (unsigned)(sb.st_mode & 07777), p);
        bad = 1;
      } else {
        continue;
      }
      say(ud, msg);
    }
  }
  {
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue;
      if (in_list(e->d_name, att__store_files) || in_list(e->d_name, att__store_tmps)) continue;
      if (history_name(e->d_name) == 1) continue; /* fsck's history scan judges it */
      if (history_name(e->d_name) == 2) {
        snprintf(msg, sizeof msg,
                 "stale file: \"%s/%s\" was left by a compaction that was interrupted; nothing "
                 "in it was acknowledged, and the next write removes it", dir, e->d_name);
        say(ud, msg);
        continue;
      }
      snprintf(msg, sizeof msg, "files: \"%s/%s\" is not a file of the store (left as it is)", dir, e->d_name);
      say(ud, msg);
    }
    if (d) closedir(d);
  }
  return bad ? ATT_ECORRUPT : 0;
}
