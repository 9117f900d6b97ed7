/*
 * The sandbox of a script: what its Lua state contains and the limits it
 * runs under.  docs/sandbox.md is the manual; this file is the allow list.
 *
 * A script's globals are built from the lists just below, copied from the
 * standard libraries (never the libraries themselves, so a script that
 * changes `string` or `table` changes only its own copy), with these
 * replacements:
 *   load            text chunks only (mode "t" whatever is asked)
 *   collectgarbage  no option that changes how the collector works
 *   setmetatable    no __gc: finalizers run with hooks off, out of budget
 *   require         embedded modules and .lua files in the script's own
 *                   directory and the read directories; no C modules
 *   io.open/lines   only under the directories the engine allows
 *   os.exit         unwinds the script instead of ending the process
 *   getmetatable    never the metatable of a non-table (false instead)
 *   string.rep/format  results capped at limits.string_max
 *   string.find/match/gmatch/gsub  our own matcher (same syntax and results
 *                   as Lua 5.4's), whose steps count against the budget
 *   string.rep, table.insert/remove/move/concat  our own (sandbox_cost.c,
 *                   sandbox_tab.c), each element or copy charged
 *   next, pairs, table.sort/unpack/pack, utf8.len/offset/codes, os.date,
 *   load, and the functions of the *_cost lists  metered: the work they
 *                   do in C is charged as it grows (sandbox_cost.c)
 *   io.read, io.lines(), io.stdin's read and lines  refused under serve
 * Left out: dofile, loadfile, string.dump, os.execute/remove/rename/
 * tmpname/getenv/setlocale, io.popen/tmpfile/input/output, package.loadlib
 * and the C searchers, and debug (unless limits.allow_debug).
 *
 * Limits: a custom allocator caps the state's memory; a count hook every
 * ATT__HOOK_STEP instructions charges the call's budget (and checks its
 * deadline).  Once a call is out of budget (or calls os.exit) the hook
 * fires at every instruction and raises each time, so a pcall in the
 * script may catch one error but cannot go on running.  Without an
 * instruction budget (max-instructions 0) there is no hook at all: in
 * Lua 5.4 any count hook sends every instruction through the debug
 * interface (luaG_traceexec), which made a tight loop about half as fast;
 * a deadline or a stop signal then sets the hook from the watchdog, on
 * the thread the call is running in (att_script.current).
 *
 * An error raised in a hook leaves hooks off in its thread until a pcall
 * catches it.  Lua code that would run in that window must not run: so
 * xpcall's handler is skipped once the call is stopped, and a coroutine
 * that died while stopped does not run its pending __close handlers
 * (coroutine.wrap and coroutine.close below).  __gc is refused because
 * finalizers always run with hooks off.
 */
#include "host_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embedded.h"
#include "sandbox_int.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* ---- the allow list -------------------------------------------------- */

static const char *const base_names[] = {
    "assert", "error", "ipairs", "pcall", "print", "rawequal", "rawget",
    "rawlen", "rawset", "select", "tonumber", "tostring", "type", "warn",
    "xpcall", "_VERSION", NULL};
static const char *const string_names[] = {
    "byte", "char", "len", "lower", "pack", "packsize", "reverse", "sub",
    "unpack", "upper", NULL};
static const char *const table_names[] = {NULL};
static const char *const os_names[] = {"clock", "difftime", NULL};
static const char *const io_names[] = {
    "close", "write", "type", "stdin", "stdout", "stderr", NULL};

/* Stock functions whose work grows with their input or output, metered
 * (sandbox_cost.c): what each one's cost counts. */
typedef struct sb_cost_reg {
  const char *name;
  lua_Integer how;
} sb_cost_reg;
static const sb_cost_reg base_cost[] = {
    {"print", SB_COST_ALL}, {"rawequal", SB_COST_ARG(1) | SB_COST_ARG(2)},
    {"select", SB_COST_OUT}, {"tonumber", SB_COST_ARG(1)}, {NULL, 0}};
static const sb_cost_reg string_cost[] = {
    {"byte", SB_COST_OUT}, {"char", SB_COST_OUT}, {"lower", SB_COST_ARG(1)},
    {"upper", SB_COST_ARG(1)}, {"reverse", SB_COST_ARG(1)}, {"sub", SB_COST_OUT},
    {"pack", SB_COST_ARG(1) | SB_COST_OUT | SB_COST_PACK}, {"packsize", SB_COST_ARG(1)},
    {"unpack", SB_COST_ARG(1) | SB_COST_OUT}, {NULL, 0}};
static const sb_cost_reg utf8_cost[] = {
    {"char", SB_COST_OUT}, {"codepoint", SB_COST_OUT}, {NULL, 0}};
static const sb_cost_reg io_cost[] = {{"write", SB_COST_ALL}, {NULL, 0}};

static int sb_load(lua_State *L);
static int sb_xpcall(lua_State *L);
static int sb_co_resume(lua_State *L);
static int sb_co_wrap(lua_State *L);
static int sb_co_close(lua_State *L);
static int sb_collectgarbage(lua_State *L);
static int sb_setmetatable(lua_State *L);
static int sb_require(lua_State *L);
static int sb_str_format(lua_State *L);
static int sb_getmetatable(lua_State *L);
static int sb_io_read(lua_State *L);
static int sb_os_exit(lua_State *L);
static int sb_io_open(lua_State *L);
static int sb_io_lines(lua_State *L);

