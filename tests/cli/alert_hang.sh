#!/bin/sh
# Alerts to a webhook that hangs (tests/cli/webhook.py --hang): the
# attempt ends at the receiver's timeout and is retried, and meanwhile the
# daemon goes on: another alert fires and is delivered while the first
# request is still unanswered.  A daemon killed (kill -9) while its
# request hangs makes the delivery again at its next start, with the same
# idempotency key, and it is acknowledged once.
. "$(dirname "$0")/lib.sh"
need python3
. "$(dirname "$0")/receivers.lib"

new_store
# -- a receiver that hangs: the attempt times out, the daemon goes on
hook hang --hang 1
config hang generic
daemon
# two alerts at once: one request hangs, the other is answered meanwhile
ok add --title "Hang 1" --when 2024-03-15 --kind call
ok add --title "Hang 2" --when 2024-03-16 --kind call
wait_for "$TMP/hang.log" '"hang": true' "the first request did not arrive"
wait_for "$TMP/d.err" 'delivered to hang' "no delivery while the receiver hangs"
wait_for "$TMP/d.err" 'Timeout was reached' "the hanging attempt did not time out"
wait_status "$TMP/hang.log" 200 2
stop
grep -q 'Added: Hang 2' "$TMP/d.out" || fail "the daemon did not go on while the receiver hung"
first=$(grep -n 'delivered to hang' "$TMP/d.err" | head -1 | cut -d: -f1)
tout=$(grep -n 'Timeout was reached' "$TMP/d.err" | head -1 | cut -d: -f1)
[ "$first" -lt "$tout" ] || fail "nothing was delivered while the receiver hung"
unhook hang

# -- kill -9 while the request hangs: made again at the start, once
hook k --hang 1
config k generic "alert-receiver.k.timeout = 30"
daemon
ok add --title "Killed" --when 2024-03-17 --kind call
wait_for "$TMP/k.log" '"hang": true' "the request did not arrive"
kill -9 "$DPID"
wait "$DPID" 2>/dev/null || true
daemon
wait_status "$TMP/k.log" 200 1
wait_for "$TMP/d.err" 'delivered to k (attempt 1)' "the delivery was not made after the kill"
stop
daemon
stop
[ "$(count_status "$TMP/k.log" 200)" = 1 ] || fail "acknowledged $(count_status "$TMP/k.log" 200) times, not once"
[ "$(grep -c '"Idempotency-Key": "added-3/k"' "$TMP/k.log")" = 2 ] ||
  fail "the two requests do not carry the same key: $(cat "$TMP/k.log")"
ok alerts --pending
[ ! -s "$TMP/out" ] || fail "still pending: $(cat "$TMP/out")"
unhook k
# -- a command that hangs, more alerts at once than commands may run
# together (16): the others wait their turn and the loop goes on (it
# waited for the oldest command, up to its time limit: 20 alerts froze
# the daemon, its HTTP API included)
{
  echo "alert-command = cat >>'$TMP/cmd.out'; while [ ! -e '$TMP/release' ]; do sleep 0.05; done"
  echo "alert-timeout = 300"
} >"$TMP/config"
daemon
i=0
: >"$TMP/many.jsonl"
while [ $i -lt 20 ]; do
  i=$((i + 1))
  echo "{\"title\": \"Many $i\", \"when\": \"2024-04-01\", \"kind\": \"call\"}" >>"$TMP/many.jsonl"
done
ok import "$TMP/many.jsonl"
wait_for "$TMP/d.out" 'Added: Many 20' "the daemon did not fire the 20 alerts"
ok add --title "Later" --when 2024-04-02 --kind call
wait_for "$TMP/d.out" 'Added: Later' "the daemon stopped while 16 alert commands ran"
[ "$(grep -c '"key":"added-' "$TMP/cmd.out")" = 16 ] ||
  fail "not 16 commands running at once: $(cat "$TMP/cmd.out")"
touch "$TMP/release"
deadline=$(($(date +%s) + WAIT_S))
until [ "$(grep -c '"key":"added-' "$TMP/cmd.out")" = 21 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the waiting commands did not run: $(cat "$TMP/cmd.out")"
  sleep 0.05
done
stop
[ "$(grep -o '"key":"added-[0-9]*"' "$TMP/cmd.out" | tr -dc '0-9\n' | sort -n | tr '\n' ' ')" = "$(seq 4 24 | tr '\n' ' ')" ] ||
  fail "not one command for each alert: $(cat "$TMP/cmd.out")"
rm -f "$TMP/release" "$TMP/config"
done_ok
