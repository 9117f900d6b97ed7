#!/bin/sh
# The web page of `attache serve --listen` (docs/web.md), checked from
# outside by tests/cli/web_check.py: sessions, CSRF and Origin, roles,
# the stale edit, the date echo, HTML injection through every field into
# every page, traversal of the static files, the security headers, and
# the live stream.  Then a write while another process holds the store:
# 503 at once, never a wait on the loop.  (tests/cli/ui_browser.sh drives it in a browser.)
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

# -- a write while another process holds the store (an import, a
# compaction): 503 at once, with Retry-After, nothing written; the loop
# never waits for the lock.  Then the same write goes through.
cat >"$TMP/hold.lua" <<'LUA'
local at = require "attache"
local out = ...
at.batch(function()
  at.add{title = "Held in a batch", when = "2024"}
  local f = assert(io.open(out .. "/holding", "w")); f:close()
  local t = os.clock()
  while os.clock() - t < 3 do end
end)
LUA
mkdir -p "$TMP/hold"
"$ATT" --store "$STORE" run --write "$TMP/hold" "$TMP/hold.lua" "$TMP/hold" >"$TMP/hold.out" 2>&1 &
HPID=$!
deadline=$(($(date +%s) + WAIT_S))
until [ -e "$TMP/hold/holding" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the script holding the store did not start: $(cat "$TMP/hold.out")"
  sleep 0.05
done
python3 - "$PORT" "$ED" <<'PY' >"$TMP/busy.out" 2>&1 || fail "a write while the store is held: $(cat "$TMP/busy.out")"
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
c.request("POST", "/v1/events", body=json.dumps({"title": "While held", "when": "2024"}),
          headers={"Authorization": "Bearer " + sys.argv[2]})
r = c.getresponse()
b = json.loads(r.read())
assert r.status == 503 and r.getheader("Retry-After") == "1", (r.status, r.getheaders(), b)
assert "is being written by another process (pid" in b["error"]["message"], b
PY
wait "$HPID" || fail "the script holding the store failed: $(cat "$TMP/hold.out")"
ok list --text "While held"
[ ! -s "$TMP/out" ] || fail "the refused write was written: $(cat "$TMP/out")"
python3 - "$PORT" "$ED" <<'PY' || fail "the write after the store was released"
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
c.request("POST", "/v1/events", body=json.dumps({"title": "While held", "when": "2024"}),
          headers={"Authorization": "Bearer " + sys.argv[2]})
assert c.getresponse().status == 201
PY

# Wrong tokens from the address of a session (every local client is
# 127.0.0.1) lock out that address's token guesses, not its sessions: a
# typo of one user ended every web session from the address.  (Last: the
# address stays locked out a while.)
python3 - "$PORT" "$ED" <<'PY' >"$TMP/lockout.out" 2>&1 || fail "wrong tokens and a session: $(cat "$TMP/lockout.out")"
import http.client, re, sys, urllib.parse
port, tok = int(sys.argv[1]), sys.argv[2]
def req(method, path, headers=None, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    r.read()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders())
st, h = req("POST", "/ui/login", {"Content-Type": "application/x-www-form-urlencoded"},
            urllib.parse.urlencode({"token": tok}))
sid = re.match(r"attache_session=([0-9a-f]{64});", h.get("set-cookie", "")).group(1)
for i in range(12):
    req("GET", "/v1/whoami", {"Authorization": "Bearer att_" + "0" * 64})
st, h = req("GET", "/v1/whoami", {"Authorization": "Bearer " + tok})
assert st == 401, ("the address should be locked out", st)
st, h = req("GET", "/ui/agenda", {"Cookie": "attache_session=" + sid})
assert st == 200, ("the web session from the address ended", st, h.get("location"))
st, h = req("POST", "/ui/login", {"Content-Type": "application/x-www-form-urlencoded"},
            urllib.parse.urlencode({"token": "att_" + "1" * 64}))
assert st == 401, ("a login from the locked-out address", st)
PY
NCHECKS=$((NCHECKS + 3))

kill -TERM "$DPID"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon exited $? on SIGTERM: $(tail -5 "$TMP/d.err")"
done_ok