/* Replacements that call the original (given as upvalue 1). */
static const luaL_Reg base_wrap[] = {
    {"load", sb_load}, {"collectgarbage", sb_collectgarbage},
    {"setmetatable", sb_setmetatable}, {NULL, NULL}};
static const luaL_Reg string_wrap[] = {{"format", sb_str_format}, {NULL, NULL}};
static const luaL_Reg table_wrap[] = {
    {"sort", att__sb_tsort}, {"unpack", att__sb_tunpack}, {"pack", att__sb_tpack},
    {NULL, NULL}};
static const luaL_Reg utf8_wrap[] = {
    {"len", att__sb_utf8_len}, {"offset", att__sb_utf8_offset},
    {"codes", att__sb_utf8_codes}, {NULL, NULL}};
static const luaL_Reg os_wrap[] = {
    {"date", att__sb_os_date}, {"time", att__sb_os_time}, {NULL, NULL}};
static const luaL_Reg co_wrap[] = {
    {"resume", sb_co_resume}, {"close", sb_co_close}, {NULL, NULL}};
static const luaL_Reg io_wrap[] = {
    {"lines", sb_io_lines}, {"read", sb_io_read}, {NULL, NULL}};
/* Functions of our own. */
static const luaL_Reg base_own[] = {
    {"require", sb_require}, {"xpcall", sb_xpcall}, {"getmetatable", sb_getmetatable},
    {"next", att__sb_next}, {"pairs", att__sb_pairs}, {NULL, NULL}};
static const luaL_Reg co_own[] = {{"wrap", sb_co_wrap}, {NULL, NULL}};
static const luaL_Reg string_own[] = {
    {"find", att__sb_str_find}, {"match", att__sb_str_match},
    {"gmatch", att__sb_str_gmatch}, {"gsub", att__sb_str_gsub},
    {"rep", att__sb_str_rep}, {NULL, NULL}};
static const luaL_Reg table_own[] = {
    {"insert", att__sb_tinsert}, {"remove", att__sb_tremove}, {"move", att__sb_tmove},
    {"concat", att__sb_tconcat}, {NULL, NULL}};
static const luaL_Reg os_own[] = {{"exit", sb_os_exit}, {NULL, NULL}};
static const luaL_Reg io_own[] = {{"open", sb_io_open}, {NULL, NULL}};

typedef struct sb_lib {
  const char *name;          /* global name; "_G" for the base functions */
  lua_CFunction open;
  const char *const *names;  /* fields copied as they are; NULL: all */
  const luaL_Reg *wrap, *own;
  const sb_cost_reg *cost;   /* copied fields metered */
  int debug_only;
} sb_lib;

static const sb_lib libs[] = {
    {"_G", luaopen_base, base_names, base_wrap, base_own, base_cost, 0},
    {"string", luaopen_string, string_names, string_wrap, string_own, string_cost, 0},
    {"table", luaopen_table, table_names, table_wrap, table_own, NULL, 0},
    {"math", luaopen_math, NULL, NULL, NULL, NULL, 0},
    {"utf8", luaopen_utf8, NULL, utf8_wrap, NULL, utf8_cost, 0},
    {"coroutine", luaopen_coroutine, NULL, co_wrap, co_own, NULL, 0},
    {"os", luaopen_os, os_names, os_wrap, os_own, NULL, 0},
    {"io", luaopen_io, io_names, io_wrap, io_own, io_cost, 0},
    {"debug", luaopen_debug, NULL, NULL, NULL, NULL, 1},
    {NULL, NULL, NULL, NULL, NULL, NULL, 0}};

static const char *const gc_allowed[] = {"collect", "count", "step", "isrunning", NULL};

/* Registry keys. */
#define SB_LOADED "attache.loaded"   /* require's cache (package.loaded) */
#define SB_PRIVENV "attache.privenv" /* globals of the embedded modules */
#define SB_STOPPED "attache.stopped" /* coroutines that died stopped (weak) */

/* ---- memory ---------------------------------------------------------- */

void *att__sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  att_script *s = ud;
  size_t old = ptr ? osize : 0; /* with ptr NULL, osize is a type tag */
  void *np;
  if (nsize == 0) {
    free(ptr);
    s->mem -= old;
    return NULL;
  }
  if (nsize > old && s->mem_max != 0 &&
      (s->mem - old > s->mem_max || nsize > s->mem_max - (s->mem - old)))
    return NULL; /* Lua collects, retries, then raises "not enough memory" */
  np = realloc(ptr, nsize);
  if (np == NULL) return NULL;
  s->mem = s->mem - old + nsize;
  if (s->mem > s->mem_peak) s->mem_peak = s->mem;
  return np;
}

/* ---- the budget ------------------------------------------------------ */

static void check_limits(att_script *s) {
  const att_limits *l = &s->e->limits;
  if (l->instructions != 0 && s->used > l->instructions) s->stop = ATT__STOP_BUDGET;
  else if (s->deadline > 0 && att_monotonic() > s->deadline) s->stop = ATT__STOP_TIME;
  else if (att__interrupt) s->stop = ATT__STOP_SIGNAL; /* watchdog.c */
}

/* From now on, raise at every instruction of this thread and the main
 * one (other coroutines switch at their next check). */
