#!/bin/sh
# Scripts ask where their output goes (issue 14): at.outdir() is the
# output directory (absolute; nil when there is none), a relative path
# given to at.report.write is relative to it, and --out works for serve
# and run alike, from any working directory: the shipped agenda.lua
# writes its agenda.md under `serve --out DIR` started elsewhere.
. "$(dirname "$0")/lib.sh"

export TZ=UTC
example_store
W=$TMP/work
mkdir -p "$W" "$TMP/elsewhere"
cat >"$TMP/where.lua" <<'LUA'
local at = require "attache"
print("outdir", at.outdir())
assert(at.report.write("hello\n", "r.txt"))
print("wrote", at.outdir() .. "/r.txt")
LUA

# -- run: the default ./out, made absolute
cd "$W"
ok run "$TMP/where.lua"
out_has "outdir	$W/out"
[ "$(cat "$W/out/r.txt")" = hello ] || fail "run: out/r.txt not written"
# -- run --out DIR, relative to the working directory
ok run --out rep "$TMP/where.lua"
out_has "outdir	$W/rep"
[ -f "$W/rep/r.txt" ] || fail "run --out rep: rep/r.txt not written"
[ ! -e "$W/rep/out" ] || fail "run --out rep: wrote under rep/out"

# -- serve: no --out, at.outdir() is nil and a relative report path says why
S=$TMP/scripts
mkdir -p "$S"
cat >"$S/w.lua" <<'LUA'
local at = require "attache"
print("outdir", tostring(at.outdir()))
print(at.report.write("x", "r.txt"))
LUA
cd "$TMP/elsewhere"
ok serve --scripts "$S" --once --no-state
out_has "outdir	nil"
out_has "no output directory"
out_has "--out DIR"
# -- serve --out DIR from another directory
ok serve --scripts "$S" --once --no-state --out "$TMP/sout"
out_has "outdir	$TMP/sout"
out_has "true"
[ "$(cat "$TMP/sout/r.txt")" = x ] || fail "serve --out: r.txt not written"

# -- an absolute path and a path outside the output directory
cat >"$TMP/abs.lua" <<'LUA'
local at = require "attache"
assert(at.report.write("abs", at.outdir() .. "/a.txt"))
print(at.report.write("no", "../escape.txt"))
LUA
cd "$W"
ok run --out "$TMP/o2" "$TMP/abs.lua"
[ "$(cat "$TMP/o2/a.txt")" = abs ] || fail "absolute path in the output directory"
out_has "nil"
[ ! -e "$TMP/escape.txt" ] || fail "../escape.txt was written outside the output directory"

# -- run --given-only: nothing implied (as under serve): the working
# directory is not readable and there is no ./out; what is given is
cat >"$TMP/given.lua" <<'LUA'
local at = require "attache"
print("read", io.open("here.txt") ~= nil)
print("write", at.report.write("x", "g.txt") == true)
print("outdir", at.outdir() ~= nil)
LUA
cd "$W"
rm -rf "$W/out"
echo "a file where the script was started" >here.txt
ok run --given-only "$TMP/given.lua"
out_has "read	false"
out_has "write	false"
out_has "outdir	false"
[ ! -e "$W/out" ] || fail "run --given-only made ./out"
ok run --given-only --out "$TMP/o3" --read "$W/here.txt" "$TMP/given.lua"
out_has "read	true"
out_has "write	true"
[ -f "$TMP/o3/g.txt" ] || fail "run --given-only --out DIR did not write into DIR"
ok run "$TMP/given.lua"
out_has "read	true"
rm -rf "$W/out" "$W/here.txt"

# -- the shipped agenda.lua under serve --out DIR, started elsewhere
cd "$TMP/elsewhere"
ok serve -q --scripts "$SRC/examples/cambodia-japan/rules" --out "$TMP/agenda" \
  --now 2024-01-01 --until 2024-01-09
[ ! -s "$TMP/err" ] || fail "serve --out: errors in the log"
[ -f "$TMP/agenda/agenda.md" ] || fail "agenda.md was not written under --out"
grep -q "Agenda for the 30 days from 2024-01-08" "$TMP/agenda/agenda.md" ||
  fail "agenda.md: $(cat "$TMP/agenda/agenda.md")"
done_ok
