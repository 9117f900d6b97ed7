#!/bin/sh
# Alerts a terminal can trust (issue 12, finding 8): a script's alert
# title, key, body and level reach stdout through the daemon, `attache
# run` and `attache alerts`; every control character (C0 but the line
# breaks of a body, DEL, C1 as code points, ESC, CR), every direction
# control (U+202A-202E, U+2066-2069, U+200E/200F, U+061C) and the line
# separators U+2028/2029 come out escaped, while the log keeps the text as
# it was given and --json carries it exactly (with \u escapes).  An alert
# with invalid UTF-8 is refused, since its log line could not be read back.
# The alert file is created with mode 0600 whatever the umask.
. "$(dirname "$0")/lib.sh"
need python3

W=$TMP/work
mkdir -p "$W/scripts"
cd "$W" || fail "cd"
export TZ=UTC

new_store

# Every class in one title; the key and the body have their own.
cat >"$W/fire.lua" <<'LUA'
local at = require "attache"
local title = "T\27]0;pwned\7\27[31mred\rCR\8BS\127DEL\u{9b}CSI\u{85}NEL" ..
  "\u{202e}RLO\u{202a}\u{202b}\u{202c}\u{202d}\u{2066}\u{2067}\u{2068}\u{2069}" ..
  "\u{200e}\u{200f}\u{61c}\u{2028}LS\u{2029}PS\tTAB\nLF end"
print(at.alert{key = "k\27[2J\u{202e}ey", title = title,
  body = "line one\nline two\27[0m\r\u{202e}", event = 1})
LUA

# -- attache run: the alert line on stdout
ok add --title "Meeting" --when 2024-03-12
ok run fire.lua
term_clean "$TMP/out" "run"
out_has 'T\x1b]0;pwned\x07\x1b[31mred\rCR\x08BS\x7fDEL\u009bCSI\u0085NEL\u202eRLO\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028LS\u2029PS\tTAB\nLF end: line one'
out_has '    line two\x1b[0m\r\u202e (event 1)'

# -- attache alerts: the same line, the key escaped at its end
ok alerts
term_clean "$TMP/out" "alerts"
out_has 'T\x1b]0;pwned\x07'
out_has '  key: k\x1b[2J\u202eey'
out_has '    line two\x1b[0m\r\u202e (event 1)'

# -- --json keeps the exact text: JSON escapes, decoded back to the same
ok alerts --json
term_clean "$TMP/out" "alerts --json"
python3 - "$TMP/out" <<'PY' || fail "alerts --json does not decode to the title given"
import json, sys
a = json.loads(open(sys.argv[1], encoding="utf-8").readline())
want = ("T\x1b]0;pwned\x07\x1b[31mred\rCR\x08BS\x7fDEL\u009bCSI\u0085NEL"
        "\u202eRLO\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069"
        "\u200e\u200f\u061c\u2028LS\u2029PS\tTAB\nLF end")
assert a["title"] == want, repr(a["title"])
assert a["key"] == "k\x1b[2J\u202eey", repr(a["key"])
PY

# -- the daemon: an alert fired from a script on a simulated clock
cp "$W/fire.lua" "$W/scripts/fire.lua"
sed -i 's/key = "k/key = "d/' "$W/scripts/fire.lua"
ok serve --scripts "$W/scripts" --now 2024-01-01 --until 2024-01-02 --no-state
term_clean "$TMP/out" "serve stdout"
term_clean "$TMP/err" "serve log"
out_has 'T\x1b]0;pwned\x07\x1b[31mred\rCR'
out_has '\u202eRLO'

# -- the alert file (JSON Lines) is exact and safe to cat
cat >"$W/file.lua" <<'LUA'
local at = require "attache"
at.alert{key = "f1", title = "F\27[31m\u{202e}", to = "file"}
LUA
(umask 000 && "$ATT" --store "$STORE" run --alert-file "$W/alerts.jsonl" file.lua) >"$TMP/out" 2>"$TMP/err" ||
  fail "run --alert-file failed"
# the alert file takes the store's private mode, whatever the umask
mode=$(stat -c %a "$W/alerts.jsonl")
[ "$mode" = 600 ] || fail "the alert file has mode $mode, expected 600"
term_clean "$W/alerts.jsonl" "alert file"
python3 -c '
import json, sys
a = json.loads(open(sys.argv[1], encoding="utf-8").readline())
assert a["title"] == "F\x1b[31m\u202e", repr(a["title"])' "$W/alerts.jsonl" ||
  fail "the alert file does not decode to the title given"

# -- invalid UTF-8 is refused (its log line could not be read back)
cat >"$W/bad.lua" <<'LUA'
local at = require "attache"
for _, a in ipairs{{key = "b1", title = "raw \155 byte"}, {key = "b2\255", title = "t"},
                   {key = "b3", title = "t", body = "\192\128"}} do
  print(pcall(at.alert, a))
end
LUA
run run bad.lua
out_lacks "true"
ok alerts
out_lacks "raw"
if grep -q "dropped" "$TMP/err"; then fail "the alert log was damaged: $(cat "$TMP/err")"; fi

done_ok