static void stick(lua_State *L) {
  lua_State *main;
  lua_sethook(L, att__sandbox_hook, LUA_MASKCOUNT, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  main = lua_tothread(L, -1);
  lua_pop(L, 1);
  if (main && main != L) lua_sethook(main, att__sandbox_hook, LUA_MASKCOUNT, 1);
}

static void push_stop(lua_State *L, att_script *s) {
  switch (s->stop) {
  case ATT__STOP_BUDGET:
    lua_pushfstring(L, "instruction budget exhausted: more than %I instructions in "
                       "one call (max-instructions)",
                    (lua_Integer)s->e->limits.instructions);
    break;
  case ATT__STOP_SIGNAL:
    lua_pushliteral(L, "stopped: the program is shutting down (SIGINT or SIGTERM)");
    break;
  case ATT__STOP_TIME:
    lua_pushfstring(L, "time limit exceeded: more than %f seconds in one call (max-time)",
                    (lua_Number)s->e->limits.seconds);
    break;
  default:
    lua_pushfstring(L, "os.exit(%d)", s->exit_code);
  }
}

void att__sandbox_hook(lua_State *L, lua_Debug *ar) {
  att_script *s = att_lua_script(L);
  int n = lua_gethookcount(L);
  if (s->stop == ATT__STOP_NONE) {
    s->used += (uint64_t)n;
    check_limits(s);
  }
  if (s->stop != ATT__STOP_NONE) {
    stick(L);
    if (s->stop != ATT__STOP_EXIT && lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
      lua_pushfstring(L, "%s:%d: ", ar->short_src, ar->currentline);
    else
      lua_pushliteral(L, "");
    push_stop(L, s);
    lua_concat(L, 2);
    lua_error(L);
  }
  if (n != ATT__HOOK_STEP || s->e->limits.instructions == 0) att__hook_arm(s, L);
}

void att__hook_arm(att_script *s, lua_State *L) {
  if (s->e->limits.instructions != 0) lua_sethook(L, att__sandbox_hook, LUA_MASKCOUNT, ATT__HOOK_STEP);
  else lua_sethook(L, NULL, 0, 0);
}

void att_lua_charge(lua_State *L, uint64_t units) {
  att_script *s = att_lua_script(L);
  if (s->stop == ATT__STOP_NONE) {
    s->used = units > UINT64_MAX - s->used ? UINT64_MAX : s->used + units;
    check_limits(s);
  }
  if (s->stop != ATT__STOP_NONE) {
    stick(L);
    luaL_where(L, 1);
    push_stop(L, s);
    lua_concat(L, 2);
    lua_error(L);
  }
}

/* ---- warnings -------------------------------------------------------- */

void att__sandbox_warn(void *ud, const char *msg, int tocont) {
  att_script *s = ud;
  size_t have = strlen(s->warn);
  if (!s->warn_cont && !tocont && msg[0] == '@') { /* a control message */
    if (strcmp(msg, "@on") == 0) s->warn_on = 1;
    else if (strcmp(msg, "@off") == 0) s->warn_on = 0;
    return;
  }
  snprintf(s->warn + have, sizeof s->warn - have, "%s", msg);
  s->warn_cont = tocont;
  if (!tocont) {
    if (s->warn_on) att_engine_log(s->e, ATT_LOG_WARN, s->name, "%s: %s", s->name, s->warn);
    s->warn[0] = '\0';
  }
}

/* ---- paths ----------------------------------------------------------- */

/* Is the canonical path `p` the entry `dir` or inside it? */
static int under(const char *p, const char *dir) {
  size_t n = strlen(dir);
  if (strncmp(p, dir, n) != 0) return 0;
  return p[n] == '\0' || p[n] == '/' || (n == 1 && dir[0] == '/');
}

static int allowed(const att_engine *e, const char *real, int write) {
  size_t i;
  for (i = 0; i < e->paths.nwrite; i++)
    if (under(real, e->paths.write[i])) return 1;
  if (!write)
    for (i = 0; i < e->paths.nread; i++)
      if (under(real, e->paths.read[i])) return 1;
  return 0;
}

/* A planned write directory (att_paths_add) is made when a script first
 * writes into it.  `dir` is matched lexically; the check that follows is
 * done on the real path again. */
static int make_planned(const att_engine *e, const char *dir) {
  char abs[PATH_MAX], out[PATH_MAX];
  size_t i, o = 0;
  const char *c;
  if (dir[0] == '/') snprintf(abs, sizeof abs, "%s", dir);
  else {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL) return -1;
    if ((size_t)snprintf(abs, sizeof abs, "%s/%s", cwd, dir) >= sizeof abs) return -1;
  }
  for (c = abs; *c;) { /* drop "." and "", fold ".." */
    const char *end = strchr(c, '/');
    size_t n = end ? (size_t)(end - c) : strlen(c);
    if (n == 2 && c[0] == '.' && c[1] == '.') {
      while (o > 0 && out[o - 1] != '/') o--;
      if (o > 0) o--;
    } else if (n > 0 && !(n == 1 && c[0] == '.')) {
      if (o + n + 2 > sizeof out) return -1;
      out[o++] = '/';
      memcpy(out + o, c, n);
      o += n;
    }
    c += n;
    if (*c == '/') c++;
  }
  if (o == 0) out[o++] = '/';
  out[o] = '\0';
  for (i = 0; i < e->paths.nwrite; i++)
    if (strcmp(out, e->paths.write[i]) == 0)
      return mkdir(out, 0700) == 0 || errno == EEXIST ? 0 : -1;
  return -1;
}

/* The canonical path of `path` in out, if the script may use it: 0, or -1
 * with a message in why.  With create, the file may not exist yet (its
 * directory must). */
static int resolve(const att_engine *e, const char *path, int write, int create,
                   char out[PATH_MAX], char *why, size_t whylen) {
  if (realpath(path, out) == NULL) {
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    if (errno != ENOENT || !create) {
      snprintf(why, whylen, "%s", strerror(errno));
      return -1;
    }
    if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
      snprintf(why, whylen, "not a file name");
      return -1;
    }
    if (slash == NULL) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (realpath(dir, out) == NULL &&
        (errno != ENOENT || make_planned(e, dir) != 0 || realpath(dir, out) == NULL)) {
      snprintf(why, whylen, "%s", strerror(errno ? errno : ENOENT));
      return -1;
    }
    if (strlen(out) + strlen(base) + 2 > PATH_MAX) {
      snprintf(why, whylen, "path too long");
      return -1;
    }
    if (strcmp(out, "/") != 0) strcat(out, "/");
    strcat(out, base);
  }
  if (!allowed(e, out, write)) {
    snprintf(why, whylen, "not allowed: outside the directories this script may %s "
                          "(see --read, --write and --out in 'attache help run')",
             write ? "write" : "read");
    return -1;
  }
  /* The store's files are attache's, whatever directory holds them: a
   * script given --write $HOME must not overwrite the journal. */
  if (write && e->store && att_store_dir_holds(att_store_dir(e->store), out)) {
    snprintf(why, whylen, "not allowed: inside the store %s, whose files attache alone writes",
             att_store_dir(e->store));
    return -1;
  }
  return 0;
}

