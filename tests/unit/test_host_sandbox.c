/*
 * Unit tests of the script host (bindings/host/host.h), linked with the
 * application library: an engine without a store, sandboxed scripts, and
 * the limits every call into user Lua runs under.  A runaway loop stops
 * with the budget error, the memory cap refuses what would pass it (in
 * Lua and in C), a read-only context refuses writes (nested, and after
 * the call has ended), and max-time stops a loop through the watchdog.
 * Errors are counted and logged, and a script goes on after each.  Times
 * are never measured: a deadline test only checks the error it ends with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "host.h"
#include "tap.h"

/* The engine's log: the last message and the number of messages. */
static char last_log[2048];
static int nlog;

static void capture(void *ud, int level, const char *script, const char *msg) {
  (void)ud;
  (void)level;
  (void)script;
  snprintf(last_log, sizeof last_log, "%s", msg);
  nlog++;
}

/* Load and call `code` in s with one result: the status of the call (0
 * or a negative code, the message in att_errmsg()); the result as a string
 * in got (empty if none or not a string or number). */
static char got[1024];

static int run(att_script *s, const char *code) {
  lua_State *L = att_script_L(s);
  int rc;
  got[0] = '\0';
  rc = att_script_load_string(s, code, strlen(code), "=chunk");
  if (rc != 0) return rc;
  rc = att_script_call(s, 0, 1);
  if (rc == 0) {
    const char *r = lua_tostring(L, -1);
    snprintf(got, sizeof got, "%s", r ? r : "");
    lua_pop(L, 1);
  }
  return rc;
}

static int has(const char *text, const char *part) { return text && strstr(text, part) != NULL; }

static void engine_init(att_engine *e) {
  memset(e, 0, sizeof *e);
  att_limits_default(&e->limits);
  e->log = capture;
}

static void test_plain(att_engine *e, att_script *s) {
  is_int(run(s, "return 6 * 7"), 0, "a chunk runs");
  is_str(got, "42", "and returns its result");
  is_int(run(s, "return os.getenv"), 0, "the sandbox is built");
  is_str(got, "", "os.getenv is not in it");
  is_int((long long)e->errors, 0, "no error counted");
  /* lua_gc(LUA_GCGEN) answers the mode it replaces. */
  is_int(lua_gc(att_script_L(s), LUA_GCGEN, 0, 0), LUA_GCGEN,
         "the script's collector is generational");
}

static void test_budget(att_engine *e, att_script *s) {
  uint64_t errors = e->errors;
  int logs = nlog;
  e->limits.instructions = 100000;
  is_int(run(s, "while true do end"), ATT_ERANGE, "a runaway loop stops");
  ok(has(att_errmsg(), "instruction budget exhausted: more than 100000 instructions"),
     "with the budget error (%s)", att_errmsg());
  ok(has(att_errmsg(), "chunk:1:"), "which says where (%s)", att_errmsg());
  is_int((long long)(e->errors - errors), 1, "the error is counted");
  is_int(nlog - logs, 1, "and logged once");
  ok(has(last_log, "instruction budget exhausted"), "the log has it (%s)", last_log);
  is_int(run(s, "local n = 0 for i = 1, 20000 do n = n + i end return n"), 0,
         "the next call has a budget of its own");
  is_str(got, "200010000", "and runs to its end");
  is_int(run(s, "local ok, err = pcall(function() while true do end end) return tostring(ok)"),
         ATT_ERANGE, "pcall does not catch the budget error");
  e->limits.instructions = 0;
  is_int(run(s, "local n = 0 for i = 1, 300000 do n = n + 1 end return n"), 0,
         "with no budget (0) a long loop runs");
  is_str(got, "300000", "to its end");
  att_limits_default(&e->limits);
}

