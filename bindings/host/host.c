/*
 * The script host: the engine's helpers (clock, log, allowed paths) and the
 * life of a script's sandboxed state: creation, loading, the one protected
 * call into user Lua, and closing.
 *
 * What a script may do is decided in sandbox.c; this file only drives the
 * state.  Every call goes through att_script_call, which resets the budget,
 * adds a traceback, and turns any error (even an error object whose
 * __tostring fails, or a memory error) into a logged, counted message.
 */
#include "host_int.h"

#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "error.h"
#include "termsafe.h"
#include "timeq.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* ---- the engine ------------------------------------------------------ */

void att_limits_default(att_limits *l) {
  l->instructions = 100000000u;
  l->memory = (size_t)64 << 20;
  l->string_max = (size_t)16 << 20;
  l->seconds = 0;
  l->allow_debug = 0;
}

att_time att_engine_now(const att_engine *e) {
  if (e && e->now) return e->now(e->now_ud);
  return att_time_now();
}

/* The one logger: format (on the stack unless long), then hand over. */
static void vlog(att_log_fn fn, void *ud, int level, const char *script, const char *fmt,
                 va_list ap) {
  char small[512], *msg = small;
  va_list again;
  int n;
  va_copy(again, ap);
  n = vsnprintf(small, sizeof small, fmt, ap);
  if (n >= (int)sizeof small) {
    msg = malloc((size_t)n + 1);
    if (msg) {
      vsnprintf(msg, (size_t)n + 1, fmt, again);
    } else {
      msg = small; /* keep the cut message rather than nothing */
    }
  }
  va_end(again);
  if (fn) {
    fn(ud, level, script, msg);
  } else if (level != ATT_LOG_DEBUG) {
    /* Script text reaches a terminal: escaped (one line; the traceback
     * keeps its line breaks). */
    const char *tb = strstr(msg, "\nstack traceback:");
    size_t len = tb ? (size_t)(tb - msg) : strlen(msg);
    fprintf(stderr, "attache: %s", level == ATT_LOG_WARN ? "warning: " : "");
    att_termsafe_write(stderr, msg, len, 0);
    if (tb) att_termsafe_write(stderr, tb, strlen(tb), ATT_TS_MULTILINE);
    fputc('\n', stderr);
  }
  if (msg != small) free(msg);
}

void att_engine_log(att_engine *e, int level, const char *script, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(e ? e->log : NULL, e ? e->log_ud : NULL, level, script, fmt, ap);
  va_end(ap);
}

void att_log_to(att_log_fn fn, void *ud, int level, const char *script, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(fn, ud, level, script, fmt, ap);
  va_end(ap);
}

double att_monotonic(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- allowed paths --------------------------------------------------- */

static int push_path(char ***v, size_t *n, const char *s) {
  char **nv = realloc(*v, (*n + 1) * sizeof **v);
  if (nv == NULL) return att__err(ATT_ENOMEM, "out of memory");
  *v = nv;
  nv[*n] = strdup(s);
  if (nv[*n] == NULL) return att__err(ATT_ENOMEM, "out of memory");
  (*n)++;
  return 0;
}

int att_paths_add(att_paths *p, const char *path, int write) {
  char real[PATH_MAX], parent[PATH_MAX];
  const char *slash, *base;
  size_t dlen;
  if (path == NULL || *path == '\0') return att__err(ATT_EINVAL, "empty path");
  if (realpath(path, real) != NULL) {
    struct stat sb;
    if (write && (stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode)))
      return att__err(ATT_EINVAL, "%s: not a directory (scripts write into directories)", path);
    return write ? push_path(&p->write, &p->nwrite, real)
                 : push_path(&p->read, &p->nread, real);
  }
  if (errno != ENOENT || !write)
    return att__err(errno == ENOENT ? ATT_ENOTFOUND : ATT_EIO, "%s: %s", path, strerror(errno));
  /* A write directory to be made on the first write: its parent must be
   * there now, so that the planned path is canonical too. */
  dlen = strlen(path);
  while (dlen > 1 && path[dlen - 1] == '/') dlen--;
  slash = NULL;
  for (base = path; base < path + dlen; base++)
    if (*base == '/') slash = base;
  base = slash ? slash + 1 : path;
  if ((size_t)(path + dlen - base) == 0 || (path + dlen - base == 1 && base[0] == '.') ||
      (path + dlen - base == 2 && base[0] == '.' && base[1] == '.'))
    return att__err(ATT_EINVAL, "%s: not a directory name", path);
  if (slash == NULL) {
    snprintf(parent, sizeof parent, ".");
  } else if (slash == path) {
    snprintf(parent, sizeof parent, "/");
  } else {
    snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
  }
  if (realpath(parent, real) == NULL)
    return att__err(ATT_ENOTFOUND, "%s: %s: %s", path, parent, strerror(errno));
  if (strlen(real) + 2 + (size_t)(path + dlen - base) > sizeof real)
    return att__err(ATT_EINVAL, "%s: path too long", path);
  if (strcmp(real, "/") != 0) strcat(real, "/");
  strncat(real, base, (size_t)(path + dlen - base));
  return push_path(&p->write, &p->nwrite, real);
}