int att_lua_path(lua_State *L, const char *path, int write, char *out, char *why,
                 size_t whylen) {
  return resolve(att_lua_engine(L), path, write, write, out, why, whylen);
}

/* ---- io -------------------------------------------------------------- */

static int io_fclose(lua_State *L) {
  luaL_Stream *p = luaL_checkudata(L, 1, LUA_FILEHANDLE);
  return luaL_fileresult(L, fclose(p->f) == 0, NULL);
}

/* Lua's modes: r w a, then an optional +, then any number of b. */
static int parse_mode(const char *m, int *flags) {
  char c = *m++;
  int plus;
  if (c != 'r' && c != 'w' && c != 'a') return -1;
  plus = *m == '+';
  if (plus) m++;
  if (m[strspn(m, "b")] != '\0') return -1;
  if (c == 'r') *flags = plus ? O_RDWR : O_RDONLY;
  else if (c == 'w') *flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC;
  else *flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND;
  return 0;
}

static int sb_io_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1), *mode = luaL_optstring(L, 2, "r");
  att_engine *e = att_lua_engine(L);
  char real[PATH_MAX], why[256];
  luaL_Stream *p;
  struct stat sb;
  int flags = 0, fd, fl;
  luaL_argcheck(L, parse_mode(mode, &flags) == 0, 2, "invalid mode");
  if ((flags & O_ACCMODE) != O_RDONLY) att_lua_check_write(L, "io.open for writing");
  /* The handle exists, closed, before the file is opened. */
  p = lua_newuserdatauv(L, sizeof *p, 0);
  p->f = NULL;
  p->closef = NULL;
  luaL_setmetatable(L, LUA_FILEHANDLE);
  if (resolve(e, path, (flags & O_ACCMODE) != O_RDONLY, (flags & O_CREAT) != 0, real,
              why, sizeof why) != 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, why);
    lua_pushinteger(L, EACCES);
    return 3;
  }
  /* No symlink swapped in since, no FIFO to block on, only plain files. */
  /* A new file takes the store's private mode: a script's output may
   * hold what the store does. */
  fd = open(real, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
  if (fd < 0) return luaL_fileresult(L, 0, path);
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    close(fd);
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: not a regular file", path);
    lua_pushinteger(L, EINVAL);
    return 3;
  }
  fl = fcntl(fd, F_GETFL);
  if (fl != -1) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  p->f = fdopen(fd, mode);
  if (p->f == NULL) {
    close(fd);
    return luaL_fileresult(L, 0, path);
  }
  p->closef = io_fclose;
  return 1;
}

/* Under `attache serve`, standard input is out of reach: reading it would
 * block the daemon's loop, every script and its signals with it. */
static void no_stdin(lua_State *L, const char *what) {
  if (att_lua_engine(L)->daemon != NULL)
    luaL_error(L, "%s: standard input cannot be read under 'attache serve' (it would "
                  "block the daemon); read files with io.open or io.lines(path)", what);
}

static int is_stdin(lua_State *L, int i) {
  luaL_Stream *p = luaL_testudata(L, i, LUA_FILEHANDLE);
  return p != NULL && p->f == stdin;
}

/* One unit per result, and the bytes read. */
static void charge_results(lua_State *L) {
  int n = lua_gettop(L), i;
  size_t bytes = 0;
  for (i = 1; i <= n; i++)
    if (lua_type(L, i) == LUA_TSTRING) bytes += lua_rawlen(L, i);
  att_lua_charge(L, (uint64_t)n + bytes / SB_BYTES_PER_UNIT);
}

/* Call upvalue 1 with the arguments, meter its results. */
static int call_metered(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  charge_results(L);
  return lua_gettop(L);
}

