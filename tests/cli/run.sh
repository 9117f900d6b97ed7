#!/bin/sh
# `attache run` and `attache check`: arguments and exit status, errors with
# script:line and a traceback, the limits (each abuse in sandbox_abuse.lua
# stopped quickly with a clear message), confined files (symlink escapes,
# files named on the command line, the output directory), the config file,
# and the pattern matcher against stock Lua.
. "$(dirname "$0")/lib.sh"

LUA=$SRC/tests/lua
W=$TMP/work
mkdir -p "$W"
cd "$W" || fail "cd"

script() { printf '%s\n' "$2" >"$W/$1"; }

# -- arguments and exit status
new_store
script args.lua 'print(arg[0], arg[1], arg[2], select("#", ...)) return #arg'
expect_rc 2 run args.lua one two
out_is "args.lua	one	two	2"
expect_rc 1 run args.lua --not-an-option
out_has "args.lua	--not-an-option"
script ret.lua 'return ...'
expect_rc 0 run ret.lua
script t.lua 'return true'
ok run t.lua
script f.lua 'return false'
expect_rc 1 run f.lua
script s.lua 'return "yes"'
expect_rc 1 run s.lua
err_has "exit status 0-255"
err_has "returned a string (not a status)"
# a number out of range is named as the number it is
for n in 256 -1 3.5; do
  script n.lua "return $n"
  expect_rc 1 run n.lua
  err_has "n.lua returned the number $n;"
done
script tb.lua 'return {}'
expect_rc 1 run tb.lua
err_has "returned a table (not a status)"
script e.lua 'local x = 1
error("boom")'
expect_rc 1 run e.lua
err_has "e.lua:2: boom"
err_has "stack traceback:"
expect_rc 1 run missing.lua
err_has "cannot open missing.lua"
script syntax.lua 'x = = 1'
expect_rc 1 run syntax.lua
err_has "syntax.lua:1:"
expect_rc 2 run
err_has "which script?"
expect_rc 2 run --max-memory lots args.lua
err_has "--max-memory lots"
ok run --help
out_has "--max-instructions"
ok help check

# -- every abuse ends the call with a clear message (how fast is measured
# in the benchmarks, not asserted here; ctest's timeout catches a hang)
abuse() { # CASE STATUS MESSAGE [OPTIONS]
  c=$1 want=$2 msg=$3
  shift 3
  expect_rc "$want" run "$@" "$LUA/sandbox_abuse.lua" "$c"
  [ -z "$msg" ] || err_has "$msg"
  out_lacks "not stopped"
}
B="--max-instructions 10M"
# Under valgrind (30-50 times slower) every budget case runs with a
# smaller budget: the same paths stop, in a tenth of the time.
case ${ATT_WRAP:-} in *valgrind*) B="--max-instructions 1M" ;; esac
abuse loop 1 "instruction budget exhausted" $B
abuse loop_pcall 1 "instruction budget exhausted" $B
abuse loop_wrap 1 "instruction budget exhausted" $B
abuse loop_resume 1 "instruction budget exhausted" $B
abuse loop_xpcall 1 "instruction budget exhausted" $B
abuse loop_close 1 "instruction budget exhausted" $B
abuse loop_tostring 1 "instruction budget exhausted" $B
abuse loop_gsub 1 "instruction budget exhausted" $B
abuse loop_sort 1 "instruction budget exhausted" $B
abuse loop_load 1 "instruction budget exhausted" $B
# The default budget stops a backtracking pattern, a long plain find, a
# table.move and a collection loop too; under valgrind (30 s a case
# there) the same paths run with the smaller budget.
case ${ATT_WRAP:-} in *valgrind*) D=$B ;; *) D= ;; esac
abuse pattern 1 "instruction budget exhausted" $D
abuse pattern 1 "instruction budget exhausted" $B
err_has "in method 'find'"
abuse pattern_pcall 1 "instruction budget exhausted" $D
abuse plain_find 1 "instruction budget exhausted" $D
abuse move 1 "instruction budget exhausted" $D
abuse gc 1 "instruction budget exhausted" $D
abuse loop 1 "time limit exceeded" --max-instructions 0 --max-time 0.5
# Without a budget there is no count hook: the deadline sets it on the
# thread the call runs in, in a coroutine, a nested one, a pcall.
for c in loop_pcall loop_wrap loop_resume loop_xpcall loop_close loop_nested; do
  abuse $c 1 "time limit exceeded" --max-instructions 0 --max-time 0.5
done
abuse memory 1 "not enough memory"
abuse memory 1 "not enough memory" --max-memory 4M
abuse error_object 1 "__tostring failed"
abuse exit 7 ""
abuse exit_pcall 5 ""
abuse exit_bad 1 "exit status must be 0 to 255"

# -- the store's files are never a script's, whatever it may write
printf 'print(io.open((...), "w"))\n' >"$TMP/storew.lua"
ok run --write "$(dirname "$STORE")" "$TMP/storew.lua" "$STORE/journal"
out_has "inside the store"
[ -s "$STORE/journal" ] || fail "a script emptied the journal"
ok list

# -- files
mkdir -p "$TMP/elsewhere" "$W/data"
echo secret >"$TMP/elsewhere/secret.txt"
echo named >"$TMP/elsewhere/named.txt"
echo mine >"$W/data/mine.txt"
ln -s "$TMP/elsewhere/secret.txt" "$W/data/link.txt"
ln -s "$TMP/elsewhere" "$W/data/dirlink"
script files.lua 'local function try(p, m)
  local f, e = io.open(p, m)
  if f then f:close() return "open" end
  return e
