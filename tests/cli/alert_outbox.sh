#!/bin/sh
# The outbox of alerts on a simulated clock and from the command line:
# retries are timed by the engine's clock (a replay of 2024 records its
# attempts at 2024 times, spaced by the backoff), a delivery that runs
# out of alert-retry-for fails, `attache alerts --pending` and `--failed`
# list them (also as JSON), `attache alerts retry ID` and `--all` queue
# failed ones again and the next run delivers them once; retry's errors
# and completion of the ids; a receiver taken out of the config; `run`
# leaves a failing receiver's further deliveries to the daemon; fsck
# knows the outbox.
. "$(dirname "$0")/lib.sh"
need python3
. "$(dirname "$0")/receivers.lib"
export TZ=UTC

cat >"$S/hourly.lua" <<'EOF'
local at = require "attache"
at.every("1h", function()
  at.alert{key = "tick-" .. tostring(at.now()):sub(1, 13), title = "Tick", level = "info"}
end)
EOF
rm -f "$S/rule.lua"
replay() { ok serve --scripts "$S" --config "$TMP/config" --now "$1" --until "$2" --no-state; }
# try_times ID: the times of the attempts at ID recorded in the outbox.
try_times() {
  python3 - "$STORE/outbox" "$1" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line[9:])
    if r["op"] == "try" and r["id"] == sys.argv[2]:
        print(r["at"], "ok" if r.get("ok") else "failed")
EOF
}

new_store
# -- retries on the simulated clock: 500 twice, then delivered
hook sim --fail 2
config sim generic "alert-retry-first = 10m" "alert-retry-max = 1h"
replay 2024-01-01T00:00:00Z 2024-01-01T04:30:00Z
try_times "tick-2024-01-01T01/sim" >"$TMP/times"
printf '%s\n' "2024-01-01T02:00:00Z failed" "2024-01-01T03:00:00Z failed" "2024-01-01T04:00:00Z ok" >"$TMP/want"
# the first attempt is made as the alert fires; the clock stops hourly, so
# the retries (due 5 to 10 minutes later) are made at the next hour
head -1 "$TMP/times" | grep -q '^2024-01-01T01:00:00Z failed$' || fail "first attempt: $(cat "$TMP/times")"
tail -n +2 "$TMP/times" | head -2 | cut -c1-13 | tr '\n' ' ' | grep -q '^2024-01-01T02 2024-01-01T03 $' ||
  fail "the retries are not on the simulated clock: $(cat "$TMP/times")"
[ "$(count_status "$TMP/sim.log" 200)" = 4 ] || fail "expected 4 acknowledged deliveries (4 ticks): $(count_status "$TMP/sim.log" 200)"
ok alerts --pending
[ ! -s "$TMP/out" ] || fail "pending after the replay: $(cat "$TMP/out")"
unhook sim

# -- a receiver that is never there: the delivery fails after its period
PORT=9
config gone generic "alert-retry-first = 10m" "alert-retry-max = 20m" "alert-retry-for = 30m"
replay 2024-02-01T00:00:00Z 2024-02-01T03:30:00Z
err_has 'failed after'
err_has "(alert-retry-for is 30m); 'attache alerts retry' queues it again"
ok alerts --failed
out_has "tick-2024-02-01T01/gone  failed  to gone"
out_has "    [info] Tick"
out_has "last error (2024-02-01T"
out_has "Couldn't connect to server"
ok alerts --failed --json
json_lines "$TMP/out"
python3 - "$TMP/out" <<'EOF' || fail "alerts --failed --json: $(cat "$TMP/out")"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(r) == 2, r
x = r[0]
assert x["id"] == "tick-2024-02-01T01/gone" and x["state"] == "failed" and x["receiver"] == "gone", x
assert x["attempts"] >= 2 and x["queued"] == "2024-02-01T01:00:00Z" and x["until"] == "2024-02-01T01:30:00Z", x
assert x["alert"]["title"] == "Tick" and "next" not in x, x
EOF
ok alerts --pending --key tick-2024-02-01T03
out_has "tick-2024-02-01T03/gone  pending  to gone"