static int sb_io_read(lua_State *L) {
  no_stdin(L, "io.read");
  return call_metered(L);
}

/* file:read (upvalue 1) */
static int sb_f_read(lua_State *L) {
  if (is_stdin(L, 1)) no_stdin(L, "io.stdin:read");
  return call_metered(L);
}

/* file:lines (upvalue 1), its iterator metered. */
static int sb_f_lines(lua_State *L) {
  if (is_stdin(L, 1)) no_stdin(L, "io.stdin:lines");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  lua_pushcclosure(L, call_metered, 1);
  return 1;
}

/* The iterator of io.lines(path): the file's own lines iterator, and the
 * file closed at the end. */
static int lines_next(lua_State *L) {
  int n;
  lua_settop(L, 0);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_call(L, 0, LUA_MULTRET);
  charge_results(L);
  n = lua_gettop(L);
  if (n == 0 || lua_isnil(L, 1)) {
    lua_getfield(L, lua_upvalueindex(2), "close");
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_call(L, 1, 0);
  }
  return n;
}

static int sb_io_lines(lua_State *L) {
  int n = lua_gettop(L), i;
  if (lua_isnoneornil(L, 1)) { /* lines of standard input */
    no_stdin(L, "io.lines()");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    if (lua_type(L, 1) == LUA_TFUNCTION) { /* meter the iterator */
      lua_pushvalue(L, 1);
      lua_pushcclosure(L, call_metered, 1);
      lua_replace(L, 1);
    }
    return lua_gettop(L);
  }
  lua_pushcfunction(L, sb_io_open);
  lua_pushvalue(L, 1);
  lua_call(L, 1, 2);
  if (lua_isnil(L, -2)) return luaL_error(L, "%s", lua_tostring(L, -1));
  lua_pop(L, 1);                      /* the file, at n + 1 */
  lua_getfield(L, n + 1, "lines");
  lua_pushvalue(L, n + 1);
  for (i = 2; i <= n; i++) lua_pushvalue(L, i);
  lua_call(L, n, 1);                  /* file:lines(...) */
  lua_pushvalue(L, n + 1);
  lua_pushcclosure(L, lines_next, 2);
  lua_pushnil(L);
  lua_pushnil(L);
  lua_pushvalue(L, n + 1);            /* closed by a generic for's exit */
  return 4;
}

/* ---- require --------------------------------------------------------- */

static int valid_module_name(const char *n) {
  const char *c;
  if (*n == '\0' || *n == '.') return 0;
  for (c = n; *c; c++) {
    if (*c == '.') {
      if (c[1] == '.' || c[1] == '\0') return 0;
    } else if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-') {
      return 0;
    }
  }
  return 1;
}

static const att_embedded *find_embedded(const char *modname) {
  const att_embedded *m;
  const char *stem;
  if (strcmp(modname, "attache") == 0) stem = "attache";
  else if (strncmp(modname, "attache.", 8) == 0 && strcmp(modname + 8, "attache") != 0)
    stem = modname + 8;
  else return NULL;
  /* attache.extract.NAME is "extract/NAME" (the reports, "reports/NAME",
   * are run, never required) */
  for (m = att_embedded_scripts; m->name; m++) {
    if (strcmp(m->name, stem) == 0) return m;
    if (!strncmp(m->name, "extract/", 8) && !strncmp(stem, "extract.", 8) && !strcmp(m->name + 8, stem + 8))
      return m;
  }
  return NULL;
}

/* Push the loader of modname and its data, or return 0 after adding to
 * the "not found" list on top of the stack. */
static int find_file(lua_State *L, att_script *s, const char *modname, luaL_Buffer *nf) {
  const att_engine *e = s->e;
  char rel[PATH_MAX], cand[PATH_MAX], real[PATH_MAX];
  size_t i, k, ndirs = 1 + e->paths.nread;
  for (i = 0; modname[i] && i + 1 < sizeof rel; i++)
    rel[i] = modname[i] == '.' ? '/' : modname[i];
  rel[i] = '\0';
  for (i = 0; i < ndirs; i++) {
    const char *dir = i == 0 ? s->dir : e->paths.read[i - 1];
    struct stat sb;
    if (dir == NULL || (i > 0 && s->dir && strcmp(dir, s->dir) == 0) || stat(dir, &sb) != 0 ||
        !S_ISDIR(sb.st_mode))
      continue;
    for (k = 0; k < 2; k++) {
      int w = snprintf(cand, sizeof cand, k == 0 ? "%s/%s.lua" : "%s/%s/init.lua",
                       strcmp(dir, "/") == 0 ? "" : dir, rel);
      if (w < 0 || (size_t)w >= sizeof cand) continue;
      if (realpath(cand, real) != NULL && under(real, dir) && stat(real, &sb) == 0 &&
          S_ISREG(sb.st_mode)) {
        if (luaL_loadfilex(L, real, "t") != LUA_OK)
          return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", modname,
                            real, lua_tostring(L, -1));
        lua_pushstring(L, real);
        return 1;
      }
      luaL_addstring(nf, "\n\tno file '");
      luaL_addstring(nf, cand);
      luaL_addstring(nf, "'");
    }
  }
  return 0;
}

