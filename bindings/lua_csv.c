/*
 * at.csv.rows(path [, opts]): the rows of a CSV or TSV file, one table per
 * row, keyed by the header.
 *
 *   for row, line in at.csv.rows("events.csv") do ... end
 *   for row in at.csv.rows("x.tab", {sep = "\t"}) do ... end
 *   for row in at.csv.rows("x.txt", {header = {"id", "date", "title"}}) do ... end
 *
 * CSV follows RFC 4180: a field in double quotes may hold the separator,
 * line breaks and doubled quotes.  With sep = "\t" (the default for .tsv
 * and .tab files) fields are split on tabs and quotes are plain text.  A
 * UTF-8 byte order mark at the start is skipped; CRLF and LF both end a
 * record; blank lines are skipped.  The path is checked like io.open's
 * (att_lua_path), and the work is charged to the script's budget.
 *
 * A file that cannot be opened, and malformed input (an unclosed quote,
 * text after a closing quote, a row with more or fewer fields than the
 * header), raise "PATH:LINE: message", as io.lines raises.
 */
#include "lua_data.h"
#include "host.h"

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

typedef struct csvr {
  FILE *f;
  char *buf; /* the record's fields, one after the other */
  size_t len, cap;
  size_t *ends; /* end offset of each field in buf */
  size_t nf, fcap;
  long line; /* physical line of the next byte */
  unsigned char pend[3];
  int npend, ipend; /* bytes read while looking for a BOM */
  int back;         /* a byte read ahead, or EOF */
  int sep, quote, header, ragged;
  size_t maxrec;
  lua_Alloc alloc;
  void *aud;
} csvr;

/* ---- the reader --------------------------------------------------------- */

static void csv_close(csvr *r) {
  if (r->f) fclose(r->f);
  r->f = NULL;
  if (r->buf) r->alloc(r->aud, r->buf, r->cap, 0);
  if (r->ends) r->alloc(r->aud, r->ends, r->fcap * sizeof *r->ends, 0);
  r->buf = NULL;
  r->ends = NULL;
  r->cap = r->fcap = 0;
}