static void test_memory(att_engine *e) {
  const size_t cap = (size_t)4 << 20;
  att_script *s;
  size_t used, peak;
  e->limits.memory = cap; /* read when the script is made */
  s = att_script_new(e, "memory.lua");
  ok(s != NULL, "a script with a 4 MB cap");
  if (s == NULL) return;
  is_int(run(s, "local t = {} for i = 1, 1e7 do t[i] = ('x'):rep(64) .. i end return #t"),
         ATT_ENOMEM, "a table that grows past the cap is refused");
  ok(has(att_errmsg(), "not enough memory (the script's memory limit, max-memory, was reached)"),
     "with the memory error (%s)", att_errmsg());
  used = att_script_memory(s, &peak);
  ok(peak <= cap, "the peak stayed within the cap (%zu <= %zu)", peak, cap);
  ok(used <= peak, "as did the memory in use");
  is_int(run(s, "return ('y'):rep(8 << 20)"), ATT_ENOMEM, "so is one string past the cap");
  is_int(run(s, "collectgarbage() return #('z'):rep(1000)"), 0, "the script goes on after");
  is_str(got, "1000", "with its memory back");

  /* C memory held for the script counts against the same cap. */
  used = att_script_memory(s, NULL);
  is_int(att_script_mem_take(s, cap), ATT_ENOMEM, "C memory past the cap is refused");
  ok(has(att_errmsg(), "memory.lua: not enough memory"), "naming the script (%s)", att_errmsg());
  is_int((long long)att_script_memory(s, NULL), (long long)used, "and nothing is taken");
  is_int(att_script_mem_take(s, 1024), 0, "C memory within the cap is taken");
  is_int((long long)att_script_memory(s, NULL), (long long)(used + 1024), "and counted");
  att_script_mem_give(s, 1024);
  is_int((long long)att_script_memory(s, NULL), (long long)used, "and given back");
  att_script_free(s);
  att_limits_default(&e->limits);
}

static void test_readonly(att_script *s) {
  static const char add[] =
      "local at = require 'attache' local ok, err = pcall(at.add, {title = 'x', when = '2024'}) "
      "return tostring(err)";
  static const char open_w[] = "return select(2, io.open('ro-test.txt', 'w'))";
  lua_State *L = att_script_L(s);

  att_script_readonly_enter(s, "a test's where function");
  is_int(run(s, add), 0, "at.add in a read-only context: the call runs");
  ok(has(got, "a test's where function may not write (at.add)"), "and the write is refused (%s)", got);
  is_int(run(s, open_w), ATT_EINVAL, "io.open for writing in a read-only context fails");
  ok(has(att_errmsg(), "a test's where function may not write (io.open for writing)"),
     "with the read-only error (%s)", att_errmsg());
  is_int(run(s, "return io.open('ro-test.txt', 'r') and 'open' or 'refused'"), 0,
         "reading is still allowed to try");

  att_script_readonly_enter(s, "an inner context");
  att_script_readonly_leave(s);
  is_int(run(s, add), 0, "after a nested context ends");
  ok(has(got, "a test's where function may not write (at.add)"),
     "the outer one still refuses, under its own name (%s)", got);
  att_script_readonly_leave(s);

  is_int(run(s, add), 0, "outside any read-only context");
  ok(!has(got, "may not write"), "at.add is not refused as a write (%s)", got);
  is_int(run(s, open_w), 0, "io.open for writing is not refused as a write");
  ok(!has(got, "may not write") && got[0] != '\0', "it fails for its path only (%s)", got);

  /* A function kept by the script and called after its call has ended
   * (as a finalizer would be) may not write either. */
  is_int(run(s, "later = function() return io.open('ro-test.txt', 'w') end return 1"), 0,
         "a script keeps a function");
  lua_getglobal(L, "later");
  ok(lua_pcall(L, 0, 1, 0) != LUA_OK, "called outside att_script_call, its write fails");
  ok(has(lua_tostring(L, -1), "io.open for writing after the script's call has ended"),
     "because the call has ended (%s)", lua_tostring(L, -1));
  lua_pop(L, 1);
}

static void test_deadline(att_engine *e, att_script *s) {
  e->limits.instructions = 0; /* only the time limit */
  e->limits.seconds = 0.2;
  is_int(run(s, "while true do end"), ATT_ERANGE, "max-time stops a loop");
  ok(has(att_errmsg(), "time limit exceeded: more than 0.2 seconds in one call (max-time)"),
     "with the time error (%s)", att_errmsg());
  is_int(run(s, "local x = ('x'):rep(4096) while true do x = x:upper():lower() end"), ATT_ERANGE,
         "and a loop of C calls");
  ok(has(att_errmsg(), "time limit exceeded"), "with the time error (%s)", att_errmsg());
  is_int(run(s, "return 'quick'"), 0, "a call within its time runs");
  is_str(got, "quick", "to its end");
  ok(!att_watchdog_expired(), "no call is running past its deadline now");
  att_limits_default(&e->limits);
}

int main(void) {
  att_engine e;
  att_script *s;
  engine_init(&e);
  s = att_script_new(&e, "sandbox_test.lua");
  ok(s != NULL, "a script in an engine without a store");
  if (s == NULL) return done_testing();
  test_plain(&e, s);
  test_budget(&e, s);
  test_memory(&e);
  test_readonly(s);
  test_deadline(&e, s);
  att_script_free(s);
  att_paths_free(&e.paths);
  return done_testing();
}
