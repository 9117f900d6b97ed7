/*
 * Internals of the sandbox shared by sandbox.c and its library files
 * (sandbox_tab.c, sandbox_cost.c, sandbox_pat.c): how work done in C is
 * metered against a call's budget.
 *
 * The hook counts VM instructions only, so every library function whose
 * work grows with its input counts that work itself, in units worth about
 * one VM instruction: one per element moved or compared, one per
 * SB_BYTES_PER_UNIT bytes copied or scanned.  Long loops charge in batches
 * of SB_BATCH units, so they also stop on the deadline (att_lua_charge
 * checks it) within a few microseconds of work.
 */
#ifndef ATT_SANDBOX_INT_H
#define ATT_SANDBOX_INT_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#define SB_BYTES_PER_UNIT 16u
#define SB_BATCH 4096u

/* A meter for one loop: tick it per unit of work; it charges the call
 * every SB_BATCH units, and sb_meter_done charges the rest. */
typedef struct sb_meter {
  lua_State *L;
  uint64_t pending;
} sb_meter;

static inline void sb_meter_init(sb_meter *m, lua_State *L) {
  m->L = L;
  m->pending = 0;
}

void sb_meter_flush(sb_meter *m);

static inline void sb_tick(sb_meter *m, uint64_t units) {
  m->pending += units;
  if (m->pending >= SB_BATCH) sb_meter_flush(m);
}

static inline void sb_meter_done(sb_meter *m) {
  if (m->pending) sb_meter_flush(m);
}

/* Charge n bytes of copying or scanning. */
void att__sb_charge_bytes(lua_State *L, size_t n);

/* The metered wrapper of a stock function (sandbox_cost.c): upvalue 1 the
 * function, upvalue 2 what to count, these bits. */
#define SB_COST_ARG(i) (1 << ((i) - 1)) /* the bytes of string argument i (1-8) */
#define SB_COST_ALL (1 << 8)            /* the bytes of every string argument */
#define SB_COST_OUT (1 << 9)            /* each result and its bytes */
#define SB_COST_ITER (1 << 10)          /* result 1 is an iterator: meter it */
#define SB_COST_PACK (1 << 11)          /* argument 1 is a pack format: its cN sizes capped */
int att__sb_cost(lua_State *L);
/* Replace the function at idx with its metered wrapper. */
void att__sb_wrap_cost(lua_State *L, int idx, lua_Integer how);

/* Our own or wrapped functions (sandbox_cost.c); upvalue 1 the stock one
 * for the wrappers (utf8.len, offset, codes, os.date). */
int att__sb_str_rep(lua_State *L);
int att__sb_utf8_len(lua_State *L);
int att__sb_utf8_offset(lua_State *L);
int att__sb_utf8_codes(lua_State *L);
int att__sb_os_date(lua_State *L);
int att__sb_os_time(lua_State *L);
int att__sb_next(lua_State *L);
int att__sb_pairs(lua_State *L);
/* A long string chunk at index 1 of load's arguments becomes a reader
 * that charges each piece as it is compiled. */
void att__sb_load_reader(lua_State *L);

/* table.insert, remove, move, concat (ours); unpack, sort, pack (the stock
 * one as upvalue 1) (sandbox_tab.c). */
int att__sb_tinsert(lua_State *L);
int att__sb_tremove(lua_State *L);
int att__sb_tmove(lua_State *L);
int att__sb_tconcat(lua_State *L);
int att__sb_tunpack(lua_State *L);
int att__sb_tsort(lua_State *L);
int att__sb_tpack(lua_State *L);

#endif