int att_paths_set_out(att_paths *p, const char *path) {
  int rc = att_paths_add(p, path, 1);
  if (rc == 0) p->out = p->write[p->nwrite - 1];
  return rc;
}

void att_paths_free(att_paths *p) {
  size_t i;
  for (i = 0; i < p->nread; i++) free(p->read[i]);
  for (i = 0; i < p->nwrite; i++) free(p->write[i]);
  free(p->read);
  free(p->write);
  memset(p, 0, sizeof *p);
}

/* ---- scripts --------------------------------------------------------- */

att_script *att_lua_script(lua_State *L) {
  void *ud = NULL;
  lua_getallocf(L, &ud);
  return ud;
}

att_engine *att_lua_engine(lua_State *L) { return att_lua_script(L)->e; }
lua_State *att_script_L(att_script *s) { return s->L; }
att_engine *att_script_engine(att_script *s) { return s->e; }
const char *att_script_name(att_script *s) { return s->name; }
int att_script_exit_code(const att_script *s) { return s->exit_code; }

size_t att_script_memory(const att_script *s, size_t *peak) {
  if (peak) *peak = s->mem_peak;
  return s->mem;
}

/* ---- C memory and read-only contexts (host.h) ------------------------ */

int att_script_mem_take(att_script *s, size_t n) {
  if (s->mem_max != 0 && (s->mem > s->mem_max || n > s->mem_max - s->mem))
    return att__err(ATT_ENOMEM, "%s: not enough memory (the script's memory limit, max-memory, was reached)",
                    s->name);
  s->mem += n;
  if (s->mem > s->mem_peak) s->mem_peak = s->mem;
  return 0;
}

void att_script_mem_give(att_script *s, size_t n) { s->mem -= n < s->mem ? n : s->mem; }

void att_lua_mem_take(lua_State *L, size_t n) {
  att_script *s = att_lua_script(L);
  if (s->mem_max != 0 && (s->mem > s->mem_max || n > s->mem_max - s->mem)) {
    /* Give Lua's garbage a chance first, as Lua does for its own memory. */
    lua_gc(L, LUA_GCCOLLECT);
    if (s->mem > s->mem_max || n > s->mem_max - s->mem)
      luaL_error(L, "not enough memory (the script's memory limit, max-memory, was reached)");
  }
  s->mem += n;
  if (s->mem > s->mem_peak) s->mem_peak = s->mem;
}

void att_script_readonly_enter(att_script *s, const char *what) {
  if (s->ro_depth++ == 0) s->ro_what = what;
}

void att_script_readonly_leave(att_script *s) {
  if (s->ro_depth > 0 && --s->ro_depth == 0) s->ro_what = NULL;
}

void att_lua_check_write(lua_State *L, const char *action) {
  att_script *s = att_lua_script(L);
  if (s->ro_depth > 0) luaL_error(L, "%s may not write (%s)", s->ro_what ? s->ro_what : "this function", action);
  if (s->depth == 0)
    luaL_error(L, "%s after the script's call has ended (a finalizer or a leftover function may not write)", action);
}

/* Never reached in normal operation: the host calls Lua only in protected
 * mode.  Say what happened rather than dying silently. */
static int on_panic(lua_State *L) {
  const char *m = lua_tostring(L, -1);
  fputs("attache: unprotected error in a script's state: ", stderr);
  if (m) att_termsafe_write(stderr, m, strlen(m), 0);
  fputc('\n', stderr);
  abort();
  return 0;
}

/* The directory a script's own modules are required from. */
static char *script_dir(const char *name) {
  char buf[PATH_MAX], real[PATH_MAX];
  const char *slash = strrchr(name, '/');
  if (slash == NULL) snprintf(buf, sizeof buf, ".");
  else if (slash == name) snprintf(buf, sizeof buf, "/");
  else snprintf(buf, sizeof buf, "%.*s", (int)(slash - name), name);
  if (realpath(buf, real) == NULL) return NULL;
  return strdup(real);
}