static int sb_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  att_script *s = att_lua_script(L);
  const att_embedded *m;
  lua_settop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, SB_LOADED); /* 2 */
  if (lua_getfield(L, 2, name) != LUA_TNIL && lua_toboolean(L, -1)) return 1;
  lua_pop(L, 1);
  if (!valid_module_name(name))
    return luaL_error(L, "module '%s' not found: not a valid module name in the sandbox "
                         "(letters, digits, '_' and '-', parts separated by '.')", name);
  if (strcmp(name, "attache.core") == 0) {
    lua_pushcfunction(L, luaopen_attache_core);
    lua_pushliteral(L, ":built-in:");
  } else if ((m = find_embedded(name)) != NULL) {
    char chunk[96];
    snprintf(chunk, sizeof chunk, "@[attache]/%s.lua", m->name);
    if (luaL_loadbufferx(L, (const char *)m->src, m->len, chunk, "t") != LUA_OK)
      return luaL_error(L, "error loading module '%s':\n\t%s", name, lua_tostring(L, -1));
    lua_getfield(L, LUA_REGISTRYINDEX, SB_PRIVENV);
    lua_setupvalue(L, -2, 1);
    lua_pushliteral(L, ":embedded:");
  } else if (strcmp(name, "attache") == 0 || strncmp(name, "attache.", 8) == 0) {
    return luaL_error(L, "module '%s' not found: this program has no built-in module "
                         "of that name", name);
  } else {
    luaL_Buffer nf;
    luaL_buffinit(L, &nf);
    luaL_addstring(&nf, "module '");
    luaL_addstring(&nf, name);
    luaL_addstring(&nf, "' not found:\n\tno built-in module '");
    luaL_addstring(&nf, name);
    luaL_addstring(&nf, "'");
    if (!find_file(L, s, name, &nf)) {
      luaL_addstring(&nf, "\n\t(C modules cannot be loaded in the sandbox)");
      luaL_pushresult(&nf);
      return lua_error(L);
    }
    /* the loader and its data are above the buffer: move them down */
    lua_rotate(L, 3, 2);
    lua_pop(L, 1); /* the unused buffer */
  }
  /* stack: name, LOADED, loader, data */
  lua_pushvalue(L, 3);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 4);
  lua_call(L, 2, 1);
  if (!lua_isnil(L, -1)) lua_setfield(L, 2, name);
  else lua_pop(L, 1);
  if (lua_getfield(L, 2, name) == LUA_TNIL) { /* nothing returned or set */
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, 2, name);
  }
  lua_pushvalue(L, 4);
  return 2;
}

/* ---- base functions -------------------------------------------------- */