# -- retry: errors, then one id, then --all; the next run delivers each once
expect_rc 1 alerts retry no-such-id
err_has "no delivery 'no-such-id' in the outbox; 'attache alerts --failed' lists the failed ones"
expect_rc 1 alerts retry tick-2024-02-01T03/gone
err_has "has not failed (it is pending)"
expect_rc 2 alerts retry
err_has "alerts retry takes the ids of failed deliveries or --all"
expect_rc 2 alerts retry --all tick-2024-02-01T01/gone
expect_rc 2 alerts --all
expect_rc 2 alerts --pending --since 1d
run __complete alerts ""
out_is "retry"
run __complete alerts retry "tick-2024-02-01T0"
out_has "tick-2024-02-01T01/gone"
out_has "tick-2024-02-01T02/gone"
out_lacks "tick-2024-02-01T03/gone"
ok alerts retry tick-2024-02-01T01/gone
out_is "queued again: tick-2024-02-01T01/gone (to gone)"
ok alerts --failed
out_lacks "tick-2024-02-01T01/gone"
ok alerts retry --all
out_is "queued again: tick-2024-02-01T02/gone (to gone)"
ok alerts --failed
[ ! -s "$TMP/out" ] || fail "failed after retry --all: $(cat "$TMP/out")"
hook back
config gone generic "alert-retry-first = 10m" "alert-retry-max = 20m" "alert-retry-for = 30m"
replay 2024-02-01T03:30:00Z 2024-02-01T04:30:00Z
ok alerts --pending --failed
[ ! -s "$TMP/out" ] || fail "not delivered after retry: $(cat "$TMP/out")"
for id in tick-2024-02-01T01/gone tick-2024-02-01T02/gone tick-2024-02-01T03/gone tick-2024-02-01T04/gone; do
  n=$(grep -c "\"Idempotency-Key\": \"$id\"" "$TMP/back.log")
  [ "$n" = 1 ] || fail "$id was sent $n times after retry, not once"
done
replay 2024-02-01T04:30:00Z 2024-02-01T05:00:00Z
[ "$(count_status "$TMP/back.log" 200)" = 4 ] || fail "a further run delivered again"
unhook back
# -- a receiver taken out of the config: its deliveries fail, saying so
PORT=9
config gone2 generic "alert-retry-first = 10m" "alert-retry-max = 20m" "alert-retry-for = 30m"
replay 2024-03-01T00:00:00Z 2024-03-01T01:30:00Z
config other generic "alert-retry-first = 10m" "alert-retry-max = 20m" "alert-retry-for = 30m"
replay 2024-03-01T01:30:00Z 2024-03-01T02:30:00Z
ok alerts --failed --key tick-2024-03-01T01
out_has "tick-2024-03-01T01/gone2  failed  to gone2"
out_has "no receiver 'gone2' is configured any more"
# -- `attache run`: once a receiver failed, the rest is left to the daemon
printf '%s\n' 'local at = require "attache"' 'at.alert{key = "two-1", title = "First"}' \
  'at.alert{key = "two-2", title = "Second"}' >"$TMP/two.lua"
ok run --config "$TMP/config" "$TMP/two.lua"
err_has 'alert "two-1": other: '
err_has 'alert "two-2": other failed earlier in this run; the delivery is left to the daemon'
ok alerts --pending --key two-2
out_has "two-2/other  pending  to other  0 attempts"
# the outbox is a file of the store: fsck knows it, mode 0600
ok fsck
if grep -q 'outbox' "$TMP/out" "$TMP/err"; then fail "fsck complains of the outbox: $(cat "$TMP/out" "$TMP/err")"; fi
[ "$(stat -c %a "$STORE/outbox")" = 600 ] || fail "the outbox is not mode 0600"
done_ok