att_script *att_script_new(att_engine *e, const char *name) {
  att_script *s = calloc(1, sizeof *s);
  int st;
  if (s == NULL) return NULL;
  s->e = e;
  s->name = strdup(name ? name : "(script)");
  s->dir = name ? script_dir(name) : NULL;
  s->mem_max = e->limits.memory;
  s->warn_on = 1;
  if (s->name == NULL || (s->L = lua_newstate(att__sandbox_alloc, s)) == NULL) {
    free(s->name);
    free(s->dir);
    free(s);
    return NULL;
  }
  lua_atpanic(s->L, on_panic);
  /* Scripts make many objects that die young (an event object for each
   * event a filter looks at, the strings of a report's lines): the
   * generational collector frees those in minor collections that do not
   * walk the whole heap.  `bench/each.lua` over 10,000 events: about 950
   * instructions an event in lua_newuserdatauv (the collector's steps)
   * with the incremental collector, 470 with this one (callgrind). */
  lua_gc(s->L, LUA_GCGEN, 0, 0);
  lua_setwarnf(s->L, att__sandbox_warn, s);
  att__hook_arm(s, s->L);
  lua_pushcfunction(s->L, att__sandbox_open);
  st = lua_pcall(s->L, 0, 0, 0);
  if (st != LUA_OK) {
    const char *m = lua_tostring(s->L, -1);
    att__err(st == LUA_ERRMEM ? ATT_ENOMEM : ATT_EINVAL,
             "%s: cannot build the sandbox: %s%s", s->name, m ? m : "error",
             st == LUA_ERRMEM ? " (is the memory limit too small?)" : "");
    att_script_free(s);
    return NULL;
  }
  return s;
}

void att_script_free(att_script *s) {
  if (s == NULL) return;
  if (s->L) {
    /* Finalizers of the bindings may still run: give them a fresh budget
     * and no memory cap (closing must not fail). */
    s->used = 0;
    s->stop = ATT__STOP_NONE;
    s->deadline = 0;
    s->mem_max = 0;
    lua_close(s->L);
  }
  free(s->name);
  free(s->dir);
  free(s->author);
  free(s);
}

int att_script_set_author(att_script *s, const char *author) {
  char *a = NULL;
  if (author && (a = strdup(author)) == NULL) return att__err(ATT_ENOMEM, "out of memory");
  free(s->author);
  s->author = a;
  return 0;
}

const char *att_script_author(const att_script *s) { return s->author; }

/* Make the store's author `a` (NULL: the engine's); the one it was. */
static const char *author_swap(att_engine *e, const char *a) {
  const char *prev = e->author_now, *cur = prev ? prev : e->author, *want = a ? a : e->author;
  if (e->store && !(cur == want || (cur && want && strcmp(cur, want) == 0))) {
    if (att_store_set_author(e->store, want) != 0) att__errclear();
  }
  e->author_now = a;
  return prev;
}

typedef struct load_req {
  const char *path, *code, *chunkname;
  size_t len;
} load_req;

static int do_load(lua_State *L) {
  load_req *r = lua_touserdata(L, 1);
  int st;
  lua_pop(L, 1);
  if (r->path) st = luaL_loadfilex(L, r->path, "t");
  else st = luaL_loadbufferx(L, r->code, r->len, r->chunkname, "t");
  if (st != LUA_OK) {
    lua_pushinteger(L, st);
    lua_insert(L, -2);
    return lua_error(L); /* the message, with the status under it */
  }
  return 1;
}

static int has_position(const char *m);

static int load_chunk(att_script *s, load_req *r) {
  lua_State *L = s->L;
  int st;
  lua_pushcfunction(L, do_load);
  lua_pushlightuserdata(L, r);
  st = lua_pcall(L, 1, 1, 0);
  if (st == LUA_OK) return 0;
  {
    const char *m = lua_tostring(L, -1);
    int code = st == LUA_ERRMEM ? ATT_ENOMEM : ATT_EINVAL;
    if (m && strncmp(m, "cannot open", 11) == 0) code = ATT_EIO;
    if (m && strncmp(m, "cannot read", 11) == 0) code = ATT_EIO;
    if (m && code != ATT_EIO && !has_position(m)) /* ("attempt to load a binary chunk") */
      att__err(code, "%s: %s", r->path ? r->path : s->name, m);
    else
      att__err(code, "%s", m ? m : "cannot load the chunk");
    lua_pop(L, 1);
    return code;
  }
}

int att_script_load_file(att_script *s, const char *path) {
  load_req r = {path, NULL, NULL, 0};
  return load_chunk(s, &r);
}

int att_script_load_string(att_script *s, const char *code, size_t len,
                           const char *chunkname) {
  load_req r = {NULL, code, chunkname ? chunkname : "=(string)", len};
  return load_chunk(s, &r);
}

/* The message handler: any error value becomes a string with a traceback.
 * An error object's __tostring is user code: it runs protected, and its
 * failure only changes the text. */
