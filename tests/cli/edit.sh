#!/bin/sh
# get, update and rm, by id and by key.
. "$(dirname "$0")/lib.sh"

new_store
ok add --title "CDC meeting" --when "early 2024" --key cdc-2024-policy-meeting \
  --actor KHM --tag economy
ok add --title "Other" --when 2023

ok get 1
out_has "CDC meeting"
out_has "cdc-2024-policy-meeting"
ok get cdc-2024-policy-meeting --json
json_lines
out_lines 1
out_has '"id":1'
expect_rc 1 get 99
err_has '"99"'
expect_rc 1 get no-such-key

# CDC is an organisation: the store's registry names it (docs/names.md)
ok actor add CDC "Council for the Development of Cambodia"
ok update cdc-2024-policy-meeting status=held "where=Phnom Penh" actors+=JPN,CDC tags-=economy tags+=development
out_has 'updated 1'
ok get 1 --json
out_has '"status":"held"'
out_has '"where":"Phnom Penh"'
out_has '"actors":["KHM","JPN","CDC"]'
out_has '"tags":["development"]'
out_has '"rev":2'

ok update 1 "when=2024-28"
out_has 'when 2024-2028 [2024/2028]'
ok update 1 actors=JPN,KHM where= notes="a note" fields.budget=3
ok get 1 --json
out_has '"actors":["JPN","KHM"]'
out_lacks '"where"'
out_has '"notes":"a note"'
out_has '"budget":3'
ok update 1 --json '{"notes":null,"kind":"meeting"}'
ok get 1 --json
out_lacks '"notes"'
out_has '"kind":"meeting"'

# Failed updates change nothing.
ok export
cp "$TMP/out" "$TMP/before"
expect_rc 1 update 1 "when=whenever"
err_has 'whenever'
expect_rc 1 update 1 title=
expect_rc 1 update 1 tags-=nosuchtag
expect_rc 2 update 1 colour=red
expect_rc 1 update 2 key=cdc-2024-policy-meeting
expect_rc 1 update 99 status=held
ok export
cmp -s "$TMP/before" "$TMP/out" || fail "a failed update changed the store"

ok rm cdc-2024-policy-meeting
out_has 'removed 1'
expect_rc 1 get 1
ok rm 2
ok list --json
out_lines 0
expect_rc 1 rm 2
# An update that changes nothing writes nothing: no revision, no change
# in the history (it used to make rev 2 with an empty diff).
ok add --title same --when 2024 --notes n
SID=$(sed -n 's/^added \([0-9]*\) .*/\1/p' "$TMP/out")
ok update "$SID" title=same notes=n
out_has "unchanged $SID \"same\" (rev 1): it already holds that"
ok update "$SID" --json '{}'
out_has "unchanged $SID"
ok update "$SID" --json '{"title":"same","where":null}'
out_has "(rev 1)"
ok log "$SID"
[ "$(grep -c '^ *change ' "$TMP/out")" = 1 ] || fail "a no-op update is in the history"
ok update "$SID" title=other
out_has "updated $SID \"other\" (rev 2)"
cat >"$TMP/same.lua" <<LUA
local at = require "attache"
local ev = at.get($SID)
local again = at.update(ev, {title = ev.title})
print(again.rev, ev:stale())
LUA
ok run "$TMP/same.lua"
out_has "2	false"
done_ok
