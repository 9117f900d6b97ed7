#!/bin/sh
# Alerts from the outside: a key fires once across processes (one after
# the other, and several at once), repeat fires again, each output (the
# stdout line, the JSON Lines file, the command fed JSON on stdin, off
# unless configured), failing and overrunning commands, the config file,
# and `attache alerts` with --since, --key and --json, and its errors.
. "$(dirname "$0")/lib.sh"
need python3

W=$TMP/work
mkdir -p "$W"
cd "$W" || fail "cd"
script() { printf '%s\n' "$2" >"$W/$1"; }
lines_of() { wc -l <"$1" | tr -d ' '; }
out_empty() { if [ -s "$TMP/out" ]; then fail "stdout should be empty"; fi; }

new_store
ok add --title "CDC meeting" --when "2024-03-12" --kind meeting

# fire.lua KEY [repeat] [to]: fire one alert, print what at.alert returned.
script fire.lua 'local at = require "attache"
local key, rep, to = ...
print("fired:", at.alert{key = key, title = "Meeting soon", body = "Bring the draft policy",
  level = "warn", event = 1, ["repeat"] = rep == "repeat", to = to})'

# -- once per key, across processes
ok run fire.lua k1
out_lines 2
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z \[warn\] Meeting soon: Bring the draft policy \(event 1\)$' "$TMP/out" ||
  fail "the stdout line is not 'TIME [level] title: body (event N)'"
out_has "fired:	true"
ok run fire.lua k1
out_is "fired:	false"
ok run fire.lua k1 repeat
out_has "[warn] Meeting soon"
out_has "fired:	true"
ok run fire.lua k1
out_is "fired:	false"
ok alerts --key k1
out_lines 2
out_has "  key: k1"

# -- several processes at once: still once per key
script many.lua 'local at = require "attache"
local n = 0
for i = 1, 60 do
  if at.alert{key = "race-" .. i, title = "Race " .. i, to = "file"} then n = n + 1 end
end
print(n)'
for p in 1 2 3 4; do
  ${ATT_WRAP:-} "$ATT" --store "$STORE" run --alert-file "$W/race.jsonl" many.lua >"$W/race.$p" 2>&1 &
done
wait
total=$(cat "$W/race.1" "$W/race.2" "$W/race.3" "$W/race.4" | awk '{ s += $1 } END { print s }')
[ "$total" = 60 ] || fail "4 concurrent processes fired $total alerts for 60 keys"
[ "$(lines_of "$W/race.jsonl")" = 60 ] || fail "the file has $(lines_of "$W/race.jsonl") lines, not 60"
ok alerts --json
n=$(grep -c '"key":"race-' "$TMP/out")
[ "$n" = 60 ] || fail "the log has $n race alerts, not 60"
dups=$(grep -o '"key":"race-[0-9]*"' "$TMP/out" | sort | uniq -d | wc -l | tr -d ' ')
[ "$dups" = 0 ] || fail "$dups keys fired twice"

# -- the JSON Lines file
ok run --alert-file "$W/alerts.jsonl" fire.lua k2
[ "$(stat -c %a "$W/alerts.jsonl")" = 600 ] || fail "the alert file is not created with mode 0600"
ok run --alert-file "$W/alerts.jsonl" fire.lua k3
ok run --alert-file "$W/alerts.jsonl" fire.lua k3
[ "$(lines_of "$W/alerts.jsonl")" = 2 ] || fail "the alert file should have 2 lines"
json_lines "$W/alerts.jsonl"
python3 - "$W/alerts.jsonl" <<'EOF' || fail "the alert file's fields"
import json, sys
a = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [x["key"] for x in a] == ["k2", "k3"], a
for x in a:
    assert x["level"] == "warn" and x["title"] == "Meeting soon", x
    assert x["body"] == "Bring the draft policy" and x["event"] == 1, x
    assert x["script"].endswith("fire.lua") and x["at"].endswith("Z"), x
EOF
ok run --alert-file "$W/alerts.jsonl" fire.lua k4 "" file
out_is "fired:	true"
[ "$(lines_of "$W/alerts.jsonl")" = 3 ] || fail "to = file: the file should have 3 lines"
expect_rc 1 run --alert-file "$W/no/such/dir/a.jsonl" fire.lua k5
err_has "alert file \"$W/no/such/dir/a.jsonl\": cannot open it for appending"

