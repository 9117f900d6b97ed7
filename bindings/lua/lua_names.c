/*
 * at.actor(name): an actor as a person types it ("Japan", "jp", "cdc")
 * resolved to the code events store (JPN, CDC), as the command line
 * resolves it (core/actors.h): a value the script's store already holds,
 * its registry of organisations, ISO 3166.  An unknown name returns nil
 * and the message, with its did-you-mean.  at.known(field, value): is a
 * kind or status one the store knows (core/vocab.h), with the same
 * did-you-mean when not.  docs/names.md is the manual.
 *
 * The registry is read once and again only when actors.json changes (a
 * stat per call), so a report that resolves a name per event reads it
 * once.
 */
#include "lua_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "actors.h"
#include "vocab.h"
#include "lua_util.h"

/* The registry last read, and what its file was then. */
static struct {
  char *dir;
  struct stat sb;
  int exists;
  att_orgs orgs;
} reg;

static int same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The registry of the store in dir, read again when its file changed;
 * NULL after a message (att_errmsg). */
static const att_orgs *registry(const char *dir) {
  char path[4200];
  struct stat sb;
  int exists;
  snprintf(path, sizeof path, "%s/actors.json", dir);
  exists = lstat(path, &sb) == 0;
  if (reg.dir && strcmp(reg.dir, dir) == 0 && exists == reg.exists &&
      (!exists || same_file(&sb, &reg.sb)))
    return &reg.orgs;
  att_orgs_free(&reg.orgs);
  free(reg.dir);
  reg.dir = NULL;
  if (att_orgs_read(dir, &reg.orgs) != 0) return NULL;
  if ((reg.dir = strdup(dir)) == NULL) {
    att_orgs_free(&reg.orgs);
    return NULL;
  }
  reg.exists = exists;
  if (exists) reg.sb = sb;
  return &reg.orgs;
}

/* at.actor(name [, {near = false}]): with near = false, a name that is no
 * actor returns nil and a short message, without the search for the
 * nearest names (about 120 us a miss: at.extract tries every
 * capitalised phrase of a text). */
static int l_actor(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  att_engine *e = att_lua_engine(L);
  att_store *st = e ? e->store : NULL;
  const att_orgs *orgs = NULL;
  char code[256];
  int near = 1, rc;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 2) != 0) {
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      if (!k || strcmp(k, "near") != 0)
        return luaL_argerror(L, 2, "unknown option (at.actor takes near = false)");
      if (!lua_isboolean(L, -1)) return luaL_argerror(L, 2, "near: true or false expected");
      near = lua_toboolean(L, -1);
      lua_pop(L, 1);
    }
  }
  if (st && (orgs = registry(att_store_dir(st))) == NULL) return attl_fail(L);
  if (near) {
    if (att_actor_resolve(st, orgs, name, code, sizeof code) != 0) return attl_fail(L);
  } else if ((rc = att_actor_lookup(st, orgs, name, code, sizeof code)) <= 0) {
    if (rc < 0) return attl_fail(L);
    lua_pushnil(L);
    lua_pushfstring(L, "unknown actor \"%s\"", name);
    return 2;
  }
  lua_pushstring(L, code);
  return 1;
}

/* at.known(field, value): true when the store knows value as a kind or
 * a status (the documented words, its settings' vocab.kinds or
 * vocab.statuses, those its events hold); else nil and the message with
 * the nearest known words, as `attache add --kind` says it. */
static int l_known(lua_State *L) {
  static const char *const fields[] = {"kind", "status", NULL};
  int which = luaL_checkoption(L, 1, NULL, fields);
  const char *value = luaL_checkstring(L, 2);
  att_engine *e = att_lua_engine(L);
  if (att_vocab_check_store(e ? e->store : NULL, which == 0 ? ATT_VOCAB_KIND : ATT_VOCAB_STATUS,
                            value) != 0)
    return attl_fail(L);
  lua_pushboolean(L, 1);
  return 1;
}

void attl_open_names(lua_State *L) {
  static const luaL_Reg fns[] = {{"actor", l_actor}, {"known", l_known}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}
