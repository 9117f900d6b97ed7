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
done_ok