static int sb_load(lua_State *L) {
  const char *mode = luaL_optstring(L, 3, "bt");
  size_t n = (size_t)lua_gettop(L);
  if (strchr(mode, 't') == NULL) {
    luaL_pushfail(L);
    lua_pushfstring(L, "binary chunks cannot be loaded in the sandbox (mode \"%s\")", mode);
    return 2;
  }
  if (lua_type(L, 1) == LUA_TSTRING && lua_tostring(L, 1)[0] == LUA_SIGNATURE[0]) {
    luaL_pushfail(L);
    lua_pushliteral(L, "binary chunks cannot be loaded in the sandbox (the string "
                       "starts with \"\\27\")");
    return 2;
  }
  if (n < 3) lua_settop(L, 3);
  lua_pushliteral(L, "t");
  lua_replace(L, 3);
  att__sb_load_reader(L); /* compiling is charged as it goes */
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int sb_collectgarbage(lua_State *L) {
  const char *opt = luaL_optstring(L, 1, "collect");
  int i;
  for (i = 0; gc_allowed[i]; i++)
    if (strcmp(opt, gc_allowed[i]) == 0) break;
  if (gc_allowed[i] == NULL)
    return luaL_error(L, "collectgarbage(\"%s\") is not allowed in the sandbox (allowed: "
                         "\"collect\", \"count\", \"step\", \"isrunning\")", opt);
  /* A collection walks the whole heap: count it as work. */
  if (strcmp(opt, "collect") == 0 || strcmp(opt, "step") == 0)
    att_lua_charge(L, (uint64_t)lua_gc(L, LUA_GCCOUNT, 0) * 64u);
  /* The collector is generational (host.c): a step is a whole minor (or
   * major) collection, but Lua answers true only at the end of an
   * incremental cycle, which never comes, and `repeat until
   * collectgarbage("step")` would run to the budget.  It says true. */
  if (strcmp(opt, "step") == 0) {
    lua_Integer kb = luaL_optinteger(L, 2, 0);
    lua_gc(L, LUA_GCSTEP, kb < 0 ? 0 : kb > 1 << 20 ? 1 << 20 : (int)kb);
    lua_pushboolean(L, 1);
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* getmetatable as stock (a __metatable field answers for the metatable),
 * except that the metatable of anything but a table (the handles of io,
 * the objects of the attache module) is never given out: without a
 * __metatable field the answer is false.  A script can then change no
 * metatable it did not set itself. */
static int sb_getmetatable(lua_State *L) {
  luaL_checkany(L, 1);
  if (!lua_getmetatable(L, 1)) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushliteral(L, "__metatable");
  if (lua_rawget(L, -2) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  if (lua_type(L, 1) != LUA_TTABLE) lua_pushboolean(L, 0);
  return 1;
}

static int sb_setmetatable(lua_State *L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable: __gc metamethods are not allowed in the sandbox "
                           "(finalizers would run outside the instruction budget)");
    lua_pop(L, 1);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int sb_os_exit(lua_State *L) {
  att_script *s = att_lua_script(L);
  int code;
  if (lua_isnoneornil(L, 1)) code = 0;
  else if (lua_isboolean(L, 1)) code = lua_toboolean(L, 1) ? 0 : 1;
  else {
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 0 && n <= 255, 1, "exit status must be 0 to 255, true or false");
    code = (int)n;
  }
  s->exit_code = code;
  s->stop = ATT__STOP_EXIT;
  stick(L);
  lua_pushfstring(L, "os.exit(%d)", code);
  return lua_error(L);
}

/* ---- protected calls and coroutines --------------------------------- */

/* The handler given to xpcall, called only while the call may still run:
 * a stopped call's errors come from the hook, with hooks off. */
static int xpcall_handler(lua_State *L) {
  if (att_lua_script(L)->stop != ATT__STOP_NONE) return 1; /* as it is */
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int xpcall_done(lua_State *L, int status, lua_KContext keep) {
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - (int)keep;
}

static int sb_xpcall(lua_State *L) {
  int n = lua_gettop(L), status;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, xpcall_handler, 1);
  lua_replace(L, 2);
  lua_pushboolean(L, 1); /* true, then the function, under its arguments */
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);
  status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, xpcall_done);
  return xpcall_done(L, status, 2);
}

/* Remember a coroutine that died while the call was stopped. */
static void mark_stopped(lua_State *L, int co) {
  co = lua_absindex(L, co);
  lua_getfield(L, LUA_REGISTRYINDEX, SB_STOPPED);
  lua_pushvalue(L, co);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

/* A resume has returned from co to L.  Without a budget, a hook on co is
 * the watchdog's or a stop's (att__hook_arm sets none): L takes it over,
 * so that a stop set while co ran reaches the threads that resumed it. */
static void after_resume(att_script *s, lua_State *L, lua_State *co) {
  if (s->e->limits.instructions == 0 && co && lua_gethook(co) != NULL)
    lua_sethook(L, att__sandbox_hook, LUA_MASKCOUNT, 1);
}

static int sb_co_resume(lua_State *L) {
  att_script *s = att_lua_script(L);
  lua_State *prev = s->current;
  int st;
  luaL_checktype(L, 1, LUA_TTHREAD);
  lua_pushvalue(L, 1); /* kept under the call */
  lua_insert(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 2);
  s->current = lua_tothread(L, 1);
  st = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
  s->current = prev;
  after_resume(s, L, lua_tothread(L, 1));
  if (st != LUA_OK) return lua_error(L); /* resume's own misuse, as it was */
  if (!lua_toboolean(L, 2) && att_lua_script(L)->stop != ATT__STOP_NONE) mark_stopped(L, 1);
  return lua_gettop(L) - 1;
}

static int sb_co_close(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  luaL_argexpected(L, co != NULL, 1, "coroutine");
  lua_getfield(L, LUA_REGISTRYINDEX, SB_STOPPED);
  lua_pushvalue(L, 1);
  if (lua_rawget(L, -2) != LUA_TNIL) {
    luaL_pushfail(L);
    lua_pushliteral(L, "the coroutine was stopped by the sandbox; its to-be-closed "
                       "variables are not closed");
    return 2;
  }
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1)); /* the original checks and closes */
  lua_insert(L, 1);
  lua_call(L, 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* coroutine.wrap, with the closing of the dead coroutine's variables
 * skipped when the call is stopped. */
static int wrap_call(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int narg = lua_gettop(L), nres = 0, st;
  if (lua_status(co) == LUA_OK && lua_gettop(co) == 0)
    return luaL_error(L, "cannot resume dead coroutine");
  if (!lua_checkstack(co, narg)) return luaL_error(L, "too many arguments to resume");
  lua_xmove(L, co, narg);
  {
    att_script *s = att_lua_script(L);
    lua_State *prev = s->current;
    s->current = co;
    st = lua_resume(co, L, narg, &nres);
    s->current = prev;
    after_resume(s, L, co);
  }
  if (st == LUA_OK || st == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) {
      lua_pop(co, nres);
      return luaL_error(L, "too many results to resume");
    }
    lua_xmove(co, L, nres);
    return nres;
  }
  if (att_lua_script(L)->stop == ATT__STOP_NONE) st = lua_resetthread(co);
  lua_xmove(co, L, 1);
  if (st != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

static int sb_co_wrap(lua_State *L) {
  lua_State *co;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, wrap_call, 1);
  return 1;
}

/* ---- capped string and table functions ------------------------------- */

static int too_long(lua_State *L, const char *fn, double n) {
  att_engine *e = att_lua_engine(L);
  lua_Integer big = n >= 9.2e18 ? LUA_MAXINTEGER : (lua_Integer)n;
  return luaL_error(L, "%s: the result would be %I bytes, longer than the limit of %I "
                       "(max-string)", fn, big, (lua_Integer)e->limits.string_max);
}

static int sb_str_format(lua_State *L) {
  size_t max = att_lua_engine(L)->limits.string_max, len;
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, 1);
  lua_tolstring(L, -1, &len);
  att_lua_charge(L, (uint64_t)n + len / SB_BYTES_PER_UNIT); /* the work is the result */
  if (max != 0 && len > max) return too_long(L, "string.format", (double)len);
  return 1;
}

/* ---- building the sandbox -------------------------------------------- */

/* A copy of library `lib` (the original is in table `origs`), following
 * its allow list; pushed.  With trusted, setmetatable is the original. */
static void make_lib(lua_State *L, int origs, const sb_lib *lib, int target, int trusted) {
  const luaL_Reg *r;
  const sb_cost_reg *c;
  int src;
  lua_getfield(L, origs, lib->name);
  src = lua_gettop(L);
  if (lib->names == NULL) {
    lua_pushnil(L);
    while (lua_next(L, src)) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_settable(L, target);
    }
  } else {
    const char *const *n;
    for (n = lib->names; *n; n++) {
      lua_getfield(L, src, *n);
      lua_setfield(L, target, *n);
    }
  }
  for (r = lib->wrap; r && r->name; r++) {
    lua_getfield(L, src, r->name);
    if (trusted && strcmp(r->name, "setmetatable") == 0) {
      lua_setfield(L, target, r->name);
      continue;
    }
    lua_pushcclosure(L, r->func, 1);
    lua_setfield(L, target, r->name);
  }
  for (r = lib->own; r && r->name; r++) {
    lua_pushcfunction(L, r->func);
    lua_setfield(L, target, r->name);
  }
  for (c = lib->cost; c && c->name; c++) {
    lua_getfield(L, target, c->name);
    att__sb_wrap_cost(L, -1, c->how);
    lua_setfield(L, target, c->name);
  }
  lua_pop(L, 1);
}

