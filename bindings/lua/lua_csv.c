/*
 * at.csv.rows(path [, opts]): the rows of a CSV or TSV file, one table per
 * row, keyed by the header.
 *
 *   for row, line in at.csv.rows("events.csv") do ... end
 *   for row in at.csv.rows("x.tab", {sep = "\t"}) do ... end
 *   for row in at.csv.rows("x.txt", {header = {"id", "date", "title"}}) do ... end
 *
 * The reading is core/csv.c's, the same as `attache import`'s: RFC 4180,
 * a field in double quotes may hold the separator, line breaks and doubled
 * quotes.  With sep = "\t" (the default for .tsv and .tab files) fields
 * are split on tabs and quotes are plain text.  A UTF-8 byte order mark at
 * the start is skipped; CRLF and LF both end a record; blank lines are
 * skipped.  The path is checked like io.open's (att_lua_path), and the
 * work and memory are charged to the script's budget.
 *
 * A file that cannot be opened raises "PATH: message"; malformed input
 * (an unclosed quote, text after a closing quote, a NUL byte) raises
 * "PATH:LINE:COL: message", and a row with more or fewer fields than the
 * header "PATH:LINE: message", as io.lines raises.
 */
#include "lua_int.h"
#include "lua_util.h"
#include "host.h"
#include "csv.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

#define CSV_READER "attache.csv"
#define CSV_MAXREC_DEFAULT ((size_t)16 << 20)

enum { HDR_NONE, HDR_FILE, HDR_GIVEN };

/* The reader is core/csv.c's, fed from the file and allocating through
 * the script's allocator. */
typedef struct csvr {
  FILE *f;
  att_csv c;
  int open; /* c was initialised and not yet freed */
  int header, ragged;
} csvr;

/* ---- the reader --------------------------------------------------------- */

static size_t file_read(void *ud, char *buf, size_t cap) {
  return fread(buf, 1, cap, (FILE *)ud);
}

static void csv_close(csvr *r) {
  if (r->f) fclose(r->f);
  r->f = NULL;
  if (r->open) att_csv_free(&r->c);
  r->open = 0;
}

/* The path as the script gave it (user value 1), for messages. */
static const char *csv_path(lua_State *L, int ud) {
  const char *p;
  lua_getiuservalue(L, ud, 1);
  p = lua_tostring(L, -1);
  lua_pop(L, 1); /* the string stays referenced by the userdata */
  return p ? p : "?";
}

static int csv_error(lua_State *L, int ud, long line, const char *fmt, const char *arg) {
  const char *path = csv_path(L, ud);
  lua_pushfstring(L, "%s:%I: ", path, (lua_Integer)line);
  lua_pushfstring(L, fmt, arg);
  lua_concat(L, 2);
  return lua_error(L);
}

/*
 * Read one record into r->c: 1, or 0 at the end of the file.  *start gets
 * the line the record starts on.  Raises "PATH:LINE:COL: message" on
 * malformed input, the message of att_csv_next.
 */
static int read_record(lua_State *L, int ud, csvr *r, long *start) {
  int rc;
  if (!r->open) return 0;
  rc = att_csv_next(&r->c);
  if (rc == ATT_ENOMEM) return luaL_error(L, "not enough memory");
  if (rc < 0) {
    lua_pushfstring(L, "%s:%s", csv_path(L, ud), att_errmsg());
    return lua_error(L);
  }
  if (rc == 0) return 0;
  *start = (long)r->c.start;
  att_lua_charge(L, r->c.len / 8 + r->c.nf + 1);
  return 1;
}

static void push_field(lua_State *L, const csvr *r, size_t i) {
  size_t n;
  const char *s = att_csv_field(&r->c, i, &n);
  lua_pushlstring(L, s, n);
}

/* ---- Lua side ------------------------------------------------------------ */

static csvr *check_reader(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, CSV_READER);
}

static int r_close(lua_State *L) {
  csv_close(check_reader(L, 1));
  return 0;
}

