#!/bin/sh
# The configuration of alert receivers and routes (docs/alerts.md): every
# mistake is refused by `attache check` (and by run and serve) with the
# file and line or the key, what is wrong and what is accepted; a secret
# in a mistaken value is never shown.  Then routes: by level and by the
# event's kind, actor and tag, to a receiver each.
. "$(dirname "$0")/lib.sh"
need python3
. "$(dirname "$0")/receivers.lib"

W='alert-receiver.ops.type = webhook'
U='alert-receiver.ops.url = https://hooks.example.org/services/T0KEN'
# bad MESSAGE LINE...: check refuses a config of these lines with MESSAGE.
bad() {
  msg=$1
  shift
  printf '%s\n' "$@" >"$TMP/config"
  expect_rc 1 check --config "$TMP/config"
  err_has "$msg"
  cat "$TMP/out" "$TMP/err" >>"$TMP/all.log"
}

new_store
# -- one line at a time: FILE:LINE
bad "config:2: alert-receiver.ops.colour: unknown option 'colour' (known: type, url, url-file, url-env, template, timeout, group-wait, token-file, token-env, from, to, username, password-file, password-env, starttls)" \
  "$W" "alert-receiver.ops.colour = red"
bad "config:1: alert-receiver.Ops.type: expected alert-receiver.NAME.OPTION, NAME made of lowercase letters" \
  "alert-receiver.Ops.type = webhook"
bad "config:1: alert-receiver: expected alert-receiver.NAME.OPTION = VALUE, e.g. alert-receiver.ops.type = webhook" \
  "alert-receiver = ops"
bad "config:1: alert-receiver.ops.password: unknown option 'password'" \
  "alert-receiver.ops.password = T0KEN"
# -- the whole: the key, what is wrong, what is accepted
bad "alert-receiver.ops: type is missing; expected alert-receiver.ops.type = webhook or email" "$U"
bad "alert-receiver.ops.type 'slack': expected webhook or email" "alert-receiver.ops.type = slack" "$U"
bad "alert-receiver.ops: url is missing; give url, url-file FILE or url-env VARIABLE" "$W"
bad "alert-receiver.ops: give one of url, url-file and url-env, not 2" "$W" "$U" "alert-receiver.ops.url-env = HOOK"
bad "alert-receiver.ops: a URL of scheme ftp; expected https or http" "$W" "alert-receiver.ops.url = ftp://example.org/x"
bad "alert-receiver.ops: the URL cannot be read; expected https://HOST[:PORT]/..." "$W" "alert-receiver.ops.url = not a url"
bad "alert-receiver.ops: the URL carries a user name or password; give them as username and password-file" \
  "$W" "alert-receiver.ops.url = https://user:T0KEN@example.org/"
bad "alert-receiver.ops.template 'discord': expected generic, slack, mattermost or teams" "$W" "$U" "alert-receiver.ops.template = discord"
bad "alert-receiver.ops.timeout '0': expected seconds, more than 0 and at most 3600" "$W" "$U" "alert-receiver.ops.timeout = 0"
bad "alert-receiver.ops.from: not an option of a webhook receiver" "$W" "$U" "alert-receiver.ops.from = a@b.org"
bad "alert-receiver.ops: cannot read the file $TMP/none: No such file or directory" "$W" "alert-receiver.ops.url-file = $TMP/none"
M='alert-receiver.mail.type = email'
MU='alert-receiver.mail.url = smtp://mail.example.org'
MF='alert-receiver.mail.from = attache@example.org'
MT='alert-receiver.mail.to = duty@example.org'
bad "alert-receiver.mail: a URL of scheme https; expected smtp or smtps" "$M" "alert-receiver.mail.url = https://x.org/"
bad "alert-receiver.mail.from is missing: expected one address, e.g. attache@example.org" "$M" "$MU" "$MT"
bad "alert-receiver.mail.to: 'duty' is not an address; expected addresses separated by commas" "$M" "$MU" "$MF" \
  "alert-receiver.mail.to = duty"
bad "alert-receiver.mail.template: not an option of an email receiver" "$M" "$MU" "$MF" "$MT" "alert-receiver.mail.template = slack"
bad "alert-receiver.mail.starttls 'yes': expected required, try or off" "$M" "$MU" "$MF" "$MT" "alert-receiver.mail.starttls = yes"
bad "alert-receiver.mail: a password without a username; add alert-receiver.mail.username" "$M" "$MU" "$MF" "$MT" \
  "alert-receiver.mail.password-env = HOME"
bad "alert-receiver.mail: a password would cross the network in clear (starttls = off); use starttls = required or smtps://" \
  "$M" "$MU" "$MF" "$MT" "alert-receiver.mail.username = u" "alert-receiver.mail.password-env = HOME" "alert-receiver.mail.starttls = off"