/* A new global table from the allow list, pushed. */
static void make_env(lua_State *L, int origs, int loaded, int trusted, int debug) {
  const sb_lib *lib;
  int env;
  lua_newtable(L);
  env = lua_gettop(L);
  for (lib = libs; lib->name; lib++) {
    if (lib->debug_only && !debug) continue;
    if (strcmp(lib->name, "_G") == 0) {
      make_lib(L, origs, lib, env, trusted);
      continue;
    }
    lua_newtable(L);
    make_lib(L, origs, lib, lua_gettop(L), trusted);
    if (!trusted) { /* require "string" gives the script's own copy */
      lua_pushvalue(L, -1);
      lua_setfield(L, loaded, lib->name);
    }
    lua_setfield(L, env, lib->name);
  }
  lua_pushvalue(L, env);
  lua_setfield(L, env, "_G");
  lua_newtable(L); /* package: only the cache of require */
  lua_pushvalue(L, loaded);
  lua_setfield(L, -2, "loaded");
  if (!trusted) {
    lua_pushvalue(L, -1);
    lua_setfield(L, loaded, "package");
    lua_pushvalue(L, env);
    lua_setfield(L, loaded, "_G");
  }
  lua_setfield(L, env, "package");
}

int att__sandbox_open(lua_State *L) {
  att_script *s = att_lua_script(L);
  int debug = s->e->limits.allow_debug, origs, loaded;
  const sb_lib *lib;
  lua_newtable(L);
  origs = lua_gettop(L);
  for (lib = libs; lib->name; lib++) {
    if (lib->debug_only && !debug) continue;
    luaL_requiref(L, lib->name, lib->open, 0);
    lua_setfield(L, origs, lib->name);
  }
  lua_newtable(L);
  loaded = lua_gettop(L);
  lua_pushvalue(L, loaded);
  lua_setfield(L, LUA_REGISTRYINDEX, SB_LOADED);
  lua_newtable(L); /* weak keys: a dead coroutine may be collected */
  lua_newtable(L);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, SB_STOPPED);

  make_env(L, origs, loaded, 1, debug); /* the embedded modules' globals */
  lua_setfield(L, LUA_REGISTRYINDEX, SB_PRIVENV);
  make_env(L, origs, loaded, 0, debug); /* the script's */
  lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);

  /* Methods of strings: a copy no script can reach, and getmetatable("")
   * gives false.  Arithmetic on strings converts them in C: metered. */
  lua_pushliteral(L, "");
  if (lua_getmetatable(L, -1)) {
    static const char *const arith[] = {"__add", "__sub", "__mul", "__div", "__mod",
                                        "__pow", "__unm", "__idiv", NULL};
    const char *const *a;
    lua_newtable(L);
    make_lib(L, origs, &libs[1], lua_gettop(L), 0);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    for (a = arith; *a; a++)
      if (lua_getfield(L, -1, *a) == LUA_TFUNCTION) {
        att__sb_wrap_cost(L, -1, SB_COST_ARG(1) | SB_COST_ARG(2));
        lua_setfield(L, -2, *a);
      } else {
        lua_pop(L, 1);
      }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  /* File handles: no metatable for scripts (its __gc and __index must stay
   * ours), reading metered, standard input refused under serve. */
  if (luaL_getmetatable(L, LUA_FILEHANDLE) == LUA_TTABLE) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    if (lua_getfield(L, -1, "__index") == LUA_TTABLE) {
      lua_getfield(L, -1, "read");
      lua_pushcclosure(L, sb_f_read, 1);
      lua_setfield(L, -2, "read");
      lua_getfield(L, -1, "lines");
      lua_pushcclosure(L, sb_f_lines, 1);
      lua_setfield(L, -2, "lines");
      lua_getfield(L, -1, "write");
      att__sb_wrap_cost(L, -1, SB_COST_ALL);
      lua_setfield(L, -2, "write");
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_settop(L, 0);
  return 0;
}
