#!/bin/sh
# Standard input and files written by scripts (issue 12): under `attache
# serve` io.read, io.lines() and io.stdin's methods are refused (they would
# block the daemon's loop), while `attache run` keeps them; files a script
# creates with io.open take the store's private mode (0600).
. "$(dirname "$0")/lib.sh"

S=$TMP/scripts
mkdir -p "$S"
export TZ=UTC
cat >"$S/stdin.lua" <<'LUA'
local function try(name, f, ...)
  local ok, err = pcall(f, ...)
  print(name, ok and "read" or err)
end
try("io.read", io.read)
try("io.lines", io.lines)
try("stdin.read", io.stdin.read, io.stdin)
try("stdin.lines", io.stdin.lines, io.stdin)
LUA
new_store
# A pipe that stays open and silent: a read would block until the timeout.
if command -v timeout >/dev/null 2>&1; then KILL="timeout -s KILL 60"; else KILL=""; fi
mkfifo "$TMP/fifo"
sleep 120 >"$TMP/fifo" &
SLEEPER=$!
RC=0
$KILL ${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --now 2024-01-01 \
  --until 2024-01-02 --no-state <"$TMP/fifo" >"$TMP/out" 2>"$TMP/err" || RC=$?
kill "$SLEEPER" 2>/dev/null
NCHECKS=$((NCHECKS + 1))
[ "$RC" = 0 ] || fail "serve: exit status $RC"
for f in io.read io.lines\(\) io.stdin:read io.stdin:lines; do
  out_has "$f: standard input cannot be read under 'attache serve'"
done
out_lacks "	read"

# run keeps standard input
printf 'one\ntwo\n' >"$TMP/in"
RC=0
${ATT_WRAP:-} "$ATT" --store "$STORE" run "$S/stdin.lua" <"$TMP/in" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 0 ] || fail "run: exit status $RC"
out_has "io.read	read"
out_has "io.lines	read"

# files created by a script are private (0600), whatever the umask
cat >"$S/write.lua" <<'LUA'
local f = assert(io.open(arg[1] .. "/new.txt", "w"))
f:write("x")
f:close()
f = assert(io.open(arg[1] .. "/app.txt", "a"))
f:close()
LUA
umask 022
ok run --out "$TMP/o" "$S/write.lua" "$TMP/o"
for f in new.txt app.txt; do
  m=$(stat -c %a "$TMP/o/$f")
  [ "$m" = 600 ] || fail "$f was created with mode $m, expected 600"
done
m=$(stat -c %a "$TMP/o")
[ "$m" = 700 ] || fail "the output directory was made with mode $m, expected 700"

done_ok