end
for p in (arg[1] or ""):gmatch("[^,]+") do print(p, try(p)) end'
# (paths given in one argument: a file named on the command line is readable)
ok run files.lua data/mine.txt,data/link.txt,data/dirlink/secret.txt
out_has "data/mine.txt	open"
out_has "data/link.txt	data/link.txt: not allowed"
out_has "data/dirlink/secret.txt	data/dirlink/secret.txt: not allowed"
ok run files.lua "$TMP/elsewhere/secret.txt,$TMP/elsewhere/named.txt" "$TMP/elsewhere/named.txt"
out_has "named.txt	open"
out_has "secret.txt: not allowed"
ok run --read "$TMP/elsewhere" files.lua "$TMP/elsewhere/secret.txt"
out_has "secret.txt	open"
script write.lua 'local f, e = io.open(arg[1], "w")
print(arg[1], f and "written" or e)
if f then f:write("x") f:close() end'
[ ! -e "$W/out" ] || fail "out/ exists before any write"
ok run write.lua out/report.txt
out_has "out/report.txt	written"
[ -f "$W/out/report.txt" ] || fail "out/report.txt was not written"
ok run write.lua data/x.txt
out_has "not allowed"
ln -s "$TMP/elsewhere" "$W/out/escape"
ok run write.lua out/escape/evil.txt
out_has "not allowed"
[ ! -e "$TMP/elsewhere/evil.txt" ] || fail "wrote through a symlink out of out/"
ok run --out "$TMP/reports" write.lua "$TMP/reports/r.txt"
out_has "written"
ok run --write "$W/data" write.lua data/x.txt
out_has "written"
script req.lua 'package.loaded.mod = nil
local ok, m = pcall(require, arg[1])
print(ok, ok and m.name or m)'
mkdir -p "$W/lib/sub"
echo 'return {name = "sub.mod"}' >"$W/lib/sub/mod.lua"
echo 'return {name = "here"}' >"$W/here.lua"
ok run req.lua here
out_has "true	here"
mkdir -p "$W/other"
cp "$W/req.lua" "$W/other/req.lua"
ok run other/req.lua sub.mod
out_has "not found"
ok run --read "$W/lib" other/req.lua sub.mod
out_has "true	sub.mod"
ln -s "$TMP/elsewhere/secret.txt" "$W/lib/leak.lua"
ok run --read "$W/lib" other/req.lua leak
out_has "not found"

# -- the config file
mkdir -p "$HOME/.config/attache"
CONF=$HOME/.config/attache/config
printf '# limits\nmax-instructions = 1M   # small\nmax_memory = 32M\n' >"$CONF"
expect_rc 1 run "$LUA/sandbox_abuse.lua" loop
err_has "more than 1000000 instructions"
expect_rc 1 run --max-instructions 2M "$LUA/sandbox_abuse.lua" loop
err_has "more than 2000000 instructions"
printf 'max-instructions = 1M\ncolour = blue\n' >"$CONF"
expect_rc 1 run args.lua
err_has "config:2: unknown key 'colour'"
printf 'max-memory = lots\n' >"$CONF"
expect_rc 1 run args.lua
err_has "config:1: max-memory: 'lots' is not valid"
printf 'read = %s\n' "$TMP/elsewhere" >"$CONF"
ok run files.lua "$TMP/elsewhere/secret.txt"
out_has "secret.txt	open"
printf 'no equals sign\n' >"$TMP/other.conf"
expect_rc 1 run --config "$TMP/other.conf" args.lua
err_has "other.conf:1: expected 'key = value'"
XDG_CONFIG_HOME=$TMP/xdg
export XDG_CONFIG_HOME
mkdir -p "$XDG_CONFIG_HOME/attache"
printf 'allow-debug = true\n' >"$XDG_CONFIG_HOME/attache/config"
script dbg.lua 'print(type(debug))'
ok run dbg.lua
out_is "table"
rm -f "$XDG_CONFIG_HOME/attache/config"
ok run dbg.lua
out_is "nil"

# -- check
script good.lua 'local x = 1
return x'
script bad_runtime.lua 'local t = nil
print(t.field)'
ok check good.lua
out_is "ok good.lua"
expect_rc 1 check good.lua syntax.lua bad_runtime.lua
out_is "ok good.lua"
err_has "syntax.lua:1:"
err_has "bad_runtime.lua:2: attempt to index a nil value"
expect_rc 2 check
# What serve would refuse to load, check refuses too (os.exit while
# loading was "ok"); every error names its file, and one that is not a
# script's starts with "attache: "; a config without receivers says ok.
script exit.lua 'os.exit(0)'
printf '\033Lua' >bin.lua
expect_rc 1 check exit.lua bin.lua missing.lua good.lua
out_is "ok good.lua"
err_has "exit.lua: the script called os.exit while loading; the daemon would not load it"
err_has "bin.lua: attempt to load a binary chunk"
err_has "attache: cannot open missing.lua"
expect_rc 1 run bin.lua
err_has "attache: bin.lua: attempt to load a binary chunk"
printf 'max-time = 5\n' >limits.conf
ok check --config limits.conf
out_is "ok limits.conf (no alert receivers)"

# -- the pattern matcher gives stock Lua's results
ok run --allow-debug "$LUA/sandbox_patterns.lua" 1500 7
out_has " 0 mismatches"

# Seconds are decimal: strtod's other forms (a hex float, inf, an
# exponent) are refused, not read (0x1p3 was 8 seconds).
for t in 0x1p3 inf 1e3 " 5"; do
  expect_rc 2 run --max-time "$t" t.lua
  err_has "--max-time"
done
ok run --max-time 2.5s t.lua
done_ok
