#!/bin/sh
# Who made each change, why, and what the store held then (issue 15): the
# author comes from ATTACHE_AUTHOR, else the setting history.author, else
# the login name; --reason is kept with the change; a daemon's scripts
# write as rule:NAME.lua and `attache run` as "USER via NAME.lua"; list,
# get, export and run read the store --as-of a time (the end of a day
# given alone) and refuse to write then; at.on(op, {field = ...}, fn)
# runs only for a change to that field.  The changes are read back with
# at.changes (bindings/lua/lua_history.c).
. "$(dirname "$0")/lib.sh"

export TZ=UTC
unset ATTACHE_AUTHOR
S=$TMP/scripts
mkdir -p "$S"

# The last change: "author|reason|op|id" on stdout.
cat >"$TMP/last.lua" <<'LUA'
local at = require "attache"
local c = at.changes{limit = 1}[1]
print(("%s|%s|%s|%d"):format(c.author or "", c.reason or "", c.op, c.id))
LUA
last_is() {
  ok run "$TMP/last.lua"
  out_is "$1"
}

new_store
me=$(id -un 2>/dev/null || echo "uid $(id -u)")

# -- the author: login name, setting, ATTACHE_AUTHOR, in that precedence
ok add --title "Talks" --when 2024-03-01 --kind meeting
last_is "$me||add|1"
ok config history.author "Desk A"
ok update 1 status=confirmed
last_is "Desk A||update|1"
ATTACHE_AUTHOR="Sok Dara" ok update 1 notes=draft --reason "embassy cable 12"
last_is "Sok Dara|embassy cable 12|update|1"
# empty: not set, the setting again
ATTACHE_AUTHOR= ok update 1 notes=final
last_is "Desk A||update|1"
ok config --unset history.author
ok update 1 notes=again
last_is "$me||update|1"

# -- a bad ATTACHE_AUTHOR: exit 2, a message naming it, nothing written
ok list --json
cp "$TMP/out" "$TMP/before"
nl='
'
for bad in "two${nl}lines" "$(printf 'tab\there')" \
  "$(printf '%070d' 0)"; do
  ATTACHE_AUTHOR=$bad expect_rc 2 add --title "Sneaked" --when 2024-03-02
  err_has "ATTACHE_AUTHOR"
  ATTACHE_AUTHOR=$bad expect_rc 2 update 1 status=cancelled
  ATTACHE_AUTHOR=$bad expect_rc 2 rm 1
done
ok list --json
cmp -s "$TMP/before" "$TMP/out" || fail "a bad ATTACHE_AUTHOR changed the store"
# the setting is checked the same way
expect_rc 1 config history.author "$(printf '%070d' 0)"
err_has "history.author"
expect_rc 1 config history.author "$(printf 'a\033[31mb')"
expect_rc 1 config history.author
err_has "is not set"

# -- --reason on add, update, rm and import; a bad one changes nothing
ok add --title "Visit" --when 2024-04-01 --reason "announced by MFA"
last_is "$me|announced by MFA|add|2"
printf '{"title":"Imported","when":"2024-05-01"}\n' >"$TMP/one.jsonl"
ok import "$TMP/one.jsonl" --reason "desk import"
last_is "$me|desk import|add|3"
ok rm 3 --reason "duplicate"
last_is "$me|duplicate|remove|3"
expect_rc 2 update 2 status=held --reason "$(printf 'one\ntwo')"
err_has "--reason"
expect_rc 2 rm 2 --reason ""
expect_rc 2 add --title "Long" --when 2024-04-02 --reason "$(printf '%0501d' 0)"
ok get 2 --json
out_lacks '"held"'
last_is "$me|duplicate|remove|3"

# -- run writes as "USER via NAME.lua"
cat >"$TMP/adder.lua" <<'LUA'
local at = require "attache"
assert(at.add({title = "From a script", when = "2024-06-01"}, {reason = "scripted"}))
LUA
ok run "$TMP/adder.lua"
last_is "$me via adder.lua|scripted|add|4"
ATTACHE_AUTHOR="Desk B" ok run "$TMP/adder.lua"
last_is "Desk B via adder.lua|scripted|add|5"

