#!/bin/sh
# Alerts to a webhook (docs/alerts.md), against a small receiver on
# 127.0.0.1 (tests/cli/webhook.py): the body and headers of each template
# (the idempotency key among them), a receiver that answers 500 twice
# then 200 (exactly one acknowledged delivery, the retries in the
# outbox), a restart of the daemon with a delivery pending (made once).
# A bearer token (from a file) is sent; it and the token in the URL
# never appear in what attache prints.  A receiver
# that hangs: alert_hang.sh.
. "$(dirname "$0")/lib.sh"
need python3

. "$(dirname "$0")/receivers.lib"

new_store
# -- each template's body and headers, one attempt from `attache run`
cat >"$TMP/fire.lua" <<'EOF'
local at = require "attache"
local tpl = ...
print(at.alert{key = "k-" .. tpl, title = "CDC <meeting> & talks", body = "Bring the policy", level = "urgent"})
EOF
hook h
for tpl in generic slack mattermost teams; do
  config h "$tpl"
  ok run --config "$TMP/config" "$TMP/fire.lua" "$tpl"
  cat "$TMP/out" "$TMP/err" >>"$TMP/all.log"
done
wait_status "$TMP/h.log" 200 4
python3 - "$TMP/h.log" <<'EOF' || fail "the webhook requests: $(cat "$TMP/h.log")"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(r) == 4, r
for x in r:
    h = {k.lower(): v for k, v in x["headers"].items()}
    assert x["path"] == "/hooks/T0KEN-in-path", x
    assert h["content-type"].startswith("application/json"), h
    assert h["user-agent"] == "attache", h
    json.loads(x["body"])
g, s, m, t = [json.loads(x["body"]) for x in r]
keys = [{k.lower(): v for k, v in x["headers"].items()}["idempotency-key"] for x in r]
assert keys == ["k-generic/h", "k-slack/h", "k-mattermost/h", "k-teams/h"], keys
assert g["key"] == "k-generic" and g["title"] == "CDC <meeting> & talks" and g["level"] == "urgent", g
assert g["body"] == "Bring the policy" and g["at"].endswith("Z"), g
assert s["text"] == "*[urgent] CDC &lt;meeting&gt; &amp; talks*\nBring the policy", s
assert m["text"] == "**[urgent] CDC <meeting> & talks**\nBring the policy", m
card = t["attachments"][0]
assert t["type"] == "message" and card["contentType"] == "application/vnd.microsoft.card.adaptive", t
texts = [b.get("text") for b in card["content"]["body"]]
assert texts[:2] == ["CDC <meeting> & talks", "Bring the policy"], texts
EOF
# -- a bearer token from a file: sent, never shown
printf 'Tok-S3cret-77\n' >"$TMP/token"
config h generic "alert-receiver.h.token-file = $TMP/token"
ok check --config "$TMP/config"
cat "$TMP/out" "$TMP/err" >>"$TMP/all.log"
ok run --config "$TMP/config" "$TMP/fire.lua" token
cat "$TMP/out" "$TMP/err" >>"$TMP/all.log"
wait_status "$TMP/h.log" 200 5
tail -1 "$TMP/h.log" | grep -q '"Authorization": "Bearer Tok-S3cret-77"' || fail "no bearer token: $(tail -1 "$TMP/h.log")"
unhook h

# -- 500 twice, then 200: one acknowledged delivery, three attempts
hook r --fail 2
config r generic
daemon
ok add --title "CDC meeting" --when 2024-03-12 --kind meeting
wait_status "$TMP/r.log" 200 1
wait_for "$TMP/d.err" 'delivered to r (attempt 3)' "no 'delivered' line after two 500s"
ok alerts --pending
[ ! -s "$TMP/out" ] || fail "a delivery is still pending after its success: $(cat "$TMP/out")"
stop
[ "$(count_status "$TMP/r.log" 500)" = 2 ] || fail "expected 2 requests answered 500"
[ "$(count_status "$TMP/r.log" 200)" = 1 ] || fail "expected exactly 1 acknowledged delivery"
grep -q 'HTTP status 500 from http://127.0.0.1:[0-9]*/\.\.\.; tried again at' "$TMP/d.err" ||
  fail "the log does not say the 500 and the next try"
ids=$(grep -o '"Idempotency-Key": "[^"]*"' "$TMP/r.log" | sort -u | wc -l | tr -d ' ')
[ "$ids" = 1 ] || fail "the three attempts carry $ids idempotency keys, not 1"
# a restart does not deliver it again
daemon
ok add --title "Second" --when 2024-03-13 --kind talks
wait_status "$TMP/r.log" 200 2
stop
grep -c '"Idempotency-Key": "added-1/r"' "$TMP/r.log" | grep -qx 3 || fail "added-1 was sent again after the restart"
unhook r

# -- a delivery pending while the daemon is down is made once at its start
config down generic
PORT=9 # the receiver is not there yet: connection refused
config down generic
ok add --title "While down" --when 2024-03-14 --kind visit
cat >"$TMP/fire_down.lua" <<'EOF'
local at = require "attache"
print(at.alert{key = "down-1", title = "Fired while the receiver is down"})
EOF
ok run --config "$TMP/config" "$TMP/fire_down.lua"
cat "$TMP/out" "$TMP/err" >>"$TMP/all.log"
ok alerts --pending
out_has "down-1/down  pending  to down  1 attempt"
hook down
config down generic
daemon
wait_status "$TMP/down.log" 200 1
wait_for "$TMP/d.err" 'delivered to down' "the pending delivery was not made at the start"
# `attache run` beside the daemon makes its own attempt; the daemon leaves it
sed 's/down-1/down-2/' "$TMP/fire_down.lua" >"$TMP/fire_down2.lua"
ok run --config "$TMP/config" "$TMP/fire_down2.lua"
wait_status "$TMP/down.log" 200 2
stop
daemon
stop
[ "$(count_status "$TMP/down.log" 200)" = 2 ] || fail "a delivery was made more than once"
[ "$(grep -c '"Idempotency-Key": "down-2/down"' "$TMP/down.log")" = 1 ] || fail "down-2 was sent twice"
unhook down

# -- the token in the URL never shows
ok alerts --pending --failed --json
cat "$TMP/out" >>"$TMP/all.log"
if grep -q 'T0KEN\|Tok-S3cret' "$TMP/all.log"; then fail "a token appears in the output: $(grep 'T0KEN\|Tok-S3cret' "$TMP/all.log")"; fi
done_ok