bad "alert-route 'level=urgent ops': expected MATCHERS -> RECEIVERS, e.g. level=urgent kind=meeting -> ops, mail (or * -> mail)" \
  "$W" "$U" "alert-route = level=urgent ops"
bad "alert-route 'colour=red -> ops': 'colour=red' is not a matcher; expected level=, kind=, actor= or tag=" \
  "$W" "$U" "alert-route = colour=red -> ops"
bad "alert-route 'level=high -> ops': level 'high': expected info, warn or urgent" "$W" "$U" "alert-route = level=high -> ops"
bad "alert-route '* -> ops, mail': no receiver named 'mail' (receivers: ops)" "$W" "$U" "alert-route = * -> ops, mail"
# actors and kinds as list --actor and --kind read them: a name that is no
# actor or a kind outside the vocabulary never matches, so it is refused
bad "alert-route 'actor=Cambodja -> ops': unknown actor \"Cambodja\"" "$W" "$U" "alert-route = actor=Cambodja -> ops"
bad "did you mean KHM (Cambodia)" "$W" "$U" "alert-route = actor=Cambodja -> ops"
bad "alert-route 'kind=meetng,visit -> ops': kind \"meetng\" is not one this store knows" "$W" "$U" "alert-route = kind=meetng,visit -> ops"
bad "alert-retry-for 'soon': expected a duration of at least a second, e.g. 90s, 30m, 24h, 2d" "$W" "$U" "alert-retry-for = soon"
bad "alert-retry-max is shorter than alert-retry-first" "$W" "$U" "alert-retry-first = 1h" "alert-retry-max = 10m"
# run and serve refuse it too, before doing anything
printf '%s\n' "$W" >"$TMP/config"
printf 'print("ran")\n' >"$TMP/p.lua"
expect_rc 1 run --config "$TMP/config" "$TMP/p.lua"
err_has "alert-receiver.ops: url is missing"
out_lacks "ran"
expect_rc 1 serve --scripts "$S" --config "$TMP/config" --once
err_has "alert-receiver.ops: url is missing"
printf '%s\n' "$W" "$U" "alert-route = actor=Cambodja -> ops" >"$TMP/config"
expect_rc 1 run --config "$TMP/config" "$TMP/p.lua"
err_has "unknown actor"
expect_rc 1 serve --scripts "$S" --config "$TMP/config" --once
err_has "unknown actor"
if grep -q T0KEN "$TMP/all.log"; then fail "a secret was shown: $(grep T0KEN "$TMP/all.log")"; fi

# -- routes: by level, and by the event's kind, actor and tag
hook r
cat >"$TMP/config" <<EOC
alert-receiver.urgent.type = webhook
alert-receiver.urgent.url = http://127.0.0.1:$PORT/urgent
alert-receiver.meetings.type = webhook
alert-receiver.meetings.url = http://127.0.0.1:$PORT/meetings
alert-receiver.khm.type = webhook
alert-receiver.khm.url = http://127.0.0.1:$PORT/khm
alert-route = level=urgent -> urgent
alert-route = kind=meeting,talks -> meetings
alert-route = actor=Cambodia tag=demining -> khm
EOC
ok check --config "$TMP/config"
out_has "3 alert receivers (urgent: webhook http://127.0.0.1:$PORT/..., meetings: webhook http://127.0.0.1:$PORT/..., khm: webhook http://127.0.0.1:$PORT/...), 3 routes"
ok add --title "Meeting" --when 2024-03-12 --kind meeting --actor KHM
ok add --title "Demining" --when 2024-03-13 --kind visit --actor KHM --tag demining
cat >"$TMP/fire.lua" <<'EOC'
local at = require "attache"
at.alert{key = "a1", title = "urgent, no event", level = "urgent"}
at.alert{key = "a2", title = "meeting, KHM", event = 1}
at.alert{key = "a3", title = "visit, KHM, demining", level = "urgent", event = 2}
at.alert{key = "a4", title = "info, no event"}
EOC
ok run --config "$TMP/config" "$TMP/fire.lua"
wait_status "$TMP/r.log" 200 4
python3 - "$TMP/r.log" <<'EOF' || fail "routes: $(cat "$TMP/r.log")"
import json, sys
got = sorted((json.loads(json.loads(l)["body"])["key"], json.loads(l)["path"]) for l in open(sys.argv[1]))
want = sorted([("a1", "/urgent"), ("a2", "/meetings"), ("a3", "/urgent"), ("a3", "/khm")])
assert got == want, got
EOF
unhook r
done_ok