# -- the command: off by default, JSON on stdin when configured
expect_rc 1 run fire.lua k6 "" command
err_has 'alert output "command" is not configured here'
err_has "--alert-command CMD"
ok run fire.lua k6
out_has "fired:	true"
ok run --alert-command "cat >> '$W/cmd.jsonl'" fire.lua k7
ok run --alert-command "cat >> '$W/cmd.jsonl'" fire.lua k8 "" command
out_is "fired:	true"
ok run --alert-command "cat >> '$W/cmd.jsonl'" fire.lua k8 "" command
out_is "fired:	false"
[ "$(lines_of "$W/cmd.jsonl")" = 2 ] || fail "the command should have received 2 alerts"
json_lines "$W/cmd.jsonl"
grep -q '"key":"k7"' "$W/cmd.jsonl" && grep -q '"key":"k8"' "$W/cmd.jsonl" || fail "the command got the wrong alerts"
# The command's output comes before the script goes on.
ok run --alert-command "echo from-the-command" fire.lua k9
out_has "from-the-command"
[ "$(sed -n 2p "$TMP/out")" = "from-the-command" ] || fail "the command ran after the script went on"
# Failures are logged with their status; the alert stays fired.
ok run --alert-command "exit 3" fire.lua k10
err_has 'alert "k10": the alert command `exit 3` exited with status 3'
ok alerts --key k10
out_lines 1
ok run --alert-command "kill -KILL \$\$" fire.lua k11
err_has "was killed by signal 9"
# A command that does not read its input does not hurt the process.
ok run --alert-command "exit 0" fire.lua k12
script big.lua 'local at = require "attache"
print(at.alert{key = ..., title = "Big", body = string.rep("x", 300000), to = "command"})'
ok run --alert-command "exit 0" big.lua big1
out_is "true"
ok run --alert-command "head -c 10 >/dev/null" big.lua big2
out_is "true"
ok run --alert-command "cat > '$W/big.json'" big.lua big3
[ "$(wc -c <"$W/big.json" | tr -d ' ')" -gt 300000 ] || fail "a long alert reaches the command whole"
ok run --alert-command "sleep 30" --alert-timeout 0.3 fire.lua k13
err_has 'did not finish within 0.3s and was killed'
expect_rc 2 run --alert-timeout soon fire.lua k14
err_has "alert-timeout \"soon\": expected seconds"

# -- the config file
mkdir -p "$HOME/.config/attache"
printf 'alert_file = %s\nalert-command = cat >> %s\n' "$W/conf.jsonl" "$W/conf-cmd.jsonl" \
  >"$HOME/.config/attache/config"
ok run fire.lua k15
[ "$(lines_of "$W/conf.jsonl")" = 1 ] && [ "$(lines_of "$W/conf-cmd.jsonl")" = 1 ] ||
  fail "alert_file and alert-command from the config file"
printf 'alert-stdout = false\n' >"$HOME/.config/attache/config"
ok run fire.lua k16
out_is "fired:	true"
printf 'alert-stdout = maybe\n' >"$HOME/.config/attache/config"
expect_rc 1 run fire.lua k17
err_has 'config:1: alert-stdout "maybe": expected true or false'
printf 'alert-pager = less\n' >"$HOME/.config/attache/config"
expect_rc 1 run fire.lua k17
err_has "unknown key 'alert-pager'"
rm "$HOME/.config/attache/config"

# -- without a store, at.alert says why
script nostore.lua 'local at = require "attache"
at.alert{title = "x"}'
RC=0
${ATT_WRAP:-} "$ATT" --store "$TMP/none" run nostore.lua >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 1 ] || fail "at.alert without a store: exit $RC"
err_has "nostore.lua:2: no store at $TMP/none"