static int msgh(lua_State *L) {
  const char *msg = NULL;
  if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
    msg = lua_tostring(L, 1);
  } else if (att_lua_script(L)->stop == ATT__STOP_NONE &&
             luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
    /* (not when stopped: the error may come from the hook, hooks off) */
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
      msg = lua_tostring(L, -1);
    else
      msg = lua_pushfstring(L, "(error object is a %s value whose __tostring failed)",
                            luaL_typename(L, 1));
  } else {
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Does the message start with a position, "file:line:"? */
static int has_position(const char *m) {
  const char *c = strchr(m, ':');
  const char *nl = strchr(m, '\n');
  if (c == NULL || (nl && nl < c) || c == m) return 0;
  c++;
  if (*c < '0' || *c > '9') return 0;
  while (*c >= '0' && *c <= '9') c++;
  return *c == ':';
}

/*
 * The safety net under every call: a batch is owned by the call that
 * opened it, so one still open when that call is over (whatever the
 * bindings did to leave it so) is rolled back, and the call is an error
 * that names the script, and the line of at.batch when it is known.  A
 * call made while a batch of an outer call is open (a rule run inside
 * that call) leaves that batch to its owner.  1 if a batch was rolled
 * back (the message is in att_errmsg()).
 */
static int close_leaked_batch(att_script *s, int was_open) {
  att_store *st = s->e->store;
  if (st == NULL || was_open || !att_store_in_batch(st)) return 0;
  att_store_rollback(st);
  att__err(ATT_EINVAL, "%s%sa batch was still open when the call ended: it was rolled back, "
                       "and nothing of it was kept (a batch cannot outlive its call)",
           s->batch_at[0] ? s->batch_at : s->name, s->batch_at[0] ? "" : ": ");
  s->batch_at[0] = '\0';
  att_engine_log(s->e, ATT_LOG_ERROR, s->name, "%s", att_errmsg());
  s->e->errors++;
  return 1;
}

int att_script_call(att_script *s, int nargs, int nresults) {
  lua_State *L = s->L;
  int base = lua_gettop(L) - nargs, st, code;
  int in_batch = s->e->store && att_store_in_batch(s->e->store);
  const char *m, *tb;
  if (s->depth == 0) {
    s->used = 0;
    s->stop = ATT__STOP_NONE;
    s->deadline = s->e->limits.seconds > 0 ? att_monotonic() + s->e->limits.seconds : 0;
    s->current = NULL;
    att__hook_arm(s, L);
    att__watch_begin(s);
  }
  const char *prev_author = s->author ? author_swap(s->e, s->author) : NULL;
  lua_pushcfunction(L, msgh);
  lua_insert(L, base);
  s->depth++;
  st = lua_pcall(L, nargs, nresults, base);
  s->depth--;
  if (s->author) author_swap(s->e, prev_author);
  if (s->depth == 0) att__watch_end(s);
  lua_remove(L, base);
  if (st == LUA_OK) {
    if (!close_leaked_batch(s, in_batch)) return 0;
    lua_settop(L, base - 1); /* the results of a call that failed after all */
    return ATT_EINVAL;
  }
  if (close_leaked_batch(s, in_batch)) { /* (logged; the call's own error follows) */
  }
  if (s->stop == ATT__STOP_EXIT) {
    lua_pop(L, 1);
    att__err(ATT_SCRIPT_EXIT, "%s: os.exit(%d)", s->name, s->exit_code);
    return ATT_SCRIPT_EXIT;
  }
  /* Only a string is read here: no metamethod runs outside protection. */
  m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  if (m == NULL)
    m = st == LUA_ERRMEM ? "not enough memory" : "error in error handling";
  else if (st == LUA_ERRMEM && strcmp(m, "not enough memory") == 0)
    m = "not enough memory (the script's memory limit, max-memory, was reached)";
  tb = strstr(m, "\nstack traceback:");
  code = st == LUA_ERRMEM ? ATT_ENOMEM
                          : (s->stop == ATT__STOP_NONE ? ATT_EINVAL : ATT_ERANGE);
  if (has_position(m)) {
    att__err(code, "%.*s", tb ? (int)(tb - m) : (int)strlen(m), m);
    att_engine_log(s->e, ATT_LOG_ERROR, s->name, "%s", m);
  } else {
    /* error("days=x: give a number", 0): a message the script meant for
     * its user, as a report's argument check; the traceback is for
     * errors with a position (a bug's, or error("...") at level 1). */
    att__err(code, "%s: %.*s", s->name, tb ? (int)(tb - m) : (int)strlen(m), m);
    att_engine_log(s->e, ATT_LOG_ERROR, s->name, "%s: %.*s", s->name, tb ? (int)(tb - m) : (int)strlen(m), m);
  }
  s->e->errors++;
  lua_pop(L, 1);
  return code;
}

int att_script_writable(const att_script *s) { return s->ro_depth == 0 && s->depth > 0; }

void att_script_batch_mark(att_script *s, const char *where) {
  snprintf(s->batch_at, sizeof s->batch_at, "%s", where ? where : "");
}