/* The iterator: row, line, number of fields; nil at the end. */
static int r_next(lua_State *L) {
  int ud = lua_upvalueindex(1);
  csvr *r = check_reader(L, ud);
  long line = 0;
  size_t nnames;
  if (!read_record(L, ud, r, &line)) {
    csv_close(r);
    lua_pushnil(L);
    return 1;
  }
  if (r->header == HDR_NONE) {
    lua_createtable(L, (int)r->c.nf, 0);
    for (size_t i = 0; i < r->c.nf; i++) {
      push_field(L, r, i);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
  } else {
    lua_getiuservalue(L, ud, 2); /* the names */
    nnames = lua_rawlen(L, -1);
    if (r->c.nf != nnames && !r->ragged) {
      char msg[128];
      snprintf(msg, sizeof msg, "%zu field%s, but %s %zu", r->c.nf, r->c.nf == 1 ? "" : "s",
               r->header == HDR_FILE ? "the header has" : "the column names given are",
               nnames);
      csv_error(L, ud, line, "%s", msg);
    }
    lua_createtable(L, 0, (int)nnames);
    for (size_t i = 0; i < r->c.nf && i < nnames; i++) {
      lua_rawgeti(L, -2, (lua_Integer)i + 1);
      push_field(L, r, i);
      lua_rawset(L, -3);
    }
    lua_remove(L, -2);
  }
  lua_pushinteger(L, line);
  lua_pushinteger(L, (lua_Integer)r->c.nf);
  return 3;
}

static const luaL_Reg reader_meta[] = {{"__gc", r_close}, {"__close", r_close}, {NULL, NULL}};

static const char *const opt_names[] = {"sep", "header", "quote", "ragged", NULL};

/* Read the options table at index 2 into r; the given names, if any, are
 * left in the table at index `names`. */
static void read_opts(lua_State *L, csvr *r, int names) {
  if (lua_isnoneornil(L, 2)) return;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    int opt = -1;
    for (int i = 0; k && opt_names[i]; i++)
      if (strcmp(k, opt_names[i]) == 0) opt = i;
    if (opt < 0)
      luaL_argerror(L, 2, lua_pushfstring(L, "unknown option '%s'; options: sep, header, "
                                             "quote, ragged", k ? k : luaL_typename(L, -2)));
    if (opt == 0) {
      size_t n;
      const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
      if (!s || n != 1 || *s == '\n' || *s == '\r')
        luaL_argerror(L, 2, "option 'sep' takes one character, such as \",\" ';' or \"\\t\"");
      r->c.sep = (unsigned char)*s;
      r->c.quote = r->c.sep != '\t';
    } else if (opt == 1) {
      if (lua_istable(L, -1)) {
        size_t n = lua_rawlen(L, -1);
        for (size_t i = 1; i <= n; i++) {
          if (lua_rawgeti(L, -1, (lua_Integer)i) != LUA_TSTRING)
            luaL_argerror(L, 2, "option 'header' takes true, false or a list of column names");
          lua_rawseti(L, names, (lua_Integer)i);
        }
        r->header = HDR_GIVEN;
      } else if (lua_isboolean(L, -1)) {
        r->header = lua_toboolean(L, -1) ? HDR_FILE : HDR_NONE;
      } else {
        luaL_argerror(L, 2, "option 'header' takes true, false or a list of column names");
      }
    }
    lua_pop(L, 1);
  }
  /* quote and ragged after sep, which sets the default quoting. */
  if (lua_getfield(L, 2, "quote") != LUA_TNIL) {
    luaL_argcheck(L, lua_isboolean(L, -1), 2, "option 'quote' takes true or false");
    r->c.quote = lua_toboolean(L, -1);
  }
  if (lua_getfield(L, 2, "ragged") != LUA_TNIL) {
    luaL_argcheck(L, lua_isboolean(L, -1), 2, "option 'ragged' takes true or false");
    r->ragged = lua_toboolean(L, -1);
  }
  lua_pop(L, 2);
  if (r->c.quote && r->c.sep == '"') luaL_argerror(L, 2, "the separator cannot be the quote");
}

/* The header row, as the names (table at index names); raises on a
 * repeated name.  An empty name keys its column by number. */
static void read_header(lua_State *L, int ud, csvr *r, int names) {
  long line = 0;
  if (!read_record(L, ud, r, &line)) return;
  lua_newtable(L); /* seen */
  for (size_t i = 0; i < r->c.nf; i++) {
    size_t flen;
    att_csv_field(&r->c, i, &flen);
    if (flen == 0) {
      lua_pushinteger(L, (lua_Integer)i + 1);
    } else {
      push_field(L, r, i);
      lua_pushvalue(L, -1);
      if (lua_rawget(L, -3) != LUA_TNIL)
        csv_error(L, ud, line, "the header names the column \"%s\" twice", lua_tostring(L, -2));
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      lua_pushboolean(L, 1);
      lua_rawset(L, -4);
    }
    lua_rawseti(L, names, (lua_Integer)i + 1);
  }
  lua_pop(L, 1);
}

/* Does the name end with suffix? */
static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int attl_csv_rows(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char real[PATH_MAX], why[256];
  struct stat sb;
  int fd, fl, ud, names;
  csvr *r;
  att_engine *e = att_lua_engine(L);
  lua_settop(L, 2);
  lua_newtable(L); /* 3: the column names */
  names = 3;
  r = lua_newuserdatauv(L, sizeof *r, 2); /* 4 */
  ud = 4;
  memset(r, 0, sizeof *r);
  {
    void *aud;
    lua_Alloc alloc = lua_getallocf(L, &aud);
    att_csv_init_fn(&r->c, file_read, NULL, alloc, aud);
  }
  r->header = HDR_FILE;
  r->c.sep = ends_with(path, ".tsv") || ends_with(path, ".tab") ? '\t' : ',';
  r->c.quote = r->c.sep != '\t';
  r->c.maxrec = e && e->limits.string_max ? e->limits.string_max : CSV_MAXREC_DEFAULT;
  if (luaL_newmetatable(L, CSV_READER)) {
    luaL_setfuncs(L, reader_meta, 0);
    attl_protect(L);
  }
  lua_setmetatable(L, ud);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, ud, 1);
  read_opts(L, r, names);
  if (att_lua_path(L, path, 0, real, why, sizeof why) != 0)
    return luaL_error(L, "%s: %s", path, why);
  fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return luaL_error(L, "%s: %s", path, strerror(errno));
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    close(fd);
    return luaL_error(L, "%s: not a regular file", path);
  }
  fl = fcntl(fd, F_GETFL);
  if (fl != -1) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  if ((r->f = fdopen(fd, "r")) == NULL) {
    close(fd);
    return luaL_error(L, "%s: %s", path, strerror(errno));
  }
  /* From here the reader owns memory, freed by __gc or __close. */
  r->c.rud = r->f;
  r->open = 1;
  if (r->header == HDR_FILE) read_header(L, ud, r, names);
  lua_pushvalue(L, names);
  lua_setiuservalue(L, ud, 2);
  lua_pushvalue(L, ud);
  lua_pushcclosure(L, r_next, 1);
  lua_pushnil(L);
  lua_pushnil(L);
  lua_pushvalue(L, ud); /* closes the file when a loop is left early */
  return 4;
}

void attl_open_csv(lua_State *L) {
  static const luaL_Reg fns[] = {{"csv_rows", attl_csv_rows}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}
