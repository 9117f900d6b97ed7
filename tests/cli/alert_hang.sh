#!/bin/sh
# Alerts to a webhook that hangs (tests/cli/webhook.py --hang): the
# attempt ends at the receiver's timeout and is retried, and meanwhile the
# daemon goes on: another alert fires and is delivered while the first
# request is still unanswered.
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

done_ok
