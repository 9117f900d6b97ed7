#!/bin/sh
# The web page of `attache serve --listen` (docs/web.md), checked from
# outside by tests/cli/web_check.py: sessions, CSRF and Origin, roles,
# the stale edit, the date echo, HTML injection through every field into
# every page, traversal of the static files, the security headers, and
# the live stream.  (tests/cli/ui_browser.sh drives it in a browser.)
. "$(dirname "$0")/lib.sh"
need python3

new_store
S=$TMP/scripts
mkdir -p "$S"
# A rule whose alerts carry what the event holds: the alerts page must
# escape them too.
cat >"$S/echo.lua" <<'LUA'
local at = require "attache"
at.on("add", function(ev)
  at.alert{key = "added-" .. ev.id, title = "added: " .. ev.title, body = ev.notes, event = ev.id}
end)
LUA
ok user add ana --role editor
ED=$(cat "$TMP/out")
ok user add bob
RD=$(cat "$TMP/out")
ok user add cy --role editor
ED2=$(cat "$TMP/out")
"$ATT" --store "$TMP/scratch" init >/dev/null 2>&1 || fail "cannot make the scratch store"

${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --listen 127.0.0.1:0 >"$TMP/d.out" 2>"$TMP/d.err" &
DPID=$!
wait_for "$TMP/d.err" "started on" "the daemon did not start"
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/d.err")
[ -n "$PORT" ] || fail "the log does not say the port: $(cat "$TMP/d.err")"

python3 "$SRC/tests/cli/web_check.py" "$PORT" "$ED" "$RD" "$ED2" "$ATT" "$STORE" "$WAIT_S" "$TMP/scratch" \
  >"$TMP/check.out" 2>&1 || {
  cat "$TMP/check.out" >&2
  kill -TERM "$DPID" 2>/dev/null
  fail "the web checks (above); the daemon's log: $(tail -20 "$TMP/d.err")"
}
NCHECKS=$((NCHECKS + $(grep -c '^ok' "$TMP/check.out")))

kill -TERM "$DPID"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon exited $? on SIGTERM: $(tail -5 "$TMP/d.err")"
done_ok
