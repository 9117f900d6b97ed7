#!/bin/sh
# attache silence (issue 16): add with matchers, an end and a reason;
# list the active ones, --all the ended ones too, --json; expire one
# early.  Bad matchers, ends and operands are refused, naming what is
# accepted, and change nothing; silences are never removed, and keep who
# made and ended them; fsck checks the file and --salvage copies it.
. "$(dirname "$0")/lib.sh"

export TZ=UTC ATTACHE_AUTHOR=ana
new_store

# -- Refusals change nothing.
expect_rc 2 silence
err_has "which? silence add"
expect_rc 2 silence mute
err_has "unknown 'silence mute'"
expect_rc 2 silence add --until 3d --reason "talks"
err_has "needs --match FIELD=VALUE"
expect_rc 2 silence add --match actor=KHM --reason "talks"
err_has "needs --until WHEN"
expect_rc 2 silence add --match actor=KHM --until 3d
err_has "needs --reason TEXT"
expect_rc 2 silence add --match colour=red --until 3d --reason x
err_has "the fields are level, kind, actor, tag and script"
expect_rc 2 silence add --match level=loud --until 3d --reason x
err_has "give info, warn or urgent"
expect_rc 2 silence add --match actor=KHM --match actor=THA --until 3d --reason x
err_has "list its values with commas"
expect_rc 2 silence add --match actor=KHM --until "the day after" --reason x
err_has "--until takes a date or time"
expect_rc 1 silence add --match actor=KHM --until 2020-01-01 --reason x
err_has "would end before it begins"
expect_rc 2 silence expire
err_has "which silence?"
expect_rc 2 silence expire one
err_has "is not a silence's number"
expect_rc 1 silence expire 7
err_has "no silence 7"
[ ! -e "$STORE/silences.json" ] || fail "a refused command wrote silences.json"

# -- Add, list.
ok silence add --match actor=KHM,THA --match level=warn,urgent --until 2w --reason "the desk is at the talks"
out_has "silence 1: alerts with level=warn,urgent actor=KHM,THA are silenced until"
ok silence add -m kind=anniversary --until 2099-01-01 --reason "not this year"
out_has "silence 2: alerts with kind=anniversary are silenced until 2099-01-01 00:00:00 UTC"
ok silence list
out_has "silence 1  level=warn,urgent actor=KHM,THA  active"
out_has "by ana: the desk is at the talks"
out_has "silence 2  kind=anniversary  active"
ok silence list --json
json_lines
out_has '"id":1,"match":{"level":["warn","urgent"],"actor":["KHM","THA"]}'
out_has '"author":"ana","reason":"the desk is at the talks","active":true'

# -- Expire: by another author, kept, listed with --all only.
ATTACHE_AUTHOR=bob ok silence expire 1
out_has "silence 1 ended"
expect_rc 1 silence expire 1
err_has "silence 1 was already ended"
err_has "by bob"
ok silence list
out_lacks "silence 1 "
out_has "silence 2 "
ok silence list --all
out_has "silence 1  level=warn,urgent actor=KHM,THA  ended early"
out_has "ended at"
out_has "by bob"
ok silence list --all --json
out_has '"expired_by":"bob"'

# -- Silenced alerts are logged, marked, and sent nowhere.
ok add --title "Talks in Phnom Penh" --when 2024-03-12 --kind talks --actor KHM --tag trade
ok add --title "Visit to Tokyo" --when 2024-04-02 --kind visit --actor JPN
ok silence add --match actor=KHM --until 1d --reason "at the talks"
out_has "silence 3:"
cat >"$TMP/fire.lua" <<'LUA'
local at = require "attache"
print("khm", at.alert{key = "k-khm", title = "About the talks", event = 1, level = "warn"})
print("jpn", at.alert{key = "k-jpn", title = "About the visit", event = 2})
print("none", at.alert{key = "k-none", title = "About nothing"})
LUA
ok run "$TMP/fire.lua"
out_lacks "About the talks"
out_has "About the visit"
out_has "About nothing"
out_has "khm	true"
ok alerts --json
out_has '"key":"k-khm"'
grep '"k-khm"' "$TMP/out" | grep -q '"silenced":3' || fail "the silenced alert is not marked"
grep '"k-jpn"' "$TMP/out" | grep -q 'silenced' && fail "an unsilenced alert is marked"
ok alerts --key k-khm
out_has "[silenced by silence 3]"
ok silence expire 3

# -- On the daemon's simulated clock: a silence from 5 to 8 January holds
# back the daily alerts due then, and only those.
mkdir -p "$TMP/sim"
cat >"$TMP/sim/daily.lua" <<'LUA'
local at = require "attache"
at.every("1d", function(info)
  at.alert{key = "day-" .. tostring(info.due), title = "Daily " .. tostring(info.due), event = 1}
end)
LUA
ok silence add --match kind=talks --from 2024-01-05 --until 2024-01-08 --reason "replay"
out_has "due from 2024-01-05 00:00:00 UTC are silenced until 2024-01-08 00:00:00 UTC"
ok silence add --match kind=talks --from 2099-01-01 --until 2099-02-01 --reason "later"
ok silence list
out_has "silence 5  kind=talks  to come"
ok silence expire 5
ok serve --scripts "$TMP/sim" --now 2024-01-01 --until 2024-01-10 --no-state
n=$(grep -c "Daily" "$TMP/out")
[ "$n" = 6 ] || fail "$n daily alerts sent, expected 6 of 9 (3 silenced)"
grep -q "Daily 2024-01-0[567]" "$TMP/out" && fail "an alert due in the silence was sent"
err_has "held back by silence 4"
ok alerts --json --since 2024-01-01
n=$(grep -c '"silenced":4' "$TMP/out")
[ "$n" = 3 ] || fail "$n alerts marked silenced, expected 3"

# -- fsck and salvage.
ok fsck
ok fsck --salvage "$TMP/saved"
cmp -s "$STORE/silences.json" "$TMP/saved/silences.json" || fail "salvage did not copy the silences"
cp "$STORE/silences.json" "$TMP/good"
printf '{"silences": [{"id": 1}]}\n' >"$STORE/silences.json"
expect_rc 1 silence list
err_has "silences.json"
err_has "damaged"
expect_rc 1 fsck
cp "$TMP/good" "$STORE/silences.json"
ok fsck
ok __complete silence ""
out_has expire
ok __complete silence add --
out_has --match
out_has --until
# Matchers read names as list --actor and --kind do: actor=Japan holds
# the alerts about JPN (as typed it matched nothing, without a word); an
# unknown actor or kind is refused with the nearest, nothing written.
STORE=$TMP/names-store
new_store
ok add --title "Talks with Japan" --when 2026-12-20 --actor Japan --kind talks
ok silence add --match actor=Japan --until 2099-01-01 --reason "desk at the talks"
out_has "alerts with actor=JPN are silenced"
expect_rc 1 silence add --match actor=Japn --until 2099-01-01 --reason x
err_has 'did you mean JPN (Japan)?'
expect_rc 1 silence add --match kind=taks --until 2099-01-01 --reason x
err_has 'did you mean "talks"?'
ok silence list
[ "$(grep -c '^ *[0-9]' "$TMP/out")" -le 1 ] || fail "a refused silence was written: $(cat "$TMP/out")"
printf 'local at = require "attache"\nprint(at.alert{title = "about the talks", event = 1})\n' >"$TMP/sa.lua"
ok run "$TMP/sa.lua"
ok alerts
out_has "silenced by silence 1"
done_ok
