#!/bin/sh
# Alerts by mail (docs/alerts.md) to a local SMTP server (tests/cli/smtp.py
# on aiosmtpd): the envelope, headers (Message-ID from the idempotency key,
# an encoded UTF-8 subject, Auto-Submitted) and the base64 text; AUTH with
# a password from a file, then from the environment; a wrong password is
# an error that is retried and never shows the password; the password
# never appears in any output, log, listing or `attache check`;
# starttls = required refuses a server that does not offer it.
. "$(dirname "$0")/lib.sh"
need python3
. "$(dirname "$0")/smtp.lib"

SECRET='pa55-Wd-xyzzy'
trap 'for p in "$TMP"/*.pid; do [ -f "$p" ] && kill -KILL "$(cat "$p")" 2>/dev/null; done; rm -rf "$TMP"' EXIT INT TERM
# config PASSWORD-LINE: a mail receiver with that password option.
config() {
  cat >"$TMP/config" <<EOC
alert-receiver.desk.type = email
alert-receiver.desk.url = smtp://127.0.0.1:$PORT
alert-receiver.desk.from = attache@desk.example.org
alert-receiver.desk.to = duty@desk.example.org, director@desk.example.org
alert-receiver.desk.username = analyst
alert-receiver.desk.timeout = 5
$1
EOC
}
keep() { cat "$TMP/out" "$TMP/err" >>"$TMP/all.log"; }
cat >"$TMP/fire.lua" <<'EOC'
local at = require "attache"
local key = ...
print(at.alert{key = key, title = "Réunion du CDC à Phnom Penh", body = "Endorse the 2024-28 policy",
  level = "urgent", event = 1})
EOC

new_store
ok add --title "CDC meeting" --when 2024-03-12 --kind meeting
smtp m analyst "$SECRET"
printf '%s\n' "$SECRET" >"$TMP/pw"
chmod 600 "$TMP/pw"

# -- password from a file: check, then one delivery
config "alert-receiver.desk.password-file = $TMP/pw"
ok check --config "$TMP/config"
keep
out_has "ok $TMP/config (1 alert receiver (desk: email smtp://127.0.0.1:$PORT/), 0 routes"
ok run --config "$TMP/config" "$TMP/fire.lua" mail-1
keep
err_has 'alert "mail-1": delivered to desk (attempt 1)'
"$PY" - "$TMP/m.log" <<'EOC' || fail "the message: $(cat "$TMP/m.log")"
import base64, email, email.header, json, sys
r = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(r) == 1, r
x = r[0]
assert x["user"] == "analyst", x
assert x["from"] == "attache@desk.example.org", x
assert x["to"] == ["duty@desk.example.org", "director@desk.example.org"], x
m = email.message_from_string(x["data"])
assert m["Message-ID"] == "<mail-1/desk@desk.example.org>", m["Message-ID"]
subj = str(email.header.make_header(email.header.decode_header(m["Subject"])))
assert subj == "[urgent] Réunion du CDC à Phnom Penh", subj
assert m["Auto-Submitted"] == "auto-generated" and m["To"] == "duty@desk.example.org, director@desk.example.org", m
assert m["Date"], m
text = m.get_payload(decode=True).decode("utf-8")
assert text.startswith("Réunion du CDC à Phnom Penh\n\nEndorse the 2024-28 policy\n\n"), text
assert "Level: urgent\n" in text and "Event: 1\n" in text and "Key: mail-1\n" in text, text
EOC

# -- password from the environment
config "alert-receiver.desk.password-env = ATT_TEST_SMTP_PW"
ATT_TEST_SMTP_PW=$SECRET
export ATT_TEST_SMTP_PW
ok run --config "$TMP/config" "$TMP/fire.lua" mail-2
keep
err_has 'alert "mail-2": delivered to desk (attempt 1)'
[ "$(grep -c '"user": "analyst"' "$TMP/m.log")" = 2 ] || fail "the second message did not log in"

# -- a wrong password: refused, retried later, the password not shown
ATT_TEST_SMTP_PW='wrong-Secret-42'
ok run --config "$TMP/config" "$TMP/fire.lua" mail-3
keep
err_has 'alert "mail-3": desk: Login denied'
err_has "tried again at"
ok alerts --pending --json
keep
out_has '"id":"mail-3/desk"'
ok alerts --pending
keep
# -- starttls = required, to a server without STARTTLS: refused, not sent in clear
ATT_TEST_SMTP_PW=$SECRET
config "alert-receiver.desk.password-env = ATT_TEST_SMTP_PW
alert-receiver.desk.starttls = required"
ok run --config "$TMP/config" "$TMP/fire.lua" mail-4
keep
err_has 'alert "mail-4": desk: Requested SSL level failed: STARTTLS not supported.'
err_has "tried again at"
n=$(grep -c '"user": "analyst"' "$TMP/m.log")
[ "$n" = 2 ] || fail "a message went out without STARTTLS ($n logged in)"
# -- a missing variable or file is a config error that names the key
unset ATT_TEST_SMTP_PW
expect_rc 1 check --config "$TMP/config"
keep
err_has "alert-receiver.desk: the environment variable ATT_TEST_SMTP_PW is not set (or empty)"
config "alert-receiver.desk.password-file = $TMP/nope"
expect_rc 1 check --config "$TMP/config"
keep
err_has "alert-receiver.desk: cannot read the file $TMP/nope"
config ""
expect_rc 1 check --config "$TMP/config"
keep
err_has "alert-receiver.desk: password is missing; give password, password-file FILE or password-env VARIABLE"

for s in "$SECRET" wrong-Secret-42; do
  if grep -qF -- "$s" "$TMP/all.log"; then fail "a password appears in the output: $(grep -F -- "$s" "$TMP/all.log")"; fi
done
grep -q 'Login denied' "$TMP/all.log" || fail "the logs kept nothing of the refusal"
done_ok
