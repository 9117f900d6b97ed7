#!/bin/sh
# --max-memory counts the C memory the daemon holds for a script (issue 12,
# finding 4): 40 reminders with 5 leads each on a 30,000-event store took
# 788 MB with --max-memory 32M, from a main chunk of a few hundred
# instructions.  Now a registration past the limit fails in the script
# ("not enough memory ... max-memory"), the script and the daemon go on,
# and the daemon's peak RSS (VmHWM) stays within what a script that
# registers nothing takes, plus the limit, plus a generous constant.  The
# planning work is charged to the registering call's budget too.  Then
# schedules registered in a loop, the same way.
. "$(dirname "$0")/lib.sh"

S=$TMP/scripts
mkdir -p "$S"
export TZ=UTC
ATT_WRAP="timeout -s KILL 300"
SLACK_KB=$((96 * 1024)) # allocator and sanitizer slack, the store's indexes

new_store
# Within the next weeks of the real clock (6 to 20 days ahead), so that a
# real-clock daemon has every reminder to plan: it plans only the four
# weeks ahead (docs/daemon.md, "Reminders").
day0=$(date -u +%s)
days=$(for k in $(seq 6 20); do date -u -d "@$((day0 + k * 86400))" +%F; done)
echo "$days" | awk 'NR == FNR { d[n++] = $1; next }
  END { for (i = 1; i <= 30000; i++)
    printf "{\"title\":\"event %d\",\"when\":\"%s\",\"kind\":\"meeting\"}\n",
           i, d[i % n] }' - /dev/null >"$TMP/ev.jsonl"
ok import "$TMP/ev.jsonl"

# peak SCRIPT OPTIONS...: a real-clock daemon with only SCRIPT, until its
# log says it was loaded; its VmHWM in kB in $PEAK, then SIGTERM.
peak() {
  rm -f "$S"/*.lua
  cp "$TMP/$1" "$S/"
  shift
  # (the old log goes first: the redirection below is made by the
  # background job, and the wait must not read the last run's lines)
  rm -f "$TMP/out" "$TMP/err"
  "$ATT" --store "$STORE" serve --scripts "$S" --no-state "$@" \
    >"$TMP/out" 2>"$TMP/err" &
  pid=$!
  i=0
  until grep -q "loaded\|not loaded\|error" "$TMP/err" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 1200 ] || { kill $pid; fail "the daemon did not load its script in 120 s"; }
    kill -0 $pid 2>/dev/null || fail "the daemon ended early"
    sleep 0.1
  done
  PEAK=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status)
  kill -TERM $pid
  wait $pid || fail "the daemon exited with status $? on SIGTERM"
  NCHECKS=$((NCHECKS + 1))
}

cat >"$TMP/idle.lua" <<'LUA'
local at = require "attache"
at.every("1d", function() end)
LUA
cat >"$TMP/many.lua" <<'LUA'
local at = require "attache"
local n = 0
for i = 1, 40 do
  local ok, err = pcall(at.remind, {name = "r" .. i, before = {"1d", "2d", "3d", "4d", "5d"}})
  if not ok then print("refused", i, err) break end
  n = n + 1
end
print("registered", n)
LUA

peak idle.lua --max-memory 32M
base=$PEAK
peak many.lua --max-memory 32M
out_has "not enough memory"
out_has "max-memory"
n=$(awk '/^registered/ { print $2 }' "$TMP/out")
[ -n "$n" ] && [ "$n" -lt 40 ] || fail "registered $n of 40 reminders under --max-memory 32M"
err_has "many.lua: loaded (${n} reminder)"
[ "$PEAK" -le $((base + 32 * 1024 + SLACK_KB)) ] ||
  fail "peak RSS ${PEAK} kB with 32 MiB of max-memory (${base} kB with nothing registered)"
echo "# reminders: $n registered, peak $PEAK kB, idle $base kB"

# -- the work of planning is charged to the call that registers
cat >"$TMP/work.lua" <<'LUA'
local at = require "attache"
print("pcall", pcall(at.remind, {name = "w", before = {"1d", "2d", "3d", "4d", "5d"}}))
LUA
peak work.lua --max-instructions 100000
# (a budget error cannot be caught by pcall: the main chunk fails)
err_has "work.lua:2: instruction budget exhausted"
out_lacks "pcall	true"

# -- schedules registered in a loop fill the script's limit, not the machine
cat >"$TMP/sched.lua" <<'LUA'
local at = require "attache"
local n = 0
local ok, err = pcall(function()
  for i = 1, 10000000 do at.every("1d", function() end); n = n + 1 end
end)
print("schedules", n, ok, err)
LUA
peak sched.lua --max-memory 32M --max-instructions 0
out_has "not enough memory"
n=$(awk '/^schedules/ { print $2 }' "$TMP/out")
[ "$n" -lt 1000000 ] || fail "$n schedules under --max-memory 32M"
[ "$PEAK" -le $((base + 32 * 1024 + SLACK_KB)) ] ||
  fail "peak RSS ${PEAK} kB for schedules in a loop (${base} kB idle)"
echo "# schedules: $n registered, peak $PEAK kB"

# -- a where function that loops: the scan's calls share one budget, so
# it is stopped once, not once per event of the store (30,000 budgets)
cat >"$TMP/wloop.lua" <<'LUA'
local at = require "attache"
at.remind{name = "w", before = "1d", where = function() while true do end end}
LUA
rm -f "$S"/*.lua
cp "$TMP/wloop.lua" "$S/"
ok serve --scripts "$S" --now "$(date -u +%F)" --until "$(date -u -d @$((day0 + 86400)) +%F)" \
  --no-state --max-instructions 1M
n=$(grep -c "instruction budget exhausted" "$TMP/err" || true)
[ "$n" = 1 ] || fail "the where loop was stopped $n times, expected once"
err_has "remind w: planning stopped after 1 of 30000 events"

# -- a schedule that writes in a loop: the queued changes count against
# its max-memory; it runs out, the changes past the limit are said once
cat >"$TMP/bulk.lua" <<'LUA'
local at = require "attache"
at.on("add", function() end)
at.at("2024-01-02", function()
  print("batch", pcall(at.batch, function()
    for i = 1, 40000 do at.add{title = "b" .. i, when = "2024-02-01"} end
  end))
  local t = {}
  for i = 1, 200000 do t[i] = "x" .. i end
  print("after", #t)
end)
LUA
rm -f "$S"/*.lua
cp "$TMP/bulk.lua" "$S/"
ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-03 --no-state --max-memory 6M
out_has "batch	true"
out_lacks "after"
n=$(grep -c "is not dispatched to rules and reminders" "$TMP/err" || true)
[ "$n" = 1 ] || fail "the changes not dispatched were said $n times, expected once"
err_has "bulk.lua: not enough memory"
done_ok
