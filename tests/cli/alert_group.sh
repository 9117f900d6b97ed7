#!/bin/sh
# Alerts grouped within a window (docs/alerts.md, "Grouping"): a receiver
# with group-wait holds its alerts that long after the first, then sends
# them as one message.  Against a webhook (tests/cli/webhook.py) that
# answers 500 twice: five alerts fired together arrive as one message, its
# three attempts with one idempotency key, each alert acknowledged once;
# an alert alone goes as itself.  The Mattermost and Teams bodies of a
# group, and a group by mail (tests/cli/smtp.py).  The option's errors,
# and `attache run` leaving a grouping receiver's deliveries to the daemon.
. "$(dirname "$0")/lib.sh"
need python3

. "$(dirname "$0")/receivers.lib"
. "$(dirname "$0")/smtp.lib"

# The window: long enough for the alerts of one import to fall in it (under
# valgrind, 20-50 times slower, longer).
case ${ATT_WRAP:-} in
*valgrind*) GW=10s ;;
*) GW=2s ;;
esac

new_store
# events FIRST N: five events as JSON Lines, titles FIRST..FIRST+4
events() {
  i=$1
  while [ "$i" -lt "$(($1 + $2))" ]; do
    printf '{"title":"Event %d","when":"2024-03-%02d","kind":"meeting"}\n' "$i" "$((i % 28 + 1))"
    i=$((i + 1))
  done >"$TMP/ev.jsonl"
}

# -- the option: checked, and named in errors
hook g --fail 2
for bad in 2h soon -1s; do
  config g generic "alert-receiver.g.group-wait = $bad"
  expect_rc 1 check --config "$TMP/config"
  err_has "g.group-wait '$bad': expected a duration from 0 (no grouping) to 1h"
done
config g generic "alert-receiver.g.group-wait = $GW"
ok check --config "$TMP/config"

# -- five alerts together: one message, retried whole, acknowledged once
daemon
events 1 5
ok import "$TMP/ev.jsonl"
wait_status "$TMP/g.log" 200 1
wait_for "$TMP/d.err" 'delivered to g (attempt 3)' "no 'delivered' after the group's retries"
ok alerts --pending
[ ! -s "$TMP/out" ] || fail "deliveries still pending: $(cat "$TMP/out")"
python3 - "$TMP/g.log" <<'PY' || fail "the grouped requests: $(cat "$TMP/g.log")"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [x["status"] for x in r] == [500, 500, 200], [x["status"] for x in r]
keys = {{k.lower(): v for k, v in x["headers"].items()}["idempotency-key"] for x in r}
assert keys == {"added-1/g+4"}, keys
for x in r:
    b = json.loads(x["body"])
    assert b["group"] == "added-1/g+4" and b["count"] == 5, b
    got = [a["key"] for a in b["alerts"]]
    assert got == ["added-1", "added-2", "added-3", "added-4", "added-5"], got
    assert b["alerts"][0]["title"] == "Added: Event 1" and b["alerts"][0]["level"] == "warn", b
PY
grep -q '5 alerts to g go as one message (group-wait)' "$TMP/d.err" || fail "the log does not say the group"
# one more, alone in its window: sent as itself
ok add --title "Alone" --when 2024-04-01 --kind talks
wait_status "$TMP/g.log" 200 2
stop
tail -1 "$TMP/g.log" | grep -q '"Idempotency-Key": "added-6/g"' || fail "a lone alert: $(tail -1 "$TMP/g.log")"
tail -1 "$TMP/g.log" | python3 -c 'import json,sys; b=json.loads(json.loads(sys.stdin.read())["body"]); assert b["key"]=="added-6" and "alerts" not in b, b' ||
  fail "a lone alert is not sent as itself"
# a restart sends nothing again
daemon
stop
[ "$(count_status "$TMP/g.log" 200)" = 2 ] || fail "a restart sent a group again"
unhook g

# -- the chat templates of a group
for tpl in mattermost teams slack; do
  hook "$tpl"
  config "$tpl" "$tpl" "alert-receiver.$tpl.group-wait = $GW"
  daemon
  events 100 2
  ok import "$TMP/ev.jsonl"
  wait_status "$TMP/$tpl.log" 200 1
  stop
  python3 - "$TMP/$tpl.log" "$tpl" <<'PY' || fail "the $tpl group: $(cat "$TMP/$tpl.log")"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
tpl = sys.argv[2]
assert len(r) == 1, r
b = json.loads(r[0]["body"])
if tpl == "mattermost":
    assert b["text"].startswith("**2 alerts**\n\n**[warn] Added: Event 100**\nKind meeting"), b
    assert "**[warn] Added: Event 101**" in b["text"], b
elif tpl == "slack":
    assert b["text"].startswith("*2 alerts*\n\n*[warn] Added: Event 100*"), b
else:
    texts = [x["text"] for x in b["attachments"][0]["content"]["body"]]
    assert texts[0] == "2 alerts" and texts[1].startswith("[warn] Added: Event 100") and len(texts) == 3, texts
PY
  unhook "$tpl"
done

# -- a group by mail: one message, its subject counts them
smtp m
cat >"$TMP/config" <<EOC
alert-receiver.desk.type = email
alert-receiver.desk.url = smtp://127.0.0.1:$PORT
alert-receiver.desk.from = attache@desk.example.org
alert-receiver.desk.to = duty@desk.example.org
alert-receiver.desk.group-wait = $GW
EOC
daemon
events 200 3
ok import "$TMP/ev.jsonl"
wait_d 'delivered to desk' "the group was not mailed"
stop
"$PY" - "$TMP/m.log" <<'PY' || fail "the grouped mail: $(cat "$TMP/m.log")"
import email, email.header, json, re, sys
r = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(r) == 1, r
m = email.message_from_string(r[0]["data"])
subj = str(email.header.make_header(email.header.decode_header(m["Subject"])))
assert subj == "[warn] 3 alerts: Added: Event 200, and 2 more", subj
assert re.fullmatch(r"<added-\d+/desk\+2@desk\.example\.org>", m["Message-ID"]), m["Message-ID"]
text = m.get_payload(decode=True).decode("utf-8")
for i, t in enumerate(("Event 200", "Event 201", "Event 202")):
    assert "%d. [warn] Added: %s\nKind meeting\nDue: " % (i + 1, t) in text, text
PY
unhook m

# -- attache run leaves a grouping receiver's delivery to the daemon
cat >"$TMP/fire.lua" <<'LUA'
local at = require "attache"
print(at.alert{key = "from-run", title = "Fired by a script"})
LUA
hook g
config g generic "alert-receiver.g.group-wait = $GW"
ok run --config "$TMP/config" "$TMP/fire.lua"
err_has 'alert "from-run": g groups alerts (group-wait); the delivery is left to the daemon'
[ ! -s "$TMP/g.log" ] || fail "attache run sent to a grouping receiver: $(cat "$TMP/g.log")"
unhook g
done_ok