# -- attache alerts: --since, --key, --json
new_log() {
  rm -rf "$STORE"
  ok init
  cat >"$STORE/alerts" <<'EOF'
{"at":"2023-12-25T00:00:00Z","key":"a","level":"warn","title":"Meeting in a week","event":4,"script":"r.lua"}
{"at":"2024-01-01T00:00:00Z","key":"b","level":"info","title":"Policy in force","body":"2024-28","script":"r.lua"}
{"at":"2024-06-01T00:00:00Z","key":"c","level":"urgent","title":"Midpoint","script":"r.lua","late":true}
{"at":"2024-06-01T00:00:00Z","key":"ag","level":"info","title":"Agenda","body":"one\ntwo"}
EOF
}
new_log
ok alerts
out_lines 5
out_has "2023-12-25T00:00:00Z [warn] Meeting in a week (event 4)  key: a"
out_has "2024-01-01T00:00:00Z [info] Policy in force: 2024-28  key: b"
out_has "2024-06-01T00:00:00Z [urgent] Midpoint [late]  key: c"
out_has "2024-06-01T00:00:00Z [info] Agenda: one  key: ag"
out_has "    two"
ok alerts --since 2024
out_lines 4
out_lacks "Meeting in a week"
ok alerts --since "June 2024"
out_lines 3
ok alerts --since 2024-06-02
out_empty
ok alerts --since 2h
out_empty
ok alerts --key b
out_is "2024-01-01T00:00:00Z [info] Policy in force: 2024-28  key: b"
ok alerts --json
out_lines 4
json_lines
ok alerts --json --since 2024-01-01 --key c
out_is '{"at":"2024-06-01T00:00:00Z","key":"c","level":"urgent","title":"Midpoint","script":"r.lua","late":true}'
# A key logged by hand counts as fired.
ok run fire.lua a
out_is "fired:	false"

# -- errors
expect_rc 2 alerts --bogus
err_has "unknown option '--bogus'"
expect_rc 2 alerts extra
err_has "unexpected argument 'extra'"
expect_rc 2 alerts --since
expect_rc 2 alerts --key ""
expect_rc 1 alerts --since "some day"
err_has '--since "some day": cannot read the date'
err_has "or a time back from now: 30m, 12h, 7d, 2w"
RC=0
${ATT_WRAP:-} "$ATT" --store "$TMP/none" alerts >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 1 ] || fail "alerts without a store: exit $RC"
err_has "no store at $TMP/none"
# A damaged line in the middle is refused; a torn last line is dropped.
new_log
sed -i '2s/.*/{"at": garbage/' "$STORE/alerts"
expect_rc 1 alerts
err_has "line 2 is damaged"
new_log
printf '{"at":"2024-07-01T00:00:00Z","key":"torn","tit' >>"$STORE/alerts"
ok alerts
out_lines 5
out_lacks "torn"
ok run fire.lua d
out_has "fired:	true"
err_has "dropped an unfinished last line"
ok alerts --key d
out_lines 1
# -- inside at.batch: an alert goes out when the batch commits, and not
# at all when it is rolled back (its key stays unspent)
rm -rf "$STORE"
new_store
script batch.lua 'local at = require "attache"
local what = ...
local ok, err = pcall(at.batch, function()
  at.add{title = "Batch event", when = "2024-05-01"}
  print("in batch:", at.alert{key = "bk", title = "From the batch"})
  print("again in batch:", at.alert{key = "bk", title = "From the batch"})
  print("line before commit")
  if what == "fail" then error("give up", 0) end
end)
print("batch:", ok, err)
print("after:", at.alert{key = "bk", title = "After the batch"})'
ok run batch.lua fail
out_lacks "From the batch"
out_has "in batch:	true"
out_has "again in batch:	false"
out_has "batch:	false	give up"
out_has "[info] After the batch"
out_has "after:	true"
ok alerts --key bk
out_lines 1
out_has "After the batch"
ok list
out_lacks "Batch event"
rm -rf "$STORE"
new_store
ok run batch.lua
out_has "in batch:	true"
out_has "again in batch:	false"
out_has "after:	false"
out_lines 6
sed -n 4p "$TMP/out" | grep -q "From the batch" ||
  fail "the batch's alert should go out when the batch commits, after its last line: $(cat "$TMP/out")"
ok alerts --key bk
out_has "From the batch"

ok help alerts
out_has "usage: attache [--store DIR] alerts [--since D] [--key K] [--json]"

done_ok