# -- the daemon: rules write as rule:NAME.lua, on its simulated clock;
# a rule with a field filter runs only when that field changed
new_store_at() { rm -rf "$STORE"; ok init; }
new_store_at
cat >"$S/agenda.lua" <<'LUA'
local at = require "attache"
at.at("2024-01-10T09:00:00Z", function()
  at.add{title = "CDC meeting", key = "cdc", when = "2024-02", kind = "meeting", status = "planned"}
end)
at.at("2024-01-20T09:00:00Z", function()
  at.update("cdc", {title = "CDC meeting (3rd)"})
end)
at.at("2024-01-25T09:00:00Z", function()
  at.update("cdc", {status = "confirmed", when = "2024-03-12"}, {reason = "cable"})
end)
at.on("update", {field = "status"}, function(ev, old)
  print("status", old.status, ev.status)
end)
at.on("update", {field = {"title", "source"}}, function(ev, old)
  print("title", old.title, ev.title)
end)
LUA
ok serve --scripts "$S" --now 2024-01-01 --until 2024-02-01 --no-state
out_has "status	planned	confirmed"
out_has "title	CDC meeting	CDC meeting (3rd)"
n=$(grep -c "^status" "$TMP/out")
[ "$n" = 1 ] || fail "the status rule ran $n times, expected once"
n=$(grep -c "^title" "$TMP/out")
[ "$n" = 1 ] || fail "the title rule ran $n times, expected once"
last_is "rule:agenda.lua|cable|update|1"

# -- --as-of: the end of the day given, on list, get and export
ok list --json --as-of 2024-01-15
out_has '"status":"planned"'
out_has '"title":"CDC meeting"'
out_lacks "confirmed"
ok list --json --as-of 2024-01-10
out_has '"title":"CDC meeting"'
ok list --json --as-of "2024-01-10 08:00"
out_lines 0
ok list --json --as-of 2024-01-09
out_lines 0
ok list --json --as-of 2024-01-22
out_has '"title":"CDC meeting (3rd)"'
out_has '"status":"planned"'
ok list --json
out_has '"status":"confirmed"'
ok get cdc --json --as-of 2024-01-15
out_has '"when":"2024-02"'
expect_rc 1 get 1 --as-of 2024-01-05
err_has "as of"
ok export --as-of 2024-01-21
out_has '"title":"CDC meeting (3rd)"'
out_has '"when":"2024-02"'
expect_rc 2 list --as-of "not a date at all"
err_has "--as-of"

# -- run --as-of: reads the old state, writes refused with nil, message
cat >"$TMP/asof.lua" <<'LUA'
local at = require "attache"
local ev = at.get("cdc")
print("get", ev.status, tostring(ev.when))
print("count", at.count{}, at.count{status = "confirmed"})
local ok, err = at.add{title = "x", when = "2024-01-01"}
print("add", ok, err ~= nil)
LUA
ok run --as-of 2024-01-15 "$TMP/asof.lua"
out_has "get	planned	2024-02"
out_has "count	1	0"
out_has "add	nil	true"
ok list --json
out_lines 1

# -- as_of in Lua queries: a cursor keeps its time, even across a yield
cat >"$TMP/asof2.lua" <<'LUA'
local at = require "attache"
local co = coroutine.wrap(function()
  for ev in at.each{as_of = "2024-01-15"} do
    coroutine.yield(ev.status)
  end
end)
local first = co()
local now = at.get("cdc").status
print("cursor", first, "present", now)
print("query", at.query{as_of = "2024-01-21"}[1].title)
print("count", at.count{as_of = "2024-01-05"}, at.count{})
local h = at.history("cdc")
print("history", #h, h[1].op, h[1].author, h[3].reason, tostring(h[2].tx))
print("versions", h[1].event.title, h[3].event.status)
local ev = at.get("cdc")
print("at", ev:at(1).status, ev:at(2).title)
local ch = at.changes{since = "2024-01-20", id = "cdc"}
print("changes", #ch, ch[1].before.status, ch[1].after.status)
print("by", #at.changes{author = "rule:agenda.lua"}, #at.changes{author = "nobody"})
LUA
ok run "$TMP/asof2.lua"
out_has "cursor	planned	present	confirmed"
out_has "query	CDC meeting (3rd)"
out_has "count	0	1"
out_has "history	3	add	rule:agenda.lua	cable	2024-01-20T09:00:00Z"
out_has "versions	CDC meeting	confirmed"
out_has "at	planned	CDC meeting (3rd)"
out_has "changes	2	planned	confirmed"
out_has "by	3	0"
done_ok
