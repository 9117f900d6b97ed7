#!/bin/sh
# A desk from end to end (issue 16, "What it must show"): the daemon with
# the HTTP API, two users, and two receivers on 127.0.0.1, a webhook
# (tests/cli/webhook.py) and a mail server (tests/cli/smtp.py on
# aiosmtpd), each refusing the first three tries.  The reader may not
# add; an event the editor adds over HTTP fires a rule whose alert, after
# three failed tries at each receiver and a restart of the daemon in the
# middle of them, arrives exactly once by webhook and exactly once by
# mail, and the history names the editor as the author of the add.
. "$(dirname "$0")/lib.sh"
need python3
. "$(dirname "$0")/smtp.lib"
. "$(dirname "$0")/receivers.lib"

new_store
ok user add ana --role editor
ED=$(cat "$TMP/out")
ok user add bob --role reader
RD=$(cat "$TMP/out")

hook h --fail 3
HPORT=$PORT
smtp m --fail 3
MPORT=$PORT
cat >"$TMP/config" <<EOF
alert-receiver.hook.type = webhook
alert-receiver.hook.url = http://127.0.0.1:$HPORT/hooks/desk
alert-receiver.hook.template = generic
alert-receiver.hook.timeout = $RECV_TIMEOUT
alert-receiver.mail.type = email
alert-receiver.mail.url = smtp://127.0.0.1:$MPORT
alert-receiver.mail.from = attache@desk.example.org
alert-receiver.mail.to = duty@desk.example.org
alert-receiver.mail.timeout = $((RECV_TIMEOUT + 4))
alert-retry-first = 1s
alert-retry-max = 1s
EOF
ok check --config "$TMP/config"

serve() {
  ${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --config "$TMP/config" \
    --listen 127.0.0.1:0 >"$TMP/d.out" 2>"$TMP/d.err" &
  DPID=$!
  wait_for "$TMP/d.err" "listening on http" "the daemon did not start"
  APORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/d.err")
}
# post TOKEN JSON: POST /v1/events; the status in $ST, the body in $TMP/body
post() {
  ST=$(python3 - "$APORT" "$1" "$2" "$TMP/body" "$WAIT_S" <<'EOF'
import http.client, sys
port, tok, body, out, wait = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=wait)
c.request("POST", "/v1/events", body=body.encode(), headers={"Authorization": "Bearer " + tok})
r = c.getresponse()
open(out, "wb").write(r.read())
print(r.status)
EOF
  )
  NCHECKS=$((NCHECKS + 1))
}
count_refused() { n=$(grep -c '"refused": 451' "$TMP/m.log" 2>/dev/null) || true; echo "${n:-0}"; }
count_mail() { n=$(grep -c '"data"' "$TMP/m.log" 2>/dev/null) || true; echo "${n:-0}"; }
# wait_mail COUNTER N WHAT: until COUNTER says N, or fail with WHAT.
wait_mail() {
  deadline=$(($(date +%s) + WAIT_S))
  while [ "$($1)" -lt "$2" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$3: $(cat "$TMP/m.log" 2>/dev/null)"
    sleep 0.05
  done
}

serve
post "$RD" '{"title": "From the reader", "when": "2024-06"}'
[ "$ST" = 403 ] || fail "a reader's add: $ST $(cat "$TMP/body")"
post "$ED" '{"title": "CDC plenary", "when": "2024-06-10", "kind": "meeting", "actors": ["KHM", "JPN"]}'
[ "$ST" = 201 ] || fail "the editor's add: $ST $(cat "$TMP/body")"
ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body")

# Two failed tries at each receiver, then a restart in the middle.
wait_status "$TMP/h.log" 500 2
wait_mail count_refused 2 "the mail server was not tried twice"
stop
serve
# Delivered at last: once each.
wait_status "$TMP/h.log" 200 1
wait_mail count_mail 1 "no mail arrived"
# Nothing is left to deliver, and nothing was delivered twice.
deadline=$(($(date +%s) + WAIT_S))
while :; do
  ok alerts --pending --json
  [ ! -s "$TMP/out" ] && break
  [ "$(date +%s)" -lt "$deadline" ] || fail "deliveries still pending: $(cat "$TMP/out")"
  sleep 0.1
done
stop
[ "$(count_status "$TMP/h.log" 200)" = 1 ] || fail "the webhook got $(count_status "$TMP/h.log" 200) deliveries"
[ "$(count_status "$TMP/h.log" 500)" = 3 ] || fail "the webhook refused $(count_status "$TMP/h.log" 500) tries, not 3"
[ "$(count_mail)" = 1 ] || fail "$(count_mail) mails arrived"
[ "$(count_refused)" = 3 ] || fail "the mail server refused $(count_refused) tries, not 3"
grep '"status": 200' "$TMP/h.log" | grep -q "added-$ID" || fail "the webhook's delivery is not the alert of event $ID"
grep -q "Added: CDC plenary" "$TMP/m.log" || fail "the mail is not the alert: $(cat "$TMP/m.log")"
# The history: the add is ana's.
ok log "$ID" --json
python3 -c '
import json, sys
ch = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert ch[-1]["op"] == "add" and ch[-1]["author"] == "ana", ch' "$TMP/out" || fail "the add's author: $(cat "$TMP/out")"
# The alert itself is in the log once.
ok alerts --json --key "added-$ID"
out_lines 1
unhook h
done_ok
