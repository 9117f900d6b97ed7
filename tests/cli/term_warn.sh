#!/bin/sh
# warn() and script errors a terminal can trust (issue 12, finding 8): what
# a script passes to warn() or error() reaches stderr through the
# daemon's log (text and --log-json) and through `attache run`; control
# characters, direction controls and line breaks come out escaped, so a
# script can neither drive the terminal nor forge a line of the log
# (`attache run` logs through bindings/host/host.c, att_engine_log).
. "$(dirname "$0")/lib.sh"
need python3

W=$TMP/work
mkdir -p "$W/scripts"
cd "$W" || fail "cd"
export TZ=UTC
new_store

cat >"$W/scripts/w.lua" <<'LUA'
warn("w\27[31mred\r\u{202e}\u{9b}x\nFAKE error other.lua: forged")
error("e\27]0;pwned\7\u{2067}\nFAKE info attache: forged")
LUA

# -- the daemon's text log: one line per event
run serve --scripts "$W/scripts" --now 2024-01-01 --until 2024-01-02 --no-state
term_clean "$TMP/err" "serve log"
err_has 'w\x1b[31mred\r\u202e\u009bx\nFAKE error other.lua: forged'
err_has 'e\x1b]0;pwned\x07\u2067\nFAKE info attache: forged'
if grep -q '^FAKE' "$TMP/err"; then fail "a script forged a line of the log"; fi

# -- with --verbose the traceback follows, still clean
run serve --scripts "$W/scripts" --now 2024-01-01 --until 2024-01-02 --no-state --verbose
term_clean "$TMP/err" "serve log, verbose"
if grep -q '^FAKE' "$TMP/err"; then fail "a script forged a line of the log"; fi

# -- --log-json: valid JSON, and the message decodes to clean text
run serve --scripts "$W/scripts" --now 2024-01-01 --until 2024-01-02 --no-state --log-json
term_clean "$TMP/err" "serve --log-json"
python3 - "$TMP/err" <<'PY' || fail "--log-json lines are not clean JSON"
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(l)["msg"]
    for c in m:
        o = ord(c)
        assert not (o < 0x20 or 0x7f <= o <= 0x9f or 0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069), repr(m)
PY

# -- attache run: warn() and the error on stderr
run run "$W/scripts/w.lua"
term_clean "$TMP/err" "run"
err_has 'w\x1b[31mred\r\u202e'
if grep -q '^FAKE' "$TMP/err"; then fail "a script forged a line of run's stderr"; fi

done_ok
