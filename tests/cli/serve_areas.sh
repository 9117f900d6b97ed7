#!/bin/sh
# What a daemon's scripts may read and write (issue 12, finding 7): under
# `attache serve` nothing is readable but the scripts directory, the --read
# paths and the output directories, and nothing is writable but --out and
# --write; the working directory is never implied (a service manager starts
# the daemon from /).  `attache run` keeps its documented defaults: the
# current directory is readable and ./out writable.
. "$(dirname "$0")/lib.sh"

S=$TMP/scripts
W=$TMP/work
mkdir -p "$S" "$W" "$TMP/data"
export TZ=UTC
echo "cwd secret" >"$W/secret.txt"
echo "data" >"$TMP/data/d.txt"
echo "beside" >"$S/beside.txt"

cat >"$S/areas.lua" <<LUA
local at = require "attache"
local function try(what, path, mode)
  local f, err = io.open(path, mode or "r")
  if f then f:close() print(what, "opened") else print(what, "refused", err) end
end
at.at("2024-01-01T00:00:00Z", function()
  try("cwd-relative", "secret.txt")
  try("cwd-absolute", "$W/secret.txt")
  try("etc", "/etc/passwd")
  try("proc", "/proc/self/environ")
  try("beside", "$S/beside.txt")
  try("data", "$TMP/data/d.txt")
  try("out-relative", "out/x.txt", "w")
  try("cwd-write", "$W/new.txt", "w")
  try("outdir", "$TMP/outdir/y.txt", "w")
end)
LUA

new_store
cd "$W" || fail "cd $W"
ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-01T00:00:01Z
out_has "cwd-relative	refused"
out_has "cwd-absolute	refused"
out_has "etc	refused"
out_has "proc	refused"
out_has "beside	opened"
out_has "data	refused"
out_has "out-relative	refused"
out_has "cwd-write	refused"
out_has "outdir	refused"
[ ! -e "$W/out" ] || fail "serve made ./out in its working directory"
[ ! -e "$W/new.txt" ] || fail "a script wrote into the daemon's working directory"

# Given explicitly: --read and --out.
rm -rf "$STORE"
new_store
ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-01T00:00:01Z --read "$TMP/data" --out "$TMP/outdir"
out_has "data	opened"
out_has "outdir	opened"
out_has "cwd-relative	refused"
out_has "cwd-write	refused"
[ -f "$TMP/outdir/y.txt" ] || fail "--out: the file was not written"

# run: the current directory stays readable, ./out writable (documented).
cat >"$W/r.lua" <<'LUA'
local f = assert(io.open("secret.txt"))
print("read", f:read("l"))
f:close()
local g = assert(io.open("out/r.txt", "w"))
g:write("x")
g:close()
LUA
ok run r.lua
out_has "read	cwd secret"
[ -f "$W/out/r.txt" ] || fail "run: ./out/r.txt was not written"
cd "$TMP" || exit 1
echo "ok $TESTNAME ($NCHECKS checks)"
