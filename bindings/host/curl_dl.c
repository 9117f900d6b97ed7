/*
 * libcurl opened with dlopen on first use (see curl_dl.h): the table of
 * its functions that the curl_* macros call through.
 */
#include "curl_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

att__curl_api att__curl;

#define SYM(f) {"curl_" #f, offsetof(att__curl_api, f)}
static const struct {
  const char *name;
  size_t off;
} syms[] = {
    SYM(easy_cleanup),     SYM(easy_getinfo),        SYM(easy_init),        SYM(easy_perform),
    SYM(easy_setopt),      SYM(easy_strerror),       SYM(easy_unescape),    SYM(free),
    SYM(global_cleanup),   SYM(global_init),         SYM(multi_add_handle), SYM(multi_assign),
    SYM(multi_cleanup),    SYM(multi_info_read),     SYM(multi_init),       SYM(multi_remove_handle),
    SYM(multi_setopt),     SYM(multi_socket_action), SYM(slist_append),     SYM(slist_free_all),
    SYM(url),              SYM(url_cleanup),         SYM(url_get),          SYM(url_set),
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512]; /* why it could not be loaded (set by load) */

static void load(void) {
  const char *name = getenv("ATTACHE_LIBCURL");
  void *h;
  size_t i;
  if (name == NULL || *name == '\0') name = ATT_LIBCURL_SONAME;
  /* never closed: it stays for the life of the process, as if linked */
  h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    snprintf(failure, sizeof failure, "cannot load libcurl (%s), needed to send alerts and to serve "
             "HTTP: %s; install the libcurl4 package", name, dlerror());
    return;
  }
  for (i = 0; i < sizeof syms / sizeof syms[0]; i++) {
    void *p = dlsym(h, syms[i].name);
    if (p == NULL) {
      snprintf(failure, sizeof failure, "cannot use libcurl (%s): it has no %s; libcurl 7.62 or "
               "later is needed (the libcurl4 package)", name, syms[i].name);
      memset(&att__curl, 0, sizeof att__curl);
      return;
    }
    /* an object pointer into a function pointer's bytes (POSIX: same size) */
    memcpy((char *)&att__curl + syms[i].off, &p, sizeof p);
  }
  failure[0] = '\0';
}

int att__curl_load(void) {
  pthread_once(&once, load);
  return failure[0] ? att__err(ATT_EIO, "%s", failure) : 0;
}