static int nextc(csvr *r) {
  if (r->back != EOF) {
    int c = r->back;
    r->back = EOF;
    return c;
  }
  if (r->ipend < r->npend) return r->pend[r->ipend++];
  return getc(r->f);
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

static void addc(lua_State *L, int ud, csvr *r, int c) {
  if (r->len == r->cap) {
    size_t ncap = r->cap ? r->cap * 2 : 256;
    char *nb;
    if (r->len >= r->maxrec) {
      char lim[32];
      snprintf(lim, sizeof lim, "%zu", r->maxrec);
      csv_error(L, ud, r->line, "a record longer than %s bytes (max-string)", lim);
    }
    nb = r->alloc(r->aud, r->buf, r->cap, ncap);
    if (!nb) luaL_error(L, "not enough memory");
    r->buf = nb;
    r->cap = ncap;
  }
  r->buf[r->len++] = (char)c;
}

static void endfield(lua_State *L, csvr *r) {
  if (r->nf == r->fcap) {
    size_t ncap = r->fcap ? r->fcap * 2 : 32;
    size_t *ne = r->alloc(r->aud, r->ends, r->fcap * sizeof *ne, ncap * sizeof *ne);
    if (!ne) luaL_error(L, "not enough memory");
    r->ends = ne;
    r->fcap = ncap;
  }
  r->ends[r->nf++] = r->len;
}

/*
 * Read one record into r (fields in buf, their ends in ends): 1, or 0 at
 * the end of the file.  *start gets the line the record starts on.  Raises
 * on malformed input.
 */
static int read_record(lua_State *L, int ud, csvr *r, long *start) {
  int c;
  r->len = r->nf = 0;
  if (!r->f) return 0;
  /* Skip blank lines. */
  for (;;) {
    c = nextc(r);
    if (c == '\r') {
      int d = nextc(r);
      if (d == '\n') c = d;
      else r->back = d;
    }
    if (c != '\n') break;
    r->line++;
  }
  if (c == EOF) return 0;
  *start = r->line;
  for (;;) { /* one field; c is its first byte */
    if (r->quote && c == '"') {
      long opened = r->line;
      for (;;) {
        c = nextc(r);
        if (c == EOF) csv_error(L, ud, opened, "a quoted field opened here is never closed%s", "");
        if (c == '"') {
          c = nextc(r);
          if (c != '"') break;
        } else if (c == '\n') {
          r->line++;
        }
        addc(L, ud, r, c);
      }
      if (c == '\r') {
        c = nextc(r);
        if (c != '\n') csv_error(L, ud, r->line, "a carriage return after a closing quote%s", "");
      }
      if (c != r->sep && c != '\n' && c != EOF) {
        char what[16];
        if (c >= 0x20 && c < 0x7f) snprintf(what, sizeof what, "'%c'", c);
        else snprintf(what, sizeof what, "byte 0x%02x", c);
        csv_error(L, ud, r->line,
                  "%s after a closing quote (a quote inside a quoted field is written \"\")",
                  what);
      }
    } else {
      while (c != r->sep && c != '\n' && c != EOF) {
        if (c == '\r') {
          int d = nextc(r);
          if (d == '\n') {
            c = d;
            break;
          }
          r->back = d;
        }
        addc(L, ud, r, c);
        c = nextc(r);
      }
    }
    endfield(L, r);
    if (c == r->sep) {
      c = nextc(r);
      continue;
    }
    if (c == '\n') r->line++;
    break;
  }
  att_lua_charge(L, r->len / 8 + r->nf + 1);
  return 1;
}

static void push_field(lua_State *L, const csvr *r, size_t i) {
  size_t from = i ? r->ends[i - 1] : 0;
  lua_pushlstring(L, r->buf + from, r->ends[i] - from);
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
    lua_createtable(L, (int)r->nf, 0);
    for (size_t i = 0; i < r->nf; i++) {
      push_field(L, r, i);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
  } else {
    lua_getiuservalue(L, ud, 2); /* the names */
    nnames = lua_rawlen(L, -1);
    if (r->nf != nnames && !r->ragged) {
      char msg[128];
      snprintf(msg, sizeof msg, "%zu field%s, but %s %zu", r->nf, r->nf == 1 ? "" : "s",
               r->header == HDR_FILE ? "the header has" : "the column names given are",
               nnames);
      csv_error(L, ud, line, "%s", msg);
    }
    lua_createtable(L, 0, (int)nnames);
    for (size_t i = 0; i < r->nf && i < nnames; i++) {
      lua_rawgeti(L, -2, (lua_Integer)i + 1);
      push_field(L, r, i);
      lua_rawset(L, -3);
    }
    lua_remove(L, -2);
  }
  lua_pushinteger(L, line);
  lua_pushinteger(L, (lua_Integer)r->nf);
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
      r->sep = (unsigned char)*s;
      r->quote = r->sep != '\t';
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
    r->quote = lua_toboolean(L, -1);
  }
  if (lua_getfield(L, 2, "ragged") != LUA_TNIL) {
    luaL_argcheck(L, lua_isboolean(L, -1), 2, "option 'ragged' takes true or false");
    r->ragged = lua_toboolean(L, -1);
  }
  lua_pop(L, 2);
  if (r->quote && r->sep == '"') luaL_argerror(L, 2, "the separator cannot be the quote");
}

/* The header row, as the names (table at index names); raises on a
 * repeated name.  An empty name keys its column by number. */
static void read_header(lua_State *L, int ud, csvr *r, int names) {
  long line = 0;
  if (!read_record(L, ud, r, &line)) return;
  lua_newtable(L); /* seen */
  for (size_t i = 0; i < r->nf; i++) {
    if (r->ends[i] == (i ? r->ends[i - 1] : 0)) {
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

int attl_csv_rows(lua_State *L) {
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
  r->alloc = lua_getallocf(L, &r->aud);
  r->line = 1;
  r->back = EOF;
  r->header = HDR_FILE;
  r->sep = ends_with(path, ".tsv") || ends_with(path, ".tab") ? '\t' : ',';
  r->quote = r->sep != '\t';
  r->maxrec = e && e->limits.string_max ? e->limits.string_max : CSV_MAXREC_DEFAULT;
  if (luaL_newmetatable(L, CSV_READER)) luaL_setfuncs(L, reader_meta, 0);
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
  /* A UTF-8 byte order mark. */
  while (r->npend < 3) {
    int c = getc(r->f);
    if (c == EOF) break;
    r->pend[r->npend++] = (unsigned char)c;
    if (c != (unsigned char)"\xEF\xBB\xBF"[r->npend - 1]) break;
  }
  if (r->npend == 3 && memcmp(r->pend, "\xEF\xBB\xBF", 3) == 0) r->ipend = 3;
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

